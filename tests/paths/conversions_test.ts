import assert from "node:assert/strict";
import {
  asPrediction,
  conversionCoefficients,
  convertPrediction,
  createScheduler,
  DEFAULT_T_EPS,
  type Field,
  lipmanScheduler,
  type Prediction,
  PREDICTIONS,
  type Scheduler,
  type ScheduleValue,
} from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";

const SCHEDULERS: Scheduler[] = [
  createScheduler("condot"),
  createScheduler("polynomial", { n: 3 }),
  createScheduler("linear_vp"),
  createScheduler("cosine"),
  createScheduler("vp"),
  createScheduler("ve"),
  createScheduler("ddpm_linear"),
  createScheduler("ddpm_cosine"),
  lipmanScheduler(0.01),
];

/** Every prediction computed from its definition, given x1 and the unit noise ε (x = α x1 + σ ε). */
function truth(p: Prediction, s: ScheduleValue, x1: number, eps: number): number {
  switch (p) {
    case "velocity":
      return s.dAlpha * x1 + s.dSigma * eps;
    case "x1":
      return x1;
    case "epsilon":
      return eps;
    case "score":
      return -eps / s.sigma;
    case "v_diffusion":
      return s.alpha * eps - s.sigma * x1;
  }
}

const EPS = Number.EPSILON;

/** Sum of the absolute values of the terms that make up a prediction (the scale of its rounding). */
function termMagnitude(p: Prediction, s: ScheduleValue, x1: number, eps: number): number {
  switch (p) {
    case "velocity":
      return Math.abs(s.dAlpha * x1) + Math.abs(s.dSigma * eps);
    case "x1":
      return Math.abs(x1);
    case "epsilon":
      return Math.abs(eps);
    case "score":
      return Math.abs(eps / s.sigma);
    case "v_diffusion":
      return Math.abs(s.alpha * eps) + Math.abs(s.sigma * x1);
  }
}

/**
 * Absolute-value versions of the coefficients (A, B) of from → to, summed over the two
 * intermediate quantities (x̂1, ε̂): the algorithm computes A = c1 a1 + c2 a2, so its
 * rounding scales with |c1 a1| + |c2 a2|, not with |A| (which may cancel to ~0).
 */
function absCoefficients(from: Prediction, to: Prediction, s: ScheduleValue): { a: number; b: number } {
  if (from === to) return { a: 1, b: 0 };
  const toX1 = conversionCoefficients(from, "x1", s);
  const toEps = conversionCoefficients(from, "epsilon", s);
  const c: Record<Prediction, [number, number]> = {
    velocity: [s.dAlpha, s.dSigma],
    x1: [1, 0],
    epsilon: [0, 1],
    score: [0, -1 / s.sigma],
    v_diffusion: [-s.sigma, s.alpha],
  };
  const [c1, c2] = c[to];
  return {
    a: Math.abs(c1 * toX1.scale) + Math.abs(c2 * toEps.scale),
    b: Math.abs(c1 * toX1.shift) + Math.abs(c2 * toEps.shift),
  };
}

Deno.test("convertPrediction() maps every prediction's definition to every other's for every scheduler", () => {
  const rng = createRng(1, "conversions/truth");
  const n = 64;
  for (const sch of SCHEDULERS) {
    for (let trial = 0; trial < 8; trial++) {
      const t = 0.02 + 0.96 * rng.uniform();
      const s = sch.at(t);
      const x1 = new Float64Array(n);
      const eps = new Float64Array(n);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x1[i] = 2 * rng.normal() + 1;
        eps[i] = rng.normal();
        x[i] = s.alpha * x1[i]! + s.sigma * eps[i]!;
      }
      for (const from of PREDICTIONS) {
        const value = x1.map((_, i) => truth(from, s, x1[i]!, eps[i]!));
        for (const to of PREDICTIONS) {
          const out = convertPrediction(value, x, { from, to, schedule: s });
          const { a, b } = absCoefficients(from, to, s);
          for (let i = 0; i < n; i++) {
            const expected = truth(to, s, x1[i]!, eps[i]!);
            // Inputs carry rounding of their terms' size; the conversion scales it by |c1 a1| + |c2 a2| (on value)
            // and |c1 b1| + |c2 b2| (on x), and adds its own of the same order, plus the rounding of `expected`.
            const xMag = Math.abs(s.alpha * x1[i]!) + Math.abs(s.sigma * eps[i]!);
            const tol = 16 * EPS *
              (a * termMagnitude(from, s, x1[i]!, eps[i]!) + b * xMag + termMagnitude(to, s, x1[i]!, eps[i]!));
            assert.ok(
              Math.abs(out[i]! - expected) <= tol,
              `${sch.name} t=${t} ${from}→${to}: ${out[i]} vs ${expected} (tol ${tol})`,
            );
          }
        }
      }
    }
  }
});

