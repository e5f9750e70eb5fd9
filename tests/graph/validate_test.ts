import assert from "node:assert/strict";
import { formatIssue, type GraphIssue, parseExperimentText, validateExperiment } from "../../core/graph/mod.ts";
import { testKinds } from "./_kinds.ts";

function issuesOf(yaml: string): GraphIssue[] {
  const src = parseExperimentText(yaml, "x.yaml");
  assert.deepEqual(src.issues, []);
  const r = validateExperiment(src.data, { kinds: testKinds, file: "x.yaml", locate: src.locate });
  assert.equal(r.ok, false, "expected validation to fail");
  return r.ok ? [] : r.issues;
}

const GOOD = `
name: good
seed: 0
nodes:
  data: { kind: t.source, params: { n: 5 } }
  split: { kind: t.split, inputs: { data: data } }
  path: { kind: t.path }
  fit: { kind: t.fit, inputs: { data: split.train, path: path }, params: { steps: 3 } }
`;

Deno.test("validateExperiment() accepts a valid graph and applies defaults", () => {
  const src = parseExperimentText(GOOD, "good.yaml");
  const r = validateExperiment(src.data, { kinds: testKinds });
  assert.ok(r.ok);
  if (!r.ok) return;
  // topological, ties broken by file order
  assert.deepEqual(r.graph.order, ["data", "split", "path", "fit"]);
  assert.deepEqual(r.graph.nodes.fit!.params, { steps: 3, lr: 1e-3 });
  assert.deepEqual(r.graph.nodes.fit!.inputs.data, { node: "split", output: "train" });
  assert.deepEqual(r.graph.nodes.split!.inputs.data, { node: "data", output: "samples" });
});

Deno.test("validateExperiment() reports an unknown kind with a suggestion and its line", () => {
  const [i] = issuesOf(GOOD.replace("kind: t.split", "kind: t.splt"));
  assert.equal(i!.node, "split");
  assert.equal(i!.field, "kind");
  assert.match(i!.message, /unknown kind "t.splt"/);
  assert.match(i!.fix!, /did you mean "t.split"/);
  assert.equal(i!.line, 6);
});

Deno.test("validateExperiment() reports an unknown parameter with a suggestion", () => {
  const [i] = issuesOf(GOOD.replace("steps: 3", "stpes: 3"));
  assert.equal(i!.field, "params.stpes");
  assert.match(i!.fix!, /did you mean "steps"/);
  assert.match(formatIssue(i!), /^x\.yaml:8:\d+: node "fit", field "params\.stpes": unknown parameter "stpes"/);
});

Deno.test("validateExperiment() reports a parameter out of range and of the wrong type", () => {
  const issues = issuesOf(GOOD.replace("steps: 3", "steps: 0, lr: fast"));
  const byField = Object.fromEntries(issues.map((i) => [i.field, i]));
  assert.match(byField["params.steps"]!.message, /"0" is too small: minimum 1/);
  assert.match(byField["params.lr"]!.message, /"fast" is not a number/);
  assert.match(
    issuesOf(GOOD.replace("{ kind: t.path }", "{ kind: t.path, params: { scheduler: cosin } }"))[0]!.fix!,
    /did you mean "cosine"/,
  );
});

Deno.test("validateExperiment() reports a missing input and an unknown input port", () => {
  const issues = issuesOf(GOOD.replace("inputs: { data: split.train, path: path }", "inputs: { dat: split.train }"));
  const messages = issues.map((i) => `${i.field}: ${i.message}`).sort();
  assert.deepEqual(messages, [
    'inputs.dat: kind "t.fit" has no input "dat"',
    'inputs.data: missing input "data" (samples)',
    'inputs.path: missing input "path" (path)',
  ]);
  assert.match(issues.find((i) => i.field === "inputs.dat")!.fix!, /did you mean "data"/);
});

Deno.test("validateExperiment() reports references to missing nodes and outputs", () => {
  const a = issuesOf(GOOD.replace("data: split.train", "data: spilt.train"));
  assert.match(a[0]!.message, /input "spilt.train" names no node/);
  assert.match(a[0]!.fix!, /did you mean "split"/);
  const b = issuesOf(GOOD.replace("data: split.train", "data: split.tarin"));
  assert.match(b[0]!.message, /node "split" \(t.split\) has no output "tarin"/);
  assert.match(b[0]!.fix!, /did you mean "train"/);
});

Deno.test("validateExperiment() reports a port of the wrong type", () => {
  const [i] = issuesOf(GOOD.replace("path: path }", "path: data }"));
  assert.equal(i!.field, "inputs.path");
  assert.match(i!.message, /input "data" is samples, but "path" takes path/);
});

Deno.test("validateExperiment() reports a cycle with its nodes", () => {
  const yaml = GOOD.replace(
    "split: { kind: t.split, inputs: { data: data } }",
    "split: { kind: t.split, inputs: { data: fit2 } }",
  ) +
    "  fit2: { kind: t.split, inputs: { data: split.test } }\n";
  const issues = issuesOf(yaml);
  const cycle = issues.find((i) => i.message.includes("cycle"))!;
  assert.match(cycle.message, /the graph has a cycle: (split → fit2 → split|fit2 → split → fit2)/);
});

Deno.test("validateExperiment() reports top-level problems: name, seed, unknown keys", () => {
  const issues = issuesOf(GOOD.replace("name: good", "name: Good Name").replace("seed: 0", "sed: 0"));
  const fields = issues.map((i) => i.field).sort();
  assert.deepEqual(fields, ["name", "sed", "seed"]);
  assert.match(issues.find((i) => i.field === "sed")!.fix!, /did you mean "seed"/);
});

Deno.test("validateExperiment() runs each kind's semantic check", () => {
  const [i] = issuesOf(GOOD.replace("{ kind: t.path }", "{ kind: t.path, params: { scheduler: ve } }"));
  assert.equal(i!.node, "fit");
  assert.match(i!.message, /expects a source of std 10/);
});

Deno.test("validateExperiment() reports five different errors together", () => {
  const yaml = `
name: five
seed: -1
nodes:
  data: { kind: t.sorce }
  split: { kind: t.split, inputs: { data: nothing } }
  path: { kind: t.path, params: { schedulr: condot } }
  fit: { kind: t.fit, inputs: { data: split.train, path: path }, params: { steps: 2.5 } }
`;
  const issues = issuesOf(yaml);
  assert.equal(issues.length, 5, issues.map(formatIssue).join("\n"));
  const text = issues.map(formatIssue).join("\n");
  for (
    const want of [
      /seed/,
      /unknown kind "t.sorce"/,
      /input "nothing" names no node/,
      /unknown parameter "schedulr"/,
      /"2.5" is not an integer/,
    ]
  ) {
    assert.match(text, want);
  }
  // sorted by position in the file
  assert.deepEqual(issues.map((i) => i.line), [...issues.map((i) => i.line)].sort((a, b) => a! - b!));
});

Deno.test("parseExperimentText() turns YAML syntax errors into issues with a line", () => {
  const src = parseExperimentText("name: x\nnodes:\n  a: { kind: t.source\n", "bad.yaml");
  assert.ok(src.issues.length >= 1);
  assert.match(src.issues[0]!.message, /YAML syntax error/);
  assert.ok(src.issues[0]!.line! >= 3);
});
