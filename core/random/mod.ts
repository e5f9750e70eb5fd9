/**
 * Seeded, splittable, counter-based randomness (Philox4x32-10).
 *
 * Every random number in flowlab comes from a stream derived from
 * (experiment seed, node key); nothing relies on a global RNG.
 *
 * @module
 */
export { mulhi32, philox4x32, philoxBlocks } from "./philox.ts";
export { createRng, deriveKey, Rng, type SampleIndicesOptions } from "./stream.ts";
