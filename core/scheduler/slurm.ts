/**
 * The Slurm executor. A leader process expands the sweep and plans every
 * member (validation, graph hashes, cache keys), then submits the members not
 * already complete as one job array: task K runs `cli.ts run <file> ...
 * --member K` on a compute node, in the same checkout with the same Deno, into
 * the same `runs/`. The leader follows the array (`squeue`), shows progress,
 * and when every task has ended writes `sweep.json` and the sweep report: it
 * alone writes the index; members write only their run folders and cache
 * entries (atomic, safe under concurrent writers). Re-running the same command
 * submits only the members still missing; a killed member resumes from its
 * checkpoint.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { type BackendName, initBackend } from "../backend/mod.ts";
import { KINDS, type SetOverride } from "../graph/mod.ts";
import { commandClient, type SlurmClient, SlurmError, type TaskEnd } from "./_slurm_client.ts";
import { formatArray, shellQuote } from "./_slurm_shell.ts";
import { planExperiment, type PlannedMember } from "./plan.ts";
import { Progress } from "./progress.ts";
import { listRunRecords, type RunRecord, writeRunRecord } from "./record.ts";
import { readerOf } from "./report.ts";
import {
  type CompletedRun,
  findCompletedMembers,
  frameworkVersion,
  numericsOf,
  type RunOptions,
  type RunOutcome,
  sweepIdOf,
  writeSweepIndex,
} from "./run.ts";
import { Store, writeFileAtomic } from "./store.ts";

export { type ActiveTask, commandClient, type SlurmClient, SlurmError, type TaskEnd } from "./_slurm_client.ts";
export { formatArray, parseArray, shellQuote, splitShellWords } from "./_slurm_shell.ts";

/** Resources and behaviour of the Slurm executor (`--slurm-*` on the command line). */
export interface SlurmOptions {
  /** `--partition` of every task. */
  partition?: string;
  /** `--time` limit of every task (Slurm's spelling: `MM`, `HH:MM:SS`, `D-HH`, ...). */
  time?: string;
  /** `--cpus-per-task`. */
  cpus?: number;
  /** `--mem` of every task (`4G`, `500M`). */
  mem?: string;
  /** Further `sbatch` arguments, already split into words (`--slurm-args "--qos=low --account=x"`). */
  args?: string[];
  /** Seconds between two looks at the queue (default 5). */
  pollSeconds?: number;
  /** After Ctrl-C: seconds running members get to save a checkpoint before the array is cancelled outright (default 60). */
  graceSeconds?: number;
  /** The Deno executable the compute nodes run (default: this process's, `Deno.execPath()`). */
  deno?: string;
  /** The Slurm commands (default: `sbatch`/`squeue`/`scancel`/`scontrol` on PATH); tests pass a fake. */
  client?: SlurmClient;
}

/** Options for {@linkcode runSlurmSweep}: those of a local run (no `member`, the default node kinds), plus Slurm's. */
export interface SlurmRunOptions
  extends Omit<RunOptions, "member" | "kinds" | "kindsModule" | "store" | "onRunComplete"> {
  slurm?: SlurmOptions;
}

/** What a Slurm sweep produced: the members' runs and the sweep index, plus the job it submitted. */
export interface SlurmOutcome extends RunOutcome {
  /** The submission (absent when nothing was missing; in a dry run, what would be submitted, with no id). */
  job?: { id?: string; array: string; members: number[]; script: string; sbatch: string[] };
  /** Jobs of an earlier leader still queued with members of this sweep, followed instead of resubmitted. */
  attached?: string[];
}

/** Options for {@linkcode memberCommand}. */
export interface MemberCommandOptions {
  /** The Deno executable. */
  deno: string;
  /** The project checkout (holds `cli.ts` and `deno.json`). */
  root: string;
  /** The experiment file (absolute). */
  file: string;
  /** `runs/` (absolute). */
  runsDir: string;
  backend: BackendName;
  jobs: number;
  /** Overrides and sweeps, in command-line order (`--seed N` is `seed=N`). */
  sets: readonly SetOverride[];
  dataDirs?: readonly string[];
  noCache?: boolean;
  recompute?: readonly string[];
}

