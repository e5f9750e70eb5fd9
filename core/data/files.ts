/**
 * Point sets from files: CSV and NumPy `.npy`.
 *
 * @module
 */
import { makePoints, type Points } from "./points.ts";

/** Options for {@linkcode parseCsv}. */
export interface CsvOptions {
  /** Name (if the file has a header) or 0-based index of an integer label column. */
  labelColumn?: string | number;
}

/**
 * Parses CSV text of numbers, one point per line. A first line that is not all
 * numbers is a header. Blank lines and lines starting with `#` are skipped.
 */
export function parseCsv(text: string, options: CsvOptions = {}): Points {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  if (lines.length === 0) throw new Error("Cannot read CSV: no rows");
  let header: string[] | undefined;
  const first = lines[0]!.split(",").map((s) => s.trim());
  if (first.some((s) => s === "" || !Number.isFinite(Number(s)))) {
    header = first;
    lines.shift();
  }
  let labelIdx = -1;
  if (options.labelColumn !== undefined) {
    labelIdx = typeof options.labelColumn === "number"
      ? options.labelColumn
      : header?.indexOf(options.labelColumn) ?? -1;
    if (labelIdx < 0) throw new Error(`Cannot read CSV: no label column "${options.labelColumn}"`);
  }
  const width = (header ?? lines[0]!.split(",")).length;
  const dim = width - (labelIdx >= 0 ? 1 : 0);
  if (dim < 1) throw new Error("Cannot read CSV: no coordinate columns");
  const data = new Float64Array(lines.length * dim);
  const labels = labelIdx >= 0 ? new Int32Array(lines.length) : undefined;
  lines.forEach((line, i) => {
    const cells = line.split(",");
    if (cells.length !== width) {
      throw new Error(`Cannot read CSV: row ${i + 1} has ${cells.length} columns, expected ${width}`);
    }
    let j = 0;
    cells.forEach((c, k) => {
      const v = Number(c.trim());
      if (!Number.isFinite(v)) {
        throw new Error(`Cannot read CSV: row ${i + 1}, column ${k + 1}: "${c.trim()}" is not a number`);
      }
      if (k === labelIdx) labels![i] = v;
      else data[i * dim + j++] = v;
    });
  });
  return makePoints(data, dim, labels ? { labels } : {});
}

/**
 * Parses a NumPy `.npy` file (format 1.0–3.0) holding a 2-D C-ordered array of
 * little-endian float64 (`<f8`) or float32 (`<f4`): rows are points.
 */
export function parseNpy(bytes: Uint8Array): Points {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) {
    throw new Error("Cannot read .npy: bad magic number");
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]?.split(",").map((s) => s.trim()).filter((s) => s !== "").map(
    Number,
  );
  if (!descr || !fortran || !shape) throw new Error(`Cannot read .npy: unreadable header "${header.trim()}"`);
  if (fortran === "True") {
    throw new Error("Cannot read .npy: Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
  }
  if (shape.length !== 2) {
    throw new Error(`Cannot read .npy: shape (${shape.join(", ")}) is not 2-D (points × dimensions)`);
  }
  const [n, dim] = shape as [number, number];
  const offset = start + headerLen;
  const data = new Float64Array(n * dim);
  if (descr === "<f8") {
    for (let i = 0; i < n * dim; i++) data[i] = view.getFloat64(offset + 8 * i, true);
  } else if (descr === "<f4") {
    for (let i = 0; i < n * dim; i++) data[i] = view.getFloat32(offset + 4 * i, true);
  } else {
    throw new Error(`Cannot read .npy: dtype "${descr}" is not supported; expected "<f8" or "<f4"`);
  }
  return makePoints(data, dim);
}

/** Encodes points as a NumPy `.npy` (format 1.0, `<f8`, C order). */
export function encodeNpy(points: Points): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${points.n}, ${points.dim}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(pad % 64) + "\n";
  const out = new Uint8Array(10 + header.length + 8 * points.data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  points.data.forEach((v, i) => view.setFloat64(8 * i, v, true));
  return out;
}
