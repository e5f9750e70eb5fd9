/**
 * The independent and the paired coupling (MATH.md §5).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import { drawPoints, type PointSampler, samplerClasses } from "./point_sampler.ts";
import type { Coupling, PairBatch } from "./types.ts";

/** Checks that source and target live in the same space; returns the dimension. */
export function checkSameDim(what: string, source: { dim: number }, target: { dim: number }): number {
  if (source.dim !== target.dim) {
    throw new RangeError(
      `Cannot build coupling "${what}": source dimension ${source.dim} differs from target ${target.dim}`,
    );
  }
  return source.dim;
}

/** Checks a requested batch size. */
export function checkBatchSize(what: string, batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`Cannot sample coupling "${what}": batch "${batch}" must be a positive integer`);
  }
}

/**
 * The independent coupling `π(x0, x1) = p(x0) q(x1)`: each minibatch draws
 * `batch` source points, then `batch` target points, independently, from
 * `rng` in that order. Pairs carry the target's labels.
 *
 * @example
 * ```ts
 * const pairs = independentCoupling(gaussian({ dim: 2 }), train).sample(256, rng);
 * ```
 */
export function independentCoupling(source: PointSampler, target: PointSampler): Coupling {
  const dim = checkSameDim("independent", source, target);
  const classes = samplerClasses(target);
  return {
    dim,
    ...(classes > 0 ? { classes } : {}),
    sample(batch, rng) {
      checkBatchSize("independent", batch);
      const x0 = drawPoints(source, batch, rng);
      const x1 = drawPoints(target, batch, rng);
      return pairBatch(x0, x1);
    },
  };
}

/** A {@linkcode PairBatch} from two point sets of equal size (labels from x1). */
export function pairBatch(x0: Points, x1: Points): PairBatch {
  return { n: x1.n, dim: x1.dim, x0: x0.data, x1: x1.data, ...(x1.labels ? { labels: x1.labels } : {}) };
}

/** Pairs given together: `x0[i]` belongs with `x1[i]` (e.g. `corruptPoints`). */
export interface PointPairs {
  /** Source points (t = 0). */
  x0: Points;
  /** Target points (t = 1), same count; labels ride on these (or on x0). */
  x1: Points;
}

/**
 * The paired coupling `π(x0, x1) = π(x0 | x1) q(x1)` of a data set that
 * supplies its pairs (seed `004_*` §4.11): each minibatch draws `batch`
 * indices uniformly with replacement and keeps the pairs together. Labels come
 * from x1 (or from x0 when only it has them).
 */
export function pairedCoupling(pairs: PointPairs): Coupling {
  const { x0, x1 } = pairs;
  const dim = checkSameDim("paired", x0, x1);
  if (x0.n !== x1.n) {
    throw new RangeError(`Cannot build coupling "paired": ${x0.n} source points for ${x1.n} target points`);
  }
  if (x1.n < 1) throw new RangeError(`Cannot build coupling "paired": no pairs`);
  const labels = x1.labels ?? x0.labels;
  const classes = x1.labels ? x1.classes : x0.labels ? x0.classes : undefined;
  return {
    dim,
    ...(classes !== undefined ? { classes } : {}),
    sample(batch, rng) {
      checkBatchSize("paired", batch);
      const idx = rng.sampleIndices(x1.n, batch, { replace: true });
      const a = new Float64Array(batch * dim);
      const b = new Float64Array(batch * dim);
      for (let i = 0; i < batch; i++) {
        const k = idx[i]! * dim;
        for (let j = 0; j < dim; j++) {
          a[i * dim + j] = x0.data[k + j]!;
          b[i * dim + j] = x1.data[k + j]!;
        }
      }
      const out: PairBatch = { n: batch, dim, x0: a, x1: b };
      if (!labels) return out;
      return { ...out, labels: Int32Array.from(idx, (k) => labels[k]!) };
    },
  };
}
