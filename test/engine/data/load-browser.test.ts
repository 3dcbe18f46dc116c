import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeDataset } from '../../../src/engine/data/binary-format.ts';
import { loadDatasetFile } from '../../../src/engine/data/load-browser.ts';

const tiny = encodeDataset({
  shape: [4], dtype: 'float32', classNames: ['a', 'b', 'c'], source: 'tiny',
  train: { features: Float32Array.of(1, 2, 3, 4), labels: Uint8Array.of(2) },
  test: { features: new Float32Array(0), labels: new Uint8Array(0) },
});

function serve(body: BodyInit, init: ResponseInit) {
  const fetch = vi.fn(async (_url: string) => new Response(body, init));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => { vi.unstubAllGlobals(); });

describe('loadDatasetFile in the browser', () => {
  it('fetches data/<name>.bin below the base URL and decodes it', async () => {
    const fetch = serve(tiny.slice(), { headers: { 'content-type': 'application/octet-stream' } });
    const r = await loadDatasetFile('iris');
    expect(fetch.mock.calls[0]![0]).toBe(`${import.meta.env.BASE_URL}data/iris.bin`);
    expect(r.ok && Array.from(r.value.train.features)).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ['a 404', '', { status: 404 }, 'dataset file public/data/mnist.bin is missing: run npm run prepare-data'],
    ["Vite's index.html fallback", '<!doctype html>', { headers: { 'content-type': 'text/html' } },
      'dataset file public/data/mnist.bin is missing: run npm run prepare-data'],
    ['a server error', '', { status: 500, statusText: 'Oops' }, 'could not load /data/mnist.bin: HTTP 500 Oops'],
    ['a malformed file', 'SWDX and more bytes to fill', {}, '/data/mnist.bin: not a Sweepsheet dataset file'],
  ])('%s is an error value', async (_, body, init, message) => {
    serve(body, init);
    const r = await loadDatasetFile('mnist');
    expect(r.ok ? '' : r.error).toContain(message);
  });

  it('a failed or aborted fetch is an error value', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new DOMException('The operation was aborted.', 'AbortError'); }));
    const r = await loadDatasetFile('fashion-mnist', { signal: AbortSignal.abort() });
    expect(r.ok ? '' : r.error).toBe('could not load /data/fashion-mnist.bin: The operation was aborted.');
  });
});
