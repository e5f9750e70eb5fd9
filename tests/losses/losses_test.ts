import assert from "node:assert/strict";
import type { PairBatch } from "../../core/couplings/mod.ts";
import { makePoints } from "../../core/data/mod.ts";
import {
  createTSampler,
  fieldLoss,
  LAST_FLOAT32_BELOW_ONE,
  LOSS_WEIGHTS,
  makeTrainBatch,
  trainingTargets,
  type TSampler,
} from "../../core/losses/mod.ts";
import { createOracle, gaussianMarginalVelocity } from "../../core/oracle/mod.ts";
import { asPrediction, createPath, type Field } from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";

function gaussianPairs(n: number, dim: number, seed: number, labels = false): PairBatch {
  const rng = createRng(seed, "losses/pairs");
  return {
    n,
    dim,
    x0: rng.fillNormal(new Float64Array(n * dim)),
    x1: rng.fillNormal(new Float64Array(n * dim), 1, 0.5),
    ...(labels ? { labels: Int32Array.from({ length: n }, (_, i) => i % 3) } : {}),
  };
}

const constant = (t: number): TSampler => ({
  name: `constant(${t})`,
  sample: (n, _rng, out) => (out ?? new Float64Array(n)).fill(t),
});

Deno.test("createTSampler() uniform has mean ½ and variance 1/12 within 5 standard errors", () => {
  const n = 100000;
  const t = createTSampler({ kind: "uniform" }).sample(n, createRng(0, "uniform"));
  let mean = 0;
  for (const v of t) {
    assert.ok(v >= 0 && v < 1);
    mean += v / n;
  }
  let variance = 0;
  for (const v of t) variance += (v - mean) ** 2 / (n - 1);
  assert.ok(Math.abs(mean - 0.5) <= 5 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
  // Var of (t − ½)² for U[0, 1] is 1/80 − 1/144 = 1/180.
  assert.ok(Math.abs(variance - 1 / 12) <= 5 * Math.sqrt(1 / 180 / n), `variance ${variance}`);
});

Deno.test("createTSampler() logit_normal has logit(t) ~ N(mean, std²) within 5 standard errors", () => {
  const n = 50000;
  const t = createTSampler({ kind: "logit_normal", mean: 0.5, std: 1.5 }).sample(n, createRng(1, "ln"));
  let m = 0;
  for (const v of t) m += Math.log(v / (1 - v)) / n;
  let v2 = 0;
  for (const v of t) v2 += (Math.log(v / (1 - v)) - m) ** 2 / (n - 1);
  assert.ok(Math.abs(m - 0.5) <= 5 * (1.5 / Math.sqrt(n)), `mean ${m}`);
  assert.ok(Math.abs(v2 - 2.25) <= 5 * 2.25 * Math.sqrt(2 / (n - 1)), `variance ${v2}`);
  assert.throws(() => createTSampler({ kind: "logit_normal", std: 0 }), /std "0" must be a positive number/);
});

Deno.test("createTSampler() discrete draws the DDPM grid t = 1 − k/K, k uniform on 1 … K", () => {
  const K = 10;
  const n = 50000;
  const t = createTSampler({ kind: "discrete", steps: K }).sample(n, createRng(2, "discrete"));
  const counts = new Array(K + 1).fill(0);
  for (const v of t) {
    const k = Math.round(K * (1 - v));
    assert.ok(Math.abs(v - (1 - k / K)) < 1e-15 && k >= 1 && k <= K, `t ${v}`);
    counts[k]++;
  }
  // Chi-square with K − 1 = 9 degrees of freedom: P(χ² > 33.7) < 1e-4.
  const e = n / K;
  const chi2 = counts.slice(1).reduce((s, c) => s + (c - e) ** 2 / e, 0);
  assert.ok(chi2 < 33.7, `chi2 ${chi2}`);
  assert.throws(() => createTSampler({ kind: "discrete", steps: 0 }), /steps "0" must be a positive integer/);
  assert.throws(() => createTSampler({ kind: "normal" } as never), /Unknown t-sampler "normal"/);
});

Deno.test("makeTrainBatch() builds x_t and the target of every prediction at the float32 t", () => {
  const pairs = gaussianPairs(64, 2, 0, true);
  for (const [name, params] of [["cosine", {}], ["ve", { sigma_max: 3 }]] as const) {
    const path = createPath({ kind: "affine", scheduler: name, params });
    const sch = path.scheduler!;
    const std = sch.source.std;
    for (const prediction of ["velocity", "x1", "epsilon", "score", "v_diffusion"] as const) {
      const b = makeTrainBatch(pairs, {
        path,
        prediction,
        tSampler: createTSampler({ kind: "uniform" }),
        rng: createRng(5, "batch"),
      });
      assert.equal(b.n, 64);
      assert.deepEqual(b.labels, pairs.labels);
      assert.equal(b.weight !== undefined, prediction === "score", "only score has a default weight (σ²)");
      for (let i = 0; i < 64; i++) {
        const t = b.t[i]!;
        const s = sch.at(t);
        if (b.weight) assert.ok(Math.abs(b.weight[i]! - s.sigma * s.sigma) <= 1e-7 * s.sigma * s.sigma);
        for (let j = 0; j < 2; j++) {
          const k = 2 * i + j;
          const x1 = pairs.x1[k]!;
          const eps = pairs.x0[k]! / std;
          assert.equal(b.x[k], Math.fround(s.alpha * x1 + s.sigma * eps));
          const expected = {
            velocity: s.dAlpha * x1 + s.dSigma * eps,
            x1,
            epsilon: eps,
            score: -eps / s.sigma,
            v_diffusion: s.alpha * eps - s.sigma * x1,
          }[prediction];
          assert.ok(
            Math.abs(b.target[k]! - expected) <= 1e-6 * (1 + Math.abs(expected)),
            `${name} ${prediction}: ${b.target[k]} vs ${expected}`,
          );
        }
      }
    }
  }
});

Deno.test("makeTrainBatch() maps a t that rounds to 1 to 1 − 2⁻²⁴ and keeps targets finite", () => {
  const pairs = gaussianPairs(4, 2, 1);
  const b = makeTrainBatch(pairs, {
    path: createPath({ kind: "affine", scheduler: "vp" }),
    prediction: "score",
    tSampler: constant(1 - 1e-12),
    rng: createRng(0, "x"),
  });
  assert.ok(b.t.every((t) => t === Math.fround(LAST_FLOAT32_BELOW_ONE)));
  assert.ok(b.target.every(Number.isFinite) && b.weight!.every(Number.isFinite));
});

/** A smooth, deliberately wrong velocity "model": v(x, t) = sin(x) + t x. */
const model: Field = {
  dim: 2,
  prediction: "velocity",
  evaluate(x, n, t, out) {
    for (let i = 0; i < n * 2; i++) out[i] = Math.sin(x[i]!) + t * x[i]!;
  },
};

Deno.test("makeTrainBatch() CFM and DDPM losses of the same model agree after the MATH.md §4 weight", () => {
  const pairs = gaussianPairs(512, 2, 2);
  const tSampler = createTSampler({ kind: "uniform" });
  for (const name of ["condot", "cosine", "vp", "polynomial"]) {
    const path = createPath({ kind: "affine", scheduler: name });
    const sch = path.scheduler!;
    const eps = asPrediction(model, sch, "epsilon");
    const vBatch = makeTrainBatch(pairs, { path, prediction: "velocity", tSampler, rng: createRng(7, "same") });
    const eBatch = makeTrainBatch(pairs, {
      path,
      prediction: "epsilon",
      lossWeight: "as_velocity",
      tSampler,
      rng: createRng(7, "same"),
    });
    assert.deepEqual(vBatch.t, eBatch.t);
    assert.deepEqual(vBatch.x, eBatch.x);
    const vPer = new Float64Array(512);
    const ePer = new Float64Array(512);
    const vLoss = fieldLoss(model, vBatch, { perExample: vPer });
    const eLoss = fieldLoss(eps, eBatch, { perExample: ePer });
    for (let i = 0; i < 512; i++) {
      const t = vBatch.t[i]!;
      if (t < 1e-3 || t > 1 - 1e-3) continue; // asPrediction / weight clamping at singular ends
      const w = eBatch.weight![i]!;
      if (name === "condot") {
        // ‖v̂ − v‖² = ‖ε̂ − ε‖² / t² for condot.
        assert.ok(Math.abs(w - 1 / (t * t)) <= 1e-6 * w, `condot weight ${w} vs 1/t² ${1 / (t * t)}`);
      }
      // Float32 x_t and targets: agreement to ~1e-6 relative, not exactly.
      assert.ok(
        Math.abs(vPer[i]! - w * ePer[i]!) <= 1e-4 * vPer[i]! + 1e-9,
        `${name} t=${t}: ${vPer[i]} vs ${w} · ${ePer[i]}`,
      );
    }
    assert.ok(Math.abs(vLoss - eLoss) <= 1e-3 * vLoss, `${name}: CFM ${vLoss} vs weighted DDPM ${eLoss}`);
  }
});

Deno.test("makeTrainBatch() score loss with the default σ² weight is the epsilon loss (DSM = DDPM)", () => {
  const pairs = gaussianPairs(256, 2, 3);
  const path = createPath({ kind: "affine", scheduler: "cosine" });
  const opts = { path, tSampler: createTSampler({ kind: "uniform" }) };
  const sBatch = makeTrainBatch(pairs, { ...opts, prediction: "score", rng: createRng(8, "same") });
  const eBatch = makeTrainBatch(pairs, { ...opts, prediction: "epsilon", rng: createRng(8, "same") });
  const sLoss = fieldLoss(asPrediction(model, path.scheduler!, "score"), sBatch);
  const eLoss = fieldLoss(asPrediction(model, path.scheduler!, "epsilon"), eBatch);
  assert.ok(Math.abs(sLoss - eLoss) <= 1e-4 * eLoss, `${sLoss} vs ${eLoss}`);
});

Deno.test("fieldLoss() of the exact Gaussian marginal is the conditional variance det² s²/V (the loss floor)", () => {
  // Var(α̇ x1 + σ̇ ε | x_t) = α̇² s² + σ̇² − (α α̇ s² + σ σ̇)²/V = det² s²/V per coordinate.
  const n = 20000;
  const sd = [0.5, 2];
  const rng = createRng(4, "floor");
  const x0 = rng.fillNormal(new Float64Array(n * 2));
  const x1 = new Float64Array(n * 2);
  for (let i = 0; i < n * 2; i++) x1[i] = 1 + sd[i % 2]! * rng.normal();
  for (const name of ["condot", "cosine"]) {
    const path = createPath({ kind: "affine", scheduler: name });
    const sch = path.scheduler!;
    const exact = gaussianMarginalVelocity(sch, { mean: [1, 1], std: sd });
    for (const t of [0.25, 0.75]) {
      const per = new Float64Array(n);
      const batch = makeTrainBatch({ n, dim: 2, x0, x1 }, {
        path,
        prediction: "velocity",
        tSampler: constant(t),
        rng: createRng(0, "u"),
      });
      const loss = fieldLoss(exact, batch, { perExample: per });
      const s = sch.at(Math.fround(t));
      const det = s.alpha * s.dSigma - s.sigma * s.dAlpha;
      const floor = sd.reduce((acc, v) => acc + (det * det * v * v) / (s.alpha ** 2 * v * v + s.sigma ** 2), 0) / 2;
      // Each example's error is a sum of squared Gaussians: 5 standard errors of the mean of `per`.
      let m = 0;
      for (const p of per) m += p / n;
      let v = 0;
      for (const p of per) v += (p - m) ** 2 / (n - 1);
      const se = Math.sqrt(v / n) / 2;
      assert.ok(Math.abs(loss - floor) <= 5 * se, `${name} t=${t}: loss ${loss} vs floor ${floor} (SE ${se})`);
    }
  }
});

Deno.test("fieldLoss() evaluates the field once per distinct t and applies weights", () => {
  let calls = 0;
  const counting: Field = {
    dim: 1,
    prediction: "velocity",
    evaluate(x, n, t, out) {
      calls++;
      for (let i = 0; i < n; i++) out[i] = x[i]! + t;
    },
  };
  const pairs = gaussianPairs(300, 1, 5);
  const batch = makeTrainBatch(pairs, {
    path: createPath({ kind: "affine", scheduler: "condot" }),
    prediction: "velocity",
    tSampler: createTSampler({ kind: "discrete", steps: 7 }),
    rng: createRng(9, "d"),
  });
  const per = new Float64Array(300);
  const loss = fieldLoss(counting, batch, { perExample: per });
  assert.ok(calls <= 7, `${calls} evaluations`);
  let manual = 0;
  for (let i = 0; i < 300; i++) {
    const e = batch.x[i]! + batch.t[i]! - batch.target[i]!;
    assert.ok(Math.abs(per[i]! - e * e) <= 1e-12 * (1 + e * e));
    manual += e * e;
  }
  assert.ok(Math.abs(loss - manual / 300) <= 1e-12 * manual);
  batch.weight = new Float32Array(300).fill(2);
  assert.ok(Math.abs(fieldLoss(counting, batch) - (2 * manual) / 300) <= 1e-12 * manual);
});

Deno.test("makeTrainBatch() accepts only velocity and no weight on the SB path", () => {
  const pairs = gaussianPairs(8, 2, 6);
  const path = createPath({ kind: "sb", sigma: 0.5 });
  const tSampler = createTSampler({ kind: "uniform" });
  const b = makeTrainBatch(pairs, { path, prediction: "velocity", tSampler, rng: createRng(0, "sb") });
  assert.equal(b.weight, undefined);
  assert.throws(
    () => makeTrainBatch(pairs, { path, prediction: "epsilon", tSampler, rng: createRng(0, "sb") }),
    /Cannot train "epsilon" on path "sb\(sigma=0.5\)": only affine paths/,
  );
  assert.throws(
    () => makeTrainBatch(pairs, { path, prediction: "velocity", lossWeight: "snr", tSampler, rng: createRng(0, "sb") }),
    /Cannot weight the loss by "snr" on path "sb\(sigma=0.5\)"/,
  );
  assert.throws(
    () =>
      trainingTargets(pairs, new Float64Array(8).fill(0.5), {
        path,
        prediction: "velocity",
        lossWeight: "nope" as never,
        rng: createRng(0),
      }),
    /Unknown loss weight "nope"/,
  );
  assert.ok(LOSS_WEIGHTS.includes("as_velocity") && LOSS_WEIGHTS.includes("sigma2"));
});

Deno.test("fieldLoss() of the oracle on one-point data is zero: the conditional and marginal fields coincide", () => {
  const z = makePoints(new Float64Array([0.5, -1]), 2);
  const n = 64;
  const rng = createRng(10, "one");
  const x1 = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) x1.set([0.5, -1], 2 * i);
  const pairs = { n, dim: 2, x0: rng.fillNormal(new Float64Array(n * 2)), x1 };
  const path = createPath({ kind: "affine", scheduler: "cosine" });
  const batch = makeTrainBatch(pairs, {
    path,
    prediction: "velocity",
    tSampler: createTSampler({ kind: "uniform" }),
    rng,
  });
  const per = new Float64Array(n);
  fieldLoss(createOracle(z, path.scheduler!), batch, { perExample: per });
  for (let i = 0; i < n; i++) {
    if (batch.t[i]! > 0.999) continue; // clamped end
    assert.ok(per[i]! < 1e-9, `t=${batch.t[i]}: ${per[i]}`);
  }
});
