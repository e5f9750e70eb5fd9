/**
 * Validation: every problem of a config, collected and reported together,
 * each naming the file, the node, the field and the fix. Nothing runs and
 * nothing is written when validation fails.
 *
 * @module
 */
import type { z } from "zod";
import { EXPERIMENT_KEYS, NAME_PATTERN, NODE_ID_PATTERN, NODE_KEYS } from "./config.ts";
import { type GraphIssue, sortIssues } from "./errors.ts";
import type { NodeKind, PortType, StaticInfo } from "./kind.ts";
import type { OutputRef, ResolvedGraph, ResolvedNode } from "./resolved.ts";
import { didYouMean } from "./suggest.ts";

/** Options for {@linkcode validateExperiment}. */
export interface ValidateOptions {
  /** The node kinds, by name. */
  kinds: ReadonlyMap<string, NodeKind>;
  /** File name for messages. */
  file?: string;
  /** Source positions of paths (from the YAML parser). */
  locate?: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
}

/** The outcome: a graph, or every issue. */
export type ValidationResult = { ok: true; graph: ResolvedGraph } | { ok: false; issues: GraphIssue[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) v = isObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** Turns one zod issue into a message and a fix. */
function describeZodIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  kind: NodeKind,
): { field: string; message: string; fix?: string }[] {
  const path = issue.path.map(String);
  const field = ["params", ...path].join(".");
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const shape = (kind.params as unknown as { shape?: Record<string, unknown> }).shape;
      const known = shape ? Object.keys(shape) : [];
      return issue.keys.map((k) => ({
        field: [...["params", ...path], k].join("."),
        message: `unknown parameter "${k}" for kind "${kind.kind}"`,
        fix: known.length ? didYouMean(k, known) : `kind "${kind.kind}" takes no parameters here`,
      }));
    }
    case "invalid_type":
      if (value === undefined) {
        return [{
          field,
          message: `missing required parameter "${path.join(".")}"`,
          fix: `add ${path.at(-1)}: <${issue.expected}>`,
        }];
      }
      return [{
        field,
        message: `"${show(value)}" is not ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`,
        fix: `give ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`,
      }];
    case "too_small":
      return [{
        field,
        message: `"${show(value)}" is too small: ${
          issue.origin === "array" ? "needs at least" : "minimum"
        } ${issue.minimum}${issue.inclusive ? "" : " (exclusive)"}`,
        fix: `use a value ${issue.inclusive ? "≥" : ">"} ${issue.minimum}`,
      }];
    case "too_big":
      return [{
        field,
        message: `"${show(value)}" is too large: maximum ${issue.maximum}${issue.inclusive ? "" : " (exclusive)"}`,
        fix: `use a value ${issue.inclusive ? "≤" : "<"} ${issue.maximum}`,
      }];
    case "invalid_value": {
      const options = issue.values.map(String);
      return [{ field, message: `"${show(value)}" is not a valid value`, fix: didYouMean(String(value), options) }];
    }
    case "invalid_union":
      return [{
        field,
        message: `"${show(value)}" is not valid: ${issue.message}`,
        fix: "see the kind's documentation for the accepted forms",
      }];
    default:
      return [{ field, message: issue.message.startsWith('"') ? issue.message : `"${show(value)}": ${issue.message}` }];
  }
}

/** Parses `node` or `node.output`. */
export function parseRef(ref: string): { node: string; output?: string } {
  const dot = ref.indexOf(".");
  return dot < 0 ? { node: ref } : { node: ref.slice(0, dot), output: ref.slice(dot + 1) };
}

function accepts(port: PortType | readonly PortType[], type: PortType): boolean {
  return typeof port === "string" ? port === type : port.includes(type);
}

/**
 * Validates raw experiment data against the node kinds. Collects every issue:
 * top-level shape, names, unknown kinds and keys (with suggestions), parameter
 * types and ranges, references to nodes and outputs, port types, missing
 * inputs, cycles, sweep paths, and each kind's semantic checks.
 */
