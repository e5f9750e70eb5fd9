/**
 * The oracle: the exact marginal field of a finite data set under an affine
 * path (MATH.md §9), and the closed-form marginal field between Gaussians.
 * Both are `Field`s, usable wherever a trained model is.
 *
 * @module
 */
export { createOracle, type OracleOptions } from "./oracle.ts";
export {
  gaussianMarginalField,
  type GaussianMarginalOptions,
  gaussianMarginalVelocity,
  type GaussianTarget,
} from "./gaussian.ts";
