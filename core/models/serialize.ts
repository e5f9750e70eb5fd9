/**
 * A compact, versioned binary format for `ModelState` (cache artifacts and
 * training checkpoints).
 *
 * Layout: the 4 bytes `FLMS`, u32 format version (1), u32 header length h,
 * h bytes of UTF-8 JSON (keys sorted; config, optimizer, step and the blob
 * list), zero padding to a multiple of 4, then the blobs `params`, `m`, `v`
 * and (when the optimizer keeps one) `ema`, each as raw little-endian
 * float32. Equal states give equal bytes; a round trip is exact.
 *
 * @module
 */
import { canonical } from "./model.ts";
import type { ModelState } from "./types.ts";

const MAGIC = [0x46, 0x4c, 0x4d, 0x53]; // "FLMS"
/** The format version written by {@linkcode serializeModelState}. */
export const MODEL_STATE_VERSION = 1;

interface Header {
  config: ModelState["config"];
  optimizer: ModelState["optimizer"];
  step: number;
  blobs: { name: "params" | "m" | "v" | "ema"; length: number }[];
}

/** The bytes of `state` (see the module doc). */
export function serializeModelState(state: ModelState): Uint8Array {
  const blobs: [Header["blobs"][number]["name"], Float32Array][] = [["params", state.params], ["m", state.m], [
    "v",
    state.v,
  ]];
  if (state.ema) blobs.push(["ema", state.ema]);
  const header: Header = {
    config: state.config,
    optimizer: state.optimizer,
    step: state.step,
    blobs: blobs.map(([name, a]) => ({ name, length: a.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(canonical(header)));
  const start = (12 + json.length + 3) & ~3;
  const total = start + blobs.reduce((s, [, a]) => s + 4 * a.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, MODEL_STATE_VERSION, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let at = start;
  for (const [, a] of blobs) {
    for (let i = 0; i < a.length; i++, at += 4) view.setFloat32(at, a[i]!, true);
  }
  return bytes;
}

/** The state `bytes` hold; throws a readable error on anything else. */
export function deserializeModelState(bytes: Uint8Array): ModelState {
  const fail = (detail: string): never => {
    throw new Error(`Cannot read model state: ${detail}`);
  };
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) fail(`missing the "FLMS" signature`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== MODEL_STATE_VERSION) {
    fail(`format version "${version}" is not supported (this build reads ${MODEL_STATE_VERSION}); re-save the model`);
  }
  const h = view.getUint32(8, true);
  if (12 + h > bytes.length) fail(`header length "${h}" runs past the end (${bytes.length} bytes)`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + h))) as Header;
  let at = (12 + h + 3) & ~3;
  const arrays: Partial<Record<Header["blobs"][number]["name"], Float32Array>> = {};
  for (const { name, length } of header.blobs) {
    if (at + 4 * length > bytes.length) fail(`blob "${name}" runs past the end (${bytes.length} bytes)`);
    const a = new Float32Array(length);
    for (let i = 0; i < length; i++, at += 4) a[i] = view.getFloat32(at, true);
    arrays[name] = a;
  }
  if (at !== bytes.length) fail(`${bytes.length - at} trailing bytes`);
  if (!arrays.params || !arrays.m || !arrays.v) fail(`blobs "params", "m" and "v" are required`);
  const state: ModelState = {
    config: header.config,
    optimizer: header.optimizer,
    params: arrays.params!,
    m: arrays.m!,
    v: arrays.v!,
    step: header.step,
  };
  if (arrays.ema) state.ema = arrays.ema;
  return state;
}
