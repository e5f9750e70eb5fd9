/**
 * Likelihood: log p1(x) of a flow by integrating the divergence backward
 * from t = 1 to 0, exact or by Hutchinson's estimator; nats and bits per
 * dimension (MATH.md §8).
 *
 * @module
 */
export { createDivergence, type Divergence, type DivergenceOptions, type JvpMode } from "./divergence.ts";
export { logLikelihood, type LogLikelihoodOptions, type LogLikelihoodResult } from "./log_likelihood.ts";
