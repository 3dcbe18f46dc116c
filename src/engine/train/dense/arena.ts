/**
 * One block of float32 buffers on the heap of tfjs' wasm backend, allocated with its malloc, for
 * the fused dense step: our GEMM (kernels/gemm.ts) only reads and writes that heap, so batches,
 * activations, gradients, weights and optimizer slots live there, at fixed offsets for the job.
 *
 * Growing the wasm memory (any tfjs allocation, or the GEMM's workspace) replaces its
 * ArrayBuffer and detaches every view of the old one: `heap()` re-takes the view when that
 * happened, and `onGrow` callbacks re-take views their owners cached.
 */

/** The slice of tfjs-backend-wasm's emscripten module we use. */
interface EmscriptenModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
  _malloc?(bytes: number): number;
  _free?(ptr: number): void;
}

/** A buffer in the arena: its offset in floats (for heap views) and in bytes (for wasm calls). */
export interface Slab {
  /** Index of the first float in `arena.heap()`. */
  readonly at: number;
  /** Byte offset on the wasm heap (= at * 4), 16-byte aligned for SIMD loads. */
  readonly ptr: number;
  readonly length: number;
}

/** Float32 buffers on a wasm backend's heap; lay them out with `layout`, then `allocate` once. */
export class HeapArena {
  private readonly memory: WebAssembly.Memory;
  private readonly mod: Required<Pick<EmscriptenModule, '_malloc' | '_free'>>;
  private block = 0;
  private floats = 0;
  private readonly pending: { length: number; set: (s: Slab) => void }[] = [];
  private view: Float32Array;
  private readonly shared: boolean;
  private readonly growHooks: (() => void)[] = [];

  private constructor(memory: WebAssembly.Memory, mod: Required<Pick<EmscriptenModule, '_malloc' | '_free'>>) {
    this.memory = memory;
    this.mod = mod;
    this.view = new Float32Array(memory.buffer);
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  }

  /** The arena on this backend's heap, or null when the backend is not tfjs' wasm backend. */
  static on(backend: unknown): HeapArena | null {
    const mod = (backend as { wasm?: EmscriptenModule }).wasm;
    const memory = mod?.asm?.memory ?? mod?.wasmMemory;
    if (!(memory instanceof WebAssembly.Memory) || !mod?._malloc || !mod._free) return null;
    return new HeapArena(memory, { _malloc: mod._malloc.bind(mod), _free: mod._free.bind(mod) });
  }

  /** Reserves `length` floats; `set` receives the slab when `allocate` runs. */
  reserve(length: number, set: (s: Slab) => void): void {
    this.pending.push({ length, set });
  }

  /** Allocates every reserved buffer in one block, zeroed. */
  allocate(): void {
    // Each buffer rounded up to 4 floats, so all start on 16 bytes once the block does.
    const sizes = this.pending.map((p) => (p.length + 3) & ~3);
    const total = sizes.reduce((a, b) => a + b, 0);
    const raw = this.mod._malloc(total * 4 + 16) >>> 0;
    if (raw === 0) throw new Error(`dense step: could not allocate ${total * 4} bytes on the wasm heap`);
    this.block = raw;
    const base = ((raw + 15) & ~15) >>> 2;
    this.floats = total;
    let at = base;
    const heap = this.heap();
    heap.fill(0, base, base + total);
    this.pending.forEach((p, i) => {
      p.set({ at, ptr: at * 4, length: p.length });
      at += sizes[i]!;
    });
    this.pending.length = 0;
  }

  /** Called after the heap grew (its views were re-taken), before `heap()` returns. */
  onGrow(hook: () => void): void {
    this.growHooks.push(hook);
  }

  /** The whole heap as float32, current (re-taken if the memory grew since the last call). */
  heap(): Float32Array {
    // Growing detaches the old buffer, and a view of a detached buffer has length 0: a check V8
    // inlines, where reading memory.buffer is a call into the engine, several per training step
    // (~3 % of a small job's CPU, issue 7). A shared memory is never detached: it compares buffers.
    if (this.view.length === 0 || (this.shared && this.view.buffer !== this.memory.buffer)) {
      this.view = new Float32Array(this.memory.buffer);
      for (const h of this.growHooks) h();
    }
    return this.view;
  }

  /** A view of one slab (a new object: take it once and re-take it in an onGrow hook). */
  viewOf(s: Slab, length = s.length): Float32Array {
    return this.heap().subarray(s.at, s.at + length);
  }

  /** Bytes held on the heap. */
  get bytes(): number {
    return this.floats * 4;
  }

  /** Frees the block; the arena must not be used afterwards. */
  free(): void {
    if (this.block !== 0) this.mod._free(this.block);
    this.block = 0;
  }
}
