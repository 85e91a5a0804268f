/**
 * `createLabsFromImage`: many labs from one gallery image — the job automation scripts run every
 * term. Every row is validated before the first write; the batch is paced to the service's
 * throttling; a checkpoint makes a re-run continue without creating a lab twice. See docs/bulk.md.
 */
import type { AbortSignalLike } from "@azure/abort-controller";
import type { ClientOptions } from "../core/client-options.js";
import {
  ValidationError,
  isImageNotReplicatedError,
  isThrottledError,
  isValidationError,
  type ValidationIssue,
} from "../core/errors.js";
import type { PollerLike } from "../core/poller.js";
import { formatResourceId, parseResourceId, type AccountId, type LabAccountId, type LabPlanId } from "../core/resource-id.js";
import { ArmTransport } from "../core/transport.js";
import { LabAccountClient } from "../clients/lab-account-client.js";
import { LabClient, type CreateLabOptions } from "../clients/lab-client.js";
import type { LabBackend } from "../clients/lab/backend.js";
import { LabAccountBackend } from "../clients/lab/classic-backend.js";
import { LabPlanBackend } from "../clients/lab/plan-backend.js";
import { runPreflight, validateCreateInput } from "../clients/lab/preflight.js";
import type { GalleryImage } from "../models/gallery-image.js";
import type { CreateLabState, Lab } from "../models/lab.js";
import { parseInput, z } from "../validation/parse.js";
import { Checkpoint, type CheckpointItem, type CheckpointStorage } from "./checkpoint.js";
import { ProgressTracker, type BatchProgress } from "./events.js";
import { AdaptivePool } from "./pool.js";
import { commonOptionShape, errorSummary, isAbortError, withThrottleBackoff } from "./shared.js";

/** One lab of the batch: `createFromGalleryImage` options without `image` (the batch's image is used). */
export type BulkLabDefinition = Omit<CreateLabOptions, "image">;

/** Options of `createLabsFromImage`. */
export interface CreateLabsFromImageOptions {
  /** Creations running at once (default 4, at most 64). Lowered by itself while the service throttles. */
  concurrency?: number;
  /** A file path or a `{ load, save }` storage: a re-run continues there and never creates a lab twice. */
  checkpoint?: string | CheckpointStorage;
  /** Stops starting creations and stops waiting; creations already sent go on in Azure. */
  signal?: AbortSignalLike;
  /** Called on every change of the batch's counts. */
  onProgress?: (progress: BatchProgress) => void;
  /** Credential, endpoint, … for every client the job creates. */
  clientOptions?: ClientOptions;
  /**
   * A lab of that name exists already (and no checkpoint says this batch made it): `fail` it (default)
   * or `reuse` it when it was made from the same image.
   */
  ifExists?: "fail" | "reuse";
  /** Enable the image on the lab plan / lab account first when it is disabled (default false). */
  enableImage?: boolean;
}

/** What happened to one lab. */
export interface CreateReportItem {
  /** Index of the lab in the input. */
  index: number;
  name: string;
  status: "created" | "failed";
  /** `created`: the lab as the service reports it. */
  lab?: Lab | undefined;
  /** `failed`: a short code (`LabAlreadyExists`, an ARM code, `throttled`, …). */
  reason?: string | undefined;
  error?: Error | undefined;
  /** True when an earlier run (the checkpoint) finished this lab. */
  fromCheckpoint?: boolean | undefined;
}

export interface CreateLabsFromImageReport {
  accountId: AccountId;
  /** The image, as read from the lab plan or lab account. */
  image: GalleryImage;
  items: CreateReportItem[];
  counts: { total: number; created: number; failed: number };
}

const optionsSchema = z.strictObject({
  ...commonOptionShape,
  ifExists: z.optional(z.enum(["fail", "reuse"])),
  enableImage: z.optional(z.boolean()),
});

const MAX_LABS = 5000;

function backendFor(accountId: string, clientOptions: ClientOptions): LabBackend {
  const parsed = parseResourceId(accountId, "labPlan", "labAccount");
  const transport = new ArmTransport(clientOptions);
  return parsed.kind === "labPlan" ? new LabPlanBackend(transport, parsed.id as LabPlanId) : new LabAccountBackend(transport, parsed.id as LabAccountId);
}

