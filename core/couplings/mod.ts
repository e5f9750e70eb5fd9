/**
 * Couplings: samplers of minibatches of pairs (x0, x1) — independent,
 * paired, minibatch OT (exact, Sinkhorn), Schrödinger bridge, labelled
 * (MATH.md §5).
 *
 * @module
 */
export type { Coupling, PairBatch } from "./types.ts";
