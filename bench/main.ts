/**
 * The benchmark runner (`deno task bench`).
 *
 * Discovers every `bench/*_bench.ts` (each exports `name` and
 * `run(ctx: BenchContext): Promise<BenchRow[]>`, see `_harness.ts`), runs them
 * one after another, prints one Markdown table per module and writes
 * `bench/results/latest.json` (rows plus machine facts) and
 * `bench/results/latest.md` (the tables, for the README).
 *
 *     deno task bench                       # everything, 5 interleaved rounds, writes latest.*
 *     deno task bench --quick               # smoke run: 1 round, short timings, writes nothing
 *     deno task bench --only train_step     # some modules (by `name` or file stem); every table they
 *                                           # produce replaces its old rows in latest.json, others are kept
 *     deno task bench --rounds 3 --no-reference --no-write
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type BenchContext, type BenchRow, formatMs, formatRatio } from "./_harness.ts";

/** What a benchmark module exports. */
export interface BenchModule {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** The file `latest.json` holds. */
export interface BenchResults {
  /** ISO time of the (last) run. */
  date: string;
  quick: boolean;
  rounds: number;
  machine: Record<string, string | number>;
  rows: BenchRow[];
}

const benchDir = new URL(".", import.meta.url);
const resultsDir = new URL("results/", benchDir);

/** The `bench/*_bench.ts` files, sorted. */
export function discoverBenchFiles(): string[] {
  const files: string[] = [];
  for (const e of Deno.readDirSync(benchDir)) {
    if (e.isFile && e.name.endsWith("_bench.ts")) files.push(e.name);
  }
  return files.sort();
}

async function machineFacts(): Promise<Record<string, string | number>> {
  const facts: Record<string, string | number> = {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os}-${Deno.build.arch}`,
    cores: navigator.hardwareConcurrency,
  };
  try {
    const cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/);
    if (cpu?.[1]) facts.cpu = cpu[1].trim();
  } catch { /* not Linux */ }
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", "import torch; print(torch.__version__)"],
      stdout: "piped",
      stderr: "null",
      env: { OPENBLAS_NUM_THREADS: "1" },
    }).output();
    if (out.success) facts.torch = new TextDecoder().decode(out.stdout).trim();
  } catch { /* no python */ }
  return facts;
}

/** The Markdown tables of `rows`, one per bench module. */
export function renderMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  lines.push(`# Benchmarks`, "");
  const m = results.machine;
  lines.push(
    `${results.date}, ${results.quick ? "quick run" : `medians of ${results.rounds} interleaved rounds`}; ` +
      `Deno ${m.deno}, ${m.cpu ?? m.os}, ${m.cores} cores` + (m.torch ? `, PyTorch ${m.torch}` : ", PyTorch absent") +
      ". Ratio = ours / reference (≤ 1× is faster).",
    "",
  );
  const benches = [...new Set(results.rows.map((r) => r.bench))];
  for (const bench of benches) {
    const rows = results.rows.filter((r) => r.bench === bench);
    const unit = rows[0]?.unit ?? "ms";
    lines.push(`## ${bench}`, "");
    lines.push(`| case | ours | ${unit} | reference | ${unit} | ratio | note |`, "|---|---|---|---|---|---|---|");
    for (const r of rows) {
      lines.push(
        `| ${r.case} | ${r.impl} | ${formatMs(r.ms)} | ${r.reference?.name ?? "–"} | ${formatMs(r.reference?.ms)} | ${
          formatRatio(r.ratio)
        } | ${r.note ?? ""} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

function readPrevious(): BenchResults | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(new URL("latest.json", resultsDir))) as BenchResults;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      only: { type: "string" },
      "no-reference": { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      write: { type: "boolean", default: false },
    },
  });
  const quick = values.quick;
  const rounds = values.rounds ? Number(values.rounds) : quick ? 1 : 5;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`Cannot run benchmarks: --rounds "${values.rounds}" must be a positive integer`);
  }
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const ctx: BenchContext = {
    quick,
    rounds,
    references: !values["no-reference"],
    minTimeMs: quick ? 100 : 600,
    log: (message: string) => console.error(`  ${message}`),
  };
  const rows: BenchRow[] = [];
  const ran = new Set<string>();
  for (const file of discoverBenchFiles()) {
    const stem = file.slice(0, -"_bench.ts".length);
    const mod = (await import(new URL(file, benchDir).href)) as BenchModule;
    if (typeof mod.run !== "function" || typeof mod.name !== "string") {
      throw new Error(`Cannot run benchmark "${file}": it must export name: string and run(ctx)`);
    }
    if (only && !only.includes(mod.name) && !only.includes(stem)) continue;
    console.error(`bench ${mod.name} (${file})`);
    const t0 = performance.now();
    const got = await mod.run(ctx);
    for (const r of got) rows.push({ ...r, bench: r.bench || mod.name });
    ran.add(mod.name);
    console.error(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (only && ran.size === 0) {
    throw new Error(`Cannot run benchmarks: --only "${values.only}" matched no bench/*_bench.ts module`);
  }
  const results: BenchResults = {
    date: new Date().toISOString(),
    quick,
    rounds,
    machine: await machineFacts(),
    rows,
  };
  if (only) {
    const prev = readPrevious();
    const replaced = new Set([...ran, ...rows.map((r) => r.bench)]);
    if (prev) results.rows = [...prev.rows.filter((r) => !replaced.has(r.bench)), ...rows];
  }
  const md = renderMarkdown(results);
  console.log(md);
  const write = values.write || (!quick && !values["no-write"]);
  if (write) {
    Deno.mkdirSync(resultsDir, { recursive: true });
    const json = new URL("latest.json", resultsDir).pathname;
    const mdFile = new URL("latest.md", resultsDir).pathname;
    Deno.writeTextFileSync(json, JSON.stringify(results, null, 2) + "\n");
    Deno.writeTextFileSync(mdFile, md);
    // Leave them as `deno fmt` would (the repository's fmt check covers them).
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", json, mdFile], stdout: "null", stderr: "null" })
      .output();
    console.error(`wrote ${new URL("latest.json", resultsDir).pathname} and latest.md`);
  }
}

if (import.meta.main) await main();
