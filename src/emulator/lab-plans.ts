/**
 * Lab plans (Microsoft.LabServices, api 2022-08-01 / 2023-06-07): labPlans, labPlans/images, saveImage,
 * labs, labs/virtualMachines and operationResults — rest-api.md B and G.
 */
import { parseResourceId, validateName } from "../core/resource-id.js";
import type { Ctx } from "./context.js";
import { DURATIONS, isObject, jsonResponse, mergePatch, pagedList, str, stripNulls, systemData } from "./context.js";
import { ArmHttpError, badRequest, conflict, parentNotFound, resourceNotFound } from "./errors.js";
import { beginSavedImage, definitionViews, isListableDisk, parseGalleryId } from "./galleries.js";
import type { DefinitionView } from "./galleries.js";
import { normalizeRegion, regionDisplayName } from "./geographies.js";
import { registerEffect } from "./operations.js";
import type { EffectWorld } from "./operations.js";
import type { Route } from "./router.js";
import type { Json, JsonObject, MarketplaceImage, Store, StoredResource } from "./state.js";
import { clone } from "./state.js";
import { applyODataFilter } from "./odata.js";

const SUB = "/subscriptions/{subscriptionId}/providers/Microsoft.LabServices";
const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.LabServices";

// Assumption: resource `type` values follow ARM's namespace/type form (the spec examples write e.g.
// "Microsoft.LabServices/LabPlan"; nothing recorded says which the live service returns).
export const LAB_PLAN_TYPE = "Microsoft.LabServices/labPlans";
export const LAB_TYPE = "Microsoft.LabServices/labs";
export const IMAGE_TYPE = "Microsoft.LabServices/labPlans/images";
export const VM_TYPE = "Microsoft.LabServices/labs/virtualMachines";

const rgPath = (c: Ctx) => `/subscriptions/${c.params["subscriptionId"]}/resourceGroups/${c.params["resourceGroupName"]}/providers/Microsoft.LabServices`;
const planId = (c: Ctx) => `${rgPath(c)}/labPlans/${c.params["labPlanName"]}`;
const labId = (c: Ctx) => `${rgPath(c)}/labs/${c.params["labName"]}`;

/** `resourceOperationError` exists only in 2023-06-07 (B.8); strip it from 2022-08-01 answers. */
function output(ctx: Ctx, r: StoredResource): JsonObject {
  const out = clone(r.body);
  if (ctx.apiVersion === "2022-08-01" && isObject(out["properties"])) delete out["properties"]["resourceOperationError"];
  return out;
}

function checkLabServicesName(ctx: Ctx, param: string): void {
  try {
    validateName("labServices", ctx.params[param], param);
  } catch (e) {
    throw badRequest((e as Error).message, "InvalidParameter", param);
  }
}

// ---- images of a lab plan -------------------------------------------------------------------------

export interface PlanImage {
  name: string;
  /** Full single-GET body. */
  body: JsonObject;
  gallery?: DefinitionView;
  marketplace?: MarketplaceImage;
  enabled: boolean;
}

export const marketplaceImageName = (m: MarketplaceImage) => m.name ?? `${m.publisher}.${m.offer}.${m.sku}`;
const stateKey = (containerId: string, name: string) => `${containerId.toLowerCase()}|${name.toLowerCase()}`;

/**
 * The images a lab plan lists: Marketplace images plus the attached gallery's definitions whose latest
 * version is replicated to the plan's region, with an OS disk of at most 128 GB and no data disks
 * (B.4, C.6). Gallery images are disabled by default (B.2); so are Marketplace images (G.3 lists show them
 * without enabledState).
 */
export function planImages(store: Store, plan: StoredResource, now: number): PlanImage[] {
  const region = normalizeRegion(String(plan.body["location"]));
  const out: PlanImage[] = [];
  const enabled = (name: string) => store.data.imageStates[stateKey(plan.id, name)] === "Enabled";
  for (const m of store.data.marketplaceImages) {
    if (m.regions && !m.regions.map(normalizeRegion).includes(region)) continue;
    const name = marketplaceImageName(m);
    const props: JsonObject = {
      enabledState: enabled(name) ? "Enabled" : "Disabled",
      provisioningState: "Succeeded",
      displayName: m.displayName,
      ...(m.description ? { description: m.description } : {}),
      ...(m.author ? { author: m.author } : {}),
      osType: m.osType,
      osState: "Generalized",
      offer: m.offer,
      publisher: m.publisher,
      sku: m.sku,
      version: m.version,
      availableRegions: [],
    };
    out.push({ name, body: { id: `${plan.id}/images/${name}`, name, type: IMAGE_TYPE, properties: props }, marketplace: m, enabled: enabled(name) });
  }
  const galleryId = str((plan.body["properties"] as JsonObject)["sharedGalleryId"]);
  if (galleryId) {
    for (const v of definitionViews(store, galleryId, now)) {
      if (!v.latest || !v.regions.includes(region) || !isListableDisk(v)) continue;
      const props: JsonObject = {
        enabledState: enabled(v.name) ? "Enabled" : "Disabled",
        provisioningState: "Succeeded",
        displayName: v.name,
        osType: v.osType,
        osState: v.osState,
        sharedGalleryId: v.definition.id,
        availableRegions: v.regions,
      };
      const description = str((v.definition.body["properties"] as JsonObject)["description"]);
      if (description) props["description"] = description;
      out.push({ name: v.name, body: { id: `${plan.id}/images/${v.name}`, name: v.name, type: IMAGE_TYPE, properties: props }, gallery: v, enabled: enabled(v.name) });
    }
  }
  return out;
}

