/**
 * LabAccountClient end to end against the embedded emulator (demo seed), for a lab plan and for a
 * classic lab account. Every test gets a fresh emulator, so state never leaks between tests.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type FaultRule } from "../../src/emulator/index.js";
import { LabAccountClient } from "../../src/clients/lab-account-client.js";
import type { ClientOptions } from "../../src/core/client-options.js";
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  ValidationError,
  isConflictError,
  isNotFoundError,
  isPermissionDeniedError,
  isValidationError,
} from "../../src/core/errors.js";
import { collect } from "../../src/core/paging.js";
import { accountId, formatGalleryId } from "../../src/core/resource-id.js";
import { runArmOperation } from "../../src/core/arm-poller.js";
import { ArmTransport, resourcePath } from "../../src/core/transport.js";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A status fault; the emulator answers with the ARM code of that status (AuthorizationFailed, …). */
function fault(status: 403 | 404 | 409 | 429, method: string, path: string): FaultRule {
  return { kind: "status", status, method, path };
}

const SUB = "00000000-0000-0000-0000-000000000000";
const RG = "labs-rg";
const GALLERY = formatGalleryId({ subscriptionId: SUB, resourceGroup: RG, name: "labgallery" });
const OTHER_GALLERY = formatGalleryId({ subscriptionId: SUB, resourceGroup: RG, name: "othergallery" });
const PLAN = accountId({ subscriptionId: SUB, resourceGroup: RG, name: "plan-westus2", kind: "labPlan" });
const CLASSIC = accountId({ subscriptionId: SUB, resourceGroup: RG, name: "classic-account", kind: "labAccount" });
const WIN11_DEFINITION = `${GALLERY}/images/win11-base`;

let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ seed: "demo", speed: 10_000, pageSize: 2 });
});
afterEach(async () => {
  await emu.close();
});

function options(extra: Partial<ClientOptions> = {}): ClientOptions {
  return { endpoint: emu.url, credential: emu.credential, pollIntervalInMs: 5, retryOptions: { maxRetries: 0 }, ...extra };
}
const client = (id: string, extra: Partial<ClientOptions> = {}) => new LabAccountClient(id, options(extra));

/** Requests sent after `mark` (an index into emu.requests). */
const since = (mark: number) => emu.requests.slice(mark);
const writes = (mark: number) => since(mark).filter((r) => r.method !== "GET");

/** Creates a second gallery in the demo region through the Compute API, as a user would. */
async function createOtherGallery(location = "westus2"): Promise<void> {
  const t = new ArmTransport(options());
  await runArmOperation(t, { method: "PUT", path: resourcePath(OTHER_GALLERY), api: "compute", body: { location, properties: {} } }, "original-uri", 5);
}

/**
 * Adds gallery images the way a user would (Compute API: definition, then a version replicated to
 * westus2), so both generations list more than one page at pageSize 2.
 */
