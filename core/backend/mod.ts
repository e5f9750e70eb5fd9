/**
 * Compute backends: the tfjs backend choice (`wasm` default, `cpu`,
 * `tensorflow` opt-in) and the prebuilt WebAssembly SIMD kernels.
 *
 * @module
 */
export { activeBackend, type BackendInfo, type BackendName, BACKENDS, initBackend, wasmBinaryPaths } from "./tfjs.ts";
export {
  instantiateKernel,
  type KernelVariant,
  kernelVariant,
  precompileKernels,
  relaxedFmaProbe,
} from "./kernels/load.ts";
