/**
 * From a run (its record and the artifacts in the store) to the report's
 * plain-data input, and writing the pages. Reading only: a missing artifact is
 * an error, never a reason to recompute.
 *
 * @module
 */
import { join, relative } from "node:path";
import type { Points } from "../data/mod.ts";
import {
  decodeArtifact,
  encodeArtifact,
  KINDS,
  type ModelValue,
  type ResolvedGraph,
  type SampleSet,
  type TrainingHistory as HistoryValue,
  type Trajectories as TrajectoriesValue,
} from "../graph/mod.ts";
import { fieldOfModel, modelFromState } from "../models/mod.ts";
import { asPrediction, type ProbabilityPath } from "../paths/mod.ts";
import {
  exportCharts,
  type FieldSection,
  type MetricValue,
  type NfeRow,
  renderRunReport,
  renderSweepReport,
  type ReportSection,
  type RunHeader,
  type RunReport,
  type SamplesSection,
  type SweepReport,
  type TrainingHistory,
} from "../../reports/mod.ts";
import { fillSummary } from "./_summary.ts";
import { GraphRuntime } from "./execute.ts";
import { fileAccess } from "./files.ts";
import { Progress } from "./progress.ts";
import { readRunRecord, type RunRecord } from "./record.ts";
import type { CompletedRun, CompletedSweep, SweepIndex } from "./run.ts";
import { Store, writeFileAtomic } from "./store.ts";

const SAMPLE_KINDS = (kind: string) => kind.startsWith("sample.");

function header(r: RunRecord): RunHeader {
  return {
    name: r.name,
    runId: r.id,
    seed: r.seed,
    started: r.started,
    ...(r.finished ? { finished: r.finished } : {}),
    ...(r.seconds !== undefined ? { seconds: r.seconds } : {}),
    status: r.status,
    versions: {
      flowlab: r.versions.flowlab,
      deno: r.versions.deno,
      ...(r.versions.tfjs ? { tfjs: r.versions.tfjs } : {}),
      ...(r.versions.backend ? { backend: r.versions.backend } : {}),
      ...(r.versions.backendVersion ? { backendVersion: r.versions.backendVersion } : {}),
      ...(r.versions.kernels ? { kernels: r.versions.kernels } : {}),
    },
    ...(r.git.commit ? { git: { commit: r.git.commit, dirty: r.git.dirty ?? false } } : {}),
    host: r.host.hostname,
  };
}

/** The resolved graph of a record (for reading its artifacts). */
export function graphOfRecord(r: RunRecord): ResolvedGraph {
  const nodes: ResolvedGraph["nodes"] = {};
  for (const id of r.graph.order) nodes[id] = { id, ...r.graph.nodes[id]!, info: {} };
  return { name: r.name, seed: r.seed, nodes, order: r.graph.order };
}

/** A read-only runtime over a finished run's artifacts. */
export function readerOf(r: RunRecord, runsDir: string): GraphRuntime {
  const keys = Object.fromEntries(Object.entries(r.nodes).map(([id, n]) => [id, n.key]));
  return new GraphRuntime(graphOfRecord(r), keys, {
    store: new Store(runsDir),
    kinds: KINDS,
    files: fileAccess({ root: Deno.cwd() }),
    progress: new Progress({ tty: false, quiet: true }),
    signal: new AbortController().signal,
    readOnly: true,
  });
}

const usable = (r: RunRecord, id: string) => ["ok", "cached", "rebuilt"].includes(r.nodes[id]?.status ?? "");

/** Seconds at each step, interpolated linearly from the timing samples a train node recorded. */
function secondsAt(steps: Float64Array, timing: { step: number[]; seconds: number[] } | undefined): Float64Array {
  const out = new Float64Array(steps.length).fill(NaN);
  if (!timing || timing.step.length === 0) return out;
  const s = [0, ...timing.step], t = [0, ...timing.seconds];
  let k = 0;
  for (let i = 0; i < steps.length; i++) {
    const x = steps[i]!;
    while (k < s.length - 2 && s[k + 1]! < x) k++;
    const x0 = s[k]!, x1 = s[k + 1] ?? x0, y0 = t[k]!, y1 = t[k + 1] ?? y0;
    out[i] = x1 > x0 ? y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) : y0;
  }
  return out;
}

