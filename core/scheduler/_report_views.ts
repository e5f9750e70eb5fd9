/**
 * Views of a run's (or a sweep's) metrics for the studies: every metric value
 * as an observation tagged with factors (swept parameters, the seed, and
 * parts of the metric node's id read by a `factors` pattern), the queries the
 * summary templates call (`at`, `sd`, `values`, `best`, …), pivot tables of
 * mean ± sd, and the "NFE to reach a quality" table.
 *
 * @module
 */
import type { NfeRow, TableCell, TableSection } from "../../reports/mod.ts";

/** A factor's value: a swept parameter's value, a seed, or a piece of a node id. */
export type FactorValue = string | number | boolean;

/** One metric value with what it was measured under. */
export interface Observation {
  /** Metric name: the node id (or the pattern's `metric` group), plus `.part` for object metrics. */
  metric: string;
  value: number;
  /** Factor values: swept parameters (full path and last segment), `seed`, and the pattern's groups. */
  factors: Record<string, FactorValue>;
}

/** A compiled `factors` pattern: a regular expression with named groups over metric node ids. */
export function compileFactors(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new Error(`Cannot read factors "${pattern}": ${(e as Error).message}`);
  }
}

/** Names of the pattern's groups other than `metric`, in order of appearance. */
export function factorNames(pattern: RegExp | undefined): string[] {
  if (!pattern) return [];
  return [...pattern.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!).filter((n) =>
    n !== "metric"
  );
}

const asFactor = (s: string): FactorValue => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s);

/**
 * The observations of one run: each metric node's value (each part of an
 * object value), tagged with `base` factors and, when the node id matches
 * `pattern`, the pattern's named groups (`metric` renames the metric).
 */
export function observationsOf(
  metrics: Readonly<Record<string, number | Readonly<Record<string, number>>>>,
  pattern: RegExp | undefined,
  base: Record<string, FactorValue> = {},
): Observation[] {
  const out: Observation[] = [];
  for (const [id, v] of Object.entries(metrics)) {
    let name = id;
    const factors: Record<string, FactorValue> = { ...base };
    const m = pattern?.exec(id);
    if (m?.groups) {
      for (const [g, s] of Object.entries(m.groups)) {
        if (s === undefined) continue;
        if (g === "metric") name = s;
        else factors[g] = asFactor(s);
      }
    }
    if (typeof v === "number") out.push({ metric: name, value: v, factors });
    else for (const [part, x] of Object.entries(v)) out.push({ metric: `${name}.${part}`, value: x, factors });
  }
  return out;
}

/** Swept values as factors: the full path and, where no other path shares it, the last segment. */
export function sweptFactors(values: Record<string, unknown>): Record<string, FactorValue> {
  const out: Record<string, FactorValue> = {};
  const short = (p: string) => p.split(".").pop()!;
  const counts = new Map<string, number>();
  for (const p of Object.keys(values)) counts.set(short(p), (counts.get(short(p)) ?? 0) + 1);
  for (const [p, v] of Object.entries(values)) {
    const value = typeof v === "object" ? JSON.stringify(v) : v as FactorValue;
    out[p] = value;
    if (counts.get(short(p)) === 1) out[short(p)] = value;
  }
  return out;
}

const same = (a: FactorValue | undefined, b: unknown) => a !== undefined && String(a) === String(b);

/** The observations of `metric` whose factors match every entry of `filter`. */
export function select(
  obs: readonly Observation[],
  metric: string,
  filter: Record<string, unknown> = {},
): Observation[] {
  return obs.filter((o) => o.metric === metric && Object.entries(filter).every(([k, v]) => same(o.factors[k], v)));
}

/** Mean and sample standard deviation (n − 1; 0 for one value) of the finite values. */
export function meanSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return { mean: NaN, sd: NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sd: v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0, n: v.length };
}

/** Distinct values of a factor among observations, numbers ascending, others in first-seen order. */
export function levels(obs: readonly Observation[], factor: string): FactorValue[] {
  const seen: FactorValue[] = [];
  for (const o of obs) {
    const v = o.factors[factor];
    if (v !== undefined && !seen.some((s) => String(s) === String(v))) seen.push(v);
  }
  return seen.every((v) => typeof v === "number") ? (seen as number[]).sort((a, b) => a - b) : seen;
}

