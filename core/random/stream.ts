/**
 * Seeded, splittable random streams on top of Philox4x32-10.
 *
 * A stream is a key (64 bits) and a 128-bit counter. Keys are derived by
 * hashing: `createRng(seed, "node/fit")` and `rng.derive("step/17")` give
 * streams whose outputs are independent for different names, and identical
 * for the same (seed, names) on every run — nothing here touches a global RNG.
 *
 * @module
 */
import { philox4x32, philoxBlocks } from "./philox.ts";

const TWO32 = 4294967296;
/** Blocks generated per refill (4 words each). */
const BLOCKS = 64;
const TWO53 = 9007199254740992;
const TWO_PI = 2 * Math.PI;
const encoder = new TextEncoder();

/**
 * Hashes a key and a name to a new 64-bit key with the Philox block function
 * used as a compression function: each 16-byte chunk `m` of the UTF-8 name
 * (length appended) updates `k ← k ⊕ philox(m, k)[0..1]`.
 */
export function deriveKey(k0: number, k1: number, name: string): [number, number] {
  // names are short: encode into a reused scratch buffer (ASCII fast path), no allocation per call
  let len = name.length;
  let bytes: Uint8Array = SCRATCH_BYTES;
  let ascii = len <= SCRATCH_BYTES.length;
  if (ascii) {
    for (let i = 0; i < len; i++) {
      const c = name.charCodeAt(i);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      bytes[i] = c;
    }
  }
  if (!ascii) {
    bytes = encoder.encode(name);
    len = bytes.length;
  }
  const nWords = Math.ceil((len + 4) / 16) * 4;
  const words = nWords <= SCRATCH_WORDS.length ? SCRATCH_WORDS.fill(0, 0, nWords) : new Uint32Array(nWords);
  for (let i = 0; i < len; i++) words[i >> 2] = words[i >> 2]! | (bytes[i]! << ((i & 3) * 8));
  words[nWords - 1] = (words[nWords - 1]! ^ len ^ 0x5bd1e995) >>> 0;
  const block = SCRATCH_BLOCK, out = SCRATCH_OUT;
  let a = k0 >>> 0, b = k1 >>> 0;
  for (let i = 0; i < nWords; i += 4) {
    block[0] = words[i]!;
    block[1] = words[i + 1]!;
    block[2] = words[i + 2]!;
    block[3] = words[i + 3]!;
    philox4x32(block, a, b, out);
    a = (a ^ out[0]!) >>> 0;
    b = (b ^ out[1]! ^ out[2]!) >>> 0;
    // a final mixing of the other half keeps chunk order significant
    philox4x32(out, b, a, block);
    a = (a ^ block[3]!) >>> 0;
  }
  return [a, b];
}

const SCRATCH_BYTES = new Uint8Array(124);
const SCRATCH_WORDS = new Uint32Array(32);
const SCRATCH_BLOCK = new Uint32Array(4);
const SCRATCH_OUT = new Uint32Array(4);

/** Options for {@linkcode Rng.sampleIndices}. */
export interface SampleIndicesOptions {
  /** Draw with replacement (default `true`). */
  replace?: boolean;
}

/**
 * A reproducible random stream.
 *
 * - `uniform()` is in [0, 1) with 53 random bits: `u = (a·2^26 + b) / 2^53`
 *   from the top 27 and 26 bits of two 32-bit words.
 * - `normal()` is Box–Muller: `z = √(−2 ln(1 − u1)) · cos(2π u2)` (the sine
 *   partner is kept for the next call).
 * - `int(n)` is `⌊n·u⌋`, uniform on {0, …, n − 1} up to a bias below n/2^53.
 */
export class Rng {
  readonly #k0: number;
  readonly #k1: number;
  /** The counter of the next block to generate (4 words, lowest first). */
  readonly #counter = new Uint32Array(4);
  readonly #buffer = new Uint32Array(4 * BLOCKS);
  #used = 4 * BLOCKS;
  #spare = NaN;

  /** A stream with the given 64-bit key (two uint32 words), counter at zero. */
  constructor(k0: number, k1: number) {
    this.#k0 = k0 >>> 0;
    this.#k1 = k1 >>> 0;
  }

  /** The stream's key as 16 hex digits. */
  get key(): string {
    return this.#k0.toString(16).padStart(8, "0") + this.#k1.toString(16).padStart(8, "0");
  }

