/**
 * How decision boundaries cross the job port. A boundary holds two plain arrays of size² numbers
 * (3,200 for the 40x40 grid); structured clone writes and reads a plain array element by element
 * (0.2-1.3 ms to write and 0.4-1.4 ms to read one boundary here, by load: the bulk of a small
 * job's 30 kB result), while a Float64Array is copied as one block (~0.02-0.05 ms). Float64 holds every number exactly, so the page
 * rebuilds arrays equal to what the worker computed: TrainResult and TrainProgress keep their types.
 */
import type { Boundary, TrainProgress, TrainResult } from '../engine/job.ts';

/** A Boundary as it travels: its two grids as Float64Arrays. */
export type WireBoundary = Omit<Boundary, 'predicted' | 'confidence'> & {
  readonly predicted: Float64Array;
  readonly confidence: Float64Array;
};

export type WireProgress = Omit<TrainProgress, 'boundary'> & { readonly boundary?: WireBoundary };

export type WireResult = Omit<TrainResult, 'insights'> & {
  readonly insights?: Omit<NonNullable<TrainResult['insights']>, 'boundary'> & { readonly boundary: WireBoundary | null };
};

const packBoundary = (b: Boundary): WireBoundary => ({ ...b, predicted: Float64Array.from(b.predicted), confidence: Float64Array.from(b.confidence) });

function plain(a: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) out.push(a[i]!);
  return out;
}

const unpackBoundary = (b: WireBoundary): Boundary => ({ ...b, predicted: plain(b.predicted), confidence: plain(b.confidence) });

export const packProgress = (batch: readonly TrainProgress[]): WireProgress[] =>
  batch.map((p) => (p.boundary ? { ...p, boundary: packBoundary(p.boundary) } : p as WireProgress));

export const unpackProgress = (batch: readonly WireProgress[]): TrainProgress[] =>
  batch.map((p) => (p.boundary ? { ...p, boundary: unpackBoundary(p.boundary) } : p as TrainProgress));

export function packResult(r: TrainResult): WireResult {
  const b = r.insights?.boundary;
  return b ? { ...r, insights: { ...r.insights!, boundary: packBoundary(b) } } : r as WireResult;
}

export function unpackResult(r: WireResult): TrainResult {
  const b = r.insights?.boundary;
  return b ? { ...r, insights: { ...r.insights!, boundary: unpackBoundary(b) } } : r as TrainResult;
}
