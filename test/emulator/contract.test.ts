import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEmulator } from "../../src/emulator/index.js";
import type { Emulator, EmulatorSnapshot } from "../../src/emulator/index.js";
import { validateDefinition } from "./spec-validator.js";
import { ACCOUNT, GALLERY, GV, LAB, LP, MIN, PLAN, RG, attachGallery, enableImage, labBody, send, specsRoot } from "./helpers.js";

const ls = (v: string, f: string) => `labservices/${v}/${f}`;

async function populated(version: string): Promise<Emulator> {
  const e = createEmulator({ clock: "manual" });
  await attachGallery(e);
  await enableImage(e, "win11-base");
  await send(e, "PUT", `${RG}/Microsoft.LabServices/labs/chem-lab`, labBody(), version);
  await send(e, "POST", `${PLAN}/saveImage`, { name: "bio-export", labVirtualMachineId: `${LAB}/virtualMachines/0` }, version);
  return e;
}

describe("contract: lab plan responses validate against the specs", () => {
  for (const v of ["2022-08-01", "2023-06-07"]) {
    it(`api ${v}: plans, images, labs, VMs and operation results`, async () => {
      const e = await populated(v);
      const check = (file: string, def: string, body: unknown, opts = {}) => expect(validateDefinition(ls(v, file), def, body, opts), `${def} ${JSON.stringify(body).slice(0, 200)}`).toEqual([]);
      const plan = await send(e, "GET", PLAN, undefined, v);
      check("LabPlans.json", "LabPlan", plan.json);
      check("LabPlans.json", "PagedLabPlans", (await send(e, "GET", `${RG}/Microsoft.LabServices/labPlans`, undefined, v)).json);
      check("LabPlans.json", "PagedLabPlans", (await send(e, "GET", `/subscriptions/${e.subscriptionId}/providers/Microsoft.LabServices/labPlans`, undefined, v)).json);
      const patched = await send(e, "PATCH", PLAN, { properties: { supportInfo: { email: "help@contoso.com" } } }, v);
      check("LabPlans.json", "LabPlan", patched.json);
      const images = await send(e, "GET", `${PLAN}/images`, undefined, v);
      expect(images.json.value.length).toBeGreaterThan(3);
      // G.3 (observed, wins over the spec's `required`): disabled images in lists omit enabledState.
      check("Images.json", "PagedImages", images.json, { ignoreRequired: ["enabledState"] });
      expect(images.json.value.some((i: { properties: object }) => !("enabledState" in i.properties))).toBe(true);
      for (const i of images.json.value) check("Images.json", "Image", (await send(e, "GET", i.id, undefined, v)).json);
      check("Images.json", "Image", (await enableImage(e, "win11-base")).json);
      check("Labs.json", "Lab", (await send(e, "GET", `${RG}/Microsoft.LabServices/labs/chem-lab`, undefined, v)).json);
      check("Labs.json", "PagedLabs", (await send(e, "GET", `${RG}/Microsoft.LabServices/labs`, undefined, v)).json);
      check("VirtualMachines.json", "PagedVirtualMachines", (await send(e, "GET", `${LAB}/virtualMachines`, undefined, v)).json);
      check("VirtualMachines.json", "VirtualMachine", (await send(e, "GET", `${LAB}/virtualMachines/0`, undefined, v)).json);
      const created = await send(e, "PUT", `${RG}/Microsoft.LabServices/labs/other-lab`, labBody(), v);
      check("Labs.json", "Lab", created.json);
      const op = await send(e, "GET", created.headers.get("azure-asyncoperation") as string);
      check("OperationResults.json", "OperationResult", op.json);
      e.clock.advance(20 * MIN);
      check("OperationResults.json", "OperationResult", (await send(e, "GET", created.headers.get("operation-location") as string)).json);
      const err = await send(e, "GET", `${RG}/Microsoft.LabServices/labs/missing`, undefined, v);
      const errFile = v === "2022-08-01" ? "common-types/resource-management/v2/clouderror.json" : "common-types/resource-management/v2/types.json";
      expect(validateDefinition(errFile, v === "2022-08-01" ? "CloudError" : "ErrorResponse", err.json)).toEqual([]);
    });
  }

  it("rejects an invented field (the validator is not a no-op)", () => {
    expect(validateDefinition(ls(LP, "LabPlans.json"), "LabPlan", { location: "x", properties: { sharedGaleryId: "typo" } })).toContain("$.properties.sharedGaleryId: not in the spec");
    expect(validateDefinition(ls(LP, "Images.json"), "Image", { properties: { enabledState: "On" } })[0]).toMatch(/not in/);
  });
});

