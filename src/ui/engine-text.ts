/**
 * The engine's texts in the interface's language. The engine stays locale-free: its errors carry
 * English sentences, and cell errors also a code and parameters (src/engine/errors.ts). Here a
 * coded error is said again from messages/engine.ts; an uncoded sentence (a divergence cause, a
 * worker failure, a formula error, a refused file) is recognised by its English shape and said
 * again with the same values. Anything not recognised is shown in the engine's English, never
 * dropped. English always returns the engine's own sentence unchanged, so the page, the CLI and
 * the tests agree word for word.
 *
 * No Solid, no DOM: callers pass the locale (`locale()` in a component), so this runs in Node too.
 */
import { type InputColumn, inputColumn } from '../engine/columns.ts';
import { DATASET_NAMES } from '../engine/datasets.ts';
import type { CellError } from '../engine/errors.ts';
import type { RunStatus } from '../engine/scheduler/row-state.ts';
import type { Locale } from './i18n/index.ts';
import { columns } from './i18n/messages/columns.ts';
import { type EngineKey, engine } from './i18n/messages/engine.ts';

type Vars = Readonly<Record<string, string | number>>;

/** A message of messages/engine.ts in a locale, `{name}` placeholders filled from `vars`. */
export function engineText(key: EngineKey, vars: Vars, l: Locale): string {
  const text = engine[l][key] ?? engine.en[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A sentence recognised by its English shape: named groups become the message's values. */
interface Rule {
  readonly re: RegExp;
  readonly key: EngineKey;
  /** Groups that are themselves engine text, translated before they are filled in. */
  readonly sub?: Readonly<Record<string, (s: string, l: Locale) => string>>;
}

/** The first rule whose pattern matches the whole text, said in `l`; undefined when none does. */
function byRules(text: string, rules: readonly Rule[], l: Locale): string | undefined {
  for (const rule of rules) {
    const m = rule.re.exec(text);
    if (!m) continue;
    const vars: Record<string, string> = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) {
      if (value === undefined) continue;
      const sub = rule.sub?.[name];
      vars[name] = sub ? sub(value, l) : value;
    }
    return engineText(rule.key, vars, l);
  }
  return undefined;
}

/** A translator from a rule table: English passes through; unrecognised text stays English. */
function translator(rules: () => readonly Rule[]): (text: string, l: Locale) => string {
  return (text, l) => (l === 'en' ? text : byRules(text, rules(), l) ?? text);
}

const NOUNS = new Set(['text', 'a number', 'a whole number', 'a list', 'an object', 'nothing', 'true or false', 'a number too large to store']);
/** "a number", "text", … as the file messages name what they found or expected. */
const noun = (s: string, l: Locale): string => (NOUNS.has(s) ? engineText(`eng.noun.${s}` as EngineKey, {}, l) : l === 'ko' ? s.replace(/" or "/g, '" 또는 "') : s);
const foundEnd = (s: string, l: Locale): string => (s === 'the end' ? engineText('eng.found.end', {}, l) : s);

// Details inside a cell error: layers grammar (grammar/layers.ts), model shape (model-shape.ts),
// dataset names (datasets.ts) and sweep lists (grammar/sweep.ts).
const DETAIL_RULES: readonly Rule[] = [
  { re: /^unknown layer "(?<name>[^"]*)"; known layers are (?<list>.*)$/, key: 'eng.layers.unknownLayer' },
  { re: /^expected a layer name here, found (?<found>.*)$/, key: 'eng.layers.expectedName', sub: { found: foundEnd } },
  { re: /^unexpected character "(?<char>.*)"$/, key: 'eng.layers.unexpectedChar' },
  { re: /^unexpected "(?<text>.*)" in (?<kind>\w+)\(…\)$/, key: 'eng.layers.unexpected' },
  { re: /^"\(" after (?<kind>\w+) is never closed$/, key: 'eng.layers.notClosed' },
  { re: /^more than (?<n>\d+) layers$/, key: 'eng.layers.tooMany' },
  { re: /^(?<kind>\w+): unknown activation "(?<value>[^"]*)"; use one of (?<list>.*)$/, key: 'eng.layers.unknownActivation' },
  { re: /^(?<kind>\w+) needs (?<param>\w+), e\.g\. (?<example>.*)$/, key: 'eng.layers.needs' },
  { re: /^(?<kind>\w+) (?<param>\w+) must be a whole number from (?<min>\S+) to (?<max>\S+), not "(?<value>.*)"$/, key: 'eng.layers.wholeRange' },
  { re: /^(?<kind>\w+) (?<param>\w+) must be a number from (?<min>\S+) to (?<max>\S+), not "(?<value>.*)"$/, key: 'eng.layers.numberRange' },
  { re: /^(?<kind>\w+) has no parameter "(?<key>[^"]*)"; its parameters are (?<list>.*)$/, key: 'eng.layers.noParam' },
  { re: /^(?<kind>\w+): (?<key>\w+) is given twice$/, key: 'eng.layers.twice' },
  { re: /^repeat count (?<text>\S+) must be a whole number from 1 to (?<max>\d+)$/, key: 'eng.layers.repeat' },
  { re: /^the model has (?<n>[\d,]+) parameters, over the cap of (?<cap>[\d,]+): use fewer units or filters$/, key: 'eng.model.tooBig' },
  { re: /^the model needs (?<n>[\d,]+) multiply-adds per sample, over the cap of (?<cap>[\d,]+): use fewer filters, or pool or stride earlier$/, key: 'eng.model.tooCostly' },
  { re: /^(?<kind>\w+) \(layer (?<index>\d+)\) needs image input: put it before flatten or dense, on an image dataset$/, key: 'eng.model.needsImage' },
  { re: /^kernel (?<kernel>\d+) is larger than the (?<size>\d+x\d+) input of layer (?<index>\d+): use a smaller kernel or padding=same$/, key: 'eng.model.kernelTooBig' },
  { re: /^pool size (?<pool>\d+) is larger than the (?<size>\d+x\d+) input of layer (?<index>\d+)$/, key: 'eng.model.poolTooBig' },
  { re: /^"(?<text>.*)" is not a dataset$/, key: 'eng.dataset.notADataset' },
  { re: /^unknown dataset "(?<name>.*)"$/, key: 'eng.dataset.unknown' },
  { re: /^(?<name>\S+) is generated with a fixed size; a size applies to mnist, fashion-mnist and iris$/, key: 'eng.dataset.fixedSize' },
  { re: /^(?<name>\S+) has (?<size>[\d,]+) training samples; a subset must be a whole number from (?<min>\d+) to (?<max>\d+), not (?<value>.+)$/, key: 'eng.dataset.subsetRange' },
  { re: /^a list has an empty value: remove the extra separator$/, key: 'eng.sweep.emptyValue' },
  { re: /^(?<n>\d+) values; at most (?<max>\d+) per cell$/, key: 'eng.sweep.tooManyValues' },
  { re: /^(?<what>.+) makes (?<n>\d+) values; at most (?<max>\d+) per cell$/, key: 'eng.sweep.rangeTooMany' },
  { re: /^(?<what>.+): the end is below the start$/, key: 'eng.sweep.endBelowStart' },
];
const detailText = translator(() => DETAIL_RULES);