/** The id of the account's image `name` (lab plan image or lab account shared image), or undefined for an invalid name. */
function accountImageId(accountId: string, name: string): string | undefined {
  const p = parseResourceId(accountId, "labPlan", "labAccount");
  const scope = { subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup };
  try {
    return p.kind === "labPlan"
      ? formatResourceId("labPlanImage", { ...scope, names: { labPlan: p.names["labPlan"] as string, image: name } })
      : formatResourceId("labAccountSharedImage", { ...scope, names: { labAccount: p.names["labAccount"] as string, sharedImage: name } });
  } catch {
    return undefined;
  }
}

function invalidRows(issues: ValidationIssue[], rows: number, total: number): ValidationError {
  const lines = issues.slice(0, 20).map((i) => `  - ${i.path}: ${i.message}`);
  if (issues.length > 20) lines.push(`  - …and ${issues.length - 20} more`);
  return new ValidationError(`${rows} of ${total} lab(s) are invalid; nothing was created:\n${lines.join("\n")}`, issues, {
    hint: "Fix every listed row and run the batch again; no lab is created until all rows are valid.",
  });
}

/**
 * Checks every row without a request (schema, names, duplicates, the credential rules the image
 * implies when it is a `GalleryImage`): one `ValidationError` lists every bad row with its index.
 */
export function validateLabRows(accountId: string, image: string | GalleryImage, labs: readonly BulkLabDefinition[], clientOptions: ClientOptions = {}): void {
  if (!Array.isArray(labs) || labs.length === 0) {
    throw new ValidationError("labs must be a non-empty array of lab definitions.", [{ path: "labs", message: "expected at least one lab" }]);
  }
  if (labs.length > MAX_LABS) {
    throw new ValidationError(`At most ${MAX_LABS} labs per batch (got ${labs.length}).`, [{ path: "labs", message: `at most ${MAX_LABS}` }]);
  }
  const client = new LabClient(accountId, clientOptions);
  const issues: ValidationIssue[] = [];
  // A bare image name is looked up on the account later; for the row checks it stands as the
  // account's image id of that name (same rules, no request).
  const stand = typeof image === "string" && !image.startsWith("/") ? accountImageId(client.accountId, image) : image;
  if (stand === undefined) {
    throw new ValidationError(`image ${JSON.stringify(String(image).slice(0, 100))} is not an image name or id.`, [{ path: "image", message: "not an image name or id" }]);
  }
  const bad = new Set<number>();
  const seen = new Map<string, number>();
  labs.forEach((row, i) => {
    const add = (path: string, message: string) => {
      issues.push({ path: `labs[${i}]${path ? `.${path}` : ""}`, message });
      bad.add(i);
    };
    if (typeof row !== "object" || row === null || Array.isArray(row)) return add("", "expected a lab definition object");
    try {
      // Builds the poller only: nothing is sent until it is awaited.
      client.createFromGalleryImage({ ...row, image: stand } as CreateLabOptions, { preflight: false });
    } catch (e) {
      if (!isValidationError(e)) throw e;
      if (e.issues.length === 0) add("", e.message.split("\n")[0] ?? e.message);
      for (const issue of e.issues) add(issue.path === "(input)" ? "" : issue.path, issue.message);
    }
    const name = (row as { name?: unknown }).name;
    if (typeof name === "string") {
      const first = seen.get(name.toLowerCase());
      if (first !== undefined) add("name", `duplicate of labs[${first}].name (lab names are case-insensitive)`);
      else seen.set(name.toLowerCase(), i);
    }
  });
  if (issues.length > 0) throw invalidRows(issues, bad.size, labs.length);
}

/**
 * Creates every lab of `labs` from `image` on `accountId` (a lab plan or classic lab account),
 * `concurrency` at a time, and resolves to a report per lab. Before the first write: every row is
 * validated (one `ValidationError` lists all bad rows), the image is read once and the rows are
 * checked against it (OS state → credentials, OS type → username/password rules), and the
 * preflight (image enabled and replicated to each lab's region, region allowed) runs once per
 * distinct region. Throttled writes are retried after `Retry-After`, with fewer creations at once.
 * With `signal` aborted it rejects with an `AbortError` once every running creation is recorded.
 * Passwords are sent in the create requests only: never in the report or the checkpoint.
 */
