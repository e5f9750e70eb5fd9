import assert from "node:assert/strict";
import { createPath, createScheduler, type PathPairs } from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";

function randomPairs(n: number, dim: number, seed: number): PathPairs {
  const rng = createRng(seed, "paths/pairs");
  return {
    n,
    dim,
    x0: rng.fillNormal(new Float64Array(n * dim)),
    x1: rng.fillNormal(new Float64Array(n * dim), 2, 0.5),
  };
}

Deno.test("createPath() affine gives x_t = α x1 + σ x0/std and ẋ_t = α̇ x1 + σ̇ x0/std = d x_t/dt", () => {
  const pairs = randomPairs(50, 3, 0);
  const rng = createRng(0, "unused");
  const t = createRng(1, "t").fillUniform(new Float64Array(50), 0.01, 0.99);
  for (const [name, params] of [["condot", {}], ["cosine", {}], ["vp", {}], ["ve", { sigma_max: 4 }]] as const) {
    const path = createPath({ kind: "affine", scheduler: name, params });
    const sch = path.scheduler!;
    const std = sch.source.std;
    assert.equal(std, name === "ve" ? 4 : 1);
    const { xt, velocity } = path.sample(pairs, t, rng);
    const h = 1e-6;
    const plus = path.sample(pairs, t.map((v) => v + h), rng).xt;
    const minus = path.sample(pairs, t.map((v) => v - h), rng).xt;
    for (let i = 0; i < 50; i++) {
      const s = sch.at(t[i]!);
      for (let j = 0; j < 3; j++) {
        const k = i * 3 + j;
        const x0 = pairs.x0[k]! / std;
        assert.ok(Math.abs(xt[k]! - (s.alpha * pairs.x1[k]! + s.sigma * x0)) <= 1e-14 * (1 + Math.abs(xt[k]!)));
        assert.ok(Math.abs(velocity[k]! - (s.dAlpha * pairs.x1[k]! + s.dSigma * x0)) <= 1e-13);
        const fd = (plus[k]! - minus[k]!) / (2 * h);
        assert.ok(Math.abs(velocity[k]! - fd) <= 1e-6 * (1 + Math.abs(fd)), `${name}: ${velocity[k]} vs ${fd}`);
      }
    }
  }
});

Deno.test("createPath() lipman target equals u = (x1 − (1 − σ_min) x_t)/(1 − (1 − σ_min) t)", () => {
  const pairs = randomPairs(40, 2, 1);
  const sigmaMin = 0.05;
  const path = createPath({ kind: "lipman", sigmaMin });
  assert.equal(path.kind, "lipman");
  assert.deepEqual(path.source, { kind: "normal", std: 1 });
  const t = createRng(2, "t").fillUniform(new Float64Array(40));
  const { xt, velocity } = path.sample(pairs, t, createRng(0, "unused"));
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 2; j++) {
      const k = 2 * i + j;
      assert.ok(Math.abs(xt[k]! - (t[i]! * pairs.x1[k]! + (1 - (1 - sigmaMin) * t[i]!) * pairs.x0[k]!)) <= 1e-14);
      const u = (pairs.x1[k]! - (1 - sigmaMin) * xt[k]!) / (1 - (1 - sigmaMin) * t[i]!);
      assert.ok(Math.abs(velocity[k]! - u) <= 1e-12 * (1 + Math.abs(u)), `${velocity[k]} vs ${u}`);
    }
  }
});

Deno.test("createPath() sb has mean t x1 + (1 − t) x0, variance s² t(1 − t) and torchcfm's target", () => {
  const s = 0.7;
  const path = createPath({ kind: "sb", sigma: s });
  assert.equal(path.source, null);
  assert.equal(path.scheduler, undefined);
  const n = 20000;
  const x0 = new Float64Array(n).fill(-1);
  const x1 = new Float64Array(n).fill(2);
  const rng = createRng(3, "sb");
  for (const tv of [0.2, 0.5, 0.9]) {
    const t = new Float64Array(n).fill(tv);
    const { xt, velocity } = path.sample({ n, dim: 1, x0, x1 }, t, rng);
    let mean = 0;
    for (const v of xt) mean += v / n;
    let variance = 0;
    for (const v of xt) variance += (v - mean) ** 2 / (n - 1);
    const mu = 2 * tv - (1 - tv);
    const v = s * s * tv * (1 - tv);
    // Mean within 5 standard errors √(v/n); sample variance within 5 of its standard error v √(2/(n − 1)).
    assert.ok(Math.abs(mean - mu) <= 5 * Math.sqrt(v / n), `mean ${mean} vs ${mu}`);
    assert.ok(Math.abs(variance - v) <= 5 * v * Math.sqrt(2 / (n - 1)), `variance ${variance} vs ${v}`);
    for (let i = 0; i < 100; i++) {
      const u = ((1 - 2 * tv) / (2 * tv * (1 - tv))) * (xt[i]! - mu) + 3;
      assert.ok(Math.abs(velocity[i]! - u) <= 1e-12 * (1 + Math.abs(u)));
    }
  }
  // At t = 0 and 1 the noise vanishes and the target is x1 − x0.
  const r = path.sample(
    { n: 2, dim: 1, x0: new Float64Array([-1, -1]), x1: new Float64Array([2, 2]) },
    new Float64Array([0, 1]),
    rng,
  );
  assert.deepEqual(Array.from(r.xt), [-1, 2]);
  assert.deepEqual(Array.from(r.velocity), [3, 3]);
});

Deno.test("createPath() declares the source it expects and rejects bad specs", () => {
  assert.deepEqual(createPath({ kind: "affine", scheduler: "condot" }).source, { kind: "normal", std: 1 });
  assert.deepEqual(createPath({ kind: "affine", scheduler: "ve" }).source, { kind: "normal", std: 10 });
  const built = createScheduler("cosine");
  assert.equal(createPath({ kind: "affine", scheduler: built }).scheduler, built);
  assert.equal(createPath({ kind: "affine", scheduler: "cosine" }).name, "affine(cosine)");
  assert.throws(
    () => createPath({ kind: "sb", sigma: 0 }),
    /Cannot build path "sb": sigma "0" must be a positive number/,
  );
  assert.throws(() => createPath({ kind: "lipman", sigmaMin: 1 }), /sigma_min "1" must lie in \[0, 1\)/);
  assert.throws(() => createPath({ kind: "affine", scheduler: "nope" }), /unknown name/);
  assert.throws(() => createPath({ kind: "wave" } as never), /Cannot build path "wave": unknown kind/);
  const pairs = randomPairs(3, 2, 4);
  assert.throws(
    () => createPath({ kind: "affine", scheduler: "condot" }).sample(pairs, new Float64Array(2), createRng(0)),
    /2 times for 3 pairs/,
  );
});
