/**
 * The loss of any field (a trained model wrapped as a `Field`, the oracle, a
 * closed form) on a training batch, in float64.
 *
 * @module
 */
import type { TrainBatch } from "../models/mod.ts";
import type { Field } from "../paths/mod.ts";

/** Options of {@linkcode fieldLoss}. */
export interface FieldLossOptions {
  /** When given, receives each example's unweighted squared error `Σ_j (f_ij − target_ij)²` (length ≥ n). */
  perExample?: Float64Array;
}

/**
 * The batch loss of a field, as the trainer defines it (core/models
 * `TrainBatch`): `L = (1/(n·dim)) Σ_i w_i Σ_j (f(x_i, t_i, y_i)_j − target_ij)²`
 * (w_i = 1 without weights). The field is evaluated once per distinct t (a
 * discrete t-sampler's batch takes K evaluations at most). With the oracle
 * this is the floor of the loss: the conditional variance of the target
 * (MATH.md §4, seed `002_*`).
 *
 * @example
 * ```ts
 * const floor = fieldLoss(createOracle(train, scheduler), makeTrainBatch(pairs, options));
 * ```
 */
export function fieldLoss(field: Field, batch: TrainBatch, options: FieldLossOptions = {}): number {
  const { n } = batch;
  const dim = field.dim;
  if (batch.x.length !== n * dim || batch.target.length !== n * dim) {
    throw new RangeError(`Cannot evaluate the loss: the batch is not ${n} × ${dim} (the field's dimension)`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => batch.t[a]! - batch.t[b]! || a - b);
  const per = options.perExample;
  let total = 0;
  let x = new Float64Array(0);
  let out = new Float64Array(0);
  let labels: Int32Array | undefined;
  for (let start = 0; start < n;) {
    const t = batch.t[order[start]!]!;
    let end = start + 1;
    while (end < n && batch.t[order[end]!] === t) end++;
    const m = end - start;
    if (x.length < m * dim) {
      x = new Float64Array(m * dim);
      out = new Float64Array(m * dim);
    }
    if (batch.labels) labels = new Int32Array(m);
    for (let r = 0; r < m; r++) {
      const i = order[start + r]!;
      for (let j = 0; j < dim; j++) x[r * dim + j] = batch.x[i * dim + j]!;
      if (labels) labels[r] = batch.labels![i]!;
    }
    field.evaluate(x.subarray(0, m * dim), m, t, out, labels);
    for (let r = 0; r < m; r++) {
      const i = order[start + r]!;
      let sq = 0;
      for (let j = 0; j < dim; j++) {
        const e = out[r * dim + j]! - batch.target[i * dim + j]!;
        sq += e * e;
      }
      if (per) per[i] = sq;
      total += (batch.weight ? batch.weight[i]! : 1) * sq;
    }
    start = end;
  }
  return total / (n * dim);
}
