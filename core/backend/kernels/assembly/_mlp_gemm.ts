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

// @ts-ignore: decorator
@inline export function gemmRows6(
  A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, E: usize,
  M: i32, K: i32, N: i32, bias: usize, epi: i32, act: i32,
): void {
  const sa = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const sc = <usize>ldc << 2;
  let i = 0;
  for (; i + 6 <= M; i += 6) {
    const a0 = A + <usize>i * sa;
    const c0 = C + <usize>i * sc;
    const e0 = E + <usize>i * sc;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
      let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap = a0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let s: v128;
        s = v128.load32_splat(ap);
        c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
        s = v128.load32_splat(ap + sa);
        c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
        s = v128.load32_splat(ap + 2 * sa);
        c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
        s = v128.load32_splat(ap + 3 * sa);
        c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
        s = v128.load32_splat(ap + 4 * sa);
        c40 = madd(s, b0, c40); c41 = madd(s, b1, c41);
        s = v128.load32_splat(ap + 5 * sa);
        c50 = madd(s, b0, c50); c51 = madd(s, b1, c51);
        bp += sb;
        ap += 4;
      }
      const off = <usize>j << 2;
      const bj = bias ? bias + off : 0;
      const bj1 = bias ? bias + off + 16 : 0;
      finish(c00, c0 + off, e0 + off, bj, epi);
      finish(c01, c0 + off + 16, e0 + off + 16, bj1, epi);
      finish(c10, c0 + sc + off, e0 + sc + off, bj, epi);
      finish(c11, c0 + sc + off + 16, e0 + sc + off + 16, bj1, epi);
      finish(c20, c0 + 2 * sc + off, e0 + 2 * sc + off, bj, epi);
      finish(c21, c0 + 2 * sc + off + 16, e0 + 2 * sc + off + 16, bj1, epi);
      finish(c30, c0 + 3 * sc + off, e0 + 3 * sc + off, bj, epi);
      finish(c31, c0 + 3 * sc + off + 16, e0 + 3 * sc + off + 16, bj1, epi);
      finish(c40, c0 + 4 * sc + off, e0 + 4 * sc + off, bj, epi);
      finish(c41, c0 + 4 * sc + off + 16, e0 + 4 * sc + off + 16, bj1, epi);
      finish(c50, c0 + 5 * sc + off, e0 + 5 * sc + off, bj, epi);
      finish(c51, c0 + 5 * sc + off + 16, e0 + 5 * sc + off + 16, bj1, epi);
    }
    if (j < N) {
      let c00 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
      let c40 = f32x4.splat(0);
      let c50 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap = a0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        c00 = madd(v128.load32_splat(ap), b0, c00);
        c10 = madd(v128.load32_splat(ap + sa), b0, c10);
        c20 = madd(v128.load32_splat(ap + 2 * sa), b0, c20);
        c30 = madd(v128.load32_splat(ap + 3 * sa), b0, c30);
        c40 = madd(v128.load32_splat(ap + 4 * sa), b0, c40);
        c50 = madd(v128.load32_splat(ap + 5 * sa), b0, c50);
        bp += sb;
        ap += 4;
      }
      const off = <usize>j << 2;
      const bj = bias ? bias + off : 0;
      finish(c00, c0 + off, e0 + off, bj, epi);
      finish(c10, c0 + sc + off, e0 + sc + off, bj, epi);
      finish(c20, c0 + 2 * sc + off, e0 + 2 * sc + off, bj, epi);
      finish(c30, c0 + 3 * sc + off, e0 + 3 * sc + off, bj, epi);
      finish(c40, c0 + 4 * sc + off, e0 + 4 * sc + off, bj, epi);
      finish(c50, c0 + 5 * sc + off, e0 + 5 * sc + off, bj, epi);
    }
    if (epi == EPI_ACT || epi == EPI_ACT_D) {
      for (let r = 0; r < 6; r++) {
        activateBlock(c0 + <usize>r * sc, e0 + <usize>r * sc, N, act, epi == EPI_ACT_D);
      }
    }
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

