/**
 * Shell words for the Slurm executor: quoting a command into a batch script,
 * splitting `--slurm-args "..."`, and writing an array of task ids compactly.
 *
 * @module
 */

/** Quotes `word` for a POSIX shell: kept as is when it is only safe characters, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Splits `text` into words as a POSIX shell would (whitespace separates;
 * single quotes keep everything; double quotes keep everything but `\"` and
 * `\\`; a backslash outside quotes escapes the next character). No expansion.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = "", inWord = false, quote: "'" | '"' | "" = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = "";
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = "";
      else if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`Cannot read --slurm-args "${text}": an unclosed ${quote} quote; close it`);
  if (inWord) words.push(word);
  return words;
}

/** Task ids as Slurm's `--array` spells them, runs compacted: `[0, 1, 2, 3, 5, 7, 8]` → `"0-3,5,7-8"`. */
export function formatArray(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The ids an `--array` spec names (`"0-3,5"` → `[0, 1, 2, 3, 5]`; a `%` throttle and `:step` are honoured). */
export function parseArray(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split("%")[0]!.split(",")) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) throw new Error(`Cannot read the array "${spec}": "${part}" is not N or N-M[:S]`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]), step = m[3] === undefined ? 1 : Number(m[3]);
    for (let k = a; k <= b; k += Math.max(1, step)) out.push(k);
  }
  return out;
}
