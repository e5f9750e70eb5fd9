/**
 * Whole training iterations (GitHub issue 8): what `train` does per step —
 * draw 256 source and 256 target points, pair them (independent, or exact
 * minibatch OT), sample t, build x_t and the target, one fused Adam step —
 * against PyTorch one thread plus POT `ot.emd` doing the same
 * (`bench/reference/torch_train_step.py --coupling ot|independent`).
 *
 * Workload: x0, x1 ~ N(0, I) in 2-D, MLP 3 → 3 × 64 (ELU) → 2, batch 256,
 * Adam 1e−3, condot path, velocity target. Target of issue 8: the OT-CFM step
 * ≤ 0.5 × (PyTorch + POT).
 *
 * @module
 */
import { initBackend } from "../core/backend/mod.ts";
import { independentCoupling, otCoupling } from "../core/couplings/mod.ts";
import { gaussian } from "../core/data/mod.ts";
import { createTSampler, makeTrainBatch } from "../core/losses/mod.ts";
import { createModel } from "../core/models/mod.ts";
import { createPath } from "../core/paths/mod.ts";
import { createRng } from "../core/random/mod.ts";
import {
  type BenchContext,
  type BenchRow,
  type Contestant,
  interleavedRounds,
  makeRow,
  measureMs,
  pythonReference,
} from "./_harness.ts";

/** The module's name in the results. */
export const name = "cfm_iteration";

/** Runs both couplings at batch 256 (and 64, 1024 unless quick). */
export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  await initBackend("wasm");
  const rows: BenchRow[] = [];
  const path = createPath({ kind: "affine", scheduler: "condot" });
  const tSampler = createTSampler({ kind: "uniform" });
  const source = gaussian({ dim: 2 }), target = gaussian({ dim: 2 });
  for (const B of ctx.quick ? [256] : [64, 256, 1024]) {
    for (const coupling of ["ot", "independent"] as const) {
      const pairs = coupling === "ot"
        ? otCoupling(source, target, { method: "exact" })
        : independentCoupling(source, target);
      const model = createModel(
        { dim: 2, hidden: [64, 64, 64], activation: "elu", timeEmbedding: { kind: "concat" } },
        {
          rng: createRng(0, "bench"),
          engine: "fused",
        },
      );
      const rng = createRng(0, `cfm ${coupling} ${B}`);
      let s = 0;
      const iteration = () => {
        const r = rng.derive(s++);
        const batch = makeTrainBatch(pairs.sample(B, r.derive("pairs")), {
          path,
          prediction: "velocity",
          tSampler,
          rng: r.derive("t"),
        });
        return model.trainStep(batch, 1e-3);
      };
      let torchName = "pytorch (1 thread)";
      const contestants: Contestant[] = [{
        name: "ours",
        measure: () => measureMs(iteration, { minTimeMs: ctx.minTimeMs }),
      }];
      if (ctx.references) {
        contestants.push({
          name: "torch",
          measure: async () => {
            const steps = String(ctx.quick ? 100 : coupling === "ot" ? Math.round(600 / (B / 64)) : 600);
            const r = await pythonReference(
              "bench/reference/torch_train_step.py",
              [
                "--width",
                "64",
                "--depth",
                "3",
                "--batch",
                String(B),
                "--steps",
                steps,
                "--threads",
                "1",
                "--coupling",
                coupling,
              ],
              { requires: coupling === "ot" ? ["torch", "ot"] : ["torch"] },
            );
            if (!r) return NaN;
            torchName = `${r.impl}${coupling === "ot" ? " + POT ot.emd" : ""} (1 thread)`;
            return r.ms_per_step as number;
          },
        });
      }
      const samples = await interleavedRounds(ctx.rounds, contestants);
      const torch = samples.get("torch");
      const row = makeRow({
        bench: name,
        case: `${coupling === "ot" ? "OT-CFM (exact OT)" : "I-CFM"} B=${B}`,
        params: { B, H: 64, coupling },
        impl: "fused + exact OT (wasm)".replace(coupling === "ot" ? "" : " + exact OT (wasm)", ""),
        samples: samples.get("ours")!,
        unit: "ms/iteration",
        reference: torch && torch.some(Number.isFinite) ? { name: torchName, samples: torch } : null,
      });
      if (coupling === "ot" && B === 256) row.note = "target ≤ 0.5×";
      rows.push(row);
      model.dispose();
    }
  }
  return rows;
}
