/**
 * Path energy, normalised path energy and straightness of sampled
 * trajectories (MATH.md §10; Tong et al. 2024).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import type { Trajectory } from "../samplers/mod.ts";
import { w2 } from "./w2.ts";

/** Options of {@linkcode pathEnergy}. */
export interface PathEnergyOptions {
  /** Points of p0 for W2²(p0, p1). */
  source: Points;
  /** Points of p1 for W2²(p0, p1). */
  target: Points;
  /** Largest set size for the exact W2 (default that of {@linkcode w2}). */
  maxPoints?: number;
}

/** The result of {@linkcode pathEnergy}. */
export interface PathEnergyResult {
  /** PE = E Σ_k ‖x_{k+1} − x_k‖² / |Δt_k|: the energy of the piecewise-linear paths. */
  pe: number;
  /** |PE − W2²(p0, p1)| / W2²(p0, p1). */
  npe: number;
  /** E Σ_k |Δt_k| ‖u_k − (x_T − x_0)/(t_T − t_0)‖², u_k = (x_{k+1} − x_k)/Δt_k. */
  straightness: number;
  /** W2²(source, target), the minimum of PE over all flows between the two laws. */
  w2Squared: number;
}

/**
 * `PE = E ∫ ‖v(x_t)‖² dt` along the trajectories, measured on the saved
 * states: each path is taken as the piecewise-linear curve through its
 * states, whose velocity on step k is `u_k = (x_{k+1} − x_k)/Δt_k`, so
 *
 *     PE = (1/n) Σ_i Σ_k |Δt_k| ‖u_ik‖² = (1/n) Σ_i Σ_k ‖x_{i,k+1} − x_{i,k}‖² / |Δt_k|.
 *
 * For an Euler solve saved at every step this is exactly the Riemann sum
 * Σ_k h ‖v(x_k, t_k)‖² the solver used; for other solvers it is the energy of
 * the chords, a lower bound of ∫‖v‖² of the smooth path through the same
 * states (Cauchy–Schwarz), converging to it as the steps shrink. Save every
 * step (`saveAt: "steps"`) for a faithful value.
 *
 * `NPE = |PE − W2²(p0, p1)| / W2²(p0, p1)` with W2² from the exact assignment
 * between `source` and `target` ({@linkcode w2}); PE ≥ W2² for any flow that
 * transports p0 onto p1 (Benamou–Brenier), with equality for the OT map's
 * straight constant-speed paths — so condot with exact OT couplings drives
 * NPE → 0. Straightness uses the same chords: 0 exactly when every path is a
 * straight line run at constant speed; it equals PE − E‖x_T − x_0‖²/|t_T − t_0|.
 */
export function pathEnergy(trajectory: Trajectory, options: PathEnergyOptions): PathEnergyResult {
  const { times, states, n, dim } = trajectory;
  const T = times.length;
  if (T < 2) {
    throw new RangeError(`Cannot measure path energy on "${T}" saved time(s): save at least two (saveAt: "steps")`);
  }
  if (states.length !== T * n * dim) {
    throw new RangeError(`Cannot measure path energy: ${states.length} states for T × n × dim = ${T} × ${n} × ${dim}`);
  }
  if (n < 1) throw new RangeError(`Cannot measure path energy of an empty trajectory`);
  const span = times[T - 1]! - times[0]!;
  if (!(Math.abs(span) > 0)) throw new RangeError(`Cannot measure path energy: the saved times span no time`);
  const stride = n * dim;
  let pe = 0, straight = 0;
  for (let k = 0; k + 1 < T; k++) {
    const dt = times[k + 1]! - times[k]!;
    if (dt === 0) continue; // a repeated save time contributes no path
    const a = k * stride, b = (k + 1) * stride, last = (T - 1) * stride;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) {
        const q = i * dim + j;
        const u = (states[b + q]! - states[a + q]!) / dt;
        const d = (states[last + q]! - states[q]!) / span;
        pe += Math.abs(dt) * u * u;
        straight += Math.abs(dt) * (u - d) * (u - d);
      }
    }
  }
  pe /= n;
  straight /= n;
  const w = w2(options.source, options.target, options.maxPoints !== undefined ? { maxPoints: options.maxPoints } : {});
  const w2Squared = w * w;
  // identical laws: NPE is 0 for paths that do not move and infinite otherwise
  const npe = w2Squared > 0 ? Math.abs(pe - w2Squared) / w2Squared : pe === 0 ? 0 : Infinity;
  return { pe, npe, straightness: straight, w2Squared };
}
