// Exact linear assignment, min Σ_i c[i, σ(i)] over permutations σ, for a
// dense f64 cost matrix (`solve`) or for the squared Euclidean cost between
// points in the plane, computed from the points when needed (`solvePoints`).
//
// 1. Approximate duals: a Gauss–Seidel forward auction with ε-scaling on an
//    f32 copy of the row-reduced costs (4 lanes per SIMD op; each bid scans
//    its full row for the best and second-best value).
// 2. Exact finish in f64, on candidate lists: each row keeps the columns
//    whose c_ij + p_j lies below a threshold τ_i (about k of them, at most
//    2k) — so τ_i is a lower bound of every other column's value, and stays
//    one because prices only rise from here on. A capped ε = 0 auction (every row it assigns
//    is tight), a pass that certifies each row (its column attains
//    min_j c_ij + p_j, exactly: the list minimum when it is ≤ τ_i, else the
//    list is rebuilt from the full row) and frees the others, then Dijkstra
//    shortest augmenting paths for the free rows, which keep every reduced
//    cost ≥ 0 and the assigned ones = 0. Dijkstra relaxes a scanned row's
//    list only and records the bound (distance + τ_i − u_i) of its other
//    columns; the row's full scan happens only if that bound becomes the
//    smallest label, so the search is exact. Only step 2 decides optimality;
//    step 1 only makes it cheap.
//
// Price form: prices p_j, row potentials u_i, reduced cost
// r_ij = c_ij + p_j − u_i. On return r_ij ≥ 0 everywhere and r_iσ(i) = 0 (up
// to rounding), i.e. u_i + v_j ≤ c_ij with v_j = −p_j: a certificate of
// optimality.
//
// The host (core/couplings/_assignment_wasm.ts) owns memory: it writes the
// cost matrix or the points, asks `workspaceBytes(n)`, grows memory, then
// calls `solve` / `solvePoints`. Everything is deterministic: the same input
// gives the same assignment.

// Tuning parameters (setParams); defaults chosen with bench/ot_bench.ts.
let THETA: f32 = 5.0; // largest ratio of successive ε
let FINAL_A: f32 = 220; // the last auction phase has ε = C / max(1000, FINAL_A · n^0.6)
let INIT_DIV: f32 = 4.0; // the first has ε = C / INIT_DIV
let ZCAP: i32 = 3; // bids of the ε = 0 phase, in units of n
let KA: f32 = 1.5; // target candidate list length of the exact phase: round(KA · n^(1/3)), within 6 … 24

// Counters of the last solve (counter(q)).
let cBids: i32 = 0;
let cZero: i32 = 0;
let cFree: i32 = 0;
let cScan: i32 = 0;
let cBuild: i32 = 0;
let cFull: i32 = 0;

