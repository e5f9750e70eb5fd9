/**
 * The MLP as tfjs tensor functions: the definition both engines implement.
 *
 * `mlpForward(config, inputs, params)` maps network inputs
 * `[x, time features, label one-hot]` (n × inputWidth) through
 * `a_0 = inputs, z_l = a_{l−1} W_l + b_l, a_l = act(z_l)` (hidden layers),
 * `y = a_{L−1} W_L + b_L`, with the flat parameter vector of types.ts. Its
 * gradient is written by hand (a custom gradient) in the form tfjs-wasm runs
 * fast: every backward matMul takes explicitly transposed operands
 * (`dA = δ·transpose(W)`, `dW = transpose(a)·δ`), because tfjs-wasm's
 * transposed BatchMatMul falls back to a scalar loop (PERF.md). It is
 * differentiable in both arguments, so tfjs autodiff works through it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { layerShapes } from "./config.ts";
import type { Activation, MlpConfig } from "./types.ts";

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** act(z). */
export function activation(z: tf.Tensor, act: Activation): tf.Tensor {
  switch (act) {
    case "elu":
      return tf.elu(z);
    case "relu":
      return tf.relu(z);
    case "selu":
      return tf.selu(z);
    case "silu":
      return tf.mul(z, tf.sigmoid(z));
    case "tanh":
      return tf.tanh(z);
  }
}

/**
 * act'(z) from z and a = act(z): elu `min(a, 0) + 1`; relu `step(z)`;
 * selu `λ` (z > 0) or `a + λα`; silu `σ(z)(1 + z·σ(−z))`; tanh `1 − a²`.
 */
export function activationDerivative(z: tf.Tensor, a: tf.Tensor, act: Activation): tf.Tensor {
  switch (act) {
    case "elu":
      return tf.add(tf.minimum(a, 0), 1);
    case "relu":
      return tf.step(z, 0);
    case "selu": {
      const pos = tf.step(z, 0);
      return tf.add(tf.mul(pos, SELU_LAMBDA), tf.mul(tf.sub(1, pos), tf.add(a, SELU_LAMBDA * SELU_ALPHA)));
    }
    case "silu": {
      // 1 − σ(z) computed as σ(−z): no cancellation for large z
      return tf.mul(tf.sigmoid(z), tf.add(1, tf.mul(z, tf.sigmoid(tf.neg(z)))));
    }
    case "tanh":
      return tf.sub(1, tf.square(a));
  }
}

/** The per-layer weights `W_l` [fanIn, fanOut] and biases `b_l` as views (slices) of the flat vector. */
export function splitParameters(config: MlpConfig, params: tf.Tensor1D): { W: tf.Tensor2D[]; b: tf.Tensor1D[] } {
  const W: tf.Tensor2D[] = [];
  const b: tf.Tensor1D[] = [];
  for (const l of layerShapes(config)) {
    W.push(tf.reshape(tf.slice(params, l.offsetW, l.fanIn * l.fanOut), [l.fanIn, l.fanOut]));
    b.push(tf.slice(params, l.offsetB, l.fanOut));
  }
  return { W, b };
}

const forwardCache = new WeakMap<MlpConfig, (inputs: tf.Tensor2D, params: tf.Tensor1D) => tf.Tensor2D>();

/**
 * The network's output y (n × dim) for inputs (n × inputWidth) and flat
 * parameters, with a hand-written gradient in both arguments (see module doc).
 */
export function mlpForward(config: MlpConfig, inputs: tf.Tensor2D, params: tf.Tensor1D): tf.Tensor2D {
  let f = forwardCache.get(config);
  if (!f) {
    f = makeForward(config);
    forwardCache.set(config, f);
  }
  return f(inputs, params);
}

