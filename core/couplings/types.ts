/**
 * Types of couplings: samplers of minibatches of pairs (MATH.md §5).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";

/** A minibatch of `n` pairs (x0_i, x1_i) in ℝ^dim, row-major. */
export interface PairBatch {
  readonly n: number;
  readonly dim: number;
  /** Source points (t = 0). */
  readonly x0: Float64Array;
  /** Target points (t = 1). */
  readonly x1: Float64Array;
  /** Class label of each pair, for label-conditioned models. */
  readonly labels?: Int32Array;
}

/** A coupling: draws a fresh minibatch of pairs from its stream. */
export interface Coupling {
  /** Dimension of the points. */
  readonly dim: number;
  /** Number of classes when pairs carry labels. */
  readonly classes?: number;
  /** Draws `batch` pairs using `rng`. */
  sample(batch: number, rng: Rng): PairBatch;
}
