/**
 * The pool supervisor: owns each training worker, waits for its ready handshake, tracks the call
 * in flight, and never leaves a caller pending. A worker that dies, throws at top level or stops
 * reporting is terminated and replaced, and its job rejected (or retried once on a fresh worker).
 * Works the same over Web Workers and Node worker threads: only the factory differs.
 *
 * Per job, the page's side costs little: the job goes out on the worker's job port (set up once at
 * the handshake, see protocol.ts), progress and the end come back on it, and one pool-wide timer
 * watches every running job for silence. With two workers on two cores, every ms the main thread
 * spends per job is taken from a worker.
 */
import * as Comlink from 'comlink';
import type { TrainJob, TrainProgress, TrainResult } from '../engine/job.ts';
import type { Runner } from '../engine/scheduler/runner.ts';
import type { JobMessage, JobRequest, TensorMemory, TrainerApi, WorkerInfo } from './protocol.ts';
import { unpackProgress, unpackResult } from './wire.ts';

/** One started worker, however it was made. `onExit` fires once when it dies or errors. */
export interface WorkerHandle {
  readonly endpoint: Comlink.Endpoint;
  terminate(): void;
  onExit(cb: (reason: string) => void): void;
}

export type WorkerFactory = () => WorkerHandle;

export interface PoolOptions {
  readonly size: number;
  readonly factory: WorkerFactory;
  /** A worker that has not announced itself by then is replaced. */
  readonly readyTimeoutMs?: number;
  /** A job with no progress for this long is declared hung: its worker is replaced. */
  readonly stallTimeoutMs?: number;
  /** After a cancel, how long a worker may take to stop before it is terminated. */
  readonly cancelGraceMs?: number;
  /** How many times a job is retried on a fresh worker after its worker died. */
  readonly retries?: number;
}

export class WorkerCrashed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashed';
  }
}

export class RunAborted extends Error {
  constructor(jobId: string) {
    super(`run ${jobId} was superseded`);
    this.name = 'RunAborted';
  }
}

/** The job a worker is training, as the page tracks it. */
interface Active {
  readonly jobId: string;
  readonly onBatch: (batch: readonly TrainProgress[]) => void;
  readonly resolve: (r: TrainResult) => void;
  readonly reject: (e: Error) => void;
  /** When the worker last showed it is alive on this job (start, or a progress batch). */
  beat: number;
}

interface Slot {
  readonly handle: WorkerHandle;
  readonly api: Comlink.Remote<TrainerApi>;
  /** The page's end of the worker's job port. */
  readonly port: MessagePort;
  readonly ready: Promise<WorkerInfo>;
  /** Rejects `ready` if the worker dies before its handshake. */
  readonly die: (reason: string) => void;
  started: boolean;
  busy: boolean;
  dead: boolean;
  /** Leaves the pool after its job (the pool was made smaller while it trained). */
  retiring: boolean;
  active: Active | null;
}

interface Waiting {
  readonly take: (slot: Slot) => void;
}

export class WorkerPool implements Runner {
  /** Workers wanted: the slots that are not retiring. */
  private wanted: number;
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  private disposed = false;
  private readonly readyTimeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly cancelGraceMs: number;
  private readonly retries: number;
  /** Count of workers replaced after a crash, hang or forced cancel (for tests and the UI). */
  replaced = 0;

  constructor(private readonly opts: PoolOptions) {
    this.wanted = Math.max(1, Math.floor(opts.size));
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
    this.stallTimeoutMs = opts.stallTimeoutMs ?? 120_000;
    this.cancelGraceMs = opts.cancelGraceMs ?? 5_000;
    this.retries = opts.retries ?? 1;
    for (let i = 0; i < this.wanted; i++) this.slots.push(this.spawn());
  }

  /** How many jobs the pool trains at once: its number of workers. */
  get capacity(): number {
    return this.wanted;
  }

