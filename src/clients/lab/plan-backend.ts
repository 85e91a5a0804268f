/**
 * Lab plans (`Microsoft.LabServices/labPlans` + sibling `labs`), rest-api.md B.4, B.5, G.
 *
 * Create = `PUT labs/{name}` with `virtualMachineProfile.imageReference.id` = the gallery image
 * definition id, followed per the spec (`final-state-via: original-uri`): the live service answers
 * 201 with the lab (`provisioningState: Creating`) and a signed Azure-AsyncOperation URL, which
 * core's LRO code follows verbatim; the result is a final GET of the lab.
 */
import type { OperationOptions } from "@azure/core-client";
import { armOperationPoller, type ArmOperationState } from "../../core/arm-poller.js";
import { OperationFailedError } from "../../core/errors.js";
import { finalLroResult, pollLro, startLro, type LroHandle, type LroPoll } from "../../core/lro.js";
import { collect, listPaged, type PagedAsyncIterableIterator } from "../../core/paging.js";
import type { PollerLike } from "../../core/poller.js";
import {
  formatLabId,
  formatResourceId,
  parentResourceId,
  parseResourceId,
  type LabPlanId,
  type ParsedResourceId,
} from "../../core/resource-id.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import type { Lab } from "../../models/lab.js";
import { galleryImageFromLabPlanImage, labFromLabPlanLab } from "../../models/normalize.js";
import { imageNameUnder, type AccountInfo, type CreateLabRequest, type CreateProgress, type ExistingLab, type ImageRead, type LabBackend } from "./backend.js";
import { buildLabPlanBody } from "./request-body.js";
import { normalizeRegion } from "../template/geographies.js";
import { obj } from "../../models/json.js";


interface PlanHandle {
  lro: LroHandle;
  provisioningState: string | undefined;
}

export class LabPlanBackend implements LabBackend {
  readonly generation = "labPlan" as const;
  readonly writesGalleryImageId = true;
  /** Observed live: 10 min 53 s for `PUT labs/{l}` (rest-api.md G.2). */
  readonly typicalCreateMs = 11 * 60_000;
  private readonly parsed: ParsedResourceId<"labPlan">;

  constructor(
    readonly transport: ArmTransport,
    readonly accountId: LabPlanId,
  ) {
    this.parsed = parseResourceId(accountId, "labPlan");
  }

  accountImageName(id: string): string | undefined {
    return imageNameUnder(id, "labPlanImage", this.accountId);
  }

  private imagePath(name: string): string {
    return resourcePath(
      formatResourceId("labPlanImage", { ...this.scope(), names: { labPlan: this.parsed.names["labPlan"] as string, image: name } }),
    );
  }

  private scope() {
    return { subscriptionId: this.parsed.subscriptionId, resourceGroup: this.parsed.resourceGroup };
  }

  async readAccount(options: OperationOptions | undefined): Promise<AccountInfo> {
    const { body } = await this.transport.send<unknown>({ method: "GET", path: resourcePath(this.accountId), api: "labPlans", options });
    const b = obj(body);
    const p = obj(b["properties"]);
    const allowed = Array.isArray(p["allowedRegions"]) ? (p["allowedRegions"] as unknown[]).filter((x): x is string => typeof x === "string") : [];
    return {
      location: typeof b["location"] === "string" ? normalizeRegion(b["location"]) : undefined,
      allowedRegions: allowed.map(normalizeRegion),
      regionRule: "allowedRegions",
    };
  }

  async getImage(name: string, options: OperationOptions | undefined): Promise<ImageRead | undefined> {
    const raw = await this.transport.getOptional<unknown>({ path: this.imagePath(name), api: "labPlans", options });
    return raw === undefined ? undefined : this.imageRead(raw);
  }

  private imageRead(raw: unknown): ImageRead {
    return {
      image: galleryImageFromLabPlanImage(raw, this.accountId),
      regionsKnown: Array.isArray(obj(obj(raw)["properties"])["availableRegions"]),
    };
  }

  listImages(options: OperationOptions | undefined): Promise<GalleryImage[]> {
    return collect(
      listPaged<unknown, GalleryImage>(
        this.transport,
        { path: resourcePath(this.accountId, "images"), api: "labPlans" },
        (raw) => galleryImageFromLabPlanImage(raw, this.accountId),
        options,
      ),
    );
  }

  async enableImage(name: string, options: OperationOptions | undefined): Promise<ImageRead> {
    // Synchronous 200 with the full image (rest-api.md G.2).
    const { body } = await this.transport.send<unknown>({
      method: "PATCH",
      path: this.imagePath(name),
      api: "labPlans",
      body: { properties: { enabledState: "Enabled" } },
      options,
    });
    return this.imageRead(body);
  }

  labId(name: string): string {
    return formatLabId({ ...this.scope(), name });
  }

  private labPath(name: string): string {
    return resourcePath(this.labId(name));
  }

  private toLab(raw: unknown): Lab {
    return labFromLabPlanLab(raw, this.accountId);
  }

