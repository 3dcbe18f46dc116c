/**
 * The data movements of a 2D convolution's gradients as plain loops over Float32Arrays (NHWC),
 * so the arithmetic can go to one large matrix product: XNNPACK's fast path in the wasm backend.
 *
 *   filter gradient  dW[K, Cout] = colsT[K, M] · dy[M, Cout]
 *   input gradient   dcols[M, K] = dy[M, Cout] · W^T[Cout, K], then col2im(dcols) -> dx
 *
 * with M = batch·outH·outW output positions and K = kH·kW·Cin filter taps, a tap k being
 * (kh·kW + kw)·Cin + ci — the order of the [kH, kW, Cin, Cout] filter tensor's rows.
 */

import type * as tf from '@tensorflow/tfjs';

/** Sizes of one 2D convolution, channels last; pads are the top and left padding of the input. */
export interface ConvGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** The geometry of tfjs' own description of a convolution (backend_util.computeConv2DInfo). */
export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels,
    outH: info.outHeight, outW: info.outWidth, outC: info.outChannels,
    kH: info.filterHeight, kW: info.filterWidth, strideH: info.strideHeight, strideW: info.strideWidth,
    dilationH: info.dilationHeight, dilationW: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

/** Output positions M (rows of dy as a matrix). */
export function positions(g: ConvGeometry): number {
  return g.batch * g.outH * g.outW;
}

/** Filter taps K (rows of the filter as a matrix). */
export function taps(g: ConvGeometry): number {
  return g.kH * g.kW * g.inC;
}

/**
 * The transposed im2col matrix: out[k·M + m] is the input pixel tap k of output position m sees
 * (zero where it falls in the padding). Each row is written front to back, so the writes stream;
 * the reads stride by Cin, within one image row at a time.
 */
export function im2colT(x: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW } = g;
  const M = positions(g);
  const imageSize = inH * inW * inC;
  const rowSize = inW * inC;
  for (let kh = 0; kh < g.kH; kh++) {
    for (let kw = 0; kw < g.kW; kw++) {
      const colShift = kw * g.dilationW - g.padLeft;
      // Output columns whose input column lies inside the image: [owLo, owHi).
      const owLo = Math.max(0, Math.ceil(-colShift / g.strideW));
      const owHi = Math.min(outW, Math.floor((inW - 1 - colShift) / g.strideW) + 1);
      for (let ci = 0; ci < inC; ci++) {
        let m = ((kh * g.kW + kw) * inC + ci) * M;
        for (let n = 0; n < batch; n++) {
          const image = n * imageSize + ci;
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * g.strideH + kh * g.dilationH - g.padTop;
            if (ih < 0 || ih >= inH || owHi <= owLo) {
              out.fill(0, m, m + outW);
              m += outW;
              continue;
            }
            for (let ow = 0; ow < owLo; ow++) out[m++] = 0;
            let src = image + ih * rowSize + (owLo * g.strideW + colShift) * inC;
            const step = g.strideW * inC;
            for (let ow = owLo; ow < owHi; ow++, src += step) out[m++] = x[src]!;
            for (let ow = owHi; ow < outW; ow++) out[m++] = 0;
          }
        }
      }
    }
  }
}

/**
 * Scatter-adds dcols[m·K + k] (the gradient of each tap of each output position) back onto the
 * input pixels they came from: the adjoint of im2col. dx must be zeroed by the caller.
 */
export function col2imAdd(dcols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW } = g;
  const K = taps(g);
  const imageSize = inH * inW * inC;
  const rowSize = inW * inC;
  let m = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, m++) {
        const base = m * K;
        for (let kh = 0; kh < g.kH; kh++) {
          const ih = oh * g.strideH + kh * g.dilationH - g.padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const iw = ow * g.strideW + kw * g.dilationW - g.padLeft;
            if (iw < 0 || iw >= inW) continue;
            const src = base + (kh * g.kW + kw) * inC;
            const dst = n * imageSize + ih * rowSize + iw * inC;
            for (let ci = 0; ci < inC; ci++) dx[dst + ci] = dx[dst + ci]! + dcols[src + ci]!;
          }
        }
      }
    }
  }
}