/** List form (G.3): disabled images omit `enabledState`; `availableRegions` only on a single GET. */
function listForm(i: PlanImage): JsonObject {
  const b = clone(i.body);
  const p = b["properties"] as JsonObject;
  delete p["availableRegions"];
  if (!i.enabled) delete p["enabledState"];
  return b;
}

function requirePlan(ctx: Ctx, action: string, childType: string): StoredResource {
  const p = ctx.store.getKind(planId(ctx), "labPlan");
  if (!p) throw parentNotFound(action, childType, planId(ctx));
  return p;
}

function findPlanImage(ctx: Ctx, plan: StoredResource): PlanImage {
  const name = ctx.params["imageName"] as string;
  const img = planImages(ctx.store, plan, ctx.now).find((i) => i.name.toLowerCase() === name.toLowerCase());
  if (!img) throw resourceNotFound(`Microsoft.LabServices/labPlans/${plan.body["name"]}/images`, name, ctx.params["resourceGroupName"] as string);
  return img;
}

async function updateImage(ctx: Ctx): Promise<Response> {
  const plan = requirePlan(ctx, "write", "labPlans/images");
  const img = findPlanImage(ctx, plan);
  const body = await ctx.body();
  const state = isObject(body["properties"]) ? body["properties"]["enabledState"] : undefined;
  if (state !== "Enabled" && state !== "Disabled") {
    throw badRequest(`properties.enabledState must be 'Enabled' or 'Disabled'.`, "InvalidParameter", "properties.enabledState");
  }
  ctx.store.data.imageStates[stateKey(plan.id, img.name)] = state;
  ctx.store.touch();
  const updated = planImages(ctx.store, plan, ctx.now).find((i) => i.name === img.name) as PlanImage;
  // G.2: PATCH images → 200 synchronous with the full image body.
  return jsonResponse(200, updated.body);
}

// ---- lab plans --------------------------------------------------------------------------------------

function validateGalleryAttach(ctx: Ctx, plan: StoredResource | undefined, value: Json | undefined, planLocation: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === "") return null;
  const gid = parseGalleryId(value, "properties.sharedGalleryId");
  const g = ctx.store.getKind(gid, "gallery");
  if (!g) {
    // Assumption: ARM-linked-resource check answers like ARM's not-found.
    const p = parseResourceId(gid, "gallery");
    throw resourceNotFound("Microsoft.Compute/galleries", p.names["gallery"] as string, p.resourceGroup);
  }
  const galleryRegion = normalizeRegion(String(g.body["location"]));
  const planRegion = normalizeRegion(planLocation);
  if (galleryRegion !== planRegion) {
    // Docs (ecosystem.md §2.3 [D6], Learn concept-lab-accounts-versus-lab-plans): the gallery and the lab plan
    // must share a region. The live error was never recorded: 400 InvalidParameter naming both regions is an
    // assumption (docs/emulator.md, Assumptions 17).
    throw badRequest(
      `The shared image gallery '${g.id}' is in region '${galleryRegion}', but lab plan '${ctx.params["labPlanName"] ?? ""}' is in region '${planRegion}'. A lab plan and its attached gallery must be in the same region.`,
      "InvalidParameter",
      "properties.sharedGalleryId",
    );
  }
  const current = plan ? str((plan.body["properties"] as JsonObject)["sharedGalleryId"]) : undefined;
  if (current && current.toLowerCase() !== gid.toLowerCase()) {
    // Docs: one gallery per lab plan; detach before attaching another (assumed to be enforced, code assumed).
    throw conflict(`Lab plan '${String(plan?.body["name"])}' already has the shared image gallery '${current}' attached. Detach it before attaching another gallery.`);
  }
  return g.id;
}

/** Forgets enable states of gallery images when the gallery changes (assumption). */
function clearGalleryImageStates(store: Store, containerId: string): void {
  const market = new Set(store.data.marketplaceImages.map((m) => marketplaceImageName(m).toLowerCase()));
  const prefix = `${containerId.toLowerCase()}|`;
  for (const k of Object.keys(store.data.imageStates)) {
    if (k.startsWith(prefix) && !market.has(k.slice(prefix.length))) delete store.data.imageStates[k];
  }
  store.touch();
}

const PLAN_WRITABLE = ["sharedGalleryId", "defaultConnectionProfile", "defaultAutoShutdownProfile", "defaultNetworkProfile", "allowedRegions", "supportInfo", "linkedLmsInstance"];

function pickWritable(props: JsonObject, allowed: string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of allowed) if (props[k] !== undefined && props[k] !== null) out[k] = clone(props[k]);
  return out;
}

