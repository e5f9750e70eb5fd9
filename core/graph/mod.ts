/**
 * The experiment language: configs, node kinds and their typed ports,
 * validation, hashing, sweeps and the TypeScript builder.
 *
 * @module
 */
export {
  EXPERIMENT_KEYS,
  type ExperimentConfig,
  NAME_PATTERN,
  NODE_ID_PATTERN,
  NODE_KEYS,
  type NodeConfig,
} from "./config.ts";
export { formatIssue, type GraphIssue, GraphValidationError, sortIssues } from "./errors.ts";
export { type ParsedSource, parseExperimentText } from "./parse.ts";
export { parseRef, validateExperiment, type ValidateOptions, type ValidationResult } from "./validate.ts";
export type {
  CacheMode,
  CheckpointSink,
  FileAccess,
  InputPort,
  NodeKind,
  PortType,
  ProgressSink,
  RunContext,
  StaticInfo,
  StaticNode,
} from "./kind.ts";
export { defineKind } from "./kind.ts";
export type { OutputRef, ResolvedGraph, ResolvedNode } from "./resolved.ts";
export type { MetricValue, MlpSpec, ModelValue, NllValue, SampleSet, TrainingHistory, Trajectories } from "./values.ts";
export { codecFor, type PortCodec } from "./codecs.ts";
export { type Artifact, type ArtifactArray, decodeArtifact, encodeArtifact } from "./artifacts.ts";
export { applyPath, expandSweep, parseSet, parseSetValues, type SetOverride, type SweepMember } from "./sweep.ts";
export {
  experiment,
  ExperimentBuilder,
  type ExperimentOptions,
  type NodeHandle,
  normalizeConfig,
  type OutputHandle,
} from "./builder.ts";
export { CACHE_EPOCH, graphHash, type NodeKeyOptions, nodeKeys } from "./hash.ts";
export { canonicalJson, hashValue, sha256Hex } from "./canonical.ts";
export { didYouMean, editDistance, suggest } from "./suggest.ts";
export { KINDS } from "./kinds/mod.ts";
export { describeKinds } from "./describe.ts";
