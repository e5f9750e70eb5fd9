/**
 * Sampler node kinds: `sample.ode`, `sample.sde`, `sample.ddpm`,
 * `sample.ddim`, `sample.langevin`. Each outputs `samples`, `trajectories`
 * (empty unless `trajectory: true`) and `nfe`.
 *
 * @module
 */
import { z } from "zod";
import { all, create } from "mathjs";
import type { Points } from "../../data/mod.ts";
import type { Field, Prediction, ProbabilityPath, Scheduler } from "../../paths/mod.ts";
import {
  type Diffusion,
  sampleDdim,
  sampleDdpm,
  sampleLangevin,
  type SamplerResult,
  sampleSde,
  samplingField,
  solveOde,
} from "../../samplers/mod.ts";
import { defineKind, type NodeKind, type RunContext, type StaticInfo } from "../kind.ts";
import type { ModelValue, SampleSet, Trajectories } from "../values.ts";
import { checkSampler, fieldOfValue, samplerCommon, schedulerFrom, startPoints } from "./_model_field.ts";

const math = create(all!);

/** `g: 0.5` or `g: "0.5 * (1 - t)"` (a formula in t, evaluated with mathjs). */
const diffusionParam = z.union([z.number().min(0), z.string().min(1)]);

/** Compiles a diffusion coefficient; formulas must be finite and ≥ 0 on [0, 1]. */
export function diffusionOf(g: number | string): Diffusion {
  if (typeof g === "number") return g;
  let compiled: { evaluate(scope: Record<string, number>): unknown };
  try {
    compiled = math.compile(g);
  } catch (e) {
    throw new Error(`Cannot read g "${g}": ${(e as Error).message}`);
  }
  const f = (t: number) => {
    const v = Number(compiled.evaluate({ t }));
    if (!Number.isFinite(v) || v < 0) {
      throw new Error(`Cannot use g "${g}": g(${t}) = ${v} is not a finite non-negative number`);
    }
    return v;
  };
  for (let k = 0; k <= 10; k++) f(k / 10);
  return f;
}

/**
 * The NaN/Inf guard of every sampler: a sample that is not finite stops the
 * node with a clear error instead of reaching a metric or the cache.
 */
export function checkFinite(x: Float64Array, dim: number, node: string): void {
  let bad = 0, first = -1;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      bad++;
      if (first < 0) first = Math.floor(i / dim);
    }
  }
  if (bad > 0) {
    throw new Error(
      `Cannot sample node "${node}": ${bad} of ${x.length} coordinates are NaN or infinite (first at point ${first}); ` +
        "use more steps, a smaller g or dt, or check the model (train longer, lower lr)",
    );
  }
}

/** The kind's outputs (after the NaN/Inf guard); generated points carry the guidance label, if any. */
function outputs(
  result: SamplerResult,
  prepared: Prepared,
  keepTrajectories: number | undefined,
  node: string,
): Record<string, unknown> {
  checkFinite(result.x, prepared.start.dim, node);
  const { start, labels, classes } = prepared;
  const samples: SampleSet = {
    points: {
      n: start.n,
      dim: start.dim,
      data: result.x,
      ...(labels ? { labels, classes: classes ?? Math.max(...labels) + 1 } : {}),
    },
  };
  let trajectories: Trajectories = { n: 0, dim: start.dim, times: new Float64Array(0), states: new Float64Array(0) };
  const tr = result.trajectory;
  if (tr) {
    const keep = Math.min(tr.n, keepTrajectories ?? tr.n);
    let states = tr.states;
    if (keep < tr.n) {
      states = new Float64Array(tr.times.length * keep * tr.dim);
      for (let s = 0; s < tr.times.length; s++) {
        states.set(tr.states.subarray(s * tr.n * tr.dim, (s * tr.n + keep) * tr.dim), s * keep * tr.dim);
      }
    }
    trajectories = { n: keep, dim: tr.dim, times: tr.times, states };
  }
  return { samples, trajectories, nfe: result.nfe };
}

