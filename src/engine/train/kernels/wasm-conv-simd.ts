/**
 * The SIMD loops of conv-simd.wat (max-pool gradient, column sums, im2col, col2im, a direct
 * filter gradient, ReLU's gradient), instantiated on the memory of tfjs' wasm backend, so they
 * read and write tensors where they lie (pointers = the byte offsets of the backend's heap views).
 *
 * Why wasm: the same loops in JS (pool.ts, wasm-sum.ts, im2col.ts) measured 5-30 ms each per
 * CNN step here (a [64, 26, 26, 32] max-pool gradient: 29 ms of CPU), V8 running them one float
 * at a time with bounds checks; 4 lanes per instruction do them in a fraction. Each SIMD loop
 * gives the same bits as its JS twin, which stays for shapes it does not take and for backends
 * without SIMD.
 */
import { heapModule } from './heap-module.ts';
import { CONV_SIMD_WASM } from './conv-simd.wasm.ts';

/** Geometry arguments shared by im2col_t and col2im_add, in their order. */
type ConvArgs = [batch: number, inH: number, inW: number, inC: number, outH: number, outW: number,
  kH: number, kW: number, strideH: number, strideW: number, dilationH: number, dilationW: number, padTop: number, padLeft: number];

/**
 * Channels per pass of im2col_t: 16 rows of its output written at once. For 13x13x32 -> 3x3 at
 * batch 64 (a 9 MB output): 3 ms of CPU with 8 or 16 (a plain 9 MB copy: 2.2 ms), 10 ms with
 * all 32 rows at once.
 */
export const IM2COL_GROUP = 16;

export interface ConvSimd {
  /** Channels a multiple of 4; dx zeroed. */
  maxpool_grad(x: number, dy: number, dx: number, batch: number, inH: number, inW: number, channels: number,
    outH: number, outW: number, kH: number, kW: number, strideH: number, strideW: number, padTop: number, padLeft: number): void;
  /** maxpool_grad for 2x2 windows, stride 2, no padding; dx zeroed where no window reaches. */
  maxpool2x2_grad(x: number, dy: number, dx: number, batch: number, inH: number, inW: number, channels: number,
    outH: number, outW: number): void;
  /** cols a multiple of 4. */
  sum_rows(x: number, rows: number, cols: number, out: number): void;
  /**
   * Input channels a multiple of 4; out zeroed where padding is read. `group` channels (a
   * multiple of 4) are written per pass: IM2COL_GROUP is the one measured fastest.
   */
  im2col_t(x: number, out: number, ...g: [...ConvArgs, group: number]): void;
  /** Output channels a multiple of 4; dw zeroed. */
  filter_grad_direct(x: number, dy: number, dw: number, batch: number, inH: number, inW: number, inC: number,
    outH: number, outW: number, outC: number, kH: number, kW: number, strideH: number, strideW: number,
    dilationH: number, dilationW: number, padTop: number, padLeft: number): void;
  /** out = dy · (x > 0 ? 1 : x is NaN ? NaN : 0) over n floats. */
  relu_grad(x: number, dy: number, out: number, n: number): void;
  /** Input channels a multiple of 4; dx zeroed. */
  col2im_add(dcols: number, dx: number, ...g: ConvArgs): void;
}

/**
 * The SIMD loops bound to the wasm backend's memory, or null when they cannot run there (no
 * SIMD support, or the threaded build's shared memory, which this module does not import).
 */
export const convSimdFor: (backend: unknown) => ConvSimd | null = heapModule<ConvSimd>(CONV_SIMD_WASM);
