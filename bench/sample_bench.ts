/**
 * Sampling benchmark (GitHub issue 8): 10⁴ points through 100 Euler steps of
 * the probability-flow ODE `x ← x + dt·v(x, t)` with the MLP
 * 3 → 3 × 64 (ELU) → 2, i.e. 100 batched forward passes of 10⁴ rows; the
 * fused engine and the tfjs engine against PyTorch (one thread, `no_grad`),
 * interleaved round by round. The PyTorch side is a small inline script run
 * with Debian's python3.
 *
 * @module
 */
import { initBackend } from "../core/backend/mod.ts";
import { createModel, type MlpConfig, type Model } from "../core/models/mod.ts";
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
export const name = "sample_euler";

const TORCH_SAMPLE = `
import argparse, json, os, time
p = argparse.ArgumentParser()
p.add_argument("--n", type=int); p.add_argument("--steps", type=int); p.add_argument("--width", type=int)
p.add_argument("--reps", type=int)
a = p.parse_args()
os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
import torch
torch.set_num_threads(1); torch.manual_seed(0)
layers, d = [], 3
for _ in range(3):
    layers += [torch.nn.Linear(d, a.width), torch.nn.ELU()]; d = a.width
net = torch.nn.Sequential(*layers, torch.nn.Linear(d, 2))
def sample():
    x = torch.randn(a.n, 2); dt = 1.0 / a.steps
    with torch.no_grad():
        for k in range(a.steps):
            t = torch.full((a.n, 1), k * dt)
            x = x + dt * net(torch.cat([x, t], 1))
    return x
sample()
t0 = time.perf_counter()
for _ in range(a.reps): sample()
ms = (time.perf_counter() - t0) / a.reps * 1000
print(json.dumps(dict(impl="pytorch-" + torch.__version__, n=a.n, steps=a.steps, width=a.width, ms=ms)))
`;

/** Euler from t = 0 to 1 in `steps` steps, in place on x (n × 2). */
function euler(model: Model, x: Float64Array, n: number, steps: number, v: Float64Array): void {
  const dt = 1 / steps;
  for (let k = 0; k < steps; k++) {
    model.predict(x, n, k * dt, v);
    for (let i = 0; i < 2 * n; i++) x[i]! += dt * v[i]!;
  }
}

/** 10⁴ points × 100 Euler steps (quick: 10³ × 20). */
export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  await initBackend("wasm");
  const n = ctx.quick ? 1000 : 10000;
  const steps = ctx.quick ? 20 : 100;
  const width = 64;
  const config: MlpConfig = {
    dim: 2,
    hidden: [width, width, width],
    activation: "elu",
    timeEmbedding: { kind: "concat" },
  };
  const models: Record<string, Model> = {
    fused: createModel(config, { rng: createRng(0, "bench"), engine: "fused" }),
    tfjs: createModel(config, { rng: createRng(0, "bench"), engine: "tfjs" }),
  };
  const x0 = createRng(1, "sample_bench").fillNormal(new Float64Array(2 * n));
  const x = new Float64Array(2 * n);
  const v = new Float64Array(2 * n);
  const sampleWith = (m: Model) => () => {
    x.set(x0);
    euler(m, x, n, steps, v);
  };
  let script: string | undefined;
  let torchName = "pytorch (1 thread)";
  const contestants: Contestant[] = [
    { name: "fused", measure: () => measureMs(sampleWith(models.fused!), { minTimeMs: ctx.minTimeMs, warmup: 1 }) },
    {
      name: "tfjs",
      measure: () => measureMs(sampleWith(models.tfjs!), { minTimeMs: ctx.minTimeMs, warmup: 1, minIterations: 2 }),
    },
  ];
  if (ctx.references) {
    contestants.push({
      name: "torch",
      measure: async () => {
        if (!script) {
          script = await Deno.makeTempFile({ prefix: "flowlab_torch_sample_", suffix: ".py" });
          await Deno.writeTextFile(script, TORCH_SAMPLE);
        }
        const reps = ctx.quick ? 2 : 5;
        const args = ["--n", String(n), "--steps", String(steps), "--width", String(width), "--reps", String(reps)];
        const r = await pythonReference(script, args);
        if (!r) return NaN;
        torchName = `${r.impl} (1 thread)`;
        return r.ms as number;
      },
    });
  }
  ctx.log(`n=${n} steps=${steps}`);
  const samples = await interleavedRounds(ctx.rounds, contestants);
  if (script) await Deno.remove(script);
  const torch = samples.get("torch");
  const reference = torch && torch.some(Number.isFinite) ? { name: torchName, samples: torch } : null;
  const params = { n, steps, H: width };
  const rows = [
    makeRow({
      bench: name,
      case: `n=${n} Euler×${steps} H=${width}`,
      params,
      impl: `fused (${models.fused!.variant.replace("fused-", "")})`,
      samples: samples.get("fused")!,
      unit: "ms/sample run",
      reference,
    }),
    makeRow({
      bench: name,
      case: `n=${n} Euler×${steps} H=${width}`,
      params,
      impl: "tfjs-wasm",
      samples: samples.get("tfjs")!,
      unit: "ms/sample run",
      reference,
    }),
  ];
  for (const m of Object.values(models)) m.dispose();
  return rows;
}
