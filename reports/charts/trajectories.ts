/**
 * Sample paths x(t) drawn as segments coloured by t, with their start and end
 * points, on an equal-aspect plot.
 *
 * @module
 */

import type { TrajectoriesSection, VegaLiteSpec } from "../types.ts";
import { checkAxes, equalDomains, type Extent, roundForDisplay, thinIndices, topLevel } from "./_common.ts";

/** The paths of a trajectories chart (see {@linkcode TrajectoriesSection} for the layout). */
export type TrajectoriesChartInput = Pick<TrajectoriesSection, "times" | "n" | "dim" | "states">;

/** Options for {@linkcode trajectoriesChart}. */
export interface TrajectoriesChartOptions {
  /** Most paths drawn (default 300), chosen by a deterministic stride over path indices. */
  maxPaths?: number;
  /** Most segments drawn (default 20000); beyond that, saved times are thinned evenly, keeping the first and last. */
  maxSegments?: number;
  /** Which two coordinates to draw (default [0, 1]). */
  dims?: [number, number];
  /** Width = height of the square plot in pixels (default 380). */
  size?: number;
}

/**
 * K time indices out of T, evenly spaced and always including 0 and T − 1:
 * idx_i = round(i·(T − 1)/(K − 1)).
 */
export function thinTimes(count: number, max: number): Int32Array {
  if (count <= max) return Int32Array.from({ length: count }, (_, i) => i);
  const k = Math.max(2, max);
  return Int32Array.from({ length: k }, (_, i) => Math.round((i * (count - 1)) / (k - 1)));
}

/**
 * The trajectories chart (1-D paths are drawn as x against t instead): each drawn path is a chain of segments from
 * x(t_k) to x(t_{k+1}) coloured by t_k (viridis, dark = t = 0 source, yellow =
 * t = 1 data), with its start and end as dots. Segment ends come from a Vega
 * `window` `lead` over each path, so the data holds each state once.
 */
export function trajectoriesChart(
  input: TrajectoriesChartInput,
  options: TrajectoriesChartOptions = {},
): VegaLiteSpec {
  const { times, n, dim, states } = input;
  const T = times.length;
  if (states.length !== T * n * dim) {
    throw new RangeError(
      `Cannot draw trajectories: states has length "${states.length}", expected times × n × dim = ${T} × ${n} × ${dim}`,
    );
  }
  const paths = thinIndices(n, options.maxPaths ?? 300);
  const maxSegments = options.maxSegments ?? 20000;
  const steps = thinTimes(T, Math.max(2, Math.floor(maxSegments / Math.max(1, paths.length)) + 1));
  if (dim === 1) return trajectories1d(input, paths, steps, options);
  const axes = checkAxes("trajectories", dim, options.dims ?? [0, 1]);
  const rows: Record<string, number | null>[] = [];
  const ex: Extent = [Infinity, -Infinity], ey: Extent = [Infinity, -Infinity];
  for (const i of paths) {
    for (const k of steps) {
      const base = (k * n + i) * dim;
      const x = states[base + axes[0]]!, y = states[base + axes[1]]!;
      if (Number.isFinite(x) && Number.isFinite(y)) {
        ex[0] = Math.min(ex[0], x), ex[1] = Math.max(ex[1], x);
        ey[0] = Math.min(ey[0], y), ey[1] = Math.max(ey[1], y);
      }
      rows.push({ p: i, t: roundForDisplay(times[k]!), x: roundForDisplay(x), y: roundForDisplay(y) });
    }
  }
  const domains = equalDomains(ex[0] <= ex[1] ? ex : [-1, 1], ey[0] <= ey[1] ? ey : [-1, 1]);
  const t0 = roundForDisplay(times[0] ?? 0), t1 = roundForDisplay(times[T - 1] ?? 1);
  const xScale = { domain: domains.x, nice: false }, yScale = { domain: domains.y, nice: false };
  const color = {
    field: "t",
    type: "quantitative",
    title: "t",
    scale: { scheme: "viridis", domain: [t0, t1] },
    legend: { type: "gradient", gradientLength: 160 },
  };
  const tooltip = [
    { field: "p", type: "quantitative", title: "path" },
    { field: "t", type: "quantitative", format: ".3~f" },
    { field: "x", type: "quantitative", title: `x[${axes[0]}]`, format: ".4~g" },
    { field: "y", type: "quantitative", title: `x[${axes[1]}]`, format: ".4~g" },
  ];
  return topLevel({
    title: `Trajectories (${paths.length} of ${n} paths, ${steps.length} of ${T} saved times)`,
    width: options.size ?? 380,
    height: options.size ?? 380,
    data: { values: rows },
    layer: [
      {
        transform: [
          {
            window: [{ op: "lead", field: "x", as: "x2" }, { op: "lead", field: "y", as: "y2" }],
            groupby: ["p"],
            sort: [{ field: "t", order: "ascending" }],
          },
          { filter: "isValid(datum.x2) && isValid(datum.y2)" },
        ],
        mark: { type: "rule", strokeWidth: 0.8, opacity: 0.7, clip: true },
        encoding: {
          x: { field: "x", type: "quantitative", title: `x[${axes[0]}]`, scale: xScale },
          y: { field: "y", type: "quantitative", title: `x[${axes[1]}]`, scale: yScale },
          x2: { field: "x2" },
          y2: { field: "y2" },
          stroke: color,
          tooltip,
        },
      },
      {
        transform: [{ filter: { or: [{ field: "t", equal: t0 }, { field: "t", equal: t1 }] } }],
        // dots drawn as thick outlines: segments and dots then share the stroke channel, and the legend stays a gradient
        mark: { type: "point", shape: "circle", filled: false, size: 6, strokeWidth: 2.2, opacity: 0.9, clip: true },
        encoding: {
          x: { field: "x", type: "quantitative", scale: xScale },
          y: { field: "y", type: "quantitative", scale: yScale },
          stroke: color,
          tooltip,
        },
      },
    ],
  });
}

/** 1-D paths: x(t) against t, one thin line per path, coloured by where it ends. */
function trajectories1d(
  input: TrajectoriesChartInput,
  paths: Int32Array,
  steps: Int32Array,
  options: TrajectoriesChartOptions,
): VegaLiteSpec {
  const { times, n, states } = input;
  const rows: Record<string, number | null>[] = [];
  for (const i of paths) {
    const end = roundForDisplay(states[(times.length - 1) * n + i]!);
    for (const k of steps) {
      rows.push({ p: i, t: roundForDisplay(times[k]!), x: roundForDisplay(states[k * n + i]!), end });
    }
  }
  return topLevel({
    title: `Trajectories (${paths.length} of ${n} paths, ${steps.length} of ${times.length} saved times)`,
    width: options.size ?? 420,
    height: 280,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 0.8, opacity: 0.6 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "t", scale: { nice: false } },
      y: { field: "x", type: "quantitative", title: "x", scale: { zero: false } },
      detail: { field: "p", type: "nominal" },
      color: {
        field: "end",
        type: "quantitative",
        title: "final x",
        scale: { scheme: { name: "viridis", extent: [0, 0.9] } },
        legend: { type: "gradient", gradientLength: 140 },
      },
      tooltip: [
        { field: "p", type: "quantitative", title: "path" },
        { field: "t", type: "quantitative", format: ".3~f" },
        { field: "x", type: "quantitative", format: ".4~g" },
      ],
    },
  });
}
