/**
 * Model node kinds: `model.mlp` (an architecture; weights are initialised by
 * `train` from its own stream once the data's dimension is known).
 *
 * @module
 */
import { z } from "zod";
import { ACTIVATIONS } from "../../models/mod.ts";
import { defineKind, type NodeKind } from "../kind.ts";
import type { ModelValue } from "../values.ts";

const mlpKind = defineKind({
  kind: "model.mlp",
  version: 1,
  summary: "MLP velocity field: [x, time features, label one-hot] → hidden layers → dim outputs",
  params: z.strictObject({
    hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(16).default([64, 64, 64]),
    activation: z.enum(ACTIVATIONS as unknown as [string, ...string[]]).default("elu"),
    time_embedding: z.enum(["concat", "fourier"]).default("concat"),
    frequencies: z.number().int().min(1).max(32).default(6),
    label_embedding: z.boolean().default(false),
    engine: z.enum(["auto", "fused", "tfjs"]).default("auto"),
  }),
  inputs: {},
  outputs: { model: "model" },
  cache: "rebuild",
  describe: ({ params: p }) => ({ model: { ...(p.label_embedding ? { conditional: -1 } : {}) } }),
  check({ params: p }) {
    return p.time_embedding === "concat" && p.frequencies !== 6
      ? [{
        field: "params.frequencies",
        message: "frequencies only apply to time_embedding: fourier",
        fix: "remove frequencies or set time_embedding: fourier",
      }]
      : [];
  },
  run: ({ params: p }) => ({
    model: {
      type: "spec",
      spec: {
        hidden: p.hidden,
        activation: p.activation as ModelValue extends { spec: { activation: infer A } } ? A : never,
        timeEmbedding: p.time_embedding === "concat"
          ? { kind: "concat" }
          : { kind: "fourier", frequencies: p.frequencies },
        labelEmbedding: p.label_embedding,
        engine: p.engine,
      },
    } satisfies ModelValue,
  }),
});

/** The model kinds. */
export const modelKinds: NodeKind[] = [mlpKind];
