/**
 * The flowlab command line.
 *
 *     deno task experiment <name|path> [--set node.params.key=v1,v2 ...] [--seed N]
 *         [--backend wasm|cpu|tensorflow] [--out runs/] [--jobs N] [--no-cache]
 *         [--recompute NODE] [--dry-run] [--data-dir DIR] [--member K]
 *         [--executor local|slurm [--slurm-partition P] [--slurm-time T] [--slurm-cpus N]
 *          [--slurm-mem M] [--slurm-args "..."] [--slurm-poll SECONDS]]
 *     deno task flowlab list | show RUN | compare RUN RUN... | gc [--dry-run]
 *     deno task flowlab report RUN|SWEEP [--format html|svg|png] | kinds [KIND] | validate FILE
 *
 * Exit codes: 0 ok, 1 a node failed, 2 invalid config or usage, 130 interrupted.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BackendName, BACKENDS } from "./core/backend/mod.ts";
import {
  describeKinds,
  formatIssue,
  GraphValidationError,
  KINDS,
  parseExperimentText,
  parseSet,
  type SetOverride,
  validateExperiment,
} from "./core/graph/mod.ts";
import {
  compareRuns,
  listRunRecords,
  Progress,
  readRunRecord,
  reportRun,
  reportSweep,
  runExperiment,
  runSlurmSweep,
  showRun,
  SlurmError,
  splitShellWords,
  Store,
  writeRunReport,
  writeSweepReport,
} from "./core/scheduler/mod.ts";

const ROOT = dirname(fileURLToPath(import.meta.url));

class UsageError extends Error {}

function resolveExperiment(arg: string): string {
  if (arg.endsWith(".yaml") || arg.endsWith(".yml") || arg.includes("/")) return isAbsolute(arg) ? arg : resolve(arg);
  if (!/^[a-z0-9_-]+$/.test(arg)) {
    throw new UsageError(`Cannot find experiment "${arg}": give a name from experiments/ or a path to a .yaml file`);
  }
  return join(ROOT, "experiments", `${arg}.yaml`);
}

async function listExperiments(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, "experiments"))) {
    if (e.name.endsWith(".yaml")) names.push(e.name.slice(0, -5));
  }
  return names.sort();
}

async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      set: { type: "string", multiple: true },
      seed: { type: "string" },
      backend: { type: "string" },
      out: { type: "string", default: "runs" },
      jobs: { type: "string", default: "1" },
      "no-cache": { type: "boolean", default: false },
      recompute: { type: "string", multiple: true },
      "dry-run": { type: "boolean", default: false },
      "data-dir": { type: "string", multiple: true },
      member: { type: "string" },
      quiet: { type: "boolean", default: false },
      executor: { type: "string", default: "local" },
      "slurm-partition": { type: "string" },
      "slurm-time": { type: "string" },
      "slurm-cpus": { type: "string" },
      "slurm-mem": { type: "string" },
      "slurm-args": { type: "string" },
      "slurm-poll": { type: "string" },
    },
  });
  const executor = values.executor!;
  if (executor !== "local" && executor !== "slurm") {
    throw new UsageError(`Cannot use --executor "${executor}": expected local or slurm`);
  }
  const slurmFlags = Object.keys(values).filter((k) => k.startsWith("slurm-"));
  if (executor !== "slurm" && slurmFlags.length) {
    throw new UsageError(`Cannot use --${slurmFlags[0]} without --executor slurm: add --executor slurm`);
  }
  if (executor === "slurm" && values.member !== undefined) {
    throw new UsageError("Cannot use --member with --executor slurm: the leader submits every member itself");
  }
  const slurmCpus = values["slurm-cpus"] === undefined ? undefined : Number(values["slurm-cpus"]);
  if (slurmCpus !== undefined && (!Number.isInteger(slurmCpus) || slurmCpus < 1)) {
    throw new UsageError(`Cannot use --slurm-cpus "${values["slurm-cpus"]}": expected a positive integer`);
  }
  const slurmPoll = values["slurm-poll"] === undefined ? undefined : Number(values["slurm-poll"]);
  if (slurmPoll !== undefined && !(slurmPoll > 0)) {
    throw new UsageError(`Cannot use --slurm-poll "${values["slurm-poll"]}": expected a positive number of seconds`);
  }
  let slurmArgs: string[] | undefined;
  try {
    slurmArgs = values["slurm-args"] === undefined ? undefined : splitShellWords(values["slurm-args"]);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      `Cannot run: give one experiment name or file; available: ${(await listExperiments()).join(", ")}`,
    );
  }
  const file = resolveExperiment(positionals[0]!);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch {
    const names = await listExperiments();
    throw new UsageError(`Cannot read experiment "${positionals[0]}" (${file}); available: ${names.join(", ")}`);
  }
  const parsed = parseExperimentText(text, file);
  if (parsed.issues.length) throw new GraphValidationError(parsed.issues);
  const sets: SetOverride[] = (values.set ?? []).map(parseSet);
  if (values.seed !== undefined) {
    const seeds = parseSet(`seed=${values.seed}`);
    sets.push(seeds);
  }
  const backend = (values.backend ?? "wasm") as BackendName;
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`Cannot use backend "${backend}": expected one of ${BACKENDS.join(", ")}`);
  }
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new UsageError(`Cannot use --jobs "${values.jobs}": expected a positive integer`);
  }
  const member = values.member === undefined ? undefined : Number(values.member);
  const runsDir = resolve(values.out!);
  const progress = new Progress({ tty: Progress.detectTty(), quiet: values.quiet! });

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      progress.log("Interrupting: finishing the current step and saving a checkpoint (Ctrl-C again to stop at once)");
      controller.abort();
    } else Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSigint);
  try {
    const common = {
      config: parsed.data,
      file,
      text,
      locate: parsed.locate,
      sets,
      backend,
      runsDir,
      root: ROOT,
      dataDirs: values["data-dir"] ?? [],
      jobs,
      noCache: values["no-cache"]!,
      recompute: values.recompute ?? [],
      dryRun: values["dry-run"]!,
      command: ["experiment", ...args],
      progress,
      signal: controller.signal,
      onSweepComplete: writeSweepReport,
    };
    const outcome = executor === "slurm"
      ? await runSlurmSweep({
        ...common,
        slurm: {
          ...(values["slurm-partition"] ? { partition: values["slurm-partition"] } : {}),
          ...(values["slurm-time"] ? { time: values["slurm-time"] } : {}),
          ...(slurmCpus !== undefined ? { cpus: slurmCpus } : {}),
          ...(values["slurm-mem"] ? { mem: values["slurm-mem"] } : {}),
          ...(slurmArgs ? { args: slurmArgs } : {}),
          ...(slurmPoll !== undefined ? { pollSeconds: slurmPoll } : {}),
        },
      })
      : await runExperiment({
        ...common,
        ...(member !== undefined ? { member } : {}),
        onRunComplete: writeRunReport,
      });
    if (outcome.plan) {
      console.log(outcome.plan);
      return 0;
    }
    for (const run of outcome.runs) {
      const r = run.record;
      const computed = Object.values(r.nodes).filter((n) => n.status === "ok").length;
      const cached = Object.values(r.nodes).filter((n) => n.status === "cached").length;
      const metrics = Object.entries(r.metrics).map(([k, v]) =>
        `${k}=${typeof v === "number" ? v.toPrecision(4) : JSON.stringify(v)}`
      ).join(" ");
      console.log(
        `${r.status.toUpperCase()} ${r.id}: ${computed} computed, ${cached} cached${metrics ? `; ${metrics}` : ""}`,
      );
      if (r.report) console.log(`  report: ${join(run.dir, r.report)}`);
      if (r.error) console.log(`  error: ${r.error}`);
    }
    if (outcome.sweep) {
      console.log(
        `SWEEP ${outcome.sweep.index.id}: ${outcome.sweep.index.size} members, ${outcome.sweep.index.status}`,
      );
      if (outcome.sweep.index.report) console.log(`  report: ${join(outcome.sweep.dir, outcome.sweep.index.report)}`);
    }
    return outcome.status === "ok" ? 0 : outcome.status === "interrupted" ? 130 : 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
}

async function cmdList(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: "string", default: "runs" }, limit: { type: "string", default: "20" } },
  });
  const runs = await listRunRecords(resolve(values.out!));
  if (!runs.length) {
    console.log(`No runs in ${resolve(values.out!)}`);
    return 0;
  }
  for (const { record: r } of runs.slice(0, Number(values.limit))) {
    const m = Object.entries(r.metrics).slice(0, 4).map(([k, v]) =>
      `${k}=${
        typeof v === "number"
          ? v.toPrecision(4)
          : Object.entries(v).map(([a, b]) => `${a}:${b.toPrecision(3)}`).join(",")
      }`
    );
    console.log(
      `${r.id.padEnd(44)} ${r.status.padEnd(11)} ${(r.seconds ?? 0).toFixed(1).padStart(7)}s  ${m.join(" ")}`,
    );
  }
  return 0;
}

async function findRun(runsDir: string, id: string): Promise<string> {
  const direct = join(runsDir, id);
  try {
    await Deno.stat(join(direct, "run.json"));
    return direct;
  } catch { /* try a prefix */ }
  const matches = (await listRunRecords(runsDir)).filter((r) => r.record.id.startsWith(id));
  if (matches.length === 1) return matches[0]!.dir;
  throw new UsageError(
    matches.length
      ? `Run "${id}" is ambiguous: ${matches.map((m) => m.record.id).join(", ")}`
      : `No run "${id}" in ${runsDir}`,
  );
}

