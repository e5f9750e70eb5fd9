/**
 * Entropic optimal transport (MATH.md §5, Sinkhorn) and sampling pairs from
 * a plan.
 *
 * `sinkhornPlan` solves `min_π ⟨π, C⟩ − ε H(π)` over couplings with
 * marginals a, b. Its solution is `π_ij = exp((f_i + g_j − C_ij) / ε)` for
 * dual potentials f, g fixed by the marginal constraints (Sinkhorn's
 * iteration in the log domain):
 *
 *     f_i = ε log a_i − ε log Σ_j exp((g_j − C_ij) / ε)
 *     g_j = ε log b_j − ε log Σ_i exp((f_i − C_ij) / ε)
 *
 * Computed stably at small ε: the potentials are kept in the log domain and
 * the iteration runs as cheap scalings `u ← a / (K̃ v)`, `v ← b / (K̃ᵀ u)` on
 * the absorbed kernel `K̃_ij = exp((f_i + g_j − C_ij) / ε)`; whenever u or v
 * leaves [1e-30, 1e30] they are absorbed into f, g (`f += ε log u`) and K̃
 * is recomputed, so no exponent ever overflows or underflows where it
 * matters. ε is annealed from the scale of C down to the requested value
 * (ε-scaling, each stage warm-started from the last), which cuts the number
 * of iterations at small ε by orders of magnitude, and the scalings are
 * over-relaxed with an adaptively chosen factor. The fixed point is the same
 * as plain Sinkhorn's. The two matrix–vector products of each iteration run
 * in the WebAssembly kernel (SIMD).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { sinkhornBuffers } from "./_assignment_wasm.ts";

/** Options of {@linkcode sinkhornPlan}. */
export interface SinkhornOptions {
  /** Rows of the cost (source points). */
  n: number;
  /** Columns of the cost (target points). */
  m: number;
  /** Entropic regularisation ε > 0, in the units of the cost. */
  reg: number;
  /** Source marginal (n positive weights summing to 1); uniform 1/n by default. */
  a?: Float64Array;
  /** Target marginal (m positive weights summing to 1); uniform 1/m by default. */
  b?: Float64Array;
  /** Most scaling iterations over all stages; default 1000 (as POT). Check `converged`: at small reg relative to the costs, the last digits of the marginals can take many more. */
  maxIter?: number;
  /** Stop when `Σ_i |Σ_j π_ij − a_i| < tol` (columns are exact after each step); default 1e-9. */
  tol?: number;
}

/** An entropic transport plan. */
export interface SinkhornResult {
  /** π, n × m row-major, with marginals a (rows) and b (columns) up to `tol`. */
  plan: Float64Array;
  /** Scaling iterations used, all stages together. */
  iterations: number;
  /** Whether the row-marginal error fell below `tol`. */
  converged: boolean;
  /** `⟨π, C⟩ = Σ_ij π_ij C_ij`. */
  transportCost: number;
}

const ABSORB = 1e30;
const STAGE_FACTOR = 4;

function checkMarginal(name: string, w: Float64Array | undefined, len: number): Float64Array {
  if (w === undefined) return new Float64Array(len).fill(1 / len);
  if (w.length !== len) {
    throw new RangeError(`Cannot run Sinkhorn: marginal ${name} has ${w.length} entries, expected ${len}`);
  }
  let s = 0;
  for (let i = 0; i < len; i++) {
    if (!(w[i]! > 0) || !Number.isFinite(w[i]!)) {
      throw new RangeError(`Cannot run Sinkhorn: ${name}[${i}] is "${w[i]}": weights must be positive and finite`);
    }
    s += w[i]!;
  }
  if (Math.abs(s - 1) > 1e-9) {
    throw new RangeError(`Cannot run Sinkhorn: marginal ${name} sums to "${s}": expected 1`);
  }
  return w;
}

/**
 * The entropic OT plan `argmin_π ⟨π, C⟩ − ε H(π)` with marginals a, b
 * (uniform by default), computed by log-domain-stabilised, ε-annealed
 * Sinkhorn iterations (see the module notes). Stable for ε far below the
 * cost scale (e.g. ε = 1e-3 on unit costs).
 *
 * @example
 * ```ts
 * const C = new Float64Array([0, 1, 1, 0]);
 * const { plan } = sinkhornPlan(C, { n: 2, m: 2, reg: 0.1 });
 * // plan ≈ [[0.5, 0], [0, 0.5]] up to exp(−1/0.1)-sized off-diagonal mass
 * ```
 */
