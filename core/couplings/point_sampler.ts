/**
 * Where a coupling's points come from: a finite point set (minibatches drawn
 * uniformly with replacement, labels carried along) or a distribution that
 * draws fresh points (e.g. a Gaussian source; core/data's `Distribution` is
 * one).
 *
 * @module
 */
import { type Points, selectPoints } from "../data/mod.ts";
import type { Rng } from "../random/mod.ts";

/** A source of fresh points: `sample(n, rng)` draws n new points in ℝ^dim. */
export interface PointSource {
  /** Dimension of the points. */
  readonly dim: number;
  /** Number of classes, where points carry labels. */
  readonly classes?: number;
  /** Draws `n` points from `rng`. */
  sample(n: number, rng: Rng): Points;
}

/** A finite point set or a source of fresh points. */
export type PointSampler = Points | PointSource;

/** True for a finite point set. */
export function isPoints(s: PointSampler): s is Points {
  return (s as Points).data !== undefined && typeof (s as PointSource).sample !== "function";
}

/** Number of classes of a sampler's points (0 when unlabelled). */
export function samplerClasses(s: PointSampler): number {
  if (isPoints(s)) return s.labels ? (s.classes ?? 0) : 0;
  return s.classes ?? 0;
}

/**
 * Draws `n` points: uniformly with replacement from a finite set
 * (`rng.sampleIndices(N, n)`), or `sampler.sample(n, rng)`.
 */
export function drawPoints(sampler: PointSampler, n: number, rng: Rng): Points {
  if (isPoints(sampler)) {
    if (sampler.n < 1) throw new RangeError(`Cannot draw ${n} points from an empty point set`);
    return selectPoints(sampler, rng.sampleIndices(sampler.n, n, { replace: true }));
  }
  const p = sampler.sample(n, rng);
  if (p.n !== n || p.dim !== sampler.dim) {
    throw new RangeError(`Cannot draw points: asked for ${n} × ${sampler.dim}, the source gave ${p.n} × ${p.dim}`);
  }
  return p;
}

/** The dimension of a sampler. */
export function samplerDim(s: PointSampler): number {
  return s.dim;
}
