/**
 * Builds the WebAssembly kernels from their AssemblyScript sources.
 *
 * Every `assembly/<name>.ts` (names starting with `_` are shared parts, not
 * entries) becomes `build/<name>.wasm` (128-bit SIMD) and
 * `build/<name>.relaxed.wasm` (SIMD plus relaxed-SIMD, for fused multiply-add).
 * The outputs are committed; `--check` rebuilds into memory and fails if any
 * committed binary differs from what the sources produce (the tests run it).
 *
 *     deno task build            # rebuild every kernel
 *     deno task build --check    # verify the committed binaries
 *
 * @module
 */
import asc from "assemblyscript/asc";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = join(here, "assembly");
const buildDir = join(here, "build");

/** Compiler flags shared by every kernel; `relaxed` adds relaxed-SIMD. */
export function ascFlags(relaxed: boolean): string[] {
  return [
    "-O3",
    "--runtime",
    "stub",
    "--noAssert",
    "--enable",
    relaxed ? "simd,relaxed-simd" : "simd",
    "--disable",
    "bulk-memory",
    "--initialMemory",
    "16",
  ];
}

/** The kernel entry files: `assembly/*.ts` not starting with `_`. */
export function kernelEntries(): string[] {
  const names: string[] = [];
  for (const e of Deno.readDirSync(sourceDir)) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_")) names.push(e.name.slice(0, -3));
  }
  return names.sort();
}

/** Compiles one kernel to bytes. */
export async function compileKernel(name: string, relaxed: boolean): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main([
    join(sourceDir, `${name}.ts`),
    ...ascFlags(relaxed),
    "--outFile",
    `${name}.wasm`,
  ], {
    writeFile(file: string, contents: Uint8Array | string) {
      if (basename(file) === `${name}.wasm`) {
        binary = typeof contents === "string" ? new TextEncoder().encode(contents) : contents;
      }
    },
  });
  if (error || !binary) {
    throw new Error(`Cannot build kernel "${name}": ${error?.message ?? "no output"}\n${stderr.toString()}`);
  }
  return binary;
}

async function main(): Promise<void> {
  const check = Deno.args.includes("--check");
  const stale: string[] = [];
  for (const name of kernelEntries()) {
    for (const relaxed of [false, true]) {
      const file = join(buildDir, relaxed ? `${name}.relaxed.wasm` : `${name}.wasm`);
      const bytes = await compileKernel(name, relaxed);
      let old: Uint8Array | undefined;
      try {
        old = Deno.readFileSync(file);
      } catch { /* missing */ }
      const same = old !== undefined && old.length === bytes.length && old.every((b, i) => b === bytes[i]);
      if (check) {
        if (!same) stale.push(file);
      } else if (!same) {
        Deno.mkdirSync(buildDir, { recursive: true });
        Deno.writeFileSync(file, bytes);
        console.log(`built ${file} (${bytes.length} bytes)`);
      }
    }
  }
  if (check && stale.length) {
    console.error(`Stale kernels: ${stale.join(", ")}: run "deno task build" and commit the output`);
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