/** The results a summary template can use. */
async function summaryScope(r: RunRecord, rt: GraphRuntime): Promise<Record<string, unknown>> {
  const scope: Record<string, unknown> = { ...structuredClone(r.metrics) };
  const nfe: Record<string, number> = {}, seconds: Record<string, number> = {}, loss: Record<string, number> = {};
  for (const id of r.graph.order) {
    const n = r.nodes[id]!;
    if (n.seconds !== undefined) seconds[id] = n.seconds;
    if (!usable(r, id)) continue;
    if (SAMPLE_KINDS(n.kind)) nfe[id] = (await rt.outputs(id)).nfe as number;
    if (n.kind === "train") {
      const h = (await rt.outputs(id)).history as HistoryValue;
      const l = h.columns.loss!;
      // final loss: mean of the last 5 % of steps (single steps are noisy)
      const k = Math.max(1, Math.floor(l.length / 20));
      let s = 0;
      for (let i = l.length - k; i < l.length; i++) s += l[i]!;
      loss[id] = s / k;
      const timing = rt.annotations(id).timing as { seconds: number[] } | undefined;
      if (timing?.seconds.length) seconds[id] = timing.seconds.at(-1)!;
    }
  }
  return { ...scope, nfe, seconds, loss };
}

interface ReportParams {
  title?: string;
  summary?: string;
  sections?: string[];
  field_times: number[];
  field_grid: number;
}

function reportParams(r: RunRecord): ReportParams {
  const node = r.graph.order.map((id) => r.graph.nodes[id]!).find((n) => n.kind === "report");
  return (node?.params as unknown as ReportParams | undefined) ??
    { field_times: [0, 0.25, 0.5, 0.75, 1], field_grid: 17 };
}

