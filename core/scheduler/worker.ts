/**
 * A worker thread that computes one stored node at a time for `--jobs N`.
 *
 * Messages in: `{ type: "compute", task }` and `{ type: "abort" }`; out:
 * `{ type: "ready" }` once it listens (messages sent before that can be lost
 * while its modules load), `{ type: "log", line }`,
 * `{ type: "done", seconds, committed, mismatch? }`, `{ type: "error", message, interrupted, partial? }`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { initBackend } from "../backend/mod.ts";
import { KINDS } from "../graph/mod.ts";
import type { WorkerTask } from "./_worker_protocol.ts";
import { GraphRuntime, InterruptedError } from "./execute.ts";
import { fileAccess } from "./files.ts";
import { Progress } from "./progress.ts";
import { Store } from "./store.ts";

let controller = new AbortController();

self.onmessage = async (event: MessageEvent) => {
  const msg = event.data as { type: "compute"; task: WorkerTask } | { type: "abort" };
  if (msg.type === "abort") {
    controller.abort();
    return;
  }
  const { task } = msg;
  controller = new AbortController();
  try {
    await initBackend(task.backend);
    const kinds = task.kindsModule ? ((await import(task.kindsModule)) as { KINDS: typeof KINDS }).KINDS : KINDS;
    const progress = new Progress({
      tty: false,
      write: (text) => self.postMessage({ type: "log", line: text.replace(/\n$/, "") }),
    });
    const runtime = new GraphRuntime(task.graph, task.keys, {
      store: new Store(task.runsDir),
      kinds,
      files: fileAccess({
        ...(task.file ? { experimentFile: task.file } : {}),
        root: task.root,
        dataDirs: task.dataDirs,
      }),
      progress,
      signal: controller.signal,
      noCache: task.noCache,
    });
    if (task.force) runtime.force(task.id);
    const outcome = await runtime.compute(task.id);
    self.postMessage({ type: "done", ...outcome });
  } catch (e) {
    const partial = (e as { partial?: unknown }).partial;
    self.postMessage({
      type: "error",
      message: (e as Error).message,
      interrupted: e instanceof InterruptedError || controller.signal.aborted,
      ...(partial !== undefined ? { partial } : {}),
    });
  }
};

self.postMessage({ type: "ready" });
