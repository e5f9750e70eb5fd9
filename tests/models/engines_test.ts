import assert from "node:assert/strict";
import { initBackend } from "../../core/backend/mod.ts";
import { createModel, modelFromState, type ModelState, type OptimizerConfig } from "../../core/models/mod.ts";
import { batchInputs, CONFIGS, randomBatch, referenceForwardRow, relError, testRng } from "./_helpers.ts";

await initBackend("wasm");

// Float32 arithmetic in different orders (and FMA in the relaxed kernel) keeps
// the two engines within a few ulp per operation; 1e-5 relative is the contract.
const TOL = 1e-5;

Deno.test("createModel() picks the fused engine on the wasm backend and honours engine: tfjs", () => {
  const { config } = CONFIGS[0]!;
  const auto = createModel(config, { rng: testRng("auto") });
  const tfjs = createModel(config, { rng: testRng("auto"), engine: "tfjs" });
  assert.equal(auto.engine, "fused");
  assert.match(auto.variant, /^fused-(relaxed|simd)$/);
  assert.equal(tfjs.engine, "tfjs");
  assert.equal(tfjs.variant, "tfjs-wasm");
  assert.deepEqual(auto.state().params, tfjs.state().params);
  auto.dispose();
  tfjs.dispose();
});

for (const { name, config } of CONFIGS) {
  Deno.test(`Model.predict() of both engines equals the float64 reference network (${name})`, () => {
    const rng = testRng(`predict ${name}`);
    const fused = createModel(config, { rng: rng.derive("init"), engine: "fused" });
    const tfjs = modelFromState(fused.state(), { engine: "tfjs" });
    const n = 37;
    const x = rng.fillNormal(new Float64Array(n * config.dim));
    const t = rng.fillUniform(new Float64Array(n));
    const labels = config.classes
      ? Int32Array.from({ length: n }, (_, i) => (i % (config.classes! + 2)) - 1)
      : undefined;
    const rows = batchInputs(config, x, n, t, labels);
    const params = fused.state().params;
    const expected = rows.flatMap((r) => referenceForwardRow(config, params, r));
    for (const model of [fused, tfjs]) {
      const out = new Float64Array(n * config.dim);
      model.predict(x, n, t, out, { labels });
      assert.ok(relError(out, expected) < TOL, `${model.engine}: ${relError(out, expected)}`);
      // one t for all rows = that t repeated
      const one = new Float64Array(n * config.dim);
      const rep = new Float64Array(n * config.dim);
      model.predict(x, n, 0.3, one, { labels });
      model.predict(x, n, new Float64Array(n).fill(0.3), rep, { labels });
      assert.deepEqual(one, rep);
    }
    fused.dispose();
    tfjs.dispose();
  });

  Deno.test(`Model.lossGradient() agrees between engines to 1e-5 (${name})`, () => {
    const rng = testRng(`grad ${name}`);
    const fused = createModel(config, { rng: rng.derive("init"), engine: "fused" });
    const tfjs = modelFromState(fused.state(), { engine: "tfjs" });
    const batch = randomBatch(config, 61, rng, { weight: true, labels: true });
    const a = fused.lossGradient(batch);
    const b = tfjs.lossGradient(batch);
    assert.ok(Math.abs(a.loss - b.loss) / b.loss < TOL, `loss ${a.loss} vs ${b.loss}`);
    assert.ok(relError(a.grad, b.grad) < TOL, `grad rel error ${relError(a.grad, b.grad)}`);
    fused.dispose();
    tfjs.dispose();
  });
}

/** θ' of one step in float64 from the formula of OptimizerConfig (types.ts), to check both engines against. */
function expectedStep(
  state: ModelState,
  grad: Float32Array,
  lr: number,
): { params: number[]; m: number[]; v: number[]; ema: number[] } {
  const o = state.optimizer;
  const t = state.step + 1;
  let norm = 0;
  for (const g of grad) norm += g * g;
  norm = Math.sqrt(norm);
  const coef = o.clip > 0 ? Math.min(1, o.clip / (norm + 1e-6)) : 1;
  const out = { params: [] as number[], m: [] as number[], v: [] as number[], ema: [] as number[] };
  for (let i = 0; i < grad.length; i++) {
    let g = grad[i]! * coef;
    let th = state.params[i]!;
    if (o.kind === "adam") g += o.weightDecay * th;
    else th *= 1 - lr * o.weightDecay;
    const m = o.beta1 * state.m[i]! + (1 - o.beta1) * g;
    const v = o.beta2 * state.v[i]! + (1 - o.beta2) * g * g;
    const mHat = m / (1 - o.beta1 ** t);
    const vHat = v / (1 - o.beta2 ** t);
    th -= (lr * mHat) / (Math.sqrt(vHat) + o.eps);
    out.params.push(th);
    out.m.push(m);
    out.v.push(v);
    out.ema.push(o.ema * state.ema![i]! + (1 - o.ema) * th);
  }
  return out;
}

/**
 * New float32 values against the float64 formula: the update (new − old) must
 * agree to TOL relative to the largest update, up to the rounding of storing
 * each value in float32 (4 ulp of the value itself).
 */
function assertUpdate(what: string, got: ArrayLike<number>, want: number[], old: ArrayLike<number>): void {
  let maxDelta = 0;
  for (let i = 0; i < want.length; i++) maxDelta = Math.max(maxDelta, Math.abs(want[i]! - old[i]!));
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const allowed = TOL * maxDelta + 4 * 2 ** -24 * Math.abs(want[i]!);
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / allowed);
  }
  assert.ok(worst <= 1, `${what}: error ${worst.toFixed(2)}× the allowed (1e-5 of the update + 4 ulp)`);
}

