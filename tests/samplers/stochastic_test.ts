import assert from "node:assert/strict";
import { mixture } from "../../core/data/mod.ts";
import { gaussianMarginalField } from "../../core/oracle/mod.ts";
import { createScheduler, type Prediction, type Scheduler } from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";
import { ddimTimes, sampleDdim, sampleDdpm, sampleLangevin, sampleSde, solveOde } from "../../core/samplers/mod.ts";

const MEAN = [1, -2], STD = [0.5, 1.5];

/** Sample mean, variances and the covariance of two-dimensional points. */
function moments(x: Float64Array) {
  const n = x.length / 2;
  let m0 = 0, m1 = 0;
  for (let i = 0; i < n; i++) {
    m0 += x[2 * i]!;
    m1 += x[2 * i + 1]!;
  }
  m0 /= n;
  m1 /= n;
  let v0 = 0, v1 = 0, c = 0;
  for (let i = 0; i < n; i++) {
    const a = x[2 * i]! - m0, b = x[2 * i + 1]! - m1;
    v0 += a * a;
    v1 += b * b;
    c += a * b;
  }
  return { n, mean: [m0, m1], variance: [v0 / (n - 1), v1 / (n - 1)], covariance: c / (n - 1) };
}

/**
 * Asserts N(MEAN, diag STD²) moments within k standard errors: the mean's SE
 * is s/√n, a variance's s²√(2/n), the covariance's s0 s1/√n.
 */
function assertTargetMoments(x: Float64Array, what: string, k = 4) {
  const { n, mean, variance, covariance } = moments(x);
  for (let j = 0; j < 2; j++) {
    const s = STD[j]!;
    assert.ok(Math.abs(mean[j]! - MEAN[j]!) < k * s / Math.sqrt(n), `${what}: mean[${j}] = ${mean[j]}`);
    assert.ok(
      Math.abs(variance[j]! - s * s) < k * s * s * Math.sqrt(2 / n),
      `${what}: variance[${j}] = ${variance[j]}, target ${s * s}`,
    );
  }
  assert.ok(Math.abs(covariance) < k * STD[0]! * STD[1]! / Math.sqrt(n), `${what}: covariance ${covariance}`);
}

/** Points drawn from the path's own marginal at t: α μ + √(α² s² + σ²) z (exact start for any scheduler). */
function marginalAt(s: Scheduler, t: number, n: number, seed: number): Float64Array {
  const { alpha, sigma } = s.at(t);
  const z = createRng(seed, "start").fillNormal(new Float64Array(2 * n));
  return z.map((v, i) => alpha * MEAN[i % 2]! + Math.sqrt(alpha * alpha * STD[i % 2]! ** 2 + sigma * sigma) * v);
}

const condot = createScheduler("condot");
const velocity = gaussianMarginalField(condot, { mean: MEAN, std: STD });

Deno.test("solveOde() maps N(0, I) onto N(μ, diag s²) with the closed-form field", () => {
  const n = 2000;
  const x0 = createRng(1, "x0").fillNormal(new Float64Array(2 * n));
  const r = solveOde(velocity, x0, { n, method: "rk4", steps: 20 });
  // the exact flow map is x1 = μ + s ⊙ x0
  for (let i = 0; i < 2 * n; i++) assert.ok(Math.abs(r.x[i]! - (MEAN[i % 2]! + STD[i % 2]! * x0[i]!)) < 1e-6);
  assertTargetMoments(solveOde(velocity, marginalAt(condot, 0, 10000, 2), { n: 10000, method: "dopri5" }).x, "ode");
});

Deno.test("sampleSde() with g = 0 is exactly the Euler ODE sampler", () => {
  const n = 100;
  const x0 = createRng(3, "x0").fillNormal(new Float64Array(2 * n));
  const ode = solveOde(velocity, x0, { n, method: "euler", steps: 17 });
  const sde = sampleSde(velocity, x0, { n, scheduler: condot, g: 0, steps: 17, rng: createRng(0, "unused") });
  assert.deepEqual(sde.x, ode.x);
  assert.equal(sde.nfe, 17);
});