  /**
   * Grow or shrink to `size` workers (at least one). New workers start at once and take waiting
   * jobs; on shrinking, idle workers stop at once and busy ones when their job ends, so no run is
   * cut short. The engine asks the pool's capacity when it starts jobs: tell it to look again.
   */
  resize(size: number): void {
    const want = Math.max(1, Math.floor(size));
    if (this.disposed || want === this.wanted) return;
    this.wanted = want;
    const staying = this.slots.filter((s) => !s.retiring);
    // Growing back: a worker still finishing its job before leaving stays, rather than a new one starting.
    for (const s of this.slots) {
      if (staying.length >= want) break;
      if (!s.retiring || s.dead) continue;
      s.retiring = false;
      staying.push(s);
    }
    while (staying.length < want) {
      const fresh = this.spawn();
      this.slots.push(fresh);
      staying.push(fresh);
      this.waiting.shift()?.take(fresh);
    }
    // Idle workers (and dead ones awaiting a replacement) go first, then the last busy ones.
    const leaving = [...staying.filter((s) => !s.busy), ...staying.filter((s) => s.busy).reverse()].slice(0, staying.length - want);
    for (const s of leaving) {
      s.retiring = true;
      if (!s.busy) this.retire(s);
    }
  }

  /** The ready handshake of every worker (what each found it can run on). */
  info(): Promise<WorkerInfo[]> {
    return Promise.all(this.slots.map((s) => s.ready));
  }

  /** Live tensors in each idle worker. */
  async memory(): Promise<TensorMemory[]> {
    return Promise.all(this.slots.map((s) => s.api.memory()));
  }

