import assert from "node:assert/strict";
import { initBackend } from "../../core/backend/mod.ts";
import { logLikelihood } from "../../core/likelihood/mod.ts";
import { createModel } from "../../core/models/mod.ts";
import type { Field } from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";

/**
 * The condot marginal field from N(0, I) to N(μ, Σ) in 3-D with a rotated,
 * non-diagonal Σ = R diag(λ) Rᵀ:
 * `v_t(x) = μ + (tΣ − (1 − t)I) V_t⁻¹ (x − tμ)`, `V_t = t²Σ + (1 − t)² I`,
 * so its Jacobian `J_t = R diag((tλ − (1 − t)) / (t²λ + (1 − t)²)) Rᵀ` is
 * symmetric but not diagonal, and the flow maps x0 to μ + Σ^{1/2} x0.
 */
const MU = [0.5, -1, 2];
const LAMBDA = [0.25, 1.5, 4];
const R = (() => {
  // a rotation: exp of a skew matrix, built from two Givens rotations
  const a = 0.7, b = -0.4;
  const g1 = [[Math.cos(a), -Math.sin(a), 0], [Math.sin(a), Math.cos(a), 0], [0, 0, 1]];
  const g2 = [[1, 0, 0], [0, Math.cos(b), -Math.sin(b)], [0, Math.sin(b), Math.cos(b)]];
  return g1.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * g2[k]![j]!, 0)));
})();
/** R diag(d) Rᵀ as a 3 × 3 array. */
const rotated = (d: number[]) =>
  [0, 1, 2].map((i) => [0, 1, 2].map((j) => [0, 1, 2].reduce((s, k) => s + R[i]![k]! * d[k]! * R[j]![k]!, 0)));
const matVec = (m: number[][], v: ArrayLike<number>, off: number, out: Float64Array, outOff: number) => {
  for (let i = 0; i < 3; i++) out[outOff + i] = m[i]![0]! * v[off]! + m[i]![1]! * v[off + 1]! + m[i]![2]! * v[off + 2]!;
};
const jacobian = (t: number) => rotated(LAMBDA.map((l) => (t * l - (1 - t)) / (t * t * l + (1 - t) * (1 - t))));

const gaussianField: Field = {
  dim: 3,
  prediction: "velocity",
  evaluate(x, n, t, out) {
    const J = jacobian(t), c = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) c[j] = x[3 * i + j]! - t * MU[j]!;
      matVec(J, c, 0, out, 3 * i);
      for (let j = 0; j < 3; j++) out[3 * i + j] = out[3 * i + j]! + MU[j]!;
    }
  },
  jvp(x, n, t, v, out, jv) {
    this.evaluate(x, n, t, out);
    const J = jacobian(t);
    for (let i = 0; i < n; i++) matVec(J, v, 3 * i, jv, 3 * i);
  },
};
const { jvp: _drop, ...withoutJvp } = gaussianField;
const fdField: Field = withoutJvp;

/** log N(x; μ, Σ) in closed form. */
const SIGMA_INV = rotated(LAMBDA.map((l) => 1 / l));
const LOG_DET = LAMBDA.reduce((s, l) => s + Math.log(l), 0);
function exactLogp(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n), c = new Float64Array(3), q = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) c[j] = x[3 * i + j]! - MU[j]!;
    matVec(SIGMA_INV, c, 0, q, 0);
    out[i] = -1.5 * Math.log(2 * Math.PI) - 0.5 * LOG_DET - 0.5 * (c[0]! * q[0]! + c[1]! * q[1]! + c[2]! * q[2]!);
  }
  return out;
}

const N = 64;
const X1 = (() => {
  // points of the target: μ + Σ^{1/2} z
  const z = createRng(1, "x1").fillNormal(new Float64Array(3 * N)), x = new Float64Array(3 * N);
  const root = rotated(LAMBDA.map(Math.sqrt));
  for (let i = 0; i < N; i++) {
    matVec(root, z, 3 * i, x, 3 * i);
    for (let j = 0; j < 3; j++) x[3 * i + j] = x[3 * i + j]! + MU[j]!;
  }
  return { x, z };
})();
const UNIT = { kind: "normal", std: 1 } as const;

Deno.test("logLikelihood() exact matches the closed-form Gaussian log-density of a linear flow", () => {
  const r = logLikelihood(gaussianField, X1.x, { n: N, method: "exact", source: UNIT, atol: 1e-9, rtol: 1e-9 });
  const exact = exactLogp(X1.x, N);
  for (let i = 0; i < N; i++) assert.ok(Math.abs(r.logp[i]! - exact[i]!) < 1e-6, `${r.logp[i]} vs ${exact[i]}`);
  // the backward flow returns the latent z
  for (let i = 0; i < 3 * N; i++) assert.ok(Math.abs(r.x0[i]! - X1.z[i]!) < 1e-6);
  assert.equal(r.divergence, "jvp");
  assert.equal(r.fieldCalls, 3 * r.nfe); // d JVPs per evaluation of the augmented dynamics
  const meanNll = -exact.reduce((s, v) => s + v, 0) / N;
  assert.ok(Math.abs(r.nats - meanNll) < 1e-6);
  assert.ok(Math.abs(r.bitsPerDim - r.nats / (3 * Math.LN2)) < 1e-15);
  assert.equal(r.stderr, undefined);
  // a fixed-step solver converges to the same value
  const rk4 = logLikelihood(gaussianField, X1.x, { n: N, method: "exact", source: UNIT, solver: "rk4", steps: 200 });
  assert.ok(Math.abs(rk4.nats - meanNll) < 1e-5, `rk4 ${rk4.nats} vs ${meanNll}`);
});

