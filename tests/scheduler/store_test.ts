import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../../core/scheduler/mod.ts";

const bytes = (...v: number[]) => new Uint8Array(v);

Deno.test("Store.write() then read() round-trips and verifies checksums", async () => {
  const dir = await Deno.makeTempDir();
  const store = new Store(dir);
  assert.equal((await store.read("k1")).status, "missing");
  assert.equal(
    await store.write("k1", "t.kind", { a: { bytes: bytes(1, 2, 3), type: "value" } }, 0.5, { note: 1 }),
    true,
  );
  const r = await store.read("k1");
  assert.equal(r.status, "ok");
  if (r.status !== "ok") return;
  assert.deepEqual([...r.outputs.a!], [1, 2, 3]);
  assert.deepEqual(r.meta.annotations, { note: 1 });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Store.write() leaves nothing behind when the process dies before the rename", async () => {
  const dir = await Deno.makeTempDir();
  const crashing = new Store(dir, {
    beforeCommit() {
      throw new Error("simulated crash");
    },
  });
  await assert.rejects(crashing.write("k2", "t.kind", { a: { bytes: bytes(9), type: "value" } }, 0), /simulated crash/);
  const store = new Store(dir);
  assert.equal((await store.read("k2")).status, "missing");
  assert.deepEqual(await store.keys(), []);
  const tmp = [...Deno.readDirSync(join(dir, "cache", ".tmp"))];
  assert.deepEqual(tmp, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Store.read() detects a corrupt or partial entry", async () => {
  const dir = await Deno.makeTempDir();
  const store = new Store(dir);
  await store.write("k3", "t.kind", { a: { bytes: bytes(1, 2, 3, 4), type: "value" } }, 0);
  const file = join(store.entryDir("k3"), "a.bin");
  await Deno.writeFile(file, bytes(1, 2, 3, 5));
  const bad = await store.read("k3");
  assert.equal(bad.status, "corrupt");
  assert.match((bad as { reason: string }).reason, /fails its checksum/);
  await Deno.writeFile(file, bytes(1, 2));
  assert.match((await store.read("k3") as { reason: string }).reason, /checksum/);
  await Deno.remove(file);
  assert.match((await store.read("k3") as { reason: string }).reason, /missing/);
  // a folder without meta.json (an interrupted copy) is corrupt, not missing
  await Deno.mkdir(store.entryDir("k4"), { recursive: true });
  assert.equal((await store.read("k4")).status, "corrupt");
  const moved = await store.quarantine("k4");
  assert.ok(moved.includes(".corrupt"));
  assert.equal((await store.read("k4")).status, "missing");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Store.write() from concurrent writers of one key ends with one valid entry", async () => {
  const dir = await Deno.makeTempDir();
  const stores = Array.from({ length: 6 }, () => new Store(dir));
  const results = await Promise.all(
    stores.map((s, i) => s.write("same", "t.kind", { a: { bytes: bytes(7, 7, 7), type: "value" } }, i)),
  );
  assert.equal(results.filter((r) => r).length, 1);
  assert.equal((await stores[0]!.read("same")).status, "ok");
  assert.deepEqual(await stores[0]!.keys(), ["same"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Store.gc() removes entries that no record keeps", async () => {
  const dir = await Deno.makeTempDir();
  const store = new Store(dir);
  for (const k of ["a", "b", "c"]) await store.write(k, "t", { x: { bytes: bytes(1), type: "value" } }, 0);
  await store.saveCheckpoint("d", bytes(1, 2));
  const dry = await store.gc(new Set(["a"]), { dryRun: true });
  assert.equal(dry.removed.length, 3);
  assert.deepEqual(await store.keys(), ["a", "b", "c"]);
  await store.gc(new Set(["a"]));
  assert.deepEqual(await store.keys(), ["a"]);
  assert.equal(await store.loadCheckpoint("d"), null);
  await Deno.remove(dir, { recursive: true });
});
