/**
 * Works around a V8 deopt loop that cost each chromium training worker ~0.2 of a second core
 * (issue 7): primes two of tfjs-core's `for (k in obj) obj[k]` loops, once per worker, so that
 * their keyed loads are generic from the start.
 *
 * Why: when one such loop sees both receivers keyed by index (arrays, or tfjs' customGrad input
 * maps `{0: a, 1: b}`) and plain objects (`{x}`, `{value, grads}`), V8 (Chromium 156; Maglev and
 * TurboFan alike) compiles the load for the indexed receivers only, deoptimizes at the next plain
 * object ("wrong map"), and compiles the same code again later, for ever: plain objects take the
 * for-in enum-cache path, which never adds their maps to the load's feedback. In a small job that
 * was tfjs' getFilteredNodesXToY (once per step, over the gradient tape) and walkTensorContainer
 * (every tidy result) deoptimizing ~22 times per job and being recompiled each time on V8's
 * background threads: 60-70 CPU ms per job beside a worker's 230-310 (bench/pool-threads.ts --trace).
 *
 * What ends the loop (found by trial on the reduced loop of bench/pool-deopt.ts, Chromium 156):
 * five or more plain objects of different shapes first, which make the load megamorphic, then a
 * String wrapper object, whose indexed characters keep it megamorphic when arrays come later
 * (without it, the next array turns it back into an indexed load and the loop resumes). A
 * megamorphic load is compiled as a generic one that never deoptimizes. A V8 flag could do the
 * same, but users' browsers run without our flags.
 */
import * as tf from '@tensorflow/tfjs';

let primed: boolean | null = null;

/**
 * Runs once per worker, after the backend is chosen and before the first job (about 1 ms). Leaves
 * no tensor and no state behind but V8's feedback. Returns whether the priming ran through; a
 * failure only costs the speed it would have bought, so it is not thrown.
 */
export function primeTfjsFeedback(): boolean {
  if (primed === null) {
    try {
      prime();
      primed = true;
    } catch {
      primed = false;
    }
  }
  return primed;
}

/** Six plain objects of different shapes (maps), then a String wrapper: the order matters. */
function receivers<T>(value: T): object[] {
  return [{ p: value }, { q: value }, { r: value, s: value }, { t: value }, { u: value, v: value, w: value }, { z: value }, new String('ab')];
}

/** The same for tape nodes: each has input `x` (the one gradients flow to) and one more shape of its own. */
function tapeInputs(x: tf.Tensor, other: tf.Tensor): object[] {
  const plain = () => [{ x, p: other }, { x, q: other }, { x, r: other, s: other }, { x, t: other }, { x, u: other, v: other, w: other }, { x, z: other }];
  // The tape is read forwards (which nodes come from x, then which to keep) and backwards (which
  // lead to y): plain shapes on both sides of the String, so that each direction sees them first.
  return [...plain(), Object.assign(new String('ab'), { x }), ...plain()];
}

interface TapeEngine {
  addTapeNode(kernelName: string, inputs: object, outputs: tf.Tensor[], gradientsFunc: (dy: tf.Tensor) => Record<string, () => tf.Tensor>, saved: tf.Tensor[], attrs: object): void;
}

function prime(): void {
  // walkTensorContainer walks every tidy result.
  for (const r of receivers(1)) tf.tidy(() => r as tf.TensorContainer);
  // getFilteredNodesXToY reads the inputs of every node on the gradient tape, three times. Extra
  // nodes claim to make d from x: gradients flow through them as through d's own node, and the
  // inputs they keep after pruning are all {x}, a shape backpropagation sees in training anyway.
  const engine = tf.engine() as unknown as TapeEngine;
  tf.tidy(() => {
    const other = tf.scalar(1);
    tf.grads((a: tf.Tensor) => {
      const d = tf.mul(a, 2);
      for (const inputs of tapeInputs(a, other)) engine.addTapeNode('PrimeFeedback', inputs, [d], (dy) => ({ x: () => dy.clone() }), [], {});
      return tf.sum(d);
    })([tf.scalar(2)]);
  });
}
