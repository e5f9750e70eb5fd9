/**
 * # reports — where researchers look first
 *
 * Turns what a run (or a sweep) recorded into a self-contained HTML page and
 * paper-ready SVG/PNG charts. It reads run data only and never re-runs
 * anything; the only part of `core/` it knows is the `Points` type.
 *
 * ## How the pieces fit
 *
 *     engine (run record + artifacts)
 *        │  adapts them to plain data
 *        ▼
 *     RunReport / SweepReport            types.ts   header, config, summary, metrics, sections
 *        │
 *        ▼
 *     sections.ts  resolveSections()     which builders a section uses; stable chart ids
 *        │             │
 *        │             ▼
 *        │        charts/*.ts             one chart family per file: (input, options) → Vega-Lite spec
 *        │          history.ts  loss vs step / seconds (log option, runs overlaid), lr, grad norm, val
 *        │          samples.ts  generated over reference: equal-aspect scatter; 2-D histogram for large n
 *        │          trajectories.ts  paths as segments coloured by t
 *        │          field.ts    velocity arrows on a grid, one panel per t
 *        │          density.ts  log-density heatmaps
 *        │          nfe.ts      metric vs NFE, a line per sampler
 *        │          sweep.ts    metric vs each swept parameter, mean ± sd over seeds
 *        ▼
 *     page.ts   renderRunReport() / renderSweepReport() → one HTML string
 *                (vega, vega-lite, vega-embed bundles inlined from node_modules,
 *                 specs as escaped JSON, CSP forbidding every fetch)
 *     svg.ts    renderSvg(spec) → byte-stable SVG; exportCharts(report, dir, { format })
 *
 * The page: header (name, run id, status, seed, run time, versions, commit
 * with dirty flag, host), summary, table of contents, metric table, one
 * section per input section (charts with tooltips and an export-only menu —
 * no editor link, no source view), the configuration collapsed. A
 * Content-Security-Policy (`default-src 'none'`) forbids every fetch, and the
 * page source holds no URL (the few inert URL strings inside the vega
 * bundles are written with `\u003a`). A section whose data a builder rejects
 * shows the builder's message in place; the rest of the page still draws.
 *
 * Export: `renderSvg` compiles with vega-lite and renders with Vega's headless
 * `"none"` renderer; the bytes are stable (seeded Vega random, Helvetica
 * advance widths for text, SVG id counters reset per document). PNG goes
 * through resvg (WebAssembly) with the Arimo font from npm, which has
 * Helvetica's metrics, so the PNG bytes do not depend on installed fonts.
 *
 * Display only: point sets are thinned by a deterministic stride to at most
 * 5000 points a set (`thinIndices`), long histories are averaged into at most
 * 500 buckets, and numbers are rounded to 5 significant digits in the page;
 * metrics are computed elsewhere, on all points. Large reference sets
 * (> 20 000 points) are shown as a 2-D histogram of all their points.
 *
 * ## Writing a report
 *
 * @example
 * ```ts
 * import { exportCharts, renderRunReport, type RunReport } from "./reports/mod.ts";
 *
 * const report: RunReport = {
 *   header: { name: "quickstart", runId: "20260101-000000-quickstart", seed: 0, started: "2026-01-01T00:00:00Z",
 *     status: "ok", versions: { flowlab: "0.1.0", deno: Deno.version.deno } },
 *   metrics: { w2: 0.081 },
 *   sections: [{ kind: "history", histories: [{ node: "fit", step: [1, 2], seconds: [0.1, 0.2], loss: [1, 0.5] }] }],
 * };
 * await Deno.writeTextFile("report.html", renderRunReport(report));
 * await exportCharts(report, "figures", { format: "svg" }); // figures/history-1-loss-step.svg, …
 * ```
 *
 * Testing: `tests/reports/` compiles every spec with vega-lite and parses it
 * with vega, checks escaping, thinning and byte-stable SVG, and opens real
 * pages in headless Chromium with the network blocked (`browser_test.ts`).
 *
 * @module
 */

export type {
  DensityPanel,
  DensitySection,
  FieldFrame,
  FieldSection,
  HistorySection,
  MetricValue,
  NfeRow,
  NfeSection,
  ParamValue,
  Points,
  ReportConfig,
  ReportGit,
  ReportSection,
  ReportVersions,
  RunHeader,
  RunReport,
  SamplesSection,
  SectionBase,
  SweepHeader,
  SweepMember,
  SweepReport,
  TableCell,
  TableSection,
  TrainingHistory,
  TrajectoriesSection,
  VegaLiteSpec,
} from "./types.ts";

export { CONTENT_SECURITY_POLICY, type PageOptions, renderRunReport, renderSweepReport } from "./page.ts";
export {
  type CompiledSpec,
  compileVegaLite,
  exportCharts,
  type ExportChartsOptions,
  renderSvg,
  type RenderSvgOptions,
} from "./svg.ts";
export {
  type ReportChart,
  reportCharts,
  type ReportTable,
  type ResolvedSection,
  resolveSections,
  runSections,
  sweepSections,
} from "./sections.ts";

export {
  type Bucket,
  bucketSeries,
  type BucketSeriesInput,
  diagnosticsChart,
  type DiagnosticsChartOptions,
  hasDiagnostics,
  lossChart,
  type LossChartOptions,
} from "./charts/history.ts";
export { samplesChart, type SamplesChartInput, type SamplesChartOptions } from "./charts/samples.ts";
export {
  thinTimes,
  trajectoriesChart,
  type TrajectoriesChartInput,
  type TrajectoriesChartOptions,
} from "./charts/trajectories.ts";
export { fieldChart, type FieldChartInput, type FieldChartOptions } from "./charts/field.ts";
export { densityChart, type DensityChartInput, type DensityChartOptions } from "./charts/density.ts";
export { nfeChart, type NfeChartOptions } from "./charts/nfe.ts";
export { meanAndSd, sweepChart, type SweepChartInput, type SweepChartOptions } from "./charts/sweep.ts";
export { flattenMetrics, roundForDisplay, thinIndices } from "./charts/_common.ts";
