/**
 * The worker side of the protocol, shared by the browser worker and the Node worker thread:
 * backend probing and choice, a dataset cache kept across jobs, one job at a time, cancellation.
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
import type { TensorMemory, TrainerApi, WorkerInfo } from './protocol.ts';
import { progressBatcher } from './progress-batch.ts';

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

  return {
    ready() {
      info ??= probe();
      return info;
    },
    async train(job: TrainJob, onProgress: (batch: readonly TrainProgress[]) => void): Promise<TrainResult> {
      await this.ready();
      if (busy) throw new Error('this worker is already training a job');
      busy = true;
      const progress = progressBatcher((batch) => void onProgress(batch));
      try {
        const choice = chooseBackend(job.spec.layers, avail);
        await use(choice.backend);
        const loaded = await dataset(job);
        return await fitJob(job, loaded, {
          onProgress: progress.push,
          cancelled: () => cancelled.has(job.id),
          yieldToEvents: env.yieldToEvents,
          backend: choice.backend,
          backendReason: choice.reason,
        });
      } catch (e) {
        if (e instanceof JobCancelled) throw e;
        throw new Error(`training failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        progress.flush();
        // One job at a time: a cancel that arrived late for this job must not linger.
        cancelled.clear();
        busy = false;
        // The callback is a Comlink proxy holding a message port open; let it go.
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