describe("contract: gallery responses validate against gallery.json 2022-03-03", () => {
  it("galleries, definitions, versions (with replication status) and lists", async () => {
    const e = createEmulator({ clock: "manual" });
    const g = `${RG}/Microsoft.Compute/galleries/newgallery`;
    const check = (def: string, body: unknown) => expect(validateDefinition("compute/2022-03-03/gallery.json", def, body), `${def} ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
    check("Gallery", (await send(e, "PUT", g, { location: "westus2", properties: { description: "d" } }, "2022-03-03")).json);
    e.clock.advance(MIN);
    check("Gallery", (await send(e, "GET", g, undefined, GV)).json);
    check("GalleryList", (await send(e, "GET", `${RG}/Microsoft.Compute/galleries`, undefined, GV)).json);
    const def = await send(e, "PUT", `${g}/images/ubuntu`, { location: "westus2", properties: { osType: "Linux", osState: "Generalized", hyperVGeneration: "V2", identifier: { publisher: "p", offer: "o", sku: "s" } } }, GV);
    check("GalleryImage", def.json);
    e.clock.advance(MIN);
    const ver = await send(e, "PUT", `${g}/images/ubuntu/versions/1.0.0`, { location: "westus2", properties: { storageProfile: { source: { id: `${RG}/Microsoft.Compute/images/src` } }, publishingProfile: { targetRegions: [{ name: "westus2" }, { name: "East US" }] } } }, GV);
    check("GalleryImageVersion", ver.json);
    e.clock.advance(7 * MIN);
    const withStatus = await send(e, "GET", `${g}/images/ubuntu/versions/1.0.0?$expand=ReplicationStatus`, undefined, GV);
    expect(withStatus.json.properties.replicationStatus.summary.length).toBe(2);
    check("GalleryImageVersion", withStatus.json);
    check("GalleryImageList", (await send(e, "GET", `${g}/images`, undefined, GV)).json);
    check("GalleryImageVersionList", (await send(e, "GET", `${g}/images/ubuntu/versions`, undefined, GV)).json);
    check("GalleryImageVersion", (await send(e, "PATCH", `${g}/images/ubuntu/versions/1.0.0`, { properties: { publishingProfile: { targetRegions: [{ name: "westus2" }, { name: "eastus" }, { name: "westus3" }] } } }, GV)).json);
    for (const v of (await send(e, "GET", `${GALLERY}/images`, undefined, GV)).json.value) check("GalleryImage", v);
  });
});

// ---- x-ms-examples ----------------------------------------------------------------------------

const EX_SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const EX_RG = `/subscriptions/${EX_SUB}/resourceGroups/testrg123/providers`;

/** A world holding what the examples refer to (testlabplan, testlab with VM `template`, image1, testsig, an operation). */
async function exampleWorld(): Promise<Emulator> {
  const seed = createEmulator({ clock: "manual", seed: "empty" }).state.snapshot();
  seed.subscriptionId = EX_SUB;
  seed.marketplaceImages = [
    { name: "image1", publisher: "Microsoft", offer: "WindowsServer", sku: "2019-Datacenter", version: "2019.0.20190410", displayName: "Windows Server 2019 Datacenter", description: "A description of the image", osType: "Windows" },
  ];
  const b = createEmulator({ clock: "manual", seed });
  const v = "2022-08-01";
  await send(b, "PUT", `${EX_RG}/Microsoft.Compute/galleries/testsig`, { location: "westus" }, GV);
  await send(b, "PUT", `${EX_RG}/Microsoft.Compute/galleries/testsig/images/test-1`, { location: "westus", properties: { osType: "Windows", osState: "Generalized", identifier: { publisher: "a", offer: "b", sku: "c" } } }, GV);
  b.clock.advance(MIN);
  await send(b, "PUT", `${EX_RG}/Microsoft.Compute/galleries/testsig/images/test-1/versions/1.0.0`, { location: "westus", properties: { storageProfile: { source: { id: "/x/y" } } } }, GV);
  await send(b, "PUT", `${EX_RG}/Microsoft.LabServices/labPlans/testlabplan`, {
    location: "westus",
    properties: {
      defaultConnectionProfile: { webSshAccess: "None", webRdpAccess: "None", clientSshAccess: "Public", clientRdpAccess: "Public" },
      defaultAutoShutdownProfile: { shutdownOnDisconnect: "Enabled", shutdownWhenNotConnected: "Enabled", shutdownOnIdle: "UserAbsence", disconnectDelay: "00:05", noConnectDelay: "01:00", idleDelay: "01:00" },
      defaultNetworkProfile: { subnetId: `${EX_RG}/Microsoft.Network/virtualNetworks/test-vnet/subnets/default` },
      sharedGalleryId: `${EX_RG}/Microsoft.Compute/galleries/testsig`,
      supportInfo: { url: "help.contoso.com", email: "help@contoso.com", phone: "+1-202-555-0123", instructions: "Contact support for help." },
      allowedRegions: ["westus"],
    },
  }, v);
  b.clock.advance(10 * MIN);
  await send(b, "PATCH", `${EX_RG}/Microsoft.LabServices/labPlans/testlabplan/images/image1`, { properties: { enabledState: "Enabled" } }, v);
  await send(b, "PATCH", `${EX_RG}/Microsoft.LabServices/labPlans/testlabplan/images/test-1`, { properties: { enabledState: "Enabled" } }, v);
  const lab = labBody({ location: "westus", imageReference: { publisher: "Microsoft", offer: "WindowsServer", sku: "2019-Datacenter" } });
  lab.properties.labPlanId = `${EX_RG}/Microsoft.LabServices/labPlans/testlabplan`;
  expect((await send(b, "PUT", `${EX_RG}/Microsoft.LabServices/labs/testlab`, lab, v)).status).toBe(201);
  b.clock.advance(20 * MIN);
  const snap: EmulatorSnapshot = b.state.snapshot();
  // The examples name the template VM `template` (the live service names it `0`, G.3): rename it in the snapshot.
  const key = Object.keys(snap.resources).find((k) => k.endsWith("/virtualmachines/0")) as string;
  const vm = snap.resources[key]!;
  vm.id = vm.id.replace(/\/0$/, "/template");
  vm.body["id"] = vm.id;
  vm.body["name"] = "template";
  delete snap.resources[key];
  snap.resources[vm.id.toLowerCase()] = vm;
  snap.operations["a64149d8-84cb-4566-ab8e-b4ee1a074174"] = {
    name: "a64149d8-84cb-4566-ab8e-b4ee1a074174", family: "labPlans", subscriptionId: EX_SUB, region: "westus", apiVersion: v, status: "InProgress",
    startTime: Date.parse("2020-05-01T10:00:00Z"), dueAt: Number.MAX_SAFE_INTEGER, effect: { kind: "none", data: {} },
  };
  return createEmulator({ clock: "manual", seed: snap });
}

const METHOD: Record<string, string> = { Get: "GET", Update: "PATCH", CreateOrUpdate: "PUT", SaveImage: "POST", ListByLabPlan: "GET", ListByLab: "GET" };
const EXAMPLES: Array<{ file: string; path: (p: Record<string, string>) => string; op: string }> = [
  { file: "labservices/2022-08-01/examples/LabPlans/saveImageVirtualMachine.json", op: "SaveImage", path: (p) => `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.LabServices/labPlans/${p["labPlanName"]}/saveImage` },
  { file: "labservices/2022-08-01/examples/LabPlans/patchLabPlan.json", op: "Update", path: (p) => `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.LabServices/labPlans/${p["labPlanName"]}` },
  { file: "labservices/2022-08-01/examples/Labs/putLab.json", op: "CreateOrUpdate", path: (p) => `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.LabServices/labs/${p["labName"]}-new` },
  { file: "labservices/2022-08-01/examples/Images/patchImage.json", op: "Update", path: (p) => `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.LabServices/labPlans/${p["labPlanName"]}/images/${p["imageName"]}` },
  { file: "labservices/2022-08-01/examples/Images/getImage.json", op: "Get", path: (p) => `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.LabServices/labPlans/${p["labPlanName"]}/images/${p["imageName"]}` },
  { file: "labservices/2022-08-01/examples/OperationResults/getOperationResult.json", op: "Get", path: (p) => `/subscriptions/${p["subscriptionId"]}/providers/Microsoft.LabServices/operationResults/${p["operationResultId"]}` },
  { file: "labservices/2023-06-07/examples/Images/listImages.json", op: "ListByLabPlan", path: (p) => `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.LabServices/labPlans/${p["labPlanName"]}/images` },
  { file: "labservices/2023-06-07/examples/VirtualMachines/listVirtualMachine.json", op: "ListByLab", path: (p) => `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.LabServices/labs/${p["labName"]}/virtualMachines` },
];

/** Key structure of the example body that the emulator must reproduce; values are data, keys are shape. */
function shapeKeys(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return [];
  return Object.entries(v as object).flatMap(([k, x]) => (x === null ? [] : [prefix + k, ...(k === "properties" ? shapeKeys(x, `${prefix}${k}.`) : [])]));
}
// Read-only fields the emulator leaves out, with the reason (docs/emulator.md): systemData on child
// resources, connection details of a stopped VM, claimedByUserId of an unclaimed VM, a Marketplace
// sharedGalleryId (the README calls that example value illustrative).
const OPTIONAL = new Set(["systemData", "properties.connectionProfile", "properties.claimedByUserId", "properties.sharedGalleryId", "properties.description", "properties.state"]);

describe("x-ms-examples in ../shared/specs are accepted with a response of the example's shape", () => {
  for (const ex of EXAMPLES) {
    it(path.basename(ex.file), async () => {
      const e = await exampleWorld();
      const doc = JSON.parse(readFileSync(path.join(specsRoot, ex.file), "utf8"));
      const p = doc.parameters as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const body = p["body"];
      const r = await send(e, METHOD[ex.op] as string, ex.path(p), body, p["api-version"]);
      expect(Object.keys(doc.responses), JSON.stringify(r.json)).toContain(String(r.status));
      const expected = doc.responses[String(r.status)];
      // Location is absolute; for PUT it is the resource URL itself and the operation is in Azure-AsyncOperation (G.1 wins).
      for (const h of Object.keys(expected.headers ?? {})) expect(r.headers.get(h), h).toMatch(/^https:\/\/management\.azure\.com\/subscriptions\//);
      if (Object.keys(expected.headers ?? {}).length > 0) expect(r.headers.get("azure-asyncoperation")).toMatch(/\/operationResults\//);
      const exBody = expected.body?.value ? expected.body.value[0] : expected.body;
      const ours = r.json?.value ? r.json.value.find((i: { name: string }) => i.name === exBody?.name) ?? r.json.value[0] : r.json;
      if (exBody && Object.keys(exBody).length > 0) {
        const missing = shapeKeys(exBody).filter((k) => !OPTIONAL.has(k) && !shapeKeys(ours).includes(k));
        expect(missing, JSON.stringify(ours)).toEqual([]);
      }
      if (expected.body?.value) expect(r.json.value.length).toBe(expected.body.value.length);
    });
  }

  it("saveImageVirtualMachine.json: 'Test Image' is accepted, then the export fails (not a valid definition name)", async () => {
    const e = await exampleWorld();
    const doc = JSON.parse(readFileSync(path.join(specsRoot, EXAMPLES[0]!.file), "utf8"));
    const r = await send(e, "POST", EXAMPLES[0]!.path(doc.parameters), doc.parameters.body, "2022-08-01");
    expect(r.status).toBe(202);
    e.clock.advance(11 * MIN);
    const op = await send(e, "GET", r.headers.get("azure-asyncoperation") as string);
    expect(op.json.status).toBe("Failed");
    expect(op.json.error.code).toBe("InvalidParameter");
  });

  it("GalleryImage_Create.json and GalleryImageVersion_Get_WithReplicationStatus.json", async () => {
    const e = createEmulator({ clock: "manual", seed: "empty" });
    const create = JSON.parse(readFileSync(path.join(specsRoot, "compute/2022-03-03/examples/galleryExamples/GalleryImage_Create.json"), "utf8"));
    const p = create.parameters;
    const g = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.Compute/galleries/${p.galleryName}`;
    await send(e, "PUT", g, { location: "West US" }, p["api-version"]);
    const r = await send(e, "PUT", `${g}/images/${p.galleryImageName}`, p.galleryImage, p["api-version"]);
    expect(r.status).toBe(201);
    expect(shapeKeys(create.responses["201"].body).filter((k) => !shapeKeys(r.json).includes(k))).toEqual([]);
    expect(r.json.properties.provisioningState).toBe("Creating");
    const getEx = JSON.parse(readFileSync(path.join(specsRoot, "compute/2022-03-03/examples/galleryExamples/GalleryImageVersion_Get_WithReplicationStatus.json"), "utf8"));
    await send(e, "PUT", `${g}/images/${p.galleryImageName}/versions/1.0.0`, { location: "West US", properties: { storageProfile: { source: { id: "/x" } }, publishingProfile: { targetRegions: [{ name: "West US" }, { name: "East US" }] } } }, p["api-version"]);
    e.clock.advance(60 * MIN);
    const got = await send(e, "GET", `${g}/images/${p.galleryImageName}/versions/1.0.0?$expand=${getEx.parameters.$expand}`, undefined, getEx.parameters["api-version"]);
    expect(got.status).toBe(200);
    expect(got.json.properties.replicationStatus).toEqual(getEx.responses["200"].body.properties.replicationStatus);
    expect(got.json.properties.provisioningState).toBe("Succeeded");
  });
});

void ACCOUNT;