Deno.test("sampleSde() with g > 0 keeps the ODE's marginals (target mean and covariance)", () => {
  const n = 4000;
  const x0 = marginalAt(condot, 0, n, 4);
  for (const g of [1, (t: number) => 2 * (1 - t)]) {
    const r = sampleSde(velocity, x0, { n, scheduler: condot, g, steps: 250, rng: createRng(5, "sde") });
    assertTargetMoments(r.x, `sde g = ${g}`);
  }
  // cosine path, constant g: same target
  const cosine = createScheduler("cosine");
  const u = gaussianMarginalField(cosine, { mean: MEAN, std: STD });
  const r = sampleSde(u, marginalAt(cosine, 0, n, 6), { n, scheduler: cosine, g: 0.8, steps: 250, rng: createRng(6) });
  assertTargetMoments(r.x, "sde cosine");
});

Deno.test("sampleSde() gives the same samples from any prediction of the same field", () => {
  // from t = 0.05: at t = 0 the epsilon → velocity conversion is singular (α = 0) and is clamped to tEps
  const n = 200;
  const x0 = marginalAt(condot, 0.05, n, 7);
  const run = (p: Prediction) =>
    sampleSde(gaussianMarginalField(condot, { mean: MEAN, std: STD }, { prediction: p }), x0, {
      n,
      scheduler: condot,
      g: 0.7,
      steps: 50,
      t0: 0.05,
      rng: createRng(8, "noise"),
    }).x;
  const reference = run("velocity");
  for (const p of ["epsilon", "x1", "score", "v_diffusion"] as const) {
    const x = run(p);
    for (let i = 0; i < x.length; i++) {
      assert.ok(Math.abs(x[i]! - reference[i]!) < 1e-9, `${p}: ${x[i]} ≠ ${reference[i]}`);
    }
  }
});

Deno.test("sampleSde() saves its trajectory and draws no noise on the last step", () => {
  const n = 50;
  const x0 = createRng(9, "x0").fillNormal(new Float64Array(2 * n));
  const r = sampleSde(velocity, x0, { n, scheduler: condot, g: 1, steps: 10, rng: createRng(10), saveAt: "steps" });
  const tr = r.trajectory!;
  assert.equal(tr.times.length, 11);
  assert.deepEqual(tr.states.subarray(0, 2 * n), x0);
  assert.deepEqual(tr.states.subarray(20 * n), r.x);
  // the last step is the drift alone from the state at t = 0.9
  const x9 = tr.states.slice(18 * n, 20 * n), v = new Float64Array(2 * n);
  velocity.evaluate(x9, n, 0.9, v);
  const { alpha, sigma, dAlpha, dSigma } = condot.at(0.9);
  const det = alpha * dSigma - sigma * dAlpha;
  for (let i = 0; i < 2 * n; i++) {
    const score = -(alpha * v[i]! - dAlpha * x9[i]!) / (sigma * det);
    const expected = x9[i]! + (1 - 0.9) * (v[i]! + 0.5 * score);
    assert.ok(Math.abs(r.x[i]! - expected) < 1e-12);
  }
});

const ddpm = createScheduler("ddpm_linear", { steps: 1000 });

for (const variance of ["beta", "posterior"] as const) {
  Deno.test(`sampleDdpm() variance "${variance}" reaches the target from the exact epsilon`, () => {
    const n = 3000;
    const eps = gaussianMarginalField(ddpm, { mean: MEAN, std: STD }, { prediction: "epsilon" });
    const r = sampleDdpm(eps, marginalAt(ddpm, 0, n, 11), { n, scheduler: ddpm, variance, rng: createRng(12) });
    assert.equal(r.nfe, 1000);
    assertTargetMoments(r.x, `ddpm ${variance}`);
  });
}

