/**
 * Data node kinds: toy distributions (each a generator, and a finite set when
 * `n` is given), files, and splits.
 *
 * @module
 */
import { z } from "zod";
import { dirname } from "node:path";
import {
  checkerboard,
  circles,
  type Distribution,
  eightGaussians,
  ellipse,
  gaussian,
  mixture,
  moons,
  parseCsv,
  parseNpy,
  type Points,
  sCurve,
  spirals,
  splitPoints,
  swissRoll,
  transformed,
} from "../../data/mod.ts";
import { sha256Hex } from "../canonical.ts";
import { defineKind, type NodeKind, type StaticInfo } from "../kind.ts";
import type { SampleSet } from "../values.ts";

/** Parameters every generator takes: `n` (a finite set of that size), `scale`, `offset`. */
const common = {
  n: z.number().int().min(1).optional(),
  scale: z.number().refine((v) => v !== 0, "scale must be non-zero").default(1),
  offset: z.union([z.number(), z.array(z.number()).min(1)]).default(0),
};

/** The parameters every generator has. */
interface CommonParams {
  n?: number | undefined;
  scale: number;
  offset: number | number[];
}

interface GeneratorSpec<P extends CommonParams> {
  kind: string;
  summary: string;
  /** The strict schema: the kind's own fields plus {@linkcode common}. */
  params: z.ZodType<P>;
  /** Builds the base distribution from the params. */
  build(params: P): Distribution;
  /** Static info beyond n (dimension, classes, score). */
  info(params: P): Omit<StaticInfo, "finite" | "generator">;
}

function generatorKind<P extends CommonParams>(spec: GeneratorSpec<P>): NodeKind<P> {
  const distribution = (p: P): Distribution => transformed(spec.build(p), { scale: p.scale, offset: p.offset });
  return {
    kind: spec.kind,
    version: 1,
    summary: spec.summary,
    params: spec.params,
    inputs: {},
    outputs: { samples: "samples" },
    cache: "store",
    random: true,
    describe: ({ params: p }) => ({ samples: { ...spec.info(p), finite: p.n !== undefined, generator: true } }),
    check({ params: p }) {
      const dim = spec.info(p).dim;
      if (Array.isArray(p.offset) && dim !== undefined && p.offset.length !== dim) {
        return [{
          field: "params.offset",
          message: `offset has ${p.offset.length} values for dimension ${dim}`,
          fix: `give ${dim} values or one number`,
        }];
      }
      return [];
    },
    run({ params: p, rng }) {
      const dist = distribution(p);
      const out: SampleSet = { distribution: dist };
      if (p.n !== undefined) out.points = dist.sample(p.n, rng.derive("points"));
      return { samples: out };
    },
    restore({ params: p }, outputs) {
      return { samples: { ...(outputs.samples as SampleSet), distribution: distribution(p) } };
    },
  };
}

const positive = z.number().positive();
const nonNegative = z.number().min(0);

const gaussianKind = generatorKind({
  kind: "data.gaussian",
  summary: "Gaussian N(mean, diag(std²)); the usual source",
  params: z.strictObject({
    dim: z.number().int().min(1).default(2),
    mean: z.union([z.number(), z.array(z.number())]).default(0),
    std: z.union([positive, z.array(positive)]).default(1),
    ...common,
  }),
  build: (p) => gaussian({ dim: p.dim, mean: p.mean, std: p.std }),
  info: (p) => {
    const centred = (typeof p.mean === "number" ? p.mean === 0 : p.mean.every((v) => v === 0)) &&
      (typeof p.offset === "number" ? p.offset === 0 : p.offset.every((v) => v === 0));
    const stds = typeof p.std === "number" ? [p.std] : p.std;
    const std = stds.every((s) => s === stds[0]) ? stds[0] : undefined;
    return {
      dim: p.dim,
      hasScore: true,
      ...(centred && std !== undefined ? { gaussianStd: Math.abs(p.scale) * std } : {}),
    };
  },
});

