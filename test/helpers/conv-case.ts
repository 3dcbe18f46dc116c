/** One 2D convolution's sizes as the wasm conv kernel tests describe them, and its test name. */
export type Pad = 'same' | 'valid';

export interface ConvCase {
  readonly batch: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number;
  readonly k: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly pad: Pad;
  readonly dilation?: readonly [number, number];
}

export const caseName = (c: ConvCase) =>
  `x ${c.batch}x${c.h}x${c.w}x${c.cin}, filter ${c.k.join('x')} -> ${c.cout}, stride ${c.stride.join(',')}, ${c.pad}` +
  (c.dilation ? `, dilation ${c.dilation.join(',')}` : '');