function plainObject(v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new Error(`expected a filter object such as {task: "g8"}, got ${JSON.stringify(v)}`);
  }
  // mathjs may hand over a Map-like object; plain objects pass as they are
  const o = v as { entries?: () => Iterable<[string, unknown]> };
  return typeof o.entries === "function" && !(Symbol.iterator in Object(v))
    ? Object.fromEntries(o.entries())
    : v as Record<string, unknown>;
}

function checkedSelect(obs: readonly Observation[], metric: unknown, filter: unknown): Observation[] {
  if (typeof metric !== "string") throw new Error(`the metric name must be a string, got ${JSON.stringify(metric)}`);
  const f = plainObject(filter);
  const found = select(obs, metric, f);
  if (found.length === 0) {
    const names = [...new Set(obs.map((o) => o.metric))];
    const known = names.includes(metric);
    throw new Error(
      known
        ? `no value of "${metric}" matches ${JSON.stringify(f)}`
        : `no metric "${metric}"; known: ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""}`,
    );
  }
  return found;
}

/**
 * The functions a summary template can call over observations:
 *
 * - `at(metric, filter?)`: the mean of the matching values (over seeds);
 * - `sd(metric, filter?)`: their sample standard deviation (0 for one value);
 * - `values(metric, filter?)`: the matching values, as an array;
 * - `count(metric, filter?)`: how many values match;
 * - `best(metric, factor, filter?)` / `worst(…)`: the factor's value with the
 *   lowest / highest mean;
 * - `nfe_to(line, tau)`: the smallest NFE at which the quality-against-NFE
 *   line `line` reaches W2 ≤ tau (NaN when it never does).
 *
 * A filter is a mathjs object, e.g. `at("w2", {task: "g8", coupling: "ot"})`.
 */
export function queryFunctions(
  obs: readonly Observation[],
  nfeRows: readonly NfeRow[] = [],
): Record<string, (...args: unknown[]) => unknown> {
  const extreme = (sign: number) => (metric: unknown, factor: unknown, filter?: unknown) => {
    if (typeof factor !== "string") throw new Error(`the factor must be a string, got ${JSON.stringify(factor)}`);
    const found = checkedSelect(obs, metric, filter);
    let best: FactorValue | undefined, bestValue = Infinity;
    for (const level of levels(found, factor)) {
      const m = meanSd(select(found, metric as string, { [factor]: level }).map((o) => o.value)).mean;
      if (sign * m < bestValue) {
        bestValue = sign * m;
        best = level;
      }
    }
    if (best === undefined) throw new Error(`no value of "${String(metric)}" carries factor "${factor}"`);
    return best;
  };
  return {
    at: (metric, filter) => meanSd(checkedSelect(obs, metric, filter).map((o) => o.value)).mean,
    sd: (metric, filter) => meanSd(checkedSelect(obs, metric, filter).map((o) => o.value)).sd,
    values: (metric, filter) => checkedSelect(obs, metric, filter).map((o) => o.value),
    count: (metric, filter) => select(obs, String(metric), plainObject(filter)).length,
    best: extreme(1),
    worst: extreme(-1),
    nfe_to: (line, tau) => nfeToReach(nfeRows, String(line), Number(tau)),
  };
}

/** The smallest NFE at which the W2 of `line` is ≤ tau; NaN when it never is (or no such line). */
export function nfeToReach(rows: readonly NfeRow[], line: string, tau: number, metric = "w2"): number {
  let best = NaN;
  for (const r of rows) {
    if (r.sampler !== line || r.metric !== metric || !(r.value <= tau)) continue;
    if (!(r.nfe >= best)) best = r.nfe;
  }
  return best;
}

/** Formats a number to `digits` significant digits, without exponent for ordinary magnitudes. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e6) return String(Number(x.toPrecision(digits)));
  return x.toExponential(digits - 1);
}

/** A pivot table request: `metric` by `rows` (and `columns`, or the metric's parts). */
export interface TableSpec {
  metric: string;
  rows: string;
  columns?: string | undefined;
  title?: string | undefined;
  digits: number;
  /** Only observations whose factors match these values (e.g. `{ field: "model" }`). */
  where?: Record<string, FactorValue> | undefined;
}

