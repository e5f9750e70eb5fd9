/**
 * The oracle (MATH.md §9): the exact marginal field of a finite data set
 * {z_k} under an affine path, with no training.
 *
 * For x_t = α x1 + σ ε with x1 uniform on the data and ε ~ N(0, I), the
 * posterior of x1 given x_t = x puts weight
 *
 *     w_k(x) = softmax_k(ℓ_k),   ℓ_k = −‖x − α z_k‖² / (2σ²)
 *
 * on z_k (seeds `002_*`, `003_*` Thm 10). Every prediction follows from the
 * posterior mean m = Σ_k w_k z_k: x̂1 = m, ε̂ = (x − α m)/σ, velocity
 * `u_t(x) = Σ_k w_k u_t(x | z_k) = α̇ m + σ̇ ε̂`, score `−ε̂/σ`, v_diffusion
 * `α ε̂ − σ m`.
 *
 * Numerics: the softmax is taken in log space (subtract max_k ℓ_k before
 * exponentiating — log-sum-exp), which is what keeps it finite near t = 1
 * where ℓ scales like 1/σ². Sums are centred on the most likely point z*
 * (m = z* + Σ w_k (z_k − z*)), so that x − α m is computed as
 * (x − α z*) − α Σ w_k (z_k − z*) without cancellation when the posterior
 * concentrates. At σ = 0 (t = 1, x1 prediction only) the posterior is the
 * nearest point. Weights below e^{−36.8}/N of the largest are skipped (together
 * they are below 1e-16 of the total, under float64 rounding). Cost:
 * O(n · N · dim) per evaluation plus one exp per kept weight, no allocation.
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import {
  checkPrediction,
  clampTime,
  conversionFiniteAt,
  DEFAULT_T_EPS,
  type Field,
  type Prediction,
  type Scheduler,
  singularEndClamp,
} from "../paths/mod.ts";

/** Options of {@linkcode createOracle}. */
export interface OracleOptions {
  /** What the oracle returns (default velocity). */
  prediction?: Prediction;
  /**
   * Distance kept from an end of [0, 1] where the requested prediction is
   * singular (default 1e-3): every prediction but x1 divides by σ, which
   * vanishes at t = 1 (except VE and Lipman with σ_min > 0).
   */
  tEps?: number;
}

/**
 * The exact marginal field of the finite set `data` under the affine path of
 * `scheduler` (module doc). With labelled data it is label-conditioned:
 * `labels[i]` in 0 … classes − 1 restricts the posterior to that class, −1 (or
 * `classes`) uses the whole set.
 *
 * @example
 * ```ts
 * const u = createOracle(train, createScheduler("condot"));
 * solveOde(u, x0, { n, method: "dopri5" }); // transports noise onto the training points
 * ```
 */
