/**
 * The page's runner on the job queue, through the relay of `sweepsheet serve` (src/queue/relay.ts):
 * one event stream for progress and results, a POST per job. The relay re-checks every spec and
 * the jobs are keyed by spec on the queue, so after a dropped stream the page simply submits its
 * jobs again under the new session: a job already done or under way is not trained twice.
 *
 * `chooseRunner` wraps the local worker pool so the person can switch between the two; the
 * choice applies to runs started from then on and is remembered in this browser.
 */
import type { TrainJob, TrainProgress, TrainResult } from '../engine/job.ts';
import type { Runner } from '../engine/scheduler/runner.ts';
import { checkProgress, checkResult, decode } from '../queue/codec.ts';
import { RunAborted } from './pool.ts';

const PATHS = { info: '/api/queue/info', events: '/api/queue/events', jobs: '/api/queue/jobs', cancel: '/api/queue/cancel' } as const;
const STORAGE_KEY = 'sweepsheet.runOnQueue';

interface InFlight {
  readonly job: TrainJob;
  readonly onProgress: (p: TrainProgress) => void;
  readonly resolve: (r: TrainResult) => void;
  readonly reject: (e: Error) => void;
}

/** Whether this page was served with a queue behind it (`sweepsheet serve --redis`). */
export async function detectQueue(): Promise<boolean> {
  try {
    // No JSON accept header: under plain Vite the SPA fallback answers 200 with HTML (not a 404 in the console).
    const res = await fetch(PATHS.info);
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('application/json')) return false;
    const body = (await res.json()) as { queue?: unknown };
    return body.queue === true;
  } catch {
    return false;
  }
}

export class RelayRunner implements Runner {
  /** Jobs handed to the queue at once; the remote workers decide how many train. */
  readonly capacity: number;
  private source: EventSource | null = null;
  private session: Promise<string> | null = null;
  private readonly jobs = new Map<string, InFlight>();

  constructor(capacity = 256) {
    this.capacity = capacity;
  }

  run(job: TrainJob, opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult> {
    if (opts.signal.aborted) return Promise.reject(new RunAborted(job.id));
    return new Promise<TrainResult>((resolve, reject) => {
      const finish = () => {
        this.jobs.delete(job.id);
        opts.signal.removeEventListener('abort', onAbort);
      };
      const entry: InFlight = {
        job, onProgress: opts.onProgress,
        resolve: (r) => { finish(); resolve(r); },
        reject: (e) => { finish(); reject(e); },
      };
      const onAbort = () => {
        entry.reject(new RunAborted(job.id));
        void this.session?.then((session) => this.post(PATHS.cancel, { session, id: job.id })).catch(() => undefined);
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
      this.jobs.set(job.id, entry);
      void this.submit(entry);
    });
  }

  dispose(): void {
    this.source?.close();
    this.source = null;
    this.session = null;
    for (const j of [...this.jobs.values()]) j.reject(new Error('the queue connection was closed'));
  }

  private async submit(entry: InFlight): Promise<void> {
    try {
      const session = await this.connect();
      const res = await this.post(PATHS.jobs, { session, id: entry.job.id, spec: entry.job.spec });
      if (res.status !== 202) {
        const body = (await res.json().catch(() => ({}))) as { error?: unknown };
        entry.reject(new Error(`the queue refused the job: ${typeof body.error === 'string' ? body.error : `HTTP ${res.status}`}`));
      }
    } catch (e) {
      entry.reject(new Error(`could not reach the queue: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  private post(path: string, body: unknown): Promise<Response> {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** The stream's session id; a new stream (after a drop) resubmits every job in flight. */
  private connect(): Promise<string> {
    if (this.session) return this.session;
    this.session = new Promise<string>((resolve) => {
      const source = new EventSource(PATHS.events);
      this.source = source;
      let first = true;
      source.addEventListener('hello', (e) => {
        const d = decode((e as MessageEvent<string>).data);
        const id = d.ok ? (d.value as { session?: unknown }).session : undefined;
        if (typeof id !== 'string') return;
        if (first) {
          first = false;
          resolve(id);
          return;
        }
        // The relay forgot us when the stream dropped: the same jobs again, under the new session.
        this.session = Promise.resolve(id);
        for (const j of this.jobs.values()) void this.submit(j);
      });
      source.addEventListener('progress', (e) => this.onEvent(e, (j, v) => {
        const p = checkProgress((v as { p?: unknown }).p);
        if (p.ok) j.onProgress({ ...p.value, jobId: j.job.id });
      }));
      source.addEventListener('result', (e) => this.onEvent(e, (j, v) => {
        const r = checkResult((v as { r?: unknown }).r);
        if (r.ok) j.resolve({ ...r.value, jobId: j.job.id });
        else j.reject(new Error(`the queue returned an unreadable result: ${r.error}`));
      }));
      source.addEventListener('failed', (e) => this.onEvent(e, (j, v) => {
        const message = (v as { message?: unknown }).message;
        j.reject(new Error(typeof message === 'string' ? message : 'failed on the queue'));
      }));
    });
    return this.session;
  }

  private onEvent(e: Event, fn: (job: InFlight, value: unknown) => void): void {
    const d = decode((e as MessageEvent<string>).data);
    if (!d.ok || d.value === null || typeof d.value !== 'object') return;
    const id = (d.value as { id?: unknown }).id;
    const job = typeof id === 'string' ? this.jobs.get(id) : undefined;
    if (job) fn(job, d.value);
  }
}

/** The person's choice between this browser's workers and the queue, shared by the toolbar and the runner. */
export interface QueueChoice {
  /** Whether a queue is there to choose. */
  readonly available: boolean;
  readonly on: () => boolean;
  set(on: boolean): void;
  subscribe(fn: (on: boolean) => void): () => void;
}

let choice: QueueChoice = { available: false, on: () => false, set: () => undefined, subscribe: () => () => undefined };

export function queueChoice(): QueueChoice {
  return choice;
}

/**
 * A runner that trains on `local` or on the queue, as the person chose. Detects the queue once;
 * without one it is `local` itself.
 */
export async function chooseRunner(local: Runner & { dispose(): void }): Promise<Runner & { dispose(): void }> {
  if (!(await detectQueue())) return local;
  const relay = new RelayRunner();
  const listeners = new Set<(on: boolean) => void>();
  let on = readStored();
  choice = {
    available: true,
    on: () => on,
    set(next) {
      on = next;
      try {
        globalThis.localStorage?.setItem(STORAGE_KEY, next ? '1' : '0');
      } catch {
        // Not remembered; the switch still applies now.
      }
      for (const fn of listeners) fn(on);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  return {
    get capacity() {
      return on ? relay.capacity : local.capacity;
    },
    run: (job, opts) => (on ? relay.run(job, opts) : local.run(job, opts)),
    dispose() {
      relay.dispose();
      local.dispose();
    },
  };
}

function readStored(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}
