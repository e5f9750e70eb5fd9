/**
 * The probability-flow ODE `dx/dt = v(x, t)` and general ODE systems:
 * one entry point over the fixed-step methods and Dormand–Prince 5(4).
 *
 * @module
 */
import type { Field } from "../paths/types.ts";
import { checkBatch } from "./_batch.ts";
import { TrajectoryRecorder } from "./_recorder.ts";
import { integrateDopri5 } from "./dopri5.ts";
import { integrateFixed, timeGrid } from "./fixed_step.ts";
import type { Dynamics, OdeMethod, OdeResult, SaveAt } from "./types.ts";

const METHODS: readonly OdeMethod[] = ["euler", "midpoint", "heun", "rk4", "dopri5"];

/** Options of {@linkcode solveOdeSystem}. */
export interface OdeSystemOptions {
  /** The method: `euler`, `midpoint`, `heun`, `rk4` (fixed steps) or `dopri5` (adaptive). */
  method: OdeMethod;
  /** Fixed-step methods: number of uniform steps from t0 to t1 (or give `grid`). */
  steps?: number;
  /** Fixed-step methods: an explicit strictly monotone time grid (its ends replace t0 and t1). */
  grid?: readonly number[];
  /** Start time (default 0). */
  t0?: number;
  /** End time (default 1); `t1 < t0` integrates backward. */
  t1?: number;
  /** dopri5: absolute tolerance (default 1e-5). */
  atol?: number;
  /** dopri5: relative tolerance (default 1e-5). */
  rtol?: number;
  /** dopri5: first step size (default: Hairer's heuristic). */
  firstStep?: number;
  /** dopri5: maximum number of attempted steps (default 100000). */
  maxSteps?: number;
  /**
   * Save states at these times (sorted into the direction of integration;
   * between grid points: linear interpolation for fixed-step methods, the
   * fourth-order dense output for dopri5), or `"steps"`: the initial state and
   * the state after every accepted step.
   */
  saveAt?: SaveAt;
}

/** The result of {@linkcode solveOdeSystem}. */
export interface OdeSystemResult {
  /** The final state. */
  y: Float64Array;
  /** Evaluations of the dynamics. */
  nfe: number;
  /** Accepted steps. */
  steps: number;
  /** Rejected steps (dopri5). */
  rejected: number;
  /** Saved times and states (T × y.length), when `saveAt` was given. */
  saved?: { times: Float64Array; states: Float64Array };
}

/**
 * Solves `dy/dt = f(t, y)` for a flat state vector `y` (any system: the
 * likelihood uses it for the state augmented with the log-density change).
 *
 * @example
 * ```ts
 * // dy/dt = 3t² from y(0) = 1 gives y(1) = 2
 * const r = solveOdeSystem((t, _y, out) => out.fill(3 * t * t), new Float64Array([1]), { method: "rk4", steps: 4 });
 * r.y[0]; // 2: RK4 is Simpson's rule here, exact for a polynomial of degree 2
 * ```
 */
export function solveOdeSystem(f: Dynamics, y0: Float64Array, options: OdeSystemOptions): OdeSystemResult {
  const { method } = options;
  if (!METHODS.includes(method)) {
    throw new RangeError(
      `Cannot solve with method "${method}": expected one of ${METHODS.map((m) => `"${m}"`).join(", ")}`,
    );
  }
  if (method === "dopri5") {
    if (options.steps !== undefined || options.grid !== undefined) {
      throw new RangeError(
        `Cannot use "steps" or "grid" with method "dopri5": it chooses its own steps from atol/rtol`,
      );
    }
    const t0 = options.t0 ?? 0, t1 = options.t1 ?? 1;
    const recorder = new TrajectoryRecorder(y0.length, options.saveAt, t0, t1);
    const r = integrateDopri5(f, y0, t0, t1, recorder, options);
    const saved = recorder.result();
    return { y: r.y, nfe: r.nfe, steps: r.steps, rejected: r.rejected, ...(saved ? { saved } : {}) };
  }
  const grid = timeGrid(options);
  const recorder = new TrajectoryRecorder(y0.length, options.saveAt, grid[0]!, grid[grid.length - 1]!);
  const r = integrateFixed(f, y0, grid, method, recorder);
  const saved = recorder.result();
  return { y: r.y, nfe: r.nfe, steps: grid.length - 1, rejected: 0, ...(saved ? { saved } : {}) };
}

/** Options of {@linkcode solveOde}. */
export interface SolveOdeOptions extends OdeSystemOptions {
  /** Number of points in `x0`. */
  n: number;
  /** Class label of each point for a label-conditioned field (−1: unconditional). */
  labels?: Int32Array;
}

/**
 * Transports `n` points along the velocity field: solves
 * `dx/dt = v(x, t)` from `t0` (default 0, the source) to `t1` (default 1, the
 * data), or backward when `t1 < t0`. The field must predict velocity (wrap
 * another prediction with `asPrediction(field, scheduler, "velocity")` from
 * `core/paths`). One adaptive step size is shared by the whole batch.
 *
 * @example
 * ```ts
 * const r = solveOde(field, x0, { n: 1000, method: "rk4", steps: 50, saveAt: "steps" });
 * r.x; r.nfe; // 200; r.trajectory!.states is 51 × 1000 × dim
 * ```
 */
export function solveOde(field: Field, x0: Float64Array, options: SolveOdeOptions): OdeResult {
  const { n, labels } = options;
  const dim = field.dim;
  if (field.prediction !== "velocity") {
    throw new TypeError(
      `Cannot integrate a field that predicts "${field.prediction}": wrap it with asPrediction(field, scheduler, "velocity")`,
    );
  }
  checkBatch(x0, n, dim, labels);
  const f: Dynamics = (t, y, out) => field.evaluate(y, n, t, out, labels);
  const r = solveOdeSystem(f, x0, options);
  const result: OdeResult = { x: r.y, nfe: r.nfe, steps: r.steps, rejected: r.rejected };
  if (!r.saved) return result;
  return { ...result, trajectory: { times: r.saved.times, states: r.saved.states, n, dim } };
}
