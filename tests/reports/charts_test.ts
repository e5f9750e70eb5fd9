import assert from "node:assert/strict";
import { makePoints } from "../../core/data/mod.ts";
import {
  bucketSeries,
  densityChart,
  diagnosticsChart,
  fieldChart,
  flattenMetrics,
  hasDiagnostics,
  lossChart,
  meanAndSd,
  nfeChart,
  reportCharts,
  roundForDisplay,
  samplesChart,
  sweepChart,
  thinIndices,
  thinTimes,
  trajectoriesChart,
  type VegaLiteSpec,
} from "../../reports/mod.ts";
import { equalDomains, histogram2d } from "../../reports/charts/_common.ts";
import { quantileExtent } from "../../reports/charts/samples.ts";
import { runReport, sweepReport } from "./_fixtures.ts";
import { drawnMarks, runSpec, totalMarks } from "./_helpers.ts";

type Layer = { data?: { values?: Record<string, unknown>[] }; mark?: { type?: string }; layer?: Layer[] };

function layers(spec: VegaLiteSpec): Layer[] {
  const out: Layer[] = [];
  const walk = (l: Layer) => {
    out.push(l);
    for (const c of l.layer ?? []) walk(c);
  };
  walk(spec as Layer);
  return out;
}

Deno.test("reportCharts() every chart of a run compiles without warnings and draws the expected number of marks", async () => {
  // expected data marks from the fixture sizes and the thinning rules (see each builder)
  const expected: Record<string, Record<string, number>> = {
    // 2 runs × 500 bucket means: band (area) + line + hover points
    "training-loss-step": { area: 1000, line: 1000, symbol: 1000 },
    "training-loss-seconds": { area: 1000, line: 1000, symbol: 1000 },
    // 5000 generated points (≤ cap, none thinned) over the 30 000-point reference's histogram cells
    samples: { symbol: 5000 },
    // 1500 + 1500 points
    moons: { symbol: 3000 },
    // 300 of 400 paths × 40 segments (41 saved times), plus start and end dots
    trajectories: { rule: 300 * 40, symbol: 300 * 2 },
    // 21 × 21 arrows × 5 frames: a shaft and a head each
    field: { rule: 441 * 5, symbol: 441 * 5 },
    // 64 × 64 cells × 2 panels
    density: { rect: 2 * 64 * 64 },
    // 4 samplers × 6 NFE × 2 metrics, lines and dots
    nfe: { line: 48, symbol: 48 },
  };
  for (const chart of reportCharts(runReport())) {
    const { view, warnings } = await runSpec(chart.spec);
    try {
      assert.deepEqual(warnings, [], `${chart.id}: ${warnings.join("; ")}`);
      assert.ok(totalMarks(view) > 0, `${chart.id} drew nothing`);
      const want = expected[chart.id];
      if (want) {
        const got = drawnMarks(view);
        for (const [type, n] of Object.entries(want)) assert.equal(got[type], n, `${chart.id} ${type} marks`);
      }
    } finally {
      view.finalize();
    }
  }
});

Deno.test("reportCharts() every chart of a sweep compiles without warnings and draws a dot per member and metric", async () => {
  const sweep = sweepReport();
  const charts = reportCharts(sweep);
  assert.deepEqual(charts.map((c) => c.id).slice(0, 2), ["sweep-fit-params-steps", "sweep-pairs-kind"]);
  for (const chart of charts) {
    const { view, warnings } = await runSpec(chart.spec);
    try {
      assert.deepEqual(warnings, [], `${chart.id}: ${warnings.join("; ")}`);
      assert.ok(totalMarks(view) > 0, `${chart.id} drew nothing`);
      if (chart.id.startsWith("sweep-")) {
        // 12 successful members × 3 metric parts (w2, pe.npe, pe.pe) seed dots; the failed member has none
        const seeds = (chart.spec.data as { values: { kind: string }[] }).values.filter((r) => r.kind === "seed");
        assert.equal(seeds.length, 12 * 3);
      }
    } finally {
      view.finalize();
    }
  }
});

