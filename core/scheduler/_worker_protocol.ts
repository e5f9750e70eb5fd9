/**
 * What the main thread sends a worker: everything needed to compute one node.
 *
 * @module
 */
import type { BackendName } from "../backend/mod.ts";
import type { ResolvedGraph } from "../graph/mod.ts";

/** One node to compute in a worker. */
export interface WorkerTask {
  id: string;
  graph: ResolvedGraph;
  keys: Record<string, string>;
  runsDir: string;
  root: string;
  file?: string;
  dataDirs: string[];
  backend: BackendName;
  noCache: boolean;
  force: boolean;
  /** Module exporting `KINDS` (the node kinds); default the graph's own table. */
  kindsModule?: string;
}
