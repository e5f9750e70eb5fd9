/**
 * Metrics: W2, MMD, energy distance, NLL, path energy / NPE / straightness
 * and mode coverage (MATH.md §10). Quadratic-cost metrics subsample large
 * sets deterministically (documented per metric).
 *
 * @module
 */
export { w2, type W2Options } from "./w2.ts";
export { mmd2, type MmdOptions } from "./mmd.ts";
export { energyDistance, type EnergyDistanceOptions } from "./energy.ts";
export { pathEnergy, type PathEnergyOptions, type PathEnergyResult } from "./path_energy.ts";
export { modeCoverage, type ModeCoverageOptions, type ModeCoverageResult } from "./coverage.ts";
export { nll, type NllOptions, type NllResult } from "./nll.ts";
export { angleCoverage, type AngleCoverageOptions, type AngleCoverageResult } from "./angle_coverage.ts";
export {
  diversity,
  type DiversityOptions,
  type DiversityResult,
  meanPairwiseDistance,
  type PairwiseOptions,
} from "./diversity.ts";
export { classPrecision, type ClassPrecisionOptions, type ClassPrecisionResult } from "./class_precision.ts";
export { type CurvatureResult, trajectoryCurvature } from "./curvature.ts";
export { modeWeights, type ModeWeightsOptions, type ModeWeightsResult } from "./mode_weights.ts";
export { pairedRmse } from "./paired.ts";
