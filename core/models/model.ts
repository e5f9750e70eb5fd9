/**
 * One model, two engines: `createModel` builds the MLP velocity field and
 * picks the engine — the fused WebAssembly SIMD kernel when the active tfjs
 * backend is `wasm` (the model is always a plain MLP here), the tfjs tensor
 * path otherwise, or whichever `engine` asks for. Both implement the same
 * network (network.ts), loss (types.ts `TrainBatch`) and optimiser
 * (types.ts `OptimizerConfig`) and agree to float32 rounding.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Field, Prediction } from "../paths/types.ts";
import type { Rng } from "../random/mod.ts";
import { initParameters, parameterCount, resolveOptimizer, validateConfig } from "./config.ts";
import { FusedModel } from "./_fused_model.ts";
import { TfjsModel } from "./_tfjs_model.ts";
import type { MlpConfig, ModelState, OptimizerConfig, TrainBatch } from "./types.ts";

/** Which engine: `auto` = fused on the tfjs `wasm` backend, tfjs otherwise. */
export type EngineChoice = "auto" | "fused" | "tfjs";

/** Options of {@linkcode createModel}. */
export interface CreateModelOptions {
  /** Initialises the weights (PyTorch's default Linear init, see `initParameters`). */
  rng: Rng;
  /** Optimiser settings; defaults: adam, β = (0.9, 0.999), eps 1e−8, no decay, no clipping, no EMA. */
  optimizer?: Partial<OptimizerConfig>;
  /** Engine; default `auto`. */
  engine?: EngineChoice;
}

/** Options of {@linkcode modelFromState}. */
export interface ModelFromStateOptions {
  /** Engine; default `auto`. */
  engine?: EngineChoice;
}

/** Options of `predict` / `jvp`. */
export interface PredictOptions {
  /** Class labels per row (−1 or ≥ classes = unconditional); absent = all unconditional. */
  labels?: Int32Array;
  /** Use the EMA parameters (when the optimiser keeps them). */
  ema?: boolean;
}

/** Options of `asField`. */
export interface AsFieldOptions {
  /** Evaluate with the EMA parameters. */
  ema?: boolean;
}

/** Loss and gradient at the current parameters (flat layout of types.ts). */
export interface LossGradient {
  loss: number;
  grad: Float32Array;
}

/** A trainable MLP velocity field (see the module doc). */
export interface Model {
  readonly config: MlpConfig;
  readonly optimizer: OptimizerConfig;
  /** The engine in use. */
  readonly engine: "fused" | "tfjs";
  /**
   * What decides the floating-point result, for cache keys: `fused-relaxed`,
   * `fused-simd`, or `tfjs-<backend>`.
   */
  readonly variant: string;
  /** Optimiser steps taken. */
  readonly step: number;
  /**
   * One optimiser step on `batch`; returns the loss before the update,
   * `L = (1/(n·dim)) Σ_i w_i ‖f(x_i, t_i, y_i) − target_i‖²`.
   */
  trainStep(batch: TrainBatch, lr: number): number;
  /** The loss and its gradient without an update (for tests and diagnostics). */
  lossGradient(batch: TrainBatch): LossGradient;
  /** `out[i·dim + j] = f(x_i, t_i, y_i)_j`; `t` is one time for all rows or one per row. */
  predict(x: Float64Array, n: number, t: number | Float64Array, out: Float64Array, options?: PredictOptions): void;
  /** `out = f(x, t)` and `jv[i] = (∂f/∂x)(x_i, t_i) · v_i` (forward mode, exact). */
  jvp(
    x: Float64Array,
    n: number,
    t: number | Float64Array,
    v: Float64Array,
    out: Float64Array,
    jv: Float64Array,
    options?: PredictOptions,
  ): void;
  /** The model as a `Field` (evaluate and jvp) predicting `prediction`. */
  asField(prediction: Prediction, options?: AsFieldOptions): Field;
  /** A copy of everything needed to resume training byte for byte. */
  state(): ModelState;
  /** Replaces parameters, optimiser moments, EMA and step with `state`'s (same config required). */
  load(state: ModelState): void;
  /** Frees tensors / kernel memory. */
  dispose(): void;
}