const OPTIMIZERS: { name: string; opt: Partial<OptimizerConfig> }[] = [
  { name: "adamw, decay, clipping, ema", opt: { kind: "adamw", weightDecay: 0.05, clip: 0.05, ema: 0.9 } },
  { name: "adam, L2 decay, ema", opt: { kind: "adam", weightDecay: 0.01, ema: 0.99, beta1: 0.8, beta2: 0.99 } },
];

for (const { name, config } of [CONFIGS[0]!, CONFIGS[2]!, CONFIGS[4]!, CONFIGS[5]!]) {
  for (const { name: oname, opt } of OPTIMIZERS) {
    Deno.test(`Model.trainStep() of both engines follows the ${oname} formula to 1e-5 (${name})`, () => {
      const rng = testRng(`step ${name} ${oname}`);
      const init = createModel(config, { rng: rng.derive("init"), engine: "fused", optimizer: opt });
      // A state in the middle of training: random moments, EMA apart from θ, step 7.
      const s0 = init.state();
      s0.m = rng.fillNormal(new Float32Array(s0.params.length), 0, 1e-2);
      s0.v = rng.fillUniform(new Float32Array(s0.params.length), 1e-5, 1e-4);
      s0.ema = s0.params.map((p) => p + 0.01 * rng.normal());
      s0.step = 7;
      const batch = randomBatch(config, 50, rng, { weight: true, labels: true });
      const lr = 3e-3;
      const { loss: loss0, grad } = init.lossGradient(batch);
      if (opt.clip) {
        const norm = Math.sqrt(grad.reduce((s, g) => s + g * g, 0));
        assert.ok(norm > opt.clip, `clipping must be active: ‖g‖ = ${norm}`);
      }
      const want = expectedStep(s0, grad, lr);
      for (const engine of ["fused", "tfjs"] as const) {
        const model = modelFromState(s0, { engine });
        const loss = model.trainStep(batch, lr);
        assert.ok(Math.abs(loss - loss0) / loss0 < TOL, `${engine} loss ${loss} vs ${loss0}`);
        const s1 = model.state();
        assert.equal(s1.step, 8);
        assertUpdate(`${engine} θ`, s1.params, want.params, s0.params);
        assertUpdate(`${engine} m`, s1.m, want.m, s0.m);
        assertUpdate(`${engine} v`, s1.v, want.v, s0.v);
        assertUpdate(`${engine} ema`, s1.ema!, want.ema, s0.ema!);
        model.dispose();
      }
      init.dispose();
    });
  }
}

Deno.test("Model.predict() with ema uses the EMA parameters", () => {
  const { config } = CONFIGS[0]!;
  const rng = testRng("ema");
  for (const engine of ["fused", "tfjs"] as const) {
    const model = createModel(config, { rng: rng.derive("init"), engine, optimizer: { ema: 0.5 } });
    const batch = randomBatch(config, 32, rng.derive("b"));
    model.trainStep(batch, 1e-2);
    const s = model.state();
    const view = modelFromState({ ...s, params: s.ema! }, { engine });
    const x = rng.derive("x").fillNormal(new Float64Array(20));
    const a = new Float64Array(20);
    const b = new Float64Array(20);
    model.predict(x, 10, 0.5, a, { ema: true });
    view.predict(x, 10, 0.5, b);
    assert.deepEqual(a, b);
    const plain = createModel(config, { rng: rng.derive("init"), engine });
    assert.throws(() => plain.predict(x, 10, 0.5, a, { ema: true }), /keeps no EMA/);
    for (const m of [model, view, plain]) m.dispose();
  }
});

Deno.test("Model.predict() of the fused engine handles more rows than one kernel call", () => {
  const { config } = CONFIGS[0]!;
  const rng = testRng("chunks");
  const fused = createModel(config, { rng: rng.derive("init"), engine: "fused" });
  const n = 5000;
  const x = rng.fillNormal(new Float64Array(n * 2));
  const t = rng.fillUniform(new Float64Array(n));
  const all = new Float64Array(n * 2);
  fused.predict(x, n, t, all);
  const part = new Float64Array(2 * 2);
  for (const i of [0, 2047, 2048, 4999]) {
    fused.predict(x.subarray(2 * i, 2 * i + 2), 1, t.subarray(i, i + 1), part);
    assert.deepEqual(Array.from(part.subarray(0, 2)), Array.from(all.subarray(2 * i, 2 * i + 2)));
  }
  fused.dispose();
});

Deno.test("Model.lossGradient() agrees between engines on a batch the fused kernel splits into several passes", () => {
  for (const { name, config } of [CONFIGS[3]!, CONFIGS[5]!]) {
    const rng = testRng(`big batch ${name}`);
    const fused = createModel(config, { rng: rng.derive("init"), engine: "fused" });
    const tfjs = modelFromState(fused.state(), { engine: "tfjs" });
    const batch = randomBatch(config, 1100, rng, { weight: true, labels: true }); // passes of 512, 512, 76 rows
    const a = fused.lossGradient(batch);
    const b = tfjs.lossGradient(batch);
    assert.ok(Math.abs(a.loss - b.loss) / b.loss < TOL, `${name}: loss ${a.loss} vs ${b.loss}`);
    assert.ok(relError(a.grad, b.grad) < TOL, `${name}: grad rel error ${relError(a.grad, b.grad)}`);
    fused.dispose();
    tfjs.dispose();
  }
});
