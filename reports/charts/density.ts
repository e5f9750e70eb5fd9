/**
 * Log-density (or likelihood) heatmaps on a regular grid, one panel per
 * density, on one colour scale.
 *
 * @module
 */

import type { DensitySection, VegaLiteSpec } from "../types.ts";
import { roundForDisplay, topLevel } from "./_common.ts";

/** The grid and panels of a density chart (see {@linkcode DensitySection}). */
export type DensityChartInput = Pick<DensitySection, "x" | "y" | "panels" | "valueLabel">;

/** Options for {@linkcode densityChart}. */
export interface DensityChartOptions {
  /** Colour range [lo, hi]; default [max(min v, max v − depth), max v] over all panels. */
  range?: [number, number];
  /** Default colour depth below the maximum (default 12, i.e. densities down to e⁻¹² of the peak for log p). */
  depth?: number;
  /** Panels per row (default 3). */
  columns?: number;
  /** Width of each panel in pixels (default 300); the height follows the grid's aspect ratio. */
  size?: number;
}

function cellEdges(c: ArrayLike<number>): number[] {
  const n = c.length;
  const step = n > 1 ? (c[n - 1]! - c[0]!) / (n - 1) : 1;
  return Array.from({ length: n + 1 }, (_, i) => c[0]! + (i - 0.5) * step);
}

/**
 * The density chart: cell (i, j) spans x_i ± Δx/2, y_j ± Δy/2 and is
 * coloured by values[j·nx + i] (viridis), clamped to the colour range so that
 * −∞ and far tails read as "below range" without hiding the structure near
 * the modes. Equal aspect: panel height = width · (y-range / x-range).
 */
export function densityChart(input: DensityChartInput, options: DensityChartOptions = {}): VegaLiteSpec {
  const { x, y, panels } = input;
  const nx = x.length, ny = y.length;
  for (const p of panels) {
    if (p.values.length !== nx * ny) {
      throw new RangeError(
        `Cannot draw density panel "${p.label}": ${p.values.length} values for a ${ny} × ${nx} grid: expected ${
          nx * ny
        }`,
      );
    }
  }
  let lo = Infinity, hi = -Infinity;
  for (const p of panels) {
    for (const v of p.values) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) lo = 0, hi = 1;
  const range = options.range ?? [Math.max(lo, hi - (options.depth ?? 12)), hi];
  const ex = cellEdges(x), ey = cellEdges(y);
  const rows: Record<string, number | string | null>[] = [];
  for (const p of panels) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = p.values[j * nx + i]!;
        const c = Number.isNaN(v) ? null : Math.min(range[1], Math.max(range[0], v));
        rows.push({
          panel: p.label,
          x0: roundForDisplay(ex[i]!),
          y0: roundForDisplay(ey[j]!),
          v: roundForDisplay(v),
          c: c === null ? null : roundForDisplay(c),
        });
      }
    }
  }
  const label = input.valueLabel ?? "log p(x)";
  const width = options.size ?? 300;
  const xr = ex[nx]! - ex[0]!, yr = ey[ny]! - ey[0]!;
  const height = Math.round(width * (xr > 0 ? yr / xr : 1));
  return topLevel({
    title: `${label} on a ${nx} × ${ny} grid (colour clamped to [${range[0].toPrecision(3)}, ${
      range[1].toPrecision(3)
    }])`,
    data: { values: rows },
    facet: { field: "panel", type: "nominal", title: null, sort: panels.map((p) => p.label) },
    columns: options.columns ?? 3,
    spec: {
      width,
      height,
      // cell ends from the (even) cell widths, so the data holds each cell's start only
      transform: [
        { calculate: `datum.x0 + ${roundForDisplay((ex[nx]! - ex[0]!) / nx)}`, as: "x1" },
        { calculate: `datum.y0 + ${roundForDisplay((ey[ny]! - ey[0]!) / ny)}`, as: "y1" },
      ],
      // a thin stroke in the fill colour hides the anti-aliasing seams between cells
      mark: { type: "rect", strokeWidth: 0.6 },
      encoding: {
        x: {
          field: "x0",
          type: "quantitative",
          title: "x[0]",
          scale: { domain: [ex[0], ex[nx]], nice: false },
          axis: { grid: false },
        },
        x2: { field: "x1" },
        y: {
          field: "y0",
          type: "quantitative",
          title: "x[1]",
          scale: { domain: [ey[0], ey[ny]], nice: false },
          axis: { grid: false },
        },
        y2: { field: "y1" },
        color: {
          field: "c",
          type: "quantitative",
          title: label,
          scale: { scheme: "viridis", domain: range.map((v) => roundForDisplay(v)), clamp: true },
        },
        stroke: {
          field: "c",
          type: "quantitative",
          scale: { scheme: "viridis", domain: range.map((v) => roundForDisplay(v)), clamp: true },
          legend: null,
        },
        tooltip: [
          { field: "panel", type: "nominal" },
          { field: "x0", type: "quantitative", title: "x[0] from", format: ".3~g" },
          { field: "y0", type: "quantitative", title: "x[1] from", format: ".3~g" },
          { field: "v", type: "quantitative", title: label, format: ".4~g" },
        ],
      },
    },
  });
}
