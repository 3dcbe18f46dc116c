/**
 * The fill handle and paste, as a spreadsheet person expects them: a column of numbers extends
 * as a series (fill-series.ts), and values that land below the last row make new rows. The grid
 * never keeps a row of its own: such values are taken out of Handsontable's change list and
 * become engine rows, each a copy of a template row with the new values typed in.
 */
import type Handsontable from 'handsontable/base';
import type { RowCells } from '../engine/spec.ts';
import { fillSeries } from './fill-series.ts';
import { isInputKey } from './grid-columns.ts';

type Direction = 'up' | 'down' | 'left' | 'right';

/**
 * The values a vertical fill writes, `height` rows of the source's width: each column that is
 * a series of numbers extends as one; any other column repeats the source, as Handsontable
 * would. Undefined (Handsontable's own copy) for sideways fills.
 */
export function autofillValues(selection: readonly (readonly unknown[])[], height: number, direction: Direction): string[][] | undefined {
  if ((direction !== 'down' && direction !== 'up') || selection.length === 0 || height <= 0) return undefined;
  const n = selection.length;
  const width = selection[0]!.length;
  const out: string[][] = Array.from({ length: height }, () => []);
  for (let c = 0; c < width; c++) {
    const source = selection.map((row) => cellText(row[c]));
    const series = fillSeries(source, height, direction === 'up');
    for (let i = 0; i < height; i++) {
      // Repeating the source going up ends on its first row next to the selection, as Handsontable does.
      const copyAt = direction === 'down' ? i % n : (i + n - (height % n)) % n;
      out[i]![c] = series ? series[i]! : source[copyAt]!;
    }
  }
  return out;
}

function cellText(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/**
 * Take out of `changes` (in place: Handsontable skips a change set to null) every change aimed
 * at a grid row the engine does not have — below the last row, or a row the fill handle added —
 * and return their input values per visual row, top to bottom.
 */
export function takeNewRowValues(
  changes: (Handsontable.CellChange | null)[], hasEngineRow: (visualRow: number) => boolean,
): { visualRow: number; values: RowCells }[] {
  const byRow = new Map<number, Record<string, string>>();
  changes.forEach((change, i) => {
    if (!change) return;
    const [visualRow, prop, , after] = change;
    if (hasEngineRow(visualRow)) return;
    changes[i] = null;
    if (!isInputKey(prop)) return;
    const values = byRow.get(visualRow) ?? {};
    values[prop] = cellText(after);
    byRow.set(visualRow, values);
  });
  return [...byRow.entries()]
    .filter(([, values]) => Object.values(values).some((v) => v !== ''))
    .sort(([a], [b]) => a - b)
    .map(([visualRow, values]) => ({ visualRow, values }));
}
