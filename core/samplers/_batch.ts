/**
 * Shape checks shared by the samplers.
 *
 * @module
 */

/** Checks that `x` holds `n` points of dimension `dim` and `labels` one label per point. */
export function checkBatch(x: Float64Array, n: number, dim: number, labels?: Int32Array): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`Cannot sample "${n}" points: expected a non-negative integer`);
  }
  if (x.length !== n * dim) {
    throw new RangeError(`Cannot sample from ${x.length} coordinates: expected n × dim = ${n} × ${dim} = ${n * dim}`);
  }
  if (labels !== undefined && labels.length !== n) {
    throw new RangeError(`Cannot sample with ${labels.length} labels: expected one per point (${n})`);
  }
}
