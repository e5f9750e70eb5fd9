/**
 * The report kind: configures the page every run writes (title, a summary
 * written from the run's numbers, which sections, where to draw the field)
 * and, for studies, the page of a sweep (its own summary), pivot tables of
 * mean ± sd, NFE targets and density panels.
 *
 * @module
 */
import { z } from "zod";
import { defineKind, type NodeKind } from "../kind.ts";

/** Section kinds a report can show. */
export const REPORT_SECTIONS = [
  "metrics",
  "history",
  "samples",
  "trajectories",
  "field",
  "density",
  "nfe",
  "tables",
] as const;

const groupName = /^[A-Za-z_][A-Za-z0-9_]*$/;

const reportKind = defineKind({
  kind: "report",
  version: 1,
  summary: "the run's HTML report: title, a summary template filled from the results, sections to show",
  params: z.strictObject({
    title: z.string().optional(),
    /**
     * Text with `{{ expression }}` or `{{ expression : digits }}` placeholders,
     * evaluated over the run's results (metrics by node id, `nfe.<node>`,
     * `seconds.<node>`, `loss.<node>`, `steps.<node>`, `elapsed.<node>`, `seed`, a
     * sweep member's own values as `swept.<last path segment>`, and
     * the functions `at`, `sd`, `values`, `count`, `best`, `worst`, `nfe_to`),
     * e.g. `W2 {{ w2 : 3 }}`.
     */
    summary: z.string().optional(),
    /**
     * The summary of the sweep's page: the same placeholders, where a metric
     * node id is its mean over the members (`sd.<id>` its standard deviation)
     * and the functions range over every member (`at("w2", {g: 0.5})`).
     */
    sweep_summary: z.string().optional(),
    sections: z.array(z.enum(REPORT_SECTIONS)).min(1).optional(),
    field_times: z.array(z.number().min(0).max(1)).min(1).max(8).default([0, 0.25, 0.5, 0.75, 1]),
    /** Points per side of the velocity-field grid. */
    field_grid: z.number().int().min(4).max(64).default(17),
    /** Node ids whose own sections (samples, trajectories, velocity field) the page shows; default every node. */
    show: z.array(z.string().min(1)).min(1).optional(),
    /**
     * A regular expression over metric node ids whose named groups become
     * factors of the value (`metric` names the metric), e.g.
     * `^(?<metric>w2|pe)_(?<task>[a-z0-9]+)_(?<coupling>[a-z]+)$`.
     */
    factors: z.string().min(1).optional(),
    /** Display names of factor values in tables, e.g. `{ ot: OT-CFM }`. */
    labels: z.record(z.string(), z.string()).optional(),
    /** Pivot tables: a metric by one factor (and a second, or the metric's parts); mean ± sd over seeds. */
    tables: z.array(z.strictObject({
      metric: z.string().min(1),
      rows: z.string().min(1),
      columns: z.string().min(1).optional(),
      title: z.string().optional(),
      digits: z.number().int().min(1).max(10).default(3),
      /** Only values whose factors have these values, e.g. `{ field: model }`. */
      where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })).optional(),
    /** W2 targets: a table of the NFE each quality-against-NFE line needs to reach them. */
    nfe_targets: z.array(z.number().positive()).min(1).optional(),
    /** Parts of object metrics to chart against NFE too, as `<kind>.<part>`, e.g. `mode_weights.tv`. */
    nfe_parts: z.array(z.string().regex(/^[a-z0-9_]+\.[A-Za-z0-9_]+$/)).min(1).optional(),
    /** The metrics a sweep's charts and members table show (`w2`, `pe.npe`, …); default every metric. */
    sweep_metrics: z.array(z.string().min(1)).min(1).optional(),
    /** Sampler ids whose samples are drawn as density panels, in order (Langevin: with the target density). */
    density: z.array(z.string().min(1)).min(1).optional(),
  }).superRefine((p, ctx) => {
    if (p.factors === undefined) return;
    let re: RegExp;
    try {
      re = new RegExp(p.factors);
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["factors"], message: `not a regular expression: ${(e as Error).message}` });
      return;
    }
    const groups = [...re.source.matchAll(/\(\?<([^>]+)>/g)].map((m) => m[1]!);
    if (!groups.length || groups.some((g) => !groupName.test(g))) {
      ctx.addIssue({
        code: "custom",
        path: ["factors"],
        message: "give named groups, e.g. (?<metric>w2)_(?<task>[a-z]+)",
      });
    }
  }),
  inputs: {},
  outputs: {},
  cache: "never",
  run: () => ({}),
});

/** The report kinds. */
export const reportKinds: NodeKind[] = [reportKind];
