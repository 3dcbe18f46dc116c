/**
 * The engine's texts in Korean (src/ui/engine-text.ts). Errors come from the real engine
 * (parseRow, expandRow, effectiveCells, readSheet); English must come back word for word as the
 * engine wrote it, Korean must be Korean and keep the values the English sentence carried.
 */
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/engine/columns.ts';
import { type CellError, type CellErrorCode, cellError, describeCellError } from '../../src/engine/errors.ts';
import { expandRow } from '../../src/engine/grammar/sweep.ts';
import { effectiveCells } from '../../src/engine/scheduler/cell-values.ts';
import { type RunStatus, statusText } from '../../src/engine/scheduler/row-state.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { readSheet } from '../../src/engine/file/read.ts';
import { fromCsv } from '../../src/engine/file/csv.ts';
import { FILE_LIMITS } from '../../src/engine/file/types.ts';
import { parseFormula } from '../../src/engine/formula/index.ts';
import { formulaError } from '../../src/engine/formula/values.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { chooseBackend } from '../../src/workers/backend-choice.ts';
import { parseLayers } from '../../src/engine/grammar/layers.ts';
import { engine } from '../../src/ui/i18n/messages/engine.ts';
import { ScriptedRunner } from '../helpers/scripted-runner.ts';
import {
  backendReasonText, cellErrorMessage, cellErrorText, codedMessage, divergedCauseText, failureText, fileErrorText,
  formulaMessageText, layerNameText, statusTextIn, stoppedEarlyText,
} from '../../src/ui/engine-text.ts';