async function putPlan(ctx: Ctx): Promise<Response> {
  checkLabServicesName(ctx, "labPlanName");
  // G.3: nulls are never echoed; in a PUT a null member means the same as an absent one.
  const body = stripNulls(await ctx.body());
  const location = str(body["location"]);
  if (!location) throw new ArmHttpError(400, "LocationRequired", "The location property is required for this definition.");
  if (!isObject(body["properties"])) throw badRequest("The request body must contain 'properties'.", "InvalidParameter", "properties");
  const id = planId(ctx);
  const existing = ctx.store.getKind(id, "labPlan");
  if (existing && existing.body["properties"] && (existing.body["properties"] as JsonObject)["provisioningState"] === "Deleting") throw conflict(`Lab plan '${ctx.params["labPlanName"]}' is being deleted.`);
  const props = pickWritable(body["properties"], PLAN_WRITABLE);
  const gallery = validateGalleryAttach(ctx, existing, body["properties"]["sharedGalleryId"], existing ? String(existing.body["location"]) : location);
  if (gallery) props["sharedGalleryId"] = gallery;
  else delete props["sharedGalleryId"];
  if (Array.isArray(props["allowedRegions"])) props["allowedRegions"] = props["allowedRegions"].map((r) => normalizeRegion(String(r)));
  const stored: StoredResource = {
    kind: "labPlan",
    id,
    body: {
      id,
      name: ctx.params["labPlanName"] as string,
      type: LAB_PLAN_TYPE,
      location: existing ? String(existing.body["location"]) : normalizeRegion(location),
      ...(isObject(body["tags"]) ? { tags: body["tags"] } : {}),
      ...(isObject(body["identity"]) ? { identity: body["identity"] } : {}),
      systemData: systemData(ctx.now, existing?.body["systemData"]),
      properties: { ...props, provisioningState: existing ? "Updating" : "Creating" },
    },
  };
  if (existing && str((existing.body["properties"] as JsonObject)["sharedGalleryId"])?.toLowerCase() !== gallery?.toLowerCase()) clearGalleryImageStates(ctx.store, id);
  ctx.store.put(stored);
  const op = ctx.ops.start(ctx, { family: "labPlans", subscriptionId: ctx.params["subscriptionId"] as string, region: String(stored.body["location"]), durationMs: DURATIONS.labPlanCreate, effect: { kind: "labServices.provisioned", data: { id } } });
  // G.1/G.2: PUT → 201 (create), Location = the resource URL, plus Azure-AsyncOperation and Operation-Location.
  return jsonResponse(existing ? 200 : 201, output(ctx, stored), ctx.ops.labServicesHeaders(ctx, op, `${ctx.origin}${id}?api-version=${ctx.apiVersion}`));
}

async function patchPlan(ctx: Ctx): Promise<Response> {
  const plan = ctx.store.getKind(planId(ctx), "labPlan");
  if (!plan) throw resourceNotFound("Microsoft.LabServices/labPlans", ctx.params["labPlanName"] as string, ctx.params["resourceGroupName"] as string);
  const body = await ctx.body();
  const patch = isObject(body["properties"]) ? body["properties"] : {};
  const props = plan.body["properties"] as JsonObject;
  const before = str(props["sharedGalleryId"]);
  const galleryChange = validateGalleryAttach(ctx, plan, patch["sharedGalleryId"], String(plan.body["location"]));
  const clean: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) if (PLAN_WRITABLE.includes(k)) clean[k] = v;
  if (galleryChange !== undefined) clean["sharedGalleryId"] = galleryChange;
  if (Array.isArray(clean["allowedRegions"])) clean["allowedRegions"] = clean["allowedRegions"].map((r) => normalizeRegion(String(r)));
  plan.body["properties"] = mergePatch(props, clean);
  if (isObject(body["tags"])) plan.body["tags"] = stripNulls(body["tags"]);
  if (isObject(body["identity"])) plan.body["identity"] = stripNulls(body["identity"]);
  plan.body["systemData"] = systemData(ctx.now, plan.body["systemData"]);
  const after = str((plan.body["properties"] as JsonObject)["sharedGalleryId"]);
  const galleryChanged = (before ?? "").toLowerCase() !== (after ?? "").toLowerCase();
  if (!galleryChanged) {
    // G.2: PATCH of a nested profile → 200, synchronous, full plan body, nested objects merged.
    ctx.store.put(plan);
    return jsonResponse(200, output(ctx, plan));
  }
  // Attach/detach was not recorded (G.2). Choice (documented): 202 + the three LRO headers with the plan in
  // `Updating`, as patchLabPlan.json's 202 response shows; Succeeded after DURATIONS.labPlanGalleryUpdate.
  clearGalleryImageStates(ctx.store, plan.id);
  (plan.body["properties"] as JsonObject)["provisioningState"] = "Updating";
  ctx.store.put(plan);
  const op = ctx.ops.start(ctx, { family: "labPlans", subscriptionId: ctx.params["subscriptionId"] as string, region: String(plan.body["location"]), durationMs: DURATIONS.labPlanGalleryUpdate, effect: { kind: "labServices.provisioned", data: { id: plan.id } } });
  return jsonResponse(202, output(ctx, plan), ctx.ops.labServicesHeaders(ctx, op));
}

function deletePlan(ctx: Ctx): Response {
  const plan = ctx.store.getKind(planId(ctx), "labPlan");
  if (!plan) return jsonResponse(204, undefined);
  (plan.body["properties"] as JsonObject)["provisioningState"] = "Deleting";
  ctx.store.put(plan);
  const op = ctx.ops.start(ctx, { family: "labPlans", subscriptionId: ctx.params["subscriptionId"] as string, region: String(plan.body["location"]), durationMs: DURATIONS.labPlanDelete, effect: { kind: "labServices.deleted", data: { id: plan.id } } });
  // DELETE labPlan was not recorded; G.2 shows the RP's DELETE lab (and POSTs) answering 202 + the three headers +
  // the InProgress operation body, so DELETE labPlan answers the same way.
  return jsonResponse(202, ctx.ops.labServicesBody(op, ctx.now), ctx.ops.labServicesHeaders(ctx, op));
}