const mixtureKind = generatorKind({
  kind: "data.mixture",
  summary: "isotropic Gaussian mixture Σ w_k N(μ_k, std² I); labels are the component",
  params: z.strictObject({
    means: z.array(z.array(z.number()).min(1)).min(1),
    std: positive,
    weights: z.array(nonNegative).optional(),
    ...common,
  }),
  build: (p) => mixture({ means: p.means, std: p.std, ...(p.weights ? { weights: p.weights } : {}) }),
  info: (p) => ({ dim: p.means[0]!.length, classes: p.means.length, hasScore: true }),
});

const eightGaussiansKind = generatorKind({
  kind: "data.eight_gaussians",
  summary: "eight Gaussians on a circle of the given radius",
  params: z.strictObject({ radius: positive.default(5), std: positive.default(0.5), ...common }),
  build: (p) => eightGaussians({ radius: p.radius, std: p.std }),
  info: () => ({ dim: 2, classes: 8, hasScore: true }),
});

const moonsKind = generatorKind({
  kind: "data.moons",
  summary: "two interleaved half circles; labels are the moon",
  params: z.strictObject({ noise: nonNegative.default(0.05), ...common }),
  build: (p) => moons({ noise: p.noise }),
  info: () => ({ dim: 2, classes: 2 }),
});

const ellipseKind = generatorKind({
  kind: "data.ellipse",
  summary: "points on a rotated ellipse with semi-axes a, b, plus noise",
  params: z.strictObject({
    a: positive.default(2),
    b: positive.default(1),
    angle: z.number().default(30),
    noise: nonNegative.default(0.05),
    ...common,
  }),
  build: (p) => ellipse({ a: p.a, b: p.b, angle: p.angle, noise: p.noise }),
  info: () => ({ dim: 2 }),
});

const checkerboardKind = generatorKind({
  kind: "data.checkerboard",
  summary: "FFJORD's checkerboard on [−4, 4]²",
  params: z.strictObject({ ...common }),
  build: () => checkerboard(),
  info: () => ({ dim: 2 }),
});

const circlesKind = generatorKind({
  kind: "data.circles",
  summary: "two concentric circles; labels are the ring",
  params: z.strictObject({ factor: z.number().gt(0).lt(1).default(0.5), noise: nonNegative.default(0.05), ...common }),
  build: (p) => circles({ factor: p.factor, noise: p.noise }),
  info: () => ({ dim: 2, classes: 2 }),
});

const spiralsKind = generatorKind({
  kind: "data.spirals",
  summary: "two interleaved spirals; labels are the arm",
  params: z.strictObject({ noise: nonNegative.default(0.1), ...common }),
  build: (p) => spirals({ noise: p.noise }),
  info: () => ({ dim: 2, classes: 2 }),
});

const manifoldShape = { noise: nonNegative.default(0.05), dim: z.union([z.literal(2), z.literal(3)]).default(2) };

const scurveKind = generatorKind({
  kind: "data.scurve",
  summary: "the S-curve (in ℝ³, or its 2-D projection)",
  params: z.strictObject({ ...manifoldShape, ...common }),
  build: (p) => sCurve({ noise: p.noise, dim: p.dim }),
  info: (p) => ({ dim: p.dim }),
});

const swissRollKind = generatorKind({
  kind: "data.swiss_roll",
  summary: "the Swiss roll (in ℝ³, or its 2-D projection)",
  params: z.strictObject({ ...manifoldShape, ...common }),
  build: (p) => swissRoll({ noise: p.noise, dim: p.dim }),
  info: (p) => ({ dim: p.dim }),
});

