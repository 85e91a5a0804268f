/**
 * Classic lab accounts (`Microsoft.LabServices/labaccounts`). The shared-gallery calls exist only in
 * the undocumented api-version 2019-01-01-preview (api family `labAccountsPreview`), known from
 * Microsoft's Az.LabServices PowerShell module (rest-api.md A.2, A.5):
 *
 * - Read:   `GET labaccounts/{a}/sharedGalleries` → `value[].properties.galleryId` (at most one).
 * - Attach: `PUT labaccounts/{a}/sharedGalleries/{galleryName}` `{properties:{galleryId}}`.
 *   Whether it is long-running is unconfirmed, so the answer is followed as an ARM operation
 *   (a 200/201 with a terminal or absent provisioningState ends at once).
 * - Detach: `DELETE labaccounts/{a}/sharedGalleries/{galleryName}` (also followed if it answers 202).
 * - Images: `GET labaccounts/{a}/sharedImages`; enable/disable with
 *   `PUT sharedImages/{name}` carrying the full item with `properties.EnableState` — then polled on
 *   the same URL until `provisioningState` is terminal, as the module does.
 *
 * The lab account itself is read with the public api-version 2018-10-15 (family `labAccounts`).
 * Property casing of the preview answers is unconfirmed (A.2), so every read is case-insensitive.
 */
import type { OperationOptions } from "@azure/core-client";
import { runArmOperation } from "../../core/arm-poller.js";
import { collect, listPaged, type PagedAsyncIterableIterator } from "../../core/paging.js";
import { formatResourceId, isResourceId, parseResourceId, type GalleryId, type LabAccountId, type ParsedResourceId } from "../../core/resource-id.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import { galleryImageFromSharedImage } from "../../models/normalize.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import { normalizeRegion } from "../template/geographies.js";
import { type AccountBackend, type AccountInfo, type Attachment, type GalleryFacts, type ImageEntry, type ServerImageFilter } from "./backend.js";
import { LAB_ACCOUNT_SERVICE_PRINCIPAL } from "./permissions.js";
import { type Obj, obj, nonEmpty as str } from "../../models/json.js";


/** The key of `name` in `o` whatever its casing, or `name` itself when absent. */
function keyOf(o: Obj, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(o).find((k) => k.toLowerCase() === lower) ?? name;
}
const prop = (o: Obj, name: string): unknown => o[keyOf(o, name)];

/** Read-only members the module does not send back in its PUT (A.2). */
const READ_ONLY = new Set(["provisioningstate", "uniqueidentifier", "latestoperationresult"]);

/** The PUT body that flips one shared image: the item as listed, with `EnableState` set. */
export function sharedImagePutBody(raw: unknown, enabled: boolean): Obj {
  const r = obj(raw);
  const props = obj(prop(r, "properties"));
  const properties: Obj = {};
  for (const [k, v] of Object.entries(props)) if (!READ_ONLY.has(k.toLowerCase())) properties[k] = v;
  // The module writes `EnableState`; keep the service's own casing when the item has one.
  properties[keyOf(props, "EnableState")] = enabled ? "Enabled" : "Disabled";
  const body: Obj = { properties };
  const id = str(prop(r, "id"));
  const name = str(prop(r, "name"));
  if (id !== undefined) body["id"] = id;
  if (name !== undefined) body["name"] = name;
  return body;
}

export class LabAccountBackend implements AccountBackend {
  readonly kind = "labAccount" as const;
  readonly imageIdKind = "labAccountSharedImage" as const;
  readonly servicePrincipal = LAB_ACCOUNT_SERVICE_PRINCIPAL;
  readonly label: string;
  private readonly id: LabAccountId;
  private readonly accountName: string;

  constructor(
    private readonly transport: ArmTransport,
    private readonly parsed: ParsedResourceId<"labAccount">,
  ) {
    this.id = parsed.id;
    this.accountName = parsed.names["labAccount"] as string;
    this.label = `lab account "${this.accountName}"`;
  }

  private scope() {
    return { subscriptionId: this.parsed.subscriptionId, resourceGroup: this.parsed.resourceGroup };
  }

