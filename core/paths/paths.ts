/**
 * Probability paths (MATH.md §2): how a pair (x0, x1) and a time t give a
 * point x_t and the conditional velocity ẋ_t that CFM regresses on.
 *
 * - `affine`: `x_t = α_t x1 + σ_t ε`, `ẋ_t = α̇_t x1 + σ̇_t ε`, with the unit
 *   noise `ε = x0 / std` where N(0, std² I) is the source the scheduler
 *   expects (std = 1 except VE, whose source is N(0, σ_max² I)).
 * - `lipman` (σ_min): the affine path of `lipmanScheduler`: `x_t = t x1 +
 *   (1 − (1 − σ_min) t) x0`, `ẋ_t = x1 − (1 − σ_min) x0`, which equals Lipman
 *   et al.'s `u = (x1 − (1 − σ_min) x_t)/(1 − (1 − σ_min) t)`.
 * - `sb` (σ = s, torchcfm's SB-CFM): `μ_t = t x1 + (1 − t) x0`,
 *   `x_t = μ_t + s √(t(1 − t)) z` with fresh z ~ N(0, I) from `rng`, and
 *   `ẋ_t = (1 − 2t)/(2t(1 − t)) (x_t − μ_t) + x1 − x0`. At t ∈ {0, 1} exactly,
 *   where x_t = μ_t, the first term is taken as 0 (its coefficient is 0/0;
 *   torchcfm gets the same by adding 1e-8 to the denominator).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { createScheduler, lipmanScheduler } from "./schedulers.ts";
import type { Scheduler, SourceSpec } from "./types.ts";

/** What {@linkcode createPath} builds. */
export type PathSpec =
  | {
    kind: "affine";
    /** A scheduler name of {@linkcode SCHEDULERS} (or a built scheduler). */
    scheduler: string | Scheduler;
    /** Its parameters (snake_case, as in configs). */
    params?: Record<string, number>;
  }
  | { kind: "sb"; sigma: number }
  | { kind: "lipman"; sigmaMin: number };

/**
 * The pairs a path needs: `n` pairs (x0_i, x1_i) in ℝ^dim, row-major. A
 * coupling's `PathPairs` (core/couplings) is one; declared here so that paths
 * do not depend on the layer above them.
 */
export interface PathPairs {
  readonly n: number;
  readonly dim: number;
  /** Source points (t = 0). */
  readonly x0: Float64Array;
  /** Target points (t = 1). */
  readonly x1: Float64Array;
}

/** A point on the path and its conditional velocity, for a batch of pairs. */
export interface PathSample {
  /** x_t, n × dim. */
  xt: Float64Array;
  /** The conditional velocity ẋ_t (the CFM target), n × dim. */
  velocity: Float64Array;
}

/** A probability path: turns pairs and times into (x_t, ẋ_t). */
export interface ProbabilityPath {
  /** Which family. */
  readonly kind: "affine" | "sb" | "lipman";
  /** Canonical description, e.g. `affine(condot)`, `sb(sigma=0.5)`. */
  readonly name: string;
  /**
   * The scheduler of an affine path (`affine`, and `lipman`, which is affine
   * with σ_1 = σ_min): what conversions, the oracle and samplers use.
   */
  readonly scheduler?: Scheduler;
  /**
   * The source the path expects when the source is Gaussian: N(0, std² I)
   * (`ve`: std = σ_max). `null`: any source (`sb`, whose noise is its own).
   * A Gaussian source with another std is a validation error (MATH.md §2).
   */
  readonly source: SourceSpec | null;
  /** For `sb`: the noise level s. */
  readonly sigma?: number;
  /**
   * x_t and ẋ_t for pair i at time `t[i]` (`t.length` = pairs.n). Only `sb`
   * draws from `rng` (its Brownian-bridge noise); affine paths ignore it.
   */
  sample(pairs: PathPairs, t: Float64Array, rng: Rng): PathSample;
}

function checkBatch(name: string, pairs: PathPairs, t: Float64Array): void {
  if (t.length !== pairs.n) {
    throw new RangeError(`Cannot sample path "${name}": ${t.length} times for ${pairs.n} pairs`);
  }
  const len = pairs.n * pairs.dim;
  if (pairs.x0.length < len || pairs.x1.length < len) {
    throw new RangeError(`Cannot sample path "${name}": pairs hold fewer than n × dim = ${len} coordinates`);
  }
}

