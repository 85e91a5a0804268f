/**
 * Classic lab accounts (Microsoft.LabServices/labaccounts, api 2018-10-15 and 2019-01-01-preview) —
 * rest-api.md A. The shared-gallery parts exist only in the service and the PowerShell module
 * (2019-01-01-preview), so their shapes here are assumptions documented in docs/emulator.md.
 */
import { parseResourceId, validateName } from "../core/resource-id.js";
import type { Ctx } from "./context.js";
import { DURATIONS, isObject, iso, jsonResponse, pagedList, str } from "./context.js";
import { ArmHttpError, badRequest, conflict, parentNotFound, resourceNotFound } from "./errors.js";
import { beginSavedImage, definitionViews, failSavedImage, finishSavedImage, isListableDisk, parseGalleryId } from "./galleries.js";
import type { DefinitionView } from "./galleries.js";
import { normalizeRegion, regionsInGeography } from "./geographies.js";
import { registerEffect } from "./operations.js";
import type { EffectWorld } from "./operations.js";
import type { Route } from "./router.js";
import type { JsonObject, OperationRecord, Store, StoredResource } from "./state.js";
import { clone } from "./state.js";

const SUB = "/subscriptions/{subscriptionId}/providers/Microsoft.LabServices";
const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.LabServices";
const LA = `${RG}/labaccounts/{labAccountName}`;

export const LAB_ACCOUNT_TYPE = "Microsoft.LabServices/labaccounts";
export const SHARED_GALLERY_TYPE = "Microsoft.LabServices/labaccounts/sharedgalleries";
export const SHARED_IMAGE_TYPE = "Microsoft.LabServices/labaccounts/sharedimages";
export const CLASSIC_LAB_TYPE = "Microsoft.LabServices/labaccounts/labs";
export const ENV_SETTING_TYPE = "Microsoft.LabServices/labaccounts/labs/environmentsettings";

const rgPath = (c: Ctx) => `/subscriptions/${c.params["subscriptionId"]}/resourceGroups/${c.params["resourceGroupName"]}/providers/Microsoft.LabServices`;
const accountId = (c: Ctx) => `${rgPath(c)}/labaccounts/${c.params["labAccountName"]}`;

function requireAccount(ctx: Ctx, childType?: string): StoredResource {
  const a = ctx.store.getKind(accountId(ctx), "labAccount");
  if (!a) {
    if (childType) throw parentNotFound("read", childType, accountId(ctx));
    throw resourceNotFound("Microsoft.LabServices/labaccounts", ctx.params["labAccountName"] as string, ctx.params["resourceGroupName"] as string);
  }
  return a;
}

export function attachedGallery(store: Store, account: StoredResource): StoredResource | undefined {
  return store.children("labAccountSharedGallery", account.id)[0];
}

const stateKey = (containerId: string, name: string) => `${containerId.toLowerCase()}|${name.toLowerCase()}`;

export interface SharedImage {
  name: string;
  body: JsonObject;
  view: DefinitionView;
  enabled: boolean;
}

/**
 * Shared images of an account: the attached gallery's definitions with an OS disk of at most 128 GB, no data
 * disks (A.2) and a version replicated to a region of the account's geography (assumption). Enabled by
 * default on accounts (A.2). Item shape from the PowerShell module (A.2); camelCase `enableState` assumed.
 */
export function sharedImages(store: Store, account: StoredResource, now: number): SharedImage[] {
  const attached = attachedGallery(store, account);
  if (!attached) return [];
  const galleryId = String((attached.body["properties"] as JsonObject)["galleryId"]);
  const geo = regionsInGeography(String(account.body["location"]));
  const out: SharedImage[] = [];
  for (const v of definitionViews(store, galleryId, now)) {
    if (!v.latest || !v.regions.some((r) => geo.includes(r)) || !isListableDisk(v)) continue;
    const key = stateKey(account.id, v.name);
    const enabled = store.data.imageStates[key] !== "Disabled";
    const updatingUntil = store.data.imageUpdates?.[key];
    const provisioningState = updatingUntil !== undefined && updatingUntil > now ? "Updating" : "Succeeded";
    out.push({
      name: v.name,
      view: v,
      enabled,
      body: {
        id: `${account.id}/sharedimages/${v.name}`,
        name: v.name,
        type: SHARED_IMAGE_TYPE,
        properties: {
          enableState: enabled ? "Enabled" : "Disabled",
          sharedGalleryId: v.definition.id,
          osType: v.osType,
          imageType: v.osState,
          displayName: v.name,
          definitionName: v.name,
          provisioningState,
        },
      },
    });
  }
  return out;
}

