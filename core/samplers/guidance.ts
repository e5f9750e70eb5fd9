/**
 * Classifier-free guidance (Ho & Salimans 2022; MATH.md §6) and the
 * composition of guidance with schedule transfer for sampling.
 *
 * @module
 */
import { asPrediction, type Field, type Prediction, type Scheduler, transferField } from "../paths/mod.ts";

/** Options of {@linkcode guidedField}: the `guidance {w, label}` of every sampler. */
export interface GuidanceOptions {
  /** Guidance weight w: 0 unconditional, 1 conditional, > 1 amplified. */
  w: number;
  /** The class to sample (0 … classes − 1); omitted: the per-point labels given to `evaluate`. */
  label?: number;
}

/**
 * The guided field `f_w(x) = (1 − w) f(x | ∅) + w f(x | y)`, ∅ being label
 * −1 (the unconditional output the model learnt with `p_uncond`). Any
 * prediction may be guided: the conversions of MATH.md §3 are affine in the
 * prediction at fixed (x, t), so guiding ε̂ or x̂1 is guiding v. Each call
 * evaluates the wrapped field twice (conditional and unconditional); the
 * JVP is the same mixture of the two JVPs. With w = 1 the conditional field
 * is returned as is (one evaluation).
 *
 * @example
 * ```ts
 * const g = guidedField(model, { w: 3, label: 2 });
 * solveOde(g, x0, { n, method: "rk4", steps: 50 });
 * ```
 */
export function guidedField(field: Field, options: GuidanceOptions): Field {
  const { w, label } = options;
  if (!Number.isFinite(w)) throw new RangeError(`Cannot guide with w "${w}": it must be a finite number`);
  const classes = field.classes;
  if (classes === undefined) {
    throw new RangeError(`Cannot guide a field without classes: guidance needs a label-conditioned model`);
  }
  if (label !== undefined && !(Number.isInteger(label) && label >= 0 && label < classes)) {
    throw new RangeError(`Cannot guide toward label "${label}": expected an integer in 0 … ${classes - 1}`);
  }
  const dim = field.dim;
  let conditional = new Int32Array(0), unconditional = new Int32Array(0);
  let uOut = new Float64Array(0), uJv = new Float64Array(0);
  // label arrays and the unconditional buffers grow to the largest batch seen, then are reused
  const labelsFor = (n: number, given?: Int32Array): [Int32Array, Int32Array] => {
    if (unconditional.length < n) {
      unconditional = new Int32Array(n).fill(-1);
      if (label !== undefined) conditional = new Int32Array(n).fill(label);
    }
    let cond: Int32Array;
    if (label !== undefined) cond = conditional.subarray(0, n);
    else if (given !== undefined && given.length >= n) cond = given;
    else throw new RangeError(`Cannot guide without a label: give guidance.label or one label per point`);
    return [cond, unconditional.subarray(0, n)];
  };
  const buffers = (n: number) => {
    if (uOut.length < n * dim) uOut = new Float64Array(n * dim);
    return uOut.subarray(0, n * dim);
  };
  const fixedLabel = label;
  if (w === 1 && fixedLabel !== undefined) {
    return {
      dim,
      prediction: field.prediction,
      classes,
      evaluate: (x, n, t, out) => field.evaluate(x, n, t, out, labelsFor(n)[0]),
      ...(field.jvp ? { jvp: (x, n, t, v, out, jv) => field.jvp!(x, n, t, v, out, jv, labelsFor(n)[0]) } : {}),
    } satisfies Field;
  }
  const guided: Field = {
    dim,
    prediction: field.prediction,
    classes,
    evaluate(x, n, t, out, labels) {
      const [cond, uncond] = labelsFor(n, labels);
      const u = buffers(n);
      field.evaluate(x, n, t, u, uncond);
      field.evaluate(x, n, t, out, cond);
      for (let i = 0; i < n * dim; i++) out[i] = (1 - w) * u[i]! + w * out[i]!;
    },
  };
  if (field.jvp) {
    const jvp = field.jvp.bind(field);
    guided.jvp = (x, n, t, v, out, jv, labels) => {
      const [cond, uncond] = labelsFor(n, labels);
      const u = buffers(n);
      if (uJv.length < n * dim) uJv = new Float64Array(n * dim);
      const uj = uJv.subarray(0, n * dim);
      jvp(x, n, t, v, u, uj, uncond);
      jvp(x, n, t, v, out, jv, cond);
      for (let i = 0; i < n * dim; i++) {
        out[i] = (1 - w) * u[i]! + w * out[i]!;
        jv[i] = (1 - w) * uj[i]! + w * jv[i]!;
      }
    };
  }
  return guided;
}

/** Options of {@linkcode samplingField}. */
export interface SamplingFieldOptions {
  /** The scheduler the model was trained under. */
  scheduler: Scheduler;
  /** Sample under this scheduler instead (schedule transfer, MATH.md §7); the field becomes a velocity. */
  sampleScheduler?: Scheduler;
  /** Classifier-free guidance. */
  guidance?: GuidanceOptions;
  /** The prediction the sampler needs (`velocity` for solveOde; any for sampleSde, sampleDdpm, sampleDdim). */
  prediction?: Prediction;
  /** Distance kept from singular ends of [0, 1] by the conversions (default 1e-3). */
  tEps?: number;
}

/**
 * Prepares a model for a sampler: guidance first (on the model's own
 * prediction), then schedule transfer to `sampleScheduler` (as a velocity,
 * `transferField`), then conversion to `prediction` (`asPrediction`).
 * Returns the field and the scheduler to hand to the sampler (the sampling
 * scheduler when transferring, else the training one).
 *
 * @example
 * ```ts
 * const { field, scheduler } = samplingField(model, {
 *   scheduler: createScheduler("condot"), sampleScheduler: createScheduler("cosine"),
 *   guidance: { w: 2, label: 1 }, prediction: "velocity",
 * });
 * solveOde(field, x0, { n, method: "rk4", steps: 50 });
 * ```
 */
export function samplingField(field: Field, options: SamplingFieldOptions): { field: Field; scheduler: Scheduler } {
  const tEps = options.tEps !== undefined ? { tEps: options.tEps } : {};
  let f = options.guidance ? guidedField(field, options.guidance) : field;
  let scheduler = options.scheduler;
  const target = options.sampleScheduler;
  if (target !== undefined && target.name !== scheduler.name) {
    f = transferField(f, { from: scheduler, to: target, ...tEps });
    scheduler = target;
  }
  if (options.prediction !== undefined && options.prediction !== f.prediction) {
    f = asPrediction(f, scheduler, options.prediction, tEps);
  }
  return { field: f, scheduler };
}
