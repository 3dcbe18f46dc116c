/**
 * The small inline form that adds, edits or removes a formula column. Both fields are plain
 * text inputs; the label is shown with textContent by the grid, the formula is parsed by the
 * engine, so nothing typed here ever becomes markup.
 */
import { Show, createSignal, onMount } from 'solid-js';
import type { FormulaColumn } from '../engine/scheduler/sheet-engine.ts';
import { t } from './i18n/index.ts';

/** What the form edits: an existing column (its key), or a new one (key null). */
export interface FormulaDraft {
  readonly key: string | null;
  readonly label: string;
  readonly formula: string;
}

/** The first of f1, f2, ... no column uses. */
export function nextFormulaKey(columns: readonly FormulaColumn[]): string {
  const used = new Set(columns.map((c) => c.key));
  let n = 1;
  while (used.has(`f${n}`)) n++;
  return `f${n}`;
}

export function FormulaColumnForm(props: {
  draft: FormulaDraft;
  onSave: (col: { key: string | null; label: string; formula: string }) => void;
  onRemove: (key: string) => void;
  onClose: () => void;
}) {
  const [label, setLabel] = createSignal(props.draft.label);
  const [formula, setFormula] = createSignal(props.draft.formula || '=');
  const [problem, setProblem] = createSignal('');
  let formulaInput!: HTMLInputElement;
  onMount(() => formulaInput.focus());

  const save = (e: Event) => {
    e.preventDefault();
    const text = formula().trim();
    const f = text.startsWith('=') ? text : `=${text}`;
    if (f === '=') {
      setProblem(t('form.empty'));
      return;
    }
    props.onSave({ key: props.draft.key, label: label().trim(), formula: f });
  };

  return (
    <form
      class="ss-formula-form" data-testid="formula-form" onSubmit={save}
      onKeyDown={(e) => { if (e.key === 'Escape') props.onClose(); }}
    >
      <span class="ss-formula-form-title">{props.draft.key === null ? t('form.new') : t('form.edit', { key: props.draft.key })}</span>
      <label>
        {t('form.label')} <input type="text" name="label" data-testid="formula-label" value={label()} onInput={(e) => setLabel(e.currentTarget.value)} placeholder="gap" />
      </label>
      <label>
        {t('form.formula')} <input
          ref={formulaInput} type="text" name="formula" data-testid="formula-text" class="ss-formula-input" value={formula()}
          onInput={(e) => { setFormula(e.currentTarget.value); setProblem(''); }} placeholder="=train_acc - test_acc" spellcheck={false}
        />
      </label>
      <button type="submit" data-testid="formula-save">{props.draft.key === null ? t('form.add') : t('form.save')}</button>
      <Show when={props.draft.key}>
        {(key) => <button type="button" data-testid="formula-remove" onClick={() => props.onRemove(key())}>{t('form.remove')}</button>}
      </Show>
      <button type="button" data-testid="formula-cancel" onClick={() => props.onClose()}>{t('form.cancel')}</button>
      <Show when={problem()}>
        <span class="ss-error" role="alert">{problem()}</span>
      </Show>
    </form>
  );
}
