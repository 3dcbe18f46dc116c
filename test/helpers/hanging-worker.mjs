// A worker that completes the handshake and then never answers a train call, as a worker stuck
// in a runaway kernel would: the pool must notice the silence, kill it and move on.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

Comlink.expose({
  // Jobs come on the pool's job port (src/workers/protocol.ts): the first one never ends.
  ready: async (jobPort) => {
    if (jobPort) jobPort.onmessage = () => { for (;;) { /* busy forever */ } };
    return { backends: ['cpu'], webglRenderer: null, softwareWebgl: false };
  },
  train: () => { for (;;) { /* busy forever */ } },
  cancel: () => {},
  memory: () => ({ numTensors: 0, numBytes: 0 }),
}, nodeEndpoint(parentPort));
