import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accountId,
  detectResourceKind,
  formatGalleryImageVersionId,
  formatLabId,
  formatLabPlanId,
  formatResourceId,
  galleryImageIdFromVersion,
  isResourceId,
  parentResourceId,
  parseResourceId,
  validateName,
  type ResourceIdParts,
  type ResourceKind,
} from "../../src/core/resource-id.js";
import { isValidationError, ValidationError } from "../../src/core/errors.js";

const SUB = "1b2c3d4e-0000-4a4a-9f9f-0123456789ab";
const RG = "labs-rg";
const LS = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.LabServices`;
const CO = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute`;

/** One sample per kind: the parts and the canonical id they format to. */
const SAMPLES: Record<ResourceKind, { names: Record<string, string>; id: string }> = {
  labPlan: { names: { labPlan: "plan-westus2" }, id: `${LS}/labPlans/plan-westus2` },
  labPlanImage: {
    names: { labPlan: "plan", image: "microsoftwindowsdesktop.windows-11.win11-22h2-pro" },
    id: `${LS}/labPlans/plan/images/microsoftwindowsdesktop.windows-11.win11-22h2-pro`,
  },
  lab: { names: { lab: "Lab_(2024)" }, id: `${LS}/labs/Lab_(2024)` },
  labVirtualMachine: { names: { lab: "lab1", virtualMachine: "0" }, id: `${LS}/labs/lab1/virtualMachines/0` },
  labAccount: { names: { labAccount: "acct" }, id: `${LS}/labaccounts/acct` },
  classicLab: { names: { labAccount: "acct", lab: "lab1" }, id: `${LS}/labaccounts/acct/labs/lab1` },
  environmentSetting: {
    names: { labAccount: "acct", lab: "lab1", environmentSetting: "default" },
    id: `${LS}/labaccounts/acct/labs/lab1/environmentsettings/default`,
  },
  labAccountSharedGallery: { names: { labAccount: "acct", sharedGallery: "my_gallery.1" }, id: `${LS}/labaccounts/acct/sharedGalleries/my_gallery.1` },
  labAccountSharedImage: { names: { labAccount: "acct", sharedImage: "img-1" }, id: `${LS}/labaccounts/acct/sharedImages/img-1` },
  gallery: { names: { gallery: "gal1" }, id: `${CO}/galleries/gal1` },
  galleryImage: { names: { gallery: "gal1", image: "win-11.base_x" }, id: `${CO}/galleries/gal1/images/win-11.base_x` },
  galleryImageVersion: { names: { gallery: "gal1", image: "img", version: "1.0.20240101" }, id: `${CO}/galleries/gal1/images/img/versions/1.0.20240101` },
};
const KINDS = Object.keys(SAMPLES) as ResourceKind[];
const parts = (k: ResourceKind): ResourceIdParts => ({ subscriptionId: SUB, resourceGroup: RG, names: { ...SAMPLES[k].names } });

function expectValidation(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect(isValidationError(e)).toBe(true);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError, nothing was thrown");
}

