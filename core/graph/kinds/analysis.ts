/**
 * Metric kinds the studies need beyond the basic ones: ellipse angle
 * coverage, sample diversity, per-class precision under guidance, trajectory
 * curvature, mixture mode weights and paired RMSE. Each is a thin adapter
 * over `core/metrics`; its value lands at `metrics.<node id>`.
 *
 * @module
 */
import { z } from "zod";
import type { Points } from "../../data/mod.ts";
import {
  angleCoverage,
  classPrecision,
  diversity,
  modeWeights,
  pairedRmse,
  trajectoryCurvature,
} from "../../metrics/mod.ts";
import { defineKind, type NodeKind, type StaticInfo } from "../kind.ts";
import type { SampleSet, Trajectories } from "../values.ts";

function pointsOf(v: unknown, port: string, node: string): Points {
  const p = (v as SampleSet | undefined)?.points;
  if (!p || p.n === 0) throw new Error(`Cannot score node "${node}": input "${port}" has no points`);
  return p;
}

type Issue = { field: string; message: string; fix: string };

function finite(inputs: Record<string, StaticInfo | undefined>, ports: string[]): Issue[] {
  const issues: Issue[] = [];
  for (const port of ports) {
    if (inputs[port] && inputs[port]!.finite === false) {
      issues.push({
        field: `inputs.${port}`,
        message: `"${port}" is a generator, not a point set`,
        fix: "give the data node a size n, or use a split or a sampler's output",
      });
    }
  }
  return issues;
}

const maxPoints = z.number().int().min(2).max(100_000).optional();

const angleCoverageKind = defineKind({
  kind: "metric.angle_coverage",
  version: 1,
  summary: "coverage of an ellipse's angle (bins covered, TV from uniform) and distance from the curve",
  params: z.strictObject({
    a: z.number().positive().default(2),
    b: z.number().positive().default(1),
    angle: z.number().default(30),
    bins: z.number().int().min(1).max(3600).default(36),
    threshold: z.number().min(0).default(0.5),
  }),
  inputs: { samples: { type: "samples", doc: "points near the ellipse (same a, b, angle as the data.ellipse node)" } },
  outputs: { value: "value" },
  cache: "store",
  check: ({ inputs }) => [
    ...finite(inputs, ["samples"]),
    ...(inputs.samples?.dim !== undefined && inputs.samples.dim !== 2
      ? [{
        field: "inputs.samples",
        message: `the samples have dimension ${inputs.samples.dim}`,
        fix: "use 2-D points",
      }]
      : []),
  ],
  run({ id, inputs, params: p }) {
    const r = angleCoverage(pointsOf(inputs.samples, "samples", id), {
      a: p.a,
      b: p.b,
      angle: p.angle,
      bins: p.bins,
      threshold: p.threshold,
    });
    return { value: { coverage: r.coverage, tv: r.tv, radial: r.radial } };
  },
});

const diversityKind = defineKind({
  kind: "metric.diversity",
  version: 1,
  summary: "diversity: mean pairwise distance of the samples over that of the reference (its class, when guided)",
  params: z.strictObject({ label: z.number().int().min(0).optional(), max_points: maxPoints }),
  inputs: { samples: { type: "samples" }, reference: { type: "samples" } },
  outputs: { value: "value" },
  cache: "store",
  check: ({ inputs }) => finite(inputs, ["samples", "reference"]),
  run({ id, inputs, params: p }) {
    const r = diversity(pointsOf(inputs.samples, "samples", id), pointsOf(inputs.reference, "reference", id), {
      ...(p.label !== undefined ? { label: p.label } : {}),
      ...(p.max_points ? { maxPoints: p.max_points } : {}),
    });
    return { value: { ratio: r.ratio, samples: r.samples, reference: r.reference } };
  },
});

const classPrecisionKind = defineKind({
  kind: "metric.class_precision",
  version: 1,
  summary: "share of label-conditioned samples a k-NN vote over labelled data puts in their own class",
  params: z.strictObject({ k: z.number().int().min(1).max(1000).default(10), max_points: maxPoints }),
  inputs: {
    samples: { type: "samples", doc: "samples carrying their intended label (a sampler with guidance)" },
    reference: { type: "samples", doc: "labelled data" },
  },
  outputs: { value: "value" },
  cache: "store",
  check({ inputs }) {
    const issues = finite(inputs, ["samples", "reference"]);
    if (inputs.reference && !inputs.reference.classes) {
      issues.push({
        field: "inputs.reference",
        message: "the reference carries no labels",
        fix: "use labelled data (data.mixture, data.moons, …)",
      });
    }
    return issues;
  },
  run({ id, inputs, params: p }) {
    const r = classPrecision(pointsOf(inputs.samples, "samples", id), pointsOf(inputs.reference, "reference", id), {
      k: p.k,
      ...(p.max_points ? { maxPoints: p.max_points } : {}),
    });
    return { value: { precision: r.precision, agreement: r.agreement } };
  },
});