const endOfFormula = (s: string, l: Locale): string => (s === 'end of formula' ? engineText('eng.formula.endOfFormula', {}, l) : s);

/** A cycle's path: cells stay as they are; a result names the run it comes from (graph/cycle-path.ts). */
const cyclePath = (s: string, l: Locale): string =>
  s.replace(/ \((?<column>\w+) of row (?<row>\d+)'s run\)/g, (_m, column: string, row: string) => ` ${engineText('eng.formula.cycleRun', { column, row }, l)}`);

/** A formula error's sentence (formula/); its code (#NAME?, #CYCLE!, …) is shown as is. */
export const formulaMessageText: (text: string, l: Locale) => string = translator((): Rule[] => [
  { re: /^(?<message>.+) \(at character (?<at>\d+)\)$/s, key: 'eng.formula.atChar', sub: { message: (s, l) => formulaMessageText(s, l) } },
  { re: /^circular reference: (?<path>.*)$/, key: 'eng.formula.cycle', sub: { path: cyclePath } },
  { re: /^unknown function (?<name>\S+) — did you mean (?<guess>\S+)\?$/, key: 'eng.formula.unknownFunctionGuess' },
  { re: /^unknown function (?<name>.*)$/, key: 'eng.formula.unknownFunction' },
  { re: /^unexpected (?<what>.+) at (?<at>\d+)$/, key: 'eng.formula.unexpected', sub: { what: endOfFormula } },
  { re: /^missing '\)' to close the '\(' at (?<at>\d+)$/, key: 'eng.formula.missingClose' },
  { re: /^a formula starts with '='$/, key: 'eng.formula.startsWithEquals' },
  { re: /^empty formula: write something after '='$/, key: 'eng.formula.empty' },
  { re: /^(?<column>\w+) is a column, not a function; to multiply, write (?<example>.+)$/, key: 'eng.formula.columnNotFunction' },
  { re: /^unknown column (?<name>\S+) — did you mean (?<guess>\S+)\?$/, key: 'eng.formula.unknownColumnGuess' },
  { re: /^unknown column (?<name>\S+)$/, key: 'eng.formula.unknownColumn' },
  { re: /^(?<x>\S+) \/ 0 divides by zero$/, key: 'eng.formula.divideByZero' },
  { re: /^row (?<row>\d+) is outside the sheet$/, key: 'eng.formula.rowOutside' },
  { re: /^AVERAGE of no numbers$/, key: 'eng.formula.averageOfNone' },
  { re: /^expected a number but got the text (?<text>.*)$/, key: 'eng.formula.expectedNumber' },
  { re: /^the value (?<value>\S+) is not a finite number$/, key: 'eng.formula.notFinite' },
  { re: /^it reads a result that is not there yet$/, key: 'eng.formula.pending' },
  { re: /^it reads a row that has no result \(invalid or failed\)$/, key: 'eng.formula.noResult' },
]);

/** Why a run diverged (train/fit.ts), e.g. "the learning rate (5) is probably too high". */
export const divergedCauseText = translator((): Rule[] => [
  { re: /^the loss became (?<loss>\S+) — the learning rate \((?<lr>[^)]*)\) is probably too high$/, key: 'eng.diverged.became' },
  { re: /^the loss \((?<loss>[^)]*)\) stayed far above chance \((?<chance>[^)]*)\) — the learning rate \((?<lr>[^)]*)\) is probably too high$/, key: 'eng.diverged.aboveChance' },
  { re: /^the loss \((?<loss>[^)]*)\) ended above chance level \((?<chance>[^)]*)\) — the learning rate \((?<lr>[^)]*)\) is probably too high$/, key: 'eng.diverged.endedAbove' },
]);

