import assert from "node:assert/strict";
import { drawPoints, otCoupling, type PointSource, sbCoupling, squaredDistances } from "../../core/couplings/mod.ts";
import { makePoints, type Points } from "../../core/data/mod.ts";
import { createRng, type Rng } from "../../core/random/mod.ts";

function normal(dim: number, mean = 0, std = 1): PointSource {
  return {
    dim,
    sample: (n: number, rng: Rng) => makePoints(rng.fillNormal(new Float64Array(n * dim), mean, std), dim),
  };
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i]! / n, mb + b[i]! / n];
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

Deno.test("otCoupling() exact pairs a 1-D minibatch monotonically (the 1-D optimal map sorts)", () => {
  const c = otCoupling(normal(1), normal(1, 3, 0.5), { method: "exact" });
  const b = c.sample(256, createRng(0, "ot/1d"));
  const order = Array.from({ length: 256 }, (_, i) => i).sort((i, j) => b.x0[i]! - b.x0[j]!);
  for (let k = 1; k < 256; k++) assert.ok(b.x1[order[k]!]! >= b.x1[order[k - 1]!]!, "x1 increases with x0");
});

Deno.test("otCoupling() exact reaches the brute-force optimum on small 2-D minibatches", () => {
  const target: Points = makePoints(createRng(1, "t").fillNormal(new Float64Array(200), 2, 1), 2);
  const c = otCoupling(normal(2), target, { method: "exact" });
  for (let trial = 0; trial < 4; trial++) {
    const b = c.sample(7, createRng(trial, "ot/small"));
    const rng = createRng(trial, "ot/small");
    const x0 = drawPoints(normal(2), 7, rng).data;
    const x1 = drawPoints(target, 7, rng).data;
    const cost = squaredDistances(x0, x1, { n: 7, m: 7, dim: 2 });
    let best = Infinity;
    const perm = [0, 1, 2, 3, 4, 5, 6];
    const visit = (k: number): void => {
      if (k === 7) {
        best = Math.min(best, perm.reduce((s, j, i) => s + cost[i * 7 + j]!, 0));
        return;
      }
      for (let i = k; i < 7; i++) {
        [perm[k], perm[i]] = [perm[i]!, perm[k]!];
        visit(k + 1);
        [perm[k], perm[i]] = [perm[i]!, perm[k]!];
      }
    };
    visit(0);
    let got = 0;
    for (let i = 0; i < 14; i++) got += (b.x0[i]! - b.x1[i]!) ** 2;
    assert.ok(Math.abs(got - best) <= 1e-12 * best, `trial ${trial}: ${got} vs ${best}`);
  }
});

Deno.test("otCoupling() sinkhorn with small reg costs about the exact OT; large reg forgets the pairing", () => {
  const exact = otCoupling(normal(1), normal(1, 2, 1.5), { method: "exact" });
  const sharp = otCoupling(normal(1), normal(1, 2, 1.5), { method: "sinkhorn" }); // reg 0.05, ≤ 1000 iterations
  const mean = (b: { x0: Float64Array; x1: Float64Array; n: number }) =>
    b.x0.reduce((s, v, i) => s + (v - b.x1[i]!) ** 2, 0) / b.n;
  let e = 0, s = 0;
  for (let r = 0; r < 8; r++) {
    e += mean(exact.sample(64, createRng(r, "a")));
    s += mean(sharp.sample(64, createRng(r, "a")));
  }
  // Independent pairs would cost E(x1 − x0)² = 4 + 1 + 2.25 = 7.25; OT costs (1.5 − 1)² + 4 ≈ 4.25.
  assert.ok(s / 8 < 1.1 * (e / 8) && e / 8 < 5, `sinkhorn ${s / 8} vs exact ${e / 8}`);
  // reg far above the costs: the plan is nearly uniform, pairs nearly independent (correlation within 5 SE).
  const loose = otCoupling(normal(1), normal(1, 2, 1.5), { method: "sinkhorn", reg: 1e4 });
  const b = loose.sample(1024, createRng(9, "loose"));
  assert.ok(Math.abs(correlation(b.x0, b.x1)) < 5 / Math.sqrt(1024), `correlation ${correlation(b.x0, b.x1)}`);
});

Deno.test("sbCoupling() pairs tightly for small σ and almost independently for large σ", () => {
  const small = sbCoupling(normal(1), normal(1, 1, 1), { sigma: 0.1 }).sample(512, createRng(2, "sb"));
  assert.ok(correlation(small.x0, small.x1) > 0.95, `σ = 0.1: correlation ${correlation(small.x0, small.x1)}`);
  const large = sbCoupling(normal(1), normal(1, 1, 1), { sigma: 100 }).sample(1024, createRng(3, "sb"));
  assert.ok(Math.abs(correlation(large.x0, large.x1)) < 5 / Math.sqrt(1024), `σ = 100: correlation`);
});