async function addGalleryImages(): Promise<void> {
  const t = new ArmTransport(options());
  const extra = [
    { name: "ubuntu-2204", osType: "Linux", osState: "Specialized" },
    { name: "biology-2026", osType: "Windows", osState: "Specialized" },
  ];
  for (const img of extra) {
    const def = `${GALLERY}/images/${img.name}`;
    await runArmOperation(
      t,
      {
        method: "PUT",
        path: resourcePath(def),
        api: "compute",
        body: { location: "westus2", properties: { osType: img.osType, osState: img.osState, hyperVGeneration: "V1", identifier: { publisher: "Contoso", offer: img.name, sku: img.name } } },
      },
      "original-uri",
      5,
    );
    await runArmOperation(
      t,
      {
        method: "PUT",
        path: resourcePath(`${def}/versions/1.0.0`),
        api: "compute",
        body: {
          location: "westus2",
          properties: {
            publishingProfile: { targetRegions: [{ name: "westus2" }] },
            storageProfile: { source: { id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/images/${img.name}-image` } },
          },
        },
      },
      "original-uri",
      5,
    );
  }
}

const GENERATIONS = [
  { kind: "labPlan" as const, id: PLAN, principal: "c7bb12bf-0b39-4f7f-9171-f418ff39b76a", role: "Owner" },
  { kind: "labAccount" as const, id: CLASSIC, principal: "1a14be2a-e903-4cec-99cf-b2e209259a0f", role: "Contributor" },
];

describe("construction", () => {
  it("accepts a lab plan id and a classic lab account id, in any casing", () => {
    expect(client(PLAN).kind).toBe("labPlan");
    expect(client(CLASSIC).kind).toBe("labAccount");
    const lower = client(PLAN.toLowerCase());
    expect(lower.accountId).toBe(PLAN);
    expect(lower.kind).toBe("labPlan");
  });

  it.each([
    ["a lab id", `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.LabServices/labs/biology-101`],
    ["a gallery id", GALLERY],
    ["a name", "plan-westus2"],
    ["an empty string", ""],
    ["an id with a query", `${PLAN}?api-version=x`],
  ])("rejects %s with ValidationError and sends nothing", (_what, id) => {
    const mark = emu.requests.length;
    expect(() => new LabAccountClient(id, options())).toThrow(ValidationError);
    expect(since(mark)).toHaveLength(0);
  });
});

describe.each(GENERATIONS)("$kind", (gen) => {
  const attachFresh = async (c: LabAccountClient) => {
    // The demo seed's classic account may or may not start with a gallery; start from none.
    await c.detachGallery();
    return c.attachGallery(GALLERY);
  };

  describe("attachGallery / getAttachedGallery / detachGallery", () => {
    it("attaches, reports the attachment, and detaches", async () => {
      const c = client(gen.id);
      await c.detachGallery();
      expect(await c.getAttachedGallery()).toBeUndefined();

      const attached = await c.attachGallery(GALLERY);
      expect(attached).toEqual({ galleryId: GALLERY, galleryName: "labgallery", resourceGroup: RG, subscriptionId: SUB, account: gen.id });
      expect(await c.getAttachedGallery()).toEqual(attached);
      expect((await c.getAccount()).sharedGalleryId).toBe(GALLERY);

      await c.detachGallery();
      expect(await c.getAttachedGallery()).toBeUndefined();
      expect((await c.getAccount()).sharedGalleryId).toBeUndefined();
    });

    it("attaching the gallery already attached writes nothing (any casing)", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      const mark = emu.requests.length;
      const again = await c.attachGallery(GALLERY.toLowerCase());
      expect(again.galleryId).toBe(GALLERY);
      expect(writes(mark)).toEqual([]);
    });

    it("another gallery attached → ConflictError naming it; nothing written", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      await createOtherGallery();
      const mark = emu.requests.length;
      const err = await c.attachGallery(OTHER_GALLERY).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(isConflictError(err)).toBe(true);
      expect((err as ConflictError).message).toContain(GALLERY);
      expect((err as ConflictError).hint).toContain("replace: true");
      expect(writes(mark)).toEqual([]);
      expect((await c.getAttachedGallery())?.galleryId).toBe(GALLERY);
    });

    it("replace: true detaches the old gallery and attaches the new one", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      await createOtherGallery();
      const attached = await c.attachGallery(OTHER_GALLERY, { replace: true });
      expect(attached.galleryName).toBe("othergallery");
      expect((await c.getAttachedGallery())?.galleryId).toBe(OTHER_GALLERY);
    });

    it("replace: true puts the old gallery back when attaching the new one fails", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      await createOtherGallery();
      const original = ArmTransport.prototype.sendRaw;
      // The write that attaches the new gallery fails once (HTTP 500); detach and re-attach work.
      const spy = vi.spyOn(ArmTransport.prototype, "sendRaw").mockImplementation(function (this: ArmTransport, ...args: Parameters<ArmTransport["sendRaw"]>) {
        const [method, url, body] = args;
        if ((method === "PATCH" || method === "PUT") && JSON.stringify(body ?? null).includes("othergallery")) {
          emu.faults.add({ kind: "status", status: 500, method, path: new URL(url).pathname, times: 1 });
        }
        return original.apply(this, args);
      });
      try {
        const err = await c.attachGallery(OTHER_GALLERY, { replace: true }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
      } finally {
        spy.mockRestore();
      }
      expect((await c.getAttachedGallery())?.galleryId).toBe(GALLERY);
    });

    it("preflight: a gallery that does not exist → NotFoundError before any write", async () => {
      const c = client(gen.id);
      await c.detachGallery();
      const mark = emu.requests.length;
      const err = await c.attachGallery(OTHER_GALLERY).catch((e: unknown) => e);
      expect(isNotFoundError(err)).toBe(true);
      expect((err as NotFoundError).message).toContain("othergallery");
      expect(writes(mark)).toEqual([]);
    });

    it("preflight: a gallery the caller cannot read → PermissionDeniedError before any write", async () => {
      const c = client(gen.id);
      await c.detachGallery();
      emu.faults.add(fault(403, "GET", "/galleries/labgallery"));
      const mark = emu.requests.length;
      const err = await c.attachGallery(GALLERY).catch((e: unknown) => e);
      expect(isPermissionDeniedError(err)).toBe(true);
      expect((err as PermissionDeniedError).message).toContain("cannot read gallery");
      expect(writes(mark)).toEqual([]);
    });

    it("the service refusing the attach for lack of permission names the principal, the role and the az command", async () => {
      const c = client(gen.id);
      await c.detachGallery();
      const path = gen.kind === "labPlan" ? "/labPlans/plan-westus2" : "/sharedGalleries/labgallery";
      emu.faults.add(fault(403, gen.kind === "labPlan" ? "PATCH" : "PUT", path));
      const err = await c.attachGallery(GALLERY).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermissionDeniedError);
      const e = err as PermissionDeniedError;
      expect(e.message).toContain(gen.principal);
      expect(e.message).toContain(gen.role);
      expect(e.message).toContain(`az role assignment create --assignee ${gen.principal} --role ${gen.role} --scope ${GALLERY}`);
      expect(e.hint).toBe(`Run: az role assignment create --assignee ${gen.principal} --role ${gen.role} --scope ${GALLERY}`);
      expect(e.cause).toBeDefined();
    });

    it("detaching when nothing is attached is a no-op without a write", async () => {
      const c = client(gen.id);
      await c.detachGallery();
      const mark = emu.requests.length;
      await c.detachGallery();
      expect(writes(mark)).toEqual([]);
    });
  });

  describe("images", () => {
    it("lists every image over several pages, following nextLink, without duplicates", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      await addGalleryImages();
      const mark = emu.requests.length;
      const pages: number[] = [];
      for await (const page of c.listImages().byPage()) pages.push(page.length);
      const all = await collect(c.listImages());
      expect(new Set(all.map((i) => i.id.toLowerCase())).size).toBe(all.length);
      expect(all.map((i) => i.name)).toEqual(expect.arrayContaining(["win11-base", "ubuntu-2204", "biology-2026"]));
      // big-disk (256 GB OS disk) is never listed.
      expect(all.map((i) => i.name)).not.toContain("big-disk");
      expect(all.length).toBeGreaterThan(2);
      expect(pages.length).toBe(Math.ceil(all.length / 2));
      expect(pages.slice(0, -1).every((n) => n === 2)).toBe(true);
      expect(since(mark).filter((r) => r.method === "GET" && /\/(images|sharedImages)/i.test(r.path)).length).toBeGreaterThanOrEqual(pages.length);
      for (const i of all) expect(i.account).toBe(gen.id);
    });

    it("normalizes the gallery image", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      const image = await c.getImage("win11-base");
      expect(image).toMatchObject({
        name: "win11-base",
        galleryImageId: WIN11_DEFINITION,
        osType: "Windows",
        osState: "Generalized",
        source: "gallery",
        account: gen.id,
        // Lab accounts enable gallery images by default, lab plans do not.
        enabled: gen.kind === "labAccount",
      });
    });

    it("getImage accepts the name, the account's image id, the definition id and a version id", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      const byName = await c.getImage("win11-base");
      expect((await c.getImage(byName.id)).name).toBe("win11-base");
      expect((await c.getImage(WIN11_DEFINITION)).name).toBe("win11-base");
      expect((await c.getImage(`${WIN11_DEFINITION}/versions/1.0.0`)).name).toBe("win11-base");
    });

    it("getImage of an unknown name → NotFoundError listing close matches", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      const err = await c.getImage("win11-bas").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).message).toContain("win11-base");
      expect((err as NotFoundError).details[0]?.target).toBe("win11-bas");
    });

    it("enables and disables several images at once; already-set images are not written", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      await addGalleryImages();
      const gallery = (await collect(c.listImages({ source: "gallery" }))).map((i) => i.name);
      expect(gallery.length).toBe(3);

      const on = await c.setImageEnabled(gallery, true);
      expect(on.map((i) => [i.name, i.enabled])).toEqual(gallery.map((n) => [n, true]));
      expect((await collect(c.listImages({ enabled: true, source: "gallery" }))).map((i) => i.name).sort()).toEqual([...gallery].sort());

      const mark = emu.requests.length;
      await c.setImageEnabled(gallery, true);
      expect(writes(mark)).toEqual([]);

      const off = await c.setImageEnabled("win11-base", false);
      expect(off).toHaveLength(1);
      expect(off[0]?.enabled).toBe(false);
      expect((await c.getImage("win11-base")).enabled).toBe(false);
    });

    it("one unknown name among several → NotFoundError with close matches and NOTHING changed", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      const before = await collect(c.listImages());
      const target = gen.kind === "labPlan" ? true : false; // flip away from the generation's default
      const mark = emu.requests.length;
      const err = await c.setImageEnabled(["win11-base", "win11-bsae"], target).catch((e: unknown) => e);
      expect(isNotFoundError(err)).toBe(true);
      const e = err as NotFoundError;
      expect(e.message).toContain("win11-bsae");
      expect(e.message).toContain("close matches: win11-base");
      expect(e.message).toContain("Nothing was changed");
      expect(writes(mark)).toEqual([]);
      expect(await collect(c.listImages())).toEqual(before);
    });

    it("filters: enabled, source, osState, osType, displayName (server-side where supported, the rest client-side)", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      await addGalleryImages();
      await c.setImageEnabled("win11-base", true);
      await c.setImageEnabled("ubuntu-2204", false);
      const all = await collect(c.listImages());
      // Every filter below must select a proper, non-empty subset for the check to mean something.
      expect(all.some((i) => i.enabled) && all.some((i) => !i.enabled)).toBe(true);
      expect(all.some((i) => i.osType === "Linux") && all.some((i) => i.osType === "Windows")).toBe(true);
      const check = async (f: Parameters<LabAccountClient["listImages"]>[0], pred: (i: (typeof all)[number]) => boolean) => {
        const got = (await collect(c.listImages(f))).map((i) => i.name).sort();
        expect(got, JSON.stringify(f)).toEqual(all.filter(pred).map((i) => i.name).sort());
      };
      await check({ enabled: true }, (i) => i.enabled);
      await check({ enabled: false }, (i) => !i.enabled);
      await check({ source: "gallery" }, (i) => i.source === "gallery");
      await check({ source: "marketplace" }, (i) => i.source === "marketplace");
      await check({ osState: "Generalized" }, (i) => i.osState === "Generalized");
      await check({ osState: "Specialized" }, (i) => i.osState === "Specialized");
      await check({ osType: "Linux" }, (i) => i.osType === "Linux");
      await check({ displayName: "WIN" }, (i) => i.displayName.toLowerCase().includes("win"));
      await check({ enabled: true, source: "gallery", osType: "Windows" }, (i) => i.enabled && i.source === "gallery" && i.osType === "Windows");
      expect((await collect(c.listImages({ enabled: true, source: "gallery" }))).map((i) => i.name)).toContain("win11-base");
    });

    if (gen.kind === "labPlan") {
      it("sends enabled:true and displayName as $filter to the lab-plan service", async () => {
        const c = client(gen.id);
        await attachFresh(c);
        const mark = emu.requests.length;
        await collect(c.listImages({ enabled: true, displayName: "it's" }));
        const url = new URL(since(mark)[0]?.url ?? "", emu.url);
        expect(url.searchParams.get("$filter")).toBe("properties/enabledState eq 'Enabled' and indexof(tolower(properties/displayName),'it''s') gt -1");
      });
    }
  });

  it("passes abortSignal through: an aborted signal stops the call", async () => {
    const c = client(gen.id);
    const err = await c.getAccount({ abortSignal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    const listErr = await collect(c.listImages({ abortSignal: AbortSignal.abort() })).catch((e: unknown) => e);
    expect((listErr as Error).name).toBe("AbortError");
  });

  describe("getAccount", () => {
    it("returns id, kind, name, region and allowed regions", async () => {
      const info = await client(gen.id).getAccount();
      expect(info).toMatchObject({ id: gen.id, kind: gen.kind, name: gen.id.split("/").pop(), location: "westus2" });
      expect(info.allowedRegions).toEqual(gen.kind === "labPlan" ? ["westus2", "eastus"] : []);
    });
  });

  describe("typed errors from service answers", () => {
    it.each([
      [403, PermissionDeniedError],
      [404, NotFoundError],
      [409, ConflictError],
      [429, ThrottledError],
    ] as const)("HTTP %i → %o", async (status, Type) => {
      const c = client(gen.id);
      emu.faults.add(fault(status, "GET", gen.kind === "labPlan" ? "/images" : "/sharedImages"));
      await expect(collect(c.listImages())).rejects.toBeInstanceOf(Type);
    });

    it("a 409 on the enable write surfaces as ConflictError", async () => {
      const c = client(gen.id);
      await attachFresh(c);
      const target = gen.kind === "labPlan";
      emu.faults.add(fault(409, gen.kind === "labPlan" ? "PATCH" : "PUT", "win11-base"));
      await expect(c.setImageEnabled("win11-base", target)).rejects.toBeInstanceOf(ConflictError);
    });

    it("a 404 for the account itself is a NotFoundError from getAccount", async () => {
      const missing = gen.id.replace(/[^/]+$/, "nope");
      await expect(client(missing).getAccount()).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("input validation: ValidationError and zero requests", () => {
    const cases: [string, (c: LabAccountClient) => unknown][] = [
      ["attachGallery: not a gallery id", (c) => c.attachGallery("labgallery")],
      ["attachGallery: a gallery image id", (c) => c.attachGallery(WIN11_DEFINITION)],
      ["attachGallery: not a string", (c) => c.attachGallery(42 as unknown as string)],
      ["attachGallery: unknown option", (c) => c.attachGallery(GALLERY, { replaces: true } as never)],
      ["attachGallery: replace not boolean", (c) => c.attachGallery(GALLERY, { replace: "yes" } as never)],
      ["attachGallery: preflight not boolean", (c) => c.attachGallery(GALLERY, { preflight: 0 } as never)],
      ["attachGallery: abortSignal not a signal", (c) => c.attachGallery(GALLERY, { abortSignal: "x" } as never)],
      ["getAttachedGallery: unknown option", (c) => c.getAttachedGallery({ foo: 1 } as never)],
      ["detachGallery: unknown option", (c) => c.detachGallery({ force: true } as never)],
      ["getAccount: unknown option", (c) => c.getAccount({ expand: "x" } as never)],
      ["listImages: unknown filter", (c) => c.listImages({ enable: true } as never)],
      ["listImages: enabled not boolean", (c) => c.listImages({ enabled: "true" } as never)],
      ["listImages: bad source", (c) => c.listImages({ source: "market" } as never)],
      ["listImages: bad osState", (c) => c.listImages({ osState: "generalised" } as never)],
      ["listImages: bad osType", (c) => c.listImages({ osType: "Mac" } as never)],
      ["listImages: empty displayName", (c) => c.listImages({ displayName: "  " })],
      ["listImages: displayName too long", (c) => c.listImages({ displayName: "x".repeat(300) })],
      ["getImage: empty", (c) => c.getImage("")],
      ["getImage: not a string", (c) => c.getImage(undefined as unknown as string)],
      ["getImage: name with a slash", (c) => c.getImage("a/b")],
      ["getImage: name with spaces", (c) => c.getImage("win 11")],
      ["getImage: dot-dot", (c) => c.getImage("..")],
      ["getImage: an id of another kind", (c) => c.getImage(GALLERY)],
      ["getImage: an image of another account", (c) => c.getImage(`${gen.id.replace(/[^/]+$/, "other")}/${gen.kind === "labPlan" ? "images" : "sharedImages"}/win11-base`)],
      ["getImage: an image id of the other generation", (c) => c.getImage(gen.kind === "labPlan" ? `${CLASSIC}/sharedImages/win11-base` : `${PLAN}/images/win11-base`)],
      ["getImage: unknown option", (c) => c.getImage("win11-base", { x: 1 } as never)],
      ["setImageEnabled: empty list", (c) => c.setImageEnabled([], true)],
      ["setImageEnabled: one bad name in the list", (c) => c.setImageEnabled(["win11-base", "bad name"], true)],
      ["setImageEnabled: not a string", (c) => c.setImageEnabled([7 as unknown as string], true)],
      ["setImageEnabled: too many names", (c) => c.setImageEnabled(Array.from({ length: 501 }, (_, i) => `img-${i}`), true)],
      ["setImageEnabled: enabled not boolean", (c) => c.setImageEnabled("win11-base", "yes" as unknown as boolean)],
      ["setImageEnabled: unknown option", (c) => c.setImageEnabled("win11-base", true, { dryRun: true } as never)],
    ];
    it.each(cases)("%s", async (_what, call) => {
      const c = client(gen.id);
      const mark = emu.requests.length;
      let err: unknown;
      try {
        await call(c);
      } catch (e) {
        err = e;
      }
      expect(isValidationError(err), String(err)).toBe(true);
      expect((err as ValidationError).issues.length).toBeGreaterThan(0);
      expect(since(mark)).toHaveLength(0);
    });
  });
});

describe("lab plan only", () => {
  it("preflight refuses a gallery in another region; preflight: false attaches it anyway", async () => {
    await createOtherGallery("eastus");
    const c = client(PLAN);
    const mark = emu.requests.length;
    const err = await c.attachGallery(OTHER_GALLERY).catch((e: unknown) => e);
    expect(isValidationError(err)).toBe(true);
    expect((err as ValidationError).message).toContain("eastus");
    expect(writes(mark)).toEqual([]);
    const attached = await c.attachGallery(OTHER_GALLERY, { preflight: false }).catch((e: unknown) => e);
    // Whatever the service decides, the SDK sent the write.
    expect(writes(mark).length).toBeGreaterThan(0);
    void attached;
  });

  it("gallery images are disabled by default; Marketplace images are listed too", async () => {
    const c = client(PLAN);
    await c.attachGallery(GALLERY);
    const gallery = await collect(c.listImages({ source: "gallery" }));
    expect(gallery.every((i) => !i.enabled)).toBe(true);
    expect((await collect(c.listImages({ source: "marketplace" }))).length).toBeGreaterThan(0);
  });

  it("getImage reads availableRegions, which lists omit", async () => {
    const c = client(PLAN);
    await c.attachGallery(GALLERY);
    expect((await c.getImage(WIN11_DEFINITION)).availableRegions.sort()).toEqual(["eastus", "westus2"]);
  });
});
