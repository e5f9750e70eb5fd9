/**
 * Plain-text views of run records: `show` and `compare`.
 *
 * @module
 */
import type { MetricValue } from "../graph/mod.ts";
import type { RunRecord } from "./record.ts";

function fmt(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(5);
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

function flatMetrics(metrics: Record<string, MetricValue>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v === "number") out[k] = v;
    else for (const [p, x] of Object.entries(v)) out[`${k}.${p}`] = x;
  }
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n");
}

/** A readable summary of one run: header, nodes with status and timing, metrics. */
export function showRun(r: RunRecord): string {
  const lines = [
    `${r.id}  ${r.status}`,
    `  experiment ${r.name}, seed ${r.seed}, graph ${r.graph.hash.slice(0, 12)}`,
    `  started ${r.started}${r.seconds !== undefined ? `, ${r.seconds.toFixed(1)} s` : ""}`,
    `  flowlab ${r.versions.flowlab}, deno ${r.versions.deno}, tfjs ${r.versions.tfjs ?? "-"} (${
      r.versions.backend ?? "-"
    }${r.versions.backendVariant ? `/${r.versions.backendVariant}` : ""}, kernels ${r.versions.kernels ?? "-"})`,
    `  git ${r.git.commit?.slice(0, 12) ?? "-"}${
      r.git.dirty ? " (dirty)" : ""
    }, host ${r.host.hostname} (${r.host.cpus} cpus)`,
    ...(r.sweep
      ? [`  sweep ${r.sweep.id}, member ${r.sweep.index + 1}/${r.sweep.size}: ${JSON.stringify(r.sweep.values)}`]
      : []),
    "",
    table([
      ["node", "kind", "status", "seconds", "key"],
      ...r.graph.order.map((id) => {
        const n = r.nodes[id]!;
        return [id, n.kind, n.status, n.seconds !== undefined ? n.seconds.toFixed(2) : "", n.key.slice(0, 12)];
      }),
    ]).split("\n").map((l) => "  " + l).join("\n"),
  ];
  const m = flatMetrics(r.metrics);
  if (Object.keys(m).length) {
    lines.push("", "  metrics:");
    for (const [k, v] of Object.entries(m)) lines.push(`    ${k} = ${fmt(v)}`);
  }
  const failed = Object.entries(r.nodes).filter(([, n]) => n.error && n.status === "failed");
  if (failed.length) {
    lines.push("", "  errors:");
    for (const [id, n] of failed) lines.push(`    ${id}: ${n.error}`);
  }
  return lines.join("\n");
}

function flatParams(r: RunRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { seed: r.seed };
  for (const [id, n] of Object.entries(r.graph.nodes)) {
    out[`${id}.kind`] = n.kind;
    for (const [k, v] of Object.entries(n.params)) out[`${id}.params.${k}`] = v;
    for (const [k, v] of Object.entries(n.inputs)) out[`${id}.inputs.${k}`] = `${v.node}.${v.output}`;
  }
  return out;
}

/** A table of the parameters that differ between runs, then every metric side by side. */
export function compareRuns(records: RunRecord[]): string {
  const params = records.map(flatParams);
  const keys = [...new Set(params.flatMap((p) => Object.keys(p)))].sort();
  const differing = keys.filter((k) => new Set(params.map((p) => JSON.stringify(p[k] ?? null))).size > 1);
  const header = ["", ...records.map((r) => r.id)];
  const rows: string[][] = [header];
  if (differing.length) {
    rows.push(["parameters that differ", ...records.map(() => "")]);
    for (const k of differing) rows.push([`  ${k}`, ...params.map((p) => (k in p ? fmt(p[k]) : "-"))]);
  } else rows.push(["(no parameter differs)", ...records.map(() => "")]);
  const metrics = records.map((r) => flatMetrics(r.metrics));
  const mkeys = [...new Set(metrics.flatMap((m) => Object.keys(m)))].sort();
  if (mkeys.length) {
    rows.push(["metrics", ...records.map(() => "")]);
    for (const k of mkeys) rows.push([`  ${k}`, ...metrics.map((m) => (k in m ? fmt(m[k]) : "-"))]);
  }
  rows.push(["status", ...records.map((r) => r.status)]);
  rows.push(["seconds", ...records.map((r) => (r.seconds ?? 0).toFixed(1))]);
  return table(rows);
}
