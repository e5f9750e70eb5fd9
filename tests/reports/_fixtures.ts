/**
 * Synthetic but realistic report inputs covering every chart type: an
 * eight-Gaussians run (training history of two runs, a 30 000-point reference
 * under 5000 generated points, a small moons sample set, straight-line
 * trajectories, the exact marginal velocity field of a finite data set, true
 * and model log-densities, quality against NFE, a table) and a 2 × 2 × 3 sweep.
 * Hostile strings (`</script>`, U+2028) are planted in labels and config.
 */

import { eightGaussians, gaussian, makePoints, moons, type Points } from "../../core/data/mod.ts";
import { createRng } from "../../core/random/mod.ts";
import type { ReportSection, RunReport, SweepMember, SweepReport, TrainingHistory } from "../../reports/mod.ts";

/** A string that would end a <script> element if it were not escaped. */
export const HOSTILE = "</script><script>document.title='pwned'</script><!-- \u2028\u2029";

const VERSIONS = { flowlab: "0.1.0", deno: "2.9.6", tfjs: "4.22.0", backend: "wasm", backendVersion: "4.22.0" };

/** A training history with exponential decay, noise, cosine lr, a grad norm and a val metric every 250 steps. */
export function history(node: string, steps: number, seed: number, label?: string): TrainingHistory {
  const rng = createRng(seed, `history-${node}`);
  const step = new Float64Array(steps), seconds = new Float64Array(steps), loss = new Float64Array(steps);
  const lr = new Float64Array(steps), gradNorm = new Float64Array(steps), w2 = new Float64Array(steps).fill(NaN);
  for (let i = 0; i < steps; i++) {
    step[i] = i + 1;
    seconds[i] = (i + 1) * 0.0042 + 0.3;
    loss[i] = (1.1 * Math.exp(-i / (steps / 6)) + 0.85) * Math.exp(0.12 * rng.normal());
    lr[i] = 1e-3 * 0.5 * (1 + Math.cos((Math.PI * i) / steps));
    gradNorm[i] = (2 * Math.exp(-i / steps) + 0.4) * Math.exp(0.2 * rng.normal());
    if ((i + 1) % 250 === 0) w2[i] = 0.08 + 1.5 * Math.exp(-i / (steps / 5));
  }
  return { node, ...(label ? { label } : {}), step, seconds, loss, lr, gradNorm, val: { w2 } };
}

/** Points near the targets: the reference plus extra isotropic noise (a plausible imperfect model). */
function imperfect(p: Points, noise: number, seed: number): Points {
  const rng = createRng(seed, "imperfect");
  const data = new Float64Array(p.data.length);
  for (let i = 0; i < data.length; i++) data[i] = p.data[i]! + noise * rng.normal();
  return makePoints(data, p.dim, p.labels ? { labels: p.labels } : {});
}

/**
 * The exact marginal velocity of the straight (condot) path x_t = t·x1 + (1 − t)·x0 with
 * x0 ~ N(0, I) and x1 uniform on a finite set {y_j}: v(x, t) = (E[x1 | x_t = x] − x) / (1 − t),
 * E[x1 | x] = Σ_j w_j y_j with w ∝ exp(−‖x − t·y_j‖² / (2(1 − t)²)).
 */
function oracleVelocity(x: number, y: number, t: number, data: Points): [number, number] {
  const s2 = 2 * (1 - t) ** 2;
  let max = -Infinity;
  const logw = new Float64Array(data.n);
  for (let j = 0; j < data.n; j++) {
    const dx = x - t * data.data[2 * j]!, dy = y - t * data.data[2 * j + 1]!;
    logw[j] = -(dx * dx + dy * dy) / s2;
    max = Math.max(max, logw[j]!);
  }
  let z = 0, ex = 0, ey = 0;
  for (let j = 0; j < data.n; j++) {
    const w = Math.exp(logw[j]! - max);
    z += w;
    ex += w * data.data[2 * j]!;
    ey += w * data.data[2 * j + 1]!;
  }
  return [(ex / z - x) / (1 - t), (ey / z - y) / (1 - t)];
}

