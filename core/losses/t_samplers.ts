/**
 * Time samplers for training: where on [0, 1] the loss is evaluated
 * (MATH.md §4: uniform, logit-normal, discrete grid).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";

/** Draws training times t ∈ [0, 1] (t = 0 source, t = 1 data). */
export interface TSampler {
  /** Canonical description, e.g. `logit_normal(mean=0,std=1)`. */
  readonly name: string;
  /** Draws `n` times into `out` (a new array when absent). */
  sample(n: number, rng: Rng, out?: Float64Array): Float64Array;
}

/** What {@linkcode createTSampler} builds. */
export type TSamplerSpec =
  | { kind: "uniform" }
  | { kind: "logit_normal"; mean?: number; std?: number }
  | { kind: "discrete"; steps: number };

/** The kinds of {@linkcode TSamplerSpec}, for schemas. */
export const T_SAMPLERS = Object.freeze(["uniform", "logit_normal", "discrete"] as const);

function target(n: number, out: Float64Array | undefined): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Cannot draw "${n}" times: expected a non-negative integer`);
  if (out === undefined) return new Float64Array(n);
  if (out.length < n) throw new RangeError(`Cannot draw ${n} times into an array of ${out.length}`);
  return out;
}

/**
 * Builds a t-sampler:
 * - `uniform`: t ~ U[0, 1);
 * - `logit_normal {mean = 0, std = 1}`: t = 1/(1 + e^{−(mean + std z)}), z ~ N(0, 1)
 *   (Esser et al. 2024; concentrates on the middle of the path);
 * - `discrete {steps: K}`: t = 1 − k/K with k uniform on {1, …, K}, the grid
 *   of a K-step DDPM (MATH.md §1), as DDPM's own training draws k.
 *
 * @example
 * ```ts
 * const t = createTSampler({ kind: "logit_normal", mean: 0, std: 1 }).sample(256, rng);
 * ```
 */
export function createTSampler(spec: TSamplerSpec): TSampler {
  switch (spec.kind) {
    case "uniform":
      return {
        name: "uniform",
        sample(n, rng, out) {
          const t = target(n, out);
          for (let i = 0; i < n; i++) t[i] = rng.uniform();
          return t;
        },
      };
    case "logit_normal": {
      const mean = spec.mean ?? 0;
      const std = spec.std ?? 1;
      if (!Number.isFinite(mean)) {
        throw new RangeError(`Cannot build t-sampler "logit_normal": mean "${mean}" must be finite`);
      }
      if (!(std > 0 && Number.isFinite(std))) {
        throw new RangeError(`Cannot build t-sampler "logit_normal": std "${std}" must be a positive number`);
      }
      return {
        name: `logit_normal(mean=${mean},std=${std})`,
        sample(n, rng, out) {
          const t = target(n, out);
          for (let i = 0; i < n; i++) t[i] = 1 / (1 + Math.exp(-(mean + std * rng.normal())));
          return t;
        },
      };
    }
    case "discrete": {
      const K = spec.steps;
      if (!Number.isInteger(K) || K < 1) {
        throw new RangeError(`Cannot build t-sampler "discrete": steps "${K}" must be a positive integer`);
      }
      return {
        name: `discrete(steps=${K})`,
        sample(n, rng, out) {
          const t = target(n, out);
          for (let i = 0; i < n; i++) t[i] = 1 - (1 + rng.int(K)) / K;
          return t;
        },
      };
    }
    default:
      throw new RangeError(
        `Unknown t-sampler "${(spec as { kind: unknown }).kind}": expected one of ${
          T_SAMPLERS.map((k) => `"${k}"`).join(", ")
        }`,
      );
  }
}
