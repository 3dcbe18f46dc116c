/** "Run on the queue": shown only when the page was served with a queue (`sweepsheet serve --redis`). */
import { Show, createSignal, onCleanup } from 'solid-js';
import { queueChoice } from '../workers/queue-runner.ts';
import { t } from './i18n/index.ts';

export function QueueToggle() {
  const choice = queueChoice();
  const [on, setOn] = createSignal(choice.on());
  onCleanup(choice.subscribe(setOn));
  return (
    <Show when={choice.available}>
      <label class="ss-toggle" title={t('queue.toggleTitle')}>
        <input type="checkbox" data-testid="run-on-queue" checked={on()} onChange={(e) => choice.set(e.currentTarget.checked)} />
        {t('queue.toggle')}
      </label>
    </Show>
  );
}
