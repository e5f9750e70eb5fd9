/**
 * Losses (MATH.md §4): training batches for velocity (CFM), epsilon (DDPM),
 * x1 and score (DSM) predictions, t-samplers (uniform, logit-normal,
 * discrete grid), time-dependent loss weights, and the loss of any field on a
 * batch.
 *
 * @module
 */
export { createTSampler, T_SAMPLERS, type TSampler, type TSamplerSpec } from "./t_samplers.ts";
export {
  checkLossWeight,
  defaultLossWeight,
  LOSS_WEIGHTS,
  type LossWeight,
  lossWeightAt,
  lossWeightClamp,
  type LossWeightOptions,
} from "./weights.ts";
export {
  LAST_FLOAT32_BELOW_ONE,
  makeTrainBatch,
  type MakeTrainBatchOptions,
  type TrainingTargets,
  trainingTargets,
  type TrainingTargetsOptions,
} from "./batch.ts";
export { fieldLoss, type FieldLossOptions } from "./evaluate.ts";
