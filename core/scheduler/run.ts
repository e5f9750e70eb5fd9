/**
 * Running an experiment: plan, execute (in process or on `--jobs N` worker
 * threads), record, and index sweeps.
 *
 * @module
 */
import { join } from "node:path";
import { type BackendInfo, type BackendName, initBackend, kernelVariant, relaxedFmaProbe } from "../backend/mod.ts";
import { KINDS, type MetricValue, type NllValue, type NodeKind, type SetOverride } from "../graph/mod.ts";
import { hashValue } from "../graph/mod.ts";
import type { WorkerTask } from "./_worker_protocol.ts";
import { type ComputeOutcome, GraphRuntime, InterruptedError, type NodePlan, SkippedError } from "./execute.ts";
import { fileAccess } from "./files.ts";
import { planExperiment, type PlannedMember } from "./plan.ts";
import { Progress } from "./progress.ts";
import {
  createRunFolder,
  gitInfo,
  hostInfo,
  listRunRecords,
  type NodeRecord,
  RUN_SCHEMA,
  type RunRecord,
  type Versions,
  writeRunRecord,
} from "./record.ts";
import { Store, writeFileAtomic } from "./store.ts";

/** Options for {@linkcode runExperiment}. */
export interface RunOptions {
  /** The parsed config (raw data, validated here). */
  config: unknown;
  /** The experiment file and its text, when it came from one. */
  file?: string;
  text?: string;
  locate?: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
  /** `--set` overrides and sweeps (`--seed N` is `seed=N`). */
  sets?: SetOverride[];
  backend?: BackendName;
  /** `runs/`. */
  runsDir: string;
  /** Project root (git info, data file access). */
  root: string;
  dataDirs?: string[];
  jobs?: number;
  noCache?: boolean;
  recompute?: string[];
  /** Print the plan, run nothing, write nothing. */
  dryRun?: boolean;
  /** Run only this member of the sweep (0-based; Slurm array tasks); no sweep index is written. */
  member?: number;
  /** Reuse members already completed in this sweep folder. */
  command?: string[];
  progress?: Progress;
  signal?: AbortSignal;
  kinds?: ReadonlyMap<string, NodeKind>;
  /** A module URL exporting `KINDS`, for worker threads when `kinds` is not the default table. */
  kindsModule?: string;
  /** The store to use (default: `runs/cache` of `runsDir`); tests pass one with hooks. */
  store?: Store;
  /** Called after each run's record is final; returns the report's file name (relative to the run folder). */
  onRunComplete?: (run: CompletedRun) => Promise<string | undefined>;
  /** Called after a sweep's index is written; returns the report's file name. */
  onSweepComplete?: (sweep: CompletedSweep) => Promise<string | undefined>;
}

/** A finished run, with the runtime that can still read its node values. */
export interface CompletedRun {
  dir: string;
  record: RunRecord;
  runtime: GraphRuntime;
  store: Store;
}

/** `sweep.json`. */
export interface SweepIndex {
  schema: typeof RUN_SCHEMA;
  id: string;
  name: string;
  /** Swept paths, in product order. */
  paths: string[];
  size: number;
  started: string;
  finished?: string;
  status: "running" | "ok" | "failed" | "interrupted";
  members: {
    index: number;
    values: Record<string, unknown>;
    hash: string;
    run: string | null;
    status: string;
    metrics: Record<string, MetricValue>;
  }[];
  report?: string;
}

/** A finished sweep. */
export interface CompletedSweep {
  dir: string;
  index: SweepIndex;
  runs: CompletedRun[];
  runsDir: string;
}

/** What a call produced. */
export interface RunOutcome {
  runs: CompletedRun[];
  sweep?: { dir: string; index: SweepIndex };
  /** The plan text (dry runs). */
  plan?: string;
  status: "ok" | "failed" | "interrupted";
}

