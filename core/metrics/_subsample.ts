/**
 * Deterministic subsampling of point sets for metrics whose cost grows
 * faster than n.
 *
 * @module
 */
import { type Points, selectPoints } from "../data/mod.ts";
import { createRng } from "../random/mod.ts";

/**
 * `p` itself when `p.n ≤ max`; otherwise `max` points drawn without
 * replacement by a fixed stream (seed 0, name `metrics/subsample/<name>`), so
 * the same input always gives the same subset, independent of any
 * experiment seed.
 */
export function subsample(p: Points, max: number, name: string): Points {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`Cannot subsample to maxPoints "${max}": expected a positive integer`);
  }
  if (p.n <= max) return p;
  const idx = createRng(0, `metrics/subsample/${name}`).sampleIndices(p.n, max, { replace: false });
  return selectPoints(p, idx);
}

/** Throws unless both sets are non-empty and share a dimension. */
export function checkSameDim(a: Points, b: Points, metric: string): void {
  if (a.dim !== b.dim) {
    throw new RangeError(`Cannot compute ${metric}: dimensions "${a.dim}" and "${b.dim}" differ`);
  }
  if (a.n < 1 || b.n < 1) throw new RangeError(`Cannot compute ${metric} of an empty point set (sizes ${a.n}, ${b.n})`);
}
