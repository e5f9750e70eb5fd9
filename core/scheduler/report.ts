/**
 * From a run (its record and the artifacts in the store) to the report's
 * plain-data input, and writing the pages. Reading only: a missing artifact is
 * an error, never a reason to recompute.
 *
 * Beyond the default sections, a report node can ask for what studies need
 * (see `core/graph/kinds/report.ts`): a summary template over the run's (or
 * the sweep's) numbers, pivot tables of mean ± sd by factors read from metric
 * node ids and swept parameters, the NFE each sampler needs to reach a W2,
 * density panels over time, and training chains (a train node continuing
 * another) stitched into one curve with the W2 of each stage along it.
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
  type SweepMember,
  type SweepReport,
  type TableCell,
  type TableSection,
  type TrainingHistory,
} from "../../reports/mod.ts";
import { fillSummary } from "./_summary.ts";
import { densitySection } from "./_report_density.ts";
import {
  compileFactors,
  factorNames,
  type FactorValue,
  fmt,
  nfeTargetsTable,
  type Observation,
  observationsOf,
  pivotTable,
  queryFunctions,
  sweptFactors,
  type TableSpec,
} from "./_report_views.ts";
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

/** What the report node asks for (its validated params). */
interface ReportParams {
  title?: string;
  summary?: string;
  sweep_summary?: string;
  sections?: string[];
  field_times: number[];
  field_grid: number;
  show?: string[];
  factors?: string;
  labels?: Record<string, string>;
  tables?: TableSpec[];
  nfe_targets?: number[];
  nfe_parts?: string[];
  density?: string[];
  sweep_metrics?: string[];
}

function reportParams(r: RunRecord): ReportParams {
  const node = r.graph.order.map((id) => r.graph.nodes[id]!).find((n) => n.kind === "report");
  return (node?.params as unknown as ReportParams | undefined) ??
    { field_times: [0, 0.25, 0.5, 0.75, 1], field_grid: 17 };
}

const shown = (params: ReportParams, id: string) => !params.show || params.show.includes(id);

/** Mean of the last 5 % of a loss series (single steps are noisy). */
function finalLoss(l: Float64Array): number {
  const k = Math.max(1, Math.floor(l.length / 20));
  let s = 0;
  for (let i = l.length - k; i < l.length; i++) s += l[i]!;
  return s / k;
}

/**
 * Training chains: a train node whose model input is another train node
 * continues it (same network, optimiser state and step count). Each node gets
 * the steps and seconds done before it; a chain is a maximal run of nodes each
 * continued by exactly one other.
 */
interface TrainInfo {
  id: string;
  parent?: string;
  /** Optimiser steps of this node alone, and the steps done before it along its chain. */
  steps: number;
  stepsBefore: number;
  /** Training seconds of this node alone, and before it. */
  seconds: number;
  secondsBefore: number;
  history: HistoryValue;
  timing?: { step: number[]; seconds: number[] };
  parameters?: number;
}

async function trainInfos(r: RunRecord, rt: GraphRuntime): Promise<Map<string, TrainInfo>> {
  const infos = new Map<string, TrainInfo>();
  for (const id of r.graph.order) {
    const n = r.graph.nodes[id]!;
    if (n.kind !== "train" || !usable(r, id)) continue;
    const outs = await rt.outputs(id);
    const history = outs.history as HistoryValue;
    const timing = rt.annotations(id).timing as { step: number[]; seconds: number[] } | undefined;
    const model = outs.model as ModelValue;
    const parentId = n.inputs.model?.node;
    const parent = parentId !== undefined ? infos.get(parentId) : undefined;
    infos.set(id, {
      id,
      ...(parent ? { parent: parent.id } : {}),
      steps: history.columns.step!.length,
      stepsBefore: parent ? parent.stepsBefore + parent.steps : 0,
      seconds: timing?.seconds.at(-1) ?? r.nodes[id]!.seconds ?? NaN,
      secondsBefore: parent ? parent.secondsBefore + parent.seconds : 0,
      history,
      ...(timing ? { timing } : {}),
      ...(model.type === "trained" ? { parameters: model.state.params.length } : {}),
    });
  }
  return infos;
}

