/**
 * Generated samples over target samples: an equal-aspect scatter (thinned for
 * display), a 2-D histogram of all points under it for large sets, or overlaid
 * histograms for 1-D data.
 *
 * @module
 */

import type { Points } from "../../core/data/points.ts";
import type { VegaLiteSpec } from "../types.ts";
import {
  checkAxes,
  equalDomains,
  type Extent,
  histogram2d,
  roundForDisplay,
  thinIndices,
  topLevel,
  unionExtent,
} from "./_common.ts";

/** The point sets of a samples chart. */
export interface SamplesChartInput {
  /** The generated set (drawn on top, in colour). */
  generated: Points;
  /** The reference set (drawn underneath, in grey). */
  reference?: Points;
  /** Legend label of the generated set (default `generated`). */
  generatedLabel?: string;
  /** Legend label of the reference set (default `reference`). */
  referenceLabel?: string;
}

/** Options for {@linkcode samplesChart}. */
export interface SamplesChartOptions {
  /** Most points drawn per set (default 5000), chosen by {@linkcode thinIndices} (a deterministic stride). */
  maxPoints?: number;
  /** Above this many points (default 20000) the reference (or, without one, the generated set) is drawn as a 2-D histogram of ALL its points under the scatter. */
  histogramThreshold?: number;
  /** Histogram bins per axis (default 64). */
  bins?: number;
  /** Which two coordinates to draw (default [0, 1]). */
  dims?: [number, number];
  /** Colour the generated points by set (default) or by their class label. */
  colorBy?: "set" | "label";
  /** Width = height of the square plot in pixels (default 380). */
  size?: number;
  /** Fraction of points trimmed from each end when choosing the view (default 0.001), so one stray sample cannot squash the plot; points outside are clipped and counted in the title. */
  trim?: number;
}

/** The [q, 1 − q] quantile range of coordinate `axis` (finite values only), or null if none. */
export function quantileExtent(p: Points, axis: number, q: number): Extent | null {
  const v: number[] = [];
  for (let i = 0; i < p.n; i++) {
    const x = p.data[i * p.dim + axis]!;
    if (Number.isFinite(x)) v.push(x);
  }
  if (v.length === 0) return null;
  const s = Float64Array.from(v).sort();
  const k = Math.floor(q * (s.length - 1));
  return [s[k]!, s[s.length - 1 - k]!];
}

function countOutside(p: Points, axes: [number, number], d: { x: Extent; y: Extent }): number {
  let out = 0;
  for (let i = 0; i < p.n; i++) {
    const u = p.data[i * p.dim + axes[0]]!, v = p.data[i * p.dim + axes[1]]!;
    if (!(u >= d.x[0] && u <= d.x[1] && v >= d.y[0] && v <= d.y[1])) out++;
  }
  return out;
}

function scatterRows(p: Points, set: string, axes: [number, number], maxPoints: number) {
  const idx = thinIndices(p.n, maxPoints);
  const rows: Record<string, number | string | null>[] = [];
  for (const i of idx) {
    const row: Record<string, number | string | null> = {
      set,
      x: roundForDisplay(p.data[i * p.dim + axes[0]]!),
      y: roundForDisplay(p.data[i * p.dim + axes[1]]!),
    };
    if (p.labels) row.label = p.labels[i]!;
    rows.push(row);
  }
  return rows;
}

/**
 * The samples chart. For dim ≥ 2: a square, equal-aspect scatter of two
 * coordinates, the reference in grey under the generated set in colour, each
 * thinned to `maxPoints` by a deterministic stride; a set larger than
 * `histogramThreshold` is shown as a 2-D histogram (density = count / (n · cell
 * area), over all its points) instead of a grey scatter. For dim = 1: overlaid
 * density histograms. Tooltips give set, coordinates and label.
 */
