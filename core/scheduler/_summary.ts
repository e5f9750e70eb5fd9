/**
 * Summary templates: text with `{{ expression }}` placeholders filled from a
 * run's results, so a study's paragraph states what its own numbers say.
 *
 * `{{ expr }}` prints the value (numbers to 4 significant digits);
 * `{{ expr : d }}` to d significant digits; expressions are mathjs
 * (arithmetic, comparisons, `a < b ? "x" : "y"`, `min`, `max`, `abs`, …)
 * over a scope of results, e.g. `{{ w2_ddpm / w2_fm : 2 }}× lower W2`, and the
 * query functions of the report views (`at("w2", {coupling: "ot"})`, `best(…)`).
 *
 * @module
 */
import { all, create } from "mathjs";

const math = create(all!);
const evaluate = math.evaluate;
const format = math.format;

function show(value: unknown, digits: number): string {
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
    return format(value, { precision: digits }) as string;
  }
  if (typeof value === "boolean" || typeof value === "string") return String(value);
  return format(value, { precision: digits }) as string;
}

/**
 * The `{{ … }}` placeholders of a template: the closing `}}` is the first one
 * outside braces and quotes, so expressions may hold object literals
 * (`at("w2", {task: "g8"})`).
 */
function placeholders(template: string): { start: number; end: number; body: string }[] {
  const out: { start: number; end: number; body: string }[] = [];
  let i = template.indexOf("{{");
  while (i >= 0) {
    let depth = 0, quote = "", j = i + 2, end = -1;
    for (; j < template.length; j++) {
      const c = template[j]!;
      if (quote) {
        if (c === "\\") j++;
        else if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "{") depth++;
      else if (c === "}") {
        if (depth > 0) depth--;
        else if (template[j + 1] === "}") {
          end = j + 2;
          break;
        }
      }
    }
    if (end < 0) break;
    out.push({ start: i, end, body: template.slice(i + 2, end - 2) });
    i = template.indexOf("{{", end);
  }
  return out;
}

/**
 * Fills a summary template. A placeholder that cannot be evaluated is left
 * visible as `[? expr: reason]` rather than failing the report. Functions in
 * `scope` (e.g. `at`, `best`) are callable from expressions; data values are
 * copied for each placeholder, so an expression cannot change another's scope.
 */
export function fillSummary(template: string, scope: Record<string, unknown>): string {
  const fresh = () =>
    Object.fromEntries(
      Object.entries(scope).map(([k, v]) => [k, typeof v === "function" ? v : structuredClone(v)]),
    );
  let out = "", at = 0;
  for (const p of placeholders(template)) {
    out += template.slice(at, p.start);
    at = p.end;
    const m = /^(.*?)(?::\s*(\d+)\s*)?$/s.exec(p.body.trim())!;
    const expr = m[1]!.trim();
    const digits = m[2] ? Number(m[2]) : 4;
    try {
      out += show(evaluate(expr, fresh()), digits);
    } catch (e) {
      out += `[? ${expr}: ${(e as Error).message}]`;
    }
  }
  return out + template.slice(at);
}