Deno.test("sampleDdpm() accepts any prediction and rejects continuous schedulers", () => {
  const small = createScheduler("ddpm_cosine", { steps: 50 });
  const n = 40;
  const xK = marginalAt(small, 0, n, 13);
  const run = (p: Prediction) =>
    sampleDdpm(gaussianMarginalField(small, { mean: MEAN, std: STD }, { prediction: p }), xK, {
      n,
      scheduler: small,
      variance: "beta",
      rng: createRng(14),
    }).x;
  const reference = run("epsilon");
  for (const p of ["velocity", "x1", "score"] as const) {
    const x = run(p);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - reference[i]!) < 1e-8, `${p}`);
  }
  assert.throws(
    () => sampleDdpm(velocity, xK, { n, scheduler: condot, variance: "beta", rng: createRng(0) }),
    /no discrete grid/,
  );
});

Deno.test("sampleDdim() with eta = 0 is an Euler step of d(x/σ)/d(α/σ) = x̂1", () => {
  const n = 30;
  for (const scheduler of [createScheduler("cosine"), createScheduler("ddpm_linear", { steps: 100 })]) {
    const eps = gaussianMarginalField(scheduler, { mean: MEAN, std: STD }, { prediction: "epsilon" });
    const x1Field = gaussianMarginalField(scheduler, { mean: MEAN, std: STD }, { prediction: "x1" });
    const times = ddimTimes(scheduler, { steps: 10 });
    const t = times[3]!, s = times[4]!;
    const xt = marginalAt(scheduler, t, n, 15);
    const r = sampleDdim(eps, xt, { n, scheduler, eta: 0, times: [t, s, 1], saveAt: [s] });
    const xs = r.trajectory!.states;
    const a = scheduler.at(t), b = scheduler.at(s);
    const x1 = new Float64Array(2 * n);
    x1Field.evaluate(xt, n, t, x1);
    for (let i = 0; i < 2 * n; i++) {
      // x_s/σ_s = x_t/σ_t + (α_s/σ_s − α_t/σ_t) x̂1
      const euler = b.sigma * (xt[i]! / a.sigma + (b.alpha / b.sigma - a.alpha / a.sigma) * x1[i]!);
      assert.ok(
        Math.abs(xs[i]! - euler) <= 1e-12 * Math.max(1, Math.abs(euler)),
        `${scheduler.name}: ${xs[i]} vs ${euler}`,
      );
    }
    // the last step (to σ = 0) returns x̂1 itself
    const last = new Float64Array(2 * n);
    x1Field.evaluate(xs, n, s, last);
    for (let i = 0; i < 2 * n; i++) assert.ok(Math.abs(r.x[i]! - last[i]!) < 1e-12);
  }
});

Deno.test("sampleDdim() with eta = 0 converges to the exact flow map as steps grow", () => {
  const cosine = createScheduler("cosine");
  const u = gaussianMarginalField(cosine, { mean: MEAN, std: STD });
  const n = 100;
  const x0 = createRng(16, "x0").fillNormal(new Float64Array(2 * n));
  const err = (steps: number) => {
    const x = sampleDdim(u, x0, { n, scheduler: cosine, steps, eta: 0 }).x;
    return x.reduce((m, v, i) => Math.max(m, Math.abs(v - (MEAN[i % 2]! + STD[i % 2]! * x0[i]!))), 0);
  };
  const e = [25, 50, 100, 200].map(err);
  // first order: each halving of the step halves the error
  for (let k = 0; k + 1 < e.length; k++) {
    const ratio = e[k + 1]! / e[k]!;
    assert.ok(ratio > 0.45 && ratio < 0.55, `errors ${e}`);
  }
});

