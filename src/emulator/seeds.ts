/**
 * Seeds: `empty`, `demo` (issue 3) or a snapshot (object or JSON file path).
 */
import { readFileSync } from "node:fs";
import type { EmulatorSnapshot, JsonObject, MarketplaceImage, StoredResource } from "./state.js";
import { emptySnapshot, parseSnapshot, clone } from "./state.js";
import { GALLERY_IMAGE_TYPE, GALLERY_TYPE, GALLERY_VERSION_TYPE } from "./galleries.js";
import { LAB_PLAN_TYPE, LAB_TYPE, templateVm } from "./lab-plans.js";
import { CLASSIC_LAB_TYPE, ENV_SETTING_TYPE, LAB_ACCOUNT_TYPE } from "./lab-accounts.js";
import { iso } from "./context.js";

export const DEMO_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
export const DEMO_RESOURCE_GROUP = "labs-rg";
export const DEMO_REGION = "westus2";

/** A few Marketplace images, named `publisher.offer.sku` as the live service names them (G.3). */
export const DEMO_MARKETPLACE_IMAGES: MarketplaceImage[] = [
  { publisher: "microsoftwindowsdesktop", offer: "windows-11", sku: "win11-22h2-pro", version: "latest", displayName: "Windows 11 Pro", osType: "Windows", author: "Microsoft" },
  { publisher: "microsoftwindowsserver", offer: "windowsserver", sku: "2022-datacenter", version: "latest", displayName: "Windows Server 2022 Datacenter", osType: "Windows", author: "Microsoft" },
  { publisher: "canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts", version: "latest", displayName: "Ubuntu Server 22.04 LTS", osType: "Linux", author: "Canonical" },
];

function res(kind: StoredResource["kind"], id: string, body: JsonObject, meta?: StoredResource["meta"]): StoredResource {
  return meta ? { kind, id, body: { id, ...body }, meta } : { kind, id, body: { id, ...body } };
}

