/**
 * The table of node kinds: every family registered in one place.
 *
 * @module
 */
import type { NodeKind } from "../kind.ts";
import { analysisKinds } from "./analysis.ts";
import { couplingKinds } from "./couplings.ts";
import { dataKinds } from "./data.ts";
import { metricKinds } from "./metrics.ts";
import { modelKinds } from "./models.ts";
import { oracleKinds } from "./oracle.ts";
import { pathKinds } from "./paths.ts";
import { reportKinds } from "./report.ts";
import { samplerKinds } from "./samplers.ts";
import { trainKinds } from "./train.ts";

const families: NodeKind[][] = [
  dataKinds,
  couplingKinds,
  pathKinds,
  modelKinds,
  oracleKinds,
  trainKinds,
  samplerKinds,
  metricKinds,
  analysisKinds,
  reportKinds,
];

/** Every node kind, by name. */
export const KINDS: ReadonlyMap<string, NodeKind> = new Map(families.flat().map((k) => [k.kind, k]));
