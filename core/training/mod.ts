/**
 * Training: the loop (optimiser steps over coupling minibatches), learning-rate
 * schedules, checkpoints and the NaN guard.
 *
 * @module
 */
export { learningRate, type LrSchedule } from "./schedule.ts";
export {
  type CheckpointStore,
  train,
  type TrainHistory,
  TrainingStopped,
  type TrainOptions,
  type TrainProgress,
  type TrainTiming,
} from "./loop.ts";
