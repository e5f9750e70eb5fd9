/**
 * Adaptive Dormand–Prince 5(4) with error control over the whole batch and
 * Hairer's fourth-order dense output.
 *
 * @module
 */
import type { TrajectoryRecorder } from "./_recorder.ts";
import type { Dynamics } from "./types.ts";

// Butcher tableau (Dormand & Prince 1980).
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
// Fifth-order weights (also the last stage's row: first same as last).
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84;
// Fifth minus fourth-order weights: the local error estimate.
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40;
// Dense output (Hairer, Nørsett & Wanner, Solving ODEs I, §II.6; dopri5.f CONTD5).
const D1 = -12715105075 / 11282082432, D3 = 87487479700 / 32700410799, D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632, D6 = -1453857185 / 822651844, D7 = 69997945 / 29380423;

/** Options for {@linkcode integrateDopri5}. */
export interface Dopri5Options {
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** First step size (default: Hairer's starting-step heuristic, one extra evaluation). */
  firstStep?: number;
  /** Safety factor of the step-size update (default 0.9). */
  safety?: number;
  /** Largest growth of the step per update (default 10). */
  maxFactor?: number;
  /** Largest shrink of the step after a rejection (default 0.2). */
  minFactor?: number;
  /** Maximum number of attempted steps before giving up (default 100000). */
  maxSteps?: number;
}

/** The result of {@linkcode integrateDopri5}. */
export interface Dopri5Result {
  /** Final state (a new array). */
  y: Float64Array;
  /** Evaluations of f. */
  nfe: number;
  /** Accepted steps. */
  steps: number;
  /** Rejected steps. */
  rejected: number;
}

/**
 * RMS norm of `u / (atol + rtol · max(|a|, |b|))` over all coordinates (as
 * torchdiffeq's mixed norm with `a = y`, `b = y_new`).
 */
function scaledRms(u: Float64Array, a: Float64Array, b: Float64Array, atol: number, rtol: number): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) {
    const r = u[i]! / (atol + rtol * Math.max(Math.abs(a[i]!), Math.abs(b[i]!)));
    s += r * r;
  }
  return Math.sqrt(s / u.length);
}

/**
 * Integrates `dy/dt = f(t, y)` from `t0` to `t1` (either direction) with the
 * Dormand–Prince 5(4) pair, one step size for the whole state vector.
 *
 * Per step h: seven stages (the seventh, `f(t + h, y_new)`, is the next
 * step's first: FSAL); `y_new = y + h Σ b_i k_i` (order 5); the error
 * estimate `err = h Σ (b_i − b*_i) k_i`; the step is accepted when
 * `‖err‖ = RMS_i err_i / (atol + rtol · max(|y_i|, |y_new,i|)) ≤ 1`; then
 * `h ← h · min(maxFactor, max(minFactor, safety · ‖err‖^(−1/5)))`, where
 * accepted steps never shrink (minFactor = 1 after an acceptance). The last
 * step is shortened to land on `t1` exactly. States inside a step (save
 * times) come from Hairer's fourth-order continuous extension: with
 * `Δ = y_new − y`, `B = h k1 − Δ`, `C = Δ − h k7 − B`, `D = h Σ d_i k_i`,
 * `y(t + θh) = y + θ(Δ + (1 − θ)(B + θ(C + (1 − θ) D)))`.
 *
 * @throws when the step size underflows, the error is not finite, or more
 * than `maxSteps` steps are attempted.
 */
