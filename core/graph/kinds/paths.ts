/**
 * Path node kinds: `path.affine {scheduler, …}`, `path.sb {sigma}`,
 * `path.lipman {sigma_min}`. Paths are cheap and deterministic: rebuilt
 * whenever needed, never stored.
 *
 * @module
 */
import { z } from "zod";
import { createPath, type ProbabilityPath, SCHEDULERS } from "../../paths/mod.ts";
import { defineKind, type NodeKind } from "../kind.ts";

const schedulerNames = SCHEDULERS.map((s) => s.name) as [string, ...string[]];
const allSchedulerParams = [...new Set(SCHEDULERS.flatMap((s) => s.params.map((p) => p.name)))];

/** Flat parameters: `scheduler` plus that scheduler's own parameters (defaults filled in). */
const affineParams = z.strictObject({
  scheduler: z.enum(schedulerNames).default("condot"),
  ...Object.fromEntries(allSchedulerParams.map((n) => [n, z.number().optional()])),
}).superRefine((p, ctx) => {
  const spec = SCHEDULERS.find((s) => s.name === p.scheduler)!;
  const own = spec.params.map((q) => q.name);
  for (const key of allSchedulerParams) {
    const v = (p as Record<string, unknown>)[key];
    if (v !== undefined && !own.includes(key)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `scheduler "${p.scheduler}" takes no parameter "${key}" (${
          own.length ? `its parameters: ${own.map((o) => `"${o}"`).join(", ")}` : "it has none"
        })`,
      });
    }
  }
  for (const q of spec.params) {
    const v = (p as Record<string, unknown>)[q.name] as number | undefined;
    if (v === undefined) continue;
    const bad = (why: string) =>
      ctx.addIssue({ code: "custom", path: [q.name], message: `"${v}" ${why} (${q.description})` });
    if (q.integer && !Number.isInteger(v)) bad("must be an integer");
    if (q.min !== undefined && (q.exclusiveMin ? !(v > q.min) : !(v >= q.min))) {
      bad(q.exclusiveMin ? `must be greater than ${q.min}` : `must be at least ${q.min}`);
    }
    if (q.max !== undefined && (q.exclusiveMax ? !(v < q.max) : !(v <= q.max))) {
      bad(q.exclusiveMax ? `must be less than ${q.max}` : `must be at most ${q.max}`);
    }
  }
  const q = p as unknown as Record<string, number | undefined>;
  if (p.scheduler === "vp" && (q.beta_min ?? 0.1) > (q.beta_max ?? 20)) {
    ctx.addIssue({ code: "custom", path: ["beta_max"], message: `beta_max must be at least beta_min` });
  }
  if (p.scheduler === "ve" && (q.sigma_min ?? 0.01) >= (q.sigma_max ?? 10)) {
    ctx.addIssue({ code: "custom", path: ["sigma_max"], message: `sigma_max must exceed sigma_min` });
  }
}).transform((p) => {
  const spec = SCHEDULERS.find((s) => s.name === p.scheduler)!;
  const out: Record<string, unknown> = { scheduler: p.scheduler };
  for (const q of spec.params) out[q.name] = (p as Record<string, unknown>)[q.name] ?? q.default;
  return out as { scheduler: string } & Record<string, number>;
});

function schedulerParams(p: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p)) if (k !== "scheduler") out[k] = v as number;
  return out;
}

const affineKind = defineKind({
  kind: "path.affine",
  version: 1,
  summary: "affine Gaussian path x_t = α_t x1 + σ_t x0 under a scheduler",
  params: affineParams,
  inputs: {},
  outputs: { path: "path" },
  cache: "rebuild",
  describe({ params: p }) {
    const path = createPath({ kind: "affine", scheduler: p.scheduler, params: schedulerParams(p) });
    return {
      path: {
        scheduler: { name: p.scheduler, params: schedulerParams(p) },
        expectsSource: path.source ? { std: path.source.std } : null,
      },
    };
  },
  run: ({ params: p }) => ({
    path: createPath({ kind: "affine", scheduler: p.scheduler, params: schedulerParams(p) }) satisfies ProbabilityPath,
  }),
});

const sbKind = defineKind({
  kind: "path.sb",
  version: 1,
  summary: "Schrödinger-bridge path: μ_t = t x1 + (1 − t) x0, σ_t = s √(t(1 − t))",
  params: z.strictObject({ sigma: z.number().positive().default(0.5) }),
  inputs: {},
  outputs: { path: "path" },
  cache: "rebuild",
  describe: ({ params: p }) => ({
    path: { expectsSource: null, scheduler: { name: "sb", params: { sigma: p.sigma } } },
  }),
  run: ({ params: p }) => ({ path: createPath({ kind: "sb", sigma: p.sigma }) }),
});

const lipmanKind = defineKind({
  kind: "path.lipman",
  version: 1,
  summary: "Lipman et al.'s path: μ_t = t x1, σ_t = 1 − (1 − σ_min) t",
  params: z.strictObject({ sigma_min: z.number().min(0).lt(1).default(1e-4) }),
  inputs: {},
  outputs: { path: "path" },
  cache: "rebuild",
  describe({ params: p }) {
    return { path: { expectsSource: { std: 1 }, scheduler: { name: "lipman", params: { sigma_min: p.sigma_min } } } };
  },
  run: ({ params: p }) => ({ path: createPath({ kind: "lipman", sigmaMin: p.sigma_min }) }),
});

/** The path kinds. */
export const pathKinds: NodeKind[] = [affineKind, sbKind, lipmanKind];
