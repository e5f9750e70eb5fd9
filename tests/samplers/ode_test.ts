import assert from "node:assert/strict";
import type { Field } from "../../core/paths/types.ts";
import { type FixedStepMethod, solveOde, solveOdeSystem, timeGrid } from "../../core/samplers/mod.ts";

/** Rotation at angular speed ω(t) = 1 + t: x(t) = R(t + t²/2) x(0). */
const rotation: Field = {
  dim: 2,
  prediction: "velocity",
  evaluate(x, n, t, out) {
    const w = 1 + t;
    for (let i = 0; i < n; i++) {
      const a = x[2 * i]!, b = x[2 * i + 1]!;
      out[2 * i] = -w * b;
      out[2 * i + 1] = w * a;
    }
  },
};
const rotated = (x0: Float64Array, t0: number, t1: number) => {
  const th = t1 + t1 * t1 / 2 - (t0 + t0 * t0 / 2), c = Math.cos(th), s = Math.sin(th);
  const out = new Float64Array(x0.length);
  for (let i = 0; i < x0.length; i += 2) {
    out[i] = c * x0[i]! - s * x0[i + 1]!;
    out[i + 1] = s * x0[i]! + c * x0[i + 1]!;
  }
  return out;
};

/** Logistic growth dx/dt = x(1 − x): x(t) = 1 / (1 + (1/x0 − 1) e^{−(t − t0)}). */
const logistic: Field = {
  dim: 1,
  prediction: "velocity",
  evaluate(x, n, _t, out) {
    for (let i = 0; i < n; i++) out[i] = x[i]! * (1 - x[i]!);
  },
};
const logisticAt = (x0: Float64Array, t0: number, t1: number) =>
  x0.map((v) => 1 / (1 + (1 / v - 1) * Math.exp(-(t1 - t0))));

/** dx/dt = 3t², whose exact flow is x + t1³ − t0³. */
const cubic: Field = {
  dim: 1,
  prediction: "velocity",
  evaluate(_x, n, t, out) {
    out.fill(3 * t * t, 0, n);
  },
};

const maxErr = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

const X0 = new Float64Array([1, 0, 0.3, -2, -0.7, 0.4]);
const L0 = new Float64Array([0.1, 0.5, 0.9]);
const ORDERS: [FixedStepMethod, number][] = [["euler", 1], ["midpoint", 2], ["heun", 2], ["rk4", 4]];

for (const [method, order] of ORDERS) {
  Deno.test(`solveOde() ${method} global error shrinks at order ${order} over a step halving`, () => {
    for (
      const [field, x0, exact, n] of [
        [rotation, X0, rotated(X0, 0, 1), 3],
        [logistic, L0, logisticAt(L0, 0, 1), 3],
      ] as const
    ) {
      const errs = [10, 20, 40].map((steps) => maxErr(solveOde(field, x0, { n, method, steps }).x, exact));
      for (let k = 0; k + 1 < errs.length; k++) {
        const slope = Math.log2(errs[k]! / errs[k + 1]!);
        assert.ok(Math.abs(slope - order) < 0.1, `${method}: slope ${slope} between ${errs[k]} and ${errs[k + 1]}`);
      }
    }
  });
}

Deno.test("solveOde() fixed-step methods give their quadrature rule's closed form on dx/dt = 3t²", () => {
  const N = 8, h = 1 / N, x0 = new Float64Array([0.25]);
  const run = (method: FixedStepMethod) => solveOde(cubic, x0, { n: 1, method, steps: N }).x[0]! - 0.25;
  // left Riemann sum: 3h³ Σ_{k<N} k² = 3h³ (N−1)N(2N−1)/6
  assert.ok(Math.abs(run("euler") - 3 * h ** 3 * (N - 1) * N * (2 * N - 1) / 6) < 1e-15);
  // midpoint rule: 1 − h²/4; trapezoid rule: 1 + h²/2; Simpson (RK4): exact for cubics
  assert.ok(Math.abs(run("midpoint") - (1 - h * h / 4)) < 1e-15);
  assert.ok(Math.abs(run("heun") - (1 + h * h / 2)) < 1e-15);
  assert.ok(Math.abs(run("rk4") - 1) < 1e-15);
  const dopri = solveOde(cubic, x0, { n: 1, method: "dopri5" }).x[0]! - 0.25;
  assert.ok(Math.abs(dopri - 1) < 1e-14, `dopri5 ${dopri}`);
});

