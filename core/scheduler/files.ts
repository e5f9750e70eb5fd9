/**
 * Safe resolution of data paths named in configs.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { FileAccess } from "../graph/mod.ts";

/** Options for {@linkcode fileAccess}. */
export interface FileAccessOptions {
  /** The experiment file (paths resolve relative to its folder); absent for configs built in code. */
  experimentFile?: string;
  /** The project root: paths may not leave it ... */
  root: string;
  /** ... unless they lie in one of these declared data folders. */
  dataDirs?: string[];
}

const within = (dir: string, path: string) => {
  const r = relative(dir, path);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
};

/**
 * Resolves data paths relative to the experiment file; a path that escapes
 * both the project and every declared data folder is an error.
 */
export function fileAccess(options: FileAccessOptions): FileAccess {
  const base = options.experimentFile ? dirname(resolve(options.experimentFile)) : resolve(options.root);
  const allowed = [resolve(options.root), ...(options.dataDirs ?? []).map((d) => resolve(d))];
  return {
    resolve(path: string): string {
      const full = resolve(base, path);
      if (!allowed.some((dir) => within(dir, full))) {
        throw new Error(
          `Cannot read "${path}": it resolves to "${full}", outside the project "${allowed[0]}"${
            allowed.length > 1 ? ` and the data folders ${allowed.slice(1).map((d) => `"${d}"`).join(", ")}` : ""
          }; move the file into the project or declare its folder with --data-dir`,
        );
      }
      return full;
    },
  };
}
