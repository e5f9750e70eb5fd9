/**
 * Server-side chart export for papers: Vega-Lite → Vega → SVG with Vega's
 * headless renderer, byte-stable (fixed random seed, deterministic text
 * measurement), and PNG through a WebAssembly SVG renderer.
 *
 * @module
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { join } from "node:path";
import { helveticaWidth } from "./_text_width.ts";
import { runSections, sweepSections } from "./sections.ts";
import type { RunReport, SweepReport, VegaLiteSpec } from "./types.ts";

/** A compiled Vega spec and the warnings Vega-Lite raised while compiling. */
export interface CompiledSpec {
  /** The Vega specification. */
  spec: vega.Spec;
  /** Vega-Lite's warnings (an empty list for a clean spec). */
  warnings: string[];
}

/**
 * Compiles a Vega-Lite spec to Vega, collecting warnings instead of printing
 * them; a Vega-Lite error throws.
 */
export function compileVegaLite(spec: VegaLiteSpec): CompiledSpec {
  const warnings: string[] = [];
  let level = 2;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: readonly unknown[]): never {
      throw new Error(`Cannot compile chart: ${args.map(String).join(" ")}`);
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  // deno-lint-ignore no-explicit-any
  const out = compile(spec as unknown as TopLevelSpec, { logger: logger as any });
  return { spec: out.spec as vega.Spec, warnings };
}

/** Options for {@linkcode renderSvg}. */
export interface RenderSvgOptions {
  /** Seed of Vega's random generator (jitter, sampling transforms), default 0. */
  seed?: number;
}

/** The parts of vega's runtime API its typings leave out. */
const vegaRuntime = vega as unknown as {
  setRandom(random: () => number): void;
  randomLCG(seed: number): () => number;
  resetSVGDefIds(): void;
  textMetrics: { width: (item: TextItem, text?: unknown) => number };
};

// deno-lint-ignore no-explicit-any
type TextItem = { fontSize?: number; fontWeight?: string | number; text?: any };

/** vega's textMetrics.width hook: Helvetica advance widths, independent of any installed canvas. */
function measureText(item: TextItem, text?: unknown): number {
  const s = text == null ? "" : String(text).trim();
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const w = item.fontWeight;
  const bold = w === "bold" || (typeof w === "number" && w >= 600) || (typeof w === "string" && +w >= 600);
  return helveticaWidth(s, size, bold);
}

/**
 * Renders a Vega-Lite spec to an SVG document with Vega's headless renderer
 * (`renderer: "none"` + `View.toSVG()`). Byte-stable: Vega's random source is
 * set to a seeded LCG (`vega.setRandom(vega.randomLCG(seed))`) before the
 * view runs, and text is measured with the fixed Helvetica widths of
 * `_text_width.ts` (not a canvas, which would depend on installed fonts),
 * and the SVG clip/gradient id counters restart for each document
 * (`vega.resetSVGDefIds()`).
 * Both are process-wide Vega settings; the text hook is restored afterwards.
 */
export async function renderSvg(spec: VegaLiteSpec, options: RenderSvgOptions = {}): Promise<string> {
  const compiled = compileVegaLite(spec).spec;
  vegaRuntime.setRandom(vegaRuntime.randomLCG(options.seed ?? 0));
  const metrics = vegaRuntime.textMetrics;
  const saved = metrics.width;
  metrics.width = measureText;
  try {
    const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
    try {
      // clip-path and gradient ids come from process-wide counters: restart them for every document
      vegaRuntime.resetSVGDefIds();
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  } finally {
    metrics.width = saved;
  }
}

/** Options for {@linkcode exportCharts}. */
export interface ExportChartsOptions {
  /** `svg` (default) or `png`. */
  format?: "svg" | "png";
  /** PNG pixels per SVG pixel (default 2). */
  scale?: number;
}

/**
 * Writes every chart of a run's or a sweep's page to `dir` (created if
 * missing), one file per chart named `<chart id>.<format>` — the ids the page
 * uses (`history-1-loss-step`, `samples-2`, …, or the sections' own ids), so
 * names are stable across runs. Returns the written paths in page order.
 */
export async function exportCharts(
  report: RunReport | SweepReport,
  dir: string,
  options: ExportChartsOptions = {},
): Promise<string[]> {
  const format = options.format ?? "svg";
  if (format !== "svg" && format !== "png") {
    throw new RangeError(`Cannot export charts as "${format}": expected "svg" or "png"`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const toPng = format === "png" ? (await import("./_png.ts")).svgToPng : undefined;
  const sections = "members" in report ? sweepSections(report) : runSections(report);
  const failed = sections.filter((s) => s.error);
  if (failed.length) {
    throw new Error(
      `Cannot export charts: ${failed.map((s) => `section "${s.id}": ${s.error}`).join("; ")}: fix the run data`,
    );
  }
  const paths: string[] = [];
  for (const chart of sections.flatMap((s) => s.charts)) {
    const svg = await renderSvg(chart.spec);
    const path = join(dir, `${chart.id}.${format}`);
    if (toPng) await Deno.writeFile(path, await toPng(svg, { scale: options.scale ?? 2 }));
    else await Deno.writeTextFile(path, svg);
    paths.push(path);
  }
  return paths;
}