export function createOracle(data: Points, scheduler: Scheduler, options: OracleOptions = {}): Field {
  const prediction = checkPrediction(options.prediction ?? "velocity");
  const { n: N, dim } = data;
  if (N < 1) throw new RangeError(`Cannot build an oracle of "${N}" points: expected at least one`);
  // Points sorted by class so that each class is a contiguous range.
  const z = new Float64Array(N * dim);
  const classes = data.labels ? (data.classes ?? 0) : 0;
  const start = new Int32Array(classes + 1);
  if (data.labels && classes > 0) {
    const count = new Int32Array(classes);
    for (const l of data.labels) {
      if (!(l >= 0 && l < classes)) {
        throw new RangeError(`Cannot build an oracle: label "${l}" outside 0 … ${classes - 1}`);
      }
      count[l]!++;
    }
    for (let c = 0; c < classes; c++) start[c + 1] = start[c]! + count[c]!;
    const next = start.slice(0, classes);
    for (let k = 0; k < N; k++) {
      const dst = next[data.labels[k]!]!++;
      z.set(data.data.subarray(k * dim, (k + 1) * dim), dst * dim);
    }
  } else {
    z.set(data.data.subarray(0, N * dim));
  }
  const clamp = singularEndClamp(
    (t) => conversionFiniteAt("x1", prediction, scheduler.at(t)),
    options.tEps ?? DEFAULT_T_EPS,
  );
  const logits = new Float64Array(N);
  // Weights below e^cutoff (relative to the largest, 1) sum to less than N e^cutoff = e^{−36.8} ≈ 1e-16.
  const cutoff = -(36.8 + Math.log(N));
  const mc = new Float64Array(dim); // Σ w_k (z_k − z*) / Σ w_k
  const cv = new Float64Array(dim); // Σ w_k (z_k − z*)((z_k − z*)·v) / Σ w_k
  const resid = new Float64Array(dim); // x − α m

  /** Writes the prediction at point i (and its JVP when v is given). */
  const run = (
    x: Float64Array,
    n: number,
    t: number,
    out: Float64Array,
    labels: Int32Array | undefined,
    v: Float64Array | undefined,
    jv: Float64Array | undefined,
  ) => {
    const s = scheduler.at(clampTime(t, clamp));
    const { alpha, sigma } = s;
    // out = c1 m + c2 ε̂
    let c1: number, c2: number;
    switch (prediction) {
      case "velocity":
        c1 = s.dAlpha;
        c2 = s.dSigma;
        break;
      case "x1":
        c1 = 1;
        c2 = 0;
        break;
      case "epsilon":
        c1 = 0;
        c2 = 1;
        break;
      case "score":
        c1 = 0;
        c2 = -1 / sigma;
        break;
      case "v_diffusion":
        c1 = -sigma;
        c2 = alpha;
        break;
    }
    const invSigma = sigma === 0 ? 0 : 1 / sigma;
    const h = sigma === 0 ? 0 : 0.5 * invSigma * invSigma;
    for (let i = 0; i < n; i++) {
      let lo = 0;
      let hi = N;
      const label = labels ? labels[i]! : -1;
      if (classes > 0 && label >= 0 && label < classes) {
        lo = start[label]!;
        hi = start[label + 1]!;
        if (hi === lo) {
          throw new RangeError(`Cannot evaluate the oracle for label "${label}": the data has no point of it`);
        }
      }
      const xo = i * dim;
      // Pass 1: logits and the most likely point.
      let best = lo;
      let bestLogit = -Infinity;
      let bestDist = Infinity;
      for (let k = lo; k < hi; k++) {
        const zo = k * dim;
        let d2 = 0;
        for (let j = 0; j < dim; j++) {
          const e = x[xo + j]! - alpha * z[zo + j]!;
          d2 += e * e;
        }
        if (h === 0) {
          if (d2 < bestDist) {
            bestDist = d2;
            best = k;
          }
          continue;
        }
        const l = -d2 * h;
        logits[k] = l;
        if (l > bestLogit) {
          bestLogit = l;
          best = k;
        }
      }
      const bo = best * dim;
      mc.fill(0);
      if (v) cv.fill(0);
      if (h !== 0) {
        // Pass 2: weights exp(ℓ_k − max ℓ), sums centred on z*.
        let wsum = 0;
        for (let k = lo; k < hi; k++) {
          const a = logits[k]! - bestLogit;
          if (a < cutoff) continue; // all skipped weights together are below 1e-16 of the largest
          const w = Math.exp(a);
          wsum += w;
          const zo = k * dim;
          if (v) {
            let dot = 0;
            for (let j = 0; j < dim; j++) dot += (z[zo + j]! - z[bo + j]!) * v[xo + j]!;
            for (let j = 0; j < dim; j++) {
              const c = z[zo + j]! - z[bo + j]!;
              mc[j] = mc[j]! + w * c;
              cv[j] = cv[j]! + w * c * dot;
            }
          } else {
            for (let j = 0; j < dim; j++) mc[j] = mc[j]! + w * (z[zo + j]! - z[bo + j]!);
          }
        }
        const inv = 1 / wsum;
        for (let j = 0; j < dim; j++) {
          mc[j] = mc[j]! * inv;
          cv[j] = cv[j]! * inv;
        }
      }
      for (let j = 0; j < dim; j++) {
        const m = z[bo + j]! + mc[j]!;
        resid[j] = x[xo + j]! - alpha * z[bo + j]! - alpha * mc[j]!;
        out[xo + j] = (c1 === 0 ? 0 : c1 * m) + (c2 === 0 ? 0 : c2 * resid[j]! * invSigma);
      }
      if (v && jv) {
        // J v = (c1 − c2 α/σ)(α/σ²) Cov_w(z) v + (c2/σ) v, Cov_w(z) v = E[c (c·v)] − m_c (m_c·v).
        let mdot = 0;
        for (let j = 0; j < dim; j++) mdot += mc[j]! * v[xo + j]!;
        const f = h === 0 ? 0 : (c1 - c2 * alpha * invSigma) * alpha * invSigma * invSigma;
        const g = c2 * invSigma;
        for (let j = 0; j < dim; j++) {
          const cov = cv[j]! - mc[j]! * mdot;
          jv[xo + j] = (f === 0 ? 0 : f * cov) + g * v[xo + j]!;
        }
      }
    }
  };

  return {
    dim,
    prediction,
    ...(classes > 0 ? { classes } : {}),
    evaluate(x, n, t, out, labels) {
      run(x, n, t, out, labels, undefined, undefined);
    },
    jvp(x, n, t, v, out, jv, labels) {
      run(x, n, t, out, labels, v, jv);
    },
  };
}
