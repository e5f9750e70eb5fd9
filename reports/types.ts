/**
 * The plain-data input of the reports: what a run (or a sweep) hands to the page
 * and to the chart builders. Nothing here refers to the graph, the scheduler or
 * the file system: the engine adapts its run record and artifacts to these
 * shapes, and `reports/` only ever reads them (it never re-runs anything).
 *
 * Point data uses {@linkcode Points} (row-major `Float64Array`); every other
 * series is an `ArrayLike<number>` so plain arrays and typed arrays both fit.
 *
 * @module
 */

import type { Points } from "../core/data/points.ts";

export type { Points };

/**
 * A Vega-Lite specification as a plain JSON-able object. Typed loosely on
 * purpose: the builders' tests compile every spec with `vega-lite` and parse
 * it with `vega`, which is the check that matters.
 */
export type VegaLiteSpec = Record<string, unknown>;

/** Versions of what produced a run. */
export interface ReportVersions {
  /** flowlab's own version (deno.json `version`). */
  flowlab: string;
  /** `Deno.version.deno`. */
  deno: string;
  /** `@tensorflow/tfjs-core` version, where tfjs was loaded. */
  tfjs?: string;
  /** The tfjs backend name: `wasm`, `cpu` or `tensorflow`. */
  backend?: string;
  /** The backend package's version. */
  backendVersion?: string;
  /** Which WebAssembly kernel variant ran: `relaxed` or `simd`. */
  kernels?: string;
}

/** The repository state a run was made from. */
export interface ReportGit {
  /** Full commit hash. */
  commit: string;
  /** True when the work tree had uncommitted changes. */
  dirty: boolean;
}

/** The header of a single run's page. */
export interface RunHeader {
  /** Experiment name (`name:` in the YAML). */
  name: string;
  /** Run id (the folder under `runs/`). */
  runId: string;
  /** Experiment seed. */
  seed: number;
  /** Start time, ISO 8601. */
  started: string;
  /** End time, ISO 8601, once finished. */
  finished?: string;
  /** Wall-clock seconds of the whole run. */
  seconds?: number;
  /** `ok`, `failed`, `running`, … (shown as given). */
  status: string;
  /** Versions of what produced the run. */
  versions: ReportVersions;
  /** Repository state, where the run was made inside a git checkout. */
  git?: ReportGit;
  /** Host name. */
  host?: string;
}

/** The configuration a run was made from, shown collapsed on the page. */
export interface ReportConfig {
  /** The YAML text as given (shown verbatim). */
  yaml?: string;
  /** The resolved graph (plain data; shown as indented JSON). */
  graph?: unknown;
}

/** A metric node's value: a number, or an object of numbers (`{ pe, npe, straightness }`). */
export type MetricValue = number | Readonly<Record<string, number>>;

/** Fields every section has. */
export interface SectionBase {
  /** Stable id (anchor and export file name); defaults to `<kind>-<index>`. Use `[a-z0-9_-]`. */
  id?: string;
  /** Heading; defaults to a name for the kind. */
  title?: string;
  /** A sentence or two shown under the heading. */
  description?: string;
}

/**
 * One training run's history: per-step arrays of equal length. Optional series
 * (`lr`, `gradNorm`, each `val` entry) are aligned with `step`; a non-finite
 * entry (NaN) means "not recorded at this step".
 */
export interface TrainingHistory {
  /** The train node's id (the legend entry), e.g. `fit`. */
  node: string;
  /** Legend label; defaults to `node`. */
  label?: string;
  /** Optimiser step of each record. */
  step: ArrayLike<number>;
  /** Wall-clock seconds since training started, at each record. */
  seconds: ArrayLike<number>;
  /** Training loss at each record. */
  loss: ArrayLike<number>;
  /** Learning rate at each record. */
  lr?: ArrayLike<number>;
  /** Gradient norm (before clipping) at each record. */
  gradNorm?: ArrayLike<number>;
  /** Validation metrics by name, aligned with `step` (NaN where not evaluated). */
  val?: Readonly<Record<string, ArrayLike<number>>>;
}

/** Training curves: loss against step and against seconds, several runs overlaid. */
export interface HistorySection extends SectionBase {
  kind: "history";
  /** One entry per train node (or per sweep member). */
  histories: readonly TrainingHistory[];
  /** Log-scale loss axis (default true: losses span decades). */
  logLoss?: boolean;
}

/** Generated samples drawn over target samples. */
export interface SamplesSection extends SectionBase {
  kind: "samples";
  /** The generated point set. */
  generated: Points;
  /** The reference (target) point set, drawn underneath. */
  reference?: Points;
  /** Legend label of the generated set (default `generated`). */
  generatedLabel?: string;
  /** Legend label of the reference set (default `reference`). */
  referenceLabel?: string;
}

/**
 * Sample paths x(t): `states` holds `times.length × n × dim` values,
 * time-major: point i at time k is `states[(k·n + i)·dim … + dim − 1]`.
 */