/** Why a run stopped before its last epoch (train/fit.ts). */
export const stoppedEarlyText = translator((): Rule[] => [
  { re: /^early stopping: no better validation loss for (?<n>\d+) epochs?$/, key: 'eng.stopped.validation' },
  { re: /^early stopping: no better training loss for (?<n>\d+) epochs?$/, key: 'eng.stopped.training' },
]);

/** Why a run failed (workers/); the cause inside, often tfjs' own words, stays as it came. */
export const failureText: (text: string, l: Locale) => string = translator((): Rule[] => [
  { re: /^the worker crashed \((?<reason>.*)\)$/s, key: 'eng.failed.crashed' },
  { re: /^training failed: (?<message>.*)$/s, key: 'eng.failed.training', sub: { message: (s, l) => failureText(s, l) } },
  { re: /^the (?<name>\w+) backend failed to initialise$/, key: 'eng.failed.backend' },
  { re: /^the queue connection was closed$/, key: 'eng.failed.queueClosed' },
  { re: /^could not reach the queue: (?<message>.*)$/s, key: 'eng.failed.queueUnreachable' },
]);

const modelNoun = (s: string, l: Locale): string =>
  (s === 'a CNN' || s === 'a dense model' ? engineText(`eng.backend.model.${s}`, {}, l) : s);

/** A layer's name in the model summary: the output layer the dataset implies carries a note (model-shape.ts). */
export const layerNameText = translator((): Rule[] => [
  { re: /^dense \(output: softmax, (?<n>\d+) classes\)$/, key: 'eng.layer.outputClasses' },
  { re: /^dense \(output: linear, regression\)$/, key: 'eng.layer.outputRegression' },
]);

/** Why the worker chose its tfjs backend (workers/backend-choice.ts). */
export const backendReasonText = translator((): Rule[] => [
  { re: /^WebGL runs on a GPU here: fastest$/, key: 'eng.backend.gpu' },
  { re: /^WASM with our kernels trains (?<model>.+) faster than software WebGL \(measured (?<a>\S+) vs (?<b>\S+) samples\)$/, key: 'eng.backend.wasmOverWebgl', sub: { model: modelNoun } },
  { re: /^software WebGL trains (?<model>.+) faster than WASM \(measured (?<a>\S+) vs (?<b>\S+) samples\)$/, key: 'eng.backend.webglOverWasm', sub: { model: modelNoun } },
  { re: /^WASM with our kernels trains (?<model>.+) far faster than CPU \(measured (?<a>\S+) vs CPU (?<b>\S+) samples\)$/, key: 'eng.backend.wasmOverCpu', sub: { model: modelNoun } },
  { re: /^conv2d cannot train on this WASM build; software WebGL can \(measured (?<a>\S+) vs CPU (?<b>\S+) samples\)$/, key: 'eng.backend.convWebgl' },
  { re: /^WASM is unavailable; software WebGL beats CPU \(measured (?<a>\S+) vs (?<b>\S+) samples\)$/, key: 'eng.backend.noWasm' },
  { re: /^conv2d cannot train on this WASM build and WebGL is unavailable: CPU \(slow\)$/, key: 'eng.backend.convCpu' },
  { re: /^neither WebGL nor WASM initialised: CPU$/, key: 'eng.backend.cpu' },
]);

