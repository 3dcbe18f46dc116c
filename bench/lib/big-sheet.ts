/** The large sheet the page benchmarks open: toy rows whose learning rates differ, and formula columns over them. */
import type { SheetDocument } from '../../src/engine/file/types.ts';

export interface BigSheet {
  readonly rows: number;
  readonly runMode: 'auto' | 'manual';
  /** Which bench made it (the file's description). */
  readonly description: string;
  readonly formulas: readonly { key: string; label: string; formula: string }[];
}

/** The rows alone, so a bench can add results for some of them. */
export function bigSheetRows(n: number): SheetDocument['rows'] {
  return Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    cells: {
      name: `run ${i}`, dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam',
      lr: String(Number((0.001 + ((i * 7919) % 1000) / 10_000).toPrecision(4))), batch_size: '32', epochs: '10', seed: String(i),
    },
  })) as unknown as SheetDocument['rows'];
}

export function bigSheet(s: BigSheet, results: Record<string, unknown> = {}, rows = bigSheetRows(s.rows)): SheetDocument {
  return {
    format: 'sweepsheet', version: 2, title: `${s.rows.toLocaleString('en-US')} rows`, description: s.description,
    settings: { runMode: s.runMode },
    columns: s.formulas,
    rows,
    results,
  } as unknown as SheetDocument;
}
