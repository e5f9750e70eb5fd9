/**
 * Run records: `runs/<run-id>/run.json`, the record of what ran, with what,
 * where, and what came out (NODES.md "A run on disk").
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ExperimentConfig, MetricValue, OutputRef } from "../graph/mod.ts";
import { writeFileAtomic } from "./store.ts";

/** The record's schema version. */
export const RUN_SCHEMA = 1;

/** Status of a run. */
export type RunStatus = "running" | "ok" | "failed" | "interrupted";

/** What happened to one node. */
export interface NodeRecord {
  kind: string;
  key: string;
  /** Read from the cache (nothing computed). */
  cached: boolean;
  /** `ok` computed, `cached` reused, `rebuilt` (cheap, never stored), `failed`, `skipped` (an input failed), `pending`. */
  status: "ok" | "cached" | "rebuilt" | "failed" | "skipped" | "pending" | "interrupted";
  /** Seconds spent computing (0 when cached). */
  seconds?: number;
  /** Error message when failed. */
  error?: string;
  /** Artifacts in the store: output → `cache/<key>/<output>.bin`. */
  artifacts?: Record<string, string>;
}

/** Versions of everything that can change numbers. */
export interface Versions {
  flowlab: string;
  deno: string;
  v8: string;
  typescript: string;
  tfjs?: string;
  backend?: string;
  backendVersion?: string;
  backendVariant?: string;
  kernels?: string;
}

/** `run.json`. */
export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  id: string;
  name: string;
  seed: number;
  status: RunStatus;
  started: string;
  finished?: string;
  seconds?: number;
  /** The command line that made the run. */
  command: string[];
  /** The config as given: file, text, and the data after `--set` overrides of this member. */
  config: { file?: string; text?: string; data: ExperimentConfig };
  /** The resolved graph: hash, nodes with defaults applied, topological order. */
  graph: {
    hash: string;
    order: string[];
    nodes: Record<
      string,
      { kind: string; version: number; params: Record<string, unknown>; inputs: Record<string, OutputRef> }
    >;
  };
  nodes: Record<string, NodeRecord>;
  /** `metrics.<node id>` for every metric node (and likelihood nodes). */
  metrics: Record<string, MetricValue>;
  versions: Versions;
  git: { commit: string | null; dirty: boolean | null };
  host: { hostname: string; os: string; arch: string; cpus: number };
  /** Options that do not change results but explain the run. */
  options: { jobs: number; noCache: boolean; recompute: string[]; backend: string; executor: string };
  /** Set for the members of a sweep. */
  sweep?: { id: string; index: number; size: number; values: Record<string, unknown> };
  /** The report, relative to the run folder. */
  report?: string;
  error?: string;
}

/** `YYYYMMDD-HHMMSS` in UTC. */
function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${
    p(date.getUTCMinutes())
  }${p(date.getUTCSeconds())}`;
}

/**
 * Creates a fresh run folder `runs/<name>-<UTC stamp>-<6 hex>` and returns its
 * id. The folder is made with a non-recursive mkdir, which fails if it exists,
 * so two processes never get the same id.
 */
export async function createRunFolder(runsDir: string, name: string): Promise<{ id: string; dir: string }> {
  await Deno.mkdir(runsDir, { recursive: true });
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = `${name}-${stamp(new Date())}-${randomBytes(3).toString("hex")}`;
    const dir = join(runsDir, id);
    try {
      await Deno.mkdir(dir);
      return { id, dir };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
  }
  throw new Error(`Cannot create a run folder in "${runsDir}": 20 names were taken`);
}

/** Writes `run.json` atomically. */
export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(dir, "run.json"), JSON.stringify(record, null, 2) + "\n");
}

/** Reads a run record; throws a clear error when it is missing or of another schema. */
export async function readRunRecord(dir: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, "run.json"));
  } catch {
    throw new Error(`Cannot read run "${dir}": no run.json`);
  }
  const r = JSON.parse(text) as RunRecord;
  if (r.schema !== RUN_SCHEMA) throw new Error(`Cannot read run "${dir}": schema ${r.schema}, expected ${RUN_SCHEMA}`);
  return r;
}

/** Every run record under `runsDir`, newest first. */
export async function listRunRecords(runsDir: string): Promise<{ dir: string; record: RunRecord }[]> {
  const out: { dir: string; record: RunRecord }[] = [];
  try {
    for await (const e of Deno.readDir(runsDir)) {
      if (!e.isDirectory || e.name === "cache" || e.name.startsWith(".")) continue;
      const dir = join(runsDir, e.name);
      try {
        out.push({ dir, record: await readRunRecord(dir) });
      } catch { /* not a run folder (e.g. a sweep) */ }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort((a, b) => b.record.started.localeCompare(a.record.started) || b.record.id.localeCompare(a.record.id));
}

async function git(root: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", { args, cwd: root, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** The repository commit and whether the tree has uncommitted changes (null outside git). */
export async function gitInfo(root: string): Promise<{ commit: string | null; dirty: boolean | null }> {
  const commit = await git(root, ["rev-parse", "HEAD"]);
  if (commit === null) return { commit: null, dirty: null };
  const status = await git(root, ["status", "--porcelain", "--untracked-files=no"]);
  return { commit, dirty: status === null ? null : status !== "" };
}

/** The machine. */
export function hostInfo(): RunRecord["host"] {
  return { hostname: hostname(), os: Deno.build.os, arch: Deno.build.arch, cpus: navigator.hardwareConcurrency };
}
