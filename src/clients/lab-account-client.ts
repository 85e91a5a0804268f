/**
 * `LabAccountClient`: scenario 1 of the product. A lab account admin attaches an Azure Compute
 * Gallery to a lab plan or a classic lab account, and chooses which of its images lab creators may
 * use. One client serves both generations; the REST shape of each lives in a backend
 * (`lab-account/plan-backend.ts`, `lab-account/classic-backend.ts`) chosen once from the id.
 */
import type { OperationOptions } from "@azure/core-client";
import type { ClientOptions } from "../core/client-options.js";
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  UnexpectedResponseError,
  isArmError,
  isNotFoundError,
  isPermissionDeniedError,
  type ArmErrorDetail,
} from "../core/errors.js";
import { logger } from "../core/logger.js";
import { collect, type PagedAsyncIterableIterator } from "../core/paging.js";
import { isResourceId, parseResourceId, type AccountId, type GalleryId, type ParsedResourceId } from "../core/resource-id.js";
import { ArmTransport, resourcePath } from "../core/transport.js";
import type { AttachedGallery, GalleryImage } from "../models/gallery-image.js";
import { parseInput, type z } from "../validation/parse.js";
import type { AccountBackend, AccountInfo, GalleryFacts, ImageEntry } from "./lab-account/backend.js";
import { LabAccountBackend } from "./lab-account/classic-backend.js";
import { closeMatches, describeMatches } from "./lab-account/close-matches.js";
import { parseImageRef, type ImageRef } from "./lab-account/image-ref.js";
import { attachPermissionError, isPermissionRefusal } from "./lab-account/permissions.js";
import { LabPlanBackend } from "./lab-account/plan-backend.js";
import { parseAccountId } from "./client-id.js";
import { warnClassicRetirement } from "./retirement.js";
import {
  attachGalleryOptionsSchema,
  enabledSchema,
  galleryIdSchema,
  imageRefSchema,
  imageRefsSchema,
  listImagesOptionsSchema,
  operationOptions,
  operationOptionsSchema,
} from "./lab-account/schemas.js";

export type { AccountInfo } from "./lab-account/backend.js";

/** Options of `attachGallery`: `replace`, `preflight`, plus `abortSignal` and the other `OperationOptions`. */
export type AttachGalleryOptions = NonNullable<z.input<typeof attachGalleryOptionsSchema>>;
/** Filter of `listImages`: `enabled`, `source`, `osState`, `osType`, `displayName`, plus `OperationOptions`. */
export type ListImagesOptions = NonNullable<z.input<typeof listImagesOptionsSchema>>;

type Obj = Record<string, unknown>;

const BACKENDS = {
  labPlan: (t: ArmTransport, p: ParsedResourceId) => new LabPlanBackend(t, p as ParsedResourceId<"labPlan">),
  labAccount: (t: ArmTransport, p: ParsedResourceId) => new LabAccountBackend(t, p as ParsedResourceId<"labAccount">),
} as const satisfies Record<"labPlan" | "labAccount", (t: ArmTransport, p: ParsedResourceId) => AccountBackend>;

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Attach a Compute Gallery to a lab plan or classic lab account and choose which of its images lab
 * creators may use.
 *
 * @example
 * ```ts
 * const account = new LabAccountClient(labPlanId, { credential });
 * await account.attachGallery(galleryId);
 * await account.setImageEnabled(["win11-base", "ubuntu-2204"], true);
 * for await (const image of account.listImages({ enabled: true })) console.log(image.name);
 * ```
 */
export class LabAccountClient {
  /** The lab plan or lab account id, in canonical casing. */
  readonly accountId: AccountId;
  /** Which generation the account is: `"labPlan"` or the classic `"labAccount"`. */
  readonly kind: "labPlan" | "labAccount";
  private readonly transport: ArmTransport;
  private readonly backend: AccountBackend;
  private readonly parsed: ParsedResourceId<"labPlan" | "labAccount">;

