/**
 * Data: point sets, toy distributions, splits and file readers.
 *
 * @module
 */
export { makePoints, type MakePointsOptions, type Points, selectPoints } from "./points.ts";
export { type AffineTransform, type Distribution, transformed } from "./distribution.ts";
export {
  checkerboard,
  circles,
  type CirclesOptions,
  eightGaussians,
  type EightGaussiansOptions,
  ellipse,
  ellipseAngle,
  type EllipseOptions,
  gaussian,
  type GaussianOptions,
  type ManifoldOptions,
  mixture,
  type MixtureOptions,
  moons,
  sCurve,
  spirals,
  swissRoll,
} from "./toy.ts";
export { type SplitOptions, splitPoints, type SplitResult } from "./split.ts";
export { type CsvOptions, encodeNpy, parseCsv, parseNpy } from "./files.ts";
