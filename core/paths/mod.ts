/**
 * Paths: schedulers (α_t, σ_t), affine / Schrödinger-bridge / Lipman
 * probability paths, prediction conversions and schedule transfer
 * (MATH.md §1–3, §7). Time convention: t = 0 source, t = 1 data.
 *
 * @module
 */
export type { DiscreteGrid, Field, Prediction, Scheduler, ScheduleValue, SourceSpec } from "./types.ts";
export {
  condotScheduler,
  cosineScheduler,
  createScheduler,
  linearVpScheduler,
  lipmanScheduler,
  polynomialScheduler,
  scheduleDet,
  type SchedulerParamSpec,
  SCHEDULERS,
  type SchedulerSpec,
  veScheduler,
  vpScheduler,
} from "./schedulers.ts";
export {
  cosineBetas,
  type DdpmCosineOptions,
  ddpmCosineScheduler,
  ddpmGrid,
  type DdpmLinearOptions,
  ddpmLinearScheduler,
  discreteScheduler,
  linearBetas,
} from "./ddpm.ts";
export {
  asPrediction,
  type AsPredictionOptions,
  checkPrediction,
  clampTime,
  type ConversionCoefficients,
  conversionCoefficients,
  conversionFiniteAt,
  convertPrediction,
  type ConvertPredictionOptions,
  DEFAULT_T_EPS,
  PREDICTIONS,
  singularEndClamp,
  type TimeClamp,
} from "./conversions.ts";
export {
  type TransferCoefficients,
  transferCoefficients,
  transferField,
  type TransferFieldOptions,
} from "./transfer.ts";
export {
  affinePath,
  createPath,
  type PathPairs,
  type PathSample,
  type PathSpec,
  type ProbabilityPath,
  sbPath,
} from "./paths.ts";
