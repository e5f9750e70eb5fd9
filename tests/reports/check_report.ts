/**
 * Opens report files in headless Chromium with the network blocked and says,
 * for each, whether every chart drew with no console error and no request.
 *
 *     deno run -A tests/reports/check_report.ts runs/<id>/report.html [more.html …] [--screenshots DIR]
 *
 * Exit code 0 when every page is clean, 1 otherwise, 2 without Chromium. Screenshots go to
 * DIR/<folder>-<file name>/<chart id>.png.
 */

import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CHROMIUM, chromiumInstalled, launchChromium, visitFailures, visitReport } from "./_browser.ts";

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { screenshots: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length === 0) {
    console.error("Usage: deno run -A tests/reports/check_report.ts REPORT.html [...] [--screenshots DIR]");
    Deno.exit(2);
  }
  if (!chromiumInstalled()) {
    console.error(`Cannot check reports: chromium not found at "${CHROMIUM}": apt-get install chromium`);
    Deno.exit(2);
  }
  const browser = await launchChromium();
  let bad = 0;
  try {
    for (const path of positionals) {
      const file = resolve(path);
      const name = `${basename(dirname(file))}-${basename(file, ".html")}`;
      const shots = values.screenshots ? resolve(values.screenshots, name) : undefined;
      const visit = await visitReport(browser, file, shots ? { screenshots: shots } : {});
      const failures = visitFailures(visit);
      const marks = visit.charts.map((c) => `${c.id} ${c.marks}`).join(", ");
      console.log(`${failures.length ? "FAIL" : "ok"}  ${path}: ${visit.charts.length} charts (${marks})`);
      for (const f of failures) console.log(`      ${f}`);
      if (failures.length) bad++;
    }
  } finally {
    await browser.close();
  }
  Deno.exit(bad ? 1 : 0);
}
