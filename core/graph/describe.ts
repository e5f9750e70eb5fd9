/**
 * Human-readable descriptions of node kinds (`flowlab kinds`).
 *
 * @module
 */
import { z } from "zod";
import type { NodeKind } from "./kind.ts";
import { didYouMean } from "./suggest.ts";

function schemaLine(name: string, schema: unknown): string {
  try {
    const js = z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" }) as {
      type?: string;
      default?: unknown;
      enum?: unknown[];
      anyOf?: { type?: string }[];
    };
    const type = js.enum
      ? js.enum.map((v) => JSON.stringify(v)).join("|")
      : js.type ?? js.anyOf?.map((a) => a.type ?? "…").join("|") ?? "any";
    return `${name}: ${type}${js.default !== undefined ? ` = ${JSON.stringify(js.default)}` : ""}`;
  } catch {
    return name;
  }
}

/** Lists every kind (or describes one): summary, inputs, outputs, parameters with defaults. */
export function describeKinds(kinds: ReadonlyMap<string, NodeKind>, only?: string): string {
  if (only !== undefined) {
    const k = kinds.get(only);
    if (!k) return `Unknown kind "${only}"; ${didYouMean(only, [...kinds.keys()])}`;
    const shape = (k.params as unknown as { shape?: Record<string, unknown> }).shape ?? {};
    return [
      `${k.kind} (v${k.version}): ${k.summary}`,
      `  inputs:  ${
        Object.entries(k.inputs).map(([n, p]) =>
          `${n}${p.optional ? "?" : ""}: ${typeof p.type === "string" ? p.type : p.type.join("|")}`
        ).join(", ") || "none"
      }`,
      `  outputs: ${Object.entries(k.outputs).map(([n, t]) => `${n}: ${t}`).join(", ")}`,
      `  params:`,
      ...Object.entries(shape).map(([n, s]) => `    ${schemaLine(n, s)}`),
    ].join("\n");
  }
  const w = Math.max(...[...kinds.keys()].map((k) => k.length));
  return [...kinds.values()].map((k) => `${k.kind.padEnd(w)}  ${k.summary}`).join("\n");
}
