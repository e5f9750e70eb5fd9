import assert from "node:assert/strict";
import { gaussianMarginalVelocity } from "../../core/oracle/mod.ts";
import {
  convertPrediction,
  createScheduler,
  type Scheduler,
  transferCoefficients,
  transferField,
} from "../../core/paths/mod.ts";
import { createRng } from "../../core/random/mod.ts";
import { solveOde } from "../../core/samplers/mod.ts";

const target = { mean: [1.5, -0.5], std: [0.3, 0.8] };

Deno.test("transferField() equals the new scheduler's velocity built from the old posterior (algebraic check)", () => {
  // ū_r(x) must be ᾱ̇ x̂1 + σ̄̇ ε̂ with x̂1 = E[x1 | X_{t_r} = x/s_r] (same SNR ⇒ same posterior), ε̂ = (x − ᾱ x̂1)/σ̄.
  const rng = createRng(0, "transfer/algebra");
  const pairs: [Scheduler, Scheduler][] = [
    [createScheduler("condot"), createScheduler("cosine")],
    [createScheduler("cosine"), createScheduler("vp")],
    [createScheduler("polynomial", { n: 2 }), createScheduler("linear_vp")],
    [createScheduler("vp"), createScheduler("condot")],
    [createScheduler("ddpm_linear"), createScheduler("cosine")],
  ];
  for (const [from, to] of pairs) {
    const old = gaussianMarginalVelocity(from, target);
    const moved = transferField(old, { from, to });
    const x = rng.fillNormal(new Float64Array(10));
    const out = new Float64Array(10);
    for (const r of [0.1, 0.35, 0.6, 0.9]) {
      moved.evaluate(x, 5, r, out);
      const c = transferCoefficients(r, { from, to });
      const y = x.map((v) => v / c.scale);
      const u = new Float64Array(10);
      old.evaluate(y, 5, c.t, u);
      const x1 = convertPrediction(u, y, { from: "velocity", to: "x1", schedule: from.at(c.t) });
      const expected = convertPrediction(x1, x, { from: "x1", to: "velocity", schedule: to.at(r) });
      for (let i = 0; i < 10; i++) {
        assert.ok(
          Math.abs(out[i]! - expected[i]!) <= 1e-9 * (1 + Math.abs(expected[i]!)),
          `${from.name} → ${to.name} r=${r}: ${out[i]} vs ${expected[i]}`,
        );
      }
    }
  }
});

Deno.test("transferCoefficients() time rate and scale rate match finite differences of t_r and s_r", () => {
  const from = createScheduler("condot");
  const to = createScheduler("vp");
  const h = 1e-6;
  for (const r of [0.2, 0.5, 0.8]) {
    const c = transferCoefficients(r, { from, to });
    const p = transferCoefficients(r + h, { from, to });
    const m = transferCoefficients(r - h, { from, to });
    const dt = (p.t - m.t) / (2 * h);
    const dlogs = (Math.log(p.scale) - Math.log(m.scale)) / (2 * h);
    assert.ok(Math.abs(c.timeRate - dt) <= 1e-6 * Math.abs(dt), `ṫ at ${r}: ${c.timeRate} vs ${dt}`);
    assert.ok(
      Math.abs(c.logScaleRate - dlogs) <= 1e-6 * (1 + Math.abs(dlogs)),
      `ṡ/s at ${r}: ${c.logScaleRate} vs ${dlogs}`,
    );
  }
});

Deno.test("transferField() with an adaptive solve ends where the old scheduler ends, from the same x0", () => {
  const rng = createRng(1, "transfer/ode");
  const n = 16;
  const x0 = rng.fillNormal(new Float64Array(n * 2));
  // The Gaussian flow maps x0 to μ + s ⊙ x0 under every scheduler with α_0 = 0, σ_0 = 1.
  const exact = x0.map((v, i) => target.mean[i % 2]! + target.std[i % 2]! * v);
  const schedulers = [
    createScheduler("condot"),
    createScheduler("cosine"),
    createScheduler("polynomial", { n: 2 }),
    createScheduler("linear_vp"),
  ];
  const solve = (field: Parameters<typeof solveOde>[0]) =>
    solveOde(field, x0, { n, method: "dopri5", atol: 1e-10, rtol: 1e-10 }).x;
  for (const from of schedulers) {
    const old = gaussianMarginalVelocity(from, target, { tEps: 1e-9 });
    const base = solve(old);
    for (let i = 0; i < n * 2; i++) assert.ok(Math.abs(base[i]! - exact[i]!) <= 1e-6, `${from.name} flow map`);
    for (const to of schedulers) {
      if (to === from) continue;
      const end = solve(transferField(old, { from, to, tEps: 1e-9 }));
      for (let i = 0; i < n * 2; i++) {
        assert.ok(Math.abs(end[i]! - base[i]!) <= 1e-6, `${from.name} → ${to.name}: ${end[i]} vs ${base[i]}`);
      }
    }
  }
});

Deno.test("transferField() to a scheduler with ρ̄(0) > 0 (vp, ddpm) starts the old flow where the SNRs first match", () => {
  // vp and the DDPM schedules have α_0 > 0: at r = 0 the new path sits at the old time t_0 = ρ⁻¹(ρ̄(0)) > 0, at
  // scale s_0. The Gaussian flow is ψ_t(z) = α_t μ + √V_t z, so the end point is μ + s ⊙ z with
  // z = (x0/s_0 − α_{t_0} μ)/√V_{t_0}.
  const rng = createRng(2, "transfer/offset");
  const n = 8;
  const x0 = rng.fillNormal(new Float64Array(n * 2));
  for (const from of [createScheduler("condot"), createScheduler("cosine")]) {
    const old = gaussianMarginalVelocity(from, target, { tEps: 1e-9 });
    for (const to of [createScheduler("vp"), createScheduler("ddpm_cosine", { steps: 100 })]) {
      const c = transferCoefficients(0, { from, to });
      assert.ok(c.t > 0, `${to.name} starts at t_0 = ${c.t}`);
      const s0 = from.at(c.t);
      const end = solveOde(transferField(old, { from, to, tEps: 1e-9 }), x0, {
        n,
        method: "dopri5",
        atol: 1e-12,
        rtol: 1e-12,
      }).x;
      for (let i = 0; i < n * 2; i++) {
        const j = i % 2;
        const v = s0.alpha ** 2 * target.std[j]! ** 2 + s0.sigma ** 2;
        const z = (x0[i]! / c.scale - s0.alpha * target.mean[j]!) / Math.sqrt(v);
        const expected = target.mean[j]! + target.std[j]! * z;
        assert.ok(Math.abs(end[i]! - expected) <= 1e-6, `${from.name} → ${to.name}: ${end[i]} vs ${expected}`);
      }
    }
  }
});
