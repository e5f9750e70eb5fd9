/**
 * The `Model` backed by tfjs tensors, written "carefully" (PERF.md): one flat
 * parameter variable, the network's hand-written transposed-operand backward
 * (network.ts), one `variableGrads` per step, the batch uploaded once, Adam on
 * flat tensors, everything inside `tf.tidy`. Works on every tfjs backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Field, Prediction } from "../paths/types.ts";
import { inputWidth, writeInputRow } from "./config.ts";
import {
  type AsFieldOptions,
  checkState,
  fieldOfModel,
  type LossGradient,
  type Model,
  type PredictOptions,
} from "./model.ts";
import { mlpForward, mlpJvp, weightedSquaredError } from "./network.ts";
import type { MlpConfig, ModelState, OptimizerConfig, TrainBatch } from "./types.ts";
import { checkBatch } from "./_batch.ts";

/** Model trained and evaluated with tfjs ops on the active backend. */
export class TfjsModel implements Model {
  readonly engine = "tfjs" as const;
  readonly config: MlpConfig;
  readonly optimizer: OptimizerConfig;
  readonly variant: string;
  private theta: tf.Variable<tf.Rank.R1>;
  private m: tf.Variable<tf.Rank.R1>;
  private v: tf.Variable<tf.Rank.R1>;
  private ema: tf.Variable<tf.Rank.R1>;
  private steps = 0;
  private readonly width: number;

  constructor(state: ModelState) {
    this.config = structuredClone(state.config);
    this.optimizer = { ...state.optimizer };
    this.variant = `tfjs-${tf.getBackend()}`;
    this.width = inputWidth(this.config);
    checkState(this.config, state);
    this.theta = tf.variable(tf.tensor1d(state.params, "float32"), true);
    this.m = tf.variable(tf.tensor1d(state.m, "float32"), false);
    this.v = tf.variable(tf.tensor1d(state.v, "float32"), false);
    this.ema = tf.variable(tf.tensor1d(state.ema ?? state.params, "float32"), false);
    this.steps = state.step;
  }

  get step(): number {
    return this.steps;
  }

  /** Network inputs (n × inputWidth) of n rows. */
  private inputs(
    x: ArrayLike<number>,
    n: number,
    t: number | ArrayLike<number>,
    labels: Int32Array | undefined,
  ): Float32Array {
    const w = this.width;
    const dim = this.config.dim;
    const out = new Float32Array(n * w);
    for (let i = 0; i < n; i++) {
      const ti = typeof t === "number" ? t : t[i]!;
      writeInputRow(this.config, x, i * dim, Math.fround(ti), labels ? labels[i]! : -1, out, i * w);
    }
    return out;
  }

  /** The loss L(θ) of the batch as a function of the parameter tensor. */
  private lossFunction(batch: TrainBatch): (params: tf.Tensor1D) => tf.Scalar {
    const n = batch.n;
    const dim = this.config.dim;
    const inputs = tf.tensor2d(this.inputs(batch.x, n, batch.t, batch.labels), [n, this.width]);
    const target = tf.tensor2d(batch.target.subarray(0, n * dim), [n, dim]);
    const weight = batch.weight ? tf.tensor2d(batch.weight.subarray(0, n), [n, 1]) : undefined;
    const scale = 1 / (n * dim);
    return (params) => weightedSquaredError(mlpForward(this.config, inputs, params), target, weight, scale);
  }

  lossGradient(batch: TrainBatch): LossGradient {
    checkBatch(this.config, batch);
    return tf.tidy(() => {
      const f = this.lossFunction(batch);
      const { value, grads } = tf.variableGrads(() => f(this.theta), [this.theta]);
      return { loss: value.dataSync()[0]!, grad: grads[this.theta.name]!.dataSync() as Float32Array };
    });
  }

