/**
 * The worker side of the protocol, shared by the browser worker and the Node worker thread:
 * backend probing and choice, a dataset cache kept across jobs, one job at a time (taken from the
 * pool's job port, or called directly), cancellation.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { BackendName, TrainJob, TrainProgress, TrainResult } from '../engine/job.ts';
import { JobCancelled, fitJob } from '../engine/train/fit.ts';
import { type FileLoader, dataKey, loadData } from '../engine/train/load.ts';
import { wasmCanTrainConv } from '../engine/train/wasm-conv.ts';
import { installWasmTrainingKernels } from '../engine/train/wasm-training-kernels.ts';
import { primeTfjsFeedback } from '../engine/train/jit-priming.ts';
import { DATASETS } from '../engine/datasets.ts';
import type { LoadedData } from '../engine/train/toy-data.ts';
import { type Availability, chooseBackend, isSoftwareRenderer } from './backend-choice.ts';
import type { JobMessage, JobRequest, TensorMemory, TrainerApi, WireError, WorkerInfo } from './protocol.ts';
import { type ProgressBatcher, progressBatcher } from './progress-batch.ts';
import { type WireResult, packProgress, packResult } from './wire.ts';

export interface TrainerEnv {
  /** The WebGL renderer string if a WebGL2 context can be made here (browser workers), else null. */
  readonly probeWebgl: () => string | null;
  /** Yield to the event loop so a cancel message can arrive mid-epoch. */
  readonly yieldToEvents: () => Promise<void>;
  /** Reads a prepared dataset file (fs in Node, fetch in the browser). */
  readonly loadFile: FileLoader;
}

/** Generated toy sets kept per worker (cheap to make again); prepared files are all kept, being few and costly to load. */
const TOY_CACHE_LIMIT = 16;

export function createTrainer(env: TrainerEnv): TrainerApi {
  let info: Promise<WorkerInfo> | null = null;
  let avail: Availability = { webgl: false, softwareWebgl: false, wasm: false, wasmConv: false };
  const cancelled = new Set<string>();
  const data = new Map<string, Promise<LoadedData>>();
  const toyKeys = new Set<string>();
  let busy = false;

  async function probe(): Promise<WorkerInfo> {
    const renderer = env.probeWebgl();
    const webgl = renderer !== null && tf.findBackendFactory('webgl') !== null;
    let wasm = false;
    if (tf.findBackendFactory('wasm') !== null) {
      try {
        wasm = await tf.setBackend('wasm');
      } catch {
        wasm = false;
      }
    }
    // Dense gradients use transposed products, which the stock wasm kernel runs 5-10x slower;
    // conv gradients are missing (filter) or slow (input, max pool) in stock tfjs-backend-wasm.
    if (wasm) {
      installWasmTrainingKernels();
    } else {
      await tf.setBackend('cpu');
    }
    primeTfjsFeedback();
    avail = { webgl, softwareWebgl: webgl && isSoftwareRenderer(renderer ?? ''), wasm, wasmConv: wasm && wasmCanTrainConv() };
    const backends: BackendName[] = [];
    if (webgl) backends.push('webgl');
    if (wasm) backends.push('wasm');
    backends.push('cpu');
    return { backends, webglRenderer: renderer, softwareWebgl: avail.softwareWebgl };
  }

  async function use(name: BackendName): Promise<void> {
    if (tf.getBackend() === name) return;
    const okay = await tf.setBackend(name);
    if (!okay) throw new Error(`the ${name} backend failed to initialise`);
    await tf.ready();
  }

  /** Datasets stay resident for later jobs: a file is read once per worker. */
  async function dataset(job: TrainJob): Promise<LoadedData> {
    const key = dataKey(job.spec.dataset, job.spec.seed);
    let d = data.get(key);
    if (!d) {
      d = loadData(job.spec.dataset, job.spec.seed, env.loadFile);
      d.catch(() => data.delete(key));
      if (DATASETS[job.spec.dataset.name].source.kind === 'toy') {
        const toys = [...data.keys()].filter((k) => toyKeys.has(k));
        if (toys.length >= TOY_CACHE_LIMIT) {
          data.delete(toys[0]!);
          toyKeys.delete(toys[0]!);
        }
        toyKeys.add(key);
      }
      data.set(key, d);
    }
    return d;
  }

  /** One job at a time, on the backend its layers call for, with the dataset kept from earlier jobs. */
  async function trainWith(job: TrainJob, progress: ProgressBatcher): Promise<TrainResult> {
    await (info ??= probe());
    if (busy) throw new Error('this worker is already training a job');
    busy = true;
    try {
      const choice = chooseBackend(job.spec.layers, avail);
      await use(choice.backend);
      const loaded = await dataset(job);
      return await fitJob(job, loaded, {
        onProgress: progress.push,
        cancelled: () => cancelled.has(job.id),
        yieldToEvents: env.yieldToEvents,
        flushProgress: progress.flush,
        backend: choice.backend,
        backendReason: choice.reason,
      });
    } catch (e) {
      if (e instanceof JobCancelled) throw e;
      throw new Error(`training failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      // One job at a time: a cancel that arrived late for this job must not linger.
      cancelled.clear();
      busy = false;
    }
  }

  /** The pool's job port: a JobRequest in, progress batches and one end message out (protocol.ts). */
  function serve(port: MessagePort): void {
    port.onmessage = (ev: MessageEvent<JobRequest>) => {
      const jobId = ev.data.job.id;
      const progress = progressBatcher((batch) => port.postMessage({ jobId, progress: packProgress(batch) } satisfies JobMessage));
      // Progress not yet sent is dropped: the result's history holds every epoch, and the page
      // would only have replaced it at once (a failed or cancelled run's live records are cleared
      // too). A small job's whole life is then one message each way (issue 7).
      const end = (m: { result: WireResult } | { error: WireError }) => {
        progress.drain();
        port.postMessage({ jobId, ...m } satisfies JobMessage);
      };
      trainWith(ev.data.job, progress).then(
        (result) => {
          try {
            end({ result: packResult(result) });
          } catch (e) {
            end({ error: wireError(e) }); // a result that cannot be cloned must still end the job
          }
        },
        (e: unknown) => end({ error: wireError(e) }),
      );
    };
  }

  return {
    ready(jobPort?: MessagePort) {
      if (jobPort) serve(jobPort);
      info ??= probe();
      return info;
    },
    async train(job: TrainJob, onProgress: (batch: readonly TrainProgress[]) => void): Promise<TrainResult> {
      const progress = progressBatcher((batch) => void onProgress(batch));
      try {
        return await trainWith(job, progress);
      } finally {
        progress.flush();
        // Across a worker the callback is a Comlink proxy holding a message port open; let it go.
        (onProgress as Partial<Comlink.Remote<object>>)[Comlink.releaseProxy]?.();
      }
    },
    cancel(jobId: string) {
      cancelled.add(jobId);
    },
    memory(): TensorMemory {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    },
  };
}

function wireError(e: unknown): WireError {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}
