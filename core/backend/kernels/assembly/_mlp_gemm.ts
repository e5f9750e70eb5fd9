// Register-tiled f32 matrix products for the MLP kernel. Every matrix is
// row-major with a leading dimension (in elements) that is a multiple of 4,
// every pointer 16-byte aligned, every column count a multiple of 4.
import { activate, activateWithDerivative, madd, lane0, lane1, lane2, lane3 } from "./_mlp_math";

/** Epilogue after a tile: what happens to `acc (+ bias)` before it is stored. */
export const EPI_STORE: i32 = 0; // C = acc + bias
export const EPI_ACT: i32 = 1; // C = act(acc + bias)
export const EPI_ACT_D: i32 = 2; // C = act(acc + bias), D = act'(acc + bias)
export const EPI_MUL: i32 = 3; // C = acc ⊙ E

// @ts-ignore: decorator
@inline function finish(v: v128, c: usize, e: usize, bias: usize, epi: i32): void {
  if (bias) v = f32x4.add(v, v128.load(bias));
  if (epi == EPI_MUL) v = f32x4.mul(v, v128.load(e));
  v128.store(c, v);
}

/**
 * Activation over `count` floats (a multiple of 4) in place: C ← act(C), and
 * D ← act'(C) when `withD`. One loop per activation keeps each loop small.
 */
export function activateBlock(C: usize, D: usize, count: i32, act: i32, withD: bool): void {
  const end = C + (<usize>count << 2);
  const dd = D - C;
  if (withD) {
    if (act == 0) {
      for (let p = C; p < end; p += 16) v128.store(p, activateWithDerivative(v128.load(p), 0, p + dd));
    } else if (act == 1) {
      for (let p = C; p < end; p += 16) v128.store(p, activateWithDerivative(v128.load(p), 1, p + dd));
    } else if (act == 2) {
      for (let p = C; p < end; p += 16) v128.store(p, activateWithDerivative(v128.load(p), 2, p + dd));
    } else if (act == 3) {
      for (let p = C; p < end; p += 16) v128.store(p, activateWithDerivative(v128.load(p), 3, p + dd));
    } else {
      for (let p = C; p < end; p += 16) v128.store(p, activateWithDerivative(v128.load(p), 4, p + dd));
    }
  } else {
    if (act == 0) {
      for (let p = C; p < end; p += 16) v128.store(p, activate(v128.load(p), 0));
    } else if (act == 1) {
      for (let p = C; p < end; p += 16) v128.store(p, activate(v128.load(p), 1));
    } else if (act == 2) {
      for (let p = C; p < end; p += 16) v128.store(p, activate(v128.load(p), 2));
    } else if (act == 3) {
      for (let p = C; p < end; p += 16) v128.store(p, activate(v128.load(p), 3));
    } else {
      for (let p = C; p < end; p += 16) v128.store(p, activate(v128.load(p), 4));
    }
  }
}

/**
 * C[M, N] = epilogue(A[M, K] · B[K, N]); E (same leading dimension as C) is
 * the derivative output (EPI_ACT_D) or the multiplier (EPI_MUL); bias may be 0.
 * Tiles of 4 rows × 8 columns keep 8 accumulators in registers.
 */
export function gemm(
  A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, E: usize,
  M: i32, K: i32, N: i32, bias: usize, epi: i32, act: i32,
): void {
  const sa = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const sc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = A + <usize>i * sa;
    const c0 = C + <usize>i * sc;
    const e0 = E + <usize>i * sc;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap = a0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let s = v128.load32_splat(ap);
        c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
        s = v128.load32_splat(ap + sa);
        c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
        s = v128.load32_splat(ap + 2 * sa);
        c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
        s = v128.load32_splat(ap + 3 * sa);
        c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
        bp += sb;
        ap += 4;
      }
      const off = <usize>j << 2;
      const bj = bias ? bias + off : 0;
      finish(c00, c0 + off, e0 + off, bj, epi);
      finish(c01, c0 + off + 16, e0 + off + 16, bj ? bj + 16 : 0, epi);
      finish(c10, c0 + sc + off, e0 + sc + off, bj, epi);
      finish(c11, c0 + sc + off + 16, e0 + sc + off + 16, bj ? bj + 16 : 0, epi);
      finish(c20, c0 + 2 * sc + off, e0 + 2 * sc + off, bj, epi);
      finish(c21, c0 + 2 * sc + off + 16, e0 + 2 * sc + off + 16, bj ? bj + 16 : 0, epi);
      finish(c30, c0 + 3 * sc + off, e0 + 3 * sc + off, bj, epi);
      finish(c31, c0 + 3 * sc + off + 16, e0 + 3 * sc + off + 16, bj ? bj + 16 : 0, epi);
    }
    if (j < N) {
      let c00 = f32x4.splat(0), c10 = f32x4.splat(0), c20 = f32x4.splat(0), c30 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap = a0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        c00 = madd(v128.load32_splat(ap), b0, c00);
        c10 = madd(v128.load32_splat(ap + sa), b0, c10);
        c20 = madd(v128.load32_splat(ap + 2 * sa), b0, c20);
        c30 = madd(v128.load32_splat(ap + 3 * sa), b0, c30);
        bp += sb;
        ap += 4;
      }
      const off = <usize>j << 2;
      const bj = bias ? bias + off : 0;
      finish(c00, c0 + off, e0 + off, bj, epi);
      finish(c10, c0 + sc + off, e0 + sc + off, bj, epi);
      finish(c20, c0 + 2 * sc + off, e0 + 2 * sc + off, bj, epi);
      finish(c30, c0 + 3 * sc + off, e0 + 3 * sc + off, bj, epi);
    }
    if (epi == EPI_ACT || epi == EPI_ACT_D) activateBlock(c0, e0, 3 * ldc + N, act, epi == EPI_ACT_D);
  }
  for (; i < M; i++) {
    const a0 = A + <usize>i * sa;
    const c0 = C + <usize>i * sc;
    const e0 = E + <usize>i * sc;
    for (let j = 0; j < N; j += 4) {
      let c00 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap = a0;
      for (let k = 0; k < K; k++) {
        c00 = madd(v128.load32_splat(ap), v128.load(bp), c00);
        bp += sb;
        ap += 4;
      }
      const off = <usize>j << 2;
      finish(c00, c0 + off, e0 + off, bias ? bias + off : 0, epi);
    }
    if (epi == EPI_ACT || epi == EPI_ACT_D) activateBlock(c0, e0, N, act, epi == EPI_ACT_D);
  }
}

