/**
 * The seam between `LabAccountClient` (domain verbs, validation, idempotency, errors) and the two
 * REST generations. One backend per generation, chosen once from the account id; the client never
 * branches on the generation itself.
 */
import type { OperationOptions } from "@azure/core-client";
import type { PagedAsyncIterableIterator } from "../../core/paging.js";
import type { AccountId, GalleryId, ResourceKind } from "../../core/resource-id.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import type { ServicePrincipalRequirement } from "./permissions.js";

/** What `LabAccountClient.getAccount` returns: the facts other clients need for their own preflight. */
export interface AccountInfo {
  id: AccountId;
  kind: "labPlan" | "labAccount";
  name: string;
  /** The Azure region of the lab plan or lab account, lower-case without spaces (e.g. `westus2`). */
  location: string;
  /** Lab plans: regions lab creators may create labs in (`[]` when the plan sets none). Lab accounts: always `[]`. */
  allowedRegions: string[];
  /** The attached Compute Gallery, when one is attached. */
  sharedGalleryId?: GalleryId;
}

/** The gallery currently attached, as the service reports it. */
export interface Attachment {
  galleryId: GalleryId | undefined;
  /** Lab accounts: the name of the `sharedGalleries` child resource (needed to delete it). */
  childName?: string;
  /** The account's region, when reading the attachment told it (lab plans). */
  location?: string;
}

/** A listed image with the raw item the service sent (lab accounts PUT the full item back). */
export interface ImageEntry {
  image: GalleryImage;
  raw: unknown;
}

/** The part of a listing filter a generation may send to the service; the client re-checks every item anyway. */
export interface ServerImageFilter {
  enabled?: boolean;
  displayName?: string;
}

/** What preflight read about the gallery. */
export interface GalleryFacts {
  id: GalleryId;
  location: string | undefined;
}

export interface AccountBackend {
  readonly kind: "labPlan" | "labAccount";
  /** e.g. `lab plan "plan-westus2"`, for messages. */
  readonly label: string;
  /** The kind of id the service gives this generation's images. */
  readonly imageIdKind: Extract<ResourceKind, "labPlanImage" | "labAccountSharedImage">;
  /** The Lab Services principal that needs a role on the gallery. */
  readonly servicePrincipal: ServicePrincipalRequirement;

  getAccount(options: OperationOptions): Promise<AccountInfo>;
  readAttachment(options: OperationOptions): Promise<Attachment>;
  /** Throws when a documented rule forbids attaching this gallery (preflight). */
  checkGalleryRules(gallery: GalleryFacts, attachment: Attachment): void;
  attach(galleryId: GalleryId, options: OperationOptions): Promise<void>;
  detach(attachment: Attachment & { galleryId: GalleryId }, options: OperationOptions): Promise<void>;
  listImages<T>(server: ServerImageFilter, map: (entry: ImageEntry) => T | undefined, options: OperationOptions): PagedAsyncIterableIterator<T>;
  /** One image by its name on the account, or `undefined` when there is none. */
  getImage(name: string, options: OperationOptions): Promise<ImageEntry | undefined>;
  setEnabled(entry: ImageEntry, enabled: boolean, options: OperationOptions): Promise<GalleryImage>;
}
