/**
 * The Slurm executor against a real one-node cluster (munged, slurmctld and
 * slurmd started by tests/slurm/cluster.sh; CI starts it in .ci/run). Skipped,
 * with a message, only where the Debian packages cannot be installed or run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunRecord } from "../../core/scheduler/mod.ts";
import {
  assertSameSweep,
  checkpointExists,
  cli,
  memberRecords,
  readSweep,
  ROOT,
  tmpLeftovers,
  waitFor,
  writeSweep,
} from "./_sweep.ts";

const SCRIPT = new URL("./cluster.sh", import.meta.url).pathname;
const decoder = new TextDecoder();

function cluster(...args: string[]): { code: number; out: string } {
  try {
    const o = new Deno.Command("bash", {
      args: [SCRIPT, ...args],
      env: { FLOWLAB_SLURM_OWNER: "tests" },
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    return { code: o.code, out: (decoder.decode(o.stdout) + decoder.decode(o.stderr)).trim() };
  } catch (e) {
    return { code: 3, out: `slurm: unavailable: cannot run bash (${(e as Error).message})` };
  }
}

// use a running cluster (CI's, or another test run's), or start one; a cluster tests started
// stops when its last user leaves
let available = cluster("status").code === 0;
let reason = "";
if (!available) {
  const r = cluster("start");
  available = r.code === 0;
  reason = r.out;
}
if (available) cluster("use", String(Deno.pid));
else console.warn(`SKIPPED the Slurm integration tests: ${reason || "the cluster did not start"}`);
let using = available;
const leave = () => {
  if (using) cluster("leave", String(Deno.pid));
  using = false;
};
globalThis.addEventListener("unload", leave);
const SLURM_CONF = cluster("env").out.replace(/^SLURM_CONF=/, "");
const env = { SLURM_CONF };

async function slurmCli(args: string[]) {
  return await cli(["run", ...args, "--executor", "slurm", "--slurm-poll", "0.5", "--slurm-time", "30"], { env });
}

function spawnLeader(args: string[]): { child: Deno.ChildProcess; output: Promise<Deno.CommandOutput> } {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli.ts"), "run", ...args, "--executor", "slurm", "--slurm-poll", "0.5"],
    cwd: ROOT,
    env: { NO_COLOR: "1", CI: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return { child, output: child.output() };
}

async function submissions(runs: string): Promise<{ job: string; array: string; members: number[] }[]> {
  const { dir } = await readSweep(runs).catch(() => ({ dir: "" }));
  const dirs = dir ? [dir] : [...Deno.readDirSync(runs)].filter((e) => e.isDirectory).map((e) => join(runs, e.name));
  for (const d of dirs) {
    try {
      const text = await Deno.readTextFile(join(d, "slurm", "submissions.jsonl"));
      return text.trim().split("\n").map((l) => JSON.parse(l));
    } catch { /* not this folder */ }
  }
  return [];
}

async function queued(job: string): Promise<string> {
  const o = await new Deno.Command("squeue", { args: ["--noheader", `--jobs=${job}`], env, stdout: "piped" }).output();
  return decoder.decode(o.stdout).trim();
}