// Problem and workspace of the current solve.
let N: i32 = 0;
let N4: i32 = 0; // row stride of the f32 copy: n rounded up to a multiple of 8
let K: i32 = 0; // target list length in use (at most n − 1)
let KMAX: i32 = 0; // longest list kept: min(2 K, n − 1)
let C: usize = 0; // cost [n, n] f64 (matrix mode)
let MODE: i32 = 0; // 0: cost matrix C; 1: squared distances of points in the plane, computed on the fly
let XA: usize = 0; // points mode: sources [n, 2] f64
let XBX: usize = 0; // points mode: target x coordinates [n] f64
let XBY: usize = 0; // points mode: target y coordinates [n] f64
let F: usize = 0; // row-reduced f32 cost [n, n4], padded with +∞
let PF: usize = 0; // f32 prices [n4]
let P: usize = 0; // f64 prices [n]
let U: usize = 0; // row potentials [n] f64
let COLOF: usize = 0; // row → column [n] i32
let ROWOF: usize = 0; // column → row [n] i32
let QUEUE: usize = 0; // [n] i32
let LIST: usize = 0; // candidate columns [n, kmax] i32
let LEN: usize = 0; // list lengths [n] i32
let TAU: usize = 0; // [n] f64: lower bound of c_ij + p_j off the list (−∞: no list yet)
let SPAN: usize = 0; // [n] f64: τ − min at the last build (guides the next)
let BV: usize = 0; // selection buffer values [4 (kmax + 1)] f64
let BJ: usize = 0; // selection buffer columns [4 (kmax + 1)] i32
let SH: usize = 0; // tentative path lengths [n] f64 (+∞ untouched, −∞ finalised)
let SCD: usize = 0; // path lengths of the finalised columns, in SCL order [n] f64
let PATH: usize = 0; // predecessor row of each column [n] i32
let HEAP: usize = 0; // binary min-heap of columns keyed by SH [n] i32
let POS: usize = 0; // position of each column in HEAP, −1 if absent [n] i32
let TOUCH: usize = 0; // columns whose SH was set [n] i32
let SRL: usize = 0; // scanned rows [n] i32
let SCL: usize = 0; // finalised columns [n] i32
let PR: usize = 0; // rows with a pending full scan [n] i32
let PB: usize = 0; // their bounds [n] f64
let PD: usize = 0; // their distances (scanned rows in SRL order) [n] f64
let gSpan: f64 = 0;

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
/** c_ij: the matrix entry, or (a_x − b_x)² + (a_y − b_y)² from the points (same operations as `sqeuclidean`). */
// @ts-ignore: decorator
@inline function cost(i: i32, j: i32): f64 {
  if (MODE == 0) return load<f64>(rowPtr(i) + (<usize>j << 3));
  const dx = load<f64>(XA + (<usize>(2 * i) << 3)) - ldf(XBX, j);
  const dy = load<f64>(XA + (<usize>(2 * i + 1) << 3)) - ldf(XBY, j);
  return dx * dx + dy * dy;
}
/** c_ij + p_j. */
// @ts-ignore: decorator
@inline function val(i: i32, j: i32): f64 {
  return cost(i, j) + ldf(P, j);
}
/** (c_ij, c_i,j+1) as f64x2, for row i given by its pointer (matrix mode) or its point splatted (ax, ay). */
// @ts-ignore: decorator
@inline function costs2(row: usize, ax: v128, ay: v128, j: i32): v128 {
  if (MODE == 0) return v128.load(row + (<usize>j << 3));
  const dx = f64x2.sub(ax, v128.load(XBX + (<usize>j << 3)));
  const dy = f64x2.sub(ay, v128.load(XBY + (<usize>j << 3)));
  return f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy));
}
// @ts-ignore: decorator
@inline function rowAx(i: i32): v128 {
  return MODE == 0 ? f64x2.splat(0) : f64x2.splat(load<f64>(XA + (<usize>(2 * i) << 3)));
}
// @ts-ignore: decorator
@inline function rowAy(i: i32): v128 {
  return MODE == 0 ? f64x2.splat(0) : f64x2.splat(load<f64>(XA + (<usize>(2 * i + 1) << 3)));
}
// @ts-ignore: decorator
@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}
// Minimum without NaN handling (all values here are finite or ±∞): V8 lowers
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
export function setParams(theta: f32, finalA: f32, initDiv: f32, zcap: i32, listLength: f32): void {
  THETA = theta;
  FINAL_A = finalA;
  INIT_DIV = initDiv;
  ZCAP = zcap;
  KA = listLength;
}

/**
 * Counters of the last solve: 0 auction bids, 1 ε = 0 bids, 2 rows left to
 * the shortest paths, 3 rows they scanned, 4 list builds, 5 full row scans
 * of the shortest paths.
 */
export function counter(q: i32): i32 {
  if (q == 0) return cBids;
  if (q == 1) return cZero;
  if (q == 2) return cFree;
  if (q == 3) return cScan;
  if (q == 4) return cBuild;
  return cFull;
}

// @ts-ignore: decorator
@inline function stride(n: i32): i32 {
  return (n + 7) & ~7;
}

// @ts-ignore: decorator
@inline function listLength(n: i32): i32 {
  return min(min(24, max(6, <i32>Mathf.round(KA * Mathf.pow(<f32>n, 1.0 / 3.0)))), n - 1);
}

/** Bytes of workspace `solve` needs for size n (beyond the cost matrix and outputs). */
export function workspaceBytes(n: i32): usize {
  const nn = <usize>n;
  const n4 = <usize>stride(n);
  const kmax = <usize>min(2 * listLength(n), n - 1);
  const buf = 4 * (kmax + 1);
  return align16((nn * n4) << 2) + align16(n4 << 2) + 9 * align16(nn << 3) + 12 * align16(nn << 2) +
    align16((nn * kmax) << 2) + align16(buf << 3) + align16(buf << 2) + 64;
}