// ---- save image -----------------------------------------------------------------------------------

async function saveImage(ctx: Ctx): Promise<Response> {
  const plan = ctx.store.getKind(planId(ctx), "labPlan");
  if (!plan) throw resourceNotFound("Microsoft.LabServices/labPlans", ctx.params["labPlanName"] as string, ctx.params["resourceGroupName"] as string);
  const body = await ctx.body();
  const name = body["name"];
  const vmIdRaw = body["labVirtualMachineId"];
  if (typeof name !== "string" || name.trim() === "") throw badRequest("The image name is required: set 'name' in the request body.", "InvalidParameter", "name");
  if (name.length > 80) throw badRequest("The image name must be at most 80 characters.", "InvalidParameter", "name");
  if (typeof vmIdRaw !== "string" || vmIdRaw.length < 3) throw badRequest("'labVirtualMachineId' is required: the id of the lab's template virtual machine.", "InvalidParameter", "labVirtualMachineId");
  const galleryId = str((plan.body["properties"] as JsonObject)["sharedGalleryId"]);
  if (!galleryId) {
    // Docs (B.2/B.3): images are saved into the attached gallery; with none attached the save cannot run. Code assumed.
    throw badRequest(`Lab plan '${String(plan.body["name"])}' has no shared image gallery attached. Attach a compute gallery (properties.sharedGalleryId) before saving an image.`, "SharedGalleryNotAttached", "sharedGalleryId");
  }
  let vmId: string;
  try {
    vmId = parseResourceId(vmIdRaw, "labVirtualMachine").id;
  } catch (e) {
    throw badRequest(`'labVirtualMachineId' is not a lab virtual machine id: ${(e as Error).message}`, "InvalidParameter", "labVirtualMachineId");
  }
  const vm = ctx.store.getKind(vmId, "labVirtualMachine");
  if (!vm) {
    const p = parseResourceId(vmId, "labVirtualMachine");
    throw resourceNotFound(`Microsoft.LabServices/labs/${p.names["lab"]}/virtualMachines`, p.names["virtualMachine"] as string, p.resourceGroup);
  }
  const vmProps = vm.body["properties"] as JsonObject;
  if (vmProps["vmType"] !== "Template") {
    throw badRequest(`Virtual machine '${vmId}' is not the lab's template virtual machine (vmType '${String(vmProps["vmType"])}'). Only a template VM can be saved as an image.`, "InvalidParameter", "labVirtualMachineId");
  }
  const lab = ctx.store.get(vmId.split("/").slice(0, -2).join("/")) as StoredResource;
  const labRegion = normalizeRegion(String(lab.body["location"]));
  const planRegion = normalizeRegion(String(plan.body["location"]));
  if (labRegion !== planRegion) {
    // Docs (B.3): "Images can only be saved from labs that were created in the same region as their lab plan".
    throw badRequest(`Images can only be saved from labs that were created in the same region as their lab plan: lab '${String(lab.body["name"])}' is in '${labRegion}', lab plan '${String(plan.body["name"])}' is in '${planRegion}'.`, "InvalidParameter", "labVirtualMachineId");
  }
  if (vmProps["provisioningState"] !== "Succeeded") throw conflict(`The template virtual machine '${vmId}' is not ready (provisioningState '${String(vmProps["provisioningState"])}').`);
  const data = beginSavedImage(ctx.store, {
    galleryId,
    name,
    osType: vm.meta?.osType ?? "Windows",
    adminUsername: str((vmProps["connectionProfile"] as JsonObject | undefined)?.["adminUsername"]),
    sourceId: vmId,
    // B.3: lab plans replicate manually: the saved version lands only in the plan's region.
    regions: [planRegion],
    exportMs: DURATIONS.saveImage,
    now: ctx.now,
  });
  const op = ctx.ops.start(ctx, { family: "labPlans", subscriptionId: ctx.params["subscriptionId"] as string, region: planRegion, durationMs: DURATIONS.saveImage, effect: { kind: "savedImage.finish", data } });
  // G.2: 202 + the three headers + body {status: "InProgress", …}; no image id is returned anywhere.
  return jsonResponse(202, ctx.ops.labServicesBody(op, ctx.now), ctx.ops.labServicesHeaders(ctx, op));
}

// ---- labs -----------------------------------------------------------------------------------------

const LAB_REQUIRED = ["autoShutdownProfile", "connectionProfile", "securityProfile", "virtualMachineProfile"];
const VM_PROFILE_REQUIRED = ["createOption", "imageReference", "usageQuota", "sku", "adminUser"];

interface ResolvedImage {
  gallery: boolean;
  osType: string;
  osState: string;
  adminUsername: string | undefined;
  imageReference: JsonObject;
}

function imageNotFound(plan: StoredResource, name: string): ArmHttpError {
  // rest-api.md E / B.5: the service maps the last segment of the reference to a lab plan image name.
  return new ArmHttpError(404, "ResourceNotFound", `Resource with ID '${plan.id}/images/${name}' cannot be found or does not exist.`);
}

