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

// Vector constants live in a static table and are loaded where used: V8
// materialises every v128.const with several instructions inside the loop,
// whereas a load from L1 is one (often folded into the arithmetic).
const C_LO = 0, C_HI = 1, C_SHIFT = 2, C_LOG2E = 3, C_NLN2HI = 4, C_LN2LO = 5;
const C_P0 = 6, C_P1 = 7, C_P2 = 8, C_P3 = 9, C_P4 = 10, C_P5 = 11, C_ONE = 12, C_M2 = 13;
const C_SL = 14, C_SLA = 15, C_EXPBIAS = 16;
const SELU_LAMBDA: f32 = 1.0507009873554805;
const SELU_ALPHA: f32 = 1.6732632423543772;
const TABLE = memory.data<f32>([
  -87.3, -87.3, -87.3, -87.3,
  88.3, 88.3, 88.3, 88.3,
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // 1.5·2^23
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
  -0.693359375, -0.693359375, -0.693359375, -0.693359375,
  2.12194440e-4, 2.12194440e-4, 2.12194440e-4, 2.12194440e-4,
  1.0 / 720.0, 1.0 / 720.0, 1.0 / 720.0, 1.0 / 720.0,
  1.0 / 120.0, 1.0 / 120.0, 1.0 / 120.0, 1.0 / 120.0,
  1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0,
  1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0,
  0.5, 0.5, 0.5, 0.5,
  0, 0, 0, 0, // unused
  1.0, 1.0, 1.0, 1.0,
  -2.0, -2.0, -2.0, -2.0,
  SELU_LAMBDA, SELU_LAMBDA, SELU_LAMBDA, SELU_LAMBDA,
  SELU_LAMBDA * SELU_ALPHA, SELU_LAMBDA * SELU_ALPHA, SELU_LAMBDA * SELU_ALPHA, SELU_LAMBDA * SELU_ALPHA,
  0, 0, 0, 0, // C_EXPBIAS, filled in as i32 below
], 16);
store<i32>(TABLE + (C_EXPBIAS << 4), 127 - 0x4B400000);
store<i32>(TABLE + (C_EXPBIAS << 4) + 4, 127 - 0x4B400000);
store<i32>(TABLE + (C_EXPBIAS << 4) + 8, 127 - 0x4B400000);
store<i32>(TABLE + (C_EXPBIAS << 4) + 12, 127 - 0x4B400000);

/** Constant `i` of the table, as a vector. */
// @ts-ignore: decorator
@inline function kc(i: i32): v128 {
  return v128.load(TABLE + (<usize>i << 4));
}

/**
 * exp(x) per lane: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for
 * exactness), e^r by its degree-6 Taylor polynomial in Horner form (relative
 * error ≤ 0.35⁷/7! ≈ 1.2e−7), 2^k through the exponent bits; x clamped to
 * [−87.3, 88.3]. k = round(x·log2 e) by the 1.5·2^23 shifter trick: adding it
 * leaves k in the low mantissa bits, which also gives 2^k without a
 * float→int conversion.
 */
// @ts-ignore: decorator
@inline export function vexp(x0: v128): v128 {
  return vexpClamped(f32x4.pmin(f32x4.pmax(x0, kc(C_LO)), kc(C_HI)));
}

/** exp(x) for x already known to lie in [−87.3, 88.3] (see vexp). */
// @ts-ignore: decorator
@inline function vexpClamped(x: v128): v128 {
  const kb = madd(x, kc(C_LOG2E), kc(C_SHIFT));
  const k = f32x4.sub(kb, kc(C_SHIFT));
  let r = madd(k, kc(C_NLN2HI), x);
  r = madd(k, kc(C_LN2LO), r);
  let p = madd(kc(C_P0), r, kc(C_P1)); // 1/720 r + 1/120
  p = madd(p, r, kc(C_P2)); // + 1/24
  p = madd(p, r, kc(C_P3)); // + 1/6
  p = madd(p, r, kc(C_P4)); // + 1/2
  p = madd(p, r, kc(C_ONE)); // + 1
  const y = madd(p, r, kc(C_ONE)); // + 1
  // bits(kb) = 0x4B400000 + k, so 2^k = (bits(kb) − 0x4B400000 + 127) << 23
  const e = i32x4.shl(i32x4.add(kb, kc(C_EXPBIAS)), 23);
  return f32x4.mul(y, e);
}