  /**
   * @param accountId A lab plan id (`…/Microsoft.LabServices/labPlans/{name}`) or a classic lab account
   *   id (`…/Microsoft.LabServices/labaccounts/{name}`); build one with `accountId({...})`.
   * @param options Credential, cloud or `endpoint` (e.g. the emulator), retries, api-versions.
   * @throws ValidationError when the id is neither, or an option is invalid. Nothing is sent.
   */
  constructor(accountId: string, options?: ClientOptions) {
    this.parsed = parseAccountId(accountId, "LabAccountClient");
    this.accountId = this.parsed.id;
    this.kind = this.parsed.kind;
    this.transport = new ArmTransport(options);
    this.backend = BACKENDS[this.kind](this.transport, this.parsed);
    if (this.kind === "labAccount") warnClassicRetirement(this.accountId);
  }

  /**
   * Attaches a Compute Gallery. Attaching the gallery that is already attached succeeds without a
   * write. If another gallery is attached, throws `ConflictError` naming it, unless `replace: true`
   * (then it is detached first, and attached again if the new one is refused). Preflight (on by default, `preflight: false` skips it) reads the
   * gallery — it must exist and you must be able to read it — and, for lab plans, checks that it is
   * in the plan's region. When the service refuses for lack of permission, the `PermissionDeniedError`
   * names the Lab Services service principal, its role and the `az role assignment create` command.
   *
   * Lab plans: `PATCH` of the plan's `sharedGalleryId`, awaited to the end. Lab accounts:
   * `PUT sharedGalleries/{galleryName}`.
   *
   * RBAC: Owner, Contributor or Lab Services Contributor on the lab plan / lab account
   * (`Microsoft.LabServices/labPlans/write`, or `…/labAccounts/sharedGalleries/write`), read on the
   * gallery (`Microsoft.Compute/galleries/read`), and Owner on the gallery. Lab plans also need the
   * service principal `c7bb12bf-0b39-4f7f-9171-f418ff39b76a` as Owner on the gallery; lab accounts
   * add `1a14be2a-e903-4cec-99cf-b2e209259a0f` as Contributor themselves.
   *
   * @example
   * ```ts
   * const attached = await account.attachGallery("/subscriptions/…/resourceGroups/labs-rg/providers/Microsoft.Compute/galleries/labgallery");
   * await account.attachGallery(otherGalleryId, { replace: true }); // swap galleries
   * ```
   */
  async attachGallery(galleryId: string, options?: AttachGalleryOptions): Promise<AttachedGallery> {
    const id = parseInput(galleryIdSchema, galleryId, "galleryId");
    const o = parseInput(attachGalleryOptionsSchema, options, "attachGallery options", "Known options: replace, preflight, abortSignal, requestOptions, tracingOptions, serializerOptions, onResponse.") ?? {};
    const op = operationOptions(o);

    const current = await this.backend.readAttachment(op);
    if (current.galleryId !== undefined && sameId(current.galleryId, id)) return this.attachedGallery(current.galleryId);
    if (current.galleryId !== undefined && o.replace !== true) {
      throw new ConflictError({
        statusCode: 409,
        code: "GalleryAlreadyAttached",
        message: `${this.backend.label} already has gallery ${current.galleryId} attached; only one gallery can be attached at a time.`,
        target: current.galleryId,
        hint: "Pass { replace: true } to detach it and attach the new one, or call detachGallery() first.",
      });
    }
    if (o.preflight !== false) {
      const gallery = await this.readGallery(id, op);
      this.backend.checkGalleryRules(gallery, current);
    }
    const previous = current.galleryId;
    if (previous !== undefined) await this.backend.detach({ ...current, galleryId: previous }, op);
    try {
      await this.backend.attach(id, op);
    } catch (e) {
      // `replace` must not leave the account with no gallery at all: lab creators would lose every
      // image of the old one. Put it back, then report why the new one was refused.
      if (previous !== undefined) await this.reattach(previous, op);
      if (isPermissionRefusal(e)) throw attachPermissionError(this.backend.servicePrincipal, id, this.backend.label, e);
      throw e;
    }
    return this.attachedGallery(id);
  }