function makeForward(config: MlpConfig): (inputs: tf.Tensor2D, params: tf.Tensor1D) => tf.Tensor2D {
  const act = config.activation;
  const L = layerShapes(config).length;
  return tf.customGrad(
    ((inputs: tf.Tensor, params: tf.Tensor, save: tf.GradSaveFunc) => {
      const { W, b } = splitParameters(config, params as tf.Tensor1D);
      const zs: tf.Tensor2D[] = [];
      const as: tf.Tensor2D[] = [inputs as tf.Tensor2D];
      let a = inputs as tf.Tensor2D;
      for (let l = 0; l < L - 1; l++) {
        const z = tf.fused.matMul({ a, b: W[l]!, bias: b[l]! }) as tf.Tensor2D;
        zs.push(z);
        a = activation(z, act) as tf.Tensor2D;
        as.push(a);
      }
      const y = tf.fused.matMul({ a, b: W[L - 1]!, bias: b[L - 1]! });
      save([...W, ...zs, ...as]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const Ws = saved.slice(0, L) as tf.Tensor2D[];
          const zz = saved.slice(L, 2 * L - 1) as tf.Tensor2D[];
          const aa = saved.slice(2 * L - 1) as tf.Tensor2D[];
          const parts: tf.Tensor[] = new Array(2 * L);
          let delta = dy as tf.Tensor2D;
          let dInputs: tf.Tensor2D | undefined;
          for (let l = L - 1; l >= 0; l--) {
            parts[2 * l] = tf.reshape(tf.matMul(tf.transpose(aa[l]!), delta), [-1]);
            parts[2 * l + 1] = tf.sum(delta, 0);
            const dA = tf.matMul(delta, tf.transpose(Ws[l]!));
            if (l > 0) delta = tf.mul(dA, activationDerivative(zz[l - 1]!, aa[l]!, act)) as tf.Tensor2D;
            else dInputs = dA as tf.Tensor2D;
          }
          return [dInputs!, tf.concat(parts)];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  ) as unknown as (inputs: tf.Tensor2D, params: tf.Tensor1D) => tf.Tensor2D;
}

/**
 * Forward-mode Jacobian–vector product in the inputs: with tangent inputs
 * ȧ_0 (n × inputWidth), `ż_l = ȧ_{l−1} W_l`, `ȧ_l = act'(z_l) ⊙ ż_l`;
 * returns `[y, ẏ]`.
 */
export function mlpJvp(
  config: MlpConfig,
  inputs: tf.Tensor2D,
  tangents: tf.Tensor2D,
  params: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => {
    const { W, b } = splitParameters(config, params);
    const L = W.length;
    let a = inputs;
    let da = tangents;
    for (let l = 0; l < L - 1; l++) {
      const z = tf.fused.matMul({ a, b: W[l]!, bias: b[l]! });
      a = activation(z, config.activation) as tf.Tensor2D;
      da = tf.mul(tf.matMul(da, W[l]!), activationDerivative(z, a, config.activation)) as tf.Tensor2D;
    }
    return [tf.fused.matMul({ a, b: W[L - 1]!, bias: b[L - 1]! }) as tf.Tensor2D, tf.matMul(da, W[L - 1]!)];
  });
}

/**
 * The weighted mean squared error `L = scale · Σ_i w_i Σ_j (y_ij − target_ij)²`
 * as a function of y with its gradient `∂L/∂y = 2·scale·w_i (y − target)`
 * written by hand (tfjs-core alone registers no gradients; this keeps the
 * training tape to two custom nodes). `weight` is n × 1 or absent (w = 1).
 */
export function weightedSquaredError(
  y: tf.Tensor2D,
  target: tf.Tensor2D,
  weight: tf.Tensor2D | undefined,
  scale: number,
): tf.Scalar {
  const f = tf.customGrad(
    ((yy: tf.Tensor, save: tf.GradSaveFunc) => {
      const r = tf.sub(yy, target);
      const wr = weight ? tf.mul(r, weight) : r;
      save([r, wr]);
      return {
        value: tf.mul(tf.sum(tf.mul(wr, r)), scale),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[1]!, tf.mul(dy, 2 * scale))],
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  ) as unknown as (y: tf.Tensor2D) => tf.Scalar;
  return f(y);
}
