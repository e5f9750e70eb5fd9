/**
 * The training loop: minibatches from a coupling, x_t and targets from a path
 * and a prediction, one optimiser step per batch, with checkpoints, an lr
 * schedule, label dropout for classifier-free guidance, and a NaN guard.
 *
 * Randomness is indexed by step: the batch of step s is drawn from
 * `rng.derive(s)`, so a run resumed from a checkpoint at step s continues
 * exactly as the uninterrupted run would have.
 *
 * @module
 */
import type { Coupling, PairBatch } from "../couplings/mod.ts";
import { type LossWeight, makeTrainBatch, type TSampler } from "../losses/mod.ts";
import { deserializeModelState, type Model, serializeModelState } from "../models/mod.ts";
import type { Prediction, ProbabilityPath } from "../paths/mod.ts";
import type { Rng } from "../random/mod.ts";
import { learningRate, type LrSchedule } from "./schedule.ts";

/** Where checkpoints go (the scheduler provides one per node key). */
export interface CheckpointStore {
  load(): Promise<Uint8Array | null>;
  save(bytes: Uint8Array): Promise<void>;
}

/** Progress callbacks (a bar on a terminal). */
export interface TrainProgress {
  start(total: number, label: string): void;
  update(done: number, status?: string): void;
  end(): void;
}

/** Options for {@linkcode train}. */
export interface TrainOptions {
  coupling: Coupling;
  path: ProbabilityPath;
  prediction: Prediction;
  tSampler: TSampler;
  lossWeight?: LossWeight;
  steps: number;
  batch: number;
  lr: number;
  schedule?: LrSchedule;
  /** Probability of replacing a pair's label by "no label" (classifier-free guidance training). */
  pUncond?: number;
  /** The node's stream; step s uses `rng.derive(s)`. */
  rng: Rng;
  /** Save a checkpoint every this many steps (0 = never). */
  checkpointEvery?: number;
  checkpoints?: CheckpointStore;
  progress?: TrainProgress;
  signal?: AbortSignal;
}

/** Per-step curves (deterministic: no wall-clock values). */
export interface TrainHistory {
  step: Float64Array;
  loss: Float64Array;
  lr: Float64Array;
}

/** Wall-clock timing, kept apart from the deterministic history. */
export interface TrainTiming {
  /** Steps at which time was sampled. */
  step: number[];
  /** Seconds of training up to that step (excluding time before a resume point from other processes). */
  seconds: number[];
  /** Steps done in this process (the rest came from a checkpoint). */
  stepsHere: number;
  /** Milliseconds per step in this process. */
  msPerStep: number;
}

/** Raised when training stops early; carries the history up to that point. */
export class TrainingStopped extends Error {
  readonly history: TrainHistory;
  readonly interrupted: boolean;
  constructor(message: string, history: TrainHistory, interrupted: boolean) {
    super(message);
    this.name = interrupted ? "InterruptedError" : "TrainingStopped";
    this.history = history;
    this.interrupted = interrupted;
  }
}

const CHECKPOINT_MAGIC = "flowlab-train-checkpoint-1";

function encodeCheckpoint(model: Model, history: TrainHistory, step: number, seconds: number): Uint8Array {
  const state = serializeModelState(model.state());
  const header = new TextEncoder().encode(
    JSON.stringify({ magic: CHECKPOINT_MAGIC, step, seconds, stateBytes: state.length }),
  );
  const out = new Uint8Array(4 + header.length + state.length + 3 * 8 * step);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(state, 4 + header.length);
  const view = new DataView(out.buffer, 4 + header.length + state.length);
  for (let k = 0; k < step; k++) {
    view.setFloat64(8 * k, history.step[k]!, true);
    view.setFloat64(8 * (step + k), history.loss[k]!, true);
    view.setFloat64(8 * (2 * step + k), history.lr[k]!, true);
  }
  return out;
}

function decodeCheckpoint(
  bytes: Uint8Array,
): { state: Uint8Array; step: number; seconds: number; history: TrainHistory } | null {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const hl = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + hl))) as {
      magic: string;
      step: number;
      seconds: number;
      stateBytes: number;
    };
    if (header.magic !== CHECKPOINT_MAGIC) return null;
    const state = bytes.slice(4 + hl, 4 + hl + header.stateBytes);
    const base = 4 + hl + header.stateBytes;
    const s = header.step;
    const history = { step: new Float64Array(s), loss: new Float64Array(s), lr: new Float64Array(s) };
    for (let k = 0; k < s; k++) {
      history.step[k] = view.getFloat64(base + 8 * k, true);
      history.loss[k] = view.getFloat64(base + 8 * (s + k), true);
      history.lr[k] = view.getFloat64(base + 8 * (2 * s + k), true);
    }
    return { state, step: s, seconds: header.seconds, history };
  } catch {
    return null;
  }
}

