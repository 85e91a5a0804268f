/**
 * Checkpoints of the bulk jobs: what each item reached, so a re-run after a crash continues where the
 * last run stopped and never sends the same export or lab creation twice.
 *
 * Storage is a JSON file written atomically (temp file in the same folder, fsync, rename: a crash
 * leaves the old or the new file, never half of one) or any `{ load, save }` pair the caller gives
 * (a database row, a blob). The content is ids, names, states and resume tokens — resume tokens
 * hold URLs and names only. No password, token or credential is ever written: every save is
 * checked against the passwords of the batch and refused if one appears.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ValidationError } from "../core/errors.js";
import { parseInput, z } from "../validation/parse.js";

export const CHECKPOINT_FORMAT = "azure-lab-gallery-bulk/1";

export type CheckpointJob = "exportAllTemplates" | "createLabsFromImage";

/**
 * Where one item stands:
 * - `submitting`: about to send the export / create request (a crash here leaves it unknown whether
 *   the service got it);
 * - `started`: the service accepted it; `resumeToken` continues it without sending it again;
 * - `done`: finished, `result` is the image (export) or the lab (create);
 * - `skipped`: nothing to do (`reason` says why); `failed`: ended with `error`.
 */
export type CheckpointItemState = "submitting" | "started" | "done" | "skipped" | "failed";

export interface CheckpointItem {
  /** The lab's name. */
  name: string;
  /** The lab's resource id, when known. */
  labId?: string | undefined;
  /** Export only: the gallery image name chosen for the lab (kept across runs). */
  imageName?: string | undefined;
  state: CheckpointItemState;
  /** `poller.serialize()` once the request was accepted. */
  resumeToken?: string | undefined;
  /** `done`: the produced `GalleryImage` (export) or the created `Lab` (create). */
  result?: unknown;
  reason?: string | undefined;
  error?: { name: string; message: string; code?: string | undefined } | undefined;
  /** True when the request may have reached the service but no resume token was recorded. */
  uncertain?: boolean | undefined;
  updatedAt: string;
}

export interface BulkCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  job: CheckpointJob;
  /** The lab plan or lab account, canonical casing. */
  accountId: string;
  /** Create only: the image the labs are made from, as resolved (its id). */
  image?: string | undefined;
  createdAt: string;
  updatedAt: string;
  /** Keyed by lower-cased lab id (export) or lower-cased lab name (create). */
  items: Record<string, CheckpointItem>;
}

/** Anything that can keep a checkpoint: `load` resolves `undefined` when there is none yet. */
export interface CheckpointStorage {
  load(): Promise<BulkCheckpoint | undefined>;
  save(state: BulkCheckpoint): Promise<void>;
}

const itemSchema = z.object({
  name: z.string(),
  labId: z.optional(z.string()),
  imageName: z.optional(z.string()),
  state: z.enum(["submitting", "started", "done", "skipped", "failed"]),
  resumeToken: z.optional(z.string()),
  result: z.optional(z.unknown()),
  reason: z.optional(z.string()),
  error: z.optional(z.object({ name: z.string(), message: z.string(), code: z.optional(z.string()) })),
  uncertain: z.optional(z.boolean()),
  updatedAt: z.string(),
});

const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  job: z.enum(["exportAllTemplates", "createLabsFromImage"]),
  accountId: z.string(),
  image: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  items: z.record(z.string(), itemSchema),
});

/** A checkpoint kept in a JSON file, replaced atomically on every save. */
export function fileCheckpoint(path: string): CheckpointStorage {
  if (typeof path !== "string" || path.length === 0) {
    throw new ValidationError("checkpoint must be a file path or a { load, save } object.", [{ path: "checkpoint", message: "expected a path" }]);
  }
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
      if (text.trim() === "") return undefined;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ValidationError(`The checkpoint file ${path} is not JSON.`, [{ path: "checkpoint", message: "not JSON" }], {
          hint: "Point at the file a previous run wrote, or at a new path to start over.",
        });
      }
      return json as BulkCheckpoint;
    },
    async save(state) {
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      const fd = openSync(tmp, "w", 0o600);
      try {
        writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        await rename(tmp, path);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
      }
    },
  };
}

