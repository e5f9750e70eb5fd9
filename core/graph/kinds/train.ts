/**
 * The train kind: fits a model's prediction on a coupling's minibatches along
 * a path. Outputs the trained model (its full state) and the training history.
 *
 * @module
 */
import { z } from "zod";
import type { Coupling } from "../../couplings/mod.ts";
import { createTSampler, LOSS_WEIGHTS, type LossWeight, T_SAMPLERS, type TSamplerSpec } from "../../losses/mod.ts";
import { createModel, type MlpConfig, type Model, modelFromState } from "../../models/mod.ts";
import type { Prediction, ProbabilityPath } from "../../paths/mod.ts";
import { train, TrainingStopped } from "../../training/mod.ts";
import { defineKind, type NodeKind } from "../kind.ts";
import type { ModelValue, TrainingHistory } from "../values.ts";

const tSamplerParam = z.union([
  z.enum(T_SAMPLERS as unknown as [string, ...string[]]),
  z.strictObject({ kind: z.literal("uniform") }),
  z.strictObject({
    kind: z.literal("logit_normal"),
    mean: z.number().default(0),
    std: z.number().positive().default(1),
  }),
  z.strictObject({ kind: z.literal("discrete"), steps: z.number().int().min(1) }),
]);

function tSamplerSpec(p: z.output<typeof tSamplerParam>, discreteSteps: number | undefined): TSamplerSpec {
  if (typeof p !== "string") return p as TSamplerSpec;
  if (p === "discrete") {
    if (!discreteSteps) {
      throw new Error(
        'Cannot use t_sampler "discrete" without a step count: write t_sampler: { kind: discrete, steps: 1000 }',
      );
    }
    return { kind: "discrete", steps: discreteSteps };
  }
  return { kind: p } as TSamplerSpec;
}

/** Error carrying the history recorded before training stopped (written next to the run record). */
export class PartialHistoryError extends Error {
  readonly partial: Record<string, unknown>;
  constructor(message: string, partial: Record<string, unknown>) {
    super(message);
    this.name = "PartialHistoryError";
    this.partial = partial;
  }
}