/** The framework version from the project's `deno.json` (part of every graph hash); "0.0.0" when absent. */
export async function frameworkVersion(root: string): Promise<string> {
  try {
    return (JSON.parse(await Deno.readTextFile(join(root, "deno.json"))) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** The numeric environment that can change a numeric node's bytes. */
export function numericsOf(backend: BackendInfo): string {
  let kernels = "none";
  try {
    kernels = kernelVariant("mlp");
    // relaxed FMA fuses or not per machine: the bytes differ, so the key says which
    if (kernels === "relaxed") kernels += `-${relaxedFmaProbe()}`;
  } catch { /* no kernel built */ }
  return `${backend.name}-${backend.version}${backend.variant ? `-${backend.variant}` : ""}/kernels-${kernels}`;
}

function versionsOf(flowlab: string, backend: BackendInfo, numerics: string): Versions {
  return {
    flowlab,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: backend.tfjs,
    backend: backend.name,
    backendVersion: backend.version,
    ...(backend.variant ? { backendVariant: backend.variant } : {}),
    kernels: numerics.split("/kernels-")[1] ?? "none",
  };
}

function storeDeps(member: PlannedMember, kinds: ReadonlyMap<string, NodeKind>, id: string): string[] {
  const out = new Set<string>();
  const walk = (n: string) => {
    for (const ref of Object.values(member.graph.nodes[n]!.inputs)) {
      const mode = kinds.get(member.graph.nodes[ref.node]!.kind)!.cache;
      if (mode === "store") out.add(ref.node);
      else walk(ref.node);
    }
  };
  walk(id);
  return [...out];
}

function formatPlan(
  members: PlannedMember[],
  plans: Record<string, NodePlan>[],
  kinds: ReadonlyMap<string, NodeKind>,
): string {
  const lines: string[] = [];
  members.forEach((m, k) => {
    const values = Object.entries(m.values).map(([p, v]) => `${p}=${JSON.stringify(v)}`).join(" ");
    lines.push(
      `${m.graph.name}${
        members.length > 1 ? ` [member ${m.index + 1}/${members.length}${values ? `: ${values}` : ""}]` : ""
      } (graph ${m.hash.slice(0, 12)})`,
    );
    const w = Math.max(...m.graph.order.map((id) => id.length));
    const wk = Math.max(...m.graph.order.map((id) => m.graph.nodes[id]!.kind.length));
    for (const id of m.graph.order) {
      const plan = plans[k]![id]!;
      const label = plan === "run" ? "run" : plan === "cached" ? "cached" : plan === "rebuild" ? "rebuild" : "at end";
      lines.push(
        `  ${id.padEnd(w)}  ${m.graph.nodes[id]!.kind.padEnd(wk)}  ${label.padEnd(7)}  ${m.keys[id]!.slice(0, 12)}`,
      );
    }
    const toRun = m.graph.order.filter((id) =>
      plans[k]![id] === "run" && kinds.get(m.graph.nodes[id]!.kind)!.cache === "store"
    );
    lines.push(
      `  → ${toRun.length} to compute, ${m.graph.order.filter((id) => plans[k]![id] === "cached").length} cached`,
    );
  });
  return lines.join("\n");
}

/** A pool of worker threads computing nodes. */
class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #waiting: ((w: Worker) => void)[] = [];
  readonly #log: (line: string) => void;

  constructor(size: number, log: (line: string) => void) {
    this.#log = log;
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
      this.#workers.push(w);
      // a worker joins the idle list once it says it listens
      w.onmessage = (e: MessageEvent) => {
        if (e.data?.type === "ready") this.#release(w);
      };
    }
  }

  async #acquire(): Promise<Worker> {
    const w = this.#idle.pop();
    if (w) return w;
    return await new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(w: Worker): void {
    const next = this.#waiting.shift();
    if (next) next(w);
    else this.#idle.push(w);
  }

  async compute(task: WorkerTask): Promise<ComputeOutcome> {
    const w = await this.#acquire();
    try {
      return await new Promise<ComputeOutcome>((resolve, reject) => {
        w.onmessage = (e: MessageEvent) => {
          const m = e.data;
          if (m.type === "log") this.#log(m.line);
          else if (m.type === "done") {
            resolve({ seconds: m.seconds, committed: m.committed, ...(m.mismatch ? { mismatch: m.mismatch } : {}) });
          } else if (m.type === "error") {
            reject(
              m.interrupted
                ? new InterruptedError()
                : Object.assign(new Error(m.message), m.partial !== undefined ? { partial: m.partial } : {}),
            );
          }
        };
        w.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`Worker failed: ${e.message}`));
        };
        w.postMessage({ type: "compute", task });
      });
    } finally {
      this.#release(w);
    }
  }

  abort(): void {
    for (const w of this.#workers) w.postMessage({ type: "abort" });
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** The id of a sweep: its name and a hash of every member's graph hash (so the same sweep has the same id). */
export function sweepIdOf(members: readonly PlannedMember[]): string {
  return `${members[0]!.graph.name}-sweep-${hashValue(members.map((m) => m.hash)).slice(0, 12)}`;
}

/**
 * Members of sweep `sweepId` that some earlier process completed: the newest
 * `ok` run record under `runsDir` with that sweep id, index and graph hash.
 */
export async function findCompletedMembers(
  runsDir: string,
  sweepId: string,
  members: readonly PlannedMember[],
): Promise<Map<number, { dir: string; record: RunRecord }>> {
  const want = new Map(members.map((m) => [m.index, m.hash]));
  const found = new Map<number, { dir: string; record: RunRecord }>();
  for (const { dir, record } of await listRunRecords(runsDir)) {
    const sw = record.sweep;
    if (!sw || sw.id !== sweepId || record.status !== "ok" || want.get(sw.index) !== record.graph.hash) continue;
    if (!found.has(sw.index)) found.set(sw.index, { dir, record }); // newest first
  }
  return found;
}

/** What {@linkcode writeSweepIndex} indexes. */
export interface SweepIndexInput {
  runsDir: string;
  /** The sweep id ({@linkcode sweepIdOf}); the index goes to `runsDir/<id>/sweep.json`. */
  id: string;
  /** Every member of the sweep, in order. */
  members: readonly PlannedMember[];
  /** The final run of each member, by member index; a member without one is indexed as `missing`. */
  runs: ReadonlyMap<number, CompletedRun>;
  /** When this invocation started (an earlier `sweep.json`'s start is kept). */
  started: Date;
}

/** Options for {@linkcode writeSweepIndex}. */
export interface SweepIndexOptions {
  /** Writes the sweep report; returns its file name (not called for an interrupted sweep). */
  onSweepComplete?: (sweep: CompletedSweep) => Promise<string | undefined>;
  progress?: Progress;
  /** Mark the sweep interrupted even if no member's record says so (the leader was stopped). */
  interrupted?: boolean;
}

/**
 * Writes `runs/<sweep id>/sweep.json` from the members' final runs, and the
 * sweep report through `onSweepComplete`. One process (the one that expanded
 * the sweep: the local runner or the Slurm leader) writes it, never a member.
 * Status: `interrupted` when a member was, else `ok` when every member's run
 * is ok, else `failed`.
 */
export async function writeSweepIndex(
  input: SweepIndexInput,
  options: SweepIndexOptions = {},
): Promise<{ dir: string; index: SweepIndex }> {
  const { members, runs } = input;
  const dir = join(input.runsDir, input.id);
  await Deno.mkdir(dir, { recursive: true });
  let previous: SweepIndex | undefined;
  try {
    previous = JSON.parse(await Deno.readTextFile(join(dir, "sweep.json"))) as SweepIndex;
  } catch { /* a new sweep */ }
  const finals = members.map((m) => runs.get(m.index));
  const index: SweepIndex = {
    schema: RUN_SCHEMA,
    id: input.id,
    name: members[0]!.graph.name,
    paths: Object.keys(members[0]!.values),
    size: members.length,
    started: previous?.started ?? input.started.toISOString(),
    finished: new Date().toISOString(),
    status: options.interrupted || finals.some((r) => r?.record.status === "interrupted")
      ? "interrupted"
      : finals.every((r) => r?.record.status === "ok")
      ? "ok"
      : "failed",
    members: members.map((m, k) => ({
      index: m.index,
      values: m.values,
      hash: m.hash,
      run: finals[k]?.record.id ?? null,
      status: finals[k]?.record.status ?? "missing",
      metrics: finals[k]?.record.metrics ?? {},
    })),
  };
  if (options.onSweepComplete && index.status !== "interrupted") {
    try {
      const report = await options.onSweepComplete({
        dir,
        index,
        runs: finals.filter((r): r is CompletedRun => r !== undefined),
        runsDir: input.runsDir,
      });
      if (report) index.report = report;
    } catch (e) {
      options.progress?.log(`[sweep report] FAILED: ${(e as Error).message}`);
    }
  }
  await writeFileAtomic(join(dir, "sweep.json"), JSON.stringify(index, null, 2) + "\n");
  return { dir, index };
}

/**
 * Plans and runs an experiment (or each member of its sweep). Validation
 * errors throw `GraphValidationError` before anything is written.
 */
export async function runExperiment(options: RunOptions): Promise<RunOutcome> {
  const kinds = options.kinds ?? KINDS;
  const progress = options.progress ?? new Progress({ tty: Progress.detectTty() });
  const signal = options.signal ?? new AbortController().signal;
  const backendName = options.backend ?? "wasm";
  const backend = await initBackend(backendName);
  const numerics = numericsOf(backend);
  const version = await frameworkVersion(options.root);
  const recompute = new Set(options.recompute ?? []);
  let members = await planExperiment(options.config, {
    kinds,
    ...(options.sets ? { sets: options.sets } : {}),
    ...(options.file ? { file: options.file } : {}),
    ...(options.locate ? { locate: options.locate } : {}),
    root: options.root,
    dataDirs: options.dataDirs ?? [],
    numerics,
    version,
    requireNodes: [...recompute],
  });
  const size = members.length;
  const sweepId = size > 1 ? sweepIdOf(members) : undefined;
  if (options.member !== undefined) {
    if (!Number.isInteger(options.member) || options.member < 0 || options.member >= size) {
      throw new Error(
        `Cannot run member "${options.member}": the sweep has ${size} member${size === 1 ? "" : "s"} (0 … ${size - 1})`,
      );
    }
    members = members.filter((m) => m.index === options.member);
  }
  const store = options.store ?? new Store(options.runsDir);
  const files = fileAccess({
    ...(options.file ? { experimentFile: options.file } : {}),
    root: options.root,
    dataDirs: options.dataDirs ?? [],
  });
  const runtimes = members.map((m) =>
    new GraphRuntime(m.graph, m.keys, {
      store,
      kinds,
      files,
      progress,
      signal,
      ...(options.noCache ? { noCache: true } : {}),
    })
  );
  for (const rt of runtimes) for (const id of recompute) if (id in rt.graph.nodes) rt.force(id);
  const plans = await Promise.all(runtimes.map((rt) => rt.plan(recompute)));

  if (options.dryRun) {
    return { runs: [], plan: formatPlan(members, plans, kinds), status: "ok" };
  }

  // sweep index: reuse members an earlier invocation of the same sweep completed
  const isSweep = size > 1 && options.member === undefined;
  const reused = new Map<number, CompletedRun>();
  if (sweepId && !recompute.size && !options.noCache) {
    const done = await findCompletedMembers(options.runsDir, sweepId, members);
    for (const [k, m] of members.entries()) {
      const found = done.get(m.index);
      if (found) reused.set(k, { ...found, runtime: runtimes[k]!, store });
    }
    if (reused.size) {
      progress.log(
        `sweep ${sweepId}: ${reused.size} of ${members.length} member${
          members.length === 1 ? "" : "s"
        } already complete`,
      );
    }
  }

  const git = await gitInfo(options.root);
  const started = new Date();
  const folders: ({ id: string; dir: string } | undefined)[] = [];
  const records: (RunRecord | undefined)[] = [];
  for (const [k, m] of members.entries()) {
    if (reused.has(k)) {
      folders.push(undefined);
      records.push(undefined);
      continue;
    }
    const folder = await createRunFolder(options.runsDir, m.graph.name);
    folders.push(folder);
    const nodes: Record<string, NodeRecord> = {};
    for (const id of m.graph.order) {
      nodes[id] = { kind: m.graph.nodes[id]!.kind, key: m.keys[id]!, cached: false, status: "pending" };
    }
    const record: RunRecord = {
      schema: RUN_SCHEMA,
      id: folder.id,
      name: m.graph.name,
      seed: m.graph.seed,
      status: "running",
      started: started.toISOString(),
      command: options.command ?? [],
      config: {
        ...(options.file ? { file: options.file } : {}),
        ...(options.text ? { text: options.text } : {}),
        data: m.config,
      },
      graph: {
        hash: m.hash,
        order: m.graph.order,
        nodes: Object.fromEntries(m.graph.order.map((id) => {
          const n = m.graph.nodes[id]!;
          return [id, { kind: n.kind, version: n.version, params: n.params, inputs: n.inputs }];
        })),
      },
      nodes,
      metrics: {},
      versions: versionsOf(version, backend, numerics),
      git,
      host: hostInfo(),
      options: {
        jobs: options.jobs ?? 1,
        noCache: options.noCache ?? false,
        recompute: [...recompute],
        backend: backendName,
        executor: options.member !== undefined ? "member" : "local",
      },
      ...(sweepId ? { sweep: { id: sweepId, index: m.index, size, values: m.values } } : {}),
    };
    records.push(record);
    await writeRunRecord(folder.dir, record);
  }

  // tasks: every stored node of every member still to run, deduplicated by key
  interface Task {
    key: string;
    member: number;
    id: string;
    deps: string[];
    users: { member: number; id: string }[];
  }
  const tasks = new Map<string, Task>();
  for (const [k, m] of members.entries()) {
    if (reused.has(k)) continue;
    for (const id of m.graph.order) {
      if (kinds.get(m.graph.nodes[id]!.kind)!.cache !== "store") continue;
      const key = m.keys[id]!;
      const t = tasks.get(key);
      if (t) t.users.push({ member: k, id });
      else {tasks.set(key, {
          key,
          member: k,
          id,
          deps: storeDeps(m, kinds, id).map((d) => m.keys[d]!),
          users: [{ member: k, id }],
        });}
    }
  }
  const jobs = Math.max(1, options.jobs ?? 1);
  const pool = jobs > 1 ? new WorkerPool(jobs, (line) => progress.log(line)) : undefined;
  const onAbort = () => pool?.abort();
  signal.addEventListener("abort", onAbort);
  const state = new Map<string, "done" | "failed" | "interrupted">();
  const errors = new Map<string, string>();
  // sweep progress: a member is done when every one of its stored nodes has settled
  const left = new Map<number, number>();
  for (const t of tasks.values()) for (const u of t.users) left.set(u.member, (left.get(u.member) ?? 0) + 1);
  const sweepBar = members.length > 1 ? progress.sink("sweep") : undefined;
  let membersDone = members.filter((_, k) => !left.get(k)).length;
  sweepBar?.start(members.length, "members");
  sweepBar?.update(membersDone);
  const memberSettled = (k: number, status: string) => {
    const n = (left.get(k) ?? 0) - 1;
    left.set(k, n);
    if (n > 0) return;
    membersDone++;
    const values = Object.entries(members[k]!.values).map(([p, v]) => `${p}=${JSON.stringify(v)}`).join(" ");
    sweepBar?.update(membersDone, `last: ${values}${status === "ok" || status === "cached" ? "" : ` (${status})`}`);
  };
  const settle = (
    t: Task,
    status: "ok" | "cached" | "failed" | "skipped" | "interrupted",
    extra: Partial<NodeRecord> = {},
  ) => {
    t.users.forEach((u, k) => {
      const rec = records[u.member];
      if (!rec) return;
      // the first user computed it; the other members of the sweep reuse that entry
      const s = k > 0 && status === "ok" ? "cached" : status;
      rec.nodes[u.id] = {
        ...rec.nodes[u.id]!,
        status: s,
        cached: s === "cached",
        ...extra,
        ...(s === "cached" ? { seconds: 0 } : {}),
      };
      if (status === "failed" || status === "skipped" || status === "interrupted") {
        runtimes[u.member]!.markFailed(u.id, extra.error ?? status);
      }
      memberSettled(u.member, s);
    });
  };
  const runTask = async (t: Task): Promise<void> => {
    const rt = runtimes[t.member]!;
    const depFailed = t.deps.find((d) => state.get(d) !== "done");
    if (depFailed !== undefined) {
      const interrupted = state.get(depFailed) === "interrupted";
      state.set(t.key, interrupted ? "interrupted" : "failed");
      const source = [...tasks.values()].find((x) => x.key === depFailed)?.id ?? depFailed;
      settle(t, interrupted ? "interrupted" : "skipped", { error: new SkippedError(t.id, source).message });
      return;
    }
    if (signal.aborted) {
      state.set(t.key, "interrupted");
      settle(t, "interrupted");
      return;
    }
    try {
      if ((await rt.probe(t.id)) === "cached") {
        state.set(t.key, "done");
        settle(t, "cached", { seconds: 0 });
        return;
      }
      const kind = kinds.get(rt.graph.nodes[t.id]!.kind)!;
      let outcome: ComputeOutcome;
      if (pool && kind.cache === "store") {
        outcome = await pool.compute({
          id: t.id,
          graph: rt.graph,
          keys: rt.keys,
          runsDir: options.runsDir,
          root: options.root,
          ...(options.file ? { file: options.file } : {}),
          dataDirs: options.dataDirs ?? [],
          backend: backendName,
          noCache: options.noCache ?? false,
          force: recompute.has(t.id),
          ...(options.kindsModule ? { kindsModule: options.kindsModule } : {}),
        });
      } else outcome = await rt.compute(t.id);
      if (outcome.mismatch) {
        progress.log(
          `[${t.id}] WARNING: recomputed output(s) ${
            outcome.mismatch.join(", ")
          } differ from the cached bytes: the node is not deterministic`,
        );
      }
      state.set(t.key, "done");
      settle(t, "ok", { seconds: outcome.seconds });
    } catch (e) {
      const interrupted = e instanceof InterruptedError || signal.aborted;
      state.set(t.key, interrupted ? "interrupted" : "failed");
      errors.set(t.key, (e as Error).message);
      if (!interrupted) progress.log(`[${t.id}] FAILED: ${(e as Error).message}`);
      settle(t, interrupted ? "interrupted" : e instanceof SkippedError ? "skipped" : "failed", {
        error: (e as Error).message,
      });
      // what a node recorded before it failed (e.g. the loss history up to a divergence)
      const partial = (e as { partial?: unknown }).partial;
      if (partial !== undefined) {
        for (const u of t.users) {
          const folder = folders[u.member];
          if (!folder) continue;
          await Deno.mkdir(join(folder.dir, "partial"), { recursive: true });
          await writeFileAtomic(join(folder.dir, "partial", `${u.id}.json`), JSON.stringify(partial));
          const rec = records[u.member]!.nodes[u.id]!;
          rec.artifacts = { ...rec.artifacts, partial: `partial/${u.id}.json` };
        }
      }
    }
  };

  try {
    if (!pool) {
      // in order: member by member, node by node (tasks are in that order)
      for (const t of tasks.values()) await runTask(t);
    } else {
      const pending = new Map(tasks);
      const running = new Map<string, Promise<void>>();
      while (pending.size || running.size) {
        for (const [key, t] of pending) {
          if (t.deps.every((d) => state.has(d))) {
            pending.delete(key);
            running.set(key, runTask(t).finally(() => running.delete(key)));
          }
        }
        if (running.size) await Promise.race(running.values());
        else if (pending.size) throw new Error("Cannot schedule: a dependency cycle among tasks");
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    pool?.close();
    sweepBar?.end();
  }

  // records, metrics, reports
  const runs: CompletedRun[] = [];
  for (const [k, m] of members.entries()) {
    const re = reused.get(k);
    if (re) {
      runs.push(re);
      continue;
    }
    const record = records[k]!;
    const rt = runtimes[k]!;
    for (const id of m.graph.order) {
      const kind = kinds.get(m.graph.nodes[id]!.kind)!;
      const rec = record.nodes[id]!;
      if (kind.cache !== "store") {
        const inputsFailed = Object.values(m.graph.nodes[id]!.inputs).some((r) =>
          ["failed", "skipped", "interrupted"].includes(record.nodes[r.node]!.status)
        );
        rec.status = inputsFailed ? "skipped" : "rebuilt";
        if (inputsFailed) rt.markFailed(id, "an input failed");
      } else if (rec.status === "ok" || rec.status === "cached") {
        rec.artifacts = Object.fromEntries(Object.keys(kind.outputs).map((o) => [o, `cache/${m.keys[id]}/${o}.bin`]));
      }
    }
    for (const id of m.graph.order) {
      const kind = kinds.get(m.graph.nodes[id]!.kind)!;
      const valuePort = Object.entries(kind.outputs).find(([, t]) => t === "value" || t === "nll");
      if (
        !valuePort || rt.failure(id) !== undefined ||
        ["failed", "skipped", "interrupted", "pending"].includes(record.nodes[id]!.status)
      ) continue;
      try {
        const v = (await rt.outputs(id))[valuePort[0]];
        record.metrics[id] = valuePort[1] === "nll"
          ? { nats: (v as NllValue).nats, bits_per_dim: (v as NllValue).bitsPerDim }
          : v as MetricValue;
      } catch (e) {
        record.nodes[id] = { ...record.nodes[id]!, status: "failed", error: (e as Error).message };
      }
    }
    const statuses = Object.values(record.nodes).map((n) => n.status);
    record.status = statuses.includes("interrupted") || signal.aborted
      ? "interrupted"
      : statuses.some((s) => s === "failed" || s === "skipped")
      ? "failed"
      : "ok";
    const failed = Object.entries(record.nodes).filter(([, n]) => n.status === "failed");
    if (failed.length) record.error = failed.map(([id, n]) => `${id}: ${n.error}`).join("; ");
    const finished = new Date();
    record.finished = finished.toISOString();
    record.seconds = (finished.getTime() - started.getTime()) / 1000;
    const run: CompletedRun = { dir: folders[k]!.dir, record, runtime: rt, store };
    if (options.onRunComplete && record.status !== "interrupted") {
      try {
        const report = await options.onRunComplete(run);
        if (report) record.report = report;
      } catch (e) {
        progress.log(`[report] FAILED: ${(e as Error).message}`);
        record.error = [record.error, `report: ${(e as Error).message}`].filter(Boolean).join("; ");
      }
    }
    await writeRunRecord(folders[k]!.dir, record);
    runs.push(run);
  }

  let sweep: RunOutcome["sweep"];
  if (isSweep && sweepId) {
    sweep = await writeSweepIndex({
      runsDir: options.runsDir,
      id: sweepId,
      members,
      runs: new Map(members.map((m, k) => [m.index, runs[k]!])),
      started,
    }, { ...(options.onSweepComplete ? { onSweepComplete: options.onSweepComplete } : {}), progress });
  }
  const status = runs.some((r) => r.record.status === "interrupted")
    ? "interrupted"
    : runs.every((r) => r.record.status === "ok")
    ? "ok"
    : "failed";
  return { runs, ...(sweep ? { sweep } : {}), status };
}
