/**
 * Which grid columns are shown. The sheet has about thirty columns (~2,600 px); most sheets use a
 * few of them. A group of columns is shown when the person chose it in the columns menu, or, with
 * no choice made, when it applies to the sheet: validation metrics only with a validation split,
 * test MAE only for regression, accuracies only for classification, the boundary only for 2-D
 * data. Run details (epochs run, best epoch, final lr, samples/s) are in the row details, so they
 * start hidden. Pure functions of engine rows, plus the remembered choice.
 */
import { DATASETS } from '../engine/datasets.ts';
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { type ColumnGroup, GROUP_ORDER, type GridColumn, columnGroup } from './grid-columns.ts';

/** The person's explicit choices per group; a group without one follows the sheet. */
export type GroupChoices = Partial<Record<ColumnGroup, boolean>>;

/** What the sheet uses, read from its rows. */
export interface SheetUse {
  readonly groups: ReadonlySet<ColumnGroup>;
  /** Column keys that do not apply although their group does (test MAE in a classification sheet). */
  readonly unused: ReadonlySet<string>;
}

const HIDDEN_BY_DEFAULT: ReadonlySet<ColumnGroup> = new Set(['run']);
const CALLBACK_DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  val_split: ['', '0'], early_stop: ['', '0'], reduce_lr: ['', 'off'], keep_best: ['', 'no'],
};

const CALLBACKS = 1, VALIDATION = 2, CLASSIFICATION = 4, REGRESSION = 8, PLANAR = 16;
const FLAGS = [CALLBACKS, VALIDATION, CLASSIFICATION, REGRESSION, PLANAR] as const;

/** What one row uses, as flags. */
function rowUse(r: RowState): number {
  let f = 0;
  for (const [key, defaults] of Object.entries(CALLBACK_DEFAULTS)) {
    if (!defaults.includes((r.cells[key] ?? '').trim().toLowerCase())) f |= CALLBACKS;
  }
  if (r.parsed.ok) {
    const info = DATASETS[r.parsed.spec.dataset.name];
    if (r.parsed.spec.valSplit > 0) f |= VALIDATION;
    f |= info.task === 'classification' ? CLASSIFICATION : REGRESSION;
    if (info.task === 'classification' && info.inputShape.length === 1 && info.inputShape[0] === 2) f |= PLANAR;
  }
  if (r.result && Number.isFinite(r.result.valLoss)) f |= VALIDATION;
  if (r.result?.insights?.boundary) f |= PLANAR;
  return f;
}

/**
 * What the sheet uses, kept up to date row by row: an edit or a result costs the rows it
 * changed, not a pass over a 10,000-row sheet.
 */
export class UseTally {
  private readonly flags = new Map<string, number>();
  private readonly counts = FLAGS.map(() => 0);

  /** Count `row` (replacing what `id` counted before); undefined removes it. */
  set(id: string, row: RowState | undefined): void {
    const before = this.flags.get(id) ?? 0;
    const after = row ? rowUse(row) : 0;
    if (row) this.flags.set(id, after);
    else this.flags.delete(id);
    if (before === after) return;
    FLAGS.forEach((flag, i) => { this.counts[i]! += ((after & flag) ? 1 : 0) - ((before & flag) ? 1 : 0); });
  }

  use(): SheetUse {
    const has = (flag: number) => this.counts[FLAGS.indexOf(flag as typeof FLAGS[number])]! > 0;
    const groups = new Set<ColumnGroup>(GROUP_ORDER);
    if (!has(CALLBACKS)) groups.delete('callbacks');
    if (!has(VALIDATION)) groups.delete('val');
    const unused = new Set<string>();
    if (!has(REGRESSION)) unused.add('test_mae');
    // A sheet of only regression rows has no accuracies; an empty or all-invalid sheet shows them.
    if (has(REGRESSION) && !has(CLASSIFICATION)) for (const k of ['train_acc', 'val_acc', 'test_acc']) unused.add(k);
    if (!has(PLANAR)) unused.add('boundary');
    return { groups, unused };
  }
}

export function groupShown(g: ColumnGroup, use: SheetUse, choices: GroupChoices): boolean {
  return choices[g] ?? (use.groups.has(g) && !HIDDEN_BY_DEFAULT.has(g));
}

/** Visual indexes of the columns to hide (the name column is never hidden). */
export function hiddenColumns(columns: readonly GridColumn[], use: SheetUse, choices: GroupChoices): number[] {
  const out: number[] = [];
  columns.forEach((col, i) => {
    const g = columnGroup(col);
    if (g === null) return;
    const shown = groupShown(g, use, choices) && (choices[g] === true || !use.unused.has(col.key));
    if (!shown) out.push(i);
  });
  return out;
}

const STORAGE_KEY = 'sweepsheet.columns';

export function loadChoices(): GroupChoices {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: GroupChoices = {};
    for (const g of GROUP_ORDER) {
      const v = (parsed as Record<string, unknown>)[g];
      if (typeof v === 'boolean') out[g] = v;
    }
    return out;
  } catch {
    return {};
  }
}

export function saveChoices(choices: GroupChoices): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(choices));
  } catch {
    // Not remembered across reloads; the choice still applies now.
  }
}
