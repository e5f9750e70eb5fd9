/**
 * Opening a report file in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with every request other than `file:` / `data:` aborted
 * and counted, and reading back what each chart container drew. Shared by
 * `browser_test.ts` and the `check_report.ts` command.
 */

import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Where Chromium is looked for (FLOWLAB_CHROMIUM overrides). */
export const CHROMIUM = Deno.env.get("FLOWLAB_CHROMIUM") ?? "/usr/bin/chromium";

/** The flags of the brief: headless, no sandbox (root in CI), no GPU, no background traffic. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

/** True when the Chromium executable exists. */
export function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** What one chart container holds after the page finished drawing. */
export interface ChartState {
  id: string;
  /** `data-rendered`: "true", "false" (failed) or null (never finished). */
  rendered: string | null;
  /** Data marks Vega drew (scenegraph items of role "mark"), from `data-marks`. */
  marks: number;
  surface: "canvas" | "svg" | "none";
  /** Non-white pixels (canvas) or drawn SVG elements. */
  ink: number;
}

/** The outcome of opening a report. */
export interface PageVisit {
  title: string;
  charts: ChartState[];
  /** `window.flowlabCharts` at the end. */
  summary: unknown;
  /** Console errors and warnings, page errors. */
  problems: string[];
  /** Requests other than file: and data: (all aborted). */
  requests: string[];
}

/** Options for {@linkcode visitReport}. */
export interface VisitOptions {
  /** Save a PNG of every chart container here. */
  screenshots?: string;
  /** Most milliseconds to wait for the charts (default 120 000). */
  timeout?: number;
}

/** Opens `file` (an absolute path) and reports what every chart drew, with the network blocked. */
export async function visitReport(browser: Browser, file: string, options: VisitOptions = {}): Promise<PageVisit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  try {
    await page.goto(`file://${file}`);
    await page.waitForSelector("body[data-charts-done]", { timeout: options.timeout ?? 120_000 });
    const charts: ChartState[] = await page.$$eval("[data-chart]", (els) =>
      els.map((el) => {
        const canvas = el.querySelector("canvas");
        const svg = el.querySelector("svg.marks");
        let ink = 0;
        if (canvas) {
          const ctx = canvas.getContext("2d")!;
          const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
          for (let i = 0; i < data.length; i += 4) {
            if (data[i]! < 250 || data[i + 1]! < 250 || data[i + 2]! < 250) ink++;
          }
        } else if (svg) {
          ink = svg.querySelectorAll("path, line, rect, text, circle").length;
        }
        return {
          id: el.getAttribute("data-chart")!,
          rendered: el.getAttribute("data-rendered"),
          marks: Number(el.getAttribute("data-marks") ?? 0),
          surface: canvas ? "canvas" as const : svg ? "svg" as const : "none" as const,
          ink,
        };
      }));
    if (options.screenshots) {
      await Deno.mkdir(options.screenshots, { recursive: true });
      for (const c of charts) {
        await page.locator(`#chart-${c.id}`).screenshot({ path: join(options.screenshots, `${c.id}.png`) });
      }
    }
    const summary = await page.evaluate(() => (globalThis as unknown as { flowlabCharts: unknown }).flowlabCharts);
    return { title: await page.title(), charts, summary, problems, requests };
  } finally {
    await context.close();
  }
}

/** Every reason a visit shows a broken page (empty when every chart drew and nothing went wrong). */
export function visitFailures(visit: PageVisit): string[] {
  const out: string[] = [];
  for (const c of visit.charts) {
    if (c.rendered !== "true") out.push(`chart ${c.id} did not render`);
    else if (c.surface === "none") out.push(`chart ${c.id} has no canvas or svg`);
    else if (c.marks === 0) out.push(`chart ${c.id} drew no marks`);
    else if (c.ink < (c.surface === "canvas" ? 500 : 20)) out.push(`chart ${c.id} looks blank (${c.ink})`);
  }
  for (const p of visit.problems) out.push(p);
  for (const r of visit.requests) out.push(`network request: ${r}`);
  return out;
}
