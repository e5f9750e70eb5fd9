/**
 * The experiment config as written (YAML or the TypeScript builder): plain data.
 *
 * @module
 */

/** One node as written: its kind, parameters and inputs. */
export interface NodeConfig {
  /** Node kind, e.g. `data.moons`, `train`. */
  kind: string;
  /** Parameters of the kind. */
  params?: Record<string, unknown>;
  /** Port name → `node` or `node.output`. */
  inputs?: Record<string, string>;
}

/** An experiment graph as written (NODES.md "A graph"). */
export interface ExperimentConfig {
  /** `[a-z0-9_-]+`. */
  name: string;
  /** Every random stream derives from it. */
  seed: number;
  /** Optional free text. */
  description?: string;
  /** Node id (`[a-z][a-z0-9_]*`) → node. */
  nodes: Record<string, NodeConfig>;
  /** Dotted path (`fit.params.steps`, `pairs.kind`, `seed`) → values: the cartesian product is run. */
  sweep?: Record<string, unknown[]>;
}

/** Top-level keys an experiment may have. */
export const EXPERIMENT_KEYS = ["name", "seed", "description", "nodes", "sweep"] as const;
/** Keys a node may have. */
export const NODE_KEYS = ["kind", "params", "inputs"] as const;
/** Experiment names. */
export const NAME_PATTERN = /^[a-z0-9_-]+$/;
/** Node ids. */
export const NODE_ID_PATTERN = /^[a-z][a-z0-9_]*$/;
