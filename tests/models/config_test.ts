import assert from "node:assert/strict";
import {
  createModel,
  initParameters,
  inputWidth,
  layerShapes,
  type MlpConfig,
  parameterCount,
  resolveOptimizer,
  validateConfig,
  writeInputRow,
} from "../../core/models/mod.ts";
import { testRng } from "./_helpers.ts";

const base: MlpConfig = { dim: 2, hidden: [64, 64, 64], activation: "elu", timeEmbedding: { kind: "concat" } };

Deno.test("parameterCount() is Σ fanIn·fanOut + fanOut over the layers", () => {
  // 3 → 64 → 64 → 64 → 2: torch's Sequential has 4·64 + 2·65·64 + 65·2 parameters
  assert.equal(parameterCount(base), 3 * 64 + 64 + 2 * (64 * 64 + 64) + 64 * 2 + 2);
  const c: MlpConfig = {
    dim: 3,
    hidden: [5],
    activation: "relu",
    timeEmbedding: { kind: "fourier", frequencies: 2 },
    classes: 4,
  };
  assert.equal(inputWidth(c), 3 + 5 + 5);
  assert.deepEqual(layerShapes(c), [
    { fanIn: 13, fanOut: 5, offsetW: 0, offsetB: 65 },
    { fanIn: 5, fanOut: 3, offsetW: 70, offsetB: 85 },
  ]);
});

Deno.test("writeInputRow() writes x, t, sin/cos features and the label one-hot", () => {
  const c: MlpConfig = {
    dim: 2,
    hidden: [4],
    activation: "tanh",
    timeEmbedding: { kind: "fourier", frequencies: 2 },
    classes: 3,
  };
  const out = new Float32Array(inputWidth(c));
  const t = 0.3;
  writeInputRow(c, [1.5, -2], 0, t, 1, out, 0);
  const want = [
    1.5,
    -2,
    t,
    Math.sin(Math.PI * t),
    Math.sin(2 * Math.PI * t),
    Math.cos(Math.PI * t),
    Math.cos(2 * Math.PI * t),
    0,
    1,
    0,
    0,
  ];
  assert.deepEqual(Array.from(out), want.map(Math.fround));
  for (const label of [-1, 3, 7]) {
    writeInputRow(c, [0, 0], 0, 0, label, out, 0);
    assert.deepEqual(Array.from(out.subarray(7)), [0, 0, 0, 1], `label ${label} means no label`);
  }
});

Deno.test("initParameters() draws PyTorch's U(−1/√fanIn, 1/√fanIn) per layer", () => {
  const params = initParameters(base, testRng("init"));
  for (const l of layerShapes(base)) {
    const bound = 1 / Math.sqrt(l.fanIn);
    const w = params.subarray(l.offsetW, l.offsetB + l.fanOut);
    let s2 = 0;
    for (const p of w) {
      assert.ok(Math.abs(p) <= bound);
      s2 += p * p;
    }
    // E p² = bound²/3, Var p² = bound⁴(1/5 − 1/9): 5 standard errors
    const mean = s2 / w.length;
    const se = Math.sqrt(bound ** 4 * (1 / 5 - 1 / 9) / w.length);
    assert.ok(Math.abs(mean - bound ** 2 / 3) < 5 * se, `layer ${l.fanIn}→${l.fanOut}: ${mean} vs ${bound ** 2 / 3}`);
  }
  assert.deepEqual(initParameters(base, testRng("init")), params);
});

Deno.test("validateConfig() and resolveOptimizer() reject bad values with readable errors", () => {
  assert.throws(() => validateConfig({ ...base, hidden: [] }), /Cannot build model "mlp": hidden "\[\]" must list/);
  assert.throws(() => validateConfig({ ...base, activation: "gelu" as "elu" }), /activation "gelu" is unknown/);
  assert.throws(() => validateConfig({ ...base, dim: 0 }), /dim "0" must be a positive integer/);
  assert.throws(() => resolveOptimizer({ beta2: 1 }), /beta2 "1" must be in \[0, 1\)/);
  assert.deepEqual(resolveOptimizer(), {
    kind: "adam",
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    clip: 0,
    ema: 0,
  });
  assert.throws(
    () => createModel(base, { rng: testRng("x"), engine: "gpu" as "tfjs" }),
    /engine "gpu" is unknown/,
  );
});