/** Every section kind, realistic sizes. */
export function allSections(seed = 0): ReportSection[] {
  const target = eightGaussians({ radius: 4, std: 0.4 });
  const reference = target.sample(30000, createRng(seed, "reference"));
  const generated = imperfect(target.sample(5000, createRng(seed, "generated")), 0.15, seed);
  const moonRef = moons({ noise: 0.06 }).sample(1500, createRng(seed, "moons"));
  const moonGen = imperfect(moons({ noise: 0.06 }).sample(1500, createRng(seed, "moons-gen")), 0.05, seed + 1);

  // trajectories: straight paths from N(0, I) to paired targets, slightly bent, 41 saved times
  const n = 400, T = 41;
  const x0 = gaussian({ dim: 2 }).sample(n, createRng(seed, "x0"));
  const x1 = target.sample(n, createRng(seed, "x1"));
  const times = Float64Array.from({ length: T }, (_, k) => k / (T - 1));
  const states = new Float64Array(T * n * 2);
  for (let k = 0; k < T; k++) {
    const t = times[k]!;
    for (let i = 0; i < n; i++) {
      const bend = 0.6 * t * (1 - t);
      const ax = x0.data[2 * i]!, ay = x0.data[2 * i + 1]!, bx = x1.data[2 * i]!, by = x1.data[2 * i + 1]!;
      states[(k * n + i) * 2] = (1 - t) * ax + t * bx - bend * (by - ay) * 0.3;
      states[(k * n + i) * 2 + 1] = (1 - t) * ay + t * by + bend * (bx - ax) * 0.3;
    }
  }

  // field: the exact marginal velocity of 256 target points on a 21 × 21 grid
  const data = target.sample(256, createRng(seed, "oracle"));
  const g = 21, lim = 6;
  const grid = new Float64Array(g * g * 2);
  for (let j = 0; j < g; j++) {
    for (let i = 0; i < g; i++) {
      grid[2 * (j * g + i)] = -lim + (2 * lim * i) / (g - 1);
      grid[2 * (j * g + i) + 1] = -lim + (2 * lim * j) / (g - 1);
    }
  }
  const positions = makePoints(grid, 2);
  const frames = [0, 0.25, 0.5, 0.75, 0.9].map((t) => {
    const vectors = new Float64Array(g * g * 2);
    for (let m = 0; m < g * g; m++) {
      const [vx, vy] = oracleVelocity(grid[2 * m]!, grid[2 * m + 1]!, t, data);
      vectors[2 * m] = vx;
      vectors[2 * m + 1] = vy;
    }
    return { t, vectors };
  });

  // density: true log p and a blurrier "model" on a 64 × 64 grid
  const nx = 64, ny = 64;
  const xs = Float64Array.from({ length: nx }, (_, i) => -6 + (12 * (i + 0.5)) / nx);
  const ys = Float64Array.from({ length: ny }, (_, j) => -6 + (12 * (j + 0.5)) / ny);
  const pts = new Float64Array(nx * ny * 2);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) pts[2 * (j * nx + i)] = xs[i]!, pts[2 * (j * nx + i) + 1] = ys[j]!;
  }
  const truth = new Float64Array(nx * ny), model = new Float64Array(nx * ny);
  target.logDensity!(pts, nx * ny, truth);
  eightGaussians({ radius: 4, std: 0.55 }).logDensity!(pts, nx * ny, model);

  // quality against NFE: error ~ C / nfe^order + floor
  const samplers: [string, number, number][] = [["euler", 1, 3], ["midpoint", 2, 6], ["heun", 2, 5], ["rk4", 4, 12]];
  const nfeRows = samplers.flatMap(([sampler, order, c]) =>
    [4, 8, 16, 32, 64, 128].flatMap((nfe) => [
      { sampler, nfe, metric: "w2", value: 0.07 + c / nfe ** order },
      { sampler, nfe, metric: "mmd", value: 0.002 + (c / 20) / nfe ** order },
    ])
  );

  return [
    {
      kind: "history",
      id: "training",
      title: "Training",
      description: "Two runs overlaid: independent and minibatch-OT couplings.",
      histories: [
        history("fit", 5000, seed, "fit (independent)"),
        history("fit_ot", 5000, seed + 7, `fit_ot ${HOSTILE}`),
      ],
    },
    {
      kind: "samples",
      id: "samples",
      title: "Generated samples over the target",
      generated,
      reference,
      generatedLabel: "euler, 100 steps",
      referenceLabel: "target",
    },
    {
      kind: "samples",
      id: "moons",
      title: "Moons (small sets)",
      generated: moonGen,
      reference: moonRef,
      generatedLabel: "generated",
      referenceLabel: "target",
    },
    { kind: "trajectories", id: "trajectories", times, n, dim: 2, states },
    { kind: "field", id: "field", title: "Exact marginal velocity", positions, frames },
    {
      kind: "density",
      id: "density",
      x: xs,
      y: ys,
      panels: [{ label: "true log p", values: truth }, { label: "model log p", values: model }],
    },
    { kind: "nfe", id: "nfe", rows: nfeRows, logValue: true },
    {
      kind: "table",
      id: "timings",
      title: "Node timings",
      rows: [
        { node: "target", kind: "data.eight_gaussians", seconds: 0.012, cached: true },
        { node: "fit", kind: "train", seconds: 21.4, cached: false },
        { node: "gen", kind: "sample.ode", seconds: 0.93, cached: false },
        { node: HOSTILE, kind: "metric.w2", seconds: null, cached: false },
      ],
    },
  ];
}

