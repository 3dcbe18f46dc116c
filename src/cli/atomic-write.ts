import { rename, writeFile } from 'node:fs/promises';

/**
 * Replace a file's contents so that a reader (or a kill -9) sees the old bytes or the new, never
 * half of either: write beside it, then rename over it. Writes are serialized per call site.
 */
export function atomicWriter(path: string): (text: string) => Promise<void> {
  let chain = Promise.resolve();
  let n = 0;
  return (text) => {
    chain = chain.then(async () => {
      const tmp = `${path}.${process.pid}.${n++}.tmp`;
      await writeFile(tmp, text, 'utf8');
      await rename(tmp, path);
    });
    return chain;
  };
}
