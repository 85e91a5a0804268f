/**
 * The export as a step machine, driven by the generic poller (core/poller.ts). Every `step` sends
 * at most a few requests and says how long to wait before the next one.
 *
 *   start     validating: preflight checks (backend), versions that exist already, then the POST
 *   "save"    one poll of the save operation; the percent is an estimate from elapsed time
 *   "locate"  find the definition, the new version and the lab plan / lab account image
 *             (lab plans with replicateTo: extend the version's targetRegions here, once)
 *   "replicate" one read of the version's replicationStatus; per-region progress
 *   "done"    result set
 *
 * Everything needed to continue lives in `ExportSnapshot` (URLs, ids, names, numbers), so a token
 * taken after the POST lets another process continue without sending the save again.
 */
import type { AbortSignalLike } from "@azure/abort-controller";
import type { OperationOptions } from "@azure/core-client";
import {
  OperationFailedError,
  PreconditionFailedError,
  UnexpectedResponseError,
  isArmError,
  isConnectionError,
  isOperationFailedError,
  isThrottledError,
} from "../../core/errors.js";
import { operationIdOf, pollLro, startLro, type LroHandle, type LroPoll } from "../../core/lro.js";
import type { PollerDriver, StepOutcome } from "../../core/poller.js";
import type { GalleryImageId, GalleryImageVersionId } from "../../core/resource-id.js";
import type { ArmTransport } from "../../core/transport.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import type { ExportPhase, ExportState } from "../../models/lab.js";
import type { ExportBackend } from "./backend.js";
import { definitionIdIn, listVersionNames, newestNewVersion, readDefinition, readVersion, versionIdOf, type DefinitionInfo, type VersionInfo } from "./gallery.js";
import { normalizeRegion } from "./geographies.js";
import { bandsFor, estimateSaveFraction, inBand } from "./progress.js";
import { extendTargetRegions, regionProgress, replicationOutcome, resolveRequestedRegions, targetRegionSet } from "./replication.js";
import { exportSnapshotSchema, type ExportSnapshot } from "./schemas.js";

/** How many polls the image may take to show up in the gallery after the save succeeded. */
const MAX_LOCATE_ATTEMPTS = 20;
/** Transient failures (429, 5xx, no answer) in a row that polling rides out before giving up. */
const MAX_TRANSIENT_FAILURES = 8;

export interface ExportDriverContext {
  transport: ArmTransport;
  backend: ExportBackend;
  labId: string;
  /** Wait between polls when the service sends no Retry-After (else the client's pollIntervalInMs). */
  intervalInMs: number | undefined;
  /** Options applied to every request (abortSignal, custom headers, …). */
  options: OperationOptions | undefined;
}

export interface FreshExport {
  imageName: string;
  replicateTo: string[] | "geography" | undefined;
  preflight: boolean;
}

const phaseOf = (step: ExportSnapshot["step"]): ExportPhase => (step === "replicate" ? "replicating" : step === "done" ? "done" : "saving");

function isTransient(e: unknown): boolean {
  return isThrottledError(e) || isConnectionError(e) || (isArmError(e) && e.statusCode >= 500);
}

export class ExportDriver implements PollerDriver<ExportState, GalleryImage> {
  readonly state: ExportState;
  private snap: ExportSnapshot | undefined;
  private notify: () => void = () => undefined;
  private transientFailures = 0;

  constructor(
    private readonly ctx: ExportDriverContext,
    private readonly fresh: FreshExport | undefined,
    snapshot?: ExportSnapshot,
  ) {
    if (snapshot) {
      this.snap = snapshot;
      this.state = {
        status: snapshot.step === "done" ? "succeeded" : "running",
        phase: phaseOf(snapshot.step),
        percentComplete: snapshot.percentComplete,
        regions: snapshot.regions,
        labId: snapshot.labId,
        imageName: snapshot.imageName,
        replication: snapshot.replication,
      };
      if (snapshot.step === "done" && snapshot.result) this.state.result = snapshot.result as GalleryImage;
      this.copyIds();
    } else {
      if (!fresh) throw new Error("internal: an export driver needs an input or a snapshot");
      this.state = {
        status: "notStarted",
        phase: "validating",
        percentComplete: 0,
        regions: [],
        labId: ctx.labId,
        imageName: fresh.imageName,
        replication: ctx.backend.generation === "labAccount" ? "automatic" : fresh.replicateTo !== undefined ? "requested" : "none",
      };
    }
  }

