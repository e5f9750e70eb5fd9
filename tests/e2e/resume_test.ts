import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunRecord, Store } from "../../core/scheduler/mod.ts";
import { cli, ROOT, sameBytes, storeBytes } from "./_run.ts";

const YAML = `
name: resumable
seed: 3
nodes:
  target: { kind: data.moons, params: { n: 3000, noise: 0.05 } }
  split:  { kind: data.split, inputs: { data: target }, params: { test: 500 } }
  source: { kind: data.gaussian, params: { dim: 2 } }
  pairs:  { kind: coupling.independent, inputs: { source: source, target: split.train } }
  path:   { kind: path.affine, params: { scheduler: condot } }
  model:  { kind: model.mlp, params: { hidden: [64, 64, 64], activation: elu } }
  fit:    { kind: train, inputs: { pairs: pairs, path: path, model: model },
            params: { steps: 12000, batch: 256, lr: 1.0e-3, ema: 0.99 } }
  gen:    { kind: sample.ode, inputs: { model: fit, path: path, source: source }, params: { steps: 20, n: 500 } }
  w2:     { kind: metric.w2, inputs: { samples: gen, reference: split.test } }
`;

async function writeYaml(dir: string, text = YAML): Promise<string> {
  const file = join(dir, "resumable.yaml");
  await Deno.writeTextFile(file, text);
  return file;
}

function deno(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli.ts"), ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", CI: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out waiting");
}

function checkpointExists(runs: string): Promise<boolean> {
  try {
    for (const e of Deno.readDirSync(join(runs, "cache", ".partial"))) {
      if (Deno.statSync(join(runs, "cache", ".partial", e.name, "checkpoint.bin")).isFile) return Promise.resolve(true);
    }
  } catch { /* not yet */ }
  return Promise.resolve(false);
}

Deno.test("a run killed with SIGKILL mid-training resumes from its checkpoint to byte-identical artifacts", async () => {
  const ref = await Deno.makeTempDir(), cut = await Deno.makeTempDir();
  const file = await writeYaml(ref);
  await Deno.copyFile(file, join(cut, "resumable.yaml"));
  const whole = await cli(["run", file, "--out", ref]);
  assert.equal(whole.code, 0, whole.out);

  const child = deno(["run", join(cut, "resumable.yaml"), "--out", cut]);
  await waitFor(() => checkpointExists(cut), 120_000);
  child.kill("SIGKILL");
  assert.notEqual((await child.status).code, 0);
  // the interrupted run left a record that says "running" and no entry for fit
  const again = await cli(["run", join(cut, "resumable.yaml"), "--out", cut]);
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /resumed at \d+|cached/);
  assert.equal(sameBytes(await storeBytes(ref), await storeBytes(cut)), undefined);
  // no checkpoint or temporary left behind once the node is committed
  assert.equal(await checkpointExists(cut), false);
  for (const d of [ref, cut]) await Deno.remove(d, { recursive: true });
});

Deno.test("Ctrl-C stops a run cleanly as interrupted; the same command then completes it identically", async () => {
  const ref = await Deno.makeTempDir(), cut = await Deno.makeTempDir();
  const file = await writeYaml(ref);
  await Deno.copyFile(file, join(cut, "resumable.yaml"));
  assert.equal((await cli(["run", file, "--out", ref])).code, 0);
  const child = deno(["run", join(cut, "resumable.yaml"), "--out", cut]);
  await waitFor(() => checkpointExists(cut), 120_000);
  child.kill("SIGINT");
  const status = await child.status;
  assert.equal(status.code, 130);
  const folder = [...Deno.readDirSync(cut)].find((e) => e.name.startsWith("resumable-"))!;
  const rec = await readRunRecord(join(cut, folder.name));
  assert.equal(rec.status, "interrupted");
  assert.equal(rec.nodes.fit!.status, "interrupted");
  assert.equal(rec.nodes.target!.status, "ok");
  const again = await cli(["run", join(cut, "resumable.yaml"), "--out", cut]);
  assert.equal(again.code, 0, again.out);
  assert.equal(sameBytes(await storeBytes(ref), await storeBytes(cut)), undefined);
  for (const d of [ref, cut]) await Deno.remove(d, { recursive: true });
});

Deno.test("a diverging training stops with a clear error, keeps its history, and skips what depends on it", async () => {
  const runs = await Deno.makeTempDir();
  const file = await writeYaml(
    runs,
    YAML.replace("scheduler: condot }", "scheduler: condot }").replace(
      "{ n: 3000, noise: 0.05 }",
      "{ n: 3000, noise: 0.05, scale: 1.0e+30 }",
    ).replace("steps: 12000", "steps: 300"),
  );
  const r = await cli(["run", file, "--out", runs]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Training diverged: the loss is (NaN|Infinity) at step \d+/);
  const folder = [...Deno.readDirSync(runs)].find((e) => e.name.startsWith("resumable-"))!;
  const rec = await readRunRecord(join(runs, folder.name));
  assert.equal(rec.status, "failed");
  assert.equal(rec.nodes.fit!.status, "failed");
  assert.equal(rec.nodes.gen!.status, "skipped");
  assert.equal(rec.metrics.w2, undefined);
  const partial = JSON.parse(await Deno.readTextFile(join(runs, folder.name, rec.nodes.fit!.artifacts!.partial!)));
  assert.ok(Array.isArray(partial.loss));
  // nothing of the failed node entered the cache
  assert.equal((await new Store(runs).read(rec.nodes.fit!.key)).status, "missing");
  await Deno.remove(runs, { recursive: true });
});