function resolveLabImage(ctx: Ctx, plan: StoredResource, ref: JsonObject, location: string): ResolvedImage {
  const images = planImages(ctx.store, plan, ctx.now);
  const byName = (n: string) => images.find((i) => i.name.toLowerCase() === n.toLowerCase() && i.enabled);
  const id = str(ref["id"]);
  if (id) {
    const last = id.replace(/\/+$/, "").split("/").at(-1) ?? id;
    const img = byName(last);
    if (!img || !img.gallery || img.gallery.definition.id.toLowerCase() !== id.toLowerCase()) throw imageNotFound(plan, last);
    if (!img.gallery.regions.includes(location)) {
      // Compute's wording for an image not replicated to the region (C.5/E); raised when the lab is created.
      throw new ArmHttpError(404, "GalleryImageNotFound", `The gallery image ${img.gallery.definition.id} is not available in ${location} region. Please contact image owner to replicate to this region, or change your requested region.`);
    }
    return { gallery: true, osType: img.gallery.osType, osState: img.gallery.osState, adminUsername: img.gallery.adminUsername, imageReference: { id: img.gallery.definition.id } };
  }
  const name = `${str(ref["publisher"]) ?? ""}.${str(ref["offer"]) ?? ""}.${str(ref["sku"]) ?? ""}`;
  const lower = (v: unknown) => String(v ?? "").toLowerCase();
  const img = images.find((i) => i.enabled && i.marketplace && lower(i.marketplace.publisher) === lower(ref["publisher"]) && lower(i.marketplace.offer) === lower(ref["offer"]) && lower(i.marketplace.sku) === lower(ref["sku"]));
  if (!img || !img.marketplace) throw imageNotFound(plan, name);
  const m = img.marketplace;
  return { gallery: false, osType: m.osType, osState: "Generalized", adminUsername: undefined, imageReference: { offer: m.offer, publisher: m.publisher, sku: m.sku, version: str(ref["version"]) ?? m.version } };
}

async function putLab(ctx: Ctx): Promise<Response> {
  checkLabServicesName(ctx, "labName");
  // G.3: nulls are never echoed; in a PUT a null member means the same as an absent one.
  const body = stripNulls(await ctx.body());
  const location = str(body["location"]);
  if (!location) throw new ArmHttpError(400, "LocationRequired", "The location property is required for this definition.");
  const props = body["properties"];
  if (!isObject(props)) throw badRequest("The request body must contain 'properties'.", "InvalidParameter", "properties");
  const id = labId(ctx);
  const existing = ctx.store.getKind(id, "lab");
  if (existing) return updateLab(ctx, existing, props, true);
  for (const k of LAB_REQUIRED) if (!isObject(props[k])) throw badRequest(`The property 'properties.${k}' is required.`, "InvalidParameter", `properties.${k}`);
  const vmp = props["virtualMachineProfile"] as JsonObject;
  for (const k of VM_PROFILE_REQUIRED) if (vmp[k] === undefined || vmp[k] === null) throw badRequest(`The property 'properties.virtualMachineProfile.${k}' is required.`, "InvalidParameter", `properties.virtualMachineProfile.${k}`);
  if (vmp["createOption"] !== "Image" && vmp["createOption"] !== "TemplateVM") throw badRequest("virtualMachineProfile.createOption must be 'Image' or 'TemplateVM'.", "InvalidParameter", "properties.virtualMachineProfile.createOption");
  if (!isObject(vmp["imageReference"])) throw badRequest("virtualMachineProfile.imageReference must be an object.", "InvalidParameter", "properties.virtualMachineProfile.imageReference");
  const admin = vmp["adminUser"];
  if (!isObject(admin) || !str(admin["username"])) throw badRequest("virtualMachineProfile.adminUser.username is required.", "InvalidParameter", "properties.virtualMachineProfile.adminUser.username");
  const region = normalizeRegion(location);
  const planRef = str(props["labPlanId"]);
  let image: ResolvedImage;
  if (planRef) {
    let pid: string;
    try {
      pid = parseResourceId(planRef, "labPlan").id;
    } catch (e) {
      throw badRequest(`properties.labPlanId is not a lab plan id: ${(e as Error).message}`, "InvalidParameter", "properties.labPlanId");
    }
    const plan = ctx.store.getKind(pid, "labPlan");
    if (!plan) {
      const p = parseResourceId(pid, "labPlan");
      throw resourceNotFound("Microsoft.LabServices/labPlans", p.names["labPlan"] as string, p.resourceGroup);
    }
    const pp = plan.body["properties"] as JsonObject;
    const allowed = Array.isArray(pp["allowedRegions"]) && pp["allowedRegions"].length > 0 ? pp["allowedRegions"].map((r) => normalizeRegion(String(r))) : [normalizeRegion(String(plan.body["location"]))];
    if (!allowed.includes(region)) {
      // B.2 allowedRegions: "regions lab creators may use". Code assumed; empty list = the plan's own region (assumption).
      throw badRequest(`The location '${region}' is not allowed by lab plan '${String(plan.body["name"])}'. Allowed regions: ${allowed.join(", ")}.`, "InvalidLocation", "location");
    }
    image = resolveLabImage(ctx, plan, vmp["imageReference"], region);
  } else {
    if (str(vmp["imageReference"]["id"])) throw badRequest("A lab that uses an image id needs properties.labPlanId: images are resolved through the lab plan.", "InvalidParameter", "properties.labPlanId");
    const r = vmp["imageReference"];
    image = { gallery: false, osType: "Windows", osState: "Generalized", adminUsername: undefined, imageReference: clone(r) };
  }
  // C.5 / B.5: generalized images need credentials (the spec: password "required for the TemplateVM createOption");
  // specialized images keep the template's accounts, so no password is needed.
  // Marketplace images are exempt: putLab.json creates a TemplateVM lab from one without a password.
  if (image.gallery && image.osState !== "Specialized" && !str(admin["password"])) {
    throw badRequest("virtualMachineProfile.adminUser.password is required for an image that is not specialized.", "InvalidParameter", "properties.virtualMachineProfile.adminUser.password");
  }
  const sku = isObject(vmp["sku"]) ? clone(vmp["sku"]) : { name: String(vmp["sku"]) };
  const vmProfile: JsonObject = {
    createOption: vmp["createOption"],
    imageReference: image.imageReference,
    osType: image.osType,
    sku,
    ...(isObject(vmp["additionalCapabilities"]) ? { additionalCapabilities: clone(vmp["additionalCapabilities"]) } : {}),
    usageQuota: vmp["usageQuota"] as Json,
    useSharedPassword: str(vmp["useSharedPassword"]) ?? "Disabled",
    // G.3: the password is never echoed.
    adminUser: { username: String(admin["username"]) },
    ...(isObject(vmp["nonAdminUser"]) && str(vmp["nonAdminUser"]["username"]) ? { nonAdminUser: { username: String(vmp["nonAdminUser"]["username"]) } } : {}),
  };
  const security = clone(props["securityProfile"] as JsonObject);
  security["registrationCode"] = Math.abs(hash(id)).toString(36).slice(0, 8);
  const labProps: JsonObject = {
    autoShutdownProfile: clone(props["autoShutdownProfile"] as JsonObject),
    connectionProfile: clone(props["connectionProfile"] as JsonObject),
    virtualMachineProfile: vmProfile,
    securityProfile: security,
    ...(isObject(props["rosterProfile"]) ? { rosterProfile: clone(props["rosterProfile"]) } : {}),
    ...(planRef ? { labPlanId: parseResourceId(planRef, "labPlan").id } : {}),
    ...(str(props["title"]) ? { title: String(props["title"]) } : {}),
    ...(str(props["description"]) ? { description: String(props["description"]) } : {}),
    ...(isObject(props["networkProfile"]) ? { networkProfile: clone(props["networkProfile"]) } : {}),
    // G.2: 201 with provisioningState "Creating", state "Draft".
    provisioningState: "Creating",
    state: "Draft",
  };
  const lab: StoredResource = {
    kind: "lab",
    id,
    body: { id, name: ctx.params["labName"] as string, type: LAB_TYPE, location: region, ...(isObject(body["tags"]) ? { tags: body["tags"] } : {}), systemData: systemData(ctx.now), properties: labProps },
    meta: { osType: image.osType, osState: image.osState },
  };
  ctx.store.put(lab);
  if (vmp["createOption"] === "TemplateVM") {
    // G.3: the template VM is named `0`. Specialized images keep the template's admin account (C.5).
    const adminUsername = image.osState === "Specialized" && image.adminUsername ? image.adminUsername : String(admin["username"]);
    ctx.store.put(templateVm(id, adminUsername, image.osType, "Creating", ctx.now));
  }
  const op = ctx.ops.start(ctx, { family: "labPlans", subscriptionId: ctx.params["subscriptionId"] as string, region, durationMs: DURATIONS.labCreate, effect: { kind: "lab.created", data: { id } } });
  return jsonResponse(201, output(ctx, lab), ctx.ops.labServicesHeaders(ctx, op, `${ctx.origin}${id}?api-version=${ctx.apiVersion}`));
}

