/**
 * The render hold: a person's edit of existing cells would make Handsontable re-render every cell
 * on screen (a thousand cells restyled for one typed value, hundreds of ms on a big sheet). That
 * render is held; the edited rows are redrawn in place at the next frame, when the engine reports
 * them (grid-pass.ts). Edits that add grid rows render as usual.
 */
import type Handsontable from 'handsontable/base';

export class RenderHold {
  private on = false;
  private releaseQueued = false;

  /** `released`: the render was let go (a frame should redraw what the edit changed). */
  constructor(private readonly grid: { readonly hot: Handsontable.Core }, private readonly released: () => void) {}

  /** Whether Handsontable's render is held now. */
  get held(): boolean {
    return this.on;
  }

  /** beforeChangeRender of a person's edit: hold Handsontable's render when every change is to an existing row's input cell. */
  hold(changes: readonly Handsontable.CellChange[], isRowInput: (visualRow: number, prop: Handsontable.CellValue) => boolean): void {
    if (this.on || !changes.every(([visualRow, prop]) => isRowInput(visualRow, prop))) return;
    this.grid.hot.suspendRender();
    this.on = true;
  }

  /**
   * afterChange: let Handsontable draw again, as a fast draw (selection and borders only): no cell
   * changed that the next frame does not redraw. Released in a microtask, once the key handler
   * has finished: Enter closes the editor (this afterChange) and then moves the selection, and
   * each would draw the grid; this way they draw once.
   */
  release(): void {
    if (!this.on || this.releaseQueued) return;
    this.releaseQueued = true;
    queueMicrotask(() => {
      this.releaseQueued = false;
      const { hot } = this.grid;
      if (!this.on || hot.isDestroyed) return;
      this.on = false;
      (hot as unknown as { forceFullRender: boolean }).forceFullRender = false;
      hot.resumeRender();
      // The engine reports the edited rows asynchronously; an edit it ignored (same text) still gets its cells redrawn.
      this.released();
    });
  }
}
