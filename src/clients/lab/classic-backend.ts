/**
 * Classic lab accounts (`Microsoft.LabServices/labaccounts`), rest-api.md A.2, A.4.
 *
 * The shared-gallery calls exist only in the undocumented `2019-01-01-preview` that Microsoft's
 * Az.LabServices module uses against the live service, so every call here uses that api family
 * (`labAccountsPreview`), as the module does. Create = `POST labaccounts/{a}/createLab` (not an LRO:
 * 200, no body), then follow `GET labs/{name}` and `GET labs/{name}/environmentsettings/default`
 * until both say `provisioningState: Succeeded`, as the module does.
 */
import type { OperationOptions } from "@azure/core-client";
import { armOperationPoller, runArmOperation, type ArmOperationState } from "../../core/arm-poller.js";
import { OperationFailedError, UnexpectedResponseError } from "../../core/errors.js";
import { collect, listPaged, type PagedAsyncIterableIterator } from "../../core/paging.js";
import type { PollerLike } from "../../core/poller.js";
import {
  formatClassicLabId,
  formatResourceId,
  isResourceId,
  parseResourceId,
  type ClassicLabId,
  type GalleryImageId,
  type LabAccountId,
  type ParsedResourceId,
} from "../../core/resource-id.js";
import { logger } from "../../core/logger.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import type { Lab } from "../../models/lab.js";
import { galleryImageFromSharedImage } from "../../models/normalize.js";
import { imageNameUnder, type AccountInfo, type CreateLabRequest, type CreateProgress, type ExistingLab, type ImageRead, type LabBackend } from "./backend.js";
import { sharedImagePutBody } from "../lab-account/classic-backend.js";
import { buildClassicCreateBody } from "./request-body.js";
import { normalizeRegion } from "../template/geographies.js";
import { type Obj, obj, str, prop } from "../../models/json.js";



interface ClassicHandle {
  name: string;
  stage: "lab" | "template";
  /** Polls that found no lab yet (creation is asynchronous behind a 200). */
  missing: number;
  galleryImageId: string | undefined;
  provisioningState: string | undefined;
}

/** How many polls may find no lab right after `createLab` before it is an error. */
const MAX_MISSING_POLLS = 10;

export class LabAccountBackend implements LabBackend {
  readonly generation = "labAccount" as const;
  readonly writesGalleryImageId = false;
  /** The module waits up to 120 × 60 s; typical creations take 15-20 min (docs). */
  readonly typicalCreateMs = 20 * 60_000;
  private readonly parsed: ParsedResourceId<"labAccount">;
  private readonly api = "labAccountsPreview" as const;

  constructor(
    readonly transport: ArmTransport,
    readonly accountId: LabAccountId,
  ) {
    this.parsed = parseResourceId(accountId, "labAccount");
  }

  private scope() {
    return { subscriptionId: this.parsed.subscriptionId, resourceGroup: this.parsed.resourceGroup };
  }

  private get accountName(): string {
    return this.parsed.names["labAccount"] as string;
  }

  accountImageName(id: string): string | undefined {
    return imageNameUnder(id, "labAccountSharedImage", this.accountId);
  }

  private imagePath(name: string): string {
    return resourcePath(formatResourceId("labAccountSharedImage", { ...this.scope(), names: { labAccount: this.accountName, sharedImage: name } }));
  }

  async readAccount(options: OperationOptions | undefined): Promise<AccountInfo> {
    // The lab account itself is in the public 2018-10-15 API (as LabAccountClient reads it).
    const { body } = await this.transport.send<unknown>({ method: "GET", path: resourcePath(this.accountId), api: "labAccounts", options });
    const location = str(obj(body)["location"]);
    return { location: location === undefined ? undefined : normalizeRegion(location), allowedRegions: [], regionRule: "accountRegion" };
  }

  async getImage(name: string, options: OperationOptions | undefined): Promise<ImageRead | undefined> {
    const raw = await this.transport.getOptional<unknown>({ path: this.imagePath(name), api: this.api, options });
    // Lab accounts replicate saved images across the geography themselves (A.2): regions unknown.
    return raw === undefined ? undefined : { image: galleryImageFromSharedImage(raw, this.accountId), regionsKnown: false };
  }

  listImages(options: OperationOptions | undefined): Promise<GalleryImage[]> {
    return collect(
      listPaged<unknown, GalleryImage>(
        this.transport,
        { path: resourcePath(this.accountId, "sharedImages"), api: this.api },
        (raw) => galleryImageFromSharedImage(raw, this.accountId),
        options,
      ),
    );
  }

