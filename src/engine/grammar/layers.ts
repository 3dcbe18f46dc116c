/**
 * The layers grammar: the hidden layers of a model as one line of text.
 *
 *   layers   := layer (sep layer)*  |  "" | "none"
 *   sep      := whitespace | "," | ";" | "->"
 *   layer    := [count "*"] name [ "(" args ")" ]
 *   args     := arg ("," arg)*
 *   arg      := value | key "=" value
 *
 *   dense(units, activation=relu, l1=0, l2=0)
 *   conv2d(filters, kernel, stride=1, padding=valid, activation=relu)
 *   maxpool(size=2, stride=size)   avgpool(size=2, stride=size)
 *   flatten   dropout(rate)   batchnorm
 *
 * Examples: `dense(8, relu) dense(8, relu)`, `3*dense(32, sigmoid)`,
 * `conv2d(16, 3, padding=same) maxpool(2) flatten dropout(0.5) dense(50)`.
 * The output layer is implied by the dataset and is not written here.
 */
import { type Result, ok, err } from '../errors.ts';

export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyrelu', 'elu', 'selu', 'softmax', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export type LayerSpec =
  | { readonly kind: 'dense'; readonly units: number; readonly activation: Activation; readonly l1: number; readonly l2: number }
  | {
      readonly kind: 'conv2d';
      readonly filters: number;
      readonly kernel: number;
      readonly stride: number;
      readonly padding: 'same' | 'valid';
      readonly activation: Activation;
    }
  | { readonly kind: 'maxpool' | 'avgpool'; readonly size: number; readonly stride: number }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'dropout'; readonly rate: number }
  | { readonly kind: 'batchnorm' };

export type LayerKind = LayerSpec['kind'];

/** A grammar problem: a message and where in the text it starts (0-based). */
export interface LayersProblem {
  readonly message: string;
  readonly at: number;
}

export const LAYER_LIMITS = { maxLayers: 32, maxUnits: 4096, maxFilters: 512, maxKernel: 15, maxRepeat: 16 } as const;

export const LAYERS_EXPECTED =
  'layers such as dense(8, relu) dense(8, relu); also conv2d(16, 3), maxpool(2), flatten, dropout(0.5), batchnorm — or empty for none';

type Arg = { key: string | null; value: string; at: number };

interface Signature {
  /** Names of positional parameters, in order. */
  readonly params: readonly string[];
  readonly required: number;
}

const SIGNATURES: Readonly<Record<LayerKind, Signature>> = {
  dense: { params: ['units', 'activation', 'l1', 'l2'], required: 1 },
  conv2d: { params: ['filters', 'kernel', 'stride', 'padding', 'activation'], required: 2 },
  maxpool: { params: ['size', 'stride'], required: 0 },
  avgpool: { params: ['size', 'stride'], required: 0 },
  flatten: { params: [], required: 0 },
  dropout: { params: ['rate'], required: 1 },
  batchnorm: { params: [], required: 0 },
};

const ALIASES: Readonly<Record<string, LayerKind>> = {
  dense: 'dense', conv2d: 'conv2d', conv: 'conv2d', maxpool: 'maxpool', maxpooling2d: 'maxpool',
  avgpool: 'avgpool', averagepooling2d: 'avgpool', flatten: 'flatten', dropout: 'dropout',
  batchnorm: 'batchnorm', batchnormalization: 'batchnorm',
};

const ACTIVATION_ALIASES: Readonly<Record<string, Activation>> = {
  leaky_relu: 'leakyrelu', none: 'linear', identity: 'linear',
};

/**
 * A table's own entry for a word typed in a cell, never one inherited from Object.prototype:
 * `constructor` or `__proto__` typed as a layer name must be an unknown layer, not a function.
 */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Parse the text of a layers cell. Empty text (or `none`) means no hidden layers. */
