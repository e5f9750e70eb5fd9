/**
 * Corrupted copies of a point set, to make paired tasks (`data.corrupt`,
 * seed `004_*` §4.11): x1 is the clean set, x0 its corrupted copy, and a
 * paired coupling learns the flow from corrupted to clean.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import type { Points } from "./points.ts";

/** How to corrupt. */
export type CorruptMethod = "noise" | "quantize" | "mask";

/** The corruption methods, for schemas. */
export const CORRUPT_METHODS: readonly CorruptMethod[] = Object.freeze(["noise", "quantize", "mask"]);

/** Options of {@linkcode corruptPoints}. */
export interface CorruptOptions {
  /**
   * - `noise`: `x0 = x1 + std · z`, z ~ N(0, I) (denoising);
   * - `quantize`: `x0 = step · round(x1 / step)` per coordinate (dequantisation; no randomness);
   * - `mask`: each coordinate independently replaced by `fill` with probability `prob` (inpainting).
   */
  method: CorruptMethod;
  /** `noise`: standard deviation (default 0.1). */
  std?: number;
  /** `quantize`: grid step (default 0.5). */
  step?: number;
  /** `mask`: probability of masking a coordinate (default 0.5). */
  prob?: number;
  /** `mask`: the value written into masked coordinates (default 0). */
  fill?: number;
  /** Stream for `noise` and `mask`. */
  rng: Rng;
}

/**
 * A corrupted copy of `points` (module doc): returns `{ x0: corrupted, x1: points }`,
 * both carrying the labels of `points`.
 *
 * @example
 * ```ts
 * const { x0, x1 } = corruptPoints(train, { method: "noise", std: 0.2, rng });
 * const coupling = pairedCoupling({ x0, x1 });
 * ```
 */
export function corruptPoints(points: Points, options: CorruptOptions): { x0: Points; x1: Points } {
  const { method, rng } = options;
  const src = points.data;
  const len = points.n * points.dim;
  const out = new Float64Array(len);
  switch (method) {
    case "noise": {
      const std = options.std ?? 0.1;
      if (!(std >= 0 && Number.isFinite(std))) {
        throw new RangeError(`Cannot corrupt with "noise": std "${std}" must be a non-negative number`);
      }
      for (let i = 0; i < len; i++) out[i] = src[i]! + std * rng.normal();
      break;
    }
    case "quantize": {
      const step = options.step ?? 0.5;
      if (!(step > 0 && Number.isFinite(step))) {
        throw new RangeError(`Cannot corrupt with "quantize": step "${step}" must be a positive number`);
      }
      for (let i = 0; i < len; i++) out[i] = step * Math.round(src[i]! / step);
      break;
    }
    case "mask": {
      const prob = options.prob ?? 0.5;
      const fill = options.fill ?? 0;
      if (!(prob >= 0 && prob <= 1)) {
        throw new RangeError(`Cannot corrupt with "mask": prob "${prob}" must lie in [0, 1]`);
      }
      if (!Number.isFinite(fill)) throw new RangeError(`Cannot corrupt with "mask": fill "${fill}" must be finite`);
      for (let i = 0; i < len; i++) out[i] = rng.uniform() < prob ? fill : src[i]!;
      break;
    }
    default:
      throw new RangeError(
        `Cannot corrupt with "${method}": unknown method: expected one of ${
          CORRUPT_METHODS.map((m) => `"${m}"`).join(", ")
        }`,
      );
  }
  const meta = points.labels
    ? { labels: points.labels, ...(points.classes !== undefined ? { classes: points.classes } : {}) }
    : {};
  return { x0: { n: points.n, dim: points.dim, data: out, ...meta }, x1: points };
}