export function samplesChart(input: SamplesChartInput, options: SamplesChartOptions = {}): VegaLiteSpec {
  const { generated, reference } = input;
  const gLabel = input.generatedLabel ?? "generated";
  const rLabel = input.referenceLabel ?? "reference";
  if (reference && reference.dim !== generated.dim) {
    throw new RangeError(
      `Cannot draw samples: generated dimension "${generated.dim}" differs from reference dimension "${reference.dim}": compare sets of one dimension`,
    );
  }
  if (generated.dim === 1) return samplesHistogram1d(input, options);
  const maxPoints = options.maxPoints ?? 5000;
  const threshold = options.histogramThreshold ?? 20000;
  const axes = checkAxes("samples", generated.dim, options.dims ?? [0, 1]);
  const size = options.size ?? 380;
  const trim = options.trim ?? 0.001;
  const sets = reference ? [reference, generated] : [generated];
  const domains = equalDomains(
    unionExtent(sets.map((p) => quantileExtent(p, axes[0], trim))),
    unionExtent(sets.map((p) => quantileExtent(p, axes[1], trim))),
  );
  const outside = sets.reduce((s, p) => s + countOutside(p, axes, domains), 0);
  const xEnc = { field: "x", type: "quantitative", title: `x[${axes[0]}]`, scale: { domain: domains.x, nice: false } };
  const yEnc = { field: "y", type: "quantitative", title: `x[${axes[1]}]`, scale: { domain: domains.y, nice: false } };
  const tooltip = [
    { field: "set", type: "nominal" },
    { field: "x", type: "quantitative", title: `x[${axes[0]}]`, format: ".4~g" },
    { field: "y", type: "quantitative", title: `x[${axes[1]}]`, format: ".4~g" },
    ...(generated.labels || reference?.labels ? [{ field: "label", type: "nominal" }] : []),
  ];
  const layer: VegaLiteSpec[] = [];
  const histogramOf = reference
    ? (reference.n > threshold ? reference : null)
    : (generated.n > threshold ? generated : null);
  if (histogramOf) {
    const cells = histogram2d(histogramOf, axes, domains, options.bins ?? 64);
    layer.push({
      data: { values: cells },
      mark: { type: "rect", clip: true },
      encoding: {
        x: { field: "x0", type: "quantitative", scale: { domain: domains.x, nice: false }, title: `x[${axes[0]}]` },
        x2: { field: "x1" },
        y: { field: "y0", type: "quantitative", scale: { domain: domains.y, nice: false }, title: `x[${axes[1]}]` },
        y2: { field: "y1" },
        color: {
          field: "density",
          type: "quantitative",
          title: `${histogramOf === reference ? rLabel : gLabel} density`,
          scale: { scheme: "greys", type: "sqrt" },
          legend: { orient: "right", gradientLength: 120 },
        },
        tooltip: [
          { field: "count", type: "quantitative", title: "points in cell" },
          { field: "density", type: "quantitative", format: ".3~g" },
        ],
      },
    });
  }
  const byLabel = options.colorBy === "label" && generated.labels !== undefined;
  const setColor = {
    field: "set",
    type: "nominal",
    title: "set",
    scale: { domain: reference ? [rLabel, gLabel] : [gLabel], range: reference ? ["#9e9e9e", "#1f77b4"] : ["#1f77b4"] },
  };
  const scatter: VegaLiteSpec[] = [];
  if (reference && histogramOf !== reference) {
    scatter.push({
      data: { values: scatterRows(reference, rLabel, axes, maxPoints) },
      mark: { type: "circle", size: 9, opacity: 0.45, clip: true, ...(byLabel ? { color: "#9e9e9e" } : {}) },
      encoding: { x: xEnc, y: yEnc, ...(byLabel ? {} : { color: setColor }), tooltip },
    });
  }
  scatter.push({
    data: { values: scatterRows(generated, gLabel, axes, maxPoints) },
    mark: { type: "circle", size: 9, opacity: histogramOf === generated ? 0.35 : 0.6, clip: true },
    encoding: {
      x: xEnc,
      y: yEnc,
      color: byLabel ? { field: "label", type: "nominal", title: `${gLabel} label` } : setColor,
      tooltip,
    },
  });
  // the histogram's sequential colour scale must not merge with the points' categorical one
  if (layer.length > 0) layer.push({ layer: scatter });
  else layer.push(...scatter);
  const shown = (p: Points) => (p.n > maxPoints ? `, ${maxPoints} shown` : "");
  const title = [
    reference
      ? `${gLabel} (n = ${generated.n}${shown(generated)}) over ${rLabel} (n = ${reference.n}${
        histogramOf === reference ? ", 2-D histogram" : shown(reference)
      })`
      : `${gLabel} (n = ${generated.n}${shown(generated)})`,
    ...(outside > 0 ? [`${outside} point${outside === 1 ? "" : "s"} outside the view`] : []),
  ];
  return topLevel({
    title: { text: title },
    width: size,
    height: size,
    layer,
    ...(histogramOf ? { resolve: { scale: { color: "independent" } } } : {}),
  });
}

function samplesHistogram1d(input: SamplesChartInput, options: SamplesChartOptions): VegaLiteSpec {
  const sets: [string, Points][] = [];
  if (input.reference) sets.push([input.referenceLabel ?? "reference", input.reference]);
  sets.push([input.generatedLabel ?? "generated", input.generated]);
  const trim = options.trim ?? 0.001;
  const [lo, hi] = unionExtent(sets.map(([, p]) => quantileExtent(p, 0, trim)));
  const bins = options.bins ?? 64;
  const w = (hi - lo) / bins || 1;
  const rows: Record<string, number | string | null>[] = [];
  for (const [set, p] of sets) {
    const counts = new Float64Array(bins);
    for (let i = 0; i < p.n; i++) {
      const b = Math.floor((p.data[i]! - lo) / w);
      if (b >= 0 && b < bins) counts[b]! += 1;
      else if (p.data[i] === hi) counts[bins - 1]! += 1;
    }
    for (let b = 0; b < bins; b++) {
      rows.push({ set, x: roundForDisplay(lo + (b + 0.5) * w), density: roundForDisplay(counts[b]! / (p.n * w)) });
    }
  }
  return topLevel({
    title: sets.map(([s, p]) => `${s} (n = ${p.n})`).join(" vs "),
    width: options.size ?? 420,
    height: 240,
    data: { values: rows },
    mark: { type: "line", interpolate: "step", strokeWidth: 1.5 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x", scale: { zero: false } },
      y: { field: "density", type: "quantitative", title: "density (histogram)" },
      color: {
        field: "set",
        type: "nominal",
        title: "set",
        scale: { domain: sets.map(([s]) => s), range: sets.length === 2 ? ["#9e9e9e", "#1f77b4"] : ["#1f77b4"] },
      },
      tooltip: [
        { field: "set", type: "nominal" },
        { field: "x", type: "quantitative", title: "bin centre", format: ".4~g" },
        { field: "density", type: "quantitative", format: ".4~g" },
      ],
    },
  });
}
