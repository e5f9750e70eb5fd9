/**
 * Metric and likelihood node kinds. A metric's value lands in the run record
 * at `metrics.<node id>`.
 *
 * @module
 */
import { z } from "zod";
import type { Points } from "../../data/mod.ts";
import { logLikelihood } from "../../likelihood/mod.ts";
import { energyDistance, mmd2, modeCoverage, pathEnergy, w2 } from "../../metrics/mod.ts";
import type { ProbabilityPath } from "../../paths/mod.ts";
import { defineKind, type NodeKind, type StaticInfo } from "../kind.ts";
import type { MetricValue, ModelValue, NllValue, SampleSet, Trajectories } from "../values.ts";
import { fieldOfValue, samplingField } from "./_model_field.ts";

function pointsOf(v: unknown, port: string, node: string): Points {
  const p = (v as SampleSet).points;
  if (!p || p.n === 0) throw new Error(`Cannot score node "${node}": input "${port}" has no points`);
  return p;
}

function finiteChecks(inputs: Record<string, StaticInfo | undefined>, ports: string[]) {
  const issues = [];
  for (const port of ports) {
    if (inputs[port] && inputs[port]!.finite === false) {
      issues.push({
        field: `inputs.${port}`,
        message: `"${port}" is a generator, not a point set`,
        fix: "give the data node a size n, or use a split or a sampler's output",
      });
    }
  }
  const a = inputs[ports[0]!]?.dim, b = inputs[ports[1]!]?.dim;
  if (a !== undefined && b !== undefined && a !== b) {
    issues.push({
      field: `inputs.${ports[1]}`,
      message: `dimensions differ: ${a} and ${b}`,
      fix: "compare point sets of the same dimension",
    });
  }
  return issues;
}

const pointSetInputs = { samples: { type: "samples" as const }, reference: { type: "samples" as const } };
/** Subsampling cap shared by the point-set metrics (a fixed-seed subsample above it). */
const maxPoints = z.number().int().min(2).max(100_000).optional();

/**
 * A metric of two point sets with only the subsampling cap as parameter:
 * `value = compute(samples, reference, { maxPoints })`.
 */
function pointSetMetric(
  kind: string,
  summary: string,
  compute: (a: Points, b: Points, options: { maxPoints?: number }) => number,
): NodeKind {
  return defineKind({
    kind,
    version: 1,
    summary,
    params: z.strictObject({ max_points: maxPoints }),
    inputs: pointSetInputs,
    outputs: { value: "value" },
    cache: "store",
    check: ({ inputs }) => finiteChecks(inputs, ["samples", "reference"]),
    run: ({ id, inputs, params }) => ({
      value: compute(
        pointsOf(inputs.samples, "samples", id),
        pointsOf(inputs.reference, "reference", id),
        params.max_points ? { maxPoints: params.max_points } : {},
      ),
    }),
  });
}

const w2Kind = pointSetMetric(
  "metric.w2",
  "2-Wasserstein distance by exact optimal transport: sqrt(mean ‖a_i − b_π(i)‖²)",
  w2,
);

const energyKind = pointSetMetric(
  "metric.energy",
  "energy distance 2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖",
  energyDistance,
);

const mmdKind = defineKind({
  kind: "metric.mmd",
  version: 1,
  summary: "MMD² with RBF kernels k = exp(−‖a − b‖²/(2 bw²)) (biased V-statistic), one value per bandwidth",
  params: z.strictObject({
    bandwidths: z.array(z.number().positive()).min(1).default([0.1, 1, 10]),
    max_points: maxPoints,
  }),
  inputs: pointSetInputs,
  outputs: { value: "value" },
  cache: "store",
  check: ({ inputs }) => finiteChecks(inputs, ["samples", "reference"]),
  run({ id, inputs, params }) {
    const r = mmd2(pointsOf(inputs.samples, "samples", id), pointsOf(inputs.reference, "reference", id), {
      bandwidths: params.bandwidths,
      ...(params.max_points ? { maxPoints: params.max_points } : {}),
    });
    const value: MetricValue = params.bandwidths.length === 1 ? Object.values(r)[0]! : r;
    return { value };
  },
});

