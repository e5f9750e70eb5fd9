/**
 * Class precision of label-conditioned samples: how many land in their own
 * class, judged by a nearest-neighbour vote over labelled data (seed `004_*`
 * §4.12, classifier-free guidance).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import { checkSameDim, subsample } from "./_subsample.ts";

/** Options of {@linkcode classPrecision}. */
export interface ClassPrecisionOptions {
  /** Neighbours in the vote (default 10). */
  k?: number;
  /** The reference is reduced to at most this many points by a fixed-seed subsample (default 5000). */
  maxPoints?: number;
}

/** The result of {@linkcode classPrecision}. */
export interface ClassPrecisionResult {
  /** Share of samples whose k-NN vote is their own label. */
  precision: number;
  /** Mean share of the k neighbours that carry the sample's label (a softer score). */
  agreement: number;
}

/**
 * For each sample x_i with intended label y_i, take its k nearest reference
 * points (Euclidean) and their labels; the sample is precise when y_i wins the
 * vote (ties go to the smallest label). precision = share of precise samples;
 * agreement = mean share of neighbours labelled y_i. A sample off every
 * class's support still gets a vote, so this measures which class a sample
 * resembles, not whether it looks like data (use W2 or coverage for that).
 * Cost O(n · m · dim) for m reference points.
 */
export function classPrecision(
  samples: Points,
  reference: Points,
  options: ClassPrecisionOptions = {},
): ClassPrecisionResult {
  checkSameDim(samples, reference, "class precision");
  if (!samples.labels) throw new RangeError("Cannot score class precision: the samples carry no intended labels");
  if (!reference.labels) throw new RangeError("Cannot score class precision: the reference carries no labels");
  const ref = subsample(reference, options.maxPoints ?? 5000, "class_precision");
  const refLabels = ref.labels!, wanted = samples.labels;
  const k = Math.min(options.k ?? 10, ref.n);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`Cannot vote with k "${options.k}": give a positive integer`);
  const dim = samples.dim, m = ref.n;
  let top = (ref.classes ?? 0) - 1;
  for (const l of refLabels) top = Math.max(top, l);
  for (const l of wanted) top = Math.max(top, l);
  const classes = top + 1;
  const bestD = new Float64Array(k), bestL = new Int32Array(k), votes = new Float64Array(classes);
  let precise = 0, agree = 0;
  for (let i = 0; i < samples.n; i++) {
    bestD.fill(Infinity);
    bestL.fill(-1);
    for (let j = 0; j < m; j++) {
      let d2 = 0;
      for (let q = 0; q < dim; q++) {
        const d = samples.data[i * dim + q]! - ref.data[j * dim + q]!;
        d2 += d * d;
      }
      if (d2 >= bestD[k - 1]!) continue;
      let p = k - 1;
      while (p > 0 && bestD[p - 1]! > d2) {
        bestD[p] = bestD[p - 1]!;
        bestL[p] = bestL[p - 1]!;
        p--;
      }
      bestD[p] = d2;
      bestL[p] = refLabels[j]!;
    }
    votes.fill(0);
    for (let p = 0; p < k; p++) votes[bestL[p]!]!++;
    let win = 0;
    for (let c = 1; c < classes; c++) if (votes[c]! > votes[win]!) win = c;
    const y = wanted[i]!;
    if (win === y) precise++;
    agree += (votes[y] ?? 0) / k;
  }
  return { precision: precise / samples.n, agreement: agree / samples.n };
}
