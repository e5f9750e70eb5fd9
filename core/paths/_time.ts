/**
 * Time checks shared by the schedulers.
 *
 * @module
 */

/** Tolerance for t slightly outside [0, 1] (accumulated rounding of a sampler's time grid). */
const TIME_SLACK = 1e-9;

/**
 * The time t, clamped to [0, 1] when it lies within 1e-9 of it (rounding of a
 * time grid); anything else outside (or NaN) is an error.
 */
export function checkTime(name: string, t: number): number {
  if (t >= 0 && t <= 1) return t;
  if (t >= -TIME_SLACK && t <= 1 + TIME_SLACK) return t < 0 ? 0 : 1;
  throw new RangeError(`Cannot evaluate scheduler "${name}" at t "${t}": expected 0 ≤ t ≤ 1`);
}
