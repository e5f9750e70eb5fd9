/** Helpers for end-to-end tests: run the real CLI in a subprocess, read stores. */
import { join } from "node:path";
import { Store } from "../../core/scheduler/mod.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs `deno run -A cli.ts <args>` and returns its exit code and output. */
export async function cli(
  args: string[],
  options: { env?: Record<string, string> } = {},
): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli.ts"), ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", CI: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

/** Every cache entry's output bytes, by key and output name. */
export async function storeBytes(runsDir: string): Promise<Map<string, Uint8Array>> {
  const store = new Store(runsDir);
  const out = new Map<string, Uint8Array>();
  for (const key of await store.keys()) {
    const r = await store.read(key);
    if (r.status !== "ok") throw new Error(`entry ${key} is ${r.status}`);
    for (const [name, bytes] of Object.entries(r.outputs)) out.set(`${key}/${name}`, bytes);
  }
  return out;
}

/** Asserts two stores hold the same keys with byte-identical outputs; returns how many outputs were compared. */
export function sameBytes(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): string | undefined {
  const ka = [...a.keys()].sort(), kb = [...b.keys()].sort();
  if (ka.join() !== kb.join()) return `different entries:\n${ka.join("\n")}\nvs\n${kb.join("\n")}`;
  for (const k of ka) {
    const x = a.get(k)!, y = b.get(k)!;
    if (x.length !== y.length || x.some((v, i) => v !== y[i])) return `bytes differ in ${k}`;
  }
  return undefined;
}