// @ts-ignore: decorator
@inline export function gemmRows4(
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
        let s: v128;
        s = v128.load32_splat(ap);
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
      const bj1 = bias ? bias + off + 16 : 0;
      finish(c00, c0 + off, e0 + off, bj, epi);
      finish(c01, c0 + off + 16, e0 + off + 16, bj1, epi);
      finish(c10, c0 + sc + off, e0 + sc + off, bj, epi);
      finish(c11, c0 + sc + off + 16, e0 + sc + off + 16, bj1, epi);
      finish(c20, c0 + 2 * sc + off, e0 + 2 * sc + off, bj, epi);
      finish(c21, c0 + 2 * sc + off + 16, e0 + 2 * sc + off + 16, bj1, epi);
      finish(c30, c0 + 3 * sc + off, e0 + 3 * sc + off, bj, epi);
      finish(c31, c0 + 3 * sc + off + 16, e0 + 3 * sc + off + 16, bj1, epi);
    }
    if (j < N) {
      let c00 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
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
    if (epi == EPI_ACT || epi == EPI_ACT_D) {
      for (let r = 0; r < 4; r++) {
        activateBlock(c0 + <usize>r * sc, e0 + <usize>r * sc, N, act, epi == EPI_ACT_D);
      }
    }
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
 * C[M, N] = epilogue(A[M, K] · B[K, N]); E (same leading dimension as C) is
 * the derivative output (EPI_ACT_D) or the multiplier (EPI_MUL); bias may be 0.
 * Register tiles of R rows × 8 columns: R = 6 with relaxed-SIMD FMA (12
 * accumulators), R = 4 without (mul + add needs the spare registers).
 * Activations run per row right after the row's tiles, while it is in L1.
 */
export function gemm(
  A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, E: usize,
  M: i32, K: i32, N: i32, bias: usize, epi: i32, act: i32,
): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    gemmRows6(A, lda, B, ldb, C, ldc, E, M, K, N, bias, epi, act);
  } else {
    gemmRows4(A, lda, B, ldb, C, ldc, E, M, K, N, bias, epi, act);
  }
}

/** Rows of A and G per pass of gemmTN: a chunk of both stays in L1/L2 across the tiles. */
const TN_CHUNK = 128;

/**
 * C[K, N] = A[M, K]ᵀ · G[M, N] (the weight gradient of a dense layer):
 * tiles of 4 rows of C (4 columns of A, one vector load per row of A) × 8
 * columns, reduced over the M rows in chunks of TN_CHUNK rows (the first
 * chunk stores unless `accumulate`, later ones accumulate).
 */
export function gemmTN(
  A: usize, lda: i32, G: usize, ldg: i32, C: usize, ldc: i32, M: i32, K: i32, N: i32, accumulate: bool,
): void {
  const sa = <usize>lda << 2;
  const sg = <usize>ldg << 2;
  for (let i0 = 0; i0 < M; i0 += TN_CHUNK) {
    const m = min(TN_CHUNK, M - i0);
    gemmTNChunk(A + <usize>i0 * sa, lda, G + <usize>i0 * sg, ldg, C, ldc, m, K, N, accumulate || i0 > 0);
  }
}