const coverageKind = defineKind({
  kind: "metric.coverage",
  version: 1,
  summary: "mode coverage, precision and recall for a mixture with known modes",
  params: z.strictObject({
    modes: z.array(z.array(z.number()).min(1)).min(1).optional(),
    std: z.number().positive().optional(),
    radius: z.number().positive().default(3),
    threshold: z.number().min(0).default(0.25),
  }),
  inputs: {
    samples: { type: "samples" },
    reference: { type: "samples", optional: true, doc: "labelled points: modes and std estimated per class" },
  },
  outputs: { value: "value" },
  cache: "store",
  check({ inputs, params }) {
    const issues = [];
    if (!params.modes && !inputs.reference) {
      issues.push({
        field: "params.modes",
        message: "no modes: give modes and std, or a labelled reference",
        fix: "add modes: [[x, y], …] and std, or inputs: { reference: <labelled data> }",
      });
    }
    if (params.modes && params.std === undefined) {
      issues.push({
        field: "params.std",
        message: "modes are given without std",
        fix: "add std: <the modes' standard deviation>",
      });
    }
    if (!params.modes && inputs.reference && !inputs.reference.classes) {
      issues.push({
        field: "inputs.reference",
        message: "the reference carries no labels to find modes from",
        fix: "use labelled data (mixture, eight_gaussians) or give modes",
      });
    }
    return issues;
  },
  run({ id, inputs, params }) {
    const samples = pointsOf(inputs.samples, "samples", id);
    let modes = params.modes, std = params.std, weights: number[] | undefined;
    if (!modes) {
      const ref = pointsOf(inputs.reference, "reference", id);
      if (!ref.labels || !ref.classes) throw new Error(`Cannot score node "${id}": the reference has no labels`);
      const k = ref.classes, d = ref.dim;
      const sum = new Float64Array(k * d), count = new Float64Array(k);
      for (let i = 0; i < ref.n; i++) {
        const c = ref.labels[i]!;
        count[c]!++;
        for (let j = 0; j < d; j++) sum[c * d + j]! += ref.data[i * d + j]!;
      }
      modes = Array.from(
        { length: k },
        (_, c) => Array.from({ length: d }, (_, j) => sum[c * d + j]! / Math.max(1, count[c]!)),
      );
      let ss = 0;
      for (let i = 0; i < ref.n; i++) {
        const c = ref.labels[i]!;
        for (let j = 0; j < d; j++) ss += (ref.data[i * d + j]! - modes[c]![j]!) ** 2;
      }
      std ??= Math.sqrt(ss / (ref.n * d));
      weights = Array.from(count);
    }
    const r = modeCoverage(samples, {
      modes,
      std: std!,
      radius: params.radius,
      threshold: params.threshold,
      ...(weights ? { modeWeights: weights } : {}),
    });
    return { value: { coverage: r.coverage, precision: r.precision, recall: r.recall } };
  },
});

const pathEnergyKind = defineKind({
  kind: "metric.path_energy",
  version: 1,
  summary: "path energy PE, NPE = |PE − W2²(p0, p1)| / W2²(p0, p1) and straightness along sampled trajectories",
  params: z.strictObject({ max_points: maxPoints }),
  inputs: {
    trajectories: { type: "trajectories", doc: "a sampler run with trajectory: true" },
    source: { type: "samples", doc: "points of p0" },
    target: { type: "samples", doc: "points of p1" },
  },
  outputs: { value: "value" },
  cache: "store",
  check: ({ inputs }) => finiteChecks(inputs, ["source", "target"]),
  run({ id, inputs, params }) {
    const t = inputs.trajectories as Trajectories;
    if (t.n === 0) {
      throw new Error(`Cannot score node "${id}": the sampler saved no trajectories; set trajectory: true on it`);
    }
    const r = pathEnergy(t, {
      source: pointsOf(inputs.source, "source", id),
      target: pointsOf(inputs.target, "target", id),
      ...(params.max_points ? { maxPoints: params.max_points } : {}),
    });
    return { value: { pe: r.pe, npe: r.npe, straightness: r.straightness } };
  },
});

