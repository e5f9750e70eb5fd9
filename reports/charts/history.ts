/**
 * Training curves: loss against step or against wall-clock seconds (several
 * runs overlaid), and the diagnostics recorded alongside (learning rate,
 * gradient norm, validation metrics).
 *
 * @module
 */

import type { TrainingHistory, VegaLiteSpec } from "../types.ts";
import { roundForDisplay, topLevel } from "./_common.ts";

/** Options for {@linkcode lossChart}. */
export interface LossChartOptions {
  /** Horizontal axis: optimiser step (default) or wall-clock seconds. */
  x?: "step" | "seconds";
  /** Log-scale loss axis (default true); falls back to linear when a shown loss is ≤ 0. */
  logLoss?: boolean;
  /** Most points drawn per run (default 500 for up to two runs, then 1000 / runs, at least 100); longer histories are averaged in buckets. With more than three runs the min–max band is left out. */
  maxPoints?: number;
  /** Plot width in pixels (default 420). */
  width?: number;
  /** Plot height in pixels (default 260). */
  height?: number;
}

/** One display point of a bucketed series. */
export interface Bucket {
  /** Mean step of the bucket's finite records. */
  step: number;
  /** Mean seconds of the bucket's finite records (0 without a seconds series). */
  seconds: number;
  /** Mean value. */
  mean: number;
  /** Smallest value. */
  lo: number;
  /** Largest value. */
  hi: number;
  /** Finite records in the bucket. */
  count: number;
}

/** A series to bucket: values recorded at steps (and seconds), arrays of equal length. */
export interface BucketSeriesInput {
  step: ArrayLike<number>;
  seconds?: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Averages a series over k = min(n, maxPoints) consecutive buckets
 * [⌊b·n/k⌋, ⌊(b+1)·n/k⌋): each bucket reports the mean of its finite values,
 * their min and max (the band), and the mean step and seconds. Deterministic;
 * when n ≤ maxPoints every record is its own bucket.
 *
 * @example
 * ```ts
 * bucketSeries({ step: [1, 2, 3, 4], values: [4, 2, 3, 1] }, 2); // means 3 and 2 at steps 1.5 and 3.5
 * ```
 */
export function bucketSeries(series: BucketSeriesInput, maxPoints: number): Bucket[] {
  const { step, seconds, values } = series;
  const n = Math.min(step.length, values.length);
  const k = Math.min(n, Math.max(1, Math.floor(maxPoints)));
  const out: Bucket[] = [];
  for (let b = 0; b < k; b++) {
    const start = Math.floor((b * n) / k), end = Math.floor(((b + 1) * n) / k);
    let sum = 0, count = 0, lo = Infinity, hi = -Infinity, sStep = 0, sSec = 0;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      sum += v;
      count++;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sStep += step[i]!;
      sSec += seconds ? seconds[i]! : 0;
    }
    if (count === 0) continue;
    out.push({ step: sStep / count, seconds: sSec / count, mean: sum / count, lo, hi, count });
  }
  return out;
}

function checkHistory(h: TrainingHistory): void {
  if (h.step.length !== h.loss.length || h.step.length !== h.seconds.length) {
    throw new RangeError(
      `Cannot chart history "${h.node}": step, seconds and loss have lengths ${h.step.length}, ${h.seconds.length}, ${h.loss.length}: they must be equal`,
    );
  }
}

/**
 * Loss against step (or seconds), one line per history, with a min–max band
 * where records were averaged into buckets (see {@linkcode bucketSeries}).
 * Tooltips give run, step, seconds and loss.
 *
 * @example
 * ```ts
 * const spec = lossChart([{ node: "fit", step: [1, 2], seconds: [0.1, 0.2], loss: [1, 0.5] }], { x: "seconds" });
 * ```
 */