/** The demo seed, at emulator time `now` (everything in it has finished provisioning). */
export function demoSnapshot(now: number): EmulatorSnapshot {
  const s = emptySnapshot(DEMO_SUBSCRIPTION_ID, now);
  const sub = DEMO_SUBSCRIPTION_ID;
  const rg = `/subscriptions/${sub}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers`;
  const created = iso(now - 86_400_000);
  const sys = { createdBy: "admin@contoso.com", createdByType: "User", createdAt: created, lastModifiedBy: "admin@contoso.com", lastModifiedByType: "User", lastModifiedAt: created };
  const gallery = `${rg}/Microsoft.Compute/galleries/labgallery`;
  const win11 = `${gallery}/images/win11-base`;
  const big = `${gallery}/images/big-disk`;
  const done = (regions: string[]) => regions.map((region) => ({ region, startAt: now - 7_200_000, endAt: now - 3_600_000 }));
  const add = (r: StoredResource) => (s.resources[r.id.toLowerCase()] = r);

  add(res("gallery", gallery, { name: "labgallery", type: GALLERY_TYPE, location: DEMO_REGION, properties: { description: "Images for the lab courses", identifier: { uniqueName: `${sub}-LABGALLERY` }, provisioningState: "Succeeded" } }));
  add(res("galleryImage", win11, { name: "win11-base", type: GALLERY_IMAGE_TYPE, location: DEMO_REGION, properties: { osType: "Windows", osState: "Generalized", hyperVGeneration: "V1", identifier: { publisher: "Contoso", offer: "Windows11", sku: "win11-base" }, provisioningState: "Succeeded" } }));
  add(
    res(
      "galleryImageVersion",
      `${win11}/versions/1.0.0`,
      {
        name: "1.0.0",
        type: GALLERY_VERSION_TYPE,
        location: DEMO_REGION,
        properties: {
          publishingProfile: {
            targetRegions: [
              { name: "West US 2", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" },
              { name: "East US", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" },
            ],
            replicaCount: 1,
            excludeFromLatest: false,
            publishedDate: created,
            storageAccountType: "Standard_LRS",
          },
          storageProfile: { source: { id: `/subscriptions/${sub}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.Compute/images/win11-base-image` }, osDiskImage: { sizeInGB: 127, hostCaching: "ReadWrite" } },
          provisioningState: "Succeeded",
        },
      },
      { replication: done(["westus2", "eastus"]) },
    ),
  );
  add(res("galleryImage", big, { name: "big-disk", type: GALLERY_IMAGE_TYPE, location: DEMO_REGION, properties: { osType: "Windows", osState: "Generalized", hyperVGeneration: "V1", identifier: { publisher: "Contoso", offer: "BigDisk", sku: "big-disk" }, provisioningState: "Succeeded" } }));
  add(
    res(
      "galleryImageVersion",
      `${big}/versions/1.0.0`,
      {
        name: "1.0.0",
        type: GALLERY_VERSION_TYPE,
        location: DEMO_REGION,
        properties: {
          publishingProfile: { targetRegions: [{ name: "West US 2", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" }], replicaCount: 1, excludeFromLatest: false, publishedDate: created, storageAccountType: "Standard_LRS" },
          storageProfile: { source: { id: `/subscriptions/${sub}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.Compute/images/big-disk-image` }, osDiskImage: { sizeInGB: 256, hostCaching: "ReadWrite" } },
          provisioningState: "Succeeded",
        },
      },
      { replication: done(["westus2"]) },
    ),
  );

  const plan = `${rg}/Microsoft.LabServices/labPlans/plan-westus2`;
  add(
    res("labPlan", plan, {
      name: "plan-westus2",
      type: LAB_PLAN_TYPE,
      location: DEMO_REGION,
      systemData: sys,
      properties: {
        defaultConnectionProfile: { webSshAccess: "None", webRdpAccess: "None", clientSshAccess: "Public", clientRdpAccess: "Public" },
        defaultAutoShutdownProfile: { shutdownOnDisconnect: "Enabled", shutdownWhenNotConnected: "Enabled", shutdownOnIdle: "UserAbsence", disconnectDelay: "PT15M", noConnectDelay: "PT15M", idleDelay: "PT15M" },
        allowedRegions: ["westus2", "eastus"],
        provisioningState: "Succeeded",
      },
    }),
  );
  const lab = `${rg}/Microsoft.LabServices/labs/biology-101`;
  add(
    res(
      "lab",
      lab,
      {
        name: "biology-101",
        type: LAB_TYPE,
        location: DEMO_REGION,
        systemData: sys,
        properties: {
          autoShutdownProfile: { shutdownOnDisconnect: "Enabled", shutdownWhenNotConnected: "Enabled", shutdownOnIdle: "UserAbsence", disconnectDelay: "PT15M", noConnectDelay: "PT15M", idleDelay: "PT15M" },
          connectionProfile: { webSshAccess: "None", webRdpAccess: "None", clientSshAccess: "Public", clientRdpAccess: "Public" },
          virtualMachineProfile: {
            createOption: "TemplateVM",
            imageReference: { publisher: "microsoftwindowsdesktop", offer: "windows-11", sku: "win11-22h2-pro", version: "latest" },
            osType: "Windows",
            sku: { name: "Classic_Fsv2_2_4GB_128_S_SSD", capacity: 20 },
            usageQuota: "PT10H",
            useSharedPassword: "Disabled",
            adminUser: { username: "labadmin" },
          },
          securityProfile: { openAccess: "Disabled", registrationCode: "bio101xy" },
          labPlanId: plan,
          title: "Biology 101",
          state: "Draft",
          provisioningState: "Succeeded",
        },
      },
      { osType: "Windows", osState: "Generalized" },
    ),
  );
  const vm = templateVm(lab, "labadmin", "Windows", "Succeeded", now - 86_400_000);
  add(vm);

  const account = `${rg}/Microsoft.LabServices/labaccounts/classic-account`;
  add(res("labAccount", account, { name: "classic-account", type: LAB_ACCOUNT_TYPE, location: DEMO_REGION, properties: { enabledRegionSelection: false, provisioningState: "Succeeded", uniqueIdentifier: "5f0c9e1a-3b7d-4c2e-9a41-6d8f2b0c7e11" } }));
  const clab = `${account}/labs/chemistry-201`;
  add(res("classicLab", clab, { name: "chemistry-201", type: CLASSIC_LAB_TYPE, location: DEMO_REGION, properties: { maxUsersInLab: 25, usageQuota: "PT10H", userAccessMode: "Restricted", createdDate: created, provisioningState: "Succeeded", uniqueIdentifier: "0b5a7c2e-8d14-4f6a-b3c9-2e7d1f4a6b80" } }));
  add(
    res(
      "environmentSetting",
      `${clab}/environmentsettings/default`,
      {
        name: "default",
        type: ENV_SETTING_TYPE,
        location: DEMO_REGION,
        properties: {
          resourceSettings: { galleryImageResourceId: `${account}/galleryimages/windows 10 enterprise`, imageName: "Windows 10 Enterprise", size: "Basic", referenceVm: { userName: "labadmin" } },
          publishingState: "Published",
          configurationState: "Completed",
          provisioningState: "Succeeded",
          uniqueIdentifier: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
        },
      },
      { osType: "Windows", osState: "Generalized", adminUsername: "labadmin" },
    ),
  );
  s.marketplaceImages = clone(DEMO_MARKETPLACE_IMAGES);
  return s;
}

/** Resolves the `seed` option to a snapshot. */
export function resolveSeed(seed: "demo" | "empty" | EmulatorSnapshot | string | undefined, now: number): EmulatorSnapshot {
  if (seed === undefined || seed === "demo") return demoSnapshot(now);
  if (seed === "empty") return emptySnapshot(DEMO_SUBSCRIPTION_ID, now);
  if (typeof seed === "string") return parseSnapshot(readFileSync(seed, "utf8"), seed);
  return parseSnapshot(JSON.stringify(seed), "seed");
}