/** Starting points, and the guidance label of every point with the model's class count. */
interface Prepared {
  start: Points;
  labels?: Int32Array;
  classes?: number;
}

function prepare(ctx: RunContext<{ n: number; guidance?: { w: number; label: number } | undefined }>): Prepared {
  const start = startPoints(ctx.inputs.source as SampleSet, ctx.params.n, ctx.rng.derive("source"));
  const g = ctx.params.guidance;
  if (!g) return { start };
  const model = ctx.inputs.model as ModelValue;
  const classes = model.type === "trained"
    ? model.state.config.classes
    : model.type === "field"
    ? model.field.classes
    : undefined;
  if (classes !== undefined && g.label >= classes) {
    throw new Error(`Cannot guide towards label ${g.label}: the model has ${classes} classes`);
  }
  return { start, labels: new Int32Array(start.n).fill(g.label), ...(classes !== undefined ? { classes } : {}) };
}

/** The parameters {@linkcode sampleModel} reads. */
interface ModelSamplerParams {
  n: number;
  guidance?: { w: number; label: number } | undefined;
  scheduler?: z.output<typeof samplerCommon.scheduler>;
  trajectory: boolean;
  trajectory_points?: number | undefined;
}

/** What a model-driven sampler gets: the prepared field, its scheduler, start points and the common options. */
interface SamplerCall {
  field: Field;
  scheduler: Scheduler | undefined;
  x0: Float64Array;
  common: { n: number; labels?: Int32Array; saveAt?: "steps" };
}

/**
 * The scaffold shared by the samplers driven by a model: start points, the
 * model as a Field prepared for the sampler (guidance, schedule transfer,
 * conversion to `prediction`, see `samplingField`), the engine disposed
 * afterwards, and the outputs behind the NaN/Inf guard. Paths without a
 * scheduler (SB) allow only a velocity model with neither guidance nor transfer.
 */
function sampleModel<P extends ModelSamplerParams>(
  ctx: RunContext<P>,
  options: { what: string; prediction?: Prediction },
  sample: (call: SamplerCall) => SamplerResult,
): Record<string, unknown> {
  const p = ctx.params;
  const prepared = prepare(ctx);
  const path = ctx.inputs.path as ProbabilityPath;
  const m = fieldOfValue(ctx.inputs.model as ModelValue, "sample from");
  try {
    let field = m.field;
    let scheduler = path.scheduler;
    if (scheduler) {
      ({ field, scheduler } = samplingField(field, {
        scheduler,
        ...(p.scheduler ? { sampleScheduler: schedulerFrom(p.scheduler) } : {}),
        ...(p.guidance ? { guidance: p.guidance } : {}),
        ...(options.prediction ? { prediction: options.prediction } : {}),
      }));
    } else if (options.prediction !== "velocity" || field.prediction !== "velocity" || p.scheduler || p.guidance) {
      throw new Error(
        `Cannot ${options.what} with path "${path.name}": it has no scheduler; only the ODE with a velocity model, without guidance or transfer, works on it`,
      );
    }
    const { start, labels } = prepared;
    const result = sample({
      field,
      scheduler,
      x0: start.data.slice(),
      common: { n: start.n, ...(labels ? { labels } : {}), ...(p.trajectory ? { saveAt: "steps" as const } : {}) },
    });
    return outputs(result, prepared, p.trajectory_points, ctx.id);
  } finally {
    m.dispose();
  }
}

const common = {
  model: { type: "model" as const },
  path: { type: "path" as const },
  source: { type: "samples" as const, doc: "a generator (fresh points) or a finite set (transported in order)" },
};
const outputTypes = { samples: "samples", trajectories: "trajectories", nfe: "nfe" } as const;
const describeSamples = ({ inputs }: { inputs: Record<string, StaticInfo | undefined> }) => ({
  samples: { finite: true, generator: false, ...(inputs.source?.dim ? { dim: inputs.source.dim } : {}) },
});

