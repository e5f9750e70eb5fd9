/**
 * Canonical JSON and content hashes.
 *
 * Canonical JSON: object keys sorted by code point, no whitespace, `undefined`
 * members dropped, numbers as JavaScript prints them (so `1.0e-3` and `0.001`
 * hash the same), non-finite numbers rejected. Typed arrays are not allowed:
 * hashes are over configuration data, not artifacts.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Serialises `value` canonically (see module doc). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot hash the number "${value}": only finite numbers`);
    return JSON.stringify(Object.is(value, -0) ? 0 : value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  if (typeof value === "object") {
    if (ArrayBuffer.isView(value)) throw new TypeError("Cannot hash a typed array as configuration");
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`Cannot hash a value of type "${typeof value}"`);
}

/** SHA-256 of a string (UTF-8) or bytes, as 64 hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the canonical JSON of `value`. */
export function hashValue(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
