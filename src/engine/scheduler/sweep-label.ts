/** What tells a sweep's children apart: the values its swept columns take in each. */
import type { RowState } from './row-state.ts';

/**
 * `lr=0.01, seed=2`: a child's value in each column its parent sweeps, in the parent's order
 * (empty without a parent or swept columns). Values are trimmed like the parser reads them, so
 * the label is what one would type again. The grid prefixes it with ↳, the CLI puts it in
 * brackets after the sweep's name.
 */
export function sweptValuesLabel(row: RowState, parent: RowState | undefined): string {
  const swept = parent?.sweep?.swept ?? [];
  return swept.map((k) => `${k}=${(row.cells[k] ?? '').trim()}`).join(', ');
}