const limitNoun = (s: string, l: Locale): string => engineText(`eng.file.what.${s}` as EngineKey, {}, l);
const issueText = translator((): Rule[] => [
  // Before the general "expected …, found …": this one says what a key must look like.
  { re: /^expected a lower-case name of at most 32 letters, digits and _ starting with a letter, found (?<found>.*)$/, key: 'eng.file.badKey', sub: { found: noun } },
  { re: /^expected (?<expected>.+), found (?<found>.+)$/, key: 'eng.file.expectedFound', sub: { expected: noun, found: noun } },
  { re: /^(?<n>[\d,]+) (?<what>rows|columns|results|samples|epochs); the limit is (?<max>[\d,]+)$/, key: 'eng.file.overLimit', sub: { what: limitNoun } },
  { re: /^too many (?<what>rows|columns|results|samples|epochs); the limit is (?<max>[\d,]+)$/, key: 'eng.file.overLimitMany', sub: { what: limitNoun } },
  { re: /^longer than (?<max>[\d,]+) characters \((?<n>[\d,]+)\)$/, key: 'eng.file.tooLong' },
  { re: /^"(?<id>.*)" is used by an earlier row; row ids must be unique$/, key: 'eng.file.rowIdTwice' },
  { re: /^"(?<key>.*)" is used by an earlier column$/, key: 'eng.file.columnKeyTwice' },
  { re: /^no result in the file has this spec key$/, key: 'eng.file.staleResultMissing' },
  { re: /^a spec key longer than (?<max>[\d,]+) characters$/, key: 'eng.file.specKeyTooLong' },
  { re: /^"(?<key>.*)" is not an input column; the input columns are (?<list>.*)$/, key: 'eng.file.notInputColumn' },
  { re: /^"(?<key>.*)" is taken: built-in columns and the names __proto__, constructor and prototype cannot be reused$/, key: 'eng.file.keyTaken' },
  { re: /^unknown field (?<names>.*)$/, key: 'eng.file.unknownField' },
  { re: /^unknown fields (?<names>.*)$/, key: 'eng.file.unknownFields' },
  { re: /^must not be empty$/, key: 'eng.file.empty' },
  { re: /^not a value this field accepts \(found (?<found>.*)\)$/, key: 'eng.file.notAccepted', sub: { found: noun } },
]);
const theFile = (s: string, l: Locale): string =>
  (s === 'the file' ? engineText('eng.file.theFile', {}, l) : s === 'the link' ? engineText('eng.file.theLink', {}, l) : s);

