/**
 * The self-contained HTML page of a run or a sweep: header, summary, table of
 * contents, metric tables, charts (vega, vega-lite and vega-embed inlined from
 * the pinned npm packages, specs and data inlined as escaped JSON) and the
 * configuration, collapsed. The page makes no network request: a
 * Content-Security-Policy forbids every fetch, and no URL appears in it.
 *
 * @module
 */

import { browserBundles } from "./_bundles.ts";
import { packCharts, unpackCharts } from "./_pack.ts";
import { escapeHtml, formatNumber, formatSeconds, hideUrlSchemes, jsonForScript } from "./_html.ts";
import { flattenMetrics } from "./charts/_common.ts";
import { meanAndSd, sweepMetricNames } from "./charts/sweep.ts";
import {
  hasOwnMetricsSection,
  type ReportTable,
  type ResolvedSection,
  runSections,
  sweepSections,
} from "./sections.ts";
import type {
  MetricValue,
  ReportConfig,
  ReportGit,
  ReportVersions,
  RunReport,
  SweepReport,
  TableCell,
  VegaLiteSpec,
} from "./types.ts";

/** Options for {@linkcode renderRunReport} and {@linkcode renderSweepReport}. */
export interface PageOptions {
  /** Vega renderer in the browser: `canvas` (default; fast with many marks) or `svg`. */
  renderer?: "canvas" | "svg";
}

/**
 * The page's Content-Security-Policy: nothing may be fetched (no `connect-src`,
 * `img-src` beyond data:/blob: for the export menu, no fonts, frames or
 * workers); inline scripts and styles only. `unsafe-eval` is needed because
 * Vega compiles its expressions with `Function`.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  "img-src data: blob:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #e3e3e6; --bg: #fafafa; --accent: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg); }
main { max-width: 1280px; margin: 0 auto; padding: 24px 32px 64px; }
header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 600; }
.sub { color: var(--muted); margin: 0 0 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  background: #e8eaed; color: #3c4043; vertical-align: middle; }
.badge.ok { background: #e6f4ea; color: #137333; } .badge.failed { background: #fce8e6; color: #c5221f; }
.dirty { color: #b06000; font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 16px; margin: 0;
  font-size: 13px; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.summary { max-width: 80ch; font-size: 15px; margin: 16px 0; white-space: pre-wrap; }
nav.toc { margin: 16px 0; padding: 8px 16px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
nav.toc h2 { font-size: 13px; margin: 4px 0; color: var(--muted); font-weight: 600; text-transform: uppercase; }
nav.toc ol { margin: 0; padding-left: 20px; columns: 2; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
section { margin-top: 28px; }
section > h2 { font-size: 18px; font-weight: 600; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.description { color: var(--muted); max-width: 80ch; margin: 0 0 8px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; min-height: 60px; max-width: 100%; }
.chart-error { color: #c5221f; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
table.data { border-collapse: collapse; background: #fff; border: 1px solid var(--line); font-size: 13px;
  font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data td.num { text-align: right; }
table.data th { background: #f3f4f6; font-weight: 600; position: sticky; top: 0; }
.table-wrap { max-width: 100%; overflow-x: auto; max-height: 520px; overflow-y: auto; }
details.config { margin: 8px 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
details.config summary { cursor: pointer; font-weight: 600; }
details.config pre { max-height: 480px; overflow: auto; margin: 8px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/**
 * The script that draws the charts: unpack the chart data (see `_pack.ts`), then for each `[data-chart]` container, embed
 * its spec with vega-embed (export menu only: no editor link, no source view),
 * then count the data marks Vega drew (scenegraph items of role "mark") into
 * `data-marks`. A failure is written into the container and to the console.
 * `window.flowlabCharts` and `body[data-charts-done]` let a test wait for the end.
 */
