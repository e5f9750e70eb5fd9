/**
 * The `Model` backed by the fused WebAssembly SIMD kernel.
 *
 * @module
 */
import type { Field, Prediction } from "../paths/types.ts";
import { FusedEngine } from "./_fused.ts";
import {
  type AsFieldOptions,
  checkState,
  fieldOfModel,
  type LossGradient,
  type Model,
  type PredictOptions,
} from "./model.ts";
import type { MlpConfig, ModelState, OptimizerConfig, TrainBatch } from "./types.ts";
import { checkBatch } from "./_batch.ts";

/** Model whose training step is one call into the fused kernel. */
export class FusedModel implements Model {
  readonly engine = "fused" as const;
  readonly config: MlpConfig;
  readonly optimizer: OptimizerConfig;
  readonly variant: string;
  private readonly kernel: FusedEngine;
  private steps = 0;

  constructor(state: ModelState) {
    this.config = structuredClone(state.config);
    this.optimizer = { ...state.optimizer };
    this.kernel = new FusedEngine(this.config);
    this.variant = `fused-${this.kernel.variant}`;
    this.load(state);
  }

  get step(): number {
    return this.steps;
  }

  trainStep(batch: TrainBatch, lr: number): number {
    checkBatch(this.config, batch);
    this.steps++;
    return this.kernel.trainStep(batch, lr, this.optimizer, this.steps);
  }

  lossGradient(batch: TrainBatch): LossGradient {
    checkBatch(this.config, batch);
    return this.kernel.lossGrad(batch);
  }

  predict(x: Float64Array, n: number, t: number | Float64Array, out: Float64Array, options: PredictOptions = {}): void {
    this.kernel.evaluate(x, n, t, out, options.labels, this.useEma(options.ema));
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
    this.kernel.evaluate(x, n, t, out, options.labels, this.useEma(options.ema), v, jv);
  }

  private useEma(ema: boolean | undefined): boolean {
    if (ema && !(this.optimizer.ema > 0)) {
      throw new Error(`Cannot evaluate with "ema": the optimizer keeps no EMA (ema = ${this.optimizer.ema})`);
    }
    return ema ?? false;
  }

  asField(prediction: Prediction, options?: AsFieldOptions): Field {
    return fieldOfModel(this, prediction, options);
  }

  state(): ModelState {
    const s: ModelState = {
      config: structuredClone(this.config),
      optimizer: { ...this.optimizer },
      params: this.kernel.readBlock("params"),
      m: this.kernel.readBlock("m"),
      v: this.kernel.readBlock("v"),
      step: this.steps,
    };
    if (this.optimizer.ema > 0) s.ema = this.kernel.readBlock("ema");
    return s;
  }

  load(state: ModelState): void {
    checkState(this.config, state);
    (this as { optimizer: OptimizerConfig }).optimizer = { ...state.optimizer };
    this.kernel.writeBlock("params", state.params);
    this.kernel.writeBlock("m", state.m);
    this.kernel.writeBlock("v", state.v);
    this.kernel.writeBlock("ema", state.ema ?? state.params);
    this.steps = state.step;
  }

  dispose(): void {
    // The instance's memory is freed with the instance (garbage collected).
  }
}
