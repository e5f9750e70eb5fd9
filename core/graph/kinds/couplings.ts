/**
 * Coupling node kinds (samplers of minibatches of pairs, rebuilt when
 * needed): `coupling.independent`, `coupling.paired`, `coupling.ot`,
 * `coupling.sb`; and `data.corrupt`, which makes a paired data set.
 *
 * @module
 */
import { z } from "zod";
import type { Distribution, Points } from "../../data/mod.ts";
import {
  CORRUPT_METHODS,
  corruptPoints,
  type Coupling,
  independentCoupling,
  otCoupling,
  pairedCoupling,
  type PointSampler,
  sbCoupling,
} from "../../couplings/mod.ts";
import { defineKind, type NodeKind, type StaticInfo } from "../kind.ts";
import type { SampleSet } from "../values.ts";

/** A `samples` value as a coupling's point sampler: its points if finite, else its distribution. */
export function pointSampler(s: SampleSet, port: string): PointSampler {
  if (s.points) return s.points;
  if (s.distribution) return s.distribution as Distribution;
  throw new Error(`Cannot couple: input "${port}" has neither points nor a distribution`);
}

const sourceTarget = {
  source: { type: "samples" as const, doc: "x0: a generator or a finite set" },
  target: { type: "samples" as const, doc: "x1: a generator or a finite set" },
};

function pairsInfo(inputs: Record<string, StaticInfo | undefined>, extra: StaticInfo = {}): Record<string, StaticInfo> {
  const s = inputs.source, t = inputs.target;
  const dim = t?.dim ?? s?.dim;
  const classes = t?.classes ?? s?.classes;
  return { pairs: { ...(dim ? { dim } : {}), ...(classes ? { classes } : {}), ...(s ? { source: s } : {}), ...extra } };
}

function dimCheck(inputs: Record<string, StaticInfo | undefined>) {
  const s = inputs.source?.dim, t = inputs.target?.dim;
  return s !== undefined && t !== undefined && s !== t
    ? [{
      field: "inputs.target",
      message: `the source has dimension ${s} but the target ${t}`,
      fix: "couple point sets of the same dimension",
    }]
    : [];
}

const independentKind = defineKind({
  kind: "coupling.independent",
  version: 1,
  summary: "x0 ~ source and x1 ~ target drawn independently",
  params: z.strictObject({}),
  inputs: sourceTarget,
  outputs: { pairs: "pairs" },
  cache: "rebuild",
  describe: ({ inputs }) => pairsInfo(inputs),
  check: ({ inputs }) => dimCheck(inputs),
  run: ({ inputs }) => ({
    pairs: independentCoupling(
      pointSampler(inputs.source as SampleSet, "source"),
      pointSampler(inputs.target as SampleSet, "target"),
    ),
  }),
});

const pairedKind = defineKind({
  kind: "coupling.paired",
  version: 1,
  summary: "pairs given together: finite source and target of equal size, paired by index",
  params: z.strictObject({}),
  inputs: sourceTarget,
  outputs: { pairs: "pairs" },
  cache: "rebuild",
  describe: ({ inputs }) => pairsInfo(inputs),
  check({ inputs }) {
    const issues = dimCheck(inputs);
    for (const port of ["source", "target"] as const) {
      if (inputs[port] && inputs[port]!.finite === false) {
        issues.push({
          field: `inputs.${port}`,
          message: `the ${port} is a generator; paired coupling needs finite sets paired by index`,
          fix: "give it points (n), or use data.corrupt",
        });
      }
    }
    return issues;
  },
  run({ inputs }) {
    const x0 = (inputs.source as SampleSet).points, x1 = (inputs.target as SampleSet).points;
    if (!x0 || !x1) throw new Error("Cannot pair: source and target must be finite point sets");
    return { pairs: pairedCoupling({ x0, x1 }) };
  },
});