const curvatureKind = defineKind({
  kind: "metric.curvature",
  version: 2,
  summary: "curvature of sampled paths: excess length over the chord and total turning angle (0 when straight)",
  params: z.strictObject({}),
  inputs: { trajectories: { type: "trajectories", doc: "a sampler run with trajectory: true" } },
  outputs: { value: "value" },
  cache: "store",
  run({ id, inputs }) {
    const t = inputs.trajectories as Trajectories;
    if (t.n === 0) {
      throw new Error(`Cannot score node "${id}": the sampler saved no trajectories; set trajectory: true on it`);
    }
    const r = trajectoryCurvature(t);
    return { value: { excess_length: r.excessLength, turning: r.turning } };
  },
});

const modeWeightsKind = defineKind({
  kind: "metric.mode_weights",
  version: 1,
  summary: "share of samples nearest each mixture mode, total variation from the true weights, share far from all",
  params: z.strictObject({
    modes: z.array(z.array(z.number()).min(1)).min(1).optional(),
    weights: z.array(z.number().min(0)).min(1).optional(),
    std: z.number().positive().optional(),
    radius: z.number().positive().default(3),
  }),
  inputs: {
    samples: { type: "samples" },
    reference: {
      type: "samples",
      optional: true,
      doc: "labelled mixture points: modes = class means, weights = class shares, std pooled",
    },
  },
  outputs: { value: "value" },
  cache: "store",
  check({ inputs, params }) {
    const issues = finite(inputs, ["samples", "reference"]);
    if (!params.modes && !inputs.reference) {
      issues.push({
        field: "params.modes",
        message: "no modes: give modes (and weights, std), or a labelled reference",
        fix: "add modes: [[x, y], …], or inputs: { reference: <labelled mixture points> }",
      });
    }
    if (params.modes && params.weights && params.weights.length !== params.modes.length) {
      issues.push({
        field: "params.weights",
        message: `${params.weights.length} weights for ${params.modes.length} modes`,
        fix: "give one weight per mode",
      });
    }
    return issues;
  },
  run({ id, inputs, params: p }) {
    const samples = pointsOf(inputs.samples, "samples", id);
    let modes = p.modes, weights = p.weights, std = p.std;
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
      modes = Array.from({ length: k }, (_, c) => Array.from({ length: d }, (_, j) => sum[c * d + j]! / count[c]!));
      let ss = 0;
      for (let i = 0; i < ref.n; i++) {
        for (let j = 0; j < d; j++) ss += (ref.data[i * d + j]! - modes[ref.labels[i]!]![j]!) ** 2;
      }
      std ??= Math.sqrt(ss / (ref.n * d));
      weights ??= Array.from(count);
    }
    const r = modeWeights(samples, {
      modes,
      ...(weights ? { weights } : {}),
      ...(std !== undefined ? { std } : {}),
      radius: p.radius,
    });
    const value: Record<string, number> = { tv: r.tv, far: r.far };
    r.weights.forEach((w, j) => (value[`w${j}`] = w));
    return { value };
  },
});

const rmseKind = defineKind({
  kind: "metric.rmse",
  version: 1,
  summary: "paired RMSE √(mean ‖a_i − b_i‖²): the i-th sample against the i-th reference point (same size, in order)",
  params: z.strictObject({}),
  inputs: {
    samples: { type: "samples" },
    reference: { type: "samples", doc: "the same number of points, paired by index (e.g. clean originals)" },
  },
  outputs: { value: "value" },
  cache: "store",
  check: ({ inputs }) => finite(inputs, ["samples", "reference"]),
  run: ({ id, inputs }) => ({
    value: pairedRmse(pointsOf(inputs.samples, "samples", id), pointsOf(inputs.reference, "reference", id)),
  }),
});

/** The analysis metric kinds. */
export const analysisKinds: NodeKind[] = [
  angleCoverageKind,
  diversityKind,
  classPrecisionKind,
  curvatureKind,
  modeWeightsKind,
  rmseKind,
];
