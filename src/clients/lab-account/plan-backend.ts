/**
 * Lab plans (`Microsoft.LabServices/labPlans`, api family `labPlans`; rest-api.md B.1, B.2, B.4, G).
 *
 * - The attached gallery is the plan's `properties.sharedGalleryId`.
 * - Attach: `PATCH labPlans/{p}` `{properties:{sharedGalleryId}}`, a long-running operation
 *   (`final-state-via: location`); the live service may also answer 200 synchronously (G.2).
 * - Detach: the REST form is not documented (B.2 [unconfirmed]). We send
 *   `PATCH labPlans/{p}` `{properties:{sharedGalleryId: null}}`: ARM PATCH follows JSON merge-patch
 *   (RFC 7396), where `null` removes a member, and it touches nothing else on the plan. A PUT without
 *   the property would have to round-trip every other plan setting (and could reset what the caller
 *   cannot read back, e.g. secrets of a future property), so it was not chosen.
 * - Images: `labPlans/{p}/images`, enable/disable with `PATCH images/{i}` `{properties:{enabledState}}`
 *   (200, synchronous). Disabled images in lists omit `enabledState` (G.3).
 */
import type { OperationOptions } from "@azure/core-client";
import { runArmOperation } from "../../core/arm-poller.js";
import { ValidationError } from "../../core/errors.js";
import { listPaged, type PagedAsyncIterableIterator } from "../../core/paging.js";
import { formatResourceId, isResourceId, parseResourceId, type GalleryId, type LabPlanId, type ParsedResourceId } from "../../core/resource-id.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import { galleryImageFromLabPlanImage } from "../../models/normalize.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import { normalizeRegion } from "../template/geographies.js";
import { type AccountBackend, type AccountInfo, type Attachment, type GalleryFacts, type ImageEntry, type ServerImageFilter } from "./backend.js";
import { LAB_PLAN_SERVICE_PRINCIPAL } from "./permissions.js";
import { type Obj, obj, nonEmpty as str } from "../../models/json.js";


/** An OData string literal: single quotes doubled (OData ABNF `SQUOTE-in-string`). */
export function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The part of a listing filter the lab-plan service evaluates itself. `enabled: false` stays
 * client-side: disabled images omit `enabledState` in lists (G.3), so `eq 'Disabled'` would miss them.
 */
export function labPlanImageFilter(f: ServerImageFilter): string | undefined {
  const clauses: string[] = [];
  if (f.enabled === true) clauses.push("properties/enabledState eq 'Enabled'");
  if (f.displayName !== undefined) clauses.push(`indexof(tolower(properties/displayName),${odataString(f.displayName.toLowerCase())}) gt -1`);
  return clauses.length > 0 ? clauses.join(" and ") : undefined;
}

export class LabPlanBackend implements AccountBackend {
  readonly kind = "labPlan" as const;
  readonly imageIdKind = "labPlanImage" as const;
  readonly servicePrincipal = LAB_PLAN_SERVICE_PRINCIPAL;
  readonly label: string;
  private readonly id: LabPlanId;

  constructor(
    private readonly transport: ArmTransport,
    private readonly parsed: ParsedResourceId<"labPlan">,
  ) {
    this.id = parsed.id;
    this.label = `lab plan "${parsed.names["labPlan"] as string}"`;
  }

  private async readPlan(options: OperationOptions): Promise<Obj> {
    return obj((await this.transport.send({ method: "GET", path: resourcePath(this.id), api: "labPlans", options })).body);
  }

  private galleryOf(plan: Obj): GalleryId | undefined {
    const raw = str(obj(plan["properties"])["sharedGalleryId"]);
    if (raw === undefined) return undefined;
    // The service may answer in another casing; compare and report the canonical form.
    return isResourceId(raw, "gallery") ? parseResourceId(raw, "gallery").id : (raw as GalleryId);
  }

  async getAccount(options: OperationOptions): Promise<AccountInfo> {
    const plan = await this.readPlan(options);
    const p = obj(plan["properties"]);
    const info: AccountInfo = {
      id: this.id,
      kind: "labPlan",
      name: str(plan["name"]) ?? (this.parsed.names["labPlan"] as string),
      location: normalizeRegion(str(plan["location"]) ?? ""),
      allowedRegions: Array.isArray(p["allowedRegions"]) ? p["allowedRegions"].filter((r): r is string => typeof r === "string").map(normalizeRegion) : [],
    };
    const gallery = this.galleryOf(plan);
    if (gallery !== undefined) info.sharedGalleryId = gallery;
    return info;
  }

