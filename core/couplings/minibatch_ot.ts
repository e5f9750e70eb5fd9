/**
 * Minibatch OT and Schrödinger-bridge couplings (MATH.md §5) on the project's
 * solvers: `exactOtPermutation` (assignment.ts) and `sinkhornPlan` +
 * `samplePlan` (sinkhorn.ts). The pairing logic is in `_minibatch_ot.ts`.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import {
  makeOtCoupling,
  makeSbCoupling,
  type OtCouplingOptions,
  type OtSolvers,
  type SbCouplingOptions,
} from "./_minibatch_ot.ts";
import { exactOtPermutation } from "./assignment.ts";
import type { PointSampler } from "./point_sampler.ts";
import { samplePlan, sinkhornPlan } from "./sinkhorn.ts";
import type { Coupling } from "./types.ts";

const SOLVERS: OtSolvers = {
  exactOtPermutation,
  sinkhornPlan: (
    cost: Float64Array,
    options: { n: number; m: number; reg: number; maxIter?: number; tol?: number },
  ) => sinkhornPlan(cost, options),
  samplePlan: (
    plan: Float64Array,
    options: { n: number; m: number; k: number; rng: Rng; replace?: boolean },
  ) => samplePlan(plan, options),
};

/**
 * Minibatch OT coupling (Tong et al. 2024, OT-CFM): each minibatch draws
 * `batch` source and `batch` target points and pairs them by
 * `min_π Σ π_ij ‖x0_i − x1_j‖²` — the optimal permutation (`exact`), or
 * `batch` cells drawn from the entropic plan (`sinkhorn`, regularisation
 * `reg`, with or without replacement); optionally within each class.
 *
 * @example
 * ```ts
 * const pairs = otCoupling(gaussian({ dim: 2 }), train, { method: "exact" }).sample(256, rng);
 * ```
 */
export function otCoupling(source: PointSampler, target: PointSampler, options: OtCouplingOptions): Coupling {
  return makeOtCoupling(SOLVERS, source, target, options);
}

/**
 * Schrödinger-bridge coupling (torchcfm SB-CFM): pairs drawn with replacement
 * from the entropic plan with `reg = 2σ²`; train it on `path.sb` with the
 * same σ.
 */
export function sbCoupling(source: PointSampler, target: PointSampler, options: SbCouplingOptions): Coupling {
  return makeSbCoupling(SOLVERS, source, target, options);
}
