/**
 * The sheet's formulas: the formula graph (FormulaCells) over the engine's rows, the formula
 * columns the person added, and the work gathered for the next recompute (cells whose value
 * changed, rows whose result changed, rows added, removed or moved). A recompute writes formula
 * values into the rows, one new row object per changed row.
 */
import { COLUMNS, INPUT_COLUMNS } from '../columns.ts';
import { type CellRef, type FormulaChanges, FormulaCells } from '../graph/formula-cells.ts';
import { type FormulaValue, isFormulaError, isFormulaText } from '../formula/index.ts';
import { RESULT_KEYS, isInputColumn, plainReader, sweepValue } from './cell-values.ts';
import { applyFormulaValues, rowsChangedIn } from './formula-bridge.ts';
import { type PlacedView, type PlacingView, placedView } from './row-placement.ts';
import type { FormulaColumn, RowState } from './row-state.ts';
import type { RowTable } from './row-table.ts';

/** The input columns that make the spec (not name, notes): what a row's results come from. */
const SPEC_KEYS: ReadonlySet<string> = new Set(INPUT_COLUMNS.filter((c) => c.spec).map((c) => c.key));

const isSpecKey = (key: string) => SPEC_KEYS.has(key);
const RESULT_KEY_SET: ReadonlySet<string> = new Set(RESULT_KEYS);

/** Whether two rows' spec formulas have the same values (errors: the same code and message). */
function sameSpecValues(a: Readonly<Record<string, FormulaValue>>, b: Readonly<Record<string, FormulaValue>>): boolean {
  for (const key of SPEC_KEYS) {
    const [x, y] = [a[key], b[key]];
    if (Object.is(x, y)) continue;
    if (x !== undefined && y !== undefined && isFormulaError(x) && isFormulaError(y) && x.code === y.code && x.message === y.message) continue;
    return false;
  }
  return true;
}

/** A row as its placing would show it (null: read as it is), kept while the row object is the same (viewOf). */
interface View {
  readonly row: RowState;
  readonly view: PlacedView | null;
}

/** Rounds of placing rows whose spec formulas changed, before the rows still changing are held (recompute). */
const SETTLE_ROUNDS = 8;
/** Rounds in all, held rows' included. */
const MAX_ROUNDS = 16;

/** The formula side of one sheet, over its RowTable. */
export class SheetFormulas {
  private cols: FormulaColumn[];
  /** Column keys in grid order, made once per set of columns (see columnKeys). */
  private keys: readonly string[] | null = null;
  private readonly graph: FormulaCells;
  /** Work for the next recompute: cells whose value changed, rows whose result changed. */
  private seeds: CellRef[] = [];
  private readonly resultsChanged = new Set<string>();
  private structureChanged = false;

  /** Rows whose settings got their values in the current graph pass, and how their placing would show them (see viewOf). */
  private readonly views = new Map<string, View | null>();

  /**
   * `placing`: what placing a row takes from the engine (known results, the run mode), which a
   * pass reads too, to read a row as its placing will make it (viewOf).
   */
  constructor(private readonly table: RowTable, columns: readonly FormulaColumn[], private readonly placing: PlacingView) {
    this.cols = [...columns];
    this.graph = new FormulaCells({
      columns: () => this.columnKeys(),
      rowIds: () => table.order,
      plainValue: (row, column) => {
        const r = table.read(row);
        if (r === undefined) return null;
        // Results and status of a row whose settings changed earlier in this pass: as its placing will make them.
        const placed = r.parent === null && RESULT_KEY_SET.has(column) ? this.viewOf(r) : null;
        if (placed) return placed.runs ? sweepValue(placed.runs, column) : plainReader(column)(placed.row);
        // A sweep's metrics read as the mean over its finished children, as its row shows them;
        // its typed cells read as typed, as a plain row's do: read as empty, a sweep reading its
        // own list (=F1 * 2 in row 1) computed with 0, valid, while the same cells not yet
        // expanded gave #VALUE! (two answers by history, review-20).
        if (r.sweep && !isInputColumn(column)) return sweepValue(r.sweep.children.map((c) => table.get(c)!), column);
        return plainReader(column)(r);
      },
      // A row's results (and status) come from training the spec its settings make: a setting
      // reading a result that leads back to it is a cycle (#CYCLE!), not a wait for ever.
      derived: {
        columns: RESULT_KEYS,
        sources: SPEC_KEYS,
        sourceRow: (row) => table.get(row)?.parent ?? row,
        fedRows: (row) => {
          const r = table.get(row);
          if (!r || r.parent !== null) return [];
          return r.sweep ? [row, ...r.sweep.children] : [row];
        },
        sourceChanged: (row) => this.views.set(row, null),
      },
    });
  }