  async run(job: TrainJob, opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult> {
    for (let attempt = 0; ; attempt++) {
      if (opts.signal.aborted) throw new RunAborted(job.id);
      const slot = await this.acquire(opts.signal, job.id);
      try {
        return await this.runOn(slot, job, opts);
      } catch (e) {
        if (!(e instanceof WorkerCrashed) || attempt >= this.retries || opts.signal.aborted) throw e;
      } finally {
        this.release(slot);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const s of this.slots) this.kill(s, 'the pool was closed');
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const handle = this.opts.factory();
    const api = Comlink.wrap<TrainerApi>(handle.endpoint);
    const { port1: port, port2 } = new MessageChannel();
    let die!: (reason: string) => void;
    const death = new Promise<never>((_, reject) => {
      die = (reason) => reject(new WorkerCrashed(reason));
    });
    death.catch(() => undefined);
    const ready = Promise.race([api.ready(Comlink.transfer(port2, [port2])), death, timeout(this.readyTimeoutMs, 'the worker did not start in time')]);
    const slot: Slot = { handle, api, port, ready, die, started: false, busy: false, dead: false, retiring: false, active: null };
    port.onmessage = (ev: MessageEvent<JobMessage>) => this.receive(slot, ev.data);
    // A job's end that cannot be read would leave its caller waiting for the stall timeout.
    port.onmessageerror = () => this.kill(slot, 'a message from the worker could not be read');
    ready.then(
      () => { slot.started = true; this.earlyDeaths = 0; },
      (e: unknown) => this.kill(slot, e instanceof Error ? e.message : String(e)),
    );
    handle.onExit((reason) => this.kill(slot, `the worker crashed (${reason})`));
    return slot;
  }

  /** A message on a job port: progress for the running job, or its end. */
  private receive(slot: Slot, m: JobMessage): void {
    const job = slot.active;
    // A job the pool gave up on (hung, crashed) says nothing more to anyone.
    if (!job || m.jobId !== job.jobId) return;
    job.beat = Date.now();
    if ('progress' in m) {
      // A throwing progress handler must not lose the job's end (through Comlink, its error went
      // back to the worker, which ignored it); say so and go on.
      try {
        job.onBatch(unpackProgress(m.progress));
      } catch (e) {
        console.error('a progress handler threw', e);
      }
    }
    if ('result' in m) {
      slot.active = null;
      job.resolve(unpackResult(m.result));
    } else if ('error' in m) {
      slot.active = null;
      job.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
    }
  }

  private acquire(signal: AbortSignal, jobId: string): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy && !s.dead);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve, reject) => {
      const w: Waiting = {
        take: (slot) => {
          signal.removeEventListener('abort', onAbort);
          slot.busy = true;
          resolve(slot);
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new RunAborted(jobId));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(w);
    });
  }

  private release(slot: Slot): void {
    slot.busy = false;
    if (slot.retiring) return this.retire(slot);
    if (slot.dead) return;
    const next = this.waiting.shift();
    if (next) next.take(slot);
  }

  private async runOn(slot: Slot, job: TrainJob, opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult> {
    await slot.ready;
    if (slot.dead) throw new WorkerCrashed('the worker died before the job started');
    let grace: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      void slot.api.cancel(job.id).catch(() => undefined);
      // A worker that does not stop in time is terminated; its replacement starts clean.
      grace = setTimeout(() => this.kill(slot, 'did not stop after cancel'), this.cancelGraceMs);
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await new Promise<TrainResult>((resolve, reject) => {
        slot.active = {
          jobId: job.id, resolve, reject, beat: Date.now(),
          // The worker batches its progress (progress-batch.ts); the engine still sees one call per update.
          onBatch: (batch) => { for (const p of batch) if (!opts.signal.aborted) opts.onProgress(p); },
        };
        this.watch();
        slot.port.postMessage({ job } satisfies JobRequest);
      });
    } finally {
      slot.active = null;
      clearTimeout(grace);
      opts.signal.removeEventListener('abort', onAbort);
    }
  }

  /** One timer for the whole pool, running while any job does: a job silent for too long is hung. */
  private watchdog: ReturnType<typeof setInterval> | undefined;

  private watch(): void {
    if (this.watchdog !== undefined) return;
    this.watchdog = setInterval(() => {
      const now = Date.now();
      let running = 0;
      for (const slot of this.slots) {
        const job = slot.active;
        if (!job) continue;
        running++;
        if (now - job.beat <= this.stallTimeoutMs) continue;
        slot.active = null;
        job.reject(new WorkerCrashed(`the worker stopped responding for ${Math.round(this.stallTimeoutMs / 1000)} s`));
        this.kill(slot, 'hung');
      }
      if (running === 0 || this.disposed) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, Math.min(1000, this.stallTimeoutMs / 4));
  }

  /** Terminate a worker, reject what it was doing, and put a fresh one in its place. */
  private kill(slot: Slot, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.handle.terminate();
    slot.api[Comlink.releaseProxy]();
    slot.port.close();
    slot.die(reason);
    const job = slot.active;
    slot.active = null;
    job?.reject(new WorkerCrashed(reason));
    if (!slot.started) this.earlyDeaths++;
    this.replace(slot);
  }

  /** Take an idle worker out of the pool for good (resize): stopped, not replaced. */
  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.dead) return;
    slot.dead = true;
    slot.handle.terminate();
    slot.api[Comlink.releaseProxy]();
    slot.port.close();
    slot.die('the pool was made smaller');
  }

  /** Workers that die before their handshake are replaced with a growing delay, not in a tight loop. */
  private earlyDeaths = 0;

  private replace(dead: Slot): void {
    if (this.disposed) return;
    const delay = this.earlyDeaths === 0 ? 0 : Math.min(30_000, 250 * 2 ** this.earlyDeaths);
    const swap = () => {
      const i = this.slots.indexOf(dead);
      if (i < 0 || this.disposed) return;
      // A worker that was leaving anyway (the pool shrank) is not replaced.
      if (dead.retiring) return void this.slots.splice(i, 1);
      this.replaced++;
      const fresh = this.spawn();
      this.slots[i] = fresh;
      const next = this.waiting.shift();
      if (next) next.take(fresh);
    };
    if (delay === 0) swap();
    else setTimeout(swap, delay);
  }
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => {
    const t = setTimeout(() => reject(new WorkerCrashed(message)), ms);
    (t as { unref?: () => void }).unref?.();
  });
}
