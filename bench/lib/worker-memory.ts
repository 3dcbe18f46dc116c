/**
 * The V8 heap, tfjs' live tensors and the wasm backend's memory of a dedicated worker in chromium,
 * read over the Chrome DevTools Protocol: a page cannot see its workers' heaps
 * (performance.memory is main-thread only and measureUserAgentSpecificMemory needs cross-origin
 * isolation, which the dev server does not give), but the browser's CDP session can attach to the
 * worker target and ask its isolate to collect garbage and report its heap.
 *
 * playwright-core's CDPSession has no way to address a child session by sessionId (what
 * Target.attachToTarget's flatten mode needs), so we attach in the older non-flattened mode and
 * wrap each command in Target.sendMessageToTarget; Debian's chromium 156 still serves it.
 */
import type { Browser, CDPSession } from 'playwright-core';

/** One reading, taken right after a full garbage collection in the worker. */
export interface WorkerMemory {
  /** V8 heap in use (Runtime.getHeapUsage usedSize), bytes. */
  readonly usedHeap: number;
  /** V8 heap reserved (totalSize), bytes. */
  readonly totalHeap: number;
  /** Blink's (Oilpan) heap for the worker's DOM-side objects, bytes. */
  readonly embedderHeap: number;
  /** tf.memory() in the worker, or -1 if tfjs is not loaded there. */
  readonly numTensors: number;
  readonly numBytes: number;
  /** The wasm backend's memory (it only grows: its high-water mark), bytes; 0 without that backend. */
  readonly wasmMemory: number;
}

export interface WorkerMemoryProbe {
  readonly url: string;
  read(): Promise<WorkerMemory>;
  detach(): Promise<void>;
}

// tfjs keeps its engine on the global object (getOrMakeEngine: globalThis._tfengine), so the
// worker's tensors and backends are reachable without a call of our own in the trainer.
const TF_STATE = `(() => {
  const e = globalThis._tfengine;
  if (!e) return { numTensors: -1, numBytes: 0, wasmMemory: 0 };
  const m = e.memory();
  const w = e.registry && e.registry.wasm && e.registry.wasm.wasm;
  const bytes = w ? (w.HEAPU8 ? w.HEAPU8.byteLength : w.wasmMemory ? w.wasmMemory.buffer.byteLength : 0) : 0;
  return { numTensors: m.numTensors, numBytes: m.numBytes, wasmMemory: bytes };
})()`;

interface Reply { id?: number; result?: Record<string, unknown>; error?: { message: string } }

/**
 * Attaches to the first dedicated worker whose URL contains `urlPart`, waiting up to `timeoutMs`
 * for it to start. Throws when none appears.
 */
export async function attachWorkerMemory(browser: Browser, urlPart: string, timeoutMs = 60_000): Promise<WorkerMemoryProbe> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const deadline = Date.now() + timeoutMs;
  let target: { targetId: string; url: string } | undefined;
  while (!target) {
    const { targetInfos } = await cdp.send('Target.getTargets');
    target = targetInfos.find((t) => t.type === 'worker' && t.url.includes(urlPart));
    if (target) break;
    if (Date.now() > deadline) {
      await cdp.detach().catch(() => {});
      throw new Error(`no worker target with "${urlPart}" in its URL after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let next = 0;
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const reply = JSON.parse(e.message) as Reply;
    const call = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!call) return; // an event, not a reply
    pending.delete(reply.id!);
    if (reply.error) call.reject(new Error(reply.error.message));
    else call.resolve(reply.result ?? {});
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((e: unknown) => {
        pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    });

  return {
    url: target.url,
    async read() {
      // One full GC, as the Node workers' heap() call does before reading theirs.
      await send('HeapProfiler.collectGarbage');
      const heap = await send('Runtime.getHeapUsage');
      const tf = (await send('Runtime.evaluate', { expression: TF_STATE, returnByValue: true })) as { result: { value: { numTensors: number; numBytes: number; wasmMemory: number } } };
      return {
        usedHeap: Number(heap.usedSize), totalHeap: Number(heap.totalSize), embedderHeap: Number(heap.embedderHeapUsedSize ?? 0),
        ...tf.result.value,
      };
    },
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      await cdp.detach().catch(() => {});
    },
  };
}
