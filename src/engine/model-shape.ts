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
}

export interface ModelSummary {
  readonly layers: readonly LayerSummary[];
  readonly totalParams: number;
}

/** Models above this many parameters are refused: a shared file must not freeze a machine. */
export const MAX_PARAMS = 5_000_000;

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
    out.push({ index, name: l.kind, outputShape: shape, params: step.value.params });
  }
  if (!hasExplicitOutput(layers, outputs, task)) {
    const flat = shape.reduce((a, b) => a * b, 1);
    const what = task === 'classification' ? `softmax, ${outputs} classes` : 'linear, regression';
    out.push({ index: layers.length + 1, name: `dense (output: ${what})`, outputShape: [outputs], params: flat * outputs + outputs });
  }
  const totalParams = out.reduce((a, l) => a + l.params, 0);
  if (totalParams > MAX_PARAMS) {
    return err(`the model has ${totalParams.toLocaleString('en-US')} parameters, over the cap of ${MAX_PARAMS.toLocaleString('en-US')}: use fewer units or filters`);
  }
  return ok({ layers: out, totalParams });
}

function next(shape: number[], l: LayerSpec, index: number): Result<{ shape: number[]; params: number }, string> {
  const isImage = shape.length === 3;
  switch (l.kind) {
    case 'dense': {
      const fanIn = shape.reduce((a, b) => a * b, 1);
      return ok({ shape: [l.units], params: fanIn * l.units + l.units });
    }
    case 'conv2d': {
      if (!isImage) return err(`conv2d (layer ${index}) needs image input: put it before flatten or dense, on an image dataset`);
      const [h, w, c] = shape as [number, number, number];
      if (l.padding === 'valid' && (l.kernel > h || l.kernel > w)) {
        return err(`kernel ${l.kernel} is larger than the ${h}x${w} input of layer ${index}: use a smaller kernel or padding=same`);
      }
      const oh = convOut(h, l.kernel, l.stride, l.padding);
      const ow = convOut(w, l.kernel, l.stride, l.padding);
      return ok({ shape: [oh, ow, l.filters], params: l.kernel * l.kernel * c * l.filters + l.filters });
    }
    case 'maxpool':
    case 'avgpool': {
      if (!isImage) return err(`${l.kind} (layer ${index}) needs image input: put it before flatten or dense, on an image dataset`);
      const [h, w, c] = shape as [number, number, number];
      if (l.size > h || l.size > w) return err(`pool size ${l.size} is larger than the ${h}x${w} input of layer ${index}`);
      return ok({ shape: [convOut(h, l.size, l.stride, 'valid'), convOut(w, l.size, l.stride, 'valid'), c], params: 0 });
    }
    case 'flatten':
      return ok({ shape: [shape.reduce((a, b) => a * b, 1)], params: 0 });
    case 'dropout':
      return ok({ shape, params: 0 });
    case 'batchnorm': {
      // gamma, beta, moving mean and moving variance per channel (Keras counts all four).
      const ch = shape[shape.length - 1] ?? 1;
      return ok({ shape, params: 4 * ch });
    }
  }
}

function convOut(n: number, k: number, s: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}