export function validateExperiment(raw: unknown, options: ValidateOptions): ValidationResult {
  const { kinds, file } = options;
  const issues: GraphIssue[] = [];
  const add = (path: (string | number)[], issue: Omit<GraphIssue, "file" | "line" | "column">) => {
    const pos = options.locate?.(path);
    issues.push({ ...(file ? { file } : {}), ...(pos ? { line: pos.line, column: pos.column } : {}), ...issue });
  };

  if (!isObject(raw)) {
    add([], { message: "the config is not a mapping", fix: "write `name:`, `seed:` and `nodes:` at the top level" });
    return { ok: false, issues: sortIssues(issues) };
  }
  for (const k of Object.keys(raw)) {
    if (!(EXPERIMENT_KEYS as readonly string[]).includes(k)) {
      add([k], { field: k, message: `unknown top-level key "${k}"`, fix: didYouMean(k, EXPERIMENT_KEYS) });
    }
  }
  const name = raw.name;
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    add(["name"], {
      field: "name",
      message: name === undefined ? "missing experiment name" : `"${show(name)}" is not a valid experiment name`,
      fix: "use lower-case letters, digits, - and _ (e.g. name: quickstart)",
    });
  }
  const seed = raw.seed;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
    add(["seed"], {
      field: "seed",
      message: seed === undefined ? "missing seed" : `"${show(seed)}" is not a valid seed`,
      fix: "give a non-negative integer (e.g. seed: 0)",
    });
  }
  if (raw.description !== undefined && typeof raw.description !== "string") {
    add(["description"], { field: "description", message: "description is not text", fix: "write it as a string" });
  }
  const nodesRaw = raw.nodes;
  if (!isObject(nodesRaw) || Object.keys(nodesRaw).length === 0) {
    add(["nodes"], {
      field: "nodes",
      message: nodesRaw === undefined ? "missing nodes" : "nodes is not a non-empty mapping",
      fix: "list the nodes as `id: { kind: ..., params: {...}, inputs: {...} }`",
    });
    return { ok: false, issues: sortIssues(issues) };
  }

  const ids = Object.keys(nodesRaw);
  const parsed = new Map<
    string,
    {
      kind: NodeKind;
      params: Record<string, unknown>;
      refs: Record<string, { ref: string; node: string; output?: string }>;
    }
  >();
  const kindNames = [...kinds.keys()];

  for (const id of ids) {
    const at = (...p: (string | number)[]) => ["nodes", id, ...p];
    const node = nodesRaw[id];
    if (!NODE_ID_PATTERN.test(id)) {
      add(at(), {
        node: id,
        message: `"${id}" is not a valid node id`,
        fix: "start with a lower-case letter; use only a-z, 0-9 and _",
      });
    }
    if (!isObject(node)) {
      add(at(), {
        node: id,
        message: "the node is not a mapping",
        fix: "write `{ kind: ..., params: {...}, inputs: {...} }`",
      });
      continue;
    }
    for (const k of Object.keys(node)) {
      if (!(NODE_KEYS as readonly string[]).includes(k)) {
        add(at(k), { node: id, field: k, message: `unknown key "${k}"`, fix: didYouMean(k, NODE_KEYS) });
      }
    }
    if (typeof node.kind !== "string") {
      add(at("kind"), {
        node: id,
        field: "kind",
        message: "missing kind",
        fix: `add kind: <one of ${kindNames.slice(0, 4).join(", ")}, …>`,
      });
      continue;
    }
    const kind = kinds.get(node.kind);
    if (!kind) {
      add(at("kind"), {
        node: id,
        field: "kind",
        message: `unknown kind "${node.kind}"`,
        fix: didYouMean(node.kind, kindNames),
      });
      continue;
    }
    let params: Record<string, unknown> = {};
    const rawParams = node.params ?? {};
    if (!isObject(rawParams)) {
      add(at("params"), {
        node: id,
        field: "params",
        message: "params is not a mapping",
        fix: "write params: { key: value, ... }",
      });
    } else {
      const result = kind.params.safeParse(rawParams);
      if (result.success) params = result.data as Record<string, unknown>;
      else {
        for (const zi of result.error.issues) {
          for (const d of describeZodIssue(zi, rawParams, kind)) {
            add(at(...d.field.split(".")), {
              node: id,
              field: d.field,
              message: d.message,
              ...(d.fix ? { fix: d.fix } : {}),
            });
          }
        }
      }
    }
    const refs: Record<string, { ref: string; node: string; output?: string }> = {};
    const rawInputs = node.inputs ?? {};
    if (!isObject(rawInputs)) {
      add(at("inputs"), {
        node: id,
        field: "inputs",
        message: "inputs is not a mapping",
        fix: "write inputs: { port: node or node.output }",
      });
    } else {
      const ports = Object.keys(kind.inputs);
      for (const [port, ref] of Object.entries(rawInputs)) {
        if (!(port in kind.inputs)) {
          add(at("inputs", port), {
            node: id,
            field: `inputs.${port}`,
            message: `kind "${kind.kind}" has no input "${port}"`,
            fix: ports.length ? didYouMean(port, ports) : `kind "${kind.kind}" takes no inputs`,
          });
          continue;
        }
        if (typeof ref !== "string" || ref === "") {
          add(at("inputs", port), {
            node: id,
            field: `inputs.${port}`,
            message: `"${show(ref)}" is not a node reference`,
            fix: "write a node id, or node.output",
          });
          continue;
        }
        refs[port] = { ref, ...parseRef(ref) };
      }
      for (const [port, spec] of Object.entries(kind.inputs)) {
        if (!spec.optional && !(port in rawInputs)) {
          const types = typeof spec.type === "string" ? spec.type : spec.type.join(" or ");
          add(at("inputs"), {
            node: id,
            field: `inputs.${port}`,
            message: `missing input "${port}" (${types})`,
            fix: `connect it: inputs: { ${port}: <node> }`,
          });
        }
      }
    }
    parsed.set(id, { kind, params, refs });
  }

  // references and port types
  const edges = new Map<string, Record<string, OutputRef>>();
  for (const [id, { kind, refs }] of parsed) {
    const resolved: Record<string, OutputRef> = {};
    for (const [port, r] of Object.entries(refs)) {
      const field = `inputs.${port}`;
      const at = ["nodes", id, "inputs", port];
      if (!(r.node in nodesRaw)) {
        add(at, { node: id, field, message: `input "${r.ref}" names no node`, fix: didYouMean(r.node, ids) });
        continue;
      }
      const source = parsed.get(r.node);
      if (!source) continue; // its own errors are reported
      const outputs = Object.keys(source.kind.outputs);
      const output = r.output ?? outputs[0]!;
      if (!(output in source.kind.outputs)) {
        add(at, {
          node: id,
          field,
          message: `node "${r.node}" (${source.kind.kind}) has no output "${output}"`,
          fix: didYouMean(output, outputs),
        });
        continue;
      }
      const type = source.kind.outputs[output]!;
      const want = kind.inputs[port]!.type;
      if (!accepts(want, type)) {
        const wanted = typeof want === "string" ? want : want.join(" or ");
        add(at, {
          node: id,
          field,
          message: `input "${r.ref}" is ${type}, but "${port}" takes ${wanted}`,
          fix: `connect a node that outputs ${wanted}`,
        });
        continue;
      }
      resolved[port] = { node: r.node, output };
    }
    edges.set(id, resolved);
  }

  // cycles (Kahn's algorithm; what remains lies on or behind a cycle)
  const indegree = new Map(ids.map((id) => [id, 0]));
  const dependants = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [id, ins] of edges) {
    for (const ref of Object.values(ins)) {
      indegree.set(id, indegree.get(id)! + 1);
      dependants.get(ref.node)!.push(id);
    }
  }
  const order: string[] = [];
  const ready = ids.filter((id) => indegree.get(id) === 0);
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const d of dependants.get(id)!) {
      indegree.set(d, indegree.get(d)! - 1);
      if (indegree.get(d) === 0) {
        // keep file order among ready nodes
        const pos = ready.findIndex((r) => ids.indexOf(r) > ids.indexOf(d));
        ready.splice(pos < 0 ? ready.length : pos, 0, d);
      }
    }
  }
  if (order.length < ids.length) {
    const stuck = new Set(ids.filter((id) => !order.includes(id)));
    // walk one cycle for the message
    const start = [...stuck][0]!;
    const cycle: string[] = [start];
    const seen = new Set([start]);
    let cur = start;
    for (;;) {
      const next = Object.values(edges.get(cur) ?? {}).map((r) => r.node).find((n) => stuck.has(n));
      if (!next) break;
      if (seen.has(next)) {
        cycle.splice(0, cycle.indexOf(next));
        cycle.push(next);
        break;
      }
      seen.add(next);
      cycle.push(next);
      cur = next;
    }
    add(["nodes", start], {
      node: start,
      message: `the graph has a cycle: ${cycle.reverse().join(" → ")}`,
      fix: "a node cannot depend on its own output; remove one of these inputs",
    });
  }

  // sweep paths
  const sweep = raw.sweep;
  if (sweep !== undefined) {
    if (!isObject(sweep)) {
      add(["sweep"], {
        field: "sweep",
        message: "sweep is not a mapping",
        fix: "write sweep: { node.params.key: [v1, v2] }",
      });
    } else {
      for (const [path, values] of Object.entries(sweep)) {
        const field = `sweep.${path}`;
        if (!Array.isArray(values) || values.length === 0) {
          add(["sweep", path], {
            field,
            message: `sweep "${path}" is not a non-empty list`,
            fix: `write ${path}: [value1, value2]`,
          });
        }
        const problem = checkSweepPath(path, nodesRaw, parsed);
        if (problem) add(["sweep", path], { field, ...problem });
      }
    }
  }

  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };

  // static info and semantic checks, in order
  const nodes: Record<string, ResolvedNode> = {};
  for (const id of order) {
    const { kind, params } = parsed.get(id)!;
    const inputs = edges.get(id)!;
    const inputInfo: Record<string, StaticInfo | undefined> = {};
    for (const [port, ref] of Object.entries(inputs)) inputInfo[port] = nodes[ref.node]?.info[ref.output];
    const staticNode = { id, params, inputs: inputInfo };
    for (const problem of kind.check?.(staticNode) ?? []) {
      add(["nodes", id, ...(problem.field ? problem.field.split(".") : [])], { node: id, ...problem });
    }
    let info: Record<string, StaticInfo> = {};
    try {
      info = kind.describe?.(staticNode) ?? {};
    } catch (e) {
      add(["nodes", id], { node: id, message: (e as Error).message });
    }
    for (const out of Object.keys(kind.outputs)) info[out] = { kind: kind.kind, ...info[out] };
    nodes[id] = { id, kind: kind.kind, version: kind.version, params, inputs, info };
  }
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  return {
    ok: true,
    graph: {
      name: raw.name as string,
      seed: raw.seed as number,
      ...(typeof raw.description === "string" ? { description: raw.description } : {}),
      nodes,
      order,
    },
  };
}

function checkSweepPath(
  path: string,
  nodesRaw: Record<string, unknown>,
  parsed: Map<string, { kind: NodeKind }>,
): { message: string; fix: string } | undefined {
  if (path === "seed") return undefined;
  const parts = path.split(".");
  const [id, section, key] = parts;
  const ids = Object.keys(nodesRaw);
  if (!id || !(id in nodesRaw)) {
    return { message: `sweep path "${path}" names no node`, fix: id ? didYouMean(id, ids) : "write node.params.key" };
  }
  if (section === "kind" && parts.length === 2) return undefined;
  if ((section === "params" || section === "inputs") && key) {
    if (section === "inputs") {
      const kind = parsed.get(id)?.kind;
      if (kind && !(key in kind.inputs)) {
        return {
          message: `sweep path "${path}": node "${id}" has no input "${key}"`,
          fix: didYouMean(key, Object.keys(kind.inputs)),
        };
      }
    }
    return undefined;
  }
  return {
    message: `sweep path "${path}" is not "seed", "node.kind", "node.params.key" or "node.inputs.port"`,
    fix: didYouMean(section ?? "", ["kind", "params", "inputs"]),
  };
}
