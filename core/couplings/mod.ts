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