async function cmdShow(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string", default: "runs" } },
  });
  if (positionals.length !== 1) throw new UsageError("Cannot show: give one run id");
  console.log(showRun(await readRunRecord(await findRun(resolve(values.out!), positionals[0]!))));
  return 0;
}

async function cmdCompare(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string", default: "runs" } },
  });
  if (positionals.length < 2) throw new UsageError("Cannot compare: give two or more run ids");
  const runsDir = resolve(values.out!);
  const records = await Promise.all(positionals.map(async (id) => readRunRecord(await findRun(runsDir, id))));
  console.log(compareRuns(records));
  return 0;
}

async function cmdGc(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: "string", default: "runs" }, "dry-run": { type: "boolean", default: false } },
  });
  const runsDir = resolve(values.out!);
  const keep = new Set<string>();
  for (const { record } of await listRunRecords(runsDir)) for (const n of Object.values(record.nodes)) keep.add(n.key);
  const { removed, bytes } = await new Store(runsDir).gc(keep, { dryRun: values["dry-run"]! });
  console.log(
    `${values["dry-run"] ? "Would remove" : "Removed"} ${removed.length} entr${removed.length === 1 ? "y" : "ies"} (${
      (bytes / 1e6).toFixed(1)
    } MB); kept ${keep.size} referenced by run records`,
  );
  return 0;
}