function carve(work: usize, n: i32): void {
  const nn = <usize>n;
  const n4 = <usize>N4;
  const kmax = <usize>KMAX;
  const buf = 4 * (kmax + 1);
  let w = align16(work);
  F = w;
  w += align16((nn * n4) << 2);
  PF = w;
  w += align16(n4 << 2);
  P = w;
  w += align16(nn << 3);
  TAU = w;
  w += align16(nn << 3);
  SPAN = w;
  w += align16(nn << 3);
  SH = w;
  w += align16(nn << 3);
  PB = w;
  w += align16(nn << 3);
  PD = w;
  w += align16(nn << 3);
  SCD = w;
  w += align16(nn << 3);
  XBX = w;
  w += align16(nn << 3);
  XBY = w;
  w += align16(nn << 3);
  BV = w;
  w += align16(buf << 3);
  ROWOF = w;
  w += align16(nn << 2);
  QUEUE = w;
  w += align16(nn << 2);
  PATH = w;
  w += align16(nn << 2);
  HEAP = w;
  w += align16(nn << 2);
  POS = w;
  w += align16(nn << 2);
  TOUCH = w;
  w += align16(nn << 2);
  SRL = w;
  w += align16(nn << 2);
  SCL = w;
  w += align16(nn << 2);
  PR = w;
  w += align16(nn << 2);
  LEN = w;
  w += align16(nn << 2);
  BJ = w;
  w += align16(buf << 2);
  LIST = w;
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
  // merge the two sets lane by lane, then the four lanes pairwise: the best of
  // two (best, second) pairs is the smaller best, the second is
  // min(both seconds, the larger best)
  let lt = f32x4.lt(b1, a1);
  let m2 = f32x4.pmin(f32x4.pmin(a2, b2), f32x4.pmax(a1, b1));
  let m1 = f32x4.pmin(a1, b1);
  let mi = v128.bitselect(bi, ai, lt);
  // lanes (2, 3) against (0, 1)
  let s1 = v128.shuffle<i32>(m1, m1, 2, 3, 0, 1);
  let s2 = v128.shuffle<i32>(m2, m2, 2, 3, 0, 1);
  let si = v128.shuffle<i32>(mi, mi, 2, 3, 0, 1);
  lt = f32x4.lt(s1, m1);
  m2 = f32x4.pmin(f32x4.pmin(m2, s2), f32x4.pmax(m1, s1));
  m1 = f32x4.pmin(m1, s1);
  mi = v128.bitselect(si, mi, lt);
  // lane 1 against lane 0
  s1 = v128.shuffle<i32>(m1, m1, 1, 0, 3, 2);
  s2 = v128.shuffle<i32>(m2, m2, 1, 0, 3, 2);
  si = v128.shuffle<i32>(mi, mi, 1, 0, 3, 2);
  lt = f32x4.lt(s1, m1);
  m2 = f32x4.pmin(f32x4.pmin(m2, s2), f32x4.pmax(m1, s1));
  m1 = f32x4.pmin(m1, s1);
  mi = v128.bitselect(si, mi, lt);
  fB1 = f32x4.extract_lane(m1, 0);
  fB2 = f32x4.extract_lane(m2, 0);
  return i32x4.extract_lane(mi, 0);
}

/** The ε-scaled auction on the f32 copy; leaves prices in PF and an assignment in COLOF/ROWOF. */
function auctionF32(range: f32): void {
  const n = N;
  // phases from ε = C / INIT_DIV to C / finalDiv, a constant ratio ≤ THETA apart; the last ε
  // follows the gap between a row's best values, which shrinks with n (tuned at n = 256 … 1024)
  const finalDiv = max<f32>(1000, FINAL_A * Mathf.pow(<f32>n, 0.6));
  const phases = 1 + <i32>Mathf.ceil(Mathf.log(finalDiv / INIT_DIV) / Mathf.log(THETA) - 1e-4);
  const ratio: f32 = phases > 1 ? Mathf.pow(finalDiv / INIT_DIV, 1.0 / <f32>(phases - 1)) : 1;
  let eps: f32 = range / INIT_DIV;
  for (let phase = 0; phase < phases; phase++) {
    if (phase > 0) eps = eps / ratio;
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
  }
}

// ---------------------------------------------------------------- f64 lists

/** min_j c_ij + p_j over row i (f64). */
function fullMin(i: i32): f64 {
  const row = rowPtr(i);
  const ax = rowAx(i);
  const ay = rowAy(i);
  const n = N;
  let m = f64x2.splat(Infinity);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    m = f64x2.pmin(m, f64x2.add(costs2(row, ax, ay, j), v128.load(P + (<usize>j << 3))));
  }
  let s = fmin(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (j < n) s = fmin(s, val(i, j));
  return s;
}

/**
 * Partially orders BV/BJ[0, cnt) so that the q + 1 smallest values come first
 * and position q holds the (q + 1)-th smallest (quickselect, median of three).
 */
function selectSmallest(cnt: i32, q: i32): void {
  let lo = 0;
  let hi = cnt - 1;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    const a = ldf(BV, lo);
    const b = ldf(BV, mid);
    const c = ldf(BV, hi);
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let x = lo;
    let y = hi;
    while (x <= y) {
      while (ldf(BV, x) < pivot) x++;
      while (ldf(BV, y) > pivot) y--;
      if (x <= y) {
        const tv = ldf(BV, x);
        stf(BV, x, ldf(BV, y));
        stf(BV, y, tv);
        const tj = ldi(BJ, x);
        sti(BJ, x, ldi(BJ, y));
        sti(BJ, y, tj);
        x++;
        y--;
      }
    }
    if (q <= y) hi = y;
    else if (q >= x) lo = x;
    else return;
  }
}