  /**
   * The gallery attached to the lab plan or lab account, or `undefined` when none is.
   *
   * RBAC: `Microsoft.LabServices/labPlans/read` (lab plans) or
   * `Microsoft.LabServices/labAccounts/sharedGalleries/read` (lab accounts), e.g. Reader.
   *
   * @example
   * ```ts
   * const attached = await account.getAttachedGallery();
   * console.log(attached ? attached.galleryName : "no gallery");
   * ```
   */
  async getAttachedGallery(options?: OperationOptions): Promise<AttachedGallery | undefined> {
    const op = operationOptions(parseInput(operationOptionsSchema, options, "getAttachedGallery options"));
    const current = await this.backend.readAttachment(op);
    return current.galleryId === undefined ? undefined : this.attachedGallery(current.galleryId);
  }

  /**
   * Detaches the attached gallery; a no-op (no write) when none is attached. The gallery and its
   * images are not touched. Lab plans: the REST form is undocumented; this sends
   * `PATCH {properties: {sharedGalleryId: null}}` (JSON merge-patch removal, see docs/galleries.md).
   * Lab accounts: `DELETE sharedGalleries/{galleryName}`.
   *
   * RBAC: `Microsoft.LabServices/labPlans/write` (lab plans) or
   * `Microsoft.LabServices/labAccounts/sharedGalleries/delete` (lab accounts).
   *
   * @example
   * ```ts
   * await account.detachGallery();
   * ```
   */
  async detachGallery(options?: OperationOptions): Promise<void> {
    const op = operationOptions(parseInput(operationOptionsSchema, options, "detachGallery options"));
    const current = await this.backend.readAttachment(op);
    if (current.galleryId === undefined) return;
    await this.backend.detach({ ...current, galleryId: current.galleryId }, op);
  }

  /**
   * Lists the images lab creators can be offered, optionally filtered. Lab plans evaluate
   * `enabled: true` and `displayName` on the service (`$filter`); everything else is filtered here,
   * and every item is re-checked, so the result is the same either way. Pages follow the service's
   * `nextLink` exactly; an image never appears twice.
   *
   * Images whose OS disk is larger than 128 GB, that have data disks, or (lab plans) that are not
   * replicated to the plan's region are never listed by the service (docs/galleries.md).
   *
   * RBAC: `Microsoft.LabServices/labPlans/images/read` or `Microsoft.LabServices/labAccounts/sharedImages/read`.
   *
   * @throws ValidationError synchronously, before any request, for an invalid filter.
   * @example
   * ```ts
   * for await (const image of account.listImages({ enabled: true, source: "gallery", osState: "Specialized" })) {
   *   console.log(image.name, image.displayName);
   * }
   * ```
   */
  listImages(filter?: ListImagesOptions): PagedAsyncIterableIterator<GalleryImage> {
    const f = parseInput(listImagesOptionsSchema, filter, "listImages filter", "Known filters: enabled, source, osState, osType, displayName (plus abortSignal and other OperationOptions).") ?? {};
    const text = f.displayName?.toLowerCase();
    const keep = (i: GalleryImage): boolean =>
      (f.enabled === undefined || i.enabled === f.enabled) &&
      (f.source === undefined || i.source === f.source) &&
      (f.osState === undefined || i.osState === f.osState) &&
      (f.osType === undefined || i.osType === f.osType) &&
      (text === undefined || i.displayName.toLowerCase().includes(text));
    const server = { ...(f.enabled !== undefined ? { enabled: f.enabled } : {}), ...(f.displayName !== undefined ? { displayName: f.displayName } : {}) };
    return this.backend.listImages(server, (e: ImageEntry) => (keep(e.image) ? e.image : undefined), operationOptions(f));
  }