async function cmdReport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string", default: "runs" }, format: { type: "string", default: "html" } },
  });
  if (positionals.length !== 1) throw new UsageError("Cannot report: give one run or sweep id");
  const format = values.format!;
  if (!["html", "svg", "png"].includes(format)) {
    throw new UsageError(`Cannot report in format "${format}": expected html, svg or png`);
  }
  const runsDir = resolve(values.out!);
  const id = positionals[0]!;
  let written: string[];
  try {
    await Deno.stat(join(runsDir, id, "sweep.json"));
    written = await reportSweep(runsDir, id, format as "html" | "svg" | "png");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    written = await reportRun(runsDir, await findRun(runsDir, id), format as "html" | "svg" | "png");
  }
  for (const f of written) console.log(f);
  return 0;
}

async function cmdValidate(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError("Cannot validate: give one experiment name or file");
  const file = resolveExperiment(args[0]!);
  const text = await Deno.readTextFile(file);
  const parsed = parseExperimentText(text, file);
  if (parsed.issues.length) throw new GraphValidationError(parsed.issues);
  const r = validateExperiment(parsed.data, { kinds: KINDS, file, locate: parsed.locate });
  if (!r.ok) throw new GraphValidationError(r.issues);
  console.log(`${file}: valid (${r.graph.order.length} nodes)`);
  return 0;
}

const USAGE = `Usage:
  deno task experiment <name|file.yaml> [--set node.params.key=v1,v2] [--seed N] [--backend wasm|cpu|tensorflow]
                       [--out runs/] [--jobs N] [--no-cache] [--recompute NODE] [--dry-run] [--data-dir DIR]
                       [--executor local|slurm [--slurm-partition P] [--slurm-time T] [--slurm-cpus N]
                        [--slurm-mem M] [--slurm-args "..."]]
  deno task flowlab list | show RUN | compare RUN RUN... | gc [--dry-run]
  deno task flowlab report RUN|SWEEP [--format html|svg|png]
  deno task flowlab kinds [KIND] | validate <name|file.yaml>`;

/** Runs the CLI with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case "run":
        return await cmdRun(rest);
      case "list":
        return await cmdList(rest);
      case "show":
        return await cmdShow(rest);
      case "compare":
        return await cmdCompare(rest);
      case "gc":
        return await cmdGc(rest);
      case "report":
        return await cmdReport(rest);
      case "kinds":
        console.log(describeKinds(KINDS, rest[0]));
        return 0;
      case "validate":
        return await cmdValidate(rest);
      case undefined:
      case "help":
      case "--help":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}"\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof GraphValidationError) {
      console.error(
        `${e.issues.length} error${e.issues.length === 1 ? "" : "s"} in the experiment config (nothing was run):`,
      );
      for (const i of e.issues) console.error(`  - ${formatIssue(i)}`);
      return 2;
    }
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof SlurmError) {
      console.error(e.message);
      return 1;
    }
    if (
      e instanceof TypeError &&
      /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(`${(e as { code?: string }).code} ${e.message}`)
    ) {
      console.error(`${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
