/**
 * The 2-D toy datasets, after the TensorFlow Playground's generators: plain typed arrays,
 * generated from a seed and a noise level, coordinates scaled to about [-1, 1].
 */
import { DATASETS } from '../datasets.ts';
import { deriveSeed, mulberry32, normal, permutation } from './rng.ts';

/** Samples row-major (n x features); labels for classes, targets for regression. */
export interface Samples {
  readonly x: Uint8Array | Float32Array;
  readonly y: Uint8Array | Float32Array;
  readonly n: number;
}

/** A dataset ready to train on, whatever its source. Pixels stay bytes; `scale` maps them to [0, 1]. */
export interface LoadedData {
  readonly task: 'classification' | 'regression';
  /** Shape of one sample, e.g. [28, 28, 1] or [2]. */
  readonly sampleShape: readonly number[];
  readonly features: number;
  readonly scale: number;
  /** Classes, or 1 for regression. */
  readonly classes: number;
  readonly train: Samples;
  readonly test: Samples;
}

export type ToyName = 'xor' | 'circle' | 'spiral' | 'gaussian' | 'plane' | 'gauss-mix';

const RADIUS = 5;

type Gen = (n: number, noise: number, rand: () => number) => { xs: number[]; ys: number[]; labels: number[] };

const uniform = (rand: () => number, lo: number, hi: number) => lo + (hi - lo) * rand();

const GENERATORS: Record<ToyName, Gen> = {
  circle(n, noise, rand) {
    const xs: number[] = [], ys: number[] = [], labels: number[] = [];
    const point = (rLo: number, rHi: number, label: number) => {
      const r = uniform(rand, rLo, rHi);
      const a = uniform(rand, 0, 2 * Math.PI);
      xs.push(r * Math.sin(a) + uniform(rand, -RADIUS, RADIUS) * noise);
      ys.push(r * Math.cos(a) + uniform(rand, -RADIUS, RADIUS) * noise);
      labels.push(label);
    };
    for (let i = 0; i < n / 2; i++) point(0, RADIUS * 0.5, 1);
    for (let i = n / 2; i < n; i++) point(RADIUS * 0.7, RADIUS, 0);
    return { xs, ys, labels };
  },
  xor(n, noise, rand) {
    const xs: number[] = [], ys: number[] = [], labels: number[] = [];
    const pad = 0.3;
    for (let i = 0; i < n; i++) {
      let x = uniform(rand, -RADIUS, RADIUS);
      x += x > 0 ? pad : -pad;
      let y = uniform(rand, -RADIUS, RADIUS);
      y += y > 0 ? pad : -pad;
      labels.push(x * y >= 0 ? 1 : 0);
      xs.push(x + uniform(rand, -RADIUS, RADIUS) * noise);
      ys.push(y + uniform(rand, -RADIUS, RADIUS) * noise);
    }
    return { xs, ys, labels };
  },
  spiral(n, noise, rand) {
    const xs: number[] = [], ys: number[] = [], labels: number[] = [];
    const half = n / 2;
    const arm = (deltaT: number, label: number) => {
      for (let i = 0; i < half; i++) {
        const r = (i / half) * RADIUS;
        const t = ((1.75 * i) / half) * 2 * Math.PI + deltaT;
        xs.push(r * Math.sin(t) + uniform(rand, -1, 1) * noise * RADIUS * 0.2);
        ys.push(r * Math.cos(t) + uniform(rand, -1, 1) * noise * RADIUS * 0.2);
        labels.push(label);
      }
    };
    arm(0, 1);
    arm(Math.PI, 0);
    return { xs, ys, labels };
  },
  gaussian(n, noise, rand) {
    const xs: number[] = [], ys: number[] = [], labels: number[] = [];
    const sd = Math.sqrt(0.5 + 3.5 * (noise / 0.5));
    for (let i = 0; i < n; i++) {
      const label = i < n / 2 ? 1 : 0;
      const c = label ? 2 : -2;
      xs.push(c + normal(rand) * sd);
      ys.push(c + normal(rand) * sd);
      labels.push(label);
    }
    return { xs, ys, labels };
  },
  plane(n, noise, rand) {
    const xs: number[] = [], ys: number[] = [], labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = uniform(rand, -6, 6);
      const y = uniform(rand, -6, 6);
      labels.push((x + y) / 12);
      xs.push(x + uniform(rand, -6, 6) * noise);
      ys.push(y + uniform(rand, -6, 6) * noise);
    }
    return { xs, ys, labels };
  },
  'gauss-mix'(n, noise, rand) {
    // The Playground's mixture: the strongest of six signed bumps decides the target.
    const bumps = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]] as const;
    const xs: number[] = [], ys: number[] = [], labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = uniform(rand, -6, 6);
      const y = uniform(rand, -6, 6);
      let label = 0;
      for (const [cx, cy, sign] of bumps) {
        const d = Math.hypot(x - cx, y - cy);
        const v = sign * Math.max(0, 1 - d / 2);
        if (Math.abs(v) > Math.abs(label)) label = v;
      }
      labels.push(label);
      xs.push(x + uniform(rand, -6, 6) * noise);
      ys.push(y + uniform(rand, -6, 6) * noise);
    }
    return { xs, ys, labels };
  },
};

const SPAN: Record<ToyName, number> = { xor: RADIUS, circle: RADIUS, spiral: RADIUS, gaussian: RADIUS, plane: 6, 'gauss-mix': 6 };

/** Generate a toy set: train and test drawn together from one seeded stream, then split at random. */
export function generateToy(name: ToyName, noise: number, seed: number): LoadedData {
  const info = DATASETS[name];
  const regression = info.task === 'regression';
  const total = info.trainSize + info.testSize;
  const rand = mulberry32(deriveSeed(seed, `data:${name}`));
  const { xs, ys, labels } = GENERATORS[name](total, noise, rand);
  const order = permutation(total, rand);
  const span = SPAN[name];
  const take = (from: number, count: number): Samples => {
    const x = new Float32Array(count * 2);
    const y = regression ? new Float32Array(count) : new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const j = order[from + i]!;
      x[2 * i] = xs[j]! / span;
      x[2 * i + 1] = ys[j]! / span;
      y[i] = labels[j]!;
    }
    return { x, y, n: count };
  };
  return {
    task: info.task, sampleShape: [2], features: 2, scale: 1, classes: info.classes,
    train: take(0, info.trainSize), test: take(info.trainSize, info.testSize),
  };
}
