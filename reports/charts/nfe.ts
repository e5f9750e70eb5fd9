/**
 * Sample quality against the number of function evaluations (NFE): one line
 * per sampler, one panel per metric.
 *
 * @module
 */

import type { NfeRow, VegaLiteSpec } from "../types.ts";
import { roundForDisplay, topLevel } from "./_common.ts";

/** Options for {@linkcode nfeChart}. */
export interface NfeChartOptions {
  /** Log-scale NFE axis (default true: NFE usually spans decades). */
  logNfe?: boolean;
  /** Log-scale metric axis (default false); ignored when a value is ≤ 0. */
  logValue?: boolean;
  /** Panels per row (default 3). */
  columns?: number;
  /** Panel width in pixels (default 300). */
  width?: number;
  /** Panel height in pixels (default 220). */
  height?: number;
}

/**
 * The NFE chart: value against NFE, a line with dots per sampler (sorted by
 * NFE), one panel per metric with its own y axis. Tooltips give sampler, NFE,
 * metric and value.
 *
 * @example
 * ```ts
 * nfeChart([{ sampler: "euler", nfe: 10, metric: "w2", value: 0.3 }, { sampler: "euler", nfe: 100, metric: "w2", value: 0.08 }]);
 * ```
 */
export function nfeChart(rows: readonly NfeRow[], options: NfeChartOptions = {}): VegaLiteSpec {
  const sorted = [...rows].sort((a, b) =>
    a.metric < b.metric
      ? -1
      : a.metric > b.metric
      ? 1
      : a.sampler < b.sampler
      ? -1
      : a.sampler > b.sampler
      ? 1
      : a.nfe - b.nfe
  );
  const values = sorted.map((r) => ({
    sampler: r.sampler,
    metric: r.metric,
    nfe: r.nfe,
    value: roundForDisplay(r.value),
  }));
  const logNfe = (options.logNfe ?? true) && rows.every((r) => r.nfe > 0);
  const logValue = (options.logValue ?? false) && rows.every((r) => r.value > 0);
  const metrics = [...new Set(sorted.map((r) => r.metric))];
  const x = {
    field: "nfe",
    type: "quantitative",
    title: logNfe ? "NFE (log scale)" : "NFE",
    scale: logNfe ? { type: "log", nice: false, padding: 10 } : { zero: false, padding: 10 },
  };
  const y = {
    field: "value",
    type: "quantitative",
    title: logValue ? "value (log scale)" : "value",
    scale: logValue ? { type: "log", nice: false, padding: 10 } : { zero: false, padding: 10 },
  };
  const color = { field: "sampler", type: "nominal", title: "sampler" };
  return topLevel({
    title: "Quality against number of function evaluations",
    data: { values },
    facet: { field: "metric", type: "nominal", title: null, sort: metrics },
    columns: options.columns ?? 3,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: options.width ?? 300,
      height: options.height ?? 220,
      layer: [
        { mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y, color } },
        {
          mark: { type: "point", filled: true, size: 36 },
          encoding: {
            x,
            y,
            color,
            shape: { field: "sampler", type: "nominal", title: "sampler" },
            tooltip: [
              { field: "sampler", type: "nominal" },
              { field: "nfe", type: "quantitative", title: "NFE" },
              { field: "metric", type: "nominal" },
              { field: "value", type: "quantitative", format: ".4~g" },
            ],
          },
        },
      ],
    },
  });
}
