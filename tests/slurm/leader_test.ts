/**
 * The Slurm leader's logic with a stand-in for Slurm that runs the array tasks
 * locally (tests/slurm/cluster_test.ts does the same through a real cluster).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GraphValidationError, parseExperimentText } from "../../core/graph/mod.ts";
import { Progress, writeRunRecord, writeSweepReport } from "../../core/scheduler/mod.ts";
import { runSlurmSweep, type SlurmRunOptions } from "../../core/scheduler/slurm.ts";
import { FakeSlurm } from "./_fake_slurm.ts";
import { assertSameSweep, cli, memberRecords, readSweep, ROOT, sweepYaml, writeSweep } from "./_sweep.ts";

const STEPS = [60, 80, 100, 120];

async function leader(file: string, runs: string, fake: FakeSlurm, extra: Partial<SlurmRunOptions> = {}) {
  const text = await Deno.readTextFile(file);
  const lines: string[] = [];
  const outcome = await runSlurmSweep({
    config: parseExperimentText(text, file).data,
    file,
    text,
    runsDir: runs,
    root: ROOT,
    progress: new Progress({ tty: false, write: (t) => lines.push(t) }),
    onSweepComplete: writeSweepReport,
    slurm: { client: fake, pollSeconds: 0.1 },
    ...extra,
  });
  return { outcome, log: lines.join("") };
}

Deno.test("runSlurmSweep() --dry-run shows the batch script and an array of only the members not yet complete", async () => {
  const runs = await Deno.makeTempDir();
  const file = await writeSweep(runs, STEPS);
  const fake = new FakeSlurm();
  const fresh = await leader(file, runs, fake, { dryRun: true });
  assert.match(fresh.outcome.plan!, /4 members, 0 complete, 4 to submit/);
  assert.match(fresh.outcome.plan!, /^sbatch --parsable --array=0-3 \S+\/slurm\/submit-[\d-]+\.sh$/m);
  assert.match(fresh.outcome.plan!, /--member "\$SLURM_ARRAY_TASK_ID"$/m);
  assert.deepEqual([...Deno.readDirSync(runs)].map((e) => e.name), ["slurmsweep.yaml"]);

  // a local run completes the sweep; then one member is lost as a killed process leaves it
  const local = await cli(["run", file, "--out", runs]);
  assert.equal(local.code, 0, local.out);
  const victim = (await memberRecords(runs)).get(2)!;
  await writeRunRecord(victim.dir, { ...victim.record, status: "running" });
  const again = await leader(file, runs, fake, { dryRun: true });
  assert.match(again.outcome.plan!, /4 members, 3 complete, 1 to submit/);
  assert.match(again.outcome.plan!, /^sbatch --parsable --array=2 /m);
  assert.deepEqual(again.outcome.job?.members, [2]);
  assert.equal(fake.submissions.length, 0);
  await Deno.remove(runs, { recursive: true });
});

Deno.test("runSlurmSweep() reports a failed array task, then resubmits only that member; the result equals a local run", async () => {
  const ref = await Deno.makeTempDir(), runs = await Deno.makeTempDir();
  const file = await writeSweep(runs, STEPS);
  const local = await cli(["run", file, "--out", ref]);
  assert.equal(local.code, 0, local.out);

  // task 1 dies at once (a broken node): the sweep is indexed as failed, the others are done
  const broken = new FakeSlurm({ fail: [1] });
  const first = await leader(file, runs, broken);
  assert.equal(first.outcome.status, "failed");
  assert.deepEqual(broken.submissions.map((s) => s.array), [[0, 1, 2, 3]]);
  assert.match(first.log, /member 1 \(fit\.params\.steps=80\) FAILED: no run record \(task FAILED, exit 1:0\)/);
  const failed = await readSweep(runs);
  assert.equal(failed.index.status, "failed");
  assert.deepEqual(failed.index.members.map((m) => m.status), ["ok", "missing", "ok", "ok"]);

  // the same command again submits member 1 alone and completes the sweep
  const healthy = new FakeSlurm();
  const second = await leader(file, runs, healthy);
  assert.equal(second.outcome.status, "ok", second.log);
  assert.deepEqual(healthy.submissions.map((s) => s.array), [[1]]);
  assert.match(second.log, /4 members, 3 complete, 1 to submit; submitted job \d+ \(array 1\)/);
  const done = await readSweep(runs);
  assert.equal(done.index.report, "report.html");
  assert.ok((await Deno.stat(join(done.dir, "report.html"))).size > 1000);
  await assertSameSweep(runs, ref);

  // and once more: nothing to submit
  const idle = new FakeSlurm();
  const third = await leader(file, runs, idle);
  assert.equal(third.outcome.status, "ok");
  assert.equal(idle.submissions.length, 0);
  assert.match(third.log, /every member is complete/);
  for (const d of [ref, runs]) await Deno.remove(d, { recursive: true });
});

Deno.test("runSlurmSweep() validates every member and its Slurm arguments before submitting anything", async () => {
  const runs = await Deno.makeTempDir();
  const file = await writeSweep(runs, [50, 0]);
  const fake = new FakeSlurm();
  await assert.rejects(leader(file, runs, fake), GraphValidationError);
  await Deno.writeTextFile(file, sweepYaml(STEPS));
  for (const arg of ["--array=0-1", "-J", "--job-name=x", "-ox.out"]) {
    await assert.rejects(
      leader(file, runs, fake, { slurm: { client: fake, args: ["--qos=low", arg] } }),
      /the leader sets --array, --job-name and --output itself/,
    );
  }
  assert.equal(fake.submissions.length, 0);
  assert.deepEqual([...Deno.readDirSync(runs)].map((e) => e.name), ["slurmsweep.yaml"]);
  await Deno.remove(runs, { recursive: true });
});
