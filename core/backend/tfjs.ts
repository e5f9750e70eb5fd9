/**
 * The tfjs backend choice: `wasm` (default), `cpu` (fallback), `tensorflow`
 * (tfjs-node / tfjs-node-gpu, opt-in, loaded only when asked for).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { precompileKernels } from "./kernels/load.ts";

/** The backends flowlab knows. */
export const BACKENDS = ["wasm", "cpu", "tensorflow"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** What a run records about its backend. */
export interface BackendInfo {
  /** The backend in use. */
  name: BackendName;
  /** tfjs-core's version. */
  tfjs: string;
  /** The version of the backend package (`@tensorflow/tfjs-backend-wasm`, …). */
  version: string;
  /** For `wasm`: which binary was loaded (`simd` or plain). */
  variant?: string;
}

let active: BackendInfo | undefined;

function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${name}/package.json`));
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  return (require(`${name}/package.json`) as { version: string }).version;
}

/**
 * Absolute paths of the tfjs-backend-wasm binaries inside the installed npm
 * package: no network access is needed to find them.
 */
export function wasmBinaryPaths(): Record<string, string> {
  const dist = join(packageDir("@tensorflow/tfjs-backend-wasm"), "dist");
  return {
    "tfjs-backend-wasm.wasm": join(dist, "tfjs-backend-wasm.wasm"),
    "tfjs-backend-wasm-simd.wasm": join(dist, "tfjs-backend-wasm-simd.wasm"),
    "tfjs-backend-wasm-threaded-simd.wasm": join(dist, "tfjs-backend-wasm-threaded-simd.wasm"),
  };
}

function loadTensorflow(): string {
  // Resolved from the project's own node_modules only: never downloaded on the fly.
  const require = createRequire(import.meta.url);
  const errors: string[] = [];
  for (const name of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    let found: string;
    try {
      found = require.resolve(`${name}/package.json`);
    } catch {
      errors.push(`${name} is not installed`);
      continue;
    }
    try {
      require(name);
      return (require(found) as { version: string }).version;
    } catch (e) {
      errors.push(`${name} is installed but failed to load: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(
    `Cannot load backend "tensorflow": ${
      errors.join("; ")
    }. Install it on a machine that can download its native library ("deno add npm:@tensorflow/tfjs-node@4.22.0", or tfjs-node-gpu for CUDA), or use --backend wasm (the default) or --backend cpu`,
  );
}

/**
 * Makes `name` the active tfjs backend and returns what a run records about it.
 * Calling it again with the same name is free; tfjs's own global RNG is never
 * used for anything reproducible.
 *
 * @example
 * ```ts
 * const info = await initBackend("wasm"); // { name: "wasm", tfjs: "4.22.0", version: "4.22.0", variant: "simd" }
 * ```
 */
export async function initBackend(name: BackendName = "wasm"): Promise<BackendInfo> {
  if (active?.name === name && tf.getBackend() === (name === "tensorflow" ? "tensorflow" : name)) return active;
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`Cannot use backend "${name}": expected one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`);
  }
  let version: string;
  let variant: string | undefined;
  if (name === "wasm") {
    setWasmPaths(wasmBinaryPaths());
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    version = packageVersion("@tensorflow/tfjs-backend-wasm");
    if (!(await tf.setBackend("wasm"))) throw new Error(`Cannot start backend "wasm": tfjs could not load its binary`);
    variant = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) ? "simd" : "plain";
  } else if (name === "cpu") {
    version = packageVersion("@tensorflow/tfjs-backend-cpu");
    if (!(await tf.setBackend("cpu"))) throw new Error(`Cannot start backend "cpu"`);
  } else {
    version = loadTensorflow();
    if (!(await tf.setBackend("tensorflow"))) throw new Error(`Cannot start backend "tensorflow"`);
  }
  await tf.ready();
  await precompileKernels();
  active = { name, tfjs: tf.version_core, version, ...(variant ? { variant } : {}) };
  return active;
}

/** The active backend's record, if one was started. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}
