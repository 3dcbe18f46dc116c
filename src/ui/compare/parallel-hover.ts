/**
 * Which line of the parallel coordinates is under the pointer, and the tooltip that names its run
 * and lists its values. The tooltip is text (textContent), never markup: a run's name is cell text.
 */

/** A run's line as drawn: its points in CSS pixels of the canvas, in axis order. */
export interface DrawnLine {
  readonly id: string;
  readonly points: readonly (readonly [number, number])[];
}

/** How near a line, in pixels, the pointer picks it. */
export const PICK = 6;

function segmentDistance(px: number, py: number, [ax, ay]: readonly [number, number], [bx, by]: readonly [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const u = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy));
}

/** The id of the line nearest the point within `within` pixels, or null. Later lines win ties (drawn on top). */
export function nearestLine(lines: readonly DrawnLine[], x: number, y: number, within = PICK): string | null {
  let best: string | null = null;
  let bestDistance = within;
  for (const line of lines) {
    const pts = line.points;
    for (let i = 0; i < pts.length; i++) {
      const d = pts.length === 1 ? Math.hypot(x - pts[0]![0], y - pts[0]![1]) : i === 0 ? Infinity : segmentDistance(x, y, pts[i - 1]!, pts[i]!);
      if (d <= bestDistance) { bestDistance = d; best = line.id; }
    }
  }
  return best;
}

/** The tooltip: a title line and one line per value, placed beside the pointer inside the host. */
export class HoverTip {
  readonly el: HTMLDivElement;

  constructor(host: HTMLElement) {
    this.el = document.createElement('div');
    this.el.className = 'ss-parallel-tip';
    this.el.dataset.testid = 'parallel-tip';
    this.el.setAttribute('role', 'tooltip');
    this.el.hidden = true;
    host.append(this.el);
  }

  /** Show the text beside the pointer at (x, y), inside a chart of `width` x `height` pixels. */
  show(title: string, lines: readonly string[], x: number, y: number, width: number, height: number): void {
    const head = document.createElement('strong');
    head.textContent = title;
    const rows = lines.map((text) => {
      const div = document.createElement('div');
      div.textContent = text;
      return div;
    });
    this.el.replaceChildren(head, ...rows);
    this.el.hidden = false;
    // Beside the pointer, on the side with room, so the pointer never sits on the tooltip.
    const w = this.el.offsetWidth;
    const left = x + 14 + w <= width ? x + 14 : Math.max(0, x - 14 - w);
    this.el.style.left = `${left}px`;
    this.el.style.top = `${Math.max(0, Math.min(y - 10, height - this.el.offsetHeight))}px`;
  }

  hide(): void {
    this.el.hidden = true;
  }

  destroy(): void {
    this.el.remove();
  }
}