  async getAccount(options: OperationOptions): Promise<AccountInfo> {
    const [account, attachment] = await Promise.all([
      this.transport.send({ method: "GET", path: resourcePath(this.id), api: "labAccounts", options }).then((r) => obj(r.body)),
      this.readAttachment(options),
    ]);
    const info: AccountInfo = {
      id: this.id,
      kind: "labAccount",
      name: str(account["name"]) ?? this.accountName,
      location: normalizeRegion(str(account["location"]) ?? ""),
      allowedRegions: [],
    };
    if (attachment.galleryId !== undefined) info.sharedGalleryId = attachment.galleryId;
    return info;
  }

  async readAttachment(options: OperationOptions): Promise<Attachment> {
    const items = await collect(
      listPaged(this.transport, { path: resourcePath(this.id, "sharedGalleries"), api: "labAccountsPreview" }, (raw: unknown) => obj(raw), options),
    );
    // Only one gallery can be attached to a lab account (A.2); take the first that names a gallery.
    for (const item of items) {
      const galleryId = str(prop(obj(prop(item, "properties")), "galleryId"));
      if (galleryId === undefined) continue;
      const canonical = isResourceId(galleryId, "gallery") ? parseResourceId(galleryId, "gallery").id : (galleryId as GalleryId);
      const a: Attachment = { galleryId: canonical };
      const childName = str(prop(item, "name"));
      if (childName !== undefined) a.childName = childName;
      return a;
    }
    return { galleryId: undefined };
  }

  /** No documented region rule for lab accounts: the service replicates across the geography itself. */
  checkGalleryRules(_gallery: GalleryFacts, _attachment: Attachment): void {}

  private sharedGalleryPath(childName: string): string {
    return resourcePath(formatResourceId("labAccountSharedGallery", { ...this.scope(), names: { labAccount: this.accountName, sharedGallery: childName } }));
  }

  async attach(galleryId: GalleryId, options: OperationOptions): Promise<void> {
    // The child resource is named after the gallery (segment 8 of its id, A.2).
    const galleryName = parseResourceId(galleryId, "gallery").names["gallery"] as string;
    await runArmOperation(
      this.transport,
      { method: "PUT", path: this.sharedGalleryPath(galleryName), api: "labAccountsPreview", body: { properties: { galleryId } }, options },
      "original-uri",
    );
  }

  async detach(attachment: Attachment & { galleryId: GalleryId }, options: OperationOptions): Promise<void> {
    const name = attachment.childName ?? (parseResourceId(attachment.galleryId, "gallery").names["gallery"] as string);
    await runArmOperation(this.transport, { method: "DELETE", path: this.sharedGalleryPath(name), api: "labAccountsPreview", options }, "location");
  }

  listImages<T>(_server: ServerImageFilter, map: (entry: ImageEntry) => T | undefined, options: OperationOptions): PagedAsyncIterableIterator<T> {
    // No server-side filter is known for sharedImages; the module filters client-side (A.2).
    return listPaged(
      this.transport,
      { path: resourcePath(this.id, "sharedImages"), api: "labAccountsPreview" },
      (raw: unknown) => map({ image: galleryImageFromSharedImage(raw, this.id), raw }),
      options,
    );
  }

  private imagePath(name: string): string {
    return resourcePath(formatResourceId("labAccountSharedImage", { ...this.scope(), names: { labAccount: this.accountName, sharedImage: name } }));
  }

  async getImage(name: string, options: OperationOptions): Promise<ImageEntry | undefined> {
    const raw = await this.transport.getOptional({ path: this.imagePath(name), api: "labAccountsPreview", options });
    return raw === undefined ? undefined : { image: galleryImageFromSharedImage(raw, this.id), raw };
  }

  async setEnabled(entry: ImageEntry, enabled: boolean, options: OperationOptions): Promise<GalleryImage> {
    const body = await runArmOperation(
      this.transport,
      { method: "PUT", path: this.imagePath(entry.image.name), api: "labAccountsPreview", body: sharedImagePutBody(entry.raw, enabled), options },
      "original-uri",
    );
    if (typeof body !== "object" || body === null) return { ...entry.image, enabled };
    return galleryImageFromSharedImage(body, this.id);
  }
}