Deno.test("thinIndices() is a deterministic, bounded, evenly spread stride", () => {
  assert.deepEqual([...thinIndices(10, 4)], [0, 2, 5, 7]);
  assert.deepEqual([...thinIndices(3, 5)], [0, 1, 2]);
  assert.deepEqual([...thinIndices(0, 5)], []);
  for (const [n, max] of [[100000, 5000], [5001, 5000], [7, 7], [12345, 17]] as const) {
    const idx = thinIndices(n, max);
    assert.equal(idx.length, Math.min(n, max));
    assert.deepEqual(idx, thinIndices(n, max));
    assert.equal(idx[0], 0);
    for (let i = 1; i < idx.length; i++) {
      const gap = idx[i]! - idx[i - 1]!;
      // ⌊(i+1)n/k⌋ − ⌊in/k⌋ ∈ {⌊n/k⌋, ⌈n/k⌉}
      assert.ok(gap >= Math.floor(n / idx.length) && gap <= Math.ceil(n / idx.length), `gap ${gap}`);
    }
    assert.ok(idx[idx.length - 1]! < n);
  }
  assert.throws(() => thinIndices(10, 0), RangeError);
});

Deno.test("roundForDisplay() keeps 5 significant digits and turns non-finite values into null", () => {
  assert.equal(roundForDisplay(0.123456789), 0.12346);
  assert.equal(roundForDisplay(123456.7), 123460);
  assert.equal(roundForDisplay(-1.000049e-7), -1.0000e-7);
  assert.equal(roundForDisplay(NaN), null);
  assert.equal(roundForDisplay(-Infinity), null);
});

Deno.test("equalDomains() gives both axes the same span, covering both extents", () => {
  const d = equalDomains([0, 10], [-1, 1]);
  assert.ok(Math.abs((d.x[1] - d.x[0]) - (d.y[1] - d.y[0])) < 1e-9);
  assert.ok(d.x[0] <= 0 && d.x[1] >= 10 && d.y[0] <= -1 && d.y[1] >= 1);
  assert.ok(Math.abs((d.y[0] + d.y[1]) / 2) < 1e-9, "centred on the data");
});

Deno.test("histogram2d() counts every point inside the domain once and its density integrates to the inside fraction", () => {
  // a deterministic grid of 50 × 40 cell-centred points on [0, 1)² plus 7 points outside
  const data: number[] = [];
  for (let i = 0; i < 50; i++) for (let j = 0; j < 40; j++) data.push((i + 0.5) / 50, (j + 0.5) / 40);
  for (let k = 0; k < 7; k++) data.push(2 + k, -3);
  const p = makePoints(new Float64Array(data), 2);
  const cells = histogram2d(p, [0, 1], { x: [0, 1], y: [0, 1] }, 10);
  assert.equal(cells.reduce((s, c) => s + c.count, 0), 2000);
  // 50 × 40 grid points over 10 × 10 cells: exactly 5 × 4 = 20 points per cell
  for (const c of cells) assert.equal(c.count, 20);
  const mass = cells.reduce((s, c) => s + c.density * (c.x1 - c.x0) * (c.y1 - c.y0), 0);
  assert.ok(Math.abs(mass - 2000 / 2007) < 1e-4, `mass ${mass}`);
});

Deno.test("bucketSeries() averages consecutive records and skips gaps", () => {
  const n = 1000;
  const step = Float64Array.from({ length: n }, (_, i) => i);
  const values = Float64Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i));
  const b = bucketSeries({ step, seconds: step, values }, 100);
  assert.equal(b.length, 100);
  // bucket 0 holds 0 … 9 without 3: mean (45 − 3) / 9
  assert.ok(Math.abs(b[0]!.mean - 42 / 9) < 1e-12);
  assert.equal(b[0]!.count, 9);
  assert.equal(b[0]!.lo, 0);
  assert.equal(b[0]!.hi, 9);
  // bucket 7 holds 70 … 79: mean 74.5 at mean step 74.5
  assert.equal(b[7]!.mean, 74.5);
  assert.equal(b[7]!.step, 74.5);
  assert.equal(b[7]!.seconds, 74.5);
  assert.deepEqual(bucketSeries({ step: [1, 2, 3, 4], values: [4, 2, 3, 1] }, 2).map((x) => [x.step, x.mean]), [
    [1.5, 3],
    [3.5, 2],
  ]);
  assert.equal(bucketSeries({ step, values }, 5000).length, n - 1, "no bucketing below the cap");
});

