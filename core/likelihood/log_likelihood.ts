/**
 * Log-likelihood of a flow by the instantaneous change of variables
 * (MATH.md §8, seed `004_*` §3.6).
 *
 * @module
 */
import type { Field, SourceSpec } from "../paths/mod.ts";
import type { Rng } from "../random/mod.ts";
import { type OdeMethod, solveOdeSystem } from "../samplers/mod.ts";
import { createDivergence, type JvpMode } from "./divergence.ts";

const LN2 = Math.LN2;
const LOG_2PI = Math.log(2 * Math.PI);

/** Options of {@linkcode logLikelihood}. */
export interface LogLikelihoodOptions {
  /** Number of points in `x1`. */
  n: number;
  /** `exact` divergence (d JVPs per evaluation) or `hutchinson` (one JVP per probe). */
  method: "exact" | "hutchinson";
  /** Hutchinson: number of probes per point (default 8); their estimates are averaged. */
  probes?: number;
  /** Hutchinson: probe law, `rademacher` (±1, default) or `gaussian` (N(0, I)). */
  probe?: "gaussian" | "rademacher";
  /** ODE method (default `dopri5`). */
  solver?: OdeMethod;
  /** Fixed-step solvers: number of steps (default 100). */
  steps?: number;
  /** dopri5: absolute tolerance (default 1e-5). */
  atol?: number;
  /** dopri5: relative tolerance (default 1e-5). */
  rtol?: number;
  /** The source law N(0, std² I) at t = 0. */
  source: SourceSpec;
  /** Draws the Hutchinson probes (required for `hutchinson`). */
  rng?: Rng;
  /** Class label per point for a label-conditioned field. */
  labels?: Int32Array;
  /** Central-difference step when the field has no `jvp` (default 1e-3). */
  fdStep?: number;
}

/** The result of {@linkcode logLikelihood}. */
export interface LogLikelihoodResult {
  /** log p1(x1_i) in nats, one per point (the mean over probes for Hutchinson). */
  logp: Float64Array;
  /** The mean negative log-likelihood −(1/n) Σ log p1(x1_i), in nats. */
  nats: number;
  /** `nats / (dim · ln 2)`. */
  bitsPerDim: number;
  /** Evaluations of the augmented dynamics by the solver. */
  nfe: number;
  /** Calls of the field (`evaluate` and `jvp`) in total: about nfe × (d or probes), more with finite differences. */
  fieldCalls: number;
  /** How JVPs were computed: the field's own `jvp`, or central finite differences (the field has none). */
  divergence: JvpMode;
  /** The points transported back to t = 0 (n × dim). */
  x0: Float64Array;
  /** Hutchinson with ≥ 2 probes: standard error of `nats` from the spread of the probes, √(Σ_i s_i²/K)/n. */
  stderr?: number;
  /** Hutchinson with ≥ 2 probes: standard error of each `logp[i]`, s_i/√K. */
  logpStderr?: Float64Array;
}

/**
 * `log p1(x1) = log p0(x0) − ∫_0^1 div v_t(x_t) dt`: solves the augmented
 * system `dx/dt = v(x, t)`, `dℓ/dt = div v(x, t)` backward from
 * (x1, ℓ = 0) at t = 1 to t = 0, so that ℓ(0) = −∫_0^1 div v dt and
 * `log p1(x1) = log N(x0; 0, std² I) + ℓ(0)` with
 * `log N(x; 0, s² I) = −d/2 · log(2π s²) − ‖x‖²/(2 s²)`.
 *
 * The divergence is exact (trace of the Jacobian from d JVPs) or
 * Hutchinson's `zᵀ (∂v/∂x) z` with K probes per point drawn once and kept
 * fixed along the solve; each probe carries its own ℓ, so the K estimates of
 * log p1(x1_i) are independent given x1 and their spread gives the standard
 * error. Without `field.jvp`, JVPs are central finite differences (reported
 * in `divergence`). The adaptive solver controls the error of x and of every
 * ℓ together. Continuous data: no dequantisation is applied.
 *
 * @example
 * ```ts
 * const r = logLikelihood(model, test.data, { n: test.n, method: "exact", source: { kind: "normal", std: 1 } });
 * r.nats; r.bitsPerDim;
 * ```
 */
