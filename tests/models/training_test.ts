import assert from "node:assert/strict";
import { initBackend } from "../../core/backend/mod.ts";
import { createModel, type MlpConfig, type TrainBatch } from "../../core/models/mod.ts";
import { testRng } from "./_helpers.ts";

await initBackend("wasm");

// CFM from x0 ~ N(0, I) to x1 ~ N(μ, s² I) in 2-D, independent coupling,
// x_t = (1 − t) x0 + t x1, target u = x1 − x0, t ~ U(0, 1).
const MU = [2, -1];
const S = 0.5;
const STEPS = 300;
const N = 128;
const WINDOW = 50;

/**
 * The loss floor E_t Var(u | x_t) per coordinate: u and x_t are jointly
 * Gaussian with Var u = 1 + s², Var x_t = (1 − t)² + t² s², Cov = t s² − (1 − t),
 * so Var(u | x_t) = Var u − Cov² / Var x_t (midpoint rule in t).
 */
function lossFloor(): number {
  let s = 0;
  const K = 10000;
  for (let k = 0; k < K; k++) {
    const t = (k + 0.5) / K;
    const cov = t * S * S - (1 - t);
    s += 1 + S * S - (cov * cov) / ((1 - t) ** 2 + t * t * S * S);
  }
  return s / K;
}

function makeBatches(): TrainBatch[] {
  const rng = testRng("cfm");
  return Array.from({ length: STEPS }, () => {
    const x = new Float32Array(2 * N);
    const target = new Float32Array(2 * N);
    const t = rng.fillUniform(new Float32Array(N));
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < 2; j++) {
        const x0 = rng.normal();
        const x1 = MU[j]! + S * rng.normal();
        x[2 * i + j] = (1 - t[i]!) * x0 + t[i]! * x1;
        target[2 * i + j] = x1 - x0;
      }
    }
    return { n: N, x, t, target };
  });
}

function meanSe(xs: number[]): { mean: number; se: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, se: Math.sqrt(v / xs.length) };
}

Deno.test("Model.trainStep() CFM loss curves of both engines decrease to the floor and agree within noise", () => {
  const config: MlpConfig = { dim: 2, hidden: [32, 32], activation: "elu", timeEmbedding: { kind: "concat" } };
  const batches = makeBatches();
  const floor = lossFloor();
  // Initial loss ≈ E‖u‖²/2 = (2(1 + s²) + ‖μ‖²)/2 at f ≈ 0.
  const start = (2 * (1 + S * S) + MU[0]! ** 2 + MU[1]! ** 2) / 2;
  const tails: Record<string, { mean: number; se: number }> = {};
  for (const engine of ["fused", "tfjs"] as const) {
    const model = createModel(config, { rng: testRng("cfm init"), engine });
    const losses = batches.map((b) => model.trainStep(b, 1e-2));
    const head = meanSe(losses.slice(0, 2));
    const tail = meanSe(losses.slice(-WINDOW));
    tails[engine] = tail;
    assert.ok(head.mean > 0.6 * start, `${engine}: first losses ${head.mean} should be near ${start}`);
    assert.ok(tail.mean < 1.25 * floor, `${engine}: final loss ${tail.mean} did not get near the floor ${floor}`);
    // The conditional variance is a lower bound of the expected loss.
    assert.ok(tail.mean > floor - 4 * tail.se, `${engine}: final loss ${tail.mean} below the floor ${floor}`);
    model.dispose();
  }
  const a = tails.fused!;
  const b = tails.tfjs!;
  assert.ok(
    Math.abs(a.mean - b.mean) < 4 * Math.hypot(a.se, b.se),
    `engines differ: ${a.mean} ± ${a.se} vs ${b.mean} ± ${b.se}`,
  );
});
