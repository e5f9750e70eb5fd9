/**
 * The store under many writers, with real OS processes (what Slurm array tasks
 * sharing one `runs/` do): a node computed by two processes at once ends as one
 * valid entry, checkpoints survive a concurrent commit, run ids never collide.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunRecord, Store } from "../../core/scheduler/mod.ts";
import { sweepYaml, tmpLeftovers } from "./_sweep.ts";

const WORKER = new URL("./_race_worker.ts", import.meta.url).pathname;

function spawn(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER, ...args],
    env: { NO_COLOR: "1", CI: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output().then((o) => ({
    code: o.code,
    out: new TextDecoder().decode(o.stdout),
    err: new TextDecoder().decode(o.stderr),
  }));
}

Deno.test("two processes computing the same nodes at once leave one valid entry per node and both runs ok", async () => {
  const runs = await Deno.makeTempDir();
  const file = join(runs, "race.yaml");
  await Deno.writeTextFile(file, sweepYaml([150]).replace(/sweep:[\s\S]*/, ""));
  const barrier = join(runs, "barrier");
  // each process waits before every commit until the other has computed the same entry
  const [a, b] = await Promise.all([1, 2].map(() => spawn(["run", runs, file, barrier, "2"])));
  assert.equal(a!.code, 0, a!.err);
  assert.equal(b!.code, 0, b!.err);
  const ra = JSON.parse(a!.out), rb = JSON.parse(b!.out);
  assert.equal(ra.status, "ok");
  assert.equal(rb.status, "ok");
  assert.notEqual(ra.id, rb.id);
  // both computed every stored node (none was a cache hit): every commit was contested
  const computed = Object.keys(ra.nodes).filter((id) => ra.nodes[id] === "ok");
  assert.ok(computed.length >= 5, JSON.stringify(ra.nodes));
  assert.deepEqual(Object.keys(rb.nodes).filter((id) => rb.nodes[id] === "ok"), computed);
  assert.ok(!Object.values({ ...ra.nodes, ...rb.nodes }).includes("cached"));
  for (const id of computed) {
    assert.equal(
      [...Deno.readDirSync(join(barrier, (await readRunRecord(join(runs, ra.id))).nodes[id]!.key))].length,
      2,
    );
  }
  // one entry per node, each complete and verified; nothing half-written left anywhere
  const store = new Store(runs);
  const rec = await readRunRecord(join(runs, ra.id));
  assert.deepEqual(await store.keys(), computed.map((id) => rec.nodes[id]!.key).sort());
  for (const key of await store.keys()) assert.equal((await store.read(key)).status, "ok", key);
  assert.deepEqual(tmpLeftovers(runs), []);
  assert.deepEqual([...Deno.readDirSync(join(runs, "cache"))].map((e) => e.name).filter((n) => n.startsWith(".")), [
    ".tmp",
  ]);
  assert.deepEqual(ra.metrics, rb.metrics);
  await Deno.remove(runs, { recursive: true });
});

Deno.test("Store.saveCheckpoint() keeps working while another process commits the key and drops its checkpoints", async () => {
  const runs = await Deno.makeTempDir();
  // before the fix, about half of the saves failed with NotFound (the folder vanished between mkdir and rename)
  const [dropper, saver] = await Promise.all([
    spawn(["checkpoint", runs, "k", "600", "drop"]),
    spawn(["checkpoint", runs, "k", "600", "keep"]),
  ]);
  assert.equal(dropper!.code, 0, dropper!.err);
  assert.equal(saver!.code, 0, saver!.err);
  assert.deepEqual(JSON.parse(dropper!.out), { failed: 0, first: null });
  assert.deepEqual(JSON.parse(saver!.out), { failed: 0, first: null });
  // what is left is one whole checkpoint (or none), never a temporary
  let left: string[] = [];
  try {
    left = [...Deno.readDirSync(join(runs, "cache", ".partial", "k"))].map((e) => e.name);
  } catch { /* dropped last */ }
  assert.ok(left.every((n) => n === "checkpoint.bin"), left.join());
  await Deno.remove(runs, { recursive: true });
});

Deno.test("createRunFolder() in two processes at once never hands out the same run id", async () => {
  const runs = await Deno.makeTempDir();
  const outs = await Promise.all([1, 2].map(() => spawn(["folders", runs, "300"])));
  const ids = outs.flatMap((o) => {
    assert.equal(o.code, 0, o.err);
    return JSON.parse(o.out) as string[];
  });
  assert.equal(ids.length, 600);
  assert.equal(new Set(ids).size, 600);
  assert.equal([...Deno.readDirSync(runs)].length, 600);
  await Deno.remove(runs, { recursive: true });
});
