/**
 * A separate OS process for the store race tests (`deno run -A _race_worker.ts MODE ...`):
 *
 *   run RUNS FILE BARRIER PARTIES   run the experiment FILE into RUNS; before committing
 *                                   each cache entry, wait until PARTIES processes have
 *                                   computed it too (so every commit is a real race);
 *                                   prints the run record's status, node statuses and metrics
 *   checkpoint RUNS KEY N drop|keep save a checkpoint of KEY N times (dropping it after each
 *                                   save with `drop`, as a committing writer does); prints
 *                                   how many saves failed
 *   folders RUNS N                  create N run folders of one name; prints their ids
 */
import { join } from "node:path";
import { parseExperimentText } from "../../core/graph/mod.ts";
import { createRunFolder, Progress, runExperiment, Store } from "../../core/scheduler/mod.ts";

const [mode, runs, ...rest] = Deno.args;

async function barrier(dir: string, parties: number): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, String(Deno.pid)), "");
  const end = Date.now() + 60_000;
  while ([...Deno.readDirSync(dir)].length < parties) {
    if (Date.now() > end) throw new Error(`Barrier ${dir}: timed out waiting for ${parties} processes`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

if (mode === "run") {
  const [file, barrierDir, parties] = rest;
  const text = await Deno.readTextFile(file!);
  const store = new Store(runs!, { beforeCommit: (key) => barrier(join(barrierDir!, key), Number(parties)) });
  const out = await runExperiment({
    config: parseExperimentText(text, file!).data,
    file: file!,
    text,
    runsDir: runs!,
    root: new URL("../../", import.meta.url).pathname,
    store,
    progress: new Progress({ tty: false, quiet: true }),
  });
  const r = out.runs[0]!.record;
  console.log(JSON.stringify({
    id: r.id,
    status: r.status,
    nodes: Object.fromEntries(Object.entries(r.nodes).map(([id, n]) => [id, n.status])),
    metrics: r.metrics,
  }));
} else if (mode === "checkpoint") {
  const [key, n, how] = rest;
  const store = new Store(runs!);
  const bytes = new Uint8Array(100_000).fill(Deno.pid % 251);
  const errors: string[] = [];
  for (let i = 0; i < Number(n); i++) {
    try {
      await store.saveCheckpoint(key!, bytes);
    } catch (e) {
      errors.push((e as Error).message);
    }
    if (how === "drop") await store.dropCheckpoint(key!);
  }
  console.log(JSON.stringify({ failed: errors.length, first: errors[0] ?? null }));
} else if (mode === "folders") {
  const ids: string[] = [];
  for (let i = 0; i < Number(rest[0]); i++) ids.push((await createRunFolder(runs!, "race")).id);
  console.log(JSON.stringify(ids));
} else {
  console.error(`Unknown mode "${mode}": expected run, checkpoint or folders`);
  Deno.exit(2);
}
