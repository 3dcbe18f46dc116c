// Assembles optimizer-simd.wat into optimizer-simd.wasm.ts (the bytes as base64), so neither
// the app nor CI needs an assembler. Needs wabt's wat2wasm; without a local one:
//   npm install --no-save --prefix /tmp/wabt wabt@1.0.39
//   WAT2WASM=/tmp/wabt/node_modules/.bin/wat2wasm node src/engine/train/kernels/build-simd.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const out = join(mkdtempSync(join(tmpdir(), 'simd-')), 'optimizer-simd.wasm');
execFileSync(process.env.WAT2WASM ?? 'wat2wasm', [join(here, 'optimizer-simd.wat'), '-o', out], { stdio: 'inherit' });
const b64 = readFileSync(out).toString('base64');
writeFileSync(join(here, 'optimizer-simd.wasm.ts'),
  `/** Generated from optimizer-simd.wat by build-simd.mjs: do not edit. */\n` +
  `export const OPTIMIZER_SIMD_WASM = '${b64}';\n`);
console.log(`optimizer-simd.wasm.ts: ${Buffer.from(b64, 'base64').length} bytes`);
