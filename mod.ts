/**
 * flowlab: flow matching and diffusion experiments as declarative dataflow
 * graphs, with a content cache, run records and self-contained reports.
 *
 * @example
 * ```ts
 * import { experiment, runExperiment } from "./mod.ts";
 *
 * const g = experiment("quickstart", { seed: 0 });
 * const target = g.node("target", "data.moons", { n: 10000, noise: 0.05 });
 * const split = g.node("split", "data.split", { test: 1000 }, { data: target });
 * const source = g.node("source", "data.gaussian", { dim: 2 });
 * const pairs = g.node("pairs", "coupling.independent", {}, { source, target: split.output("train") });
 * const path = g.node("path", "path.affine", { scheduler: "condot" });
 * const model = g.node("model", "model.mlp", { hidden: [64, 64, 64], activation: "elu" });
 * const fit = g.node("fit", "train", { prediction: "velocity", steps: 5000, batch: 256, lr: 1e-3 }, { pairs, path, model });
 * const gen = g.node("gen", "sample.ode", { method: "euler", steps: 100, n: 1000 }, { model: fit, path, source });
 * g.node("w2", "metric.w2", {}, { samples: gen, reference: split.output("test") });
 * const outcome = await runExperiment({ config: g.toConfig(), runsDir: "runs", root: "." });
 * ```
 *
 * @module
 */
export * from "./core/graph/mod.ts";
export {
  buildRunReport,
  buildSweepReport,
  compareRuns,
  type CompletedRun,
  type CompletedSweep,
  GraphRuntime,
  listRunRecords,
  type NodeRecord,
  Progress,
  readRunRecord,
  reportRun,
  reportSweep,
  runExperiment,
  type RunOptions,
  type RunOutcome,
  type RunRecord,
  showRun,
  Store,
  type SweepIndex,
  writeRunReport,
  writeSweepReport,
} from "./core/scheduler/mod.ts";
export { type BackendInfo, type BackendName, initBackend } from "./core/backend/mod.ts";
export * as data from "./core/data/mod.ts";
export * as random from "./core/random/mod.ts";
export * as paths from "./core/paths/mod.ts";
export * as couplings from "./core/couplings/mod.ts";
export * as losses from "./core/losses/mod.ts";
export * as models from "./core/models/mod.ts";
export * as training from "./core/training/mod.ts";
export * as samplers from "./core/samplers/mod.ts";
export * as likelihood from "./core/likelihood/mod.ts";
export * as metrics from "./core/metrics/mod.ts";
export * as oracle from "./core/oracle/mod.ts";
export * as reports from "./reports/mod.ts";