const fileKind = defineKind({
  kind: "data.file",
  version: 1,
  summary: "a point set read from a CSV or .npy file (path relative to the experiment file)",
  params: z.strictObject({
    path: z.string().min(1),
    format: z.enum(["csv", "npy"]).optional(),
    label_column: z.union([z.string(), z.number().int().min(0)]).optional(),
    scale: common.scale,
    offset: common.offset,
  }),
  inputs: {},
  outputs: { samples: "samples" },
  cache: "store",
  describe: () => ({ samples: { finite: true, generator: false } }),
  async fingerprint({ params: p, files }) {
    const bytes = await Deno.readFile(files.resolve(p.path)).catch((e) => {
      throw new Error(`Cannot read "${p.path}": ${(e as Error).message}`);
    });
    return sha256Hex(bytes);
  },
  check({ params: p }) {
    const fmt = p.format ?? (p.path.endsWith(".npy") ? "npy" : p.path.endsWith(".csv") ? "csv" : undefined);
    if (!fmt) {
      return [{
        field: "params.format",
        message: `cannot tell the format of "${p.path}"`,
        fix: "add format: csv or format: npy",
      }];
    }
    if (fmt === "npy" && p.label_column !== undefined) {
      return [{
        field: "params.label_column",
        message: "a .npy file has no label column",
        fix: "remove label_column or use a CSV file",
      }];
    }
    return [];
  },
  async run({ params: p, files }) {
    const file = files.resolve(p.path);
    const fmt = p.format ?? (p.path.endsWith(".npy") ? "npy" : "csv");
    let points: Points;
    try {
      points = fmt === "npy"
        ? parseNpy(await Deno.readFile(file))
        : parseCsv(await Deno.readTextFile(file), p.label_column !== undefined ? { labelColumn: p.label_column } : {});
    } catch (e) {
      throw new Error(`Cannot read "${p.path}" (${file}): ${(e as Error).message}`);
    }
    if (p.scale !== 1 || p.offset !== 0) {
      const off = typeof p.offset === "number" ? new Array(points.dim).fill(p.offset) : p.offset;
      if (off.length !== points.dim) {
        throw new Error(`Cannot offset "${p.path}": ${off.length} values for dimension ${points.dim}`);
      }
      for (let i = 0; i < points.data.length; i++) points.data[i] = p.scale * points.data[i]! + off[i % points.dim]!;
    }
    return { samples: { points } satisfies SampleSet };
  },
});

/** Folder of the experiment file, for relative data paths. */
export function experimentFolder(file: string): string {
  return dirname(file);
}

const splitKind = defineKind({
  kind: "data.split",
  version: 1,
  summary: "random train / test / validation split of a finite point set",
  params: z.strictObject({
    test: z.number().positive(),
    val: z.number().min(0).optional(),
  }),
  inputs: { data: { type: "samples", doc: "a finite point set (a data node with n, or a file)" } },
  outputs: { train: "samples", test: "samples", val: "samples" },
  cache: "store",
  random: true,
  describe({ inputs }) {
    const d = inputs.data ?? {};
    const info: StaticInfo = {
      finite: true,
      generator: false,
      ...(d.dim ? { dim: d.dim } : {}),
      ...(d.classes ? { classes: d.classes } : {}),
    };
    return { train: info, test: info, val: info };
  },
  check({ inputs, params: p }) {
    const issues = [];
    if (inputs.data && inputs.data.finite === false) {
      issues.push({
        field: "inputs.data",
        message: "the input is a generator with no points",
        fix: "give the data node a size, e.g. params: { n: 10000 }",
      });
    }
    if ((p.test >= 1 && !Number.isInteger(p.test)) || (p.val !== undefined && p.val >= 1 && !Number.isInteger(p.val))) {
      issues.push({
        field: "params.test",
        message: "sizes must be counts (integers) or fractions in (0, 1)",
        fix: "e.g. test: 1000 or test: 0.1",
      });
    }
    return issues;
  },
  run({ params: p, inputs, rng }) {
    const data = inputs.data as SampleSet;
    if (!data.points) throw new Error("Cannot split: the input has no points; give the data node a size n");
    const s = splitPoints(data.points, { test: p.test, ...(p.val !== undefined ? { val: p.val } : {}), rng });
    const empty = { n: 0, dim: s.train.dim, data: new Float64Array(0) };
    return { train: { points: s.train }, test: { points: s.test }, val: { points: s.val ?? empty } };
  },
});

/** The data kinds. */
export const dataKinds: NodeKind[] = [
  gaussianKind,
  mixtureKind,
  eightGaussiansKind,
  moonsKind,
  ellipseKind,
  checkerboardKind,
  circlesKind,
  spiralsKind,
  scurveKind,
  swissRollKind,
  fileKind,
  splitKind,
];