  /** Column keys in grid order, as A1 references see them: inputs, results, then formula columns. */
  columnKeys(): readonly string[] {
    // One array per set of columns: the formula graph compares it by identity to reuse parses.
    this.keys ??= [...COLUMNS.map((c) => c.key), ...this.cols.map((c) => c.key)];
    return this.keys;
  }

  /** The formula columns, in grid order. */
  columns(): readonly FormulaColumn[] {
    return this.cols;
  }

  /** The value of a formula cell, or undefined when the cell holds no formula. */
  value(row: string, column: string): FormulaValue | undefined {
    return this.graph.value(row, column);
  }

  /** Put every formula of the rows in the table into the graph, all to compute at the next recompute. */
  load(): void {
    for (const col of this.cols) this.graph.defineColumn(col.key, col.formula);
    for (const id of [...this.table.order]) this.defineRow(id);
    this.graph.relink();
    this.seeds.push(...this.graph.all());
  }

  /** Add formula columns, or change the formula of those with the same key; they compute at the next recompute. */
  setColumns(cols: readonly FormulaColumn[]): void {
    let added = false;
    for (const col of cols) {
      const i = this.cols.findIndex((c) => c.key === col.key);
      if (i >= 0) this.cols[i] = col;
      else {
        this.cols.push(col);
        added = true;
      }
    }
    // A new key changes what A1 references and names resolve to: every formula is parsed again.
    // Otherwise one node per changed column: its rows compute at the next update.
    if (added) {
      this.keys = null;
      this.reparse();
    } else for (const col of cols) this.graph.defineColumn(col.key, col.formula);
  }

  /**
   * Take a formula column out: every row loses its value (each such row's id goes into `changed`),
   * and formulas that read it read again at the next recompute. False when there is no such column.
   */
  removeColumn(key: string, changed: Set<string>): boolean {
    if (!this.cols.some((c) => c.key === key)) return false;
    this.cols = this.cols.filter((c) => c.key !== key);
    this.keys = null;
    this.graph.defineColumn(key, null);
    this.reparse();
    for (const id of this.table.order) {
      const r = this.table.get(id)!;
      const { [key]: _gone, ...rest } = r.formulas;
      this.table.set({ ...r, formulas: rest });
      changed.add(id);
    }
    this.graph.relink();
    this.seeds.push(...this.graph.all());
    return true;
  }

  /** Put a row's cell formulas in the graph: its input cells that start with `=` (formula columns cover every row by themselves). */
  defineRow(id: string): void {
    const row = this.table.get(id)!;
    for (const [column, text] of Object.entries(row.cells)) {
      if (isInputColumn(column) && isFormulaText(text)) {
        this.graph.define(id, column, text);
        this.seeds.push({ row: id, column });
      }
    }
  }

  /** Take a row's cell formulas out of the graph: the row is leaving the sheet. */
  forgetRow(id: string): void {
    for (const column of this.columnKeys()) this.graph.define(id, column, null);
  }

  /** A cell's typed text changed: a formula there is (re)defined or removed, and its readers recompute. */
  cellEdited(row: string, column: string, text: string): void {
    if (isInputColumn(column)) this.graph.define(row, column, isFormulaText(text) ? text : null);
    this.seeds.push({ row, column });
  }

  /** A row reads differently in formulas (it became a sweep or stopped being one): its input cells recompute. */
  inputsChanged(id: string): void {
    for (const c of INPUT_COLUMNS) this.seeds.push({ row: id, column: c.key });
  }

  /** A row's shown result changed (or turned stale): formulas reading it recompute. */
  resultChanged(id: string): void {
    this.resultsChanged.add(id);
  }

  /**
   * A row's status changed: formulas reading its status recompute. Only its status: its results
   * must read the same, as when a run starts or "run stale" queues a row (PENDING either way). A
   * rerun that queues a failed row changes its results too (NO_RESULT to PENDING): it calls
   * resultChanged as well.
   */
  statusChanged(id: string): void {
    this.seeds.push({ row: id, column: 'status' });
  }

  /** Rows were added, removed or moved: positions are read again at the next recompute. */
  rowsMoved(): void {
    this.structureChanged = true;
  }

