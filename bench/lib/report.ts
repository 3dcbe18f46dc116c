/**
 * What every benchmark records beside its numbers: when, on what machine, at which commit, and
 * with which tool versions; and where the record goes (bench/results/NAME.json and NAME.md, the
 * latest run, plus a dated copy of the JSON so earlier runs stay comparable).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { torchVersion } from './torch.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface Machine {
  readonly date: string;
  readonly commit: string;
  /** Whether the working tree had uncommitted changes when the numbers were taken. */
  readonly dirty: boolean;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly chromium: string | null;
  readonly torch: string | null;
  readonly tfjs: string;
}

function quiet(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export async function machine(): Promise<Machine> {
  const tf = await import('@tensorflow/tfjs');
  return {
    date: new Date().toISOString(),
    commit: quiet('git', ['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    dirty: (quiet('git', ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: quiet('/usr/bin/chromium', ['--version']),
    torch: torchVersion(),
    tfjs: tf.version.tfjs,
  };
}

export function machineLine(m: Machine): string {
  return `${m.date} · ${m.cpu} × ${m.cores} · node ${m.node} · tfjs ${m.tfjs} · ${m.chromium ?? 'no chromium'} · torch ${m.torch ?? 'missing'} · commit ${m.commit}${m.dirty ? '+dirty' : ''}`;
}

/** A markdown table from rows of cells (first row is the header). */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

/** A plain-text table for the console. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** Writes NAME.json (+ a dated copy) and NAME.md into bench/results/. */
export function save(name: string, m: Machine, data: unknown, markdown: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify({ benchmark: name, machine: m, ...(data as object) }, null, 2);
  writeFileSync(`${RESULTS_DIR}${name}.json`, `${json}\n`);
  writeFileSync(`${RESULTS_DIR}${name}-${m.date.slice(0, 10)}.json`, `${json}\n`);
  writeFileSync(`${RESULTS_DIR}${name}.md`, `# ${name}\n\n${machineLine(m)}\n\n${markdown}\n`);
  console.log(`\nsaved bench/results/${name}.json and ${name}.md`);
}

export const fmt = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');
