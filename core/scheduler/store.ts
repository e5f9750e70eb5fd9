/**
 * The content-addressed store under `runs/cache/`.
 *
 * An entry is a folder `cache/<key>/` holding one file per output and a
 * `meta.json` listing each file's SHA-256. Entries are written into
 * `cache/.tmp/<unique>/` and renamed into place in one step, so a reader sees
 * a complete entry or none; when two processes compute the same key at once,
 * the first rename wins and the other discards its copy. Every read verifies
 * the checksums: a corrupt or partial entry is reported, moved aside and
 * recomputed, never used.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";

/** What `meta.json` records. */
export interface EntryMeta {
  key: string;
  kind: string;
  /** Output name → file, checksum, size, port type. */
  outputs: Record<string, { file: string; sha256: string; bytes: number; type: string }>;
  /** ISO time of writing. */
  created: string;
  /** Seconds the computation took. */
  seconds: number;
  /** Non-content data the node recorded (timings, memory). */
  annotations?: Record<string, unknown>;
}

/** Result of a read: bytes per output, or why the entry is unusable. */
export type ReadResult =
  | { status: "ok"; meta: EntryMeta; outputs: Record<string, Uint8Array> }
  | { status: "missing" }
  | { status: "corrupt"; reason: string };

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** A unique suffix for temporary names: pid, time and random bytes. */
export function uniqueSuffix(): string {
  return `${Deno.pid}-${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Writes `bytes` to `path` atomically: a temporary file in the same folder, fsync, rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${uniqueSuffix()}`;
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    await f.write(data).then(async (n) => {
      let written = n;
      while (written < data.length) written += await f.write(data.subarray(written));
    });
    await f.sync();
  } catch (e) {
    f.close();
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  f.close();
  try {
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Hooks for tests: simulate a crash between writing and renaming. */
export interface StoreHooks {
  /** Called after an entry's files are written, before the rename. Throwing aborts the write. */
  beforeCommit?(key: string, tmpDir: string): void | Promise<void>;
}

/** The cache folder and its operations. */
export class Store {
  /** `runs/cache`. */
  readonly dir: string;
  readonly #hooks: StoreHooks;

  constructor(runsDir: string, hooks: StoreHooks = {}) {
    this.dir = join(runsDir, "cache");
    this.#hooks = hooks;
  }

  /** Folder of an entry. */
  entryDir(key: string): string {
    return join(this.dir, key);
  }

  /** True when a folder exists for `key` (not verified: use {@linkcode read}). */
  has(key: string): Promise<boolean> {
    return exists(join(this.entryDir(key), "meta.json"));
  }

  /** Reads and verifies an entry. */
  async read(key: string): Promise<ReadResult> {
    const dir = this.entryDir(key);
    let metaText: string;
    try {
      metaText = await Deno.readTextFile(join(dir, "meta.json"));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        return (await exists(dir)) ? { status: "corrupt", reason: "meta.json is missing" } : { status: "missing" };
      }
      throw e;
    }
    let meta: EntryMeta;
    try {
      meta = JSON.parse(metaText) as EntryMeta;
    } catch {
      return { status: "corrupt", reason: "meta.json is not valid JSON" };
    }
    if (meta.key !== key) return { status: "corrupt", reason: `meta.json names key "${meta.key}"` };
    const outputs: Record<string, Uint8Array> = {};
    for (const [name, o] of Object.entries(meta.outputs ?? {})) {
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(join(dir, o.file));
      } catch {
        return { status: "corrupt", reason: `output "${name}" (${o.file}) is missing` };
      }
      if (bytes.length !== o.bytes || sha256(bytes) !== o.sha256) {
        return { status: "corrupt", reason: `output "${name}" (${o.file}) fails its checksum` };
      }
      outputs[name] = bytes;
    }
    return { status: "ok", meta, outputs };
  }

  /**
   * Writes an entry atomically. Returns `false` when another writer committed
   * the same key first (its entry is kept; ours is discarded).
   */
  async write(
    key: string,
    kind: string,
    outputs: Record<string, { bytes: Uint8Array; type: string }>,
    seconds: number,
    annotations?: Record<string, unknown>,
  ): Promise<boolean> {
    const tmpRoot = join(this.dir, ".tmp");
    await Deno.mkdir(tmpRoot, { recursive: true });
    const tmp = join(tmpRoot, `${key.slice(0, 16)}-${uniqueSuffix()}`);
    await Deno.mkdir(tmp);
    try {
      const meta: EntryMeta = {
        key,
        kind,
        outputs: {},
        created: new Date().toISOString(),
        seconds,
        ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
      };
      for (const [name, { bytes, type }] of Object.entries(outputs)) {
        const file = `${name}.bin`;
        await writeFileAtomic(join(tmp, file), bytes);
        meta.outputs[name] = { file, sha256: sha256(bytes), bytes: bytes.length, type };
      }
      await writeFileAtomic(join(tmp, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
      await this.#hooks.beforeCommit?.(key, tmp);
      try {
        await Deno.rename(tmp, this.entryDir(key));
        return true;
      } catch (e) {
        // another writer won the race (ENOTEMPTY / EEXIST on a non-empty folder)
        if (await this.has(key)) return false;
        throw e;
      }
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }

  /** Moves a corrupt entry aside (to `cache/.corrupt/`) so it is recomputed; returns where it went. */
  async quarantine(key: string): Promise<string> {
    const dest = join(this.dir, ".corrupt", `${key}-${uniqueSuffix()}`);
    await Deno.mkdir(join(this.dir, ".corrupt"), { recursive: true });
    try {
      await Deno.rename(this.entryDir(key), dest);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return dest;
  }

  /** Path of a node's checkpoint. */
  checkpointPath(key: string): string {
    return join(this.dir, ".partial", key, "checkpoint.bin");
  }

  /** The last checkpoint of `key`, or null. */
  async loadCheckpoint(key: string): Promise<Uint8Array | null> {
    try {
      return await Deno.readFile(this.checkpointPath(key));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  /**
   * Saves a checkpoint atomically. Another process computing the same key may
   * commit it and drop the checkpoint folder at any moment (even between our
   * mkdir and rename): the folder is then made again and the write retried.
   */
  async saveCheckpoint(key: string, bytes: Uint8Array): Promise<void> {
    for (let attempt = 1;; attempt++) {
      try {
        await Deno.mkdir(join(this.dir, ".partial", key), { recursive: true });
        await writeFileAtomic(this.checkpointPath(key), bytes);
        return;
      } catch (e) {
        // NotFound: the folder went away under us; AlreadyExists: mkdir saw it, then it went away
        const raced = e instanceof Deno.errors.NotFound || e instanceof Deno.errors.AlreadyExists;
        if (!raced || attempt >= 20) throw e;
      }
    }
  }

  /**
   * Removes a node's checkpoint (after its entry is committed), then its folder
   * if empty. Not recursive: another process still computing the same key may be
   * writing its next checkpoint there; what it leaves, `gc` removes.
   */
  async dropCheckpoint(key: string): Promise<void> {
    await Deno.remove(this.checkpointPath(key)).catch(() => {});
    await Deno.remove(join(this.dir, ".partial", key)).catch(() => {});
  }

  /** Every committed key. */
  async keys(): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(this.dir)) if (e.isDirectory && !e.name.startsWith(".")) out.push(e.name);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return out.sort();
  }

  /**
   * Removes entries not in `keep`, quarantined entries, checkpoints of finished
   * or unreferenced nodes, and temporaries older than a day; returns what was removed.
   */
  async gc(
    keep: ReadonlySet<string>,
    options: { dryRun?: boolean } = {},
  ): Promise<{ removed: string[]; bytes: number }> {
    const removed: string[] = [];
    let bytes = 0;
    const sizeOf = async (dir: string): Promise<number> => {
      let s = 0;
      for await (const e of Deno.readDir(dir)) {
        const p = join(dir, e.name);
        s += e.isDirectory ? await sizeOf(p) : (await Deno.stat(p)).size;
      }
      return s;
    };
    const targets: string[] = [];
    for (const key of await this.keys()) if (!keep.has(key)) targets.push(this.entryDir(key));
    if (await exists(join(this.dir, ".corrupt"))) targets.push(join(this.dir, ".corrupt"));
    // temporaries of writers that died (older than a day); live writers' folders are left alone
    const tmpRoot = join(this.dir, ".tmp");
    if (await exists(tmpRoot)) {
      for await (const e of Deno.readDir(tmpRoot)) {
        const st = await Deno.stat(join(tmpRoot, e.name)).catch(() => null);
        if (st?.mtime && Date.now() - st.mtime.getTime() > 86_400_000) targets.push(join(tmpRoot, e.name));
      }
    }
    const partial = join(this.dir, ".partial");
    if (await exists(partial)) {
      for await (const e of Deno.readDir(partial)) {
        if (!keep.has(e.name) || await this.has(e.name)) targets.push(join(partial, e.name));
      }
    }
    for (const t of targets) {
      bytes += await sizeOf(t).catch(() => 0);
      removed.push(t);
      if (!options.dryRun) await Deno.remove(t, { recursive: true }).catch(() => {});
    }
    return { removed, bytes };
  }
}
