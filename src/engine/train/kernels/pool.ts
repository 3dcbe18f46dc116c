/**
 * Max-pooling's gradient as a plain loop over Float32Arrays (NHWC): each output's gradient goes
 * to the first largest input of its window, in the order the cpu backend scans it (rows, then
 * columns; a strict > so ties go to the first; NaN never wins), so results match it exactly.
 */

/** Sizes of one 2D pooling, channels last; pads are the top and left padding of the input. */
export interface PoolGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * dx[argmax of each window] += dy[window], for every channel. dx must be zeroed by the caller;
 * best and at are scratch arrays of at least `channels` entries.
 */
export function maxPoolBackprop(
  x: Float32Array, dy: Float32Array, g: PoolGeometry, dx: Float32Array,
  best: Float32Array = new Float32Array(g.channels), at: Int32Array = new Int32Array(g.channels),
): void {
  const C = g.channels;
  const rowSize = g.inW * C;
  const imageSize = g.inH * rowSize;
  let o = 0;
  for (let n = 0; n < g.batch; n++) {
    const image = n * imageSize;
    for (let oh = 0; oh < g.outH; oh++) {
      const h0 = oh * g.strideH - g.padTop;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(g.inH, h0 + g.kH);
      for (let ow = 0; ow < g.outW; ow++, o += C) {
        const w0 = ow * g.strideW - g.padLeft;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(g.inW, w0 + g.kW);
        best.fill(-Infinity, 0, C);
        at.fill(-1, 0, C);
        for (let h = hLo; h < hHi; h++) {
          for (let w = wLo; w < wHi; w++) {
            const base = image + h * rowSize + w * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) {
          const i = at[c]!;
          if (i >= 0) dx[i] = dx[i]! + dy[o + c]!;
        }
      }
    }
  }
}
