/**
 * Graph and node hashes.
 *
 * A node's key = SHA-256 of the canonical JSON of
 * `{ kind, version, params, inputs: { port: "<key of source>:<output>" }, seed?, numerics?, content?, epoch }`:
 * the seed only for kinds that draw random numbers, the numeric backend only
 * for kinds whose output depends on it. Nothing else may change a node's output.
 *
 * @module
 */
import { hashValue } from "./canonical.ts";
import type { NodeKind } from "./kind.ts";
import type { ResolvedGraph } from "./resolved.ts";

/** Bumped when the store's layout or every key must change. */
export const CACHE_EPOCH = 1;

/** Options for {@linkcode nodeKeys}. */
export interface NodeKeyOptions {
  /** The node kinds. */
  kinds: ReadonlyMap<string, NodeKind>;
  /** Describes the numeric backend (e.g. `wasm-4.22.0/kernels-relaxed`); in the keys of numeric kinds. */
  numerics: string;
  /** Per-node content fingerprints (from each kind's `fingerprint`, e.g. a data file's hash). */
  fingerprints?: Record<string, string>;
}

/** The cache key of every node, in topological order. */
export function nodeKeys(graph: ResolvedGraph, options: NodeKeyOptions): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const id of graph.order) {
    const node = graph.nodes[id]!;
    const kind = options.kinds.get(node.kind)!;
    const inputs: Record<string, string> = {};
    for (const [port, ref] of Object.entries(node.inputs)) inputs[port] = `${keys[ref.node]}:${ref.output}`;
    keys[id] = hashValue({
      kind: node.kind,
      version: node.version,
      params: node.params,
      inputs,
      seed: kind.random ? graph.seed : undefined,
      numerics: kind.numeric ? options.numerics : undefined,
      content: options.fingerprints?.[id],
      epoch: CACHE_EPOCH,
    });
  }
  return keys;
}

/**
 * The graph's hash: its resolved nodes (kinds, versions, parameters with
 * defaults applied, edges), name and seed, and the framework version.
 */
export function graphHash(graph: ResolvedGraph, frameworkVersion: string): string {
  const nodes: Record<string, unknown> = {};
  for (const id of graph.order) {
    const n = graph.nodes[id]!;
    nodes[id] = { kind: n.kind, version: n.version, params: n.params, inputs: n.inputs };
  }
  return hashValue({ name: graph.name, seed: graph.seed, nodes, framework: frameworkVersion });
}
