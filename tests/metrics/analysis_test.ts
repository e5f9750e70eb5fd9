import assert from "node:assert/strict";
import { makePoints, type Points } from "../../core/data/mod.ts";
import {
  angleCoverage,
  classPrecision,
  diversity,
  meanPairwiseDistance,
  modeWeights,
  pairedRmse,
  trajectoryCurvature,
  w2,
} from "../../core/metrics/mod.ts";
import { createRng } from "../../core/random/mod.ts";

const pointsOf = (rows: number[][], labels?: number[]): Points =>
  makePoints(Float64Array.from(rows.flat()), rows[0]!.length, labels ? { labels: Int32Array.from(labels) } : {});

/** Points on the ellipse of semi-axes a, b rotated by `angle` degrees at parametric angles θ, radius factor r. */
function onEllipse(thetas: number[], a: number, b: number, angle: number, r = 1): Points {
  const c = Math.cos((angle * Math.PI) / 180), s = Math.sin((angle * Math.PI) / 180);
  return pointsOf(thetas.map((t) => {
    const x = r * a * Math.cos(t), y = r * b * Math.sin(t);
    return [c * x - s * y, s * x + c * y];
  }));
}

Deno.test("angleCoverage() of evenly spread points on the ellipse: every bin, no TV, on the curve", () => {
  const thetas = Array.from({ length: 360 }, (_, k) => (2 * Math.PI * (k + 0.5)) / 360);
  const r = angleCoverage(onEllipse(thetas, 2, 1, 30), { a: 2, b: 1, angle: 30, bins: 36 });
  assert.equal(r.coverage, 1);
  assert.ok(r.tv < 1e-12, `${r.tv}`);
  assert.ok(r.radial < 1e-12, `${r.radial}`);
});

Deno.test("angleCoverage() of half the ellipse covers half the bins with TV ½, and reads the radius off the curve", () => {
  const thetas = Array.from({ length: 180 }, (_, k) => (Math.PI * (k + 0.5)) / 180);
  const r = angleCoverage(onEllipse(thetas, 3, 0.5, -40, 1.1), { a: 3, b: 0.5, angle: -40, bins: 12 });
  // half the bins hold 2/12 of the points each, the rest none: ½ (6 · 1/12 + 6 · 1/12) = ½
  assert.equal(r.coverage, 0.5);
  assert.ok(Math.abs(r.tv - 0.5) < 1e-12, `${r.tv}`);
  assert.ok(Math.abs(r.radial - 0.1) < 1e-12, `${r.radial}`);
  // the wrong rotation does not see points on its curve
  const wrong = angleCoverage(onEllipse(thetas, 3, 0.5, -40), { a: 3, b: 0.5, angle: 40, bins: 12 });
  assert.ok(wrong.radial > 0.1, `${wrong.radial}`);
});

Deno.test("meanPairwiseDistance() is the mean over distinct pairs; diversity() scales with the spread", () => {
  const square = pointsOf([[0, 0], [1, 0], [0, 1], [1, 1]]);
  // four sides of length 1 and two diagonals of length √2 over six pairs
  assert.ok(Math.abs(meanPairwiseDistance(square) - (4 + 2 * Math.SQRT2) / 6) < 1e-15);
  const rng = createRng(7);
  const a = makePoints(rng.fillNormal(new Float64Array(2 * 500)), 2);
  const doubled = makePoints(a.data.map((v) => 2 * v), 2);
  const r = diversity(doubled, a);
  assert.ok(Math.abs(r.ratio - 2) < 1e-12, `${r.ratio}`);
  assert.equal(diversity(a, a).ratio, 1);
});

Deno.test("diversity() compares guided samples with their own class of the reference", () => {
  // class 0: a unit square's corners; class 1: the same square scaled by 10
  const ref = pointsOf(
    [[0, 0], [1, 0], [0, 1], [1, 1], [0, 0], [10, 0], [0, 10], [10, 10]],
    [0, 0, 0, 0, 1, 1, 1, 1],
  );
  const guided1 = pointsOf([[0, 0], [10, 0], [0, 10], [10, 10]], [1, 1, 1, 1]);
  assert.ok(Math.abs(diversity(guided1, ref).ratio - 1) < 1e-12);
  const guided0 = pointsOf([[0, 0], [10, 0], [0, 10], [10, 10]], [0, 0, 0, 0]);
  assert.ok(Math.abs(diversity(guided0, ref).ratio - 10) < 1e-12);
  // an explicit label overrides the samples' own
  assert.ok(Math.abs(diversity(guided0, ref, { label: 1 }).ratio - 1) < 1e-12);
});

