/**
 * The sheet as a CSV table and back. Export writes the table as shown: the inputs as typed, the
 * results, the formula columns, and every row — a sweep's children too, since they carry the
 * results. Each child says which row's sweep it belongs to (`sweep_of`), so that importing the
 * export makes the sweep rows again, which expand into the same children, and not a copy of each
 * child besides.
 */
import { INPUT_COLUMNS, RESULT_COLUMNS } from '../columns.ts';
import { type Result, ok } from '../errors.ts';
import { formatValue } from '../formula/index.ts';
import { plainValue } from '../scheduler/cell-values.ts';
import { type FormulaColumn, type RowState, isStale } from '../scheduler/row-state.ts';
import { fromCsv, toCsv } from './csv.ts';

/** The column naming the sweep row a child row was expanded from (empty on every other row). */
export const SWEEP_OF = 'sweep_of';

/** The table's CSV: input columns, sweep_of, result columns, then formula columns by label. */
export function sheetCsv(rows: readonly RowState[], formulaColumns: readonly Pick<FormulaColumn, 'key' | 'label'>[]): string {
  const fixed = [...INPUT_COLUMNS.map((c) => c.key), SWEEP_OF, ...RESULT_COLUMNS.map((c) => c.key)];
  const header = [...fixed, ...formulaHeaders(formulaColumns)];
  const body = rows.map((r) => [
    ...INPUT_COLUMNS.map((c) => r.cells[c.key] ?? ''),
    r.parent ?? '',
    ...RESULT_COLUMNS.map((c) => (c.key === 'status' ? r.status.state : isStale(r) ? '' : text(plainValue(r, c.key)))),
    ...formulaColumns.map((c) => (r.formulas[c.key] === undefined ? '' : formatValue(r.formulas[c.key]!))),
  ]);
  return toCsv(header, body);
}

/**
 * Formula columns go by their label, but a label may be a setting's name (`lr`) or another
 * column's: import would then read the formula's values as that setting, or refuse two headers
 * for one column. Such a label is written with the column's key after it: `lr (f1)`.
 */
function formulaHeaders(columns: readonly Pick<FormulaColumn, 'key' | 'label'>[]): string[] {
  const taken = new Set<string>([SWEEP_OF]);
  for (const c of [...INPUT_COLUMNS, ...RESULT_COLUMNS]) {
    taken.add(c.key.toLowerCase());
    taken.add(c.label.toLowerCase());
  }
  return columns.map((c) => {
    const name = taken.has(c.label.trim().toLowerCase()) ? `${c.label} (${c.key})` : c.label;
    taken.add(name.trim().toLowerCase());
    return name;
  });
}

function text(v: ReturnType<typeof plainValue>): string {
  return v === null ? '' : formatValue(v);
}

/** Rows to add from a CSV of hyperparameters: cells by input column key, and the headers that named none. */
export interface CsvImport {
  readonly rows: Record<string, string>[];
  readonly unknown: string[];
}

/**
 * Read a CSV for import (csv.ts fromCsv): one row per line, by input column. A line with a
 * sweep_of value is a sweep's child, which its sweep row makes again: it is left out.
 */
export function csvImportRows(text: string): Result<CsvImport, string> {
  const table = fromCsv(text, [...INPUT_COLUMNS, { key: SWEEP_OF, label: SWEEP_OF }]);
  if (!table.ok) return table;
  const { header, rows, unknown } = table.value;
  const sweepOf = header.indexOf(SWEEP_OF);
  const out: Record<string, string>[] = [];
  for (const line of rows) {
    if (sweepOf >= 0 && line[sweepOf]!.trim() !== '') continue;
    const cells: Record<string, string> = {};
    header.forEach((key, i) => { if (i !== sweepOf) cells[key] = line[i] ?? ''; });
    out.push(cells);
  }
  return ok({ rows: out, unknown });
}
