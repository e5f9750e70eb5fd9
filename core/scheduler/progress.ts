/**
 * Progress: a redrawn bar on a terminal, one quiet line per task otherwise.
 *
 * @module
 */
import type { ProgressSink } from "../graph/mod.ts";

/** Where progress and log lines go. */
export interface ProgressOptions {
  /** Redraw bars in place (a terminal); otherwise only start/end lines. */
  tty: boolean;
  /** Writes text (stderr by default). */
  write?: (text: string) => void;
  /** Suppress everything (tests). */
  quiet?: boolean;
}

const encoder = new TextEncoder();
const stderrWrite = (text: string) => {
  Deno.stderr.writeSync(encoder.encode(text));
};

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, "0")}s`;
}

/** Builds progress sinks and log functions for the tasks of a run. */
export class Progress {
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  readonly #quiet: boolean;
  #barShown = false;

  constructor(options: ProgressOptions) {
    this.#tty = options.tty;
    this.#write = options.write ?? stderrWrite;
    this.#quiet = options.quiet ?? false;
  }

  /** True when bars are redrawn in place (a terminal, not quiet); otherwise progress is plain lines. */
  get tty(): boolean {
    return this.#tty && !this.#quiet;
  }

  /** True when stderr is a terminal (and `CI` is not set). */
  static detectTty(): boolean {
    try {
      return Deno.stderr.isTerminal() && !Deno.env.get("CI");
    } catch {
      return false;
    }
  }

  #clearBar(): void {
    if (this.#barShown) {
      this.#write("\r\x1b[2K");
      this.#barShown = false;
    }
  }

  /** Prints a log line (above any bar). */
  log(line: string): void {
    if (this.#quiet) return;
    this.#clearBar();
    this.#write(line + "\n");
  }

  /** A sink for one task, labelled e.g. `fit`. */
  sink(task: string): ProgressSink {
    let total = 0, label = "", started = 0, lastDraw = 0, status = "", done = 0;
    return {
      start: (t, l) => {
        total = t;
        label = l;
        started = performance.now();
        lastDraw = 0;
        done = 0;
        if (!this.#tty) this.log(`[${task}] ${label}: ${total} to do`);
      },
      update: (d, s) => {
        done = d;
        if (s !== undefined) status = s;
        if (!this.#tty || this.#quiet) return;
        const now = performance.now();
        if (now - lastDraw < 100 && d < total) return;
        lastDraw = now;
        const frac = total > 0 ? Math.min(1, d / total) : 0;
        const width = 24;
        const filled = Math.round(frac * width);
        const elapsed = (now - started) / 1000;
        const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : NaN;
        const bar = "█".repeat(filled) + "░".repeat(width - filled);
        this.#write(
          `\r\x1b[2K[${task}] ${label} ${bar} ${(100 * frac).toFixed(0).padStart(3)}% ${d}/${total} ${status} ` +
            `${formatSeconds(elapsed)} eta ${formatSeconds(eta)}`,
        );
        this.#barShown = true;
      },
      end: () => {
        const elapsed = (performance.now() - started) / 1000;
        this.log(`[${task}] ${label}: ${done}/${total} in ${formatSeconds(elapsed)}${status ? ` (${status})` : ""}`);
      },
    };
  }
}