Deno.test("samplesChart() is square with equal spans and draws a histogram of all reference points above the threshold", () => {
  const report = runReport();
  const section = report.sections.find((s) => s.id === "samples");
  assert.ok(section && section.kind === "samples" && section.reference);
  const spec = samplesChart(section, {});
  assert.equal(spec.width, spec.height);
  const ls = layers(spec);
  const rect = ls.find((l) => l.mark?.type === "rect");
  assert.ok(rect?.data?.values, "a histogram layer");
  const counts = rect.data.values.reduce((s, c) => s + (c.count as number), 0);
  assert.ok(counts <= 30000 && counts >= 30000 * 0.995, `histogram holds ${counts} of 30000 points`);
  const scatter = ls.filter((l) => l.mark?.type === "circle");
  assert.equal(scatter.length, 1, "only the generated set is scattered");
  const enc =
    (ls.find((l) => l.mark?.type === "circle") as { encoding: Record<string, { scale: { domain: number[] } }> })
      .encoding;
  const sx = enc.x!.scale.domain, sy = enc.y!.scale.domain;
  assert.ok(Math.abs((sx[1]! - sx[0]!) - (sy[1]! - sy[0]!)) < 1e-3, "equal aspect");

  // small sets: both scattered, thinned to the cap by the stride
  const small = samplesChart(section, { histogramThreshold: 1e9, maxPoints: 1000 });
  const circles = layers(small).filter((l) => l.mark?.type === "circle");
  assert.deepEqual(circles.map((l) => l.data!.values!.length), [1000, 1000]);
  assert.equal(layers(small).filter((l) => l.mark?.type === "rect").length, 0);

  assert.throws(() => samplesChart(section, { dims: [0, 2] }), /axis "2" is outside 0 … 1/);
  assert.throws(
    () => samplesChart({ generated: makePoints(new Float64Array(3), 3), reference: section.reference }),
    /dimension "3" differs from reference dimension "2"/,
  );
});

Deno.test("samplesChart() of 1-D sets draws density histograms that integrate to one", () => {
  const data = Float64Array.from({ length: 999 }, (_, i) => Math.sin(i) * 2);
  const spec = samplesChart({ generated: makePoints(data, 1) }, { bins: 32 });
  const rows = (spec.data as { values: { x: number; density: number }[] }).values;
  const w = rows[1]!.x - rows[0]!.x;
  const mass = rows.reduce((s, r) => s + r.density * w, 0);
  assert.ok(Math.abs(mass - 1) < 1e-3, `mass ${mass}`);
});

Deno.test("quantileExtent() trims the given fraction from each end", () => {
  const data = Float64Array.from({ length: 1001 }, (_, i) => i);
  assert.deepEqual(quantileExtent(makePoints(data, 1), 0, 0.01), [10, 990]);
  assert.deepEqual(quantileExtent(makePoints(data, 1), 0, 0), [0, 1000]);
});

Deno.test("trajectoriesChart() keeps the first and last saved times and checks the layout", () => {
  const t = thinTimes(41, 10);
  assert.equal(t.length, 10);
  assert.equal(t[0], 0);
  assert.equal(t[9], 40);
  assert.deepEqual([...thinTimes(5, 10)], [0, 1, 2, 3, 4]);
  const spec = trajectoriesChart({ times: [0, 0.5, 1], n: 4, dim: 2, states: new Float64Array(24) }, { maxPaths: 3 });
  assert.equal((spec.data as { values: unknown[] }).values.length, 3 * 3);
  // 400 paths × 101 times: 300 paths, and K = ⌊20000 / 300⌋ + 1 = 67 times, so 300 × 66 = 19 800 segments ≤ 20 000
  const T = 101, times = Float64Array.from({ length: T }, (_, k) => k / (T - 1));
  const big = trajectoriesChart({ times, n: 400, dim: 2, states: new Float64Array(T * 400 * 2) });
  const rows = (big.data as { values: { t: number }[] }).values;
  assert.equal(rows.length, 300 * 67);
  assert.deepEqual([...new Set(rows.map((r) => r.t))].slice(0, 2), [0, 0.02]);
  assert.equal(rows[66]!.t, 1);
  assert.throws(
    () => trajectoriesChart({ times: [0, 1], n: 4, dim: 2, states: new Float64Array(10) }),
    /states has length "10", expected times × n × dim = 2 × 4 × 2/,
  );
});

