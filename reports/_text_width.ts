/**
 * Deterministic text measurement for server-side SVG: the advance widths of
 * Helvetica / Arial (the metrics Liberation Sans and Arimo share), so layouts
 * do not depend on whether a canvas package happens to be installed.
 *
 * @module
 */

/** Advance widths, in 1/1000 em, of the printable ASCII characters 32 (space) … 126 (~). */
const ASCII_WIDTHS = [
  278,
  278,
  355,
  556,
  556,
  889,
  667,
  191,
  333,
  333,
  389,
  584,
  278,
  333,
  278,
  278, // space … /
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  278,
  278,
  584,
  584,
  584,
  556, // 0 … ?
  1015,
  667,
  667,
  722,
  722,
  667,
  611,
  778,
  722,
  278,
  500,
  667,
  556,
  833,
  722,
  778, // @ … O
  667,
  778,
  722,
  667,
  611,
  722,
  667,
  944,
  667,
  667,
  611,
  278,
  278,
  278,
  469,
  556, // P … _
  333,
  556,
  556,
  500,
  556,
  556,
  278,
  556,
  556,
  222,
  222,
  500,
  222,
  833,
  556,
  556, // ` … o
  556,
  556,
  333,
  500,
  278,
  556,
  500,
  722,
  500,
  500,
  500,
  334,
  260,
  334,
  584, // p … ~
];

/** Width of characters outside printable ASCII (a typical sans-serif average, in 1/1000 em). */
const OTHER_WIDTH = 600;

/**
 * The width in pixels of `text` at `fontSize` px: Σ w(c) / 1000 · fontSize,
 * with w from the Helvetica table (600 outside ASCII), × 1.06 for bold.
 *
 * @example
 * ```ts
 * helveticaWidth("step", 11); // (500 + 278 + 556 + 556) / 1000 · 11 = 20.79
 * ```
 */
export function helveticaWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c <= 126 ? ASCII_WIDTHS[c - 32]! : OTHER_WIDTH;
  }
  return (units / 1000) * fontSize * (bold ? 1.06 : 1);
}
