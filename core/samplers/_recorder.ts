/**
 * Saves states along a solve, at chosen times or after every step.
 *
 * @module
 */
import type { SaveAt } from "./types.ts";

/** Writes the state at time `t` (inside the current step) into `out`. */
export type Interpolant = (t: number, out: Float64Array) => void;

/** Two times closer than this (relative to max(1, |t|)) are the same time. */
const TIME_TOLERANCE = 1e-12;

const same = (a: number, b: number) => Math.abs(a - b) <= TIME_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Collects the states of a solve from `t0` to `t1` (either direction).
 *
 * - `saveAt: "steps"` stores the initial state and the state after every
 *   accepted step.
 * - `saveAt: times` stores the state at each time, sorted in the direction of
 *   integration; a time on a step boundary takes that state exactly, a time
 *   inside a step comes from the solver's interpolant.
 */
export class TrajectoryRecorder {
  readonly #length: number;
  readonly #direction: number;
  readonly #times: Float64Array | undefined;
  readonly #states: Float64Array | undefined;
  readonly #stepTimes: number[] = [];
  readonly #stepStates: Float64Array[] = [];
  readonly #mode: "none" | "steps" | "times";
  #next = 0;

  /** A recorder for states of `length` numbers; `saveAt` undefined records nothing. */
  constructor(length: number, saveAt: SaveAt | undefined, t0: number, t1: number) {
    this.#length = length;
    this.#direction = t1 >= t0 ? 1 : -1;
    if (saveAt === undefined) {
      this.#mode = "none";
      return;
    }
    if (saveAt === "steps") {
      this.#mode = "steps";
      return;
    }
    this.#mode = "times";
    const lo = Math.min(t0, t1), hi = Math.max(t0, t1);
    for (const t of saveAt) {
      if (!Number.isFinite(t) || (t < lo && !same(t, lo)) || (t > hi && !same(t, hi))) {
        throw new RangeError(`Cannot save the state at t = "${t}": it lies outside the solve interval [${lo}, ${hi}]`);
      }
    }
    const d = this.#direction;
    this.#times = Float64Array.from(saveAt).sort((a, b) => d * (a - b));
    this.#states = new Float64Array(this.#times.length * length);
  }

  /** Whether anything is recorded. */
  get active(): boolean {
    return this.#mode !== "none";
  }

  /** Records the initial state. */
  start(t0: number, y0: Float64Array): void {
    if (this.#mode === "steps") this.#push(t0, y0);
    else if (this.#mode === "times") {
      const times = this.#times!;
      while (this.#next < times.length && same(times[this.#next]!, t0)) {
        this.#states!.set(y0, this.#next * this.#length);
        this.#next++;
      }
    }
  }

  /** Whether a save time falls in the step (tA, tB] (so the caller must be ready to interpolate). */
  wants(tB: number): boolean {
    if (this.#mode === "steps") return true;
    if (this.#mode === "none") return false;
    const t = this.#times![this.#next];
    return t !== undefined && (this.#direction * (t - tB) <= 0 || same(t, tB));
  }

  /** Records the step that ended at `tB` with state `yB`; `interpolate` gives states inside it. */
  step(tB: number, yB: Float64Array, interpolate: Interpolant): void {
    if (this.#mode === "steps") {
      this.#push(tB, yB);
      return;
    }
    if (this.#mode === "none") return;
    const times = this.#times!, states = this.#states!, L = this.#length;
    while (this.#next < times.length) {
      const t = times[this.#next]!;
      if (same(t, tB)) states.set(yB, this.#next * L);
      else if (this.#direction * (t - tB) < 0) interpolate(t, states.subarray(this.#next * L, (this.#next + 1) * L));
      else break;
      this.#next++;
    }
  }

  /** The saved times and states (T × length), or undefined when nothing was asked for. */
  result(): { times: Float64Array; states: Float64Array } | undefined {
    if (this.#mode === "none") return undefined;
    if (this.#mode === "times") {
      if (this.#next !== this.#times!.length) {
        throw new Error(
          `Cannot finish the trajectory: ${this.#times!.length - this.#next} save times were not reached`,
        );
      }
      return { times: this.#times!, states: this.#states! };
    }
    const T = this.#stepTimes.length, L = this.#length;
    const states = new Float64Array(T * L);
    for (let s = 0; s < T; s++) states.set(this.#stepStates[s]!, s * L);
    return { times: Float64Array.from(this.#stepTimes), states };
  }

  #push(t: number, y: Float64Array): void {
    this.#stepTimes.push(t);
    this.#stepStates.push(y.slice());
  }
}
