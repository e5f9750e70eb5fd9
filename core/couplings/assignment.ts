/**
 * Exact optimal transport between equal-size point sets, as a linear
 * assignment problem (MATH.md §5, minibatch OT):
 *
 *     σ* = argmin_σ Σ_i c[i, σ(i)]  over permutations σ of {0, …, n − 1}.
 *
 * Solved in WebAssembly (`core/backend/kernels/assembly/assignment.ts`): an
 * ε-scaling auction on an f32 copy of the costs finds near-optimal dual
 * prices, then an f64 phase on per-row candidate lists with exact bounds (a
 * capped ε = 0 auction, a certification of every row, and Dijkstra shortest
 * augmenting paths for the rows left) makes the assignment optimal. For
 * points in the plane the f64 costs are computed from the points when needed
 * (no n×n f64 matrix). The result carries the dual certificate
 * (u, v): u_i + v_j ≤ c_ij for all i, j with equality on the assignment, so
 * Σ_i c[i, σ(i)] = Σ_i u_i + Σ_j v_j equals the LP lower bound. Deterministic:
 * the same costs give the same permutation.
 *
 * @module
 */
import type { Points } from "../data/points.ts";
import { kernelSolve, kernelSolvePoints } from "./_assignment_wasm.ts";
import { exactTransportCost } from "./emd.ts";

/** An optimal assignment with its dual certificate. */
export interface AssignmentResult {
  /** Row i → column `assignment[i]` (a permutation of 0 … n − 1). */
  assignment: Int32Array;
  /** `Σ_i cost[i, assignment[i]]`. */
  cost: number;
  /**
   * Row potentials u of the dual certificate: with `columnPotentials` v,
   * `u_i + v_j ≤ cost[i, j]` for all i, j and equality on the assignment (up
   * to rounding), which proves the assignment optimal.
   */
  rowPotentials: Float64Array;
  /** Column potentials v of the dual certificate (see `rowPotentials`). */
  columnPotentials: Float64Array;
}

function checkSize(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot ${what}: size "${n}" must be a positive integer`);
  }
}

/**
 * The minimum-cost assignment of an n×n cost matrix (row-major, finite
 * entries): `min_σ Σ_i cost[i, σ(i)]` over permutations σ.
 *
 * @example
 * ```ts
 * const r = solveAssignment(new Float64Array([4, 1, 2, 3]), 2);
 * r.assignment; // Int32Array [1, 0]: cost 1 + 2 = 3
 * ```
 */
export function solveAssignment(cost: Float64Array, n: number): AssignmentResult {
  checkSize("solve an assignment", n);
  if (cost.length !== n * n) {
    throw new RangeError(
      `Cannot solve an assignment of size ${n}: the cost has ${cost.length} entries, expected ${n * n}`,
    );
  }
  const r = kernelSolve(cost, n); // throws on a non-finite cost
  let total = 0;
  for (let i = 0; i < n; i++) total += cost[i * n + r.assignment[i]!]!;
  return { assignment: r.assignment, cost: total, rowPotentials: r.u, columnPotentials: r.v };
}

/** Options of {@linkcode exactOtPermutation}. */
export interface ExactOtOptions {
  /** Number of points on each side. */
  n: number;
  /** Dimension of the points. */
  dim: number;
}

function checkPoints(what: string, x: Float64Array, n: number, dim: number): void {
  if (x.length < n * dim) {
    throw new RangeError(`Cannot ${what}: ${x.length} coordinates for ${n} points of dimension ${dim}`);
  }
  for (let k = 0; k < n * dim; k++) {
    if (!Number.isFinite(x[k]!)) {
      throw new RangeError(`Cannot ${what}: coordinate ${k} is "${x[k]}": every coordinate must be finite`);
    }
  }
}

/**
 * The optimal pairing of n points x0 with n points x1 (row-major, ℝ^dim) for
 * the squared Euclidean cost: `π = argmin_π Σ_i ‖x0_i − x1_{π(i)}‖²`; x0_i is
 * paired with x1_{π[i]}. The costs are built inside the kernel (computed on
 * the fly for dim = 2). This is the per-step solve of OT-CFM minibatches.
 *
 * @example
 * ```ts
 * const perm = exactOtPermutation(new Float64Array([0, 5]), new Float64Array([5, 0]), { n: 2, dim: 1 });
 * perm; // Int32Array [1, 0]
 * ```
 */
export function exactOtPermutation(x0: Float64Array, x1: Float64Array, options: ExactOtOptions): Int32Array {
  const { n, dim } = options;
  checkSize("pair points by exact OT", n);
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`Cannot pair points by exact OT: dimension "${dim}" must be a positive integer`);
  }
  checkPoints("pair points by exact OT", x0, n, dim);
  checkPoints("pair points by exact OT", x1, n, dim);
  return kernelSolvePoints(x0, x1, n, dim).assignment;
}

/**
 * The exact 2-Wasserstein distance between two point sets with uniform
 * weights, `W2 = sqrt(min_π Σ_ij π_ij ‖a_i − b_j‖²)` over couplings π with
 * marginals 1/n and 1/m. For equal sizes the optimum is a permutation and
 * `W2 = sqrt(mean_i ‖a_i − b_σ(i)‖²)`; for n ≠ m see
 * {@linkcode exactTransportCost}.
 *
 * @example
 * ```ts
 * import { makePoints } from "../data/points.ts";
 * w2Exact(makePoints(new Float64Array([0, 1]), 1), makePoints(new Float64Array([3, 4]), 1)); // 3
 * ```
 */
export function w2Exact(a: Points, b: Points): number {
  if (a.dim !== b.dim) {
    throw new RangeError(`Cannot compute W2 between dimensions ${a.dim} and ${b.dim}: the point sets must match`);
  }
  checkSize("compute W2", a.n);
  checkSize("compute W2", b.n);
  if (a.n !== b.n) return Math.sqrt(Math.max(0, exactTransportCost(a, b)));
  const n = a.n;
  checkPoints("compute W2", a.data, n, a.dim);
  checkPoints("compute W2", b.data, n, b.dim);
  const r = kernelSolvePoints(a.data, b.data, n, a.dim);
  let total = 0;
  for (let i = 0; i < n; i++) total += r.cost(i, r.assignment[i]!);
  return Math.sqrt(Math.max(0, total / n));
}
