/**
 * Which engine rows are on screen, read from the rows Handsontable rendered, clipped to the window
 * and the grid's holder. In window-scroll mode Handsontable's own first/last visible row lag
 * behind the page's scroll, so the rows' boxes are read instead.
 *
 * The boxes are read after the frame that follows a render or scroll has been drawn, in a task of
 * their own: read inside that frame's callbacks, they forced the style and layout of everything
 * the grid had just changed (on a training sheet, 6-15 ms of the edit's frame); after the frame,
 * layout is clean and the reads are cheap.
 */
export class VisibleRows {
  private frame = 0;
  private queued = false;
  private signature = '';
  private readonly channel = new MessageChannel();

  constructor(private readonly host: HTMLElement, private readonly report: (ids: string[]) => void) {
    this.channel.port1.onmessage = () => {
      this.queued = false;
      this.read();
    };
  }

  /** Read the rows on screen after the next frame (once, however often this is called before it). */
  schedule(): void {
    if (this.frame !== 0 || this.queued) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.queued = true;
      this.channel.port2.postMessage(null);
    });
  }

  destroy(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.channel.port1.onmessage = null;
    this.channel.port1.close();
  }

  private read(): void {
    const holder = this.host.querySelector('.ht_master .wtHolder')?.getBoundingClientRect();
    const header = this.host.querySelector('.ht_clone_top')?.getBoundingClientRect();
    if (!holder) return;
    const top = Math.max(0, holder.top, header && header.bottom > 0 ? header.bottom : 0);
    const bottom = Math.min(window.innerHeight, holder.bottom);
    const ids: string[] = [];
    for (const tr of this.host.querySelectorAll<HTMLTableRowElement>('.ht_master tbody tr')) {
      const r = tr.getBoundingClientRect();
      const id = tr.querySelector<HTMLElement>('td[data-row-id]')?.dataset.rowId;
      if (id && r.bottom > top && r.top < bottom) ids.push(id);
    }
    const sig = ids.join('\n');
    if (sig === this.signature) return;
    this.signature = sig;
    this.report(ids);
  }
}
