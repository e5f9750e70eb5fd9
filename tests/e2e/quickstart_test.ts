import assert from "node:assert/strict";
import { join } from "node:path";
import {
  canonicalJson,
  experiment,
  graphHash,
  KINDS,
  normalizeConfig,
  parseExperimentText,
  validateExperiment,
} from "../../core/graph/mod.ts";
import { readRunRecord } from "../../core/scheduler/mod.ts";
import { cli, ROOT, sameBytes, storeBytes } from "./_run.ts";

Deno.test("quickstart: W2 below 0.3 against held-out moons; a second run reuses every node with identical bytes", async () => {
  const runs = await Deno.makeTempDir();
  const first = await cli(["run", "quickstart", "--out", runs]);
  assert.equal(first.code, 0, first.out);
  const dirs = [...Deno.readDirSync(runs)].filter((e) => e.name.startsWith("quickstart-")).map((e) =>
    join(runs, e.name)
  );
  assert.equal(dirs.length, 1);
  const rec = await readRunRecord(dirs[0]!);
  assert.equal(rec.status, "ok");
  assert.equal(rec.schema, 1);
  assert.equal(rec.versions.backend, "wasm");
  assert.equal(rec.versions.tfjs, "4.22.0");
  assert.ok(rec.git.commit === null || /^[0-9a-f]{40}$/.test(rec.git.commit));
  const w2 = rec.metrics.w2 as number;
  assert.ok(w2 > 0 && w2 < 0.3, `W2 ${w2}`);
  assert.ok(rec.nodes.fit!.status === "ok" && rec.nodes.fit!.seconds! > 0);
  const html = await Deno.readTextFile(join(dirs[0]!, rec.report!));
  assert.ok(html.includes("Quickstart: N(0, I) → two moons"));
  assert.match(html, /W2 = 0\.\d+/);
  assert.doesNotMatch(html, /\[\?/);
  const bytes1 = await storeBytes(runs);

  const second = await cli(["run", "quickstart", "--out", runs]);
  assert.equal(second.code, 0, second.out);
  assert.match(second.out, /0 computed, 6 cached/);
  const dirs2 = [...Deno.readDirSync(runs)].filter((e) => e.name.startsWith("quickstart-")).map((e) =>
    join(runs, e.name)
  );
  const rec2 = await readRunRecord(dirs2.find((d) => d !== dirs[0])!);
  assert.deepEqual(rec2.metrics, rec.metrics);
  assert.ok(Object.values(rec2.nodes).every((n) => n.status === "cached" || n.status === "rebuilt"));

  // recomputing everything gives the same bytes (determinism), and the cache stays the same
  const third = await cli(["run", "quickstart", "--out", runs, "--no-cache"]);
  assert.equal(third.code, 0, third.out);
  assert.doesNotMatch(third.out, /not deterministic/);
  assert.equal(sameBytes(bytes1, await storeBytes(runs)), undefined);
  await Deno.remove(runs, { recursive: true });
});

// The issue says the source is "above 1"; measured on these 1000 + 1000 points it is 0.90 (the mean shift alone is
// |(0.5, 0.25)| = 0.56), which is still three times the 0.3 bar and five times a trained model's W2.
Deno.test("quickstart: the standard-normal source is far from the moons (W2 ≈ 0.9), so the 0.3 bar means something", async () => {
  const runs = await Deno.makeTempDir();
  // score the source itself against the held-out points: sample.ode with zero steps is not allowed, so compare data nodes
  const yaml = (await Deno.readTextFile(join(ROOT, "experiments/quickstart.yaml")))
    .replace(/ {2}pairs:[\s\S]*/, "") +
    "  src:    { kind: data.gaussian, params: { dim: 2, n: 1000 } }\n" +
    "  w2:     { kind: metric.w2, inputs: { samples: src, reference: split.test } }\n";
  const file = join(runs, "source_only.yaml");
  await Deno.writeTextFile(file, yaml);
  const r = await cli(["run", file, "--out", runs]);
  assert.equal(r.code, 0, r.out);
  const w2 = Number(/w2=([0-9.]+)/.exec(r.out)![1]);
  assert.ok(w2 > 0.8, `W2 of the source ${w2}`);
  await Deno.remove(runs, { recursive: true });
});

Deno.test("quickstart: the TypeScript builder gives the same data and graph hash as the YAML", async () => {
  const text = await Deno.readTextFile(join(ROOT, "experiments/quickstart.yaml"));
  const fromYaml = normalizeConfig(parseExperimentText(text).data as never);
  const g = experiment("quickstart", { seed: 0 });
  const target = g.node("target", "data.moons", { n: 10000, noise: 0.05 });
  const split = g.node("split", "data.split", { test: 1000 }, { data: target });
  const source = g.node("source", "data.gaussian", { dim: 2 });
  const pairs = g.node("pairs", "coupling.independent", {}, { source, target: split.output("train") });
  const path = g.node("path", "path.affine", { scheduler: "condot" });
  const model = g.node("model", "model.mlp", { hidden: [64, 64, 64], activation: "elu" });
  const fit = g.node("fit", "train", { prediction: "velocity", steps: 5000, batch: 256, lr: 1e-3 }, {
    pairs,
    path,
    model,
  });
  const gen = g.node("gen", "sample.ode", { method: "euler", steps: 100, n: 1000, trajectory: true }, {
    model: fit,
    path,
    source,
  });
  g.node("w2", "metric.w2", {}, { samples: gen, reference: split.output("test") });
  g.node("page", "report", (fromYaml.nodes.page!.params ?? {}) as Record<string, unknown>);
  assert.equal(canonicalJson(g.toConfig()), canonicalJson(fromYaml));
  const a = validateExperiment(g.toConfig(), { kinds: KINDS }), b = validateExperiment(fromYaml, { kinds: KINDS });
  assert.ok(a.ok && b.ok);
  if (a.ok && b.ok) assert.equal(graphHash(a.graph, "x"), graphHash(b.graph, "x"));
});