export function templateVm(labResourceId: string, adminUsername: string, osType: string, provisioningState: string, now: number): StoredResource {
  const id = `${labResourceId}/virtualMachines/0`;
  return {
    kind: "labVirtualMachine",
    id,
    body: {
      id,
      name: "0",
      type: VM_TYPE,
      systemData: systemData(now),
      properties: { provisioningState, state: "Stopped", connectionProfile: { adminUsername }, vmType: "Template" },
    },
    meta: { osType, adminUsername },
  };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const LAB_UPDATABLE = ["autoShutdownProfile", "connectionProfile", "securityProfile", "rosterProfile", "labPlanId", "title", "description", "virtualMachineProfile"];
const VM_PROFILE_UPDATABLE = ["usageQuota", "imageReference", "sku", "createOption", "adminUser", "nonAdminUser", "useSharedPassword", "additionalCapabilities", "osType"];

/** PATCH (and PUT on an existing lab): create-only fields cannot change (Labs.json x-ms-mutability). 200 synchronous (assumption, as G.2 plan PATCH). */
function updateLab(ctx: Ctx, lab: StoredResource, patch: JsonObject, isPut: boolean): Response {
  const props = lab.body["properties"] as JsonObject;
  if (props["provisioningState"] === "Creating" || props["provisioningState"] === "Deleting") throw conflict(`Lab '${String(lab.body["name"])}' is ${String(props["provisioningState"]).toLowerCase()}; retry when it has finished.`);
  const clean: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) {
    if (!LAB_UPDATABLE.includes(k)) continue;
    if (k === "virtualMachineProfile" && isObject(v)) {
      const cur = props["virtualMachineProfile"] as JsonObject;
      for (const [vk, vv] of Object.entries(v)) {
        if (!VM_PROFILE_UPDATABLE.includes(vk)) continue;
        if (vk === "usageQuota") continue;
        if (vk === "adminUser" || vk === "nonAdminUser") {
          const same = isObject(vv) && isObject(cur[vk]) && (cur[vk] as JsonObject)["username"] === vv["username"];
          if (same || (isPut && isObject(vv))) continue;
        }
        if (JSON.stringify(cur[vk]) !== JSON.stringify(vv) && !(isPut && vk === "osType")) {
          throw badRequest(`The property 'virtualMachineProfile.${vk}' can only be set when the lab is created.`, "InvalidParameter", `properties.virtualMachineProfile.${vk}`);
        }
      }
      clean[k] = str(v["usageQuota"]) ? { usageQuota: v["usageQuota"] as Json } : {};
      continue;
    }
    clean[k] = v;
  }
  if (isObject(clean["securityProfile"])) delete clean["securityProfile"]["registrationCode"];
  lab.body["properties"] = mergePatch(props, clean);
  lab.body["systemData"] = systemData(ctx.now, lab.body["systemData"]);
  ctx.store.put(lab);
  return jsonResponse(200, output(ctx, lab));
}

