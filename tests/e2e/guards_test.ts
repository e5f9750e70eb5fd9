import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunRecord } from "../../core/scheduler/mod.ts";
import { cli } from "./_run.ts";

Deno.test("a sampler whose points blow up stops with a clear error and nothing downstream runs", async () => {
  const runs = await Deno.makeTempDir();
  // explicit Langevin on N(0, 1) with dt = 10 multiplies x by (1 − g²dt/2) = −4 each step: 4^1000 overflows
  const yaml = `
name: blowup
seed: 0
nodes:
  density: { kind: data.gaussian, params: { dim: 2 } }
  start:   { kind: data.gaussian, params: { dim: 2, n: 100 } }
  walk:    { kind: sample.langevin, inputs: { density: density, source: start }, params: { g: 1, dt: 10, steps: 1000 } }
  w2:      { kind: metric.w2, inputs: { samples: walk, reference: start } }
`;
  await Deno.writeTextFile(join(runs, "blowup.yaml"), yaml);
  const r = await cli(["run", join(runs, "blowup.yaml"), "--out", runs]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Cannot sample node "walk": \d+ of 200 coordinates are NaN or infinite/);
  const folder = [...Deno.readDirSync(runs)].find((e) => e.name.startsWith("blowup-"))!;
  const rec = await readRunRecord(join(runs, folder.name));
  assert.equal(rec.nodes.walk!.status, "failed");
  assert.equal(rec.nodes.w2!.status, "skipped");
  assert.equal(rec.status, "failed");
  await Deno.remove(runs, { recursive: true });
});