function bootstrap(renderer: "canvas" | "svg"): string {
  return `(function () {
  "use strict";
  var specs = (${unpackCharts.toString()})(JSON.parse(document.getElementById("flowlab-charts").textContent));
  var nodes = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  var state = { total: nodes.length, rendered: 0, failed: 0 };
  window.flowlabCharts = state;
  function countMarks(scene) {
    var n = 0;
    (function walk(mark) {
      if (!mark || !mark.items) return;
      if (mark.marktype === "group") { mark.items.forEach(function (g) { (g.items || []).forEach(walk); }); return; }
      if (mark.role === "mark") n += mark.items.length;
    })(scene);
    return n;
  }
  var jobs = nodes.map(function (el) {
    var id = el.getAttribute("data-chart");
    var spec = specs[id];
    if (!spec) return Promise.reject(new Error("No spec for chart " + id));
    return vegaEmbed(el, spec, {
      mode: "vega-lite",
      renderer: ${JSON.stringify(renderer)},
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: id,
      logLevel: vega.Warn
    }).then(function (result) {
      var marks = countMarks(result.view.scenegraph().root);
      el.setAttribute("data-marks", String(marks));
      el.setAttribute("data-rendered", "true");
      state.rendered += 1;
    }).catch(function (err) {
      state.failed += 1;
      el.setAttribute("data-rendered", "false");
      var box = document.createElement("div");
      box.className = "chart-error";
      box.textContent = "Chart " + id + " failed to render: " + (err && err.message ? err.message : String(err));
      el.appendChild(box);
      console.error("flowlab: chart " + id + " failed:", err);
    });
  });
  Promise.all(jobs).then(function () { document.body.setAttribute("data-charts-done", "true"); });
})();`;
}

function statusBadge(status: string): string {
  const cls = status === "ok" ? "ok" : status === "failed" ? "failed" : "";
  return `<span class="badge ${cls}">${escapeHtml(status)}</span>`;
}

function versionsText(v: ReportVersions): string {
  const parts = [`flowlab ${v.flowlab}`, `deno ${v.deno}`];
  if (v.tfjs) parts.push(`tfjs ${v.tfjs}`);
  if (v.backend) parts.push(`backend ${v.backend}${v.backendVersion ? ` ${v.backendVersion}` : ""}`);
  if (v.kernels) parts.push(`kernels ${v.kernels}`);
  return parts.join(" · ");
}

function gitHtml(git: ReportGit | undefined): string {
  if (!git) return "—";
  const short = escapeHtml(git.commit.slice(0, 12));
  return `<code title="${escapeHtml(git.commit)}">${short}</code>${
    git.dirty ? ` <span class="dirty">(dirty: uncommitted changes)</span>` : ""
  }`;
}