export function parseLayers(text: string): Result<LayerSpec[], LayersProblem> {
  const src = text.trim();
  if (src === '' || src.toLowerCase() === 'none') return ok([]);
  const lexed = lex(text);
  if (!lexed.ok) return lexed;
  const toks = lexed.value;
  const layers: LayerSpec[] = [];
  let i = 0;
  const peek = () => toks[i];
  while (i < toks.length) {
    const t = peek()!;
    if (t.type === 'sep') { i++; continue; }
    let repeat = 1;
    if (t.type === 'num' && toks[i + 1]?.type === '*') {
      repeat = Number(t.text);
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > LAYER_LIMITS.maxRepeat) {
        return err({ message: `repeat count ${t.text} must be a whole number from 1 to ${LAYER_LIMITS.maxRepeat}`, at: t.at });
      }
      i += 2;
    }
    const nameTok = toks[i];
    if (!nameTok || nameTok.type !== 'word') {
      return err({ message: `expected a layer name here, found ${nameTok ? `"${nameTok.text}"` : 'the end'}`, at: nameTok?.at ?? text.length });
    }
    const kind = own(ALIASES, nameTok.text.toLowerCase());
    if (!kind) {
      return err({ message: `unknown layer "${nameTok.text}"; known layers are ${Object.keys(SIGNATURES).join(', ')}`, at: nameTok.at });
    }
    i++;
    const args: Arg[] = [];
    if (toks[i]?.type === '(') {
      const open = toks[i]!;
      i++;
      while (toks[i] && toks[i]!.type !== ')') {
        const a = toks[i]!;
        if (a.type === 'sep' && a.text === ',') { i++; continue; }
        if (a.type === 'sep') { i++; continue; }
        if (a.type !== 'word' && a.type !== 'num') return err({ message: `unexpected "${a.text}" in ${kind}(…)`, at: a.at });
        if (a.type === 'word' && toks[i + 1]?.type === '=') {
          const v = toks[i + 2];
          if (!v || (v.type !== 'word' && v.type !== 'num')) return err({ message: `${a.text}= needs a value`, at: a.at });
          args.push({ key: a.text.toLowerCase(), value: v.text, at: a.at });
          i += 3;
        } else {
          args.push({ key: null, value: a.text, at: a.at });
          i++;
        }
      }
      if (!toks[i]) return err({ message: `"(" after ${kind} is never closed`, at: open.at });
      i++; // ')'
    }
    const built = buildLayer(kind, args, nameTok.at);
    if (!built.ok) return built;
    for (let r = 0; r < repeat; r++) layers.push(built.value);
    if (layers.length > LAYER_LIMITS.maxLayers) {
      return err({ message: `more than ${LAYER_LIMITS.maxLayers} layers`, at: nameTok.at });
    }
  }
  return ok(layers);
}

/** Canonical text of a layer list: what a parsed cell would print back. */
export function formatLayers(layers: readonly LayerSpec[]): string {
  return layers.map(formatLayer).join(' ');
}

export function formatLayer(l: LayerSpec): string {
  switch (l.kind) {
    case 'dense': {
      const reg = (l.l1 ? `, l1=${l.l1}` : '') + (l.l2 ? `, l2=${l.l2}` : '');
      return `dense(${l.units}, ${l.activation}${reg})`;
    }
    case 'conv2d':
      return `conv2d(${l.filters}, ${l.kernel}, stride=${l.stride}, padding=${l.padding}, activation=${l.activation})`;
    case 'maxpool':
    case 'avgpool':
      return `${l.kind}(${l.size}, stride=${l.stride})`;
    case 'dropout':
      return `dropout(${l.rate})`;
    case 'flatten':
    case 'batchnorm':
      return l.kind;
  }
}

function buildLayer(kind: LayerKind, args: Arg[], at: number): Result<LayerSpec, LayersProblem> {
  const sig = SIGNATURES[kind];
  const named = new Map<string, Arg>();
  let pos = 0;
  for (const a of args) {
    const key = a.key ?? sig.params[pos++];
    if (key === undefined) {
      return err({ message: `${kind} takes at most ${sig.params.length} arguments (${sig.params.join(', ') || 'none'})`, at: a.at });
    }
    if (!sig.params.includes(key)) {
      return err({ message: `${kind} has no parameter "${key}"; its parameters are ${sig.params.join(', ') || 'none'}`, at: a.at });
    }
    if (named.has(key)) return err({ message: `${kind}: ${key} is given twice`, at: a.at });
    named.set(key, { ...a, key });
  }
  for (const p of sig.params.slice(0, sig.required)) {
    if (!named.has(p)) return err({ message: `${kind} needs ${p}, e.g. ${example(kind)}`, at });
  }
  const int = (p: string, min: number, max: number, dflt: number) => intArg(kind, named.get(p), p, min, max, dflt);
  const act = (dflt: Activation) => activationArg(kind, named.get('activation'), dflt);
  switch (kind) {
    case 'dense': {
      const units = int('units', 1, LAYER_LIMITS.maxUnits, 0);
      const activation = act('relu');
      const l1 = numArg(kind, named.get('l1'), 'l1', 0, 1, 0);
      const l2 = numArg(kind, named.get('l2'), 'l2', 0, 1, 0);
      return all({ units, activation, l1, l2 }, (v) => ({ kind, ...v }));
    }
    case 'conv2d': {
      const filters = int('filters', 1, LAYER_LIMITS.maxFilters, 0);
      const kernel = int('kernel', 1, LAYER_LIMITS.maxKernel, 0);
      const stride = int('stride', 1, LAYER_LIMITS.maxKernel, 1);
      const padding = enumArg(kind, named.get('padding'), 'padding', ['same', 'valid'] as const, 'valid');
      const activation = act('relu');
      return all({ filters, kernel, stride, padding, activation }, (v) => ({ kind, ...v }));
    }
    case 'maxpool':
    case 'avgpool': {
      const size = int('size', 1, LAYER_LIMITS.maxKernel, 2);
      if (!size.ok) return size;
      const stride = int('stride', 1, LAYER_LIMITS.maxKernel, size.value);
      return all({ size, stride }, (v) => ({ kind, ...v }));
    }
    case 'dropout': {
      const rate = numArg(kind, named.get('rate'), 'rate', 0, 0.99, 0);
      return all({ rate }, (v) => ({ kind, ...v }));
    }
    case 'flatten':
    case 'batchnorm':
      return ok({ kind });
  }
}

