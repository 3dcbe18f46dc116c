/**
 * V8's sampling heap profiler (CDP HeapProfiler) over a stretch of time: which functions allocate
 * the most, counting objects that GC already collected (what makes the collector run), or, with
 * `live`, only what is still reachable at the end (what the page retains).
 */
import type { CDPSession } from 'playwright-core';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Start sampling about every `intervalBytes` allocated; `live` keeps only objects still alive at the end. */
export async function startHeapSampling(cdp: CDPSession, live: boolean, intervalBytes = 16_384): Promise<void> {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.startSampling', {
    samplingInterval: intervalBytes,
    ...(live ? {} : { includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }),
  });
}

/** Stop, and summarize the profile: bytes by allocating function (self), and by every caller on the stack (inclusive). */
export async function stopHeapSampling(cdp: CDPSession, live: boolean, top = 30): Promise<string> {
  // For the live view, what a full GC frees is not retained.
  if (live) await cdp.send('HeapProfiler.collectGarbage');
  const { profile } = (await cdp.send('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } };
  const usage = (await cdp.send('Runtime.getHeapUsage')) as unknown as { usedSize: number; totalSize: number };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const walk = (node: SamplingNode): number => {
    const name = frameName(node.callFrame);
    let sum = node.selfSize;
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    for (const c of node.children) sum += walk(c);
    return sum;
  };
  // Inclusive sizes: each function counted once per path, so recursion does not double it.
  const inclusive = (node: SamplingNode, onStack: Set<string>): number => {
    const name = frameName(node.callFrame);
    let sum = node.selfSize;
    for (const c of node.children) sum += inclusive(c, onStack.has(name) ? onStack : new Set([...onStack, name]));
    if (!onStack.has(name)) total.set(name, (total.get(name) ?? 0) + sum);
    return sum;
  };
  const all = walk(profile.head);
  inclusive(profile.head, new Set());
  const list = (m: Map<string, number>) => [...m].filter(([n]) => !n.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([n, b]) => `  ${(b / 1e6).toFixed(1).padStart(8)} MB ${((100 * b) / all).toFixed(1).padStart(5)}%  ${n}`).join('\n');
  const what = live ? 'still alive at the end (after a full GC)' : 'allocated, collected objects included';
  return `heap sampling: ${(all / 1e6).toFixed(1)} MB ${what}; JS heap now ${(usage.usedSize / 1e6).toFixed(1)} MB used of ${(usage.totalSize / 1e6).toFixed(1)} MB\n`
    + `by allocating function (self):\n${list(self)}\nby function on the stack (inclusive):\n${list(total)}`;
}

function frameName(f: SamplingNode['callFrame']): string {
  return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()?.split('?')[0] ?? ''}:${f.lineNumber + 1}`;
}