async function putSharedGallery(ctx: Ctx): Promise<Response> {
  const account = requireAccount(ctx);
  const body = await ctx.body();
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const gid = parseGalleryId(props["galleryId"], "properties.galleryId");
  const p = parseResourceId(gid, "gallery");
  const name = ctx.params["sharedGalleryName"] as string;
  if ((p.names["gallery"] as string).toLowerCase() !== name.toLowerCase()) {
    // A.2: the child resource is named after the gallery (segment 8 of the gallery id).
    throw badRequest(`The shared gallery name '${name}' must be the gallery's name '${p.names["gallery"]}'.`, "InvalidParameter", "sharedGalleryName");
  }
  const g = ctx.store.getKind(gid, "gallery");
  if (!g) throw resourceNotFound("Microsoft.Compute/galleries", p.names["gallery"] as string, p.resourceGroup);
  const current = attachedGallery(ctx.store, account);
  if (current && current.id.toLowerCase() !== `${account.id}/sharedgalleries/${name}`.toLowerCase()) {
    // Docs (A.2): only one gallery per lab account; detach before attaching another.
    throw conflict(`Lab account '${String(account.body["name"])}' already has the shared gallery '${String(current.body["name"])}' attached. Detach it before attaching another gallery.`);
  }
  const id = `${account.id}/sharedgalleries/${g.body["name"]}`;
  const stored: StoredResource = {
    kind: "labAccountSharedGallery",
    id,
    body: { id, name: String(g.body["name"]), type: SHARED_GALLERY_TYPE, properties: { galleryId: g.id, provisioningState: "Succeeded" } },
  };
  ctx.store.put(stored);
  // Assumption: synchronous (the module reads the body and never polls).
  return jsonResponse(current ? 200 : 201, clone(stored.body));
}

async function putSharedImage(ctx: Ctx): Promise<Response> {
  const account = requireAccount(ctx, "labaccounts/sharedimages");
  const name = ctx.params["sharedImageName"] as string;
  const img = sharedImages(ctx.store, account, ctx.now).find((i) => i.name.toLowerCase() === name.toLowerCase());
  if (!img) throw resourceNotFound(`Microsoft.LabServices/labaccounts/${account.body["name"]}/sharedimages`, name, ctx.params["resourceGroupName"] as string);
  const body = await ctx.body();
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const key = Object.keys(props).find((k) => k.toLowerCase() === "enablestate");
  const state = key ? props[key] : undefined;
  if (state !== "Enabled" && state !== "Disabled") throw badRequest("properties.enableState must be 'Enabled' or 'Disabled'.", "InvalidParameter", "properties.enableState");
  const k = stateKey(account.id, img.name);
  ctx.store.data.imageStates[k] = state;
  // A.2: the module polls GET until provisioningState is Succeeded, so the change is asynchronous (duration assumed).
  (ctx.store.data.imageUpdates ??= {})[k] = ctx.now + DURATIONS.sharedImageUpdate;
  ctx.store.touch();
  const updated = sharedImages(ctx.store, account, ctx.now).find((i) => i.name === img.name) as SharedImage;
  // 200 with provisioningState Updating asks the client to poll (A.2): Retry-After when configured (D.1).
  return jsonResponse(200, updated.body, ctx.ops.retryAfter());
}

interface CreateLabInput {
  name: string;
  imageId: string;
  username: string | undefined;
  password: string | undefined;
  size: string;
  quota: string | undefined;
  maxUsers: number | undefined;
  kind: "shared" | "marketplace";
}

