/**
 * `sweepsheet run`: train a sheet file headless on worker threads with the page's engine and
 * worker code, showing a progress bar per row and writing each finished row back into the file.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { type RowState, SheetEngine, isStale, statusText } from '../engine/scheduler/sheet-engine.ts';
import { FILE_LIMITS, cachedResults, readSheetFile, writeSheetFile } from '../engine/sheet-file.ts';
import type { Runner } from '../engine/scheduler/runner.ts';
import { createNodePool, defaultPoolSize } from '../workers/node-pool.ts';
import { exposureWarning, parseRedisUrl } from '../queue/connection.ts';
import { version as tfVersion } from '@tensorflow/tfjs';
import type { RunArgs } from './args.ts';
import { atomicWriter } from './atomic-write.ts';
import { sizeOverLimit } from '../engine/file/json.ts';
import { displayName, progressLine, resultTable, sortRows, terminalText } from './format.ts';

export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Redraw a block of lines in place (a TTY), or null to print only settled rows. */
  readonly redraw: ((lines: string[]) => void) | null;
}

const APP_VERSION = '0.1.0';

/** Runs the sheet; resolves to the process exit code. */
export async function runSheet(args: RunArgs, io: Output): Promise<number> {
  const read = await readCapped(args.file, FILE_LIMITS.maxBytes);
  if (!read.ok) {
    io.err(read.error);
    return 2;
  }
  const file = readSheetFile(read.value);
  if (!file.ok) {
    io.err(`${args.file} was refused: ${file.error}`);
    return 2;
  }
  const rows = args.rerun ? file.value.rows.map(({ saved: _saved, ...r }) => r) : file.value.rows;
  // On the queue: rows a worker has taken; the ETA counts from then, not from submission.
  const active = new Set<string>();
  const startedAt = new Map<string, number>();
  const opened = await openRunner(args, io, (jobId) => {
    const rowId = jobId.slice(0, jobId.lastIndexOf('@'));
    active.add(rowId);
    startedAt.set(rowId, Date.now());
  });
  if (!opened.ok) {
    io.err(opened.error);
    return 2;
  }
  const { runner, dispose, where } = opened.value;
  const doc = file.value.document;
  // Saved results are the cache: sweep children and formula-fed rows find theirs by spec key.
  const engine = new SheetEngine(rows, runner, {
    formulaColumns: doc.columns,
    runMode: 'auto',
    ...(args.rerun ? {} : { cache: cachedResults(doc) }),
  });
  const save = atomicWriter(args.file);
  const meta = file.value;
  const stamp = () => ({ app: APP_VERSION, tfjs: tfVersion.tfjs, finishedAt: new Date().toISOString() });
  const reported = new Set<string>();
  const parentOf = (r: RowState) => (r.parent === null ? undefined : engine.row(r.parent));
  const nameWidth = Math.min(40, Math.max(...engine.rows().map((r) => displayName(r, parentOf(r)).length), 4));
  const pending = engine.rows().filter((r) => r.status.state === 'queued').length;
  const total = engine.rows().length;
  if (!args.json) io.out(`${args.file}: ${total} row${total === 1 ? '' : 's'}, ${pending} to train ${where}`);

  const draw = () => {
    const now = Date.now();
    const waiting = (r: RowState) => args.redis !== null && r.status.state === 'running' && !active.has(r.id);
    if (io.redraw) io.redraw(engine.rows().map((r) => progressLine(r, startedAt.get(r.id), now, nameWidth, waiting(r), parentOf(r))));
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
        if (!io.redraw && !args.json) io.out(progressLine(r, undefined, Date.now(), nameWidth, false, parentOf(r)));
      }
    }
    if (finished) void save(writeSheetFile(meta, engine.rows(), stamp())).catch((e) => io.err(`could not save ${args.file}: ${(e as Error).message}`));
  });
  const ticker = io.redraw ? setInterval(draw, 250) : undefined;
  // On the queue with nobody taking jobs, say what is missing rather than wait in silence.
  const hint = args.redis === null ? undefined : setTimeout(() => {
    if (active.size === 0 && engine.rows().some((r) => r.status.state === 'running')) {
      io.err('no worker has taken a job yet: start `sweepsheet worker` with the same --redis address, here or on any machine that reaches this Redis');
    }
  }, 15_000);
  const stop = () => {
    // Finished rows are already in the file; leave the rest to the next run.
    engine.dispose();
    void dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  let saved = true;
  try {
    await engine.idle();
    draw();
    await save(writeSheetFile(meta, engine.rows(), stamp())).catch((e) => {
      // Said, not thrown: an unhandled rejection printed a stack trace and lost the results table.
      saved = false;
      io.err(`could not save ${args.file}: ${(e as Error).message}`);
    });
  } finally {
    clearInterval(ticker);
    clearTimeout(hint);
    unsubscribe();
    process.off('SIGINT', stop);
    engine.dispose();
    await dispose();
  }
  const sorted = sortRows(engine.rows(), args.sort.column, args.sort.descending);
  if (args.json) {
    io.out(JSON.stringify(sorted.map(jsonRow), null, 2));
  } else {
    io.out('');
    io.out(resultTable(sorted));
  }
  const bad = engine.rows().filter((r) => r.status.state === 'failed' || r.status.state === 'invalid');
  if (bad.length > 0 && !args.json) {
    io.err(`${bad.length} row${bad.length === 1 ? '' : 's'} did not train: ${bad.map((r) => displayName(r, parentOf(r))).join(', ')}`);
    // The table cuts a status at 60 characters, which hid the allowed range ("expected a ..."): each reason in full.
    for (const r of bad) io.err(`  ${displayName(r, parentOf(r))}: ${terminalText(statusText(r.status))}`);
  }
  if (!saved) return 2;
  return bad.length > 0 ? 1 : 0;
}

