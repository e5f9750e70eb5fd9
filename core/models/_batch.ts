/**
 * Batch validation shared by both engines.
 *
 * @module
 */
import type { MlpConfig, TrainBatch } from "./types.ts";

/** Throws a readable error when the arrays of `batch` are shorter than `n` rows need. */
export function checkBatch(config: MlpConfig, batch: TrainBatch): void {
  const { n } = batch;
  const dim = config.dim;
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`Cannot train on batch: n "${n}" must be a positive integer`);
  const need: [string, { length: number } | undefined, number][] = [
    ["x", batch.x, n * dim],
    ["t", batch.t, n],
    ["target", batch.target, n * dim],
    ["weight", batch.weight, n],
    ["labels", batch.labels, n],
  ];
  for (const [name, arr, len] of need) {
    if (arr && arr.length < len) {
      throw new Error(
        `Cannot train on batch: "${name}" has length "${arr.length}", expected at least ${len} (n = ${n})`,
      );
    }
  }
}
