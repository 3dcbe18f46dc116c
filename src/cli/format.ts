/** Text for the terminal: a progress line per row and the final table. Pure functions. */
import { formatSeconds } from '../engine/format-number.ts';
import { plainValue } from '../engine/scheduler/cell-values.ts';
import { type RowState, isStale, statusText } from '../engine/scheduler/sheet-engine.ts';
import { sweptValuesLabel } from '../engine/scheduler/sweep-label.ts';

const BAR = 20;

/** `name  [########------------]  40% epoch 4/10  ETA 12s`, `waiting for a worker`, or the row's final status. */
export function progressLine(row: RowState, startedAt: number | undefined, now: number, nameWidth: number, waiting = false, parent?: RowState): string {
  const name = pad(displayName(row, parent), nameWidth);
  const s = row.status;
  // On the queue, a row the engine started may still wait for a free worker somewhere.
  if (waiting && s.state === 'running' && s.fraction === 0) return `${name}  waiting for a worker`;
  if (s.state !== 'running') {
    const r = row.result;
    const score = s.state !== 'done' || !r ? '' : Number.isNaN(r.testAcc) ? `  test MAE ${fmt(r.testMae)}` : `  test acc ${fmt(r.testAcc)}`;
    return `${name}  ${terminalText(statusText(s))}${score}`;
  }
  const filled = Math.round(s.fraction * BAR);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`;
  let eta = '';
  if (startedAt !== undefined && s.fraction > 0.02) {
    const left = ((now - startedAt) / s.fraction) * (1 - s.fraction);
    eta = `  ETA ${Math.ceil(left / 1000)}s`;
  }
  return `${name}  ${bar} ${String(Math.round(s.fraction * 100)).padStart(3)}% epoch ${s.epoch}/${s.epochs}${eta}`;
}

/**
 * The row's name (its id when unnamed). A sweep's child shares its parent's name, so with the
 * parent given it also shows the values the parent swept, e.g. `lr sweep [lr=0.1, seed=2]`: each
 * printed run can be told apart and typed in again.
 */
export function displayName(row: RowState, parent?: RowState): string {
  const n = terminalText((row.cells.name ?? '').trim());
  const name = n === '' ? row.id : n;
  const label = row.parent !== null && parent?.id === row.parent ? sweptValuesLabel(row, parent) : '';
  return label === '' ? name : `${name} [${terminalText(label)}]`;
}

/**
 * Text from a sheet file made safe to print: control characters (C0, DEL, C1) shown as `\xNN`, so a
 * name or a cell echoed in a message cannot clear the screen, move the cursor or recolour the
 * terminal (a file's name "\x1b[2J" used to do just that), nor break a table row with a newline;
 * bidirectional overrides and isolates (U+202A-202E, U+2066-2069) as `\uNNNN`, so a name cannot
 * make the rest of its line read in another order.
 */
export function terminalText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** The value a row sorts by in a column: what a formula would read there (results, typed text). */
export function sortValue(row: RowState, column: string): number | string | null {
  const v = plainValue(row, column);
  return typeof v === 'number' || typeof v === 'string' ? v : null;
}

/** Rows ordered by a column; rows without a value always come last. */
export function sortRows(rows: readonly RowState[], column: string, descending: boolean): RowState[] {
  return [...rows].sort((a, b) => {
    const x = sortValue(a, column);
    const y = sortValue(b, column);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return descending ? -c : c;
  });
}

const HEADERS = ['row', 'status', 'train loss', 'train acc', 'val loss', 'val acc', 'test loss', 'test acc', 'test MAE', 'epochs', 'time', 'backend'];

export function resultTable(rows: readonly RowState[]): string {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const lines = rows.map((row) => {
    const r = row.result && !isStale(row) ? row.result : null;
    const status = row.status.state === 'running' ? 'running' : terminalText(statusText(row.status));
    return [
      displayName(row, row.parent === null ? undefined : byId.get(row.parent)), status.length > 60 ? `${status.slice(0, 57)}...` : status,
      fmt(r?.trainLoss), fmt(r?.trainAcc), fmt(r?.valLoss), fmt(r?.valAcc), fmt(r?.testLoss), fmt(r?.testAcc), fmt(r?.testMae),
      r ? String(r.epochsRun) : '', r ? `${formatSeconds(r.seconds)}s` : '', r?.backend ?? '',
    ];
  });
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd();
  return [render(HEADERS), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

export function fmt(v: number | undefined): string {
  if (v === undefined) return '';
  // Not applicable (no validation split, accuracy of a regression): left blank.
  if (Number.isNaN(v)) return '';
  return v.toFixed(4);
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}
