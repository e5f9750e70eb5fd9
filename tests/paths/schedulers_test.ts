import assert from "node:assert/strict";
import { createScheduler, type Scheduler, SCHEDULERS } from "../../core/paths/mod.ts";

const golden = JSON.parse(await Deno.readTextFile(new URL("../golden/schedulers.json", import.meta.url))) as {
  t: number[];
  schedulers: Record<string, Record<"alpha" | "sigma" | "dAlpha" | "dSigma", (number | null)[]>>;
};
const ddpmGolden = JSON.parse(await Deno.readTextFile(new URL("../golden/ddpm_schedules.json", import.meta.url))) as {
  K: number;
  index: number[];
  linear: { beta: number[]; alphabar: number[] };
  cosine: { beta: number[]; alphabar: number[] };
};

/** Every scheduler, with defaults and with other parameters. */
const ALL: [string, Record<string, number>][] = [
  ["condot", {}],
  ["polynomial", {}],
  ["polynomial", { n: 0.5 }],
  ["polynomial", { n: 3 }],
  ["linear_vp", {}],
  ["cosine", {}],
  ["vp", {}],
  ["vp", { beta_min: 1, beta_max: 5 }],
  ["vp", { beta_min: 2, beta_max: 2 }],
  ["ve", {}],
  ["ve", { sigma_min: 0.1, sigma_max: 3 }],
  ["ddpm_linear", {}],
  ["ddpm_linear", { steps: 50, beta_start: 1e-3, beta_end: 0.2 }],
  ["ddpm_cosine", {}],
  ["ddpm_cosine", { steps: 20 }],
];

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected} (tol ${tol})`,
  );
}

const GOLDEN_NAMES: Record<string, Scheduler> = {
  condot: createScheduler("condot"),
  polynomial_n2: createScheduler("polynomial", { n: 2 }),
  cosine: createScheduler("cosine"),
  "vp_bmin0.1_bmax20": createScheduler("vp", { beta_min: 0.1, beta_max: 20 }),
  linear_vp: createScheduler("linear_vp"),
};

Deno.test("createScheduler() matches golden/schedulers.json (NumPy) on t = 0, 0.05, …, 1", () => {
  for (const [key, s] of Object.entries(GOLDEN_NAMES)) {
    const g = golden.schedulers[key];
    assert.ok(g, `golden has ${key}`);
    golden.t.forEach((t, i) => {
      const v = s.at(t);
      for (const f of ["alpha", "sigma", "dAlpha", "dSigma"] as const) {
        const expected = g[f][i];
        if (expected === null || expected === undefined) {
          assert.ok(!Number.isFinite(v[f]), `${key}.${f}(${t}) should be infinite, got ${v[f]}`);
        } else {
          // cos(π/2) is 6e-17 in NumPy and exactly 0 here.
          close(v[f], expected, 1e-13, `${key}.${f}(${t})`);
        }
      }
    });
  }
});

Deno.test("createScheduler() ddpm grids match golden/ddpm_schedules.json (diffusers' definitions)", () => {
  for (const kind of ["linear", "cosine"] as const) {
    const s = createScheduler(`ddpm_${kind}`, { steps: ddpmGolden.K });
    const grid = s.grid!;
    assert.equal(grid.K, ddpmGolden.K);
    ddpmGolden.index.forEach((idx, i) => {
      close(grid.beta[idx]!, ddpmGolden[kind].beta[i]!, 1e-13, `${kind} beta[${idx}]`);
      const ab = ddpmGolden[kind].alphabar[i]!;
      assert.ok(Math.abs(grid.alphaBar[idx]! - ab) <= 1e-12 * ab, `${kind} alphabar[${idx}]`);
      // On the continuous axis, step k = idx + 1 sits at t = 1 − k/K with α² = ᾱ_k, σ² = 1 − ᾱ_k.
      const v = s.at(1 - (idx + 1) / grid.K);
      assert.ok(Math.abs(v.alpha * v.alpha - ab) <= 1e-12 * ab, `${kind} α² at k = ${idx + 1}`);
      close(v.sigma * v.sigma, 1 - ab, 1e-12, `${kind} σ² at k = ${idx + 1}`);
    });
  }
});

Deno.test("createScheduler() ddpm ends: t = 1 is ᾱ_0 = 1 and t = 0 is the noisiest step k = K", () => {
  const s = createScheduler("ddpm_linear");
  const one = s.at(1);
  assert.equal(one.alpha, 1);
  assert.equal(one.sigma, 0);
  assert.equal(one.dSigma, -Infinity);
  const zero = s.at(0);
  close(zero.alpha, Math.sqrt(s.grid!.alphaBar[999]!), 1e-14, "α_0 = √ᾱ_K");
  // Halfway between grid points log ᾱ is the mean of its neighbours.
  const mid = s.at(1 - 10.5 / 1000);
  close(
    2 * Math.log(mid.alpha),
    0.5 * (Math.log(s.grid!.alphaBar[9]!) + Math.log(s.grid!.alphaBar[10]!)),
    1e-13,
    "log ᾱ interpolated",
  );
});

Deno.test("Scheduler.at() derivatives match central finite differences for every scheduler", () => {
  for (const [name, params] of ALL) {
    const s = createScheduler(name, params);
    const K = s.grid?.K;
    // Continuous schedulers: a spread of interior t. Discrete ones: mid-segment points (L̇ is piecewise constant).
    const ts = K === undefined ? [0.013, 0.1, 0.27, 0.5, 0.71, 0.9, 0.987] : [0.5, 3.5, K / 2 + 0.5, K - 1.5].map(
      (u) => 1 - u / K,
    );
    const h = K === undefined ? 1e-6 : 1e-3 / K;
    for (const t of ts) {
      const v = s.at(t);
      const p = s.at(t + h);
      const m = s.at(t - h);
      // Central differences: truncation h²|f'''|/6, rounding ~1e-16|f|/h; 1e-6 relative is honest for both.
      close(v.dAlpha, (p.alpha - m.alpha) / (2 * h), 1e-6, `${s.name} dα(${t})`);
      close(v.dSigma, (p.sigma - m.sigma) / (2 * h), 1e-6, `${s.name} dσ(${t})`);
    }
  }
});

Deno.test("Scheduler.snrInverse() returns t from ρ(t) = α/σ for every scheduler", () => {
  for (const [name, params] of ALL) {
    const s = createScheduler(name, params);
    for (let i = 0; i <= 40; i++) {
      const t = i / 40;
      const { alpha, sigma } = s.at(t);
      const back = s.snrInverse(alpha / sigma);
      assert.ok(Math.abs(back - t) <= 1e-10, `${s.name}: snrInverse(ρ(${t})) = ${back}`);
    }
    // Below ρ(0) and above ρ(1): the ends.
    assert.equal(s.snrInverse(0), 0, `${s.name} snrInverse(0)`);
    assert.equal(s.snrInverse(Infinity), 1, `${s.name} snrInverse(∞)`);
  }
});

Deno.test("Scheduler.at() boundary values: α_0 = 0, σ_0 = 1, α_1 = 1, σ_1 = 0 (VE: α = 1, σ from σ_max to σ_min)", () => {
  for (const name of ["condot", "polynomial", "linear_vp", "cosine"]) {
    const s = createScheduler(name);
    assert.deepEqual([s.at(0).alpha, s.at(0).sigma, s.at(1).alpha, s.at(1).sigma], [0, 1, 1, 0], name);
    assert.deepEqual(s.source, { kind: "normal", std: 1 });
  }
  const vp = createScheduler("vp");
  assert.equal(vp.at(1).alpha, 1);
  assert.equal(vp.at(1).sigma, 0);
  close(vp.at(0).alpha, Math.exp(-0.5 * (0.5 * 19.9 + 0.1)), 1e-15, "vp α_0 = e^{−T(0)/2}");
  const ve = createScheduler("ve", { sigma_min: 0.02, sigma_max: 7 });
  assert.deepEqual([ve.at(0).alpha, ve.at(0).sigma, ve.at(1).alpha, ve.at(1).sigma], [1, 7, 1, 0.02]);
  close(ve.at(0.5).sigma, Math.sqrt(0.02 * 7), 1e-15, "ve geometric midpoint");
  assert.deepEqual(ve.source, { kind: "normal", std: 7 });
});

Deno.test("createScheduler() builds every SCHEDULERS entry with its defaults and rejects bad input", () => {
  for (const spec of SCHEDULERS) {
    const s = createScheduler(spec.name);
    assert.ok(s.name.startsWith(spec.name));
    assert.equal(s.grid !== undefined, spec.discrete, spec.name);
  }
  assert.throws(
    () => createScheduler("cosin"),
    /Cannot build scheduler "cosin": unknown name: expected one of "condot"/,
  );
  assert.throws(() => createScheduler("vp", { beta_max: -1 }), /beta_max "-1" must be greater than 0/);
  assert.throws(() => createScheduler("vp", { beta_min: 5, beta_max: 1 }), /beta_max "1" must be at least beta_min/);
  assert.throws(() => createScheduler("ve", { sigma_min: 2, sigma_max: 1 }), /sigma_max "1" must be greater/);
  assert.throws(() => createScheduler("vp", { beta: 1 }), /unknown parameter "beta": expected "beta_min", "beta_max"/);
  assert.throws(() => createScheduler("condot", { n: 1 }), /unknown parameter "n": it takes no parameters/);
  assert.throws(() => createScheduler("ddpm_linear", { steps: 10.5 }), /steps "10.5" must be an integer/);
  assert.throws(() => createScheduler("polynomial", { n: NaN }), /n "NaN" must be a finite number/);
  assert.throws(() => createScheduler("condot").at(1.5), /at t "1.5": expected 0 ≤ t ≤ 1/);
  // A sampler's accumulated rounding just past an end is accepted and clamped.
  assert.equal(createScheduler("condot").at(1 + 1e-12).alpha, 1);
});