function readCreateLab(body: JsonObject): CreateLabInput {
  const name = str(body["name"]);
  if (!name) throw badRequest("'name' is required.", "InvalidParameter", "name");
  try {
    validateName("labServices", name, "name");
  } catch (e) {
    throw badRequest((e as Error).message, "InvalidParameter", "name");
  }
  const lp = body["labParameters"];
  if (isObject(lp)) {
    // A.4: the body the PowerShell module sends (2019-01-01-preview).
    const shared = str(lp["sharedImageResourceId"]);
    const market = str(lp["galleryImageResourceId"]);
    if (!shared && !market) throw badRequest("labParameters needs 'sharedImageResourceId' or 'galleryImageResourceId'.", "InvalidParameter", "labParameters");
    return {
      name,
      imageId: (shared ?? market) as string,
      username: str(lp["username"]),
      password: str(lp["password"]),
      size: str(lp["vmSize"]) ?? "Basic",
      quota: str(lp["userQuota"]),
      maxUsers: undefined,
      kind: shared ? "shared" : "marketplace",
    };
  }
  // A.1: CreateLabProperties of the 2018-10-15 swagger.
  const es = isObject(body["environmentSettingCreationParameters"]) ? body["environmentSettingCreationParameters"] : undefined;
  const rs = es && isObject(es["resourceSettingCreationParameters"]) ? es["resourceSettingCreationParameters"] : undefined;
  const lcp = isObject(body["labCreationParameters"]) ? body["labCreationParameters"] : undefined;
  if (!lcp) throw badRequest("'labCreationParameters' is required.", "InvalidParameter", "labCreationParameters");
  if (!rs || !str(rs["galleryImageResourceId"])) throw badRequest("'environmentSettingCreationParameters.resourceSettingCreationParameters.galleryImageResourceId' is required.", "InvalidParameter", "environmentSettingCreationParameters");
  const ref = isObject(rs["referenceVmCreationParameters"]) ? rs["referenceVmCreationParameters"] : {};
  return {
    name,
    imageId: String(rs["galleryImageResourceId"]),
    username: str(ref["userName"]),
    password: str(ref["password"]),
    size: str(rs["size"]) ?? "Basic",
    quota: undefined,
    maxUsers: typeof lcp["maxUsersInLab"] === "number" ? lcp["maxUsersInLab"] : undefined,
    kind: /\/galleryimages\//i.test(String(rs["galleryImageResourceId"])) ? "marketplace" : "shared",
  };
}

