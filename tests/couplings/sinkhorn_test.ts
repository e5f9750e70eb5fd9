import assert from "node:assert/strict";
import { samplePlan, sinkhornPlan, solveAssignment } from "../../core/couplings/mod.ts";
import { createRng, type Rng } from "../../core/random/mod.ts";

interface GoldenCase {
  n: number;
  reg: number;
  a: number[][];
  b: number[][];
  plan: number[][];
  transport_cost: number;
}
const golden = JSON.parse(
  Deno.readTextFileSync(new URL("../golden/sinkhorn.json", import.meta.url)),
) as { cases: GoldenCase[] };

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number, dim: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (a[i * dim + d]! - b[j * dim + d]!) ** 2;
      c[i * m + j] = s;
    }
  }
  return c;
}

function uniformPoints(rng: Rng, n: number, dim: number): Float64Array {
  return rng.fillUniform(new Float64Array(n * dim));
}

function marginals(plan: Float64Array, n: number, m: number): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(n);
  const cols = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      rows[i] = rows[i]! + plan[i * m + j]!;
      cols[j] = cols[j]! + plan[i * m + j]!;
    }
  }
  return { rows, cols };
}

function l1(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]! - y[i]!);
  return s;
}

Deno.test("sinkhornPlan() matches POT's plans and transport costs (golden, stopThr 1e-12)", () => {
  for (const g of golden.cases) {
    const cost = sqDist(g.a.flat(), g.b.flat(), g.n, g.n, 2);
    const r = sinkhornPlan(cost, { n: g.n, m: g.n, reg: g.reg, tol: 1e-12, maxIter: 100000 });
    assert.ok(r.converged, `n=${g.n} reg=${g.reg} did not converge`);
    const ref = g.plan.flat();
    // both solve the same strictly convex problem to marginal error ≈ 1e-12: entries agree to that order
    let worst = 0;
    for (let k = 0; k < ref.length; k++) worst = Math.max(worst, Math.abs(r.plan[k]! - ref[k]!));
    assert.ok(worst <= 1e-10, `n=${g.n} reg=${g.reg}: plan differs by ${worst}`);
    const rel = Math.abs(r.transportCost - g.transport_cost) / g.transport_cost;
    assert.ok(rel <= 1e-9, `n=${g.n} reg=${g.reg}: cost ${r.transportCost} vs ${g.transport_cost}`);
  }
});

Deno.test("sinkhornPlan() meets given marginals a, b to the tolerance", () => {
  const rng = createRng(21, "sinkhorn marginals");
  const n = 30;
  const m = 45;
  const cost = sqDist(uniformPoints(rng, n, 2), uniformPoints(rng, m, 2), n, m, 2);
  const a = rng.fillUniform(new Float64Array(n), 0.5, 2);
  const b = rng.fillUniform(new Float64Array(m), 0.1, 1);
  const sa = a.reduce((s, x) => s + x, 0);
  const sb = b.reduce((s, x) => s + x, 0);
  a.forEach((x, i) => (a[i] = x / sa));
  b.forEach((x, j) => (b[j] = x / sb));
  for (const reg of [1, 0.05, 0.005]) {
    const tol = 1e-10;
    const r = sinkhornPlan(cost, { n, m, reg, a, b, tol, maxIter: 100000 });
    assert.ok(r.converged, `reg=${reg}`);
    const { rows, cols } = marginals(r.plan, n, m);
    // rows to tol (the stopping rule), columns exact up to rounding after the last column step
    assert.ok(l1(rows, a) <= 2 * tol, `reg=${reg}: row error ${l1(rows, a)}`);
    assert.ok(l1(cols, b) <= 2 * tol, `reg=${reg}: column error ${l1(cols, b)}`);
    let cost2 = 0;
    for (let k = 0; k < n * m; k++) cost2 += r.plan[k]! * cost[k]!;
    assert.ok(Math.abs(cost2 - r.transportCost) <= 1e-12 * cost2);
  }
});

Deno.test("sinkhornPlan() is stable at tiny reg and approaches the exact OT cost as reg → 0", () => {
  // Unit-scale costs. With π_ε the entropic plan and π* an optimal permutation plan (mass 1/n):
  // ⟨π_ε, C⟩ − ε H(π_ε) ≤ ⟨π*, C⟩ − ε H(π*), H(π_ε) ≤ log(n m), H(π*) = log n, so
  // 0 ≤ ⟨π_ε, C⟩ − OT ≤ ε log m — up to the marginal error δ (L1) of the computed plan, which can
  // move ⟨π, C⟩ by at most δ · max C ≤ 2δ here (costs ≤ 2 on the unit square).
  const rng = createRng(22, "sinkhorn small reg");
  const n = 40;
  const cost = sqDist(uniformPoints(rng, n, 2), uniformPoints(rng, n, 2), n, n, 2);
  const exact = solveAssignment(cost, n).cost / n;
  let previous = Infinity;
  for (const reg of [1e-1, 1e-2, 1e-3]) {
    const tol = reg < 5e-3 ? 1e-6 : 1e-9;
    const r = sinkhornPlan(cost, { n, m: n, reg, tol, maxIter: 100000 });
    assert.ok(r.converged, `reg=${reg}`);
    assert.ok(r.plan.every((p) => Number.isFinite(p) && p >= 0), `reg=${reg}: non-finite or negative entries`);
    const { rows, cols } = marginals(r.plan, n, n);
    const u = new Float64Array(n).fill(1 / n);
    const delta = l1(rows, u) + l1(cols, u);
    assert.ok(delta <= 3 * tol, `reg=${reg}: marginal error ${delta}`);
    const gap = r.transportCost - exact;
    assert.ok(gap >= -2 * delta - 1e-12 && gap <= reg * Math.log(n) + 2 * delta, `reg=${reg}: gap ${gap}`);
    assert.ok(r.transportCost < previous, `reg=${reg}: cost did not decrease`);
    previous = r.transportCost;
  }
  assert.ok(previous - exact <= 1e-3 * Math.log(n) + 1e-5, "the cost at reg 1e-3 is near the exact optimum");
});

