/**
 * Sample diversity: the mean distance between two samples, against the same
 * quantity for the reference (seed `001_*` §5.2; per class for guidance).
 *
 * @module
 */
import { type Points, selectPoints } from "../data/mod.ts";
import { checkSameDim, subsample } from "./_subsample.ts";

/** Options of {@linkcode meanPairwiseDistance}. */
export interface PairwiseOptions {
  /** The set is reduced to at most this many points by a fixed-seed subsample (default 2000). */
  maxPoints?: number;
}

/**
 * `D(x) = (2 / (n (n − 1))) Σ_{i<j} ‖x_i − x_j‖`, the mean Euclidean distance
 * between two distinct points of the set (an unbiased U-statistic of
 * E‖X − X′‖). Sets above `maxPoints` are first subsampled by a fixed stream.
 * 0 for a single point. Cost O(n² · dim).
 */
export function meanPairwiseDistance(points: Points, options: PairwiseOptions = {}): number {
  const p = subsample(points, options.maxPoints ?? 2000, "diversity");
  const { n, dim, data } = p;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = data[i * dim + k]! - data[j * dim + k]!;
        d2 += d * d;
      }
      sum += Math.sqrt(d2);
    }
  }
  return (2 * sum) / (n * (n - 1));
}

/** Options of {@linkcode diversity}. */
export interface DiversityOptions extends PairwiseOptions {
  /**
   * Compare with the reference points of this class only. Default: when every
   * sample carries the same label (guided sampling) and the reference is
   * labelled, that label; otherwise the whole reference.
   */
  label?: number;
}

/** The result of {@linkcode diversity}. */
export interface DiversityResult {
  /** `D(samples) / D(reference)`: 1 for a sample as spread as the data, below 1 when it collapses. */
  ratio: number;
  /** Mean pairwise distance of the samples. */
  samples: number;
  /** Mean pairwise distance of the (class's) reference points. */
  reference: number;
}

function singleLabel(p: Points): number | undefined {
  if (!p.labels || p.n === 0) return undefined;
  const l = p.labels[0]!;
  for (let i = 1; i < p.n; i++) if (p.labels[i] !== l) return undefined;
  return l;
}

/**
 * Diversity of generated samples relative to the data:
 * `ratio = D(samples) / D(reference)` with D the mean pairwise distance
 * ({@linkcode meanPairwiseDistance}); the reference is restricted to one class
 * when `label` is given or implied (see {@linkcode DiversityOptions.label}).
 */
export function diversity(samples: Points, reference: Points, options: DiversityOptions = {}): DiversityResult {
  checkSameDim(samples, reference, "diversity");
  const label = options.label ?? (reference.labels ? singleLabel(samples) : undefined);
  let ref = reference;
  if (label !== undefined) {
    if (!reference.labels) {
      throw new RangeError(`Cannot compare diversity within class "${label}": the reference carries no labels`);
    }
    const idx: number[] = [];
    for (let i = 0; i < reference.n; i++) if (reference.labels[i] === label) idx.push(i);
    if (idx.length < 2) {
      throw new RangeError(
        `Cannot compare diversity within class "${label}": the reference has ${idx.length} such point(s)`,
      );
    }
    ref = selectPoints(reference, idx);
  }
  const opts = options.maxPoints !== undefined ? { maxPoints: options.maxPoints } : {};
  const s = meanPairwiseDistance(samples, opts), r = meanPairwiseDistance(ref, opts);
  return { ratio: r > 0 ? s / r : NaN, samples: s, reference: r };
}