/**
 * The file's text, reading at most `max` bytes: a huge file or a device (/dev/zero) was read
 * whole first (300 MB: 1 GB of memory; /dev/zero: 700 MB, then 'Invalid string length').
 * A UTF-8 byte order mark, which some editors write, is dropped.
 */
async function readCapped(path: string, max: number): Promise<{ ok: true; value: string } | { ok: false; error: string }> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    if (size > max) {
      const over = sizeOverLimit(size, max);
      return { ok: false, error: `${path} was refused: the file is ${over.size}; the limit is ${over.limit}` };
    }
    const buf = Buffer.alloc(max + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > max) return { ok: false, error: `${path} was refused: the file is larger than the limit of ${sizeOverLimit(got, max).limit}` };
    }
    return { ok: true, value: new TextDecoder('utf-8').decode(buf.subarray(0, got)) };
  } catch (e) {
    return { ok: false, error: `cannot read ${path}: ${(e as Error).message}` };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}


function jsonRow(r: RowState) {
  const res = r.result && !isStale(r) ? r.result : null;
  return {
    id: r.id,
    name: r.cells.name ?? '',
    // The settings as typed (a sweep's child: its own values), so each printed run can be run again.
    cells: r.cells,
    status: r.status,
    result: res && {
      trainLoss: res.trainLoss, trainAcc: res.trainAcc, testLoss: res.testLoss, testAcc: res.testAcc,
      seconds: res.seconds, epochsRun: res.epochsRun, backend: res.backend, diverged: res.diverged,
    },
  };
}

/** The local worker threads, or the queue with `--redis`; `where` says which for the first line. */
async function openRunner(args: RunArgs, io: Output, onActive: (jobId: string) => void): Promise<
  { ok: true; value: { runner: Runner; dispose: () => Promise<void>; where: string } } | { ok: false; error: string }
> {
  if (args.redis === null) {
    const size = args.workers ?? defaultPoolSize();
    const pool = createNodePool({ size });
    return { ok: true, value: { runner: pool, dispose: async () => pool.dispose(), where: `on ${size} worker${size === 1 ? '' : 's'}` } };
  }
  const target = parseRedisUrl(args.redis, process.env);
  if (!target.ok) return { ok: false, error: `--redis: ${target.error}` };
  const warning = exposureWarning(target.value);
  if (warning) io.err(warning);
  // Loaded only here: a local run does not pay for BullMQ and its Redis driver.
  const { QueueRunner } = await import('../queue/runner.ts');
  try {
    const q = await QueueRunner.open({ target: target.value, fresh: args.rerun, onActive, onError: io.err });
    return { ok: true, value: { runner: q, dispose: () => q.close(), where: `on the queue at ${target.value.display}` } };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
