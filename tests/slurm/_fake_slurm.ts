/**
 * A stand-in for Slurm that runs each array task of a submitted batch script
 * as a local process (a few at a time), honouring `#SBATCH --output` and
 * `SLURM_ARRAY_TASK_ID`: the leader's logic tested where no cluster exists.
 */
import { parseArray, shellQuote } from "../../core/scheduler/slurm.ts";
import type { ActiveTask, SlurmClient, TaskEnd } from "../../core/scheduler/slurm.ts";

interface FakeTask {
  state: "PENDING" | "RUNNING" | "DONE" | "CANCELLED";
  child?: Deno.ChildProcess;
  code?: number;
}

/** A fake `SlurmClient`; `fail` lists task ids that fail at once (as on a broken node) without running. */
export class FakeSlurm implements SlurmClient {
  readonly submissions: { job: string; array: number[]; args: string[]; script: string }[] = [];
  readonly #jobs = new Map<string, { script: string; output: string; name: string; tasks: Map<number, FakeTask> }>();
  readonly #slots: number;
  readonly #fail: Set<number>;
  #next = 100;

  constructor(options: { slots?: number; fail?: number[] } = {}) {
    this.#slots = options.slots ?? 2;
    this.#fail = new Set(options.fail ?? []);
  }

  async submit(script: string, args: readonly string[]): Promise<string> {
    const job = String(this.#next++);
    const spec = args.find((a) => a.startsWith("--array="));
    if (!spec) throw new Error("FakeSlurm: no --array");
    const array = parseArray(spec.slice("--array=".length));
    const text = await Deno.readTextFile(script);
    const output = /^#SBATCH --output=(\S+)$/m.exec(text)?.[1];
    if (!output) throw new Error("FakeSlurm: no #SBATCH --output");
    this.submissions.push({ job, array, args: [...args], script });
    this.#jobs.set(job, {
      script,
      output,
      name: /^#SBATCH --job-name=(\S+)$/m.exec(text)?.[1] ?? "",
      tasks: new Map(array.map((k) => [k, { state: "PENDING" } as FakeTask])),
    });
    this.#schedule(job);
    return job;
  }

  #schedule(job: string): void {
    const j = this.#jobs.get(job)!;
    for (const [k, t] of j.tasks) {
      const running = [...j.tasks.values()].filter((x) => x.state === "RUNNING").length;
      if (running >= this.#slots) break;
      if (t.state !== "PENDING") continue;
      t.state = "RUNNING";
      if (this.#fail.has(k)) {
        t.state = "DONE";
        t.code = 1;
        continue;
      }
      const log = j.output.replaceAll("%A", job).replaceAll("%a", String(k));
      t.child = new Deno.Command("bash", {
        args: ["-c", `exec bash ${shellQuote(j.script)} > ${shellQuote(log)} 2>&1`],
        env: { SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_JOB_ID: job, SLURM_JOB_ID: job },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      t.child.status.then((s) => {
        t.code = s.code;
        if (t.state === "RUNNING") t.state = "DONE";
        this.#schedule(job);
      });
    }
  }

  queue(job: string): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const [k, t] of this.#jobs.get(job)?.tasks ?? []) {
      if (t.state === "PENDING" || t.state === "RUNNING") out.set(k, t.state);
    }
    return Promise.resolve(out);
  }

  cancel(job: string, options: { graceful?: boolean } = {}): Promise<void> {
    for (const t of this.#jobs.get(job)?.tasks.values() ?? []) {
      if (t.state === "PENDING") t.state = "CANCELLED";
      else if (t.state === "RUNNING") t.child?.kill(options.graceful ? "SIGINT" : "SIGTERM");
    }
    return Promise.resolve();
  }

  active(name: string): Promise<ActiveTask[]> {
    const out: ActiveTask[] = [];
    for (const [job, j] of this.#jobs) {
      if (j.name !== name) continue;
      for (const [task, t] of j.tasks) {
        if (t.state === "PENDING" || t.state === "RUNNING") out.push({ job, task, state: t.state, script: j.script });
      }
    }
    return Promise.resolve(out);
  }

  ends(job: string): Promise<Map<number, TaskEnd>> {
    const out = new Map<number, TaskEnd>();
    for (const [k, t] of this.#jobs.get(job)?.tasks ?? []) {
      if (t.state === "CANCELLED") out.set(k, { state: "CANCELLED", exitCode: "0:0" });
      else if (t.state === "DONE") {
        out.set(k, { state: t.code === 0 ? "COMPLETED" : "FAILED", exitCode: `${t.code}:0` });
      }
    }
    return Promise.resolve(out);
  }
}