  async readAttachment(options: OperationOptions): Promise<Attachment> {
    const plan = await this.readPlan(options);
    const a: Attachment = { galleryId: this.galleryOf(plan) };
    const location = str(plan["location"]);
    if (location !== undefined) a.location = normalizeRegion(location);
    return a;
  }

  /**
   * Region rule, Learn `articles/lab-services/concept-lab-accounts-versus-lab-plans.md`, "Known issues":
   * "If you're attaching an Azure compute gallery, the compute gallery and the lab plan must be in the
   * same Azure region" (ecosystem.md §2.3 [D6]). Documented, not observed live; `preflight: false` skips it.
   */
  checkGalleryRules(gallery: GalleryFacts, attachment: Attachment): void {
    if (gallery.location === undefined || attachment.location === undefined) return;
    const g = normalizeRegion(gallery.location);
    if (g !== attachment.location) {
      throw new ValidationError(
        `Gallery ${gallery.id} is in region ${g}, but ${this.label} is in ${attachment.location}; Azure Lab Services documents that a lab plan's gallery must be in the lab plan's region.`,
        [{ path: "galleryId", message: `gallery region ${g} differs from the lab plan region ${attachment.location}` }],
        { hint: `Use a gallery in ${attachment.location}, or pass { preflight: false } to attach anyway.` },
      );
    }
  }

  async attach(galleryId: GalleryId, options: OperationOptions): Promise<void> {
    // The result is not read: after the operation succeeds, a final GET of Location (the spec's
    // final-state-via) answers the same Succeeded operation body (rest-api.md G.1), one request for
    // nothing. Ending on the operation status keeps attach at the protocol minimum.
    await runArmOperation(this.transport, { method: "PATCH", path: resourcePath(this.id), api: "labPlans", body: { properties: { sharedGalleryId: galleryId } }, options }, "azure-async-operation");
  }

  async detach(_attachment: Attachment, options: OperationOptions): Promise<void> {
    // See the file comment: merge-patch null, the least invasive form (REST form unconfirmed, B.2).
    await runArmOperation(this.transport, { method: "PATCH", path: resourcePath(this.id), api: "labPlans", body: { properties: { sharedGalleryId: null } }, options }, "azure-async-operation");
  }

  listImages<T>(server: ServerImageFilter, map: (entry: ImageEntry) => T | undefined, options: OperationOptions): PagedAsyncIterableIterator<T> {
    const filter = labPlanImageFilter(server);
    return listPaged(
      this.transport,
      { path: resourcePath(this.id, "images"), api: "labPlans", ...(filter !== undefined ? { query: { $filter: filter } } : {}) },
      (raw: unknown) => map({ image: galleryImageFromLabPlanImage(raw, this.id), raw }),
      options,
    );
  }

  private imagePath(name: string): string {
    const imageId = formatResourceId("labPlanImage", { subscriptionId: this.parsed.subscriptionId, resourceGroup: this.parsed.resourceGroup, names: { labPlan: this.parsed.names["labPlan"] as string, image: name } });
    return resourcePath(imageId);
  }

  async getImage(name: string, options: OperationOptions): Promise<ImageEntry | undefined> {
    const raw = await this.transport.getOptional({ path: this.imagePath(name), api: "labPlans", options });
    return raw === undefined ? undefined : { image: galleryImageFromLabPlanImage(raw, this.id), raw };
  }

  async setEnabled(entry: ImageEntry, enabled: boolean, options: OperationOptions): Promise<GalleryImage> {
    const { body } = await this.transport.send({
      method: "PATCH",
      path: this.imagePath(entry.image.name),
      api: "labPlans",
      body: { properties: { enabledState: enabled ? "Enabled" : "Disabled" } },
      options,
    });
    if (typeof body !== "object" || body === null) return { ...entry.image, enabled };
    return galleryImageFromLabPlanImage(body, this.id);
  }
}