Deno.test("logLikelihood() falls back to central finite differences without a JVP, and says so", () => {
  const r = logLikelihood(fdField, X1.x, { n: N, method: "exact", source: UNIT, atol: 1e-9, rtol: 1e-9 });
  assert.equal(r.divergence, "finite-difference");
  assert.equal(r.fieldCalls, 7 * r.nfe); // v, then two calls per dimension
  const exact = exactLogp(X1.x, N);
  // the field is linear: central differences are exact up to rounding / h
  for (let i = 0; i < N; i++) assert.ok(Math.abs(r.logp[i]! - exact[i]!) < 1e-6);
});

for (const probe of ["gaussian", "rademacher"] as const) {
  Deno.test(`logLikelihood() hutchinson (${probe}) agrees with the exact value within its standard error`, () => {
    const exact = logLikelihood(gaussianField, X1.x, { n: N, method: "exact", source: UNIT });
    const h = logLikelihood(gaussianField, X1.x, {
      n: N,
      method: "hutchinson",
      probe,
      probes: 16,
      source: UNIT,
      rng: createRng(2, probe),
    });
    assert.ok(h.stderr! > 0);
    assert.ok(Math.abs(h.nats - exact.nats) < 4 * h.stderr!, `${h.nats} vs ${exact.nats} ± ${h.stderr}`);
    // per point: z = (hutchinson − exact)/stderr has a t-like law with 15 degrees of freedom (variance 15/13)
    let sum = 0, sq = 0;
    for (let i = 0; i < N; i++) {
      const z = (h.logp[i]! - exact.logp[i]!) / h.logpStderr![i]!;
      sum += z;
      sq += z * z;
    }
    assert.ok(Math.abs(sum / N) < 4 * Math.sqrt(15 / 13 / N), `mean z ${sum / N}`);
    assert.ok(sq / N > 0.4 && sq / N < 2, `mean z² ${sq / N}`);
    assert.equal(h.fieldCalls, 16 * h.nfe);
  });
}

Deno.test("logLikelihood() rademacher probes have a smaller spread than gaussian ones", () => {
  // Var zᵀJz = 2‖J‖_F² (gaussian) vs 2 Σ_{i≠j} J_ij² (rademacher)
  const run = (probe: "gaussian" | "rademacher") =>
    logLikelihood(gaussianField, X1.x, {
      n: N,
      method: "hutchinson",
      probe,
      probes: 8,
      source: UNIT,
      rng: createRng(3),
    })
      .stderr!;
  assert.ok(run("rademacher") < run("gaussian"));
});

Deno.test("logLikelihood() of a constant field is the shifted source density (any source std)", () => {
  // v = c moves x1 back to x0 = x1 − c with no volume change
  const c = [0.3, -0.2];
  const constant: Field = {
    dim: 2,
    prediction: "velocity",
    evaluate(_x, n, _t, out) {
      for (let i = 0; i < n; i++) out.set(c, 2 * i);
    },
  };
  const x = new Float64Array([0, 0, 1, 2, -3, 0.5]);
  for (const std of [1, 2.5]) {
    const r = logLikelihood(constant, x, { n: 3, method: "exact", source: { kind: "normal", std } });
    for (let i = 0; i < 3; i++) {
      const a = x[2 * i]! - c[0]!, b = x[2 * i + 1]! - c[1]!;
      const expected = -Math.log(2 * Math.PI * std * std) - (a * a + b * b) / (2 * std * std);
      assert.ok(Math.abs(r.logp[i]! - expected) < 1e-12);
    }
  }
});

Deno.test("logLikelihood() rejects non-velocity fields and missing probes", () => {
  assert.throws(
    () => logLikelihood({ ...gaussianField, prediction: "epsilon" }, X1.x, { n: N, method: "exact", source: UNIT }),
    /asPrediction/,
  );
  assert.throws(() => logLikelihood(gaussianField, X1.x, { n: N, method: "hutchinson", source: UNIT }), /rng/);
  assert.throws(() => logLikelihood(gaussianField, X1.x, { n: N + 1, method: "exact", source: UNIT }), /n × dim/);
});

Deno.test("logLikelihood() with a model's own JVP matches finite differences of the same model", async () => {
  await initBackend("wasm");
  const model = createModel(
    { dim: 2, hidden: [16, 16], activation: "elu", timeEmbedding: { kind: "concat" } },
    { rng: createRng(4, "model") },
  );
  const field = model.asField("velocity");
  const { jvp: _j, ...noJvp } = field;
  const x = createRng(5, "x").fillNormal(new Float64Array(2 * 20));
  const opts = { n: 20, method: "exact", source: UNIT, solver: "rk4", steps: 20 } as const;
  const a = logLikelihood(field, x, opts), b = logLikelihood(noJvp as Field, x, opts);
  assert.equal(a.divergence, "jvp");
  assert.equal(b.divergence, "finite-difference");
  // float32 network: rounding ~6e-8 over 2h = 2e-3 allows ~3e-5 per divergence; measured max 5e-6
  for (let i = 0; i < 20; i++) assert.ok(Math.abs(a.logp[i]! - b.logp[i]!) < 1e-4, `${a.logp[i]} vs ${b.logp[i]}`);
  model.dispose();
});