async function createLab(ctx: Ctx): Promise<Response> {
  const account = requireAccount(ctx);
  const input = readCreateLab(await ctx.body());
  const labResourceId = `${account.id}/labs/${input.name}`;
  if (ctx.store.get(labResourceId)) throw conflict(`A lab named '${input.name}' already exists in lab account '${String(account.body["name"])}'.`);
  let osType = "Windows";
  let osState = "Generalized";
  let adminUsername: string | undefined;
  let imageKey: "sharedImageResourceId" | "galleryImageResourceId" = "galleryImageResourceId";
  if (input.kind === "shared") {
    // A.4: sharedImageResourceId is an item of {LA}/sharedImages; the definition id is accepted too (assumption).
    const images = sharedImages(ctx.store, account, ctx.now);
    const target = input.imageId.toLowerCase();
    const img = images.find((i) => String(i.body["id"]).toLowerCase() === target || i.view.definition.id.toLowerCase() === target);
    if (!img || !img.enabled) throw new ArmHttpError(404, "ResourceNotFound", `Resource with ID '${input.imageId}' cannot be found or does not exist.`);
    osType = img.view.osType;
    osState = img.view.osState;
    adminUsername = img.view.adminUsername;
    imageKey = "sharedImageResourceId";
  }
  if (!input.username) throw badRequest("A user name for the template VM is required.", "InvalidParameter", "username");
  if (osState !== "Specialized" && !input.password) throw badRequest("A password for the template VM is required for an image that is not specialized.", "InvalidParameter", "password");
  const location = String(account.body["location"]);
  const lab: StoredResource = {
    kind: "classicLab",
    id: labResourceId,
    body: {
      id: labResourceId,
      name: input.name,
      type: CLASSIC_LAB_TYPE,
      location,
      properties: {
        ...(input.maxUsers !== undefined ? { maxUsersInLab: input.maxUsers } : {}),
        usageQuota: input.quota ?? "PT10H",
        userAccessMode: "Restricted",
        createdDate: iso(ctx.now),
        provisioningState: "Creating",
        uniqueIdentifier: crypto.randomUUID(),
      },
    },
  };
  const esId = `${labResourceId}/environmentsettings/default`;
  const env: StoredResource = {
    kind: "environmentSetting",
    id: esId,
    body: {
      id: esId,
      name: "default",
      type: ENV_SETTING_TYPE,
      location,
      properties: {
        resourceSettings: {
          [imageKey]: input.imageId,
          imageName: input.imageId.split("/").at(-1) as string,
          size: input.size,
          referenceVm: { userName: osState === "Specialized" && adminUsername ? adminUsername : input.username },
        },
        publishingState: "Draft",
        configurationState: "NotApplicable",
        provisioningState: "Creating",
        uniqueIdentifier: crypto.randomUUID(),
      },
    },
    meta: { osType, osState, ...(adminUsername ? { adminUsername } : {}) },
  };
  ctx.store.put(lab);
  ctx.store.put(env);
  ctx.ops.start(ctx, { family: "labAccounts", subscriptionId: ctx.params["subscriptionId"] as string, region: location, durationMs: DURATIONS.labCreate, effect: { kind: "classicLab.created", data: { lab: labResourceId, env: esId, ...requestFacts(ctx) } } });
  // A.1: createLab answers 200 with no body; the module then polls the lab and `environmentsettings/default`.
  return jsonResponse(200, undefined);
}

function setProvisioning(store: Store, id: string, state: string): void {
  const r = store.get(id);
  if (!r) return;
  (r.body["properties"] as JsonObject)["provisioningState"] = state;
  store.touch();
}

/** What `latestOperationResult` records of the request that started an operation (2018-10-15 model, A.1). */
function requestFacts(ctx: Ctx): JsonObject {
  return { requestUri: `${ctx.origin}${ctx.url.pathname}${ctx.url.search}`, httpMethod: ctx.method };
}

/**
 * Writes `properties.latestOperationResult` (2018-10-15 `LatestOperationResult`, read-only: status, errorCode,
 * errorMessage, requestUri, httpMethod, operationUrl; A.1) when an operation ends. `errorCode`/`errorMessage` only
 * when it failed; `operationUrl` only when the answer gave the client a status URL. Optional fields are omitted,
 * never null (G.3).
 */
function recordOperationResult(w: EffectWorld, id: string, data: JsonObject, op: OperationRecord, failed: boolean): void {
  const r = w.store.get(id);
  if (!r) return;
  const result: JsonObject = { status: failed ? "Failed" : "Succeeded" };
  if (failed) {
    result["errorCode"] = op.error?.code ?? "InternalServerError";
    result["errorMessage"] = op.error?.message ?? "The operation failed.";
  }
  for (const k of ["requestUri", "httpMethod", "operationUrl"]) if (typeof data[k] === "string") result[k] = data[k];
  (r.body["properties"] as JsonObject)["latestOperationResult"] = result;
  w.store.touch();
}

