// Assembles the kernels' .wat files into .wasm.ts modules (the bytes as base64), so neither the
// app nor CI needs an assembler. Needs wabt's wat2wasm; without a local one:
//   npm install --no-save --prefix /tmp/wabt wabt@1.0.39
//   WAT2WASM=/tmp/wabt/node_modules/.bin/wat2wasm node src/engine/train/kernels/build-simd.mjs
//
// gemm.wat is written with f32x4.relaxed_madd (relaxed SIMD); it is built twice: as written, and
// with every relaxed_madd spelled out as f32x4.add(f32x4.mul(..)) for engines without relaxed
// SIMD (Node 20's V8 has it only behind a flag). The plain build's rounding is two roundings per
// multiply-add, the relaxed one's whatever the engine picks (one, with FMA). Each also comes in a
// build importing a shared memory, for tfjs' threaded wasm build.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'simd-'));

/** (f32x4.relaxed_madd X Y Z) -> (f32x4.add (f32x4.mul X Y) Z), operands being s-expressions. */
export function withoutRelaxedMadd(text) {
  const tag = '(f32x4.relaxed_madd';
  let out = '';
  let at = 0;
  for (;;) {
    const s = text.indexOf(tag, at);
    if (s < 0) return out + text.slice(at);
    out += text.slice(at, s);
    const args = [];
    let i = s + tag.length;
    while (args.length < 3) {
      while (/\s/.test(text[i])) i++;
      if (text[i] !== '(') throw new Error(`relaxed_madd at ${s}: expected an operand in parentheses`);
      let depth = 0;
      let j = i;
      do {
        if (text[j] === '(') depth++;
        else if (text[j] === ')') depth--;
        j++;
      } while (depth > 0 && j < text.length);
      args.push(text.slice(i, j));
      i = j;
    }
    while (/\s/.test(text[i])) i++;
    if (text[i] !== ')') throw new Error(`relaxed_madd at ${s}: expected three operands`);
    out += `(f32x4.add (f32x4.mul ${args[0]} ${args[1]}) ${args[2]})`;
    at = i + 1;
  }
}

/**
 * The same module importing a shared memory: tfjs' threaded wasm build (picked when the page is
 * cross-origin isolated, as the app is) has one, and an unshared import does not link to it.
 */
function sharedMemory(text) {
  const plain = '(import "env" "memory" (memory 1))';
  if (!text.includes(plain)) throw new Error(`expected ${plain} in the module`);
  return text.replace(plain, '(import "env" "memory" (memory 1 65536 shared))');
}

function assemble(name, text, flags) {
  const wat = join(tmp, `${name}.wat`);
  const wasm = join(tmp, `${name}.wasm`);
  writeFileSync(wat, text);
  execFileSync(process.env.WAT2WASM ?? 'wat2wasm', [...flags, wat, '-o', wasm], { stdio: 'inherit' });
  return readFileSync(wasm).toString('base64');
}

/** Each output module: its source, and the constants it exports (name, text transform, flags). */
const MODULES = [
  { wat: 'optimizer-simd.wat', out: 'optimizer-simd.wasm.ts', builds: [['OPTIMIZER_SIMD_WASM', (t) => t, []]] },
  {
    wat: 'gemm.wat', out: 'gemm-simd.wasm.ts', builds: [
      ['GEMM_RELAXED_WASM', (t) => t, ['--enable-relaxed-simd']],
      ['GEMM_SIMD_WASM', withoutRelaxedMadd, []],
      ['GEMM_RELAXED_SHARED_WASM', sharedMemory, ['--enable-relaxed-simd', '--enable-threads']],
      ['GEMM_SIMD_SHARED_WASM', (t) => sharedMemory(withoutRelaxedMadd(t)), ['--enable-threads']],
    ],
  },
];

for (const m of MODULES) {
  const text = readFileSync(join(here, m.wat), 'utf8');
  let ts = `/** Generated from ${m.wat} by build-simd.mjs: do not edit. */\n`;
  for (const [name, transform, flags] of m.builds) {
    const b64 = assemble(name, transform(text), flags);
    ts += `export const ${name} = '${b64}';\n`;
    console.log(`${m.out} ${name}: ${Buffer.from(b64, 'base64').length} bytes`);
  }
  writeFileSync(join(here, m.out), ts);
}
