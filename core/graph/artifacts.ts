/**
 * The artifact container: one file holding a JSON header and typed arrays.
 *
 * Layout (little-endian): `"FLAR"`, u32 format version, u32 header length,
 * the header (UTF-8 JSON, space-padded to a multiple of 8 bytes), then each
 * array's bytes in header order, each starting on an 8-byte boundary. The
 * header lists `arrays: [{ name, type, length }]`. Equal contents give equal
 * bytes (the header is canonical JSON).
 *
 * @module
 */
import { canonicalJson } from "./canonical.ts";

/** Typed arrays an artifact can hold. */
export type ArtifactArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** A decoded artifact. */
export interface Artifact {
  /** Plain JSON data. */
  header: Record<string, unknown>;
  /** Named arrays. */
  arrays: Record<string, ArtifactArray>;
}

const MAGIC = [0x46, 0x4c, 0x41, 0x52]; // FLAR
const FORMAT = 1;
const TYPES = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;
type TypeName = keyof typeof TYPES;

function typeName(a: ArtifactArray): TypeName {
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Int32Array) return "i32";
  return "u8";
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("Cannot run on a big-endian machine: artifacts are little-endian");
}

/** Encodes an artifact (see module doc for the layout). */
export function encodeArtifact(artifact: Artifact): Uint8Array {
  const names = Object.keys(artifact.arrays);
  const list = names.map((name) => ({
    name,
    type: typeName(artifact.arrays[name]!),
    length: artifact.arrays[name]!.length,
  }));
  let headerText = canonicalJson({ ...artifact.header, arrays: list });
  headerText += " ".repeat((8 - ((12 + new TextEncoder().encode(headerText).length) % 8)) % 8);
  const header = new TextEncoder().encode(headerText);
  let size = 12 + header.length;
  for (const name of names) size += Math.ceil(artifact.arrays[name]!.byteLength / 8) * 8;
  const out = new Uint8Array(size);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, FORMAT, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let offset = 12 + header.length;
  for (const name of names) {
    const a = artifact.arrays[name]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  return out;
}

/** Decodes an artifact; throws a clear error on anything malformed. */
export function decodeArtifact(bytes: Uint8Array): Artifact {
  if (bytes.length < 12 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new Error("Cannot read artifact: bad magic number");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(4, true);
  if (format !== FORMAT) throw new Error(`Cannot read artifact: format ${format}, expected ${FORMAT}`);
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > bytes.length) throw new Error("Cannot read artifact: truncated header");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLen))) as Record<string, unknown>;
  const list = header.arrays as { name: string; type: TypeName; length: number }[];
  delete header.arrays;
  const arrays: Record<string, ArtifactArray> = {};
  let offset = 12 + headerLen;
  for (const { name, type, length } of list) {
    const Ctor = TYPES[type];
    if (!Ctor) throw new Error(`Cannot read artifact: unknown array type "${type}"`);
    const byteLength = length * Ctor.BYTES_PER_ELEMENT;
    if (offset + byteLength > bytes.length) throw new Error(`Cannot read artifact: array "${name}" is truncated`);
    const copy = bytes.slice(offset, offset + byteLength);
    arrays[name] = new Ctor(copy.buffer, 0, length);
    offset += Math.ceil(byteLength / 8) * 8;
  }
  if (offset !== bytes.length) throw new Error("Cannot read artifact: trailing bytes");
  return { header, arrays };
}