export interface TrajectoriesSection extends SectionBase {
  kind: "trajectories";
  /** The time of each saved state, increasing. */
  times: ArrayLike<number>;
  /** Number of paths. */
  n: number;
  /** Dimension of each state. */
  dim: number;
  /** `times.length · n · dim` values, time-major. */
  states: Float64Array;
}

/** One frame of a vector field: the vectors at every grid position at time `t`. */
export interface FieldFrame {
  /** The time t ∈ [0, 1]. */
  t: number;
  /** `positions.n × 2` vector components, row-major (same order as positions). */
  vectors: Float64Array;
}

/** A learned velocity field sampled on a grid at several t (drawn as arrows, one panel per t). */
export interface FieldSection extends SectionBase {
  kind: "field";
  /** Grid positions, `m × 2`. */
  positions: Points;
  /** One frame per t. */
  frames: readonly FieldFrame[];
}

/** One heatmap panel of a density section. */
export interface DensityPanel {
  /** Panel title, e.g. `model` or `true density`. */
  label: string;
  /** `y.length × x.length` values, row j at height `y[j]` (row-major). */
  values: Float64Array;
}

/** Log-density (or likelihood) heatmaps on a regular grid. */
export interface DensitySection extends SectionBase {
  kind: "density";
  /** Grid cell centres along x, increasing and evenly spaced. */
  x: ArrayLike<number>;
  /** Grid cell centres along y, increasing and evenly spaced. */
  y: ArrayLike<number>;
  /** One or more panels sharing the grid and the colour scale. */
  panels: readonly DensityPanel[];
  /** Colour legend title (default `log p(x)`). */
  valueLabel?: string;
}

/** One row of a quality-against-NFE study. */
export interface NfeRow {
  /** Sampler name (one line each), e.g. `euler`, `dopri5`. */
  sampler: string;
  /** Number of function evaluations. */
  nfe: number;
  /** Metric name (one panel each), e.g. `w2`, `mmd`. */
  metric: string;
  /** Metric value. */
  value: number;
}

/** Quality against the number of function evaluations, one line per sampler. */
export interface NfeSection extends SectionBase {
  kind: "nfe";
  rows: readonly NfeRow[];
  /** Log-scale metric axis (default false). */
  logValue?: boolean;
}

/** A table cell. */
export type TableCell = string | number | boolean | null;

/** A plain table of records (rendered as an HTML table, not a chart). */
export interface TableSection extends SectionBase {
  kind: "table";
  /** Column order; defaults to the keys of the rows in first-seen order. */
  columns?: readonly string[];
  rows: readonly Readonly<Record<string, TableCell>>[];
}

/** Everything a page can show, in the order given. */
export type ReportSection =
  | HistorySection
  | SamplesSection
  | TrajectoriesSection
  | FieldSection
  | DensitySection
  | NfeSection
  | TableSection;

/** The input of a single run's page: header, config, metrics and sections. */
export interface RunReport {
  header: RunHeader;
  config?: ReportConfig;
  /** A free-text paragraph shown under the header (studies write one). */
  summary?: string;
  /** Metric values by metric node id, shown as the page's "Metrics" table (a section with id `metrics` replaces it). */
  metrics: Readonly<Record<string, MetricValue>>;
  /** The sections, rendered in this order. */
  sections: readonly ReportSection[];
}

/** The header of a sweep's page. */
export interface SweepHeader {
  /** Experiment name. */
  name: string;
  /** Sweep id (the folder under `runs/`). */
  sweepId: string;
  /** Start time, ISO 8601. */
  started: string;
  /** End time, ISO 8601. */
  finished?: string;
  /** Wall-clock seconds of the whole sweep. */
  seconds?: number;
  /** `ok`, `failed`, `partial`, … (shown as given). */
  status?: string;
  versions: ReportVersions;
  git?: ReportGit;
  host?: string;
}

/** A swept parameter's value. */
export type ParamValue = string | number | boolean;

/** One run of a sweep. */
export interface SweepMember {
  /** The member's run id. */
  runId: string;
  /** The member's experiment seed (repeats over seeds differ only here). */
  seed: number;
  /** Values of the swept parameters (those named in {@linkcode SweepReport.params}). */
  params: Readonly<Record<string, ParamValue>>;
  /** Metric values by metric node id. */
  metrics: Readonly<Record<string, MetricValue>>;
  /** `ok`, `failed`, … */
  status?: string;
  /** Relative link to the member's own report, e.g. `../<run-id>/report.html`. */
  href?: string;
}

/** The input of a sweep's page: members, the swept parameter names, and optional extra sections. */
export interface SweepReport {
  header: SweepHeader;
  config?: ReportConfig;
  summary?: string;
  /** Names of the swept parameters other than the seed, e.g. `fit.params.steps`. */
  params: readonly string[];
  members: readonly SweepMember[];
  /** Extra sections (e.g. every member's training history overlaid), after the sweep charts. */
  sections?: readonly ReportSection[];
}