  /**
   * One image, by its name on the account, its lab-plan image id, its lab-account shared image id,
   * its Compute Gallery image definition id or an image version id (resolved to its definition).
   * Throws `NotFoundError` listing close matches when there is no such image.
   *
   * RBAC: `Microsoft.LabServices/labPlans/images/read` or `Microsoft.LabServices/labAccounts/sharedImages/read`.
   *
   * @example
   * ```ts
   * const image = await account.getImage("win11-base");
   * const same = await account.getImage("/subscriptions/…/providers/Microsoft.Compute/galleries/labgallery/images/win11-base/versions/1.0.0");
   * ```
   */
  async getImage(nameOrId: string, options?: OperationOptions): Promise<GalleryImage> {
    const input = parseInput(imageRefSchema, nameOrId, "nameOrId");
    const ref = parseImageRef(input, this.parsed, this.backend.imageIdKind);
    const op = operationOptions(parseInput(operationOptionsSchema, options, "getImage options"));
    if (ref.kind === "name") {
      const entry = await this.backend.getImage(ref.name, op);
      if (entry !== undefined) return entry.image;
      throw this.notFound([ref], await this.allEntries(op));
    }
    const entries = await this.allEntries(op);
    const match = this.find(ref, entries);
    if (match === undefined) throw this.notFound([ref], entries);
    // Lists omit some fields (availableRegions on lab plans, G.3); read the image itself.
    return (await this.backend.getImage(match.image.name, op))?.image ?? match.image;
  }

  /**
   * Lets lab creators use (`true`) or stops them using (`false`) one or more images. Every name is
   * checked first: if any is unknown, `NotFoundError` lists it with close matches and NOTHING is
   * changed. Images already in the requested state are not written. Returns the images in the
   * order given. Accepts the same names and ids as `getImage`.
   *
   * Lab plans: `PATCH images/{name}` `{properties:{enabledState}}`. Lab accounts:
   * `PUT sharedImages/{name}` with the full item and `EnableState`.
   *
   * RBAC: `Microsoft.LabServices/labPlans/images/write` or `Microsoft.LabServices/labAccounts/sharedImages/write`
   * (Owner, Contributor or Lab Services Contributor on the account).
   *
   * @example
   * ```ts
   * await account.setImageEnabled(["win11-base", "ubuntu-2204"], true);
   * await account.setImageEnabled("old-image", false);
   * ```
   */
  async setImageEnabled(names: string | string[], enabled: boolean, options?: OperationOptions): Promise<GalleryImage[]> {
    const inputs = parseInput(imageRefsSchema, names, "image names");
    const want = parseInput(enabledSchema, enabled, "enabled");
    const refs = inputs.map((n, i) => parseImageRef(n, this.parsed, this.backend.imageIdKind, `names[${i}]`));
    const op = operationOptions(parseInput(operationOptionsSchema, options, "setImageEnabled options"));

    const entries = await this.allEntries(op);
    const resolved: ImageEntry[] = [];
    const unknown: ImageRef[] = [];
    for (const ref of refs) {
      const e = this.find(ref, entries);
      if (e === undefined) unknown.push(ref);
      else if (!resolved.some((r) => sameId(r.image.id, e.image.id))) resolved.push(e);
    }
    if (unknown.length > 0) throw this.notFound(unknown, entries, " Nothing was changed.");

    const out: GalleryImage[] = [];
    for (const entry of resolved) {
      out.push(entry.image.enabled === want ? entry.image : await this.backend.setEnabled(entry, want, op));
    }
    return out;
  }