/**
 * A table of `metric`: one row per level of `rows`, one column per level of
 * `columns` (or, without `columns`, per part of an object metric, or one
 * `value` column); each cell the mean ± sample sd of the matching
 * observations (just the mean when there is one).
 */
export function pivotTable(
  obs: Observation[],
  spec: TableSpec,
  labels: Readonly<Record<string, string>> = {},
): TableSection {
  const label = (v: FactorValue) => labels[String(v)] ?? String(v);
  if (spec.where) obs = obs.filter((o) => Object.entries(spec.where!).every(([k, v]) => same(o.factors[k], v)));
  const exact = obs.filter((o) => o.metric === spec.metric);
  const parts = exact.length
    ? []
    : [...new Set(obs.filter((o) => o.metric.startsWith(`${spec.metric}.`)).map((o) => o.metric))];
  const pool = exact.length ? exact : obs.filter((o) => parts.includes(o.metric));
  const rowLevels = levels(pool, spec.rows);
  const cell = (found: Observation[]): TableCell => {
    const s = meanSd(found.map((o) => o.value));
    if (s.n === 0) return "";
    return s.n > 1 ? `${fmt(s.mean, spec.digits)} ± ${fmt(s.sd, 2)}` : fmt(s.mean, spec.digits);
  };
  const rows: Record<string, TableCell>[] = [];
  let columns: string[];
  if (spec.columns) {
    const colLevels = levels(pool, spec.columns);
    columns = [spec.rows, ...colLevels.map(label)];
    const metricName = exact.length ? spec.metric : undefined;
    for (const r of rowLevels) {
      const row: Record<string, TableCell> = { [spec.rows]: label(r) };
      for (const c of colLevels) {
        row[label(c)] = cell(
          pool.filter((o) =>
            (metricName === undefined || o.metric === metricName) && same(o.factors[spec.rows], r) &&
            same(o.factors[spec.columns!], c)
          ),
        );
      }
      rows.push(row);
    }
  } else {
    const names = exact.length ? [spec.metric] : parts;
    const short = (m: string) => (exact.length ? "value" : m.slice(spec.metric.length + 1));
    columns = [spec.rows, ...names.map(short)];
    for (const r of rowLevels) {
      const row: Record<string, TableCell> = { [spec.rows]: label(r) };
      for (const m of names) row[short(m)] = cell(pool.filter((o) => o.metric === m && same(o.factors[spec.rows], r)));
      rows.push(row);
    }
  }
  const n = Math.max(0, ...rowLevels.map((r) => pool.filter((o) => same(o.factors[spec.rows], r)).length));
  return {
    kind: "table",
    title: spec.title ?? `${spec.metric} by ${spec.rows}${spec.columns ? ` and ${spec.columns}` : ""}`,
    ...(n > columns.length - 1 ? { description: "Mean ± sample standard deviation over seeds." } : {}),
    columns,
    rows,
  };
}

/** The table of NFE needed by each quality-against-NFE line to reach W2 ≤ τ for each target τ. */
export function nfeTargetsTable(rows: readonly NfeRow[], targets: readonly number[]): TableSection | undefined {
  const lines = [...new Set(rows.filter((r) => r.metric === "w2").map((r) => r.sampler))];
  if (!lines.length || !targets.length) return undefined;
  const best = (line: string) =>
    Math.min(...rows.filter((r) => r.sampler === line && r.metric === "w2").map((r) => r.value));
  return {
    kind: "table",
    id: "nfe-targets",
    title: "NFE needed to reach a W2",
    description:
      "The smallest NFE among the tried step counts at which each sampler's W2 is at or below the target (— when none is).",
    columns: ["sampler", ...targets.map((t) => `W2 ≤ ${t}`), "best W2"],
    rows: lines.map((line) => {
      const row: Record<string, TableCell> = { sampler: line };
      for (const t of targets) {
        const v = nfeToReach(rows, line, t);
        row[`W2 ≤ ${t}`] = Number.isNaN(v) ? "—" : v;
      }
      row["best W2"] = fmt(best(line), 3);
      return row;
    }),
  };
}
