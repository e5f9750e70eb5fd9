/**
 * Toy distributions of the flow-matching literature, each a {@linkcode Distribution}.
 *
 * Conventions: angles θ are drawn uniformly (a distribution, not scikit-learn's
 * evenly spaced grid); noise is isotropic N(0, noise² I) added last; labels mark
 * the component (moon, ring, arm, mixture component) where there is one.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import type { Distribution } from "./distribution.ts";
import { makePoints } from "./points.ts";

const LOG_2PI = Math.log(2 * Math.PI);

function need(cond: boolean, what: string, value: unknown, expected: string): void {
  if (!cond) throw new RangeError(`Cannot build ${what}: "${value}" ${expected}`);
}

/** Options for {@linkcode gaussian}. */
export interface GaussianOptions {
  /** Dimension (≥ 1). */
  dim: number;
  /** Mean: a number for every coordinate or one per coordinate (default 0). */
  mean?: number | readonly number[];
  /** Standard deviation: a number or one per coordinate (default 1). */
  std?: number | readonly number[];
}

function perCoordinate(
  v: number | readonly number[] | undefined,
  dim: number,
  fallback: number,
  what: string,
): Float64Array {
  const out = new Float64Array(dim).fill(fallback);
  if (v === undefined) return out;
  if (typeof v === "number") return out.fill(v);
  need(v.length === dim, what, `${v.length} values`, `must have one value per dimension (${dim})`);
  out.set(v);
  return out;
}

/**
 * The Gaussian N(μ, diag(s²)): `x = μ + s ⊙ z`, z ~ N(0, I);
 * `log p(x) = −½ Σ_j ((x_j − μ_j)/s_j)² − Σ_j log s_j − (d/2) log 2π`,
 * `∇ log p(x) = −(x − μ)/s²`.
 */
export function gaussian(options: GaussianOptions): Distribution {
  const { dim } = options;
  need(Number.isInteger(dim) && dim >= 1, "gaussian", dim, "must be a positive integer dimension");
  const mean = perCoordinate(options.mean, dim, 0, "gaussian mean");
  const std = perCoordinate(options.std, dim, 1, "gaussian std");
  need(std.every((s) => s > 0), "gaussian", Array.from(std).join(","), "std must be positive");
  let logNorm = (dim / 2) * LOG_2PI;
  for (const s of std) logNorm += Math.log(s);
  return {
    name: `gaussian(dim=${dim})`,
    dim,
    sample(n, rng) {
      const data = rng.fillNormal(new Float64Array(n * dim));
      for (let k = 0; k < data.length; k++) data[k] = mean[k % dim]! + std[k % dim]! * data[k]!;
      return makePoints(data, dim);
    },
    logDensity(x, n, out) {
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let j = 0; j < dim; j++) {
          const z = (x[i * dim + j]! - mean[j]!) / std[j]!;
          q += z * z;
        }
        out[i] = -0.5 * q - logNorm;
      }
    },
    score(x, n, out) {
      for (let i = 0; i < n * dim; i++) {
        const j = i % dim;
        out[i] = -(x[i]! - mean[j]!) / (std[j]! * std[j]!);
      }
    },
  };
}

/** Options for {@linkcode mixture}. */
export interface MixtureOptions {
  /** Component means, k × dim. */
  means: readonly (readonly number[])[];
  /** Isotropic standard deviation of every component. */
  std: number;
  /** Component weights (normalised; default uniform). */
  weights?: readonly number[];
}

/**
 * An isotropic Gaussian mixture `p(x) = Σ_k w_k N(x; μ_k, s² I)`; labels are the
 * component. Score: `∇ log p(x) = Σ_k r_k(x) (μ_k − x)/s²` with responsibilities
 * `r_k ∝ w_k N(x; μ_k, s² I)` computed by log-sum-exp.
 */
