/**
 * The scheduler: plans graphs (sweeps expanded, cache hits marked), executes
 * them (cache, workers), stores artifacts, and records runs.
 *
 * @module
 */
export {
  type ComputeOutcome,
  GraphRuntime,
  InterruptedError,
  type NodePlan,
  type RuntimeOptions,
  SkippedError,
} from "./execute.ts";
export { fileAccess, type FileAccessOptions } from "./files.ts";
export { planExperiment, type PlannedMember, type PlanOptions } from "./plan.ts";
export { Progress, type ProgressOptions } from "./progress.ts";
export {
  createRunFolder,
  gitInfo,
  hostInfo,
  listRunRecords,
  type NodeRecord,
  readRunRecord,
  RUN_SCHEMA,
  type RunRecord,
  type RunStatus,
  type Versions,
  writeRunRecord,
} from "./record.ts";
export {
  type CompletedRun,
  type CompletedSweep,
  numericsOf,
  runExperiment,
  type RunOptions,
  type RunOutcome,
  type SweepIndex,
  type SweepIndexInput,
  type SweepIndexOptions,
  writeSweepIndex,
} from "./run.ts";
export {
  type BatchScriptOptions,
  memberCommand,
  type MemberCommandOptions,
  runSlurmSweep,
  slurmBatchScript,
  type SlurmClient,
  SlurmError,
  type SlurmOptions,
  type SlurmOutcome,
  type SlurmRunOptions,
  splitShellWords,
} from "./slurm.ts";
export { type EntryMeta, type ReadResult, Store, type StoreHooks, uniqueSuffix, writeFileAtomic } from "./store.ts";
export { compareRuns, showRun } from "./summary.ts";
export {
  buildRunReport,
  buildSweepReport,
  computeFieldGrids,
  graphOfRecord,
  readerOf,
  reportRun,
  reportSweep,
  writeRunReport,
  writeSweepReport,
} from "./report.ts";
export { fillSummary } from "./_summary.ts";
