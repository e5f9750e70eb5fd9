import assert from "node:assert/strict";
import { makePoints, mixture, type Points, selectPoints } from "../../core/data/mod.ts";
import { logLikelihood } from "../../core/likelihood/mod.ts";
import { energyDistance, mmd2, modeCoverage, nll, pathEnergy, w2 } from "../../core/metrics/mod.ts";
import { gaussianMarginalField } from "../../core/oracle/mod.ts";
import { createScheduler, type Field } from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";
import { solveOde, type Trajectory } from "../../core/samplers/mod.ts";

const golden = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(`../golden/${name}`, import.meta.url)));
const pointsOf = (rows: number[][]): Points => makePoints(Float64Array.from(rows.flat()), rows[0]!.length);
const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

Deno.test("mmd2() matches the golden biased RBF MMD² for every bandwidth", () => {
  const { cases } = golden("mmd.json");
  for (const c of cases) {
    const x = pointsOf(c.x), y = pointsOf(c.y);
    const bws = Object.keys(c.mmd2_rbf_biased).map(Number);
    const got = mmd2(x, y, { bandwidths: bws });
    for (const [key, expected] of Object.entries(c.mmd2_rbf_biased) as [string, number][]) {
      const value = got[String(Number(key))]!;
      assert.ok(close(value, expected, 1e-12), `n=${x.n} bw=${key}: ${value} vs ${expected}`);
    }
  }
});

Deno.test("energyDistance() matches the golden V-statistic energy distance", () => {
  for (const c of golden("mmd.json").cases) {
    const value = energyDistance(pointsOf(c.x), pointsOf(c.y));
    assert.ok(close(value, c.energy_distance, 1e-12), `${value} vs ${c.energy_distance}`);
  }
});

Deno.test("w2() matches the golden optimal assignment cost", () => {
  for (const c of golden("assignment.json").cases) {
    const value = w2(pointsOf(c.a), pointsOf(c.b));
    assert.ok(close(value, c.w2, 1e-10), `n=${c.n} d=${c.d}: ${value} vs ${c.w2}`);
  }
});

Deno.test("w2(), mmd2() and energyDistance() of a set with itself (any order) are 0", () => {
  const a = makePoints(createRng(1).fillNormal(new Float64Array(2 * 300)), 2);
  const shuffled = selectPoints(a, createRng(2).permutation(300));
  assert.equal(w2(a, a), 0);
  assert.ok(w2(a, shuffled) < 1e-12);
  const m = mmd2(a, shuffled, { bandwidths: [0.1, 1, 10] });
  for (const v of Object.values(m)) assert.ok(Math.abs(v) < 1e-12);
  assert.ok(Math.abs(energyDistance(a, shuffled)) < 1e-12);
});

Deno.test("w2() of unequal sets is exact for small sizes and deterministic when subsampled", () => {
  // one point against two: W2² = mean of the two squared distances
  const one = makePoints(new Float64Array([0, 0]), 2), two = makePoints(new Float64Array([1, 0, 0, 3]), 2);
  assert.ok(Math.abs(w2(one, two) - Math.sqrt(5)) < 1e-12);
  const a = makePoints(createRng(3).fillNormal(new Float64Array(2 * 900)), 2);
  const b = makePoints(createRng(4).fillNormal(new Float64Array(2 * 700)), 2);
  const first = w2(a, b, { maxPoints: 500 }), again = w2(a, b, { maxPoints: 500 });
  assert.equal(first, again);
  // two samples of N(0, I): W2 of 500 points is small (finite-sample bias only)
  assert.ok(first > 0 && first < 0.3, `${first}`);
  assert.throws(() => w2(a, makePoints(new Float64Array(3), 3)), /dimensions/);
});

