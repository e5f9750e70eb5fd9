/**
 * The MLP's shape: validation, input features, parameter layout, the
 * optimiser defaults and PyTorch's default initialisation.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import type { Activation, MlpConfig, OptimizerConfig } from "./types.ts";

/** The activations, in the order the fused kernel numbers them. */
export const ACTIVATIONS: readonly Activation[] = ["elu", "relu", "selu", "silu", "tanh"];

/** Adam, β = (0.9, 0.999), eps 1e−8, no weight decay, no clipping, no EMA. */
export const DEFAULT_OPTIMIZER: Readonly<OptimizerConfig> = Object.freeze({
  kind: "adam",
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  clip: 0,
  ema: 0,
});

/** One dense layer: `W` [fanIn, fanOut] row-major at `offsetW`, `b` [fanOut] at `offsetB` of the flat parameters. */
export interface LayerShape {
  fanIn: number;
  fanOut: number;
  offsetW: number;
  offsetB: number;
}

/**
 * Number of time features: 1 for `concat` (t), `1 + 2F` for `fourier`
 * (t, sin(2^f π t) for f < F, then cos(2^f π t) for f < F).
 */
export function timeFeatureCount(config: MlpConfig): number {
  return config.timeEmbedding.kind === "fourier" ? 1 + 2 * config.timeEmbedding.frequencies : 1;
}

/** Size of the label one-hot: `classes + 1` (the last entry = no label), 0 for an unconditional model. */
export function labelFeatureCount(config: MlpConfig): number {
  return config.classes ? config.classes + 1 : 0;
}

/** Network input width: `dim + time features + label one-hot`. */
export function inputWidth(config: MlpConfig): number {
  return config.dim + timeFeatureCount(config) + labelFeatureCount(config);
}

/** The dense layers (hidden then output) and where each sits in the flat parameter vector. */
export function layerShapes(config: MlpConfig): LayerShape[] {
  const widths = [inputWidth(config), ...config.hidden, config.dim];
  const out: LayerShape[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l]!;
    const fanOut = widths[l + 1]!;
    out.push({ fanIn, fanOut, offsetW: offset, offsetB: offset + fanIn * fanOut });
    offset += fanIn * fanOut + fanOut;
  }
  return out;
}

/** Total parameter count: `Σ_l fanIn_l·fanOut_l + fanOut_l`. */
export function parameterCount(config: MlpConfig): number {
  const layers = layerShapes(config);
  const last = layers[layers.length - 1]!;
  return last.offsetB + last.fanOut;
}

function positiveInt(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v > 0;
}

/** Throws a readable error when `config` is not a valid MLP; returns it otherwise. */
export function validateConfig(config: MlpConfig): MlpConfig {
  const fail = (detail: string): never => {
    throw new Error(`Cannot build model "mlp": ${detail}`);
  };
  if (!positiveInt(config.dim)) fail(`dim "${config.dim}" must be a positive integer`);
  if (!Array.isArray(config.hidden) || config.hidden.length === 0) {
    fail(`hidden "${JSON.stringify(config.hidden)}" must list at least one layer width`);
  }
  for (const h of config.hidden) if (!positiveInt(h)) fail(`hidden width "${h}" must be a positive integer`);
  if (!ACTIVATIONS.includes(config.activation)) {
    fail(
      `activation "${config.activation}" is unknown, expected one of ${ACTIVATIONS.map((a) => `"${a}"`).join(", ")}`,
    );
  }
  const te = config.timeEmbedding;
  if (!te || (te.kind !== "concat" && te.kind !== "fourier")) {
    fail(`time embedding "${JSON.stringify(te)}" must be {kind: "concat"} or {kind: "fourier", frequencies}`);
  }
  if (te.kind === "fourier" && !(Number.isInteger(te.frequencies) && te.frequencies >= 0 && te.frequencies <= 24)) {
    fail(`fourier frequencies "${te.frequencies}" must be an integer in [0, 24]`);
  }
  if (config.classes !== undefined && !(Number.isInteger(config.classes) && config.classes >= 0)) {
    fail(`classes "${config.classes}" must be a non-negative integer`);
  }
  return config;
}

/** The optimiser with defaults filled in, validated. */
export function resolveOptimizer(partial: Partial<OptimizerConfig> = {}): OptimizerConfig {
  const o: OptimizerConfig = { ...DEFAULT_OPTIMIZER, ...partial };
  const fail = (detail: string): never => {
    throw new Error(`Cannot build optimizer "${o.kind}": ${detail}`);
  };
  if (o.kind !== "adam" && o.kind !== "adamw") fail(`kind must be "adam" or "adamw"`);
  if (!(o.beta1 >= 0 && o.beta1 < 1)) fail(`beta1 "${o.beta1}" must be in [0, 1)`);
  if (!(o.beta2 >= 0 && o.beta2 < 1)) fail(`beta2 "${o.beta2}" must be in [0, 1)`);
  if (!(o.eps > 0)) fail(`eps "${o.eps}" must be positive`);
  if (!(o.weightDecay >= 0)) fail(`weightDecay "${o.weightDecay}" must be ≥ 0`);
  if (!(o.clip >= 0)) fail(`clip "${o.clip}" must be ≥ 0 (0 = off)`);
  if (!(o.ema >= 0 && o.ema < 1)) fail(`ema "${o.ema}" must be in [0, 1) (0 = off)`);
  return o;
}

/**
 * PyTorch's default `nn.Linear` initialisation, layer by layer in the flat
 * layout: every `W_l` entry then every `b_l` entry ~ U(−1/√fanIn, 1/√fanIn),
 * drawn in storage order from `rng`.
 */
export function initParameters(config: MlpConfig, rng: Rng): Float32Array {
  const params = new Float32Array(parameterCount(config));
  for (const layer of layerShapes(config)) {
    const bound = 1 / Math.sqrt(layer.fanIn);
    rng.fillUniform(params.subarray(layer.offsetW, layer.offsetB + layer.fanOut), -bound, bound);
  }
  return params;
}

/**
 * The network input of one row: `[x (dim), time features, one-hot of the
 * label (classes + 1; label −1 or ≥ classes → the last entry)]`, written to
 * `out` at `offset`. Time features: `t` (concat) or `t, sin(2^f π t)…, cos(2^f π t)…` (fourier).
 */
export function writeInputRow(
  config: MlpConfig,
  x: ArrayLike<number>,
  xOffset: number,
  t: number,
  label: number,
  out: Float32Array,
  offset: number,
): void {
  const dim = config.dim;
  for (let j = 0; j < dim; j++) out[offset + j] = x[xOffset + j]!;
  let o = offset + dim;
  out[o++] = t;
  if (config.timeEmbedding.kind === "fourier") {
    const f = config.timeEmbedding.frequencies;
    let w = Math.PI * t;
    for (let k = 0; k < f; k++) {
      out[o + k] = Math.sin(w);
      out[o + f + k] = Math.cos(w);
      w *= 2;
    }
    o += 2 * f;
  }
  const c = config.classes ?? 0;
  if (c > 0) {
    for (let k = 0; k <= c; k++) out[o + k] = 0;
    out[o + (label >= 0 && label < c ? label : c)] = 1;
  }
}
