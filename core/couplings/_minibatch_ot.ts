/**
 * Minibatch optimal-transport couplings (MATH.md §5; Tong et al. 2024,
 * OT-CFM), written against the solver signatures of `assignment.ts` and
 * `sinkhorn.ts` (passed in, so that this logic is testable on its own).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import type { Rng } from "../random/mod.ts";
import { checkBatchSize, checkSameDim } from "./basic.ts";
import { drawPoints, isPoints, type PointSampler, samplerClasses } from "./point_sampler.ts";
import type { Coupling, PairBatch } from "./types.ts";

/** The OT solvers a minibatch OT coupling calls. */
export interface OtSolvers {
  /** Optimal assignment for the squared Euclidean cost: pairs x0_i with x1_{π(i)}. */
  exactOtPermutation(x0: Float64Array, x1: Float64Array, options: { n: number; dim: number }): Int32Array;
  /** Entropic plan (n × m, row-major) for a cost matrix with uniform marginals. */
  sinkhornPlan(
    cost: Float64Array,
    options: { n: number; m: number; reg: number; maxIter?: number; tol?: number },
  ): { plan: Float64Array };
  /** k cells (row, column) drawn from a plan. */
  samplePlan(
    plan: Float64Array,
    options: { n: number; m: number; k: number; rng: Rng; replace?: boolean },
  ): { rows: Int32Array; cols: Int32Array };
}

/** Options of `otCoupling`. */
export interface OtCouplingOptions {
  /** `exact`: the optimal assignment (a permutation); `sinkhorn`: pairs drawn from the entropic plan. */
  method: "exact" | "sinkhorn";
  /**
   * Sinkhorn regularisation ε of `min ⟨π, C⟩ − ε H(π)` on the raw squared
   * Euclidean cost (not normalised), default 0.05 (torchcfm's default).
   */
  reg?: number;
  /** Sinkhorn: draw pairs from the plan with replacement (default true, as torchcfm). */
  replace?: boolean;
  /**
   * Sinkhorn: most scaling iterations per minibatch (default 1000, POT's
   * `numItermax`, which torchcfm inherits). An unconverged plan is still used,
   * as in torchcfm: its pairs are drawn from it all the same.
   */
  maxIter?: number;
  /**
   * Sinkhorn: stop when the row marginals are within this L1 error (default
   * 1e-6: far below the 1/√batch noise of the pairs drawn from the plan).
   */
  tol?: number;
  /**
   * Solve OT within each class of the target's labels (labelled couplings).
   * The target minibatch is drawn first; the source is then drawn per class
   * from a labelled finite source set, or drawn once and split into the class
   * sizes when the source is unlabelled. Pairs come grouped by class.
   */
  byClass?: boolean;
}

/** The default Sinkhorn regularisation (torchcfm's `OTPlanSampler` default). */
export const DEFAULT_SINKHORN_REG = 0.05;

/** Default cap on Sinkhorn iterations per minibatch (POT's `numItermax`). */
export const DEFAULT_SINKHORN_MAX_ITER = 1000;

/** Default Sinkhorn tolerance on the row marginals (L1). */
export const DEFAULT_SINKHORN_TOL = 1e-6;

/** Sizes of {@linkcode squaredDistances}. */
export interface SquaredDistancesOptions {
  /** Points in `a`. */
  n: number;
  /** Points in `b`. */
  m: number;
  /** Dimension. */
  dim: number;
}

/** `C_ij = ‖a_i − b_j‖²` for n points a and m points b, row-major (n × m). */
export function squaredDistances(a: Float64Array, b: Float64Array, options: SquaredDistancesOptions): Float64Array {
  const { n, m, dim } = options;
  const cost = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const e = a[i * dim + d]! - b[j * dim + d]!;
        s += e * e;
      }
      cost[i * m + j] = s;
    }
  }
  return cost;
}

/** Index pairs (i0[k], i1[k]) chosen by OT between x0 (n points) and x1 (m points). */
function solvePairs(
  solvers: OtSolvers,
  x0: Float64Array,
  x1: Float64Array,
  n: number,
  dim: number,
  options: Required<Pick<OtCouplingOptions, "method" | "reg" | "replace" | "maxIter" | "tol">>,
  rng: Rng,
): { i0: Int32Array; i1: Int32Array } {
  if (options.method === "exact") {
    const perm = solvers.exactOtPermutation(x0, x1, { n, dim });
    return { i0: Int32Array.from({ length: n }, (_, i) => i), i1: perm };
  }
  const cost = squaredDistances(x0, x1, { n, m: n, dim });
  const { reg, maxIter, tol } = options;
  const { plan } = solvers.sinkhornPlan(cost, { n, m: n, reg, maxIter, tol });
  const { rows, cols } = solvers.samplePlan(plan, { n, m: n, k: n, rng, replace: options.replace });
  return { i0: rows, i1: cols };
}

function gather(src: Float64Array, idx: Int32Array, dim: number, dst: Float64Array, offset: number): void {
  for (let k = 0; k < idx.length; k++) {
    const s = idx[k]! * dim;
    const d = (offset + k) * dim;
    for (let j = 0; j < dim; j++) dst[d + j] = src[s + j]!;
  }
}