  bind(notify: () => void): void {
    this.notify = notify;
  }

  snapshot(): unknown {
    if (!this.snap) throw new Error("internal: the export was not sent, there is nothing to resume");
    // Parsing puts the keys in schema order: the same state always gives the same text.
    return exportSnapshotSchema.parse(this.snap);
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private opts(signal: AbortSignalLike | undefined): OperationOptions | undefined {
    return signal ? { ...this.ctx.options, abortSignal: signal } : this.ctx.options;
  }

  /** Retry-After exactly when the service sent one (0 included), else the configured interval. */
  private delay(retryAfterMs?: number): StepOutcome {
    return { delayMs: retryAfterMs ?? this.ctx.intervalInMs ?? this.ctx.transport.options.pollIntervalInMs };
  }

  private raise(percent: number): void {
    const p = Math.max(this.state.percentComplete, Math.min(100, percent));
    this.state.percentComplete = p;
    if (this.snap) this.snap.percentComplete = p;
  }

  private copyIds(): void {
    const s = this.snap;
    if (!s) return;
    this.state.accountId = s.accountId;
    this.state.galleryId = s.galleryId;
    if (s.operationId !== undefined) this.state.operationId = s.operationId;
    if (s.galleryImageId !== undefined) this.state.galleryImageId = s.galleryImageId as GalleryImageId;
    if (s.galleryImageVersionId !== undefined) this.state.galleryImageVersionId = s.galleryImageVersionId as GalleryImageVersionId;
  }

  /** Copies the snapshot into the public state and tells the listeners. */
  private sync(): void {
    const s = this.snap;
    if (s) {
      this.state.phase = phaseOf(s.step);
      this.state.regions = s.regions.map((r) => ({ ...r }));
      this.copyIds();
    }
    this.notify();
  }

  private fail(e: unknown): StepOutcome {
    this.state.status = isOperationFailedError(e) && e.status === "Canceled" ? "canceled" : "failed";
    this.state.error = e instanceof Error ? e : new Error(String(e));
    this.sync();
    return { delayMs: 0 };
  }

  // ---- start: preflight and the POST -----------------------------------------------------------

  async start(signal: AbortSignalLike | undefined): Promise<StepOutcome> {
    const fresh = this.fresh;
    if (!fresh) throw new Error("internal: a resumed export is not started again");
    this.state.status = "running";
    this.notify();
    try {
      const { backend, transport } = this.ctx;
      const options = this.opts(signal);
      const total = backend.checks + 1;
      let done = 0;
      const checked = () => {
        done++;
        this.raise(inBand(0, 5, done / total));
        this.notify();
      };
      const prepared = await backend.prepare({ imageName: fresh.imageName, preflight: fresh.preflight, checked, options });
      const definitionId = definitionIdIn(prepared.galleryId, fresh.imageName);
      if (fresh.preflight) {
        const existing = await readDefinition(transport, definitionId, options);
        checkExistingDefinition(existing, fresh.imageName);
      }
      const knownVersions = await listVersionNames(transport, definitionId, options);
      const requestedRegions =
        backend.generation === "labPlan" && fresh.replicateTo !== undefined ? resolveRequestedRegions(fresh.replicateTo, prepared.accountLocation) : [];
      checked();

      const { handle, poll } = await startLro(transport, { ...prepared.saveRequest, options }, "location");
      const operationId = operationIdOf(handle);
      this.snap = {
        generation: backend.generation,
        labId: this.ctx.labId,
        imageName: fresh.imageName,
        step: "save",
        percentComplete: this.state.percentComplete,
        replication: this.state.replication,
        waitForReplication: fresh.replicateTo !== undefined,
        requestedRegions,
        accountId: prepared.accountId,
        galleryId: prepared.galleryId,
        ...(prepared.accountLocation !== undefined ? { accountLocation: prepared.accountLocation } : {}),
        knownVersions,
        saveStartedAt: Date.now(),
        save: handle,
        ...(operationId !== undefined ? { operationId } : {}),
        locateAttempts: 0,
        regions: [],
      };
      this.raise(bandsFor(this.snap.waitForReplication).saveStart);
      this.sync();
      // From here the save runs in Azure and the snapshot can resume it: an error now must not end
      // `start` (the poller would keep the rejection and `serialize()` could never give the token).
      try {
        return await this.afterSavePoll(poll, signal);
      } catch (e) {
        return this.recover(e);
      }
    } catch (e) {
      if (!(e instanceof Error && e.name === "AbortError")) this.fail(e);
      throw e;
    }
  }

  // ---- step: one poll ------------------------------------------------------------------------

  async step(signal: AbortSignalLike | undefined): Promise<StepOutcome> {
    const s = this.snap;
    if (!s) throw new Error("internal: step before start");
    try {
      let out: StepOutcome;
      switch (s.step) {
        case "save":
          out = await this.afterSavePoll(await pollLro(this.ctx.transport, s.save as LroHandle, this.opts(signal)), signal);
          break;
        case "locate":
          out = await this.locate(signal);
          break;
        case "replicate":
          out = await this.watchReplication(signal);
          break;
        case "done":
          this.finish();
          out = { delayMs: 0 };
          break;
      }
      this.transientFailures = 0;
      return out;
    } catch (e) {
      return this.recover(e);
    }
  }

  /** An error after the save was accepted: a failed read is retried, anything else fails the export. */
  private recover(e: unknown): StepOutcome {
    if (e instanceof Error && e.name === "AbortError") throw e;
    if (isTransient(e) && ++this.transientFailures <= MAX_TRANSIENT_FAILURES) {
      // The status read failed, not the export (rest-api.md D.1): wait and read again.
      return this.delay(isThrottledError(e) ? e.retryAfterInMs : undefined);
    }
    return this.fail(e);
  }

  private async afterSavePoll(poll: LroPoll, signal: AbortSignalLike | undefined): Promise<StepOutcome> {
    const s = this.snap as ExportSnapshot;
    const bands = bandsFor(s.waitForReplication);
    if (poll.status === "running") {
      // The service reports no percent (G.1); when it does, it wins over the estimate.
      const fraction = poll.percentComplete !== undefined ? poll.percentComplete / 100 : estimateSaveFraction(Date.now() - s.saveStartedAt);
      this.raise(inBand(bands.saveStart, bands.saveEnd, fraction));
      this.sync();
      return this.delay(poll.retryAfterMs);
    }
    if (poll.status === "failed" || poll.status === "canceled") {
      return this.fail(
        poll.error ??
          new OperationFailedError({ statusCode: 200, status: poll.status === "failed" ? "Failed" : "Canceled", code: "OperationFailed", message: "The save ended without an error message.", operationId: s.operationId }),
      );
    }
    s.step = "locate";
    this.raise(bands.saveEnd);
    this.sync();
    // The result follows the service's completion at once, not one interval later.
    return this.locate(signal);
  }

  /** Finds what the save produced: the definition, its new version and the account's image. */
  private async locate(signal: AbortSignalLike | undefined): Promise<StepOutcome> {
    const s = this.snap as ExportSnapshot;
    const { transport, backend } = this.ctx;
    const options = this.opts(signal);
    const bands = bandsFor(s.waitForReplication);
    const definitionId = definitionIdIn(s.galleryId, s.imageName);
    const definition = await readDefinition(transport, definitionId, options);
    const newest = definition ? newestNewVersion(await listVersionNames(transport, definitionId, options), s.knownVersions) : undefined;
    const version = newest !== undefined ? await readVersion(transport, versionIdOf(definitionId, newest), options) : undefined;
    if (!definition || !version) {
      s.locateAttempts++;
      if (s.locateAttempts > MAX_LOCATE_ATTEMPTS) {
        throw new UnexpectedResponseError(
          `The save of ${JSON.stringify(s.imageName)} succeeded, but no new version of ${definitionId} appeared in the gallery after ${MAX_LOCATE_ATTEMPTS} reads.`,
          undefined,
          { hint: `Look for the image in the gallery ${s.galleryId}; quote operation id ${s.operationId ?? "(unknown)"} if you contact support.` },
        );
      }
      this.sync();
      return this.delay();
    }
    s.galleryImageId = definitionId;
    s.galleryImageVersionId = version.id;
    const accountImage = await backend.findAccountImage(s.accountId, s.imageName, definitionId, options);
    s.result = buildResult(s, definition, version, accountImage);
    this.raise(bands.locateEnd);

    if (s.replication === "requested") {
      const wanted = targetRegionSet(version, s.requestedRegions);
      // Sent at most once per export: a repeated locate (after a transient error or a resume) sees
      // the regions already there and sends nothing.
      await extendTargetRegions(transport, version, wanted, options);
      s.regions = regionProgress(version, wanted);
      s.step = "replicate";
      this.sync();
      return this.delay();
    }
    if (s.waitForReplication) {
      s.regions = regionProgress(version, []);
      s.step = "replicate";
      this.sync();
      return this.afterReplicationRead(version);
    }
    s.regions = regionProgress(version, s.replication === "none" ? targetRegionSet(version, []) : []);
    this.finish();
    return { delayMs: 0 };
  }

  private async watchReplication(signal: AbortSignalLike | undefined): Promise<StepOutcome> {
    const s = this.snap as ExportSnapshot;
    const version = await readVersion(this.ctx.transport, s.galleryImageVersionId as GalleryImageVersionId, this.opts(signal));
    if (!version) {
      throw new PreconditionFailedError(`The image version ${s.galleryImageVersionId} disappeared from the gallery while it was replicating.`, "versionDeleted", {
        hint: "Someone deleted it; export again.",
      });
    }
    return this.afterReplicationRead(version);
  }

  private afterReplicationRead(version: VersionInfo): StepOutcome {
    const s = this.snap as ExportSnapshot;
    const bands = bandsFor(s.waitForReplication);
    const expected = s.replication === "requested" ? targetRegionSet(version, s.requestedRegions) : [];
    s.regions = regionProgress(version, expected);
    const avg = s.regions.length === 0 ? 0 : s.regions.reduce((a, r) => a + r.progress, 0) / s.regions.length;
    this.raise(inBand(bands.locateEnd, bands.replicateEnd, avg / 100));
    const outcome = replicationOutcome(version, s.regions);
    if (outcome.kind === "failed") {
      return this.fail(
        new OperationFailedError({
          statusCode: 200,
          status: "Failed",
          code: "ReplicationFailed",
          message: outcome.message,
          operationId: s.operationId,
          hint: "The image was saved; retry replication from the gallery (remove the failed regions, then add them back), or export again.",
        }),
      );
    }
    if (outcome.kind === "completed") {
      if (s.result) {
        const completed = s.regions.filter((r) => r.state === "Completed").map((r) => r.region);
        s.result.availableRegions = [...new Set([...s.result.availableRegions.map(normalizeRegion), ...completed])];
      }
      this.finish();
      return { delayMs: 0 };
    }
    this.sync();
    return this.delay();
  }

  private finish(): void {
    const s = this.snap as ExportSnapshot;
    s.step = "done";
    this.raise(100);
    this.state.status = "succeeded";
    if (s.result) this.state.result = s.result as GalleryImage;
    this.sync();
  }
}

/** A specialized template cannot become a version of a generalized definition (rest-api.md C.5). */
function checkExistingDefinition(existing: DefinitionInfo | undefined, imageName: string): void {
  if (existing?.osState === "Generalized") {
    throw new PreconditionFailedError(
      `The gallery already has a generalized image definition named ${JSON.stringify(imageName)}; a lab template is saved as a specialized image and cannot become a version of it.`,
      "definitionGeneralized",
      { hint: "Pick another imageName (exporting to an existing specialized definition adds a new version to it)." },
    );
  }
}

function buildResult(s: ExportSnapshot, definition: DefinitionInfo, version: VersionInfo, accountImage: GalleryImage | undefined): ExportSnapshot["result"] {
  const regions = [...new Set([version.location, ...version.targetRegions.map((t) => t.name)].filter((r): r is string => r !== undefined).map(normalizeRegion))];
  const base: GalleryImage = accountImage ?? {
    name: s.imageName,
    displayName: s.imageName,
    id: definition.id,
    galleryImageId: definition.id,
    osType: definition.osType,
    osState: definition.osState,
    enabled: false,
    availableRegions: [],
    source: "gallery",
    account: s.accountId as GalleryImage["account"],
  };
  const image: NonNullable<ExportSnapshot["result"]> = {
    name: base.name,
    displayName: base.displayName,
    id: base.id,
    galleryImageId: definition.id,
    galleryImageVersionId: version.id,
    enabled: base.enabled,
    availableRegions: base.availableRegions.length > 0 ? base.availableRegions : regions,
    source: "gallery",
    account: base.account,
  };
  const osType = base.osType ?? definition.osType;
  const osState = definition.osState ?? base.osState;
  const gen = base.hyperVGeneration ?? definition.hyperVGeneration;
  if (osType !== undefined) image.osType = osType;
  if (osState !== undefined) image.osState = osState;
  if (gen !== undefined) image.hyperVGeneration = gen;
  return image;
}
