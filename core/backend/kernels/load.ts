/**
 * Loads a prebuilt WebAssembly kernel from `build/`.
 *
 * The relaxed-SIMD binary (fused multiply-add) is used where the runtime
 * validates it, the plain SIMD one otherwise; `FLOWLAB_KERNELS=simd` forces
 * the plain one. The variant changes floating-point rounding, so it belongs
 * in every cache key that depends on a kernel (see {@linkcode kernelVariant}).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const buildDir = join(dirname(fileURLToPath(import.meta.url)), "build");

/** Which binary family is in use: `relaxed` (SIMD + FMA) or `simd`. */
export type KernelVariant = "relaxed" | "simd";

const variants = new Map<string, KernelVariant>();
const modules = new Map<string, WebAssembly.Module>();

function readBinary(name: string, v: KernelVariant): Uint8Array<ArrayBuffer> {
  const file = join(buildDir, v === "relaxed" ? `${name}.relaxed.wasm` : `${name}.wasm`);
  try {
    return Deno.readFileSync(file);
  } catch {
    throw new Error(`Cannot load kernel "${name}": "${file}" is missing; run "deno task build"`);
  }
}

function forcedPlain(): boolean {
  try {
    return Deno.env.get("FLOWLAB_KERNELS") === "simd";
  } catch {
    return false;
  }
}

/** The binary family kernel `name` uses in this process (decided once per kernel). */
export function kernelVariant(name: string): KernelVariant {
  let v = variants.get(name);
  if (v) return v;
  v = "simd";
  if (!forcedPlain()) {
    try {
      if (WebAssembly.validate(readBinary(name, "relaxed"))) v = "relaxed";
    } catch { /* relaxed build missing or not supported: plain SIMD */ }
  }
  variants.set(name, v);
  return v;
}

/**
 * Instantiates kernel `name` with the given imports (AssemblyScript's stub
 * runtime needs only `env.abort`, provided here).
 */
export function instantiateKernel(name: string, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  const v = kernelVariant(name);
  const key = `${name}/${v}`;
  let module = modules.get(key);
  if (!module) {
    module = new WebAssembly.Module(readBinary(name, v));
    modules.set(key, module);
  }
  const env = {
    abort(_msg: number, _file: number, line: number, col: number): never {
      throw new Error(`Kernel "${name}" aborted at ${line}:${col}`);
    },
    ...(imports.env ?? {}),
  };
  return new WebAssembly.Instance(module, { ...imports, env });
}