  /**
   * Bring formulas up to date with what changed (edits, results, rows added or removed), adding
   * the ids of rows given new formula values to `changed`. A formula in an input cell can feed a
   * spec: each top-level row whose spec formulas changed value goes to `replace`, which may
   * change more (or, while rows are not placed yet, do nothing).
   *
   * Placing a row can change what its own formulas read: a sweep's runs move every row below it,
   * so an A1 reference can point at one of its own runs (a cycle) only while it sweeps, and the
   * row flips between sweeping and invalid for ever (review-20). Rows still being re-placed after
   * SETTLE_ROUNDS go to `hold` instead, which places them once for good (the engine makes them
   * invalid, saying why, until their cells are edited); past MAX_ROUNDS what is left is given up,
   * so that no later update inherits the work and repeats it.
   */
  recompute(changed: Set<string>, replace: (row: RowState) => void, hold: (row: RowState) => void = replace): void {
    // Rows were held in the round before: see below.
    let heldBefore = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (this.structureChanged) {
        this.graph.relink();
        this.structureChanged = false;
      }
      const seeds = this.seeds.splice(0);
      for (const id of this.resultsChanged) {
        const r = this.table.get(id);
        if (!r) continue;
        for (const column of RESULT_KEYS) seeds.push({ row: id, column });
        if (r.parent !== null) for (const column of RESULT_KEYS) seeds.push({ row: r.parent, column });
      }
      this.resultsChanged.clear();
      if (seeds.length === 0 && !this.graph.hasPending()) return;
      const updated = this.pass(seeds);
      // Only formulas in spec cells change what a row trains: formula columns and notes or name
      // formulas (whose values the row carries in its formulas) place nothing. A notes formula over
      // a range of results re-placed its row at each new value, and the row's new object changed
      // the range again: 8 rounds at every update, then held (review-20). Held only for a new
      // value: a relink recomputes every formula, and a sweep's row with a bad setting (its runs
      // dropped, the rows moved, the same value again) was re-placed each round, then held.
      const before = new Map<string, RowState>();
      for (const id of rowsChangedIn(updated, isSpecKey)) {
        const row = this.table.get(id);
        if (row && row.parent === null) before.set(id, row);
      }
      applyFormulaValues(updated, this.table, changed);
      let held = false;
      for (const [id, old] of before) {
        const row = this.table.get(id);
        if (!row) continue;
        if (round < SETTLE_ROUNDS || heldBefore) replace(row);
        else if (!sameSpecValues(old.formulas, row.formulas)) {
          hold(row);
          // Its readers read it as the pass expected it placed (its new values: a sweep, say), not
          // held; held, an invalid row placed invalid again tells no one. They read it held in the
          // next round and are placed again (not held: the held row changes no more), as a sheet
          // opened fresh reads it (review-26 F2: a setting kept "not there yet" of a held row).
          this.resultChanged(id);
          held = true;
        }
      }
      heldBefore = held;
    }
    // Given up: nothing left for the next update to start from.
    this.seeds.length = 0;
    this.resultsChanged.clear();
    if (this.structureChanged) this.graph.relink();
    this.structureChanged = false;
    if (this.graph.hasPending()) applyFormulaValues(this.pass([]), this.table, changed);
  }

  /** One graph pass: rows are read as their placing would show them only once their settings have their values in it. */
  private pass(seeds: readonly CellRef[]): FormulaChanges {
    this.views.clear();
    const out = this.graph.changes(seeds);
    this.views.clear();
    return out;
  }

  /**
   * Top-level row `r` as formulas read its results and status during a pass: as placing it with
   * its spec formulas' values now would make it (placedView), so that a setting reading the result
   * of a row whose settings changed earlier in the same pass (the cell pass orders it after them,
   * and counts the result as changed) reads what that row is about to be. A chain of rows, each
   * reading the one before, took one recompute round per link, and rows past the eighth were held
   * as unsettled (review-21 F1). Only once the row's settings have their values in this pass
   * (the graph says so: sourceChanged): before, a setting may hold an old value or none (a
   * formula just defined, which read as the column's default), and the row as it is is what its
   * settings last made. A held row is read as held. Null: read the row as it is. One view per row
   * a pass (made again if the row is placed meanwhile): parsing a row is the costly part, and a
   * range may read the same row more than once in a pass.
   */
  private viewOf(r: RowState): PlacedView | null {
    if (!this.views.has(r.id)) return null;
    const seen = this.views.get(r.id);
    if (seen && seen.row === r) return seen.view;
    const held = r.status.state === 'invalid' && r.status.errors.some((e) => e.code === 'unsettled');
    const view = held ? null : placedView(r, (c) => this.graph.value(r.id, c), this.placing, this.table);
    this.views.set(r.id, { row: r, view });
    return view;
  }

  /**
   * The column keys changed: every formula is read again against them, as a sheet loaded with
   * these columns would read it (a name may have appeared or gone, a formula column's letter moved).
   */
  private reparse(): void {
    for (const c of this.cols) this.graph.defineColumn(c.key, c.formula);
    for (const id of this.table.order) this.defineRow(id);
  }
}
