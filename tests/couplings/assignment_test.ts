import assert from "node:assert/strict";
import { compileKernel } from "../../core/backend/kernels/build.ts";
import {
  exactOtPermutation,
  exactTransportCost,
  MAX_REPLICATED_SIZE,
  solveAssignment,
  w2Exact,
} from "../../core/couplings/mod.ts";
import { makePoints } from "../../core/data/points.ts";
import { createRng, type Rng } from "../../core/random/mod.ts";

interface GoldenCase {
  n: number;
  d: number;
  a: number[][];
  b: number[][];
  total_cost: number;
  w2: number;
}
const golden = JSON.parse(
  Deno.readTextFileSync(new URL("../golden/assignment.json", import.meta.url)),
) as { cases: GoldenCase[] };

function sqDist(a: Float64Array, b: Float64Array, n: number, m: number, dim: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const e = a[i * dim + d]! - b[j * dim + d]!;
        s += e * e;
      }
      c[i * m + j] = s;
    }
  }
  return c;
}

function permCost(c: Float64Array, n: number, perm: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += c[i * n + perm[i]!]!;
  return s;
}

function assertPermutation(perm: Int32Array, n: number): void {
  assert.equal(perm.length, n);
  const seen = new Uint8Array(n);
  for (const j of perm) {
    assert.ok(j >= 0 && j < n, `column ${j} out of range`);
    assert.equal(seen[j], 0, `column ${j} assigned twice`);
    seen[j] = 1;
  }
}

/**
 * The optimality certificate: u_i + v_j ≤ c_ij for all (i, j), equality on
 * the assignment, hence Σu + Σv = cost (LP duality). Floating-point slack:
 * the potentials are sums of O(n) differences of costs, each exact to half
 * an ulp of the cost scale, so 1e-9 · scale leaves room for n up to ~10⁶.
 */
function assertCertificate(c: Float64Array, n: number, r: ReturnType<typeof solveAssignment>): void {
  assertPermutation(r.assignment, n);
  let scale = 1;
  for (const x of c) scale = Math.max(scale, Math.abs(x));
  for (const x of r.rowPotentials) scale = Math.max(scale, Math.abs(x));
  for (const x of r.columnPotentials) scale = Math.max(scale, Math.abs(x));
  const tol = 1e-9 * scale;
  let dual = 0;
  for (let i = 0; i < n; i++) {
    const ui = r.rowPotentials[i]!;
    dual += ui;
    for (let j = 0; j < n; j++) {
      const slack = c[i * n + j]! - ui - r.columnPotentials[j]!;
      assert.ok(slack >= -tol, `u_${i} + v_${j} exceeds c_${i}${j} by ${-slack}`);
    }
    const j = r.assignment[i]!;
    const gap = c[i * n + j]! - ui - r.columnPotentials[j]!;
    assert.ok(Math.abs(gap) <= tol, `assigned pair (${i}, ${j}) has reduced cost ${gap}`);
  }
  for (const v of r.columnPotentials) dual += v;
  assert.ok(Math.abs(dual - r.cost) <= n * tol, `duality gap ${r.cost - dual}`);
  assert.equal(r.cost, permCost(c, n, r.assignment));
}

/** Minimum over all n! permutations (Heap's algorithm). */
function bruteForce(c: Float64Array, n: number): number {
  const p = Array.from({ length: n }, (_, i) => i);
  const stack = new Array<number>(n).fill(0);
  let best = permCost(c, n, p);
  let k = 0;
  while (k < n) {
    if (stack[k]! < k) {
      const a = k % 2 === 0 ? 0 : stack[k]!;
      [p[a], p[k]] = [p[k]!, p[a]!];
      best = Math.min(best, permCost(c, n, p));
      stack[k]!++;
      k = 0;
    } else {
      stack[k] = 0;
      k++;
    }
  }
  return best;
}

/** A textbook O(n³) Hungarian method (potentials, shortest augmenting paths), independent of the kernel. */
function hungarian(c: Float64Array, n: number): number {
  const INF = Infinity;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // column → row (1-based), 0 = free
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(INF);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = c[(i0 - 1) * n + j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0);
  }
  let s = 0;
  for (let j = 1; j <= n; j++) s += c[(p[j]! - 1) * n + j - 1]!;
  return s;
}

function randomCost(rng: Rng, n: number, kind: "uniform" | "ties" | "wide"): Float64Array {
  const c = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    c[k] = kind === "uniform" ? rng.uniform() : kind === "ties" ? rng.int(4) : Math.exp(20 * rng.uniform() - 10);
  }
  return c;
}

function normalPoints(rng: Rng, n: number, dim: number, scale = 1, shift = 0): Float64Array {
  const x = new Float64Array(n * dim);
  for (let k = 0; k < n * dim; k++) x[k] = shift + scale * rng.normal();
  return x;
}

