/** Echo worker of bench/message-cost.ts: answers each message on the channel it came by, after `busyMs` of work. */
let port: MessagePort | null = null;
let busyMs = 0;
const spin = () => { const t = performance.now() + busyMs; while (performance.now() < t) { /* a job's worth of work */ } };
self.onmessage = (ev: MessageEvent) => {
  if (ev.data && ev.data.port) {
    port = ev.data.port as MessagePort;
    port.onmessage = (e: MessageEvent) => { spin(); port!.postMessage(e.data); };
    (self as unknown as Worker).postMessage('ready');
    return;
  }
  if (ev.data && typeof ev.data.busyMs === 'number') {
    busyMs = ev.data.busyMs;
    (self as unknown as Worker).postMessage('ok');
    return;
  }
  spin();
  (self as unknown as Worker).postMessage(ev.data);
};
