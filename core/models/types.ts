/**
 * The model contract: one MLP definition, two engines (tfjs and the fused
 * WebAssembly SIMD kernel) that agree to 1e-5 relative.
 *
 * Network: input features `[x (dim), time features, label one-hot (classes + 1)]`
 * → hidden layers (dense + activation) → dense → `dim` outputs.
 * Parameters are one flat Float32Array, layer by layer: `W_l` row-major with
 * shape [fan_in, fan_out] (tfjs's kernel layout), then `b_l` [fan_out].
 *
 * @module
 */

/** Hidden-layer activations. */
export type Activation = "elu" | "relu" | "selu" | "silu" | "tanh";

/**
 * How t enters the network: `concat` appends t as one input feature
 * (torchcfm); `fourier` appends `[t, sin(2^j π t), cos(2^j π t)]` for j < frequencies,
 * in the order `t, sin(2^0 π t) … sin(2^(F−1) π t), cos(2^0 π t) … cos(2^(F−1) π t)`.
 */
export type TimeEmbedding = { kind: "concat" } | { kind: "fourier"; frequencies: number };

/** The MLP velocity-field network. */
export interface MlpConfig {
  /** Dimension of x (input) and of the output. */
  dim: number;
  /** Widths of the hidden layers. */
  hidden: number[];
  /** Activation after each hidden layer. */
  activation: Activation;
  /** How t enters. */
  timeEmbedding: TimeEmbedding;
  /** Label-conditioned: number of classes; the one-hot has classes + 1 entries (the last is "no label"). */
  classes?: number;
}

/**
 * One optimisation batch: the loss is
 * `L = (1 / (n·dim)) Σ_i w_i Σ_j (f(x_i, t_i, y_i)_j − target_ij)²` (w_i = 1 when absent).
 */
export interface TrainBatch {
  n: number;
  /** Network inputs x_t, n × dim. */
  x: Float32Array;
  /** Times, n. */
  t: Float32Array;
  /** Regression targets, n × dim. */
  target: Float32Array;
  /** Per-example loss weights, n. */
  weight?: Float32Array;
  /** Class labels, n (−1 or `classes` = no label). */
  labels?: Int32Array;
}

/**
 * Optimiser: Adam / AdamW (decoupled decay) with optional global-norm
 * gradient clipping and an exponential moving average of the parameters
 * (`ema_θ ← ema·ema_θ + (1 − ema)·θ` after each step).
 */
export interface OptimizerConfig {
  kind: "adam" | "adamw";
  beta1: number;
  beta2: number;
  eps: number;
  /** Adam: L2 added to the gradient; AdamW: decoupled decay lr·wd·θ. */
  weightDecay: number;
  /** Clip the global gradient norm to this value (0 = off). */
  clip: number;
  /** EMA decay (0 = off). */
  ema: number;
}

/** Everything needed to resume training byte for byte. */
export interface ModelState {
  config: MlpConfig;
  optimizer: OptimizerConfig;
  /** Flat parameters. */
  params: Float32Array;
  /** Adam first and second moments (same layout as params). */
  m: Float32Array;
  v: Float32Array;
  /** EMA of the parameters, when `optimizer.ema > 0`. */
  ema?: Float32Array;
  /** Optimiser steps taken. */
  step: number;
}