Deno.test("sampleDdim() with eta = 1 on the full grid is DDPM with the posterior variance", () => {
  const grid = createScheduler("ddpm_linear", { steps: 100 });
  const n = 60;
  const eps = gaussianMarginalField(grid, { mean: MEAN, std: STD }, { prediction: "epsilon" });
  const xK = marginalAt(grid, 0, n, 17);
  const a = sampleDdim(eps, xK, { n, scheduler: grid, steps: 100, eta: 1, rng: createRng(18, "z") }).x;
  const b = sampleDdpm(eps, xK, { n, scheduler: grid, variance: "posterior", rng: createRng(18, "z") }).x;
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-12, `${a[i]} vs ${b[i]}`);
});

Deno.test("sampleDdim() with eta = 0.5 keeps the target marginals on the full grid", () => {
  const n = 3000;
  const eps = gaussianMarginalField(ddpm, { mean: MEAN, std: STD }, { prediction: "epsilon" });
  const r = sampleDdim(eps, marginalAt(ddpm, 0, n, 19), {
    n,
    scheduler: ddpm,
    steps: 1000,
    eta: 0.5,
    rng: createRng(20),
  });
  assertTargetMoments(r.x, "ddim eta 0.5");
});

Deno.test("ddimTimes() is the trailing sub-grid of a discrete schedule, uniform otherwise", () => {
  assert.deepEqual(Array.from(ddimTimes(createScheduler("ddpm_linear", { steps: 10 }), { steps: 4 })), [
    0,
    1 - 8 / 10,
    1 - 5 / 10,
    1 - 3 / 10,
    1,
  ]);
  assert.deepEqual(Array.from(ddimTimes(condot, { steps: 4 })), [0, 0.25, 0.5, 0.75, 1]);
  assert.throws(() => ddimTimes(condot, { times: [0, 0.5] }), /end at 1/);
});

Deno.test("sampleLangevin() has the discretised chain's stationary variance on a Gaussian", () => {
  // x' = x − (g²dt/2) x + g√dt z has stationary variance 1/(1 − g²dt/4); here 8/7
  const n = 20000;
  const r = sampleLangevin(
    (x, k, out) => {
      for (let i = 0; i < k; i++) out[i] = -x[i]!;
    },
    new Float64Array(n),
    { n, dim: 1, g: 1, steps: 100, dt: 0.5, rng: createRng(21) },
  );
  let m = 0, v = 0;
  for (const x of r.x) m += x / n;
  for (const x of r.x) v += (x - m) ** 2 / (n - 1);
  const target = 8 / 7;
  assert.ok(Math.abs(v - target) < 4 * target * Math.sqrt(2 / n), `variance ${v}`);
  assert.ok(Math.abs(m) < 4 * Math.sqrt(target / n));
});

Deno.test("sampleLangevin() reaches the weights of a five-mode mixture from a single point", () => {
  const weights = [0.1, 0.15, 0.2, 0.25, 0.3];
  const means = weights.map((_, k) => [2 * Math.cos((2 * Math.PI * k) / 5), 2 * Math.sin((2 * Math.PI * k) / 5)]);
  const mix = mixture({ means, std: 0.5, weights });
  const n = 2000;
  const r = sampleLangevin((x, k, out) => mix.score!(x, k, out), new Float64Array(2 * n), {
    n,
    dim: 2,
    g: 1,
    steps: 600,
    dt: 0.05,
    rng: createRng(22),
  });
  const counts = new Array(5).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0, bestD = Infinity;
    means.forEach(([a, b], c) => {
      const d = (r.x[2 * i]! - a!) ** 2 + (r.x[2 * i + 1]! - b!) ** 2;
      if (d < bestD) [best, bestD] = [c, d];
    });
    counts[best]++;
  }
  // nearest-centre shares of exact samples differ from the weights by < 0.003 here (overlap is small at std 0.5)
  weights.forEach((w, c) => {
    const share = counts[c] / n;
    assert.ok(Math.abs(share - w) < 4 * Math.sqrt(w * (1 - w) / n) + 0.005, `mode ${c}: ${share} vs ${w}`);
  });
});