Deno.test("solveOde() counts NFE as stages × steps for fixed-step methods", () => {
  let calls = 0;
  const counted: Field = { ...rotation, evaluate: (x, n, t, out) => (calls++, rotation.evaluate(x, n, t, out)) };
  for (const [method, stages] of [["euler", 1], ["midpoint", 2], ["heun", 2], ["rk4", 4]] as const) {
    calls = 0;
    const r = solveOde(counted, X0, { n: 3, method, steps: 7 });
    assert.equal(r.nfe, 7 * stages);
    assert.equal(calls, r.nfe);
  }
  calls = 0;
  const r = solveOde(counted, X0, { n: 3, method: "dopri5" });
  assert.equal(calls, r.nfe);
  assert.equal(r.nfe, 2 + 6 * (r.steps + r.rejected)); // f0, the starting-step probe, six new stages per attempt
});

Deno.test("solveOde() dopri5 meets its tolerance and needs fewer NFE than RK4 at equal error", () => {
  const exact = rotated(X0, 0, 1);
  let previous = Infinity;
  for (const tol of [1e-4, 1e-6, 1e-8, 1e-10]) {
    const r = solveOde(rotation, X0, { n: 3, method: "dopri5", atol: tol, rtol: tol });
    const err = maxErr(r.x, exact);
    // |x| ≤ 2.2 here, so the per-coordinate scale is atol + rtol·|x| ≤ 3.2·tol
    assert.ok(err <= 3.2 * tol, `tol ${tol}: error ${err}`);
    assert.ok(err < previous);
    previous = err;
    if (tol > 1e-8) continue;
    // the cheapest RK4 grid reaching the same error
    let steps = 1;
    while (maxErr(solveOde(rotation, X0, { n: 3, method: "rk4", steps }).x, exact) > err) steps++;
    assert.ok(r.nfe < 4 * steps, `tol ${tol}: dopri5 ${r.nfe} NFE, RK4 ${4 * steps} NFE`);
  }
});

Deno.test("solveOde() integrates backward from t = 1 to 0 when t1 < t0", () => {
  const x1 = logisticAt(L0, 0, 1);
  for (const method of ["rk4", "dopri5"] as const) {
    const opts = method === "rk4" ? { steps: 40 } : { atol: 1e-10, rtol: 1e-10 };
    const back = solveOde(logistic, x1, { n: 3, method, t0: 1, t1: 0, ...opts });
    assert.ok(maxErr(back.x, L0) < 1e-8, `${method}: ${maxErr(back.x, L0)}`);
  }
  const xr = solveOde(rotation, rotated(X0, 0, 1), { n: 3, method: "rk4", t0: 1, t1: 0, steps: 200 }).x;
  assert.ok(maxErr(xr, X0) < 1e-9);
});

Deno.test("solveOde() on an explicit grid equals the same uniform grid and tracks a non-uniform one", () => {
  const uniform = solveOde(rotation, X0, { n: 3, method: "heun", steps: 4 }).x;
  const explicit = solveOde(rotation, X0, { n: 3, method: "heun", grid: [0, 0.25, 0.5, 0.75, 1] }).x;
  assert.deepEqual(explicit, uniform);
  const grid = Array.from({ length: 41 }, (_, k) => (k / 40) ** 2);
  const x = solveOde(rotation, X0, { n: 3, method: "rk4", grid }).x;
  assert.ok(maxErr(x, rotated(X0, 0, 1)) < 1e-5);
  assert.throws(() => solveOde(rotation, X0, { n: 3, method: "rk4", grid: [0, 0.5, 0.5, 1] }), /strictly monotone/);
  assert.throws(() => solveOde(rotation, X0, { n: 3, method: "rk4", grid: [0, 1], steps: 3 }), /both "steps"/);
});

