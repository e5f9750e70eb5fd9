/**
 * The validated graph: defaults applied, references resolved, in topological order.
 *
 * @module
 */
import type { StaticInfo } from "./kind.ts";

/** A reference to one output of a node. */
export interface OutputRef {
  node: string;
  output: string;
}

/** A validated node. */
export interface ResolvedNode {
  id: string;
  kind: string;
  /** The kind's version. */
  version: number;
  /** Parameters with defaults applied (plain data, canonical-JSON-able). */
  params: Record<string, unknown>;
  /** Port → the output it reads. */
  inputs: Record<string, OutputRef>;
  /** Static info of each output (from the kind's `describe`). */
  info: Record<string, StaticInfo>;
}

/** A validated experiment graph. */
export interface ResolvedGraph {
  name: string;
  seed: number;
  description?: string;
  /** Nodes by id. */
  nodes: Record<string, ResolvedNode>;
  /** Node ids in a topological order (ties broken by the order in the file). */
  order: string[];
}
