// Exact linear assignment, min Σ_i c[i, σ(i)] over permutations σ, for a
// dense f64 cost matrix.
//
// 1. Approximate duals: a Gauss–Seidel forward auction with ε-scaling on an
//    f32 copy of the row-reduced costs (4 lanes per SIMD op; each bid scans
//    its full row for the best and second-best value).
// 2. Exact finish in f64: a capped ε = 0 auction (every row it assigns is
//    tight), a full pass that certifies each row (its column attains
//    min_j c_ij + p_j) and frees the others, then Dijkstra shortest
//    augmenting paths over reduced costs for the free rows, which keep every
//    reduced cost ≥ 0 and the assigned ones = 0. Only step 2 decides
//    optimality; step 1 only makes it cheap.
//
// Price form: prices p_j, row potentials u_i, reduced cost
// r_ij = c_ij + p_j − u_i. On return r_ij ≥ 0 everywhere and r_iσ(i) = 0 (up
// to rounding), i.e. u_i + v_j ≤ c_ij with v_j = −p_j: a certificate of
// optimality.
//
// The host (core/couplings/_assignment_wasm.ts) owns memory: it writes the
// cost matrix, asks `workspaceBytes(n)`, grows memory, then calls `solve`.

// Tuning parameters (setParams); defaults chosen with bench/ot_bench.ts.
let THETA: f32 = 5.0; // ε ← ε / THETA between phases
let FINAL_DIV: f32 = 1e4; // the last auction phase has ε = C / FINAL_DIV
let INIT_DIV: f32 = 4.0; // the first has ε = C / INIT_DIV
let ZCAP: i32 = 2; // bids of the ε = 0 phase, in units of n

// Counters of the last solve (counter(q)).
let cBids: i32 = 0;
let cZero: i32 = 0;
let cFree: i32 = 0;
let cScan: i32 = 0;

// Problem and workspace of the current solve.
let N: i32 = 0;
let N4: i32 = 0; // row stride of the f32 copy: n rounded up to a multiple of 8
let C: usize = 0; // cost [n, n] f64
let F: usize = 0; // row-reduced f32 cost [n, n4], padded with +∞
let PF: usize = 0; // f32 prices [n4]
let P: usize = 0; // f64 prices [n]
let U: usize = 0; // row potentials [n] f64
let COLOF: usize = 0; // row → column [n] i32
let ROWOF: usize = 0; // column → row [n] i32
let QUEUE: usize = 0; // [n] i32
let SH: usize = 0; // shortest path lengths [n] f64
let SCAN: usize = 0; // all-ones for scanned columns [n] i64
let PATH: usize = 0; // predecessor row of each column [n] i64
let SRL: usize = 0; // scanned rows [n] i32
let SCL: usize = 0; // scanned columns [n] i32

// Best and second-best values of the last bid scan.
let gB1: f64 = 0;
let gB2: f64 = 0;
let fB1: f32 = 0;
let fB2: f32 = 0;