  /**
   * The lab plan's or lab account's id, name, region, allowed regions (lab plans) and attached
   * gallery — what `LabClient` and `TemplateClient` check before they act.
   *
   * RBAC: `Microsoft.LabServices/labPlans/read`, or `Microsoft.LabServices/labAccounts/read` and
   * `…/labAccounts/sharedGalleries/read` (e.g. Reader).
   *
   * @example
   * ```ts
   * const { location, allowedRegions, sharedGalleryId } = await account.getAccount();
   * ```
   */
  async getAccount(options?: OperationOptions): Promise<AccountInfo> {
    const op = operationOptions(parseInput(operationOptionsSchema, options, "getAccount options"));
    return this.backend.getAccount(op);
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Best effort after a failed `replace`; when even that fails, the log says what to run. */
  private async reattach(galleryId: GalleryId, op: OperationOptions): Promise<void> {
    try {
      await this.backend.attach(galleryId, op);
    } catch (e) {
      logger.warning(
        `attachGallery: attaching the new gallery failed after ${galleryId} was detached, and attaching ${galleryId} again failed too (${e instanceof Error ? e.message : String(e)}). ` +
          `${this.backend.label} has no gallery now; run attachGallery(${JSON.stringify(galleryId)}) to restore it.`,
      );
    }
  }

  private attachedGallery(galleryId: GalleryId): AttachedGallery {
    if (!isResourceId(galleryId, "gallery")) {
      throw new UnexpectedResponseError(`The service reports attached gallery ${JSON.stringify(galleryId)}, which is not a Compute Gallery id.`);
    }
    const p = parseResourceId(galleryId, "gallery");
    return { galleryId: p.id, galleryName: p.names["gallery"] as string, resourceGroup: p.resourceGroup, subscriptionId: p.subscriptionId, account: this.accountId };
  }

  /** Preflight read of the gallery: it exists and the caller can read it. */
  private async readGallery(id: GalleryId, op: OperationOptions): Promise<GalleryFacts> {
    try {
      const { body } = await this.transport.send({ method: "GET", path: resourcePath(id), api: "compute", options: op });
      const location = (body as Obj | undefined)?.["location"];
      return { id, location: typeof location === "string" ? location : undefined };
    } catch (e) {
      if (isNotFoundError(e)) {
        throw new NotFoundError({
          ...armInit(e),
          message: `Gallery ${id} was not found (${e.message}).`,
          hint: "Check the gallery id, its subscription and resource group; create the gallery first if needed.",
          cause: e,
        });
      }
      if (isPermissionDeniedError(e)) {
        throw new PermissionDeniedError({
          ...armInit(e),
          message: `You cannot read gallery ${id} (${e.message}).`,
          hint: "Attaching needs Owner on the gallery; ask for it, or pass { preflight: false } if you are sure.",
          cause: e,
        });
      }
      throw e;
    }
  }

  private allEntries(op: OperationOptions): Promise<ImageEntry[]> {
    return collect(this.backend.listImages({}, (e: ImageEntry) => e, op));
  }

  private find(ref: ImageRef, entries: readonly ImageEntry[]): ImageEntry | undefined {
    if (ref.kind === "name") return entries.find((e) => sameId(e.image.name, ref.name));
    return entries.find((e) => e.image.galleryImageId !== undefined && sameId(e.image.galleryImageId, ref.galleryImageId));
  }

  private notFound(refs: readonly ImageRef[], entries: readonly ImageEntry[], suffix = ""): NotFoundError {
    const candidates = entries.map((e) => ({ name: e.image.name, displayName: e.image.displayName }));
    const details: ArmErrorDetail[] = [];
    const parts = refs.map((ref) => {
      const query = ref.kind === "name" ? ref.name : (ref.galleryImageId.split("/").pop() as string);
      const matches = closeMatches(query, candidates);
      const what = ref.kind === "name" ? `"${ref.name}"` : `for gallery image definition ${ref.galleryImageId}`;
      const close = matches.length > 0 ? ` (close matches: ${describeMatches(matches)})` : "";
      details.push({ code: "ImageNotFound", target: ref.input, message: matches.length > 0 ? `close matches: ${describeMatches(matches)}` : "no close match" });
      return `${what}${close}`;
    });
    const noun = refs.length === 1 ? "No image" : "No images";
    return new NotFoundError({
      statusCode: 404,
      code: "ImageNotFound",
      message: `${noun} ${parts.join(", ")} on ${this.backend.label}.${suffix}`,
      details,
      hint:
        "List the images with listImages(). A gallery image is missing when its OS disk is over 128 GB, it has data disks" +
        (this.kind === "labPlan" ? ", or it is not replicated to the lab plan's region." : ", or the gallery is not attached."),
    });
  }
}

function armInit(e: unknown) {
  if (!isArmError(e)) return { statusCode: 0, code: "Unknown" };
  return {
    statusCode: e.statusCode,
    code: e.code,
    target: e.target,
    details: [...e.details],
    requestId: e.requestId,
    correlationId: e.correlationId,
  };
}
