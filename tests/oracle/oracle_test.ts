import assert from "node:assert/strict";
import { makePoints } from "../../core/data/mod.ts";
import { createOracle, gaussianMarginalField, gaussianMarginalVelocity } from "../../core/oracle/mod.ts";
import {
  convertPrediction,
  createScheduler,
  type Field,
  lipmanScheduler,
  type Prediction,
  PREDICTIONS,
  type Scheduler,
  type ScheduleValue,
} from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";
import { solveOde } from "../../core/samplers/mod.ts";

const SCHEDULERS: Scheduler[] = [
  createScheduler("condot"),
  createScheduler("polynomial", { n: 2 }),
  createScheduler("linear_vp"),
  createScheduler("cosine"),
  createScheduler("vp"),
  createScheduler("ve", { sigma_min: 0.05, sigma_max: 5 }),
  createScheduler("ddpm_linear"),
  createScheduler("ddpm_cosine"),
  lipmanScheduler(0.05),
];

/** The conditional prediction given x1 = z at x (ε = (x − α z)/σ). */
function conditional(p: Prediction, s: ScheduleValue, x: number, z: number): number {
  const eps = (x - s.alpha * z) / s.sigma;
  switch (p) {
    case "velocity":
      return s.dAlpha * z + s.dSigma * eps;
    case "x1":
      return z;
    case "epsilon":
      return eps;
    case "score":
      return -eps / s.sigma;
    case "v_diffusion":
      return s.alpha * eps - s.sigma * z;
  }
}

Deno.test("createOracle() of one point equals the conditional field for every scheduler and prediction", () => {
  const rng = createRng(0, "oracle/one");
  const z = [1.5, -0.5, 0.25];
  const data = makePoints(new Float64Array(z), 3);
  const n = 5;
  const x = rng.fillNormal(new Float64Array(n * 3), 0, 2);
  const out = new Float64Array(n * 3);
  for (const sch of SCHEDULERS) {
    for (const p of PREDICTIONS) {
      const oracle = createOracle(data, sch, { prediction: p });
      assert.equal(oracle.prediction, p);
      for (const t of [0, 0.1, 0.5, 0.93]) {
        oracle.evaluate(x, n, t, out);
        const s = sch.at(t);
        for (let i = 0; i < n * 3; i++) {
          const expected = conditional(p, s, x[i]!, z[i % 3]!);
          assert.ok(
            Math.abs(out[i]! - expected) <= 1e-12 * (1 + Math.abs(expected)),
            `${sch.name} ${p} t=${t}: ${out[i]} vs ${expected}`,
          );
        }
      }
    }
  }
});

/** The Gaussian posterior mean E[x1 | x_t = x] = μ + (α s²/V)(x − α μ), V = α² s² + σ². */
function posteriorMean(s: ScheduleValue, mu: number, sd: number, x: number): number {
  const v = s.alpha * s.alpha * sd * sd + s.sigma * s.sigma;
  return mu + ((s.alpha * sd * sd) / v) * (x - s.alpha * mu);
}

