// Vector math shared by the MLP kernel: fused multiply-add (relaxed-SIMD when
// the build enables it), exp and the activations with their derivatives.
//
// Activation codes (same order as the TypeScript `Activation`):
//   0 elu, 1 relu, 2 selu, 3 silu, 4 tanh.

/** a·b + c: one relaxed-SIMD FMA in the relaxed build, mul + add otherwise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** Broadcast lane 0, 1, 2 or 3 of `v`. */
// @ts-ignore: decorator
@inline export function lane0(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 0, 0, 0, 0);
}
// @ts-ignore: decorator
@inline export function lane1(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 1, 1, 1, 1);
}
// @ts-ignore: decorator
@inline export function lane2(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 2, 2, 2);
}
// @ts-ignore: decorator
@inline export function lane3(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 3, 3, 3, 3);
}

/**
 * exp(x) per lane (Cephes expf: x = k·ln2 + r, |r| ≤ ln2/2, degree-6
 * polynomial, 2^k through the exponent bits); x clamped to [−87.3, 88.3].
 * Relative error about 2 ulp.
 */
// @ts-ignore: decorator
@inline export function vexp(x0: v128): v128 {
  let x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const k = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(k, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  const y = f32x4.add(madd(p, r2, r), f32x4.splat(1.0));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return f32x4.mul(y, e);
}

const SELU_LAMBDA: f32 = 1.0507009873554805;
const SELU_ALPHA: f32 = 1.6732632423543772;

/** act(z) per lane. */
// @ts-ignore: decorator
@inline export function activate(z: v128, act: i32): v128 {
  const zero = f32x4.splat(0);
  if (act == 0) {
    const neg = f32x4.sub(vexp(f32x4.min(z, zero)), f32x4.splat(1));
    return v128.bitselect(z, neg, f32x4.gt(z, zero));
  } else if (act == 1) {
    return f32x4.max(z, zero);
  } else if (act == 2) {
    const neg = f32x4.mul(f32x4.splat(SELU_LAMBDA * SELU_ALPHA), f32x4.sub(vexp(f32x4.min(z, zero)), f32x4.splat(1)));
    return v128.bitselect(f32x4.mul(z, f32x4.splat(SELU_LAMBDA)), neg, f32x4.gt(z, zero));
  } else if (act == 3) {
    const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), vexp(f32x4.neg(z))));
    return f32x4.mul(z, s);
  } else {
    const e = vexp(f32x4.mul(f32x4.abs(z), f32x4.splat(-2)));
    const t = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
    return v128.bitselect(f32x4.neg(t), t, f32x4.lt(z, zero));
  }
}

/** act(z) and act'(z) per lane; the derivative is stored at `dptr`. */
// @ts-ignore: decorator
@inline export function activateWithDerivative(z: v128, act: i32, dptr: usize): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  if (act == 0) {
    const e = vexp(f32x4.min(z, zero));
    const pos = f32x4.gt(z, zero);
    v128.store(dptr, v128.bitselect(one, e, pos));
    return v128.bitselect(z, f32x4.sub(e, one), pos);
  } else if (act == 1) {
    const pos = f32x4.gt(z, zero);
    v128.store(dptr, v128.and(one, pos));
    return f32x4.max(z, zero);
  } else if (act == 2) {
    const e = vexp(f32x4.min(z, zero));
    const pos = f32x4.gt(z, zero);
    const la = f32x4.splat(SELU_LAMBDA * SELU_ALPHA);
    v128.store(dptr, v128.bitselect(f32x4.splat(SELU_LAMBDA), f32x4.mul(la, e), pos));
    return v128.bitselect(f32x4.mul(z, f32x4.splat(SELU_LAMBDA)), f32x4.mul(la, f32x4.sub(e, one)), pos);
  } else if (act == 3) {
    const s = f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(z))));
    // d/dz z·σ(z) = σ(z)·(1 + z·(1 − σ(z)))
    v128.store(dptr, f32x4.mul(s, madd(z, f32x4.sub(one, s), one)));
    return f32x4.mul(z, s);
  } else {
    const e = vexp(f32x4.mul(f32x4.abs(z), f32x4.splat(-2)));
    const t0 = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
    const t = v128.bitselect(f32x4.neg(t0), t0, f32x4.lt(z, zero));
    v128.store(dptr, f32x4.sub(one, f32x4.mul(t, t)));
    return t;
  }
}
