import assert from "node:assert/strict";
import { join } from "node:path";
import {
  formatIssue,
  GraphValidationError,
  KINDS,
  parseExperimentText,
  validateExperiment,
} from "../../core/graph/mod.ts";
import { Progress, runExperiment } from "../../core/scheduler/mod.ts";
import { cli, ROOT } from "./_run.ts";

const BASE = `
name: checks
seed: 0
nodes:
  target: { kind: data.moons, params: { n: 500 } }
  source: { kind: data.gaussian, params: { dim: 2 } }
  pairs:  { kind: coupling.independent, inputs: { source: source, target: target } }
  path:   { kind: path.affine, params: { scheduler: condot } }
  model:  { kind: model.mlp }
  fit:    { kind: train, inputs: { pairs: pairs, path: path, model: model }, params: { steps: 10 } }
  gen:    { kind: sample.ode, inputs: { model: fit, path: path, source: source } }
`;

function issues(yaml: string): string[] {
  const src = parseExperimentText(yaml, "x.yaml");
  const r = validateExperiment(src.data, { kinds: KINDS, file: "x.yaml", locate: src.locate });
  return r.ok ? [] : r.issues.map(formatIssue);
}

Deno.test("validateExperiment() accepts the base graph with the real kinds", () => {
  assert.deepEqual(issues(BASE), []);
});

Deno.test("validateExperiment() rejects a VE path fed a unit Gaussian source, in train and in the sampler", () => {
  const text = issues(BASE.replace("scheduler: condot", "scheduler: ve, sigma_max: 5")).join("\n");
  assert.match(
    text,
    /node "fit", field "inputs\.pairs": the path expects a N\(0, 5² I\) source but the coupling's source is N\(0, 1² I\); give the source std: 5/,
  );
  assert.match(text, /node "gen", field "inputs\.source": the path expects a N\(0, 5² I\) source/);
  assert.deepEqual(
    issues(
      BASE.replace("scheduler: condot", "scheduler: ve, sigma_max: 5").replace("{ dim: 2 }", "{ dim: 2, std: 5 }"),
    ),
    [],
  );
});

Deno.test("validateExperiment() checks scheduler parameters against the chosen scheduler", () => {
  const text = issues(BASE.replace("scheduler: condot", "scheduler: vp, sigma_max: 5")).join("\n");
  assert.match(
    text,
    /field "params\.sigma_max": "5": scheduler "vp" takes no parameter "sigma_max" \(its parameters: "beta_min", "beta_max"\)/,
  );
});

Deno.test("validateExperiment() rejects DDPM sampling on a continuous schedule and guidance without labels", () => {
  const ddpm = issues(BASE + "  anc: { kind: sample.ddpm, inputs: { model: fit, path: path, source: source } }\n").join(
    "\n",
  );
  assert.match(
    ddpm,
    /node "anc", field "inputs\.path": sample\.ddpm steps on a discrete schedule but the path's scheduler is "condot"/,
  );
  const guided = issues(
    BASE.replace(
      "inputs: { model: fit, path: path, source: source } }",
      "inputs: { model: fit, path: path, source: source }, params: { guidance: { w: 2, label: 0 } } }",
    ),
  );
  assert.match(guided.join("\n"), /field "params\.guidance": guidance needs a label-conditioned model/);
  assert.match(
    issues(
      BASE.replace("{ kind: model.mlp }", "{ kind: model.mlp, params: { label_embedding: true } }").replace(
        "kind: data.moons, params: { n: 500 }",
        "kind: data.ellipse, params: { n: 500 }",
      ),
    ).join("\n"),
    /pairs carry no labels/,
  );
});

Deno.test("runExperiment() refuses data paths that escape the project, before anything runs", async () => {
  const runs = await Deno.makeTempDir();
  const yaml = `
name: escape
seed: 0
nodes:
  data: { kind: data.file, params: { path: ../../../../../etc/hostname, format: csv } }
`;
  const src = parseExperimentText(yaml, join(ROOT, "experiments", "escape.yaml"));
  await assert.rejects(
    runExperiment({
      config: src.data,
      file: join(ROOT, "experiments", "escape.yaml"),
      runsDir: runs,
      root: ROOT,
      progress: new Progress({ tty: false, quiet: true }),
    }),
    (e: unknown) =>
      e instanceof GraphValidationError && /outside the project/.test(e.message) && /--data-dir/.test(e.message),
  );
  assert.deepEqual([...Deno.readDirSync(runs)], []);
  await Deno.remove(runs, { recursive: true });
});

Deno.test("data.file reads a CSV relative to the experiment file and its content is in the key", async () => {
  // outside the project: readable only because its folder is declared with --data-dir
  const dir = await Deno.makeTempDir();
  const runs = join(dir, "runs");
  await Deno.writeTextFile(join(dir, "points.csv"), "x,y\n0,0\n1,1\n2,2\n3,3\n");
  const yaml = `
name: files
seed: 0
nodes:
  data: { kind: data.file, params: { path: points.csv } }
  self: { kind: metric.w2, inputs: { samples: data, reference: data } }
`;
  await Deno.writeTextFile(join(dir, "files.yaml"), yaml);
  const denied = await cli(["run", join(dir, "files.yaml"), "--out", runs]);
  assert.equal(denied.code, 2, denied.out);
  assert.match(denied.out, /outside the project/);
  const a = await cli(["run", join(dir, "files.yaml"), "--out", runs, "--data-dir", dir]);
  assert.equal(a.code, 0, a.out);
  assert.match(a.out, /self=0\b/);
  await Deno.writeTextFile(join(dir, "points.csv"), "x,y\n0,0\n1,1\n2,2\n3,4\n");
  const b = await cli(["run", join(dir, "files.yaml"), "--out", runs, "--data-dir", dir]);
  assert.match(b.out, /2 computed, 0 cached/); // the file changed: the data node and its metric recompute
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the CLI exits 2 and lists every error of a broken config without writing anything", async () => {
  const runs = await Deno.makeTempDir();
  const file = join(runs, "broken.yaml");
  await Deno.writeTextFile(
    file,
    BASE.replace("seed: 0", "seed: -2").replace("kind: model.mlp", "kind: model.mpl").replace("steps: 10", "stpes: 10")
      .replace("source: source } }", "source: sorce } }"),
  );
  const r = await cli(["run", file, "--out", join(runs, "out")]);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /4 errors in the experiment config \(nothing was run\)/);
  assert.match(r.out, /did you mean "model\.mlp"/);
  assert.match(r.out, /did you mean "steps"/);
  assert.match(r.out, /did you mean "source"/);
  assert.throws(() => Deno.statSync(join(runs, "out")));
  const u = await cli(["run", "quickstart", "--recompute", "nope", "--dry-run", "--out", join(runs, "out")]);
  assert.equal(u.code, 2);
  assert.match(u.out, /no node "nope" to recompute/);
  await Deno.remove(runs, { recursive: true });
});
