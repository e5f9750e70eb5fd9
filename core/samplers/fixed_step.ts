/**
 * Fixed-step explicit Runge–Kutta methods on a time grid: Euler (order 1),
 * explicit midpoint (2), Heun (2) and classical RK4 (4).
 *
 * @module
 */
import type { Interpolant, TrajectoryRecorder } from "./_recorder.ts";
import type { Dynamics, FixedStepMethod } from "./types.ts";

/** Evaluations of `f` per step of each fixed-step method. */
export const STAGES: Readonly<Record<FixedStepMethod, number>> = { euler: 1, midpoint: 2, heun: 2, rk4: 4 };

/** Options for {@linkcode timeGrid}. */
export interface TimeGridOptions {
  /** Number of uniform steps from `t0` to `t1`. */
  steps?: number;
  /** An explicit, strictly monotone grid (overrides `t0`/`t1`; excludes `steps`). */
  grid?: readonly number[];
  /** Start time (default 0). */
  t0?: number;
  /** End time (default 1); `t1 < t0` integrates backward. */
  t1?: number;
}

/**
 * The time grid of a fixed-step solve: `t_k = t0 + (t1 − t0)·k/N` for
 * k = 0 … N, or the explicit `grid` (checked to be strictly monotone).
 *
 * @example
 * ```ts
 * timeGrid({ steps: 4 }); // Float64Array [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function timeGrid(options: TimeGridOptions): Float64Array {
  if (options.grid !== undefined) {
    if (options.steps !== undefined) {
      throw new RangeError(`Cannot use both "steps" (${options.steps}) and "grid": give one of them`);
    }
    const g = Float64Array.from(options.grid);
    if (g.length < 2) throw new RangeError(`Cannot solve on a grid of "${g.length}" time(s): give at least two`);
    const d = Math.sign(g[1]! - g[0]!);
    for (let k = 0; k + 1 < g.length; k++) {
      const step = g[k + 1]! - g[k]!;
      if (!Number.isFinite(g[k]!) || !Number.isFinite(g[k + 1]!) || d === 0 || Math.sign(step) !== d) {
        throw new RangeError(`Cannot solve on grid [${Array.from(g).join(", ")}]: times must be strictly monotone`);
      }
    }
    return g;
  }
  const steps = options.steps;
  if (steps === undefined || !Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`Cannot solve with steps "${steps}": give a positive integer number of steps (or a grid)`);
  }
  const t0 = options.t0 ?? 0, t1 = options.t1 ?? 1;
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t0 === t1) {
    throw new RangeError(`Cannot solve from t0 "${t0}" to t1 "${t1}": give two different finite times`);
  }
  const g = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++) g[k] = t0 + (t1 - t0) * (k / steps);
  g[steps] = t1;
  return g;
}

/**
 * Integrates `dy/dt = f(t, y)` over `grid` with one fixed-step method, one
 * step per grid interval `h = t_{k+1} − t_k`:
 *
 * - euler:    `y' = y + h f(t, y)`
 * - midpoint: `y' = y + h f(t + h/2, y + h/2 · f(t, y))`
 * - heun:     `k1 = f(t, y)`, `k2 = f(t + h, y + h k1)`, `y' = y + h/2 (k1 + k2)`
 * - rk4:      `y' = y + h/6 (k1 + 2 k2 + 2 k3 + k4)` (classical)
 *
 * States between grid points (for `recorder`'s save times) are linear
 * interpolations of the two neighbouring grid states. All buffers are
 * allocated once per call.
 *
 * @returns the final state (a new array) and the number of evaluations of `f`.
 */
export function integrateFixed(
  f: Dynamics,
  y0: Float64Array,
  grid: Float64Array,
  method: FixedStepMethod,
  recorder: TrajectoryRecorder,
): { y: Float64Array; nfe: number } {
  const L = y0.length;
  let y = y0.slice();
  let next = new Float64Array(L);
  const k1 = new Float64Array(L), k2 = new Float64Array(L);
  const k3 = method === "rk4" ? new Float64Array(L) : k1;
  const k4 = method === "rk4" ? new Float64Array(L) : k1;
  const tmp = new Float64Array(L);
  let tA = grid[0]!;
  let tB = tA;
  let prev = y; // state at the start of the current step, for the interpolant
  const linear: Interpolant = (t, out) => {
    const w = (t - tA) / (tB - tA);
    for (let i = 0; i < L; i++) out[i] = prev[i]! + w * (next[i]! - prev[i]!);
  };
  let nfe = 0;
  recorder.start(tA, y);
  for (let s = 1; s < grid.length; s++) {
    tB = grid[s]!;
    const h = tB - tA;
    f(tA, y, k1);
    if (method === "euler") {
      for (let i = 0; i < L; i++) next[i] = y[i]! + h * k1[i]!;
    } else if (method === "midpoint") {
      for (let i = 0; i < L; i++) tmp[i] = y[i]! + 0.5 * h * k1[i]!;
      f(tA + 0.5 * h, tmp, k2);
      for (let i = 0; i < L; i++) next[i] = y[i]! + h * k2[i]!;
    } else if (method === "heun") {
      for (let i = 0; i < L; i++) tmp[i] = y[i]! + h * k1[i]!;
      f(tB, tmp, k2);
      for (let i = 0; i < L; i++) next[i] = y[i]! + 0.5 * h * (k1[i]! + k2[i]!);
    } else {
      for (let i = 0; i < L; i++) tmp[i] = y[i]! + 0.5 * h * k1[i]!;
      f(tA + 0.5 * h, tmp, k2);
      for (let i = 0; i < L; i++) tmp[i] = y[i]! + 0.5 * h * k2[i]!;
      f(tA + 0.5 * h, tmp, k3);
      for (let i = 0; i < L; i++) tmp[i] = y[i]! + h * k3[i]!;
      f(tB, tmp, k4);
      const h6 = h / 6;
      for (let i = 0; i < L; i++) next[i] = y[i]! + h6 * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
    }
    nfe += STAGES[method];
    prev = y;
    recorder.step(tB, next, linear);
    const swap = y;
    y = next;
    next = swap;
    tA = tB;
  }
  return { y, nfe };
}