const otKind = defineKind({
  kind: "coupling.ot",
  version: 1,
  summary: "minibatch optimal transport (OT-CFM): exact assignment or Sinkhorn plan, optionally within classes",
  params: z.strictObject({
    method: z.enum(["exact", "sinkhorn"]).default("exact"),
    reg: z.number().positive().default(0.05),
    replace: z.boolean().default(true),
    by_class: z.boolean().default(false),
  }),
  inputs: sourceTarget,
  outputs: { pairs: "pairs" },
  cache: "rebuild",
  describe: ({ inputs }) => pairsInfo(inputs),
  check({ inputs, params }) {
    const issues = dimCheck(inputs);
    if (params.by_class && inputs.target && !inputs.target.classes) {
      issues.push({
        field: "params.by_class",
        message: "by_class needs labelled target points",
        fix: "use labelled data (mixture, moons, circles) or set by_class: false",
      });
    }
    if (params.method === "exact" && (params.reg !== 0.05 || params.replace !== true)) {
      issues.push({
        field: "params.method",
        message: "reg and replace apply to method: sinkhorn only",
        fix: "set method: sinkhorn or remove reg/replace",
      });
    }
    return issues;
  },
  run: ({ inputs, params }) => ({
    pairs: otCoupling(
      pointSampler(inputs.source as SampleSet, "source"),
      pointSampler(inputs.target as SampleSet, "target"),
      {
        method: params.method,
        reg: params.reg,
        replace: params.replace,
        byClass: params.by_class,
      },
    ),
  }),
});

const sbKind = defineKind({
  kind: "coupling.sb",
  version: 1,
  summary: "Schrödinger-bridge coupling: pairs from the entropic plan with reg = 2σ² (use with path.sb of the same σ)",
  params: z.strictObject({ sigma: z.number().positive().default(0.5) }),
  inputs: sourceTarget,
  outputs: { pairs: "pairs" },
  cache: "rebuild",
  describe: ({ inputs, params }) => pairsInfo(inputs, { sbSigma: params.sigma }),
  check: ({ inputs }) => dimCheck(inputs),
  run: ({ inputs, params }) => ({
    pairs: sbCoupling(
      pointSampler(inputs.source as SampleSet, "source"),
      pointSampler(inputs.target as SampleSet, "target"),
      { sigma: params.sigma },
    ),
  }),
});

const corruptKind = defineKind({
  kind: "data.corrupt",
  version: 1,
  summary: "a paired data set: x0 a corrupted copy of x1 (noise, quantize, mask); outputs the pairs and both sides",
  params: z.strictObject({
    method: z.enum(CORRUPT_METHODS as unknown as [string, ...string[]]).default("noise"),
    std: z.number().positive().default(0.1),
    step: z.number().positive().default(0.5),
    prob: z.number().min(0).max(1).default(0.5),
    fill: z.number().default(0),
  }),
  inputs: { data: { type: "samples", doc: "a finite point set to corrupt" } },
  outputs: { pairs: "pairs", x0: "samples", x1: "samples" },
  cache: "store",
  random: true,
  describe: ({ inputs }) => {
    const d = inputs.data ?? {};
    const info: StaticInfo = {
      finite: true,
      generator: false,
      ...(d.dim ? { dim: d.dim } : {}),
      ...(d.classes ? { classes: d.classes } : {}),
    };
    return { pairs: { ...info, source: info }, x0: info, x1: info };
  },
  check({ inputs, params }) {
    const issues = [];
    if (inputs.data && inputs.data.finite === false) {
      issues.push({
        field: "inputs.data",
        message: "the input is a generator with no points",
        fix: "give the data node a size n",
      });
    }
    const used: Record<string, string[]> = { noise: ["std"], quantize: ["step"], mask: ["prob", "fill"] };
    const defaults: Record<string, number> = { std: 0.1, step: 0.5, prob: 0.5, fill: 0 };
    for (const [k, d] of Object.entries(defaults)) {
      if ((params as Record<string, unknown>)[k] !== d && !used[params.method]!.includes(k)) {
        issues.push({
          field: `params.${k}`,
          message: `"${k}" does not apply to method "${params.method}"`,
          fix: `remove it; ${params.method} uses ${used[params.method]!.join(", ")}`,
        });
      }
    }
    return issues;
  },
  run({ inputs, params, rng }) {
    const data = (inputs.data as SampleSet).points;
    if (!data) throw new Error("Cannot corrupt: the input has no points; give the data node a size n");
    const { x0, x1 } = corruptPoints(data, {
      method: params.method as "noise",
      std: params.std,
      step: params.step,
      prob: params.prob,
      fill: params.fill,
      rng,
    });
    return { pairs: pairedCoupling({ x0, x1 }) satisfies Coupling, x0: { points: x0 }, x1: { points: x1 } };
  },
  restore(_ctx, outputs) {
    const x0 = (outputs.x0 as SampleSet).points as Points, x1 = (outputs.x1 as SampleSet).points as Points;
    return { ...outputs, pairs: pairedCoupling({ x0, x1 }) };
  },
});

/** The coupling kinds (and data.corrupt, which makes pairs). */
export const couplingKinds: NodeKind[] = [independentKind, pairedKind, otKind, sbKind, corruptKind];
