/**
 * Class names in the interface's language: the dataset's own names (src/engine/datasets.ts),
 * translated where the detail messages have them (Fashion-MNIST's clothes, Iris species).
 */
import { DATASETS, type DatasetName } from '../../engine/datasets.ts';
import { type MessageKey, t } from '../i18n/index.ts';

const TRANSLATED: Partial<Record<DatasetName, (k: number) => MessageKey>> = {
  'fashion-mnist': (k) => `detail.class.fashion-mnist.${k}` as MessageKey,
  iris: (k) => `detail.class.iris.${k}` as MessageKey,
};

/** One name per class (reads the locale, so a caller inside JSX follows a language switch); empty when the dataset names none. */
export function classNames(name: DatasetName): readonly string[] {
  const names = DATASETS[name].classNames ?? [];
  const key = TRANSLATED[name];
  return key ? names.map((n, k) => {
    const text = t(key(k));
    return text === key(k) ? n : text;
  }) : names;
}