Deno.test("mmd2() and energyDistance() subsample large sets deterministically", () => {
  const a = makePoints(createRng(5).fillNormal(new Float64Array(2 * 1500)), 2);
  const b = makePoints(createRng(6).fillNormal(new Float64Array(2 * 1500)).map((v) => v + 0.5), 2);
  const full = mmd2(a, b, { bandwidths: [1] })["1"]!;
  const sub = mmd2(a, b, { bandwidths: [1], maxPoints: 700 })["1"]!;
  assert.equal(sub, mmd2(a, b, { bandwidths: [1], maxPoints: 700 })["1"]);
  // MMD² of N(0, I) vs N(0.5·1, I) with bw 1: 2·(1/3)·(1 − exp(−‖δ‖²/6)) = 0.0520; both estimates near it
  const population = (2 / 3) * (1 - Math.exp(-0.5 / 6));
  assert.ok(Math.abs(full - population) < 0.01 && Math.abs(sub - population) < 0.02, `${full} ${sub} ${population}`);
  const e = energyDistance(a, b, { maxPoints: 700 });
  assert.equal(e, energyDistance(a, b, { maxPoints: 700 }));
  assert.ok(e > 0);
});

/** Straight constant-speed paths from a_i to b_π(i), saved at `T` uniform times. */
function straightTrajectory(a: Points, b: Points, perm: ArrayLike<number>, T: number): Trajectory {
  const { n, dim } = a;
  const times = Float64Array.from({ length: T }, (_, k) => k / (T - 1));
  const states = new Float64Array(T * n * dim);
  for (let k = 0; k < T; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) {
        const x0 = a.data[i * dim + j]!, x1 = b.data[perm[i]! * dim + j]!;
        states[(k * n + i) * dim + j] = (1 - times[k]!) * x0 + times[k]! * x1;
      }
    }
  }
  return { times, states, n, dim };
}

Deno.test("pathEnergy() is W2² on the OT map's straight paths (NPE = 0) and larger otherwise", () => {
  const c = golden("assignment.json").cases.find((x: { n: number }) => x.n === 64);
  const a = pointsOf(c.a), b = pointsOf(c.b);
  const ot = straightTrajectory(a, b, c.assignment, 11);
  const r = pathEnergy(ot, { source: a, target: b });
  assert.ok(Math.abs(r.pe - c.w2 * c.w2) < 1e-10);
  assert.ok(r.npe < 1e-10);
  assert.ok(r.straightness < 1e-20);
  // the identity pairing is not optimal: PE = mean ‖a_i − b_i‖² > W2², still straight
  const id = pathEnergy(straightTrajectory(a, b, Array.from({ length: 64 }, (_, i) => i), 5), { source: a, target: b });
  let direct = 0;
  for (let i = 0; i < 64 * 2; i++) direct += (a.data[i]! - b.data[i]!) ** 2 / 64;
  assert.ok(Math.abs(id.pe - direct) < 1e-10);
  assert.ok(Math.abs(id.npe - (direct - c.w2 ** 2) / c.w2 ** 2) < 1e-10 && id.npe > 0.05);
  assert.ok(id.straightness < 1e-20);
});

Deno.test("pathEnergy() of an Euler solve is the solver's Riemann sum Σ h ‖v(x_k, t_k)‖²", () => {
  const scheduler = createScheduler("cosine");
  const u: Field = gaussianMarginalField(scheduler, { mean: [2, -1], std: [0.5, 1] });
  const n = 200, steps = 25, h = 1 / steps;
  const x0 = createRng(7, "x0").fillNormal(new Float64Array(2 * n));
  const r = solveOde(u, x0, { n, method: "euler", steps, saveAt: "steps" });
  const tr = r.trajectory!;
  let riemann = 0;
  const v = new Float64Array(2 * n);
  for (let k = 0; k < steps; k++) {
    u.evaluate(tr.states.subarray(k * 2 * n, (k + 1) * 2 * n), n, tr.times[k]!, v);
    for (let i = 0; i < 2 * n; i++) riemann += (h * v[i]! * v[i]!) / n;
  }
  const source = makePoints(x0, 2), target = makePoints(r.x, 2);
  const e = pathEnergy(tr, { source, target });
  assert.ok(Math.abs(e.pe - riemann) < 1e-10 * riemann, `${e.pe} vs ${riemann}`);
  // straightness = PE − E‖x_1 − x_0‖² (time span 1); curved cosine paths are not straight
  let chord = 0;
  for (let i = 0; i < 2 * n; i++) chord += (r.x[i]! - x0[i]!) ** 2 / n;
  assert.ok(Math.abs(e.straightness - (e.pe - chord)) < 1e-9);
  assert.ok(e.straightness > 0.01);
  // Benamou–Brenier: no flow between the two sets beats W2²
  assert.ok(e.pe >= e.w2Squared);
  assert.throws(() => pathEnergy({ ...tr, times: tr.times.subarray(0, 1) }, { source, target }), /at least two/);
});