const odeKind = defineKind({
  kind: "sample.ode",
  version: 1,
  summary: "probability-flow ODE dx/dt = v(x, t) from t = 0 to 1 (euler, midpoint, heun, rk4, dopri5)",
  params: z.strictObject({
    method: z.enum(["euler", "midpoint", "heun", "rk4", "dopri5"]).default("euler"),
    steps: z.number().int().min(1).max(100_000).default(100),
    atol: z.number().positive().default(1e-5),
    rtol: z.number().positive().default(1e-5),
    /**
     * Stop at t = t_end instead of 1 (e.g. 0.999 for the oracle, whose field is
     * singular at t = 1); absent means 1, so existing keys are unchanged.
     */
    t_end: z.number().gt(0).max(1).optional(),
    ...samplerCommon,
  }),
  inputs: common,
  outputs: outputTypes,
  cache: "store",
  random: true,
  numeric: true,
  describe: describeSamples,
  check: ({ inputs, params }) => checkSampler(inputs, params),
  run(ctx) {
    const p = ctx.params;
    return sampleModel(ctx, { what: "sample", prediction: "velocity" }, ({ field, x0, common }) =>
      solveOde(field, x0, {
        ...common,
        method: p.method,
        ...(p.method === "dopri5" ? { atol: p.atol, rtol: p.rtol } : { steps: p.steps }),
        ...(p.t_end !== undefined ? { t1: p.t_end } : {}),
      }));
  },
});

const sdeKind = defineKind({
  kind: "sample.sde",
  version: 1,
  summary: "Euler–Maruyama on dX = [v + g²/2 · s] dt + g dW (same marginals as the ODE for any g ≥ 0)",
  params: z.strictObject({
    g: diffusionParam.default(0.5),
    steps: z.number().int().min(1).max(100_000).default(100),
    ...samplerCommon,
  }),
  inputs: common,
  outputs: outputTypes,
  cache: "store",
  random: true,
  numeric: true,
  describe: describeSamples,
  check: ({ inputs, params }) => [
    ...checkSampler(inputs, params),
    ...(inputs.path && inputs.path.scheduler?.name === "sb"
      ? [{
        field: "inputs.path",
        message: "the SDE sampler needs the score, which an SB path does not give",
        fix: "use an affine path",
      }]
      : []),
  ],
  run(ctx) {
    const p = ctx.params;
    const g = diffusionOf(p.g);
    return sampleModel(
      ctx,
      { what: "sample with an SDE" },
      ({ field, scheduler, x0, common }) =>
        sampleSde(field, x0, { ...common, scheduler: scheduler!, g, steps: p.steps, rng: ctx.rng.derive("noise") }),
    );
  },
});

const discreteCheck = (inputs: Record<string, StaticInfo | undefined>, sampler: string) =>
  inputs.path?.scheduler && !inputs.path.scheduler.name.startsWith("ddpm_")
    ? [{
      field: "inputs.path",
      message: `${sampler} steps on a discrete schedule but the path's scheduler is "${inputs.path.scheduler.name}"`,
      fix: "use path.affine with scheduler ddpm_linear or ddpm_cosine",
    }]
    : [];

const ddpmKind = defineKind({
  kind: "sample.ddpm",
  version: 1,
  summary: "DDPM ancestral sampling on the path's discrete schedule (variance β or posterior β̃)",
  params: z.strictObject({ variance: z.enum(["beta", "posterior"]).default("posterior"), ...samplerCommon }),
  inputs: common,
  outputs: outputTypes,
  cache: "store",
  random: true,
  numeric: true,
  describe: describeSamples,
  check: ({ inputs, params }) => [...checkSampler(inputs, params), ...discreteCheck(inputs, "sample.ddpm")],
  run(ctx) {
    const p = ctx.params;
    if (p.scheduler) {
      throw new Error(
        "Cannot transfer a DDPM sampler to another schedule: it steps on the training grid; use sample.ddim or sample.ode",
      );
    }
    return sampleModel(
      ctx,
      { what: "sample with DDPM" },
      ({ field, scheduler, x0, common }) =>
        sampleDdpm(field, x0, { ...common, scheduler: scheduler!, variance: p.variance, rng: ctx.rng.derive("noise") }),
    );
  },
});