function withoutLabels(pairs: PairBatch, pUncond: number, rng: Rng): PairBatch {
  if (!pairs.labels || pUncond <= 0) return pairs;
  const labels = pairs.labels.slice();
  for (let i = 0; i < labels.length; i++) if (rng.uniform() < pUncond) labels[i] = -1;
  return { ...pairs, labels };
}

/**
 * Trains `model` in place for `options.steps` steps (resuming from the last
 * checkpoint when one exists) and returns the history and timing.
 */
export async function train(
  model: Model,
  options: TrainOptions,
): Promise<{ history: TrainHistory; timing: TrainTiming }> {
  const { steps, batch } = options;
  const history: TrainHistory = {
    step: new Float64Array(steps),
    loss: new Float64Array(steps),
    lr: new Float64Array(steps),
  };
  let start = 0, secondsBefore = 0;
  const saved = options.checkpoints ? await options.checkpoints.load() : null;
  if (saved) {
    const cp = decodeCheckpoint(saved);
    if (cp && cp.step <= steps) {
      model.load(deserializeModelState(cp.state));
      history.step.set(cp.history.step);
      history.loss.set(cp.history.loss);
      history.lr.set(cp.history.lr);
      start = cp.step;
      secondsBefore = cp.seconds;
    }
  }
  const timing: TrainTiming = { step: [], seconds: [], stepsHere: steps - start, msPerStep: 0 };
  const every = options.checkpointEvery ?? 0;
  const sampleEvery = Math.max(1, Math.floor(steps / 200));
  const partial = (upTo: number): TrainHistory => ({
    step: history.step.slice(0, upTo),
    loss: history.loss.slice(0, upTo),
    lr: history.lr.slice(0, upTo),
  });
  options.progress?.start(steps, start > 0 ? `train (resumed at ${start})` : "train");
  options.progress?.update(start);
  const t0 = performance.now();
  for (let s = start; s < steps; s++) {
    if (options.signal?.aborted) {
      const elapsed = secondsBefore + (performance.now() - t0) / 1000;
      if (options.checkpoints) await options.checkpoints.save(encodeCheckpoint(model, history, s, elapsed));
      options.progress?.end();
      throw new TrainingStopped(
        `Interrupted training at step ${s} of ${steps}; checkpoint saved, run again to resume`,
        partial(s),
        true,
      );
    }
    const r = options.rng.derive(s);
    const pairs = withoutLabels(
      options.coupling.sample(batch, r.derive("pairs")),
      options.pUncond ?? 0,
      r.derive("uncond"),
    );
    const tb = makeTrainBatch(pairs, {
      path: options.path,
      prediction: options.prediction,
      tSampler: options.tSampler,
      ...(options.lossWeight ? { lossWeight: options.lossWeight } : {}),
      rng: r.derive("t"),
    });
    const lr = learningRate(s, steps, options.lr, options.schedule);
    const loss = model.trainStep(tb, lr);
    if (!Number.isFinite(loss)) {
      options.progress?.end();
      throw new TrainingStopped(
        `Training diverged: the loss is ${loss} at step ${s} (lr ${
          lr.toPrecision(3)
        }); lower lr, set clip (e.g. clip: 1), or check the data scale`,
        partial(s),
        false,
      );
    }
    history.step[s] = s + 1;
    history.loss[s] = loss;
    history.lr[s] = lr;
    if ((s + 1) % sampleEvery === 0 || s + 1 === steps) {
      timing.step.push(s + 1);
      timing.seconds.push(secondsBefore + (performance.now() - t0) / 1000);
    }
    if ((s + 1) % 25 === 0 || s + 1 === steps) options.progress?.update(s + 1, `loss ${loss.toPrecision(4)}`);
    if (every > 0 && options.checkpoints && (s + 1) % every === 0 && s + 1 < steps) {
      await options.checkpoints.save(
        encodeCheckpoint(model, history, s + 1, secondsBefore + (performance.now() - t0) / 1000),
      );
    }
  }
  options.progress?.end();
  timing.msPerStep = timing.stepsHere > 0 ? (performance.now() - t0) / timing.stepsHere : 0;
  return { history, timing };
}
