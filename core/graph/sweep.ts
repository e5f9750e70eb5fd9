/**
 * Sweeps: the cartesian product of listed values, from the file's `sweep:`
 * and from `--set path=v1,v2` on the command line.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import type { ExperimentConfig } from "./config.ts";

/** One assignment of values to sweep paths. */
export interface SweepMember {
  /** 0-based index in the product (last path varies fastest). */
  index: number;
  /** Path → value for this member. */
  values: Record<string, unknown>;
  /** The config with the values applied (and without `sweep`). */
  config: ExperimentConfig;
}

/** A parsed `--set path=value[,value…]`. */
export interface SetOverride {
  path: string;
  values: unknown[];
}

/**
 * Splits `a,b,[1,2],{x: 1}` on the commas outside brackets and braces, and
 * parses each piece as a YAML scalar/flow value (`5000` → number, `euler` → string).
 */
export function parseSetValues(text: string): unknown[] {
  const pieces: string[] = [];
  let depth = 0, start = 0, quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces.map((p) => {
    const s = p.trim();
    if (s === "") throw new Error(`Cannot read --set value "${text}": an empty item`);
    return parseYaml(s);
  });
}

/** Parses `path=v1,v2`. */
export function parseSet(arg: string): SetOverride {
  const eq = arg.indexOf("=");
  if (eq <= 0) {
    throw new Error(`Cannot read --set "${arg}": expected path=value or path=v1,v2 (e.g. fit.params.steps=1000,5000)`);
  }
  return { path: arg.slice(0, eq).trim(), values: parseSetValues(arg.slice(eq + 1)) };
}

/** Sets `path` (`seed`, `node.kind`, `node.params.a.b`, `node.inputs.port`) in a copy of `config`. */
export function applyPath(config: ExperimentConfig, path: string, value: unknown): ExperimentConfig {
  const out = structuredClone(config);
  if (path === "seed") {
    out.seed = value as number;
    return out;
  }
  const [id, section, ...rest] = path.split(".");
  const node = id ? out.nodes[id] : undefined;
  if (!node) throw new Error(`Cannot set "${path}": no node "${id}"`);
  if (section === "kind" && rest.length === 0) node.kind = String(value);
  else if ((section === "params" || section === "inputs") && rest.length > 0) {
    // deno-lint-ignore no-explicit-any
    let obj: any = (node[section] ??= {});
    for (const k of rest.slice(0, -1)) {
      if (typeof obj[k] !== "object" || obj[k] === null || Array.isArray(obj[k])) obj[k] = {};
      obj = obj[k];
    }
    obj[rest.at(-1)!] = value;
  } else throw new Error(`Cannot set "${path}": expected "seed", "node.kind", "node.params.key" or "node.inputs.port"`);
  return out;
}

/**
 * Expands the sweep: single-valued overrides are applied to every member,
 * multi-valued ones (and the file's `sweep:`) form the cartesian product.
 * With no sweep at all there is exactly one member.
 */
export function expandSweep(config: ExperimentConfig, overrides: readonly SetOverride[] = []): SweepMember[] {
  let base: ExperimentConfig = structuredClone(config);
  const axes = new Map<string, unknown[]>(Object.entries(base.sweep ?? {}));
  delete base.sweep;
  for (const o of overrides) {
    if (o.values.length === 1) {
      axes.delete(o.path);
      base = applyPath(base, o.path, o.values[0]);
    } else axes.set(o.path, o.values);
  }
  const paths = [...axes.keys()];
  const lists = paths.map((p) => axes.get(p)!);
  const total = lists.reduce((a, l) => a * l.length, 1);
  const members: SweepMember[] = [];
  for (let index = 0; index < total; index++) {
    let rem = index;
    const values: Record<string, unknown> = {};
    for (let k = paths.length - 1; k >= 0; k--) {
      const list = lists[k]!;
      values[paths[k]!] = list[rem % list.length];
      rem = Math.floor(rem / list.length);
    }
    let cfg = base;
    for (const p of paths) cfg = applyPath(cfg, p, values[p]);
    const ordered: Record<string, unknown> = {};
    for (const p of paths) ordered[p] = values[p];
    members.push({ index, values: ordered, config: cfg });
  }
  return members;
}
