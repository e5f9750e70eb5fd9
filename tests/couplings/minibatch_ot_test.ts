/**
 * The minibatch OT coupling logic (drawing, pairing, labels, per-class OT,
 * options passed to the solvers) with small reference solvers: brute-force
 * assignment and textbook Sinkhorn.
 */
import assert from "node:assert/strict";
import {
  makeOtCoupling,
  makeSbCoupling,
  type OtSolvers,
  squaredDistances,
} from "../../core/couplings/_minibatch_ot.ts";
import { drawPoints, type PointSource } from "../../core/couplings/mod.ts";
import { makePoints, type Points } from "../../core/data/mod.ts";
import { createRng, type Rng } from "../../core/random/mod.ts";

/** All permutations of 0 … n − 1 (Heap's algorithm). */
function permutations(n: number): Int32Array[] {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  const out = [a.slice()];
  const c = new Int32Array(n);
  let i = 0;
  while (i < n) {
    if (c[i]! < i) {
      const k = i % 2 === 0 ? 0 : c[i]!;
      [a[k], a[i]] = [a[i]!, a[k]!];
      out.push(a.slice());
      c[i]!++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return out;
}

function bruteForce(x0: Float64Array, x1: Float64Array, n: number, dim: number): { perm: Int32Array; cost: number } {
  const c = squaredDistances(x0, x1, { n, m: n, dim });
  let best: { perm: Int32Array; cost: number } = { perm: new Int32Array(0), cost: Infinity };
  for (const p of permutations(n)) {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i * n + p[i]!]!;
    if (s < best.cost) best = { perm: p, cost: s };
  }
  return best;
}

const calls: { reg?: number; maxIter?: number; tol?: number; replace?: boolean; k?: number }[] = [];

const reference: OtSolvers = {
  exactOtPermutation: (x0, x1, { n, dim }) => bruteForce(x0, x1, n, dim).perm,
  sinkhornPlan(cost, { n, m, reg, maxIter, tol }) {
    calls.push({ reg, maxIter, tol });
    const K = cost.map((c) => Math.exp(-c / reg));
    const u = new Float64Array(n).fill(1);
    const v = new Float64Array(m).fill(1);
    for (let it = 0; it < 2000; it++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += K[i * m + j]! * v[j]!;
        u[i] = 1 / n / s;
      }
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += K[i * m + j]! * u[i]!;
        v[j] = 1 / m / s;
      }
    }
    return { plan: K.map((k, idx) => u[Math.floor(idx / m)]! * k * v[idx % m]!) };
  },
  samplePlan(plan, { n, m, k, rng, replace }) {
    calls.push({ replace, k });
    const rows = new Int32Array(k);
    const cols = new Int32Array(k);
    const w = Float64Array.from(plan);
    for (let s = 0; s < k; s++) {
      let total = 0;
      for (const p of w) total += p;
      let u = rng.uniform() * total;
      let cell = 0;
      while (cell < n * m - 1 && u >= w[cell]!) u -= w[cell++]!;
      rows[s] = Math.floor(cell / m);
      cols[s] = cell % m;
      if (!replace) w[cell] = 0;
    }
    return { rows, cols };
  },
};

function normalSource(dim: number): PointSource {
  return { dim, sample: (n: number, rng: Rng) => makePoints(rng.fillNormal(new Float64Array(n * dim)), dim) };
}

function clusters(n: number, seed: number): Points {
  const rng = createRng(seed, "ot/clusters");
  const data = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    data[2 * i] = (labels[i] === 0 ? -4 : 4) + 0.5 * rng.normal();
    data[2 * i + 1] = rng.normal();
  }
  return makePoints(data, 2, { labels });
}

function sortedRows(data: Float64Array, n: number, dim: number): string[] {
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)).join(",")).sort();
}