export function mixture(options: MixtureOptions): Distribution {
  const { means, std } = options;
  const k = means.length;
  need(k >= 1, "mixture", k, "must have at least one mean");
  const dim = means[0]!.length;
  need(dim >= 1 && means.every((m) => m.length === dim), "mixture", "means", "must all have the same positive length");
  need(std > 0, "mixture", std, "std must be positive");
  const w = options.weights ?? new Array(k).fill(1);
  need(
    w.length === k && w.every((v) => v >= 0) && w.some((v) => v > 0),
    "mixture",
    "weights",
    `must be ${k} non-negative numbers, not all zero`,
  );
  const total = w.reduce((a, b) => a + b, 0);
  const logW = w.map((v) => Math.log(v / total));
  const cum = new Float64Array(k);
  let acc = 0;
  for (let c = 0; c < k; c++) cum[c] = acc += w[c]! / total;
  const mu = new Float64Array(k * dim);
  means.forEach((m, c) => mu.set(m, c * dim));
  const inv2s2 = 1 / (2 * std * std);
  const logNorm = dim * (0.5 * LOG_2PI + Math.log(std));
  const logComp = (x: Float64Array, i: number, out: Float64Array): number => {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let q = 0;
      for (let j = 0; j < dim; j++) {
        const d = x[i * dim + j]! - mu[c * dim + j]!;
        q += d * d;
      }
      out[c] = logW[c]! - q * inv2s2;
      if (out[c]! > max) max = out[c]!;
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(out[c]! - max);
    return max + Math.log(s);
  };
  return {
    name: `mixture(k=${k},std=${std})`,
    dim,
    classes: k,
    sample(n, rng) {
      const data = new Float64Array(n * dim);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform();
        let c = 0;
        while (c < k - 1 && u >= cum[c]!) c++;
        labels[i] = c;
        for (let j = 0; j < dim; j++) data[i * dim + j] = mu[c * dim + j]! + std * rng.normal();
      }
      return makePoints(data, dim, { labels, classes: k });
    },
    logDensity(x, n, out) {
      const buf = new Float64Array(k);
      for (let i = 0; i < n; i++) out[i] = logComp(x, i, buf) - logNorm;
    },
    score(x, n, out) {
      const buf = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        const lse = logComp(x, i, buf);
        for (let j = 0; j < dim; j++) out[i * dim + j] = 0;
        for (let c = 0; c < k; c++) {
          const r = Math.exp(buf[c]! - lse);
          for (let j = 0; j < dim; j++) {
            out[i * dim + j] = out[i * dim + j]! + r * (mu[c * dim + j]! - x[i * dim + j]!) * 2 * inv2s2;
          }
        }
      }
    },
  };
}

/** Options for {@linkcode eightGaussians}. */
export interface EightGaussiansOptions {
  /** Radius of the circle of centres (default 5, as torchcfm). */
  radius?: number;
  /** Standard deviation of each component (default 0.5). */
  std?: number;
}

/**
 * Eight Gaussians with centres `r (cos 2πk/8, sin 2πk/8)`, k = 0 … 7, and
 * standard deviation `std` (not torchcfm's √var-for-variance quirk: `std` is a
 * standard deviation). A mixture, so it has a density and a score.
 */
export function eightGaussians(options: EightGaussiansOptions = {}): Distribution {
  const r = options.radius ?? 5;
  const std = options.std ?? 0.5;
  need(r > 0, "eight_gaussians", r, "radius must be positive");
  const means = Array.from(
    { length: 8 },
    (_, k) => [r * Math.cos((2 * Math.PI * k) / 8), r * Math.sin((2 * Math.PI * k) / 8)],
  );
  const m = mixture({ means, std });
  return { ...m, name: `eight_gaussians(radius=${r},std=${std})` };
}

function withNoise(data: Float64Array, noise: number, rng: Rng): void {
  if (noise > 0) { for (let i = 0; i < data.length; i++) data[i] = data[i]! + noise * rng.normal(); }
}

/**
 * Two interleaved half circles (scikit-learn's `make_moons` with θ ~ U(0, π)
 * instead of a grid): moon 0 is `(cos θ, sin θ)`, moon 1 is
 * `(1 − cos θ, ½ − sin θ)`, each with probability ½, plus N(0, noise² I).
 */