export async function createLabsFromImage(
  accountId: string,
  image: string | GalleryImage,
  labs: readonly BulkLabDefinition[],
  options: CreateLabsFromImageOptions = {},
): Promise<CreateLabsFromImageReport> {
  parseInput(optionsSchema, options, "createLabsFromImage options");
  const clientOptions: ClientOptions = options.clientOptions ?? {};
  const account = parseResourceId(accountId, "labPlan", "labAccount");
  // 1. Every row, without a request.
  validateLabRows(account.id, image, labs, clientOptions);
  const signal = options.signal;
  const op = signal ? { abortSignal: signal } : {};

  const checkpoint = await Checkpoint.open(options.checkpoint, "createLabsFromImage", account.id);
  for (const row of labs) {
    const c = row.credentials as { kind: string; password?: string; adminUser?: { password: string }; nonAdminUser?: { password: string } };
    for (const p of [c.password, c.adminUser?.password, c.nonAdminUser?.password]) if (p !== undefined) checkpoint.guard(p);
  }

  // 2. The image, read once; the rows again against what it is.
  const resolved = typeof image === "string" ? await new LabAccountClient(account.id, clientOptions).getImage(image, op) : image;
  const imageKey = resolved.galleryImageId ?? resolved.id;
  if (checkpoint.state.image !== undefined && checkpoint.state.image.toLowerCase() !== imageKey.toLowerCase()) {
    throw new ValidationError(`The checkpoint belongs to a batch of another image (${checkpoint.state.image}, this run: ${imageKey}).`, [{ path: "checkpoint", message: "another image" }], {
      hint: "Use a separate checkpoint per batch, or a new path to start over.",
    });
  }
  validateLabRows(account.id, resolved, labs, clientOptions);

  // 3. The preflight, once per distinct region (the only input it depends on besides the image).
  const backend = backendFor(account.id, clientOptions);
  const groups = new Map<string, number[]>();
  labs.forEach((row, i) => {
    const k = (row.location ?? "").replace(/\s+/g, "").toLowerCase();
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const issues: ValidationIssue[] = [];
  const badRows = new Set<number>();
  let enableName: string | undefined;
  for (const indexes of groups.values()) {
    const first = labs[indexes[0] as number] as BulkLabDefinition;
    try {
      const pre = await runPreflight(backend, validateCreateInput({ ...first, image: resolved }, backend), { preflight: true, enableImage: options.enableImage ?? false }, op);
      enableName ??= pre.enableImageName;
    } catch (e) {
      if (!isValidationError(e) && !isImageNotReplicatedError(e)) throw e;
      const what = isValidationError(e) && e.issues[0] ? e.issues[0] : { path: "location", message: e.message.split("\n")[0] ?? e.message };
      for (const i of indexes) {
        issues.push({ path: `labs[${i}].${what.path}`, message: what.message });
        badRows.add(i);
      }
    }
  }
  if (issues.length > 0) throw invalidRows(issues, badRows.size, labs.length);
  await checkpoint.setImage(imageKey);
  if (enableName !== undefined) await new LabAccountClient(account.id, clientOptions).setImageEnabled(enableName, true, op);

  // 4. The batch.
  const client = new LabClient(account.id, clientOptions);
  const progress = new ProgressTracker(labs.length, options.onProgress);
  const pool = new AdaptivePool(options.concurrency ?? 4);
  const items: CreateReportItem[] = new Array(labs.length);
  const finish = (item: CreateReportItem, wasRunning: boolean): void => {
    items[item.index] = item;
    progress.finished(item.name, item.status === "created" ? "created" : "failed", wasRunning, item.reason);
  };
  const fail = async (index: number, name: string, key: string, base: Omit<CheckpointItem, "state" | "updatedAt">, e: unknown): Promise<void> => {
    const reason = isThrottledError(e) ? "throttled" : (e as { code?: unknown }).code !== undefined ? String((e as { code?: unknown }).code) : e instanceof Error ? e.name : "error";
    await checkpoint.put(key, { ...base, state: "failed", reason, error: errorSummary(e) });
    finish({ index, name, status: "failed", reason, error: e instanceof Error ? e : new Error(String(e)) }, true);
  };
  const follow = async (index: number, name: string, key: string, base: Omit<CheckpointItem, "state" | "updatedAt">, poller: PollerLike<CreateLabState, Lab>): Promise<void> => {
    try {
      const lab = await poller.pollUntilDone(op);
      await checkpoint.put(key, { ...base, labId: lab.id, state: "done", result: lab });
      finish({ index, name, status: "created", lab }, true);
    } catch (e) {
      if (isAbortError(e)) {
        progress.stopped();
        throw e;
      }
      await fail(index, name, key, base, e);
    }
  };

  // A slot of the pool bounds the writes in flight, not the labs being provisioned: once the service
  // accepted a creation, following it to the end (about 11 minutes live, rest-api.md G.2) happens
  // outside the pool. Holding the slot while polling made 50 labs at concurrency 4 take hours
  // (docs/performance.md, bulk).
  const followers: Promise<void>[] = [];
  const followInBackground = (run: Promise<void>): void => {
    // Handled at once (and read again by allSettled below): a follower that rejects before the pool
    // is done must not count as an unhandled rejection.
    run.catch(() => undefined);
    followers.push(run);
  };

  const runOne = async (row: BulkLabDefinition, index: number): Promise<void> => {
    const name = row.name;
    const key = name.toLowerCase();
    const recorded = checkpoint.get(key);
    const base = { name };
    if (recorded?.state === "done") {
      finish({ index, name, status: "created", lab: recorded.result as Lab, fromCheckpoint: true }, false);
      return;
    }
    progress.started(name);
    try {
      if (recorded?.resumeToken !== undefined) {
        // Sent by an earlier run: follow it, never send it again.
        const poller = LabClient.resumeCreate(recorded.resumeToken, clientOptions);
        followInBackground(follow(index, name, key, { ...base, resumeToken: recorded.resumeToken }, poller));
        return;
      }
      // An earlier attempt that may have reached the service: if the lab exists (same image), it is reused.
      const mayExist = recorded?.state === "submitting" || recorded?.reason === "throttled" || recorded?.error?.name === "ConnectionError";
      let ifExists: "fail" | "reuse" = mayExist ? "reuse" : (options.ifExists ?? "fail");
      await withThrottleBackoff(
        pool,
        signal,
        async () => {
          await checkpoint.put(key, { ...base, state: "submitting" });
          const poller = client.createFromGalleryImage({ ...row, image: resolved } as CreateLabOptions, { preflight: false, ifExists });
          progress.submitting(1);
          try {
            await poller.submitted();
          } catch (e) {
            if (isThrottledError(e)) throw e;
            await fail(index, name, key, base, e);
            return;
          } finally {
            progress.submitting(-1);
          }
          const token = await poller.serialize();
          // Recorded BEFORE waiting: a crash from here on resumes this creation instead of sending it again.
          await checkpoint.put(key, { ...base, labId: poller.operationState?.labId, state: "started", resumeToken: token });
          pool.succeeded();
          followInBackground(follow(index, name, key, { ...base, resumeToken: token }, poller));
        },
        async (e) => {
          // A 429 means the write was not applied; the next attempt reuses a lab only if one exists.
          ifExists = "reuse";
          await checkpoint.put(key, { ...base, state: "failed", reason: "throttled", error: errorSummary(e) });
        },
      );
    } catch (e) {
      if (isAbortError(e)) {
        progress.stopped();
        throw e;
      }
      await fail(index, name, key, base, e);
    }
  };

  // Every follower settles (and records its checkpoint entry) before the batch resolves or rejects.
  const submitted = await pool.run(labs, runOne, signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  const followed = await Promise.allSettled(followers);
  if (submitted !== undefined) throw submitted;
  const aborted = followed.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (aborted) throw aborted.reason;
  return {
    accountId: account.id as AccountId,
    image: resolved,
    items,
    counts: { total: items.length, created: items.filter((i) => i.status === "created").length, failed: items.filter((i) => i.status === "failed").length },
  };
}