Deno.test("solveOde() saves the trajectory at every step and at chosen times", () => {
  const r = solveOde(rotation, X0, { n: 3, method: "rk4", steps: 10, saveAt: "steps" });
  const tr = r.trajectory!;
  assert.equal(tr.n, 3);
  assert.equal(tr.dim, 2);
  assert.deepEqual(tr.times, timeGrid({ steps: 10 }));
  assert.equal(tr.states.length, 11 * 6);
  assert.deepEqual(tr.states.subarray(0, 6), X0);
  assert.deepEqual(tr.states.subarray(60), r.x);
  // grid times are exact copies of the step states; times inside a step are interpolated linearly
  const at = solveOde(rotation, X0, { n: 3, method: "rk4", steps: 10, saveAt: [0.5, 0, 0.25] }).trajectory!;
  assert.deepEqual(Array.from(at.times), [0, 0.25, 0.5]);
  assert.deepEqual(at.states.subarray(12, 18), tr.states.subarray(30, 36));
  for (let j = 0; j < 6; j++) {
    assert.ok(Math.abs(at.states[6 + j]! - (tr.states[12 + j]! + tr.states[18 + j]!) / 2) < 1e-15);
  }
  // dopri5's dense output is fourth-order accurate between its steps
  const times = Array.from({ length: 21 }, (_, k) => k / 20);
  const d = solveOde(rotation, X0, { n: 3, method: "dopri5", atol: 1e-9, rtol: 1e-9, saveAt: times });
  for (let s = 0; s < times.length; s++) {
    const exact = rotated(X0, 0, times[s]!);
    const err = maxErr(d.trajectory!.states.subarray(s * 6, s * 6 + 6), exact);
    assert.ok(err < 2e-8, `t = ${times[s]}: ${err}`);
  }
  // backward solve: times run from 1 to 0
  const b = solveOde(rotation, r.x, { n: 3, method: "dopri5", t0: 1, t1: 0, saveAt: [0, 1, 0.5] }).trajectory!;
  assert.deepEqual(Array.from(b.times), [1, 0.5, 0]);
  assert.deepEqual(b.states.subarray(0, 6), r.x);
  assert.throws(() => solveOde(rotation, X0, { n: 3, method: "rk4", steps: 4, saveAt: [1.5] }), /outside/);
});

Deno.test("solveOde() rejects fields that are not velocities and mis-shaped batches", () => {
  assert.throws(
    () => solveOde({ ...rotation, prediction: "epsilon" }, X0, { n: 3, method: "rk4", steps: 2 }),
    /asPrediction/,
  );
  assert.throws(() => solveOde(rotation, X0, { n: 4, method: "rk4", steps: 2 }), /n × dim/);
  assert.throws(() => solveOde(rotation, X0, { n: 3, method: "rk4" }), /steps "undefined"/);
  assert.throws(() => solveOde(rotation, X0, { n: 3, method: "dopri5", steps: 3 }), /dopri5/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => solveOde(rotation, X0, { n: 3, method: "rk5" as any, steps: 2 }), /expected one of/);
});

Deno.test("solveOdeSystem() dopri5 stops with a clear error on a non-finite field", () => {
  const blowUp = (_t: number, y: Float64Array, out: Float64Array) => out.fill(y[0]! > 2 ? NaN : 1);
  assert.throws(
    () => solveOdeSystem(blowUp, new Float64Array([0]), { method: "dopri5", t1: 5 }),
    /non-finite|underflow/,
  );
});
