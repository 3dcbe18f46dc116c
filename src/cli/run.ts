/**
 * `sweepsheet run`: train a sheet file headless on worker threads with the page's engine and
 * worker code, showing a progress bar per row and writing each finished row back into the file.
 */
import { readFile } from 'node:fs/promises';
import { type RowState, SheetEngine, isStale } from '../engine/scheduler/sheet-engine.ts';
import { cachedResults, readSheetFile, writeSheetFile } from '../engine/sheet-file.ts';
import { createNodePool, defaultPoolSize } from '../workers/node-pool.ts';
import { version as tfVersion } from '@tensorflow/tfjs';
import type { RunArgs } from './args.ts';
import { atomicWriter } from './atomic-write.ts';
import { displayName, progressLine, resultTable, sortRows } from './format.ts';

export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Redraw a block of lines in place (a TTY), or null to print only settled rows. */
  readonly redraw: ((lines: string[]) => void) | null;
}

const APP_VERSION = '0.1.0';

/** Runs the sheet; resolves to the process exit code. */
export async function runSheet(args: RunArgs, io: Output): Promise<number> {
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (e) {
    io.err(`cannot read ${args.file}: ${(e as Error).message}`);
    return 2;
  }
  const file = readSheetFile(text);
  if (!file.ok) {
    io.err(`${args.file} was refused: ${file.error}`);
    return 2;
  }
  const rows = args.rerun ? file.value.rows.map(({ saved: _saved, ...r }) => r) : file.value.rows;
  const size = args.workers ?? defaultPoolSize();
  const pool = createNodePool({ size });
  const doc = file.value.document;
  // Saved results are the cache: sweep children and formula-fed rows find theirs by spec key.
  const engine = new SheetEngine(rows, pool, {
    formulaColumns: doc.columns,
    runMode: 'auto',
    ...(args.rerun ? {} : { cache: cachedResults(doc) }),
  });
  const save = atomicWriter(args.file);
  const meta = file.value;
  const stamp = () => ({ app: APP_VERSION, tfjs: tfVersion.tfjs, finishedAt: new Date().toISOString() });
  const startedAt = new Map<string, number>();
  const reported = new Set<string>();
  const nameWidth = Math.min(40, Math.max(...engine.rows().map((r) => displayName(r).length), 4));
  const pending = engine.rows().filter((r) => r.status.state === 'queued').length;
  if (!args.json) io.out(`${args.file}: ${engine.rows().length} rows, ${pending} to train on ${size} worker${size === 1 ? '' : 's'}`);

  const draw = () => {
    const now = Date.now();
    if (io.redraw) io.redraw(engine.rows().map((r) => progressLine(r, startedAt.get(r.id), now, nameWidth)));
  };
  const settled = (r: RowState) => r.status.state !== 'queued' && r.status.state !== 'running';
  const unsubscribe = engine.subscribe((ids) => {
    let finished = false;
    for (const id of ids) {
      const r = engine.row(id)!;
      if (r.status.state === 'running' && !startedAt.has(id)) startedAt.set(id, Date.now());
      if (settled(r) && startedAt.has(id) && !reported.has(id)) {
        reported.add(id);
        finished = true;
        if (!io.redraw && !args.json) io.out(progressLine(r, undefined, Date.now(), nameWidth));
      }
    }
    if (finished) void save(writeSheetFile(meta, engine.rows(), stamp())).catch((e) => io.err(`could not save ${args.file}: ${(e as Error).message}`));
  });
  const ticker = io.redraw ? setInterval(draw, 250) : undefined;
  const stop = () => {
    // Finished rows are already in the file; leave the rest to the next run.
    engine.dispose();
    pool.dispose();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  try {
    await engine.idle();
    draw();
    await save(writeSheetFile(meta, engine.rows(), stamp()));
  } finally {
    clearInterval(ticker);
    unsubscribe();
    process.off('SIGINT', stop);
    engine.dispose();
    pool.dispose();
  }
  const sorted = sortRows(engine.rows(), args.sort.column, args.sort.descending);
  if (args.json) {
    io.out(JSON.stringify(sorted.map(jsonRow), null, 2));
  } else {
    io.out('');
    io.out(resultTable(sorted));
  }
  const bad = engine.rows().filter((r) => r.status.state === 'failed' || r.status.state === 'invalid');
  if (bad.length > 0 && !args.json) io.err(`${bad.length} row${bad.length === 1 ? '' : 's'} did not train: ${bad.map(displayName).join(', ')}`);
  return bad.length > 0 ? 1 : 0;
}

function jsonRow(r: RowState) {
  const res = r.result && !isStale(r) ? r.result : null;
  return {
    id: r.id,
    name: r.cells.name ?? '',
    status: r.status,
    result: res && {
      trainLoss: res.trainLoss, trainAcc: res.trainAcc, testLoss: res.testLoss, testAcc: res.testAcc,
      seconds: res.seconds, epochsRun: res.epochsRun, backend: res.backend, diverged: res.diverged,
    },
  };
}
