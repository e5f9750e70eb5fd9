/**
 * Density panels for a report: a Gaussian kernel density estimate of chosen
 * samplers' 2-D samples on one grid (e.g. Langevin dynamics at several
 * times), plus the exact log-density of a Langevin sampler's target.
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import type { SampleSet } from "../graph/mod.ts";
import type { DensityPanel, DensitySection } from "../../reports/mod.ts";
import type { GraphRuntime } from "./execute.ts";
import type { RunRecord } from "./record.ts";

/** Cells per side of the density grid. */
const GRID = 64;
/** Log-density floor (a KDE is never exactly zero far away, but its logarithm underflows). */
const FLOOR = Math.log(1e-12);

/**
 * `log p̂(z) = log((1/n) Σ_i N(z; x_i, diag(h²)))` with Scott's bandwidth
 * `h_j = ½ s_j · n^(−1/6)` per coordinate (s_j the sample standard deviation),
 * half the rule of thumb for d = 2 (which over-smooths multimodal sets); computed in log space.
 */
export function kdeLogDensity(points: Points, xs: Float64Array, ys: Float64Array): Float64Array {
  const n = points.n, d = points.data;
  const mean = [0, 0], sq = [0, 0];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 2; j++) {
      mean[j]! += d[2 * i + j]! / n;
      sq[j]! += d[2 * i + j]! ** 2 / n;
    }
  }
  const factor = 0.5 * n ** (-1 / 6);
  const h = [0, 1].map((j) => Math.max(1e-3, Math.sqrt(Math.max(0, sq[j]! - mean[j]! ** 2)) * factor));
  const logNorm = -Math.log(2 * Math.PI * h[0]! * h[1]!) - Math.log(n);
  const out = new Float64Array(xs.length * ys.length);
  const e = new Float64Array(n);
  for (let r = 0; r < ys.length; r++) {
    for (let c = 0; c < xs.length; c++) {
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        const a = (xs[c]! - d[2 * i]!) / h[0]!, b = (ys[r]! - d[2 * i + 1]!) / h[1]!;
        e[i] = -0.5 * (a * a + b * b);
        if (e[i]! > max) max = e[i]!;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(e[i]! - max);
      out[r * xs.length + c] = Math.max(FLOOR, max + Math.log(s) + logNorm);
    }
  }
  return out;
}

function gridOver(sets: Points[]): { xs: Float64Array; ys: Float64Array } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of sets) {
    for (let i = 0; i < p.n; i++) {
      x0 = Math.min(x0, p.data[2 * i]!);
      x1 = Math.max(x1, p.data[2 * i]!);
      y0 = Math.min(y0, p.data[2 * i + 1]!);
      y1 = Math.max(y1, p.data[2 * i + 1]!);
    }
  }
  const px = 0.05 * (x1 - x0 || 1), py = 0.05 * (y1 - y0 || 1);
  const axis = (lo: number, hi: number) =>
    Float64Array.from({ length: GRID }, (_, k) => lo + ((hi - lo) * (k + 0.5)) / GRID);
  return { xs: axis(x0 - px, x1 + px), ys: axis(y0 - py, y1 + py) };
}

/**
 * The density section of the samplers `ids` (in that order): one KDE panel
 * each, labelled with the chain time t = steps · dt for Langevin samplers,
 * then the exact log-density of the first Langevin sampler's target when it
 * has one. Undefined when no listed sampler has 2-D points.
 */
export async function densitySection(
  r: RunRecord,
  rt: GraphRuntime,
  ids: readonly string[],
): Promise<DensitySection | undefined> {
  const ok = (id: string) => ["ok", "cached", "rebuilt"].includes(r.nodes[id]?.status ?? "");
  const sets: { label: string; points: Points }[] = [];
  let target: SampleSet | undefined;
  for (const id of ids) {
    const n = r.graph.nodes[id];
    if (!n || !n.kind.startsWith("sample.") || !ok(id)) continue;
    const p = ((await rt.outputs(id)).samples as SampleSet).points;
    if (!p || p.dim !== 2 || p.n === 0) continue;
    let label = id;
    if (n.kind === "sample.langevin") {
      const q = n.params as { steps: number; dt: number };
      label = `${id} (t = ${Number((q.steps * q.dt).toPrecision(4))})`;
      const ref = n.inputs.density;
      if (!target && ref && ok(ref.node)) target = (await rt.outputs(ref.node))[ref.output] as SampleSet;
    }
    sets.push({ label, points: p });
  }
  if (!sets.length) return undefined;
  const { xs, ys } = gridOver(sets.map((s) => s.points));
  const panels: DensityPanel[] = sets.map((s) => ({ label: s.label, values: kdeLogDensity(s.points, xs, ys) }));
  const logDensity = target?.distribution?.logDensity;
  if (logDensity && target!.distribution!.dim === 2) {
    const z = new Float64Array(2 * xs.length * ys.length);
    for (let r2 = 0; r2 < ys.length; r2++) {
      for (let c = 0; c < xs.length; c++) {
        z[2 * (r2 * xs.length + c)] = xs[c]!;
        z[2 * (r2 * xs.length + c) + 1] = ys[r2]!;
      }
    }
    const values = new Float64Array(xs.length * ys.length);
    logDensity.call(target!.distribution, z, xs.length * ys.length, values);
    for (let i = 0; i < values.length; i++) values[i] = Math.max(FLOOR, values[i]!);
    panels.push({ label: "target density", values });
  }
  return {
    kind: "density",
    id: "density",
    title: "Density over time",
    description:
      "Kernel density estimates (Gaussian kernel, half Scott's bandwidth) of each sampler's points on one grid " +
      "and colour scale; the last panel is the exact density of the target where it is known.",
    x: xs,
    y: ys,
    panels,
  };
}