/** A value in YAML flow style that `--set` reads back as is (strings single-quoted: no backslash escapes). */
function flowYaml(value: unknown): string {
  if (typeof value === "string") {
    return /[\n\r]/.test(value) ? JSON.stringify(value) : `'${value.replaceAll("'", "''")}'`;
  }
  if (Array.isArray(value)) return `[${value.map(flowYaml).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${flowYaml(k)}: ${flowYaml(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** `--set` text that reads back to the same override: each value in YAML flow style, comma-separated. */
export function setArgOf(set: SetOverride): string {
  return `${set.path}=${set.values.map(flowYaml).join(",")}`;
}

/**
 * The command that runs one member on a compute node, without `--member K`:
 * `<deno> run -A <root>/cli.ts run <file> --out <runs> --backend B --jobs J
 * [--set path=v1,v2 ...] [--data-dir D ...] [--no-cache] [--recompute N ...]`.
 * Every path is absolute, so the command means the same on every node.
 */
export function memberCommand(options: MemberCommandOptions): string[] {
  return [
    options.deno,
    "run",
    "-A",
    join(options.root, "cli.ts"),
    "run",
    options.file,
    "--out",
    options.runsDir,
    "--backend",
    options.backend,
    "--jobs",
    String(options.jobs),
    ...options.sets.flatMap((s) => ["--set", setArgOf(s)]),
    ...(options.dataDirs ?? []).flatMap((d) => ["--data-dir", d]),
    ...(options.noCache ? ["--no-cache"] : []),
    ...(options.recompute ?? []).flatMap((id) => ["--recompute", id]),
  ];
}

/** Options for {@linkcode slurmBatchScript}. */
export interface BatchScriptOptions {
  /** The member command ({@linkcode memberCommand}); `--member $SLURM_ARRAY_TASK_ID` is appended. */
  command: readonly string[];
  /** The folder of the per-task logs (`<job>_<task>.out`). */
  logDir: string;
  /** The project checkout (the tasks' working folder). */
  root: string;
  jobName: string;
  slurm?: SlurmOptions;
  /** Comment lines at the top (what the script runs). */
  notes?: readonly string[];
}

/**
 * The batch script of the job array: `#SBATCH` resources, then the member
 * command with `--member "$SLURM_ARRAY_TASK_ID"` (exec'd, so Slurm's signals
 * reach Deno directly). The array itself is given to `sbatch` (`--array=...`).
 */
export function slurmBatchScript(options: BatchScriptOptions): string {
  const s = options.slurm ?? {};
  const directives = [
    `--job-name=${options.jobName}`,
    `--output=${join(options.logDir, "%A_%a.out")}`,
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.time ? [`--time=${s.time}`] : []),
    ...(s.cpus !== undefined ? [`--cpus-per-task=${s.cpus}`] : []),
    ...(s.mem ? [`--mem=${s.mem}`] : []),
  ];
  for (const d of directives) {
    if (/\s/.test(d)) {
      throw new Error(`Cannot write the batch script: "${d}" contains a space; give it in --slurm-args`);
    }
  }
  return [
    "#!/bin/bash",
    ...directives.map((d) => `#SBATCH ${d}`),
    ...(options.notes ?? []).map((n) => `# ${n}`),
    "set -eu",
    "export NO_COLOR=1",
    `cd ${shellQuote(options.root)}`,
    `exec ${options.command.map(shellQuote).join(" ")} --member "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "").replace("T", "-");
}

const describe = (m: PlannedMember) =>
  `member ${m.index}${
    Object.keys(m.values).length
      ? ` (${Object.entries(m.values).map(([p, v]) => `${p}=${JSON.stringify(v)}`).join(" ")})`
      : ""
  }`;

async function tail(file: string, lines: number): Promise<string[]> {
  try {
    return (await Deno.readTextFile(file)).trimEnd().split("\n").slice(-lines);
  } catch {
    return [];
  }
}

/** Completed members: by sweep id for a sweep; for a single run, the newest ok record of its graph outside any sweep. */
async function completedOf(
  runsDir: string,
  sweepId: string | undefined,
  members: readonly PlannedMember[],
): Promise<Map<number, { dir: string; record: RunRecord }>> {
  if (sweepId) return await findCompletedMembers(runsDir, sweepId, members);
  const found = new Map<number, { dir: string; record: RunRecord }>();
  const hit = (await listRunRecords(runsDir)).find((r) =>
    !r.record.sweep && r.record.status === "ok" && r.record.graph.hash === members[0]!.hash
  );
  if (hit) found.set(members[0]!.index, hit);
  return found;
}

/**
 * Runs an experiment's members as a Slurm job array and indexes the sweep
 * (see the module doc). Validation errors throw `GraphValidationError` before
 * anything is submitted or written; a dry run returns the batch script and the
 * array in `plan` and writes nothing.
 */
export async function runSlurmSweep(options: SlurmRunOptions): Promise<SlurmOutcome> {
  const slurm = options.slurm ?? {};
  const progress = options.progress ?? new Progress({ tty: Progress.detectTty() });
  const signal = options.signal ?? new AbortController().signal;
  const client = slurm.client ?? commandClient();
  if (!options.file) {
    throw new SlurmError(
      "Cannot run on Slurm: the experiment must come from a file the compute nodes can read; save it as YAML and give its path",
    );
  }
  if (slurm.cpus !== undefined && (!Number.isInteger(slurm.cpus) || slurm.cpus < 1)) {
    throw new SlurmError(`Cannot use --slurm-cpus "${slurm.cpus}": expected a positive integer`);
  }
  // the leader owns the array, the job name (how it finds its queued tasks) and the log files
  const owned = (slurm.args ?? []).find((a) => /^(--array|--job-name|--output|-[aJo])(=|$)|^-[aJo]./.test(a));
  if (owned !== undefined) {
    throw new SlurmError(
      `Cannot use --slurm-args "${owned}": the leader sets --array, --job-name and --output itself; leave it out`,
    );
  }
  // absolute, so the member command means the same on every node
  const runsDir = resolve(options.runsDir);
  const file = resolve(options.file);
  const backendName = options.backend ?? "wasm";
  const numerics = numericsOf(await initBackend(backendName));
  const version = await frameworkVersion(options.root);
  const recompute = options.recompute ?? [];
  const sets = options.sets ?? [];
  const members = await planExperiment(options.config, {
    kinds: KINDS,
    sets,
    file,
    ...(options.locate ? { locate: options.locate } : {}),
    root: options.root,
    dataDirs: options.dataDirs ?? [],
    numerics,
    version,
    requireNodes: [...recompute],
  });
  const size = members.length;
  const name = members[0]!.graph.name;
  const sweepId = size > 1 ? sweepIdOf(members) : undefined;
  // a sweep's jobs live in its folder; a single run's in a folder named after its graph
  const groupId = sweepId ?? `${name}-run-${members[0]!.hash.slice(0, 12)}`;
  const logDir = join(runsDir, groupId, "slurm");

  const fresh = options.noCache === true || recompute.length > 0;
  const done = fresh ? new Map() : await completedOf(runsDir, sweepId, members);
  const missing = members.filter((m) => !done.has(m.index));
  const jobName = `flowlab-${groupId}`;
  // tasks an earlier leader submitted (say, from a login session that ended) and Slurm still holds:
  // followed, not submitted twice
  const inFlight = new Map<number, string>();
  let queueNote = "";
  if (!fresh && missing.length) {
    try {
      for (const t of await client.active(jobName)) {
        if (t.script.startsWith(logDir + "/") && missing.some((m) => m.index === t.task)) inFlight.set(t.task, t.job);
      }
    } catch (e) {
      if (!options.dryRun) throw e;
      queueNote = ` (the queue could not be read: ${(e as Error).message})`;
    }
  }
  const toSubmit = missing.filter((m) => !inFlight.has(m.index));
  const array = formatArray(toSubmit.map((m) => m.index));
  const command = memberCommand({
    deno: slurm.deno ?? Deno.execPath(),
    root: resolve(options.root),
    file,
    runsDir,
    backend: backendName,
    jobs: options.jobs ?? 1,
    sets,
    dataDirs: (options.dataDirs ?? []).map((d) => resolve(d)),
    noCache: options.noCache ?? false,
    recompute,
  });
  const started = new Date();
  const scriptFile = join(logDir, `submit-${stamp(started)}.sh`);
  const script = slurmBatchScript({
    command,
    logDir,
    root: options.root,
    jobName,
    slurm,
    notes: [
      `flowlab ${sweepId ? `sweep ${sweepId}` : `run of ${name}`}: array task K runs member K (0-based) of ${size}.`,
      "Every node needs this checkout, runs/ and Deno at the same paths.",
    ],
  });
  const sbatch = [`--array=${array}`, ...(slurm.args ?? [])];
  const job = { array, members: toSubmit.map((m) => m.index), script, sbatch };
  const attachedJobs = [...new Set(inFlight.values())];
  const summary = `${sweepId ? `sweep ${sweepId}` : `run ${groupId}`}: ${size} member${size === 1 ? "" : "s"}, ${
    size - missing.length
  } complete, ${
    inFlight.size
      ? `${inFlight.size} queued in job${attachedJobs.length > 1 ? "s" : ""} ${attachedJobs.join(", ")}, `
      : ""
  }${toSubmit.length} to submit`;

  if (options.dryRun) {
    const plan = toSubmit.length
      ? [
        summary + queueNote,
        `sbatch --parsable ${sbatch.map(shellQuote).join(" ")} ${shellQuote(scriptFile)}`,
        `--- ${scriptFile} ---`,
        script.trimEnd(),
      ].join("\n")
      : `${summary}: nothing to submit${queueNote}`;
    return { runs: [], plan, status: "ok", ...(toSubmit.length ? { job } : {}) };
  }

  // records that were final before this leader started belong to earlier attempts
  const earlierFinal = new Set(
    (await listRunRecords(runsDir)).filter((r) => r.record.status !== "running").map((r) => r.record.id),
  );
  // job → its members this leader follows
  const jobs = new Map<string, number[]>();
  for (const [k, j] of inFlight) jobs.set(j, [...(jobs.get(j) ?? []), k]);
  let jobId: string | undefined;
  if (toSubmit.length) {
    await Deno.mkdir(logDir, { recursive: true });
    await writeFileAtomic(scriptFile, script);
    await Deno.chmod(scriptFile, 0o755).catch(() => {});
    if (signal.aborted) return { runs: [], status: "interrupted" };
    try {
      jobId = await client.submit(scriptFile, sbatch);
    } catch (e) {
      await Deno.remove(scriptFile).catch(() => {});
      throw e;
    }
    jobs.set(jobId, job.members);
    const submission = {
      job: jobId,
      array,
      members: job.members,
      submitted: started.toISOString(),
      script: scriptFile,
    };
    await Deno.writeTextFile(join(logDir, "submissions.jsonl"), JSON.stringify(submission) + "\n", { append: true });
    progress.log(`${summary}; submitted job ${jobId} (array ${array}); logs in ${logDir}`);
  } else if (inFlight.size) {
    progress.log(`${summary}; following the queued tasks; logs in ${logDir}`);
  } else {
    progress.log(`${summary}: every member is complete`);
  }
  let cancelled = false;
  const ends = new Map<number, TaskEnd & { job: string }>();
  if (jobs.size) {
    cancelled = await follow(jobs, members, { client, progress, signal, slurm, runsDir, sweepId });
    for (const [j, ks] of jobs) {
      const e = await client.ends(j);
      for (const k of ks) ends.set(k, { ...(e.get(k) ?? { state: "ENDED", exitCode: "?" }), job: j });
    }
  }

  // collect each member's final run: an earlier complete one, or the newest record of this attempt
  const store = new Store(runsDir);
  const all = await listRunRecords(runsDir);
  const runs = new Map<number, CompletedRun>();
  const failures: string[] = [];
  const ofMember = (r: { record: RunRecord }, m: PlannedMember) =>
    r.record.name === name &&
    (sweepId ? r.record.sweep?.id === sweepId && r.record.sweep.index === m.index : !r.record.sweep);
  for (const m of members) {
    const earlier = done.get(m.index);
    if (earlier) {
      runs.set(m.index, { ...earlier, runtime: readerOf(earlier.record, runsDir), store });
      continue;
    }
    const attempt = all.filter((r) => !earlierFinal.has(r.record.id));
    // a followed task can finish between the two looks at the records (done, earlierFinal):
    // any ok record of this member with this graph is its completion
    const mine = attempt.find((r) => ofMember(r, m)) ??
      all.find((r) => ofMember(r, m) && r.record.status === "ok" && r.record.graph.hash === m.hash);
    const end = ends.get(m.index);
    const task = end ? `${end.job}_${m.index}` : `${m.index}`;
    const logFile = end ? join(logDir, `${task}.out`) : "";
    if (
      (mine && mine.record.graph.hash !== m.hash) ||
      (!mine && attempt.some((r) => r.record.name === name && r.record.sweep?.index === m.index))
    ) {
      failures.push(
        `${describe(m)}: the member planned another graph than the leader ` +
          `(did the experiment file or the code change after submission?)`,
      );
    }
    if (mine && mine.record.status === "running") {
      // the task ended without its process writing a final record (killed, timed out, out of memory)
      const rec = mine.record;
      rec.status = cancelled ? "interrupted" : "failed";
      rec.finished = new Date().toISOString();
      rec.error = `Slurm task ${task} ended${end ? ` ${end.state} (exit ${end.exitCode})` : ""} before the member ` +
        `finished; run the same command again to resume`;
      await writeRunRecord(mine.dir, rec);
    }
    if (mine) {
      runs.set(m.index, { ...mine, runtime: readerOf(mine.record, runsDir), store });
      const keysDiffer = Object.entries(m.keys).some(([id, key]) =>
        mine.record.nodes[id] && mine.record.nodes[id].key !== key
      );
      if (mine.record.status === "ok" && keysDiffer) {
        progress.log(
          `WARNING: ${describe(m)} ran with other numerics than the leader's (${numerics}): its cache keys differ; ` +
            `compute nodes should have the same CPU features and Deno`,
        );
      }
    }
    if (!mine || mine.record.status !== "ok") {
      const why = mine?.record.error ??
        (mine ? mine.record.status : `no run record${end ? ` (task ${end.state}, exit ${end.exitCode})` : ""}`);
      failures.push(`${describe(m)} ${mine?.record.status === "interrupted" ? "interrupted" : "FAILED"}: ${why}`);
      const lines = logFile ? await tail(logFile, 6) : [];
      if (lines.length) failures.push(`  ${logFile}:`, ...lines.map((l) => `    ${l}`));
    }
  }
  for (const line of failures) progress.log(line);

  const ordered = members.map((m) => runs.get(m.index)).filter((r): r is CompletedRun => r !== undefined);
  let sweep: RunOutcome["sweep"];
  if (sweepId) {
    sweep = await writeSweepIndex({ runsDir, id: sweepId, members, runs, started }, {
      ...(options.onSweepComplete ? { onSweepComplete: options.onSweepComplete } : {}),
      progress,
      interrupted: cancelled,
    });
  }
  const status = cancelled || ordered.some((r) => r.record.status === "interrupted")
    ? "interrupted"
    : ordered.length === size && ordered.every((r) => r.record.status === "ok")
    ? "ok"
    : "failed";
  return {
    runs: ordered,
    ...(sweep ? { sweep } : {}),
    status,
    ...(jobId ? { job: { id: jobId, ...job } } : {}),
    ...(attachedJobs.length ? { attached: attachedJobs } : {}),
  };
}

