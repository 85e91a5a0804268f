/**
 * `exportAllTemplates`: back up the template of every lab of a lab plan or classic lab account to
 * the gallery attached to it — the job of the retirement year (Azure Lab Services retires on
 * 2027-06-28; labs disappear, galleries and their images survive). See docs/bulk.md.
 */
import type { AbortSignalLike } from "@azure/abort-controller";
import type { ClientOptions } from "../core/client-options.js";
import {
  PreconditionFailedError,
  ValidationError,
  isConnectionError,
  isOperationFailedError,
  isPreconditionFailedError,
  isThrottledError,
} from "../core/errors.js";
import type { PollerLike } from "../core/poller.js";
import { parseResourceId, type AccountId } from "../core/resource-id.js";
import { LabAccountClient } from "../clients/lab-account-client.js";
import { LabClient } from "../clients/lab-client.js";
import { TemplateClient } from "../clients/template-client.js";
import type { GalleryImage } from "../models/gallery-image.js";
import type { ExportState, Lab } from "../models/lab.js";
import { parseInput, z } from "../validation/parse.js";
import { Checkpoint, type CheckpointItem, type CheckpointStorage } from "./checkpoint.js";
import { ProgressTracker, type BatchProgress } from "./events.js";
import { assignImageNames, validateNamePattern } from "./image-names.js";
import { AdaptivePool } from "./pool.js";
import { commonOptionShape, errorSummary, isAbortError, withThrottleBackoff } from "./shared.js";

/** Options of `exportAllTemplates`. */
export interface ExportAllTemplatesOptions {
  /** Exports running at once (default 4, at most 64). Lowered by itself while the service throttles. */
  concurrency?: number;
  /**
   * Image name template: `{lab}` is the lab's name, `{account}` the lab plan's or lab account's
   * (default `"{lab}"`). The result is cleaned into a valid, collision-free gallery image name
   * (docs/bulk.md#naming).
   */
  namePattern?: string;
  /** As `TemplateClient.exportToGallery`: `"geography"` or a list of regions (lab plans only). */
  replicateTo?: "geography" | string[];
  /** A file path or a `{ load, save }` storage: a re-run continues there and never exports a lab twice. */
  checkpoint?: string | CheckpointStorage;
  /** Stops starting exports and stops waiting; exports already sent go on in Azure (the checkpoint resumes them). */
  signal?: AbortSignalLike;
  /** Called on every change of the batch's counts. */
  onProgress?: (progress: BatchProgress) => void;
  /** Credential, endpoint, … for every client the job creates. */
  clientOptions?: ClientOptions;
  /** Required for classic lab accounts: their save-image call is inferred, not public (docs/export.md#classic-lab-accounts-experimental). */
  experimentalClassicSaveImage?: boolean;
}

/** What happened to one lab. */
export interface ExportReportItem {
  /** The lab's name. */
  lab: string;
  labId: string;
  /** The gallery image name the lab maps to. */
  imageName: string;
  status: "exported" | "skipped" | "failed";
  /** `exported`: the image produced. */
  image?: GalleryImage | undefined;
  /** `skipped`/`failed`: why, as a short code (`noTemplateVm`, `exportUncertain`, an ARM code, …). */
  reason?: string | undefined;
  /** `failed`: the error. */
  error?: Error | undefined;
  /** True when an earlier run (the checkpoint) finished this lab. */
  fromCheckpoint?: boolean | undefined;
}

export interface ExportAllTemplatesReport {
  accountId: AccountId;
  /** The gallery the templates were saved to. */
  galleryId: string;
  items: ExportReportItem[];
  counts: { total: number; exported: number; skipped: number; failed: number };
}

const optionsSchema = z.strictObject({
  ...commonOptionShape,
  namePattern: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  replicateTo: z.optional(z.union([z.literal("geography"), z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(100))])),
  experimentalClassicSaveImage: z.optional(z.boolean()),
});

const uncertainError = (lab: string) =>
  new PreconditionFailedError(
    `The export of lab ${lab} may have been sent just before the previous run stopped, and no resume token was recorded; it is not sent again.`,
    "exportUncertain",
    { hint: "Look in the gallery for a new version of the lab's image. To export it again anyway, remove the lab's entry from the checkpoint (or use a new checkpoint)." },
  );

