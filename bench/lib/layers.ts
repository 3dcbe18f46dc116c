/**
 * The page's composited layers, from chromium's LayerTree domain: each layer's size, why it was
 * composited, and the element that owns it (tag, class, and for a grid cell its column). Every
 * composited layer costs Layerize and commit time in each frame that paints; the grid's cell
 * charts once made 18 of the page's 27 (a canvas is always composited).
 */
import type { CDPSession } from 'playwright-core';

export interface LayerInfo {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly reasons: readonly string[];
  /** The owning element, e.g. `canvas.ss-sparkline in td[data-col=curve]`; '' when the layer has none. */
  readonly owner: string;
}

/** The fields of CDP's LayerTree.Layer read here. */
interface CdpLayer {
  layerId: string;
  width: number;
  height: number;
  backendNodeId?: number;
}

/** Wait for the next layer tree the page reports (enabling the domain sends the current one). */
export async function compositedLayers(cdp: CDPSession, timeoutMs = 10_000): Promise<LayerInfo[]> {
  await cdp.send('DOM.enable');
  await cdp.send('DOM.getDocument', { depth: 0 });
  const tree = new Promise<readonly CdpLayer[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no layer tree from chromium')), timeoutMs);
    const listener = (e: { layers?: CdpLayer[] }) => {
      if (!e.layers) return;
      clearTimeout(timer);
      cdp.off('LayerTree.layerTreeDidChange', listener);
      resolve(e.layers);
    };
    cdp.on('LayerTree.layerTreeDidChange', listener);
  });
  await cdp.send('LayerTree.enable');
  const layers = await tree;
  const out: LayerInfo[] = [];
  for (const l of layers) {
    let reasons: string[] = [];
    try {
      reasons = (await cdp.send('LayerTree.compositingReasons', { layerId: l.layerId })).compositingReasonIds ?? [];
    } catch { /* a layer gone since the tree was sent */ }
    out.push({ id: l.layerId, width: Math.round(l.width), height: Math.round(l.height), reasons, owner: l.backendNodeId ? await describeNode(cdp, l.backendNodeId) : '' });
  }
  await cdp.send('LayerTree.disable');
  return out;
}

async function describeNode(cdp: CDPSession, backendNodeId: number): Promise<string> {
  try {
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId });
    if (!object.objectId) return '?';
    const r = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      returnByValue: true,
      functionDeclaration: `function () {
        const el = this.nodeType === 1 ? this : this.parentElement;
        if (!el) return String(this.nodeName);
        const cls = typeof el.className === 'string' ? el.className : (el.getAttribute('class') || '');
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (cls ? '.' + cls.trim().split(/\\s+/).slice(0, 2).join('.') : '');
        const td = el.closest('td[data-col]');
        return td ? name + ' in td[data-col=' + td.dataset.col + ']' : name;
      }`,
    });
    return String(r.result.value ?? '?');
  } catch {
    return '?';
  }
}

/** One line per owner kind: how many layers, their reasons; grid cells first. */
export function describeLayers(layers: readonly LayerInfo[]): string {
  const groups = new Map<string, { n: number; reasons: Set<string> }>();
  for (const l of layers) {
    const key = l.owner.replace(/#[\w-]+/, '') || '(no element)';
    const g = groups.get(key) ?? { n: 0, reasons: new Set<string>() };
    g.n++;
    for (const r of l.reasons) g.reasons.add(r);
    groups.set(key, g);
  }
  const inCells = layers.filter((l) => l.owner.includes(' in td[')).length;
  const lines = [...groups].sort((a, b) => b[1].n - a[1].n).map(([k, g]) => `  ${String(g.n).padStart(3)}  ${k}  (${[...g.reasons].join(', ') || 'no reason given'})`);
  return `composited layers: ${layers.length}, of them in grid cells: ${inCells}\n${lines.join('\n')}`;
}
