import { describe, expect, it } from "vitest";
import { createEmulator } from "../../src/emulator/index.js";
import { ACCOUNT, GALLERY, GV, LA, LAB, LP, MIN, PLAN, RG, attachGallery, enableImage, labBody, send } from "./helpers.js";

const manual = () => createEmulator({ clock: "manual" });
const names = (r: { json: { value: Array<{ name: string }> } }) => r.json.value.map((i) => i.name);

describe("domain rules: lab plans", () => {
  it("attaching needs an existing gallery; one gallery per plan", async () => {
    const e = manual();
    const missing = await send(e, "PATCH", PLAN, { properties: { sharedGalleryId: `${RG}/Microsoft.Compute/galleries/nope` } }, LP);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("ResourceNotFound");
    await attachGallery(e);
    await send(e, "PUT", `${RG}/Microsoft.Compute/galleries/other`, { location: "westus2" }, GV);
    const second = await send(e, "PATCH", PLAN, { properties: { sharedGalleryId: `${RG}/Microsoft.Compute/galleries/other` } }, LP);
    expect(second.status).toBe(409);
    expect((await send(e, "PATCH", PLAN, { properties: { sharedGalleryId: null } }, LP)).status).toBe(202);
  });

  it("attaching a gallery from another region fails (gallery and plan must share a region, D6); the demo gallery shares plan-westus2's", async () => {
    const e = manual();
    expect(e.state.galleries().find((g) => g["name"] === "labgallery")?.["location"]).toBe("westus2");
    expect(e.state.labPlans().find((p) => p["name"] === "plan-westus2")?.["location"]).toBe("westus2");
    await send(e, "PUT", `${RG}/Microsoft.Compute/galleries/eastgallery`, { location: "East US" }, GV);
    e.clock.advance(MIN);
    const east = `${RG}/Microsoft.Compute/galleries/eastgallery`;
    const patch = await send(e, "PATCH", PLAN, { properties: { sharedGalleryId: east } }, LP);
    expect(patch.status).toBe(400);
    expect(patch.json.error).toMatchObject({ code: "InvalidParameter", target: "properties.sharedGalleryId" });
    expect(patch.json.error.message).toContain("'eastus'");
    expect(patch.json.error.message).toContain("'westus2'");
    expect((await send(e, "GET", PLAN, undefined, LP)).json.properties.sharedGalleryId).toBeUndefined(); // nothing changed
    const base = { location: "westus2", properties: { allowedRegions: ["westus2"] } };
    const put = await send(e, "PUT", `${RG}/Microsoft.LabServices/labPlans/p2`, { ...base, properties: { ...base.properties, sharedGalleryId: east } }, LP);
    expect([put.status, put.json.error.code]).toEqual([400, "InvalidParameter"]);
    expect((await send(e, "GET", `${RG}/Microsoft.LabServices/labPlans/p2`, undefined, LP)).status).toBe(404);
    const eastPlan = await send(e, "PUT", `${RG}/Microsoft.LabServices/labPlans/p3`, { location: "eastus", properties: { sharedGalleryId: east } }, LP);
    expect(eastPlan.status).toBe(201);
    expect(eastPlan.json.properties.sharedGalleryId).toBe(east);
    await attachGallery(e); // demo: labgallery (westus2) on plan-westus2 (westus2)
  });

  it("gallery images are disabled by default on plans; only replicated, small, single-disk definitions are listed", async () => {
    const e = manual();
    await attachGallery(e);
    const list = await send(e, "GET", `${PLAN}/images`, undefined, LP);
    expect(names(list)).toContain("win11-base");
    expect(names(list)).not.toContain("big-disk"); // 256 GB OS disk
    const win = list.json.value.find((i: { name: string }) => i.name === "win11-base");
    expect(win.properties.enabledState).toBeUndefined(); // disabled → omitted in lists (G.3)
    expect(win.properties.sharedGalleryId).toBe(`${GALLERY}/images/win11-base`);
    const one = await send(e, "GET", `${PLAN}/images/win11-base`, undefined, LP);
    expect(one.json.properties.enabledState).toBe("Disabled");
    expect(one.json.properties.availableRegions).toEqual(["westus2", "eastus"]);
    expect(list.json.value.filter((i: { properties: { publisher?: string } }) => i.properties.publisher).length).toBe(3); // Marketplace images
    // a definition replicated only elsewhere, and one with a data disk, are not listed
    await send(e, "PUT", `${GALLERY}/images/east-only`, { location: "westus2", properties: { osType: "Linux", osState: "Generalized", identifier: { publisher: "x", offer: "y", sku: "east" } } }, GV);
    await send(e, "PUT", `${GALLERY}/images/east-only/versions/1.0.0`, { location: "westus2", properties: { storageProfile: { source: { id: "/s" } } } }, GV);
    await send(e, "PUT", `${GALLERY}/images/two-disks`, { location: "westus2", properties: { osType: "Linux", osState: "Generalized", identifier: { publisher: "x", offer: "y", sku: "2d" } } }, GV);
    await send(e, "PUT", `${GALLERY}/images/two-disks/versions/1.0.0`, { location: "westus2", properties: { storageProfile: { source: { id: "/s" }, dataDiskImages: [{ lun: 0 }] } } }, GV);
    expect(names(await send(e, "GET", `${PLAN}/images`, undefined, LP))).not.toContain("east-only"); // still replicating
    e.clock.advance(10 * MIN);
    const after = names(await send(e, "GET", `${PLAN}/images`, undefined, LP));
    expect(after).toContain("east-only");
    expect(after).not.toContain("two-disks");
  });

  it("$filter forms used in practice", async () => {
    const e = manual();
    await attachGallery(e);
    await enableImage(e, "win11-base");
    const enabled = await send(e, "GET", `${PLAN}/images?$filter=properties/enabledState eq 'Enabled'`, undefined, LP);
    expect(names(enabled)).toEqual(["win11-base"]);
    const byText = await send(e, "GET", `${PLAN}/images?$filter=${encodeURIComponent("indexof(tolower(properties/displayName),'ubuntu') gt -1")}`, undefined, LP);
    expect(names(byText)).toEqual(["canonical.0001-com-ubuntu-server-jammy.22_04-lts"]);
    const vms = await send(e, "GET", `${LAB}/virtualMachines?$filter=Properties/VMType eq 'Template'`, undefined, LP);
    expect(names(vms)).toEqual(["0"]);
    expect((await send(e, "GET", `${PLAN}/images?$filter=startswith(name,'x')`, undefined, LP)).status).toBe(400);
  });

  it("saveImage errors: no gallery, not the template, region mismatch, missing name", async () => {
    const e = manual();
    const vm = `${LAB}/virtualMachines/0`;
    const noGallery = await send(e, "POST", `${PLAN}/saveImage`, { name: "x", labVirtualMachineId: vm }, LP);
    expect(noGallery.status).toBe(400);
    expect(noGallery.json.error.message).toMatch(/no shared image gallery/);
    await attachGallery(e);
    expect((await send(e, "POST", `${PLAN}/saveImage`, { labVirtualMachineId: vm }, LP)).status).toBe(400);
    expect((await send(e, "POST", `${PLAN}/saveImage`, { name: "x", labVirtualMachineId: `${LAB}/virtualMachines/7` }, LP)).status).toBe(404);
    // a lab in eastus (allowed by the plan) cannot be saved: its region differs from the plan's
    await enableImage(e, "win11-base");
    expect((await send(e, "PUT", `${RG}/Microsoft.LabServices/labs/east-lab`, labBody({ location: "eastus" }), LP)).status).toBe(201);
    e.clock.advance(12 * MIN);
    const region = await send(e, "POST", `${PLAN}/saveImage`, { name: "x", labVirtualMachineId: `${RG}/Microsoft.LabServices/labs/east-lab/virtualMachines/0` }, LP);
    expect(region.status).toBe(400);
    expect(region.json.error.message).toMatch(/same region/);
  });

  it("saveImage creates a Specialized definition replicated only to the plan's region, then new versions", async () => {
    const e = manual();
    await attachGallery(e);
    const r = await send(e, "POST", `${PLAN}/saveImage`, { name: "bio", labVirtualMachineId: `${LAB}/virtualMachines/0` }, LP);
    expect(r.status).toBe(202);
    expect(r.headers.get("location")).toMatch(/locations\/westus2\/operationResults\/.+monitor=true/);
    const v = `${GALLERY}/images/bio/versions/1.0.0?$expand=ReplicationStatus`;
    e.clock.advance(5 * MIN);
    const mid = await send(e, "GET", v, undefined, GV);
    expect(mid.json.properties.replicationStatus.summary[0].progress).toBeGreaterThan(40);
    expect(mid.json.properties.replicationStatus.summary[0].progress).toBeLessThan(60);
    expect((await send(e, "GET", r.headers.get("azure-asyncoperation") as string)).json.status).toBe("InProgress");
    e.clock.advance(6 * MIN);
    expect((await send(e, "GET", r.headers.get("azure-asyncoperation") as string)).json.status).toBe("Succeeded");
    const def = await send(e, "GET", `${GALLERY}/images/bio`, undefined, GV);
    expect(def.json.properties.osState).toBe("Specialized");
    const done = await send(e, "GET", v, undefined, GV);
    expect(done.json.properties.replicationStatus.summary).toEqual([{ region: "West US 2", state: "Completed", details: "", progress: 100 }]);
    await send(e, "POST", `${PLAN}/saveImage`, { name: "bio", labVirtualMachineId: `${LAB}/virtualMachines/0` }, LP);
    e.clock.advance(11 * MIN);
    expect(names(await send(e, "GET", `${GALLERY}/images/bio/versions`, undefined, GV))).toEqual(["1.0.0", "1.0.1"]);
  });

  it("lab from a gallery image: enabled, definition id, allowedRegions, replicated region; version id → ResourceNotFound", async () => {
    const e = manual();
    await attachGallery(e);
    const put = (name: string, body: unknown) => send(e, "PUT", `${RG}/Microsoft.LabServices/labs/${name}`, body, LP);
    const disabled = await put("l1", labBody());
    expect(disabled.status).toBe(404);
    await enableImage(e, "win11-base");
    const version = await put("l2", labBody({ imageReference: { id: `${GALLERY}/images/win11-base/versions/1.0.0` } }));
    expect(version.status).toBe(404);
    expect(version.json.error.message).toBe(`Resource with ID '${PLAN}/images/1.0.0' cannot be found or does not exist.`);
    expect((await put("l3", labBody({ location: "westus3" }))).json.error.code).toBe("InvalidLocation");
    expect((await put("l4", labBody({ adminUser: { username: "x" } }))).status).toBe(400); // generalized needs a password
    const ok = await put("l5", labBody());
    expect(ok.status).toBe(201);
    expect(ok.json.properties.provisioningState).toBe("Creating");
    expect(ok.json.properties.virtualMachineProfile.adminUser).toEqual({ username: "teacher" }); // password never echoed
    expect(ok.headers.get("location")).toBe(`https://management.azure.com${RG}/Microsoft.LabServices/labs/l5?api-version=${LP}`);
    e.clock.advance(10 * MIN);
    expect((await send(e, "GET", `${RG}/Microsoft.LabServices/labs/l5`, undefined, LP)).json.properties.provisioningState).toBe("Creating");
    e.clock.advance(MIN);
    expect((await send(e, "GET", `${RG}/Microsoft.LabServices/labs/l5`, undefined, LP)).json.properties.provisioningState).toBe("Succeeded");
    // eastus is allowed but the image must be replicated there: make a plan-region-only image
    await send(e, "POST", `${PLAN}/saveImage`, { name: "only-west", labVirtualMachineId: `${LAB}/virtualMachines/0` }, LP);
    e.clock.advance(11 * MIN);
    await enableImage(e, "only-west");
    const notReplicated = await put("l6", labBody({ location: "eastus", imageReference: { id: `${GALLERY}/images/only-west` }, adminUser: { username: "labadmin" } }));
    expect(notReplicated.json.error.code).toBe("GalleryImageNotFound");
  });

  it("specialized images keep the template's admin user and need no password", async () => {
    const e = manual();
    await attachGallery(e);
    await send(e, "POST", `${PLAN}/saveImage`, { name: "spec", labVirtualMachineId: `${LAB}/virtualMachines/0` }, LP);
    e.clock.advance(11 * MIN);
    await enableImage(e, "spec");
    const r = await send(e, "PUT", `${RG}/Microsoft.LabServices/labs/from-spec`, labBody({ imageReference: { id: `${GALLERY}/images/spec` }, adminUser: { username: "someone" } }), LP);
    expect(r.status).toBe(201);
    const vm = await send(e, "GET", `${RG}/Microsoft.LabServices/labs/from-spec/virtualMachines/0`, undefined, LP);
    expect(vm.json.properties.connectionProfile.adminUsername).toBe("labadmin");
  });

  it("publish and delete are 202 LROs ending with Location → 200 Succeeded", async () => {
    const e = manual();
    const pub = await send(e, "POST", `${LAB}/publish`, undefined, LP);
    expect(pub.status).toBe(202);
    expect((await send(e, "GET", LAB, undefined, LP)).json.properties.state).toBe("Publishing");
    e.clock.advance(10 * MIN);
    expect((await send(e, "GET", LAB, undefined, LP)).json.properties.state).toBe("Published");
    const del = await send(e, "DELETE", LAB, undefined, LP);
    expect(del.status).toBe(202);
    e.clock.advance(2 * MIN);
    const end = await send(e, "GET", del.headers.get("location") as string);
    expect(end.status).toBe(200);
    expect(end.json.status).toBe("Succeeded");
    expect((await send(e, "GET", LAB, undefined, LP)).status).toBe(404);
  });
});

