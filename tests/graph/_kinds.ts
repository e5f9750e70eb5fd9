/** Small node kinds for testing the graph machinery in isolation. */
import { z } from "zod";
import { defineKind, type NodeKind } from "../../core/graph/mod.ts";

export const KINDS: ReadonlyMap<string, NodeKind> = new Map(
  [
    defineKind({
      kind: "t.source",
      version: 1,
      summary: "points",
      params: z.strictObject({ n: z.number().int().min(1).default(10), dim: z.number().int().min(1).default(2) }),
      inputs: {},
      outputs: { samples: "samples" },
      cache: "store",
      random: true,
      describe: ({ params }) => ({ samples: { finite: true, dim: params.dim } }),
      run: ({ params, rng }) => ({
        samples: {
          points: { n: params.n, dim: params.dim, data: rng.fillNormal(new Float64Array(params.n * params.dim)) },
        },
      }),
    }),
    defineKind({
      kind: "t.split",
      version: 1,
      summary: "two outputs",
      params: z.strictObject({ test: z.number().positive().default(2) }),
      inputs: { data: { type: "samples" } },
      outputs: { train: "samples", test: "samples" },
      cache: "store",
      run: ({ inputs }) => ({ train: inputs.data, test: inputs.data }),
    }),
    defineKind({
      kind: "t.path",
      version: 1,
      summary: "a path",
      params: z.strictObject({ scheduler: z.enum(["condot", "cosine", "ve"]).default("condot") }),
      inputs: {},
      outputs: { path: "path" },
      cache: "rebuild",
      describe: ({ params }) => ({ path: { expectsSource: params.scheduler === "ve" ? { std: 10 } : { std: 1 } } }),
      run: ({ params }) => ({ path: params.scheduler }),
    }),
    defineKind({
      kind: "t.fit",
      version: 3,
      summary: "consumes samples and a path",
      params: z.strictObject({ steps: z.number().int().min(1).default(100), lr: z.number().positive().default(1e-3) }),
      inputs: { data: { type: "samples" }, path: { type: "path" }, extra: { type: "samples", optional: true } },
      outputs: { value: "value" },
      cache: "store",
      random: true,
      numeric: true,
      check: ({ inputs }) =>
        inputs.path?.expectsSource && inputs.path.expectsSource.std !== 1
          ? [{ field: "inputs.path", message: "the path expects a source of std 10", fix: "use a matching source" }]
          : [],
      run: ({ params, inputs }) => ({ value: params.steps * (inputs.data as { points: { n: number } }).points.n }),
    }),
  ].map((k) => [k.kind, k]),
);

/** The same table under a descriptive name. */
export const testKinds = KINDS;
