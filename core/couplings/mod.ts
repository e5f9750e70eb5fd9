/**
 * Couplings: samplers of minibatches of pairs (x0, x1) — independent,
 * paired, minibatch OT (exact, Sinkhorn), Schrödinger bridge, labelled
 * (MATH.md §5).
 *
 * @module
 */
export type { Coupling, PairBatch } from "./types.ts";
export {
  drawPoints,
  isPoints,
  type PointSampler,
  type PointSource,
  samplerClasses,
  samplerDim,
} from "./point_sampler.ts";
export { independentCoupling, pairBatch, pairedCoupling, type PointPairs } from "./basic.ts";
export { CORRUPT_METHODS, type CorruptMethod, type CorruptOptions, corruptPoints } from "../data/corrupt.ts";
export {
  type AssignmentResult,
  type ExactOtOptions,
  exactOtPermutation,
  solveAssignment,
  w2Exact,
} from "./assignment.ts";
export { exactTransportCost, MAX_REPLICATED_SIZE } from "./emd.ts";
export {
  samplePlan,
  type SamplePlanOptions,
  type SinkhornOptions,
  sinkhornPlan,
  type SinkhornResult,
} from "./sinkhorn.ts";
export { otCoupling, sbCoupling } from "./minibatch_ot.ts";
export {
  DEFAULT_SINKHORN_MAX_ITER,
  DEFAULT_SINKHORN_REG,
  DEFAULT_SINKHORN_TOL,
  type OtCouplingOptions,
  type SbCouplingOptions,
  squaredDistances,
  type SquaredDistancesOptions,
} from "./_minibatch_ot.ts";