/**
 * C[K, N] = A[M, K]ᵀ · G[M, N] (the weight gradient of a dense layer):
 * tiles of 4 rows of C (4 columns of A, one vector load per row of A) × 8
 * columns, reduced over the M rows.
 */
export function gemmTN(
  A: usize, lda: i32, G: usize, ldg: i32, C: usize, ldc: i32, M: i32, K: i32, N: i32,
): void {
  const sa = <usize>lda << 2;
  const sg = <usize>ldg << 2;
  const sc = <usize>ldc << 2;
  for (let k = 0; k < K; k += 4) {
    const c0 = C + <usize>k * sc;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let ap = A + (<usize>k << 2);
      let gp = G + (<usize>j << 2);
      for (let i = 0; i < M; i++) {
        const x = v128.load(ap);
        const g0 = v128.load(gp);
        const g1 = v128.load(gp, 16);
        let s = lane0(x);
        c00 = madd(s, g0, c00); c01 = madd(s, g1, c01);
        s = lane1(x);
        c10 = madd(s, g0, c10); c11 = madd(s, g1, c11);
        s = lane2(x);
        c20 = madd(s, g0, c20); c21 = madd(s, g1, c21);
        s = lane3(x);
        c30 = madd(s, g0, c30); c31 = madd(s, g1, c31);
        ap += sa;
        gp += sg;
      }
      const off = <usize>j << 2;
      v128.store(c0 + off, c00); v128.store(c0 + off + 16, c01);
      v128.store(c0 + sc + off, c10); v128.store(c0 + sc + off + 16, c11);
      v128.store(c0 + 2 * sc + off, c20); v128.store(c0 + 2 * sc + off + 16, c21);
      v128.store(c0 + 3 * sc + off, c30); v128.store(c0 + 3 * sc + off + 16, c31);
    }
    if (j < N) {
      let c00 = f32x4.splat(0), c10 = f32x4.splat(0), c20 = f32x4.splat(0), c30 = f32x4.splat(0);
      let ap = A + (<usize>k << 2);
      let gp = G + (<usize>j << 2);
      for (let i = 0; i < M; i++) {
        const x = v128.load(ap);
        const g0 = v128.load(gp);
        c00 = madd(lane0(x), g0, c00);
        c10 = madd(lane1(x), g0, c10);
        c20 = madd(lane2(x), g0, c20);
        c30 = madd(lane3(x), g0, c30);
        ap += sa;
        gp += sg;
      }
      const off = <usize>j << 2;
      v128.store(c0 + off, c00);
      v128.store(c0 + sc + off, c10);
      v128.store(c0 + 2 * sc + off, c20);
      v128.store(c0 + 3 * sc + off, c30);
    }
  }
}

/** out[N] = Σ_i G[i, :] (the bias gradient). */
export function colsum(G: usize, ldg: i32, out: usize, M: i32, N: i32): void {
  const sg = <usize>ldg << 2;
  for (let j = 0; j < N; j += 4) {
    let s = f32x4.splat(0);
    let gp = G + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      s = f32x4.add(s, v128.load(gp));
      gp += sg;
    }
    v128.store(out + (<usize>j << 2), s);
  }
}

/** T[N, K] = W[K, N]ᵀ (both padded: K, N multiples of 4). */
export function transpose(W: usize, K: i32, N: i32, T: usize): void {
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < N; j++) {
      store<f32>(T + ((<usize>j * <usize>K + <usize>k) << 2), load<f32>(W + ((<usize>k * <usize>N + <usize>j) << 2)));
    }
  }
}