  async enableImage(name: string, options: OperationOptions | undefined): Promise<ImageRead> {
    // The module PUTs the item back with EnableState set, then polls until Succeeded (A.2);
    // the body is built the way LabAccountClient builds it.
    const { body: current } = await this.transport.send<unknown>({ method: "GET", path: this.imagePath(name), api: this.api, options });
    const body = await runArmOperation(
      this.transport,
      { method: "PUT", path: this.imagePath(name), api: this.api, body: sharedImagePutBody(current, true), options },
      "original-uri",
    );
    const image = typeof body === "object" && body !== null ? galleryImageFromSharedImage(body, this.accountId) : galleryImageFromSharedImage(current, this.accountId);
    return { image: { ...image, enabled: true }, regionsKnown: false };
  }

  labId(name: string): ClassicLabId {
    return formatClassicLabId({ ...this.scope(), labAccount: this.accountName, name });
  }

  private labPath(name: string): string {
    return resourcePath(this.labId(name));
  }

  private envPath(name: string): string {
    return resourcePath(
      formatResourceId("environmentSetting", {
        ...this.scope(),
        names: { labAccount: this.accountName, lab: name, environmentSetting: "default" },
      }),
    );
  }

  /** Classic lab (+ its default environment setting, which holds the template) → `Lab`. */
  toLab(raw: unknown, env: unknown, galleryImageId?: string): Lab {
    const r = obj(raw);
    const p = obj(r["properties"]);
    const ep = obj(obj(env)["properties"]);
    const rs = obj(prop(ep, "resourceSettings"));
    const refVm = obj(prop(rs, "referenceVm"));
    const envImage = str(prop(rs, "sharedImageResourceId")) ?? str(prop(rs, "galleryImageResourceId"));
    const gid = galleryImageId ?? (envImage !== undefined && isResourceId(envImage, "galleryImage") ? envImage : undefined);
    const name = str(r["name"]) ?? "";
    const maxUsers = prop(p, "maxUsersInLab");
    return {
      name,
      id: name ? this.labId(name) : ((str(r["id"]) ?? "") as ClassicLabId),
      account: this.accountId,
      title: str(prop(ep, "title")),
      location: str(r["location"]),
      provisioningState: str(prop(p, "provisioningState")) ?? "Succeeded",
      state: str(prop(ep, "publishingState")),
      galleryImageId: gid as GalleryImageId | undefined,
      sku: str(prop(rs, "size")) ?? str(prop(rs, "vmSize")),
      capacity: typeof maxUsers === "number" ? maxUsers : undefined,
      adminUsername: str(prop(refVm, "userName")),
    };
  }

  async getExistingLab(name: string, options: OperationOptions | undefined): Promise<ExistingLab | undefined> {
    const raw = await this.transport.getOptional<unknown>({ path: this.labPath(name), api: this.api, options });
    if (raw === undefined) return undefined;
    const env = await this.transport.getOptional<unknown>({ path: this.envPath(name), api: this.api, options });
    const rs = obj(prop(obj(obj(env)["properties"]), "resourceSettings"));
    const keys = [prop(rs, "sharedImageResourceId"), prop(rs, "galleryImageResourceId"), prop(rs, "imageName")]
      .filter((x): x is string => typeof x === "string")
      .map((x) => x.toLowerCase());
    return { lab: this.toLab(raw, env), imageKeys: keys };
  }

  async pollExisting(name: string, options: OperationOptions | undefined): Promise<CreateProgress> {
    return this.pollCreate({ name, stage: "lab", missing: 0, galleryImageId: undefined, provisioningState: undefined } satisfies ClassicHandle, options);
  }

  async startCreate(request: CreateLabRequest, options: OperationOptions | undefined): Promise<CreateProgress> {
    if (!request.accountImageId) throw new Error("internal: classic create without a shared image id");
    const i = request.input;
    const ignored = [
      i.title !== undefined && "title",
      i.description !== undefined && "description",
      i.capacity !== undefined && "capacity",
      i.security !== undefined && "security",
      (i.connection?.webRdpAccess !== undefined || i.connection?.webSshAccess !== undefined) && "web access",
    ].filter((x): x is string => typeof x === "string");
    if (ignored.length > 0) {
      logger.warning(`createFromGalleryImage: classic lab accounts have no ${ignored.join(", ")} setting at creation; not sent.`);
    }
    await this.transport.send({
      method: "POST",
      path: resourcePath(this.accountId, "createLab"),
      api: this.api,
      body: buildClassicCreateBody(request),
      options,
    });
    const handle: ClassicHandle = {
      name: request.input.name,
      stage: "lab",
      missing: 0,
      galleryImageId: request.galleryImageId,
      provisioningState: "Creating",
    };
    return { status: "running", provisioningState: "Creating", delayMs: undefined, handle };
  }

