/**
 * What the sheet engine shows of each row: immutable snapshots, a new object per change, so a
 * view can compare by reference. Plain data and pure helpers only.
 */
import type { CellError } from '../errors.ts';
import { describeCellError } from '../errors.ts';
import type { Boundary, EpochRecord, TrainProgress, TrainResult } from '../job.ts';
import type { FormulaValue } from '../formula/index.ts';
import type { ParsedRow, RowCells } from '../spec.ts';

export type RunStatus =
  | { readonly state: 'invalid'; readonly errors: readonly CellError[] }
  | { readonly state: 'queued' }
  /** Manual mode: the spec changed and the row waits for "run stale"; any old result stays shown. */
  | { readonly state: 'stale' }
  | { readonly state: 'running'; readonly fraction: number; readonly epoch: number; readonly epochs: number }
  | { readonly state: 'done' }
  | { readonly state: 'diverged'; readonly epoch: number; readonly message: string }
  | { readonly state: 'failed'; readonly message: string }
  /**
   * A row whose cells sweep: it trains nothing itself; its children do. `done` counts finished
   * runs, diverged ones included; `diverged` says how many of them diverged; `invalid` counts runs
   * whose own spec was refused (a value that breaks a cap only beside another), apart from those
   * that failed while training.
   */
  | { readonly state: 'sweep'; readonly total: number; readonly done: number; readonly running: number; readonly failed: number; readonly invalid: number; readonly diverged: number };

export interface RowState {
  readonly id: string;
  readonly cells: RowCells;
  readonly parsed: ParsedRow;
  readonly status: RunStatus;
  /** The latest finished result; when `resultKey` differs from the spec key it is stale. */
  readonly result: TrainResult | null;
  readonly resultKey: string | null;
  /** Bumped whenever the spec changes; a run reports only while its version is current. */
  readonly version: number;
  /**
   * Per-epoch records of the run in progress (live curves, sparklines); the finished result has
   * the full history. The one exception to "a new object per change": the run appends to one
   * array (no copy per epoch), so an older state's `live` may already hold later epochs, and a
   * new epoch does not change the array's identity (status does). Copy it to keep a snapshot.
   */
  readonly live: readonly EpochRecord[];
  /** The latest decision boundary of the run in progress (2-D datasets); the finished result has the final one. */
  readonly liveBoundary: Boundary | null;
  /** For a sweep's child: the row it was expanded from. */
  readonly parent: string | null;
  /** For a row whose cells sweep: the swept columns and the child rows, in order. */
  readonly sweep: { readonly swept: readonly string[]; readonly children: readonly string[] } | null;
  /** Values of this row's formula cells (input cells starting with `=`, formula columns), by column. */
  readonly formulas: Readonly<Record<string, FormulaValue>>;
}

/** A column the person added whose every cell computes the same formula, e.g. `=train_acc - test_acc`. */
export interface FormulaColumn {
  readonly key: string;
  readonly label: string;
  readonly formula: string;
}

/** auto: an edit queues its runs at once; manual: changed rows are marked stale until "run stale". */
export type RunMode = 'auto' | 'manual';

export interface CellEdit {
  readonly row: string;
  readonly column: string;
  readonly text: string;
}

export interface RowInit {
  readonly id?: string;
  readonly cells: RowCells;
  /** A result saved with the sheet; if its key matches the row's spec the row does not retrain. */
  readonly saved?: { readonly key: string; readonly result: TrainResult };
}

/**
 * The epoch record a progress message completes, if any: its full record, or (from a worker that
 * sends only loss and accuracy) a record with the rest unknown.
 */
export function progressRecord(p: TrainProgress): EpochRecord | undefined {
  if (p.record) return p.record;
  return p.loss === undefined ? undefined : { loss: p.loss, acc: p.acc ?? NaN, valLoss: NaN, valAcc: NaN, lr: NaN };
}

/** Whether a row's shown result belongs to an older spec. */
export function isStale(row: RowState): boolean {
  return row.result !== null && (!row.parsed.ok || row.resultKey !== row.parsed.key);
}

/** The status line of a row, as the grid and the CLI print it. */
export function statusText(s: RunStatus): string {
  switch (s.state) {
    case 'invalid': return `invalid — ${s.errors.map(describeCellError).join('; ')}`;
    case 'queued': return 'queued';
    case 'stale': return 'stale — run it to update';
    case 'running': return `running ${Math.round(s.fraction * 100)}% (epoch ${s.epoch}/${s.epochs})`;
    case 'done': return 'done';
    case 'diverged': return `diverged at epoch ${s.epoch} — ${s.message}`;
    case 'failed': return `failed — ${s.message}`;
    case 'sweep': {
      const extra = [s.running ? `${s.running} running` : '', s.diverged ? `${s.diverged} diverged` : '', s.failed ? `${s.failed} failed` : '', s.invalid ? `${s.invalid} invalid` : ''].filter(Boolean).join(', ');
      return `sweep: ${s.done}/${s.total} done${extra ? ` (${extra})` : ''}`;
    }
  }
}

export function finishedStatus(result: TrainResult): RunStatus {
  return result.diverged ? { state: 'diverged', epoch: result.diverged.epoch, message: result.diverged.message } : { state: 'done' };
}

export function pendingStatus(parsed: ParsedRow): RunStatus {
  return parsed.ok ? { state: 'queued' } : { state: 'invalid', errors: parsed.errors };
}

/** A sweep's status from its children's. */
export function sweepStatus(children: readonly RowState[]): RunStatus {
  let done = 0, running = 0, failed = 0, invalid = 0, diverged = 0;
  for (const c of children) {
    const s = c.status.state;
    if (s === 'done' || s === 'diverged') done++;
    else if (s === 'running') running++;
    else if (s === 'failed') failed++;
    else if (s === 'invalid') invalid++;
    // Counted apart too: "5/5 done" hid that one of the five blew up.
    if (s === 'diverged') diverged++;
  }
  return { state: 'sweep', total: children.length, done, running, failed, invalid, diverged };
}
