/**
 * Exact minibatch OT benchmark: n source points x0 ~ N(0, I₂) against n
 * target points x1 ~ N((1, 0), diag(4, 0.25)) (a stretched, shifted normal),
 * squared Euclidean cost, n ∈ {256, 512, 1024}. Ours (the WebAssembly
 * assignment kernel) against POT's `ot.emd` (network simplex) and SciPy's
 * `linear_sum_assignment`, measured by `bench/reference/pot_assignment.py`
 * on the same points (written to a temporary file), interleaved round by
 * round. Every row also checks that our optimal cost equals the reference's
 * to 1e-9 relative.
 *
 * Rows per n: `exactOtPermutation` (points → permutation, costs computed in
 * the kernel; the OT-CFM path) and `solveAssignment` (cost matrix given,
 * which is what `ot.emd` and SciPy are timed on) against POT; the former
 * also against SciPy. Goal (issue): at least 3× faster than `ot.emd` at
 * every n.
 *
 * @module
 */
import { exactOtPermutation, solveAssignment } from "../core/couplings/mod.ts";
import { createRng } from "../core/random/mod.ts";
import {
  type BenchContext,
  type BenchRow,
  interleavedRounds,
  makeRow,
  measureMs,
  pythonHas,
  pythonReference,
} from "./_harness.ts";

/** The module's name in the results. */
export const name = "ot";

/** The goal: ours / POT emd at most this. */
const TARGET_RATIO = 1 / 3;

interface Problem {
  n: number;
  x0: Float64Array;
  x1: Float64Array;
  cost: Float64Array;
}

function problem(n: number): Problem {
  const rng = createRng(0, `ot_bench ${n}`);
  const x0 = new Float64Array(2 * n);
  const x1 = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    x0[2 * i] = rng.normal();
    x0[2 * i + 1] = rng.normal();
    x1[2 * i] = 1 + 2 * rng.normal();
    x1[2 * i + 1] = 0.5 * rng.normal();
  }
  const cost = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = x0[2 * i]! - x1[2 * j]!;
      const dy = x0[2 * i + 1]! - x1[2 * j + 1]!;
      cost[i * n + j] = dx * dx + dy * dy;
    }
  }
  return { n, x0, x1, cost };
}

function permutationCost(p: Problem, perm: Int32Array): number {
  let s = 0;
  for (let i = 0; i < p.n; i++) s += p.cost[i * p.n + perm[i]!]!;
  return s;
}

/** Runs the three sizes (quick: 256 only). */
export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const sizes = ctx.quick ? [256] : [256, 512, 1024];
  const withRef = ctx.references && await pythonHas(["ot", "scipy", "numpy"]);
  const rows: BenchRow[] = [];
  const dir = await Deno.makeTempDir({ prefix: "ot_bench" });
  try {
    // The kernel tiers up to V8's optimising compiler after some calls: warm it first.
    const warm = problem(256);
    for (let k = 0; k < 40; k++) exactOtPermutation(warm.x0, warm.x1, { n: 256, dim: 2 });
    for (const n of sizes) {
      const p = problem(n);
      const file = `${dir}/points_${n}.f64`;
      const bytes = new Float64Array(4 * n);
      bytes.set(p.x0, 0);
      bytes.set(p.x1, 2 * n);
      await Deno.writeFile(file, new Uint8Array(bytes.buffer));
      const ours = permutationCost(p, exactOtPermutation(p.x0, p.x1, { n, dim: 2 }));
      const oursMatrix = solveAssignment(p.cost, n).cost;
      let refCost = NaN;
      let emdCost = NaN;
      let potVersion = "";
      const reps = String(Math.max(5, Math.round(20 * (256 / n) ** 2)));
      const emd: number[] = [];
      const lsa: number[] = [];
      const minTimeMs = ctx.minTimeMs;
      const samples = await interleavedRounds(ctx.rounds, [
        {
          name: "points",
          measure: () => measureMs(() => exactOtPermutation(p.x0, p.x1, { n, dim: 2 }), { minTimeMs }),
        },
        { name: "matrix", measure: () => measureMs(() => solveAssignment(p.cost, n), { minTimeMs }) },
        {
          name: "ref",
          measure: async () => {
            if (!withRef) return NaN;
            const r = await pythonReference(
              "bench/reference/pot_assignment.py",
              ["--n", String(n), "--reps", reps, "--points", file],
              { requires: ["ot", "scipy", "numpy"] },
            );
            if (!r) return NaN;
            emd.push(r.pot_emd_ms as number);
            lsa.push(r.scipy_lsa_ms as number);
            refCost = r.total_cost as number;
            emdCost = r.emd_total_cost as number;
            potVersion = String(r.pot_version ?? "");
            return r.pot_emd_ms as number;
          },
        },
      ]);
      const rel = (x: number) => Math.abs(x - refCost) / Math.abs(refCost);
      const same = withRef ? rel(ours) <= 1e-9 && rel(oursMatrix) <= 1e-9 && rel(emdCost) <= 1e-9 : undefined;
      const costNote = withRef
        ? `cost ${ours.toFixed(6)} vs SciPy ${refCost.toFixed(6)} / POT ${emdCost.toFixed(6)}: ` +
          `${same ? "same optimum" : "DIFFERENT"} (rel ${rel(ours).toExponential(1)})`
        : `cost ${ours.toFixed(6)} (no reference)`;
      const pot = withRef ? { name: `POT ${potVersion} ot.emd`, samples: emd } : null;
      const target = `goal ≤ ${TARGET_RATIO.toFixed(2)}× POT`;
      rows.push(makeRow({
        bench: name,
        case: `n=${n}`,
        params: { n, dim: 2 },
        impl: "exactOtPermutation (points → permutation)",
        samples: samples.get("points")!,
        reference: pot,
        note: `${target}; ${costNote}`,
      }));
      rows.push(makeRow({
        bench: name,
        case: `n=${n}`,
        params: { n, dim: 2 },
        impl: "solveAssignment (cost matrix given)",
        samples: samples.get("matrix")!,
        reference: pot,
        note: target,
      }));
      rows.push(makeRow({
        bench: name,
        case: `n=${n}`,
        params: { n, dim: 2 },
        impl: "exactOtPermutation (points → permutation)",
        samples: samples.get("points")!,
        reference: withRef ? { name: "SciPy linear_sum_assignment", samples: lsa } : null,
      }));
      ctx.log(`ot n=${n}: ${costNote}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return rows;
}
