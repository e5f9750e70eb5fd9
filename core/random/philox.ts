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
const M0_LO = M0 & 0xffff, M0_HI = M0 >>> 16;
const M1_LO = M1 & 0xffff, M1_HI = M1 >>> 16;

/**
 * High 32 bits of the 64-bit product of two unsigned 32-bit integers, in
 * integer arithmetic on 16-bit halves: with `a = a1·2¹⁶ + a0`, `b = b1·2¹⁶ + b0`,
 * `hi = a1b1 + ⌊a0b1/2¹⁶⌋ + ⌊a1b0/2¹⁶⌋ + ⌊(⌊a0b0/2¹⁶⌋ + (a0b1 mod 2¹⁶) + (a1b0 mod 2¹⁶))/2¹⁶⌋`
 * (every partial product is below 2³², so exact).
 */
export function mulhi32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
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
  philoxBlocks(counter[0]!, counter[1]!, counter[2]!, counter[3]!, k0, k1, 1, out);
}

/**
 * Writes `blocks` consecutive Philox4x32-10 blocks (counters c, c + 1, …, the
 * 128-bit counter incremented from its lowest word) into `out` (4 words each).
 * The multiply-high of the round is inlined with the multipliers' 16-bit
 * halves precomputed: this is the generator's hot loop.
 */
export function philoxBlocks(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  blocks: number,
  out: Uint32Array,
): void {
  for (let b = 0; b < blocks; b++) {
    let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
    let key0 = k0 >>> 0, key1 = k1 >>> 0;
    for (let r = 0; r < 10; r++) {
      // (hi0, lo0) = M0 · x0
      const a0 = x0 & 0xffff, a1 = x0 >>> 16;
      let p01 = M0_LO * a1, p10 = M0_HI * a0;
      let mid = ((M0_LO * a0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      const hi0 = (M0_HI * a1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
      const lo0 = Math.imul(M0, x0) >>> 0;
      // (hi1, lo1) = M1 · x2
      const b0 = x2 & 0xffff, b1 = x2 >>> 16;
      p01 = M1_LO * b1;
      p10 = M1_HI * b0;
      mid = ((M1_LO * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      const hi1 = (M1_HI * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
      const lo1 = Math.imul(M1, x2) >>> 0;
      x0 = (hi1 ^ x1 ^ key0) >>> 0;
      x1 = lo1;
      x2 = (hi0 ^ x3 ^ key1) >>> 0;
      x3 = lo0;
      key0 = (key0 + W0) >>> 0;
      key1 = (key1 + W1) >>> 0;
    }
    const o = 4 * b;
    out[o] = x0;
    out[o + 1] = x1;
    out[o + 2] = x2;
    out[o + 3] = x3;
    // increment the 128-bit counter
    c0 = (c0 + 1) >>> 0;
    if (c0 === 0) {
      c1 = (c1 + 1) >>> 0;
      if (c1 === 0) {
        c2 = (c2 + 1) >>> 0;
        if (c2 === 0) c3 = (c3 + 1) >>> 0;
      }
    }
  }
}
