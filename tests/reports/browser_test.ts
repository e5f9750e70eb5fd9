/**
 * Opens generated reports from disk in headless Chromium (Debian's `chromium`,
 * driven by playwright-core) with every non-file request aborted and counted,
 * and checks that each chart drew: a canvas or SVG in its container, the same
 * number of data marks as a headless Vega run of its spec, painted pixels,
 * zero console errors or warnings, zero page errors, zero network requests.
 *
 * Set FLOWLAB_REPORT_SCREENSHOTS=<dir> to also save a PNG of every chart.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import {
  type PageOptions,
  renderRunReport,
  renderSweepReport,
  reportCharts,
  type RunReport,
  type SweepReport,
} from "../../reports/mod.ts";
import { runReport, sweepReport } from "./_fixtures.ts";
import { runSpec, totalMarks } from "./_helpers.ts";

const CHROMIUM = Deno.env.get("FLOWLAB_CHROMIUM") ?? "/usr/bin/chromium";
const SCREENSHOTS = Deno.env.get("FLOWLAB_REPORT_SCREENSHOTS");

function installed(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

interface ChartState {
  id: string;
  rendered: string | null;
  marks: number;
  surface: "canvas" | "svg" | "none";
  /** Non-white pixels (canvas) or drawn SVG elements. */
  ink: number;
}

async function checkPage(
  browser: import("playwright-core").Browser,
  report: RunReport | SweepReport,
  html: string,
  renderer: "canvas" | "svg",
  dir: string,
): Promise<void> {
  const file = join(dir, `${renderer}-report.html`);
  await Deno.writeTextFile(file, html);
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
    await page.waitForSelector("body[data-charts-done]", { timeout: 120_000 });
    const title = report.header.name;
    assert.ok((await page.title()).startsWith(title), `title "${await page.title()}": a hostile string ran`);
    const states: ChartState[] = await page.$$eval("[data-chart]", (els) =>
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
    const charts = reportCharts(report);
    assert.deepEqual(states.map((s) => s.id), charts.map((c) => c.id));
    for (const [i, s] of states.entries()) {
      assert.equal(s.rendered, "true", `${s.id} did not render`);
      assert.equal(s.surface, renderer, `${s.id} has no ${renderer}`);
      const { view } = await runSpec(charts[i]!.spec);
      const expected = totalMarks(view);
      view.finalize();
      assert.ok(s.marks > 0, `${s.id} drew no marks`);
      assert.equal(s.marks, expected, `${s.id}: the browser drew ${s.marks} marks, headless Vega ${expected}`);
      assert.ok(s.ink > 500 || (renderer === "svg" && s.ink > 20), `${s.id} looks blank (${s.ink})`);
      if (SCREENSHOTS) {
        await Deno.mkdir(SCREENSHOTS, { recursive: true });
        await page.locator(`#chart-${s.id}`).screenshot({ path: join(SCREENSHOTS, `${s.id}.png`) });
      }
    }
    const summary = await page.evaluate(() => (globalThis as unknown as { flowlabCharts: unknown }).flowlabCharts);
    assert.deepEqual(summary, { total: charts.length, rendered: charts.length, failed: 0 });
    assert.deepEqual(problems, [], "console errors or warnings");
    assert.deepEqual(requests, [], "network requests");
  } finally {
    await context.close();
  }
}

Deno.test({
  name: "report.html opens offline in Chromium with every chart drawn, no console error and no request",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    if (!installed(CHROMIUM)) {
      console.log(`SKIPPED: chromium not installed (apt-get install chromium); looked for ${CHROMIUM}`);
      return;
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    const dir = await Deno.makeTempDir({ prefix: "flowlab-browser-" });
    try {
      const run = runReport();
      const sweep = sweepReport();
      const svg: PageOptions = { renderer: "svg" };
      await t.step("run report, canvas renderer", () => checkPage(browser, run, renderRunReport(run), "canvas", dir));
      await t.step(
        "sweep report, svg renderer",
        () => checkPage(browser, sweep, renderSweepReport(sweep, svg), "svg", dir),
      );
      await t.step("the check fails on a broken chart and on an outside request", async () => {
        const small: RunReport = { ...run, sections: run.sections.filter((s) => s.id === "nfe") };
        const html = renderRunReport(small);
        assert.ok(html.includes('"mark":{"type":"line"'));
        const broken = html.replace('"mark":{"type":"line"', '"mark":{"type":"no-such-mark"');
        await assert.rejects(() => checkPage(browser, small, broken, "canvas", dir), /nfe did not render/);
        // the CSP blocks the image before the network; either way the page is flagged
        const leaky = html.replace("<main>", '<main><img alt="" src="https://example.invalid/pixel.png">');
        await assert.rejects(() => checkPage(browser, small, leaky, "canvas", dir), /console errors|network requests/);
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