/** exp(min(z, 0)) per lane: the negative branch of ELU and SELU (one clamp fewer). */
// @ts-ignore: decorator
@inline function vexpNeg(z: v128): v128 {
  return vexpClamped(f32x4.pmax(f32x4.pmin(z, f32x4.splat(0)), kc(C_LO)));
}

/** act(z) per lane. */
// @ts-ignore: decorator
@inline export function activate(z: v128, act: i32): v128 {
  const zero = f32x4.splat(0);
  if (act == 0) {
    const neg = f32x4.sub(vexpNeg(z), kc(C_ONE));
    return v128.bitselect(z, neg, f32x4.gt(z, zero));
  } else if (act == 1) {
    return f32x4.pmax(z, zero);
  } else if (act == 2) {
    const neg = f32x4.mul(kc(C_SLA), f32x4.sub(vexpNeg(z), kc(C_ONE)));
    return v128.bitselect(f32x4.mul(z, kc(C_SL)), neg, f32x4.gt(z, zero));
  } else if (act == 3) {
    const s = f32x4.div(kc(C_ONE), f32x4.add(kc(C_ONE), vexp(f32x4.neg(z))));
    return f32x4.mul(z, s);
  } else {
    const e = vexp(f32x4.mul(f32x4.abs(z), kc(C_M2)));
    const t = f32x4.div(f32x4.sub(kc(C_ONE), e), f32x4.add(kc(C_ONE), e));
    return v128.bitselect(f32x4.neg(t), t, f32x4.lt(z, zero));
  }
}

/** act(z) and act'(z) per lane; the derivative is stored at `dptr`. */
// @ts-ignore: decorator
@inline export function activateWithDerivative(z: v128, act: i32, dptr: usize): v128 {
  const zero = f32x4.splat(0);
  const one = kc(C_ONE);
  if (act == 0) {
    const e = vexpNeg(z);
    const pos = f32x4.gt(z, zero);
    v128.store(dptr, v128.bitselect(one, e, pos));
    return v128.bitselect(z, f32x4.sub(e, one), pos);
  } else if (act == 1) {
    const pos = f32x4.gt(z, zero);
    v128.store(dptr, v128.and(one, pos));
    return f32x4.pmax(z, zero);
  } else if (act == 2) {
    const e = vexpNeg(z);
    const pos = f32x4.gt(z, zero);
    const la = kc(C_SLA);
    v128.store(dptr, v128.bitselect(kc(C_SL), f32x4.mul(la, e), pos));
    return v128.bitselect(f32x4.mul(z, kc(C_SL)), f32x4.mul(la, f32x4.sub(e, one)), pos);
  } else if (act == 3) {
    const e = vexp(f32x4.neg(z));
    const s = f32x4.div(one, f32x4.add(one, e));
    // d/dz z·σ(z) = σ(z)·(1 + z·(1 − σ(z))), with 1 − σ(z) = e^{−z}·σ(z) (no cancellation)
    v128.store(dptr, f32x4.mul(s, madd(z, f32x4.mul(e, s), one)));
    return f32x4.mul(z, s);
  } else {
    const e = vexp(f32x4.mul(f32x4.abs(z), kc(C_M2)));
    const t0 = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
    const t = v128.bitselect(f32x4.neg(t0), t0, f32x4.lt(z, zero));
    v128.store(dptr, f32x4.sub(one, f32x4.mul(t, t)));
    return t;
  }
}
