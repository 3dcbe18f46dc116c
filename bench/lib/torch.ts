/**
 * The PyTorch peer (bench/torch_train.py), run with Debian's /usr/bin/python3 on one thread. When
 * torch is not installed every call returns null and the benchmarks print why and skip its column.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../torch_train.py', import.meta.url));
const ENV = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

let version: string | null | undefined;

/** torch's version, or null (printing once how to install it) when it cannot be imported. */
export function torchVersion(): string | null {
  if (version !== undefined) return version;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env: ENV });
  version = r.status === 0 ? r.stdout.trim() : null;
  if (version === null) {
    console.log('PyTorch is not available (/usr/bin/python3 cannot import torch): its column is skipped.\n' +
      '  Install it with: apt-get install -y python3-torch libopenblas0-pthread');
  }
  return version;
}

export interface TorchRun {
  readonly torch: string;
  readonly samplesPerSec: number;
  readonly seconds: number;
  readonly testAcc: number;
  readonly trainLoss: number;
  readonly train: number;
  readonly test: number;
  readonly epochs: number;
}

function runJson<T>(args: string[]): T | null {
  if (torchVersion() === null) return null;
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', env: ENV, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`PyTorch run failed (${args.join(' ')}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    return null;
  }
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  return line ? (JSON.parse(line) as T) : null;
}

/** Train MODEL ('mlp' | 'cnn') on the exported data in DIR. */
export function torchTrain(dir: string, model: 'mlp' | 'cnn' | 'w4', epochs: number, batch: number, optimizer: string, lr: number): TorchRun | null {
  return runJson<TorchRun>([dir, model, String(epochs), String(batch), optimizer, String(lr)]);
}

/** torch.mm GFLOP/s for an (m x k) by (k x n) product on one thread. */
export function torchMatmulGflops(m: number, k: number, n: number): number | null {
  return runJson<{ gflops: number }>(['--mm', String(m), String(k), String(n)])?.gflops ?? null;
}
