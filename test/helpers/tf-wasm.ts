/** Run tfjs in this test process on the WASM backend, the one Node workers use. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useWasm(): Promise<typeof tf> {
  if (tf.getBackend() !== 'wasm') {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  }
  await tf.ready();
  return tf;
}