describe("domain rules: lab accounts", () => {
  it("one gallery; images enabled by default; createLab; saveImage replicates across the geography", async () => {
    const e = manual();
    const sg = `${ACCOUNT}/sharedGalleries/labgallery`;
    expect((await send(e, "PUT", `${ACCOUNT}/sharedGalleries/other`, { properties: { galleryId: GALLERY } }, LA)).status).toBe(400); // name must be the gallery's
    expect((await send(e, "PUT", sg, { properties: { galleryId: GALLERY } }, LA)).status).toBe(201);
    await send(e, "PUT", `${RG}/Microsoft.Compute/galleries/second`, { location: "westus2" }, GV);
    expect((await send(e, "PUT", `${ACCOUNT}/sharedGalleries/second`, { properties: { galleryId: `${RG}/Microsoft.Compute/galleries/second` } }, LA)).status).toBe(409);
    expect((await send(e, "GET", `${ACCOUNT}/sharedGalleries`, undefined, "2018-10-15")).json.error.code).toBe("NoRegisteredProviderFound");
    const images = await send(e, "GET", `${ACCOUNT}/sharedImages`, undefined, LA);
    expect(images.json.value.map((i: { name: string; properties: { enableState: string } }) => [i.name, i.properties.enableState])).toEqual([["win11-base", "Enabled"]]);
    const dis = await send(e, "PUT", `${ACCOUNT}/sharedImages/win11-base`, { properties: { EnableState: "Disabled" } }, LA);
    expect(dis.json.properties.provisioningState).toBe("Updating");
    e.clock.advance(MIN);
    expect((await send(e, "GET", `${ACCOUNT}/sharedImages/win11-base`, undefined, LA)).json.properties).toMatchObject({ enableState: "Disabled", provisioningState: "Succeeded" });
    const img = `${ACCOUNT}/sharedimages/win11-base`;
    const create = (name: string) => send(e, "POST", `${ACCOUNT}/createLab`, { name, labParameters: { sharedImageResourceId: img, username: "u", password: "P@ssw0rd-1", vmSize: "Basic", userQuota: "PT10H" } }, LA);
    expect((await create("c1")).status).toBe(404); // disabled
    await send(e, "PUT", `${ACCOUNT}/sharedImages/win11-base`, { properties: { enableState: "Enabled" } }, LA);
    const ok = await create("c2");
    expect(ok.status).toBe(200);
    expect(ok.json).toBeUndefined();
    expect((await send(e, "GET", `${ACCOUNT}/labs/c2/environmentsettings/default`, undefined, LA)).json.properties.provisioningState).toBe("Creating");
    e.clock.advance(12 * MIN);
    expect((await send(e, "GET", `${ACCOUNT}/labs/c2/environmentsettings/default`, undefined, LA)).json.properties.provisioningState).toBe("Succeeded");
    const save = await send(e, "POST", `${ACCOUNT}/labs/chemistry-201/environmentsettings/default/saveImage`, { name: "chem" }, LA);
    expect(save.status).toBe(202);
    expect(save.headers.get("location")).toMatch(/\/locations\/westus2\/operations\//);
    e.clock.advance(16 * MIN);
    const v = await send(e, "GET", `${GALLERY}/images/chem/versions/1.0.0?$expand=ReplicationStatus`, undefined, GV);
    expect(v.json.properties.replicationStatus.summary).toHaveLength(9); // the United States geography
    expect(v.json.properties.replicationStatus.aggregatedState).toBe("Completed");
    expect((await send(e, "GET", save.headers.get("location") as string)).json.status).toBe("Succeeded");
  });
});

describe("classic lab accounts: operation results and lab deletion (2018-10-15 ML.json)", () => {
  const sharedImage = `${ACCOUNT}/sharedimages/win11-base`;
  async function withGallery() {
    const e = manual();
    await send(e, "PUT", `${ACCOUNT}/sharedGalleries/labgallery`, { properties: { galleryId: GALLERY } }, LA);
    return e;
  }
  const createBody = (name: string) => ({ name, labParameters: { sharedImageResourceId: sharedImage, username: "u", password: "P@ssw0rd-1", vmSize: "Basic", userQuota: "PT10H" } });

  it("a failed lab creation leaves latestOperationResult {status: Failed, errorCode, errorMessage} on the lab and its template", async () => {
    const e = await withGallery();
    e.faults.add({ kind: "lroFail", method: "POST", path: "/createLab", code: "LabCreationQuotaExceeded", message: "No cores left.", times: 1 });
    expect((await send(e, "POST", `${ACCOUNT}/createLab`, createBody("bad"), LA)).status).toBe(200);
    const lab0 = await send(e, "GET", `${ACCOUNT}/labs/bad`, undefined, LA);
    expect(lab0.json.properties.provisioningState).toBe("Creating");
    expect(lab0.json.properties).not.toHaveProperty("latestOperationResult");
    e.clock.advance(12 * MIN);
    const expected = { status: "Failed", errorCode: "LabCreationQuotaExceeded", errorMessage: "No cores left.", httpMethod: "POST", requestUri: expect.stringContaining(`${ACCOUNT}/createLab?api-version=${LA}`) };
    const lab = await send(e, "GET", `${ACCOUNT}/labs/bad`, undefined, LA);
    expect(lab.json.properties).toMatchObject({ provisioningState: "Failed", latestOperationResult: expected });
    const env = await send(e, "GET", `${ACCOUNT}/labs/bad/environmentsettings/default`, undefined, "2018-10-15");
    expect(env.json.properties).toMatchObject({ provisioningState: "Failed", latestOperationResult: expected });
    // A successful creation records Succeeded, without error fields.
    await send(e, "POST", `${ACCOUNT}/createLab`, createBody("good"), LA);
    e.clock.advance(12 * MIN);
    const good = (await send(e, "GET", `${ACCOUNT}/labs/good/environmentsettings/default`, undefined, LA)).json.properties.latestOperationResult;
    expect(good).toMatchObject({ status: "Succeeded", httpMethod: "POST" });
    expect(good).not.toHaveProperty("errorCode");
    expect(JSON.stringify(good)).not.toContain("null");
  });

  it("a failed classic saveImage is recorded on the environment setting", async () => {
    const e = await withGallery();
    e.faults.add({ kind: "lroFail", path: "/saveImage", code: "ImageSaveFailed", message: "Disk busy.", times: 1 });
    const r = await send(e, "POST", `${ACCOUNT}/labs/chemistry-201/environmentsettings/default/saveImage`, { name: "chem" }, LA);
    e.clock.advance(11 * MIN);
    const env = (await send(e, "GET", `${ACCOUNT}/labs/chemistry-201/environmentsettings/default`, undefined, LA)).json.properties;
    expect(env.provisioningState).toBe("Succeeded");
    expect(env.latestOperationResult).toEqual({ status: "Failed", errorCode: "ImageSaveFailed", errorMessage: "Disk busy.", httpMethod: "POST", requestUri: expect.any(String), operationUrl: r.headers.get("location") });
  });

  for (const api of ["2018-10-15", "2019-01-01-preview"]) {
    it(`DELETE labaccounts/{a}/labs/{l} (api ${api}): 202 + Location, Deleting, Location → 200 Succeeded, then gone; 204 when absent`, async () => {
      const e = manual();
      const lab = `${ACCOUNT}/labs/chemistry-201`;
      const del = await send(e, "DELETE", lab, undefined, api);
      expect(del.status).toBe(202);
      expect(del.json).toBeUndefined();
      const location = del.headers.get("location") as string;
      expect(location).toMatch(new RegExp(`/providers/Microsoft\\.LabServices/locations/westus2/operations/[0-9a-f-]{36}\\?api-version=${api}&monitor=true`));
      expect((await send(e, "GET", lab, undefined, api)).json.properties.provisioningState).toBe("Deleting");
      const running = await send(e, "GET", location);
      expect([running.status, running.json.status]).toEqual([200, "InProgress"]);
      e.clock.advance(2 * MIN);
      const end = await send(e, "GET", location);
      expect([end.status, end.json.status]).toEqual([200, "Succeeded"]);
      expect((await send(e, "GET", lab, undefined, api)).status).toBe(404);
      expect((await send(e, "GET", `${lab}/environmentsettings/default`, undefined, api)).status).toBe(404);
      expect(e.state.environmentSettings()).toHaveLength(0);
      expect((await send(e, "DELETE", lab, undefined, api)).status).toBe(204);
      expect((await send(e, "DELETE", `${RG}/Microsoft.LabServices/labaccounts/none/labs/x`, undefined, api)).json.error.code).toBe("ParentResourceNotFound");
    });
  }

  it("DELETE of a classic lab that fails leaves the lab Failed with latestOperationResult; rpc Location semantics", async () => {
    const e = createEmulator({ clock: "manual", locationBehavior: "rpc" });
    const lab = `${ACCOUNT}/labs/chemistry-201`;
    e.faults.add({ kind: "lroFail", method: "DELETE", code: "LabDeletionFailed", message: "VMs still running.", times: 1 });
    const del = await send(e, "DELETE", lab, undefined, "2018-10-15");
    expect((await send(e, "GET", del.headers.get("location") as string)).status).toBe(202);
    e.clock.advance(2 * MIN);
    const props = (await send(e, "GET", lab, undefined, "2018-10-15")).json.properties;
    expect(props).toMatchObject({ provisioningState: "Failed", latestOperationResult: { status: "Failed", errorCode: "LabDeletionFailed", errorMessage: "VMs still running.", httpMethod: "DELETE", operationUrl: del.headers.get("location") } });
  });
});

describe("galleries", () => {
  it("PATCH targetRegions replicates region by region", async () => {
    const e = manual();
    const v = `${GALLERY}/images/win11-base/versions/1.0.0`;
    const r = await send(e, "PATCH", v, { properties: { publishingProfile: { targetRegions: [{ name: "westus2" }, { name: "eastus" }, { name: "westus3" }, { name: "centralus" }] } } }, GV);
    expect(r.status).toBe(200);
    expect(r.headers.get("azure-asyncoperation")).toMatch(/Microsoft\.Compute\/locations\/westus2\/capsOperations\//);
    e.clock.advance(6 * MIN);
    const s = (await send(e, "GET", `${v}?$expand=ReplicationStatus`, undefined, GV)).json.properties.replicationStatus;
    expect(s.summary.map((x: { state: string }) => x.state)).toEqual(["Completed", "Completed", "Completed", "Replicating"]);
    expect(s.aggregatedState).toBe("InProgress");
    e.clock.advance(5 * MIN);
    expect((await send(e, "GET", r.headers.get("azure-asyncoperation") as string)).json.status).toBe("Succeeded");
    expect((await send(e, "GET", v, undefined, GV)).json.properties.provisioningState).toBe("Succeeded");
    expect((await send(e, "PATCH", v, { properties: { publishingProfile: { targetRegions: [{ name: "eastus" }] } } }, GV)).status).toBe(400); // source region must stay
  });

  it("rejects api-version 2022-08-01 with NoRegisteredProviderFound listing supported versions", async () => {
    const r = await send(manual(), "GET", GALLERY, undefined, "2022-08-01");
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("NoRegisteredProviderFound");
    expect(r.json.error.message).toContain("2022-03-03, 2022-08-03, 2023-07-03");
    expect((await send(manual(), "DELETE", GALLERY, undefined, GV)).status).toBe(409); // nested resources
  });
});