Deno.test("fieldChart() draws arrows proportional to speed up to the quantile, capped at 0.9 cell, pointing along v", () => {
  // 5 × 5 grid with spacing 0.5; v_i = (i + 1, 0): speeds 1 … 25
  const g = 5, h = 0.5;
  const pos = new Float64Array(2 * g * g), vec = new Float64Array(2 * g * g);
  for (let i = 0; i < g * g; i++) {
    pos[2 * i] = h * (i % g);
    pos[2 * i + 1] = h * Math.floor(i / g);
    vec[2 * i] = i + 1;
  }
  const spec = fieldChart({ positions: makePoints(pos, 2), frames: [{ t: 0.5, vectors: vec }] }, { quantile: 0.95 });
  const rows =
    (spec.data as { values: { x: number; x2: number; y: number; y2: number; speed: number; angle: number }[] })
      .values;
  const sq = 23; // the 0.95-quantile of 1 … 25 by nearest rank below: index ⌊0.95 · 24⌋ = 22
  for (const r of rows) {
    const want = Math.min((r.speed * 0.9 * h) / sq, 0.9 * h);
    assert.ok(Math.abs(r.x2 - r.x - want) < 1e-4, `speed ${r.speed}: length ${r.x2 - r.x}, want ${want}`);
    assert.equal(r.y2, r.y);
    assert.equal(r.angle, 90, "v along +x is a quarter turn clockwise from up");
  }
  const angles = [[0, 1, 0], [0, -1, 180], [-1, 0, -90]] as const;
  for (const [vx, vy, deg] of angles) {
    const one = fieldChart({
      positions: makePoints(new Float64Array([0, 0, 1, 0]), 2),
      frames: [{ t: 0, vectors: new Float64Array([vx, vy, vx, vy]) }],
    });
    assert.equal((one.data as { values: { angle: number }[] }).values[0]!.angle, deg);
  }
  assert.throws(
    () => fieldChart({ positions: makePoints(pos, 2), frames: [{ t: 0.25, vectors: new Float64Array(3) }] }),
    /at t "0.25": 3 vector components for 25 positions/,
  );
});

Deno.test("densityChart() clamps colours to [max − depth, max] and keeps the raw values for tooltips", () => {
  const values = new Float64Array([-100, -Infinity, -3, 0, -1, -20]);
  const spec = densityChart({ x: [0, 1, 2], y: [0, 1], panels: [{ label: "p", values }] }, { depth: 5 });
  const rows = (spec.data as { values: { v: number | null; c: number | null }[] }).values;
  assert.deepEqual(rows.map((r) => r.c), [-5, -5, -3, 0, -1, -5]);
  assert.deepEqual(rows.map((r) => r.v), [-100, null, -3, 0, -1, -20]);
  assert.throws(
    () => densityChart({ x: [0, 1], y: [0, 1], panels: [{ label: "q", values: new Float64Array(3) }] }),
    /panel "q": 3 values for a 2 × 2 grid/,
  );
});

Deno.test("nfeChart() uses a log NFE axis only for positive NFE and sorts each line by NFE", () => {
  const rows = [
    { sampler: "euler", nfe: 100, metric: "w2", value: 0.1 },
    { sampler: "euler", nfe: 10, metric: "w2", value: 0.5 },
  ];
  const spec = nfeChart(rows);
  const x = ((spec.spec as { layer: { encoding: { x: { scale: { type?: string } } } }[] }).layer[0]!).encoding.x;
  assert.equal(x.scale.type, "log");
  assert.deepEqual((spec.data as { values: { nfe: number }[] }).values.map((r) => r.nfe), [10, 100]);
  const zero = nfeChart([...rows, { sampler: "euler", nfe: 0, metric: "w2", value: 1 }]);
  const x0 = ((zero.spec as { layer: { encoding: { x: { scale: { type?: string } } } }[] }).layer[0]!).encoding.x;
  assert.equal(x0.scale.type, undefined);
});

Deno.test("meanAndSd() uses the n − 1 denominator", () => {
  const s = meanAndSd([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.sd - Math.sqrt(5 / 3)) < 1e-15);
  assert.deepEqual(meanAndSd([7]), { mean: 7, sd: 0, n: 1 });
  assert.equal(meanAndSd([NaN]).n, 0);
});