export function sinkhornPlan(cost: Float64Array, options: SinkhornOptions): SinkhornResult {
  const { n, m, reg } = options;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(m) || m < 1) {
    throw new RangeError(`Cannot run Sinkhorn on a ${n} × ${m} cost: sizes must be positive integers`);
  }
  if (cost.length !== n * m) {
    throw new RangeError(`Cannot run Sinkhorn: the cost has ${cost.length} entries, expected ${n} × ${m} = ${n * m}`);
  }
  if (!(reg > 0) || !Number.isFinite(reg)) {
    throw new RangeError(`Cannot run Sinkhorn with reg "${reg}": it must be a positive number`);
  }
  const a = checkMarginal("a", options.a, n);
  const b = checkMarginal("b", options.b, m);
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-9;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < cost.length; k++) {
    const c = cost[k]!;
    if (!Number.isFinite(c)) {
      throw new RangeError(`Cannot run Sinkhorn: cost entry ${k} is "${c}": every cost must be finite`);
    }
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }

  const f = new Float64Array(n);
  const g = new Float64Array(m);
  // K̃, u, v and the products live in the WebAssembly kernel's memory (SIMD products)
  const buffers = sinkhornBuffers(n, m);
  const { u, v, kv, ktu } = buffers;
  const kt = buffers.kernel;

  // Potentials start at the c-transforms of zero, so every row and column has an entry exp(0) = 1.
  for (let j = 0; j < m; j++) {
    let mn = Infinity;
    for (let i = 0; i < n; i++) mn = Math.min(mn, cost[i * m + j]!);
    g[j] = mn;
  }
  for (let i = 0; i < n; i++) {
    let mn = Infinity;
    for (let j = 0; j < m; j++) mn = Math.min(mn, cost[i * m + j]! - g[j]!);
    f[i] = mn;
  }

  const absorb = (eps: number) => {
    for (let i = 0; i < n; i++) f[i] = f[i]! + eps * Math.log(u[i]!);
    for (let j = 0; j < m; j++) g[j] = g[j]! + eps * Math.log(v[j]!);
  };
  const kernel = (eps: number) => {
    const inv = 1 / eps;
    for (let i = 0; i < n; i++) {
      const fi = f[i]!;
      const row = i * m;
      for (let j = 0; j < m; j++) kt[row + j] = Math.exp((fi + g[j]! - cost[row + j]!) * inv);
    }
    u.fill(1);
    v.fill(1);
  };

  // Stages ε_0 > ε_1 > … > ε_final = reg, each STAGE_FACTOR smaller.
  const stages: number[] = [];
  for (let e = reg;; e *= STAGE_FACTOR) {
    stages.unshift(e);
    if (e >= (hi - lo) / 4) break;
  }

  let iterations = 0;
  let err = Infinity;
  for (let s = 0; s < stages.length; s++) {
    const eps = stages[s]!;
    const last = s === stages.length - 1;
    const stageTol = last ? tol : Math.max(tol, 1e-3);
    kernel(eps);
    // Over-relaxation (Thibault et al. 2017): u ← u^(1−ω) (a / K̃v)^ω, likewise v. Cycles of a
    // window of plain steps, which measures the plain rate η, then ω = 2 / (1 + √(1 − η)) (the
    // optimum for the linearised iteration) for ten windows; a cycle whose error did not fall
    // halves ω − 1 for the next. The last step before stopping is a plain one, so the columns
    // are exact when the loop ends.
    const window = 30;
    let omega = 1;
    let damp = 1;
    let lastPlain = true;
    let windowErr = NaN;
    let windowStart = iterations;
    let cycleErr = NaN;
    let inWindow = 0; // 0: measuring (plain), 1..10: over-relaxed windows
    for (;;) {
      // kv = K̃ v; err = row-marginal error of the current plan (columns exact after a plain v step)
      buffers.rowProducts();
      err = 0;
      for (let i = 0; i < n; i++) err += Math.abs(u[i]! * kv[i]! - a[i]!);
      if (iterations > 0 && lastPlain && (err < stageTol || iterations >= maxIter)) break;
      if (!(windowErr > 0)) {
        windowErr = err;
        windowStart = iterations;
        cycleErr = err;
      } else if (iterations - windowStart >= window) {
        if (inWindow === 0) {
          const eta = Math.pow(err / windowErr, 1 / (iterations - windowStart));
          omega = eta < 1 ? Math.min(1.95, 1 + damp * (2 / (1 + Math.sqrt(1 - eta)) - 1)) : 1;
          inWindow = 1;
        } else if (++inWindow > 10) {
          if (!(err < cycleErr)) damp /= 2;
          cycleErr = err;
          omega = 1;
          inWindow = 0;
        }
        windowErr = err;
        windowStart = iterations;
      }
      const step = err < stageTol || iterations >= maxIter ? 1 : omega;
      iterations++;
      let big = false;
      for (let i = 0; i < n; i++) {
        const x = a[i]! / kv[i]!;
        const y = step === 1 ? x : Math.pow(u[i]!, 1 - step) * Math.pow(x, step);
        u[i] = y;
        if (!(y < ABSORB && y > 1 / ABSORB)) big = true;
      }
      buffers.columnProducts();
      for (let j = 0; j < m; j++) {
        const x = b[j]! / ktu[j]!;
        const y = step === 1 ? x : Math.pow(v[j]!, 1 - step) * Math.pow(x, step);
        v[j] = y;
        if (!(y < ABSORB && y > 1 / ABSORB)) big = true;
      }
      lastPlain = step === 1;
      if (big) {
        absorb(eps);
        kernel(eps);
      }
    }
    absorb(eps);
    if (iterations >= maxIter && !last) {
      // out of iterations before the last stage: finish at the requested ε
      s = stages.length - 2;
    }
  }

  const eps = reg;
  const plan = new Float64Array(n * m);
  let transportCost = 0;
  const inv = 1 / eps;
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) {
      const p = Math.exp((f[i]! + g[j]! - cost[row + j]!) * inv);
      plan[row + j] = p;
      transportCost += p * cost[row + j]!;
    }
  }
  return { plan, iterations, converged: err < tol, transportCost };
}

