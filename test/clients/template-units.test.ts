/**
 * Unit tests of TemplateClient's pure parts: input validation, the progress estimate, the geography
 * table and the replication helpers. The export itself is tested against the emulator in
 * template-client.test.ts.
 */
import { describe, expect, it } from "vitest";
import { GEOGRAPHIES, TemplateClient, isValidationError, regionsOfGeography } from "../../src/index.js";
import { estimateSaveFraction, inBand, TYPICAL_SAVE_MS } from "../../src/clients/template/progress.js";
import { regionProgress, replicationOutcome, resolveRequestedRegions, targetRegionSet } from "../../src/clients/template/replication.js";
import { compareVersions, newestNewVersion, type VersionInfo } from "../../src/clients/template/gallery.js";

const SUB = "00000000-0000-0000-0000-000000000000";
const LAB = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labs/biology-101`;
const CLASSIC = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labaccounts/classic-account/labs/chemistry-201`;
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = (id = LAB) => new TemplateClient(id, { credential, endpoint: "http://127.0.0.1:9" });

function syncError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a synchronous throw");
}

describe("exportToGallery input validation (synchronous, before any request)", () => {
  it("rejects a name with spaces and says why", () => {
    const e = syncError(() => client().exportToGallery({ imageName: "Biology Image" }));
    expect(isValidationError(e)).toBe(true);
    expect(e.message).toMatch(/spaces/);
    expect(e.message).toContain("Biology-Image");
  });

  it.each([
    ["", /required/],
    ["a".repeat(81), /80/],
    ["bad/name", /letters, digits/],
    ["img(1)", /gallery image definition name/],
    ["-lead", /gallery image definition name/],
    ["a..b", /gallery image definition name/],
  ])("rejects imageName %j", (imageName, why) => {
    const e = syncError(() => client().exportToGallery({ imageName }));
    expect(isValidationError(e)).toBe(true);
    expect(e.message).toMatch(why);
  });

  it("accepts valid names and region lists", () => {
    expect(() => client().exportToGallery({ imageName: "biology-2026_v1.2" })).not.toThrow();
    expect(() => client().exportToGallery({ imageName: "x", replicateTo: ["westus2", "East US"] })).not.toThrow();
    expect(() => client().exportToGallery({ imageName: "x", replicateTo: "geography" })).not.toThrow();
  });

  it("rejects unknown keys in input and options", () => {
    expect(isValidationError(syncError(() => client().exportToGallery({ imageName: "x", replicate: "geography" } as never)))).toBe(true);
    expect(isValidationError(syncError(() => client().exportToGallery({ imageName: "x" }, { pollInterval: 5 } as never)))).toBe(true);
    expect(isValidationError(syncError(() => client().exportToGallery({ imageName: "x", replicateTo: [] })))).toBe(true);
    expect(isValidationError(syncError(() => client().exportToGallery({ imageName: "x", replicateTo: "everywhere" as never })))).toBe(true);
  });

  it("requires the experimental opt-in for classic labs, and explains why", () => {
    const e = syncError(() => client(CLASSIC).exportToGallery({ imageName: "x" }));
    expect(isValidationError(e)).toBe(true);
    expect(e.message).toMatch(/experimentalClassicSaveImage/);
    expect(e.message).toMatch(/no public save-image API/);
    expect(() => client(CLASSIC).exportToGallery({ imageName: "x" }, { experimentalClassicSaveImage: true })).not.toThrow();
  });

  it("refuses a region list for classic labs (they replicate across the geography themselves)", () => {
    const e = syncError(() => client(CLASSIC).exportToGallery({ imageName: "x", replicateTo: ["eastus"] }, { experimentalClassicSaveImage: true }));
    expect(e.message).toMatch(/geography by themselves/);
  });

  it("rejects a lab id of another kind and a bad resume token", () => {
    expect(isValidationError(syncError(() => new TemplateClient(`/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labPlans/p`)))).toBe(true);
    expect(isValidationError(syncError(() => TemplateClient.resumeExport("nope", { credential })))).toBe(true);
  });
});