registerEffect(
  "classicLab.created",
  (w, d, op) => {
    setProvisioning(w.store, String(d["lab"]), "Succeeded");
    setProvisioning(w.store, String(d["env"]), "Succeeded");
    recordOperationResult(w, String(d["lab"]), d, op, false);
    recordOperationResult(w, String(d["env"]), d, op, false);
  },
  (w, d, op) => {
    // A.1: the failure's cause is on the resources, so a client polling them (A.4) can report it.
    setProvisioning(w.store, String(d["lab"]), "Failed");
    setProvisioning(w.store, String(d["env"]), "Failed");
    recordOperationResult(w, String(d["lab"]), d, op, true);
    recordOperationResult(w, String(d["env"]), d, op, true);
  },
);
registerEffect(
  "classicLab.deleted",
  (w, d) => {
    const id = String(d["lab"]);
    for (const es of w.store.children("environmentSetting", id)) w.store.delete(es.id);
    w.store.delete(id);
  },
  (w, d, op) => {
    setProvisioning(w.store, String(d["lab"]), "Failed");
    recordOperationResult(w, String(d["lab"]), d, op, true);
  },
);
// Classic saveImage: the gallery effect, plus the environment setting's latestOperationResult (assumption).
registerEffect(
  "classicSavedImage.finish",
  (w, d, op) => {
    finishSavedImage(w, d);
    recordOperationResult(w, String(d["env"]), d, op, false);
  },
  (w, d, op) => {
    failSavedImage(w, d);
    recordOperationResult(w, String(d["env"]), d, op, true);
  },
);

/**
 * Labs_Delete (2018-10-15 ML.json): DELETE `{LA}/labs/{l}` → 202 + `Location` (LRO) or 204 when there is no such
 * lab. Same mechanics as the emulator's other deletes: the lab is `Deleting` until the operation ends, then it
 * and its environment settings are gone; the `Location` URL answers 200 + the Succeeded operation body (G.1).
 * The 202 has no body (Labs_Delete declares none).
 */
function deleteClassicLab(ctx: Ctx): Response {
  const account = ctx.store.getKind(accountId(ctx), "labAccount");
  if (!account) throw parentNotFound("delete", "labaccounts/labs", accountId(ctx));
  const lab = ctx.store.getKind(`${account.id}/labs/${ctx.params["labName"]}`, "classicLab");
  if (!lab) return jsonResponse(204, undefined);
  (lab.body["properties"] as JsonObject)["provisioningState"] = "Deleting";
  ctx.store.put(lab);
  const data: JsonObject = { lab: lab.id, ...requestFacts(ctx) };
  const op = ctx.ops.start(ctx, { family: "labAccounts", subscriptionId: ctx.params["subscriptionId"] as string, region: String(lab.body["location"]), durationMs: DURATIONS.classicLabDelete, effect: { kind: "classicLab.deleted", data } });
  data["operationUrl"] = ctx.ops.url(ctx, op, "location");
  ctx.store.touch();
  return jsonResponse(202, undefined, ctx.ops.labServicesHeaders(ctx, op));
}

/**
 * Assumption (A.3): POST `…/labs/{l}/environmentsettings/{e}/saveImage` with `{name}` → 202 + Location to the
 * classic operation URL; the image is specialized and replicated to every region of the account's geography.
 */
async function saveImage(ctx: Ctx): Promise<Response> {
  const account = requireAccount(ctx);
  const esId = `${account.id}/labs/${ctx.params["labName"]}/environmentsettings/${ctx.params["environmentSettingName"]}`;
  const env = ctx.store.getKind(esId, "environmentSetting");
  if (!env) throw resourceNotFound(`Microsoft.LabServices/labaccounts/${account.body["name"]}/labs/${ctx.params["labName"]}/environmentsettings`, ctx.params["environmentSettingName"] as string, ctx.params["resourceGroupName"] as string);
  const body = await ctx.body();
  const name = body["name"];
  if (typeof name !== "string" || name.trim() === "") throw badRequest("The image name is required: set 'name' in the request body.", "InvalidParameter", "name");
  if (name.length > 80) throw badRequest("The image name must be at most 80 characters.", "InvalidParameter", "name");
  const attached = attachedGallery(ctx.store, account);
  if (!attached) throw badRequest(`Lab account '${String(account.body["name"])}' has no shared gallery attached. Attach one (PUT …/sharedGalleries/{galleryName}) before saving an image.`, "SharedGalleryNotAttached");
  const props = env.body["properties"] as JsonObject;
  if (props["provisioningState"] !== "Succeeded") throw conflict(`The template of lab '${ctx.params["labName"]}' is not ready (provisioningState '${String(props["provisioningState"])}').`);
  const location = normalizeRegion(String(account.body["location"]));
  const geo = regionsInGeography(location);
  const data = beginSavedImage(ctx.store, {
    galleryId: String((attached.body["properties"] as JsonObject)["galleryId"]),
    name,
    osType: env.meta?.osType ?? "Windows",
    adminUsername: str(((props["resourceSettings"] as JsonObject | undefined)?.["referenceVm"] as JsonObject | undefined)?.["userName"]),
    sourceId: esId,
    regions: [location, ...geo.filter((r) => r !== location)],
    exportMs: DURATIONS.saveImage,
    now: ctx.now,
  });
  Object.assign(data, { env: esId, ...requestFacts(ctx) });
  const op = ctx.ops.start(ctx, { family: "labAccounts", subscriptionId: ctx.params["subscriptionId"] as string, region: location, durationMs: DURATIONS.saveImage, effect: { kind: "classicSavedImage.finish", data } });
  data["operationUrl"] = ctx.ops.url(ctx, op, "location");
  ctx.store.touch();
  return jsonResponse(202, undefined, ctx.ops.labServicesHeaders(ctx, op));
}

