/**
 * Tick labels of the charts' value axes (src/ui/charts/curve-data.ts, pure, no DOM): uPlot's own
 * format (Intl.NumberFormat, at most three decimals) wrote every tick below 0.001 as "0", so a
 * regression loss on a log axis read 1, 0, 0, 0 and a swept rate of 1e-4 sat at "0".
 */
import { describe, expect, it } from 'vitest';
import { tickLabel, tickLabels } from '../../src/ui/charts/curve-data.ts';

describe('chart tick labels', () => {
  it('keeps ticks below 0.001 apart, in exponent form', () => {
    // The decades of a log axis over a loss that fell from 0.14 to 6e-15 (the regression sheet's plane row).
    expect(tickLabels(null, [1, 1e-5, 1e-10, 1e-15])).toEqual(['1', '1e-5', '1e-10', '1e-15']);
    expect(tickLabels(null, [0.0001, 0.001, 0.01, 0.1, 1, 10])).toEqual(['1e-4', '0.001', '0.01', '0.1', '1', '10']);
    // uPlot's default wrote both of these as "0".
    expect(new Intl.NumberFormat('en-US').format(0.0001)).toBe('0');
    expect(tickLabel(2.5e-7)).toBe('2.5e-7');
  });

  it.each([
    [0, '0'], [0.5, '0.5'], [0.694, '0.694'], [0.30000000000000004, '0.3'], [0.1 + 0.2 - 0.3, '5.55e-17'],
    [2, '2'], [-0.25, '-0.25'], [17200, '17,200'], [407050, '407,050'], [1.0000000000000002e-10, '1e-10'],
  ])('%s reads %s', (v, label) => {
    expect(tickLabel(v)).toBe(label);
  });

  it('leaves a missing tick empty and never prints NaN or Infinity', () => {
    expect(tickLabels(null, [null, 1, null])).toEqual(['', '1', '']);
    expect(tickLabel(Number.NaN)).toBe('');
    expect(tickLabel(Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('chart tick labels on a crowded axis', () => {
  // A stand-in for uPlot's instance: a log y axis 150 px high over 1e-15..10 (16 decades, ~9 px apart).
  const plot = {
    axes: [{ scale: 'x' }, { scale: 'y' }],
    valToPos: (v: number) => 150 - ((Math.log10(v) + 15) / 16) * 150,
  };
  const decades = Array.from({ length: 17 }, (_, i) => 10 ** (i - 15));

  it('leaves out labels that would overlap the one before, keeping the first', () => {
    const labels = tickLabels(plot, decades, 1);
    const kept = labels.filter((l) => l !== '');
    expect(labels[0]).toBe('1e-15');
    expect(kept.length).toBeGreaterThan(4);
    expect(kept.length).toBeLessThan(12);
    const at = labels.flatMap((l, i) => (l === '' ? [] : [plot.valToPos(decades[i]!)]));
    for (let i = 1; i < at.length; i++) expect(Math.abs(at[i]! - at[i - 1]!)).toBeGreaterThanOrEqual(14);
  });

  it('keeps every label when they have room', () => {
    expect(tickLabels(plot, [1e-15, 1e-10, 1e-5, 1], 1)).toEqual(['1e-15', '1e-10', '1e-5', '1']);
  });
});
