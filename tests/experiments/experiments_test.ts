/**
 * The studies in `experiments/`: every file validates against the real node
 * kinds, and every study runs end to end at a tiny size (overrides as
 * `--set` would give them) into a temporary runs folder, with a report whose
 * summary fills every placeholder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { KINDS, parseExperimentText, parseSet, validateExperiment } from "../../core/graph/mod.ts";
import { Progress, runExperiment, writeRunReport, writeSweepReport } from "../../core/scheduler/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DIR = join(ROOT, "experiments");
const names = [...Deno.readDirSync(DIR)].filter((e) => e.isFile && e.name.endsWith(".yaml")).map((e) =>
  e.name.slice(0, -5)
).sort();

/** `--set` overrides that make each study tiny; every level a summary names is kept. */
const TINY: Record<string, string[]> = {
  quickstart: ["fit.params.steps=40"],
  couplings_2d: [
    "seed=0,1",
    ...["g8", "moons", "m2g"].flatMap((t) => ["icfm", "ot", "sb"].map((c) => `fit_${t}_${c}.params.steps=25`)),
    "normal_test.params.n=200",
    "g8_test.params.n=200",
    "moons_test.params.n=200",
  ],
  ellipse_fm_vs_ddpm: [
    ...["fm", "ddpm"].flatMap((m) => [500, 1000, 2000, 5000, 10000, 20000].map((s) => `${m}_${s}.params.steps=15`)),
    "start.params.n=150",
    "target.params.n=1300",
    "split.params.test=300",
  ],
  paths_and_transfer: [
    "fit_condot.params.steps=30",
    "fit_cosine.params.steps=30",
    "fit_vp.params.steps=30",
    "start.params.n=150",
    "target.params.n=1300",
    "split.params.test=300",
  ],
  stochastic_sampling: [
    "fit.params.steps=30",
    "gen.params.n=150",
    "gen.params.g=0,0.5,0.75,1.5",
    "seed=0,1",
    "target.params.n=800",
    "split.params.test=300",
  ],
  error_decomposition: ["fit.params.steps=30", "start.params.n=100", "target.params.n=700", "split.params.test=300"],
  langevin_mixture: [
    "start.params.n=150",
    "langevin_10000.params.steps=1000",
    "langevin_30000.params.steps=2000",
    "exact_draws.params.n=400",
    "exact.params.test=200",
  ],
  guidance: [
    "fit.params.steps=30",
    "gen.params.n=120",
    "gen.params.guidance.w=0,1,2,4",
    "target.params.n=1200",
    "split.params.test=300",
  ],
  paired_denoise: [
    "fit_paired.params.steps=30",
    "fit_noise.params.steps=30",
    "start.params.n=150",
    "target.params.n=1150",
    "split.params.test=150",
  ],
};

const summaryOf = (html: string) =>
  /<section id="summary" class="summary">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? undefined;

Deno.test("every experiment validates against the real node kinds", () => {
  assert.ok(names.length >= 9, `found only ${names.join(", ")}`);
  for (const name of names) {
    const file = join(DIR, `${name}.yaml`);
    const src = parseExperimentText(Deno.readTextFileSync(file), file);
    assert.deepEqual(src.issues, [], `${name}: ${src.issues.map((i) => i.message).join("; ")}`);
    const v = validateExperiment(src.data, { kinds: KINDS, file, locate: src.locate });
    assert.ok(v.ok, `${name}: ${v.ok ? "" : v.issues.map((i) => `${i.node}.${i.field}: ${i.message}`).join("; ")}`);
    assert.ok(name in TINY, `${name} has no tiny overrides in this test: add them to TINY`);
  }
});

for (const name of Object.keys(TINY)) {
  Deno.test({
    name: `experiment ${name} runs end to end at a tiny size, with a filled summary`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const file = join(DIR, `${name}.yaml`);
      const text = await Deno.readTextFile(file);
      const src = parseExperimentText(text, file);
      const runsDir = await Deno.makeTempDir({ prefix: `flowlab-${name}-` });
      try {
        const outcome = await runExperiment({
          config: src.data,
          file,
          text,
          locate: src.locate,
          sets: TINY[name]!.map(parseSet),
          runsDir,
          root: ROOT,
          progress: new Progress({ tty: false, quiet: true }),
          onRunComplete: writeRunReport,
          onSweepComplete: writeSweepReport,
        });
        assert.equal(outcome.status, "ok", outcome.runs.map((r) => r.record.error ?? "").join("; "));
        const wantsSummary = /\n\s+summary:/.test(text);
        for (const run of outcome.runs) {
          assert.ok(Object.keys(run.record.metrics).length > 0, `${run.record.id}: no metrics`);
          assert.equal(run.record.report, "report.html");
          const html = await Deno.readTextFile(join(run.dir, "report.html"));
          const summary = summaryOf(html);
          if (wantsSummary) assert.ok(summary, `${run.record.id}: no summary`);
          assert.ok(!summary?.includes("[?"), `${run.record.id}: ${summary}`);
        }
        if (/\n\s+sweep_summary:/.test(text)) {
          assert.ok(outcome.sweep, `${name}: no sweep`);
          const html = await Deno.readTextFile(join(outcome.sweep!.dir, "report.html"));
          const summary = summaryOf(html);
          assert.ok(summary && !summary.includes("[?"), `${name} sweep: ${summary}`);
        }
      } finally {
        await Deno.remove(runsDir, { recursive: true });
      }
    },
  });
}