Deno.test("exactOtPermutation() matches every golden optimal cost to 1e-9 relative", () => {
  for (const g of golden.cases) {
    const a = new Float64Array(g.a.flat());
    const b = new Float64Array(g.b.flat());
    const perm = exactOtPermutation(a, b, { n: g.n, dim: g.d });
    assertPermutation(perm, g.n);
    const c = sqDist(a, b, g.n, g.n, g.d);
    const cost = permCost(c, g.n, perm);
    assert.ok(Math.abs(cost - g.total_cost) <= 1e-9 * g.total_cost, `n=${g.n}: ${cost} vs ${g.total_cost}`);
  }
});

Deno.test("solveAssignment() matches the golden costs with a valid dual certificate", () => {
  for (const g of golden.cases) {
    const c = sqDist(new Float64Array(g.a.flat()), new Float64Array(g.b.flat()), g.n, g.n, g.d);
    const r = solveAssignment(c, g.n);
    assert.ok(Math.abs(r.cost - g.total_cost) <= 1e-9 * g.total_cost, `n=${g.n}: ${r.cost} vs ${g.total_cost}`);
    assertCertificate(c, g.n, r);
  }
});

Deno.test("w2Exact() matches the golden W2 to 1e-9 relative", () => {
  for (const g of golden.cases) {
    const w2 = w2Exact(makePoints(new Float64Array(g.a.flat()), g.d), makePoints(new Float64Array(g.b.flat()), g.d));
    assert.ok(Math.abs(w2 - g.w2) <= 1e-9 * g.w2, `n=${g.n}: ${w2} vs ${g.w2}`);
  }
});

Deno.test("solveAssignment() equals brute-force enumeration for n ≤ 7", () => {
  const rng = createRng(11, "assignment brute force");
  for (let n = 1; n <= 7; n++) {
    for (const kind of ["uniform", "ties", "wide"] as const) {
      for (let rep = 0; rep < 6; rep++) {
        const c = randomCost(rng, n, kind);
        const r = solveAssignment(c, n);
        const best = bruteForce(c, n);
        assert.ok(
          Math.abs(r.cost - best) <= 1e-12 * Math.max(1, Math.abs(best)),
          `n=${n} ${kind}: ${r.cost} vs ${best}`,
        );
        assertCertificate(c, n, r);
      }
    }
  }
});

Deno.test("solveAssignment() certifies optimality on random, tied, wide-range and shifted costs", () => {
  const rng = createRng(12, "assignment certificate");
  for (const n of [1, 2, 3, 17, 64, 200, 333]) {
    for (const kind of ["uniform", "ties", "wide"] as const) {
      const c = randomCost(rng, n, kind);
      const r = solveAssignment(c, n);
      assertCertificate(c, n, r);
      if (n <= 200) assert.ok(Math.abs(r.cost - hungarian(c, n)) <= 1e-9 * Math.max(1, r.cost), `n=${n} ${kind}`);
    }
  }
  // negative costs and a large common offset do not change the optimum
  const n = 50;
  const base = randomCost(rng, n, "uniform");
  const ref = solveAssignment(base, n).cost;
  for (const offset of [-1e3, 1e6]) {
    const c = base.map((x) => x + offset);
    const r = solveAssignment(c, n);
    assertCertificate(c, n, r);
    assert.ok(Math.abs(r.cost - (ref + n * offset)) <= 1e-9 * Math.abs(n * offset), `offset ${offset}`);
  }
});

Deno.test("solveAssignment() handles constant, all-tied and Monge costs", () => {
  for (const n of [1, 2, 5, 40]) {
    const flat = new Float64Array(n * n).fill(3.5);
    const r = solveAssignment(flat, n);
    assertCertificate(flat, n, r);
    assert.equal(r.cost, 3.5 * n);
  }
  // c_ij = −i·j is Monge-like: the identity is optimal (rearrangement inequality), cost −Σ i²
  const n = 60;
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] = -i * j;
  const r = solveAssignment(c, n);
  assertCertificate(c, n, r);
  let expected = 0;
  for (let i = 0; i < n; i++) expected -= i * i;
  assert.equal(r.cost, expected);
});