const HANGUL = /[\uac00-\ud7a3]/;
const good = { dataset: 'circle', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03', batch_size: '32', epochs: '10', seed: '1' };

function rowError(cells: Record<string, string>): CellError {
  const r = parseRow({ ...good, ...cells });
  if (r.ok) throw new Error(`expected ${JSON.stringify(cells)} to be refused`);
  return r.errors[0]!;
}

function sweepError(cells: Record<string, string>): CellError {
  const r = expandRow({ ...good, ...cells });
  if (r.ok) throw new Error(`expected the sweep ${JSON.stringify(cells)} to be refused`);
  return r.error[0]!;
}

/** One real engine error per code, and a value the Korean sentence must still show. */
const BY_CODE: Record<CellErrorCode, [() => CellError, string]> = {
  'not-a-choice': [() => rowError({ optimizer: 'adamw' }), 'adamw'],
  'not-a-number': [() => rowError({ lr: 'fast' }), 'fast'],
  'not-whole': [() => rowError({ batch_size: '2.5' }), '2.5'],
  'out-of-range': [() => rowError({ lr: '50' }), '50'],
  'bad-layers': [() => rowError({ layers: 'dense(8, relux)' }), 'relux'],
  'bad-dataset': [() => rowError({ dataset: 'cifar' }), 'cifar'],
  'bad-reduce-lr': [() => rowError({ reduce_lr: 'soon' }), 'soon'],
  'too-many-sample-epochs': [() => rowError({ dataset: 'mnist', epochs: '80' }), '80'],
  'too-much-compute': [() => rowError({ dataset: 'mnist', epochs: '20', layers: 'conv2d(16, 3, padding=same) conv2d(32, 4, padding=same) conv2d(64, 4) maxpool(2) flatten' }), '3.3e13'],
  'model-does-not-fit': [() => rowError({ layers: 'conv2d(8, 3)' }), 'conv2d'],
  'bad-sweep': [() => sweepError({ lr: '0.1, , 0.2' }), ''],
  'sweep-too-large': [() => sweepError({ lr: 'linspace(0.01, 0.1, 20)', seed: '1..20' }), '400'],
  'unsettled': [heldError, 'A1'],
};

/**
 * A sweep whose epochs read row 2's status: while it sweeps, row 2 is its own first run. The
 * engine holds it invalid as soon as it is built (result-cycles.test.ts follows it further).
 */
function heldError(): CellError {
  const status = `${String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === 'status'))}2`;
  const engine = new SheetEngine([
    { id: 's', cells: { ...good, lr: '0.01, 0.1', epochs: `=IF(${status} = "done", 50, 10)` } },
    { id: 't', cells: { ...good, seed: '7' } },
  ], new ScriptedRunner(1));
  const s = engine.row('s')!.status;
  engine.dispose();
  if (s.state !== 'invalid') throw new Error(`expected the sweep to be held invalid, found ${s.state}`);
  return s.errors[0]!;
}

describe('cell errors in English and Korean', () => {
  it.each(Object.entries(BY_CODE))('%s: the engine codes it; English is the engine’s, Korean keeps the values', (code, [make, value]) => {
    const e = make();
    expect(e.code).toBe(code);
    // The English table reproduces the engine's sentence from the code and parameters.
    expect(codedMessage(e, 'en')).toBe(e.message);
    expect(cellErrorText(e, 'en')).toBe(describeCellError(e));
    const ko = cellErrorText(e, 'ko');
    expect(ko).toMatch(HANGUL);
    expect(ko).toContain(value);
    expect(cellErrorMessage(e, 'ko')).not.toBe(e.message);
  });

  it('names the column by its Korean header and says what the column accepts', () => {
    expect(cellErrorText(rowError({ lr: 'fast' }), 'ko')).toBe('학습률: "fast"은(는) 숫자가 아닙니다 (올바른 값: 0보다 크고 10 이하인 숫자)');
    expect(cellErrorText(rowError({ batch_size: '0' }), 'ko')).toBe('배치: 0은(는) 허용 범위를 벗어났습니다 (올바른 값: 1부터 4096까지의 정수)');
    expect(cellErrorText(rowError({ optimizer: 'adamw' }), 'ko')).toContain('sgd, momentum, adagrad, adadelta, rmsprop, adam, adamax 중 하나');
  });

  it('says every bad dataset cell in Korean: an unknown name, a size on a generated set, a subset out of range', () => {
    for (const dataset of ['cifar', 'mnist:abc', 'circle:5k', 'mnist:0', 'iris:999', 'fashion-mnist:70k']) {
      const e = rowError({ dataset });
      expect(cellErrorText(e, 'en')).toBe(describeCellError(e));
      expect(cellErrorMessage(e, 'ko'), dataset).toMatch(HANGUL);
    }
    expect(cellErrorMessage(rowError({ dataset: 'mnist:0' }), 'ko')).toBe('mnist의 학습 샘플은 60,000개입니다. 부분집합 크기는 20부터 60000까지의 정수여야 합니다("0"은(는) 안 됩니다)');
  });

  it('translates the detail inside a layers error and keeps its place', () => {
    const e = rowError({ layers: 'dense(8, relux)' });
    const list = /use one of (.*) \(at character 10\)$/.exec(e.message)?.[1];
    expect(list).toContain('relu');
    expect(cellErrorMessage(e, 'ko')).toBe(`dense: 알 수 없는 활성화 함수 "relux". 다음 중 하나를 쓰세요: ${list} (10번째 글자)`);
  });

  it('recognises the formula-value error the scheduler does not code', () => {
    const { errors } = effectiveCells({ ...good, lr: '=1/0' }, () => formulaError('#DIV/0!', '1 / 0 divides by zero'));
    expect(errors).toHaveLength(1);
    expect(cellErrorText(errors[0]!, 'en')).toBe(describeCellError(errors[0]!));
    expect(cellErrorText(errors[0]!, 'ko')).toBe('학습률: 수식의 값이 #DIV/0!입니다: 1 / 0: 0으로 나눌 수 없습니다 (올바른 값: 이 열에 맞는 값을 내는 수식)');
  });

  it('falls back to the engine’s English for an error without a code or a known shape', () => {
    const e = cellError('lr', 'something new went wrong', 'something else');
    expect(cellErrorMessage(e, 'ko')).toBe('something new went wrong');
    expect(cellErrorText(e, 'ko')).toBe('학습률: something new went wrong (올바른 값: something else)');
    expect(failureText('tfjs exploded', 'ko')).toBe('tfjs exploded');
    expect(fileErrorText('a brand new refusal', 'ko')).toBe('a brand new refusal');
    expect(divergedCauseText('the gradient vanished', 'ko')).toBe('the gradient vanished');
  });
});

describe('the message tables', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  it.each(Object.keys(engine.en) as (keyof typeof engine.en)[])('%s has Korean text with the same placeholders', (key) => {
    expect(engine.ko[key].length).toBeGreaterThan(0);
    expect(placeholders(engine.ko[key])).toEqual(placeholders(engine.en[key]));
  });
});