const ddimKind = defineKind({
  kind: "sample.ddim",
  version: 1,
  summary: "DDIM with η ∈ [0, 1] (η = 0: deterministic, an Euler step of d(x/σ)/d(α/σ) = x̂1)",
  params: z.strictObject({
    eta: z.number().min(0).max(1).default(0),
    steps: z.number().int().min(1).max(100_000).default(50),
    ...samplerCommon,
  }),
  inputs: common,
  outputs: outputTypes,
  cache: "store",
  random: true,
  numeric: true,
  describe: describeSamples,
  check: ({ inputs, params }) => checkSampler(inputs, params),
  run(ctx) {
    const p = ctx.params;
    return sampleModel(
      ctx,
      { what: "sample with DDIM" },
      ({ field, scheduler, x0, common }) =>
        sampleDdim(field, x0, {
          ...common,
          scheduler: scheduler!,
          steps: p.steps,
          eta: p.eta,
          rng: ctx.rng.derive("noise"),
        }),
    );
  },
});

const langevinKind = defineKind({
  kind: "sample.langevin",
  version: 1,
  summary: "Langevin dynamics dX = g²/2 ∇log p(X) dt + g dW for a density with a known score",
  params: z.strictObject({
    g: diffusionParam.default(1),
    steps: z.number().int().min(1).max(1_000_000).default(1000),
    dt: z.number().positive().default(0.01),
    n: samplerCommon.n,
    trajectory: samplerCommon.trajectory,
    trajectory_points: samplerCommon.trajectory_points,
  }),
  inputs: {
    density: {
      type: "samples",
      doc: "a distribution with a known score (data.gaussian, data.mixture, data.eight_gaussians)",
    },
    source: { type: "samples", doc: "starting points (a generator or a finite set)" },
  },
  outputs: outputTypes,
  cache: "store",
  random: true,
  describe: ({ inputs }) => ({
    samples: { finite: true, generator: false, ...(inputs.density?.dim ? { dim: inputs.density.dim } : {}) },
  }),
  check({ inputs }) {
    const issues = [];
    if (inputs.density && !inputs.density.hasScore) {
      issues.push({
        field: "inputs.density",
        message: `the density (${inputs.density.kind}) has no known score`,
        fix: "use data.gaussian, data.mixture or data.eight_gaussians",
      });
    }
    if (inputs.density?.dim && inputs.source?.dim && inputs.density.dim !== inputs.source.dim) {
      issues.push({
        field: "inputs.source",
        message: `the source has dimension ${inputs.source.dim}, the density ${inputs.density.dim}`,
        fix: "make the dimensions agree",
      });
    }
    return issues;
  },
  run(ctx) {
    const p = ctx.params;
    const density = (ctx.inputs.density as SampleSet).distribution;
    if (!density?.score) throw new Error("Cannot run Langevin dynamics: the density has no score");
    const start = startPoints(ctx.inputs.source as SampleSet, p.n, ctx.rng.derive("source"));
    const prepared: Prepared = { start };
    const result = sampleLangevin((x, n, out) => density.score!(x, n, out), start.data.slice(), {
      n: start.n,
      dim: start.dim,
      g: diffusionOf(p.g),
      steps: p.steps,
      dt: p.dt,
      rng: ctx.rng.derive("noise"),
      ...(p.trajectory ? { saveAt: "steps" as const } : {}),
    });
    return outputs(result, prepared, p.trajectory_points, ctx.id);
  },
});

/** The sampler kinds. */
export const samplerKinds: NodeKind[] = [odeKind, sdeKind, ddpmKind, ddimKind, langevinKind];