Deno.test("createOracle() of Gaussian data approaches the closed-form posterior within 5 standard errors", () => {
  const mu = [1, -2];
  const sd = [0.5, 1.5];
  const sch = createScheduler("condot");
  const rng = createRng(1, "oracle/gauss");
  const errors: number[] = [];
  for (const N of [200, 20000]) {
    const data = new Float64Array(N * 2);
    for (let k = 0; k < N; k++) {
      data[2 * k] = mu[0]! + sd[0]! * rng.normal();
      data[2 * k + 1] = mu[1]! + sd[1]! * rng.normal();
    }
    const oracle = createOracle(makePoints(data, 2), sch, { prediction: "x1" });
    let sq = 0;
    for (const t of [0.3, 0.6, 0.85]) {
      const s = sch.at(t);
      // Query points from the marginal N(αμ, V).
      const q = 10;
      const x = new Float64Array(q * 2);
      for (let i = 0; i < q * 2; i++) {
        const j = i % 2;
        x[i] = s.alpha * mu[j]! + Math.sqrt(s.alpha ** 2 * sd[j]! ** 2 + s.sigma ** 2) * rng.normal();
      }
      const out = new Float64Array(q * 2);
      oracle.evaluate(x, q, t, out);
      for (let i = 0; i < q; i++) {
        // Self-normalised importance weights, recomputed naively for the standard error
        // SE_j² ≈ Σ_k w_k² (z_kj − m_j)² (delta method; bias O(1/N) is far below it).
        const logw = new Float64Array(N);
        let max = -Infinity;
        for (let k = 0; k < N; k++) {
          const d0 = x[2 * i]! - s.alpha * data[2 * k]!;
          const d1 = x[2 * i + 1]! - s.alpha * data[2 * k + 1]!;
          logw[k] = -(d0 * d0 + d1 * d1) / (2 * s.sigma * s.sigma);
          max = Math.max(max, logw[k]!);
        }
        let wsum = 0;
        for (let k = 0; k < N; k++) wsum += Math.exp(logw[k]! - max);
        for (let j = 0; j < 2; j++) {
          const m = out[2 * i + j]!;
          let se2 = 0;
          for (let k = 0; k < N; k++) {
            const w = Math.exp(logw[k]! - max) / wsum;
            se2 += w * w * (data[2 * k + j]! - m) ** 2;
          }
          const exact = posteriorMean(s, mu[j]!, sd[j]!, x[2 * i + j]!);
          const err = m - exact;
          sq += err * err;
          assert.ok(
            Math.abs(err) <= 5 * Math.sqrt(se2) + 1e-12,
            `N=${N} t=${t} point ${i} coord ${j}: ${m} vs ${exact}, SE ${Math.sqrt(se2)}`,
          );
        }
      }
    }
    errors.push(Math.sqrt(sq / 60));
  }
  // The RMS error shrinks like 1/√N: 100× the data, about 10× smaller.
  assert.ok(errors[1]! < errors[0]! / 4, `RMS error ${errors[1]} at N = 20000 vs ${errors[0]} at N = 200`);
  assert.ok(errors[1]! < 0.02, `RMS error ${errors[1]} at N = 20000`);
});

Deno.test("createOracle() velocity of Gaussian data approaches gaussianMarginalVelocity", () => {
  const mu = [0.5, 1];
  const sd = [1, 0.3];
  const rng = createRng(2, "oracle/gauss-velocity");
  const N = 40000;
  const data = new Float64Array(N * 2);
  for (let k = 0; k < N; k++) {
    data[2 * k] = mu[0]! + sd[0]! * rng.normal();
    data[2 * k + 1] = mu[1]! + sd[1]! * rng.normal();
  }
  for (const sch of [createScheduler("cosine"), createScheduler("vp")]) {
    const oracle = createOracle(makePoints(data, 2), sch);
    const exact = gaussianMarginalVelocity(sch, { mean: mu, std: sd });
    const x = rng.fillNormal(new Float64Array(40), 0.5, 1);
    const a = new Float64Array(40);
    const b = new Float64Array(40);
    for (const t of [0.2, 0.5]) {
      oracle.evaluate(x, 20, t, a);
      exact.evaluate(x, 20, t, b);
      let num = 0;
      let den = 0;
      for (let i = 0; i < 40; i++) {
        num += (a[i]! - b[i]!) ** 2;
        den += b[i]! ** 2;
      }
      // At these t the posterior is broad (effective sample size in the thousands): relative RMS error ≲ 2 %.
      assert.ok(Math.sqrt(num / den) < 0.02, `${sch.name} t=${t}: relative RMS ${Math.sqrt(num / den)}`);
    }
  }
});

