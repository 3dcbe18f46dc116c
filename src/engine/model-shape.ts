/**
 * Shape inference for a row's model, without tfjs: output shape and parameter count of every
 * layer, so a bad model is refused with a message before any worker is asked to build it.
 */
import type { LayerSpec } from './grammar/layers.ts';
import type { Task } from './datasets.ts';
import { type Result, ok, err } from './errors.ts';

export interface LayerSummary {
  /** 1-based position as the person reads the layers cell; the implied output layer comes last. */
  readonly index: number;
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly params: number;
  /** Multiply-adds of the forward pass for one sample (a pool's comparisons and a batchnorm's scaling count one per value). */
  readonly macs: number;
}

export interface ModelSummary {
  readonly layers: readonly LayerSummary[];
  readonly totalParams: number;
  /** Multiply-adds of one sample's forward pass; a training step costs about three times this per sample. */
  readonly totalMacs: number;
}

/** Models above this many parameters are refused: a shared file must not freeze a machine. */
export const MAX_PARAMS = 5_000_000;

/**
 * Models above this many multiply-adds per sample are refused. Parameters alone do not bound the
 * cost of convolutions, which reuse their few weights at every position: two conv2d(512, 3,
 * padding=same) on 28x28 images hold 2.4M parameters but need 1.9G multiply-adds per image, hours
 * per epoch on a CPU. The notes' W4 needs 27.5M.
 */
export const MAX_MACS_PER_SAMPLE = 100_000_000;

/**
 * Whether the row wrote its own output layer: a last dense layer with as many units as the
 * dataset has outputs and the output activation (softmax for classes, linear for regression),
 * as the notes' Keras models do. Otherwise the output layer is implied.
 */
export function hasExplicitOutput(layers: readonly LayerSpec[], outputs: number, task: Task): boolean {
  const last = layers[layers.length - 1];
  return last?.kind === 'dense' && last.units === outputs && last.activation === (task === 'classification' ? 'softmax' : 'linear');
}

/**
 * Walk the layers from the dataset's input shape to the output layer. Image datasets give
 * [h, w, c]; flat datasets give [n]. Dense on an image input flattens it implicitly, as the
 * notes' `Flatten, Dense` would.
 */
export function summarizeModel(inputShape: readonly number[], layers: readonly LayerSpec[], outputs: number, task: Task = 'classification'): Result<ModelSummary, string> {
  let shape = [...inputShape];
  const out: LayerSummary[] = [];
  for (const [i, l] of layers.entries()) {
    const index = i + 1;
    const step = next(shape, l, index);
    if (!step.ok) return step;
    shape = step.value.shape;
    out.push({ index, name: l.kind, outputShape: shape, params: step.value.params, macs: step.value.macs });
  }
  if (!hasExplicitOutput(layers, outputs, task)) {
    const flat = shape.reduce((a, b) => a * b, 1);
    const what = task === 'classification' ? `softmax, ${outputs} classes` : 'linear, regression';
    out.push({ index: layers.length + 1, name: `dense (output: ${what})`, outputShape: [outputs], params: flat * outputs + outputs, macs: flat * outputs });
  }
  const totalParams = out.reduce((a, l) => a + l.params, 0);
  if (totalParams > MAX_PARAMS) {
    return err(`the model has ${totalParams.toLocaleString('en-US')} parameters, over the cap of ${MAX_PARAMS.toLocaleString('en-US')}: use fewer units or filters`);
  }
  const totalMacs = out.reduce((a, l) => a + l.macs, 0);
  if (totalMacs > MAX_MACS_PER_SAMPLE) {
    return err(`the model needs ${totalMacs.toLocaleString('en-US')} multiply-adds per sample, over the cap of ${MAX_MACS_PER_SAMPLE.toLocaleString('en-US')}: use fewer filters, or pool or stride earlier`);
  }
  return ok({ layers: out, totalParams, totalMacs });
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function next(shape: number[], l: LayerSpec, index: number): Result<{ shape: number[]; params: number; macs: number }, string> {
  const isImage = shape.length === 3;
  switch (l.kind) {
    case 'dense': {
      const fanIn = size(shape);
      return ok({ shape: [l.units], params: fanIn * l.units + l.units, macs: fanIn * l.units });
    }
    case 'conv2d': {
      if (!isImage) return err(`conv2d (layer ${index}) needs image input: put it before flatten or dense, on an image dataset`);
      const [h, w, c] = shape as [number, number, number];
      if (l.padding === 'valid' && (l.kernel > h || l.kernel > w)) {
        return err(`kernel ${l.kernel} is larger than the ${h}x${w} input of layer ${index}: use a smaller kernel or padding=same`);
      }
      const oh = convOut(h, l.kernel, l.stride, l.padding);
      const ow = convOut(w, l.kernel, l.stride, l.padding);
      return ok({ shape: [oh, ow, l.filters], params: l.kernel * l.kernel * c * l.filters + l.filters, macs: oh * ow * l.filters * l.kernel * l.kernel * c });
    }
    case 'maxpool':
    case 'avgpool': {
      if (!isImage) return err(`${l.kind} (layer ${index}) needs image input: put it before flatten or dense, on an image dataset`);
      const [h, w, c] = shape as [number, number, number];
      if (l.size > h || l.size > w) return err(`pool size ${l.size} is larger than the ${h}x${w} input of layer ${index}`);
      const out = [convOut(h, l.size, l.stride, 'valid'), convOut(w, l.size, l.stride, 'valid'), c];
      return ok({ shape: out, params: 0, macs: size(out) * l.size * l.size });
    }
    case 'flatten':
      return ok({ shape: [size(shape)], params: 0, macs: 0 });
    case 'dropout':
      return ok({ shape, params: 0, macs: 0 });
    case 'batchnorm': {
      // gamma, beta, moving mean and moving variance per channel (Keras counts all four).
      const ch = shape[shape.length - 1] ?? 1;
      return ok({ shape, params: 4 * ch, macs: size(shape) });
    }
  }
}

function convOut(n: number, k: number, s: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}