function chooseEngine(choice: EngineChoice = "auto"): "fused" | "tfjs" {
  if (choice === "fused" || choice === "tfjs") return choice;
  if ((choice as string) !== "auto") {
    throw new Error(`Cannot build model: engine "${choice}" is unknown, expected "auto", "fused" or "tfjs"`);
  }
  return tf.getBackend() === "wasm" ? "fused" : "tfjs";
}

/**
 * A new model with PyTorch-initialised weights (U(−1/√fanIn, 1/√fanIn) for
 * every W and b, drawn from `options.rng`), zero Adam moments, EMA = the
 * initial weights, step 0.
 *
 * @example
 * ```ts
 * await initBackend("wasm");
 * const model = createModel({ dim: 2, hidden: [64, 64, 64], activation: "elu", timeEmbedding: { kind: "concat" } },
 *   { rng: createRng(0, "model") });
 * model.engine; // "fused"
 * const loss = model.trainStep({ n, x, t, target }, 1e-3);
 * ```
 */
export function createModel(config: MlpConfig, options: CreateModelOptions): Model {
  validateConfig(config);
  const optimizer = resolveOptimizer(options.optimizer);
  const params = initParameters(config, options.rng);
  const P = parameterCount(config);
  const state: ModelState = {
    config: structuredClone(config),
    optimizer,
    params,
    m: new Float32Array(P),
    v: new Float32Array(P),
    step: 0,
  };
  if (optimizer.ema > 0) state.ema = params.slice();
  return modelFromState(state, { engine: options.engine });
}

/** A model holding a copy of `state` (e.g. a deserialized checkpoint). */
export function modelFromState(state: ModelState, options: ModelFromStateOptions = {}): Model {
  validateConfig(state.config);
  const engine = chooseEngine(options.engine);
  const model = engine === "fused" ? new FusedModel(state) : new TfjsModel(state);
  return model;
}

/** The `Field` view of a model: evaluate = predict, jvp = jvp, at one t for all rows. */
export function fieldOfModel(model: Model, prediction: Prediction, options: AsFieldOptions = {}): Field {
  const ema = options.ema ?? false;
  const field: Field = {
    dim: model.config.dim,
    prediction,
    evaluate(x: Float64Array, n: number, t: number, out: Float64Array, labels?: Int32Array): void {
      model.predict(x, n, t, out, { labels, ema });
    },
    jvp(
      x: Float64Array,
      n: number,
      t: number,
      v: Float64Array,
      out: Float64Array,
      jv: Float64Array,
      labels?: Int32Array,
    ): void {
      model.jvp(x, n, t, v, out, jv, { labels, ema });
    },
  };
  if (model.config.classes) (field as { classes?: number }).classes = model.config.classes;
  return field;
}

/** Throws unless `state` fits `config` (same architecture, right lengths). */
export function checkState(config: MlpConfig, state: ModelState): void {
  if (JSON.stringify(canonical(config)) !== JSON.stringify(canonical(state.config))) {
    throw new Error(
      `Cannot load model state: its config "${JSON.stringify(state.config)}" differs from the model's "${
        JSON.stringify(config)
      }"; build the model with modelFromState instead`,
    );
  }
  const P = parameterCount(config);
  for (const [name, arr] of [["params", state.params], ["m", state.m], ["v", state.v]] as const) {
    if (arr.length !== P) {
      throw new Error(`Cannot load model state: "${name}" has length "${arr.length}", expected ${P}`);
    }
  }
  if (state.optimizer.ema > 0 && state.ema?.length !== P) {
    throw new Error(`Cannot load model state: "ema" is missing or not of length ${P} while optimizer.ema > 0`);
  }
}

/** A JSON value with object keys sorted (for stable comparison and serialization). */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}