// Threshold of the last collect (lowered when its buffer filled), and the row minimum it saw.
let gThr: f64 = 0;
let gMin: f64 = 0;

/** Collects the columns with c_ij + p_j < thr into BV/BJ (keeping the kmax + 1 smallest whenever the buffer fills). */
function collect(i: i32, thr: f64): i32 {
  const row = rowPtr(i);
  const ax = rowAx(i);
  const ay = rowAy(i);
  const n = N;
  const h = KMAX + 1;
  const cap = 4 * h;
  let cnt = 0;
  let tv = f64x2.splat(thr);
  let mv = f64x2.splat(Infinity);
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const o = <usize>j << 3;
    const va = f64x2.add(costs2(row, ax, ay, j), v128.load(P + o));
    const vb = f64x2.add(costs2(row, ax, ay, j + 2), v128.load(P + o, 16));
    mv = f64x2.pmin(mv, f64x2.pmin(va, vb));
    if (v128.any_true(v128.or(f64x2.lt(va, tv), f64x2.lt(vb, tv)))) {
      for (let l = 0; l < 4; l++) {
        const v = l == 0
          ? f64x2.extract_lane(va, 0)
          : l == 1
          ? f64x2.extract_lane(va, 1)
          : l == 2
          ? f64x2.extract_lane(vb, 0)
          : f64x2.extract_lane(vb, 1);
        if (v < thr) {
          stf(BV, cnt, v);
          sti(BJ, cnt++, j + l);
        }
      }
      if (cnt >= cap - 4) {
        // keep the kmax smallest; the (kmax + 1)-th becomes the threshold
        selectSmallest(cnt, h - 1);
        thr = ldf(BV, h - 1);
        cnt = h - 1;
        tv = f64x2.splat(thr);
      }
    }
  }
  for (; j < n; j++) {
    const v = val(i, j);
    mv = f64x2.pmin(mv, f64x2.splat(v));
    if (v < thr) {
      stf(BV, cnt, v);
      sti(BJ, cnt++, j);
    }
  }
  const m = fmin(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
  gThr = thr;
  gMin = m;
  return cnt;
}

/**
 * Candidate list of row i: the columns whose value c_ij + p_j lies below a
 * threshold τ_i (at most kmax of them, the smallest), chosen so that about
 * k qualify; every other column's value is ≥ τ_i, and stays so while prices
 * only rise. The threshold is the value of the row's assigned column (close
 * to the row minimum after the auction; one pass) or the row minimum (two
 * passes) plus a span learnt from the row's (or the previous row's) last
 * build.
 */
function buildList(i: i32): void {
  cBuild++;
  let span = ldf(SPAN, i);
  if (!(span > 0)) span = gSpan;
  if (!(span > 0)) span = 1;
  const ja = ldi(COLOF, i);
  let cnt: i32;
  if (ja >= 0) {
    cnt = collect(i, val(i, ja) + span);
  } else {
    cnt = collect(i, -Infinity);
    cnt = collect(i, gMin + span);
  }
  const m = gMin;
  let tries = 0;
  while (cnt < (K + 1) >> 1 && tries < 3) {
    span *= 4;
    cnt = collect(i, tries == 2 ? Infinity : m + span);
    tries++;
  }
  let tau = gThr;
  if (cnt > KMAX) {
    selectSmallest(cnt, KMAX);
    tau = ldf(BV, KMAX);
    cnt = KMAX;
  }
  const dst = LIST + ((<usize>i * <usize>KMAX) << 2);
  for (let q = 0; q < cnt; q++) store<i32>(dst + (<usize>q << 2), ldi(BJ, q));
  sti(LEN, i, cnt);
  stf(TAU, i, tau);
  // next span: aim at k entries (for points in the plane the count grows about linearly with the span)
  let next = (tau - m) * <f64>K / <f64>max(cnt, 1);
  if (!(next > 0)) next = tau - m;
  stf(SPAN, i, next);
  if (next > 0) gSpan = next;
}

/** min_j c_ij + p_j of row i, exactly, from its list (rebuilt when stale). */
function rowMin(i: i32): f64 {
  if (ldf(TAU, i) == -Infinity) buildList(i);
  const lst = LIST + ((<usize>i * <usize>KMAX) << 2);
  let len = ldi(LEN, i);
  let m: f64 = Infinity;
  for (let q = 0; q < len; q++) m = fmin(m, val(i, load<i32>(lst + (<usize>q << 2))));
  if (m > ldf(TAU, i)) {
    buildList(i);
    len = ldi(LEN, i);
    m = Infinity;
    for (let q = 0; q < len; q++) m = fmin(m, val(i, load<i32>(lst + (<usize>q << 2))));
  }
  return m;
}

