import assert from "node:assert/strict";
import {
  checkerboard,
  circles,
  eightGaussians,
  ellipse,
  ellipseAngle,
  encodeNpy,
  gaussian,
  makePoints,
  mixture,
  moons,
  parseCsv,
  parseNpy,
  splitPoints,
  transformed,
} from "../../core/data/mod.ts";
import { createRng } from "../../core/random/mod.ts";

function mean(data: Float64Array, dim: number): number[] {
  const m = new Array(dim).fill(0);
  for (let i = 0; i < data.length; i++) m[i % dim] += data[i]!;
  return m.map((v) => v / (data.length / dim));
}

Deno.test("moons() has the analytic mean (½, ¼) within 5 standard errors", () => {
  const n = 40000;
  const p = moons({ noise: 0.1 }).sample(n, createRng(0, "moons"));
  const [mx, my] = mean(p.data, 2) as [number, number];
  // per-coordinate variance ≤ 1 + noise², so 5/√n bounds the error of each mean
  assert.ok(Math.abs(mx - 0.5) < 5 / Math.sqrt(n), `mean x ${mx}`);
  assert.ok(Math.abs(my - 0.25) < 5 / Math.sqrt(n), `mean y ${my}`);
  assert.equal(p.classes, 2);
  // noiseless upper moon lies on the unit circle
  const clean = moons({ noise: 0 }).sample(200, createRng(1, "m"));
  for (let i = 0; i < 200; i++) {
    const x = clean.data[2 * i]!, y = clean.data[2 * i + 1]!;
    const r = clean.labels![i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-12);
  }
});

Deno.test("mixture() score equals the finite-difference gradient of its log-density", () => {
  const m = mixture({ means: [[0, 0], [3, 1], [-2, 2]], std: 0.7, weights: [1, 2, 3] });
  const rng = createRng(2, "x");
  const x = rng.fillNormal(new Float64Array(2 * 10), 0, 2);
  const s = new Float64Array(20);
  m.score!(x, 10, s);
  const h = 1e-5, lp = new Float64Array(1), lm = new Float64Array(1);
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 2; j++) {
      const xp = x.slice(2 * i, 2 * i + 2), xm = xp.slice();
      xp[j] = xp[j]! + h;
      xm[j] = xm[j]! - h;
      m.logDensity!(xp, 1, lp);
      m.logDensity!(xm, 1, lm);
      assert.ok(Math.abs((lp[0]! - lm[0]!) / (2 * h) - s[2 * i + j]!) < 1e-6);
    }
  }
});

Deno.test("mixture() draws components in proportion to the weights", () => {
  const n = 30000;
  const p = mixture({ means: [[0], [5], [10]], std: 0.1, weights: [1, 2, 1] }).sample(n, createRng(3, "w"));
  const counts = [0, 0, 0];
  for (const l of p.labels!) counts[l]!++;
  const expected = [0.25, 0.5, 0.25];
  counts.forEach((c, k) => {
    const q = expected[k]!;
    assert.ok(Math.abs(c / n - q) < 5 * Math.sqrt((q * (1 - q)) / n), `component ${k}: ${c / n}`);
  });
});

Deno.test("gaussian() log-density integrates to one on a grid", () => {
  const g = gaussian({ dim: 2, mean: [1, -1], std: [0.5, 2] });
  const h = 0.05, xs: number[] = [];
  for (let x = -3; x <= 5; x += h) for (let y = -13; y <= 11; y += h) xs.push(x, y);
  const n = xs.length / 2, lp = new Float64Array(n);
  g.logDensity!(new Float64Array(xs), n, lp);
  let total = 0;
  for (const v of lp) total += Math.exp(v) * h * h;
  assert.ok(Math.abs(total - 1) < 1e-3, `integral ${total}`);
});

Deno.test("transformed() applies the change of variables to density and score", () => {
  const base = mixture({ means: [[0, 0], [2, 0]], std: 0.5 });
  const t = transformed(base, { scale: 3, offset: [-1, 2] });
  const rng = createRng(4, "t");
  const y = t.sample(5, createRng(5, "s")).data;
  const x = y.map((v, i) => (v - (i % 2 === 0 ? -1 : 2)) / 3);
  const ly = new Float64Array(5), lx = new Float64Array(5);
  t.logDensity!(y, 5, ly);
  base.logDensity!(x, 5, lx);
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(ly[i]! - (lx[i]! - 2 * Math.log(3))) < 1e-12);
  const sy = new Float64Array(10), sx = new Float64Array(10);
  t.score!(y, 5, sy);
  base.score!(x, 5, sx);
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(sy[i]! - sx[i]! / 3) < 1e-12);
  assert.ok(rng);
});