type Fields<T> = { [K in keyof T]: Result<T[K], LayersProblem> };

function all<T, R>(fields: Fields<T>, make: (v: T) => R): Result<R, LayersProblem> {
  const out = {} as T;
  for (const k of Object.keys(fields) as (keyof T)[]) {
    const r = fields[k];
    if (!r.ok) return r;
    out[k] = r.value;
  }
  return ok(make(out));
}

function example(kind: LayerKind): string {
  return { dense: 'dense(8, relu)', conv2d: 'conv2d(16, 3)', maxpool: 'maxpool(2)', avgpool: 'avgpool(2)',
    flatten: 'flatten', dropout: 'dropout(0.5)', batchnorm: 'batchnorm' }[kind];
}

function intArg(kind: LayerKind, a: Arg | undefined, p: string, min: number, max: number, dflt: number): Result<number, LayersProblem> {
  if (!a) return ok(dflt);
  const n = Number(a.value);
  if (!/^[0-9]+$/.test(a.value) || !Number.isInteger(n) || n < min || n > max) {
    return err({ message: `${kind} ${p} must be a whole number from ${min} to ${max}, not "${a.value}"`, at: a.at });
  }
  return ok(n);
}

function numArg(kind: LayerKind, a: Arg | undefined, p: string, min: number, max: number, dflt: number): Result<number, LayersProblem> {
  if (!a) return ok(dflt);
  const n = Number(a.value);
  if (!Number.isFinite(n) || n < min || n > max) {
    return err({ message: `${kind} ${p} must be a number from ${min} to ${max}, not "${a.value}"`, at: a.at });
  }
  return ok(n);
}

function activationArg(kind: LayerKind, a: Arg | undefined, dflt: Activation): Result<Activation, LayersProblem> {
  if (!a) return ok(dflt);
  const v = a.value.toLowerCase();
  const name = own(ACTIVATION_ALIASES, v) ?? v;
  if ((ACTIVATIONS as readonly string[]).includes(name)) return ok(name as Activation);
  return err({ message: `${kind}: unknown activation "${a.value}"; use one of ${ACTIVATIONS.join(', ')}`, at: a.at });
}

function enumArg<T extends string>(kind: LayerKind, a: Arg | undefined, p: string, values: readonly T[], dflt: T): Result<T, LayersProblem> {
  if (!a) return ok(dflt);
  const v = a.value.toLowerCase();
  if ((values as readonly string[]).includes(v)) return ok(v as T);
  return err({ message: `${kind} ${p} must be ${values.join(' or ')}, not "${a.value}"`, at: a.at });
}

type Tok = { type: 'word' | 'num' | '(' | ')' | '=' | '*' | 'sep'; text: string; at: number };

function lex(src: string): Result<Tok[], LayersProblem> {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      // Whitespace separates layers only at the top level; inside parentheses it is noise.
      const start = i;
      while (i < src.length && /\s/.test(src[i]!)) i++;
      toks.push({ type: 'sep', text: ' ', at: start });
      continue;
    }
    if (c === '-' && src[i + 1] === '>') { toks.push({ type: 'sep', text: '->', at: i }); i += 2; continue; }
    if (c === ',' || c === ';') { toks.push({ type: 'sep', text: c, at: i }); i++; continue; }
    if (c === '(' || c === ')' || c === '=' || c === '*') { toks.push({ type: c, text: c, at: i }); i++; continue; }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/i.exec(src.slice(i));
    if (num) { toks.push({ type: 'num', text: num[0], at: i }); i += num[0].length; continue; }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (word) { toks.push({ type: 'word', text: word[0], at: i }); i += word[0].length; continue; }
    return err({ message: `unexpected character "${c}"`, at: i });
  }
  return ok(toks);
}
