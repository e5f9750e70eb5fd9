/**
 * Planning: validate the config and every sweep member (all issues
 * together), resolve each member's graph, and compute its node keys.
 *
 * @module
 */
import {
  expandSweep,
  type ExperimentConfig,
  formatIssue,
  graphHash,
  type GraphIssue,
  GraphValidationError,
  nodeKeys,
  type NodeKind,
  type ResolvedGraph,
  type SetOverride,
  validateExperiment,
} from "../graph/mod.ts";
import { fileAccess } from "./files.ts";

/** One member of a (possibly trivial) sweep, ready to run. */
export interface PlannedMember {
  index: number;
  /** Sweep values of this member (empty without a sweep). */
  values: Record<string, unknown>;
  config: ExperimentConfig;
  graph: ResolvedGraph;
  /** Node id → cache key. */
  keys: Record<string, string>;
  /** The graph hash. */
  hash: string;
}

/** Options for {@linkcode planExperiment}. */
export interface PlanOptions {
  kinds: ReadonlyMap<string, NodeKind>;
  /** Overrides and sweeps from the command line (`--set`, `--seed`). */
  sets?: SetOverride[];
  file?: string;
  locate?: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
  /** Project root and data folders (for data files and their fingerprints). */
  root: string;
  dataDirs?: string[];
  /** Numeric backend description (in the keys of numeric kinds). */
  numerics: string;
  /** Framework version (in the graph hash). */
  version: string;
  /** Node ids that must exist (e.g. `--recompute`). */
  requireNodes?: string[];
}

/**
 * Validates `raw` and expands its sweep; throws {@linkcode GraphValidationError}
 * with every issue of the config and of every member.
 */
export async function planExperiment(raw: unknown, options: PlanOptions): Promise<PlannedMember[]> {
  const { kinds, file } = options;
  const base = validateExperiment(raw, {
    kinds,
    ...(file ? { file } : {}),
    ...(options.locate ? { locate: options.locate } : {}),
  });
  const issues: GraphIssue[] = base.ok ? [] : [...base.issues];
  const sets = options.sets ?? [];
  for (const s of sets) {
    const ok = s.path === "seed" || /^[a-z][a-z0-9_]*\.(kind|params\..+|inputs\..+)$/.test(s.path);
    if (!ok) {
      issues.push({
        field: `--set ${s.path}`,
        message: `"${s.path}" is not a settable path`,
        fix: 'use "seed", "node.kind", "node.params.key" or "node.inputs.port"',
      });
    }
    const id = s.path.split(".")[0]!;
    if (
      ok && s.path !== "seed" && typeof raw === "object" && raw !== null &&
      !(id in ((raw as { nodes?: object }).nodes ?? {}))
    ) {
      issues.push({
        field: `--set ${s.path}`,
        message: `--set names no node "${id}"`,
        fix: "check the node id in the experiment file",
      });
    }
  }
  if (issues.length) throw new GraphValidationError(issues);

  const members = expandSweep(raw as ExperimentConfig, sets);
  const planned: PlannedMember[] = [];
  const memberIssues = new Map<string, { issue: GraphIssue; members: Record<string, unknown>[] }>();
  for (const m of members) {
    const r = validateExperiment(m.config, {
      kinds,
      ...(file ? { file } : {}),
      ...(options.locate ? { locate: options.locate } : {}),
    });
    if (!r.ok) {
      for (const issue of r.issues) {
        const k = formatIssue(issue);
        const entry = memberIssues.get(k) ?? { issue, members: [] };
        entry.members.push(m.values);
        memberIssues.set(k, entry);
      }
      continue;
    }
    planned.push({ index: m.index, values: m.values, config: m.config, graph: r.graph, keys: {}, hash: "" });
  }
  if (memberIssues.size) {
    const all: GraphIssue[] = [];
    for (const { issue, members: ms } of memberIssues.values()) {
      const partial = ms.length < members.length;
      const which = ms.map((v) => Object.entries(v).map(([p, x]) => `${p}=${JSON.stringify(x)}`).join(" ")).join("; ");
      all.push(partial ? { ...issue, message: `${issue.message} (in sweep member ${which})` } : issue);
    }
    throw new GraphValidationError(all);
  }
  for (const id of options.requireNodes ?? []) {
    if (!planned.some((m) => id in m.graph.nodes)) {
      issues.push({
        field: "--recompute",
        message: `no node "${id}" to recompute`,
        fix: "give a node id of the experiment",
      });
    }
  }
  if (issues.length) throw new GraphValidationError(issues);

  const files = fileAccess({
    ...(file ? { experimentFile: file } : {}),
    root: options.root,
    dataDirs: options.dataDirs ?? [],
  });
  for (const m of planned) {
    const fingerprints: Record<string, string> = {};
    for (const id of m.graph.order) {
      const node = m.graph.nodes[id]!;
      const kind = kinds.get(node.kind)!;
      if (kind.fingerprint) {
        try {
          fingerprints[id] = await kind.fingerprint({ params: node.params, files });
        } catch (e) {
          issues.push({ ...(file ? { file } : {}), node: id, field: "params.path", message: (e as Error).message });
        }
      }
    }
    m.keys = nodeKeys(m.graph, { kinds, numerics: options.numerics, fingerprints });
    m.hash = graphHash(m.graph, options.version);
  }
  if (issues.length) throw new GraphValidationError(issues);
  return planned;
}
