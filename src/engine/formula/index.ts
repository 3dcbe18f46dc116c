/**
 * The formula language of the sheet: `=train_acc - test_acc`, `=MAX(test_acc)`, `=IF(B3 > 0.9, "good", "")`.
 * Pure functions, no DOM: parse once, ask what a formula reads, evaluate it in a row, format the value.
 *
 *   const parsed = parseFormula('=ROUND(lr * 10, 2)');
 *   if (parsed.ok) evaluate(parsed.value, { row: 0, columns, rowCount, get });
 */
export { parseFormula, type FormulaAst, type BinaryOp, type ParseOptions } from './parser.ts';
export type { FormulaParseError } from './lexer.ts';
export { evaluate, Evaluator, type EvalContext, type SheetContext } from './evaluate.ts';
export {
  dependencies, dependencySpans, type Dependencies, type DependencyContext, type CellAddress, type CellSpan, type SpanDependencies,
} from './dependencies.ts';
export {
  formatValue, formulaError, isFormulaError, isFormulaText, isPending, NO_RESULT, PENDING, FORMULA_LIMITS,
  type FormulaValue, type FormulaError, type FormulaErrorCode, type PlainValue,
} from './values.ts';
export { columnIndex, columnLetters, formatCellRef, SHEET_COLUMN_KEYS, type CellRef } from './references.ts';
export { FUNCTIONS, type FunctionSpec } from './functions.ts';
