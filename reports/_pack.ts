/**
 * Compact chart data for the page: every inline `data.values` array of
 * uniform records is stored once, column by column, in a shared table list
 * (identical arrays — e.g. loss against step and against seconds — share one
 * table); the page unpacks them before embedding. Specs stay plain Vega-Lite
 * everywhere else (the builders, the SVG export, the tests).
 *
 * @module
 */

/** A table of records stored by columns: `columns[k][i]` is record i's value of `keys[k]`. */
export interface PackedTable {
  keys: string[];
  columns: unknown[][];
  length: number;
}

/** Specs whose uniform `data.values` arrays were replaced by `{ $table: index }`, and the tables. */
export interface PackedCharts {
  specs: Record<string, unknown>;
  tables: PackedTable[];
}

/** The shared key list of an array of plain records, or null when they differ (such arrays stay as they are). */
function uniformKeys(values: unknown[]): string[] | null {
  if (values.length === 0) return null;
  const first = values[0];
  if (first === null || typeof first !== "object" || Array.isArray(first)) return null;
  const keys = Object.keys(first);
  for (const v of values) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
    const k = Object.keys(v);
    if (k.length !== keys.length || k.some((key, i) => key !== keys[i])) return null;
  }
  return keys;
}

/**
 * Packs the inline data of a set of specs (the input is not modified).
 * Inverse: {@linkcode unpackCharts}; unpack(pack(s)) deep-equals s.
 */
export function packCharts(specs: Record<string, unknown>): PackedCharts {
  const tables: PackedTable[] = [];
  const index = new Map<string, number>();
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (Array.isArray(node)) return node.map((v) => walk(v, undefined));
    if (node === null || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (key === "data" && k === "values" && Array.isArray(v)) {
        const keys = uniformKeys(v);
        if (keys) {
          const text = JSON.stringify(v);
          let i = index.get(text);
          if (i === undefined) {
            i = tables.length;
            tables.push({
              keys,
              columns: keys.map((c) => v.map((r) => (r as Record<string, unknown>)[c])),
              length: v.length,
            });
            index.set(text, i);
          }
          out[k] = { $table: i };
          continue;
        }
      }
      out[k] = walk(v, k);
    }
    return out;
  };
  return { specs: walk(specs, undefined) as Record<string, unknown>, tables };
}

/**
 * Rebuilds the specs packed by {@linkcode packCharts}, in place; each use of a
 * table gets fresh record objects (Vega tags the records it ingests). Written
 * as plain ES5 so the page can inline its source (`unpackCharts.toString()`).
 */
export function unpackCharts(packed: PackedCharts): Record<string, unknown> {
  function rows(t: PackedTable): Record<string, unknown>[] {
    const out = new Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const r: Record<string, unknown> = {};
      for (let k = 0; k < t.keys.length; k++) r[t.keys[k]!] = t.columns[k]![i];
      out[i] = r;
    }
    return out;
  }
  function walk(node: unknown): void {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) walk(node[i]);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key] as { $table?: unknown } | null;
      if (key === "values" && v !== null && typeof v === "object" && typeof v.$table === "number") {
        obj[key] = rows(packed.tables[v.$table]!);
      } else {
        walk(v);
      }
    }
  }
  walk(packed.specs);
  return packed.specs;
}