describe("resource ids: round trip", () => {
  it.each(KINDS)("%s formats, parses and formats back to the same id", (kind) => {
    const id = formatResourceId(kind, parts(kind));
    expect(id).toBe(SAMPLES[kind].id);
    const parsed = parseResourceId(id, kind);
    expect(parsed.kind).toBe(kind);
    expect(parsed.id).toBe(id);
    expect(parsed.subscriptionId).toBe(SUB);
    expect(parsed.resourceGroup).toBe(RG);
    expect(parsed.names).toEqual(SAMPLES[kind].names);
    expect(formatResourceId(kind, parsed)).toBe(id);
    expect(isResourceId(id, kind)).toBe(true);
  });

  it.each(KINDS)("%s is detected as its own kind and no other", (kind) => {
    expect(detectResourceKind(SAMPLES[kind].id)).toBe(kind);
    for (const other of KINDS.filter((k) => k !== kind)) {
      expect(isResourceId(SAMPLES[kind].id, other)).toBe(false);
    }
  });

  it.each(KINDS)("%s matches provider and type segments case-insensitively and returns canonical casing", (kind) => {
    const id = SAMPLES[kind].id;
    const segs = id.split("/");
    // Segments 1, 3 and every odd one from 7 on are names; the rest are fixed words.
    const isName = (i: number) => i === 2 || i === 4 || (i >= 8 && i % 2 === 0);
    for (const f of [(s: string) => s.toUpperCase(), (s: string) => s.toLowerCase()]) {
      const mangled = segs.map((s, i) => (i === 0 || isName(i) ? s : f(s))).join("/");
      expect(mangled).not.toBe(id);
      const parsed = parseResourceId(mangled, kind);
      expect(parsed.id).toBe(id);
      expect(parsed.names).toEqual(SAMPLES[kind].names);
    }
  });

  it("accepts a trailing slash and keeps the parent relation", () => {
    const p = parseResourceId(`${SAMPLES.labPlanImage.id}/`, "labPlanImage");
    expect(p.id).toBe(SAMPLES.labPlanImage.id);
    expect(parentResourceId(p)).toBe(`${LS}/labPlans/plan`);
  });

  it("convenience builders agree with the table", () => {
    expect(formatLabPlanId({ subscriptionId: SUB, resourceGroup: RG, name: "plan-westus2" })).toBe(SAMPLES.labPlan.id);
    expect(accountId({ subscriptionId: SUB, resourceGroup: RG, name: "acct", kind: "labAccount" })).toBe(SAMPLES.labAccount.id);
    const v = formatGalleryImageVersionId({ subscriptionId: SUB, resourceGroup: RG, gallery: "gal1", image: "img", version: "1.0.20240101" });
    expect(v).toBe(SAMPLES.galleryImageVersion.id);
    expect(galleryImageIdFromVersion(v)).toBe(`${CO}/galleries/gal1/images/img`);
  });

  it("an id of the wrong kind is a ValidationError naming the expected shape", () => {
    const e = expectValidation(() => parseResourceId(SAMPLES.lab.id, "labPlan"));
    expect(e.message).toMatch(/lab plan/);
    expect(e.message).toContain("/labPlans/{labPlan}");
    expectValidation(() => parseResourceId(SAMPLES.gallery.id.replace("Microsoft.Compute", "Microsoft.LabServices"), "gallery"));
    expectValidation(() => parseResourceId(`${SAMPLES.lab.id}/extra`, "lab"));
  });
});