  async pollCreate(handle: unknown, options: OperationOptions | undefined): Promise<CreateProgress> {
    const h = { ...(handle as ClassicHandle) };
    const lab = await this.transport.getOptional<unknown>({ path: this.labPath(h.name), api: this.api, options });
    if (lab === undefined) {
      h.missing += 1;
      if (h.missing > MAX_MISSING_POLLS) {
        throw new UnexpectedResponseError(
          `createLab was accepted but lab ${h.name} did not appear after ${MAX_MISSING_POLLS} polls.`,
          404,
          { hint: "Check the lab account in the portal; the creation may have been rejected asynchronously." },
        );
      }
      return { status: "running", provisioningState: h.provisioningState, delayMs: undefined, handle: h };
    }
    h.missing = 0;
    const labProps = obj(obj(lab)["properties"]);
    const labState = str(prop(labProps, "provisioningState")) ?? "Succeeded";
    const failedLab = this.failure(labState, labProps, h.name, "lab");
    if (failedLab) return { ...failedLab, handle: h };
    if (!isSucceeded(labState)) {
      h.provisioningState = labState;
      return { status: "running", provisioningState: labState, delayMs: undefined, handle: h };
    }
    // The lab exists; its template (environment setting `default`) is what takes the time.
    h.stage = "template";
    const env = await this.transport.getOptional<unknown>({ path: this.envPath(h.name), api: this.api, options });
    if (env === undefined) return { status: "running", provisioningState: "Creating", delayMs: undefined, handle: h };
    const envProps = obj(obj(env)["properties"]);
    const envState = str(prop(envProps, "provisioningState")) ?? "Succeeded";
    h.provisioningState = envState;
    const failedEnv = this.failure(envState, envProps, h.name, "template");
    if (failedEnv) return { ...failedEnv, handle: h };
    if (!isSucceeded(envState)) return { status: "running", provisioningState: envState, delayMs: undefined, handle: h };
    return { status: "succeeded", provisioningState: "Succeeded", lab: this.toLab(lab, env, h.galleryImageId), delayMs: undefined, handle: h };
  }

  private failure(state: string, props: Obj, name: string, what: string): Omit<CreateProgress, "handle"> | undefined {
    const s = state.toLowerCase();
    if (s !== "failed" && s !== "canceled") return undefined;
    const r = obj(prop(props, "latestOperationResult"));
    return {
      status: "failed",
      provisioningState: state,
      error: new OperationFailedError({
        statusCode: 200,
        status: s === "failed" ? "Failed" : "Canceled",
        code: str(prop(r, "errorCode")) ?? "LabCreationFailed",
        message: str(prop(r, "errorMessage")) ?? `The ${what} of lab ${name} ended ${state}.`,
        hint: "Read the message; then delete the lab (LabClient.delete) before creating it again.",
      }),
      delayMs: undefined,
    };
  }

  async getLab(name: string, options: OperationOptions | undefined): Promise<Lab> {
    const { body } = await this.transport.send<unknown>({ method: "GET", path: this.labPath(name), api: this.api, options });
    const env = await this.transport.getOptional<unknown>({ path: this.envPath(name), api: this.api, options });
    // The template records the account's shared image; its gallery definition is on the shared image.
    const rs = obj(prop(obj(obj(env)["properties"]), "resourceSettings"));
    const shared = str(prop(rs, "sharedImageResourceId"));
    const imageName = shared === undefined ? undefined : this.accountImageName(shared);
    // The gallery id is extra detail: a caller allowed to read the lab but not the account's shared
    // images still gets the lab. An abort is the caller's decision and always propagates.
    const image =
      imageName === undefined
        ? undefined
        : await this.getImage(imageName, options).catch((e: unknown) => {
            if ((e as { name?: unknown } | null)?.name === "AbortError") throw e;
            return undefined;
          });
    return this.toLab(body, env, image?.image.galleryImageId);
  }

  listLabs(options: OperationOptions | undefined): PagedAsyncIterableIterator<Lab> {
    return listPaged<unknown, Lab>(
      this.transport,
      { path: resourcePath(this.accountId, "labs"), api: this.api },
      (raw) => this.toLab(raw, undefined),
      options,
    );
  }

  deleteLab(name: string, options: OperationOptions | undefined, resumeFrom?: string): PollerLike<ArmOperationState<void>, void> {
    return armOperationPoller<void>(this.transport, {
      kind: "lab-delete",
      request: { method: "DELETE", path: this.labPath(name), api: this.api },
      finalStateVia: "location",
      mapResult: () => undefined,
      resumeFrom,
      options,
    });
  }
}

function isSucceeded(state: string): boolean {
  return state.toLowerCase() === "succeeded";
}
