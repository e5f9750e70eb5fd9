/**
 * Exact optimal transport between point sets of different sizes with uniform
 * weights (the earth mover's distance for the squared Euclidean cost).
 *
 * With n points a (mass 1/n each) and m points b (mass 1/m each), let
 * g = gcd(n, m) and L = n·m / g. The transportation polytope with integer
 * supplies L/n and demands L/m has integral vertices, so an optimal plan has
 * entries that are multiples of 1/L: it is an optimal assignment between L
 * copies — each a_i repeated L/n times, each b_j repeated L/m times — and
 *
 *     min_π Σ_ij π_ij ‖a_i − b_j‖² = (1/L) · min_σ Σ_k ‖a′_k − b′_σ(k)‖².
 *
 * The assignment is solved exactly by the WebAssembly kernel; L is capped so
 * that its L×L cost matrix stays reasonable.
 *
 * @module
 */
import type { Points } from "../data/points.ts";
import { kernelSolvePoints } from "./_assignment_wasm.ts";

/** Largest replicated size L = lcm(n, m) {@linkcode exactTransportCost} accepts. */
export const MAX_REPLICATED_SIZE = 3072;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function replicate(p: Points, times: number): Float64Array {
  const out = new Float64Array(p.n * times * p.dim);
  for (let i = 0; i < p.n; i++) {
    const src = p.data.subarray(i * p.dim, (i + 1) * p.dim);
    for (let r = 0; r < times; r++) out.set(src, (i * times + r) * p.dim);
  }
  return out;
}

/**
 * The exact optimal transport cost `min_π Σ_ij π_ij ‖a_i − b_j‖²` over
 * couplings π with uniform marginals (1/n on a, 1/m on b) — W2² — for any
 * sizes n, m with lcm(n, m) ≤ {@linkcode MAX_REPLICATED_SIZE}.
 *
 * @example
 * ```ts
 * import { makePoints } from "../data/points.ts";
 * exactTransportCost(makePoints(new Float64Array([0]), 1), makePoints(new Float64Array([1, 3]), 1)); // (1 + 9) / 2 = 5
 * ```
 */
export function exactTransportCost(a: Points, b: Points): number {
  if (a.dim !== b.dim) {
    throw new RangeError(`Cannot transport between dimensions ${a.dim} and ${b.dim}: the point sets must match`);
  }
  const n = a.n;
  const m = b.n;
  if (!(n >= 1 && m >= 1)) {
    throw new RangeError(`Cannot transport between ${n} and ${m} points: both must be non-empty`);
  }
  const size = (n / gcd(n, m)) * m;
  if (size > MAX_REPLICATED_SIZE) {
    throw new RangeError(
      `Cannot compute exact OT between ${n} and ${m} points: lcm(${n}, ${m}) = ${size} exceeds ${MAX_REPLICATED_SIZE}; ` +
        `use equal sizes or sizes with a small common multiple`,
    );
  }
  for (const p of [a, b]) {
    for (let k = 0; k < p.n * p.dim; k++) {
      if (!Number.isFinite(p.data[k]!)) {
        throw new RangeError(
          `Cannot compute exact OT: coordinate ${k} is "${p.data[k]}": every coordinate must be finite`,
        );
      }
    }
  }
  const x0 = size === n ? a.data : replicate(a, size / n);
  const x1 = size === m ? b.data : replicate(b, size / m);
  const r = kernelSolvePoints(x0, x1, size, a.dim);
  let total = 0;
  for (let i = 0; i < size; i++) total += r.cost(i, r.assignment[i]!);
  return total / size;
}