describe('statuses, causes and failures', () => {
  const bad = parseRow({ ...good, lr: 'fast' });
  const statuses: RunStatus[] = [
    { state: 'invalid', errors: bad.ok ? [] : bad.errors },
    { state: 'queued' },
    { state: 'stale' },
    { state: 'running', fraction: 0.4, epoch: 4, epochs: 10 },
    { state: 'done' },
    { state: 'diverged', epoch: 3, message: 'the loss became NaN — the learning rate (5) is probably too high' },
    { state: 'failed', message: 'the worker crashed (out of memory)' },
    { state: 'sweep', total: 7, done: 2, running: 2, failed: 1, invalid: 1, diverged: 1 },
    { state: 'sweep', total: 6, done: 6, running: 0, failed: 0, invalid: 0, diverged: 0 },
  ];

  it.each(statuses.map((s) => [s.state, s] as const))('%s: English is statusText, Korean is Korean', (_, s) => {
    expect(statusTextIn(s, 'en')).toBe(statusText(s));
    expect(statusTextIn(s, 'ko')).toMatch(HANGUL);
  });

  it('fills in the values', () => {
    expect(statusTextIn({ state: 'stale' }, 'ko')).toBe('오래됨 — 실행하면 갱신됩니다');
    expect(statusTextIn({ state: 'running', fraction: 0.4, epoch: 4, epochs: 10 }, 'ko')).toBe('학습 중 40% (에포크 4/10)');
    expect(statusTextIn(statuses[5]!, 'ko')).toBe('에포크 3에서 발산 — 손실이 NaN(으)로 튀었습니다 — 학습률(5)이 너무 높은 것 같습니다');
    expect(statusTextIn(statuses[7]!, 'ko')).toBe('스윕: 2/7 완료 (2개 학습 중, 1개 발산, 1개 실패, 1개 잘못된 입력)');
    expect(statusText(statuses[7]!)).toBe('sweep: 2/7 done (2 running, 1 diverged, 1 failed, 1 invalid)');
  });

  // The sentences of train/fit.ts, with the values a run puts in them.
  it.each([
    ['the loss (2.31) stayed far above chance (0.69) — the learning rate (3) is probably too high', ['2.31', '0.69', '(3)']],
    ['the loss (0.75) ended above chance level (0.69) — the learning rate (1) is probably too high', ['0.75', '0.69', '(1)']],
  ])('divergence cause: %s', (english, values) => {
    const ko = divergedCauseText(english, 'ko');
    expect(ko).toContain('학습률');
    for (const v of values) expect(ko).toContain(v);
    expect(divergedCauseText(english, 'en')).toBe(english);
  });

  it('says why a run stopped early or failed', () => {
    expect(stoppedEarlyText('early stopping: no better validation loss for 3 epochs', 'ko')).toBe('조기 종료: 3 에포크 동안 검증 손실이 나아지지 않았습니다');
    // One epoch is singular in English; files saved before say "1 epochs" and still read in Korean. Training loss is 훈련 손실, as the grid's header says.
    expect(stoppedEarlyText('early stopping: no better training loss for 1 epoch', 'ko')).toBe('조기 종료: 1 에포크 동안 훈련 손실이 나아지지 않았습니다');
    expect(stoppedEarlyText('early stopping: no better validation loss for 1 epochs', 'ko')).toBe('조기 종료: 1 에포크 동안 검증 손실이 나아지지 않았습니다');
    expect(failureText('training failed: the wasm backend failed to initialise', 'ko')).toBe('학습 실패: wasm 백엔드를 초기화하지 못했습니다');
  });

  it('translates formula errors and leaves their code alone', () => {
    expect(formulaMessageText('circular reference: A1 → B1 → A1', 'ko')).toBe('순환 참조: A1 → B1 → A1');
    expect(formulaMessageText('unknown column lrr — did you mean lr?', 'ko')).toBe('알 수 없는 열 lrr — lr을(를) 뜻했나요?');
    // Parse errors from the real parser, with the place the graph appends.
    for (const [text, ko] of [
      ['=lr +', /^\d+번째 위치에 예상하지 못한 수식의 끝$/],
      ['=(lr', /^\d+번째 위치의 '\('를 닫는 '\)'가 없습니다$/],
      ['=sqr(4)', /^알 수 없는 함수 sqr — SQRT을\(를\) 뜻했나요\?$/],
    ] as const) {
      const r = parseFormula(text);
      if (r.ok) throw new Error(`expected ${text} to be refused`);
      expect(formulaMessageText(r.error.message, 'ko')).toMatch(ko);
      expect(formulaMessageText(`${r.error.message} (at character 3)`, 'ko')).toMatch(/\(3번째 글자\)$/);
    }
  });
});

