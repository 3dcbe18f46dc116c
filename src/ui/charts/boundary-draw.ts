/**
 * The class colours of the decision boundary (as the TensorFlow Playground draws it) and of the
 * learning curves, and the point type the boundary views take. The heatmap itself is a BMP
 * (../boundary-bmp.ts) in the detail panel and in the grid's thumbnails alike.
 */

/** Class colours: the Playground's orange and blue for 0 and 1, then Tableau 10 for more classes. */
export const CLASS_COLORS: readonly string[] = [
  '#f59322', '#0877bd', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
];

/** Learning curves, in the detail and in the grid's sparklines alike: the Playground's blue for training, its orange for validation. */
export const CURVE_COLORS = { train: CLASS_COLORS[1]!, val: CLASS_COLORS[0]! } as const;

export function classColor(k: number): string {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length]!;
}

/** A data point in the dataset's own coordinates (the boundary's extent). */
export interface BoundaryPoint {
  readonly x: number;
  readonly y: number;
  readonly label: number;
}
