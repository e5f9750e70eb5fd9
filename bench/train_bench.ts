/**
 * Training-step benchmark (GitHub issue 8): the CFM step of an MLP
 * 3 → three hidden layers of width H (ELU) → 2, batch B, Adam lr 1e−3, for
 * B ∈ {64, 256, 1024, 4096} × H ∈ {64, 128, 256}; the fused engine and the
 * tfjs engine (wasm backend) against PyTorch on one thread
 * (`bench/reference/torch_train_step.py`), interleaved round by round.
 *
 * Our side cycles through 8 batches made beforehand (x0, x1 ~ N(0, I),
 * t ~ U(0, 1), x_t, target x1 − x0), so it times the step alone; PyTorch's
 * figure also includes its `randn` of the batch (≈ 1–3 % of its step).
 *
 * The `train_step_profile` rows split the fused step (CPU time): at width 256
 * the step runs at ≈ 38 GFLOP/s, its matrix products at 40–45 GFLOP/s, which
 * is two 128-bit FMAs per cycle (16 flop/cycle) at this machine's ≈ 2.6–2.8
 * GHz; OpenBLAS's sgemm behind PyTorch issues 256-bit AVX2 FMAs (twice the
 * flops per instruction), so where matrix products dominate (width ≥ 128,
 * large B) the 1-thread ratio cannot fall much below ≈ 1.3× without a
 * second thread: WebAssembly has no wider vectors.
 *
 * @module
 */
import { initBackend } from "../core/backend/mod.ts";
import { createModel, type MlpConfig, type Model, type TrainBatch } from "../core/models/mod.ts";
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
export const name = "train_step";

/** Targets of issue 8 (ours / PyTorch one thread). */
const TARGETS: Record<string, number> = {
  "256x64": 1.0,
  "1024x64": 1.0,
  "64x256": 1.5,
  "256x256": 1.5,
  "1024x256": 1.5,
  "4096x256": 1.5,
};

function batches(B: number, count: number): TrainBatch[] {
  const rng = createRng(1, `train_bench ${B}`);
  return Array.from({ length: count }, () => {
    const x = new Float32Array(2 * B);
    const target = new Float32Array(2 * B);
    const t = rng.fillUniform(new Float32Array(B));
    for (let i = 0; i < 2 * B; i++) {
      const x0 = rng.normal();
      const x1 = rng.normal();
      const ti = t[i >> 1]!;
      x[i] = (1 - ti) * x0 + ti * x1;
      target[i] = x1 - x0;
    }
    return { n: B, x, t, target };
  });
}

