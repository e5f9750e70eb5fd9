/**
 * Host side of the `assignment` WebAssembly kernel
 * (`core/backend/kernels/assembly/assignment.ts`): lays out the cost matrix
 * (or the points), outputs and workspace in the kernel's memory, grows it
 * when needed (it never shrinks: n = 4096 with a matrix keeps ≈ 200 MB),
 * calls `solve` / `solvePoints`, and copies the results out. Also the SIMD
 * matrix–vector products of `sinkhorn.ts`.
 *
 * @module
 */
import { instantiateKernel, kernelVariant } from "../backend/mod.ts";

interface AssignmentExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  workspaceBytes(n: number): number;
  solve(cost: number, n: number, assign: number, u: number, v: number, work: number): number;
  solvePoints(x0: number, x1: number, n: number, assign: number, u: number, v: number, work: number): number;
  sqeuclidean(x0: number, x1: number, n: number, m: number, dim: number, out: number, scratch: number): void;
  setParams(theta: number, finalA: number, initDiv: number, zcap: number, listLength: number): void;
  counter(k: number): number;
  matVec(K: number, x: number, n: number, m: number, out: number): void;
  matTVec(K: number, y: number, n: number, m: number, out: number): void;
}

/** The raw result of the kernel: assignment plus an optimality certificate. */
export interface KernelAssignment {
  /** Row i → column. */
  assignment: Int32Array;
  /** Row potentials u. */
  u: Float64Array;
  /** Column potentials v, with u_i + v_j ≤ c_ij and equality on the assignment. */
  v: Float64Array;
  /** Rows the exact (shortest augmenting path) phase had to place. */
  exactRows: number;
}

// Compiled asynchronously on purpose: under Deno 2.9 a module compiled with the
// synchronous `new WebAssembly.Module` (what `instantiateKernel` does) stays in
// V8's baseline tier (Liftoff, 10–30× slower here) for as long as the process
// is busy, while one compiled with `WebAssembly.compile` tiers up to the
// optimising compiler within a few calls (measured with a plain SIMD loop:
// ≈ 8 ns against 0.3 ns per element). If the binary cannot be read at import
// (e.g. no read permission), `instantiateKernel` is tried on first use instead
// and reports the problem then.
async function compileKernel(): Promise<WebAssembly.Module | undefined> {
  try {
    const variant = kernelVariant("assignment");
    const url = new URL(
      `../backend/kernels/build/assignment${variant === "relaxed" ? ".relaxed" : ""}.wasm`,
      import.meta.url,
    );
    return await WebAssembly.compile(await Deno.readFile(url));
  } catch {
    return undefined;
  }
}
const compiled = await compileKernel();

let kernel: AssignmentExports | undefined;

function getKernel(): AssignmentExports {
  if (kernel) return kernel;
  const env = {
    abort(_msg: number, _file: number, line: number, col: number): never {
      throw new Error(`Kernel "assignment" aborted at ${line}:${col}`);
    },
  };
  const instance = compiled ? new WebAssembly.Instance(compiled, { env }) : instantiateKernel("assignment");
  kernel = instance.exports as unknown as AssignmentExports;
  return kernel;
}

const align = (x: number) => Math.ceil(x / 16) * 16;

interface Layout {
  k: AssignmentExports;
  cost: number;
  assign: number;
  u: number;
  v: number;
  x0: number;
  x1: number;
  x1t: number;
  work: number;
}

function layout(n: number, pointBytes: number, matrix: boolean): Layout {
  const k = getKernel();
  const cost = align(k.heapBase());
  const assign = align(cost + (matrix ? n * n * 8 : 0));
  const u = align(assign + n * 4);
  const v = align(u + n * 8);
  const x0 = align(v + n * 8);
  const x1 = align(x0 + pointBytes);
  const x1t = align(x1 + pointBytes);
  const work = align(x1t + pointBytes);
  const end = work + k.workspaceBytes(n);
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  return { k, cost, assign, u, v, x0, x1, x1t, work };
}

function collect(l: Layout, n: number, code: number): KernelAssignment {
  const buf = l.k.memory.buffer;
  if (code < 0) {
    const c = new Float64Array(buf, l.cost, n * n);
    const k = c.findIndex((x) => !Number.isFinite(x));
    const i = Math.floor(k / n);
    throw new RangeError(
      `Cannot solve an assignment: cost[${i}, ${k - i * n}] is "${c[k]}": every cost must be finite`,
    );
  }
  return {
    assignment: new Int32Array(buf, l.assign, n).slice(),
    u: new Float64Array(buf, l.u, n).slice(),
    v: new Float64Array(buf, l.v, n).slice(),
    exactRows: code,
  };
}

function run(l: Layout, n: number): KernelAssignment {
  return collect(l, n, l.k.solve(l.cost, n, l.assign, l.u, l.v, l.work));
}

/** Solves the n×n assignment problem for a row-major cost matrix in the kernel. */
export function kernelSolve(cost: Float64Array, n: number): KernelAssignment {
  const l = layout(n, 0, true);
  new Float64Array(l.k.memory.buffer, l.cost, n * n).set(cost.subarray(0, n * n));
  return run(l, n);
}

