/**
 * The table of node kinds: every family registered in one place.
 *
 * @module
 */
import type { NodeKind } from "../kind.ts";
import { dataKinds } from "./data.ts";

const families: NodeKind[][] = [dataKinds];

/** Every node kind, by name. */
export const KINDS: ReadonlyMap<string, NodeKind> = new Map(families.flat().map((k) => [k.kind, k]));