Deno.test("convertPrediction() round trips are exact to float rounding over random x, t and every scheduler", () => {
  const rng = createRng(2, "conversions/roundtrip");
  const n = 32;
  for (const sch of SCHEDULERS) {
    for (let trial = 0; trial < 10; trial++) {
      const t = 0.02 + 0.96 * rng.uniform();
      const s = sch.at(t);
      const x = rng.fillNormal(new Float64Array(n), 0, 3);
      const value = rng.fillNormal(new Float64Array(n), 0, 3);
      for (const from of PREDICTIONS) {
        for (const to of PREDICTIONS) {
          const there = convertPrediction(value, x, { from, to, schedule: s });
          const back = convertPrediction(there, x, { from: to, to: from, schedule: s });
          const f = absCoefficients(from, to, s);
          const b = absCoefficients(to, from, s);
          const backScale = Math.abs(conversionCoefficients(to, from, s).scale);
          for (let i = 0; i < n; i++) {
            // The forward rounding (≲ ε(a_f|value| + b_f|x|)) is scaled by |A_back|; the back step adds its own.
            const tol = 16 * EPS *
              (backScale * (f.a * Math.abs(value[i]!) + f.b * Math.abs(x[i]!)) + b.a * Math.abs(there[i]!) +
                b.b * Math.abs(x[i]!) + Math.abs(value[i]!));
            assert.ok(
              Math.abs(back[i]! - value[i]!) <= tol,
              `${sch.name} t=${t} ${from}→${to}→${from}: ${back[i]} vs ${value[i]} (tol ${tol})`,
            );
          }
        }
      }
    }
  }
});

Deno.test("convertPrediction() satisfies the score–velocity identity u = (α̇/α) x + (σ² α̇/α − σ σ̇) ∇log p", () => {
  const rng = createRng(3, "conversions/identity");
  for (const sch of SCHEDULERS) {
    const s = sch.at(0.37);
    const x = rng.fillNormal(new Float64Array(16));
    const score = rng.fillNormal(new Float64Array(16));
    const v = convertPrediction(score, x, { from: "score", to: "velocity", schedule: s });
    for (let i = 0; i < 16; i++) {
      const expected = (s.dAlpha / s.alpha) * x[i]! +
        ((s.sigma * s.sigma * s.dAlpha) / s.alpha - s.sigma * s.dSigma) * score[i]!;
      assert.ok(Math.abs(v[i]! - expected) <= 1e-12 * (1 + Math.abs(expected)), `${sch.name}`);
    }
  }
});

Deno.test("convertPrediction() throws where the conversion is singular and writes into out", () => {
  const s = createScheduler("condot");
  const x = new Float64Array([1, 2]);
  assert.throws(
    () => convertPrediction(x, x, { from: "x1", to: "epsilon", schedule: s.at(1) }),
    /Cannot convert "x1" to "epsilon" at α "1", σ "0": the conversion is singular there/,
  );
  assert.throws(() => convertPrediction(x, x, { from: "epsilon", to: "x1", schedule: s.at(0) }), /singular/);
  // Exactly at an end where the conversion exists, it is exact: ε̂ = x − t v at t = 0 for condot.
  const value = new Float64Array([5, 7]);
  const out = new Float64Array(2);
  const r = convertPrediction(value, x, { from: "velocity", to: "epsilon", schedule: s.at(0), out });
  assert.equal(r, out);
  assert.deepEqual(Array.from(out), [1, 2]);
  assert.throws(() => convertPrediction(value, new Float64Array(3), { from: "x1", to: "x1", schedule: s.at(0.5) }));
});

