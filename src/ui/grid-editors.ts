/**
 * Handsontable's text-based editors, minus the measuring they do while closed.
 *
 * Every time the selection moves (Enter after an edit moves it down), and once more when an edit is
 * saved, TextEditor.prepare() calls refreshDimensions(true): it places its hidden textarea over the
 * new cell, reads the cell's computed style and sizes the textarea by appending a measuring span to
 * the body, which forces style and layout of the whole page several times inside the keystroke's
 * task (about a quarter of the Enter keystroke's CPU on a 10,000-row sheet). That placement only
 * serves `imeFastEdit`, where the hidden textarea holds the focus so an IME composes over the cell;
 * with it off (our setting, Handsontable's default) the editor is placed when it opens: open() runs
 * refreshDimensions() itself once the editor is editing.
 */
import { AutocompleteEditor, DropdownEditor, TextEditor, registerEditor } from 'handsontable/editors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern requires any[]
type TextEditorClass = abstract new (...args: any[]) => TextEditor;

function lazyDimensions<T extends TextEditorClass>(Base: T): T {
  abstract class Lazy extends Base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern requires any[]
    constructor(...args: any[]) {
      super(...args);
      // The textarea's resizer starts watching when refreshDimensions places the editor, which
      // here happens only when it opens; but TextEditor.close() stops the resizer regardless, and
      // a fill or paste closes the selected cell's never-opened editor (setDataAtCell ->
      // cancelChanges), which threw on a resizer watching nothing ("reading 'removeEventListener'").
      const resizer = this.autoResize;
      const { init, unObserve } = resizer;
      let watching = false;
      resizer.init = (element, config, doObserve) => {
        watching = true;
        init(element, config, doObserve);
      };
      resizer.unObserve = () => {
        if (watching) unObserve();
      };
    }

    override refreshDimensions(force = false): void {
      if (force && !this.isOpened() && !this.hot.getSettings().imeFastEdit) return;
      super.refreshDimensions(force);
    }
  }
  return Lazy;
}

type ChoiceEditorClass = abstract new (...args: any[]) => AutocompleteEditor; // eslint-disable-line @typescript-eslint/no-explicit-any -- the mixin pattern requires any[]

/**
 * A list editor that commits what was typed. Handsontable re-reads the list 10-20 ms after each
 * key (a timer), and Enter commits the highlighted choice: typed quickly, "adam" then Enter saved
 * "adagrad" (the choice highlighted after "ada"), and "sgd" kept the old value. Before Enter
 * commits, the list is read again for the text as it stands, so the highlight matches it.
 */
function freshChoices<T extends ChoiceEditorClass>(Base: T): T {
  abstract class Fresh extends Base {
    override finishEditing(restoreOriginalValue?: boolean, ctrlDown?: boolean, callback?: () => void): void {
      if (!restoreOriginalValue && this.isOpened() && this.htEditor && this.query !== this.TEXTAREA.value) this.queryChoices(this.TEXTAREA.value);
      super.finishEditing(restoreOriginalValue, ctrlDown, callback);
    }
  }
  return Fresh;
}

/** Register the lazy editors under the names our column settings use ('text', 'autocomplete', 'dropdown'). Call after registerCellType. */
export function registerGridEditors(): void {
  registerEditor('text', lazyDimensions(TextEditor) as unknown as typeof TextEditor);
  registerEditor('autocomplete', freshChoices(lazyDimensions(AutocompleteEditor)) as unknown as typeof AutocompleteEditor);
  registerEditor('dropdown', freshChoices(lazyDimensions(DropdownEditor)) as unknown as typeof DropdownEditor);
}