/** Why a sheet file, a link or a CSV was refused (file/): the place first, then the problem. */
export const fileErrorText: (text: string, l: Locale) => string = translator((): Rule[] => [
  { re: /^this file was written by a newer Sweepsheet \(version (?<version>\d+)\); this app reads up to (?<max>\d+)$/, key: 'eng.file.newer' },
  { re: /^the file must hold a JSON object, found (?<found>.*)$/, key: 'eng.file.notObject', sub: { found: noun } },
  { re: /^(?<what>.+) is not valid JSON \((?<why>.*)\)$/s, key: 'eng.file.notJson', sub: { what: theFile } },
  { re: /^(?<what>the file|the link) is (?<size>[\d.,]+ MB); the limit is (?<max>[\d.,]+ MB)$/, key: 'eng.file.tooBig', sub: { what: theFile } },
  // The page's own sheets (?sheet=name; src/ui/sheet-source.ts).
  { re: /^there is no sheet "(?<name>[^"]*)"; the sheets are: (?<list>.*)$/, key: 'eng.file.noSheet' },
  { re: /^the sheet "(?<name>[^"]*)" could not be read: (?<error>.*)$/s, key: 'eng.file.sheetUnreadable', sub: { error: (s, l) => fileErrorText(s, l) } },
  { re: /^format: expected "(?<format>[^"]*)", found (?<found>.*)$/, key: 'eng.file.format', sub: { found: noun } },
  { re: /^version: expected 1 or (?<max>\d+), found (?<found>.*)$/, key: 'eng.file.version', sub: { found: noun } },
  { re: /^the data nests more than (?<n>\d+) levels deep; a sheet file needs at most 5$/, key: 'eng.file.tooDeep' },
  { re: /^the link was refused: (?<error>.*)$/s, key: 'eng.file.linkRefused', sub: { error: (s, l) => fileErrorText(s, l) } },
  { re: /^the link does not hold a sheet: .*$/, key: 'eng.file.linkNoSheet' },
  { re: /^the link is (?<n>[\d,]+) characters long; the limit is (?<max>[\d,]+)$/, key: 'eng.file.linkTooLong' },
  { re: /^the link expands to more than (?<cap>[\d,]+) bytes; the limit is (?<max>[\d,]+)$/, key: 'eng.file.linkTooBig' },
  { re: /^the sheet makes a link of (?<n>[\d,]+) characters; the limit is (?<max>[\d,]+): save it as a file instead$/, key: 'eng.file.sheetTooBigForLink' },
  { re: /^the sheet holds (?<n>[\d,]+) bytes of settings; a link holds at most (?<max>[\d,]+): save it as a file instead$/, key: 'eng.file.sheetTooLargeForLink' },
  { re: /^the link is damaged: (?<why>.*)$/s, key: 'eng.file.linkDamaged' },
  { re: /^the CSV is empty: expected a header line naming the columns$/, key: 'eng.file.csvEmpty' },
  { re: /^line (?<line>\d+): a quoted field is not closed$/, key: 'eng.file.csvQuote' },
  { re: /^the CSV is larger than (?<max>[\d.,]+) MB$/, key: 'eng.file.csvTooBig' },
  { re: /^the CSV has (?<n>[\d,]+) rows; the limit is (?<max>[\d,]+)$/, key: 'eng.file.csvTooManyRows' },
  { re: /^header: "(?<a>.*)" and "(?<b>.*)" both name the column (?<key>\w+)$/, key: 'eng.file.csvTwice' },
  { re: /^header: none of (?<names>.*) names a column; the columns are (?<columns>.*)$/, key: 'eng.file.csvNoColumn' },
  { re: /^line (?<line>\d+): 1 field, but the header has (?<m>\d+)$/, key: 'eng.file.csvFieldCountOne' },
  { re: /^line (?<line>\d+): more than (?<max>[\d,]+) fields$/, key: 'eng.file.csvTooManyFields' },
  { re: /^line (?<line>\d+): (?<n>\d+) fields, but the header has (?<m>\d+)$/, key: 'eng.file.csvFieldCount' },
  { re: /^line (?<line>\d+), column (?<key>\w+): longer than (?<max>[\d,]+) characters$/, key: 'eng.file.csvTooLong' },
  { re: /^line (?<line>\d+): unexpected (?<char>.+) after a closing quote; a field with quotes must be quoted whole$/, key: 'eng.file.csvAfterQuote' },
  // zod's findings, worded by file/issues.ts: `rows[3].cells.lr: expected text, found a number`.
  { re: /^(?<path>[\w.[\]"]+): (?<issue>.+) \(and 1 more problem\)$/, key: 'eng.file.issueOneMore', sub: { issue: issueText } },
  { re: /^(?<path>[\w.[\]"]+): (?<issue>.+) \(and (?<n>\d+) more problems\)$/, key: 'eng.file.issueMore', sub: { issue: issueText } },
  { re: /^(?<path>[\w.[\]"]+): (?<issue>.+)$/, key: 'eng.file.issue', sub: { issue: issueText } },
]);

/** The sentence of a cell error from its code and parameters, in any locale (English reproduces the engine's). */
export function codedMessage(e: CellError, l: Locale): string | undefined {
  if (!e.code) return undefined;
  const p: Record<string, string> = { ...e.params };
  if (p.detail !== undefined) p.detail = detailText(p.detail, l);
  return engineText(`eng.cell.${e.code}`, p, l);
}

/** What a cell error's column accepts, said from the column table (the engine's `expected` is its English). */
function columnExpected(col: InputColumn, l: Locale): string {
  switch (col.type) {
    case 'text': return engineText('eng.expect.text', {}, l);
    case 'enum': return engineText('eng.expect.enum', { options: col.options.join(', ') }, l);
    case 'layers': return engineText('eng.expect.layers', {}, l);
    case 'dataset': return engineText('eng.expect.dataset', { names: DATASET_NAMES.join(', ') }, l);
    case 'reduce_lr': return engineText('eng.expect.reduce_lr', {}, l);
    case 'number': {
      const key = col.minExclusive ? (col.integer ? 'eng.expect.integerAbove' : 'eng.expect.numberAbove') : col.integer ? 'eng.expect.integer' : 'eng.expect.number';
      return engineText(key, { min: col.min, max: col.max }, l);
    }
  }
}

const PARSE_CODES = new Set(['not-a-choice', 'not-a-number', 'not-whole', 'out-of-range', 'bad-layers', 'bad-dataset', 'bad-reduce-lr']);
const FORMULA_VALUE = /^the formula gives (?<code>#\S+): (?<message>.*)$/s;

/** A cell error's "what is wrong", in `l`. */
export function cellErrorMessage(e: CellError, l: Locale): string {
  if (l === 'en') return e.message;
  const coded = codedMessage(e, l);
  if (coded !== undefined) return coded;
  // scheduler/cell-values.ts does not code its error: recognised by its sentence.
  const m = FORMULA_VALUE.exec(e.message);
  if (m) return engineText('eng.cell.formula-value', { code: m.groups!.code!, message: formulaMessageText(m.groups!.message!, l) }, l);
  return e.message;
}

/** A cell error's "what would have been accepted", in `l`. */
export function cellErrorExpected(e: CellError, l: Locale): string {
  if (l === 'en') return e.expected;
  const col = inputColumn(e.column);
  if (e.code && PARSE_CODES.has(e.code) && col) return columnExpected(col, l);
  if (e.code === 'bad-sweep' && col) return engineText('eng.expect.bad-sweep', { expected: columnExpected(col, l) }, l);
  if (e.code === 'too-many-sample-epochs' || e.code === 'too-much-compute' || e.code === 'model-does-not-fit' || e.code === 'sweep-too-large' || e.code === 'unsettled') {
    return engineText(`eng.expect.${e.code}`, e.params ?? {}, l);
  }
  if (FORMULA_VALUE.test(e.message)) return engineText('eng.expect.formula-value', {}, l);
  return e.expected;
}

/** A column's name as a cell error names it: the key in English (as formulas and the CLI do), the header in Korean. */
export function columnName(key: string, l: Locale): string {
  if (l === 'en') return key;
  return (columns.ko as Record<string, string>)[`col.${key}`] ?? key;
}

/** One line for a tooltip: `학습률: "abc"은(는) 숫자가 아닙니다 (올바른 값: …)`; English is describeCellError's. */
export function cellErrorText(e: CellError, l: Locale): string {
  return engineText('eng.cell.line', { column: columnName(e.column, l), message: cellErrorMessage(e, l), expected: cellErrorExpected(e, l) }, l);
}

/** A row's status line (scheduler/row-state.ts statusText) in `l`. */
export function statusTextIn(s: RunStatus, l: Locale): string {
  switch (s.state) {
    case 'invalid': return engineText('eng.status.invalid', { errors: s.errors.map((e) => cellErrorText(e, l)).join('; ') }, l);
    case 'queued': return engineText('eng.status.queued', {}, l);
    case 'stale': return engineText('eng.status.stale', {}, l);
    case 'running': return engineText('eng.status.running', { percent: Math.round(s.fraction * 100), epoch: s.epoch, epochs: s.epochs }, l);
    case 'done': return engineText('eng.status.done', {}, l);
    case 'diverged': return engineText('eng.status.diverged', { epoch: s.epoch, message: divergedCauseText(s.message, l) }, l);
    case 'failed': return engineText('eng.status.failed', { message: failureText(s.message, l) }, l);
    case 'sweep': {
      const extra = [
        s.running ? engineText('eng.status.sweepRunning', { n: s.running }, l) : '',
        s.diverged ? engineText('eng.status.sweepDiverged', { n: s.diverged }, l) : '',
        s.failed ? engineText('eng.status.sweepFailed', { n: s.failed }, l) : '',
        s.invalid ? engineText('eng.status.sweepInvalid', { n: s.invalid }, l) : '',
      ].filter(Boolean).join(', ');
      return engineText(extra ? 'eng.status.sweepExtra' : 'eng.status.sweep', { done: s.done, total: s.total, extra }, l);
    }
  }
}