/** Best column of row i from its list (rebuilt when stale); gB1 = its value, gB2 = a lower bound of every other column's value. */
function listBest(i: i32): i32 {
  if (ldf(TAU, i) == -Infinity) buildList(i);
  const lst = LIST + ((<usize>i * <usize>KMAX) << 2);
  let b1: f64 = Infinity;
  let b2: f64 = Infinity;
  let j1 = -1;
  for (let pass = 0; pass < 2; pass++) {
    b1 = Infinity;
    b2 = Infinity;
    j1 = -1;
    const len = ldi(LEN, i);
    for (let q = 0; q < len; q++) {
      const j = load<i32>(lst + (<usize>q << 2));
      const v = val(i, j);
      if (v < b2) {
        if (v < b1) {
          b2 = b1;
          b1 = v;
          j1 = j;
        } else b2 = v;
      }
    }
    if (b1 <= ldf(TAU, i)) break;
    buildList(i);
  }
  gB1 = b1;
  gB2 = fmin(b2, ldf(TAU, i));
  return j1;
}

// ---------------------------------------------------------------- f64 exact phase

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
    if (j >= 0 && val(i, j) > rowMin(i)) {
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
    const j1 = listBest(i);
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

// Indexed binary min-heap of columns keyed by SH (ties: lower column first).
let hs: i32 = 0;

// @ts-ignore: decorator
@inline function heapLess(a: i32, b: i32): bool {
  const x = ldf(SH, a);
  const y = ldf(SH, b);
  return x < y || (x == y && a < b);
}

function heapUp(j: i32): void {
  let q = ldi(POS, j);
  while (q > 0) {
    const parent = (q - 1) >> 1;
    const pj = ldi(HEAP, parent);
    if (!heapLess(j, pj)) break;
    sti(HEAP, q, pj);
    sti(POS, pj, q);
    q = parent;
  }
  sti(HEAP, q, j);
  sti(POS, j, q);
}

function heapPop(): i32 {
  const top = ldi(HEAP, 0);
  sti(POS, top, -1);
  hs--;
  if (hs > 0) {
    const j = ldi(HEAP, hs);
    let q = 0;
    for (;;) {
      let c = 2 * q + 1;
      if (c >= hs) break;
      let cj = ldi(HEAP, c);
      if (c + 1 < hs) {
        const dj = ldi(HEAP, c + 1);
        if (heapLess(dj, cj)) {
          c++;
          cj = dj;
        }
      }
      if (!heapLess(cj, j)) break;
      sti(HEAP, q, cj);
      sti(POS, cj, q);
      q = c;
    }
    sti(HEAP, q, j);
    sti(POS, j, q);
  }
  return top;
}

let nTouch: i32 = 0;

/** Offers path length nd to column j through row i. */
// @ts-ignore: decorator
@inline function relax(j: i32, nd: f64, i: i32): void {
  const old = ldf(SH, j);
  if (nd < old) {
    if (old == Infinity) sti(TOUCH, nTouch++, j);
    stf(SH, j, nd);
    sti(PATH, j, i);
    if (ldi(POS, j) < 0) {
      sti(POS, j, hs);
      sti(HEAP, hs++, j);
    }
    heapUp(j);
  }
}

/**
 * Places free row i0 by a Dijkstra shortest augmenting path over reduced
 * costs r_ij = c_ij + p_j − u_i ≥ 0 (lazy: lists first, full rows only when
 * their bound is the smallest label), then updates u, p so that reduced
 * costs stay ≥ 0 and those of assigned pairs = 0, and augments.
 */
function augment(i0: i32): void {
  const n = N;
  let nsr = 0;
  let nsc = 0;
  let np = 0;
  hs = 0;
  nTouch = 0;
  let pmin: f64 = Infinity;
  let pidx = -1;
  let minVal: f64 = 0;
  let sink = -1;
  let i = i0;
  let d: f64 = 0;
  for (;;) {
    // scan row i (at distance d) through its list; its other columns are pending
    sti(SRL, nsr++, i);
    cScan++;
    if (ldf(TAU, i) == -Infinity) buildList(i);
    const ui = ldf(U, i);
    const lst = LIST + ((<usize>i * <usize>KMAX) << 2);
    const len = ldi(LEN, i);
    for (let q = 0; q < len; q++) {
      const j = load<i32>(lst + (<usize>q << 2));
      relax(j, d + (val(i, j) - ui), i);
    }
    const bound = d + (ldf(TAU, i) - ui);
    sti(PR, np, i);
    stf(PB, np, bound);
    stf(PD, np, d);
    if (bound < pmin) {
      pmin = bound;
      pidx = np;
    }
    np++;
    // next label: the smallest tentative length, unless a pending bound is smaller
    for (;;) {
      const smin = hs > 0 ? ldf(SH, ldi(HEAP, 0)) : Infinity;
      if (pmin <= smin && pidx >= 0) {
        // full scan of the pending row
        cFull++;
        const r = ldi(PR, pidx);
        const dr = ldf(PD, pidx);
        stf(PB, pidx, Infinity);
        const rrow = rowPtr(r);
        const rax = rowAx(r);
        const ray = rowAy(r);
        const ur = ldf(U, r);
        const drs = f64x2.splat(dr);
        const urs = f64x2.splat(ur);
        let j = 0;
        for (; j + 1 < n; j += 2) {
          const o = <usize>j << 3;
          // the same operations as the scalar dr + ((c + p) − ur) of relax
          const nd = f64x2.add(drs, f64x2.sub(f64x2.add(costs2(rrow, rax, ray, j), v128.load(P + o)), urs));
          if (v128.any_true(f64x2.lt(nd, v128.load(SH + o)))) {
            relax(j, dr + (val(r, j) - ur), r);
            relax(j + 1, dr + (val(r, j + 1) - ur), r);
          }
        }
        if (j < n) relax(j, dr + (val(r, j) - ur), r);
        pmin = Infinity;
        pidx = -1;
        for (let q = 0; q < np; q++) {
          const b = ldf(PB, q);
          if (b < pmin) {
            pmin = b;
            pidx = q;
          }
        }
        continue;
      }
      break;
    }
    const j = heapPop();
    minVal = ldf(SH, j);
    stf(SCD, nsc, minVal);
    sti(SCL, nsc++, j);
    stf(SH, j, -Infinity);
    const owner = ldi(ROWOF, j);
    if (owner < 0) {
      sink = j;
      break;
    }
    i = owner;
    d = minVal;
  }
  // duals: u_i0 += minVal; u_r += minVal − d_r for the other scanned rows; p_j += minVal − d_j for finalised columns
  stf(U, i0, ldf(U, i0) + minVal);
  for (let q = 1; q < nsr; q++) {
    const r = ldi(SRL, q);
    stf(U, r, ldf(U, r) + (minVal - ldf(PD, q)));
  }
  for (let q = 0; q < nsc; q++) {
    const c = ldi(SCL, q);
    stf(P, c, ldf(P, c) + (minVal - ldf(SCD, q)));
  }
  let j = sink;
  for (;;) {
    const r = ldi(PATH, j);
    sti(ROWOF, j, r);
    const t = ldi(COLOF, r);
    sti(COLOF, r, j);
    j = t;
    if (r == i0) break;
  }
  // reset the search state
  for (let q = 0; q < nTouch; q++) {
    const c = ldi(TOUCH, q);
    stf(SH, c, Infinity);
    sti(POS, c, -1);
  }
  while (hs > 0) sti(POS, ldi(HEAP, --hs), -1);
}

/**
 * Solves the assignment problem for the n×n cost at `cost` (f64, row-major,
 * finite). Writes the assignment (row → column, i32) to `assign`, row
 * potentials u (f64) to `uOut` and column potentials v = −p (f64) to `vOut`,
 * with u_i + v_j ≤ c_ij and equality on the assignment (up to rounding).
 * Returns the number of rows the shortest-path phase had to place, or −1
 * (and nothing solved) when a cost is not finite.
 */
export function solve(cost: usize, n: i32, assign: usize, uOut: usize, vOut: usize, work: usize): i32 {
  MODE = 0;
  C = cost;
  // every cost must be finite: x − x is 0 for finite x and NaN for ±∞ and NaN
  let bad = f64x2.splat(0);
  const total = <usize>n * <usize>n;
  let k: usize = 0;
  for (; k + 1 < total; k += 2) {
    const x = v128.load(C + (k << 3));
    bad = f64x2.add(bad, f64x2.sub(x, x));
  }
  let badSum = f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1);
  if (k < total) {
    const x = load<f64>(C + (k << 3));
    badSum += x - x;
  }
  if (badSum != 0) return -1;
  return run(n, assign, uOut, vOut, work);
}

