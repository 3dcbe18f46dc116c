import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSheetFile } from '../../src/engine/sheet-file.ts';
import { startProc } from '../helpers/process.ts';
import { SECONDS_LONG } from '../helpers/slow-cells.ts';

const BIN = new URL('../../bin/sweepsheet.mjs', import.meta.url).pathname;

const row = (id: string, over: Record<string, string>) => ({
  id, cells: { name: id, dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03', batch_size: '32', epochs: '3', seed: '1', ...over },
});

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sweepsheet-cli-'));
  dirs.push(dir);
  return dir;
}

function sheetFile(rows: unknown[]): string {
  const dir = tempDir();
  const path = join(dir, 'test.sheet.json');
  writeFileSync(path, JSON.stringify({ format: 'sweepsheet', version: 1, title: 'cli test', rows }));
  return path;
}

function start(args: string[]) {
  return startProc(process.execPath, [BIN, ...args]);
}

const saved = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { rows: { id: string }[]; results: Record<string, { testAcc: number }> };
/** Rows whose current spec has a result in the file. */
const savedIds = (path: string) => {
  const f = readSheetFile(readFileSync(path, 'utf8'));
  if (!f.ok) throw new Error(f.error);
  return f.value.rows.filter((r) => r.saved).map((r) => r.id!).sort();
};

describe('sweepsheet run', () => {
  it('trains a small sheet, writes the results into the file and prints them sorted', async () => {
    const path = sheetFile([row('a', { epochs: '2' }), row('b', { layers: 'dense(16, relu) dense(16, relu)', epochs: '10' })]);
    const { done } = start(['run', path, '--workers', '2', '--json', '--sort', 'test_acc:desc']);
    const r = await done;
    expect(r.code, r.err).toBe(0);
    const printed = JSON.parse(r.out) as { id: string; result: { testAcc: number } }[];
    expect(printed.map((p) => p.id).sort()).toEqual(['a', 'b']);
    expect(printed[0]!.result.testAcc).toBeGreaterThanOrEqual(printed[1]!.result.testAcc);
    const file = saved(path);
    expect(Object.keys(file.results)).toHaveLength(2);
    for (const [key, x] of Object.entries(file.results)) expect(x.testAcc, key).toBeGreaterThan(0.5);
    // A second run finds every result up to date and trains nothing.
    const again = await start(['run', path]).done;
    expect(again.code).toBe(0);
    expect(again.out).toContain('2 rows, 0 to train');
  });

  it('keeps every finished row when killed with SIGKILL mid-run, and resumes with the rest', async () => {
    const path = sheetFile([
      row('quick1', { epochs: '2' }), row('quick2', { epochs: '2', seed: '2' }),
      // Seconds long (the quick rows poll every 200 ms): a small spiral model ran 500 epochs in 0.14 s.
      row('long', { ...SECONDS_LONG }),
    ]);
    const { child, done } = start(['run', path, '--workers', '1']);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (savedIds(path).length === 2) break;
      if (Date.now() > deadline) throw new Error('the quick rows never landed in the file');
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    saved(path); // still whole, valid JSON: writes are atomic
    expect(savedIds(path)).toEqual(['quick1', 'quick2']);
    const resumed = start(['run', path, '--workers', '1']);
    // Until it has said what it will train (a busy machine can take a while to start node and tsx).
    let said = '';
    resumed.child.stdout!.on('data', (d) => { said += d; });
    const until = Date.now() + 90_000;
    while (!said.includes('to train') && resumed.child.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    resumed.child.kill('SIGKILL');
    expect((await resumed.done).out).toContain('3 rows, 1 to train');
  }, 240_000);

  it('exits 1 when a row is invalid, naming the cell', async () => {
    const path = sheetFile([row('ok', { epochs: '1' }), row('bad', { lr: 'fast' })]);
    const r = await start(['run', path]).done;
    expect(r.code).toBe(1);
    expect(r.out).toContain('invalid — lr: "fast" is not a number');
    expect(r.err).toContain('1 row did not train: bad');
  });

  it('says in full why a row did not train, and prints control characters from the file escaped', async () => {
    const path = sheetFile([row('bad', { name: '\u001b[2J\u001b[31mred', epochs: '1000000000' })]);
    const r = await start(['run', path]).done;
    expect(r.code).toBe(1);
    // The table cuts the status at 60 characters; stderr gives the allowed range.
    expect(r.err).toContain('\\x1b[2J\\x1b[31mred: invalid — epochs: 1000000000 is out of range (expected a whole number from 1 to 500)');
    expect(r.out).toContain('\\x1b[2J\\x1b[31mred');
    expect(r.out + r.err).not.toContain('\u001b');
  });

  it("names each sweep child by the values its parent swept, and prints each row's cells in --json", async () => {
    const path = sheetFile([row('sw', { lr: '0.01, 0.1', epochs: '1' })]);
    const r = await start(['run', path, '--workers', '1']).done;
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^sw \[lr=0\.01\] +done/m);
    expect(r.out).toMatch(/^sw \[lr=0\.1\] +done/m);
    // A 1-epoch toy run takes milliseconds: its time shows to the ms (it read 0.0s with one decimal).
    expect(r.out).toMatch(/^sw \[lr=0\.01\] +done .* 0\.\d{3}s +\w+$/m);
    const printed = JSON.parse((await start(['run', path, '--json']).done).out) as { id: string; cells: Record<string, string> }[];
    expect(printed.map((p) => p.cells.lr).sort()).toEqual(['0.01', '0.01, 0.1', '0.1']);
  });

  it('refuses a file that is not a sheet, with exit 2 and the reason', async () => {
    const path = join(tempDir(), 'bad.sheet.json');
    writeFileSync(path, '{"format": "sweepsheet", "version": 99, "rows": []}');
    const r = await start(['run', path]).done;
    expect(r.code).toBe(2);
    expect(r.err).toContain('this file was written by a newer Sweepsheet (version 99); this app reads up to 2');
    expect(readFileSync(path, 'utf8')).toBe('{"format": "sweepsheet", "version": 99, "rows": []}');
  });

  it('reads a file with a byte order mark and saves under a name near the length limit', async () => {
    // 245 characters: the temporary file beside it was named NAME.PID.N.tmp, past 255, and every save threw.
    const path = join(tempDir(), `${'a'.repeat(245)}.json`);
    writeFileSync(path, `\uFEFF${JSON.stringify({ format: 'sweepsheet', version: 1, title: 'bom', rows: [row('a', { epochs: '1' })] })}`);
    const r = await start(['run', path, '--workers', '1']).done;
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain('could not save');
    expect(savedIds(path)).toEqual(['a']);
  });

  it('refuses an endless input without reading it all', async () => {
    const r = await start(['run', '/dev/zero']).done;
    expect(r.code).toBe(2);
    expect(r.err).toBe('/dev/zero was refused: the file is larger than the limit of 5 MB\n');
  });

  it('says so and exits 2 when the results cannot be saved, without a stack trace', async () => {
    const path = sheetFile([row('long', { ...SECONDS_LONG })]);
    const { child, done } = start(['run', path, '--workers', '1']);
    let said = '';
    child.stdout!.on('data', (d) => { said += d; });
    const until = Date.now() + 90_000;
    while (!said.includes('to train') && child.exitCode === null && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    // The row trains for seconds; the file becomes a folder, so the final rename over it fails.
    rmSync(path);
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), '');
    const r = await done;
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/could not save .*test\.sheet\.json: E[A-Z]+/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toMatch(/^long +done/m);
  }, 120_000);
});