// @ts-ignore: decorator
@inline function ldf(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function stf(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function ldi(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function sti(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}
// @ts-ignore: decorator
@inline function rowPtr(i: i32): usize {
  return C + ((<usize>i * <usize>N) << 3);
}
// @ts-ignore: decorator
@inline function value(row: usize, j: i32): f64 {
  return load<f64>(row + (<usize>j << 3)) + ldf(P, j);
}
// @ts-ignore: decorator
@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}
// Minimum without NaN handling (all values here are finite or +∞): V8 lowers
// f64.min / f64x2.min to long NaN-aware sequences, pmin to one instruction.
// @ts-ignore: decorator
@inline function fmin(a: f64, b: f64): f64 {
  return b < a ? b : a;
}

/** Where the host may start placing data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Sets the tuning parameters (defaults above). */
export function setParams(theta: f32, finalDiv: f32, initDiv: f32, zcap: i32): void {
  THETA = theta;
  FINAL_DIV = finalDiv;
  INIT_DIV = initDiv;
  ZCAP = zcap;
}

/** Counters of the last solve: 0 auction bids, 1 ε = 0 bids, 2 rows left to the shortest paths, 3 rows they scanned. */
export function counter(q: i32): i32 {
  if (q == 0) return cBids;
  if (q == 1) return cZero;
  if (q == 2) return cFree;
  return cScan;
}

// @ts-ignore: decorator
@inline function stride(n: i32): i32 {
  return (n + 7) & ~7;
}

/** Bytes of workspace `solve` needs for size n (beyond the cost matrix and outputs). */
export function workspaceBytes(n: i32): usize {
  const nn = <usize>n;
  const n4 = <usize>stride(n);
  return align16((nn * n4) << 2) + align16(n4 << 2) + 4 * align16(nn << 3) + 5 * align16(nn << 2) + 64;
}

function carve(work: usize, n: i32): void {
  const nn = <usize>n;
  const n4 = <usize>N4;
  let w = align16(work);
  F = w;
  w += align16((nn * n4) << 2);
  PF = w;
  w += align16(n4 << 2);
  P = w;
  w += align16(nn << 3);
  SH = w;
  w += align16(nn << 3);
  SCAN = w;
  w += align16(nn << 3);
  PATH = w;
  w += align16(nn << 3);
  ROWOF = w;
  w += align16(nn << 2);
  QUEUE = w;
  w += align16(nn << 2);
  SRL = w;
  w += align16(nn << 2);
  SCL = w;
}

// ---------------------------------------------------------------- f32 auction

/**
 * Best column of row i in the f32 copy; fB1, fB2 = best and second-best
 * values. Two independent accumulator sets of 4 lanes each.
 */
function bestF32(i: i32): i32 {
  const row = F + ((<usize>i * <usize>N4) << 2);
  const n4 = N4;
  const inf = f32x4.splat(Infinity);
  let a1 = inf;
  let a2 = inf;
  let b1 = inf;
  let b2 = inf;
  let ai = i32x4.splat(0);
  let bi = i32x4.splat(0);
  let ja = i32x4(0, 1, 2, 3);
  let jb = i32x4(4, 5, 6, 7);
  const eight = i32x4.splat(8);
  for (let j = 0; j < n4; j += 8) {
    const o = <usize>j << 2;
    const va = f32x4.add(v128.load(row + o), v128.load(PF + o));
    const vb = f32x4.add(v128.load(row + o, 16), v128.load(PF + o, 16));
    const la = f32x4.lt(va, a1);
    const lb = f32x4.lt(vb, b1);
    a2 = v128.bitselect(a1, f32x4.pmin(a2, va), la);
    b2 = v128.bitselect(b1, f32x4.pmin(b2, vb), lb);
    a1 = f32x4.pmin(a1, va);
    b1 = f32x4.pmin(b1, vb);
    ai = v128.bitselect(ja, ai, la);
    bi = v128.bitselect(jb, bi, lb);
    ja = i32x4.add(ja, eight);
    jb = i32x4.add(jb, eight);
  }
  // merge the 8 lanes: best over lanes, second = min(other lanes' best, every lane's second)
  let m1: f32 = Infinity;
  let m2: f32 = Infinity;
  let mi: i32 = 0;
  for (let l = 0; l < 8; l++) {
    let v1: f32;
    let v2: f32;
    let vi: i32;
    if (l == 0) {
      v1 = f32x4.extract_lane(a1, 0);
      v2 = f32x4.extract_lane(a2, 0);
      vi = i32x4.extract_lane(ai, 0);
    } else if (l == 1) {
      v1 = f32x4.extract_lane(a1, 1);
      v2 = f32x4.extract_lane(a2, 1);
      vi = i32x4.extract_lane(ai, 1);
    } else if (l == 2) {
      v1 = f32x4.extract_lane(a1, 2);
      v2 = f32x4.extract_lane(a2, 2);
      vi = i32x4.extract_lane(ai, 2);
    } else if (l == 3) {
      v1 = f32x4.extract_lane(a1, 3);
      v2 = f32x4.extract_lane(a2, 3);
      vi = i32x4.extract_lane(ai, 3);
    } else if (l == 4) {
      v1 = f32x4.extract_lane(b1, 0);
      v2 = f32x4.extract_lane(b2, 0);
      vi = i32x4.extract_lane(bi, 0);
    } else if (l == 5) {
      v1 = f32x4.extract_lane(b1, 1);
      v2 = f32x4.extract_lane(b2, 1);
      vi = i32x4.extract_lane(bi, 1);
    } else if (l == 6) {
      v1 = f32x4.extract_lane(b1, 2);
      v2 = f32x4.extract_lane(b2, 2);
      vi = i32x4.extract_lane(bi, 2);
    } else {
      v1 = f32x4.extract_lane(b1, 3);
      v2 = f32x4.extract_lane(b2, 3);
      vi = i32x4.extract_lane(bi, 3);
    }
    if (v2 < m2) m2 = v2;
    if (v1 < m1 || (v1 == m1 && vi < mi)) {
      if (m1 < m2) m2 = m1;
      m1 = v1;
      mi = vi;
    } else if (v1 < m2) m2 = v1;
  }
  fB1 = m1;
  fB2 = m2;
  return mi;
}

/** The ε-scaled auction on the f32 copy; leaves prices in PF and an assignment in COLOF/ROWOF. */
function auctionF32(range: f32): void {
  const n = N;
  let eps: f32 = range / INIT_DIV;
  const epsEnd: f32 = range / FINAL_DIV;
  for (;;) {
    // a new phase: every row bids again (its old slack is up to the old ε)
    for (let i = 0; i < n; i++) {
      sti(COLOF, i, -1);
      sti(ROWOF, i, -1);
      sti(QUEUE, i, i);
    }
    let count = n;
    let qh = 0;
    let qt = 0;
    while (count > 0) {
      const i = ldi(QUEUE, qh);
      qh = qh + 1 == n ? 0 : qh + 1;
      count--;
      cBids++;
      const j1 = bestF32(i);
      const pj = PF + (<usize>j1 << 2);
      store<f32>(pj, load<f32>(pj) + (fB2 - fB1) + eps);
      const prev = ldi(ROWOF, j1);
      sti(ROWOF, j1, i);
      sti(COLOF, i, j1);
      if (prev >= 0) {
        sti(COLOF, prev, -1);
        sti(QUEUE, qt, prev);
        qt = qt + 1 == n ? 0 : qt + 1;
        count++;
      }
    }
    if (eps <= epsEnd) break;
    eps = eps / THETA;
    if (eps < epsEnd) eps = epsEnd;
  }
}

// ---------------------------------------------------------------- f64 exact phase

/** min_j c_ij + p_j over row i (f64). */
function fullMin(i: i32): f64 {
  const row = rowPtr(i);
  const n = N;
  let m = f64x2.splat(Infinity);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j << 3;
    m = f64x2.pmin(m, f64x2.add(v128.load(row + o), v128.load(P + o)));
  }
  let s = fmin(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (j < n) s = fmin(s, value(row, j));
  return s;
}

/** Best column of row i (f64); gB1, gB2 = best and second-best values. */
function fullBest(i: i32): i32 {
  const row = rowPtr(i);
  const n = N;
  let b1 = f64x2.splat(Infinity);
  let b2 = b1;
  let ix = i64x2.splat(-1);
  let jv = i64x2(0, 1);
  const two = i64x2.splat(2);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j << 3;
    const v = f64x2.add(v128.load(row + o), v128.load(P + o));
    const lt = f64x2.lt(v, b1);
    b2 = v128.bitselect(b1, f64x2.pmin(b2, v), lt);
    b1 = f64x2.pmin(b1, v);
    ix = v128.bitselect(jv, ix, lt);
    jv = i64x2.add(jv, two);
  }
  let a1 = f64x2.extract_lane(b1, 0);
  let a2 = f64x2.extract_lane(b2, 0);
  let ai = <i32>i64x2.extract_lane(ix, 0);
  const c1 = f64x2.extract_lane(b1, 1);
  const c2 = f64x2.extract_lane(b2, 1);
  const ci = <i32>i64x2.extract_lane(ix, 1);
  if (c1 < a1 || (c1 == a1 && ci < ai)) {
    a2 = fmin(a1, c2);
    a1 = c1;
    ai = ci;
  } else {
    a2 = fmin(a2, c1);
  }
  if (j < n) {
    const v = value(row, j);
    if (v < a1) {
      a2 = a1;
      a1 = v;
      ai = j;
    } else if (v < a2) a2 = v;
  }
  gB1 = a1;
  gB2 = a2;
  return ai;
}

/**
 * The ε = 0 auction in f64, at most `cap` bids: rows that are not tight are
 * unassigned, then each bids for its best column with increment (second −
 * best). A row assigned by such a bid is tight and stays tight while it
 * keeps its column (other prices only rise).
 */
function auctionZero(cap: i32): void {
  const n = N;
  let qt = 0;
  for (let i = 0; i < n; i++) {
    const j = ldi(COLOF, i);
    if (j >= 0 && value(rowPtr(i), j) > fullMin(i)) {
      sti(COLOF, i, -1);
      sti(ROWOF, j, -1);
    }
    if (ldi(COLOF, i) < 0) sti(QUEUE, qt++, i);
  }
  let count = qt;
  if (qt == n) qt = 0;
  let qh = 0;
  let bids = 0;
  while (count > 0 && bids < cap) {
    bids++;
    const i = ldi(QUEUE, qh);
    qh = qh + 1 == n ? 0 : qh + 1;
    count--;
    const j1 = fullBest(i);
    stf(P, j1, ldf(P, j1) + (gB2 - gB1));
    const prev = ldi(ROWOF, j1);
    sti(ROWOF, j1, i);
    sti(COLOF, i, j1);
    if (prev >= 0) {
      sti(COLOF, prev, -1);
      sti(QUEUE, qt, prev);
      qt = qt + 1 == n ? 0 : qt + 1;
      count++;
    }
  }
  cZero = bids;
}

/**
 * Places free row i0 by a Dijkstra shortest augmenting path over reduced
 * costs r_ij = c_ij + p_j − u_i ≥ 0, then updates u, p so that reduced costs
 * stay ≥ 0 and those of assigned pairs = 0 (f64, SIMD over all columns).
 */
function augment(i0: i32): void {
  const n = N;
  const inf = f64x2.splat(Infinity);
  const zero = i64x2.splat(0);
  for (let j = 0; j + 1 < n; j += 2) {
    const o = <usize>j << 3;
    v128.store(SH + o, inf);
    v128.store(SCAN + o, zero);
  }
  if (n & 1) {
    stf(SH, n - 1, Infinity);
    store<i64>(SCAN + (<usize>(n - 1) << 3), 0);
  }
  let minVal: f64 = 0;
  let i = i0;
  let nsr = 0;
  let nsc = 0;
  let sink = -1;
  const two = i64x2.splat(2);
  while (sink < 0) {
    sti(SRL, nsr++, i);
    cScan++;
    const row = rowPtr(i);
    const shift = f64x2.splat(minVal - ldf(U, i));
    const rowIdx = i64x2.splat(<i64>i);
    let best = inf;
    let bix = i64x2.splat(-1);
    let jv = i64x2(0, 1);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = <usize>j << 3;
      const red = f64x2.add(f64x2.add(v128.load(row + o), v128.load(P + o)), shift);
      let sh = v128.load(SH + o);
      const scanned = v128.load(SCAN + o);
      const lt = v128.andnot(f64x2.lt(red, sh), scanned);
      sh = v128.bitselect(red, sh, lt);
      v128.store(SH + o, sh);
      v128.store(PATH + o, v128.bitselect(rowIdx, v128.load(PATH + o), lt));
      const key = v128.bitselect(inf, sh, scanned);
      const better = f64x2.lt(key, best);
      best = f64x2.pmin(best, key);
      bix = v128.bitselect(jv, bix, better);
      jv = i64x2.add(jv, two);
    }
    let lowest = f64x2.extract_lane(best, 0);
    let jstar = <i32>i64x2.extract_lane(bix, 0);
    const l1 = f64x2.extract_lane(best, 1);
    const j1 = <i32>i64x2.extract_lane(bix, 1);
    if (l1 < lowest || (l1 == lowest && j1 < jstar && j1 >= 0)) {
      lowest = l1;
      jstar = j1;
    }
    if (j < n) {
      // odd n: the last column, scalar
      if (load<i64>(SCAN + (<usize>j << 3)) == 0) {
        const red = value(row, j) + (minVal - ldf(U, i));
        let sh = ldf(SH, j);
        if (red < sh) {
          stf(SH, j, red);
          store<i64>(PATH + (<usize>j << 3), <i64>i);
          sh = red;
        }
        if (sh < lowest || jstar < 0) {
          lowest = sh;
          jstar = j;
        }
      }
    }
    minVal = lowest;
    store<i64>(SCAN + (<usize>jstar << 3), -1);
    sti(SCL, nsc++, jstar);
    const owner = ldi(ROWOF, jstar);
    if (owner < 0) sink = jstar;
    else i = owner;
  }
  stf(U, i0, ldf(U, i0) + minVal);
  for (let q = 1; q < nsr; q++) {
    const r = ldi(SRL, q);
    stf(U, r, ldf(U, r) + (minVal - ldf(SH, ldi(COLOF, r))));
  }
  for (let q = 0; q < nsc; q++) {
    const c = ldi(SCL, q);
    stf(P, c, ldf(P, c) + (minVal - ldf(SH, c)));
  }
  let j = sink;
  for (;;) {
    const r = <i32>load<i64>(PATH + (<usize>j << 3));
    sti(ROWOF, j, r);
    const t = ldi(COLOF, r);
    sti(COLOF, r, j);
    j = t;
    if (r == i0) break;
  }
}

