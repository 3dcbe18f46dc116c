/**
 * A decision boundary as a tiny uncompressed BMP in a data: URL, for the grid's thumbnails and the row detail (an
 * <img>). Not a canvas: chromium composites every canvas as a layer of its own, and a dozen of
 * them on screen made each frame's paint cost more than the rest of the frame; a canvas's PNG
 * (toDataURL) cost about 1 ms of encoding per redraw. A BMP is a 54-byte header and the pixels:
 * 40x40 cells encode in about 50 µs, and the image is decoded off the main thread at raster.
 */
import type { Boundary } from '../engine/job.ts';
import { CLASS_COLORS } from './charts/boundary-draw.ts';

const RGB = CLASS_COLORS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number]);
/** The tint never reaches the full colour, so the points drawn over it stay visible: white at chance, the class colour (capped) when sure. */
const MAX_TINT = 0.7;
const HEADER = 54;

/** The RGB of each cell of `b`, row-major from the top row: the class colour, stronger where the model is surer. */
export function boundaryPixels(b: Boundary): Uint8Array {
  const n = b.size * b.size;
  const out = new Uint8Array(3 * n);
  const floor = 1 / Math.max(2, b.classes);
  for (let i = 0; i < n; i++) {
    const rgb = RGB[(b.predicted[i] ?? 0) % RGB.length]!;
    const sure = Math.max(0, Math.min(1, ((b.confidence[i] ?? 0) - floor) / (1 - floor)));
    const a = sure * MAX_TINT;
    out[3 * i] = Math.round(255 + (rgb[0] - 255) * a);
    out[3 * i + 1] = Math.round(255 + (rgb[1] - 255) * a);
    out[3 * i + 2] = Math.round(255 + (rgb[2] - 255) * a);
  }
  return out;
}

/** A 24-bit BMP of `b` (one pixel per cell), as a data: URL; null for an empty boundary. */
export function boundaryDataUrl(b: Boundary): string | null {
  const side = b.size;
  if (!Number.isInteger(side) || side < 1) return null;
  const rgb = boundaryPixels(b);
  // Rows are stored bottom-up, blue-green-red, each padded to 4 bytes.
  const stride = (3 * side + 3) & ~3;
  const bytes = new Uint8Array(HEADER + stride * side);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42; // 'B'
  bytes[1] = 0x4d; // 'M'
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, HEADER, true);
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, side, true);
  view.setInt32(22, side, true);
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  view.setUint32(34, stride * side, true);
  for (let row = 0; row < side; row++) {
    const dst = HEADER + (side - 1 - row) * stride;
    for (let col = 0; col < side; col++) {
      const src = 3 * (row * side + col);
      bytes[dst + 3 * col] = rgb[src + 2]!;
      bytes[dst + 3 * col + 1] = rgb[src + 1]!;
      bytes[dst + 3 * col + 2] = rgb[src]!;
    }
  }
  return `data:image/bmp;base64,${base64(bytes)}`;
}

const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const PAD = 61; // '='
const latin1 = new TextDecoder('latin1');

/**
 * Base64 of bytes, written as ASCII codes and decoded to a string once: btoa needs a binary
 * string first, and String.fromCharCode over the 4.8 kB took 0.4 ms (Node, 2-core machine).
 */
export function base64(bytes: Uint8Array): string {
  const out = new Uint8Array(4 * Math.ceil(bytes.length / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ALPHABET[n >> 18]!;
    out[o++] = ALPHABET[(n >> 12) & 63]!;
    out[o++] = ALPHABET[(n >> 6) & 63]!;
    out[o++] = ALPHABET[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out[o++] = ALPHABET[n >> 18]!;
    out[o++] = ALPHABET[(n >> 12) & 63]!;
    out[o++] = i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return latin1.decode(out);
}