const likelihoodKind = defineKind({
  kind: "likelihood",
  version: 1,
  summary: "log p1(x) by integrating the divergence from t = 1 back to 0 (exact or Hutchinson)",
  params: z.strictObject({
    method: z.enum(["exact", "hutchinson"]).default("exact"),
    probes: z.number().int().min(1).max(1024).default(8),
    probe: z.enum(["gaussian", "rademacher"]).default("rademacher"),
    solver: z.enum(["euler", "midpoint", "heun", "rk4", "dopri5"]).default("dopri5"),
    steps: z.number().int().min(1).default(100),
    atol: z.number().positive().default(1e-5),
    rtol: z.number().positive().default(1e-5),
    max_points: z.number().int().min(1).default(2000),
  }),
  inputs: {
    model: { type: "model" },
    path: { type: "path" },
    data: { type: "samples", doc: "points x whose log p1(x) is computed (e.g. a held-out split)" },
    source: { type: "samples", optional: true, doc: "the Gaussian source (default: the path's)" },
  },
  outputs: { nll: "nll" },
  cache: "store",
  random: true,
  numeric: true,
  check({ inputs }) {
    const issues = finiteChecks(inputs, ["data"]);
    if (inputs.model?.kind === "model.mlp") {
      issues.push({
        field: "inputs.model",
        message: "the model is untrained (model.mlp)",
        fix: "connect a train node",
      });
    }
    if (inputs.source && inputs.source.gaussianStd === undefined) {
      issues.push({
        field: "inputs.source",
        message: "the likelihood needs a centred isotropic Gaussian source",
        fix: "connect a data.gaussian node with mean 0 and one std",
      });
    }
    return issues;
  },
  run(ctx) {
    const p = ctx.params;
    const all = pointsOf(ctx.inputs.data, "data", ctx.id);
    const data: Points = all.n > p.max_points
      ? { n: p.max_points, dim: all.dim, data: all.data.subarray(0, p.max_points * all.dim) }
      : all;
    const path = ctx.inputs.path as ProbabilityPath;
    const src = ctx.inputs.source as SampleSet | undefined;
    let std = path.source?.std ?? 1;
    if (src?.distribution) {
      const s = new Float64Array(data.dim);
      src.distribution.score?.(new Float64Array(data.dim).fill(1), 1, s);
      std = Math.sqrt(-1 / s[0]!); // score of N(0, std² I) at x = 1 is −1/std²
    }
    const m = fieldOfValue(ctx.inputs.model as ModelValue, "compute a likelihood of");
    try {
      const field = path.scheduler
        ? samplingField(m.field, { scheduler: path.scheduler, prediction: "velocity" }).field
        : m.field;
      const r = logLikelihood(field, data.data, {
        n: data.n,
        method: p.method,
        probes: p.probes,
        probe: p.probe,
        solver: p.solver,
        steps: p.steps,
        atol: p.atol,
        rtol: p.rtol,
        source: { kind: "normal", std },
        rng: ctx.rng.derive("probes"),
      });
      const value: NllValue = {
        nats: r.nats,
        bitsPerDim: r.bitsPerDim,
        ...((r as { stderr?: number }).stderr !== undefined ? { stderr: (r as { stderr?: number }).stderr! } : {}),
        logp: r.logp,
        nfe: r.nfe,
      };
      return { nll: value };
    } finally {
      m.dispose();
    }
  },
});

const nllKind = defineKind({
  kind: "metric.nll",
  version: 1,
  summary: "negative log-likelihood in nats and bits per dimension, from a likelihood node",
  params: z.strictObject({}),
  inputs: { nll: { type: "nll" } },
  outputs: { value: "value" },
  cache: "store",
  run: ({ inputs }) => {
    const v = inputs.nll as NllValue;
    return {
      value: { nats: v.nats, bits_per_dim: v.bitsPerDim, ...(v.stderr !== undefined ? { stderr: v.stderr } : {}) },
    };
  },
});

/** The metric kinds (and the likelihood kind). */
export const metricKinds: NodeKind[] = [
  w2Kind,
  mmdKind,
  energyKind,
  coverageKind,
  pathEnergyKind,
  likelihoodKind,
  nllKind,
];