Deno.test("modeCoverage() scores exact mixture samples, a collapse and far-away samples", () => {
  const weights = [0.1, 0.2, 0.3, 0.4];
  const modes = [[4, 0], [0, 4], [-4, 0], [0, -4]];
  const mix = mixture({ means: modes, std: 0.5, weights });
  const n = 20000;
  const exact = modeCoverage(mix.sample(n, createRng(8)), { modes, std: 0.5, modeWeights: weights });
  // within 3 std in 2-D: 1 − e^{−4.5} = 0.98889 of each mode; SE of a proportion √(p(1−p)/n)
  const inside = 1 - Math.exp(-4.5);
  assert.ok(Math.abs(exact.precision - inside) < 4 * Math.sqrt(inside * (1 - inside) / n));
  assert.equal(exact.coverage, 1);
  weights.forEach((w, j) => assert.ok(Math.abs(exact.weights[j]! - w) < 4 * Math.sqrt(w * (1 - w) / n)));
  assert.ok(Math.abs(exact.recall - inside) < 0.01);
  // collapse onto mode 3: one mode covered, recall = its weight
  const collapsed = mixture({ means: [modes[3]!], std: 0.5 }).sample(1000, createRng(9));
  const c = modeCoverage(collapsed, { modes, std: 0.5, modeWeights: weights });
  assert.equal(c.coverage, 0.25);
  assert.ok(Math.abs(c.recall - 0.4) < 1e-12);
  assert.deepEqual(c.weights.slice(0, 3), [0, 0, 0]);
  // samples far from every mode: precision 0, nothing covered
  const far = modeCoverage(makePoints(new Float64Array([20, 20, -20, 20]), 2), { modes, std: 0.5 });
  assert.deepEqual([far.precision, far.coverage, far.recall], [0, 0, 0]);
});

Deno.test("nll() is the mean negative log-likelihood of the held-out points", () => {
  const scheduler = createScheduler("condot");
  const u = gaussianMarginalField(scheduler, { mean: [1, 0], std: [0.5, 2] });
  const pts = makePoints(createRng(10).fillNormal(new Float64Array(2 * 50)), 2);
  const source = { kind: "normal", std: 1 } as const;
  const r = nll(u, pts, { method: "exact", source, atol: 1e-9, rtol: 1e-9 });
  const direct = logLikelihood(u, pts.data, { n: 50, method: "exact", source, atol: 1e-9, rtol: 1e-9 });
  assert.equal(r.nats, direct.nats);
  // closed form: −mean log N(x; μ, diag s²)
  let expected = 0;
  for (let i = 0; i < 50; i++) {
    const a = (pts.data[2 * i]! - 1) / 0.5, b = pts.data[2 * i + 1]! / 2;
    expected += (Math.log(2 * Math.PI) + Math.log(0.5) + Math.log(2) + 0.5 * (a * a + b * b)) / 50;
  }
  assert.ok(Math.abs(r.nats - expected) < 1e-6, `${r.nats} vs ${expected}`);
});