  /**
   * Same update as the fused kernel: clip `g ← g·min(1, clip/(‖g‖ + 1e−6))`,
   * Adam L2 `g += wd·θ` or AdamW `θ ← θ(1 − lr·wd)`, moments, bias-corrected
   * step `θ ← θ − (lr/(1−β1^t))·m / (√v/√(1−β2^t) + eps)`, then EMA.
   */
  trainStep(batch: TrainBatch, lr: number): number {
    checkBatch(this.config, batch);
    const o = this.optimizer;
    const step = ++this.steps;
    const stepSize = lr / (1 - Math.pow(o.beta1, step));
    const bc2sqrt = Math.sqrt(1 - Math.pow(o.beta2, step));
    return tf.tidy(() => {
      const f = this.lossFunction(batch);
      const { value, grads } = tf.variableGrads(() => f(this.theta), [this.theta]);
      let g = grads[this.theta.name] as tf.Tensor1D;
      if (o.clip > 0) {
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        g = tf.mul(g, tf.minimum(1, tf.div(o.clip, tf.add(norm, 1e-6))));
      }
      let theta: tf.Tensor1D = this.theta;
      if (o.weightDecay > 0) {
        if (o.kind === "adam") g = tf.add(g, tf.mul(theta, o.weightDecay));
        else theta = tf.mul(theta, Math.fround(1 - Math.fround(lr) * Math.fround(o.weightDecay)));
      }
      const m = tf.add(tf.mul(this.m, o.beta1), tf.mul(g, 1 - o.beta1));
      const v = tf.add(tf.mul(this.v, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
      const denom = tf.add(tf.div(tf.sqrt(v), bc2sqrt), o.eps);
      const next = tf.sub(theta, tf.div(tf.mul(m, stepSize), denom));
      this.m.assign(m as tf.Tensor1D);
      this.v.assign(v as tf.Tensor1D);
      this.theta.assign(next as tf.Tensor1D);
      if (o.ema > 0) this.ema.assign(tf.add(tf.mul(this.ema, o.ema), tf.mul(next, 1 - o.ema)));
      return value.dataSync()[0]!;
    });
  }

  private params(ema: boolean | undefined): tf.Variable<tf.Rank.R1> {
    if (ema && !(this.optimizer.ema > 0)) {
      throw new Error(`Cannot evaluate with "ema": the optimizer keeps no EMA (ema = ${this.optimizer.ema})`);
    }
    return ema ? this.ema : this.theta;
  }

  predict(x: Float64Array, n: number, t: number | Float64Array, out: Float64Array, options: PredictOptions = {}): void {
    const theta = this.params(options.ema);
    const y = tf.tidy(() => {
      const inputs = tf.tensor2d(this.inputs(x, n, t, options.labels), [n, this.width]);
      return mlpForward(this.config, inputs, theta);
    });
    out.set(y.dataSync().subarray(0, n * this.config.dim));
    y.dispose();
  }

  jvp(
    x: Float64Array,
    n: number,
    t: number | Float64Array,
    v: Float64Array,
    out: Float64Array,
    jv: Float64Array,
    options: PredictOptions = {},
  ): void {
    const theta = this.params(options.ema);
    const dim = this.config.dim;
    const w = this.width;
    const tangents = new Float32Array(n * w);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) tangents[i * w + j] = v[i * dim + j]!;
    const [y, dy] = tf.tidy(() => {
      const inputs = tf.tensor2d(this.inputs(x, n, t, options.labels), [n, w]);
      return mlpJvp(this.config, inputs, tf.tensor2d(tangents, [n, w]), theta);
    });
    out.set(y.dataSync().subarray(0, n * dim));
    jv.set(dy.dataSync().subarray(0, n * dim));
    y.dispose();
    dy.dispose();
  }

  asField(prediction: Prediction, options?: AsFieldOptions): Field {
    return fieldOfModel(this, prediction, options);
  }

  state(): ModelState {
    const s: ModelState = {
      config: structuredClone(this.config),
      optimizer: { ...this.optimizer },
      params: this.theta.dataSync().slice() as Float32Array,
      m: this.m.dataSync().slice() as Float32Array,
      v: this.v.dataSync().slice() as Float32Array,
      step: this.steps,
    };
    if (this.optimizer.ema > 0) s.ema = this.ema.dataSync().slice() as Float32Array;
    return s;
  }

  load(state: ModelState): void {
    checkState(this.config, state);
    (this as { optimizer: OptimizerConfig }).optimizer = { ...state.optimizer };
    tf.tidy(() => {
      this.theta.assign(tf.tensor1d(state.params, "float32"));
      this.m.assign(tf.tensor1d(state.m, "float32"));
      this.v.assign(tf.tensor1d(state.v, "float32"));
      this.ema.assign(tf.tensor1d(state.ema ?? state.params, "float32"));
    });
    this.steps = state.step;
  }

  dispose(): void {
    this.theta.dispose();
    this.m.dispose();
    this.v.dispose();
    this.ema.dispose();
  }
}