/**
 * Solves the assignment problem for the n×n cost at `cost` (f64, row-major,
 * finite). Writes the assignment (row → column, i32) to `assign`, row
 * potentials u (f64) to `uOut` and column potentials v = −p (f64) to `vOut`,
 * with u_i + v_j ≤ c_ij and equality on the assignment (up to rounding).
 * Returns the number of rows the shortest-path phase had to place.
 */
export function solve(cost: usize, n: i32, assign: usize, uOut: usize, vOut: usize, work: usize): i32 {
  N = n;
  N4 = stride(n);
  C = cost;
  COLOF = assign;
  U = uOut;
  carve(work, n);
  cBids = 0;
  cZero = 0;
  cFree = 0;
  cScan = 0;
  const n4 = N4;
  // f32 copy of the row-reduced costs (c_ij − min_j c_ij ≥ 0), padded with +∞
  let range: f32 = 0;
  for (let i = 0; i < n; i++) {
    const row = rowPtr(i);
    let lo: f64 = Infinity;
    for (let j = 0; j < n; j++) lo = fmin(lo, load<f64>(row + (<usize>j << 3)));
    const dst = F + ((<usize>i * <usize>n4) << 2);
    let hi: f32 = 0;
    for (let j = 0; j < n; j++) {
      const v = <f32>(load<f64>(row + (<usize>j << 3)) - lo);
      store<f32>(dst + (<usize>j << 2), v);
      if (v > hi) hi = v;
    }
    for (let j = n; j < n4; j++) store<f32>(dst + (<usize>j << 2), Infinity);
    if (hi > range) range = hi;
  }
  for (let j = 0; j < n4; j++) store<f32>(PF + (<usize>j << 2), 0);
  for (let j = 0; j < n; j++) {
    sti(ROWOF, j, -1);
    sti(COLOF, j, -1);
  }
  if (n > 1 && range > 0 && range < Infinity) {
    auctionF32(range);
    for (let j = 0; j < n; j++) stf(P, j, <f64>load<f32>(PF + (<usize>j << 2)));
    auctionZero(ZCAP * n);
  } else {
    for (let j = 0; j < n; j++) stf(P, j, 0);
  }
  // certify every row with a full f64 pass; rows that are not tight are freed
  let nfree = 0;
  for (let i = 0; i < n; i++) {
    const m = fullMin(i);
    stf(U, i, m);
    const j = ldi(COLOF, i);
    if (j >= 0 && value(rowPtr(i), j) > m) {
      sti(COLOF, i, -1);
      sti(ROWOF, j, -1);
    }
    if (ldi(COLOF, i) < 0) sti(QUEUE, nfree++, i);
  }
  cFree = nfree;
  for (let q = 0; q < nfree; q++) augment(ldi(QUEUE, q));
  for (let j = 0; j < n; j++) store<f64>(vOut + (<usize>j << 3), -ldf(P, j));
  return nfree;
}