  async getExistingLab(name: string, options: OperationOptions | undefined): Promise<ExistingLab | undefined> {
    const raw = await this.transport.getOptional<unknown>({ path: this.labPath(name), api: "labPlans", options });
    if (raw === undefined) return undefined;
    const lab = this.toLab(raw);
    const ref = obj(obj(obj(obj(raw)["properties"])["virtualMachineProfile"])["imageReference"]);
    const keys = typeof ref["id"] === "string" ? [ref["id"].toLowerCase()] : [];
    return { lab, imageKeys: keys };
  }

  async pollExisting(name: string, options: OperationOptions | undefined): Promise<CreateProgress> {
    const { body } = await this.transport.send<unknown>({ method: "GET", path: this.labPath(name), api: "labPlans", options });
    return this.fromLabBody(body, undefined);
  }

  private fromLabBody(body: unknown, handle: unknown): CreateProgress {
    const lab = this.toLab(body);
    const state = lab.provisioningState;
    const s = state.toLowerCase();
    if (s === "succeeded") return { status: "succeeded", provisioningState: state, lab, delayMs: undefined, handle };
    if (s === "failed" || s === "canceled") {
      const err = obj(obj(obj(body)["properties"])["resourceOperationError"]);
      return {
        status: "failed",
        provisioningState: state,
        error: new OperationFailedError({
          statusCode: 200,
          status: s === "failed" ? "Failed" : "Canceled",
          code: typeof err["code"] === "string" ? err["code"] : "LabCreationFailed",
          message: typeof err["message"] === "string" ? err["message"] : `Lab ${lab.name} ended ${state}.`,
        }),
        delayMs: undefined,
        handle,
      };
    }
    return { status: "running", provisioningState: state, delayMs: undefined, handle };
  }

  async startCreate(request: CreateLabRequest, options: OperationOptions | undefined): Promise<CreateProgress> {
    const body = buildLabPlanBody(request, this.accountId);
    const { handle, poll } = await startLro(
      this.transport,
      { method: "PUT", path: this.labPath(request.input.name), api: "labPlans", body, options },
      "original-uri",
    );
    const provisioningState = provisioningStateOf(poll.body) ?? "Creating";
    return this.fromPoll({ lro: handle, provisioningState }, poll, options);
  }

  async pollCreate(handle: unknown, options: OperationOptions | undefined): Promise<CreateProgress> {
    const h = handle as PlanHandle;
    return this.fromPoll(h, await pollLro(this.transport, h.lro, options), options);
  }

  private async fromPoll(h: PlanHandle, poll: LroPoll, options: OperationOptions | undefined): Promise<CreateProgress> {
    const provisioningState = provisioningStateOf(poll.body) ?? h.provisioningState;
    const handle: PlanHandle = { lro: h.lro, provisioningState };
    if (poll.status === "succeeded") {
      // final-state-via original-uri: the lab itself, read once more.
      const body = await finalLroResult(this.transport, h.lro, poll.body, options);
      const final = this.fromLabBody(body ?? poll.body, handle);
      // The operation said Succeeded; a lab body still saying Creating is a service lag, not a failure.
      return final.status === "running" ? { ...final, status: "succeeded", lab: this.toLab(body ?? poll.body) } : final;
    }
    if (poll.status === "failed" || poll.status === "canceled") {
      return { status: poll.status, provisioningState: "Failed", ...(poll.error ? { error: poll.error } : {}), delayMs: undefined, handle };
    }
    return { status: "running", provisioningState, delayMs: poll.retryAfterMs, handle };
  }

  async getLab(name: string, options: OperationOptions | undefined): Promise<Lab> {
    const { body } = await this.transport.send<unknown>({ method: "GET", path: this.labPath(name), api: "labPlans", options });
    return this.toLab(body);
  }

  listLabs(options: OperationOptions | undefined): PagedAsyncIterableIterator<Lab> {
    // Labs are siblings of their lab plan in the resource group; keep the ones that name this plan.
    const planKey = this.accountId.toLowerCase();
    return listPaged<unknown, Lab>(
      this.transport,
      { path: resourcePath(parentResourceId(this.parsed), "labs"), api: "labPlans" },
      (raw) => {
        const planId = obj(obj(raw)["properties"])["labPlanId"];
        return typeof planId === "string" && planId.toLowerCase() === planKey ? this.toLab(raw) : undefined;
      },
      options,
    );
  }

  deleteLab(name: string, options: OperationOptions | undefined, resumeFrom?: string): PollerLike<ArmOperationState<void>, void> {
    return armOperationPoller<void>(this.transport, {
      kind: "lab-delete",
      request: { method: "DELETE", path: this.labPath(name), api: "labPlans" },
      finalStateVia: "location",
      mapResult: () => undefined,
      resumeFrom,
      options,
    });
  }
}

function provisioningStateOf(body: unknown): string | undefined {
  const s = obj(obj(body)["properties"])["provisioningState"];
  return typeof s === "string" ? s : undefined;
}