/** A field that returns a fixed linear map of x and records the times it was asked for. */
function probeField(dim: number, prediction: Prediction): Field & { times: number[] } {
  const times: number[] = [];
  return {
    dim,
    prediction,
    times,
    evaluate(x, n, t, out) {
      times.push(t);
      for (let i = 0; i < n * dim; i++) out[i] = 2 * x[i]! + t;
    },
    jvp(x, n, t, v, out, jv) {
      times.push(t);
      for (let i = 0; i < n * dim; i++) {
        out[i] = 2 * x[i]! + t;
        jv[i] = 2 * v[i]!;
      }
    },
  };
}

Deno.test("asPrediction() converts with the schedule at t and clamps only at singular ends", () => {
  const condot = createScheduler("condot");
  const x = new Float64Array([0.5, -1, 2, 0.25]);
  const out = new Float64Array(4);
  // Interior: exactly convertPrediction of the wrapped output.
  const f = probeField(2, "epsilon");
  const v = asPrediction(f, condot, "velocity");
  assert.equal(v.prediction, "velocity");
  v.evaluate(x, 2, 0.4, out);
  const expected = convertPrediction(x.map((xi) => 2 * xi + 0.4), x, {
    from: "epsilon",
    to: "velocity",
    schedule: condot.at(0.4),
  });
  assert.deepEqual(Array.from(out), Array.from(expected));
  // ε → velocity is singular at t = 0 (α = 0): evaluated at tEps; finite at t = 1: not clamped.
  v.evaluate(x, 2, 0, out);
  v.evaluate(x, 2, 1, out);
  assert.deepEqual(f.times.slice(1), [DEFAULT_T_EPS, 1]);
  // velocity → epsilon under a DDPM schedule is finite at t = 0 (α_0 = √ᾱ_K > 0): the grid's k = K is exact.
  const g = probeField(2, "velocity");
  const ddpm = createScheduler("ddpm_linear");
  asPrediction(g, ddpm, "epsilon", { tEps: 0.01 }).evaluate(x, 2, 0, out);
  asPrediction(g, ddpm, "epsilon", { tEps: 0.01 }).evaluate(x, 2, 1, out);
  assert.deepEqual(g.times, [0, 0.99]);
  // x1 → score is singular at t = 1 only.
  const h = probeField(2, "x1");
  const sc = asPrediction(h, createScheduler("cosine"), "score", { tEps: 0.05 });
  sc.evaluate(x, 2, 0, out);
  sc.evaluate(x, 2, 1, out);
  assert.deepEqual(h.times, [0, 0.95]);
  assert.ok(out.every(Number.isFinite));
});

Deno.test("asPrediction() returns the same field for the same prediction and converts JVPs", () => {
  const cosine = createScheduler("cosine");
  const f = probeField(2, "x1");
  assert.equal(asPrediction(f, cosine, "x1"), f);
  const e = asPrediction(f, cosine, "epsilon");
  const x = new Float64Array([0.3, -0.2]);
  const dir = new Float64Array([1, -3]);
  const out = new Float64Array(2);
  const jv = new Float64Array(2);
  e.jvp!(x, 1, 0.6, dir, out, jv);
  // ε̂ = (x − α x̂1)/σ with x̂1 = 2x + t, so ∂ε̂/∂x · v = (1 − 2α) v / σ.
  const s = cosine.at(0.6);
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(jv[i]! - ((1 - 2 * s.alpha) * dir[i]!) / s.sigma) <= 1e-14);
    assert.ok(Math.abs(out[i]! - (x[i]! - s.alpha * (2 * x[i]! + 0.6)) / s.sigma) <= 1e-14);
  }
  assert.throws(() => asPrediction(f, cosine, "noise" as Prediction), /Unknown prediction "noise"/);
});
