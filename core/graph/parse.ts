/**
 * Reading experiment YAML, keeping source positions for error messages.
 *
 * @module
 */
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { GraphIssue } from "./errors.ts";

/** A parsed file: the raw data plus a way to find where a path was written. */
export interface ParsedSource {
  /** The file name given, for messages. */
  file: string;
  /** The text as read. */
  text: string;
  /** The parsed data (not yet validated). */
  data: unknown;
  /** 1-based line and column of the value at `path`, or of its nearest written ancestor. */
  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined;
  /** YAML syntax problems (the config is unusable when non-empty). */
  issues: GraphIssue[];
}

/**
 * Parses YAML text. Syntax errors become issues (with positions), never throws.
 */
export function parseExperimentText(text: string, file = "<config>"): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: GraphIssue[] = doc.errors.map((e) => {
    const pos = typeof e.pos?.[0] === "number" ? lineCounter.linePos(e.pos[0]) : undefined;
    return {
      file,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
      message: `YAML syntax error: ${e.message.split("\n")[0]}`,
      fix: "fix the YAML syntax (indentation, colons, quotes)",
    };
  });
  const locate = (path: readonly (string | number)[]) => {
    for (let k = path.length; k >= 0; k--) {
      const sub = path.slice(0, k);
      // deno-lint-ignore no-explicit-any
      let node: any = doc.contents;
      for (const p of sub) {
        if (isMap(node)) {
          // the key's position is more useful than the value's for "unknown key" errors
          // deno-lint-ignore no-explicit-any
          const pair = (node.items as any[]).find((it) => String(it.key?.value ?? it.key) === String(p));
          node = pair
            ? (k === path.length && sub[sub.length - 1] === p ? pair.key ?? pair.value : pair.value)
            : undefined;
        } else if (isSeq(node)) node = node.items[Number(p)];
        else node = undefined;
        if (node === undefined) break;
      }
      const offset = node?.range?.[0];
      if (typeof offset === "number") {
        const { line, col } = lineCounter.linePos(offset);
        return { line, column: col };
      }
    }
    return undefined;
  };
  let data: unknown = null;
  if (issues.length === 0) data = doc.toJS({ maxAliasCount: 100 });
  return { file, text, data, locate, issues };
}
