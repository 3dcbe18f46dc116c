// Assembles conv-simd.wat into conv-simd.wasm.ts (the bytes as base64), so neither the app nor
// CI needs an assembler. Needs wabt's wat2wasm; without a local one:
//   npm install --no-save --prefix /tmp/wabt wabt@1.0.39
//   WAT2WASM=/tmp/wabt/node_modules/.bin/wat2wasm node src/engine/train/kernels/build-conv-simd.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const out = join(mkdtempSync(join(tmpdir(), 'conv-simd-')), 'conv-simd.wasm');
execFileSync(process.env.WAT2WASM ?? 'wat2wasm', [join(here, 'conv-simd.wat'), '-o', out], { stdio: 'inherit' });
const b64 = readFileSync(out).toString('base64');
writeFileSync(join(here, 'conv-simd.wasm.ts'),
  `/** Generated from conv-simd.wat by build-conv-simd.mjs: do not edit. */\n` +
  `export const CONV_SIMD_WASM = '${b64}';\n`);
console.log(`conv-simd.wasm.ts: ${Buffer.from(b64, 'base64').length} bytes`);
