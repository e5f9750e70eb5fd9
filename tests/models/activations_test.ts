import assert from "node:assert/strict";
import { initBackend } from "../../core/backend/mod.ts";
import {
  type Activation,
  type MlpConfig,
  modelFromState,
  parameterCount,
  resolveOptimizer,
} from "../../core/models/mod.ts";

await initBackend("wasm");

const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;
const EXACT: Record<Activation, (z: number) => number> = {
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  relu: (z) => Math.max(z, 0),
  selu: (z) => (z > 0 ? SELU_L * z : SELU_L * SELU_A * Math.expm1(z)),
  silu: (z) => z / (1 + Math.exp(-z)),
  tanh: (z) => Math.tanh(z),
};
const DERIVATIVE: Record<Activation, (z: number) => number> = {
  elu: (z) => (z > 0 ? 1 : Math.exp(z)),
  relu: (z) => (z > 0 ? 1 : 0),
  selu: (z) => (z > 0 ? SELU_L : SELU_L * SELU_A * Math.exp(z)),
  silu: (z) => {
    const s = 1 / (1 + Math.exp(-z));
    return s * (1 + z * (1 - s));
  },
  tanh: (z) => 1 - Math.tanh(z) ** 2,
};

// f(x) = act(x): input [x, t] → hidden unit 0 = x → output = that unit.
function identityThrough(activation: Activation, engine: "fused" | "tfjs") {
  const config: MlpConfig = { dim: 1, hidden: [4], activation, timeEmbedding: { kind: "concat" } };
  const params = new Float32Array(parameterCount(config)); // W0 [2, 4], b0 [4], W1 [4, 1], b1 [1]
  params[0] = 1; // W0[x, unit 0]
  params[12] = 1; // W1[unit 0, out]
  const P = params.length;
  return modelFromState({
    config,
    optimizer: resolveOptimizer(),
    params,
    m: new Float32Array(P),
    v: new Float32Array(P),
    step: 0,
  }, {
    engine,
  });
}

for (const activation of ["elu", "relu", "selu", "silu", "tanh"] as const) {
  Deno.test(`Model.predict() and jvp() evaluate ${activation} and its derivative to float32 accuracy over [−90, 90]`, () => {
    const n = 721;
    const x = Float64Array.from({ length: n }, (_, i) => Math.fround(-90 + i * 0.25));
    for (const engine of ["fused", "tfjs"] as const) {
      const model = identityThrough(activation, engine);
      const out = new Float64Array(n);
      const jv = new Float64Array(n);
      model.jvp(x, n, 0, new Float64Array(n).fill(1), out, jv);
      for (let i = 0; i < n; i++) {
        const z = x[i]!;
        // float32 results: a few ulp of the value, or of 1 where a formula cancels
        // (e^z − 1, 1 − tanh², 1 + z(1 − σ))
        const f = EXACT[activation](z);
        assert.ok(
          Math.abs(out[i]! - f) <= 4e-7 * Math.max(1, Math.abs(f)),
          `${engine} ${activation}(${z}) = ${out[i]} ≠ ${f}`,
        );
        const d = DERIVATIVE[activation](z);
        assert.ok(
          Math.abs(jv[i]! - d) <= 4e-7 * Math.max(1, Math.abs(d)),
          `${engine} ${activation}'(${z}) = ${jv[i]} ≠ ${d}`,
        );
      }
      model.dispose();
    }
  });
}