export function logLikelihood(field: Field, x1: Float64Array, options: LogLikelihoodOptions): LogLikelihoodResult {
  const { n, method, labels } = options;
  const dim = field.dim;
  if (field.prediction !== "velocity") {
    throw new TypeError(
      `Cannot compute the likelihood of a field that predicts "${field.prediction}": wrap it with asPrediction(field, scheduler, "velocity")`,
    );
  }
  if (method !== "exact" && method !== "hutchinson") {
    throw new RangeError(`Cannot compute the likelihood with method "${method}": expected "exact" or "hutchinson"`);
  }
  if (x1.length !== n * dim) {
    throw new RangeError(`Cannot compute the likelihood of ${x1.length} coordinates: expected n × dim = ${n * dim}`);
  }
  const std = options.source.std;
  if (options.source.kind !== "normal" || !(std > 0)) {
    throw new RangeError(`Cannot compute the likelihood with source std "${std}": expected a normal source, std > 0`);
  }
  let probes: Float64Array | undefined;
  let K = 1;
  if (method === "hutchinson") {
    K = options.probes ?? 8;
    if (!Number.isInteger(K) || K < 1) {
      throw new RangeError(`Cannot use "${K}" Hutchinson probes: expected an integer ≥ 1`);
    }
    if (!options.rng) throw new RangeError(`Cannot draw Hutchinson probes without an rng: pass options.rng`);
    const law = options.probe ?? "rademacher";
    if (law !== "rademacher" && law !== "gaussian") {
      throw new RangeError(`Cannot draw "${law}" probes: expected "rademacher" or "gaussian"`);
    }
    probes = new Float64Array(n * K * dim);
    if (law === "gaussian") options.rng.fillNormal(probes);
    else for (let i = 0; i < probes.length; i++) probes[i] = options.rng.nextUint32() & 1 ? 1 : -1;
  }
  const divergence = createDivergence(field, {
    n,
    method,
    ...(probes ? { probes, probeCount: K } : {}),
    ...(labels ? { labels } : {}),
    ...(options.fdStep !== undefined ? { fdStep: options.fdStep } : {}),
  });
  const L = n * dim;
  // views of the solver's buffers, made once per buffer
  const views = new WeakMap<Float64Array, [Float64Array, Float64Array]>();
  const split = (y: Float64Array): [Float64Array, Float64Array] => {
    let v = views.get(y);
    if (!v) views.set(y, v = [y.subarray(0, L), y.subarray(L)]);
    return v;
  };
  let fieldCalls = 0;
  const dynamics = (t: number, y: Float64Array, out: Float64Array) => {
    const [x] = split(y);
    const [dx, dl] = split(out);
    fieldCalls += divergence(x, t, dx, dl);
  };
  const y1 = new Float64Array(L + n * K);
  y1.set(x1);
  const solver = options.solver ?? "dopri5";
  const r = solveOdeSystem(dynamics, y1, {
    method: solver,
    t0: 1,
    t1: 0,
    ...(solver === "dopri5"
      ? {
        ...(options.atol !== undefined ? { atol: options.atol } : {}),
        ...(options.rtol !== undefined ? { rtol: options.rtol } : {}),
      }
      : { steps: options.steps ?? 100 }),
  });
  const x0 = r.y.slice(0, L);
  const logp = new Float64Array(n);
  const logpStderr = K >= 2 ? new Float64Array(n) : undefined;
  const norm = -0.5 * dim * (LOG_2PI + 2 * Math.log(std));
  let total = 0, variance = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < dim; j++) q += x0[i * dim + j]! ** 2;
    const base = norm - q / (2 * std * std);
    let mean = 0;
    for (let k = 0; k < K; k++) mean += r.y[L + i * K + k]!;
    mean /= K;
    logp[i] = base + mean;
    total += logp[i]!;
    if (logpStderr) {
      let s2 = 0;
      for (let k = 0; k < K; k++) s2 += (r.y[L + i * K + k]! - mean) ** 2;
      s2 /= K - 1;
      logpStderr[i] = Math.sqrt(s2 / K);
      variance += s2 / K;
    }
  }
  const nats = -total / n;
  return {
    logp,
    nats,
    bitsPerDim: nats / (dim * LN2),
    nfe: r.nfe,
    fieldCalls,
    divergence: divergence.mode,
    x0,
    ...(logpStderr ? { stderr: Math.sqrt(variance) / n, logpStderr } : {}),
  };
}
