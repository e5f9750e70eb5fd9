import assert from "node:assert/strict";
import { corruptPoints, independentCoupling, pairedCoupling, type PointSource } from "../../core/couplings/mod.ts";
import { makePoints, type Points } from "../../core/data/mod.ts";
import { createRng, type Rng } from "../../core/random/mod.ts";

/** N(mean, std²) in `dim` dimensions, as a generator source. */
function normalSource(dim: number, mean = 0, std = 1): PointSource {
  return {
    dim,
    sample(n: number, rng: Rng): Points {
      return makePoints(rng.fillNormal(new Float64Array(n * dim), mean, std), dim);
    },
  };
}

function labelledSet(n: number, seed: number): Points {
  const rng = createRng(seed, "couplings/set");
  const data = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    data[2 * i] = 5 * labels[i]! + rng.normal();
    data[2 * i + 1] = rng.normal();
  }
  return makePoints(data, 2, { labels });
}

function rowKey(data: Float64Array, i: number, dim: number): string {
  return Array.from(data.subarray(i * dim, (i + 1) * dim)).join(",");
}

Deno.test("independentCoupling() draws target rows with their labels and an independent source", () => {
  const target = labelledSet(50, 0);
  const where = new Map<string, number>();
  for (let i = 0; i < 50; i++) where.set(rowKey(target.data, i, 2), target.labels![i]!);
  const c = independentCoupling(normalSource(2), target);
  assert.equal(c.dim, 2);
  assert.equal(c.classes, 3);
  const n = 20000;
  const b = c.sample(n, createRng(1, "ind"));
  assert.equal(b.n, n);
  let mean = 0;
  let cross = 0;
  let mean1 = 0;
  for (let i = 0; i < n; i++) {
    assert.equal(where.get(rowKey(b.x1, i, 2)), b.labels![i], "x1 is a data row with its label");
    mean += b.x0[2 * i]! / n;
    mean1 += b.x1[2 * i]! / n;
  }
  for (let i = 0; i < n; i++) cross += (b.x0[2 * i]! - mean) * (b.x1[2 * i]! - mean1) / n;
  let v1 = 0;
  for (let i = 0; i < n; i++) v1 += (b.x1[2 * i]! - mean1) ** 2 / n;
  // Source mean 0 and zero correlation with the target, each within 5 standard errors.
  assert.ok(Math.abs(mean) <= 5 / Math.sqrt(n), `source mean ${mean}`);
  assert.ok(Math.abs(cross / Math.sqrt(v1)) <= 5 / Math.sqrt(n), `correlation ${cross / Math.sqrt(v1)}`);
  // Same seed, same bytes.
  const again = c.sample(n, createRng(1, "ind"));
  assert.deepEqual(again.x0, b.x0);
  assert.deepEqual(again.x1, b.x1);
  assert.throws(() => independentCoupling(normalSource(3), target), /source dimension 3 differs from target 2/);
  assert.throws(() => c.sample(0, createRng(0)), /batch "0" must be a positive integer/);
});

Deno.test("pairedCoupling() keeps each corrupted copy with its clean point", () => {
  const clean = labelledSet(40, 2);
  const { x0, x1 } = corruptPoints(clean, { method: "noise", std: 0.01, rng: createRng(3, "noise") });
  const c = pairedCoupling({ x0, x1 });
  assert.equal(c.classes, 3);
  const index = new Map<string, number>();
  for (let i = 0; i < 40; i++) index.set(rowKey(x1.data, i, 2), i);
  const b = c.sample(500, createRng(4, "paired"));
  for (let i = 0; i < 500; i++) {
    const k = index.get(rowKey(b.x1, i, 2));
    assert.ok(k !== undefined);
    assert.equal(rowKey(b.x0, i, 2), rowKey(x0.data, k, 2));
    assert.equal(b.labels![i], clean.labels![k]);
  }
  assert.throws(
    () => pairedCoupling({ x0: makePoints(new Float64Array(4), 2), x1: makePoints(new Float64Array(6), 2) }),
    /2 source points for 3 target points/,
  );
});

Deno.test("corruptPoints() noise has the asked standard deviation within 5 standard errors", () => {
  const n = 20000;
  const clean = makePoints(createRng(5, "c").fillNormal(new Float64Array(n)), 1);
  const { x0, x1 } = corruptPoints(clean, { method: "noise", std: 0.3, rng: createRng(6, "n") });
  assert.equal(x1, clean);
  let v = 0;
  let m = 0;
  for (let i = 0; i < n; i++) m += (x0.data[i]! - x1.data[i]!) / n;
  for (let i = 0; i < n; i++) v += (x0.data[i]! - x1.data[i]! - m) ** 2 / (n - 1);
  assert.ok(Math.abs(m) <= 5 * 0.3 / Math.sqrt(n), `mean ${m}`);
  assert.ok(Math.abs(v - 0.09) <= 5 * 0.09 * Math.sqrt(2 / (n - 1)), `variance ${v}`);
});

Deno.test("corruptPoints() quantize rounds to the grid and mask hides the asked fraction", () => {
  const clean = labelledSet(3000, 7);
  const q = corruptPoints(clean, { method: "quantize", step: 0.25, rng: createRng(0) });
  for (let i = 0; i < clean.data.length; i++) {
    const v = q.x0.data[i]!;
    assert.equal(v / 0.25, Math.round(v / 0.25));
    assert.ok(Math.abs(v - clean.data[i]!) <= 0.125 + 1e-12);
  }
  assert.equal(q.x0.labels, clean.labels);
  const m = corruptPoints(clean, { method: "mask", prob: 0.3, fill: -9, rng: createRng(8, "m") });
  let masked = 0;
  for (let i = 0; i < clean.data.length; i++) {
    if (m.x0.data[i] === -9) masked++;
    else assert.equal(m.x0.data[i], clean.data[i]);
  }
  const n = clean.data.length;
  assert.ok(Math.abs(masked / n - 0.3) <= 5 * Math.sqrt((0.3 * 0.7) / n), `masked fraction ${masked / n}`);
  assert.throws(() => corruptPoints(clean, { method: "blur" as never, rng: createRng(0) }), /unknown method/);
  assert.throws(() => corruptPoints(clean, { method: "mask", prob: 2, rng: createRng(0) }), /prob "2" must lie in/);
});