Deno.test("sweepChart() puts the mean ± sd over seeds of each setting in the chart", () => {
  const sweep = sweepReport();
  const spec = sweepChart(sweep, "fit.params.steps");
  const rows = (spec.data as { values: Record<string, unknown>[] }).values;
  const cell = rows.find((r) => r.kind === "mean" && r.metric === "w2" && r.x === 1000 && r.group === "coupling.ot");
  assert.ok(cell);
  const w2 = sweep.members
    .filter((m) => m.params["fit.params.steps"] === 1000 && m.params["pairs.kind"] === "coupling.ot")
    .map((m) => m.metrics.w2 as number);
  const s = meanAndSd(w2);
  assert.equal(cell.n, 3);
  assert.equal(cell.value, roundForDisplay(s.mean));
  assert.equal(cell.lo, roundForDisplay(s.mean - s.sd));
  assert.equal(cell.hi, roundForDisplay(s.mean + s.sd));
  assert.throws(() => sweepChart(sweep, "model.params.hidden"), /"model.params.hidden": it is not swept/);
});

Deno.test("flattenMetrics() names the parts of multi-part metrics node.part", () => {
  assert.deepEqual(flattenMetrics({ w2: 0.1, pe: { pe: 2, npe: 0.3 } }), { w2: 0.1, "pe.pe": 2, "pe.npe": 0.3 });
});

Deno.test("trajectoriesChart() draws 1-D paths as x against t, one line per path", async () => {
  const T = 11, n = 20;
  const states = new Float64Array(T * n);
  for (let k = 0; k < T; k++) for (let i = 0; i < n; i++) states[k * n + i] = (k / (T - 1)) * (i - 10);
  const spec = trajectoriesChart({ times: Float64Array.from({ length: T }, (_, k) => k / (T - 1)), n, dim: 1, states });
  const { view, warnings } = await runSpec(spec);
  try {
    assert.deepEqual(warnings, []);
    // a line mark has one item per point: 20 paths × 11 times
    assert.deepEqual(drawnMarks(view), { line: n * T });
  } finally {
    view.finalize();
  }
});

Deno.test("hasDiagnostics() ignores series that never change, such as a constant learning rate", () => {
  const base = { node: "fit", step: [1, 2, 3], seconds: [0.1, 0.2, 0.3], loss: [3, 2, 1] };
  assert.equal(hasDiagnostics([{ ...base, lr: [1e-3, 1e-3, 1e-3] }]), false);
  assert.equal(hasDiagnostics([{ ...base, lr: [1e-3, 1e-3, 1e-3], val: { w2: [NaN, NaN, 0.2] } }]), false);
  assert.equal(hasDiagnostics([{ ...base, lr: [1e-3, 5e-4, 1e-4] }]), true);
  const spec = diagnosticsChart([{ ...base, lr: [1e-3, 1e-3, 1e-3], gradNorm: [2, 1.5, 1] }]);
  const rows = (spec.data as { values: { series: string }[] }).values;
  assert.deepEqual([...new Set(rows.map((r) => r.series))], ["gradient norm"]);
});

Deno.test("lossChart() coarsens buckets and drops the band as more runs are overlaid", () => {
  const h = (node: string, n: number) => ({
    node,
    step: Float64Array.from({ length: n }, (_, i) => i + 1),
    seconds: Float64Array.from({ length: n }, (_, i) => 0.01 * i),
    loss: Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 13) / 13),
  });
  const one = lossChart([h("a", 5000)]);
  assert.equal((one.data as { values: unknown[] }).values.length, 500);
  assert.ok(layers(one).some((l) => l.mark?.type === "area"), "one run: band shown");
  // 6 runs: ⌊1000 / 6⌉ = 167 buckets each, no band
  const six = lossChart(["a", "b", "c", "d", "e", "f"].map((k) => h(k, 1000)));
  assert.equal((six.data as { values: unknown[] }).values.length, 6 * 167);
  assert.ok(!layers(six).some((l) => l.mark?.type === "area"), "six runs: no band");
  const linear = lossChart([{ ...h("a", 10), loss: Float64Array.from({ length: 10 }, (_, i) => i - 5) }]);
  assert.equal(JSON.stringify(linear).includes('"type":"log"'), false, "losses ≤ 0 fall back to a linear axis");
});