function gemmTNChunk(
  A: usize, lda: i32, G: usize, ldg: i32, C: usize, ldc: i32, M: i32, K: i32, N: i32, accumulate: bool,
): void {
  // Columns outer, rows of C inner: the chunk's 8-column strip of G stays in
  // L1 while every 4-row tile of C runs over it, and consecutive k tiles
  // reuse the same cache lines of A.
  const sa = <usize>lda << 2;
  const sg = <usize>ldg << 2;
  const sc = <usize>ldc << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    const off = <usize>j << 2;
    let k = 0;
    for (; k < K; k += 4) {
      const c0 = C + <usize>k * sc;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      if (accumulate) {
        c00 = v128.load(c0 + off); c01 = v128.load(c0 + off + 16);
        c10 = v128.load(c0 + sc + off); c11 = v128.load(c0 + sc + off + 16);
        c20 = v128.load(c0 + 2 * sc + off); c21 = v128.load(c0 + 2 * sc + off + 16);
        c30 = v128.load(c0 + 3 * sc + off); c31 = v128.load(c0 + 3 * sc + off + 16);
      }
      let ap = A + (<usize>k << 2);
      let gp = G + off;
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
      v128.store(c0 + off, c00); v128.store(c0 + off + 16, c01);
      v128.store(c0 + sc + off, c10); v128.store(c0 + sc + off + 16, c11);
      v128.store(c0 + 2 * sc + off, c20); v128.store(c0 + 2 * sc + off + 16, c21);
      v128.store(c0 + 3 * sc + off, c30); v128.store(c0 + 3 * sc + off + 16, c31);
    }
  }
  if (j < N) {
    const off = <usize>j << 2;
    for (let k = 0; k < K; k += 4) {
      const c0 = C + <usize>k * sc;
      let c00 = f32x4.splat(0), c10 = f32x4.splat(0), c20 = f32x4.splat(0), c30 = f32x4.splat(0);
      if (accumulate) {
        c00 = v128.load(c0 + off);
        c10 = v128.load(c0 + sc + off);
        c20 = v128.load(c0 + 2 * sc + off);
        c30 = v128.load(c0 + 3 * sc + off);
      }
      let ap = A + (<usize>k << 2);
      let gp = G + off;
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
      v128.store(c0 + off, c00);
      v128.store(c0 + sc + off, c10);
      v128.store(c0 + 2 * sc + off, c20);
      v128.store(c0 + 3 * sc + off, c30);
    }
  }
}

/** out[N] = Σ_i G[i, :] (the bias gradient), or out += Σ_i G[i, :] when `accumulate`. */
export function colsum(G: usize, ldg: i32, out: usize, M: i32, N: i32, accumulate: bool): void {
  const sg = <usize>ldg << 2;
  for (let j = 0; j < N; j += 4) {
    let s = accumulate ? v128.load(out + (<usize>j << 2)) : f32x4.splat(0);
    let gp = G + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      s = f32x4.add(s, v128.load(gp));
      gp += sg;
    }
    v128.store(out + (<usize>j << 2), s);
  }
}

/**
 * T[N, ldt] ← W[K, N]ᵀ for a W with leading dimension `ldw` (N a multiple of
 * 4): 4 × 4 blocks moved with shuffles, the last K mod 4 rows one by one.
 */
export function transpose(W: usize, ldw: i32, K: i32, N: i32, T: usize, ldt: i32): void {
  const sw = <usize>ldw << 2;
  const st = <usize>ldt << 2;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const w0 = W + <usize>k * sw;
    const t0 = T + (<usize>k << 2);
    for (let j = 0; j < N; j += 4) {
      const r0 = v128.load(w0 + (<usize>j << 2));
      const r1 = v128.load(w0 + sw + (<usize>j << 2));
      const r2 = v128.load(w0 + 2 * sw + (<usize>j << 2));
      const r3 = v128.load(w0 + 3 * sw + (<usize>j << 2));
      const a = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const b = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const c = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const d = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const t = t0 + <usize>j * st;
      v128.store(t, v128.shuffle<f32>(a, c, 0, 1, 4, 5));
      v128.store(t + st, v128.shuffle<f32>(a, c, 2, 3, 6, 7));
      v128.store(t + 2 * st, v128.shuffle<f32>(b, d, 0, 1, 4, 5));
      v128.store(t + 3 * st, v128.shuffle<f32>(b, d, 2, 3, 6, 7));
    }
  }
  for (; k < K; k++) {
    for (let j = 0; j < N; j++) {
      store<f32>(T + ((<usize>j * <usize>ldt + <usize>k) << 2), load<f32>(W + <usize>k * sw + (<usize>j << 2)));
    }
  }
}