const trainKind = defineKind({
  kind: "train",
  version: 1,
  summary: "trains a model's prediction (velocity, epsilon, x1, score) on a coupling's minibatches along a path",
  params: z.strictObject({
    prediction: z.enum(["velocity", "epsilon", "x1", "score", "v_diffusion"]).default("velocity"),
    steps: z.number().int().min(1).max(10_000_000).default(5000),
    batch: z.number().int().min(1).max(1_000_000).default(256),
    lr: z.number().positive().max(10).default(1e-3),
    optimizer: z.enum(["adam", "adamw"]).default("adam"),
    weight_decay: z.number().min(0).default(0),
    ema: z.number().min(0).lt(1).default(0),
    clip: z.number().min(0).default(0),
    t_sampler: tSamplerParam.default("uniform"),
    loss_weight: z.enum(LOSS_WEIGHTS as unknown as [string, ...string[]]).optional(),
    p_uncond: z.number().min(0).max(1).default(0),
    lr_schedule: z.enum(["constant", "cosine", "linear"]).default("constant"),
    warmup: z.number().int().min(0).default(0),
  }),
  inputs: {
    pairs: { type: "pairs", doc: "the coupling" },
    path: { type: "path" },
    model: { type: "model", doc: "a model.mlp architecture (or a trained model to continue from)" },
  },
  outputs: { model: "model", history: "history" },
  cache: "store",
  random: true,
  numeric: true,
  describe: ({ inputs, params }) => ({
    model: {
      prediction: params.prediction,
      ...(inputs.path?.scheduler ? { scheduler: inputs.path.scheduler } : {}),
      ...(inputs.model?.conditional !== undefined && inputs.pairs?.classes
        ? { conditional: inputs.pairs.classes }
        : {}),
      ...(inputs.pairs?.dim ? { dim: inputs.pairs.dim } : {}),
    },
  }),
  check({ inputs, params }) {
    const issues = [];
    const path = inputs.path, pairs = inputs.pairs, model = inputs.model;
    if (params.prediction !== "velocity" && path?.scheduler?.name === "sb") {
      issues.push({
        field: "params.prediction",
        message: `prediction "${params.prediction}" needs an affine Gaussian path, not path.sb`,
        fix: "predict velocity, or use path.affine",
      });
    }
    const want = path?.expectsSource;
    const std = pairs?.source?.gaussianStd;
    if (want && std !== undefined && Math.abs(want.std - std) > 1e-12 * want.std) {
      issues.push({
        field: "inputs.pairs",
        message: `the path expects a N(0, ${want.std}² I) source but the coupling's source is N(0, ${std}² I)`,
        fix: `give the source std: ${want.std} (a VE path starts from N(0, σ_max² I)), or choose another scheduler`,
      });
    }
    if (
      pairs?.sbSigma !== undefined && path?.scheduler?.name === "sb" && path.scheduler.params.sigma !== pairs.sbSigma
    ) {
      issues.push({
        field: "inputs.path",
        message: `the SB coupling has σ = ${pairs.sbSigma} but the SB path σ = ${path.scheduler.params.sigma}`,
        fix: "use the same sigma for coupling.sb and path.sb",
      });
    }
    if (model?.conditional !== undefined && pairs && !pairs.classes) {
      issues.push({
        field: "inputs.model",
        message: "the model has label_embedding but the pairs carry no labels",
        fix: "use labelled data or set label_embedding: false",
      });
    }
    if (params.p_uncond > 0 && model?.conditional === undefined) {
      issues.push({
        field: "params.p_uncond",
        message: "p_uncond drops labels, but the model is not label-conditioned",
        fix: "set label_embedding: true on the model",
      });
    }
    if (params.weight_decay > 0 && params.optimizer === "adam") {
      // allowed (L2 in the gradient), documented rather than an error
    }
    if (params.warmup >= params.steps) {
      issues.push({
        field: "params.warmup",
        message: `warmup ${params.warmup} is not below steps ${params.steps}`,
        fix: "use fewer warm-up steps",
      });
    }
    if (typeof params.t_sampler === "string" && params.t_sampler === "discrete" && !path?.scheduler?.params.steps) {
      issues.push({
        field: "params.t_sampler",
        message: "t_sampler discrete needs a step count",
        fix: "write t_sampler: { kind: discrete, steps: 1000 } or use a ddpm_* scheduler",
      });
    }
    return issues;
  },
  async run(ctx) {
    const p = ctx.params;
    const coupling = ctx.inputs.pairs as Coupling;
    const path = ctx.inputs.path as ProbabilityPath;
    const input = ctx.inputs.model as ModelValue;
    const optimizer = { kind: p.optimizer, weightDecay: p.weight_decay, clip: p.clip, ema: p.ema };
    let model: Model;
    let engine: "auto" | "fused" | "tfjs";
    if (input.type === "spec") {
      const s = input.spec;
      engine = s.engine;
      const classes = s.labelEmbedding ? coupling.classes : undefined;
      if (s.labelEmbedding && !classes) {
        throw new Error("Cannot train a label-conditioned model: the pairs carry no labels");
      }
      const config: MlpConfig = {
        dim: coupling.dim,
        hidden: s.hidden,
        activation: s.activation,
        timeEmbedding: s.timeEmbedding,
        ...(classes ? { classes } : {}),
      };
      model = createModel(config, { rng: ctx.rng.derive("init"), optimizer, engine });
    } else if (input.type === "trained") {
      engine = input.engine;
      model = modelFromState({ ...input.state, optimizer: { ...input.state.optimizer, ...optimizer } }, { engine });
    } else {
      throw new Error("Cannot train the oracle: it is exact already");
    }
    const lossWeight = (p.loss_weight ?? undefined) as LossWeight | undefined;
    const discreteSteps = path.scheduler?.grid?.K;
    try {
      const { history, timing } = await train(model, {
        coupling,
        path,
        prediction: p.prediction as Prediction,
        tSampler: createTSampler(tSamplerSpec(p.t_sampler, discreteSteps)),
        ...(lossWeight ? { lossWeight } : {}),
        steps: p.steps,
        batch: p.batch,
        lr: p.lr,
        schedule: { kind: p.lr_schedule, warmup: p.warmup },
        pUncond: p.p_uncond,
        rng: ctx.rng.derive("steps"),
        checkpointEvery: Math.max(100, Math.min(1000, Math.round(p.steps / 10))),
        checkpoints: ctx.checkpoint,
        progress: ctx.progress,
        signal: ctx.signal,
      });
      ctx.annotate("timing", { ...timing, engine: model.engine, variant: model.variant });
      ctx.annotate("memory", { rssBytes: Deno.memoryUsage().rss, heapUsedBytes: Deno.memoryUsage().heapUsed });
      const value: ModelValue = {
        type: "trained",
        state: model.state(),
        prediction: p.prediction as Prediction,
        engine,
        ema: p.ema > 0,
      };
      const h: TrainingHistory = { columns: { step: history.step, loss: history.loss, lr: history.lr } };
      return { model: value, history: h };
    } catch (e) {
      if (e instanceof TrainingStopped && !e.interrupted) {
        throw new PartialHistoryError(`Cannot train node "${ctx.id}": ${e.message}`, {
          step: Array.from(e.history.step),
          loss: Array.from(e.history.loss),
          lr: Array.from(e.history.lr),
        });
      }
      throw e;
    } finally {
      model.dispose();
    }
  },
});

/** The train kind. */
export const trainKinds: NodeKind[] = [trainKind];
