/**
 * What a formula reads, for the caller's dependency graph (which this module does not build).
 *
 * Both branches of an IF count: what a formula may read depends on values, but its edges must not.
 * References outside the sheet are left out (they evaluate to #REF!), and ranges are cut to the
 * sheet, so the answer depends on the columns and row count: compute it again when those change.
 */
import type { FormulaAst } from './parser.ts';
import { knownColumns } from './references.ts';

/** One cell: a 0-based row and a column key. */
export interface CellAddress {
  readonly row: number;
  readonly column: string;
}

/** The cells and whole columns a formula reads, each listed once, in the order first read. */
export interface Dependencies {
  /** Single cells, from A1 references, ranges and same-row column names. */
  readonly cells: readonly CellAddress[];
  /** Columns read in every row, from column names given whole to an aggregate (`=MAX(test_acc)`). */
  readonly columns: readonly string[];
}

/** Where a formula sits and what the sheet looks like. */
export interface DependencyContext {
  readonly columns: readonly string[];
  readonly rowCount: number;
  /** The formula's own row, 0-based: what a bare column name reads. */
  readonly row: number;
}

/**
 * A rectangle of cells a range reads, cut to the sheet: columns by index and rows by position,
 * both inclusive and never empty. One of these stands for every cell it covers.
 */
export interface CellSpan {
  readonly fromColumn: number;
  readonly toColumn: number;
  readonly fromRow: number;
  readonly toRow: number;
}

/** What a formula reads with its ranges kept whole: `cells` holds no cell a range covers. */
export interface SpanDependencies extends Dependencies {
  /** Ranges, each once (the same range written twice is listed once), in the order first read. */
  readonly spans: readonly CellSpan[];
}

/** Lists what a parsed formula reads in this row of this sheet. */
export function dependencies(ast: FormulaAst, ctx: DependencyContext): Dependencies {
  return collect(ast, ctx, null);
}

/**
 * Lists what a parsed formula reads, each range as one span rather than one entry per cell: what
 * a dependency graph stores when a range may cover 100,000 cells in every row of a sheet.
 */
export function dependencySpans(ast: FormulaAst, ctx: DependencyContext): SpanDependencies {
  const spans: CellSpan[] = [];
  const seen = new Set<string>();
  const d = collect(ast, ctx, (span) => {
    const key = `${span.fromColumn}:${span.toColumn}:${span.fromRow}:${span.toRow}`;
    if (seen.has(key)) return;
    seen.add(key);
    spans.push(span);
  });
  return { ...d, spans };
}

function collect(ast: FormulaAst, ctx: DependencyContext, onSpan: ((span: CellSpan) => void) | null): Dependencies {
  const known = knownColumns(ctx.columns);
  const cells: CellAddress[] = [];
  const seen = new Set<string>();
  const columns = new Set<string>();
  const add = (row: number, column: string) => {
    const key = `${row}:${column}`;
    if (seen.has(key)) return;
    seen.add(key);
    cells.push({ row, column });
  };

  const walk = (node: FormulaAst): void => {
    switch (node.kind) {
      case 'cell': {
        const column = ctx.columns[node.ref.column];
        if (column !== undefined && node.ref.row < ctx.rowCount) add(node.ref.row, column);
        return;
      }
      case 'range': {
        const lastColumn = Math.min(node.to.column, ctx.columns.length - 1);
        const lastRow = Math.min(node.to.row, ctx.rowCount - 1);
        if (onSpan) {
          if (node.from.column <= lastColumn && node.from.row <= lastRow) {
            onSpan({ fromColumn: node.from.column, toColumn: lastColumn, fromRow: node.from.row, toRow: lastRow });
          }
          return;
        }
        for (let c = node.from.column; c <= lastColumn; c++) {
          for (let row = node.from.row; row <= lastRow; row++) add(row, ctx.columns[c]!);
        }
        return;
      }
      case 'name':
        if (known.has(node.column)) add(ctx.row, node.column);
        return;
      case 'column':
        if (known.has(node.column)) columns.add(node.column);
        return;
      case 'unary': return walk(node.operand);
      case 'binary': walk(node.left); return walk(node.right);
      case 'call': for (const a of node.args) walk(a); return;
      default: return;
    }
  };
  walk(ast);
  return { cells, columns: [...columns] };
}