/**
 * The affine path of a scheduler: `x_t = α x1 + σ x0/std`, `ẋ_t = α̇ x1 + σ̇ x0/std`
 * (std of the scheduler's source, 1 except VE).
 */
export function affinePath(scheduler: Scheduler, kind: "affine" | "lipman" = "affine"): ProbabilityPath {
  const name = kind === "affine" ? `affine(${scheduler.name})` : scheduler.name;
  const invStd = 1 / scheduler.source.std;
  return {
    kind,
    name,
    scheduler,
    source: scheduler.source,
    sample(pairs, t) {
      checkBatch(name, pairs, t);
      const { n, dim, x0, x1 } = pairs;
      const xt = new Float64Array(n * dim);
      const velocity = new Float64Array(n * dim);
      for (let i = 0; i < n; i++) {
        const s = scheduler.at(t[i]!);
        const sig = s.sigma * invStd;
        const dSig = s.dSigma * invStd;
        for (let j = i * dim; j < (i + 1) * dim; j++) {
          xt[j] = s.alpha * x1[j]! + sig * x0[j]!;
          velocity[j] = s.dAlpha * x1[j]! + dSig * x0[j]!;
        }
      }
      return { xt, velocity };
    },
  };
}

/**
 * The Schrödinger-bridge path of torchcfm's SB-CFM with noise level s (see the
 * module doc): `x_t = t x1 + (1 − t) x0 + s √(t(1 − t)) z`,
 * `ẋ_t = (1 − 2t)/(2t(1 − t)) (x_t − μ_t) + x1 − x0`.
 */
export function sbPath(sigma: number): ProbabilityPath {
  if (!(sigma > 0 && Number.isFinite(sigma))) {
    throw new RangeError(`Cannot build path "sb": sigma "${sigma}" must be a positive number`);
  }
  const name = `sb(sigma=${sigma})`;
  return {
    kind: "sb",
    name,
    source: null,
    sigma,
    sample(pairs, t, rng) {
      checkBatch(name, pairs, t);
      const { n, dim, x0, x1 } = pairs;
      const xt = new Float64Array(n * dim);
      const velocity = new Float64Array(n * dim);
      for (let i = 0; i < n; i++) {
        const ti = t[i]!;
        if (!(ti >= 0 && ti <= 1)) {
          throw new RangeError(`Cannot sample path "${name}" at t "${ti}": expected 0 ≤ t ≤ 1`);
        }
        const q = ti * (1 - ti);
        const std = sigma * Math.sqrt(q);
        // (1 − 2t)/(2t(1 − t)) · (x_t − μ_t) = (1 − 2t)/(2t(1 − t)) · std · z; 0 where q = 0 (then std = 0).
        const rate = q === 0 ? 0 : (1 - 2 * ti) / (2 * q);
        for (let j = i * dim; j < (i + 1) * dim; j++) {
          const mu = ti * x1[j]! + (1 - ti) * x0[j]!;
          const noise = std * rng.normal();
          xt[j] = mu + noise;
          velocity[j] = rate * noise + x1[j]! - x0[j]!;
        }
      }
      return { xt, velocity };
    },
  };
}

/**
 * Builds a path (MATH.md §2): `{kind: "affine", scheduler, params}`,
 * `{kind: "sb", sigma}` or `{kind: "lipman", sigmaMin}`.
 *
 * @example
 * ```ts
 * const path = createPath({ kind: "affine", scheduler: "cosine" });
 * const { xt, velocity } = path.sample(pairs, t, rng);
 * ```
 */
export function createPath(spec: PathSpec): ProbabilityPath {
  switch (spec.kind) {
    case "affine": {
      const s = typeof spec.scheduler === "string"
        ? createScheduler(spec.scheduler, spec.params ?? {})
        : spec.scheduler;
      return affinePath(s, "affine");
    }
    case "sb":
      return sbPath(spec.sigma);
    case "lipman": {
      const m = spec.sigmaMin;
      if (!(m >= 0 && m < 1)) {
        throw new RangeError(`Cannot build path "lipman": sigma_min "${m}" must lie in [0, 1)`);
      }
      return affinePath(lipmanScheduler(m), "lipman");
    }
    default:
      throw new RangeError(
        `Cannot build path "${
          (spec as { kind: unknown }).kind
        }": unknown kind: expected one of "affine", "sb", "lipman"`,
      );
  }
}
