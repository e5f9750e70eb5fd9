import assert from "node:assert/strict";
import { join } from "node:path";
import * as vega from "vega";
import { exportCharts, renderSvg, reportCharts, type RunReport } from "../../reports/mod.ts";
import { helveticaWidth } from "../../reports/_text_width.ts";
import { runReport } from "./_fixtures.ts";

const report = runReport();
const charts = reportCharts(report);
const byId = (id: string) => charts.find((c) => c.id === id)!.spec;

async function sha256(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A small report: the charts with clip paths, gradients and facets, for the export tests. */
function smallReport(): RunReport {
  return { ...report, sections: report.sections.filter((s) => s.id === "nfe" || s.id === "density") };
}

Deno.test("renderSvg() is byte-identical across renders in one process (clip and gradient ids restart)", async () => {
  for (const id of ["samples", "field", "density", "nfe", "training-loss-step"]) {
    const a = await renderSvg(byId(id));
    const b = await renderSvg(byId(id));
    assert.ok(a === b, `${id} differs between two renders`);
    assert.ok(a.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), id);
    assert.ok(a.includes('class="mark-') && a.includes("role-mark"), `${id} has data marks`);
  }
});

Deno.test("renderSvg() is byte-identical in a fresh process", async () => {
  const script = `
    import { renderSvg, reportCharts } from "${new URL("../../reports/mod.ts", import.meta.url).href}";
    import { runReport } from "${new URL("./_fixtures.ts", import.meta.url).href}";
    const spec = reportCharts(runReport()).find((c) => c.id === "field").spec;
    await Deno.stdout.write(new TextEncoder().encode(await renderSvg(spec)));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(await sha256(out.stdout), await sha256(await renderSvg(byId("field"))));
});

Deno.test("renderSvg() measures text with fixed Helvetica widths, whatever vega's own text metrics are set to", async () => {
  // s, t, e, p: (500 + 278 + 556 + 556) / 1000 · 11
  assert.ok(Math.abs(helveticaWidth("step", 11) - 20.79) < 1e-12);
  assert.ok(Math.abs(helveticaWidth("W", 10, true) - 9.44 * 1.06) < 1e-12);
  assert.equal(helveticaWidth("‖", 10), 6);
  const metrics = (vega as unknown as { textMetrics: { width: unknown; estimateWidth: unknown } }).textMetrics;
  const before = metrics.width;
  const a = await renderSvg(byId("nfe"));
  metrics.width = metrics.estimateWidth;
  try {
    assert.equal(await renderSvg(byId("nfe")), a);
  } finally {
    metrics.width = before;
  }
  assert.equal(metrics.width, before, "the hook is restored");
});

Deno.test("exportCharts() writes one SVG per chart under its stable id, identical across exports", async () => {
  const dir = await Deno.makeTempDir({ prefix: "flowlab-svg-" });
  try {
    const small = smallReport();
    const a = await exportCharts(small, join(dir, "a"));
    const b = await exportCharts(small, join(dir, "b"), { format: "svg" });
    assert.deepEqual(a, [join(dir, "a", "density.svg"), join(dir, "a", "nfe.svg")]);
    for (let i = 0; i < a.length; i++) {
      const text = await Deno.readTextFile(a[i]!);
      assert.equal(text, await Deno.readTextFile(b[i]!));
      assert.equal(text, await renderSvg(reportCharts(small)[i]!.spec));
    }
    await assert.rejects(() => exportCharts(small, dir, { format: "pdf" as "svg" }), /Cannot export charts as "pdf"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exportCharts() writes deterministic PNGs at twice the SVG size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "flowlab-png-" });
  try {
    const small = { ...report, sections: report.sections.filter((s) => s.id === "nfe") };
    const a = await exportCharts(small, join(dir, "a"), { format: "png" });
    const b = await exportCharts(small, join(dir, "b"), { format: "png" });
    for (let i = 0; i < a.length; i++) {
      const png = await Deno.readFile(a[i]!);
      assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
      assert.equal(await sha256(png), await sha256(await Deno.readFile(b[i]!)));
      const svg = await renderSvg(reportCharts(small)[i]!.spec);
      const [, w, h] = svg.match(/width="(\d+)" height="(\d+)"/)!;
      const view = new DataView(png.buffer, png.byteOffset);
      assert.equal(view.getUint32(16), 2 * Number(w), "IHDR width");
      assert.equal(view.getUint32(20), 2 * Number(h), "IHDR height");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
