/**
 * Divergences of a velocity field on a batch: exact (the trace of the
 * Jacobian, d JVPs) and Hutchinson's estimator (one JVP per probe), with a
 * central-finite-difference fallback for fields without a JVP.
 *
 * @module
 */
import type { Field } from "../paths/mod.ts";

/** How Jacobian–vector products are computed. */
export type JvpMode = "jvp" | "finite-difference";

/** Options of {@linkcode createDivergence}. */
export interface DivergenceOptions {
  /** Number of points. */
  n: number;
  /** `exact`: tr ∂v/∂x by d JVPs with basis vectors; `hutchinson`: zᵀ (∂v/∂x) z for each probe z. */
  method: "exact" | "hutchinson";
  /** Hutchinson probes, n × probes × dim (point-major), fixed for the whole solve. */
  probes?: Float64Array;
  /** Number of probes per point (Hutchinson). */
  probeCount?: number;
  /** Class label per point for a label-conditioned field. */
  labels?: Int32Array;
  /** Step h of the central differences when the field has no `jvp` (default 1e-3). */
  fdStep?: number;
}

/**
 * Evaluates `v(x, t)` into `out` (n × dim) and the divergence estimates into
 * `div` (n × K: K = 1 for `exact`, K = probes for `hutchinson`).
 */
export interface Divergence {
  /** Writes the velocity and the divergence estimates; returns the number of field calls it made. */
  (x: Float64Array, t: number, out: Float64Array, div: Float64Array): number;
  /** Whether JVPs are the field's own or central finite differences. */
  readonly mode: JvpMode;
  /** Estimates per point (1 for exact). */
  readonly perPoint: number;
}

/**
 * Builds the divergence estimator of a velocity field.
 *
 * - exact, with `field.jvp`: `div v(x_i) = Σ_j (J_i e_j)_j`, d JVP calls per
 *   evaluation (each also returns v).
 * - hutchinson, with `field.jvp`: `div v(x_i) ≈ z_ikᵀ J_i z_ik` for each fixed
 *   probe z_ik (unbiased when E[z zᵀ] = I), one JVP per probe.
 * - without a JVP, `J u` is replaced by the central difference
 *   `(v(x + h u) − v(x − h u)) / 2h` (error O(h²) for smooth v; two calls per
 *   direction, plus one for v itself).
 *
 * All buffers are allocated here, once.
 */
export function createDivergence(field: Field, options: DivergenceOptions): Divergence {
  const { n, method, labels } = options;
  const dim = field.dim;
  const L = n * dim;
  const K = method === "exact" ? 1 : options.probeCount ?? 0;
  if (method === "hutchinson" && (!options.probes || K < 1 || options.probes.length !== n * K * dim)) {
    throw new RangeError(`Cannot build a Hutchinson estimator: give probes of length n × probes × dim`);
  }
  const fdStep = options.fdStep ?? 1e-3;
  if (!(fdStep > 0)) throw new RangeError(`Cannot use the finite-difference step "${fdStep}": it must be positive`);
  const mode: JvpMode = field.jvp ? "jvp" : "finite-difference";
  const dir = new Float64Array(L), jv = new Float64Array(L), scratch = new Float64Array(L);
  const plus = new Float64Array(L), minus = new Float64Array(L);
  // J u for the direction in `dir` (also writes v into `out` when asked)
  const jacobianTimes = (x: Float64Array, t: number, out: Float64Array | undefined): number => {
    if (field.jvp) {
      field.jvp(x, n, t, dir, out ?? scratch, jv, labels);
      return 1;
    }
    for (let i = 0; i < L; i++) plus[i] = x[i]! + fdStep * dir[i]!;
    field.evaluate(plus, n, t, scratch, labels);
    for (let i = 0; i < L; i++) minus[i] = x[i]! - fdStep * dir[i]!;
    field.evaluate(minus, n, t, jv, labels);
    const inv = 1 / (2 * fdStep);
    for (let i = 0; i < L; i++) jv[i] = (scratch[i]! - jv[i]!) * inv;
    if (out) field.evaluate(x, n, t, out, labels);
    return out ? 3 : 2;
  };
  const divergence = (x: Float64Array, t: number, out: Float64Array, div: Float64Array): number => {
    let calls = 0;
    if (method === "exact") {
      div.fill(0, 0, n);
      for (let j = 0; j < dim; j++) {
        dir.fill(0);
        for (let i = 0; i < n; i++) dir[i * dim + j] = 1;
        calls += jacobianTimes(x, t, j === 0 ? out : undefined);
        for (let i = 0; i < n; i++) div[i] = div[i]! + jv[i * dim + j]!;
      }
      return calls;
    }
    const probes = options.probes!;
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < n; i++) {
        const src = (i * K + k) * dim;
        for (let j = 0; j < dim; j++) dir[i * dim + j] = probes[src + j]!;
      }
      calls += jacobianTimes(x, t, k === 0 ? out : undefined);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += dir[i * dim + j]! * jv[i * dim + j]!;
        div[i * K + k] = s;
      }
    }
    return calls;
  };
  return Object.assign(divergence, { mode, perPoint: K });
}