describe('refused files', () => {
  const doc = (over: Record<string, unknown>) => JSON.stringify({ format: 'sweepsheet', version: 2, title: 't', rows: [], results: {}, ...over });

  it.each([
    [doc({ version: 99 }), ['99', '2', 'Sweepsheet']],
    ['[1, 2]', ['목록']],
    ['{not json', ['JSON']],
    [doc({ title: 5 }), ['title', '텍스트', '숫자']],
  ])('%s', (text, values) => {
    const r = readSheet(text);
    if (r.ok) throw new Error('expected the file to be refused');
    expect(fileErrorText(r.error, 'en')).toBe(r.error);
    const ko = fileErrorText(r.error, 'ko');
    expect(ko).toMatch(HANGUL);
    for (const v of values) expect(ko).toContain(v);
  });

  it.each([
    ['foo,bar\r\n1,2\r\n', ['"foo"', '"bar"', 'name, dataset']],
    ['lr,LR\r\n0.1,0.2\r\n', ['"LR"', '"lr"', 'lr']],
    ['lr,seed\r\n0.1\r\n', ['2', '1']],
    ['lr,seed\r\n0.1,1,2\r\n', ['2', '3']],
    ['lr,seed\r\n"0.1"x,1\r\n', ['2', '"x"']],
    [`lr\r\n${'1'.repeat(FILE_LIMITS.maxCellLength + 1)}\r\n`, ['2', 'lr', '2,000']],
    [`lr\r\n${'0.1\r\n'.repeat(FILE_LIMITS.maxRows + 1)}`, ['10,001', '10,000']],
    ['', ['CSV']],
    ['lr\r\n"0.1\r\n', ['2']],
    [' '.repeat(FILE_LIMITS.maxBytes + 1), ['CSV', '5 MB']],
    [`lr,seed\r\n0.1,${','.repeat(1_000)}\r\n`, ['2', '1,000']],
  ])('a refused CSV in Korean: %#', (text, values) => {
    const r = fromCsv(text);
    if (r.ok) throw new Error('expected the CSV to be refused');
    expect(fileErrorText(r.error, 'en')).toBe(r.error);
    const ko = fileErrorText(r.error, 'ko');
    expect(ko).toMatch(HANGUL);
    expect(ko).not.toMatch(/\b(line|header|field|column|longer|rows)\b/);
    for (const v of values) expect(ko).toContain(v);
  });

  const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, cells: {} }));
  it.each([
    [doc({ rows: [{ id: 'a', cells: {} }, { id: 'a', cells: {} }] }), ['rows[1].id', '"a"']],
    [doc({ rows: [{ id: 'a', cells: { learning_rate: '0.1' } }] }), ['learning_rate', 'batch_size']],
    [doc({ rows: rowsOf(FILE_LIMITS.maxRows + 1) }), ['10,001', '10,000']],
    [doc({ rows: [{ id: 'a', cells: { notes: 'x'.repeat(FILE_LIMITS.maxCellLength + 1) } }] }), ['rows[0].cells.notes', '2,000', '2,001']],
    [doc({ title: 'x'.repeat(FILE_LIMITS.maxTitle + 1) }), ['title', '500']],
    [doc({ columns: [{ key: 'lr', label: 'x', formula: '=1' }] }), ['columns[0].key', '"lr"', '__proto__']],
    [doc({ columns: [{ key: 'f1', label: 'x', formula: '=1' }, { key: 'f1', label: 'y', formula: '=2' }] }), ['columns[1].key', '"f1"']],
    [doc({ columns: [{ key: 'Bad Key', label: 'x', formula: '=1' }] }), ['"Bad Key"', '32']],
    [doc({ columns: Array.from({ length: FILE_LIMITS.maxColumns + 1 }, (_, i) => ({ key: `f${i}`, label: 'x', formula: '=1' })) }), ['65', '64']],
    [doc({ settings: { runMode: 'turbo' } }), ['"auto"', '"manual"', '"turbo"']],
    [doc({ rows: [{ id: 'a', cells: {}, staleResult: 'gone' }] }), ['rows[0].staleResult']],
    [doc({ rows: [{ id: 'a', cells: {}, staleResult: 'k'.repeat(FILE_LIMITS.maxSpecKey + 1) }] }), ['rows[0].staleResult', '50,000']],
  ])('a refused file in Korean: %#', (text, values) => {
    const r = readSheet(text);
    if (r.ok) throw new Error('expected the file to be refused');
    expect(fileErrorText(r.error, 'en')).toBe(r.error);
    const ko = fileErrorText(r.error, 'ko');
    expect(ko).toMatch(HANGUL);
    // The place (rows[1].id) stays as the file spells it; the sentence after it is Korean.
    expect(ko.replace(/^[\w.[\]"]+: /, '')).not.toMatch(/\b(limit|earlier|longer|expected|found|input column|taken|rows|columns|or|characters)\b/);
    for (const v of values) expect(ko).toContain(v);
  });

  it('says a file over the size limit, and a sheet the page does not have, in Korean', () => {
    const big = readSheet(' '.repeat(FILE_LIMITS.maxBytes + 1));
    if (big.ok) throw new Error('expected the file to be refused');
    expect(fileErrorText(big.error, 'ko')).toMatch(/^파일의 크기가 [\d.]+ MB입니다\. 최대 [\d.]+ MB까지 읽습니다$/);
    // src/ui/sheet-source.ts's sentences (it reads the page's bundled fixtures, so not importable here).
    expect(fileErrorText('there is no sheet "nope"; the sheets are: xor, spiral', 'ko')).toBe('"nope"이라는 시트가 없습니다. 있는 시트: xor, spiral');
    expect(fileErrorText('the sheet "xor" could not be read: the file must hold a JSON object, found a list', 'ko'))
      .toBe('시트 "xor"을(를) 읽을 수 없습니다: 파일에는 JSON 객체가 있어야 합니다 (들어 있는 값: 목록)');
  });
});

describe('why a backend was chosen', () => {
  const layersOf = (text: string) => { const r = parseLayers(text); if (!r.ok) throw new Error(r.error.message); return r.value; };
  const reasons = new Set<string>();
  for (const layers of [layersOf('dense(8, relu)'), layersOf('conv2d(8, 3) flatten')]) {
    for (const webgl of [false, true]) for (const softwareWebgl of [false, true]) for (const wasm of [false, true]) for (const wasmConv of [false, true]) {
      reasons.add(chooseBackend(layers, { webgl, softwareWebgl, wasm, wasmConv }).reason);
    }
  }

  it.each([...reasons])('%s', (reason) => {
    expect(backendReasonText(reason, 'en')).toBe(reason);
    const ko = backendReasonText(reason, 'ko');
    expect(ko).toMatch(HANGUL);
    // The measured numbers stay as they were.
    for (const n of reason.match(/[\d,]+\/s/g) ?? []) expect(ko).toContain(n);
  });
});

describe('the model summary\'s layer names', () => {
  const names = (cells: Record<string, string>) => {
    const r = parseRow({ ...good, ...cells });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.summary.layers.map((l) => l.name);
  };

  it('says the implied output layer in Korean, keeping the class count; the given layers keep their names', () => {
    const classes = names({ dataset: 'iris', layers: 'dense(10) dropout(0.2)' });
    const regression = names({ dataset: 'plane', layers: 'dense(8)' });
    for (const name of [...classes, ...regression]) expect(layerNameText(name, 'en')).toBe(name);
    expect(classes.map((n) => layerNameText(n, 'ko'))).toEqual(['dense', 'dropout', 'dense (출력층: softmax, 클래스 3개)']);
    expect(layerNameText(regression.at(-1)!, 'ko')).toBe('dense (출력층: linear, 회귀)');
  });
});
