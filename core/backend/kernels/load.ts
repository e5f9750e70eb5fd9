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
 * Compiles every built kernel asynchronously (`WebAssembly.compile`) into the
 * module cache that {@linkcode instantiateKernel} uses. V8 keeps a module made
 * synchronously (`new WebAssembly.Module`) in its baseline tier for its first
 * calls; an asynchronously compiled one is optimised from the start, which is
 * measurable in short runs and tests. `initBackend` calls this.
 */
export async function precompileKernels(): Promise<void> {
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(buildDir)].map((e) => e.name).filter((n) =>
      n.endsWith(".wasm") && !n.endsWith(".relaxed.wasm")
    )
      .map((n) => n.slice(0, -5));
  } catch {
    return;
  }
  await Promise.all(names.map(async (name) => {
    const v = kernelVariant(name);
    const key = `${name}/${v}`;
    if (!modules.has(key)) modules.set(key, await WebAssembly.compile(readBinary(name, v)));
  }));
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

/**
 * Whether this runtime fuses `f32x4.relaxed_madd` (one rounding) or not (two).
 * Relaxed SIMD lets the engine choose per machine, so the relaxed kernels'
 * bytes depend on it: it belongs in cache keys next to the variant. The probe
 * computes `(1 + 2⁻²³)(1 − 2⁻²³) − 1`: −2⁻⁴⁶ fused, 0 unfused. Returns
 * `"fma"`, `"nofma"`, or `"none"` when relaxed SIMD is unavailable.
 */
export function relaxedFmaProbe(): "fma" | "nofma" | "none" {
  const lane = (bytes: number[]) => [0xfd, 0x0c, ...bytes, ...bytes, ...bytes, ...bytes];
  const a = [0x01, 0x00, 0x80, 0x3f]; // 1 + 2^-23
  const b = [0xfe, 0xff, 0x7f, 0x3f]; // 1 - 2^-23
  const c = [0x00, 0x00, 0x80, 0xbf]; // -1
  const body = [0x00, ...lane(a), ...lane(b), ...lane(c), 0xfd, 0x85, 0x02, 0xfd, 0x1f, 0x00, 0x0b];
  const bytes = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // magic, version
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7d, // type: () -> f32
    0x03,
    0x02,
    0x01,
    0x00, // function 0 has type 0
    0x07,
    0x05,
    0x01,
    0x01,
    0x66,
    0x00,
    0x00, // export "f"
    0x0a,
    body.length + 2,
    0x01,
    body.length,
    ...body, // code
  ]);
  try {
    if (!WebAssembly.validate(bytes)) return "none";
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as () => number;
    return f() !== 0 ? "fma" : "nofma";
  } catch {
    return "none";
  }
}
