/**
 * The TypeScript builder: the same graph as a YAML file, built in code. It
 * produces the same plain data (and so the same hash) as its YAML twin.
 *
 * @example
 * ```ts
 * const g = experiment("quickstart", { seed: 0 });
 * const target = g.node("target", "data.moons", { n: 10000, noise: 0.05 });
 * const split = g.node("split", "data.split", { test: 1000 }, { data: target });
 * const source = g.node("source", "data.gaussian", { dim: 2 });
 * g.node("pairs", "coupling.independent", {}, { source, target: split.output("train") });
 * g.sweep("fit.params.steps", [1000, 5000]);
 * const config = g.toConfig();
 * ```
 *
 * @module
 */
import type { ExperimentConfig, NodeConfig } from "./config.ts";

/** A reference to one output of a node. */
export interface OutputHandle {
  /** `node.output`. */
  readonly ref: string;
}

/** A node in a builder: usable as an input (its first output) or via `output(name)`. */
export interface NodeHandle extends OutputHandle {
  readonly id: string;
  /** One named output: `split.output("train")`. */
  output(name: string): OutputHandle;
}

/** Options for {@linkcode experiment}. */
export interface ExperimentOptions {
  seed: number;
  description?: string;
}

/** Builds an experiment config in code. */
export class ExperimentBuilder {
  readonly #config: ExperimentConfig;

  constructor(name: string, options: ExperimentOptions) {
    this.#config = {
      name,
      seed: options.seed,
      nodes: {},
      ...(options.description ? { description: options.description } : {}),
    };
  }

  /** Adds a node; inputs are handles or `node[.output]` strings. */
  node(
    id: string,
    kind: string,
    params: Record<string, unknown> = {},
    inputs: Record<string, OutputHandle | string> = {},
  ): NodeHandle {
    if (id in this.#config.nodes) throw new Error(`Cannot add node "${id}": the id is taken`);
    const node: NodeConfig = { kind };
    if (Object.keys(params).length) node.params = structuredClone(params);
    const refs = Object.entries(inputs);
    if (refs.length) node.inputs = Object.fromEntries(refs.map(([k, v]) => [k, typeof v === "string" ? v : v.ref]));
    this.#config.nodes[id] = node;
    return { id, ref: id, output: (name: string) => ({ ref: `${id}.${name}` }) };
  }

  /** Sweeps `path` (`seed`, `node.params.key`, `node.kind`) over `values`. */
  sweep(path: string, values: unknown[]): this {
    (this.#config.sweep ??= {})[path] = structuredClone(values);
    return this;
  }

  /** The plain config (a deep copy). */
  toConfig(): ExperimentConfig {
    return structuredClone(this.#config);
  }
}

/** Starts a builder. */
export function experiment(name: string, options: ExperimentOptions): ExperimentBuilder {
  return new ExperimentBuilder(name, options);
}

/**
 * Normalises raw config data to the builder's form: empty `params` / `inputs`
 * dropped, so `params: {}` in YAML equals no params in code.
 */
export function normalizeConfig(config: ExperimentConfig): ExperimentConfig {
  const out = structuredClone(config);
  for (const node of Object.values(out.nodes)) {
    if (node.params && Object.keys(node.params).length === 0) delete node.params;
    if (node.inputs && Object.keys(node.inputs).length === 0) delete node.inputs;
  }
  if (out.sweep && Object.keys(out.sweep).length === 0) delete out.sweep;
  return out;
}
