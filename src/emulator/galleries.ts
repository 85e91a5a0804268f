/**
 * Azure Compute Gallery (Microsoft.Compute/galleries, images, versions) — rest-api.md C, gallery.json 2022-03-03.
 * PUT/PATCH/DELETE are long-running; they answer with `Azure-AsyncOperation` as Compute does (DELETE also
 * `Location`) — an assumption, the specs give no header examples (docs/emulator.md).
 */
import { parseResourceId, validateName } from "../core/resource-id.js";
import type { Ctx } from "./context.js";
import { DURATIONS, isObject, iso, jsonResponse, mergePatch, pagedList, str, stripNulls } from "./context.js";
import { ArmHttpError, badRequest, conflict, parentNotFound, resourceNotFound } from "./errors.js";
import { normalizeRegion, regionDisplayName } from "./geographies.js";
import { registerEffect } from "./operations.js";
import type { EffectWorld } from "./operations.js";
import type { Route } from "./router.js";
import type { Json, JsonObject, ReplicationRegion, Store, StoredResource } from "./state.js";
import { clone } from "./state.js";

const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute";

export const GALLERY_TYPE = "Microsoft.Compute/galleries";
export const GALLERY_IMAGE_TYPE = "Microsoft.Compute/galleries/images";
export const GALLERY_VERSION_TYPE = "Microsoft.Compute/galleries/images/versions";

const rgPath = (c: Ctx) => `/subscriptions/${c.params["subscriptionId"]}/resourceGroups/${c.params["resourceGroupName"]}/providers/Microsoft.Compute`;
const galleryId = (c: Ctx) => `${rgPath(c)}/galleries/${c.params["galleryName"]}`;
const imageId = (c: Ctx) => `${galleryId(c)}/images/${c.params["galleryImageName"]}`;
const versionId = (c: Ctx) => `${imageId(c)}/versions/${c.params["galleryImageVersionName"]}`;

// ---- replication ---------------------------------------------------------------------------------

