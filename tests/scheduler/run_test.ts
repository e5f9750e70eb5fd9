import assert from "node:assert/strict";
import { join } from "node:path";
import { GraphValidationError, parseExperimentText } from "../../core/graph/mod.ts";
import { Progress, readRunRecord, runExperiment, Store } from "../../core/scheduler/mod.ts";
import { testKinds } from "../graph/_kinds.ts";

const YAML = `
name: tiny
seed: 1
nodes:
  data:  { kind: t.source, params: { n: 6 } }
  split: { kind: t.split, inputs: { data: data } }
  path:  { kind: t.path }
  fit:   { kind: t.fit, inputs: { data: split.train, path: path }, params: { steps: 3 } }
sweep:
  fit.params.steps: [1, 2, 3]
  seed: [1, 2]
`;

const quiet = () => new Progress({ tty: false, quiet: true });

async function run(runsDir: string, jobs: number, extra: Record<string, unknown> = {}) {
  const src = parseExperimentText(YAML, "tiny.yaml");
  return await runExperiment({
    config: src.data,
    runsDir,
    root: Deno.cwd(),
    jobs,
    kinds: testKinds,
    kindsModule: new URL("../graph/_kinds.ts", import.meta.url).href,
    progress: quiet(),
    ...extra,
  });
}

Deno.test("runExperiment() computes shared sweep prefixes once and indexes the members", async () => {
  const dir = await Deno.makeTempDir();
  const out = await run(dir, 1);
  assert.equal(out.status, "ok");
  assert.equal(out.runs.length, 6);
  // data + split per seed (2 × 2), fit per member (6): path is rebuilt, never stored
  assert.equal((await new Store(dir).keys()).length, 2 * 2 + 6);
  const index = JSON.parse(await Deno.readTextFile(join(out.sweep!.dir, "sweep.json")));
  assert.equal(index.size, 6);
  assert.deepEqual(index.paths, ["fit.params.steps", "seed"]);
  assert.deepEqual(index.members.map((m: { metrics: { fit: number } }) => m.metrics.fit), [6, 6, 12, 12, 18, 18]);
  const rec = await readRunRecord(out.runs[0]!.dir);
  assert.equal(rec.schema, 1);
  assert.equal(rec.status, "ok");
  assert.equal(rec.nodes.path!.status, "rebuilt");
  assert.ok(rec.versions.deno && rec.host.hostname);
  // the second member reuses seed 1's data and split
  const rec2 = await readRunRecord(out.runs[2]!.dir);
  assert.equal(rec2.nodes.data!.status, "cached");
  assert.equal(rec2.nodes.fit!.status, "ok");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runExperiment() gives the same artifacts for --jobs 1 and --jobs 3", async () => {
  const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
  await run(a, 1);
  const out = await run(b, 3);
  assert.equal(out.status, "ok");
  const sa = new Store(a), sb = new Store(b);
  const keys = await sa.keys();
  assert.deepEqual(await sb.keys(), keys);
  for (const k of keys) {
    const ra = await sa.read(k), rb = await sb.read(k);
    assert.equal(ra.status, "ok");
    assert.equal(rb.status, "ok");
    if (ra.status !== "ok" || rb.status !== "ok") continue;
    for (const name of Object.keys(ra.outputs)) assert.deepEqual(rb.outputs[name], ra.outputs[name]);
  }
  await Deno.remove(a, { recursive: true });
  await Deno.remove(b, { recursive: true });
});

Deno.test("runExperiment() resumes a sweep: a second call only completes what is missing", async () => {
  const dir = await Deno.makeTempDir();
  const first = await run(dir, 1);
  // lose one member's result: its run did not finish and its fit entry is gone
  const victim = first.runs[3]!;
  await Deno.remove(join(new Store(dir).entryDir(victim.record.nodes.fit!.key)), { recursive: true });
  const rec = JSON.parse(await Deno.readTextFile(join(victim.dir, "run.json")));
  rec.status = "interrupted";
  await Deno.writeTextFile(join(victim.dir, "run.json"), JSON.stringify(rec));
  const second = await run(dir, 1);
  assert.equal(second.status, "ok");
  const fresh = second.runs.filter((r) => !first.runs.some((f) => f.record.id === r.record.id));
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0]!.record.nodes.fit!.status, "ok");
  assert.equal(fresh[0]!.record.nodes.data!.status, "cached");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runExperiment() recomputes a corrupt entry and reports it", async () => {
  const dir = await Deno.makeTempDir();
  const src = parseExperimentText(YAML.replace(/sweep:[\s\S]*/, ""), "tiny.yaml");
  const lines: string[] = [];
  const progress = new Progress({ tty: false, write: (t) => lines.push(t) });
  const first = await runExperiment({ config: src.data, runsDir: dir, root: Deno.cwd(), kinds: testKinds, progress });
  const key = first.runs[0]!.record.nodes.split!.key;
  await Deno.writeFile(join(new Store(dir).entryDir(key), "train.bin"), new Uint8Array([0]));
  const second = await runExperiment({ config: src.data, runsDir: dir, root: Deno.cwd(), kinds: testKinds, progress });
  assert.equal(second.runs[0]!.record.nodes.split!.status, "ok");
  assert.equal(second.runs[0]!.record.nodes.data!.status, "cached");
  assert.equal(second.runs[0]!.record.metrics.fit, first.runs[0]!.record.metrics.fit);
  assert.ok(lines.some((l) => /corrupt .*fails its checksum.*recomputing/.test(l)), lines.join(""));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runExperiment() writes nothing when validation fails, and reports every member's error", async () => {
  const dir = await Deno.makeTempDir();
  const src = parseExperimentText(YAML, "tiny.yaml");
  await assert.rejects(
    runExperiment({
      config: src.data,
      runsDir: dir,
      root: Deno.cwd(),
      kinds: testKinds,
      progress: quiet(),
      sets: [{ path: "fit.params.steps", values: [2, 0, -1] }],
    }),
    (e: unknown) => {
      assert.ok(e instanceof GraphValidationError);
      assert.equal(e.issues.length, 2);
      assert.match(e.message, /in sweep member fit\.params\.steps=0/);
      assert.match(e.message, /in sweep member fit\.params\.steps=-1/);
      return true;
    },
  );
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runExperiment() --dry-run prints the plan and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  const out = await run(dir, 1, { dryRun: true });
  assert.match(out.plan!, /member 1\/6: fit\.params\.steps=1 seed=1/);
  assert.match(out.plan!, /fit\s+t\.fit\s+run/);
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir, { recursive: true });
});