/** Options of {@linkcode samplePlan}. */
export interface SamplePlanOptions {
  /** Rows of the plan. */
  n: number;
  /** Columns of the plan. */
  m: number;
  /** Number of pairs to draw. */
  k: number;
  /** The stream to draw from. */
  rng: Rng;
  /** Draw with replacement (default true, as torchcfm); without, pairs are distinct. */
  replace?: boolean;
}

/**
 * k cells (i, j) drawn from a plan taken as a distribution over cells,
 * `P(i, j) = π_ij / Σ π`. With replacement the draws are i.i.d.; without,
 * they are successive draws each from the plan restricted to the cells not
 * yet drawn and renormalised (NumPy's `choice(replace=False, p=…)`), so the
 * pairs are distinct. Each draw descends a Fenwick tree of the weights
 * (O(log nm)), one uniform per draw.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * const { rows, cols } = samplePlan(new Float64Array([0.5, 0, 0, 0.5]), { n: 2, m: 2, k: 4, rng: createRng(0) });
 * // every pair is (0, 0) or (1, 1)
 * ```
 */
export function samplePlan(plan: Float64Array, options: SamplePlanOptions): { rows: Int32Array; cols: Int32Array } {
  const { n, m, k, rng } = options;
  const replace = options.replace ?? true;
  const size = n * m;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(m) || m < 1 || plan.length !== size) {
    throw new RangeError(`Cannot sample a plan of ${plan.length} entries as ${n} × ${m}: the shapes disagree`);
  }
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(`Cannot sample "${k}" pairs: expected a non-negative integer`);
  }
  // Fenwick tree over the weights (1-based)
  const tree = new Float64Array(size + 1);
  let positive = 0;
  for (let c = 0; c < size; c++) {
    const w = plan[c]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(`Cannot sample a plan: entry ${c} is "${w}": weights must be non-negative and finite`);
    }
    if (w > 0) positive++;
    tree[c + 1] = w;
  }
  if (positive === 0) throw new RangeError(`Cannot sample a plan whose entries are all zero`);
  if (!replace && k > positive) {
    throw new RangeError(`Cannot draw ${k} distinct pairs from a plan with ${positive} positive entries`);
  }
  for (let x = 1; x <= size; x++) {
    const parent = x + (x & -x);
    if (parent <= size) tree[parent] = tree[parent]! + tree[x]!;
  }
  let top = 1;
  while (top * 2 <= size) top *= 2;
  const weight = Float64Array.from(plan);
  const rows = new Int32Array(k);
  const cols = new Int32Array(k);
  for (let d = 0; d < k; d++) {
    // total = sum of all weights (prefix sum up to size)
    let total = 0;
    for (let x = size; x > 0; x -= x & -x) total += tree[x]!;
    let target = rng.uniform() * total;
    // descend: largest position whose prefix sum ≤ target
    let pos = 0;
    for (let step = top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= size && tree[next]! <= target) {
        pos = next;
        target -= tree[next]!;
      }
    }
    let cell = pos; // 0-based index of the drawn cell
    if (cell >= size || !(weight[cell]! > 0)) {
      // rounding pushed past the last positive cell: take the nearest positive one before it
      cell = Math.min(cell, size - 1);
      while (cell > 0 && !(weight[cell]! > 0)) cell--;
      while (!(weight[cell]! > 0)) cell++;
    }
    rows[d] = Math.floor(cell / m);
    cols[d] = cell - rows[d]! * m;
    if (!replace) {
      const w = weight[cell]!;
      weight[cell] = 0;
      for (let x = cell + 1; x <= size; x += x & -x) tree[x] = tree[x]! - w;
    }
  }
  return { rows, cols };
}