export function lossChart(histories: readonly TrainingHistory[], options: LossChartOptions = {}): VegaLiteSpec {
  const x = options.x ?? "step";
  // many overlaid runs get coarser buckets so the lines stay readable: 500 for one or two runs, 1000 / runs down to 100
  const maxPoints = options.maxPoints ?? Math.min(500, Math.max(100, Math.round(1000 / Math.max(1, histories.length))));
  const rows: Record<string, number | string | null>[] = [];
  let bucketed = false, positive = true;
  for (const h of histories) {
    checkHistory(h);
    const run = h.label ?? h.node;
    for (const b of bucketSeries({ step: h.step, seconds: h.seconds, values: h.loss }, maxPoints)) {
      if (b.count > 1) bucketed = true;
      if (b.lo <= 0) positive = false;
      rows.push({
        run,
        step: roundForDisplay(b.step),
        seconds: roundForDisplay(b.seconds),
        loss: roundForDisplay(b.mean),
        lo: roundForDisplay(b.lo),
        hi: roundForDisplay(b.hi),
      });
    }
  }
  const log = (options.logLoss ?? true) && positive;
  const xTitle = x === "step" ? "step" : "seconds";
  const xEnc = {
    field: x,
    type: "quantitative",
    title: xTitle,
    scale: { zero: false, nice: false },
    axis: x === "step" ? { format: "~s" } : {},
  };
  const yScale = log ? { type: "log", nice: false } : { zero: false };
  const color = {
    field: "run",
    type: "nominal",
    title: "run",
    // line symbols at full opacity (the band's faint fill would otherwise tint the legend)
    legend: { symbolType: "stroke", symbolStrokeWidth: 2.5, symbolOpacity: 1, labelLimit: 260 },
  };
  const layer: VegaLiteSpec[] = [];
  const band = bucketed && histories.length <= 3;
  if (band) {
    layer.push({
      mark: { type: "area", opacity: 0.18 },
      encoding: {
        x: xEnc,
        y: { field: "lo", type: "quantitative", scale: yScale },
        y2: { field: "hi" },
        color,
      },
    });
  }
  layer.push({
    mark: { type: "line", strokeWidth: 1.5, interpolate: "linear" },
    encoding: {
      x: xEnc,
      y: { field: "loss", type: "quantitative", title: log ? "loss (log scale)" : "loss", scale: yScale },
      color,
    },
  });
  layer.push({
    mark: { type: "point", opacity: 0, size: 40 },
    encoding: {
      x: xEnc,
      y: { field: "loss", type: "quantitative", scale: yScale },
      tooltip: [
        { field: "run", type: "nominal" },
        { field: "step", type: "quantitative" },
        { field: "seconds", type: "quantitative", format: ".3~f" },
        { field: "loss", type: "quantitative", format: ".4~g" },
        ...(bucketed
          ? [
            { field: "lo", type: "quantitative", title: "bucket min", format: ".4~g" },
            { field: "hi", type: "quantitative", title: "bucket max", format: ".4~g" },
          ]
          : []),
      ],
    },
  });
  return topLevel({
    title: `Training loss against ${xTitle}${bucketed ? ` (bucket means${band ? ", band = min–max" : ""})` : ""}`,
    width: options.width ?? 420,
    height: options.height ?? 260,
    data: { values: rows },
    layer,
  });
}

/** True when any history records a learning rate, gradient norm or validation metric that changes over training. */
export function hasDiagnostics(histories: readonly TrainingHistory[]): boolean {
  return histories.some((h) => diagnosticSeries(h).length > 0);
}

/** True when the finite values of a series take more than one value. */
function varies(values: ArrayLike<number>): boolean {
  let first: number | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (first === undefined) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/** The learning rate, gradient norm and validation series of a history that change over training (a constant learning rate says nothing a chart could add). */
function diagnosticSeries(h: TrainingHistory): [string, ArrayLike<number>][] {
  const series: [string, ArrayLike<number>][] = [];
  if (h.lr) series.push(["learning rate", h.lr]);
  if (h.gradNorm) series.push(["gradient norm", h.gradNorm]);
  for (const [name, v] of Object.entries(h.val ?? {})) series.push([`val ${name}`, v]);
  return series.filter(([, v]) => varies(v));
}

/** Options for {@linkcode diagnosticsChart}. */
export interface DiagnosticsChartOptions {
  /** Most points drawn per series (default 500), bucket means beyond that. */
  maxPoints?: number;
  /** Panels per row (default 3). */
  columns?: number;
  /** Panel width in pixels (default 260). */
  width?: number;
  /** Panel height in pixels (default 160). */
  height?: number;
}

/**
 * Learning rate, gradient norm and validation metrics against step: one small
 * panel per series (independent y axes), runs overlaid in colour. Non-finite
 * entries are gaps (val metrics are usually recorded every k steps); series that
 * never change (a constant learning rate) are left out.
 */
export function diagnosticsChart(
  histories: readonly TrainingHistory[],
  options: DiagnosticsChartOptions = {},
): VegaLiteSpec {
  const maxPoints = options.maxPoints ?? 500;
  const rows: Record<string, number | string | null>[] = [];
  for (const h of histories) {
    const run = h.label ?? h.node;
    for (const [name, values] of diagnosticSeries(h)) {
      for (const b of bucketSeries({ step: h.step, seconds: h.seconds, values }, maxPoints)) {
        rows.push({ run, series: name, step: roundForDisplay(b.step), value: roundForDisplay(b.mean) });
      }
    }
  }
  return topLevel({
    title: "Training diagnostics against step",
    data: { values: rows },
    facet: { field: "series", type: "nominal", title: null, sort: [...new Set(rows.map((r) => r.series))] },
    columns: options.columns ?? 3,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: options.width ?? 260,
      height: options.height ?? 160,
      layer: [
        {
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: { field: "step", type: "quantitative", title: "step" },
            y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
            color: { field: "run", type: "nominal", title: "run" },
          },
        },
        {
          mark: { type: "point", opacity: 0, size: 40 },
          encoding: {
            x: { field: "step", type: "quantitative" },
            y: { field: "value", type: "quantitative" },
            tooltip: [
              { field: "run", type: "nominal" },
              { field: "series", type: "nominal" },
              { field: "step", type: "quantitative" },
              { field: "value", type: "quantitative", format: ".4~g" },
            ],
          },
        },
      ],
    },
  });
}
