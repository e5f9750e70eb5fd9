/**
 * The report kind: configures the page every run writes (title, a summary
 * written from the run's numbers, which sections, where to draw the field).
 *
 * @module
 */
import { z } from "zod";
import { defineKind, type NodeKind } from "../kind.ts";

/** Section kinds a report can show. */
export const REPORT_SECTIONS = ["metrics", "history", "samples", "trajectories", "field", "density", "nfe"] as const;

const reportKind = defineKind({
  kind: "report",
  version: 1,
  summary: "the run's HTML report: title, a summary template filled from the results, sections to show",
  params: z.strictObject({
    title: z.string().optional(),
    /**
     * Text with `{{ expression }}` or `{{ expression : digits }}` placeholders,
     * evaluated over the run's results (metrics by node id, `nfe.<node>`,
     * `seconds.<node>`, `loss.<node>`), e.g. `W2 {{ w2 : 3 }}`.
     */
    summary: z.string().optional(),
    sections: z.array(z.enum(REPORT_SECTIONS)).min(1).optional(),
    field_times: z.array(z.number().min(0).max(1)).min(1).max(8).default([0, 0.25, 0.5, 0.75, 1]),
    /** Points per side of the velocity-field grid. */
    field_grid: z.number().int().min(4).max(64).default(17),
  }),
  inputs: {},
  outputs: {},
  cache: "never",
  run: () => ({}),
});

/** The report kinds. */
export const reportKinds: NodeKind[] = [reportKind];
