/**
 * Shared helpers of the chart builders: display rounding, deterministic
 * thinning, equal-aspect domains, 2-D histograms and the common chart config.
 *
 * @module
 */

import type { Points } from "../../core/data/points.ts";
import type { VegaLiteSpec } from "../types.ts";

/** Significant digits kept for display (metrics are never computed from these). */
export const DISPLAY_DIGITS = 5;

/**
 * Rounds `v` to {@linkcode DISPLAY_DIGITS} significant digits for display;
 * non-finite values become `null` (Vega treats them as missing).
 *
 * round(v) = Number(v.toPrecision(5)), e.g. 0.123456789 → 0.12346.
 */
export function roundForDisplay(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return Number(v.toPrecision(DISPLAY_DIGITS));
}

/**
 * Indices of a deterministic, evenly spaced subset of size min(n, max):
 * index_i = ⌊i·n / k⌋ for i = 0 … k − 1 with k = min(n, max). A stride, not a
 * random draw: the same input always gives the same subset, the subset keeps
 * the order of the input, and it spreads over the whole index range (so class
 * blocks and time orderings keep their proportions).
 *
 * @example
 * ```ts
 * thinIndices(10, 4); // Int32Array [0, 2, 5, 7]
 * ```
 */
export function thinIndices(n: number, max: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Cannot thin "${n}" points: expected a non-negative integer`);
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`Cannot thin to "${max}" points: expected a positive integer`);
  }
  const k = Math.min(n, max);
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) out[i] = Math.floor((i * n) / k);
  return out;
}

/** A closed interval [lo, hi]. */
export type Extent = [number, number];

/** The finite extent of coordinate `axis` of a point set, or null when it has no finite value. */
export function pointsExtent(p: Points, axis: number): Extent | null {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < p.n; i++) {
    const v = p.data[i * p.dim + axis]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The union of extents (nulls ignored); [−1, 1] when all are null. */
export function unionExtent(extents: readonly (Extent | null)[]): Extent {
  let lo = Infinity, hi = -Infinity;
  for (const e of extents) {
    if (!e) continue;
    lo = Math.min(lo, e[0]);
    hi = Math.max(hi, e[1]);
  }
  return lo <= hi ? [lo, hi] : [-1, 1];
}

/**
 * Square domains for an equal-aspect plot: both axes get the same span
 * s = (1 + 2·pad)·max(x-range, y-range) around their own centres, so one data
 * unit is the same number of pixels on both axes when width = height.
 */
export function equalDomains(x: Extent, y: Extent, pad = 0.05): { x: Extent; y: Extent } {
  const span = Math.max(x[1] - x[0], y[1] - y[0], 1e-9) * (1 + 2 * pad);
  const cx = (x[0] + x[1]) / 2, cy = (y[0] + y[1]) / 2;
  const r = (v: number) => roundForDisplay(v)!;
  return { x: [r(cx - span / 2), r(cx + span / 2)], y: [r(cy - span / 2), r(cy + span / 2)] };
}

/** One non-empty cell of a 2-D histogram: its box and density. */
export interface HistogramCell {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Points in the cell. */
  count: number;
  /** count / (n · cell area): a density estimate that integrates to one. */
  density: number;
}

/**
 * The 2-D histogram of coordinates (ax, ay) of ALL points of `p` on a
 * `bins × bins` grid over the given domains (points outside are dropped);
 * only non-empty cells are returned, in row-major order (y, then x).
 */
export function histogram2d(p: Points, axes: [number, number], domains: { x: Extent; y: Extent }, bins: number) {
  const [ax, ay] = axes;
  const { x, y } = domains;
  const wx = (x[1] - x[0]) / bins, wy = (y[1] - y[0]) / bins;
  const counts = new Float64Array(bins * bins);
  for (let i = 0; i < p.n; i++) {
    const u = p.data[i * p.dim + ax]!, v = p.data[i * p.dim + ay]!;
    const bx = Math.floor((u - x[0]) / wx), by = Math.floor((v - y[0]) / wy);
    if (bx < 0 || by < 0 || bx >= bins || by >= bins) continue;
    counts[by * bins + bx]! += 1;
  }
  const cells: HistogramCell[] = [];
  const norm = 1 / (p.n * wx * wy);
  for (let by = 0; by < bins; by++) {
    for (let bx = 0; bx < bins; bx++) {
      const c = counts[by * bins + bx]!;
      if (c === 0) continue;
      cells.push({
        x0: roundForDisplay(x[0] + bx * wx)!,
        x1: roundForDisplay(x[0] + (bx + 1) * wx)!,
        y0: roundForDisplay(y[0] + by * wy)!,
        y1: roundForDisplay(y[0] + (by + 1) * wy)!,
        count: c,
        density: roundForDisplay(c * norm)!,
      });
    }
  }
  return cells;
}

/** The chart config every builder uses: readable sizes, no web fonts, a light frame. */
export function baseConfig(): Record<string, unknown> {
  return {
    font: "sans-serif",
    view: { stroke: "#ddd" },
    axis: {
      labelFontSize: 11,
      titleFontSize: 12,
      titleFontWeight: "normal",
      grid: true,
      gridColor: "#eee",
      labelOverlap: true,
    },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal" },
    header: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "normal" },
    title: { fontSize: 13, fontWeight: "normal", anchor: "start" },
  };
}

/** Wraps a chart body with the common config and a stable background. */
export function topLevel(body: VegaLiteSpec): VegaLiteSpec {
  return { background: "white", padding: 8, config: baseConfig(), ...body };
}

/** Finite values of an array, rounded for display; null stands for a gap. */
export function displaySeries(values: ArrayLike<number>): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = roundForDisplay(values[i]!);
  return out;
}

/** Checks that 0 ≤ axes < dim and returns them; a clear error otherwise. */
export function checkAxes(what: string, dim: number, axes: [number, number]): [number, number] {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= dim) {
      throw new RangeError(`Cannot draw ${what}: axis "${a}" is outside 0 … ${dim - 1}: choose dims within the data`);
    }
  }
  return axes;
}

/**
 * Flattens metric values to one number per name: a number stays under its node
 * id, an object of numbers becomes `<node>.<part>` entries, in insertion order.
 *
 * @example
 * ```ts
 * flattenMetrics({ w2: 0.1, pe: { pe: 2, npe: 0.3 } }); // { w2: 0.1, "pe.pe": 2, "pe.npe": 0.3 }
 * ```
 */
export function flattenMetrics(
  metrics: Readonly<Record<string, number | Readonly<Record<string, number>>>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [node, value] of Object.entries(metrics)) {
    if (typeof value === "number") out[node] = value;
    else for (const [part, v] of Object.entries(value)) out[`${node}.${part}`] = v;
  }
  return out;
}