Deno.test("classPrecision() counts samples whose k nearest labelled points vote for their label", () => {
  const rng = createRng(11);
  const rows: number[][] = [], labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = i % 2;
    rows.push([c * 10 + 0.3 * rng.normal(), 0.3 * rng.normal()]);
    labels.push(c);
  }
  const ref = pointsOf(rows, labels);
  const right = pointsOf([[0, 0], [10, 0], [0.5, 0.2], [9.5, -0.1]], [0, 1, 0, 1]);
  assert.deepEqual(classPrecision(right, ref, { k: 5 }), { precision: 1, agreement: 1 });
  const wrong = pointsOf([[0, 0], [10, 0], [0.5, 0.2], [9.5, -0.1]], [1, 0, 0, 1]);
  assert.deepEqual(classPrecision(wrong, ref, { k: 5 }), { precision: 0.5, agreement: 0.5 });
});

Deno.test("trajectoryCurvature() is 0 for straight paths and exact for a right angle and a polygonal half circle", () => {
  // two paths along lines, saved at 5 times (one slows down: still straight)
  const times = Float64Array.from([0, 0.25, 0.5, 0.75, 1]);
  const line = (t: number) => [t, 2 * t], slow = (t: number) => [-(t ** 2), 0];
  const states = Float64Array.from([...times].flatMap((t) => [...line(t), ...slow(t)]));
  const straight = trajectoryCurvature({ times, states, n: 2, dim: 2 });
  assert.ok(Math.abs(straight.excessLength) < 1e-12 && Math.abs(straight.turning) < 1e-12);
  // (0,0) → (1,0) → (1,1): length 2 over chord √2, one turn of π/2
  const corner = trajectoryCurvature({
    times: Float64Array.from([0, 0.5, 1]),
    states: Float64Array.from([0, 0, 1, 0, 1, 1]),
    n: 1,
    dim: 2,
  });
  assert.ok(Math.abs(corner.excessLength - (2 / Math.SQRT2 - 1)) < 1e-12);
  assert.ok(Math.abs(corner.turning - Math.PI / 2) < 1e-12);
  // two paths: excess length is a ratio of totals, (1 + 2) / (1 + √2) − 1; turning the mean, (0 + π/2) / 2
  const both = trajectoryCurvature({
    times: Float64Array.from([0, 0.5, 1]),
    states: Float64Array.from([0, 0, 0, 0, 0.5, 0, 1, 0, 1, 0, 1, 1]),
    n: 2,
    dim: 2,
  });
  assert.ok(Math.abs(both.excessLength - (3 / (1 + Math.SQRT2) - 1)) < 1e-12, `${both.excessLength}`);
  assert.ok(Math.abs(both.turning - Math.PI / 4) < 1e-12);
  // N chords of a unit half circle: length 2N sin(π/2N) over chord 2, N − 1 turns of π/N
  const N = 16;
  const arc = Array.from({ length: N + 1 }, (_, k) => [Math.cos((Math.PI * k) / N), Math.sin((Math.PI * k) / N)]);
  const half = trajectoryCurvature({
    times: Float64Array.from(arc.map((_, k) => k / N)),
    states: Float64Array.from(arc.flat()),
    n: 1,
    dim: 2,
  });
  assert.ok(Math.abs(half.excessLength - (N * Math.sin(Math.PI / (2 * N)) - 1)) < 1e-12);
  assert.ok(Math.abs(half.turning - ((N - 1) * Math.PI) / N) < 1e-12);
});

Deno.test("modeWeights() shares samples by nearest mode and measures TV to the truth and the far share", () => {
  const modes = [[0, 0], [5, 0], [0, 5]], weights = [0.5, 0.3, 0.2];
  const at = (m: number, k: number) => Array.from({ length: k }, () => modes[m]!);
  const exact = pointsOf([...at(0, 5), ...at(1, 3), ...at(2, 2)]);
  const r = modeWeights(exact, { modes, weights, std: 1 });
  assert.deepEqual(r.weights, [0.5, 0.3, 0.2]);
  assert.ok(r.tv < 1e-15 && r.far === 0);
  // all mass at mode 1, one point of ten far away (still nearest to mode 1)
  const collapsed = pointsOf([...at(1, 9), [5, 4]]);
  const c = modeWeights(collapsed, { modes, weights, std: 1, radius: 3 });
  assert.deepEqual(c.weights, [0, 1, 0]);
  assert.ok(Math.abs(c.tv - 0.7) < 1e-12, `${c.tv}`); // ½ (0.5 + 0.7 + 0.2)
  assert.equal(c.far, 0.1);
});

Deno.test("pairedRmse() is the root mean squared distance in order, an upper bound of W2", () => {
  const a = pointsOf([[0, 0], [1, 1], [2, -1]]);
  const shifted = pointsOf([[3, 4], [4, 5], [5, 3]]);
  assert.ok(Math.abs(pairedRmse(a, shifted) - 5) < 1e-12);
  const rng = createRng(3);
  const x = makePoints(rng.fillNormal(new Float64Array(2 * 200)), 2);
  const y = makePoints(rng.fillNormal(new Float64Array(2 * 200)), 2);
  assert.ok(w2(x, y) <= pairedRmse(x, y) + 1e-12);
  assert.throws(() => pairedRmse(a, pointsOf([[0, 0]])), /same size/);
});
