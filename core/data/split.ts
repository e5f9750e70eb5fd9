/**
 * Train / test / validation splits of a finite point set.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { type Points, selectPoints } from "./points.ts";

/** Sizes of the held-out parts: a count (≥ 1) or a fraction of n (in (0, 1)). */
export interface SplitOptions {
  /** Held-out test points. */
  test: number;
  /** Validation points (default none). */
  val?: number;
}

/** The parts of a split. */
export interface SplitResult {
  train: Points;
  test: Points;
  val?: Points;
}

function count(size: number, n: number, what: string): number {
  const k = size < 1 ? Math.round(size * n) : size;
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(`Cannot split: ${what} size "${size}" must be a count or a fraction in (0, 1)`);
  }
  return k;
}

/**
 * Splits `points` by a random permutation π drawn from `rng`: test gets
 * π[0 … test), val π[test … test + val), train the rest, each in permutation
 * order (so the parts are exchangeable samples of the whole).
 */
export function splitPoints(points: Points, options: SplitOptions & { rng: Rng }): SplitResult {
  const nTest = count(options.test, points.n, "test");
  const nVal = count(options.val ?? 0, points.n, "val");
  if (nTest + nVal >= points.n) {
    throw new RangeError(`Cannot split ${points.n} points: test (${nTest}) + val (${nVal}) leaves no training points`);
  }
  const perm = options.rng.permutation(points.n);
  const out: SplitResult = {
    test: selectPoints(points, perm.subarray(0, nTest)),
    train: selectPoints(points, perm.subarray(nTest + nVal)),
  };
  if (nVal > 0) out.val = selectPoints(points, perm.subarray(nTest, nTest + nVal));
  return out;
}