/**
 * Follows the array jobs (job → member indices) until none of their tasks is
 * queued; on abort, cancels them (gracefully, then outright after
 * `graceSeconds`). Returns whether they were cancelled.
 */
async function follow(
  jobs: ReadonlyMap<string, readonly number[]>,
  members: readonly PlannedMember[],
  context: {
    client: SlurmClient;
    progress: Progress;
    signal: AbortSignal;
    slurm: SlurmOptions;
    runsDir: string;
    sweepId: string | undefined;
  },
): Promise<boolean> {
  const { client, progress, signal, slurm } = context;
  const poll = Math.max(0.05, slurm.pollSeconds ?? 5) * 1000;
  const grace = (slurm.graceSeconds ?? 60) * 1000;
  const ids = [...jobs.keys()];
  const label = `job${ids.length > 1 ? "s" : ""} ${ids.join(", ")}`;
  const followed = [...jobs.values()].flat();
  const bar = progress.tty ? progress.sink("slurm") : undefined;
  bar?.start(followed.length, label);
  let cancelledAt: number | undefined, hard = false, last = "", failedPolls = 0, ok = 0;
  let finished = new Set<number>();
  const cancelAll = async (graceful: boolean) => {
    for (const j of ids) await client.cancel(j, { graceful }).catch((e) => progress.log((e as Error).message));
  };
  for (;;) {
    if (signal.aborted && cancelledAt === undefined) {
      cancelledAt = Date.now();
      progress.log(`Cancelling ${label}: running members save a checkpoint and stop (Ctrl-C again to leave at once)`);
      await cancelAll(true);
    }
    if (cancelledAt !== undefined && !hard && Date.now() - cancelledAt > grace) {
      hard = true;
      await cancelAll(false);
    }
    const queued = new Map<number, string>();
    try {
      for (const [j, ks] of jobs) {
        const q = await client.queue(j);
        for (const k of ks) if (q.has(k)) queued.set(k, q.get(k)!);
      }
      failedPolls = 0;
    } catch (e) {
      // the controller may be briefly unreachable: keep trying for a while
      if (++failedPolls >= 12) throw e;
      if (failedPolls === 1) progress.log(`${(e as Error).message}; retrying`);
      await sleep(poll, cancelledAt === undefined ? signal : new AbortController().signal);
      continue;
    }
    const ended = new Set(followed.filter((k) => !queued.has(k)));
    if (ended.size !== finished.size) {
      finished = ended;
      const complete = await completedOf(context.runsDir, context.sweepId, members);
      ok = [...ended].filter((k) => complete.has(k)).length;
    }
    const running = [...queued.values()].filter((s) => s !== "PENDING").length;
    const pending = queued.size - running;
    const line = `${ok} ok, ${finished.size - ok} failed, ${running} running, ${pending} pending`;
    if (bar) bar.update(finished.size, line);
    else if (line !== last) progress.log(`[slurm] ${label}: ${line}`);
    last = line;
    if (queued.size === 0) break;
    await sleep(poll, cancelledAt === undefined ? signal : new AbortController().signal);
  }
  bar?.end();
  return cancelledAt !== undefined;
}
