/**
 * The step machine behind `createFromGalleryImage`: preflight → existing-lab check → enable the
 * image (when asked) → the generation's create request → polls until the lab is Succeeded.
 *
 * The resume token holds the account id, the lab name and the backend's polling handle (URLs and
 * names only). The password is in the one create request and nowhere else: a resumed poller only
 * polls, it never sends the create again.
 */
import type { AbortSignalLike } from "@azure/abort-controller";
import type { OperationOptions } from "@azure/core-client";
import { ConflictError, ValidationError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import type { PollerDriver, StepOutcome } from "../../core/poller.js";
import type { CreateLabState, Lab } from "../../models/lab.js";
import type { CreateProgress, Generation, LabBackend } from "./backend.js";
import { runPreflight, type ValidatedCreate } from "./preflight.js";

export const CREATE_KIND = "lab-create";

export interface CreateFlags {
  preflight: boolean;
  enableImage: boolean;
  ifExists: "fail" | "reuse";
}

/** What `serialize()` writes. Kept small, JSON-only and secret-free. */
export interface CreateSnapshot {
  generation: Generation;
  account: string;
  name: string;
  labId: string;
  /** Polling an existing lab (ifExists: reuse) rather than our own create. */
  reuse: boolean;
  handle: unknown;
  startedAt: number;
  percentComplete: number;
  provisioningState: string | undefined;
  status: CreateLabState["status"];
  result?: Lab | undefined;
}

export class CreateLabDriver implements PollerDriver<CreateLabState, Lab> {
  readonly state: CreateLabState;
  private handle: unknown;
  private reuse = false;
  private startedAt = Date.now();

  constructor(
    private readonly backend: LabBackend,
    private readonly name: string,
    private readonly job: { validated: ValidatedCreate; flags: CreateFlags } | undefined,
    private readonly options: OperationOptions | undefined,
    resumed?: CreateSnapshot,
  ) {
    this.state = { status: "notStarted", phase: "validating", percentComplete: 0, labId: backend.labId(name) };
    if (resumed) {
      this.handle = resumed.handle;
      this.reuse = resumed.reuse;
      this.startedAt = resumed.startedAt;
      this.state.status = resumed.status === "notStarted" ? "running" : resumed.status;
      this.state.phase = resumed.status === "succeeded" ? "done" : "creating";
      this.state.percentComplete = resumed.percentComplete;
      this.state.provisioningState = resumed.provisioningState;
      if (resumed.result) this.state.result = resumed.result;
    }
  }

  private opts(signal: AbortSignalLike | undefined): OperationOptions | undefined {
    return signal ? { ...this.options, abortSignal: signal } : this.options;
  }

  async start(signal: AbortSignalLike | undefined): Promise<StepOutcome> {
    if (!this.job) throw new Error("internal: nothing to start");
    const { validated, flags } = this.job;
    const o = this.opts(signal);
    const pre = await runPreflight(this.backend, validated, flags, o);

    // Re-running after a crash: the name may already be taken (a PUT would silently update it).
    const existing = await this.backend.getExistingLab(this.name, o);
    if (existing) {
      const keys = [pre.request.galleryImageId, pre.request.accountImageId].filter((x): x is string => !!x).map((x) => x.toLowerCase());
      const same = existing.imageKeys.some((k) => keys.includes(k));
      if (flags.ifExists === "fail" || !same) {
        throw new ConflictError({
          statusCode: 409,
          code: "LabAlreadyExists",
          message:
            flags.ifExists === "fail"
              ? `A lab named ${this.name} already exists (${existing.lab.id}).`
              : `A lab named ${this.name} already exists but was not made from this image (it uses ${existing.imageKeys[0] ?? "an unknown image"}).`,
          hint:
            flags.ifExists === "fail"
              ? 'Pick another name, delete the lab (LabClient.delete), or pass { ifExists: "reuse" } to return it when it was made from the same image.'
              : "Pick another name, or delete the existing lab first.",
        });
      }
      logger.info(`createFromGalleryImage: reusing existing lab ${existing.lab.id} (made from the same image).`);
      this.reuse = true;
      this.state.phase = "creating";
      return this.apply({
        status: existing.lab.provisioningState.toLowerCase() === "succeeded" ? "succeeded" : "running",
        provisioningState: existing.lab.provisioningState,
        lab: existing.lab,
        delayMs: undefined,
        handle: undefined,
      });
    }

    if (pre.enableImageName !== undefined) {
      logger.info(`createFromGalleryImage: enabling image ${pre.enableImageName} on ${this.backend.accountId}.`);
      await this.backend.enableImage(pre.enableImageName, o);
    }
    this.startedAt = Date.now();
    this.state.phase = "creating";
    return this.apply(await this.backend.startCreate(pre.request, o));
  }

  async step(signal: AbortSignalLike | undefined): Promise<StepOutcome> {
    const o = this.opts(signal);
    const p = this.reuse ? await this.backend.pollExisting(this.name, o) : await this.backend.pollCreate(this.handle, o);
    return this.apply(p);
  }

  private apply(p: CreateProgress): StepOutcome {
    if (p.handle !== undefined) this.handle = p.handle;
    if (p.provisioningState !== undefined) this.state.provisioningState = p.provisioningState;
    if (p.status === "succeeded") {
      if (!p.lab) throw new Error("internal: succeeded without a lab");
      this.state.result = p.lab;
      this.state.status = "succeeded";
      this.state.phase = "done";
      this.state.percentComplete = 100;
      this.state.provisioningState = p.lab.provisioningState;
    } else if (p.status === "failed" || p.status === "canceled") {
      this.state.status = p.status;
      this.state.error = p.error ?? new Error(`Creating lab ${this.name} ended ${p.status}.`);
    } else {
      this.state.status = "running";
      // An estimate from elapsed time against the typical duration (the service reports no percent, G.1).
      const estimate = Math.floor(((Date.now() - this.startedAt) / this.backend.typicalCreateMs) * 95);
      this.state.percentComplete = Math.max(this.state.percentComplete, Math.min(95, estimate));
    }
    return { delayMs: p.delayMs ?? this.backend.transport.options.pollIntervalInMs };
  }

  snapshot(): CreateSnapshot {
    const s: CreateSnapshot = {
      generation: this.backend.generation,
      account: this.backend.accountId,
      name: this.name,
      labId: this.state.labId,
      reuse: this.reuse,
      handle: this.handle,
      startedAt: this.startedAt,
      percentComplete: this.state.percentComplete,
      provisioningState: this.state.provisioningState,
      status: this.state.status,
    };
    if (this.state.status === "succeeded" && this.state.result) s.result = this.state.result;
    return s;
  }
}

/** Checks a decoded token's snapshot before trusting it. */
export function checkSnapshot(s: unknown): CreateSnapshot {
  const o = s as Partial<CreateSnapshot> | null;
  if (
    typeof o !== "object" ||
    o === null ||
    (o.generation !== "labPlan" && o.generation !== "labAccount") ||
    typeof o.account !== "string" ||
    typeof o.name !== "string" ||
    typeof o.startedAt !== "number"
  ) {
    throw new ValidationError("Not a resume token for lab-create: its content is incomplete.", [{ path: "token", message: "incomplete" }], {
      hint: "Pass the exact string returned by poller.serialize().",
    });
  }
  return o as CreateSnapshot;
}