/**
 * Solves the assignment problem for the squared Euclidean cost between n
 * points `x0` and n points `x1` in ℝ^dim (the cost matrix is built in the
 * kernel); `cost(i, j)` reads that matrix (valid until the next solve).
 */
export function kernelSolvePoints(
  x0: Float64Array,
  x1: Float64Array,
  n: number,
  dim: number,
): KernelAssignment & { cost: (i: number, j: number) => number } {
  let small = dim === 2;
  for (let k = 0; small && k < 2 * n; k++) small = Math.abs(x0[k]!) < 1e150 && Math.abs(x1[k]!) < 1e150;
  if (small) {
    // points in the plane: the kernel computes each c_ij when it needs it (no n×n f64 matrix)
    const l = layout(n, n * 16, false);
    const buf = l.k.memory.buffer;
    new Float64Array(buf, l.x0, 2 * n).set(x0.subarray(0, 2 * n));
    new Float64Array(buf, l.x1, 2 * n).set(x1.subarray(0, 2 * n));
    const out = collect(l, n, l.k.solvePoints(l.x0, l.x1, n, l.assign, l.u, l.v, l.work));
    const a = x0.slice(0, 2 * n);
    const b = x1.slice(0, 2 * n);
    const cost = (i: number, j: number) => {
      const dx = a[2 * i]! - b[2 * j]!;
      const dy = a[2 * i + 1]! - b[2 * j + 1]!;
      return dx * dx + dy * dy;
    };
    return { ...out, cost };
  }
  const l = layout(n, n * dim * 8, true);
  const buf = l.k.memory.buffer;
  new Float64Array(buf, l.x0, n * dim).set(x0.subarray(0, n * dim));
  new Float64Array(buf, l.x1, n * dim).set(x1.subarray(0, n * dim));
  l.k.sqeuclidean(l.x0, l.x1, n, n, dim, l.cost, l.x1t);
  const out = run(l, n);
  const c = new Float64Array(l.k.memory.buffer, l.cost, n * n);
  return { ...out, cost: (i: number, j: number) => c[i * n + j]! };
}

/** Tuning knobs of the kernel (for the benchmark); see the kernel source for their meaning. */
export interface KernelParams {
  theta: number;
  finalA: number;
  initDiv: number;
  zcap: number;
  listLength: number;
}

/** Default tuning of the kernel. */
export const DEFAULT_KERNEL_PARAMS: Readonly<KernelParams> = {
  theta: 5,
  finalA: 220,
  initDiv: 4,
  zcap: 3,
  listLength: 1.5,
};

/** Sets the kernel's tuning knobs (process-wide). */
export function setKernelParams(p: KernelParams): void {
  getKernel().setParams(p.theta, p.finalA, p.initDiv, p.zcap, p.listLength);
}

/** Work counters of the last solve (see the kernel's `counter`). */
export interface KernelCounters {
  /** Bids of the f32 auction. */
  bids: number;
  /** Bids of the ε = 0 auction. */
  zeroBids: number;
  /** Rows left to the shortest augmenting paths. */
  exactRows: number;
  /** Rows those searches scanned (through their lists). */
  exactScans: number;
  /** Candidate lists built (each two passes over a row). */
  listBuilds: number;
  /** Full row scans of the searches. */
  fullScans: number;
}

/** Work counters of the last solve. */
export function kernelCounters(): KernelCounters {
  const k = getKernel();
  return {
    bids: k.counter(0),
    zeroBids: k.counter(1),
    exactRows: k.counter(2),
    exactScans: k.counter(3),
    listBuilds: k.counter(4),
    fullScans: k.counter(5),
  };
}

/**
 * Buffers for Sinkhorn scalings in the kernel's memory: the absorbed kernel
 * K̃ (n × m), scalings u (n), v (m) and the products K̃v (n), K̃ᵀu (m), with
 * SIMD products. Valid until the next kernel call of another kind (the
 * memory is shared with the assignment solver).
 */
export interface SinkhornBuffers {
  kernel: Float64Array;
  u: Float64Array;
  v: Float64Array;
  kv: Float64Array;
  ktu: Float64Array;
  /** kv ← K̃ v. */
  rowProducts(): void;
  /** ktu ← K̃ᵀ u. */
  columnProducts(): void;
}

/** Allocates {@linkcode SinkhornBuffers} for an n × m problem. */
export function sinkhornBuffers(n: number, m: number): SinkhornBuffers {
  const k = getKernel();
  const kt = align(k.heapBase());
  const u = align(kt + n * m * 8);
  const v = align(u + n * 8);
  const kv = align(v + m * 8);
  const ktu = align(kv + n * 8);
  const end = align(ktu + m * 8);
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  const buf = k.memory.buffer;
  return {
    kernel: new Float64Array(buf, kt, n * m),
    u: new Float64Array(buf, u, n),
    v: new Float64Array(buf, v, m),
    kv: new Float64Array(buf, kv, n),
    ktu: new Float64Array(buf, ktu, m),
    rowProducts: () => k.matVec(kt, v, n, m, kv),
    columnProducts: () => k.matTVec(kt, u, n, m, ktu),
  };
}
