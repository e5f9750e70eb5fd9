/**
 * Executing one resolved graph: each node's outputs come from the cache
 * (verified), are rebuilt (cheap kinds), or are computed and committed.
 *
 * @module
 */
import { codecFor, type FileAccess, type NodeKind, type ResolvedGraph } from "../graph/mod.ts";
import { createRng } from "../random/mod.ts";
import type { Progress } from "./progress.ts";
import type { Store } from "./store.ts";

/** How a node will be obtained. */
export type NodePlan = "cached" | "run" | "rebuild" | "never";

/** Raised for a node whose input failed. */
export class SkippedError extends Error {
  constructor(id: string, cause: string) {
    super(`Skipped node "${id}": input "${cause}" failed`);
    this.name = "SkippedError";
  }
}

/** Raised when a run is interrupted (Ctrl-C). */
export class InterruptedError extends Error {
  constructor(what = "the run") {
    super(`Interrupted ${what}; run the same command again to resume`);
    this.name = "InterruptedError";
  }
}

/** What the runtime needs from its surroundings. */
export interface RuntimeOptions {
  store: Store;
  kinds: ReadonlyMap<string, NodeKind>;
  files: FileAccess;
  progress: Progress;
  signal: AbortSignal;
  /** Ignore cached entries (compute every stored node; existing entries are kept). */
  noCache?: boolean;
  /** Never compute a stored node: a missing entry is an error (reports read, never run). */
  readOnly?: boolean;
}

/** Outcome of computing one node. */
export interface ComputeOutcome {
  seconds: number;
  /** False when another process committed the same key first. */
  committed: boolean;
  /** Set when a forced recompute produced bytes that differ from the stored entry. */
  mismatch?: string[];
}

/** Materialises the values of one graph's nodes, memoised. */
export class GraphRuntime {
  readonly graph: ResolvedGraph;
  readonly keys: Record<string, string>;
  readonly #opts: RuntimeOptions;
  readonly #values = new Map<string, Promise<Record<string, unknown>>>();
  readonly #verified = new Map<string, Record<string, Uint8Array>>();
  readonly #annotations = new Map<string, Record<string, unknown>>();
  readonly #failed = new Map<string, string>();
  readonly #forced = new Set<string>();

  constructor(graph: ResolvedGraph, keys: Record<string, string>, options: RuntimeOptions) {
    this.graph = graph;
    this.keys = keys;
    this.#opts = options;
  }

