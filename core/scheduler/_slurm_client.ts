/**
 * The Slurm commands the leader uses (`sbatch`, `squeue`, `scancel`,
 * `scontrol`), behind a small interface so the leader's logic can be tested
 * with a fake.
 *
 * @module
 */
import { parseArray } from "./_slurm_shell.ts";

/** A Slurm command failed or refused (the message says which and what it said). */
export class SlurmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlurmError";
  }
}

/** How a finished array task ended (from `scontrol show job`). */
export interface TaskEnd {
  /** `COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`, `OUT_OF_MEMORY`, `NODE_FAIL`, ... */
  state: string;
  /** `code:signal`, e.g. `1:0` or `0:9`. */
  exitCode: string;
}

/** What the leader asks of Slurm. */
export interface SlurmClient {
  /** `sbatch --parsable ARGS SCRIPT`; returns the job id. */
  submit(script: string, args: readonly string[]): Promise<string>;
  /** Tasks of `job` still in the queue (task id → state, e.g. `PENDING`, `RUNNING`); empty when none are. */
  queue(job: string): Promise<Map<number, string>>;
  /**
   * Cancels `job`. `graceful`: pending tasks are cancelled and running ones get
   * SIGINT (they save a checkpoint and record themselves interrupted); otherwise
   * every task is cancelled at once (SIGTERM, then SIGKILL).
   */
  cancel(job: string, options?: { graceful?: boolean }): Promise<void>;
  /** How each finished task of `job` ended, where Slurm still remembers (best effort: empty when it does not). */
  ends(job: string): Promise<Map<number, TaskEnd>>;
  /** This user's queued (pending or running) array tasks of jobs named `name`, with each job's batch script. */
  active(name: string): Promise<ActiveTask[]>;
}

/** A queued array task (from `squeue`). */
export interface ActiveTask {
  job: string;
  task: number;
  state: string;
  /** The batch script the job runs. */
  script: string;
}

const decoder = new TextDecoder();

async function run(command: string, args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args: [...args], stdout: "piped", stderr: "piped", stdin: "null" })
      .output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SlurmError(
        `Cannot run "${command}": it is not on PATH; run where the Slurm client commands are installed (slurm-client) or use --executor local`,
      );
    }
    throw e;
  }
  return { code: output.code, out: decoder.decode(output.stdout), err: decoder.decode(output.stderr).trim() };
}

/** The real client: runs the Slurm commands found on PATH (they read `SLURM_CONF` and the usual configuration). */
export function commandClient(): SlurmClient {
  return {
    async submit(script, args) {
      const r = await run("sbatch", ["--parsable", ...args, script]);
      const id = r.out.trim().split(";")[0]!;
      if (r.code !== 0 || !/^\d+$/.test(id)) {
        throw new SlurmError(`Cannot submit the sweep: sbatch said "${r.err || r.out.trim()}" (exit ${r.code})`);
      }
      return id;
    },
    async queue(job) {
      const r = await run("squeue", ["--noheader", "--array", `--jobs=${job}`, "--format=%K|%T"]);
      if (r.code !== 0) {
        // a job that left the controller's memory is no longer queued
        if (/invalid job id/i.test(r.err)) return new Map();
        throw new SlurmError(`Cannot follow job ${job}: squeue said "${r.err}" (exit ${r.code})`);
      }
      const out = new Map<number, string>();
      for (const line of r.out.split("\n")) {
        const [task, state] = line.trim().split("|");
        if (!task || !state || !/^\[?\d/.test(task)) continue;
        // a pending remainder may still be shown as a range ("3-5" or "[3-5%2]")
        for (const k of parseArray(task.replace(/^\[|\]$/g, ""))) out.set(k, state);
      }
      return out;
    },
    async cancel(job, options = {}) {
      const calls = options.graceful
        ? [["--state=PENDING", job], ["--signal=INT", "--full", "--state=RUNNING", job]]
        : [[job]];
      for (const args of calls) {
        const r = await run("scancel", args);
        if (r.code !== 0 && !/invalid job id|already completing or completed/i.test(r.err)) {
          throw new SlurmError(`Cannot cancel job ${job}: scancel said "${r.err}" (exit ${r.code})`);
        }
      }
    },
    async active(name) {
      const r = await run("squeue", ["--me", "--noheader", "--array", `--name=${name}`, "--format=%F|%K|%T|%o"]);
      if (r.code !== 0) throw new SlurmError(`Cannot list the queue: squeue said "${r.err}" (exit ${r.code})`);
      const out: ActiveTask[] = [];
      for (const line of r.out.split("\n")) {
        const [job, task, state, ...script] = line.trim().split("|");
        if (!job || !task || !state || !/^\d+$/.test(job) || !/^\[?\d/.test(task)) continue;
        for (const k of parseArray(task.replace(/^\[|\]$/g, ""))) {
          out.push({ job, task: k, state, script: script.join("|") });
        }
      }
      return out;
    },
    async ends(job) {
      const out = new Map<number, TaskEnd>();
      const r = await run("scontrol", ["--oneliner", "show", "job", job]).catch(() => undefined);
      if (!r || r.code !== 0) return out;
      for (const line of r.out.split("\n")) {
        const task = /\bArrayTaskId=(\d+)\b/.exec(line)?.[1];
        const state = /\bJobState=(\S+)/.exec(line)?.[1];
        const exitCode = /\bExitCode=(\S+)/.exec(line)?.[1];
        if (task !== undefined && state) out.set(Number(task), { state, exitCode: exitCode ?? "?" });
      }
      return out;
    },
  };
}