/** Squared Euclidean costs c_ij = Σ_d (x0[i, d] − x1[j, d])² of n points against m points in ℝ^dim. */
export function sqeuclidean(x0: usize, x1: usize, n: i32, m: i32, dim: i32, out: usize): void {
  if (dim == 2) {
    for (let i = 0; i < n; i++) {
      const ax = load<f64>(x0 + (<usize>(2 * i) << 3));
      const ay = load<f64>(x0 + (<usize>(2 * i + 1) << 3));
      const a = f64x2.splat(ax);
      const b = f64x2.splat(ay);
      const row = out + ((<usize>i * <usize>m) << 3);
      let j = 0;
      for (; j + 1 < m; j += 2) {
        // two points (y_j, y_{j+1}) = [x, y, x, y]: deinterleave
        const p = v128.load(x1 + (<usize>(2 * j) << 3));
        const q = v128.load(x1 + (<usize>(2 * j + 2) << 3));
        const dx = f64x2.sub(a, v128.shuffle<f64>(p, q, 0, 2));
        const dy = f64x2.sub(b, v128.shuffle<f64>(p, q, 1, 3));
        v128.store(row + (<usize>j << 3), f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)));
      }
      for (; j < m; j++) {
        const dx = ax - load<f64>(x1 + (<usize>(2 * j) << 3));
        const dy = ay - load<f64>(x1 + (<usize>(2 * j + 1) << 3));
        store<f64>(row + (<usize>j << 3), dx * dx + dy * dy);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const xi = x0 + ((<usize>i * <usize>dim) << 3);
    const row = out + ((<usize>i * <usize>m) << 3);
    for (let j = 0; j < m; j++) {
      const yj = x1 + ((<usize>j * <usize>dim) << 3);
      let s: f64 = 0;
      for (let d = 0; d < dim; d++) {
        const t = load<f64>(xi + (<usize>d << 3)) - load<f64>(yj + (<usize>d << 3));
        s += t * t;
      }
      store<f64>(row + (<usize>j << 3), s);
    }
  }
}