Deno.test("createOracle() stays finite near t = 1 far from every data point (log-sum-exp)", () => {
  const data = makePoints(new Float64Array([0, 0, 3, 0]), 2);
  const oracle = createOracle(data, createScheduler("condot"), { prediction: "x1" });
  const out = new Float64Array(2);
  // ‖x − α z‖²/(2σ²) ≈ 1/(2·1e-8): every exp(ℓ) underflows without subtracting the max.
  oracle.evaluate(new Float64Array([1, 1]), 1, 1 - 1e-4, out);
  assert.deepEqual(Array.from(out), [0, 0]);
  oracle.evaluate(new Float64Array([2, 1]), 1, 1, out); // σ = 0: nearest point
  assert.deepEqual(Array.from(out), [3, 0]);
  const v = createOracle(data, createScheduler("condot"));
  v.evaluate(new Float64Array([1.5 + 1e-3, 0]), 1, 1, out); // clamped to 1 − 1e-3
  assert.ok(out.every(Number.isFinite));
});

Deno.test("createOracle() restricts to the class of each label and mixes all classes for −1", () => {
  const data = makePoints(new Float64Array([2, 0, -2, 0, 0, 5]), 2, { labels: new Int32Array([1, 0, 1]) });
  const sch = createScheduler("cosine");
  const oracle = createOracle(data, sch, { prediction: "x1" });
  assert.equal(oracle.classes, 2);
  const x = new Float64Array([0.3, 0.1, 0.3, 0.1, 0.3, 0.1]);
  const out = new Float64Array(6);
  oracle.evaluate(x, 3, 0.4, out, new Int32Array([0, 1, -1]));
  // Class 0 is the single point (−2, 0).
  assert.deepEqual(Array.from(out.subarray(0, 2)), [-2, 0]);
  // Class 1: a mixture of (2, 0) and (0, 5) only.
  const one = createOracle(makePoints(new Float64Array([2, 0, 0, 5]), 2), sch, { prediction: "x1" });
  const ref = new Float64Array(2);
  one.evaluate(x.subarray(0, 2), 1, 0.4, ref);
  assert.ok(Math.abs(out[2]! - ref[0]!) < 1e-14 && Math.abs(out[3]! - ref[1]!) < 1e-14);
  // Unconditional: all three points.
  const all = createOracle(makePoints(new Float64Array([2, 0, -2, 0, 0, 5]), 2), sch, { prediction: "x1" });
  all.evaluate(x.subarray(0, 2), 1, 0.4, ref);
  assert.ok(Math.abs(out[4]! - ref[0]!) < 1e-14 && Math.abs(out[5]! - ref[1]!) < 1e-14);
});

function checkJvp(field: Field, x: Float64Array, n: number, t: number, what: string): void {
  const rng = createRng(3, what);
  const v = rng.fillNormal(new Float64Array(x.length));
  const out = new Float64Array(x.length);
  const jv = new Float64Array(x.length);
  field.jvp!(x, n, t, v, out, jv);
  const h = 1e-5;
  const plus = new Float64Array(x.length);
  const minus = new Float64Array(x.length);
  field.evaluate(x.map((xi, i) => xi + h * v[i]!), n, t, plus);
  field.evaluate(x.map((xi, i) => xi - h * v[i]!), n, t, minus);
  const f0 = new Float64Array(x.length);
  field.evaluate(x, n, t, f0);
  for (let i = 0; i < x.length; i++) {
    assert.equal(out[i], f0[i], `${what}: jvp writes the field too`);
    const fd = (plus[i]! - minus[i]!) / (2 * h);
    assert.ok(Math.abs(jv[i]! - fd) <= 1e-6 * (1 + Math.abs(fd)), `${what} t=${t}: jv ${jv[i]} vs ${fd}`);
  }
}

Deno.test("createOracle() and gaussianMarginalField() JVPs match central differences", () => {
  const rng = createRng(4, "oracle/jvp");
  const data = makePoints(rng.fillNormal(new Float64Array(50 * 3)), 3);
  const x = rng.fillNormal(new Float64Array(4 * 3));
  for (const sch of [createScheduler("condot"), createScheduler("vp")]) {
    for (const p of PREDICTIONS) {
      for (const t of [0.2, 0.7]) {
        checkJvp(createOracle(data, sch, { prediction: p }), x, 4, t, `oracle ${sch.name} ${p}`);
        checkJvp(
          gaussianMarginalField(sch, { mean: [1, 0, -1], std: [0.5, 1, 2] }, { prediction: p }),
          x,
          4,
          t,
          `gaussian ${sch.name} ${p}`,
        );
      }
    }
  }
});

