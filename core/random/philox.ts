/**
 * Philox4x32-10, the counter-based block function of Salmon et al. (2011),
 * "Parallel random numbers: as easy as 1, 2, 3".
 *
 * One call maps a 128-bit counter `c = (c0, c1, c2, c3)` and a 64-bit key
 * `k = (k0, k1)` to 128 random bits through ten rounds of
 *
 *     (hi0, lo0) = M0 · c0,  (hi1, lo1) = M1 · c2           (32×32 → 64-bit products)
 *     c ← (hi1 ⊕ c1 ⊕ k0, lo1, hi0 ⊕ c3 ⊕ k1, lo0),  k ← k + (W0, W1)
 *
 * with `M0 = 0xD2511F53`, `M1 = 0xCD9E8D57`, `W0 = 0x9E3779B9`, `W1 = 0xBB67AE85`.
 * The output is a pure function of (counter, key): any block can be computed
 * without the ones before it, which is what makes streams splittable.
 *
 * @module
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO16 = 65536;
const TWO32 = 4294967296;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers, exact in float64. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const p1 = aLo * b; // < 2^48, exact
  const p2 = aHi * b; // < 2^48, exact
  return (Math.floor(p2 / TWO16) + Math.floor(((p2 % TWO16) * TWO16 + p1) / TWO32)) >>> 0;
}

/**
 * Applies Philox4x32-10 to `counter` under `key`, writing four uint32 words to `out`.
 *
 * @example
 * ```ts
 * const out = new Uint32Array(4);
 * philox4x32(new Uint32Array([0, 0, 0, 0]), 0, 0, out); // 6627e8d5 e169c58d bc57ac4c 9b00dbd8
 * ```
 */
export function philox4x32(counter: Uint32Array, k0: number, k1: number, out: Uint32Array): void {
  let c0 = counter[0]!, c1 = counter[1]!, c2 = counter[2]!, c3 = counter[3]!;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ key0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ key1) >>> 0;
    c3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}
