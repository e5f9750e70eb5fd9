/**
 * Distributions: samplers of fresh point sets, some with a known density.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import type { Points } from "./points.ts";

/**
 * A distribution over ℝ^dim that can draw fresh points. Gaussians and Gaussian
 * mixtures also know their log-density and score ∇ log p (used by Langevin
 * dynamics and as references for likelihoods).
 */
export interface Distribution {
  /** Canonical description, e.g. `moons(noise=0.05)`. */
  readonly name: string;
  /** Dimension of the points. */
  readonly dim: number;
  /** Number of classes, where points carry labels. */
  readonly classes?: number;
  /** Draws `n` points from `rng`. */
  sample(n: number, rng: Rng): Points;
  /** log p(x_i) for `n` points, into `out` (length n). */
  logDensity?(x: Float64Array, n: number, out: Float64Array): void;
  /** ∇ log p(x_i) for `n` points, into `out` (n × dim). */
  score?(x: Float64Array, n: number, out: Float64Array): void;
}

/** An affine change of coordinates `y = scale · x + offset`, applied after sampling. */
export interface AffineTransform {
  /** Multiplies every coordinate (default 1). */
  scale?: number;
  /** Added per coordinate: a number, or one value per dimension (default 0). */
  offset?: number | readonly number[];
}

function offsetVector(offset: number | readonly number[] | undefined, dim: number): Float64Array {
  const o = new Float64Array(dim);
  if (offset === undefined) return o;
  if (typeof offset === "number") return o.fill(offset);
  if (offset.length !== dim) throw new RangeError(`Cannot apply offset: ${offset.length} values for dimension ${dim}`);
  o.set(offset);
  return o;
}

/**
 * Wraps a distribution with `y = scale · x + offset`. The density transforms as
 * `log p_y(y) = log p_x((y − offset)/scale) − dim · log|scale|` and the score as
 * `∇ log p_y(y) = ∇ log p_x(x) / scale`.
 */
export function transformed(base: Distribution, transform: AffineTransform): Distribution {
  const scale = transform.scale ?? 1;
  if (!Number.isFinite(scale) || scale === 0) {
    throw new RangeError(`Cannot scale by "${scale}": expected a non-zero number`);
  }
  const offset = offsetVector(transform.offset, base.dim);
  if (scale === 1 && offset.every((v) => v === 0)) return base;
  const dim = base.dim;
  const toBase = (x: Float64Array, n: number): Float64Array => {
    const y = new Float64Array(n * dim);
    for (let i = 0; i < n * dim; i++) y[i] = (x[i]! - offset[i % dim]!) / scale;
    return y;
  };
  const out: Distribution = {
    name: `${base.name}*${scale}+[${Array.from(offset).join(",")}]`,
    dim,
    ...(base.classes !== undefined ? { classes: base.classes } : {}),
    sample(n, rng) {
      const p = base.sample(n, rng);
      const data = p.data;
      for (let i = 0; i < n * dim; i++) data[i] = scale * data[i]! + offset[i % dim]!;
      return p;
    },
  };
  if (base.logDensity) {
    const f = base.logDensity.bind(base);
    out.logDensity = (x, n, res) => {
      f(toBase(x, n), n, res);
      const c = dim * Math.log(Math.abs(scale));
      for (let i = 0; i < n; i++) res[i] = res[i]! - c;
    };
  }
  if (base.score) {
    const f = base.score.bind(base);
    out.score = (x, n, res) => {
      f(toBase(x, n), n, res);
      for (let i = 0; i < n * dim; i++) res[i] = res[i]! / scale;
    };
  }
  return out;
}
