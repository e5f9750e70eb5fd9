/**
 * The oracle kind: the exact marginal field of a finite data set under an
 * affine path (MATH.md §9), usable wherever a trained model is.
 *
 * @module
 */
import { z } from "zod";
import { createOracle } from "../../oracle/mod.ts";
import type { ProbabilityPath } from "../../paths/mod.ts";
import { defineKind, type NodeKind } from "../kind.ts";
import type { ModelValue, SampleSet } from "../values.ts";

const oracleKind = defineKind({
  kind: "oracle",
  version: 1,
  summary: "the exact marginal velocity of a finite data set under an affine path (no training)",
  params: z.strictObject({}),
  inputs: { data: { type: "samples", doc: "a finite point set (the training data)" }, path: { type: "path" } },
  outputs: { model: "model" },
  cache: "rebuild",
  describe: ({ inputs }) => ({
    model: {
      prediction: "velocity",
      ...(inputs.path?.scheduler ? { scheduler: inputs.path.scheduler } : {}),
      ...(inputs.data?.classes ? { conditional: inputs.data.classes } : {}),
      ...(inputs.data?.dim ? { dim: inputs.data.dim } : {}),
    },
  }),
  check({ inputs }) {
    const issues = [];
    if (inputs.data && inputs.data.finite === false) {
      issues.push({
        field: "inputs.data",
        message: "the oracle needs a finite data set",
        fix: "give the data node a size n, or use a split",
      });
    }
    if (inputs.path?.scheduler?.name === "sb") {
      issues.push({
        field: "inputs.path",
        message: "the oracle needs an affine Gaussian path, not path.sb",
        fix: "use path.affine or path.lipman",
      });
    }
    return issues;
  },
  run({ inputs }) {
    const data = (inputs.data as SampleSet).points;
    if (!data) throw new Error("Cannot build the oracle: the data has no points");
    const path = inputs.path as ProbabilityPath;
    if (!path.scheduler) throw new Error(`Cannot build the oracle on path "${path.name}": it needs an affine path`);
    return { model: { type: "field", field: createOracle(data, path.scheduler) } satisfies ModelValue };
  },
});

/** The oracle kind. */
export const oracleKinds: NodeKind[] = [oracleKind];
