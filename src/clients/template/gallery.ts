/**
 * Reads of the Compute Gallery (api family `compute`) that an export needs: the image definition the
 * save writes into, its versions, and one version with its replication status.
 */
import type { OperationOptions } from "@azure/core-client";
import { collect, listPaged } from "../../core/paging.js";
import {
  formatGalleryImageId,
  formatGalleryImageVersionId,
  parseResourceId,
  type GalleryImageId,
  type GalleryImageVersionId,
} from "../../core/resource-id.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import type { OsState, OsType } from "../../models/gallery-image.js";
import { osState, osType } from "../../models/normalize.js";
import { obj, str } from "../../models/json.js";


export interface DefinitionInfo {
  id: GalleryImageId;
  osType: OsType | undefined;
  osState: OsState | undefined;
  hyperVGeneration: string | undefined;
}

export interface TargetRegionEntry {
  name: string;
  [k: string]: unknown;
}

export interface VersionInfo {
  id: GalleryImageVersionId;
  name: string;
  /** The version's own region: the source region of its replication. */
  location: string | undefined;
  provisioningState: string | undefined;
  targetRegions: TargetRegionEntry[];
  storageProfile: unknown;
  aggregatedState: string | undefined;
  summary: { region: string; state: string; progress: number; details: string | undefined }[];
}

/** The id of definition `imageName` in the gallery `galleryId`. */
export function definitionIdIn(galleryId: string, imageName: string): GalleryImageId {
  const g = parseResourceId(galleryId, "gallery");
  return formatGalleryImageId({ subscriptionId: g.subscriptionId, resourceGroup: g.resourceGroup, gallery: g.names["gallery"] as string, name: imageName });
}

export function versionIdOf(definitionId: string, version: string): GalleryImageVersionId {
  const d = parseResourceId(definitionId, "galleryImage");
  return formatGalleryImageVersionId({
    subscriptionId: d.subscriptionId,
    resourceGroup: d.resourceGroup,
    gallery: d.names["gallery"] as string,
    image: d.names["image"] as string,
    version,
  });
}


/** The image definition, or `undefined` when it does not exist (yet). */
export async function readDefinition(transport: ArmTransport, id: GalleryImageId, options?: OperationOptions): Promise<DefinitionInfo | undefined> {
  const raw = await transport.getOptional({ path: resourcePath(id), api: "compute", options });
  if (raw === undefined) return undefined;
  const p = obj(obj(raw)["properties"]);
  return { id, osType: osType(p["osType"]), osState: osState(p["osState"]), hyperVGeneration: str(p["hyperVGeneration"]) };
}

/** Names of the definition's versions (`[]` when the definition does not exist). */
export async function listVersionNames(transport: ArmTransport, id: GalleryImageId, options?: OperationOptions): Promise<string[]> {
  try {
    return await collect(listPaged(transport, { path: resourcePath(id, "versions"), api: "compute" }, (raw: unknown) => str(obj(raw)["name"]), options));
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return [];
    throw e;
  }
}

/** Orders `Major.Minor.Patch` names numerically; names that are not versions sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    const d = (Number.isFinite(x) ? x : -1) - (Number.isFinite(y) ? y : -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** The newest version that was not there before, or `undefined`. */
export function newestNewVersion(names: readonly string[], known: readonly string[]): string | undefined {
  const before = new Set(known);
  return [...names].filter((n) => !before.has(n)).sort(compareVersions).pop();
}

/** One version, with its replication status. */
export async function readVersion(transport: ArmTransport, id: GalleryImageVersionId, options?: OperationOptions): Promise<VersionInfo | undefined> {
  const raw = await transport.getOptional({ path: resourcePath(id), api: "compute", query: { $expand: "ReplicationStatus" }, options });
  if (raw === undefined) return undefined;
  const r = obj(raw);
  const p = obj(r["properties"]);
  const targets = obj(p["publishingProfile"])["targetRegions"];
  const status = obj(p["replicationStatus"]);
  const summary = Array.isArray(status["summary"]) ? (status["summary"] as unknown[]) : [];
  return {
    id,
    name: str(r["name"]) ?? id.split("/").pop() ?? "",
    location: str(r["location"]),
    provisioningState: str(p["provisioningState"]),
    targetRegions: Array.isArray(targets)
      ? (targets as unknown[]).map(obj).filter((t): t is TargetRegionEntry => typeof t["name"] === "string")
      : [],
    storageProfile: p["storageProfile"],
    aggregatedState: str(status["aggregatedState"]),
    summary: summary.map(obj).map((s) => ({
      region: str(s["region"]) ?? "",
      state: str(s["state"]) ?? "Unknown",
      progress: typeof s["progress"] === "number" ? s["progress"] : 0,
      details: str(s["details"]),
    })),
  };
}
