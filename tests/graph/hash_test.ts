import assert from "node:assert/strict";
import {
  canonicalJson,
  expandSweep,
  experiment,
  type ExperimentConfig,
  graphHash,
  nodeKeys,
  normalizeConfig,
  parseExperimentText,
  parseSet,
  type ResolvedGraph,
  validateExperiment,
} from "../../core/graph/mod.ts";
import { testKinds } from "./_kinds.ts";

const YAML = `
name: twin
seed: 4
nodes:
  data:  { kind: t.source, params: { n: 5, dim: 2 } }
  split: { kind: t.split, inputs: { data: data }, params: {} }
  path:  { kind: t.path }
  fit:   { kind: t.fit, inputs: { data: split.train, path: path }, params: { steps: 1.0e+2, lr: 0.001 } }
sweep:
  fit.params.steps: [10, 20]
`;

function resolve(config: unknown): ResolvedGraph {
  const r = validateExperiment(config, { kinds: testKinds });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.graph;
}

function keysOf(config: unknown, numerics = "wasm"): Record<string, string> {
  return nodeKeys(resolve(config), { kinds: testKinds, numerics });
}

const yamlConfig = () => parseExperimentText(YAML, "twin.yaml").data as ExperimentConfig;

Deno.test("ExperimentBuilder serialises to the same data and hash as its YAML twin", () => {
  const g = experiment("twin", { seed: 4 });
  const data = g.node("data", "t.source", { n: 5, dim: 2 });
  const split = g.node("split", "t.split", {}, { data });
  const path = g.node("path", "t.path");
  g.node("fit", "t.fit", { steps: 100, lr: 1e-3 }, { data: split.output("train"), path });
  g.sweep("fit.params.steps", [10, 20]);
  const built = g.toConfig();
  assert.equal(canonicalJson(built), canonicalJson(normalizeConfig(yamlConfig())));
  assert.equal(graphHash(resolve(built), "1"), graphHash(resolve(yamlConfig()), "1"));
  assert.deepEqual(keysOf(built), keysOf(yamlConfig()));
});

Deno.test("canonicalJson() sorts keys and prints numbers one way", () => {
  assert.equal(canonicalJson({ b: 1, a: [1e-3, -0, "x"], c: undefined }), '{"a":[0.001,0,"x"],"b":1}');
  assert.throws(() => canonicalJson({ a: NaN }), /finite/);
});

Deno.test("nodeKeys() changes a node's key and its dependants' only", () => {
  const base = keysOf(yamlConfig());
  const changed = structuredClone(yamlConfig());
  changed.nodes.split!.params = { test: 3 };
  const after = keysOf(changed);
  assert.equal(after.data, base.data);
  assert.equal(after.path, base.path);
  assert.notEqual(after.split, base.split);
  assert.notEqual(after.fit, base.fit);
});

Deno.test("nodeKeys() ignores spelling: defaults written out and number formats", () => {
  const explicit = structuredClone(yamlConfig());
  explicit.nodes.path!.params = { scheduler: "condot" };
  explicit.nodes.split!.params = { test: 2 };
  assert.deepEqual(keysOf(explicit), keysOf(yamlConfig()));
});

Deno.test("nodeKeys() puts the seed only in random kinds and the backend only in numeric kinds", () => {
  const a = keysOf(yamlConfig());
  const seeded = structuredClone(yamlConfig());
  seeded.seed = 5;
  const b = keysOf(seeded);
  assert.notEqual(b.data, a.data); // random
  assert.notEqual(b.split, a.split); // its input changed
  assert.equal(b.path, a.path); // neither random nor downstream of a random node
  const c = keysOf(yamlConfig(), "cpu");
  assert.equal(c.data, a.data);
  assert.equal(c.split, a.split);
  assert.notEqual(c.fit, a.fit); // numeric
});

Deno.test("nodeKeys() differ between two nodes that read different outputs", () => {
  const cfg = structuredClone(yamlConfig());
  const k1 = keysOf(cfg);
  cfg.nodes.fit!.inputs!.data = "split.test";
  const k2 = keysOf(cfg);
  assert.notEqual(k1.fit, k2.fit);
});

Deno.test("expandSweep() forms the cartesian product with --set and keeps single values as overrides", () => {
  const members = expandSweep(yamlConfig(), [parseSet("seed=0,1,2"), parseSet("data.params.n=7")]);
  assert.equal(members.length, 6);
  assert.deepEqual(members.map((m) => m.values), [
    { "fit.params.steps": 10, seed: 0 },
    { "fit.params.steps": 10, seed: 1 },
    { "fit.params.steps": 10, seed: 2 },
    { "fit.params.steps": 20, seed: 0 },
    { "fit.params.steps": 20, seed: 1 },
    { "fit.params.steps": 20, seed: 2 },
  ]);
  for (const m of members) {
    assert.equal(m.config.nodes.data!.params!.n, 7);
    assert.equal(m.config.sweep, undefined);
  }
  assert.deepEqual(parseSet("model.params.hidden=[64,64],[128]").values, [[64, 64], [128]]);
  assert.throws(() => parseSet("nonsense"), /expected path=value/);
});
