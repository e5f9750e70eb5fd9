/**
 * Graph errors: each names the file, the node, the field and the fix, and all
 * errors of a config are collected and reported together.
 *
 * @module
 */

/** One problem in an experiment config. */
export interface GraphIssue {
  /** The experiment file, when the graph came from one. */
  file?: string;
  /** 1-based line and column in that file, when known. */
  line?: number;
  column?: number;
  /** The node id (absent for top-level problems). */
  node?: string;
  /** Dotted path of the offending field, e.g. `params.steps`, `inputs.source`, `seed`. */
  field?: string;
  /** What is wrong, quoting the value. */
  message: string;
  /** How to fix it. */
  fix?: string;
}

/** Formats one issue as `file:line:col: node "fit", field "params.steps": message; fix`. */
export function formatIssue(issue: GraphIssue): string {
  const where: string[] = [];
  if (issue.file) {
    where.push(issue.file + (issue.line ? `:${issue.line}${issue.column ? `:${issue.column}` : ""}` : ""));
  }
  const what: string[] = [];
  if (issue.node) what.push(`node "${issue.node}"`);
  if (issue.field) what.push(`field "${issue.field}"`);
  const head = [...where, what.join(", ")].filter((s) => s !== "").join(": ");
  return `${head ? head + ": " : ""}${issue.message}${issue.fix ? `; ${issue.fix}` : ""}`;
}

/** Order issues by file position, then node, then field. */
export function sortIssues(issues: GraphIssue[]): GraphIssue[] {
  return [...issues].sort((a, b) =>
    (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0) ||
    (a.node ?? "").localeCompare(b.node ?? "") || (a.field ?? "").localeCompare(b.field ?? "") ||
    a.message.localeCompare(b.message)
  );
}

/** Thrown when a config has problems: carries every one of them. */
export class GraphValidationError extends Error {
  /** All issues, sorted. */
  readonly issues: GraphIssue[];

  constructor(issues: GraphIssue[]) {
    const sorted = sortIssues(issues);
    super(
      `Experiment config has ${sorted.length} error${sorted.length === 1 ? "" : "s"}:\n` +
        sorted.map((i) => "  - " + formatIssue(i)).join("\n"),
    );
    this.name = "GraphValidationError";
    this.issues = sorted;
  }
}
