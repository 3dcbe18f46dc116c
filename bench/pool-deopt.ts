/**
 * Diagnostic for issue 7 (not part of `npm run bench`): the V8 deopt loop behind
 * src/engine/train/jit-priming.ts, reduced to tfjs' `for (k in obj) obj[k]` walk in a blank
 * chromium page. Each case runs the walk 300,000 times over its receivers and prints how often V8
 * deoptimized it (chromium's --trace-deopt output, read through playwright's browser log) and the
 * time taken. "indexed + plain" keeps deoptimizing; priming with six plain shapes and then a
 * String wrapper ends it; the same priming without the String does not.
 *   npx tsx bench/pool-deopt.ts
 */
process.env.DEBUG = 'pw:browser';
let deopts = 0;
const write = process.stderr.write.bind(process.stderr);
// Playwright's debug log of the browser's stdout: count the walk's bailouts, print nothing of it.
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const s = String(chunk);
  if (!s.includes('pw:browser')) return write(chunk, ...rest);
  if (s.includes('bailout') && s.includes('<JSFunction walk ')) deopts++;
  return true;
}) as typeof process.stderr.write;
const { chromium } = await import('playwright-core');
const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../test/helpers/browser.ts');

/** Receivers walked once before the loop, as JS source. */
const SIX_PLAIN = '{p: 1}, {q: 1}, {r: 1, s: 1}, {t: 1}, {u: 1, v: 1, w: 1}, {z: 1}';
const CASES: Record<string, { prime: string; loop: string }> = {
  'plain only': { prime: '', loop: '{value: 1, grads: 2}, {x: 1}' },
  'indexed only': { prime: '', loop: '[1, 2], {0: 1, 1: 2}' },
  'indexed + plain (tfjs in training)': { prime: '', loop: '[1, 2], {0: 1, 1: 2}, {value: 1, grads: 2}, {x: 1}' },
  'primed: six plain shapes only': { prime: SIX_PLAIN, loop: '[1, 2], {0: 1, 1: 2}, {value: 1, grads: 2}, {x: 1}' },
  'primed: six plain shapes, then a String (jit-priming.ts)': { prime: `${SIX_PLAIN}, new String('ab')`, loop: '[1, 2], {0: 1, 1: 2}, {value: 1, grads: 2}, {x: 1}' },
};

for (const [name, c] of Object.entries(CASES)) {
  // A fresh browser per case: V8's feedback starts empty.
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, '--js-flags=--trace-deopt'] });
  deopts = 0;
  const page = await browser.newPage();
  await page.setContent('<html><body></body></html>');
  await page.addScriptTag({ content: `
    function walk(c) { let s = 0; for (const k in c) { const v = c[k]; s += typeof v === 'number' ? v : 1; } return s; }
    for (const r of [${c.prime}]) walk(r);
    const t0 = performance.now();
    let s = 0;
    for (let i = 0; i < 300000; i++) for (const r of [${c.loop}]) s += walk(r);
    document.title = String(performance.now() - t0);` });
  const ms = Number(await page.title());
  await browser.close();
  console.log(`${name.padEnd(58)} ${String(deopts).padStart(5)} deopts  ${ms.toFixed(0).padStart(6)} ms`);
}
process.exit(0);

export {}; // a module: top-level await; playwright is imported after DEBUG is set
