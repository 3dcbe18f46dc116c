/** A child process for tests: its output gathered, a wait for some text, and a kill that waits for the exit. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Proc {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  readonly done: Promise<{ code: number | null; signal: string | null; out: string; err: string }>;
  /** Resolves once the output contains `text` (rejects after `ms`). */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startProc(cmd: string, args: string[], opts: { cwd?: string } = {}): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
  let exited = false;
  void done.then(() => { exited = true; });
  const output = () => out + err;
  return {
    child, output, done,
    async waitFor(text, ms = 90_000) {
      const deadline = Date.now() + ms;
      const seen = () => (typeof text === 'string' ? output().includes(text) : text.test(output()));
      while (!seen()) {
        if (exited) throw new Error(`exited before "${String(text)}":\n${output()}`);
        if (Date.now() > deadline) throw new Error(`no "${String(text)}" after ${ms} ms:\n${output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(signal = 'SIGKILL') {
      if (!exited) child.kill(signal);
      await done;
    },
  };
}