  /** An independent child stream named `name` (the parent is not advanced). */
  derive(name: string | number): Rng {
    const [a, b] = deriveKey(this.#k0, this.#k1, String(name));
    return new Rng(a, b);
  }

  /** Next uint32 of the stream: words of consecutive Philox blocks, counter from zero. */
  nextUint32(): number {
    if (this.#used === this.#buffer.length) this.#refill();
    return this.#buffer[this.#used++]!;
  }

  #refill(): void {
    const c = this.#counter;
    philoxBlocks(c[0]!, c[1]!, c[2]!, c[3]!, this.#k0, this.#k1, BLOCKS, this.#buffer);
    // advance the 128-bit counter by BLOCKS
    let carry = BLOCKS;
    for (let i = 0; i < 4 && carry; i++) {
      const v = c[i]! + carry;
      c[i] = v >>> 0;
      carry = v >= TWO32 ? 1 : 0;
    }
    this.#used = 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO53;
  }

  /** Standard normal by Box–Muller. */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const phi = TWO_PI * this.uniform();
    this.#spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  }

  /** Uniform integer in {0, …, n − 1}. */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) {
      throw new RangeError(`Cannot draw an integer below "${n}": expected a positive integer`);
    }
    return Math.floor(this.uniform() * n);
  }

  /** Fills `out` with uniforms on [lo, hi). */
  fillUniform<T extends Float64Array | Float32Array>(out: T, lo = 0, hi = 1): T {
    const w = hi - lo;
    for (let i = 0; i < out.length; i++) out[i] = lo + w * this.uniform();
    return out;
  }

  /** Fills `out` with normals of the given mean and standard deviation. */
  fillNormal<T extends Float64Array | Float32Array>(out: T, mean = 0, std = 1): T {
    // the same sequence as repeated normal() calls, a Box–Muller pair at a time
    let i = 0;
    if (!Number.isNaN(this.#spare) && out.length > 0) {
      out[0] = mean + std * this.#spare;
      this.#spare = NaN;
      i = 1;
    }
    const buf = this.#buffer;
    for (; i + 1 < out.length; i += 2) {
      if (this.#used + 4 > buf.length) {
        if (this.#used !== buf.length) {
          out[i] = mean + std * this.normal();
          i--;
          continue;
        }
        this.#refill();
      }
      const u = this.#used;
      const u1 = ((buf[u]! >>> 5) * 67108864 + (buf[u + 1]! >>> 6)) / TWO53;
      const u2 = ((buf[u + 2]! >>> 5) * 67108864 + (buf[u + 3]! >>> 6)) / TWO53;
      this.#used = u + 4;
      const r = Math.sqrt(-2 * Math.log(1 - u1));
      const phi = TWO_PI * u2;
      out[i] = mean + std * (r * Math.cos(phi));
      out[i + 1] = mean + std * (r * Math.sin(phi));
    }
    if (i < out.length) out[i] = mean + std * this.normal();
    return out;
  }

  /** A uniformly random permutation of {0, …, n − 1} (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = p[i]!;
      p[i] = p[j]!;
      p[j] = tmp;
    }
    return p;
  }

  /**
   * `k` indices from {0, …, n − 1}: with replacement (i.i.d. uniform), or
   * without (the first k of a partial Fisher–Yates shuffle).
   */
  sampleIndices(n: number, k: number, options: SampleIndicesOptions = {}): Int32Array {
    const out = new Int32Array(k);
    if (options.replace ?? true) {
      for (let i = 0; i < k; i++) out[i] = Math.floor(this.uniform() * n);
      return out;
    }
    if (k > n) throw new RangeError(`Cannot draw "${k}" indices without replacement from "${n}"`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.uniform() * (n - i));
      const tmp = p[i]!;
      p[i] = p[j]!;
      p[j] = tmp;
      out[i] = p[i]!;
    }
    return out;
  }
}

/**
 * The stream of `(seed, name)`: the experiment seed (an integer, |seed| < 2^53)
 * is the root key, `name` (e.g. a node's cache key) is hashed into it.
 *
 * @example
 * ```ts
 * const rng = createRng(0, "node/fit");
 * rng.normal(); // the same value on every run
 * ```
 */
export function createRng(seed: number, name = ""): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Cannot seed a stream with "${seed}": expected a safe integer`);
  const lo = (seed % TWO32 + TWO32) % TWO32;
  const hi = Math.floor(seed / TWO32) >>> 0;
  return new Rng(lo, hi).derive(name);
}
