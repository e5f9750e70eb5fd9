/**
 * Opens generated reports from disk in headless Chromium with every non-file
 * request aborted and counted, and checks that each chart drew: a canvas or
 * SVG in its container, the same number of data marks as a headless Vega run
 * of its spec, painted pixels, zero console errors or warnings, zero page
 * errors, zero network requests. Without Chromium it prints a SKIPPED line.
 *
 * Set FLOWLAB_REPORT_SCREENSHOTS=<dir> to also save a PNG of every chart.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser } from "playwright-core";
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
import { CHROMIUM, chromiumInstalled, launchChromium, visitFailures, visitReport } from "./_browser.ts";

const SCREENSHOTS = Deno.env.get("FLOWLAB_REPORT_SCREENSHOTS");

async function checkPage(
  browser: Browser,
  report: RunReport | SweepReport,
  html: string,
  renderer: "canvas" | "svg",
  dir: string,
): Promise<void> {
  const file = join(dir, `${renderer}-report.html`);
  await Deno.writeTextFile(file, html);
  const visit = await visitReport(browser, file, SCREENSHOTS ? { screenshots: SCREENSHOTS } : {});
  assert.ok(visit.title.startsWith(report.header.name), `title "${visit.title}": a hostile string ran`);
  const charts = reportCharts(report);
  assert.deepEqual(visit.charts.map((s) => s.id), charts.map((c) => c.id));
  for (const [i, s] of visit.charts.entries()) {
    assert.equal(s.rendered, "true", `${s.id} did not render`);
    assert.equal(s.surface, renderer, `${s.id} has no ${renderer}`);
    const { view } = await runSpec(charts[i]!.spec);
    const expected = totalMarks(view);
    view.finalize();
    assert.ok(s.marks > 0, `${s.id} drew no marks`);
    assert.equal(s.marks, expected, `${s.id}: the browser drew ${s.marks} marks, headless Vega ${expected}`);
  }
  assert.deepEqual(visit.summary, { total: charts.length, rendered: charts.length, failed: 0 });
  assert.deepEqual(visit.problems, [], "console errors or warnings");
  assert.deepEqual(visit.requests, [], "network requests");
  assert.deepEqual(visitFailures(visit), []);
}

Deno.test({
  name: "report.html opens offline in Chromium with every chart drawn, no console error and no request",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    if (!chromiumInstalled()) {
      console.log(`SKIPPED: chromium not installed (apt-get install chromium); looked for ${CHROMIUM}`);
      return;
    }
    const browser = await launchChromium();
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
        const file = join(dir, "broken.html");
        await Deno.writeTextFile(file, broken);
        assert.deepEqual(visitFailures(await visitReport(browser, file)).slice(0, 1), ["chart nfe did not render"]);
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
