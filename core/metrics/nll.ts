/**
 * Negative log-likelihood of held-out points under a flow (MATH.md §8, §10).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import { logLikelihood, type LogLikelihoodOptions } from "../likelihood/mod.ts";
import type { Field } from "../paths/mod.ts";

/** Options of {@linkcode nll}: those of `logLikelihood` except the point count. */
export type NllOptions = Omit<LogLikelihoodOptions, "n" | "labels">;

/** The result of {@linkcode nll}. */
export interface NllResult {
  /** Mean −log p1 in nats. */
  nats: number;
  /** Nats per dimension in bits. */
  bitsPerDim: number;
  /** Hutchinson with ≥ 2 probes: the probe standard error of `nats`. */
  stderr?: number;
}

/**
 * `NLL = −(1/n) Σ_i log p1(x_i)` of the held-out `points` under the flow of a
 * velocity field (`logLikelihood`; the points' labels condition the field when
 * present).
 */
export function nll(field: Field, points: Points, options: NllOptions): NllResult {
  const r = logLikelihood(field, points.data, {
    ...options,
    n: points.n,
    ...(points.labels && field.classes !== undefined ? { labels: points.labels } : {}),
  });
  return { nats: r.nats, bitsPerDim: r.bitsPerDim, ...(r.stderr !== undefined ? { stderr: r.stderr } : {}) };
}
