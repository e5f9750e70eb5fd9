import assert from "node:assert/strict";
import { initBackend } from "../../core/backend/mod.ts";
import { createModel } from "../../core/models/mod.ts";
import { CONFIGS, randomBatch, referenceLoss, relError, testRng } from "./_helpers.ts";

await initBackend("cpu");

Deno.test("createModel() on the cpu backend uses the tfjs engine, whose gradient matches finite differences", () => {
  const { config } = CONFIGS[2]!; // selu + fourier
  const rng = testRng("cpu");
  const model = createModel(config, { rng: rng.derive("init") });
  assert.equal(model.engine, "tfjs");
  assert.equal(model.variant, "tfjs-cpu");
  const batch = randomBatch(config, 16, rng, { weight: true });
  const params = Float64Array.from(model.state().params);
  const { loss, grad } = model.lossGradient(batch);
  assert.ok(Math.abs(loss - referenceLoss(config, params, batch)) / loss < 1e-5);
  const h = 1e-6;
  const idx = [0, 7, 100, 400, params.length - 1];
  const fd = idx.map((i) => {
    const p = params[i]!;
    params[i] = p + h;
    const up = referenceLoss(config, params, batch);
    params[i] = p - h;
    const down = referenceLoss(config, params, batch);
    params[i] = p;
    return (up - down) / (2 * h);
  });
  const got = idx.map((i) => grad[i]!);
  assert.ok(relError(got, fd) < 2e-5, `rel error ${relError(got, fd)}`);
  const before = model.trainStep(batch, 1e-2);
  const after = model.lossGradient(batch).loss;
  assert.ok(after < before, `one step on the same batch lowers its loss: ${before} → ${after}`);
  model.dispose();
});
