/**
 * Types shared by the samplers: results, trajectories and ODE systems.
 *
 * @module
 */

/**
 * States saved along a solve: `states[(s·n + i)·dim + j]` is coordinate j of
 * point i at `times[s]` (T × n × dim, row-major). Times are in the order of
 * integration (decreasing for a backward solve).
 */
export interface Trajectory {
  /** The T save times. */
  readonly times: Float64Array;
  /** T × n × dim states. */
  readonly states: Float64Array;
  /** Number of points. */
  readonly n: number;
  /** Dimension of each point. */
  readonly dim: number;
}

/** What every sampler returns. */
export interface SamplerResult {
  /** Final states, n × dim. */
  readonly x: Float64Array;
  /** Number of function evaluations: calls of the field on the whole batch (a JVP counts as one). */
  readonly nfe: number;
  /** Saved states, when asked for (`saveAt`). */
  readonly trajectory?: Trajectory;
}

/** The result of {@linkcode solveOde}: a {@linkcode SamplerResult} with solver statistics. */
export interface OdeResult extends SamplerResult {
  /** Accepted steps. */
  readonly steps: number;
  /** Rejected steps (adaptive solvers only; 0 otherwise). */
  readonly rejected: number;
}

/**
 * The right-hand side of an ODE system `dy/dt = f(t, y)` on a flat state
 * vector: writes `f(t, y)` into `out` (same length as `y`). It must not keep
 * or modify `y`.
 */
export type Dynamics = (t: number, y: Float64Array, out: Float64Array) => void;

/** Fixed-step Runge–Kutta methods (orders 1, 2, 2, 4). */
export type FixedStepMethod = "euler" | "midpoint" | "heun" | "rk4";

/** Every ODE method: the fixed-step ones and adaptive Dormand–Prince 5(4). */
export type OdeMethod = FixedStepMethod | "dopri5";

/** When to save states: at given times, or after every (accepted) step, the initial state included. */
export type SaveAt = readonly number[] | "steps";
