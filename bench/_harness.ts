/**
 * The benchmark harness: the types every `bench/*_bench.ts` module implements
 * and the timing helpers they share.
 *
 * A benchmark module is any file `bench/<topic>_bench.ts` that exports
 *
 * ```ts
 * export const name = "train_step";                       // unique, short
 * export async function run(ctx: BenchContext): Promise<BenchRow[]> { ... }
 * ```
 *
 * `bench/main.ts` discovers the modules, calls `run` one module at a time,
 * prints the rows and writes `bench/results/latest.json` / `latest.md`.
 *
 * Rules the helpers encode (PERF.md): the machine has 2 shared cores, so our
 * figure and the reference are measured in the same run, in interleaved
 * rounds ({@linkcode interleavedRounds}); each row reports the median over
 * rounds ({@linkcode median}) and the ratio ours / reference
 * ({@linkcode makeRow}). References written in Python are run with
 * {@linkcode pythonReference}, which returns `null` (row without reference)
 * when the Python packages it needs (python3-torch, python3-pot) are absent.
 *
 * @example
 * ```ts
 * import { type BenchContext, type BenchRow, interleavedRounds, makeRow, measureMs, pythonReference } from "./_harness.ts";
 * export const name = "example";
 * export async function run(ctx: BenchContext): Promise<BenchRow[]> {
 *   const samples = await interleavedRounds(ctx.rounds, [
 *     { name: "ours", measure: () => measureMs(() => work(), { minTimeMs: ctx.quick ? 50 : 500 }) },
 *     { name: "ref", measure: async () => (await pythonReference("bench/reference/x.py", ["--n", "256"]))?.ms as number ?? NaN },
 *   ]);
 *   return [makeRow({ bench: name, case: "n=256", params: { n: 256 }, impl: "ours", samples: samples.get("ours")!,
 *     reference: { name: "numpy", samples: samples.get("ref")! } })];
 * }
 * ```
 *
 * @module
 */
import process from "node:process";

/** What `bench/main.ts` hands every benchmark module. */
export interface BenchContext {
  /** `--quick`: a smoke run (small sizes allowed, one round, short timings). */
  readonly quick: boolean;
  /** Interleaved rounds to run per case: 1 when quick, 5 otherwise (`--rounds N` overrides). */
  readonly rounds: number;
  /** False with `--no-reference`: skip Python references (rows then carry no reference). */
  readonly references: boolean;
  /** Minimum wall time per timed sample, in ms (quick: 100, full: 600): pass to {@linkcode measureMs}. */
  readonly minTimeMs: number;
  /** Progress message on stderr (rows are printed by main). */
  log(message: string): void;
}

/** The reference side of a row (e.g. PyTorch on one thread). */
export interface BenchReference {
  /** What it is, e.g. `pytorch-1.13.1 (1 thread)`. */
  name: string;
  /** Median over rounds, ms. */
  ms: number;
  /** The per-round figures, ms. */
  samples: number[];
}

/** One line of the results table. */
export interface BenchRow {
  /** The module's `name`. */
  bench: string;
  /** The case, human-readable: `B=256 H=64`. */
  case: string;
  /** The case's parameters, machine-readable. */
  params: Record<string, number | string>;
  /** Which implementation of ours: `fused (relaxed)`, `tfjs-wasm`, … */
  impl: string;
  /** Median over rounds, ms (per step / per call, as the module says in `unit`). */
  ms: number;
  /** The per-round figures, ms. */
  samples: number[];
  /** What one ms figure measures, e.g. `ms/step`; default `ms`. */
  unit?: string;
  /** The reference measured in the same run, when available. */
  reference?: BenchReference;
  /** `ms / reference.ms` (lower is better; ≤ 1 means we are faster). */
  ratio?: number;
  /** Free text: targets, caveats. */
  note?: string;
}

/** The median (mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const h = xs.length >> 1;
  return xs.length % 2 ? xs[h]! : (xs[h - 1]! + xs[h]!) / 2;
}

/** Options of {@linkcode measureMs}. */
export interface MeasureOptions {
  /** Untimed calls first (JIT, caches); default 3. */
  warmup?: number;
  /** Keep calling until this much time has passed; default 300 ms. */
  minTimeMs?: number;
  /** At least this many timed calls; default 3. */
  minIterations?: number;
  /** At most this many timed calls; default 1e6. */
  maxIterations?: number;
  /**
   * `wall` (default): elapsed real time. `cpu`: this process's user + system
   * CPU time — unaffected by waiting for a core on a shared machine, so right
   * for profiles of single-threaded code, wrong for comparisons with a
   * reference that reports wall time.
   */
  clock?: "wall" | "cpu";
}

/** Process CPU time (user + system), ms. */
export function cpuTimeMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Mean wall time of one call of `fn`, in ms: `warmup` untimed calls, then
 * calls until both `minTimeMs` and `minIterations` are reached;
 * `ms = elapsed / calls`. For async work use {@linkcode measureMsAsync}.
 */