function bounds(sets: Points[]): [number, number, number, number] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of sets) {
    for (let i = 0; i < p.n; i++) {
      const x = p.data[i * p.dim]!, y = p.data[i * p.dim + 1]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (!Number.isFinite(x0)) return [-3, 3, -3, 3];
  const px = 0.1 * (x1 - x0 || 1), py = 0.1 * (y1 - y0 || 1);
  return [x0 - px, x1 + px, y0 - py, y1 + py];
}

/**
 * Evaluates every trained 2-D model's velocity on a grid at the report's
 * `field_times` and stores the result in the run folder
 * (`fields/<node>.bin`, referenced from `nodes.<node>.artifacts.field`), so
 * the report, now and later, only reads it. The grid spans the run's sample
 * and reference points.
 */
export async function computeFieldGrids(r: RunRecord, rt: GraphRuntime, runDir: string): Promise<void> {
  const params = reportParams(r);
  if (params.sections && !params.sections.includes("field")) return;
  const order = r.graph.order;
  const node = (id: string) => r.graph.nodes[id]!;
  const sets: Points[] = [];
  for (const id of order) {
    if (!usable(r, id)) continue;
    const k = node(id).kind;
    if (SAMPLE_KINDS(k)) {
      const p = ((await rt.outputs(id)).samples as SampleSet).points;
      if (p) sets.push(p);
    } else if (k.startsWith("metric.") && node(id).inputs.reference && usable(r, node(id).inputs.reference!.node)) {
      const ref = node(id).inputs.reference!;
      const p = ((await rt.outputs(ref.node))[ref.output] as SampleSet).points;
      if (p) sets.push(p);
    }
  }
  for (const id of order) {
    if (node(id).kind !== "train" || !usable(r, id)) continue;
    const m = (await rt.outputs(id)).model as ModelValue;
    const pathRef = node(id).inputs.path;
    if (m.type !== "trained" || m.state.config.dim !== 2 || !pathRef) continue;
    const path = (await rt.outputs(pathRef.node))[pathRef.output] as ProbabilityPath;
    if (m.prediction !== "velocity" && !path.scheduler) continue;
    const model = modelFromState(m.state, { engine: m.engine });
    try {
      let field = fieldOfModel(model, m.prediction, { ema: m.ema });
      if (m.prediction !== "velocity") field = asPrediction(field, path.scheduler!, "velocity");
      const [x0, x1, y0, y1] = bounds(sets);
      const g = params.field_grid;
      const positions = new Float64Array(2 * g * g);
      for (let j = 0; j < g; j++) {
        for (let i = 0; i < g; i++) {
          positions[2 * (j * g + i)] = x0 + ((x1 - x0) * i) / (g - 1);
          positions[2 * (j * g + i) + 1] = y0 + ((y1 - y0) * j) / (g - 1);
        }
      }
      const vectors = new Float64Array(2 * g * g * params.field_times.length);
      params.field_times.forEach((t, k) =>
        field.evaluate(positions, g * g, t, vectors.subarray(2 * g * g * k, 2 * g * g * (k + 1)))
      );
      const file = `fields/${id}.bin`;
      await Deno.mkdir(join(runDir, "fields"), { recursive: true });
      await writeFileAtomic(
        join(runDir, file),
        encodeArtifact({ header: { grid: g, times: params.field_times }, arrays: { positions, vectors } }),
      );
      r.nodes[id]!.artifacts = { ...r.nodes[id]!.artifacts, field: file };
    } finally {
      model.dispose();
    }
  }
}

/** Builds the report input of a run from its record and artifacts (and, for the field grids, its folder). */
export async function buildRunReport(r: RunRecord, rt: GraphRuntime, runDir?: string): Promise<RunReport> {
  const params = reportParams(r);
  const want = (s: string) => !params.sections || params.sections.includes(s);
  const sections: ReportSection[] = [];
  const order = r.graph.order;
  const node = (id: string) => r.graph.nodes[id]!;
  const consumers = (id: string) => order.filter((c) => Object.values(node(c).inputs).some((ref) => ref.node === id));

  // training curves
  if (want("history")) {
    const histories: TrainingHistory[] = [];
    for (const id of order) {
      if (node(id).kind !== "train" || !usable(r, id)) continue;
      const h = (await rt.outputs(id)).history as HistoryValue;
      const step = h.columns.step!;
      const timing = rt.annotations(id).timing as { step: number[]; seconds: number[] } | undefined;
      histories.push({
        node: id,
        step,
        seconds: secondsAt(step, timing),
        loss: h.columns.loss!,
        ...(h.columns.lr ? { lr: h.columns.lr } : {}),
      });
    }
    if (histories.length) sections.push({ kind: "history", id: "training", title: "Training", histories });
  }

  // generated samples over their references, trajectories
  const referenceOf = async (id: string): Promise<Points | undefined> => {
    for (const c of consumers(id)) {
      const ref = node(c).inputs.reference;
      if (node(c).inputs.samples?.node === id && ref && usable(r, ref.node)) {
        const v = (await rt.outputs(ref.node))[ref.output] as SampleSet;
        if (v.points) return v.points;
      }
    }
    return undefined;
  };
  const samplePoints: Points[] = [];
  for (const id of order) {
    if (!SAMPLE_KINDS(node(id).kind) || !usable(r, id)) continue;
    const outs = await rt.outputs(id);
    const gen = (outs.samples as SampleSet).points;
    if (!gen) continue;
    samplePoints.push(gen);
    const reference = await referenceOf(id);
    if (reference) samplePoints.push(reference);
    if (want("samples")) {
      const s: SamplesSection = {
        kind: "samples",
        id: `samples-${id}`,
        title: `Samples: ${id} (${node(id).kind}, NFE ${outs.nfe})`,
        generated: gen,
        generatedLabel: id,
        ...(reference ? { reference, referenceLabel: "reference" } : {}),
      };
      sections.push(s);
    }
    const traj = outs.trajectories as TrajectoriesValue | undefined;
    if (want("trajectories") && traj && traj.n > 0 && traj.times.length > 1 && traj.dim >= 2) {
      sections.push({
        kind: "trajectories",
        id: `trajectories-${id}`,
        title: `Trajectories: ${id}`,
        times: traj.times,
        n: traj.n,
        dim: traj.dim,
        states: traj.states,
      });
    }
  }

  // the learned velocity field on a grid (2-D models), computed during the run (computeFieldGrids)
  if (want("field") && runDir) {
    for (const id of order) {
      const file = r.nodes[id]?.artifacts?.field;
      if (!file) continue;
      const a = decodeArtifact(await Deno.readFile(join(runDir, file)));
      const g = a.header.grid as number, times = a.header.times as number[];
      const vectors = a.arrays.vectors as Float64Array;
      const section: FieldSection = {
        kind: "field",
        id: `field-${id}`,
        title: `Velocity field: ${id}`,
        description: "The learned velocity u_t(x) on a grid, one panel per t (t = 0 source, t = 1 data).",
        positions: { n: g * g, dim: 2, data: a.arrays.positions as Float64Array },
        frames: times.map((t, k) => ({ t, vectors: vectors.subarray(2 * g * g * k, 2 * g * g * (k + 1)) })),
      };
      sections.push(section);
    }
  }

  // quality against NFE, when several samplers are scored by the same metric kind
  if (want("nfe")) {
    const rows: NfeRow[] = [];
    for (const id of order) {
      const k = node(id).kind;
      if (!k.startsWith("metric.") || !usable(r, id)) continue;
      const src = node(id).inputs.samples?.node;
      const value = r.metrics[id];
      if (!src || !SAMPLE_KINDS(node(src).kind) || !usable(r, src) || typeof value !== "number") continue;
      const p = node(src).params as { method?: string };
      rows.push({
        sampler: p.method ?? node(src).kind.slice(7),
        nfe: (await rt.outputs(src)).nfe as number,
        metric: k.slice(7),
        value,
      });
    }
    const perMetric = new Map<string, number>();
    for (const row of rows) perMetric.set(row.metric, (perMetric.get(row.metric) ?? 0) + 1);
    const kept = rows.filter((row) => (perMetric.get(row.metric) ?? 0) >= 3);
    if (kept.length) sections.push({ kind: "nfe", id: "nfe", title: "Quality against NFE", rows: kept });
  }

  if (want("metrics") && Object.keys(r.metrics).length) {
    sections.unshift({
      kind: "table",
      id: "metrics",
      title: "Metrics",
      columns: ["node", "kind", "metric", "value"],
      rows: Object.entries(r.metrics).flatMap(([id, v]) =>
        typeof v === "number"
          ? [{ node: id, kind: node(id).kind, metric: "value", value: v }]
          : Object.entries(v).map(([k, x]) => ({ node: id, kind: node(id).kind, metric: k, value: x }))
      ),
    });
  }

  const summary = params.summary ? fillSummary(params.summary, await summaryScope(r, rt)) : undefined;
  return {
    header: { ...header(r), ...(params.title ? { name: params.title } : {}) },
    config: { ...(r.config.text ? { yaml: r.config.text } : {}), graph: r.graph },
    ...(summary ? { summary } : {}),
    metrics: r.metrics as Record<string, MetricValue>,
    sections,
  };
}

/** Writes `report.html` for a finished run; returns its name (the scheduler's hook). */
export async function writeRunReport(run: CompletedRun): Promise<string> {
  await computeFieldGrids(run.record, run.runtime, run.dir);
  const report = await buildRunReport(run.record, run.runtime, run.dir);
  await Deno.writeTextFile(join(run.dir, "report.html"), renderRunReport(report));
  return "report.html";
}

/** Builds the sweep report input from the index and the member records. */
export async function buildSweepReport(index: SweepIndex, runsDir: string, sweepDir: string): Promise<SweepReport> {
  const members = [];
  const histories: TrainingHistory[] = [];
  let first: RunRecord | undefined;
  for (const m of index.members) {
    if (!m.run) continue;
    const rec = await readRunRecord(join(runsDir, m.run)).catch(() => undefined);
    if (!rec) continue;
    first ??= rec;
    const params = Object.fromEntries(
      Object.entries(m.values).filter(([p]) => p !== "seed").map((
        [p, v],
      ) => [p, typeof v === "object" ? JSON.stringify(v) : v as string | number | boolean]),
    );
    members.push({
      runId: rec.id,
      seed: rec.seed,
      params,
      metrics: rec.metrics as Record<string, MetricValue>,
      status: rec.status,
      href: relative(sweepDir, join(runsDir, rec.id, "report.html")),
    });
    if (rec.status !== "ok") continue;
    const rt = readerOf(rec, runsDir);
    for (const id of rec.graph.order) {
      if (rec.graph.nodes[id]!.kind !== "train" || !usable(rec, id)) continue;
      const h = (await rt.outputs(id)).history as HistoryValue;
      const label = Object.entries(m.values).map(([p, v]) => `${p.split(".").pop()}=${JSON.stringify(v)}`).join(" ");
      histories.push({
        node: `${id} #${m.index}`,
        label: `${id} ${label}`,
        step: h.columns.step!,
        seconds: secondsAt(
          h.columns.step!,
          rt.annotations(id).timing as { step: number[]; seconds: number[] } | undefined,
        ),
        loss: h.columns.loss!,
      });
    }
  }
  const started = index.started;
  return {
    header: {
      name: index.name,
      sweepId: index.id,
      started,
      ...(index.finished
        ? { finished: index.finished, seconds: (Date.parse(index.finished) - Date.parse(started)) / 1000 }
        : {}),
      status: index.status,
      versions: first ? header(first).versions : { flowlab: "?", deno: Deno.version.deno },
      ...(first?.git.commit ? { git: { commit: first.git.commit, dirty: first.git.dirty ?? false } } : {}),
      ...(first ? { host: first.host.hostname } : {}),
    },
    ...(first?.config.text ? { config: { yaml: first.config.text } } : {}),
    params: index.paths.filter((p) => p !== "seed"),
    members,
    ...(histories.length
      ? { sections: [{ kind: "history" as const, id: "training", title: "Training, every member", histories }] }
      : {}),
  };
}

/** Writes the sweep's `report.html`; returns its name (the scheduler's hook). */
export async function writeSweepReport(sweep: CompletedSweep): Promise<string> {
  const report = await buildSweepReport(sweep.index, sweep.runsDir, sweep.dir);
  await Deno.writeTextFile(join(sweep.dir, "report.html"), renderSweepReport(report));
  return "report.html";
}

/** `report RUN [--format]`: rebuilds a run's page or exports its charts from the record alone. */
export async function reportRun(runsDir: string, runDir: string, format: "html" | "svg" | "png"): Promise<string[]> {
  const rec = await readRunRecord(runDir);
  const report = await buildRunReport(rec, readerOf(rec, runsDir), runDir);
  if (format === "html") {
    const file = join(runDir, "report.html");
    await Deno.writeTextFile(file, renderRunReport(report));
    return [file];
  }
  return await exportCharts(report, join(runDir, "figures"), { format });
}

/** `report SWEEP [--format]`. */
export async function reportSweep(runsDir: string, sweepId: string, format: "html" | "svg" | "png"): Promise<string[]> {
  const dir = join(runsDir, sweepId);
  const index = JSON.parse(await Deno.readTextFile(join(dir, "sweep.json"))) as SweepIndex;
  const report = await buildSweepReport(index, runsDir, dir);
  if (format === "html") {
    const file = join(dir, "report.html");
    await Deno.writeTextFile(file, renderSweepReport(report));
    return [file];
  }
  return await exportCharts(report, join(dir, "figures"), { format });
}
