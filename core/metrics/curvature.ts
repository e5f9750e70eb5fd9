/**
 * Curvature of sampled trajectories: how much longer and how much more
 * turning the paths are than straight lines (seed `001_*` §5.2, "trajectory
 * straightness"; complements the path energy of `path_energy.ts`).
 *
 * @module
 */
import type { Trajectory } from "../samplers/mod.ts";

/** The result of {@linkcode trajectoryCurvature}. */
export interface CurvatureResult {
  /** Σ_i L_i / Σ_i ‖x_T − x_0‖ − 1 over paths, with L_i the polyline length: 0 for straight paths. */
  excessLength: number;
  /** Mean over paths of the total turning angle Σ_k ∠(Δ_k, Δ_{k+1}) in radians: 0 for straight paths. */
  turning: number;
  /** Paths left out because they barely move (chord below 1e-9 of the mean chord). */
  skipped: number;
}

/**
 * For each path through saved states x_0 … x_T with steps Δ_k = x_{k+1} − x_k:
 *
 * - excess length `Σ_i L_i / Σ_i ‖x_T − x_0‖ − 1` with `L_i = Σ_k ‖Δ_k‖` (≥ 0 by the triangle
 *   inequality; 0 iff every path's states are in order on a segment) — a ratio of totals, so paths whose
 *   ends almost meet (a tiny chord) cannot dominate it;
 * - turning `Σ_k ∠(Δ_k, Δ_{k+1})`, each angle computed as `2 atan2(‖u − w‖, ‖u + w‖)` for the unit
 *   vectors u, w of the two steps (stable near 0 and π; steps of zero length are skipped);
 *
 * the turning averaged over paths. Both are measured on the saved polyline, so they
 * depend on the solver grid; compare trajectories saved at every step of
 * similar grids. Stochastic samplers' paths are rough (the noise adds length
 * and turning at every step): score ODE paths.
 */
export function trajectoryCurvature(trajectory: Trajectory): CurvatureResult {
  const { times, states, n, dim } = trajectory;
  const T = times.length;
  if (T < 2) throw new RangeError(`Cannot measure curvature on "${T}" saved time(s): save at least two`);
  if (states.length !== T * n * dim) {
    throw new RangeError(`Cannot measure curvature: ${states.length} states for T × n × dim = ${T} × ${n} × ${dim}`);
  }
  if (n < 1) throw new RangeError("Cannot measure the curvature of an empty trajectory");
  const stride = n * dim;
  const chord = new Float64Array(n);
  let meanChord = 0;
  for (let i = 0; i < n; i++) {
    let c2 = 0;
    for (let j = 0; j < dim; j++) c2 += (states[(T - 1) * stride + i * dim + j]! - states[i * dim + j]!) ** 2;
    chord[i] = Math.sqrt(c2);
    meanChord += chord[i]! / n;
  }
  let length = 0, chords = 0, turning = 0, used = 0;
  const prev = new Float64Array(dim), cur = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    if (!(chord[i]! > 1e-9 * meanChord)) continue;
    used++;
    let path = 0, angle = 0, havePrev = false;
    for (let k = 0; k + 1 < T; k++) {
      let len2 = 0;
      for (let j = 0; j < dim; j++) {
        cur[j] = states[(k + 1) * stride + i * dim + j]! - states[k * stride + i * dim + j]!;
        len2 += cur[j]! * cur[j]!;
      }
      if (len2 === 0) continue;
      const len = Math.sqrt(len2);
      path += len;
      if (havePrev) {
        // the angle between unit vectors u, w as 2 atan2(‖u − w‖, ‖u + w‖): accurate near 0 and π (Kahan)
        let p2 = 0;
        for (let j = 0; j < dim; j++) p2 += prev[j]! * prev[j]!;
        const pl = Math.sqrt(p2);
        let minus = 0, plus = 0;
        for (let j = 0; j < dim; j++) {
          const u = prev[j]! / pl, w = cur[j]! / len;
          minus += (u - w) ** 2;
          plus += (u + w) ** 2;
        }
        angle += 2 * Math.atan2(Math.sqrt(minus), Math.sqrt(plus));
      }
      prev.set(cur);
      havePrev = true;
    }
    length += path;
    chords += chord[i]!;
    turning += angle;
  }
  return {
    excessLength: used ? length / chords - 1 : 0,
    turning: used ? turning / used : 0,
    skipped: n - used,
  };
}
