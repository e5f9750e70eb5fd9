import assert from "node:assert/strict";
import { initBackend } from "../../core/backend/mod.ts";
import {
  createModel,
  deserializeModelState,
  type MlpConfig,
  modelFromState,
  serializeModelState,
  type TrainBatch,
} from "../../core/models/mod.ts";
import { CONFIGS, randomBatch, testRng } from "./_helpers.ts";

await initBackend("wasm");

const config: MlpConfig = CONFIGS[5]!.config; // fourier + labels + odd widths
const optimizer = { kind: "adamw" as const, weightDecay: 0.01, clip: 1, ema: 0.95 };

function batches(count: number): TrainBatch[] {
  const rng = testRng("batches");
  return Array.from({ length: count }, () => randomBatch(config, 40, rng, { weight: true, labels: true }));
}

Deno.test("serializeModelState() round trip is exact and byte-stable", () => {
  const model = createModel(config, { rng: testRng("ser"), engine: "fused", optimizer });
  for (const b of batches(3)) model.trainStep(b, 1e-2);
  const state = model.state();
  const bytes = serializeModelState(state);
  const back = deserializeModelState(bytes);
  assert.deepEqual(back, state);
  assert.deepEqual(serializeModelState(back), bytes);
  // a copy with the config's keys in another order serializes to the same bytes
  const reordered = { ...state, config: { classes: 3, ...state.config } };
  assert.deepEqual(serializeModelState(reordered), bytes);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "FLMS");
  model.dispose();
});

Deno.test("deserializeModelState() rejects other bytes with a readable error", () => {
  assert.throws(() => deserializeModelState(new Uint8Array(20)), /missing the "FLMS" signature/);
  const model = createModel(config, { rng: testRng("ser2"), engine: "tfjs" });
  const bytes = serializeModelState(model.state());
  const v2 = bytes.slice();
  v2[4] = 2;
  assert.throws(() => deserializeModelState(v2), /format version "2" is not supported/);
  assert.throws(() => deserializeModelState(bytes.subarray(0, bytes.length - 4)), /runs past the end/);
  model.dispose();
});

for (const engine of ["fused", "tfjs"] as const) {
  Deno.test(`Model (${engine}) resumed from a checkpoint continues byte for byte like an uninterrupted run`, () => {
    const data = batches(12);
    const straight = createModel(config, { rng: testRng("resume"), engine, optimizer });
    const losses: number[] = data.map((b, i) => straight.trainStep(b, 1e-2 * (1 - i / 24)));
    const first = createModel(config, { rng: testRng("resume"), engine, optimizer });
    const resumedLosses: number[] = data.slice(0, 5).map((b, i) => first.trainStep(b, 1e-2 * (1 - i / 24)));
    const checkpoint = serializeModelState(first.state());
    first.dispose();
    const resumed = modelFromState(deserializeModelState(checkpoint), { engine });
    assert.equal(resumed.step, 5);
    for (let i = 5; i < data.length; i++) resumedLosses.push(resumed.trainStep(data[i]!, 1e-2 * (1 - i / 24)));
    assert.deepEqual(resumedLosses, losses);
    assert.deepEqual(serializeModelState(resumed.state()), serializeModelState(straight.state()));
    straight.dispose();
    resumed.dispose();
  });

  Deno.test(`Model (${engine}) is deterministic: same seed and batches give identical bytes`, () => {
    const data = batches(4);
    const run = () => {
      const m = createModel(config, { rng: testRng("det"), engine, optimizer });
      for (const b of data) m.trainStep(b, 1e-2);
      const bytes = serializeModelState(m.state());
      m.dispose();
      return bytes;
    };
    assert.deepEqual(run(), run());
  });
}

Deno.test("Model.load() moves a state between engines and rejects another architecture", () => {
  const fused = createModel(config, { rng: testRng("load"), engine: "fused", optimizer });
  fused.trainStep(batches(1)[0]!, 1e-2);
  const tfjs = createModel(config, { rng: testRng("other"), engine: "tfjs", optimizer });
  tfjs.load(fused.state());
  assert.deepEqual(tfjs.state(), fused.state());
  const other = createModel({ ...config, hidden: [8] }, { rng: testRng("x"), engine: "fused" });
  assert.throws(() => other.load(fused.state()), /Cannot load model state: its config/);
  for (const m of [fused, tfjs, other]) m.dispose();
});
