// Shared helpers of the model tests: an independent float64 implementation of
// the network and loss (plain loops, written from MATH of types.ts), random
// batches, and the max-norm relative error.
import { createRng, type Rng } from "../../core/random/mod.ts";
import { inputWidth, layerShapes, type MlpConfig, type TrainBatch, writeInputRow } from "../../core/models/mod.ts";

const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;

function act(z: number, a: MlpConfig["activation"]): number {
  switch (a) {
    case "elu":
      return z > 0 ? z : Math.expm1(z);
    case "relu":
      return z > 0 ? z : 0;
    case "selu":
      return z > 0 ? SELU_L * z : SELU_L * SELU_A * Math.expm1(z);
    case "silu":
      return z / (1 + Math.exp(-z));
    case "tanh":
      return Math.tanh(z);
  }
}

/** f(x_i, t_i, y_i) in float64 for one row of network inputs. */
export function referenceForwardRow(config: MlpConfig, params: ArrayLike<number>, input: ArrayLike<number>): number[] {
  let a = Array.from(input);
  const layers = layerShapes(config);
  layers.forEach((l, idx) => {
    const z = new Array<number>(l.fanOut).fill(0);
    for (let j = 0; j < l.fanOut; j++) {
      let s = params[l.offsetB + j]!;
      for (let k = 0; k < l.fanIn; k++) s += a[k]! * params[l.offsetW + k * l.fanOut + j]!;
      z[j] = s;
    }
    a = idx < layers.length - 1 ? z.map((v) => act(v, config.activation)) : z;
  });
  return a;
}

/** The network inputs of a batch's rows (float64 copy of writeInputRow's float32). */
export function batchInputs(
  config: MlpConfig,
  x: ArrayLike<number>,
  n: number,
  t: ArrayLike<number>,
  labels?: Int32Array,
): Float64Array[] {
  const w = inputWidth(config);
  const rows: Float64Array[] = [];
  const buf = new Float32Array(w);
  for (let i = 0; i < n; i++) {
    writeInputRow(config, x, i * config.dim, Math.fround(t[i]!), labels ? labels[i]! : -1, buf, 0);
    rows.push(Float64Array.from(buf));
  }
  return rows;
}

/** The loss L = (1/(n·dim)) Σ w_i ‖f − target‖² in float64. */
export function referenceLoss(config: MlpConfig, params: ArrayLike<number>, batch: TrainBatch): number {
  const rows = batchInputs(config, batch.x, batch.n, batch.t, batch.labels);
  let s = 0;
  for (let i = 0; i < batch.n; i++) {
    const y = referenceForwardRow(config, params, rows[i]!);
    const w = batch.weight ? batch.weight[i]! : 1;
    for (let j = 0; j < config.dim; j++) s += w * (y[j]! - batch.target[i * config.dim + j]!) ** 2;
  }
  return s / (batch.n * config.dim);
}

/** A random batch: x, target ~ N(0, 1), t ~ U(0, 1), optional weights U(0.5, 1.5) and labels in [−1, classes]. */
export function randomBatch(
  config: MlpConfig,
  n: number,
  rng: Rng,
  options: { weight?: boolean; labels?: boolean } = {},
): TrainBatch {
  const batch: TrainBatch = {
    n,
    x: rng.fillNormal(new Float32Array(n * config.dim)),
    t: rng.fillUniform(new Float32Array(n)),
    target: rng.fillNormal(new Float32Array(n * config.dim)),
  };
  if (options.weight) batch.weight = rng.fillUniform(new Float32Array(n), 0.5, 1.5);
  if (options.labels && config.classes) {
    batch.labels = new Int32Array(n);
    for (let i = 0; i < n; i++) batch.labels[i] = rng.int(config.classes + 2) - 1; // −1 … classes
  }
  return batch;
}

/** max_i |a_i − b_i| / max_i |b_i|. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return m === 0 ? d : d / m;
}

/** An Rng for tests. */
export function testRng(name: string): Rng {
  return createRng(20240601, name);
}

/** The configurations the engine-agreement tests cover. */
export const CONFIGS: { name: string; config: MlpConfig }[] = [
  {
    name: "elu 3×64 concat",
    config: { dim: 2, hidden: [64, 64, 64], activation: "elu", timeEmbedding: { kind: "concat" } },
  },
  {
    name: "relu odd widths",
    config: { dim: 3, hidden: [13, 30], activation: "relu", timeEmbedding: { kind: "concat" } },
  },
  {
    name: "selu fourier",
    config: { dim: 2, hidden: [37, 19], activation: "selu", timeEmbedding: { kind: "fourier", frequencies: 3 } },
  },
  {
    name: "silu labels",
    config: { dim: 2, hidden: [24, 24], activation: "silu", timeEmbedding: { kind: "concat" }, classes: 5 },
  },
  {
    // wide layers, fan-ins 128, 136 and 132 (not multiples of the kernel tiles' 6 or 8)
    name: "elu wide 128/136/130",
    config: { dim: 2, hidden: [128, 136, 130], activation: "elu", timeEmbedding: { kind: "concat" } },
  },
  {
    name: "tanh fourier labels dim 5",
    config: {
      dim: 5,
      hidden: [9, 11, 7],
      activation: "tanh",
      timeEmbedding: { kind: "fourier", frequencies: 2 },
      classes: 3,
    },
  },
];