function isStorage(v: unknown): v is CheckpointStorage {
  return typeof v === "object" && v !== null && typeof (v as CheckpointStorage).load === "function" && typeof (v as CheckpointStorage).save === "function";
}

/** Internal: the checkpoint of one run (or an in-memory stand-in when the caller gave none). */
export class Checkpoint {
  private chain: Promise<void> = Promise.resolve();
  private readonly secrets: string[] = [];

  private constructor(
    private readonly storage: CheckpointStorage | undefined,
    readonly state: BulkCheckpoint,
  ) {}

  /**
   * Loads (or starts) the checkpoint of a job. A checkpoint of another job, account or image is
   * refused with `ValidationError` before anything is sent.
   */
  static async open(
    where: string | CheckpointStorage | undefined,
    job: CheckpointJob,
    accountId: string,
    image?: string,
  ): Promise<Checkpoint> {
    const storage = where === undefined ? undefined : typeof where === "string" ? fileCheckpoint(where) : isStorage(where) ? where : undefined;
    if (where !== undefined && storage === undefined) {
      throw new ValidationError("checkpoint must be a file path or a { load, save } object.", [{ path: "checkpoint", message: "expected a path or { load, save }" }]);
    }
    const now = new Date().toISOString();
    const loaded = storage ? await storage.load() : undefined;
    if (loaded === undefined) {
      const fresh: BulkCheckpoint = { format: CHECKPOINT_FORMAT, job, accountId, createdAt: now, updatedAt: now, items: {} };
      if (image !== undefined) fresh.image = image;
      return new Checkpoint(storage, fresh);
    }
    const state = parseInput(checkpointSchema, loaded, "checkpoint", "Point at the file a previous run of the same job wrote, or at a new path to start over.") as BulkCheckpoint;
    const mismatch = (what: string, was: string | undefined, is: string | undefined) =>
      new ValidationError(`The checkpoint belongs to another ${what} (${was ?? "none"}, this run: ${is ?? "none"}).`, [{ path: "checkpoint", message: `another ${what}` }], {
        hint: "Use a separate checkpoint per job, account and image, or a new path to start over.",
      });
    if (state.job !== job) throw mismatch("job", state.job, job);
    if (state.accountId.toLowerCase() !== accountId.toLowerCase()) throw mismatch("lab plan or lab account", state.accountId, accountId);
    if (image !== undefined && state.image !== undefined && state.image.toLowerCase() !== image.toLowerCase()) throw mismatch("image", state.image, image);
    return new Checkpoint(storage, state);
  }

  /** Values that must never reach the storage (the batch's passwords). */
  guard(secret: string): void {
    if (secret.length > 0) this.secrets.push(secret);
  }

  get(key: string): CheckpointItem | undefined {
    return this.state.items[key];
  }

  setImage(image: string): Promise<void> {
    this.state.image = image;
    return this.persist();
  }

  /** Replaces an item and waits until the storage has it. */
  put(key: string, item: Omit<CheckpointItem, "updatedAt">): Promise<void> {
    const clean = Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as Omit<CheckpointItem, "updatedAt">;
    this.state.items[key] = { ...clean, updatedAt: new Date().toISOString() };
    return this.persist();
  }

  private persist(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    const storage = this.storage;
    if (!storage) return Promise.resolve();
    // Saves run one after the other, each with the state as it is when its turn comes.
    const next = this.chain.then(async () => {
      const copy = JSON.parse(JSON.stringify(this.state)) as BulkCheckpoint;
      const text = JSON.stringify(copy);
      if (this.secrets.some((s) => text.includes(s))) {
        throw new Error("internal: refusing to write a password into the checkpoint");
      }
      await storage.save(copy);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
