/**
 * A velocity field v(x, t) on a grid, drawn as arrows: one small panel per t,
 * all on one length scale so panels compare.
 *
 * @module
 */

import type { FieldSection, VegaLiteSpec } from "../types.ts";
import { equalDomains, type Extent, roundForDisplay, thinIndices, topLevel } from "./_common.ts";

/** The grid and frames of a field chart (see {@linkcode FieldSection}). */
export type FieldChartInput = Pick<FieldSection, "positions" | "frames">;

/** Options for {@linkcode fieldChart}. */
export interface FieldChartOptions {
  /** Most arrows per panel (default 1600), a deterministic stride over the grid; pass grids of at most ~40 × 40. */
  maxArrows?: number;
  /** Arrow length scale: fitted to each panel (default; fields near t = 1 are much faster) or one for all panels. */
  lengthScale?: "panel" | "shared";
  /** Speed quantile drawn at full length (default 0.95); faster arrows are capped there (their colour still tells). */
  quantile?: number;
  /** Panels per row (default: all in one row up to 5). */
  columns?: number;
  /** Width = height of each panel in pixels (default 180). */
  size?: number;
}

/** Grid spacing estimate: the smallest positive gap between distinct sorted coordinates along an axis. */
function gridSpacing(values: number[]): number {
  const s = [...new Set(values)].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < s.length; i++) gap = Math.min(gap, s[i]! - s[i - 1]!);
  return Number.isFinite(gap) ? gap : 1;
}

/** The q-quantile (nearest rank below) of the finite values, 0 when there are none. */
function quantile(values: number[], q: number): number {
  const v = Float64Array.from(values.filter(Number.isFinite)).sort();
  return v.length ? v[Math.floor(q * (v.length - 1))]! : 0;
}

/**
 * The field chart: at each grid point x an arrow from x to x + ℓ(‖v‖)·v/‖v‖
 * with ℓ(s) = min(s·L, 0.9·h), L = 0.9·h / s_q (h = grid spacing, s_q the
 * `quantile` of the speeds in the panel, or over all panels when
 * `lengthScale` is "shared"): length is proportional to speed up to the
 * quantile and capped beyond, so one fast corner cannot shrink every other
 * arrow to a dot. Colour = ‖v‖ on one scale for all panels (clamped at the
 * largest panel quantile). The head is a triangle rotated by atan2(v_x, v_y)
 * (Vega symbol angles are clockwise from up) — the true direction on the
 * equal-aspect panels drawn here.
 */