  #kind(id: string): NodeKind {
    return this.#opts.kinds.get(this.graph.nodes[id]!.kind)!;
  }

  /** How each node would be obtained now (unverified: a corrupt entry is found when read). */
  async plan(recompute: ReadonlySet<string> = new Set()): Promise<Record<string, NodePlan>> {
    const out: Record<string, NodePlan> = {};
    for (const id of this.graph.order) {
      const mode = this.#kind(id).cache;
      if (mode === "rebuild" || mode === "never") out[id] = mode;
      else if (this.#opts.noCache || recompute.has(id)) out[id] = "run";
      else out[id] = (await this.#opts.store.has(this.keys[id]!)) ? "cached" : "run";
    }
    return out;
  }

  /** Forces `id` to be recomputed even when cached. */
  force(id: string): void {
    this.#forced.add(id);
  }

  /** Marks a node failed (its dependants are skipped). */
  markFailed(id: string, message: string): void {
    this.#failed.set(id, message);
  }

  /** The failure of `id`, if it failed. */
  failure(id: string): string | undefined {
    return this.#failed.get(id);
  }

  /**
   * Reads and verifies a stored node's entry. A corrupt entry is reported,
   * quarantined and treated as missing.
   */
  async probe(id: string): Promise<"cached" | "missing"> {
    if (this.#verified.has(id)) return "cached";
    if (this.#opts.noCache || this.#forced.has(id)) return "missing";
    const key = this.keys[id]!;
    const r = await this.#opts.store.read(key);
    if (r.status === "ok") {
      this.#verified.set(id, r.outputs);
      this.#annotations.set(id, r.meta.annotations ?? {});
      return "cached";
    }
    if (r.status === "corrupt") {
      const where = await this.#opts.store.quarantine(key);
      this.#opts.progress.log(
        `[${id}] cache entry ${key.slice(0, 12)} is corrupt (${r.reason}); moved to ${where}, recomputing`,
      );
    }
    return "missing";
  }

  async #inputs(id: string): Promise<Record<string, unknown>> {
    const node = this.graph.nodes[id]!;
    const values: Record<string, unknown> = {};
    for (const [port, ref] of Object.entries(node.inputs)) {
      const failed = this.#failed.get(ref.node);
      if (failed !== undefined) throw new SkippedError(id, ref.node);
      let outs: Record<string, unknown>;
      try {
        outs = await this.outputs(ref.node);
      } catch (e) {
        if (e instanceof InterruptedError) throw e;
        throw new SkippedError(id, ref.node);
      }
      values[port] = outs[ref.output];
    }
    return values;
  }

  #context(id: string, inputs: Record<string, unknown>, annotations: Record<string, unknown> = {}) {
    const node = this.graph.nodes[id]!;
    const key = this.keys[id]!;
    const store = this.#opts.store;
    return {
      annotate: (name: string, value: unknown) => {
        annotations[name] = value;
      },
      id,
      key,
      params: node.params,
      inputs,
      seed: this.graph.seed,
      rng: createRng(this.graph.seed, key),
      progress: this.#opts.progress.sink(id),
      checkpoint: { load: () => store.loadCheckpoint(key), save: (b: Uint8Array) => store.saveCheckpoint(key, b) },
      files: this.#opts.files,
      signal: this.#opts.signal,
      log: (m: string) => this.#opts.progress.log(`[${id}] ${m}`),
    };
  }

  /** Computes a stored node from its inputs and commits it to the store. */
  async compute(id: string): Promise<ComputeOutcome> {
    if (this.#opts.signal.aborted) throw new InterruptedError();
    const kind = this.#kind(id);
    const key = this.keys[id]!;
    const inputs = await this.#inputs(id);
    const annotations: Record<string, unknown> = {};
    const t0 = performance.now();
    const result = await kind.run(this.#context(id, inputs, annotations));
    const seconds = (performance.now() - t0) / 1000;
    const encoded: Record<string, { bytes: Uint8Array; type: string }> = {};
    for (const [name, type] of Object.entries(kind.outputs)) {
      if (!(name in result)) throw new Error(`Node "${id}" (${kind.kind}) produced no output "${name}"`);
      encoded[name] = { bytes: codecFor(type).encode(result[name]), type };
    }
    let mismatch: string[] | undefined;
    if (this.#forced.has(id) || this.#opts.noCache) {
      const old = await this.#opts.store.read(key);
      if (old.status === "ok") {
        mismatch = Object.keys(encoded).filter((n) => {
          const a = old.outputs[n], b = encoded[n]!.bytes;
          return !a || a.length !== b.length || a.some((v, i) => v !== b[i]);
        });
        if (mismatch.length === 0) mismatch = undefined;
        // keep the entry content-addressed: replace it only if it differs
        if (mismatch) await this.#opts.store.quarantine(key);
      }
    }
    const committed = await this.#opts.store.write(key, kind.kind, encoded, seconds, annotations);
    this.#annotations.set(id, annotations);
    await this.#opts.store.dropCheckpoint(key);
    const restored = kind.restore ? kind.restore({ params: this.graph.nodes[id]!.params, inputs }, result) : result;
    this.#values.set(id, Promise.resolve(restored));
    this.#forced.delete(id);
    return { seconds, committed, ...(mismatch ? { mismatch } : {}) };
  }

  /** Non-content data a stored node recorded (after it was computed or probed). */
  annotations(id: string): Record<string, unknown> {
    return this.#annotations.get(id) ?? {};
  }

  /** The outputs of `id`: from the cache, rebuilt, or computed (memoised). */
  outputs(id: string): Promise<Record<string, unknown>> {
    let p = this.#values.get(id);
    if (!p) {
      p = this.#materialise(id);
      this.#values.set(id, p);
      p.catch(() => this.#values.delete(id));
    }
    return p;
  }

  async #materialise(id: string): Promise<Record<string, unknown>> {
    const failed = this.#failed.get(id);
    if (failed !== undefined) throw new Error(failed);
    const kind = this.#kind(id);
    const node = this.graph.nodes[id]!;
    if (kind.cache === "store") {
      if ((await this.probe(id)) === "cached") {
        const bytes = this.#verified.get(id)!;
        const decoded: Record<string, unknown> = {};
        for (const [name, type] of Object.entries(kind.outputs)) decoded[name] = codecFor(type).decode(bytes[name]!);
        if (!kind.restore) return decoded;
        return kind.restore({
          params: node.params,
          inputs: Object.keys(node.inputs).length ? await this.#inputs(id) : {},
        }, decoded);
      }
      if (this.#opts.readOnly) {
        throw new Error(
          `Cannot read node "${id}": its cache entry ${
            this.keys[id]!.slice(0, 12)
          } is missing (read-only: nothing is recomputed)`,
        );
      }
      await this.compute(id);
      return this.#values.get(id)!;
    }
    const inputs = await this.#inputs(id);
    return await kind.run(this.#context(id, inputs));
  }
}