function startLabOp(ctx: Ctx, lab: StoredResource, kind: string, durationMs: number) {
  return ctx.ops.start(ctx, { family: "labPlans", subscriptionId: ctx.params["subscriptionId"] as string, region: String(lab.body["location"]), durationMs, effect: { kind, data: { id: lab.id } } });
}

function requireLab(ctx: Ctx): StoredResource {
  const lab = ctx.store.getKind(labId(ctx), "lab");
  if (!lab) throw resourceNotFound("Microsoft.LabServices/labs", ctx.params["labName"] as string, ctx.params["resourceGroupName"] as string);
  return lab;
}

// ---- effects --------------------------------------------------------------------------------------

function setState(w: EffectWorld, id: string, patch: JsonObject): void {
  const r = w.store.get(id);
  if (!r) return;
  r.body["properties"] = { ...(r.body["properties"] as JsonObject), ...patch };
  w.store.touch();
}
function failState(w: EffectWorld, id: string, op: { error?: { code: string; message: string } }): void {
  setState(w, id, {
    provisioningState: "Failed",
    resourceOperationError: { timestamp: new Date(w.now).toISOString(), code: op.error?.code ?? "InternalError", message: op.error?.message ?? "The operation failed." },
  });
}
registerEffect("labServices.provisioned", (w, d) => setState(w, String(d["id"]), { provisioningState: "Succeeded" }), (w, d, op) => failState(w, String(d["id"]), op));
registerEffect(
  "labServices.deleted",
  (w, d) => {
    w.store.delete(String(d["id"]));
    clearGalleryImageStates(w.store, String(d["id"]));
  },
  (w, d, op) => failState(w, String(d["id"]), op),
);
registerEffect(
  "lab.created",
  (w, d) => {
    setState(w, String(d["id"]), { provisioningState: "Succeeded" });
    for (const vm of w.store.children("labVirtualMachine", String(d["id"]))) setState(w, vm.id, { provisioningState: "Succeeded" });
  },
  (w, d, op) => {
    failState(w, String(d["id"]), op);
    for (const vm of w.store.children("labVirtualMachine", String(d["id"]))) setState(w, vm.id, { provisioningState: "Failed" });
  },
);
registerEffect(
  "lab.deleted",
  (w, d) => {
    for (const vm of w.store.children("labVirtualMachine", String(d["id"]))) w.store.delete(vm.id);
    w.store.delete(String(d["id"]));
  },
  (w, d, op) => failState(w, String(d["id"]), op),
);
registerEffect(
  "lab.published",
  (w, d) => setState(w, String(d["id"]), { state: "Published", provisioningState: "Succeeded" }),
  (w, d, op) => {
    failState(w, String(d["id"]), op);
    setState(w, String(d["id"]), { state: "Draft" });
  },
);

// ---- routes ---------------------------------------------------------------------------------------

function listOf(ctx: Ctx, kind: "labPlan" | "lab", prefix: string): Response {
  const items = ctx.store.list(kind, prefix).map((r) => output(ctx, r));
  return pagedList(ctx, applyODataFilter(items, ctx.url.searchParams.get("$filter")) as Json[]);
}

