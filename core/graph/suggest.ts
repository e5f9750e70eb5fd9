/**
 * "Did you mean" suggestions by edit distance.
 *
 * @module
 */

/** Levenshtein distance: the fewest insertions, deletions and substitutions turning a into b. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidates closest to `word` (distance ≤ max(2, ⌊len/3⌋), or a prefix
 * match), best first.
 */
export function suggest(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const w = word.toLowerCase();
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    const bound = Math.max(2, Math.floor(c.length / 3));
    if (d <= bound || (w.length >= 3 && c.toLowerCase().startsWith(w))) scored.push([d, c]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).slice(0, limit).map((s) => s[1]);
}

/** `; did you mean "x"?` or `; expected one of "a", "b"` when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const close = suggest(word, candidates);
  if (close.length > 0) return `did you mean ${close.map((c) => `"${c}"`).join(" or ")}?`;
  return `expected one of ${candidates.map((c) => `"${c}"`).join(", ")}`;
}