/** Runs the grid; `quick` keeps B ≤ 1024 and H ≤ 128 plus the canonical case. */
export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  await initBackend("wasm");
  const Bs = ctx.quick ? [256, 1024] : [64, 256, 1024, 4096];
  const Hs = ctx.quick ? [64, 256] : [64, 128, 256];
  const rows: BenchRow[] = [];
  for (const H of Hs) {
    for (const B of Bs) {
      const config: MlpConfig = { dim: 2, hidden: [H, H, H], activation: "elu", timeEmbedding: { kind: "concat" } };
      const data = batches(B, 8);
      const models: Record<string, Model> = {
        fused: createModel(config, { rng: createRng(0, "bench"), engine: "fused" }),
        tfjs: createModel(config, { rng: createRng(0, "bench"), engine: "tfjs" }),
      };
      let k = 0;
      const stepOf = (m: Model) => () => m.trainStep(data[k++ & 7]!, 1e-3);
      // A rough ms/step of PyTorch to size its run at ~0.6 s (quick: ~0.15 s).
      const flops = 6 * B * (3 * H + 2 * H * H + 2 * H);
      const torchSteps = Math.max(20, Math.round((ctx.quick ? 150 : 600) / (flops / 20e6 + 0.3)));
      let torchName = "pytorch (1 thread)";
      const contestants: Contestant[] = [
        { name: "fused", measure: () => measureMs(stepOf(models.fused!), { minTimeMs: ctx.minTimeMs }) },
        {
          name: "tfjs",
          measure: () => measureMs(stepOf(models.tfjs!), { minTimeMs: ctx.minTimeMs, warmup: 2, minIterations: 2 }),
        },
      ];
      if (ctx.references) {
        contestants.push({
          name: "torch",
          measure: async () => {
            const r = await pythonReference("bench/reference/torch_train_step.py", [
              "--width",
              String(H),
              "--depth",
              "3",
              "--batch",
              String(B),
              "--steps",
              String(torchSteps),
              "--threads",
              "1",
            ]);
            if (!r) return NaN;
            torchName = `${r.impl} (1 thread)`;
            return r.ms_per_step as number;
          },
        });
      }
      ctx.log(`B=${B} H=${H}`);
      const samples = await interleavedRounds(ctx.rounds, contestants);
      const torch = samples.get("torch");
      const reference = torch && torch.some(Number.isFinite) ? { name: torchName, samples: torch } : null;
      const target = TARGETS[`${B}x${H}`];
      const params = { B, H, depth: 3 };
      const fusedImpl = `fused (${models.fused!.variant.replace("fused-", "")})`;
      const fusedRow = makeRow({
        bench: name,
        case: `B=${B} H=${H}`,
        params,
        impl: fusedImpl,
        samples: samples.get("fused")!,
        unit: "ms/step",
        reference,
      });
      if (target !== undefined) {
        const ok = fusedRow.ratio !== undefined && fusedRow.ratio <= target;
        fusedRow.note = `target ≤ ${target.toFixed(1)}×${
          fusedRow.ratio === undefined ? "" : ok ? " (met)" : " (missed)"
        }`;
      }
      rows.push(fusedRow);
      rows.push(makeRow({
        bench: name,
        case: `B=${B} H=${H}`,
        params,
        impl: "tfjs-wasm (careful)",
        samples: samples.get("tfjs")!,
        unit: "ms/step",
        reference,
      }));
      if (target !== undefined) rows.push(...profile(models.fused!, data, B, H, ctx));
      for (const m of Object.values(models)) m.dispose();
    }
  }
  return rows;
}

/**
 * Where the fused step's time goes, for the cases with a target: forward
 * (`predict`, no derivative stores), forward + backward (`lossGradient`, with
 * the gradient copied out), the whole step (+ clipping/Adam/EMA), and the
 * step's arithmetic rate, `6·B·(3H + 2H² + 2H)` flop (forward 2×, backward
 * 4× the multiply–adds) per step time. 128-bit SIMD with two FMA pipes peaks
 * at 16 flop/cycle. Measured in process CPU time (the machine is shared).
 */
function profile(model: Model, data: TrainBatch[], B: number, H: number, ctx: BenchContext): BenchRow[] {
  const x = Float64Array.from(data[0]!.x);
  const t = Float64Array.from(data[0]!.t);
  const out = new Float64Array(2 * B);
  const opts = { minTimeMs: ctx.minTimeMs / 2, clock: "cpu" as const };
  const phases: [string, () => unknown][] = [
    ["forward", () => model.predict(x, B, t, out)],
    ["forward + backward", () => model.lossGradient(data[0]!)],
    ["whole step", () => model.trainStep(data[0]!, 1e-6)],
  ];
  const flops = 6 * B * (3 * H + 2 * H * H + 2 * H);
  return phases.map(([phase, fn]) => {
    const samples = Array.from({ length: ctx.rounds }, () => measureMs(fn, opts));
    const row = makeRow({
      bench: "train_step_profile",
      case: `B=${B} H=${H}`,
      params: { B, H, phase },
      impl: `fused: ${phase}`,
      samples,
      unit: "ms (CPU time)",
    });
    if (phase === "whole step") row.note = `${(flops / row.ms / 1e6).toFixed(1)} GFLOP/s`;
    return row;
  });
}