export const labPlanRoutes: Route[] = [
  { method: "GET", pattern: `${SUB}/labPlans`, family: "labPlans", type: "labPlans", handler: (c) => listOf(c, "labPlan", `/subscriptions/${c.params["subscriptionId"]}/`) },
  { method: "GET", pattern: `${RG}/labPlans`, family: "labPlans", type: "labPlans", handler: (c) => listOf(c, "labPlan", `${rgPath(c)}/labplans/`) },
  {
    method: "GET", pattern: `${RG}/labPlans/{labPlanName}`, family: "labPlans", type: "labPlans",
    handler: (c) => {
      const p = c.store.getKind(planId(c), "labPlan");
      if (!p) throw resourceNotFound("Microsoft.LabServices/labPlans", c.params["labPlanName"] as string, c.params["resourceGroupName"] as string);
      return jsonResponse(200, output(c, p));
    },
  },
  { method: "PUT", pattern: `${RG}/labPlans/{labPlanName}`, family: "labPlans", type: "labPlans", handler: putPlan },
  { method: "PATCH", pattern: `${RG}/labPlans/{labPlanName}`, family: "labPlans", type: "labPlans", handler: patchPlan },
  { method: "DELETE", pattern: `${RG}/labPlans/{labPlanName}`, family: "labPlans", type: "labPlans", handler: deletePlan },
  { method: "POST", pattern: `${RG}/labPlans/{labPlanName}/saveImage`, family: "labPlans", type: "labPlans", handler: saveImage },
  {
    method: "GET", pattern: `${RG}/labPlans/{labPlanName}/images`, family: "labPlans", type: "labPlans/images",
    handler: (c) => {
      const plan = requirePlan(c, "read", "labPlans/images");
      const all = planImages(c.store, plan, c.now);
      const kept = applyODataFilter(all.map((i) => i.body), c.url.searchParams.get("$filter"));
      const set = new Set(kept);
      return pagedList(c, all.filter((i) => set.has(i.body)).map(listForm));
    },
  },
  {
    method: "GET", pattern: `${RG}/labPlans/{labPlanName}/images/{imageName}`, family: "labPlans", type: "labPlans/images",
    handler: (c) => jsonResponse(200, findPlanImage(c, requirePlan(c, "read", "labPlans/images")).body),
  },
  { method: "PATCH", pattern: `${RG}/labPlans/{labPlanName}/images/{imageName}`, family: "labPlans", type: "labPlans/images", handler: updateImage },
  // B.4: PUT exists but "Creating new resources via PUT will not function": it updates an existing image only.
  { method: "PUT", pattern: `${RG}/labPlans/{labPlanName}/images/{imageName}`, family: "labPlans", type: "labPlans/images", handler: updateImage },
  { method: "GET", pattern: `${SUB}/labs`, family: "labPlans", type: "labs", handler: (c) => listOf(c, "lab", `/subscriptions/${c.params["subscriptionId"]}/`) },
  { method: "GET", pattern: `${RG}/labs`, family: "labPlans", type: "labs", handler: (c) => listOf(c, "lab", `${rgPath(c)}/labs/`) },
  { method: "GET", pattern: `${RG}/labs/{labName}`, family: "labPlans", type: "labs", handler: (c) => jsonResponse(200, output(c, requireLab(c))) },
  { method: "PUT", pattern: `${RG}/labs/{labName}`, family: "labPlans", type: "labs", handler: putLab },
  {
    method: "PATCH", pattern: `${RG}/labs/{labName}`, family: "labPlans", type: "labs",
    handler: async (c) => {
      const lab = requireLab(c);
      const body = await c.body();
      return updateLab(c, lab, isObject(body["properties"]) ? body["properties"] : {}, false);
    },
  },
  {
    method: "DELETE", pattern: `${RG}/labs/{labName}`, family: "labPlans", type: "labs",
    handler: (c) => {
      const lab = c.store.getKind(labId(c), "lab");
      if (!lab) return jsonResponse(204, undefined);
      (lab.body["properties"] as JsonObject)["provisioningState"] = "Deleting";
      c.store.put(lab);
      const op = startLabOp(c, lab, "lab.deleted", DURATIONS.labDelete);
      // G.2: DELETE lab → 202 + headers + InProgress body.
      return jsonResponse(202, c.ops.labServicesBody(op, c.now), c.ops.labServicesHeaders(c, op));
    },
  },
  {
    method: "POST", pattern: `${RG}/labs/{labName}/publish`, family: "labPlans", type: "labs",
    handler: (c) => {
      const lab = requireLab(c);
      const props = lab.body["properties"] as JsonObject;
      if (props["provisioningState"] !== "Succeeded") throw conflict(`Lab '${String(lab.body["name"])}' cannot be published while its provisioningState is '${String(props["provisioningState"])}'.`);
      props["state"] = "Publishing";
      c.store.put(lab);
      const op = startLabOp(c, lab, "lab.published", DURATIONS.labPublish);
      return jsonResponse(202, c.ops.labServicesBody(op, c.now), c.ops.labServicesHeaders(c, op));
    },
  },
  {
    method: "GET", pattern: `${RG}/labs/{labName}/virtualMachines`, family: "labPlans", type: "labs/virtualMachines",
    handler: (c) => {
      if (!c.store.getKind(labId(c), "lab")) throw parentNotFound("read", "labs/virtualMachines", labId(c));
      const items = c.store.children("labVirtualMachine", labId(c)).map((r) => output(c, r));
      return pagedList(c, applyODataFilter(items, c.url.searchParams.get("$filter")) as Json[]);
    },
  },
  {
    method: "GET", pattern: `${RG}/labs/{labName}/virtualMachines/{virtualMachineName}`, family: "labPlans", type: "labs/virtualMachines",
    handler: (c) => {
      if (!c.store.getKind(labId(c), "lab")) throw parentNotFound("read", "labs/virtualMachines", labId(c));
      const vm = c.store.getKind(`${labId(c)}/virtualMachines/${c.params["virtualMachineName"]}`, "labVirtualMachine");
      if (!vm) throw resourceNotFound(`Microsoft.LabServices/labs/${c.params["labName"]}/virtualMachines`, c.params["virtualMachineName"] as string, c.params["resourceGroupName"] as string);
      return jsonResponse(200, output(c, vm));
    },
  },
  { method: "GET", pattern: `${SUB}/locations/{location}/operationResults/{operationResultId}`, family: "labPlans", type: "locations/operationResults", handler: (c) => c.ops.poll(c, c.params["operationResultId"] as string, "labPlans") },
  // B.7: the spec's path without `locations/{region}`.
  { method: "GET", pattern: `${SUB}/operationResults/{operationResultId}`, family: "labPlans", type: "operationResults", handler: (c) => c.ops.poll(c, c.params["operationResultId"] as string, "labPlans") },
];

export { regionDisplayName };
