/**
 * Our small wasm modules (optimizer steps, conv loops) run on the memory of tfjs' wasm backend:
 * they import it as `env.memory` and take pointers that are byte offsets of the backend's heap
 * views, so tensors are read and written where they lie, with no copies in or out.
 */

/** The slice of tfjs-backend-wasm's emscripten module that holds its memory. */
interface EmscriptenModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
}

/** The wasm backend's memory, or null for any other backend. */
export function backendMemory(backend: unknown): WebAssembly.Memory | null {
  const mod = (backend as { wasm?: EmscriptenModule }).wasm;
  const memory = mod?.asm?.memory ?? mod?.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/**
 * A function giving a module's exports bound to a backend's memory: compiled once from base64,
 * instantiated once per memory. It gives null where the module cannot run (no wasm SIMD here, or
 * the threaded build's shared memory, which these modules do not import): callers then take
 * their JS loops.
 *
 * The compile is synchronous: the modules are a few KB, and training runs in workers, which have
 * no size limit; a main thread that refuses it gets null.
 */
export function heapModule<T>(base64: string): (backend: unknown) => T | null {
  let compiled: WebAssembly.Module | null | undefined;
  const instances = new WeakMap<WebAssembly.Memory, T | null>();
  const compile = (): WebAssembly.Module | null => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
  return (backend) => {
    const memory = backendMemory(backend);
    if (memory === null) return null;
    const known = instances.get(memory);
    if (known !== undefined) return known;
    const m = compile();
    let exports: T | null = null;
    if (m !== null) {
      try {
        exports = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as T;
      } catch {
        exports = null;
      }
    }
    instances.set(memory, exports);
    return exports;
  };
}