export function measureMs(fn: () => unknown, options: MeasureOptions = {}): number {
  const { warmup = 3, minTimeMs = 300, minIterations = 3, maxIterations = 1e6 } = options;
  const now = options.clock === "cpu" ? cpuTimeMs : () => performance.now();
  for (let i = 0; i < warmup; i++) fn();
  let calls = 0;
  const t0 = now();
  let elapsed = 0;
  while ((elapsed < minTimeMs || calls < minIterations) && calls < maxIterations) {
    fn();
    calls++;
    elapsed = now() - t0;
  }
  return elapsed / calls;
}

/** {@linkcode measureMs} for a function returning a promise (each call awaited). */
export async function measureMsAsync(fn: () => Promise<unknown>, options: MeasureOptions = {}): Promise<number> {
  const { warmup = 3, minTimeMs = 300, minIterations = 3, maxIterations = 1e6 } = options;
  const now = options.clock === "cpu" ? cpuTimeMs : () => performance.now();
  for (let i = 0; i < warmup; i++) await fn();
  let calls = 0;
  const t0 = now();
  let elapsed = 0;
  while ((elapsed < minTimeMs || calls < minIterations) && calls < maxIterations) {
    await fn();
    calls++;
    elapsed = now() - t0;
  }
  return elapsed / calls;
}

/** One contestant of {@linkcode interleavedRounds}: `measure` returns one figure in ms (NaN = unavailable). */
export interface Contestant {
  name: string;
  measure: () => number | Promise<number>;
}

/**
 * Runs `rounds` rounds; in round r every contestant is measured once, in an
 * order rotated by r (so no one always goes first on a warm or cold
 * machine). Returns the per-round figures by contestant name.
 */
export async function interleavedRounds(
  rounds: number,
  contestants: readonly Contestant[],
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(contestants.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contestants.length; k++) {
      const c = contestants[(k + r) % contestants.length]!;
      out.get(c.name)!.push(await c.measure());
    }
  }
  return out;
}

/** Arguments of {@linkcode makeRow}. */
export interface MakeRowOptions {
  bench: string;
  case: string;
  params: Record<string, number | string>;
  impl: string;
  samples: number[];
  unit?: string;
  /** The reference's name and per-round figures; omitted (or all NaN) = no reference. */
  reference?: { name: string; samples: number[] } | null;
  note?: string;
}

/** A {@linkcode BenchRow} from per-round figures: `ms = median(samples)`, `ratio = ms / median(reference)`. */
export function makeRow(options: MakeRowOptions): BenchRow {
  const ms = median(options.samples);
  const row: BenchRow = {
    bench: options.bench,
    case: options.case,
    params: options.params,
    impl: options.impl,
    ms,
    samples: options.samples,
  };
  if (options.unit) row.unit = options.unit;
  const ref = options.reference;
  if (ref) {
    const refMs = median(ref.samples);
    if (Number.isFinite(refMs)) {
      row.reference = { name: ref.name, ms: refMs, samples: ref.samples };
      row.ratio = ms / refMs;
    }
  }
  if (options.note) row.note = options.note;
  return row;
}

/** The Python the references run with: Debian's, where python3-torch and python3-pot install. */
export const PYTHON = "/usr/bin/python3";

const moduleCache = new Map<string, boolean>();

/** Whether Debian's Python can import every one of `modules` (e.g. `["torch"]`); cached per process. */
export async function pythonHas(modules: readonly string[]): Promise<boolean> {
  const key = modules.join(",");
  const cached = moduleCache.get(key);
  if (cached !== undefined) return cached;
  let ok = false;
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", modules.map((m) => `import ${m}`).join("; ")],
      stdout: "null",
      stderr: "null",
    }).output();
    ok = out.success;
  } catch {
    ok = false;
  }
  moduleCache.set(key, ok);
  return ok;
}

/** Options of {@linkcode pythonReference}. */
export interface PythonReferenceOptions {
  /** Python modules the script imports; when any is missing the result is null. Default `["torch"]`. */
  requires?: readonly string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/**
 * Runs a reference script (`/usr/bin/python3 script ...args`, path relative
 * to the repository root or absolute) and parses the last line of its stdout
 * that is a JSON object. Returns null when a required module is absent;
 * throws when the script fails.
 *
 * @example
 * ```ts
 * const r = await pythonReference("bench/reference/torch_train_step.py", ["--batch", "256", "--steps", "500"]);
 * if (r) console.log(r.ms_per_step);
 * ```
 */
export async function pythonReference(
  script: string,
  args: readonly string[],
  options: PythonReferenceOptions = {},
): Promise<Record<string, unknown> | null> {
  if (!(await pythonHas(options.requires ?? ["torch"]))) return null;
  const path = script.startsWith("/") ? script : new URL(`../${script}`, import.meta.url).pathname;
  const out = await new Deno.Command(PYTHON, {
    args: [path, ...args],
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`Cannot run reference "${script}": exit code ${out.code}: ${stderr}`);
  }
  const lines = stdout.trim().split("\n").reverse();
  for (const line of lines) {
    const s = line.trim();
    if (s.startsWith("{")) return JSON.parse(s) as Record<string, unknown>;
  }
  throw new Error(
    `Cannot parse reference "${script}": no JSON line in its output: ${JSON.stringify(stdout.slice(-200))}`,
  );
}

/** Formats ms for tables: 3 significant digits. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** Formats a ratio: `0.84×`. */
export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? "–" : `${ratio.toFixed(2)}×`;
}
