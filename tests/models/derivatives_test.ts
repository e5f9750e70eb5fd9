import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend/mod.ts";
import { createModel, inputWidth, mlpForward } from "../../core/models/mod.ts";
import {
  batchInputs,
  CONFIGS,
  randomBatch,
  referenceForwardRow,
  referenceLoss,
  relError,
  testRng,
} from "./_helpers.ts";

await initBackend("wasm");

// Central differences of the float64 reference (h = 1e−6) are exact to ~1e−10;
// the engines compute in float32, so agreement to 2e−5 of the largest entry is
// what float32 allows (an error in a formula shows up as O(1)).
const H = 1e-6;
const TOL = 2e-5;

for (const { name, config } of CONFIGS) {
  Deno.test(`Model.lossGradient() of the tfjs engine matches central finite differences (${name})`, () => {
    const rng = testRng(`fd ${name}`);
    const model = createModel(config, { rng: rng.derive("init"), engine: "tfjs" });
    const batch = randomBatch(config, 24, rng, { weight: true, labels: true });
    const params = Float64Array.from(model.state().params);
    const { loss, grad } = model.lossGradient(batch);
    assert.ok(Math.abs(loss - referenceLoss(config, params, batch)) / loss < 1e-5);
    // 48 parameters spread over every layer (first and last entries included).
    const P = params.length;
    const idx = Array.from({ length: 48 }, (_, k) => Math.round((k * (P - 1)) / 47));
    const fd: number[] = [];
    const got: number[] = [];
    for (const i of idx) {
      const p = params[i]!;
      params[i] = p + H;
      const up = referenceLoss(config, params, batch);
      params[i] = p - H;
      const down = referenceLoss(config, params, batch);
      params[i] = p;
      fd.push((up - down) / (2 * H));
      got.push(grad[i]!);
    }
    assert.ok(relError(got, fd) < TOL, `rel error ${relError(got, fd)}`);
    model.dispose();
  });

  Deno.test(`Model.jvp() of both engines matches central finite differences in x (${name})`, () => {
    const rng = testRng(`jvp ${name}`);
    const n = 9;
    const d = config.dim;
    const x = rng.fillNormal(new Float64Array(n * d));
    const v = rng.fillNormal(new Float64Array(n * d));
    const t = rng.fillUniform(new Float64Array(n));
    const labels = config.classes
      ? Int32Array.from({ length: n }, (_, i) => (i % (config.classes! + 2)) - 1)
      : undefined;
    for (const engine of ["fused", "tfjs"] as const) {
      const model = createModel(config, { rng: rng.derive("init"), engine });
      const params = model.state().params;
      const out = new Float64Array(n * d);
      const jv = new Float64Array(n * d);
      model.jvp(x, n, t, v, out, jv, { labels });
      const plain = new Float64Array(n * d);
      model.predict(x, n, t, plain, { labels });
      assert.deepEqual(out, plain);
      const fd: number[] = [];
      const xs = (s: number) => x.map((xi, k) => xi + s * v[k]!);
      const up = batchInputs(config, xs(H), n, t, labels);
      const down = batchInputs(config, xs(-H), n, t, labels);
      // batchInputs rounds x to float32; take the x-part of the inputs in float64 instead.
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) {
          up[i]![j] = x[i * d + j]! + H * v[i * d + j]!;
          down[i]![j] = x[i * d + j]! - H * v[i * d + j]!;
        }
        const a = referenceForwardRow(config, params, up[i]!);
        const b = referenceForwardRow(config, params, down[i]!);
        for (let j = 0; j < d; j++) fd.push((a[j]! - b[j]!) / (2 * H));
      }
      assert.ok(relError(jv, fd) < TOL, `${engine}: rel error ${relError(jv, fd)}`);
      model.dispose();
    }
  });
}

Deno.test("mlpForward() is differentiable in its inputs by tfjs autodiff (vector–Jacobian product)", () => {
  const { config } = CONFIGS[3]!;
  const rng = testRng("vjp");
  const model = createModel(config, { rng: rng.derive("init"), engine: "tfjs" });
  const params = model.state().params;
  const n = 5;
  const w = inputWidth(config);
  const x = rng.fillNormal(new Float64Array(n * config.dim));
  const rows = batchInputs(config, x, n, new Float64Array(n).fill(0.4));
  const u = rng.fillNormal(new Float64Array(n * config.dim));
  const grad = tf.tidy(() => {
    const theta = tf.tensor1d(params);
    // dy = u: the gradient of ⟨u, f(inputs)⟩ without any registered tfjs gradient but the model's own.
    const f = (inp: tf.Tensor) => mlpForward(config, inp as tf.Tensor2D, theta);
    const inputs = tf.tensor2d(rows.flatMap((r) => Array.from(r)), [n, w]);
    return tf.grad(f)(inputs, tf.tensor2d(Float32Array.from(u), [n, config.dim])).dataSync();
  });
  // uᵀ J by central differences on every input feature.
  const fd: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < w; k++) {
      const r = rows[i]!;
      const p = r[k]!;
      r[k] = p + H;
      const a = referenceForwardRow(config, params, r);
      r[k] = p - H;
      const b = referenceForwardRow(config, params, r);
      r[k] = p;
      fd.push(a.reduce((s, aj, j) => s + u[i * config.dim + j]! * (aj - b[j]!) / (2 * H), 0));
    }
  }
  assert.ok(relError(grad, fd) < TOL, `rel error ${relError(grad, fd)}`);
  model.dispose();
});