export function moons(options: { noise?: number } = {}): Distribution {
  const noise = options.noise ?? 0.05;
  need(noise >= 0, "moons", noise, "noise must be non-negative");
  return {
    name: `moons(noise=${noise})`,
    dim: 2,
    classes: 2,
    sample(n, rng) {
      const data = new Float64Array(2 * n);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const upper = rng.uniform() < 0.5;
        const th = Math.PI * rng.uniform();
        labels[i] = upper ? 0 : 1;
        data[2 * i] = upper ? Math.cos(th) : 1 - Math.cos(th);
        data[2 * i + 1] = upper ? Math.sin(th) : 0.5 - Math.sin(th);
      }
      withNoise(data, noise, rng);
      return makePoints(data, 2, { labels, classes: 2 });
    },
  };
}

/** Options for {@linkcode ellipse}. */
export interface EllipseOptions {
  /** Semi-axis along the first coordinate before rotation (default 2). */
  a?: number;
  /** Semi-axis along the second coordinate before rotation (default 1). */
  b?: number;
  /** Rotation, in degrees, counter-clockwise (default 30). */
  angle?: number;
  /** Standard deviation of the isotropic noise (default 0.05). */
  noise?: number;
}

/**
 * Points on an ellipse: θ ~ U(0, 2π), `p = R(angle) (a cos θ, b sin θ)` plus
 * N(0, noise² I). The angle θ of each point is recoverable (`ellipseAngle`),
 * which is how coverage of the ellipse is measured.
 */
export function ellipse(options: EllipseOptions = {}): Distribution {
  const a = options.a ?? 2, b = options.b ?? 1, angle = options.angle ?? 30, noise = options.noise ?? 0.05;
  need(a > 0 && b > 0, "ellipse", `${a},${b}`, "semi-axes must be positive");
  need(noise >= 0, "ellipse", noise, "noise must be non-negative");
  const c = Math.cos((angle * Math.PI) / 180), s = Math.sin((angle * Math.PI) / 180);
  return {
    name: `ellipse(a=${a},b=${b},angle=${angle},noise=${noise})`,
    dim: 2,
    sample(n, rng) {
      const data = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const th = 2 * Math.PI * rng.uniform();
        const x = a * Math.cos(th), y = b * Math.sin(th);
        data[2 * i] = c * x - s * y;
        data[2 * i + 1] = s * x + c * y;
      }
      withNoise(data, noise, rng);
      return makePoints(data, 2);
    },
  };
}

/**
 * The parametric angle θ ∈ [0, 2π) of points relative to an ellipse: rotate back
 * by −angle, then `θ = atan2(y/b, x/a)`.
 */
export function ellipseAngle(x: Float64Array, n: number, options: EllipseOptions = {}): Float64Array {
  const a = options.a ?? 2, b = options.b ?? 1, angle = options.angle ?? 30;
  const c = Math.cos((angle * Math.PI) / 180), s = Math.sin((angle * Math.PI) / 180);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const px = x[2 * i]!, py = x[2 * i + 1]!;
    const u = c * px + s * py, v = -s * px + c * py;
    const th = Math.atan2(v / b, u / a);
    out[i] = th < 0 ? th + 2 * Math.PI : th;
  }
  return out;
}

/**
 * The checkerboard of FFJORD: x ~ U(−2, 2), y uniform on the cells of the same
 * colour, `(x, y) = 2·(x, y_ + ⌊x⌋ mod 2)` where `y_ = u − 2·Bernoulli(½)`; an 8×8
 * board on [−4, 4]², half of it filled.
 */
export function checkerboard(): Distribution {
  return {
    name: "checkerboard",
    dim: 2,
    sample(n, rng) {
      const data = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const x1 = 4 * rng.uniform() - 2;
        const y0 = rng.uniform() - (rng.uniform() < 0.5 ? 0 : 2);
        const y1 = y0 + (((Math.floor(x1) % 2) + 2) % 2);
        data[2 * i] = 2 * x1;
        data[2 * i + 1] = 2 * y1;
      }
      return makePoints(data, 2);
    },
  };
}

/** Options for {@linkcode circles}. */
export interface CirclesOptions {
  /** Radius of the inner circle relative to the outer one (default 0.5). */
  factor?: number;
  /** Noise standard deviation (default 0.05). */
  noise?: number;
}

/**
 * Two concentric circles (scikit-learn's `make_circles`, θ ~ U(0, 2π)): ring 0
 * of radius 1, ring 1 of radius `factor`, each with probability ½.
 */
