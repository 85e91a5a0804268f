import type { AccountId, GalleryId, GalleryImageId, GalleryImageVersionId } from "../core/resource-id.js";

/** `Generalized` images need new admin credentials; `Specialized` ones keep the template's accounts. */
export type OsState = "Generalized" | "Specialized";
export type OsType = "Windows" | "Linux";
export type ImageSource = "gallery" | "marketplace";

/**
 * One image a lab can be created from, normalized across both generations: a lab plan image
 * (`labPlans/{p}/images/{name}`) or a lab account shared image (`labaccounts/{a}/sharedImages/{name}`).
 * No raw ARM property bag.
 */
export interface GalleryImage {
  /** The image's name on the account (for gallery images, usually the definition name). */
  name: string;
  displayName: string;
  /** The image's id on the lab plan or lab account. */
  id: string;
  /** The Compute Gallery image definition id (gallery images only). */
  galleryImageId: GalleryImageId | undefined;
  /** The image version produced by an export, when known. */
  galleryImageVersionId?: GalleryImageVersionId | undefined;
  osType: OsType | undefined;
  osState: OsState | undefined;
  /** `V1` or `V2` when the service says. */
  hyperVGeneration?: string | undefined;
  /** Whether lab creators may use it. */
  enabled: boolean;
  /** Regions the image is replicated to (lab plans; `[]` when unknown). */
  availableRegions: string[];
  source: ImageSource;
  /** The lab plan or lab account the image belongs to. */
  account: AccountId;
}

/** The gallery attached to a lab plan or lab account. */
export interface AttachedGallery {
  galleryId: GalleryId;
  galleryName: string;
  resourceGroup: string;
  subscriptionId: string;
  /** The lab plan or lab account it is attached to. */
  account: AccountId;
}