function getOne(ctx: Ctx, id: string, kind: "classicLab" | "environmentSetting", type: string, name: string): Response {
  const r = ctx.store.getKind(id, kind);
  if (!r) throw resourceNotFound(type, name, ctx.params["resourceGroupName"] as string);
  return jsonResponse(200, clone(r.body));
}

export const labAccountRoutes: Route[] = [
  { method: "GET", pattern: `${SUB}/labaccounts`, family: "labAccounts", type: "labaccounts", handler: (c) => pagedList(c, c.store.list("labAccount", `/subscriptions/${c.params["subscriptionId"]}/`).map((r) => clone(r.body))) },
  { method: "GET", pattern: `${RG}/labaccounts`, family: "labAccounts", type: "labaccounts", handler: (c) => pagedList(c, c.store.list("labAccount", `${rgPath(c)}/labaccounts/`).map((r) => clone(r.body))) },
  { method: "GET", pattern: LA, family: "labAccounts", type: "labaccounts", handler: (c) => jsonResponse(200, clone(requireAccount(c).body)) },
  {
    method: "GET", pattern: `${LA}/sharedGalleries`, family: "labAccountsPreview", type: "labaccounts/sharedgalleries",
    handler: (c) => pagedList(c, c.store.children("labAccountSharedGallery", requireAccount(c, "labaccounts/sharedgalleries").id).map((r) => clone(r.body))),
  },
  {
    method: "GET", pattern: `${LA}/sharedGalleries/{sharedGalleryName}`, family: "labAccountsPreview", type: "labaccounts/sharedgalleries",
    handler: (c) => {
      const a = requireAccount(c, "labaccounts/sharedgalleries");
      const g = c.store.getKind(`${a.id}/sharedgalleries/${c.params["sharedGalleryName"]}`, "labAccountSharedGallery");
      if (!g) throw resourceNotFound(`Microsoft.LabServices/labaccounts/${a.body["name"]}/sharedgalleries`, c.params["sharedGalleryName"] as string, c.params["resourceGroupName"] as string);
      return jsonResponse(200, clone(g.body));
    },
  },
  { method: "PUT", pattern: `${LA}/sharedGalleries/{sharedGalleryName}`, family: "labAccountsPreview", type: "labaccounts/sharedgalleries", handler: putSharedGallery },
  {
    method: "DELETE", pattern: `${LA}/sharedGalleries/{sharedGalleryName}`, family: "labAccountsPreview", type: "labaccounts/sharedgalleries",
    handler: (c) => {
      const a = requireAccount(c, "labaccounts/sharedgalleries");
      const g = c.store.getKind(`${a.id}/sharedgalleries/${c.params["sharedGalleryName"]}`, "labAccountSharedGallery");
      if (!g) return jsonResponse(204, undefined);
      c.store.delete(g.id);
      // Assumption: detaching forgets per-image states (a re-attach starts from "all enabled").
      const prefix = `${a.id.toLowerCase()}|`;
      for (const k of Object.keys(c.store.data.imageStates)) if (k.startsWith(prefix)) delete c.store.data.imageStates[k];
      return jsonResponse(200, undefined);
    },
  },
  {
    method: "GET", pattern: `${LA}/sharedImages`, family: "labAccountsPreview", type: "labaccounts/sharedimages",
    handler: (c) => pagedList(c, sharedImages(c.store, requireAccount(c, "labaccounts/sharedimages"), c.now).map((i) => i.body)),
  },
  {
    method: "GET", pattern: `${LA}/sharedImages/{sharedImageName}`, family: "labAccountsPreview", type: "labaccounts/sharedimages",
    handler: (c) => {
      const a = requireAccount(c, "labaccounts/sharedimages");
      const img = sharedImages(c.store, a, c.now).find((i) => i.name.toLowerCase() === (c.params["sharedImageName"] as string).toLowerCase());
      if (!img) throw resourceNotFound(`Microsoft.LabServices/labaccounts/${a.body["name"]}/sharedimages`, c.params["sharedImageName"] as string, c.params["resourceGroupName"] as string);
      return jsonResponse(200, img.body);
    },
  },
  { method: "PUT", pattern: `${LA}/sharedImages/{sharedImageName}`, family: "labAccountsPreview", type: "labaccounts/sharedimages", handler: putSharedImage },
  { method: "POST", pattern: `${LA}/createLab`, family: "labAccounts", type: "labaccounts", handler: createLab },
  { method: "GET", pattern: `${LA}/labs`, family: "labAccounts", type: "labaccounts/labs", handler: (c) => pagedList(c, c.store.children("classicLab", requireAccount(c, "labaccounts/labs").id).map((r) => clone(r.body))) },
  { method: "DELETE", pattern: `${LA}/labs/{labName}`, family: "labAccounts", type: "labaccounts/labs", handler: deleteClassicLab },
  { method: "GET", pattern: `${LA}/labs/{labName}`, family: "labAccounts", type: "labaccounts/labs", handler: (c) => getOne(c, `${requireAccount(c, "labaccounts/labs").id}/labs/${c.params["labName"]}`, "classicLab", `Microsoft.LabServices/labaccounts/${c.params["labAccountName"]}/labs`, c.params["labName"] as string) },
  {
    method: "GET", pattern: `${LA}/labs/{labName}/environmentsettings`, family: "labAccounts", type: "labaccounts/labs/environmentsettings",
    handler: (c) => {
      const labRid = `${requireAccount(c, "labaccounts/labs").id}/labs/${c.params["labName"]}`;
      if (!c.store.getKind(labRid, "classicLab")) throw parentNotFound("read", "labaccounts/labs/environmentsettings", labRid);
      return pagedList(c, c.store.children("environmentSetting", labRid).map((r) => clone(r.body)));
    },
  },
  {
    method: "GET", pattern: `${LA}/labs/{labName}/environmentsettings/{environmentSettingName}`, family: "labAccounts", type: "labaccounts/labs/environmentsettings",
    handler: (c) => getOne(c, `${requireAccount(c, "labaccounts/labs").id}/labs/${c.params["labName"]}/environmentsettings/${c.params["environmentSettingName"]}`, "environmentSetting", `Microsoft.LabServices/labaccounts/${c.params["labAccountName"]}/labs/${c.params["labName"]}/environmentsettings`, c.params["environmentSettingName"] as string),
  },
  { method: "POST", pattern: `${LA}/labs/{labName}/environmentsettings/{environmentSettingName}/saveImage`, family: "labAccountsPreview", type: "labaccounts/labs/environmentsettings", handler: saveImage },
  // A.1: Operations_Get of ML.json.
  { method: "GET", pattern: `${SUB}/locations/{location}/operations/{operationName}`, family: "labAccounts", type: "locations/operations", handler: (c) => c.ops.poll(c, c.params["operationName"] as string, "labAccounts") },
];