Deno.test({
  name: "the Slurm executor on a one-node cluster",
  ignore: !available,
  // the leader's children and the cluster's daemons are this test's business
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    try {
      await t.step(
        "a sweep of 4 members runs as one array: all complete, equal to local execution, report written",
        async () => {
          const ref = await Deno.makeTempDir(), runs = await Deno.makeTempDir();
          const file = await writeSweep(runs, [60, 80, 100, 120]);
          const local = await cli(["run", file, "--out", ref]);
          assert.equal(local.code, 0, local.out);

          const dry = await slurmCli([file, "--out", runs, "--dry-run"]);
          assert.equal(dry.code, 0, dry.out);
          assert.match(dry.out, /^sbatch --parsable --array=0-3 /m);
          assert.match(dry.out, /^#SBATCH --time=30$/m);
          assert.deepEqual([...Deno.readDirSync(runs)].map((e) => e.name), ["slurmsweep.yaml"]);

          const run = await slurmCli([file, "--out", runs]);
          assert.equal(run.code, 0, run.out);
          assert.match(run.out, /submitted job \d+ \(array 0-3\)/);
          assert.match(run.out, /\[slurm\] job \d+: 4 ok, 0 failed, 0 running, 0 pending/);
          assert.match(run.out, /SWEEP slurmsweep-sweep-\w+: 4 members, ok/);
          await assertSameSweep(runs, ref);
          const sweep = await readSweep(runs);
          assert.equal(sweep.index.report, "report.html");
          assert.match(await Deno.readTextFile(join(sweep.dir, "report.html")), /<html/i);
          // each member ran as its own task (its own process, log and run folder)
          const subs = await submissions(runs);
          assert.deepEqual(subs.map((s) => s.array), ["0-3"]);
          for (const k of [0, 1, 2, 3]) {
            const log = await Deno.readTextFile(join(sweep.dir, "slurm", `${subs[0]!.job}_${k}.out`));
            assert.match(log, /^OK slurmsweep-/m);
            const rec = (await memberRecords(runs)).get(k)!.record;
            assert.deepEqual(rec.command.slice(-2), ["--member", String(k)]);
          }
          assert.deepEqual(tmpLeftovers(runs), []);

          // the same command again: every member is complete, nothing is submitted
          const again = await slurmCli([file, "--out", runs]);
          assert.equal(again.code, 0, again.out);
          assert.match(again.out, /4 complete, 0 to submit: every member is complete/);
          assert.equal((await submissions(runs)).length, 1);
          for (const d of [ref, runs]) await Deno.remove(d, { recursive: true });
        },
      );

      await t.step("a member killed mid-training is resubmitted on re-run, and nothing else is", async () => {
        const ref = await Deno.makeTempDir(), runs = await Deno.makeTempDir();
        const file = await writeSweep(runs, [60, 80, 100, 8000]);
        const local = await cli(["run", file, "--out", ref]);
        assert.equal(local.code, 0, local.out);

        const leader = spawnLeader([file, "--out", runs]);
        await waitFor("the submission", async () => (await submissions(runs)).length === 1);
        const job = (await submissions(runs))[0]!.job;
        // member 3 trains for 8000 steps; kill its task once it has saved a checkpoint
        await waitFor("a checkpoint of member 3", () => checkpointExists(runs));
        const kill = await new Deno.Command("scancel", { args: ["--signal=KILL", "--full", `${job}_3`], env }).output();
        assert.equal(kill.code, 0, decoder.decode(kill.stderr));
        const out = await leader.output;
        const text = decoder.decode(out.stdout) + decoder.decode(out.stderr);
        assert.equal(out.code, 1, text);
        assert.match(text, /member 3 \(fit\.params\.steps=8000\) FAILED: Slurm task \d+_3 ended/);
        const failed = await readSweep(runs);
        assert.equal(failed.index.status, "failed");
        assert.deepEqual(failed.index.members.map((m) => m.status), ["ok", "ok", "ok", "failed"]);
        // the killed member's record no longer claims to be running; its checkpoint is kept
        const killed = (await memberRecords(runs)).get(3)!;
        assert.equal((await readRunRecord(killed.dir)).status, "failed");
        assert.ok(checkpointExists(runs));

        const dry = await slurmCli([file, "--out", runs, "--dry-run"]);
        assert.match(dry.out, /4 members, 3 complete, 1 to submit/);
        assert.match(dry.out, /^sbatch --parsable --array=3 /m);
        const rerun = await slurmCli([file, "--out", runs]);
        assert.equal(rerun.code, 0, rerun.out);
        const subs = await submissions(runs);
        assert.deepEqual(subs.map((s) => s.members), [[0, 1, 2, 3], [3]]);
        const log = await Deno.readTextFile(join(failed.dir, "slurm", `${subs[1]!.job}_3.out`));
        assert.match(log, /train \(resumed at \d+\)/);
        await assertSameSweep(runs, ref);
        assert.equal(checkpointExists(runs), false);
        for (const d of [ref, runs]) await Deno.remove(d, { recursive: true });
      });

      await t.step(
        "a leader that dies leaves its array running; the same command follows it, submitting nothing",
        async () => {
          const runs = await Deno.makeTempDir();
          const file = await writeSweep(runs, [60, 80, 100, 8000]);
          const first = spawnLeader([file, "--out", runs]);
          await waitFor("the submission", async () => (await submissions(runs)).length === 1);
          const job = (await submissions(runs))[0]!.job;
          first.child.kill("SIGKILL"); // a lost login session
          await first.output;
          assert.notEqual(await queued(job), "");
          const second = await slurmCli([file, "--out", runs]);
          assert.equal(second.code, 0, second.out);
          assert.match(second.out, new RegExp(`\\d complete, \\d queued in job ${job}, 0 to submit; following`));
          assert.equal((await submissions(runs)).length, 1);
          const sweep = await readSweep(runs);
          assert.equal(sweep.index.status, "ok");
          assert.ok(sweep.index.members.every((m) => m.run !== null));
          await Deno.remove(runs, { recursive: true });
        },
      );

      await t.step(
        "Ctrl-C on the leader cancels the array; members stop as interrupted and the same command resumes",
        async () => {
          const runs = await Deno.makeTempDir();
          const file = await writeSweep(runs, [8000, 8001, 60]);
          const leader = spawnLeader([file, "--out", runs]);
          await waitFor("the submission", async () => (await submissions(runs)).length === 1);
          const job = (await submissions(runs))[0]!.job;
          // a long member is training (it has saved a checkpoint)
          await waitFor("a checkpoint", () => checkpointExists(runs));
          leader.child.kill("SIGINT");
          const out = await leader.output;
          const text = decoder.decode(out.stdout) + decoder.decode(out.stderr);
          assert.equal(out.code, 130, text);
          assert.match(text, new RegExp(`Cancelling job ${job}`));
          assert.equal(await queued(job), "");
          const sweep = await readSweep(runs);
          assert.equal(sweep.index.status, "interrupted");
          // no member is complete or left "running"; one that was training got SIGINT, saved a
          // checkpoint and recorded itself interrupted (its train node says so); pending ones never started
          const recs = [...(await memberRecords(runs)).values()].map((r) => r.record);
          assert.ok(recs.length >= 1);
          for (const r of recs) assert.equal(r.status, "interrupted", r.id);
          assert.ok(
            recs.some((r) => r.nodes.fit!.status === "interrupted"),
            JSON.stringify(recs.map((r) => r.nodes.fit)),
          );
          assert.ok(checkpointExists(runs));

          const rerun = await slurmCli([file, "--out", runs]);
          assert.equal(rerun.code, 0, rerun.out);
          assert.match(rerun.out, /3 members, 0 complete, 3 to submit/);
          assert.equal((await readSweep(runs)).index.status, "ok");
          await Deno.remove(runs, { recursive: true });
        },
      );
    } finally {
      leave();
    }
  },
});
