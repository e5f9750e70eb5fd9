/**
 * Shared by the sampler, likelihood and metric kinds: turning a `model` value
 * into a Field, and sampler parameters common to every sampler.
 *
 * @module
 */
import { z } from "zod";
import type { Points } from "../../data/mod.ts";
import { fieldOfModel, type Model, modelFromState } from "../../models/mod.ts";
import { createScheduler, type Field, type Scheduler, SCHEDULERS } from "../../paths/mod.ts";
import type { Rng } from "../../random/mod.ts";
import type { StaticInfo } from "../kind.ts";
import type { ModelValue, SampleSet } from "../values.ts";

const schedulerNames = SCHEDULERS.map((s) => s.name) as [string, ...string[]];

/** `scheduler: cosine` or `scheduler: { name: vp, beta_min: 0.1, beta_max: 20 }`. */
export const schedulerParam = z.union([
  z.enum(schedulerNames),
  z.looseObject({ name: z.enum(schedulerNames) }).superRefine((v, ctx) => {
    for (const [k, x] of Object.entries(v)) {
      if (k !== "name" && typeof x !== "number") {
        ctx.addIssue({ code: "custom", path: [k], message: `"${x}" is not a number` });
      }
    }
  }),
]);

/** Builds a scheduler from {@linkcode schedulerParam}. */
export function schedulerFrom(spec: z.output<typeof schedulerParam>): Scheduler {
  if (typeof spec === "string") return createScheduler(spec);
  const { name, ...params } = spec;
  return createScheduler(name, params as Record<string, number>);
}

/** Parameters every sampler takes. */
export const samplerCommon = {
  /** Points to generate when the source is a generator (a finite source is transported as it is). */
  n: z.number().int().min(1).max(10_000_000).default(1000),
  /** Classifier-free guidance `v = (1 − w) v(x|∅) + w v(x|y)`. */
  guidance: z.strictObject({ w: z.number(), label: z.number().int().min(0) }).optional(),
  /** Sample under another scheduler by schedule transfer (MATH.md §7). */
  scheduler: schedulerParam.optional(),
  /** Also output the states after every step. */
  trajectory: z.boolean().default(false),
  /** Keep the trajectories of at most this many points (all when absent). */
  trajectory_points: z.number().int().min(1).optional(),
};

/**
 * The starting points: a finite source's own points (transported in order), or
 * `n` fresh draws from a generator.
 */
export function startPoints(source: SampleSet, n: number, rng: Rng): Points {
  if (source.points) return source.points;
  if (source.distribution) return source.distribution.sample(n, rng);
  throw new Error("Cannot sample: the source has neither points nor a distribution");
}

/** A model input as a Field (and a disposer for engines it created). */
export function fieldOfValue(value: ModelValue, what: string): { field: Field; model?: Model; dispose(): void } {
  if (value.type === "spec") {
    throw new Error(
      `Cannot ${what} an untrained model: connect the output of a train node (or an oracle), not model.mlp`,
    );
  }
  if (value.type === "field") return { field: value.field, dispose() {} };
  const model = modelFromState(value.state, { engine: value.engine });
  return { field: fieldOfModel(model, value.prediction, { ema: value.ema }), model, dispose: () => model.dispose() };
}

/** Validation shared by samplers: a trained model, a source that matches the path. */
export function checkSampler(
  inputs: Record<string, StaticInfo | undefined>,
  p: { guidance?: unknown },
): { field: string; message: string; fix: string }[] {
  const issues = [];
  if (inputs.model?.kind === "model.mlp") {
    issues.push({
      field: "inputs.model",
      message: "the model is untrained (model.mlp)",
      fix: "connect the train node's output (e.g. model: fit)",
    });
  }
  const want = inputs.path?.expectsSource;
  const std = inputs.source?.gaussianStd;
  if (want && std !== undefined && Math.abs(want.std - std) > 1e-12 * want.std) {
    issues.push({
      field: "inputs.source",
      message: `the path expects a N(0, ${want.std}² I) source but the source is N(0, ${std}² I)`,
      fix: `give the source std: ${want.std} (a VE path starts from N(0, σ_max² I))`,
    });
  }
  if (p.guidance && inputs.model && inputs.model.conditional === undefined && inputs.model.kind !== "oracle") {
    issues.push({
      field: "params.guidance",
      message: "guidance needs a label-conditioned model",
      fix: "train with model.mlp label_embedding: true on labelled data",
    });
  }
  return issues;
}

export { samplingField } from "../../samplers/mod.ts";
