/**
 * The vega, vega-lite and vega-embed browser bundles, read from the installed
 * (pinned) npm packages so the page can inline them and work offline.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One browser bundle: its package, version and minified source. */
export interface BrowserBundle {
  /** npm package name. */
  name: string;
  /** Installed version (from its package.json). */
  version: string;
  /** The minified UMD source. */
  source: string;
}

/**
 * The root folder of an installed npm package: resolve its entry through the
 * imports map, then walk up to the package.json whose `name` matches.
 */
export function packageRoot(name: string): string {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(name));
  } catch (e) {
    throw new Error(
      `Cannot find package "${name}" in node_modules: ${
        (e as Error).message
      }: run "deno install" in the project folder`,
    );
  }
  let dir = dirname(entry);
  for (;;) {
    try {
      const pkg = JSON.parse(Deno.readTextFileSync(join(dir, "package.json")));
      if (pkg.name === name) return dir;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const up = dirname(dir);
    if (up === dir) {
      throw new Error(`Cannot find package "${name}": no package.json above its entry: run "deno install" first`);
    }
    dir = up;
  }
}

function readBundle(name: string, file: string): BrowserBundle {
  const root = packageRoot(name);
  const version = JSON.parse(Deno.readTextFileSync(join(root, "package.json"))).version as string;
  const source = Deno.readTextFileSync(join(root, file));
  // Inside <script>, only "</script" and "<!--" can end or derail the element; none of the pinned bundles has them.
  if (/<\/script|<!--/i.test(source)) {
    throw new Error(
      `Cannot inline "${name}@${version}": ${file} contains "</script" or "<!--": escape it before inlining`,
    );
  }
  return { name, version, source };
}

let cached: BrowserBundle[] | undefined;

/** vega, vega-lite, vega-embed browser bundles, in load order (read once per process). */
export function browserBundles(): BrowserBundle[] {
  cached ??= [
    readBundle("vega", "build/vega.min.js"),
    readBundle("vega-lite", "build/vega-lite.min.js"),
    readBundle("vega-embed", "build/vega-embed.min.js"),
  ];
  return cached;
}