export function circles(options: CirclesOptions = {}): Distribution {
  const factor = options.factor ?? 0.5, noise = options.noise ?? 0.05;
  need(factor > 0 && factor < 1, "circles", factor, "factor must be in (0, 1)");
  return {
    name: `circles(factor=${factor},noise=${noise})`,
    dim: 2,
    classes: 2,
    sample(n, rng) {
      const data = new Float64Array(2 * n);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const inner = rng.uniform() < 0.5;
        const th = 2 * Math.PI * rng.uniform();
        const r = inner ? factor : 1;
        labels[i] = inner ? 1 : 0;
        data[2 * i] = r * Math.cos(th);
        data[2 * i + 1] = r * Math.sin(th);
      }
      withNoise(data, noise, rng);
      return makePoints(data, 2, { labels, classes: 2 });
    },
  };
}

/**
 * Two interleaved spirals (FFJORD's "2spirals"): `r = √u · 540°` (in radians),
 * arm 0 at `(−r cos r, r sin r)/3`, arm 1 its reflection through the origin,
 * plus N(0, noise² I) (default 0.1; FFJORD adds U(0, ½) jitter instead).
 */
export function spirals(options: { noise?: number } = {}): Distribution {
  const noise = options.noise ?? 0.1;
  return {
    name: `spirals(noise=${noise})`,
    dim: 2,
    classes: 2,
    sample(n, rng) {
      const data = new Float64Array(2 * n);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const r = Math.sqrt(rng.uniform()) * 3 * Math.PI;
        const sign = rng.uniform() < 0.5 ? 1 : -1;
        labels[i] = sign > 0 ? 0 : 1;
        data[2 * i] = (sign * -Math.cos(r) * r) / 3;
        data[2 * i + 1] = (sign * Math.sin(r) * r) / 3;
      }
      withNoise(data, noise, rng);
      return makePoints(data, 2, { labels, classes: 2 });
    },
  };
}

/** Options for {@linkcode sCurve} and {@linkcode swissRoll}. */
export interface ManifoldOptions {
  /** Noise standard deviation (default 0.05). */
  noise?: number;
  /** 3 for the surface in ℝ³, 2 for its projection onto the (x, z) plane (default 2). */
  dim?: 2 | 3;
}

/**
 * The S-curve (scikit-learn's `make_s_curve`): `u = 3π(v − ½)`, v ~ U(0, 1),
 * `(sin u, 2w, sign(u)(cos u − 1))` with w ~ U(0, 1); with `dim: 2`, the (x, z)
 * projection.
 */
export function sCurve(options: ManifoldOptions = {}): Distribution {
  const noise = options.noise ?? 0.05, dim = options.dim ?? 2;
  return {
    name: `scurve(dim=${dim},noise=${noise})`,
    dim,
    sample(n, rng) {
      const data = new Float64Array(dim * n);
      for (let i = 0; i < n; i++) {
        const u = 3 * Math.PI * (rng.uniform() - 0.5);
        const w = 2 * rng.uniform();
        const x = Math.sin(u), z = Math.sign(u) * (Math.cos(u) - 1);
        if (dim === 3) data.set([x, w, z], 3 * i);
        else data.set([x, z], 2 * i);
      }
      withNoise(data, noise, rng);
      return makePoints(data, dim);
    },
  };
}

/**
 * The Swiss roll (scikit-learn's `make_swiss_roll`): `u = 1.5π(1 + 2v)`,
 * `(u cos u, 21w, u sin u)`; with `dim: 2`, `(u cos u, u sin u)/5` as in FFJORD.
 */
export function swissRoll(options: ManifoldOptions = {}): Distribution {
  const noise = options.noise ?? 0.05, dim = options.dim ?? 2;
  return {
    name: `swiss_roll(dim=${dim},noise=${noise})`,
    dim,
    sample(n, rng) {
      const data = new Float64Array(dim * n);
      for (let i = 0; i < n; i++) {
        const u = 1.5 * Math.PI * (1 + 2 * rng.uniform());
        const h = 21 * rng.uniform();
        if (dim === 3) data.set([u * Math.cos(u), h, u * Math.sin(u)], 3 * i);
        else data.set([(u * Math.cos(u)) / 5, (u * Math.sin(u)) / 5], 2 * i);
      }
      withNoise(data, noise, rng);
      return makePoints(data, dim);
    },
  };
}
