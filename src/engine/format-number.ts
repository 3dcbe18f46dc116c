/** How numbers read the same in the grid, the detail panels and the terminal. Pure; no DOM. */

/**
 * Decimals of a time in seconds: to the millisecond under a second (the fused trainer runs a toy
 * row in a few ms: one decimal showed them all as 0.0), three significant digits up to ten
 * seconds, one decimal beyond. At most five characters up to 1000 s, so a column keeps its width,
 * in either language (the digits are the same).
 */
export function secondsDigits(v: number): number {
  const a = Math.abs(v);
  return a < 1 ? 3 : a < 10 ? 2 : 1;
}

/** A time in seconds to secondsDigits' decimals, without the unit: `0.004`, `2.35`, `41.2`. */
export function formatSeconds(v: number): string {
  return v.toFixed(secondsDigits(v));
}
