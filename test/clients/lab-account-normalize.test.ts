/**
 * `GalleryImage` normalization from the spec examples (lab plans) and from the shape Microsoft's
 * PowerShell module reads (lab accounts, rest-api.md A.2; no public swagger has it).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatLabAccountId, formatLabPlanId } from "../../src/core/resource-id.js";
import { galleryImageFromLabPlanImage, galleryImageFromSharedImage } from "../../src/models/normalize.js";
import { sharedImagePutBody } from "../../src/clients/lab-account/classic-backend.js";
import { labPlanImageFilter, odataString } from "../../src/clients/lab-account/plan-backend.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const vendored = path.join(repoRoot, "test/clients/fixtures/specs");

/**
 * The specs live in the workspace's `../shared/specs` (walked up from the repo so a git worktree
 * finds them too). A fresh clone has no workspace, so the four examples used here are vendored and
 * checked against the originals whenever those are present.
 */
function sharedSpecsDir(): string | undefined {
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const candidate = path.resolve(dir, "../shared/specs");
    if (existsSync(path.join(candidate, "labservices"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
const shared = sharedSpecsDir();
const EXAMPLES = {
  getImage: "labservices/2022-08-01/examples/Images/getImage.json",
  patchImage: "labservices/2022-08-01/examples/Images/patchImage.json",
  listImages: "labservices/2023-06-07/examples/Images/listImages.json",
  patchLabPlan: "labservices/2022-08-01/examples/LabPlans/patchLabPlan.json",
} as const;
type Example = { responses: Record<string, { body: Record<string, unknown> }> };
const load = (rel: string): Example => JSON.parse(readFileSync(path.join(shared ?? vendored, rel), "utf8")) as Example;
const body = (e: Example, status = "200") => e.responses[status]?.body as Record<string, unknown>;

const SPEC_SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const plan = formatLabPlanId({ subscriptionId: SPEC_SUB, resourceGroup: "testrg123", name: "testlabplan" });
const account = formatLabAccountId({ subscriptionId: SPEC_SUB, resourceGroup: "testrg123", name: "testaccount" });

describe("vendored spec examples", () => {
  it.skipIf(!shared)("match ../shared/specs byte for byte", () => {
    for (const rel of Object.values(EXAMPLES)) {
      expect(readFileSync(path.join(vendored, rel), "utf8"), rel).toBe(readFileSync(path.join(shared as string, rel), "utf8"));
    }
  });
});

describe("galleryImageFromLabPlanImage (Images.json examples)", () => {
  it("getImage.json: a Marketplace image, even though its sharedGalleryId holds a platform-image path", () => {
    const image = galleryImageFromLabPlanImage(body(load(EXAMPLES.getImage)), plan);
    expect(image).toEqual({
      name: "image1",
      displayName: "Windows Server 2019 Datacenter",
      id: `${plan}/images/image1`,
      galleryImageId: undefined,
      osType: "Windows",
      osState: undefined,
      enabled: true,
      availableRegions: [],
      source: "marketplace",
      account: plan,
    });
  });

  it("patchImage.json: the PATCH answer normalizes the same way", () => {
    const image = galleryImageFromLabPlanImage(body(load(EXAMPLES.patchImage)), plan);
    expect(image.enabled).toBe(true);
    expect(image.source).toBe("marketplace");
    expect(image.name).toBe("image1");
  });

  it("listImages.json: Marketplace and gallery items, nulls treated as absent", () => {
    const items = (body(load(EXAMPLES.listImages))["value"] as unknown[]).map((v) => galleryImageFromLabPlanImage(v, plan));
    expect(items.map((i) => [i.name, i.source])).toEqual([
      ["image1", "marketplace"],
      ["image2", "gallery"],
    ]);
    const custom = items[1];
    expect(custom).toMatchObject({
      displayName: "A custom image",
      galleryImageId: `/subscriptions/${SPEC_SUB}/resourceGroups/testrg123/providers/Microsoft.Compute/galleries/sig/images/test-1`,
      osType: "Windows",
      enabled: true,
      account: plan,
    });
    expect(Object.keys(custom ?? {})).not.toContain("properties");
  });

  it("absent enabledState means Disabled (lists omit it, rest-api.md G.3); availableRegions and hyperVGeneration are kept", () => {
    const image = galleryImageFromLabPlanImage(
      {
        id: `${plan}/images/win11-base`,
        name: "win11-base",
        properties: {
          displayName: "Windows 11 Base",
          osType: "Windows",
          osState: "Generalized",
          sharedGalleryId: `/subscriptions/${SPEC_SUB}/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/win11-base`,
          availableRegions: ["westus2", "eastus"],
          hyperVGeneration: "V2",
        },
      },
      plan,
    );
    expect(image).toMatchObject({ enabled: false, osState: "Generalized", availableRegions: ["westus2", "eastus"], hyperVGeneration: "V2", source: "gallery" });
  });

  it("unknown enum values give undefined, never a crash", () => {
    const image = galleryImageFromLabPlanImage({ name: "x", properties: { osType: "Plan9", osState: "Frozen" } }, plan);
    expect(image.osType).toBeUndefined();
    expect(image.osState).toBeUndefined();
    expect(galleryImageFromLabPlanImage(null, plan).name).toBe("");
  });
});

describe("galleryImageFromSharedImage (lab-account preview shape, rest-api.md A.2)", () => {
  const galleryId = `/subscriptions/${SPEC_SUB}/resourceGroups/testrg123/providers/Microsoft.Compute/galleries/sig`;
  const item = {
    id: `${account}/sharedimages/test-1`,
    name: "test-1",
    properties: {
      EnableState: "Disabled",
      sharedGalleryId: `${galleryId}/images/test-1`,
      osType: "Linux",
      imageType: "Specialized",
      displayName: "Ubuntu with tools",
      definitionName: "test-1",
      provisioningState: "Succeeded",
    },
  };

  it("reads the module's property names in any casing", () => {
    expect(galleryImageFromSharedImage(item, account)).toEqual({
      name: "test-1",
      displayName: "Ubuntu with tools",
      id: `${account}/sharedimages/test-1`,
      galleryImageId: `${galleryId}/images/test-1`,
      osType: "Linux",
      osState: "Specialized",
      enabled: false,
      availableRegions: [],
      source: "gallery",
      account,
    });
    const camel = { ...item, properties: { ...item.properties, EnableState: undefined, enableState: "Enabled" } };
    expect(galleryImageFromSharedImage(camel, account).enabled).toBe(true);
  });

  it("images are enabled by default on lab accounts (absent EnableState)", () => {
    const { EnableState: _drop, ...props } = item.properties;
    expect(galleryImageFromSharedImage({ ...item, properties: props }, account).enabled).toBe(true);
  });

  it("builds the definition id from a gallery id or the attached gallery plus definitionName", () => {
    const withGallery = { ...item, properties: { ...item.properties, sharedGalleryId: galleryId } };
    expect(galleryImageFromSharedImage(withGallery, account).galleryImageId).toBe(`${galleryId}/images/test-1`);
    const withChild = { ...item, properties: { ...item.properties, sharedGalleryId: `${account}/sharedgalleries/sig` } };
    expect(galleryImageFromSharedImage(withChild, account).galleryImageId).toBeUndefined();
    expect(galleryImageFromSharedImage(withChild, account, galleryId).galleryImageId).toBe(`${galleryId}/images/test-1`);
  });

  it("the enable/disable PUT body is the item with EnableState flipped and read-only members dropped", () => {
    expect(sharedImagePutBody(item, true)).toEqual({
      id: item.id,
      name: "test-1",
      properties: {
        EnableState: "Enabled",
        sharedGalleryId: item.properties.sharedGalleryId,
        osType: "Linux",
        imageType: "Specialized",
        displayName: "Ubuntu with tools",
        definitionName: "test-1",
      },
    });
    const camel = { ...item, properties: { enableState: "Enabled", displayName: "x" } };
    expect(sharedImagePutBody(camel, false).properties).toEqual({ enableState: "Disabled", displayName: "x" });
  });
});

describe("lab-plan server-side filter", () => {
  it("sends enabled:true and display-name text; leaves enabled:false client-side", () => {
    expect(labPlanImageFilter({})).toBeUndefined();
    expect(labPlanImageFilter({ enabled: false })).toBeUndefined();
    expect(labPlanImageFilter({ enabled: true, displayName: "Windows 11" })).toBe(
      "properties/enabledState eq 'Enabled' and indexof(tolower(properties/displayName),'windows 11') gt -1",
    );
  });
  it("escapes quotes in OData string literals", () => {
    expect(odataString("it's")).toBe("'it''s'");
    expect(labPlanImageFilter({ displayName: "O'Brien' or 1 eq 1 or '" })).toBe("indexof(tolower(properties/displayName),'o''brien'' or 1 eq 1 or ''') gt -1");
  });
});