export function integrateDopri5(
  f: Dynamics,
  y0: Float64Array,
  t0: number,
  t1: number,
  recorder: TrajectoryRecorder,
  options: Dopri5Options = {},
): Dopri5Result {
  const atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-5;
  const safety = options.safety ?? 0.9, maxFactor = options.maxFactor ?? 10, minFactor = options.minFactor ?? 0.2;
  const maxSteps = options.maxSteps ?? 100000;
  if (!(atol >= 0) || !(rtol >= 0) || atol + rtol === 0) {
    throw new RangeError(`Cannot run dopri5 with atol "${atol}" and rtol "${rtol}": both must be ≥ 0, one positive`);
  }
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t0 === t1) {
    throw new RangeError(`Cannot solve from t0 "${t0}" to t1 "${t1}": give two different finite times`);
  }
  const L = y0.length;
  const dir = t1 > t0 ? 1 : -1;
  let y = y0.slice();
  let yNew = new Float64Array(L);
  let k1 = new Float64Array(L);
  const k2 = new Float64Array(L), k3 = new Float64Array(L), k4 = new Float64Array(L);
  const k5 = new Float64Array(L), k6 = new Float64Array(L);
  let k7 = new Float64Array(L);
  const tmp = new Float64Array(L), err = new Float64Array(L);

  let t = t0;
  f(t, y, k1);
  let nfe = 1;
  recorder.start(t, y);

  let h: number;
  if (options.firstStep !== undefined) {
    if (!(options.firstStep > 0)) {
      throw new RangeError(`Cannot start dopri5 with firstStep "${options.firstStep}": it must be positive`);
    }
    h = dir * options.firstStep;
  } else {
    h = dir * initialStep(f, t, y, k1, { atol, rtol, dir, span: Math.abs(t1 - t0) }, tmp, k2);
    nfe++;
  }

  let hStep = h;
  const interpolate = (s: number, out: Float64Array) => {
    const th = (s - t) / hStep, th1 = 1 - th;
    for (let i = 0; i < L; i++) {
      const dy = yNew[i]! - y[i]!;
      const bspl = hStep * k1[i]! - dy;
      const r4 = dy - hStep * k7[i]! - bspl;
      const r5 = hStep * (D1 * k1[i]! + D3 * k3[i]! + D4 * k4[i]! + D5 * k5[i]! + D6 * k6[i]! + D7 * k7[i]!);
      out[i] = y[i]! + th * (dy + th1 * (bspl + th * (r4 + th1 * r5)));
    }
  };

  let steps = 0, rejected = 0;
  while (dir * (t1 - t) > 0) {
    if (steps + rejected >= maxSteps) {
      throw new Error(
        `Cannot finish dopri5 within maxSteps "${maxSteps}" (reached t = ${t}): raise maxSteps or loosen atol/rtol`,
      );
    }
    let last = false;
    if (dir * (t + h - t1) >= 0) {
      h = t1 - t;
      last = true;
    }
    if (Math.abs(h) <= 1e-14 * Math.max(1, Math.abs(t))) {
      throw new Error(
        `Cannot continue dopri5 at t = ${t}: the step size "${h}" underflowed (the field may be stiff or not finite)`,
      );
    }
    hStep = h;
    for (let i = 0; i < L; i++) tmp[i] = y[i]! + h * A21 * k1[i]!;
    f(t + C2 * h, tmp, k2);
    for (let i = 0; i < L; i++) tmp[i] = y[i]! + h * (A31 * k1[i]! + A32 * k2[i]!);
    f(t + C3 * h, tmp, k3);
    for (let i = 0; i < L; i++) tmp[i] = y[i]! + h * (A41 * k1[i]! + A42 * k2[i]! + A43 * k3[i]!);
    f(t + C4 * h, tmp, k4);
    for (let i = 0; i < L; i++) tmp[i] = y[i]! + h * (A51 * k1[i]! + A52 * k2[i]! + A53 * k3[i]! + A54 * k4[i]!);
    f(t + C5 * h, tmp, k5);
    for (let i = 0; i < L; i++) {
      tmp[i] = y[i]! + h * (A61 * k1[i]! + A62 * k2[i]! + A63 * k3[i]! + A64 * k4[i]! + A65 * k5[i]!);
    }
    const tEnd = last ? t1 : t + h;
    f(tEnd, tmp, k6);
    for (let i = 0; i < L; i++) {
      yNew[i] = y[i]! + h * (B1 * k1[i]! + B3 * k3[i]! + B4 * k4[i]! + B5 * k5[i]! + B6 * k6[i]!);
    }
    f(tEnd, yNew, k7);
    nfe += 6;
    for (let i = 0; i < L; i++) {
      err[i] = h * (E1 * k1[i]! + E3 * k3[i]! + E4 * k4[i]! + E5 * k5[i]! + E6 * k6[i]! + E7 * k7[i]!);
    }
    const ratio = scaledRms(err, y, yNew, atol, rtol);
    if (!Number.isFinite(ratio)) {
      throw new Error(
        `Cannot continue dopri5 at t = ${t}: the error estimate is "${ratio}" (the field returned non-finite values)`,
      );
    }
    const accepted = ratio <= 1;
    if (accepted) {
      if (recorder.wants(tEnd)) recorder.step(tEnd, yNew, interpolate);
      t = tEnd;
      let swap = y;
      y = yNew;
      yNew = swap;
      swap = k1;
      k1 = k7;
      k7 = swap;
      steps++;
    } else {
      rejected++;
    }
    const factor = ratio === 0
      ? maxFactor
      : Math.min(maxFactor, Math.max(accepted ? 1 : minFactor, safety * Math.pow(ratio, -1 / 5)));
    h = hStep * factor;
  }
  return { y, nfe, steps, rejected };
}

/**
 * Hairer's starting step (Solving ODEs I, §II.4): with scale
 * `sc = atol + rtol|y0|`, `d0 = ‖y0/sc‖`, `d1 = ‖f0/sc‖`, `h0 = 0.01 d0/d1`
 * (1e-6 when either is below 1e-5), one Euler step of h0 to get
 * `d2 = ‖(f(t0 + h0, y0 + h0 f0) − f0)/sc‖ / h0`, then
 * `h1 = (0.01 / max(d1, d2))^(1/5)` and `h = min(100 h0, h1)`. Norms are RMS;
 * h0 is capped at the length of the interval so the probe stays inside it.
 * Uses `ya` and `fa` as scratch; costs one evaluation.
 */
function initialStep(
  f: Dynamics,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  options: { atol: number; rtol: number; dir: number; span: number },
  ya: Float64Array,
  fa: Float64Array,
): number {
  const { atol, rtol, dir, span } = options;
  const L = y0.length;
  let d0 = 0, d1 = 0;
  for (let i = 0; i < L; i++) {
    const sc = atol + rtol * Math.abs(y0[i]!);
    d0 += (y0[i]! / sc) ** 2;
    d1 += (f0[i]! / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / L);
  d1 = Math.sqrt(d1 / L);
  const h0 = Math.min(span, d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1);
  for (let i = 0; i < L; i++) ya[i] = y0[i]! + dir * h0 * f0[i]!;
  f(t0 + dir * h0, ya, fa);
  let d2 = 0;
  for (let i = 0; i < L; i++) {
    const sc = atol + rtol * Math.abs(y0[i]!);
    d2 += ((fa[i]! - f0[i]!) / sc) ** 2;
  }
  d2 = Math.sqrt(d2 / L) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
  return Math.min(100 * h0, h1);
}
