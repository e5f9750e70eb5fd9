/** Helpers of the Slurm tests: a tiny sweep, local reference runs, comparisons. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listRunRecords, type RunRecord } from "../../core/scheduler/mod.ts";
import { cli, ROOT, sameBytes, storeBytes } from "../e2e/_run.ts";

export { cli, ROOT, sameBytes, storeBytes };

/**
 * A tiny graph (moons, a 16×16 MLP, Euler sampling, W2) swept over the training
 * length: the data nodes are shared by every member, so members running at
 * once race to compute them.
 */
export function sweepYaml(steps: readonly number[]): string {
  return `
name: slurmsweep
seed: 7
nodes:
  target: { kind: data.moons, params: { n: 600, noise: 0.05 } }
  split:  { kind: data.split, inputs: { data: target }, params: { test: 200 } }
  source: { kind: data.gaussian, params: { dim: 2 } }
  pairs:  { kind: coupling.independent, inputs: { source: source, target: split.train } }
  path:   { kind: path.affine, params: { scheduler: condot } }
  model:  { kind: model.mlp, params: { hidden: [16, 16], activation: elu } }
  fit:    { kind: train, inputs: { pairs: pairs, path: path, model: model },
            params: { prediction: velocity, steps: 100, batch: 64, lr: 1.0e-3 } }
  gen:    { kind: sample.ode, inputs: { model: fit, path: path, source: source }, params: { method: euler, steps: 10, n: 200 } }
  w2:     { kind: metric.w2, inputs: { samples: gen, reference: split.test } }
sweep:
  fit.params.steps: [${steps.join(", ")}]
`;
}

/** Writes the experiment file into `dir`; returns its path. */
export async function writeSweep(dir: string, steps: readonly number[]): Promise<string> {
  const file = join(dir, "slurmsweep.yaml");
  await Deno.writeTextFile(file, sweepYaml(steps));
  return file;
}

/** The sweep id and member metrics of the newest `sweep.json` under `runs`. */
export async function readSweep(runs: string): Promise<{
  dir: string;
  index: {
    id: string;
    status: string;
    size: number;
    report?: string;
    members: { index: number; run: string | null; status: string; metrics: Record<string, unknown> }[];
  };
}> {
  for (const e of Deno.readDirSync(runs)) {
    if (!e.isDirectory) continue;
    try {
      const text = await Deno.readTextFile(join(runs, e.name, "sweep.json"));
      return { dir: join(runs, e.name), index: JSON.parse(text) };
    } catch { /* not a sweep folder */ }
  }
  throw new Error(`No sweep.json under ${runs}`);
}

/** Member index → newest record of that member. */
export async function memberRecords(runs: string): Promise<Map<number, { dir: string; record: RunRecord }>> {
  const out = new Map<number, { dir: string; record: RunRecord }>();
  for (const r of await listRunRecords(runs)) {
    const k = r.record.sweep?.index;
    if (k !== undefined && !out.has(k)) out.set(k, r);
  }
  return out;
}

/** Asserts that `runs` holds the same complete sweep as `reference`: metrics per member and every cache entry's bytes. */
export async function assertSameSweep(runs: string, reference: string): Promise<void> {
  const a = await readSweep(runs), b = await readSweep(reference);
  assert.equal(a.index.id, b.index.id);
  assert.equal(a.index.status, "ok");
  assert.deepEqual(
    a.index.members.map((m) => [m.index, m.status, m.metrics]),
    b.index.members.map((m) => [m.index, m.status, m.metrics]),
  );
  const recs = await memberRecords(runs), refs = await memberRecords(reference);
  for (const [k, r] of refs) assert.deepEqual(recs.get(k)?.record.metrics, r.record.metrics, `member ${k}`);
  assert.equal(sameBytes(await storeBytes(runs), await storeBytes(reference)), undefined);
}

/** Polls `cond` every 50 ms until it holds; throws after `ms`. */
export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** How many keys under `runs` have a training checkpoint. */
export function checkpoints(runs: string): number {
  let n = 0;
  try {
    for (const e of Deno.readDirSync(join(runs, "cache", ".partial"))) {
      try {
        if (Deno.statSync(join(runs, "cache", ".partial", e.name, "checkpoint.bin")).isFile) n++;
      } catch { /* being written or dropped */ }
    }
  } catch { /* none yet */ }
  return n;
}

/** True when a training checkpoint exists for some key under `runs`. */
export function checkpointExists(runs: string): boolean {
  return checkpoints(runs) > 0;
}

/** Entries left in `cache/.tmp` (writers that did not clean up). */
export function tmpLeftovers(runs: string): string[] {
  try {
    return [...Deno.readDirSync(join(runs, "cache", ".tmp"))].map((e) => e.name);
  } catch {
    return [];
  }
}