export function versionNumber(name: string): number[] {
  return name.split(".").map((p) => Number.parseInt(p, 10) || 0);
}
export function compareVersions(a: string, b: string): number {
  const x = versionNumber(a);
  const y = versionNumber(b);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export function completedRegions(v: StoredResource, now: number): string[] {
  return (v.meta?.replication ?? []).filter((r) => !r.failed && r.endAt <= now).map((r) => r.region);
}

/** `replicationStatus` (C.4): per region state and progress, computed from the schedule. */
export function replicationStatus(v: StoredResource, now: number): JsonObject {
  const summary = (v.meta?.replication ?? []).map((r): JsonObject => {
    if (r.failed) return { region: regionDisplayName(r.region), state: "Failed", details: "Replication failed in this region.", progress: 0 };
    if (r.endAt <= now) return { region: regionDisplayName(r.region), state: "Completed", details: "", progress: 100 };
    const progress = now <= r.startAt ? 0 : Math.floor(((now - r.startAt) / Math.max(1, r.endAt - r.startAt)) * 100);
    return { region: regionDisplayName(r.region), state: "Replicating", details: "", progress: Math.min(99, progress) };
  });
  const states = summary.map((s) => s["state"]);
  const aggregatedState = states.includes("Failed") ? "Failed" : states.every((s) => s === "Completed") ? "Completed" : "InProgress";
  return { aggregatedState, summary };
}

/** Schedules `regions` one after another from `start`. */
export function scheduleSequential(regions: string[], start: number, per: number): ReplicationRegion[] {
  return regions.map((region, i) => ({ region, startAt: start + i * per, endAt: start + (i + 1) * per }));
}

/** What Lab Services sees of a definition: its latest usable version and where that version is replicated. */
export interface DefinitionView {
  definition: StoredResource;
  name: string;
  osType: string;
  osState: string;
  latest: StoredResource | undefined;
  regions: string[];
  osDiskSizeGB: number | undefined;
  dataDisks: number;
  adminUsername: string | undefined;
}

/**
 * Latest version = highest Major.Minor.Patch not excluded from latest, not failed, with at least one
 * completed region (B.4 "the most recent version is used"; the "completed" filter is an assumption).
 */
export function definitionViews(store: Store, galleryResourceId: string, now: number): DefinitionView[] {
  return store.children("galleryImage", galleryResourceId).map((d) => {
    const props = d.body["properties"] as JsonObject;
    const candidates = store
      .children("galleryImageVersion", d.id)
      .filter((v) => {
        const vp = v.body["properties"] as JsonObject;
        const pp = isObject(vp["publishingProfile"]) ? vp["publishingProfile"] : {};
        return pp["excludeFromLatest"] !== true && vp["provisioningState"] !== "Failed" && completedRegions(v, now).length > 0;
      })
      .sort((a, b) => compareVersions(String(b.body["name"]), String(a.body["name"])));
    const latest = candidates[0];
    const sp = latest ? ((latest.body["properties"] as JsonObject)["storageProfile"] as JsonObject | undefined) : undefined;
    const os = sp && isObject(sp["osDiskImage"]) ? sp["osDiskImage"] : undefined;
    const data = sp && Array.isArray(sp["dataDiskImages"]) ? sp["dataDiskImages"].length : 0;
    return {
      definition: d,
      name: String(d.body["name"]),
      osType: String(props["osType"]),
      osState: String(props["osState"]),
      latest,
      regions: latest ? completedRegions(latest, now) : [],
      osDiskSizeGB: typeof os?.["sizeInGB"] === "number" ? os["sizeInGB"] : undefined,
      dataDisks: data,
      adminUsername: latest?.meta?.adminUsername,
    };
  });
}

/** Lab Services lists an image only when its OS disk is at most 128 GB and it has no data disks (A.2, B.4, C.6). */
export function isListableDisk(v: DefinitionView): boolean {
  return v.dataDisks === 0 && (v.osDiskSizeGB === undefined || v.osDiskSizeGB <= 128);
}

// ---- saved images (Lab Services exports) ---------------------------------------------------------

export interface SaveImageRequest {
  galleryId: string;
  name: string;
  osType: string;
  adminUsername: string | undefined;
  sourceId: string;
  /** Regions: the first is where the export lands; the rest replicate after it (lab accounts). */
  regions: string[];
  exportMs: number;
  now: number;
}

/** Definition names Compute accepts (C.2); checked when the export runs. */
export function isValidDefinitionName(name: string): boolean {
  try {
    validateName("galleryImage", name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts an export: creates the Specialized definition if needed and a new version in `Creating`, whose
 * replication ends when the export does. Returns the effect data for the operation (or a pending failure).
 */
export function beginSavedImage(store: Store, r: SaveImageRequest): JsonObject {
  const gallery = store.getKind(r.galleryId, "gallery");
  if (!gallery) return { fail: "GalleryNotFound", message: `The gallery '${r.galleryId}' attached to the lab plan or lab account does not exist.` };
  if (!isValidDefinitionName(r.name)) {
    return {
      fail: "InvalidParameter",
      message: `The image name '${r.name}' is invalid: a gallery image definition name is 1-80 letters and digits, with single '-', '_' or '.' between them.`,
    };
  }
  const defId = `${gallery.id}/images/${r.name}`;
  let def = store.get(defId);
  let createdDefinition = false;
  if (def && (def.body["properties"] as JsonObject)["osState"] !== "Specialized") {
    // C.5 wording, adapted: a saved template is specialized and cannot become a version of a generalized definition.
    return {
      fail: "InvalidParameter",
      message: `Cannot create Gallery Image Version from: ${r.sourceId} since the OS State in the parent gallery image ('${String((def.body["properties"] as JsonObject)["osState"])}') is not 'Specialized'.`,
    };
  }
  const location = String(gallery.body["location"]);
  if (!def) {
    createdDefinition = true;
    def = {
      kind: "galleryImage",
      id: defId,
      body: {
        id: defId,
        name: r.name,
        type: GALLERY_IMAGE_TYPE,
        location,
        properties: {
          // Assumption: Lab Services' identifier (#21033 shows `AzureLabServices.General.<name>`-like triples).
          identifier: { publisher: "AzureLabServices", offer: "General", sku: r.name },
          osType: r.osType,
          osState: "Specialized",
          hyperVGeneration: "V1",
          provisioningState: "Succeeded",
        },
      },
    };
    store.put(def);
  }
  const existing = store.children("galleryImageVersion", defId).map((v) => String(v.body["name"]));
  const highest = existing.sort(compareVersions).at(-1);
  const nextName = highest ? (([a, b, c]) => `${a}.${b}.${(c ?? 0) + 1}`)(versionNumber(highest)) : "1.0.0";
  const vId = `${defId}/versions/${nextName}`;
  const [first, ...rest] = r.regions.map(normalizeRegion);
  const due = r.now + r.exportMs;
  const replication: ReplicationRegion[] = [{ region: first as string, startAt: r.now, endAt: due }];
  for (const region of rest) if (region !== first) replication.push({ region, startAt: due, endAt: due + DURATIONS.replicationPerRegion });
  const version: StoredResource = {
    kind: "galleryImageVersion",
    id: vId,
    body: {
      id: vId,
      name: nextName,
      type: GALLERY_VERSION_TYPE,
      location,
      properties: {
        publishingProfile: {
          targetRegions: replication.map((x) => ({ name: regionDisplayName(x.region), regionalReplicaCount: 1, storageAccountType: "Standard_LRS" })),
          replicaCount: 1,
          excludeFromLatest: false,
          publishedDate: iso(r.now),
          storageAccountType: "Standard_LRS",
        },
        storageProfile: {
          source: { id: r.sourceId },
          // Assumption: Lab Services template disks are 128 GB SKUs; a saved Windows disk reports 127 GB, Linux 30 GB.
          osDiskImage: { sizeInGB: r.osType === "Linux" ? 30 : 127, hostCaching: "ReadWrite" },
        },
        provisioningState: "Creating",
      },
    },
    meta: { replication, ...(r.adminUsername === undefined ? {} : { adminUsername: r.adminUsername }) },
  };
  store.put(version);
  return { versionId: vId, definitionId: defId, createdDefinition };
}

export function finishSavedImage(world: EffectWorld, data: JsonObject): void {
  if (typeof data["fail"] === "string") throw badRequest(String(data["message"]), data["fail"]);
  const v = world.store.get(String(data["versionId"]));
  if (v) {
    (v.body["properties"] as JsonObject)["provisioningState"] = "Succeeded";
    world.store.touch();
  }
}
export function failSavedImage(world: EffectWorld, data: JsonObject): void {
  if (typeof data["versionId"] !== "string") return;
  world.store.delete(data["versionId"]);
  if (data["createdDefinition"] === true && typeof data["definitionId"] === "string") {
    if (world.store.children("galleryImageVersion", data["definitionId"]).length === 0) world.store.delete(data["definitionId"]);
  }
}
registerEffect("savedImage.finish", finishSavedImage, failSavedImage);

// ---- effects of gallery LROs ----------------------------------------------------------------------

function setProvisioning(world: EffectWorld, id: string, state: string): void {
  const r = world.store.get(id);
  if (!r) return;
  (r.body["properties"] as JsonObject)["provisioningState"] = state;
  world.store.touch();
}
registerEffect(
  "compute.provisioned",
  (w, d) => {
    const r = w.store.get(String(d["id"]));
    // A version becomes Succeeded only when every target region has replicated.
    if (r?.kind === "galleryImageVersion" && (r.meta?.replication ?? []).some((x) => x.endAt > w.now && !x.failed)) return;
    setProvisioning(w, String(d["id"]), "Succeeded");
  },
  (w, d) => setProvisioning(w, String(d["id"]), "Failed"),
);
registerEffect(
  "compute.deleted",
  (w, d) => w.store.delete(String(d["id"])),
  (w, d) => setProvisioning(w, String(d["id"]), "Failed"),
);

// ---- handlers -------------------------------------------------------------------------------------

function nameError(what: string, value: string, kind: "gallery" | "galleryImage" | "version"): ArmHttpError | undefined {
  try {
    validateName(kind, value, what);
    return undefined;
  } catch (e) {
    return new ArmHttpError(400, "InvalidParameter", (e as Error).message, { target: what });
  }
}

function output(r: StoredResource): JsonObject {
  return clone(r.body);
}

function listGalleries(ctx: Ctx, prefix: string): Response {
  return pagedList(ctx, ctx.store.list("gallery", prefix).map(output));
}

function requireGallery(ctx: Ctx, action: string, childType: string): StoredResource {
  const g = ctx.store.getKind(galleryId(ctx), "gallery");
  if (!g) throw parentNotFound(action, childType, galleryId(ctx));
  return g;
}
function requireImage(ctx: Ctx, action: string, childType: string): StoredResource {
  requireGallery(ctx, action, childType);
  const i = ctx.store.getKind(imageId(ctx), "galleryImage");
  if (!i) throw parentNotFound(action, childType, imageId(ctx));
  return i;
}

function startComputeOp(ctx: Ctx, id: string, region: string, durationMs: number, kind: "compute.provisioned" | "compute.deleted") {
  return ctx.ops.start(ctx, {
    family: "compute",
    subscriptionId: ctx.params["subscriptionId"] as string,
    region,
    durationMs,
    effect: { kind, data: { id } },
  });
}

function requireLocation(body: JsonObject): string {
  const loc = str(body["location"]);
  // Real ARM wording for a missing location.
  if (!loc) throw new ArmHttpError(400, "LocationRequired", "The location property is required for this definition.");
  return loc;
}

async function putGallery(ctx: Ctx): Promise<Response> {
  const name = ctx.params["galleryName"] as string;
  const err = nameError("galleryName", name, "gallery");
  if (err) throw err;
  const body = stripNulls(await ctx.body()); // nulls are never echoed (assumption: as Lab Services, G.3)
  const location = requireLocation(body);
  const id = galleryId(ctx);
  const existing = ctx.store.getKind(id, "gallery");
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  delete props["provisioningState"];
  const stored: StoredResource = {
    kind: "gallery",
    id,
    body: {
      id,
      name,
      type: GALLERY_TYPE,
      location: existing ? (existing.body["location"] as string) : normalizeRegion(location),
      ...(isObject(body["tags"]) ? { tags: body["tags"] } : {}),
      properties: {
        ...props,
        identifier: { uniqueName: `${ctx.params["subscriptionId"]}-${name.toUpperCase()}` },
        provisioningState: existing ? "Updating" : "Creating",
      },
    },
  };
  ctx.store.put(stored);
  const op = startComputeOp(ctx, id, String(stored.body["location"]), DURATIONS.galleryWrite, "compute.provisioned");
  return jsonResponse(existing ? 200 : 201, output(stored), ctx.ops.computeHeaders(ctx, op, false));
}

async function patchGeneric(ctx: Ctx, r: StoredResource, allowed: string[]): Promise<Response> {
  const body = await ctx.body();
  const patchProps = isObject(body["properties"]) ? body["properties"] : {};
  for (const k of Object.keys(patchProps)) {
    if (!allowed.includes(k)) throw new ArmHttpError(409, "PropertyChangeNotAllowed", `Changing property '${k}' is not allowed.`, { target: k });
  }
  r.body["properties"] = mergePatch(r.body["properties"] as JsonObject, patchProps);
  if (isObject(body["tags"])) r.body["tags"] = stripNulls(body["tags"]);
  (r.body["properties"] as JsonObject)["provisioningState"] = "Updating";
  ctx.store.put(r);
  const op = startComputeOp(ctx, r.id, String(r.body["location"]), DURATIONS.galleryWrite, "compute.provisioned");
  return jsonResponse(200, output(r), ctx.ops.computeHeaders(ctx, op, false));
}

function deleteGeneric(ctx: Ctx, r: StoredResource | undefined, blockingKind?: "galleryImage" | "galleryImageVersion"): Response {
  if (!r) return jsonResponse(204, undefined);
  if (blockingKind && ctx.store.children(blockingKind, r.id).length > 0) {
    // Assumption: Compute refuses to delete a parent with nested resources (wording of ARM's nested-resource rule).
    throw conflict("Can not delete resource before nested resources are deleted.", "CannotDeleteResource");
  }
  (r.body["properties"] as JsonObject)["provisioningState"] = "Deleting";
  ctx.store.put(r);
  const op = startComputeOp(ctx, r.id, String(r.body["location"]), DURATIONS.galleryWrite, "compute.deleted");
  return jsonResponse(202, undefined, ctx.ops.computeHeaders(ctx, op, true));
}

async function putImage(ctx: Ctx): Promise<Response> {
  const gallery = requireGallery(ctx, "write", "galleries/images");
  const name = ctx.params["galleryImageName"] as string;
  const err = nameError("galleryImageName", name, "galleryImage");
  if (err) throw err;
  const body = stripNulls(await ctx.body()); // nulls are never echoed (assumption: as Lab Services, G.3)
  requireLocation(body);
  const props = isObject(body["properties"]) ? clone(body["properties"]) : undefined;
  if (!props) throw badRequest("Required parameter 'galleryImage.properties' is missing (null).", "InvalidParameter", "galleryImage.properties");
  for (const req of ["osType", "osState", "identifier"]) {
    if (props[req] === undefined || props[req] === null) {
      throw badRequest(`Required parameter '${req}' is missing (null).`, "InvalidParameter", `galleryImage.properties.${req}`);
    }
  }
  if (!["Windows", "Linux"].includes(String(props["osType"]))) throw badRequest(`The value '${String(props["osType"])}' of parameter 'osType' is not allowed.`, "InvalidParameter", "osType");
  if (!["Generalized", "Specialized"].includes(String(props["osState"]))) throw badRequest(`The value '${String(props["osState"])}' of parameter 'osState' is not allowed.`, "InvalidParameter", "osState");
  const ident = props["identifier"];
  if (!isObject(ident) || !str(ident["publisher"]) || !str(ident["offer"]) || !str(ident["sku"])) {
    throw badRequest("The identifier needs 'publisher', 'offer' and 'sku'.", "InvalidParameter", "galleryImage.properties.identifier");
  }
  const id = imageId(ctx);
  const existing = ctx.store.getKind(id, "galleryImage");
  const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);
  if (existing) {
    const ep = existing.body["properties"] as JsonObject;
    for (const k of ["osType", "osState", "identifier"]) {
      if (!same(ep[k], props[k])) throw new ArmHttpError(409, "PropertyChangeNotAllowed", `Changing property 'galleryImage.properties.${k}' is not allowed.`, { target: `galleryImage.properties.${k}` });
    }
  } else {
    const key = (i: Json | undefined) => (isObject(i) ? `${String(i["publisher"])}|${String(i["offer"])}|${String(i["sku"])}`.toLowerCase() : "");
    const clash = ctx.store.children("galleryImage", gallery.id).find((d) => key((d.body["properties"] as JsonObject)["identifier"]) === key(ident));
    if (clash) {
      // C.3: the publisher/offer/sku triple must be unique within a gallery. Code/wording: assumption.
      throw new ArmHttpError(409, "Conflict", `An image definition with identifier publisher '${String(ident["publisher"])}', offer '${String(ident["offer"])}', sku '${String(ident["sku"])}' already exists in gallery '${String(gallery.body["name"])}': ${clash.id}.`);
    }
  }
  delete props["provisioningState"];
  const stored: StoredResource = {
    kind: "galleryImage",
    id,
    body: {
      id,
      name,
      type: GALLERY_IMAGE_TYPE,
      location: String(gallery.body["location"]),
      ...(isObject(body["tags"]) ? { tags: body["tags"] } : {}),
      properties: { ...props, provisioningState: existing ? "Updating" : "Creating" },
    },
  };
  ctx.store.put(stored);
  const op = startComputeOp(ctx, id, String(stored.body["location"]), DURATIONS.galleryWrite, "compute.provisioned");
  return jsonResponse(existing ? 200 : 201, output(stored), ctx.ops.computeHeaders(ctx, op, false));
}

function targetRegionNames(pp: JsonObject | undefined, fallback: string): string[] {
  const tr = pp?.["targetRegions"];
  if (!Array.isArray(tr) || tr.length === 0) return [normalizeRegion(fallback)];
  return tr.map((t, i) => {
    const n = isObject(t) ? str(t["name"]) : undefined;
    if (!n) throw badRequest(`Required parameter 'targetRegions[${i}].name' is missing (null).`, "InvalidParameter", `publishingProfile.targetRegions[${i}].name`);
    return normalizeRegion(n);
  });
}

function displayTargetRegions(pp: JsonObject, regions: string[]): Json[] {
  const given = Array.isArray(pp["targetRegions"]) ? (pp["targetRegions"] as Json[]) : [];
  return regions.map((r) => {
    const g = given.find((t) => isObject(t) && normalizeRegion(String(t["name"])) === r);
    const base: JsonObject = isObject(g) ? clone(g) : {};
    return { ...base, name: regionDisplayName(r), regionalReplicaCount: typeof base["regionalReplicaCount"] === "number" ? base["regionalReplicaCount"] : 1, storageAccountType: str(base["storageAccountType"]) ?? "Standard_LRS" };
  });
}

async function putVersion(ctx: Ctx): Promise<Response> {
  const image = requireImage(ctx, "write", "galleries/images/versions");
  const name = ctx.params["galleryImageVersionName"] as string;
  const err = nameError("galleryImageVersionName", name, "version");
  if (err) throw err;
  const body = stripNulls(await ctx.body()); // nulls are never echoed (assumption: as Lab Services, G.3)
  requireLocation(body);
  const props = isObject(body["properties"]) ? clone(body["properties"]) : undefined;
  const sp = props && isObject(props["storageProfile"]) ? props["storageProfile"] : undefined;
  if (!props || !sp) throw badRequest("Required parameter 'storageProfile' is missing (null).", "InvalidParameter", "galleryImageVersion.properties.storageProfile");
  const src = isObject(sp["source"]) ? str(sp["source"]["id"]) : undefined;
  const osSrc = isObject(sp["osDiskImage"]) && isObject(sp["osDiskImage"]["source"]) ? str(sp["osDiskImage"]["source"]["id"]) : undefined;
  if (!src && !osSrc) throw badRequest("The source of the gallery image version is missing: set 'storageProfile.source.id' or 'storageProfile.osDiskImage.source.id'.", "InvalidParameter", "storageProfile.source.id");
  if (src) {
    // C.5: a version made from another version must match the definition's OS state.
    const other = ctx.store.getKind(src, "galleryImageVersion");
    if (other) {
      const otherDef = ctx.store.get(other.id.split("/").slice(0, -2).join("/"));
      const want = String((image.body["properties"] as JsonObject)["osState"]);
      const have = otherDef ? String((otherDef.body["properties"] as JsonObject)["osState"]) : want;
      if (have !== want) throw badRequest(`Cannot create Gallery Image Version from: ${src} since the OS State in the parent gallery image ('${want}') is not '${have}'.`, "InvalidParameter");
    }
  }
  const id = versionId(ctx);
  if (ctx.store.getKind(id, "galleryImageVersion")) return patchVersionWith(ctx, ctx.store.get(id) as StoredResource, { properties: { publishingProfile: (props["publishingProfile"] ?? {}) as Json } });
  const location = normalizeRegion(String(image.body["location"]));
  const pp = isObject(props["publishingProfile"]) ? props["publishingProfile"] : {};
  const regions = targetRegionNames(pp, location);
  if (!regions.includes(location)) {
    // Docs (C.4): the source region must be included in targetRegions.
    throw badRequest(`The source region '${location}' must be included in publishingProfile.targetRegions.`, "InvalidParameter", "publishingProfile.targetRegions");
  }
  const ordered = [location, ...regions.filter((r) => r !== location)];
  const replication = scheduleSequential(ordered, ctx.now, DURATIONS.replicationPerRegion);
  const osType = String((image.body["properties"] as JsonObject)["osType"]);
  const osDisk = isObject(sp["osDiskImage"]) ? clone(sp["osDiskImage"]) : {};
  if (typeof osDisk["sizeInGB"] !== "number") osDisk["sizeInGB"] = osType === "Linux" ? 30 : 127; // assumption (read-only, from the source)
  delete props["replicationStatus"];
  const stored: StoredResource = {
    kind: "galleryImageVersion",
    id,
    body: {
      id,
      name,
      type: GALLERY_VERSION_TYPE,
      location,
      ...(isObject(body["tags"]) ? { tags: body["tags"] } : {}),
      properties: {
        ...props,
        publishingProfile: { ...pp, targetRegions: displayTargetRegions(pp, ordered), publishedDate: iso(ctx.now), replicaCount: typeof pp["replicaCount"] === "number" ? pp["replicaCount"] : 1 },
        storageProfile: { ...sp, osDiskImage: osDisk },
        provisioningState: "Creating",
      },
    },
    meta: { replication },
  };
  ctx.store.put(stored);
  const due = (replication.at(-1) as ReplicationRegion).endAt;
  const op = startComputeOp(ctx, id, location, due - ctx.now, "compute.provisioned");
  return jsonResponse(201, output(stored), ctx.ops.computeHeaders(ctx, op, false));
}

/** PATCH of a version: `targetRegions` changes start replication region by region (C.4). */
function patchVersionWith(ctx: Ctx, v: StoredResource, body: JsonObject): Response {
  const patchProps = isObject(body["properties"]) ? body["properties"] : {};
  for (const k of Object.keys(patchProps)) {
    if (!["publishingProfile", "safetyProfile"].includes(k)) throw new ArmHttpError(409, "PropertyChangeNotAllowed", `Changing property 'galleryImageVersion.properties.${k}' is not allowed.`, { target: k });
  }
  const props = v.body["properties"] as JsonObject;
  const pp = isObject(props["publishingProfile"]) ? props["publishingProfile"] : {};
  const patchPp = isObject(patchProps["publishingProfile"]) ? patchProps["publishingProfile"] : undefined;
  const location = normalizeRegion(String(v.body["location"]));
  let replication = [...(v.meta?.replication ?? [])];
  if (patchPp && Array.isArray(patchPp["targetRegions"])) {
    const wanted = targetRegionNames(patchPp, location);
    if (!wanted.includes(location)) throw badRequest(`The source region '${location}' must be included in publishingProfile.targetRegions.`, "InvalidParameter", "publishingProfile.targetRegions");
    replication = replication.filter((r) => wanted.includes(r.region));
    let cursor = Math.max(ctx.now, ...replication.map((r) => r.endAt));
    for (const region of wanted) {
      if (replication.some((r) => r.region === region)) continue;
      replication.push({ region, startAt: cursor, endAt: cursor + DURATIONS.replicationPerRegion });
      cursor += DURATIONS.replicationPerRegion;
    }
    pp["targetRegions"] = displayTargetRegions(patchPp, replication.map((r) => r.region));
  }
  if (patchPp) {
    for (const k of ["excludeFromLatest", "endOfLifeDate", "replicaCount"]) {
      if (patchPp[k] === null) delete pp[k];
      else if (patchPp[k] !== undefined) pp[k] = patchPp[k] as Json;
    }
  }
  if (isObject(patchProps["safetyProfile"])) props["safetyProfile"] = mergePatch(isObject(props["safetyProfile"]) ? props["safetyProfile"] : {}, patchProps["safetyProfile"]);
  props["publishingProfile"] = pp;
  props["provisioningState"] = "Updating";
  v.meta = { ...(v.meta ?? {}), replication };
  ctx.store.put(v);
  const due = Math.max(ctx.now + DURATIONS.galleryWrite, ...replication.map((r) => r.endAt));
  const op = startComputeOp(ctx, v.id, location, due - ctx.now, "compute.provisioned");
  return jsonResponse(200, output(v), ctx.ops.computeHeaders(ctx, op, false));
}

function getVersion(ctx: Ctx): Response {
  requireImage(ctx, "read", "galleries/images/versions");
  const v = ctx.store.getKind(versionId(ctx), "galleryImageVersion");
  if (!v) throw resourceNotFound(`Microsoft.Compute/galleries/${ctx.params["galleryName"]}/images/${ctx.params["galleryImageName"]}/versions`, ctx.params["galleryImageVersionName"] as string, ctx.params["resourceGroupName"] as string);
  const out = output(v);
  const expand = ctx.url.searchParams.get("$expand");
  if (expand && expand.toLowerCase() === "replicationstatus") (out["properties"] as JsonObject)["replicationStatus"] = replicationStatus(v, ctx.now);
  return jsonResponse(200, out);
}

function notFound(ctx: Ctx, type: string, name: string): ArmHttpError {
  return resourceNotFound(type, name, ctx.params["resourceGroupName"] as string);
}

export const galleryRoutes: Route[] = [
  { method: "GET", pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/galleries", family: "compute", type: "galleries", handler: (c) => listGalleries(c, `/subscriptions/${c.params["subscriptionId"]}/`) },
  { method: "GET", pattern: `${RG}/galleries`, family: "compute", type: "galleries", handler: (c) => listGalleries(c, `${rgPath(c)}/`) },
  {
    method: "GET", pattern: `${RG}/galleries/{galleryName}`, family: "compute", type: "galleries",
    handler: (c) => {
      const g = c.store.getKind(galleryId(c), "gallery");
      if (!g) throw notFound(c, "Microsoft.Compute/galleries", c.params["galleryName"] as string);
      return jsonResponse(200, output(g));
    },
  },
  { method: "PUT", pattern: `${RG}/galleries/{galleryName}`, family: "compute", type: "galleries", handler: putGallery },
  {
    method: "PATCH", pattern: `${RG}/galleries/{galleryName}`, family: "compute", type: "galleries",
    handler: (c) => {
      const g = c.store.getKind(galleryId(c), "gallery");
      if (!g) throw notFound(c, "Microsoft.Compute/galleries", c.params["galleryName"] as string);
      return patchGeneric(c, g, ["description", "sharingProfile", "softDeletePolicy"]);
    },
  },
  { method: "DELETE", pattern: `${RG}/galleries/{galleryName}`, family: "compute", type: "galleries", handler: (c) => deleteGeneric(c, c.store.getKind(galleryId(c), "gallery"), "galleryImage") },
  {
    method: "GET", pattern: `${RG}/galleries/{galleryName}/images`, family: "compute", type: "galleries/images",
    handler: (c) => {
      requireGallery(c, "read", "galleries/images");
      return pagedList(c, c.store.children("galleryImage", galleryId(c)).map(output));
    },
  },
  {
    method: "GET", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}`, family: "compute", type: "galleries/images",
    handler: (c) => {
      requireGallery(c, "read", "galleries/images");
      const i = c.store.getKind(imageId(c), "galleryImage");
      if (!i) throw notFound(c, `Microsoft.Compute/galleries/${c.params["galleryName"]}/images`, c.params["galleryImageName"] as string);
      return jsonResponse(200, output(i));
    },
  },
  { method: "PUT", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}`, family: "compute", type: "galleries/images", handler: putImage },
  {
    method: "PATCH", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}`, family: "compute", type: "galleries/images",
    handler: (c) => {
      requireGallery(c, "write", "galleries/images");
      const i = c.store.getKind(imageId(c), "galleryImage");
      if (!i) throw notFound(c, `Microsoft.Compute/galleries/${c.params["galleryName"]}/images`, c.params["galleryImageName"] as string);
      return patchGeneric(c, i, ["description", "eula", "privacyStatementUri", "releaseNoteUri", "endOfLifeDate", "recommended", "disallowed", "purchasePlan", "features"]);
    },
  },
  {
    method: "DELETE", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}`, family: "compute", type: "galleries/images",
    handler: (c) => deleteGeneric(c, c.store.getKind(imageId(c), "galleryImage"), "galleryImageVersion"),
  },
  {
    method: "GET", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}/versions`, family: "compute", type: "galleries/images/versions",
    handler: (c) => {
      requireImage(c, "read", "galleries/images/versions");
      return pagedList(c, c.store.children("galleryImageVersion", imageId(c)).map(output));
    },
  },
  { method: "GET", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}`, family: "compute", type: "galleries/images/versions", handler: getVersion },
  { method: "PUT", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}`, family: "compute", type: "galleries/images/versions", handler: putVersion },
  {
    method: "PATCH", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}`, family: "compute", type: "galleries/images/versions",
    handler: async (c) => {
      requireImage(c, "write", "galleries/images/versions");
      const v = c.store.getKind(versionId(c), "galleryImageVersion");
      if (!v) throw notFound(c, `Microsoft.Compute/galleries/${c.params["galleryName"]}/images/${c.params["galleryImageName"]}/versions`, c.params["galleryImageVersionName"] as string);
      return patchVersionWith(c, v, await c.body());
    },
  },
  {
    method: "DELETE", pattern: `${RG}/galleries/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}`, family: "compute", type: "galleries/images/versions",
    handler: (c) => deleteGeneric(c, c.store.getKind(versionId(c), "galleryImageVersion")),
  },
  {
    method: "GET", pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/capsOperations/{operationId}", family: "compute", type: "locations/capsOperations",
    handler: (c) => c.ops.poll(c, c.params["operationId"] as string, "compute"),
  },
];

/** Parses a gallery id; 400 when it is not one (used by lab plans and lab accounts). */
export function parseGalleryId(value: unknown, target: string): string {
  try {
    return parseResourceId(String(value), "gallery").id;
  } catch (e) {
    throw badRequest(`'${target}' must be a compute gallery id (/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Compute/galleries/{name}): ${(e as Error).message}`, "InvalidParameter", target);
  }
}
