/**
 * Samplers: ODE solvers (Euler, midpoint, Heun, RK4, Dormand–Prince 5(4)),
 * Euler–Maruyama with the SDE extension trick, DDPM ancestral, DDIM,
 * Langevin dynamics and classifier-free guidance (MATH.md §6).
 *
 * @module
 */
export type { Dynamics, FixedStepMethod, OdeMethod, OdeResult, SamplerResult, SaveAt, Trajectory } from "./types.ts";
export { STAGES, timeGrid, type TimeGridOptions } from "./fixed_step.ts";
export type { Dopri5Options } from "./dopri5.ts";
export { type OdeSystemOptions, type OdeSystemResult, solveOde, type SolveOdeOptions, solveOdeSystem } from "./ode.ts";
export { type Diffusion, sampleSde, type SampleSdeOptions } from "./sde.ts";
export { type DdpmVariance, sampleDdpm, type SampleDdpmOptions } from "./ddpm.ts";
export { ddimTimes, sampleDdim, type SampleDdimOptions } from "./ddim.ts";
export { sampleLangevin, type SampleLangevinOptions, type ScoreFunction } from "./langevin.ts";
export { type GuidanceOptions, guidedField, samplingField, type SamplingFieldOptions } from "./guidance.ts";