describe("resource ids: hostile input", () => {
  const hostileNames = [
    "..",
    ".",
    "...",
    "%2e%2e",
    "a%2Fb",
    "a/b",
    "a?b",
    "a#b",
    "a\\b",
    "caf\u00e9",
    "\u0430dmin", // Cyrillic a
    "a\u0000b",
    "a\nb",
    "a\u007fb",
    "a b",
    "",
    "x".repeat(10_240),
  ];

  it.each(KINDS)("formatting %s with a hostile name throws ValidationError for every name slot", (kind) => {
    for (const key of Object.keys(SAMPLES[kind].names)) {
      for (const bad of hostileNames) {
        const p = parts(kind);
        p.names[key] = bad;
        expectValidation(() => formatResourceId(kind, p));
      }
    }
  });

  it("hostile subscription and resource group values are refused", () => {
    for (const bad of ["..", "%2e%2e", "rg/../x", "rg?x", "rg#x", "rg\\x", "rg.", "", "r\u00e9", "x".repeat(10_240)]) {
      expectValidation(() => formatResourceId("lab", { ...parts("lab"), resourceGroup: bad }));
    }
    for (const bad of ["not-a-guid", `${SUB}/x`, "..", ""]) {
      expectValidation(() => formatResourceId("lab", { ...parts("lab"), subscriptionId: bad }));
    }
  });

  const hostileIds = [
    "",
    "subscriptions/x",
    `${LS}/labs/..`,
    `${LS}/labs/.`,
    `${LS}/labs/%2e%2e`,
    `${LS}/labs/a%2Fb`,
    `${LS}/labs/lab1?api-version=1`,
    `${LS}/labs/lab1#frag`,
    `${LS}/labs/lab1\\..\\x`,
    `${LS}/labs/l\u00e4b`,
    `${LS}/labs/lab\u0001`,
    `${LS}/labs/lab 1`,
    `${LS}/labs//lab1`,
    `${LS}/labs/lab1/../../labPlans/p`,
    `//evil.example/${LS}/labs/lab1`,
    `https://evil.example${LS}/labs/lab1`,
    `${LS}/labs/${"a".repeat(10_240)}`,
    `/subscriptions/${SUB}/resourceGroups/../providers/Microsoft.LabServices/labs/lab1`,
  ];

  it.each(hostileIds.map((id) => [id.length > 80 ? `${id.slice(0, 77)}...` : id, id]))("parse refuses %j", (_label, id) => {
    expectValidation(() => parseResourceId(id as string));
    expect(detectResourceKind(id as string)).toBeUndefined();
  });

  it("non-string ids are ValidationErrors, not TypeErrors", () => {
    for (const v of [undefined, null, 42, {}, ["a"]]) expectValidation(() => parseResourceId(v as unknown as string));
  });

  it("validateName refuses dot-only names for every rule", () => {
    for (const rule of ["labServices", "gallery", "galleryImage", "resourceGroup"] as const) {
      for (const bad of [".", ".."]) expectValidation(() => validateName(rule, bad));
    }
    expect(validateName("labServices", "a.b")).toBe("a.b");
  });
});

describe("resource ids: property-based", () => {
  const unsafe = (id: string) => /[?#\\%\s]/.test(id) || id.split("/").some((s) => s === ".." || s === ".") || id.includes("//");

  it("formatting never yields ?, #, backslash, % or a dot segment, whatever the names", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.array(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("..", ".", "%2e%2e", "a/b", "a?b")), { minLength: 4, maxLength: 4 }),
        (kind, names) => {
          const p = parts(kind);
          Object.keys(p.names).forEach((k, i) => {
            p.names[k] = names[i] as string;
          });
          let id: string;
          try {
            id = formatResourceId(kind, p);
          } catch (e) {
            return e instanceof ValidationError;
          }
          return !unsafe(id) && parseResourceId(id, kind).id === id;
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("parsing random strings only ever returns ValidationError or a safe canonical id", () => {
    const segment = fc.oneof(fc.string(), fc.constantFrom("..", ".", "%2F", "labs", "Microsoft.LabServices", "providers", "x"));
    const idArb = fc.oneof(
      fc.string(),
      fc.array(segment, { maxLength: 12 }).map((s) => `${LS}/${s.join("/")}`),
      fc.array(segment, { maxLength: 14 }).map((s) => `/${s.join("/")}`),
    );
    fc.assert(
      fc.property(idArb, (id) => {
        try {
          const p = parseResourceId(id);
          return !unsafe(p.id) && parseResourceId(p.id, p.kind).id === p.id;
        } catch (e) {
          return e instanceof ValidationError;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("names with '..' or a trailing '.'", () => {
  // The Lab Services pattern admits these; the SDK refuses them (found by the hostile-input suite,
  // where "..0" slipped through getImage and LabClient.get and was sent).
  it.each(["..0", "a..b", "lab.", "..", "."])("refuses %j as a lab name", (name) => {
    expect(() => formatLabId({ subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "rg", name })).toThrow(ValidationError);
  });
  it.each(["a.b", "publisher.offer.sku", "v1.0"])("keeps %j", (name) => {
    expect(formatLabId({ subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "rg", name })).toContain(`/labs/${name}`);
  });
});
