/** Summaries of a V8 CPU profile (CDP Profiler.stop): self time by function, and by inclusive time. */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

function frameName(f: CpuProfile['nodes'][number]['callFrame']): string {
  return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()?.split('?')[0] ?? ''}:${f.lineNumber + 1}`;
}

/** The functions with the most self time, then the most inclusive time (each function counted once per sample). */
export function profileSummary(profile: CpuProfile, top = 25, focus?: string): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const ms = (profile.timeDeltas?.[i] ?? 0) / 1000;
    const node = byNode.get(id);
    if (!node) return;
    const name = frameName(node.callFrame);
    // With a focus, only the samples taken inside that function (by name) count.
    if (focus !== undefined) {
      let inside = false;
      for (let p: number | undefined = id; p !== undefined && !inside; p = parent.get(p)) inside = byNode.get(p)!.callFrame.functionName === focus;
      if (!inside) return;
    }
    self.set(name, (self.get(name) ?? 0) + ms);
    const seen = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const n = frameName(byNode.get(p)!.callFrame);
      if (seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + ms);
    }
  });
  const list = (m: Map<string, number>) => [...m].filter(([n]) => !n.startsWith('(')).sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([n, ms]) => `  ${ms.toFixed(0).padStart(7)}  ${n}`).join('\n');
  return `${focus === undefined ? '' : `inside ${focus}: `}self time by function (ms):\n${list(self)}\ninclusive time by function (ms):\n${list(total)}`;
}