Deno.test("sinkhornPlan() reports non-convergence when out of iterations and rejects bad input", () => {
  const rng = createRng(23, "sinkhorn errors");
  const cost = sqDist(uniformPoints(rng, 20, 2), uniformPoints(rng, 20, 2), 20, 20, 2);
  const r = sinkhornPlan(cost, { n: 20, m: 20, reg: 1e-3, maxIter: 3, tol: 1e-12 });
  assert.equal(r.converged, false);
  assert.ok(r.iterations <= 3);
  assert.throws(() => sinkhornPlan(cost, { n: 20, m: 20, reg: 0 }), /reg "0"/);
  assert.throws(() => sinkhornPlan(cost, { n: 21, m: 20, reg: 1 }), /expected 21 × 20/);
  assert.throws(() => sinkhornPlan(cost, { n: 20, m: 20, reg: 1, a: new Float64Array(20) }), /a\[0\] is "0"/);
});

/** Chi-square statistic of counts against expected counts (cells with expectation 0 must have count 0). */
function chiSquare(counts: Float64Array, expected: Float64Array): { stat: number; df: number } {
  let stat = 0;
  let df = -1;
  for (let c = 0; c < counts.length; c++) {
    if (expected[c] === 0) {
      assert.equal(counts[c], 0, `cell ${c} has probability 0 but was drawn`);
      continue;
    }
    stat += (counts[c]! - expected[c]!) ** 2 / expected[c]!;
    df++;
  }
  return { stat, df };
}

Deno.test("samplePlan() with replacement draws cells with frequencies proportional to the plan", () => {
  // an unnormalised plan with a zero cell; k draws; Pearson's statistic has mean df and sd √(2 df):
  // the bound df + 6 √(2 df) is exceeded with probability < 1e-4 (chi-square tail, df = 10)
  const plan = new Float64Array([0.5, 2, 1, 0, 3, 0.25, 1.25, 4, 0.75, 1.5, 2.5, 0.05]);
  const n = 3;
  const m = 4;
  const k = 200000;
  const total = plan.reduce((s, x) => s + x, 0);
  const { rows, cols } = samplePlan(plan, { n, m, k, rng: createRng(24, "sample plan"), replace: true });
  const counts = new Float64Array(n * m);
  for (let d = 0; d < k; d++) counts[rows[d]! * m + cols[d]!]!++;
  const expected = plan.map((w) => (k * w) / total);
  const { stat, df } = chiSquare(counts, expected);
  assert.equal(df, 10);
  assert.ok(stat <= df + 6 * Math.sqrt(2 * df), `chi-square ${stat} with ${df} degrees of freedom`);
});

Deno.test("samplePlan() without replacement draws distinct pairs with successive-sampling probabilities", () => {
  const rng = createRng(25, "sample plan no replacement");
  // every positive cell exactly once when k = number of positive cells
  const plan = new Float64Array([0.1, 0, 0.3, 0.2, 0, 0.4]);
  const all = samplePlan(plan, { n: 2, m: 3, k: 4, rng, replace: false });
  const cells = Array.from(all.rows, (r, d) => r * 3 + all.cols[d]!).sort();
  assert.deepEqual(cells, [0, 2, 3, 5]);
  // k = 2 from weights w: P(first = x, second = y) = w_x / W · w_y / (W − w_x); count the unordered pairs
  const w = [0.1, 0.3, 0.2, 0.4];
  const W = 1;
  const trials = 40000;
  const pairProb = new Map<string, number>();
  for (let x = 0; x < 4; x++) {
    for (let y = 0; y < 4; y++) {
      if (x === y) continue;
      const key = [x, y].sort().join(",");
      pairProb.set(key, (pairProb.get(key) ?? 0) + (w[x]! / W) * (w[y]! / (W - w[x]!)));
    }
  }
  const freq = new Map<string, number>();
  const small = new Float64Array(w);
  for (let t = 0; t < trials; t++) {
    const s = samplePlan(small, { n: 2, m: 2, k: 2, rng, replace: false });
    const a = s.rows[0]! * 2 + s.cols[0]!;
    const b = s.rows[1]! * 2 + s.cols[1]!;
    assert.notEqual(a, b);
    const key = [a, b].sort().join(",");
    freq.set(key, (freq.get(key) ?? 0) + 1);
  }
  for (const [key, p] of pairProb) {
    const got = (freq.get(key) ?? 0) / trials;
    const se = Math.sqrt((p * (1 - p)) / trials);
    assert.ok(Math.abs(got - p) <= 5 * se, `pair ${key}: ${got} vs ${p} (5 SE = ${5 * se})`);
  }
});

Deno.test("samplePlan() is reproducible and rejects impossible requests", () => {
  const plan = new Float64Array([1, 2, 3, 4]);
  const a = samplePlan(plan, { n: 2, m: 2, k: 50, rng: createRng(26, "x") });
  const b = samplePlan(plan, { n: 2, m: 2, k: 50, rng: createRng(26, "x") });
  assert.deepEqual(a, b);
  assert.throws(() => samplePlan(plan, { n: 2, m: 2, k: 5, rng: createRng(1), replace: false }), /5 distinct pairs/);
  assert.throws(() => samplePlan(plan, { n: 3, m: 2, k: 1, rng: createRng(1) }), /shapes disagree/);
  assert.throws(() => samplePlan(new Float64Array(4), { n: 2, m: 2, k: 1, rng: createRng(1) }), /all zero/);
});