Deno.test("gaussianMarginalVelocity() satisfies the continuity equation ∂p/∂t + ∂(p u)/∂x = 0", () => {
  // Per coordinate, p_t = N(α μ, V) with V = α² s² + σ²; check by central differences in t and x.
  const mu = 0.7;
  const sd = 0.4;
  for (
    const sch of [createScheduler("condot"), createScheduler("cosine"), createScheduler("vp"), createScheduler("ve")]
  ) {
    const u = gaussianMarginalVelocity(sch, { mean: [mu], std: [sd] });
    const p = (x: number, t: number) => {
      const s = sch.at(t);
      const v = s.alpha ** 2 * sd * sd + s.sigma ** 2;
      return Math.exp(-((x - s.alpha * mu) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    };
    const flux = (x: number, t: number) => {
      const out = new Float64Array(1);
      u.evaluate(new Float64Array([x]), 1, t, out);
      return p(x, t) * out[0]!;
    };
    const h = 1e-5;
    for (const t of [0.15, 0.5, 0.8]) {
      for (const x of [-1, 0.2, 0.9, 2]) {
        const dt = (p(x, t + h) - p(x, t - h)) / (2 * h);
        const dx = (flux(x + h, t) - flux(x - h, t)) / (2 * h);
        assert.ok(Math.abs(dt + dx) <= 1e-6 * (1 + Math.abs(dt)), `${sch.name} t=${t} x=${x}: ${dt} + ${dx}`);
      }
    }
  }
});

Deno.test("gaussianMarginalField() predictions agree with each other through convertPrediction", () => {
  const rng = createRng(5, "gaussian/predictions");
  const target = { mean: [1, -1], std: [0.5, 2] };
  const x = rng.fillNormal(new Float64Array(8));
  for (const sch of [createScheduler("linear_vp"), createScheduler("ddpm_cosine")]) {
    const v = new Float64Array(8);
    gaussianMarginalField(sch, target).evaluate(x, 4, 0.45, v);
    for (const p of PREDICTIONS) {
      const direct = new Float64Array(8);
      gaussianMarginalField(sch, target, { prediction: p }).evaluate(x, 4, 0.45, direct);
      const converted = convertPrediction(v, x, { from: "velocity", to: p, schedule: sch.at(0.45) });
      for (let i = 0; i < 8; i++) {
        assert.ok(Math.abs(direct[i]! - converted[i]!) <= 1e-12 * (1 + Math.abs(direct[i]!)), `${sch.name} ${p}`);
      }
    }
  }
});

Deno.test("createOracle() velocity transports Gaussian noise onto the training points (dopri5)", () => {
  const rng = createRng(6, "oracle/ode");
  const N = 6;
  const data = makePoints(rng.fillNormal(new Float64Array(N * 2), 0, 3), 2);
  const n = 40;
  const x0 = rng.fillNormal(new Float64Array(n * 2));
  for (const sch of [createScheduler("condot"), createScheduler("cosine")]) {
    const end = solveOde(createOracle(data, sch), x0, { n, method: "dopri5", atol: 1e-8, rtol: 1e-8 }).x;
    const hits = new Array(N).fill(0);
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      let which = -1;
      for (let k = 0; k < N; k++) {
        const d = Math.hypot(end[2 * i]! - data.data[2 * k]!, end[2 * i + 1]! - data.data[2 * k + 1]!);
        if (d < best) [best, which] = [d, k];
      }
      // σ at the clamp time 1 − 1e-3 is ~1e-3 (condot) or ~1.6e-3 (cosine): the flow ends within a few σ of a point.
      assert.ok(best < 1e-2, `${sch.name}: point ${i} ends ${best} from the nearest training point`);
      hits[which]++;
    }
    // The memorising field reaches more than one training point.
    assert.ok(hits.filter((h) => h > 0).length >= 3, `${sch.name}: hits ${hits}`);
  }
});