export function fieldChart(input: FieldChartInput, options: FieldChartOptions = {}): VegaLiteSpec {
  const { positions, frames } = input;
  if (positions.dim !== 2) {
    throw new RangeError(
      `Cannot draw field: positions have dimension "${positions.dim}": a field chart needs 2-D grids`,
    );
  }
  for (const f of frames) {
    if (f.vectors.length !== positions.n * 2) {
      throw new RangeError(
        `Cannot draw field at t "${f.t}": ${f.vectors.length} vector components for ${positions.n} positions: expected ${
          positions.n * 2
        }`,
      );
    }
  }
  const q = options.quantile ?? 0.95;
  const idx = thinIndices(positions.n, options.maxArrows ?? 1600);
  const xs: number[] = [], ys: number[] = [];
  for (const i of idx) xs.push(positions.data[2 * i]!), ys.push(positions.data[2 * i + 1]!);
  const h = Math.min(gridSpacing(xs), gridSpacing(ys));
  const speeds = frames.map((f) => Array.from(idx, (i) => Math.hypot(f.vectors[2 * i]!, f.vectors[2 * i + 1]!)));
  const panelQ = speeds.map((s) => quantile(s, q));
  const sharedQ = quantile(speeds.flat(), q);
  const colourMax = Math.max(0, ...panelQ);
  const rows: Record<string, number | string | null>[] = [];
  const ex: Extent = [Infinity, -Infinity], ey: Extent = [Infinity, -Infinity];
  const panels = frames.map((f) => `t = ${roundForDisplay(f.t)}`);
  frames.forEach((f, k) => {
    const sq = options.lengthScale === "shared" ? sharedQ : panelQ[k]!;
    const L = sq > 0 ? (0.9 * h) / sq : 0;
    for (const i of idx) {
      const x = positions.data[2 * i]!, y = positions.data[2 * i + 1]!;
      const vx = f.vectors[2 * i]!, vy = f.vectors[2 * i + 1]!;
      const speed = Math.hypot(vx, vy);
      const g = speed > 0 ? Math.min(L, (0.9 * h) / speed) : 0;
      const x2 = x + g * vx, y2 = y + g * vy;
      for (const [u, v] of [[x, y], [x2, y2]] as const) {
        if (Number.isFinite(u) && Number.isFinite(v)) {
          ex[0] = Math.min(ex[0], u), ex[1] = Math.max(ex[1], u);
          ey[0] = Math.min(ey[0], v), ey[1] = Math.max(ey[1], v);
        }
      }
      rows.push({
        panel: panels[k]!,
        t: roundForDisplay(f.t),
        x: roundForDisplay(x),
        y: roundForDisplay(y),
        x2: roundForDisplay(x2),
        y2: roundForDisplay(y2),
        vx: roundForDisplay(vx),
        vy: roundForDisplay(vy),
        speed: roundForDisplay(speed),
        angle: roundForDisplay((Math.atan2(vx, vy) * 180) / Math.PI),
      });
    }
  });
  const domains = equalDomains(ex[0] <= ex[1] ? ex : [-1, 1], ey[0] <= ey[1] ? ey : [-1, 1], 0.03);
  const xScale = { domain: domains.x, nice: false }, yScale = { domain: domains.y, nice: false };
  const color = {
    field: "speed",
    type: "quantitative",
    title: "|v|",
    scale: { scheme: { name: "viridis", extent: [0, 0.9] }, domain: [0, roundForDisplay(colourMax) || 1], clamp: true },
    legend: { type: "gradient", gradientLength: 140 },
  };
  const tooltip = [
    { field: "t", type: "quantitative" },
    { field: "x", type: "quantitative", title: "x[0]", format: ".3~g" },
    { field: "y", type: "quantitative", title: "x[1]", format: ".3~g" },
    { field: "vx", type: "quantitative", title: "v[0]", format: ".3~g" },
    { field: "vy", type: "quantitative", title: "v[1]", format: ".3~g" },
    { field: "speed", type: "quantitative", title: "|v|", format: ".3~g" },
  ];
  const size = options.size ?? 180;
  const scaleNote = options.lengthScale === "shared" ? "one length scale" : "length scale per panel";
  return topLevel({
    title: {
      text: "Velocity field v(x, t)",
      subtitle:
        `arrow length ~ |v| up to the ${Math.round(q * 100)}th-percentile speed (${scaleNote}), capped above; ` +
        `colour = |v|, clamped at ${roundForDisplay(colourMax) ?? 0}`,
    },
    data: { values: rows },
    facet: { field: "panel", type: "nominal", title: null, sort: panels, header: { labelFontSize: 12 } },
    columns: options.columns ?? (frames.length <= 5 ? frames.length : 4),
    spec: {
      width: size,
      height: size,
      layer: [
        {
          mark: { type: "rule", strokeWidth: 1.1 },
          encoding: {
            x: { field: "x", type: "quantitative", title: "x[0]", scale: xScale },
            y: { field: "y", type: "quantitative", title: "x[1]", scale: yScale },
            x2: { field: "x2" },
            y2: { field: "y2" },
            stroke: color,
            tooltip,
          },
        },
        {
          // outlined heads share the rules' stroke channel, so the legend stays a gradient
          mark: { type: "point", shape: "triangle", filled: false, size: 5, strokeWidth: 1.4, opacity: 1 },
          encoding: {
            x: { field: "x2", type: "quantitative", scale: xScale },
            y: { field: "y2", type: "quantitative", scale: yScale },
            angle: { field: "angle", type: "quantitative", scale: null },
            stroke: color,
            tooltip,
          },
        },
      ],
    },
  });
}
