/** Test helpers: compile and run specs headlessly, count what Vega drew. */

import * as vega from "vega";
import { compileVegaLite, type VegaLiteSpec } from "../../reports/mod.ts";

interface SceneMark {
  marktype?: string;
  role?: string;
  name?: string;
  items?: SceneItem[];
}
interface SceneItem {
  items?: SceneMark[];
  [key: string]: unknown;
}

/** Runs a Vega-Lite spec in a headless view; returns the view (caller finalizes) and Vega-Lite's warnings. */
export async function runSpec(spec: VegaLiteSpec): Promise<{ view: vega.View; warnings: string[] }> {
  const { spec: compiled, warnings } = compileVegaLite(spec);
  const errors: string[] = [];
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const logger = {
    level: () => 0,
    error: (...a: unknown[]) => errors.push(a.map(String).join(" ")),
    warn: (...a: unknown[]) => errors.push(a.map(String).join(" ")),
    info: () => {},
    debug: () => {},
  };
  view.logger(logger as unknown as ReturnType<vega.View["logger"]>);
  await view.runAsync();
  if (errors.length) throw new Error(`Vega reported: ${errors.join("; ")}`);
  return { view, warnings };
}

/** The number of data-mark items (role "mark") drawn, by mark type. */
export function drawnMarks(view: vega.View): Record<string, number> {
  const counts: Record<string, number> = {};
  const walk = (mark: SceneMark | undefined) => {
    if (!mark || !mark.items) return;
    if (mark.marktype === "group") {
      for (const g of mark.items) for (const m of g.items ?? []) walk(m);
      return;
    }
    if (mark.role === "mark") counts[mark.marktype!] = (counts[mark.marktype!] ?? 0) + mark.items.length;
  };
  walk((view.scenegraph() as unknown as { root: SceneMark }).root);
  return counts;
}

/** Sum of all data-mark items. */
export function totalMarks(view: vega.View): number {
  return Object.values(drawnMarks(view)).reduce((s, v) => s + v, 0);
}