function metaList(items: [string, string][]): string {
  return `<dl class="meta">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

function cellHtml(v: TableCell | undefined): string {
  if (v === null || v === undefined) return `<td>—</td>`;
  if (typeof v === "number") return `<td class="num">${escapeHtml(formatNumber(v))}</td>`;
  return `<td>${escapeHtml(String(v))}</td>`;
}

/** An HTML table of records (cells escaped, numbers right-aligned with 4 significant digits). */
export function tableHtml(table: ReportTable): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = table.rows.map((r) => `<tr>${table.columns.map((c) => cellHtml(r[c])).join("")}</tr>`).join("\n");
  return `<div class="table-wrap"><table class="data"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function metricsTable(metrics: Readonly<Record<string, MetricValue>>): string {
  const flat = flattenMetrics(metrics);
  const rows = Object.entries(flat).map(([metric, value]) => ({ metric, value }));
  if (rows.length === 0) return `<p class="description">This run recorded no metrics.</p>`;
  return tableHtml({ columns: ["metric", "value"], rows });
}

function configSection(config: ReportConfig | undefined): string {
  if (!config || (config.yaml === undefined && config.graph === undefined)) return "";
  const parts: string[] = [];
  if (config.yaml !== undefined) {
    parts.push(
      `<details class="config"><summary>Experiment (YAML, as given)</summary><pre><code>${
        escapeHtml(config.yaml)
      }</code></pre></details>`,
    );
  }
  if (config.graph !== undefined) {
    parts.push(
      `<details class="config"><summary>Resolved graph (JSON)</summary><pre><code>${
        escapeHtml(JSON.stringify(config.graph, null, 2))
      }</code></pre></details>`,
    );
  }
  return `<section id="config"><h2>Configuration</h2>${parts.join("\n")}</section>`;
}

function sectionHtml(s: ResolvedSection): string {
  const desc = s.description ? `<p class="description">${escapeHtml(s.description)}</p>` : "";
  const charts = s.charts.length
    ? `<div class="charts">${
      s.charts.map((c) =>
        `<div class="chart" id="chart-${c.id}" data-chart="${c.id}" role="img" aria-label="${
          escapeHtml(c.title)
        }"></div>`
      ).join("\n")
    }</div>`
    : "";
  const table = s.table ? tableHtml(s.table) : "";
  const error = s.error ? `<p class="chart-error">This section could not be drawn: ${escapeHtml(s.error)}</p>` : "";
  const empty = !s.error && !s.table && s.charts.length === 0
    ? `<p class="description">Nothing was recorded for this section.</p>`
    : "";
  return `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>${desc}${error}${empty}${charts}${table}</section>`;
}

interface PageParts {
  title: string;
  header: string;
  summary?: string;
  fixed: { id: string; title: string; html: string }[];
  sections: ResolvedSection[];
  config?: ReportConfig;
  flowlabVersion: string;
}

function page(parts: PageParts, options: PageOptions): string {
  const bundles = browserBundles();
  const specs: Record<string, VegaLiteSpec> = {};
  for (const s of parts.sections) for (const c of s.charts) specs[c.id] = c.spec;
  const toc: [string, string][] = [];
  if (parts.summary) toc.push(["summary", "Summary"]);
  for (const f of parts.fixed) toc.push([f.id, f.title]);
  for (const s of parts.sections) toc.push([s.id, s.title]);
  const config = configSection(parts.config);
  if (config) toc.push(["config", "Configuration"]);
  const chartsLine = bundles.map((b) => `${b.name} ${escapeHtml(b.version)}`).join(", ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="flowlab ${escapeHtml(parts.flowlabVersion)}">
<title>${escapeHtml(parts.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${parts.header}
${parts.summary ? `<section id="summary" class="summary">${escapeHtml(parts.summary)}</section>` : ""}
<nav class="toc" id="contents"><h2>Contents</h2><ol>${
    toc.map(([id, t]) => `<li><a href="#${id}">${escapeHtml(t)}</a></li>`).join("")
  }</ol></nav>
<noscript><p class="chart-error">The charts need JavaScript; the tables below do not.</p></noscript>
${parts.fixed.map((f) => `<section id="${f.id}"><h2>${escapeHtml(f.title)}</h2>${f.html}</section>`).join("\n")}
${parts.sections.map(sectionHtml).join("\n")}
${config}
<footer>Made by flowlab ${
    escapeHtml(parts.flowlabVersion)
  }. Charts: ${chartsLine}, inlined in this file; it loads nothing from the network.</footer>
</main>
${bundles.map((b) => `<script>/* ${b.name} ${b.version} */\n${hideUrlSchemes(b.source)}\n</script>`).join("\n")}
<script type="application/json" id="flowlab-charts">${jsonForScript(packCharts(specs))}</script>
<script>${bootstrap(options.renderer ?? "canvas")}</script>
</body>
</html>
`;
}

/**
 * The HTML page of one run, as a string: write it to `runs/<id>/report.html`.
 * Deterministic: the same report gives the same bytes.
 *
 * @example
 * ```ts
 * const html = renderRunReport(report);
 * await Deno.writeTextFile(`runs/${report.header.runId}/report.html`, html);
 * ```
 */
export function renderRunReport(report: RunReport, options: PageOptions = {}): string {
  const h = report.header;
  const items: [string, string][] = [
    ["seed", escapeHtml(String(h.seed))],
    ["run time", h.seconds !== undefined ? escapeHtml(formatSeconds(h.seconds)) : "—"],
    ["started", escapeHtml(h.started)],
    ["finished", h.finished ? escapeHtml(h.finished) : "—"],
    ["versions", escapeHtml(versionsText(h.versions))],
    ["commit", gitHtml(h.git)],
    ["host", h.host ? escapeHtml(h.host) : "—"],
    ["run id", `<code>${escapeHtml(h.runId)}</code>`],
  ];
  const header = `<header><h1>${escapeHtml(h.name)}</h1><p class="sub">Run <code>${escapeHtml(h.runId)}</code> ${
    statusBadge(h.status)
  }</p>${metaList(items)}</header>`;
  return page({
    title: `${h.name} · ${h.runId}`,
    header,
    ...(report.summary ? { summary: report.summary } : {}),
    fixed: hasOwnMetricsSection(report)
      ? []
      : [{ id: "metrics", title: "Metrics", html: metricsTable(report.metrics) }],
    sections: runSections(report),
    ...(report.config ? { config: report.config } : {}),
    flowlabVersion: h.versions.flowlab,
  }, options);
}

