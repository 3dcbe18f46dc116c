/**
 * The same quantity goes by the same Korean name wherever the page shows it: the grid's header,
 * the comparison's axes and menus, the row detail's facts and curve legends. The grid said 훈련 손실
 * and 실행 에포크 while the comparison said 학습 손실 and 학습한 에포크, and the detail 학습한 에포크
 * and 최고 에포크 for the grid's 최적 에포크. (English abbreviates the headers, "train loss" for
 * "training loss", so only the Korean is compared word for word.)
 */
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/ui/compare/compare-data.ts';
import { columns } from '../../src/ui/i18n/messages/columns.ts';
import { compare } from '../../src/ui/i18n/messages/compare.ts';
import { detail } from '../../src/ui/i18n/messages/detail.ts';

const header = (key: string) => (columns.ko as Record<string, string>)[`col.${key}`];

describe('Korean names of results', () => {
  it.each(METRICS.map((d) => d.key))('the comparison names %s as its grid header does', (key) => {
    expect(header(key), key).toBeDefined();
    expect((compare.ko as Record<string, string>)[`compare.dim.${key}`]).toBe(header(key));
  });

  it.each([
    ['detail.fact.epochsRun', 'epochs_run'], ['detail.fact.bestEpoch', 'best_epoch'],
    ['detail.fact.finalLr', 'final_lr'], ['detail.fact.samplesPerSec', 'samples_per_s'],
  ] as const)('the row detail\'s %s is the header of %s', (fact, key) => {
    expect(detail.ko[fact]).toBe(header(key));
  });

  it('the curves\' training legend is the word the training columns use', () => {
    const train = detail.ko['detail.curves.train'];
    expect(header('train_loss')).toBe(`${train} 손실`);
    expect(header('train_acc')).toBe(`${train} 정확도`);
    expect(detail.ko['detail.curves.hint']).toContain(`${train} 손실`);
  });
});
