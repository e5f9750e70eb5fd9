/**
 * The quickstart experiment end to end (GitHub issue 8 target: under 60 s on
 * 2 cores): `deno run -A cli.ts run quickstart --no-cache` in a fresh process
 * and an empty `runs/` folder, so it includes start-up, training (5000 steps),
 * sampling, exact W2 and the report. No reference: PyTorch has no equivalent
 * command.
 *
 * @module
 */
import { join } from "node:path";
import { type BenchContext, type BenchRow, interleavedRounds, makeRow } from "./_harness.ts";

/** The module's name in the results. */
export const name = "quickstart";

const ROOT = new URL("../", import.meta.url).pathname;

/** Times whole quickstart runs (1 round when quick, 3 otherwise). */
export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const measure = async () => {
    const runs = await Deno.makeTempDir();
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "cli.ts"), "run", "quickstart", "--out", runs, "--quiet"],
      cwd: ROOT,
      env: { CI: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const ms = performance.now() - t0;
    await Deno.remove(runs, { recursive: true });
    if (!out.success) throw new Error(`quickstart failed: ${new TextDecoder().decode(out.stderr)}`);
    return ms;
  };
  const samples = await interleavedRounds(ctx.quick ? 1 : Math.min(3, ctx.rounds), [{ name: "quickstart", measure }]);
  const row = makeRow({
    bench: name,
    case: "deno task experiment quickstart (fresh runs/)",
    params: { steps: 5000, batch: 256 },
    impl: "flowlab (wasm, fused)",
    samples: samples.get("quickstart")!,
    unit: "ms/run",
  });
  row.note = `target < 60 s: ${row.ms < 60_000 ? "met" : "missed"}`;
  return [row];
}
