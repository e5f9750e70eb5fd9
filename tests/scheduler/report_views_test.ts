import assert from "node:assert/strict";
import { fillSummary } from "../../core/scheduler/mod.ts";
import {
  compileFactors,
  factorNames,
  nfeToReach,
  observationsOf,
  pivotTable,
  queryFunctions,
  sweptFactors,
} from "../../core/scheduler/_report_views.ts";

const pattern = compileFactors("^(?<metric>w2|pe)_(?<task>g8|moons)_(?<coupling>icfm|ot)$");

/** Two seeds of a 2 × 2 study: w2 = task offset + coupling offset + seed noise. */
function study() {
  const obs = [];
  for (const seed of [0, 1]) {
    const metrics: Record<string, number | Record<string, number>> = {};
    for (const [task, t] of [["g8", 1], ["moons", 0.5]] as const) {
      for (const [coupling, c] of [["icfm", 0.2], ["ot", 0]] as const) {
        metrics[`w2_${task}_${coupling}`] = t + c + 0.01 * (seed === 0 ? -1 : 1);
        metrics[`pe_${task}_${coupling}`] = { npe: c + 0.1, pe: 1 };
      }
    }
    metrics.other = 42;
    obs.push(...observationsOf(metrics, pattern, { seed }));
  }
  return obs;
}

Deno.test("observationsOf() reads factors from node ids and splits object metrics into parts", () => {
  assert.deepEqual(factorNames(pattern), ["task", "coupling"]);
  const obs = observationsOf({ w2_g8_ot: 0.5, pe_moons_icfm: { npe: 0.1 }, loose: 3 }, pattern, { seed: 4 });
  assert.deepEqual(obs, [
    { metric: "w2", value: 0.5, factors: { seed: 4, task: "g8", coupling: "ot" } },
    { metric: "pe.npe", value: 0.1, factors: { seed: 4, task: "moons", coupling: "icfm" } },
    { metric: "loose", value: 3, factors: { seed: 4 } },
  ]);
  // numbers in ids become numbers; a swept path also answers to its last segment unless two share it
  assert.deepEqual(
    observationsOf({ w2_16: 1 }, compileFactors("^(?<metric>w2)_(?<steps>\\d+)$"))[0]!.factors,
    { steps: 16 },
  );
  assert.deepEqual(sweptFactors({ "gen.params.g": 0.5, "a.params.steps": 8, "b.params.steps": 16 }), {
    "gen.params.g": 0.5,
    g: 0.5,
    "a.params.steps": 8,
    "b.params.steps": 16,
  });
});

Deno.test("queryFunctions() averages over seeds, gives the sample sd and the best level", () => {
  const q = queryFunctions(study());
  assert.ok(Math.abs((q.at!("w2", { task: "g8", coupling: "ot" }) as number) - 1) < 1e-12);
  // two values 0.99 and 1.01: sample sd = 0.02 / √2
  assert.ok(Math.abs((q.sd!("w2", { task: "g8", coupling: "ot" }) as number) - 0.02 / Math.SQRT2) < 1e-12);
  assert.ok(Math.abs((q.at!("w2", { coupling: "icfm" }) as number) - 0.95) < 1e-12); // mean over tasks and seeds
  assert.equal(q.best!("w2", "coupling", { task: "moons" }), "ot");
  assert.equal(q.worst!("w2", "task"), "g8");
  assert.equal(q.best!("pe.npe", "coupling"), "ot");
  assert.deepEqual(q.values!("w2", { task: "moons", coupling: "ot" }), [0.49, 0.51]);
  assert.equal(q.count!("w2", {}), 8);
  assert.throws(() => q.at!("w3", {}), /no metric "w3"/);
  assert.throws(() => q.at!("w2", { task: "checkerboard" }), /matches/);
});

Deno.test("fillSummary() evaluates placeholders holding object literals and query functions", () => {
  const scope = { w2_g8_ot: 0.99, ...queryFunctions(study()) };
  const text = fillSummary(
    'OT {{ at("w2", {task: "g8", coupling: "ot"}) : 3 }} vs I {{ at("w2", {task: "g8", coupling: "icfm"}) : 3 }}; ' +
      'best {{ best("w2", "coupling", {task: "g8"}) }}; raw {{ w2_g8_ot }}; {{ nope }}',
    scope,
  );
  assert.equal(text, "OT 1 vs I 1.2; best ot; raw 0.99; [? nope: Undefined symbol nope]");
});

Deno.test("pivotTable() lays out mean ± sd by two factors, or by the parts of an object metric", () => {
  const obs = study();
  const t = pivotTable(obs, { metric: "w2", rows: "task", columns: "coupling", digits: 3 }, { ot: "OT-CFM" });
  assert.deepEqual(t.columns, ["task", "icfm", "OT-CFM"]);
  assert.deepEqual(t.rows, [
    { task: "g8", icfm: "1.2 ± 0.014", "OT-CFM": "1 ± 0.014" },
    { task: "moons", icfm: "0.7 ± 0.014", "OT-CFM": "0.5 ± 0.014" },
  ]);
  const parts = pivotTable(obs, { metric: "pe", rows: "coupling", digits: 2, where: { task: "g8" } });
  assert.deepEqual(parts.columns, ["coupling", "npe", "pe"]);
  assert.deepEqual(parts.rows, [
    { coupling: "icfm", npe: "0.3 ± 0", pe: "1 ± 0" },
    { coupling: "ot", npe: "0.1 ± 0", pe: "1 ± 0" },
  ]);
});

Deno.test("nfeToReach() is the smallest NFE whose W2 is at or below the target", () => {
  const rows = [
    { sampler: "euler", nfe: 4, metric: "w2", value: 0.5 },
    { sampler: "euler", nfe: 16, metric: "w2", value: 0.1 },
    { sampler: "euler", nfe: 8, metric: "w2", value: 0.2 },
    { sampler: "euler", nfe: 32, metric: "w2", value: 0.12 },
    { sampler: "heun", nfe: 8, metric: "w2", value: 0.1 },
  ];
  assert.equal(nfeToReach(rows, "euler", 0.2), 8);
  assert.equal(nfeToReach(rows, "euler", 0.1), 16);
  assert.ok(Number.isNaN(nfeToReach(rows, "euler", 0.05)));
  assert.equal(nfeToReach(rows, "heun", 0.15), 8);
});
