import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replace a file's contents so that a reader (or a kill -9) sees the old bytes or the new, never
 * half of either: write beside it, then rename over it. Writes are serialized per call site; one
 * that fails (disk full, the folder gone) rejects its own promise and leaves the next to try again.
 * The temporary name is short: the file's name plus a suffix passed the 255-byte name limit for
 * names near it, and every save failed.
 */
export function atomicWriter(path: string): (text: string) => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  let n = 0;
  return (text) => {
    const write = chain.catch(() => undefined).then(async () => {
      const tmp = join(dirname(path), `.${basename(path).slice(0, 40)}.${process.pid}.${n++}.tmp`);
      try {
        await writeFile(tmp, text, 'utf8');
        await rename(tmp, path);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
      }
    });
    chain = write;
    return write;
  };
}
