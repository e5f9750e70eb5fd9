/**
 * Velocity-field networks: the MLP with time and label embeddings, trained
 * and evaluated by one of two engines that agree to float32 rounding — the
 * fused WebAssembly SIMD kernel (one call per training step; default on the
 * tfjs `wasm` backend) and tfjs tensors (any backend; autodiff) — plus
 * save/load of everything training needs to resume byte for byte.
 *
 * @module
 */
export type { Activation, MlpConfig, ModelState, OptimizerConfig, TimeEmbedding, TrainBatch } from "./types.ts";
export {
  ACTIVATIONS,
  DEFAULT_OPTIMIZER,
  initParameters,
  inputWidth,
  labelFeatureCount,
  type LayerShape,
  layerShapes,
  parameterCount,
  resolveOptimizer,
  timeFeatureCount,
  validateConfig,
  writeInputRow,
} from "./config.ts";
export {
  type AsFieldOptions,
  createModel,
  type CreateModelOptions,
  type EngineChoice,
  fieldOfModel,
  type LossGradient,
  type Model,
  modelFromState,
  type ModelFromStateOptions,
  type PredictOptions,
} from "./model.ts";
export { activation, activationDerivative, mlpForward, mlpJvp, splitParameters } from "./network.ts";
export { deserializeModelState, MODEL_STATE_VERSION, serializeModelState } from "./serialize.ts";