describe("progress estimate", () => {
  it("is linear to 90 % at the typical duration, then creeps below 99 %", () => {
    expect(estimateSaveFraction(0)).toBe(0);
    expect(estimateSaveFraction(TYPICAL_SAVE_MS / 2)).toBeCloseTo(0.45);
    expect(estimateSaveFraction(TYPICAL_SAVE_MS)).toBeCloseTo(0.9);
    expect(estimateSaveFraction(TYPICAL_SAVE_MS * 3)).toBeLessThan(0.99);
    expect(estimateSaveFraction(TYPICAL_SAVE_MS * 50)).toBeLessThanOrEqual(0.99);
    let last = -1;
    for (let t = 0; t < TYPICAL_SAVE_MS * 5; t += 7_000) {
      const f = estimateSaveFraction(t);
      expect(f).toBeGreaterThanOrEqual(last);
      last = f;
    }
  });
  it("maps into bands", () => {
    expect(inBand(5, 60, 0)).toBe(5);
    expect(inBand(5, 60, 1)).toBe(60);
    expect(inBand(5, 60, 2)).toBe(60);
  });
});

describe("geographies", () => {
  it("ships the table as data", () => {
    expect(GEOGRAPHIES.map((g) => g.name)).toEqual(expect.arrayContaining(["United States", "Europe", "Asia Pacific"]));
    expect(regionsOfGeography("West US 2")).toContain("eastus");
    expect(regionsOfGeography("westeurope")).toEqual(["northeurope", "westeurope"]);
    expect(regionsOfGeography("mars")).toBeUndefined();
  });
  it("resolves replicateTo", () => {
    expect(resolveRequestedRegions(["West US", "westus", "East US 2"], "westus2")).toEqual(["westus", "eastus2"]);
    expect(resolveRequestedRegions("geography", "eastasia")).toEqual(["eastasia", "southeastasia"]);
    expect(() => resolveRequestedRegions("geography", "mars")).toThrow(/geography/);
  });
});

describe("replication helpers", () => {
  const version = (over: Partial<VersionInfo>): VersionInfo => ({
    id: "x" as VersionInfo["id"],
    name: "1.0.0",
    location: "West US 2",
    provisioningState: "Succeeded",
    targetRegions: [{ name: "West US 2" }],
    storageProfile: {},
    aggregatedState: undefined,
    summary: [],
    ...over,
  });
  it("keeps the source and existing regions", () => {
    expect(targetRegionSet(version({ targetRegions: [{ name: "West US 2" }, { name: "Japan East" }] }), ["eastus", "westus2"])).toEqual([
      "westus2",
      "japaneast",
      "eastus",
    ]);
  });
  it("reports per-region progress and the outcome", () => {
    const v = version({
      summary: [
        { region: "West US 2", state: "Completed", progress: 100, details: "" },
        { region: "East US", state: "Replicating", progress: 40, details: "" },
      ],
    });
    const regions = regionProgress(v, ["westus2", "eastus", "centralus"]);
    expect(regions).toEqual([
      { region: "westus2", state: "Completed", progress: 100 },
      { region: "eastus", state: "Replicating", progress: 40 },
      { region: "centralus", state: "Unknown", progress: 0 },
    ]);
    expect(replicationOutcome(v, regions).kind).toBe("running");
    const done = version({ summary: [{ region: "West US 2", state: "Completed", progress: 100, details: "" }] });
    expect(replicationOutcome(done, regionProgress(done, ["westus2"])).kind).toBe("completed");
    const failed = version({ summary: [{ region: "West US 2", state: "Failed", progress: 0, details: "disk too big" }] });
    expect(replicationOutcome(failed, regionProgress(failed, []))).toEqual({ kind: "failed", message: "West US 2: disk too big" });
  });
  it("orders versions numerically and finds the new one", () => {
    expect(["1.0.10", "1.0.9", "2.0.0"].sort(compareVersions)).toEqual(["1.0.9", "1.0.10", "2.0.0"]);
    expect(newestNewVersion(["1.0.0", "1.0.1", "1.0.2"], ["1.0.0", "1.0.1"])).toBe("1.0.2");
    expect(newestNewVersion(["1.0.0"], ["1.0.0"])).toBeUndefined();
  });
});