/** A complete run report with every section kind and hostile strings in the config, summary and labels. */
export function runReport(seed = 0): RunReport {
  return {
    header: {
      name: "quickstart",
      runId: "20260101-120000-quickstart-s0",
      seed,
      started: "2026-01-01T12:00:00.000Z",
      finished: "2026-01-01T12:00:31.400Z",
      seconds: 31.4,
      status: "ok",
      versions: { ...VERSIONS, kernels: "relaxed" },
      git: { commit: "172232b0e3c5d7f8a9b1c2d3e4f5a6b7c8d9e0f1", dirty: true },
      host: "lab-01",
    },
    config: {
      yaml:
        `name: quickstart\nseed: 0\n# a comment with ${HOSTILE}\nnodes:\n  target: { kind: data.eight_gaussians }\n`,
      graph: { name: "quickstart", seed: 0, nodes: { target: { kind: "data.eight_gaussians", note: HOSTILE } } },
    },
    summary: `Flow matching on eight Gaussians; W2 falls to 0.08 by 5000 steps. ${HOSTILE}`,
    metrics: { w2: 0.0813, mmd: 0.0021, pe: { pe: 32.1, npe: 0.041, straightness: 0.97 } },
    sections: allSections(seed),
  };
}

/** A 2 (steps) × 2 (coupling) × 3 (seeds) sweep with a two-part metric, one failed member, and overlaid histories. */
export function sweepReport(): SweepReport {
  const members: SweepMember[] = [];
  for (const steps of [1000, 5000]) {
    for (const kind of ["coupling.independent", "coupling.ot"]) {
      for (const seed of [0, 1, 2]) {
        const rng = createRng(seed, `sweep-${steps}-${kind}`);
        const base = (kind === "coupling.ot" ? 0.06 : 0.09) + (steps === 1000 ? 0.05 : 0);
        members.push({
          runId: `20260101-quickstart-${steps}-${kind.slice(9)}-s${seed}`,
          seed,
          params: { "fit.params.steps": steps, "pairs.kind": kind },
          metrics: {
            w2: base * (1 + 0.1 * rng.normal()),
            pe: { npe: (kind === "coupling.ot" ? 0.02 : 0.3) * (1 + 0.1 * rng.normal()), pe: 30 + rng.normal() },
          },
          status: "ok",
          href: `../20260101-quickstart-${steps}-${kind.slice(9)}-s${seed}/report.html`,
        });
      }
    }
  }
  members.push({
    runId: "20260101-quickstart-5000-ot-s3",
    seed: 3,
    params: { "fit.params.steps": 5000, "pairs.kind": "coupling.ot" },
    metrics: {},
    status: "failed",
    href: "javascript:alert(1)",
  });
  return {
    header: {
      name: "quickstart",
      sweepId: "20260101-quickstart-sweep",
      started: "2026-01-01T12:00:00.000Z",
      finished: "2026-01-01T12:20:00.000Z",
      seconds: 1200,
      status: "partial",
      versions: VERSIONS,
      git: { commit: "172232b0e3c5d7f8a9b1c2d3e4f5a6b7c8d9e0f1", dirty: false },
      host: "lab-01",
    },
    config: { yaml: "name: quickstart\nsweep:\n  fit.params.steps: [1000, 5000]\n" },
    summary: "Minibatch OT lowers W2 and path energy at both training lengths.",
    params: ["fit.params.steps", "pairs.kind"],
    members,
    sections: [{
      kind: "history",
      id: "histories",
      title: "Training (seed 0 of each setting)",
      histories: [history("fit", 1000, 1, "1000 independent"), history("fit", 5000, 2, "5000 independent")],
    }],
  };
}
