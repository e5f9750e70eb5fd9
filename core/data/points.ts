/**
 * Point sets: the `samples` that flow between nodes.
 *
 * @module
 */

/**
 * A set of `n` points in ℝ^dim, row-major: point i is
 * `data[i·dim … i·dim + dim − 1]`. Points carry class `labels` (0 … classes − 1)
 * where the data has classes (mixture component, moon, ring).
 */
export interface Points {
  /** Number of points. */
  readonly n: number;
  /** Dimension of each point. */
  readonly dim: number;
  /** `n · dim` coordinates, row-major. */
  readonly data: Float64Array;
  /** One class label per point, where the data has classes. */
  readonly labels?: Int32Array;
  /** Number of classes (labels lie in 0 … classes − 1). */
  readonly classes?: number;
}

/** Options for {@linkcode makePoints}. */
export interface MakePointsOptions {
  /** One label per point. */
  labels?: Int32Array;
  /** Number of classes; defaults to max(label) + 1. */
  classes?: number;
}

/**
 * Wraps row-major coordinates as {@linkcode Points}, checking the shapes.
 *
 * @example
 * ```ts
 * const p = makePoints(new Float64Array([0, 1, 2, 3]), 2); // two points in ℝ²
 * ```
 */
export function makePoints(data: Float64Array, dim: number, options: MakePointsOptions = {}): Points {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`Cannot make points of dimension "${dim}": expected a positive integer`);
  }
  if (data.length % dim !== 0) {
    throw new RangeError(`Cannot make points: ${data.length} coordinates are not a multiple of dimension ${dim}`);
  }
  const n = data.length / dim;
  const { labels } = options;
  if (labels === undefined) return { n, dim, data };
  if (labels.length !== n) throw new RangeError(`Cannot make points: ${labels.length} labels for ${n} points`);
  let max = -1;
  for (const l of labels) max = Math.max(max, l);
  return { n, dim, data, labels, classes: options.classes ?? max + 1 };
}

/** The points at `indices`, in that order (labels follow). */
export function selectPoints(p: Points, indices: ArrayLike<number>): Points {
  const out = new Float64Array(indices.length * p.dim);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]! * p.dim;
    for (let j = 0; j < p.dim; j++) out[i * p.dim + j] = p.data[src + j]!;
  }
  if (!p.labels) return { n: indices.length, dim: p.dim, data: out };
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) labels[i] = p.labels[indices[i]!]!;
  return {
    n: indices.length,
    dim: p.dim,
    data: out,
    labels,
    ...(p.classes !== undefined ? { classes: p.classes } : {}),
  };
}