function chainsOf(infos: Map<string, TrainInfo>): string[][] {
  const children = new Map<string, string[]>();
  for (const t of infos.values()) if (t.parent) children.set(t.parent, [...(children.get(t.parent) ?? []), t.id]);
  const chains: string[][] = [];
  for (const t of infos.values()) {
    const p = t.parent;
    if (p && children.get(p)!.length === 1) continue; // continues its parent's chain
    const chain = [t.id];
    let kids = children.get(t.id) ?? [];
    while (kids.length === 1) {
      chain.push(kids[0]!);
      kids = children.get(kids[0]!) ?? [];
    }
    chains.push(chain);
  }
  return chains;
}

/** A chain's name: the common prefix of its ids without a trailing `_`, else its last id. */
function chainName(ids: string[]): string {
  if (ids.length === 1) return ids[0]!;
  let prefix = ids[0]!;
  for (const id of ids) while (!id.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.replace(/_+$/, "");
  return prefix || ids.at(-1)!;
}

/** The samplers of a model node scored by a numeric metric: series name → value. */
function stageScores(r: RunRecord, modelId: string): Map<string, number> {
  const out = new Map<string, number>();
  const order = r.graph.order, node = (id: string) => r.graph.nodes[id]!;
  for (const s of order) {
    if (!SAMPLE_KINDS(node(s).kind) || node(s).inputs.model?.node !== modelId) continue;
    const p = node(s).params as { method?: string; steps?: number };
    const how = [p.method ?? node(s).kind.slice(7), p.steps !== undefined ? `${p.steps} steps` : ""].filter(Boolean)
      .join(", ");
    for (const m of order) {
      const v = r.metrics[m];
      if (node(m).inputs.samples?.node !== s || typeof v !== "number") continue;
      out.set(`${node(m).kind.slice(7)} (${how})`, v);
    }
  }
  return out;
}

/**
 * The line of a sampler in the quality-against-NFE chart: its id without a
 * trailing `_<number>` (`fm_euler_16` → `fm_euler`); an id without one is its
 * own line when several models are sampled, else the line is its method.
 */
function nfeLine(id: string, kind: string, params: { method?: string }, severalModels: boolean): string {
  const m = /^(.+?)_\d+$/.exec(id);
  return m ? m[1]! : severalModels ? id : params.method ?? kind.slice(7);
}

/**
 * Quality-against-NFE rows: each numeric metric of a sampler, except samplers
 * of a train node that another train node continues (the stages of a chain
 * are scored along training, not compared by NFE).
 */
async function nfeRowsOf(r: RunRecord, rt: GraphRuntime, parts: readonly string[] = []): Promise<NfeRow[]> {
  const order = r.graph.order, node = (id: string) => r.graph.nodes[id]!;
  const continued = new Set(
    order.filter((id) => node(id).kind === "train").map((id) => node(id).inputs.model?.node).filter((m) =>
      m !== undefined && node(m).kind === "train"
    ),
  );
  const models = new Set(order.filter((id) => SAMPLE_KINDS(node(id).kind)).map((id) => node(id).inputs.model?.node));
  const rows: NfeRow[] = [];
  for (const id of order) {
    const k = node(id).kind;
    if (!k.startsWith("metric.") || !usable(r, id)) continue;
    const src = node(id).inputs.samples?.node;
    const value = r.metrics[id];
    if (!src || !SAMPLE_KINDS(node(src).kind) || !usable(r, src) || value === undefined) continue;
    if (continued.has(node(src).inputs.model?.node)) continue;
    const sampler = nfeLine(src, node(src).kind, node(src).params as { method?: string }, models.size > 1);
    const nfe = (await rt.outputs(src)).nfe as number;
    if (typeof value === "number") rows.push({ sampler, nfe, metric: k.slice(7), value });
    else {
      for (const [part, v] of Object.entries(value)) {
        const metric = `${k.slice(7)}.${part}`;
        if (parts.includes(metric)) rows.push({ sampler, nfe, metric, value: v });
      }
    }
  }
  return rows;
}

/** The results a summary template can use. */
async function summaryScope(
  r: RunRecord,
  rt: GraphRuntime,
  extra: {
    observations: Observation[];
    nfeRows: NfeRow[];
    infos: Map<string, TrainInfo>;
    labels: Record<string, string>;
  },
): Promise<Record<string, unknown>> {
  const scope: Record<string, unknown> = { ...structuredClone(r.metrics) };
  const nfe: Record<string, number> = {}, seconds: Record<string, number> = {}, loss: Record<string, number> = {};
  const steps: Record<string, number> = {}, elapsed: Record<string, number> = {};
  for (const id of r.graph.order) {
    const n = r.nodes[id]!;
    if (n.seconds !== undefined) seconds[id] = n.seconds;
    if (!usable(r, id)) continue;
    if (SAMPLE_KINDS(n.kind)) nfe[id] = (await rt.outputs(id)).nfe as number;
    const t = extra.infos.get(id);
    if (t) {
      loss[id] = finalLoss(t.history.columns.loss!);
      if (Number.isFinite(t.seconds)) seconds[id] = t.seconds;
      steps[id] = t.stepsBefore + t.steps;
      elapsed[id] = t.secondsBefore + t.seconds;
    }
  }
  return {
    ...scope,
    seed: r.seed,
    // a sweep member's own swept values, by last path segment too (`swept.w`)
    swept: r.sweep ? sweptFactors(r.sweep.values) : {},
    nfe,
    seconds,
    loss,
    steps,
    elapsed,
    ...queryFunctions(extra.observations, extra.nfeRows),
    label: (v: unknown) => extra.labels[String(v)] ?? String(v),
  };
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
 * and reference points. With `show`, only the listed train nodes.
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
    if (node(id).kind !== "train" || !usable(r, id) || !shown(params, id)) continue;
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

/** One stitched history per training chain, with each stage's scores as validation series at its last step. */
function chainHistories(r: RunRecord, infos: Map<string, TrainInfo>): {
  histories: TrainingHistory[];
  efficiency?: TableSection;
} {
  const histories: TrainingHistory[] = [];
  const rows: Record<string, TableCell>[] = [];
  const seriesNames = new Set<string>();
  for (const chain of chainsOf(infos)) {
    const total = chain.reduce((s, id) => s + infos.get(id)!.steps, 0);
    const step = new Float64Array(total), seconds = new Float64Array(total), loss = new Float64Array(total);
    const lr = new Float64Array(total);
    const val: Record<string, Float64Array> = {};
    const scores = chain.map((id) => stageScores(r, id));
    // a validation series is one measured at two or more stages of the chain
    const counts = new Map<string, number>();
    for (const s of scores) for (const k of s.keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
    const curves = chain.length > 1 ? [...counts].filter(([, c]) => c >= 2).map(([k]) => k) : [];
    // a curve is named by its metric alone ("w2") when it is the chain's only curve of that metric
    const metricOf = (k: string) => k.split(" (")[0]!;
    const nameOf = (k: string) => curves.filter((c) => metricOf(c) === metricOf(k)).length === 1 ? metricOf(k) : k;
    for (const k of curves) val[nameOf(k)] = new Float64Array(total).fill(NaN);
    let at = 0;
    chain.forEach((id, c) => {
      const t = infos.get(id)!;
      const cols = t.history.columns;
      const own = secondsAt(cols.step!, t.timing);
      for (let i = 0; i < t.steps; i++) {
        step[at + i] = t.stepsBefore + cols.step![i]!;
        seconds[at + i] = t.secondsBefore + own[i]!;
        loss[at + i] = cols.loss![i]!;
        lr[at + i] = cols.lr?.[i] ?? NaN;
      }
      at += t.steps;
      for (const k of curves) {
        const v = scores[c]!.get(k);
        if (v !== undefined) val[nameOf(k)]![at - 1] = v;
      }
      if (chain.length > 1) {
        const row: Record<string, TableCell> = {
          model: chainName(chain),
          node: id,
          steps: t.stepsBefore + t.steps,
          seconds: fmt(t.secondsBefore + t.seconds, 3),
          "ms / step": fmt((1000 * t.seconds) / t.steps, 3),
          loss: fmt(finalLoss(cols.loss!), 4),
          parameters: t.parameters ?? null,
        };
        for (const k of curves) {
          seriesNames.add(nameOf(k));
          const v = scores[c]!.get(k);
          row[nameOf(k)] = v !== undefined ? fmt(v, 4) : "";
        }
        rows.push(row);
      }
    });
    histories.push({
      node: chain.length > 1 ? chainName(chain) : chain[0]!,
      ...(chain.length > 1 ? { label: `${chainName(chain)} (${chain.join(" → ")})` } : {}),
      step,
      seconds,
      loss,
      lr,
      ...(curves.length ? { val } : {}),
    });
  }
  if (!rows.length) return { histories };
  return {
    histories,
    efficiency: {
      kind: "table",
      id: "training-efficiency",
      title: "Training efficiency",
      description:
        "Each stage of a training chain (a train node continuing another): cumulative steps and training seconds, " +
        "the final loss (mean of the last 5 % of the stage's steps), parameters (the network's size sets the " +
        "training memory: parameters, two Adam moments and the batch's activations), and the scores of the stage's samples.",
      columns: ["model", "node", "steps", "seconds", "ms / step", "loss", "parameters", ...seriesNames],
      rows,
    },
  };
}

/** Builds the report input of a run from its record and artifacts (and, for the field grids, its folder). */
export async function buildRunReport(r: RunRecord, rt: GraphRuntime, runDir?: string): Promise<RunReport> {
  const params = reportParams(r);
  const want = (s: string) => !params.sections || params.sections.includes(s);
  const sections: ReportSection[] = [];
  const order = r.graph.order;
  const node = (id: string) => r.graph.nodes[id]!;
  const consumers = (id: string) => order.filter((c) => Object.values(node(c).inputs).some((ref) => ref.node === id));
  const infos = await trainInfos(r, rt);

  // training curves (chains stitched), and the efficiency of chained stages
  let efficiency: TableSection | undefined;
  if (want("history") && infos.size) {
    const chained = chainHistories(r, infos);
    efficiency = chained.efficiency;
    sections.push({ kind: "history", id: "training", title: "Training", histories: chained.histories });
    if (efficiency) sections.push(efficiency);
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
  for (const id of order) {
    if (!SAMPLE_KINDS(node(id).kind) || !usable(r, id) || !shown(params, id)) continue;
    const outs = await rt.outputs(id);
    const gen = (outs.samples as SampleSet).points;
    if (!gen) continue;
    const reference = await referenceOf(id);
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

  // density panels of chosen samplers (and the target density of Langevin samplers)
  if (want("density") && params.density) {
    const d = await densitySection(r, rt, params.density);
    if (d) sections.push(d);
  }

  // the learned velocity field on a grid (2-D models), computed during the run (computeFieldGrids)
  if (want("field") && runDir) {
    for (const id of order) {
      const file = r.nodes[id]?.artifacts?.field;
      if (!file || !shown(params, id)) continue;
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

  // quality against NFE: a line per sampler family (node id without its `_<number>`), when ≥ 3 points share a metric
  const nfeRows = await nfeRowsOf(r, rt, params.nfe_parts);
  if (want("nfe")) {
    const perMetric = new Map<string, number>();
    for (const row of nfeRows) perMetric.set(row.metric, (perMetric.get(row.metric) ?? 0) + 1);
    // a metric gets a panel when it scores three samplers or more; when some metric has a line of two NFE
    // values or more, metrics that only have single points (e.g. an MMD of the final samplers) are left out
    const curve = new Set<string>();
    for (const row of nfeRows) {
      if (nfeRows.some((o) => o.metric === row.metric && o.sampler === row.sampler && o.nfe !== row.nfe)) {
        curve.add(row.metric);
      }
    }
    const kept = nfeRows.filter((row) =>
      (perMetric.get(row.metric) ?? 0) >= 3 && (curve.size === 0 || curve.has(row.metric))
    );
    // a log axis when some metric spans more than 20× (e.g. a sampler that diverges at low NFE)
    const logValue = kept.every((row) => row.value > 0) && [...perMetric.keys()].some((metric) => {
      const v = kept.filter((row) => row.metric === metric).map((row) => row.value);
      return v.length > 0 && Math.max(...v) >= 20 * Math.min(...v);
    });
    if (kept.length) sections.push({ kind: "nfe", id: "nfe", title: "Quality against NFE", rows: kept, logValue });
    const targets = params.nfe_targets ? nfeTargetsTable(kept, params.nfe_targets) : undefined;
    if (targets && want("tables")) sections.push(targets);
  }

  // pivot tables over factors read from metric node ids
  const pattern = compileFactors(params.factors);
  const observations = observationsOf(r.metrics, pattern, { seed: r.seed });
  if (want("tables")) {
    for (const spec of params.tables ?? []) sections.push(pivotTable(observations, spec, params.labels ?? {}));
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

  const summary = params.summary
    ? fillSummary(
      params.summary,
      await summaryScope(r, rt, { observations, nfeRows, infos, labels: params.labels ?? {} }),
    )
    : undefined;
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

/** The `steps` parameter of every train node of a record (as configured; a chain's stages are not added up). */
function trainSteps(r: RunRecord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of r.graph.order) {
    const n = r.graph.nodes[id]!;
    if (n.kind === "train") out[id] = (n.params as { steps: number }).steps;
  }
  return out;
}

/** Means over members of every metric node (objects part by part), and their standard deviations. */
function sweepMeans(observations: Observation[]): { means: Record<string, unknown>; sd: Record<string, unknown> } {
  const groups = new Map<string, number[]>();
  for (const o of observations) groups.set(o.metric, [...(groups.get(o.metric) ?? []), o.value]);
  const means: Record<string, unknown> = {}, sd: Record<string, unknown> = {};
  for (const [name, values] of groups) {
    const n = values.length;
    const mean = values.reduce((s, x) => s + x, 0) / n;
    const s = n > 1 ? Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
    const [id, part] = name.split(".", 2) as [string, string | undefined];
    if (part === undefined) {
      means[id] = mean;
      sd[id] = s;
    } else {
      ((means[id] ??= {}) as Record<string, number>)[part] = mean;
      ((sd[id] ??= {}) as Record<string, number>)[part] = s;
    }
  }
  return { means, sd };
}

/**
 * The members a sweep's charts compare. With a `factors` pattern each member
 * splits into one entry per combination of the pattern's factors (which then
 * act as swept parameters: W2 against the coupling, coloured by task), its
 * metrics renamed by the pattern's `metric` group.
 */
function chartMembers(
  members: SweepMember[],
  records: RunRecord[],
  pattern: RegExp | undefined,
  labels: Record<string, string>,
): SweepMember[] {
  const names = factorNames(pattern);
  if (!pattern || !names.length) return members;
  const out: SweepMember[] = [];
  members.forEach((m, k) => {
    const combos = new Map<string, { factors: Record<string, FactorValue>; metrics: Record<string, MetricValue> }>();
    for (const o of observationsOf(records[k]!.metrics, pattern)) {
      if (!names.every((n) => o.factors[n] !== undefined)) continue;
      const f = Object.fromEntries(names.map((n) => [n, o.factors[n]!]));
      const key = JSON.stringify(f);
      const c = combos.get(key) ?? { factors: f, metrics: {} };
      const [id, part] = o.metric.split(".", 2) as [string, string | undefined];
      if (part === undefined) c.metrics[id] = o.value;
      else c.metrics[id] = { ...(c.metrics[id] as Record<string, number> | undefined), [part]: o.value };
      combos.set(key, c);
    }
    for (const c of combos.values()) {
      const shownFactors = Object.fromEntries(
        Object.entries(c.factors).map(([n, v]) => [n, labels[String(v)] ?? v]),
      );
      out.push({ ...m, params: { ...m.params, ...shownFactors }, metrics: c.metrics });
    }
  });
  return out;
}

/** Only the metrics named (`w2`, or `pe.npe` for one part of an object metric); all without names. */
function pickMetrics(
  metrics: Readonly<Record<string, MetricValue>>,
  names: readonly string[] | undefined,
): Record<string, MetricValue> {
  if (!names) return { ...metrics };
  const out: Record<string, MetricValue> = {};
  for (const [id, v] of Object.entries(metrics)) {
    if (names.includes(id)) out[id] = v;
    else if (typeof v !== "number") {
      const parts = Object.fromEntries(Object.entries(v).filter(([p]) => names.includes(`${id}.${p}`)));
      if (Object.keys(parts).length) out[id] = parts;
    }
  }
  return out;
}

/** Builds the sweep report input from the index and the member records. */
export async function buildSweepReport(index: SweepIndex, runsDir: string, sweepDir: string): Promise<SweepReport> {
  const members: SweepMember[] = [];
  const records: RunRecord[] = [];
  const observations: Observation[] = [];
  const histories: TrainingHistory[] = [];
  let first: RunRecord | undefined;
  let params: ReportParams | undefined, pattern: RegExp | undefined;
  for (const m of index.members) {
    if (!m.run) continue;
    const rec = await readRunRecord(join(runsDir, m.run)).catch(() => undefined);
    if (!rec) continue;
    if (!first) {
      first = rec;
      params = reportParams(rec);
      pattern = compileFactors(params.factors);
    }
    const swept = Object.fromEntries(
      Object.entries(m.values).filter(([p]) => p !== "seed").map((
        [p, v],
      ) => [p, typeof v === "object" ? JSON.stringify(v) : v as string | number | boolean]),
    );
    members.push({
      runId: rec.id,
      seed: rec.seed,
      params: swept,
      metrics: rec.metrics as Record<string, MetricValue>,
      status: rec.status,
      href: relative(sweepDir, join(runsDir, rec.id, "report.html")),
    });
    records.push(rec);
    if (rec.status === "ok") {
      observations.push(...observationsOf(rec.metrics, pattern, { ...sweptFactors(m.values), seed: rec.seed }));
    }
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
  const labels = params?.labels ?? {};
  const sections: ReportSection[] = [];
  for (const spec of params?.tables ?? []) sections.push(pivotTable(observations, spec, labels));
  if (histories.length) sections.push({ kind: "history", id: "training", title: "Training, every member", histories });
  let summary: string | undefined;
  if (params?.sweep_summary) {
    const { means, sd } = sweepMeans(observations);
    summary = fillSummary(params.sweep_summary, {
      ...means,
      sd,
      members: members.length,
      seeds: new Set(members.map((m) => m.seed)).size,
      steps: trainSteps(first!),
      ...queryFunctions(observations),
      label: (v: unknown) => labels[String(v)] ?? String(v),
    });
  }
  const factors = factorNames(pattern);
  return {
    header: {
      name: params?.title ?? index.name,
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
    ...(summary ? { summary } : {}),
    params: [...index.paths.filter((p) => p !== "seed"), ...factors],
    members: chartMembers(members, records, pattern, labels).map((m) => ({
      ...m,
      metrics: pickMetrics(m.metrics, params?.sweep_metrics),
    })),
    ...(sections.length ? { sections } : {}),
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