/**
 * Exports the template of every lab of `accountId` (a lab plan or classic lab account) that has a
 * template VM into the gallery attached to it, `concurrency` at a time, and resolves to a report.
 * Labs without a template VM are `skipped`; an export that fails is `failed` with its error, and the
 * others go on. Throws before any export if the input is invalid (`ValidationError`) or no gallery
 * is attached (`PreconditionFailedError`). With `signal` aborted it rejects with an `AbortError`
 * once every running export has been recorded in the checkpoint.
 */
export async function exportAllTemplates(accountId: string, options: ExportAllTemplatesOptions = {}): Promise<ExportAllTemplatesReport> {
  parseInput(optionsSchema, options, "exportAllTemplates options");
  const account = parseResourceId(accountId, "labPlan", "labAccount");
  const classic = account.kind === "labAccount";
  if (options.namePattern !== undefined) validateNamePattern(options.namePattern);
  if (classic && options.experimentalClassicSaveImage !== true) {
    throw new ValidationError(
      "Exporting from a classic lab account needs experimentalClassicSaveImage: true: lab accounts have no public save-image API and the SDK sends an inferred request shape.",
      [{ path: "experimentalClassicSaveImage", message: "required for classic lab accounts" }],
      { hint: "Pass { experimentalClassicSaveImage: true } after reading docs/export.md#classic-lab-accounts-experimental." },
    );
  }
  if (classic && Array.isArray(options.replicateTo)) {
    throw new ValidationError("Lab accounts replicate saved images across their geography by themselves; a region list cannot be chosen.", [
      { path: "replicateTo", message: 'only "geography" or nothing for lab accounts' },
    ]);
  }
  const clientOptions: ClientOptions = options.clientOptions ?? {};
  const signal = options.signal;
  const checkpoint = await Checkpoint.open(options.checkpoint, "exportAllTemplates", account.id);

  // Preflight once: a gallery must be attached, or no export can succeed.
  const attached = await new LabAccountClient(account.id, clientOptions).getAttachedGallery(signal ? { abortSignal: signal } : {});
  if (attached === undefined) {
    throw new PreconditionFailedError(`${classic ? "Lab account" : "Lab plan"} ${account.id} has no gallery attached, so there is nowhere to save the templates.`, "galleryNotAttached", {
      hint: `Attach a gallery first: await new LabAccountClient(${JSON.stringify(account.id)}, options).attachGallery(galleryId) (docs/galleries.md).`,
    });
  }

  const labs: Lab[] = [];
  for await (const lab of new LabClient(account.id, clientOptions).list(signal ? { abortSignal: signal } : {})) labs.push(lab);

  const fixed = new Map<string, string>();
  for (const [key, item] of Object.entries(checkpoint.state.items)) if (item.imageName !== undefined) fixed.set(key, item.imageName);
  const names = assignImageNames(labs, { pattern: options.namePattern, accountName: account.id.split("/").pop(), fixed });

  const progress = new ProgressTracker(labs.length, options.onProgress);
  const pool = new AdaptivePool(options.concurrency ?? 4);
  const items: ExportReportItem[] = new Array(labs.length);
  const exportOptions = classic ? { experimentalClassicSaveImage: true } : {};

  const finish = (index: number, item: ExportReportItem, wasRunning: boolean): void => {
    items[index] = item;
    progress.finished(item.lab, item.status, wasRunning, item.reason);
  };

  /** Waits for an export whose request was accepted (fresh or resumed) and records the outcome. */
  const follow = async (index: number, lab: Lab, key: string, base: Omit<CheckpointItem, "state" | "updatedAt">, poller: PollerLike<ExportState, GalleryImage>): Promise<void> => {
    const reportBase = { lab: lab.name, labId: lab.id, imageName: base.imageName as string };
    try {
      const image = await poller.pollUntilDone(signal ? { abortSignal: signal } : {});
      await checkpoint.put(key, { ...base, state: "done", result: image });
      finish(index, { ...reportBase, status: "exported", image }, true);
    } catch (e) {
      if (isAbortError(e)) throw e;
      const reason = isOperationFailedError(e) ? e.code : e instanceof Error ? e.name : "error";
      await checkpoint.put(key, { ...base, state: "failed", reason, error: errorSummary(e) });
      finish(index, { ...reportBase, status: "failed", reason, error: e instanceof Error ? e : new Error(String(e)) }, true);
    }
  };

  const runOne = async (lab: Lab, index: number): Promise<void> => {
    const key = lab.id.toLowerCase();
    const imageName = names.get(key) as string;
    const recorded = checkpoint.get(key);
    const base = { name: lab.name, labId: lab.id, imageName };
    const reportBase = { lab: lab.name, labId: lab.id, imageName };

    if (recorded?.state === "done") {
      finish(index, { ...reportBase, status: "exported", image: recorded.result as GalleryImage, fromCheckpoint: true }, false);
      return;
    }
    if (recorded?.uncertain === true || (recorded?.state === "submitting" && recorded.resumeToken === undefined)) {
      const error = uncertainError(lab.name);
      await checkpoint.put(key, { ...base, state: "failed", uncertain: true, reason: error.reason, error: errorSummary(error) });
      finish(index, { ...reportBase, status: "failed", reason: error.reason, error, fromCheckpoint: true }, false);
      return;
    }

    progress.started(lab.name);
    try {
      if (recorded?.resumeToken !== undefined) {
        // Sent by an earlier run: continue it, never send it again.
        const poller = TemplateClient.resumeExport(recorded.resumeToken, clientOptions);
        await follow(index, lab, key, { ...base, resumeToken: recorded.resumeToken }, poller);
        return;
      }
      await withThrottleBackoff(
        pool,
        signal,
        async () => {
          await checkpoint.put(key, { ...base, state: "submitting" });
          const poller = new TemplateClient(lab.id, clientOptions).exportToGallery({ imageName, ...(options.replicateTo !== undefined ? { replicateTo: options.replicateTo } : {}) }, exportOptions);
          try {
            await poller.submitted();
          } catch (e) {
            // The poller leaves "validating" only once the save was accepted.
            const sent = poller.operationState !== undefined && poller.operationState.phase !== "validating";
            if (sent || isConnectionError(e)) {
              // The save may be running in Azure with no token to follow it: never send it again.
              const error = uncertainError(lab.name);
              await checkpoint.put(key, { ...base, state: "failed", uncertain: true, reason: error.reason, error: errorSummary(e) });
              finish(index, { ...reportBase, status: "failed", reason: error.reason, error: e instanceof Error ? e : error }, true);
              return;
            }
            if (isThrottledError(e)) throw e;
            if (isPreconditionFailedError(e) && e.reason === "noTemplateVm") {
              await checkpoint.put(key, { ...base, state: "skipped", reason: e.reason });
              finish(index, { ...reportBase, status: "skipped", reason: e.reason }, true);
              return;
            }
            const reason = isPreconditionFailedError(e) ? e.reason : e instanceof Error ? e.name : "error";
            await checkpoint.put(key, { ...base, state: "failed", reason, error: errorSummary(e) });
            finish(index, { ...reportBase, status: "failed", reason, error: e instanceof Error ? e : new Error(String(e)) }, true);
            return;
          }
          const token = await poller.serialize();
          // Recorded BEFORE waiting: a crash from here on resumes this export instead of sending it again.
          await checkpoint.put(key, { ...base, state: "started", resumeToken: token });
          pool.succeeded();
          await follow(index, lab, key, { ...base, resumeToken: token }, poller);
        },
        // Throttled before the save was accepted: nothing was sent; a re-run may start it afresh.
        (e) => checkpoint.put(key, { ...base, state: "failed", reason: "throttled", error: errorSummary(e) }),
      );
    } catch (e) {
      if (isAbortError(e)) {
        progress.stopped();
        throw e;
      }
      const reason = isThrottledError(e) ? "throttled" : e instanceof Error ? e.name : "error";
      await checkpoint.put(key, { ...base, state: "failed", reason, error: errorSummary(e) });
      finish(index, { ...reportBase, status: "failed", reason, error: e instanceof Error ? e : new Error(String(e)) }, true);
    }
  };

  await pool.run(labs, runOne, signal);

  // Labs deleted since an earlier run backed them up: their images are still in the gallery.
  const listed = new Set(labs.map((l) => l.id.toLowerCase()));
  for (const [key, item] of Object.entries(checkpoint.state.items)) {
    if (listed.has(key) || item.state !== "done") continue;
    items.push({ lab: item.name, labId: item.labId ?? key, imageName: item.imageName ?? "", status: "exported", image: item.result as GalleryImage, fromCheckpoint: true });
  }
  return {
    accountId: account.id as AccountId,
    galleryId: attached.galleryId,
    items,
    counts: {
      total: items.length,
      exported: items.filter((i) => i.status === "exported").length,
      skipped: items.filter((i) => i.status === "skipped").length,
      failed: items.filter((i) => i.status === "failed").length,
    },
  };
}