Deno.test("makeOtCoupling() exact pairs the drawn minibatch by the optimal permutation", () => {
  const source = normalSource(2);
  const target = clusters(30, 0);
  const c = makeOtCoupling(reference, source, target, { method: "exact" });
  for (let trial = 0; trial < 5; trial++) {
    const b = c.sample(6, createRng(trial, "ot/exact"));
    // The same stream draws the source, then the target: the pairs use each drawn point exactly once.
    const rng = createRng(trial, "ot/exact");
    const x0 = drawPoints(source, 6, rng);
    const x1 = drawPoints(target, 6, rng);
    assert.deepEqual(sortedRows(b.x0, 6, 2), sortedRows(x0.data, 6, 2));
    assert.deepEqual(sortedRows(b.x1, 6, 2), sortedRows(x1.data, 6, 2));
    let cost = 0;
    for (let i = 0; i < 12; i++) cost += (b.x0[i]! - b.x1[i]!) ** 2;
    const best = bruteForce(x0.data, x1.data, 6, 2).cost;
    assert.ok(Math.abs(cost - best) <= 1e-12 * best, `cost ${cost} vs optimum ${best}`);
    // Labels follow x1.
    for (let i = 0; i < 6; i++) assert.equal(b.labels![i], b.x1[2 * i]! < 0 ? 0 : 1);
  }
});

Deno.test("makeOtCoupling() by class solves OT within each class and keeps labels", () => {
  const target = clusters(40, 1);
  const labelledSource = clusters(40, 2); // same classes, different points
  const c = makeOtCoupling(reference, labelledSource, target, { method: "exact", byClass: true });
  const b = c.sample(10, createRng(3, "ot/class"));
  for (let i = 0; i < 10; i++) {
    const l = b.labels![i]!;
    assert.equal(b.x1[2 * i]! < 0 ? 0 : 1, l, "x1 in its class");
    assert.equal(b.x0[2 * i]! < 0 ? 0 : 1, l, "x0 drawn from the same class of the labelled source");
  }
  // Unlabelled source: x0 are Gaussian draws, labels still from x1, and each class block is optimal.
  const u = makeOtCoupling(reference, normalSource(2), target, { method: "exact", byClass: true });
  const bu = u.sample(10, createRng(4, "ot/class"));
  for (const l of [0, 1]) {
    const idx = Array.from({ length: 10 }, (_, i) => i).filter((i) => bu.labels![i] === l);
    const a = new Float64Array(idx.flatMap((i) => [bu.x0[2 * i]!, bu.x0[2 * i + 1]!]));
    const z = new Float64Array(idx.flatMap((i) => [bu.x1[2 * i]!, bu.x1[2 * i + 1]!]));
    let cost = 0;
    for (let k = 0; k < a.length; k++) cost += (a[k]! - z[k]!) ** 2;
    const best = bruteForce(a, z, idx.length, 2).cost;
    assert.ok(Math.abs(cost - best) <= 1e-12 * best, `class ${l}: ${cost} vs ${best}`);
  }
  assert.throws(
    () => makeOtCoupling(reference, normalSource(2), normalSource(2), { method: "exact", byClass: true }),
    /the target has no labels/,
  );
});

Deno.test("makeOtCoupling() sinkhorn draws pairs from the plan and forwards reg and replace; sb uses reg = 2σ²", () => {
  calls.length = 0;
  const c = makeOtCoupling(reference, normalSource(2), clusters(30, 5), {
    method: "sinkhorn",
    reg: 0.5,
    replace: false,
  });
  const b = c.sample(6, createRng(6, "sk"));
  assert.equal(b.n, 6);
  assert.deepEqual(calls, [{ reg: 0.5, maxIter: 1000, tol: 1e-6 }, { replace: false, k: 6 }]);
  calls.length = 0;
  makeSbCoupling(reference, normalSource(2), clusters(30, 5), { sigma: 0.3 }).sample(6, createRng(7, "sb"));
  assert.ok(Math.abs(calls[0]!.reg! - 0.18) < 1e-15 && calls[1]!.replace === true);
  // Every pair joins a drawn source point with a drawn target point (the plan's row and column).
  const rng = createRng(6, "sk");
  const x0 = new Set(sortedRows(drawPoints(normalSource(2), 6, rng).data, 6, 2));
  const x1 = new Set(sortedRows(drawPoints(clusters(30, 5), 6, rng).data, 6, 2));
  for (const r of sortedRows(b.x0, 6, 2)) assert.ok(x0.has(r));
  for (const r of sortedRows(b.x1, 6, 2)) assert.ok(x1.has(r));
  assert.throws(() => makeSbCoupling(reference, normalSource(2), normalSource(2), { sigma: 0 }), /sigma "0"/);
  assert.throws(
    () => makeOtCoupling(reference, normalSource(2), normalSource(2), { method: "sinkhorn", reg: -1 }),
    /reg "-1"/,
  );
});
