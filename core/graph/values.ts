/**
 * The values that flow along edges, by port type.
 *
 * @module
 */
import type { Distribution, Points } from "../data/mod.ts";
import type { Activation, EngineChoice, ModelState, TimeEmbedding } from "../models/mod.ts";
import type { Field, Prediction } from "../paths/mod.ts";

/**
 * `samples`: a finite point set, a distribution that draws fresh points, or
 * both (a data node with `n` keeps its distribution too).
 */
export interface SampleSet {
  points?: Points;
  distribution?: Distribution;
}

/** `history`: training curves, one Float64Array per column (`step`, `seconds`, `loss`, `lr`, …). */
export interface TrainingHistory {
  columns: Record<string, Float64Array>;
}

/** `trajectories`: solver states `states[k·n·dim + i·dim + j]` at `times[k]`. */
export interface Trajectories {
  n: number;
  dim: number;
  times: Float64Array;
  states: Float64Array;
}

/** `value`: a metric, a number or an object of numbers. */
export type MetricValue = number | Record<string, number>;

/** `nll`: a likelihood evaluation. */
export interface NllValue {
  /** Mean −log p over the points, in nats. */
  nats: number;
  /** The same in bits per dimension. */
  bitsPerDim: number;
  /** Standard error of the mean (Hutchinson), when estimated. */
  stderr?: number;
  /** log p of each point. */
  logp: Float64Array;
  /** Function evaluations used. */
  nfe: number;
}

/** An MLP architecture before training (dimension and classes come from the data). */
export interface MlpSpec {
  hidden: number[];
  activation: Activation;
  timeEmbedding: TimeEmbedding;
  /** Condition on the data's class labels. */
  labelEmbedding: boolean;
  /** Which engine trains and evaluates it. */
  engine: EngineChoice;
}

/**
 * `model`: an architecture (`spec`, from `model.mlp`), a trained network
 * (`trained`, from `train`: its full state and what it predicts under which
 * path), or an exact field (`field`, the oracle).
 */
export type ModelValue =
  | { type: "spec"; spec: MlpSpec }
  | {
    type: "trained";
    state: ModelState;
    prediction: Prediction;
    engine: EngineChoice;
    /** Sample with the EMA parameters. */
    ema: boolean;
  }
  | { type: "field"; field: Field };
