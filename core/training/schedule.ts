/**
 * Learning-rate schedules.
 *
 * @module
 */

/** A schedule: `constant`, `cosine` (to `min_factor · lr` at the last step) or `linear` decay, after a linear warm-up. */
export interface LrSchedule {
  kind: "constant" | "cosine" | "linear";
  /** Steps of linear warm-up from 0 (default 0). */
  warmup?: number;
  /** Final learning rate as a fraction of the peak (default 0). */
  minFactor?: number;
}

/**
 * The learning rate at step s (0-based) of `total`:
 * warm-up `lr · (s + 1)/w` for s < w, then with progress `p = (s − w)/(total − w)`:
 * constant `lr`; cosine `lr · (m + (1 − m) · ½(1 + cos πp))`; linear `lr · (1 − (1 − m) p)`.
 */
export function learningRate(
  step: number,
  total: number,
  lr: number,
  schedule: LrSchedule = { kind: "constant" },
): number {
  const w = schedule.warmup ?? 0;
  if (step < w) return (lr * (step + 1)) / w;
  const m = schedule.minFactor ?? 0;
  const p = total > w ? (step - w) / (total - w) : 1;
  switch (schedule.kind) {
    case "constant":
      return lr;
    case "cosine":
      return lr * (m + (1 - m) * 0.5 * (1 + Math.cos(Math.PI * p)));
    case "linear":
      return lr * (1 - (1 - m) * p);
  }
}