/** True for a relative link (no scheme such as `javascript:` or `http:`, no `//host`): the only links a page may hold. */
export function isRelativeHref(href: string): boolean {
  // browsers drop tabs and newlines inside URLs and trim spaces, so test what they would parse
  const parsed = [...href].filter((c) => c.charCodeAt(0) > 0x20).join("");
  return !/^([a-z][a-z0-9+.-]*:|\/\/|\\|\/\\)/i.test(parsed);
}

function membersTable(report: SweepReport): string {
  const metricNames = sweepMetricNames(report);
  const hasHref = report.members.some((m) => m.href);
  const head = ["run", "seed", ...report.params, "status", ...metricNames].map((c) => `<th>${escapeHtml(c)}</th>`)
    .join("");
  const body = report.members.map((m) => {
    const flat = flattenMetrics(m.metrics);
    const run = hasHref && m.href && isRelativeHref(m.href)
      ? `<a href="${escapeHtml(m.href)}"><code>${escapeHtml(m.runId)}</code></a>`
      : `<code>${escapeHtml(m.runId)}</code>`;
    return `<tr><td>${run}</td>${cellHtml(m.seed)}${report.params.map((p) => cellHtml(m.params[p] ?? null)).join("")}${
      cellHtml(m.status ?? null)
    }${metricNames.map((k) => cellHtml(flat[k] ?? null)).join("")}</tr>`;
  }).join("\n");
  return `<div class="table-wrap"><table class="data"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Mean ± sd over seeds for each combination of swept values, as a table. */
function aggregateTable(report: SweepReport): string {
  const metricNames = sweepMetricNames(report);
  const groups = new Map<string, { params: Record<string, TableCell>; values: Record<string, number[]> }>();
  for (const m of report.members) {
    const key = JSON.stringify(report.params.map((p) => m.params[p] ?? null));
    const g = groups.get(key) ??
      { params: Object.fromEntries(report.params.map((p) => [p, m.params[p] ?? null])), values: {} };
    const flat = flattenMetrics(m.metrics);
    for (const k of metricNames) if (flat[k] !== undefined) (g.values[k] ??= []).push(flat[k]!);
    groups.set(key, g);
  }
  const rows = [...groups.values()].map((g) => {
    const row: Record<string, TableCell> = { ...g.params };
    let n = 0;
    for (const k of metricNames) {
      const s = meanAndSd(g.values[k] ?? []);
      n = Math.max(n, s.n);
      row[k] = s.n === 0 ? null : s.n === 1 ? formatNumber(s.mean) : `${formatNumber(s.mean)} ± ${formatNumber(s.sd)}`;
    }
    row.runs = n;
    return row;
  });
  return tableHtml({ columns: [...report.params, "runs", ...metricNames], rows });
}

/**
 * The HTML page of a sweep: header, a table of every member (linked to its own
 * report where `href` is given), mean ± sd over seeds per combination of swept
 * values, one chart per swept parameter, then the extra sections.
 */
export function renderSweepReport(report: SweepReport, options: PageOptions = {}): string {
  const h = report.header;
  const seeds = [...new Set(report.members.map((m) => m.seed))];
  const items: [string, string][] = [
    [
      "swept",
      report.params.length ? report.params.map((p) => `<code>${escapeHtml(p)}</code>`).join(", ") : "seeds only",
    ],
    ["runs", `${report.members.length} (${seeds.length} seed${seeds.length === 1 ? "" : "s"})`],
    ["started", escapeHtml(h.started)],
    ["finished", h.finished ? escapeHtml(h.finished) : "—"],
    ["run time", h.seconds !== undefined ? escapeHtml(formatSeconds(h.seconds)) : "—"],
    ["versions", escapeHtml(versionsText(h.versions))],
    ["commit", gitHtml(h.git)],
    ["host", h.host ? escapeHtml(h.host) : "—"],
  ];
  const header = `<header><h1>${escapeHtml(h.name)}</h1><p class="sub">Sweep <code>${escapeHtml(h.sweepId)}</code> ${
    h.status ? statusBadge(h.status) : ""
  }</p>${metaList(items)}</header>`;
  return page({
    title: `${h.name} · sweep ${h.sweepId}`,
    header,
    ...(report.summary ? { summary: report.summary } : {}),
    fixed: [
      { id: "metrics", title: "Mean ± sd over seeds", html: aggregateTable(report) },
      { id: "members", title: "Runs", html: membersTable(report) },
    ],
    sections: sweepSections(report),
    ...(report.config ? { config: report.config } : {}),
    flowlabVersion: h.versions.flowlab,
  }, options);
}
