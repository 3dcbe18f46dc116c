/** The page of bench/message-cost.ts: ping-pong with one worker, on its own port or a MessageChannel. */
const worker = new Worker(new URL('./msg.worker.ts', import.meta.url), { type: 'module' });
const { port1, port2 } = new MessageChannel();
const ready = new Promise<void>((resolve) => {
  worker.onmessage = () => resolve();
  worker.postMessage({ port: port2 }, [port2]);
});

function pingPong(send: (m: unknown) => void, on: (cb: (m: unknown) => void) => void, n: number, payload: unknown): Promise<number> {
  return new Promise((resolve) => {
    let left = n;
    const t0 = performance.now();
    on(() => {
      if (--left === 0) resolve(performance.now() - t0);
      else send(payload);
    });
    send(payload);
  });
}

const msg = {
  async run(via: 'worker' | 'port', n: number, payload: unknown, busyMs = 0): Promise<number> {
    await ready;
    await new Promise<void>((resolve) => { worker.onmessage = () => resolve(); worker.postMessage({ busyMs }); });
    if (via === 'worker') return pingPong((m) => worker.postMessage(m), (cb) => { worker.onmessage = (e) => cb(e.data); }, n, payload);
    return pingPong((m) => port1.postMessage(m), (cb) => { port1.onmessage = (e) => cb(e.data); }, n, payload);
  },
};
(window as unknown as { __msg: typeof msg }).__msg = msg;
document.title = 'msg ready';
