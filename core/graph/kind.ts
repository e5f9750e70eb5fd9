/**
 * What a node kind is: a parameter schema, typed ports, a version, and a thin
 * `run` that calls `core/`.
 *
 * @module
 */
import type { z } from "zod";
import type { Rng } from "../random/mod.ts";
import type { GraphIssue } from "./errors.ts";

/** Types of values that flow along edges. */
export type PortType =
  | "samples" // a point set and/or a distribution (SampleSet)
  | "pairs" // a coupling: a sampler of minibatches of pairs
  | "path" // a probability path
  | "model" // a trained or untrained model, or the oracle
  | "history" // training curves
  | "trajectories" // solver states over time
  | "nfe" // a count of function evaluations
  | "value" // a metric value: a number or an object of numbers
  | "nll"; // a likelihood result

/** An input port: what it accepts, whether it may be left out. */
export interface InputPort {
  /** Accepted types. */
  type: PortType | readonly PortType[];
  /** May be omitted. */
  optional?: boolean;
  /** One line of documentation. */
  doc?: string;
}

/**
 * What validation knows about a value before anything runs: enough to catch
 * mismatches (dimensions, VE path with a unit Gaussian source, finite sets
 * where a generator was given) without running a node.
 */
export interface StaticInfo {
  /** A finite point set (has `n`) rather than only a generator. */
  finite?: boolean;
  /** Can draw fresh points (a distribution). */
  generator?: boolean;
  /** Dimension, when known. */
  dim?: number;
  /** Number of classes, when the points carry labels. */
  classes?: number;
  /** Has a known score ∇ log p (Gaussian, mixtures). */
  hasScore?: boolean;
  /** For a Gaussian source: its per-coordinate standard deviation when uniform. */
  gaussianStd?: number;
  /** For paths and models: the scheduler name and its parameters. */
  scheduler?: { name: string; params: Record<string, number> };
  /** For paths: the source they expect (`null` = any). */
  expectsSource?: { std: number } | null;
  /** For models: what the network predicts. */
  prediction?: string;
  /** For models: label-conditioned with this many classes (−1: from the data at training time). */
  conditional?: number;
  /** For pairs: what the coupling's source is (its static info). */
  source?: StaticInfo;
  /** For pairs: the Schrödinger-bridge σ of an SB coupling. */
  sbSigma?: number;
  /** The kind that produced the value. */
  kind?: string;
}

/** A node as validation sees it. */
export interface StaticNode<P> {
  id: string;
  params: P;
  /** Static info of each connected input. */
  inputs: Record<string, StaticInfo | undefined>;
}

/** Progress of long work (training steps, solver steps). */
export interface ProgressSink {
  /** Starts a bar of `total` units. */
  start(total: number, label: string): void;
  /** Sets the number of units done, with an optional short status (e.g. the loss). */
  update(done: number, status?: string): void;
  /** Ends the bar. */
  end(): void;
}

/** Periodic checkpoints of a resumable node (training). */
export interface CheckpointSink {
  /** The last checkpoint saved for this node key, if any. */
  load(): Promise<Uint8Array | null>;
  /** Saves a checkpoint atomically, replacing the previous one. */
  save(bytes: Uint8Array): Promise<void>;
}

/** Safe access to data files named in a config. */
export interface FileAccess {
  /** Resolves `path` relative to the experiment file; throws when it escapes the allowed folders. */
  resolve(path: string): string;
}

/** What `run` receives. */
export interface RunContext<P> {
  /** Node id in the graph. */
  id: string;
  /** The node's cache key. */
  key: string;
  /** Validated parameters, defaults applied. */
  params: P;
  /** Values of the connected inputs, by port name. */
  inputs: Record<string, unknown>;
  /** The experiment seed. */
  seed: number;
  /** The node's own stream: `createRng(seed, key)`. */
  rng: Rng;
  progress: ProgressSink;
  checkpoint: CheckpointSink;
  files: FileAccess;
  /** Aborted on Ctrl-C: long work stops at the next step (after a checkpoint). */
  signal: AbortSignal;
  /** A line for the log. */
  log(message: string): void;
  /**
   * Records data that is not content (wall-clock timings, memory): kept in the
   * cache entry's meta.json, never in the artifacts, never in any key.
   */
  annotate(name: string, value: unknown): void;
}

/**
 * How a node's outputs persist: `store` (computed once, kept in the content
 * cache), `rebuild` (cheap and deterministic: rebuilt from params and inputs
 * whenever needed, never stored), `never` (side effects only, e.g. reports).
 */
export type CacheMode = "store" | "rebuild" | "never";

/** A node kind. */
// deno-lint-ignore no-explicit-any
export interface NodeKind<P = any> {
  /** The kind's name, e.g. `data.moons`. */
  kind: string;
  /** Bumped whenever the kind's output for the same inputs changes; part of every key. */
  version: number;
  /** One line: what the node does. */
  summary: string;
  /** Parameter schema (zod, strict: unknown keys are errors); defaults applied by it. */
  params: z.ZodType<P>;
  /** Input ports. */
  inputs: Record<string, InputPort>;
  /** Output ports; the first is the default (`node` means `node.<first>`). */
  outputs: Record<string, PortType>;
  /** How outputs persist. */
  cache: CacheMode;
  /** Uses its random stream (the seed is then part of its key). */
  random?: boolean;
  /** Its output depends on the numeric backend (tfjs backend, kernel variant): part of its key. */
  numeric?: boolean;
  /**
   * Content the key must cover beyond params and inputs (e.g. a data file's
   * SHA-256), computed before planning.
   */
  fingerprint?(ctx: { params: P; files: FileAccess }): string | Promise<string>;
  /** Static info of each output, for checks downstream. */
  describe?(node: StaticNode<P>): Record<string, StaticInfo>;
  /** Semantic checks beyond the schema (cross-input consistency). */
  check?(node: StaticNode<P>): Omit<GraphIssue, "file" | "node">[];
  /** Computes the outputs. */
  run(ctx: RunContext<P>): Promise<Record<string, unknown>> | Record<string, unknown>;
  /**
   * Completes outputs read back from the cache with the parts that are never
   * stored (e.g. a data node's distribution, rebuilt from its parameters).
   */
  restore?(ctx: Pick<RunContext<P>, "params" | "inputs">, outputs: Record<string, unknown>): Record<string, unknown>;
}

/** Declares a kind with its parameter type inferred from the schema. */
export function defineKind<S extends z.ZodType>(kind: NodeKind<z.output<S>> & { params: S }): NodeKind<z.output<S>> {
  return kind;
}