/** A minibatch OT coupling over given solvers (see `otCoupling` in `minibatch_ot.ts`). */
export function makeOtCoupling(
  solvers: OtSolvers,
  source: PointSampler,
  target: PointSampler,
  options: OtCouplingOptions,
): Coupling {
  const what = `ot ${options.method}`;
  const dim = checkSameDim(what, source, target);
  if (options.method !== "exact" && options.method !== "sinkhorn") {
    throw new RangeError(`Cannot build coupling "ot": method "${options.method}": expected "exact" or "sinkhorn"`);
  }
  const reg = options.reg ?? DEFAULT_SINKHORN_REG;
  if (!(reg > 0 && Number.isFinite(reg))) {
    throw new RangeError(`Cannot build coupling "ot": reg "${reg}" must be a positive number`);
  }
  const maxIter = options.maxIter ?? DEFAULT_SINKHORN_MAX_ITER;
  const tol = options.tol ?? DEFAULT_SINKHORN_TOL;
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) {
    throw new RangeError(`Cannot build coupling "ot": maxIter "${maxIter}" must be a positive integer`);
  }
  if (!(tol > 0)) throw new RangeError(`Cannot build coupling "ot": tol "${tol}" must be positive`);
  const solve = { method: options.method, reg, replace: options.replace ?? true, maxIter, tol };
  const classes = samplerClasses(target);
  if (options.byClass && classes === 0) {
    throw new RangeError(`Cannot build coupling "ot" by class: the target has no labels; set byClass to false`);
  }
  // A labelled finite source: its points of each class, for per-class draws.
  let sourceByClass: Int32Array[] | undefined;
  if (options.byClass && samplerClasses(source) > 0) {
    if (!isPoints(source)) {
      throw new RangeError(
        `Cannot build coupling "ot" by class from a labelled generator source: give a finite labelled set or an unlabelled source`,
      );
    }
    sourceByClass = Array.from({ length: classes }, (_, c) => {
      const idx: number[] = [];
      source.labels!.forEach((l, k) => {
        if (l === c) idx.push(k);
      });
      return Int32Array.from(idx);
    });
  }
  const plain = (batch: number, rng: Rng): PairBatch => {
    const x0 = drawPoints(source, batch, rng);
    const x1 = drawPoints(target, batch, rng);
    const { i0, i1 } = solvePairs(solvers, x0.data, x1.data, batch, dim, solve, rng);
    const a = new Float64Array(batch * dim);
    const b = new Float64Array(batch * dim);
    gather(x0.data, i0, dim, a, 0);
    gather(x1.data, i1, dim, b, 0);
    const out: PairBatch = { n: batch, dim, x0: a, x1: b };
    return x1.labels ? { ...out, labels: Int32Array.from(i1, (j) => x1.labels![j]!) } : out;
  };
  const byClass = (batch: number, rng: Rng): PairBatch => {
    const x1 = drawPoints(target, batch, rng);
    const labels = x1.labels!;
    const count = new Int32Array(classes);
    for (const l of labels) count[l]!++;
    const x1ByClass = Array.from({ length: classes }, () => [] as number[]);
    labels.forEach((l, k) => x1ByClass[l]!.push(k));
    // Unlabelled source: one draw, split in order into the class sizes (an i.i.d. sample split at random).
    const shared: Points | undefined = sourceByClass ? undefined : drawPoints(source, batch, rng);
    const a = new Float64Array(batch * dim);
    const b = new Float64Array(batch * dim);
    const outLabels = new Int32Array(batch);
    let offset = 0;
    for (let c = 0; c < classes; c++) {
      const nc = count[c]!;
      if (nc === 0) continue;
      const x1c = new Float64Array(nc * dim);
      gather(x1.data, Int32Array.from(x1ByClass[c]!), dim, x1c, 0);
      const x0c = new Float64Array(nc * dim);
      if (sourceByClass) {
        const pool = sourceByClass[c]!;
        if (pool.length === 0) {
          throw new RangeError(`Cannot pair class "${c}" by OT: the source has no point of that class`);
        }
        const pick = rng.sampleIndices(pool.length, nc, { replace: true });
        gather((source as Points).data, Int32Array.from(pick, (k) => pool[k]!), dim, x0c, 0);
      } else {
        x0c.set(shared!.data.subarray(offset * dim, (offset + nc) * dim));
      }
      const { i0, i1 } = solvePairs(solvers, x0c, x1c, nc, dim, solve, rng);
      gather(x0c, i0, dim, a, offset);
      gather(x1c, i1, dim, b, offset);
      outLabels.fill(c, offset, offset + nc);
      offset += nc;
    }
    return { n: batch, dim, x0: a, x1: b, labels: outLabels };
  };
  return {
    dim,
    ...(classes > 0 ? { classes } : {}),
    sample(batch, rng) {
      checkBatchSize(what, batch);
      return options.byClass ? byClass(batch, rng) : plain(batch, rng);
    },
  };
}

/** Options of `sbCoupling`. */
export interface SbCouplingOptions {
  /** The Schrödinger bridge's noise level s (the SB path's σ). */
  sigma: number;
  /** Sinkhorn iteration cap (see {@linkcode OtCouplingOptions}). */
  maxIter?: number;
  /** Sinkhorn tolerance (see {@linkcode OtCouplingOptions}). */
  tol?: number;
}

/**
 * The Schrödinger-bridge coupling (MATH.md §5, torchcfm SB-CFM): pairs drawn
 * with replacement from the entropic OT plan with `reg = 2 s²`; use it with
 * the SB path of the same s.
 */
export function makeSbCoupling(
  solvers: OtSolvers,
  source: PointSampler,
  target: PointSampler,
  options: SbCouplingOptions,
): Coupling {
  const s = options.sigma;
  if (!(s > 0 && Number.isFinite(s))) {
    throw new RangeError(`Cannot build coupling "sb": sigma "${s}" must be a positive number`);
  }
  return makeOtCoupling(solvers, source, target, {
    method: "sinkhorn",
    reg: 2 * s * s,
    replace: true,
    ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
    ...(options.tol !== undefined ? { tol: options.tol } : {}),
  });
}