Deno.test("eightGaussians() centres lie on the circle of the given radius", () => {
  const p = eightGaussians({ radius: 5, std: 0.01 }).sample(800, createRng(6, "e"));
  for (let i = 0; i < p.n; i++) {
    const r = Math.hypot(p.data[2 * i]!, p.data[2 * i + 1]!);
    assert.ok(Math.abs(r - 5) < 0.06);
    const k = p.labels![i]!;
    const th = Math.atan2(p.data[2 * i + 1]!, p.data[2 * i]!);
    const d = Math.abs(((th - (2 * Math.PI * k) / 8 + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
    assert.ok(d < 0.02, `label ${k} at angle ${th}`);
  }
});

Deno.test("ellipseAngle() recovers the angle of noiseless ellipse points", () => {
  const opts = { a: 3, b: 1, angle: 40, noise: 0 };
  const p = ellipse(opts).sample(500, createRng(7, "el"));
  const th = ellipseAngle(p.data, p.n, opts);
  const c = Math.cos((40 * Math.PI) / 180), s = Math.sin((40 * Math.PI) / 180);
  for (let i = 0; i < p.n; i++) {
    const x = 3 * Math.cos(th[i]!), y = Math.sin(th[i]!);
    assert.ok(Math.abs(c * x - s * y - p.data[2 * i]!) < 1e-9);
    assert.ok(Math.abs(s * x + c * y - p.data[2 * i + 1]!) < 1e-9);
  }
});

Deno.test("checkerboard() fills only cells of one colour", () => {
  const p = checkerboard().sample(5000, createRng(8, "c"));
  for (let i = 0; i < p.n; i++) {
    const cx = Math.floor(p.data[2 * i]! / 2), cy = Math.floor(p.data[2 * i + 1]! / 2);
    assert.equal(((cx + cy) % 2 + 2) % 2, 0);
    assert.ok(Math.abs(p.data[2 * i]!) <= 4 && Math.abs(p.data[2 * i + 1]!) <= 4);
  }
});

Deno.test("circles() puts ring 1 at radius factor", () => {
  const p = circles({ factor: 0.3, noise: 0 }).sample(300, createRng(9, "r"));
  for (let i = 0; i < p.n; i++) {
    const r = Math.hypot(p.data[2 * i]!, p.data[2 * i + 1]!);
    assert.ok(Math.abs(r - (p.labels![i] === 1 ? 0.3 : 1)) < 1e-12);
  }
});

Deno.test("splitPoints() makes disjoint parts of the requested sizes", () => {
  const data = new Float64Array(100).map((_, i) => i);
  const s = splitPoints(makePoints(data, 1), { test: 20, val: 0.1, rng: createRng(0, "split") });
  assert.equal(s.test.n, 20);
  assert.equal(s.val!.n, 10);
  assert.equal(s.train.n, 70);
  const all = new Set([...s.test.data, ...s.val!.data, ...s.train.data]);
  assert.equal(all.size, 100);
  assert.throws(() => splitPoints(makePoints(data, 1), { test: 100, rng: createRng(0) }), /no training points/);
});

Deno.test("parseNpy() reads what encodeNpy() writes", () => {
  const p = makePoints(new Float64Array([1.5, -2, 3e-300, 4, Math.PI, 6]), 3);
  const q = parseNpy(encodeNpy(p));
  assert.equal(q.n, 2);
  assert.equal(q.dim, 3);
  assert.deepEqual(Array.from(q.data), Array.from(p.data));
  assert.throws(() => parseNpy(new Uint8Array(12)), /magic/);
});

Deno.test("parseCsv() reads headers, labels and rejects bad cells", () => {
  const p = parseCsv("x,y,label\n1,2,0\n3,4,1\n", { labelColumn: "label" });
  assert.deepEqual(Array.from(p.data), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(p.labels!), [0, 1]);
  assert.throws(() => parseCsv("1,2\n3,abc\n"), /row 2, column 2: "abc"/);
});