Deno.test("exactOtPermutation() certifies optimality with duplicated and shifted points", () => {
  const rng = createRng(13, "assignment points");
  for (const [n, dim] of [[1, 2], [2, 2], [2, 1], [9, 3], [128, 2], [300, 2], [257, 5]] as const) {
    const x0 = normalPoints(rng, n, dim);
    const x1 = normalPoints(rng, n, dim, 1.5, 0.7);
    if (n >= 9) {
      // duplicated points on both sides: ties between assignments
      for (let d = 0; d < dim; d++) {
        x0[dim + d] = x0[d]!;
        x1[3 * dim + d] = x1[5 * dim + d]!;
      }
    }
    const c = sqDist(x0, x1, n, n, dim);
    const perm = exactOtPermutation(x0, x1, { n, dim });
    const r = solveAssignment(c, n);
    assertCertificate(c, n, r);
    assert.ok(Math.abs(permCost(c, n, perm) - r.cost) <= 1e-9 * Math.max(1, r.cost), `n=${n} dim=${dim}`);
  }
});

Deno.test("solveAssignment() is deterministic: the same costs give the same permutation", () => {
  const rng = createRng(14, "assignment determinism");
  const n = 300;
  const x0 = normalPoints(rng, n, 2);
  const x1 = normalPoints(rng, n, 2, 2, 1);
  const c = sqDist(x0, x1, n, n, 2);
  const first = solveAssignment(c, n).assignment;
  solveAssignment(randomCost(rng, 77, "ties"), 77); // other work in between
  assert.deepEqual(solveAssignment(c, n).assignment, first);
  assert.deepEqual(exactOtPermutation(x0, x1, { n, dim: 2 }), exactOtPermutation(x0, x1, { n, dim: 2 }));
});

Deno.test("w2Exact() of unequal sizes equals the optimum of the replicated assignment", () => {
  const rng = createRng(15, "assignment unequal");
  // one point against m: every unit of mass travels to every target, W2² = mean distance²
  const one = makePoints(new Float64Array([0.5, -1]), 2);
  const many = makePoints(normalPoints(rng, 7, 2), 2);
  let mean = 0;
  for (let j = 0; j < 7; j++) mean += (many.data[2 * j]! - 0.5) ** 2 + (many.data[2 * j + 1]! + 1) ** 2;
  mean /= 7;
  assert.ok(Math.abs(w2Exact(one, many) ** 2 - mean) <= 1e-12 * mean);
  assert.ok(Math.abs(exactTransportCost(many, one) - mean) <= 1e-12 * mean);
  // 6 against 4: lcm 12, compared with the independent Hungarian method on the replicated costs
  const a = makePoints(normalPoints(rng, 6, 2), 2);
  const b = makePoints(normalPoints(rng, 4, 2, 1, 2), 2);
  const ra = new Float64Array(24);
  const rb = new Float64Array(24);
  for (let k = 0; k < 12; k++) {
    ra.set(a.data.subarray(2 * Math.floor(k / 2), 2 * Math.floor(k / 2) + 2), 2 * k);
    rb.set(b.data.subarray(2 * Math.floor(k / 3), 2 * Math.floor(k / 3) + 2), 2 * k);
  }
  const expected = hungarian(sqDist(ra, rb, 12, 12, 2), 12) / 12;
  assert.ok(Math.abs(exactTransportCost(a, b) - expected) <= 1e-12 * expected);
  assert.ok(Math.abs(w2Exact(a, b) - Math.sqrt(expected)) <= 1e-12 * Math.sqrt(expected));
});

Deno.test("solveAssignment() and friends reject bad input with a clear message", () => {
  assert.throws(() => solveAssignment(new Float64Array(3), 2), /expected 4/);
  assert.throws(() => solveAssignment(new Float64Array([0, 1, NaN, 2]), 2), /cost\[1, 0\] is "NaN"/);
  assert.throws(() => solveAssignment(new Float64Array(0), 0), /size "0" must be a positive integer/);
  assert.throws(
    () => exactOtPermutation(new Float64Array([0, Infinity]), new Float64Array([0, 1]), { n: 2, dim: 1 }),
    /coordinate 1 is "Infinity"/,
  );
  assert.throws(() => w2Exact(makePoints(new Float64Array(2), 2), makePoints(new Float64Array(3), 3)), /dimensions/);
  const big = MAX_REPLICATED_SIZE + 1;
  assert.throws(
    () => exactTransportCost(makePoints(new Float64Array(big), 1), makePoints(new Float64Array(big - 1), 1)),
    /Cannot compute exact OT between \d+ and \d+ points: lcm/,
  );
});

Deno.test("the committed assignment kernels are what their AssemblyScript source compiles to", async () => {
  for (const relaxed of [false, true]) {
    const file = new URL(
      `../../core/backend/kernels/build/assignment${relaxed ? ".relaxed" : ""}.wasm`,
      import.meta.url,
    );
    const committed = Deno.readFileSync(file);
    const built = await compileKernel("assignment", relaxed);
    assert.ok(
      committed.length === built.length && committed.every((b, i) => b === built[i]),
      `${file.pathname} is stale: run "deno task build" and commit it`,
    );
  }
});