/**
 * `solve` for the squared Euclidean cost between n points `x0` and n points
 * `x1` in the plane (row-major [n, 2] f64, finite, |coordinates| < 1e150 so
 * that every cost is finite), computing each c_ij from the points when it
 * is needed instead of reading a matrix.
 */
export function solvePoints(x0: usize, x1: usize, n: i32, assign: usize, uOut: usize, vOut: usize, work: usize): i32 {
  MODE = 1;
  XA = x0;
  N = n;
  N4 = stride(n);
  K = listLength(n);
  KMAX = min(2 * K, n - 1);
  carve(work, n);
  for (let j = 0; j < n; j++) {
    stf(XBX, j, load<f64>(x1 + (<usize>(2 * j) << 3)));
    stf(XBY, j, load<f64>(x1 + (<usize>(2 * j + 1) << 3)));
  }
  return run(n, assign, uOut, vOut, work);
}

function run(n: i32, assign: usize, uOut: usize, vOut: usize, work: usize): i32 {
  N = n;
  N4 = stride(n);
  K = listLength(n);
  KMAX = min(2 * K, n - 1);
  COLOF = assign;
  U = uOut;
  carve(work, n);
  cBids = 0;
  cZero = 0;
  cFree = 0;
  cScan = 0;
  cBuild = 0;
  cFull = 0;
  if (n == 1) {
    sti(COLOF, 0, 0);
    stf(U, 0, cost(0, 0));
    store<f64>(vOut, 0);
    return 0;
  }
  const n4 = N4;
  // f32 copy of the row-reduced costs (c_ij − min_j c_ij ≥ 0), padded with +∞
  let range: f64 = 0;
  for (let i = 0; i < n; i++) {
    const row = rowPtr(i);
    const ax = rowAx(i);
    const ay = rowAy(i);
    let lov = f64x2.splat(Infinity);
    let j = 0;
    for (; j + 1 < n; j += 2) lov = f64x2.pmin(lov, costs2(row, ax, ay, j));
    let lo = fmin(f64x2.extract_lane(lov, 0), f64x2.extract_lane(lov, 1));
    if (j < n) lo = fmin(lo, cost(i, j));
    const lo2 = f64x2.splat(lo);
    const dst = F + ((<usize>i * <usize>n4) << 2);
    let hiv = f64x2.splat(0);
    j = 0;
    for (; j + 3 < n; j += 4) {
      const a = f64x2.sub(costs2(row, ax, ay, j), lo2);
      const b = f64x2.sub(costs2(row, ax, ay, j + 2), lo2);
      hiv = f64x2.pmax(hiv, f64x2.pmax(a, b));
      const fa = f32x4.demote_f64x2_zero(a);
      const fb = f32x4.demote_f64x2_zero(b);
      v128.store(dst + (<usize>j << 2), v128.shuffle<i32>(fa, fb, 0, 1, 4, 5));
    }
    let hi = f64x2.extract_lane(hiv, 0);
    if (f64x2.extract_lane(hiv, 1) > hi) hi = f64x2.extract_lane(hiv, 1);
    for (; j < n; j++) {
      const v = cost(i, j) - lo;
      store<f32>(dst + (<usize>j << 2), <f32>v);
      if (v > hi) hi = v;
    }
    for (j = n; j < n4; j++) store<f32>(dst + (<usize>j << 2), Infinity);
    if (hi > range) range = hi;
  }
  for (let j = 0; j < n4; j++) store<f32>(PF + (<usize>j << 2), 0);
  for (let j = 0; j < n; j++) {
    sti(ROWOF, j, -1);
    sti(COLOF, j, -1);
    stf(TAU, j, -Infinity);
    stf(SPAN, j, 0);
    stf(SH, j, Infinity);
    sti(POS, j, -1);
  }
  gSpan = range * <f64>(K + 1) / <f64>n;
  if (range > 0 && range < Infinity) {
    auctionF32(<f32>range);
    for (let j = 0; j < n; j++) stf(P, j, <f64>load<f32>(PF + (<usize>j << 2)));
  } else {
    for (let j = 0; j < n; j++) stf(P, j, 0);
  }
  auctionZero(ZCAP * n);
  // certify every row (exactly: list minimum ≤ τ, else the list is rebuilt); rows that are not tight are freed
  let nfree = 0;
  for (let i = 0; i < n; i++) {
    const m = rowMin(i);
    stf(U, i, m);
    const j = ldi(COLOF, i);
    if (j >= 0 && val(i, j) > m) {
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

/**
 * Squared Euclidean costs c_ij = Σ_d (x0[i, d] − x1[j, d])² of n points
 * against m points in ℝ^dim (row-major), summed over d in order. For
 * dim ≠ 2 the target points are first transposed into `scratch`
 * (m · dim f64) so that each row is built with contiguous SIMD loads.
 */
export function sqeuclidean(x0: usize, x1: usize, n: i32, m: i32, dim: i32, out: usize, scratch: usize): void {
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
  for (let j = 0; j < m; j++) {
    for (let d = 0; d < dim; d++) {
      store<f64>(scratch + ((<usize>d * <usize>m + <usize>j) << 3), load<f64>(x1 + ((<usize>j * <usize>dim + <usize>d) << 3)));
    }
  }
  // rows accumulate four coordinates per sweep (same order of additions as Σ_d, so the same rounding)
  const mm = <usize>m;
  for (let i = 0; i < n; i++) {
    const row = out + ((<usize>i * mm) << 3);
    const xi = x0 + ((<usize>i * <usize>dim) << 3);
    for (let j = 0; j < m; j++) store<f64>(row + (<usize>j << 3), 0);
    let d = 0;
    for (; d + 3 < dim; d += 4) {
      const s0 = f64x2.splat(load<f64>(xi + (<usize>d << 3)));
      const s1 = f64x2.splat(load<f64>(xi + (<usize>(d + 1) << 3)));
      const s2 = f64x2.splat(load<f64>(xi + (<usize>(d + 2) << 3)));
      const s3 = f64x2.splat(load<f64>(xi + (<usize>(d + 3) << 3)));
      const y0 = scratch + ((<usize>d * mm) << 3);
      const y1 = y0 + (mm << 3);
      const y2 = y1 + (mm << 3);
      const y3 = y2 + (mm << 3);
      let j = 0;
      for (; j + 1 < m; j += 2) {
        const o = <usize>j << 3;
        const t0 = f64x2.sub(s0, v128.load(y0 + o));
        const t1 = f64x2.sub(s1, v128.load(y1 + o));
        const t2 = f64x2.sub(s2, v128.load(y2 + o));
        const t3 = f64x2.sub(s3, v128.load(y3 + o));
        let acc = f64x2.add(v128.load(row + o), f64x2.mul(t0, t0));
        acc = f64x2.add(acc, f64x2.mul(t1, t1));
        acc = f64x2.add(acc, f64x2.mul(t2, t2));
        acc = f64x2.add(acc, f64x2.mul(t3, t3));
        v128.store(row + o, acc);
      }
      for (; j < m; j++) {
        const o = <usize>j << 3;
        const t0 = f64x2.extract_lane(s0, 0) - load<f64>(y0 + o);
        const t1 = f64x2.extract_lane(s1, 0) - load<f64>(y1 + o);
        const t2 = f64x2.extract_lane(s2, 0) - load<f64>(y2 + o);
        const t3 = f64x2.extract_lane(s3, 0) - load<f64>(y3 + o);
        store<f64>(row + o, load<f64>(row + o) + t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3);
      }
    }
    for (; d < dim; d++) {
      const xd = load<f64>(xi + (<usize>d << 3));
      const xs = f64x2.splat(xd);
      const yt = scratch + ((<usize>d * mm) << 3);
      let j = 0;
      for (; j + 1 < m; j += 2) {
        const o = <usize>j << 3;
        const t = f64x2.sub(xs, v128.load(yt + o));
        v128.store(row + o, f64x2.add(v128.load(row + o), f64x2.mul(t, t)));
      }
      for (; j < m; j++) {
        const t = xd - load<f64>(yt + (<usize>j << 3));
        store<f64>(row + (<usize>j << 3), load<f64>(row + (<usize>j << 3)) + t * t);
      }
    }
  }
}

// ---------------------------------------------------------------- Sinkhorn products

/** out_i = Σ_j K[i, j] x_j for the n×m row-major K (f64, SIMD, pairwise lanes). */
export function matVec(K: usize, x: usize, n: i32, m: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const row = K + ((<usize>i * <usize>m) << 3);
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    let j = 0;
    for (; j + 3 < m; j += 4) {
      const o = <usize>j << 3;
      a = f64x2.add(a, f64x2.mul(v128.load(row + o), v128.load(x + o)));
      b = f64x2.add(b, f64x2.mul(v128.load(row + o, 16), v128.load(x + o, 16)));
    }
    a = f64x2.add(a, b);
    let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    for (; j < m; j++) s += load<f64>(row + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
    store<f64>(out + (<usize>i << 3), s);
  }
}

/** out_j = Σ_i K[i, j] y_i for the n×m row-major K (f64, SIMD). */
export function matTVec(K: usize, y: usize, n: i32, m: i32, out: usize): void {
  for (let j = 0; j < m; j++) store<f64>(out + (<usize>j << 3), 0);
  for (let i = 0; i < n; i++) {
    const row = K + ((<usize>i * <usize>m) << 3);
    const yi = load<f64>(y + (<usize>i << 3));
    const ys = f64x2.splat(yi);
    let j = 0;
    for (; j + 1 < m; j += 2) {
      const o = <usize>j << 3;
      v128.store(out + o, f64x2.add(v128.load(out + o), f64x2.mul(v128.load(row + o), ys)));
    }
    for (; j < m; j++) {
      const o = <usize>j << 3;
      store<f64>(out + o, load<f64>(out + o) + load<f64>(row + o) * yi);
    }
  }
}
