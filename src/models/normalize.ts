/**
 * Turns the raw ARM shapes of both generations into the domain types. Defensive by design: an
 * unknown enum value or a missing field gives `undefined`, never a crash (a newer service version
 * may add values).
 */
import { formatGalleryImageId, isResourceId, parseResourceId, type AccountId, type GalleryImageId } from "../core/resource-id.js";
import type { GalleryImage, OsState, OsType } from "./gallery-image.js";
import type { Lab } from "./lab.js";
import { type Obj, obj, str, prop } from "./json.js";



/** `Windows`/`Linux` in any casing, else undefined. */
export function osType(v: unknown): OsType | undefined {
  const s = str(v)?.toLowerCase();
  return s === "windows" ? "Windows" : s === "linux" ? "Linux" : undefined;
}
/** `Generalized`/`Specialized` in any casing, else undefined. */
export function osState(v: unknown): OsState | undefined {
  const s = str(v)?.toLowerCase();
  return s === "generalized" ? "Generalized" : s === "specialized" ? "Specialized" : undefined;
}
function galleryDefinitionId(v: unknown): GalleryImageId | undefined {
  const s = str(v);
  return s !== undefined && isResourceId(s, "galleryImage") ? s : undefined;
}

/** Lab plan image (Images.json `Image`) → `GalleryImage`. Absent `enabledState` means Disabled (G.3). */
export function galleryImageFromLabPlanImage(raw: unknown, account: AccountId): GalleryImage {
  const r = obj(raw);
  const p = obj(r["properties"]);
  const galleryImageId = galleryDefinitionId(p["sharedGalleryId"]);
  const regions = Array.isArray(p["availableRegions"]) ? (p["availableRegions"] as unknown[]).filter((x): x is string => typeof x === "string") : [];
  const name = str(r["name"]) ?? "";
  const image: GalleryImage = {
    name,
    displayName: str(p["displayName"]) ?? name,
    id: str(r["id"]) ?? "",
    galleryImageId,
    osType: osType(p["osType"]),
    osState: osState(p["osState"]),
    enabled: str(p["enabledState"])?.toLowerCase() === "enabled",
    availableRegions: regions,
    // Marketplace images carry publisher/offer/sku; gallery images have them null or absent (listImages.json)
    // and a definition id in sharedGalleryId. getImage.json shows a Marketplace item whose sharedGalleryId is a
    // platform-image path, so the id alone does not decide.
    source: galleryImageId !== undefined || (typeof p["sharedGalleryId"] === "string" && p["publisher"] == null && p["offer"] == null) ? "gallery" : "marketplace",
    account,
  };
  const gen = str(p["hyperVGeneration"]);
  if (gen !== undefined) image.hyperVGeneration = gen;
  return image;
}

/**
 * The definition id of a lab-account shared image. What `sharedGalleryId` holds is unconfirmed (A.2):
 * a definition id is taken as is; a gallery id (or, with `attachedGalleryId`, anything else) is
 * combined with `definitionName`.
 */
function sharedImageDefinitionId(p: Obj, attachedGalleryId: string | undefined): GalleryImageId | undefined {
  const direct = galleryDefinitionId(prop(p, "sharedGalleryId"));
  if (direct !== undefined) return direct;
  const definition = str(prop(p, "definitionName"));
  if (definition === undefined) return undefined;
  const galleryRef = str(prop(p, "sharedGalleryId"));
  const gallery = galleryRef !== undefined && isResourceId(galleryRef, "gallery") ? galleryRef : attachedGalleryId;
  if (gallery === undefined || !isResourceId(gallery, "gallery")) return undefined;
  const g = parseResourceId(gallery, "gallery");
  try {
    return formatGalleryImageId({ subscriptionId: g.subscriptionId, resourceGroup: g.resourceGroup, gallery: g.names["gallery"] as string, name: definition });
  } catch {
    return undefined;
  }
}

/**
 * Lab account shared image (`labaccounts/{a}/sharedImages`, A.2) → `GalleryImage`. Accounts replicate
 * across the geography themselves. `attachedGalleryId` (optional) lets the definition id be built
 * from `definitionName` when the item does not carry it.
 */
export function galleryImageFromSharedImage(raw: unknown, account: AccountId, attachedGalleryId?: string): GalleryImage {
  const r = obj(raw);
  const p = obj(prop(r, "properties"));
  const name = str(prop(r, "name")) ?? "";
  const image: GalleryImage = {
    name,
    displayName: str(prop(p, "displayName")) ?? str(prop(p, "definitionName")) ?? name,
    id: str(prop(r, "id")) ?? "",
    galleryImageId: sharedImageDefinitionId(p, attachedGalleryId),
    osType: osType(prop(p, "osType")),
    osState: osState(prop(p, "imageType")) ?? osState(prop(p, "osState")),
    enabled: str(prop(p, "enableState"))?.toLowerCase() !== "disabled",
    availableRegions: Array.isArray(prop(p, "availableRegions"))
      ? (prop(p, "availableRegions") as unknown[]).filter((x): x is string => typeof x === "string")
      : [],
    source: "gallery",
    account,
  };
  const gen = str(prop(p, "hyperVGeneration"));
  if (gen !== undefined) image.hyperVGeneration = gen;
  return image;
}

/** Lab plan lab (Labs.json `Lab`) → `Lab`. */
export function labFromLabPlanLab(raw: unknown, account: AccountId): Lab {
  const r = obj(raw);
  const p = obj(r["properties"]);
  const vm = obj(p["virtualMachineProfile"]);
  const sku = obj(vm["sku"]);
  return {
    name: str(r["name"]) ?? "",
    id: (str(r["id"]) ?? "") as Lab["id"],
    account,
    title: str(p["title"]),
    location: str(r["location"]),
    provisioningState: str(p["provisioningState"]) ?? "Succeeded",
    state: str(p["state"]),
    galleryImageId: galleryDefinitionId(obj(vm["imageReference"])["id"]),
    sku: str(sku["name"]),
    capacity: typeof sku["capacity"] === "number" ? sku["capacity"] : undefined,
    adminUsername: str(obj(vm["adminUser"])["username"]),
  };
}
