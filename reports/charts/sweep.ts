/**
 * Sweeps: each metric against one swept parameter, mean ± standard deviation
 * over seeds, one colour per combination of the other swept parameters.
 *
 * @module
 */

import type { ParamValue, SweepReport, VegaLiteSpec } from "../types.ts";
import { flattenMetrics, roundForDisplay, topLevel } from "./_common.ts";

/** The members and swept parameter names of a sweep chart. */
export type SweepChartInput = Pick<SweepReport, "params" | "members">;

/** Options for {@linkcode sweepChart}. */
export interface SweepChartOptions {
  /** Metric names to show (flattened, e.g. `w2`, `pe.npe`); default: every metric of any member. */
  metrics?: readonly string[];
  /** Panels per row (default 3). */
  columns?: number;
  /** Panel width in pixels (default 240). */
  width?: number;
  /** Panel height in pixels (default 180). */
  height?: number;
  /** Chart title; default `Metrics against <param> (…)`. */
  title?: string;
}

/** Mean, sample standard deviation (n − 1 denominator; 0 for n = 1) and count of finite values. */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: NaN, sd: NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

/** Every flattened metric name of a sweep, in first-seen order. */
export function sweepMetricNames(sweep: SweepChartInput): string[] {
  const names = new Set<string>();
  for (const m of sweep.members) for (const k of Object.keys(flattenMetrics(m.metrics))) names.add(k);
  return [...names];
}

function label(v: ParamValue | undefined): string {
  return v === undefined ? "—" : String(v);
}

/**
 * The sweep chart for swept parameter `param`: one panel per metric (own y
 * axis) with x = the parameter's value, a dot per member (seed), and the mean
 * over members sharing (param value, other swept values) with a bar of
 * ±1 sample standard deviation s = √(Σ(v − v̄)² / (n − 1)). Numeric parameters
 * get a quantitative x axis (log when all positive spanning ≥ 100×) and lines
 * through the means; others a categorical axis with colour groups side by side.
 */
export function sweepChart(sweep: SweepChartInput, param: string, options: SweepChartOptions = {}): VegaLiteSpec {
  if (!sweep.params.includes(param)) {
    throw new RangeError(
      `Cannot chart sweep parameter "${param}": it is not swept: expected one of ${
        sweep.params.map((p) => `"${p}"`).join(", ")
      }`,
    );
  }
  const metrics = options.metrics ?? sweepMetricNames(sweep);
  const others = sweep.params.filter((p) => p !== param);
  const groupOf = (params: Readonly<Record<string, ParamValue>>) =>
    others.length === 0
      ? "all"
      : others.length === 1
      ? label(params[others[0]!])
      : others.map((p) => `${p} = ${label(params[p])}`).join(", ");
  const xsRaw = sweep.members.map((m) => m.params[param]);
  const numeric = xsRaw.every((v) => typeof v === "number");
  const nums = xsRaw.filter((v): v is number => typeof v === "number");
  const logX = numeric && nums.every((v) => v > 0) && Math.max(...nums) / Math.min(...nums) >= 100;
  const xValue = (v: ParamValue | undefined) => (numeric ? (v as number) : label(v));

  const rows: Record<string, string | number | null>[] = [];
  const cells = new Map<string, { metric: string; x: string | number; group: string; values: number[] }>();
  for (const m of sweep.members) {
    const flat = flattenMetrics(m.metrics);
    const group = groupOf(m.params);
    const x = xValue(m.params[param]);
    for (const metric of metrics) {
      const v = flat[metric];
      if (v === undefined || !Number.isFinite(v)) continue;
      rows.push({ kind: "seed", metric, x, group, value: roundForDisplay(v), seed: m.seed, run: m.runId });
      const key = JSON.stringify([metric, x, group]);
      const cell = cells.get(key) ?? { metric, x, group, values: [] };
      cell.values.push(v);
      cells.set(key, cell);
    }
  }
  for (const c of cells.values()) {
    const s = meanAndSd(c.values);
    rows.push({
      kind: "mean",
      metric: c.metric,
      x: c.x,
      group: c.group,
      value: roundForDisplay(s.mean),
      lo: roundForDisplay(s.mean - s.sd),
      hi: roundForDisplay(s.mean + s.sd),
      sd: roundForDisplay(s.sd),
      n: s.n,
    });
  }
  const xOrder = [...new Set(xsRaw.map((v) => label(v)))];
  const x = numeric
    ? {
      field: "x",
      type: "quantitative",
      title: param,
      scale: logX ? { type: "log", padding: 16 } : { zero: false, padding: 16 },
    }
    : { field: "x", type: "nominal", title: param, sort: xOrder, axis: { labelAngle: 0 } };
  const groups = [...new Set(sweep.members.map((m) => groupOf(m.params)))];
  const color = {
    field: "group",
    type: "nominal",
    title: others.length ? others.join(", ") : "group",
    sort: groups,
    // a single group (one swept parameter) needs no legend
    legend: groups.length > 1 ? { labelLimit: 280 } : null,
  };
  const offset = !numeric && groups.length > 1 ? { xOffset: { field: "group", type: "nominal", sort: groups } } : {};
  const y = { field: "value", type: "quantitative", title: null, scale: { zero: false } };
  const layer: VegaLiteSpec[] = [
    {
      transform: [{ filter: "datum.kind === 'seed'" }],
      mark: { type: "point", size: 22, opacity: 0.5 },
      encoding: {
        x,
        y,
        color,
        ...offset,
        tooltip: [
          { field: "run", type: "nominal" },
          { field: "seed", type: "quantitative" },
          { field: "group", type: "nominal" },
          { field: "x", title: param },
          { field: "value", type: "quantitative", format: ".4~g" },
        ],
      },
    },
    {
      transform: [{ filter: "datum.kind === 'mean'" }],
      mark: { type: "rule", strokeWidth: 1.5 },
      encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color, ...offset },
    },
  ];
  if (numeric) {
    layer.push({
      transform: [{ filter: "datum.kind === 'mean'" }],
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: { x, y, color },
    });
  }
  layer.push({
    transform: [{ filter: "datum.kind === 'mean'" }],
    mark: { type: "tick", thickness: 2, size: 12, orient: "horizontal" },
    encoding: {
      x,
      y,
      color,
      ...offset,
      tooltip: [
        { field: "group", type: "nominal" },
        { field: "x", title: param },
        { field: "value", type: "quantitative", title: "mean", format: ".4~g" },
        { field: "sd", type: "quantitative", title: "sd over seeds", format: ".3~g" },
        { field: "n", type: "quantitative", title: "seeds" },
      ],
    },
  });
  return topLevel({
    title: options.title ?? `Metrics against ${param} (mean ± 1 sd over seeds; dots are single runs)`,
    data: { values: rows },
    facet: { field: "metric", type: "nominal", title: null, sort: [...metrics] },
    columns: options.columns ?? 3,
    resolve: { scale: { y: "independent" } },
    spec: { width: options.width ?? 240, height: options.height ?? 180, layer },
  });
}
