/**
 * From report sections to the charts (and tables) the page and the SVG export
 * show: one place decides which builders a section uses, with stable ids.
 *
 * @module
 */

import { diagnosticsChart, hasDiagnostics, lossChart } from "./charts/history.ts";
import { samplesChart } from "./charts/samples.ts";
import { trajectoriesChart } from "./charts/trajectories.ts";
import { fieldChart } from "./charts/field.ts";
import { densityChart } from "./charts/density.ts";
import { nfeChart } from "./charts/nfe.ts";
import { sweepChart, sweepMetricNames } from "./charts/sweep.ts";
import type { ReportSection, RunReport, SweepReport, TableCell, VegaLiteSpec } from "./types.ts";
import { slug } from "./_html.ts";

/** One chart of a page: a stable id (anchor, export file name), a title and its spec. */
export interface ReportChart {
  /** `[a-z0-9_-]+`, unique within the page. */
  id: string;
  title: string;
  spec: VegaLiteSpec;
}

/** A plain table of a page. */
export interface ReportTable {
  columns: string[];
  rows: readonly Readonly<Record<string, TableCell>>[];
}

/** A section ready to render: its charts in order, or a table. */
export interface ResolvedSection {
  /** `[a-z0-9_-]+`, unique within the page. */
  id: string;
  title: string;
  description?: string;
  charts: ReportChart[];
  table?: ReportTable;
  /** Why the section could not be drawn (its data did not fit the chart); the rest of the page is unaffected. */
  error?: string;
}

const DEFAULT_TITLES: Record<ReportSection["kind"], string> = {
  history: "Training",
  samples: "Samples",
  trajectories: "Trajectories",
  field: "Velocity field",
  density: "Density",
  nfe: "Quality against NFE",
  table: "Table",
};

/** Column order of a table: the given one, else keys in first-seen order. */
export function tableColumns(rows: readonly Readonly<Record<string, TableCell>>[], columns?: readonly string[]) {
  if (columns) return [...columns];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function chartsOf(s: ReportSection, id: string, title: string): Pick<ResolvedSection, "charts" | "table"> {
  switch (s.kind) {
    case "history": {
      if (s.histories.length === 0) return { charts: [] };
      const logLoss = s.logLoss ?? true;
      const charts: ReportChart[] = [
        { id: `${id}-loss-step`, title: `${title}: loss against step`, spec: lossChart(s.histories, { logLoss }) },
        {
          id: `${id}-loss-seconds`,
          title: `${title}: loss against seconds`,
          spec: lossChart(s.histories, { x: "seconds", logLoss }),
        },
      ];
      if (hasDiagnostics(s.histories)) {
        charts.push({ id: `${id}-diagnostics`, title: `${title}: diagnostics`, spec: diagnosticsChart(s.histories) });
      }
      return { charts };
    }
    case "samples":
      return {
        charts: [{
          id,
          title,
          spec: samplesChart(s, { colorBy: s.generated.labels && !s.reference ? "label" : "set" }),
        }],
      };
    case "trajectories":
      return { charts: [{ id, title, spec: trajectoriesChart(s) }] };
    case "field":
      return { charts: s.frames.length ? [{ id, title, spec: fieldChart(s) }] : [] };
    case "density":
      return { charts: [{ id, title, spec: densityChart(s) }] };
    case "nfe":
      return {
        charts: s.rows.length ? [{ id, title, spec: nfeChart(s.rows, { logValue: s.logValue ?? false }) }] : [],
      };
    case "table":
      return { charts: [], table: { columns: tableColumns(s.rows, s.columns), rows: s.rows } };
  }
}

function uniqueId(wanted: string, used: Set<string>): string {
  let id = wanted, k = 2;
  while (used.has(id)) id = `${wanted}-${k++}`;
  used.add(id);
  return id;
}

/**
 * Resolves sections in order: ids default to `<kind>-<position>` (1-based),
 * are slugged, and made unique by a `-2`, `-3`, … suffix; `reserved` ids
 * (e.g. `metrics`, `config`) are never reused. A section whose data a builder
 * rejects (say a 3-D field) keeps its place with the builder's message in
 * `error`, so one bad artifact cannot take the whole page down; empty
 * sections get no charts.
 */
export function resolveSections(
  sections: readonly ReportSection[],
  reserved: readonly string[] = [],
): ResolvedSection[] {
  const used = new Set(reserved);
  return sections.map((s, i) => {
    const id = uniqueId(slug(s.id ?? `${s.kind}-${i + 1}`), used);
    const title = s.title ?? DEFAULT_TITLES[s.kind];
    let body: Pick<ResolvedSection, "charts" | "table" | "error">;
    try {
      body = chartsOf(s, id, title);
    } catch (e) {
      body = { charts: [], error: e instanceof Error ? e.message : String(e) };
    }
    return { id, title, ...(s.description !== undefined ? { description: s.description } : {}), ...body };
  });
}

/** Ids the page uses for its own fixed sections. */
export const RESERVED_IDS = ["contents", "metrics", "members", "summary", "config"] as const;

/** True when the run supplies its own `metrics` section (which then replaces the page's metric table). */
export function hasOwnMetricsSection(report: RunReport): boolean {
  return report.sections.some((s) => s.id === "metrics");
}

/** The sections of a run's page, in order. */
export function runSections(report: RunReport): ResolvedSection[] {
  const reserved = hasOwnMetricsSection(report) ? RESERVED_IDS.filter((id) => id !== "metrics") : RESERVED_IDS;
  return resolveSections(report.sections, reserved);
}

/**
 * The sections of a sweep's page: one chart per swept parameter (every metric
 * against it, see {@linkcode sweepChart}); a repeat over seeds only (no
 * swept parameter) gets one chart of every metric against the seed; then the
 * extra sections.
 */
export function sweepSections(report: SweepReport): ResolvedSection[] {
  const used = new Set<string>(RESERVED_IDS);
  const out: ResolvedSection[] = [];
  const hasMetrics = sweepMetricNames(report).length > 0;
  if (hasMetrics && report.params.length > 0) {
    for (const param of report.params) {
      const id = uniqueId(slug(`sweep-${param}`), used);
      const title = `Metrics against ${param}`;
      out.push({ id, title, charts: [{ id, title, spec: sweepChart(report, param) }] });
    }
  } else if (hasMetrics) {
    const id = uniqueId("sweep-seeds", used);
    const title = "Metrics over seeds";
    const label = `${report.members.length} runs`;
    const bySeed = { params: ["runs"], members: report.members.map((m) => ({ ...m, params: { runs: label } })) };
    const spec = sweepChart(bySeed, "runs", { title: "Metrics over seeds (mean ± 1 sd; dots are single runs)" });
    out.push({ id, title, charts: [{ id, title, spec }] });
  }
  const extra = resolveSections(report.sections ?? [], [...used]);
  return [...out, ...extra];
}

/** Every chart of a run's or a sweep's page, in page order. */
export function reportCharts(report: RunReport | SweepReport): ReportChart[] {
  const sections = "members" in report ? sweepSections(report) : runSections(report);
  return sections.flatMap((s) => s.charts);
}
