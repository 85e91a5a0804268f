/**
 * LabClient against the embedded emulator: both generations end to end, every validation rule
 * (each asserting that no request was sent), the version-id normalization, preflight paths,
 * ifExists, abort/resume and a failed creation.
 */
import { AzureLogger, setLogLevel, getLogLevel, type AzureLogLevel } from "@azure/logger";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ConflictError,
  ImageCredentialsError,
  ImageNotReplicatedError,
  LabClient,
  NotFoundError,
  OperationFailedError,
  ValidationError,
  type CreateLabOptions,
  type GalleryImage,
  type LabPlanId,
} from "../../src/index.js";
import { startEmulator } from "../../src/emulator/index.js";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const SUB = "00000000-0000-0000-0000-000000000000";
const RG = `/subscriptions/${SUB}/resourceGroups/labs-rg`;
const PLAN = `${RG}/providers/Microsoft.LabServices/labPlans/plan-westus2` as LabPlanId;
const ACCOUNT = `${RG}/providers/Microsoft.LabServices/labaccounts/classic-account`;
const GALLERY = `${RG}/providers/Microsoft.Compute/galleries/labgallery`;
const WIN11 = `${GALLERY}/images/win11-base`;
const WIN11_V1 = `${WIN11}/versions/1.0.0`;
const PASSWORD = "Sup3r-Secret-Pw!";

let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ seed: "demo", speed: 1000 });
});
afterEach(async () => {
  await emu.close();
});

function client(accountId: string = PLAN): LabClient {
  return new LabClient(accountId, { endpoint: emu.url, credential: emu.credential, pollIntervalInMs: 20 });
}

/** Sends one ARM request to the emulator (test setup only). */
async function arm(method: string, path: string, apiVersion: string, body?: unknown): Promise<unknown> {
  const token = await emu.credential.getToken("https://management.azure.com/.default");
  const res = await fetch(`${emu.url}${path}?api-version=${apiVersion}`, {
    method,
    headers: { authorization: `Bearer ${token?.token ?? ""}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`setup ${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function attachGallery(): Promise<void> {
  await arm("PATCH", PLAN, "2023-06-07", { properties: { sharedGalleryId: GALLERY } });
}
async function enableWin11(): Promise<void> {
  await arm("PATCH", `${PLAN}/images/win11-base`, "2023-06-07", { properties: { enabledState: "Enabled" } });
}
async function planReady(): Promise<void> {
  await attachGallery();
  await enableWin11();
}
async function attachClassicGallery(): Promise<void> {
  await arm("PUT", `${ACCOUNT}/sharedGalleries/labgallery`, "2019-01-01-preview", { properties: { galleryId: GALLERY } });
}

/** Adds a Specialized definition (as Lab Services exports make) with one version, and waits until the plan lists it. */
async function addSpecializedImage(name = "bio-special"): Promise<string> {
  const def = `${GALLERY}/images/${name}`;
  await arm("PUT", def, "2023-07-03", {
    location: "westus2",
    properties: { osType: "Windows", osState: "Specialized", hyperVGeneration: "V1", identifier: { publisher: "lab", offer: "bio", sku: name } },
  });
  await arm("PUT", `${def}/versions/1.0.0`, "2023-07-03", {
    location: "westus2",
    properties: {
      publishingProfile: { targetRegions: [{ name: "westus2" }] },
      storageProfile: { source: { id: `${RG}/providers/Microsoft.LabServices/labs/biology-101/virtualMachines/0` } },
    },
  });
  for (let i = 0; i < 100; i++) {
    const list = (await arm("GET", `${PLAN}/images`, "2023-06-07")) as { value: { name: string }[] };
    if (list.value.some((x) => x.name === name)) return def;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`setup: ${name} never listed`);
}

function opts(over: Partial<CreateLabOptions> = {}): CreateLabOptions {
  return {
    name: "chem-201",
    image: WIN11,
    sku: "Classic_Fsv2_2_4GB_128_S_SSD",
    usageQuota: { hours: 10 },
    credentials: { kind: "new", adminUser: { username: "labadmin", password: PASSWORD } },
    ...over,
  } as CreateLabOptions;
}

/** A GalleryImage as LabAccountClient returns it, known without a request. */
function galleryImage(over: Partial<GalleryImage> = {}): GalleryImage {
  return {
    name: "win11-base",
    displayName: "win11-base",
    id: `${PLAN}/images/win11-base`,
    galleryImageId: WIN11 as GalleryImage["galleryImageId"],
    osType: "Windows",
    osState: "Generalized",
    enabled: true,
    availableRegions: ["westus2", "eastus"],
    source: "gallery",
    account: PLAN,
    ...over,
  };
}

const writes = () => emu.requests.filter((r) => r.method !== "GET");

function captureLog(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const before = AzureLogger.log;
  const level: AzureLogLevel | undefined = getLogLevel();
  setLogLevel("warning");
  AzureLogger.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  return {
    lines,
    restore: () => {
      AzureLogger.log = before;
      if (level) setLogLevel(level);
    },
  };
}

/** Runs `fn`, expects it to throw synchronously, and checks nothing was sent and no password leaked. */
function expectRejectedBeforeSending(fn: () => unknown, errorClass: new (...a: never[]) => Error, pattern?: RegExp): Error {
  const before = emu.requests.length;
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(errorClass);
  const err = thrown as Error & { issues?: unknown; hint?: string };
  if (pattern) expect(err.message).toMatch(pattern);
  expect(`${err.message} ${JSON.stringify(err.issues ?? [])} ${err.hint ?? ""}`).not.toContain(PASSWORD);
  expect(emu.requests.length).toBe(before);
  return err;
}

describe("createFromGalleryImage on a lab plan", () => {
  it("creates a lab from a Generalized gallery image definition, end to end", async () => {
    await planReady();
    const labs = client();
    const states: string[] = [];
    const poller = labs.createFromGalleryImage(opts({ title: "Chemistry 201" }), { intervalInMs: 20 });
    poller.onProgress((s) => states.push(`${s.phase}:${s.provisioningState ?? ""}`));
    const lab = await poller;

    expect(lab.name).toBe("chem-201");
    expect(lab.provisioningState).toBe("Succeeded");
    expect(lab.galleryImageId?.toLowerCase()).toBe(WIN11.toLowerCase());
    expect(lab.adminUsername).toBe("labadmin");
    expect(poller.operationState?.percentComplete).toBe(100);
    expect(states.at(-1)).toBe("done:Succeeded");
    expect(states.some((s) => s.startsWith("creating:"))).toBe(true);

    const puts = emu.requests.filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path.toLowerCase()).toBe(`${RG}/providers/Microsoft.LabServices/labs/chem-201`.toLowerCase());
    const stored = (await arm("GET", `${RG}/providers/Microsoft.LabServices/labs/chem-201`, "2023-06-07")) as {
      properties: { labPlanId: string; virtualMachineProfile: { imageReference: { id: string }; adminUser: { username: string; password?: string } } };
    };
    expect(stored.properties.virtualMachineProfile.imageReference.id.toLowerCase()).toBe(WIN11.toLowerCase());
    expect(stored.properties.labPlanId.toLowerCase()).toBe(PLAN.toLowerCase());
    expect(stored.properties.virtualMachineProfile.adminUser.password).toBeUndefined();
  });

  it("turns a gallery image version id into its definition id, with a warning that says why", async () => {
    await planReady();
    const log = captureLog();
    let poller;
    try {
      poller = client().createFromGalleryImage(opts({ image: WIN11_V1 }), { intervalInMs: 20 });
    } finally {
      log.restore();
    }
    const warning = log.lines.find((l) => l.includes("version"));
    expect(warning).toBeDefined();
    expect(warning).toContain("win11-base");
    expect(warning).toMatch(/last segment/);
    expect(warning).toMatch(/ResourceNotFound/);
    const lab = await poller;
    expect(lab.galleryImageId?.toLowerCase()).toBe(WIN11.toLowerCase());
  });

  it("accepts a GalleryImage and a lab-plan image id", async () => {
    await planReady();
    const a = await client().createFromGalleryImage(opts({ name: "from-object", image: galleryImage() }), { intervalInMs: 20 });
    const b = await client().createFromGalleryImage(opts({ name: "from-plan-image-id", image: `${PLAN}/images/win11-base` }), { intervalInMs: 20 });
    expect(a.galleryImageId?.toLowerCase()).toBe(WIN11.toLowerCase());
    expect(b.galleryImageId?.toLowerCase()).toBe(WIN11.toLowerCase());
  });

  it("stops with ImageNotReplicatedError when the image is not in the lab's region, before any write", async () => {
    await attachGallery();
    await enableWin11();
    await arm("PATCH", PLAN, "2023-06-07", { properties: { allowedRegions: ["westus2", "centralus"] } });
    const before = writes().length;
    const err = await client()
      .createFromGalleryImage(opts({ location: "centralus" }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotReplicatedError);
    const e = err as ImageNotReplicatedError;
    expect(e.region).toBe("centralus");
    expect([...e.availableRegions].map((r) => r.toLowerCase().replace(/\s/g, "")).sort()).toEqual(["eastus", "westus2"]);
    expect(e.hint).toMatch(/replicat/i);
    expect(writes().length).toBe(before);
  });

  it("stops when the region is not allowed by the lab plan, before any write", async () => {
    await planReady();
    const before = writes().length;
    const err = await client()
      .createFromGalleryImage(opts({ location: "westeurope" }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toBe("location");
    expect(writes().length).toBe(before);
  });

  it("stops when the image is disabled on the plan, and says how to enable it", async () => {
    await attachGallery();
    const before = writes().length;
    const err = await client()
      .createFromGalleryImage(opts())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/disabled/);
    expect((err as ValidationError).hint).toMatch(/enableImage/);
    expect(writes().length).toBe(before);
  });

  it("enables a disabled image first with enableImage: true", async () => {
    await attachGallery();
    const lab = await client().createFromGalleryImage(opts(), { enableImage: true, intervalInMs: 20 });
    expect(lab.provisioningState).toBe("Succeeded");
    const patchIndex = emu.requests.findIndex((r) => r.method === "PATCH" && r.path.toLowerCase().endsWith("/images/win11-base"));
    const putIndex = emu.requests.findIndex((r) => r.method === "PUT");
    expect(patchIndex).toBeGreaterThanOrEqual(0);
    expect(patchIndex).toBeLessThan(putIndex);
    const image = (await arm("GET", `${PLAN}/images/win11-base`, "2023-06-07")) as { properties: { enabledState?: string } };
    expect(image.properties.enabledState).toBe("Enabled");
  });

  it("reports an image the plan does not have as NotFoundError with close matches", async () => {
    await planReady();
    const err = await client()
      .createFromGalleryImage(opts({ image: `${GALLERY}/images/win11-bas` }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain("win11-base");
    expect(writes().filter((r) => r.method === "PUT")).toHaveLength(0);
  });

  it("explains an image hidden by the 128 GB OS disk limit", async () => {
    await planReady();
    const err = await client()
      .createFromGalleryImage(opts({ image: `${GALLERY}/images/big-disk` }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/128 GB/);
    expect(writes().filter((r) => r.method === "PUT")).toHaveLength(0);
  });

  it("checks credentials against the image's OS state after the preflight read, before any write", async () => {
    await planReady();
    // Known only by id: the OS state (Generalized) is learned from the preflight read.
    const before = writes().length;
    const err = await client()
      .createFromGalleryImage(opts({ credentials: { kind: "fromImage", username: "labadmin", password: PASSWORD } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageCredentialsError);
    expect((err as Error).message).toMatch(/Generalized/);
    expect(writes().length).toBe(before);
  });

  it("skips the reads with preflight: false but still validates the input", async () => {
    await planReady();
    expectRejectedBeforeSending(
      () => client().createFromGalleryImage(opts({ usageQuota: { hours: 10_000 } }), { preflight: false }),
      ValidationError,
    );
    const from = emu.requests.length;
    const lab = await client().createFromGalleryImage(opts({ location: "westus2" }), { preflight: false, intervalInMs: 20 });
    expect(lab.provisioningState).toBe("Succeeded");
    const paths = emu.requests.slice(from).map((r) => `${r.method} ${r.path.toLowerCase()}`);
    expect(paths.some((p) => p.includes("/images"))).toBe(false);
    expect(paths).not.toContain(`GET ${PLAN.toLowerCase()}`);
  });

  it("ifExists: fail (default) raises ConflictError and writes nothing", async () => {
    await planReady();
    await client().createFromGalleryImage(opts(), { intervalInMs: 20 });
    const puts = emu.requests.filter((r) => r.method === "PUT").length;
    const err = await client()
      .createFromGalleryImage(opts())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).hint).toMatch(/reuse/);
    expect(emu.requests.filter((r) => r.method === "PUT").length).toBe(puts);
  });

  it("ifExists: reuse returns a lab made from the same image, and conflicts for another image", async () => {
    await planReady();
    const first = await client().createFromGalleryImage(opts(), { intervalInMs: 20 });
    const puts = emu.requests.filter((r) => r.method === "PUT").length;
    const again = await client().createFromGalleryImage(opts(), { ifExists: "reuse", intervalInMs: 20 });
    expect(again.id).toBe(first.id);
    expect(emu.requests.filter((r) => r.method === "PUT").length).toBe(puts);

    // biology-101 exists in the seed and was not made from win11-base.
    const err = await client()
      .createFromGalleryImage(opts({ name: "biology-101" }), { ifExists: "reuse" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
  });

  it("aborts, serializes without the password, and resumes by polling only", async () => {
    await planReady();
    const poller = client().createFromGalleryImage(opts(), { intervalInMs: 50 });
    await poller.submitted();
    const controller = new AbortController();
    const waiting = poller.pollUntilDone({ abortSignal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });

    const token = await poller.serialize();
    expect(token).not.toContain(PASSWORD);
    const decoded = Buffer.from(token.slice(token.indexOf(".") + 1), "base64url").toString("utf8");
    expect(decoded).not.toContain(PASSWORD);
    expect(decoded.toLowerCase()).not.toContain("password");

    const puts = emu.requests.filter((r) => r.method === "PUT").length;
    const lab = await LabClient.resumeCreate(token, { endpoint: emu.url, credential: emu.credential, pollIntervalInMs: 20 });
    expect(lab.name).toBe("chem-201");
    expect(lab.provisioningState).toBe("Succeeded");
    expect(emu.requests.filter((r) => r.method === "PUT").length).toBe(puts);
  });

  it("rejects a token of another kind", () => {
    expect(() => LabClient.resumeCreate("lgpoll1.e30", { endpoint: emu.url, credential: emu.credential })).toThrow(ValidationError);
  });

  it("creates a lab from a Specialized image with the template's original credentials", async () => {
    await attachGallery();
    const def = await addSpecializedImage();
    const lab = await client().createFromGalleryImage(
      opts({ name: "bio-copy", image: def, credentials: { kind: "fromImage", username: "labadmin", password: PASSWORD } }),
      { enableImage: true, intervalInMs: 20 },
    );
    expect(lab.provisioningState).toBe("Succeeded");
    expect(lab.galleryImageId?.toLowerCase()).toBe(def.toLowerCase());
    expect(lab.adminUsername).toBe("labadmin");
  });

  it("rejects new credentials for a Specialized image known by id, after the read and before any write", async () => {
    await attachGallery();
    const def = await addSpecializedImage();
    const before = writes().length;
    const err = await client()
      .createFromGalleryImage(opts({ image: def }), { enableImage: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageCredentialsError);
    expect((err as Error).message).toMatch(/Specialized/);
    expect((err as ImageCredentialsError).hint).toMatch(/fromImage/);
    expect(writes().length).toBe(before);
  });

  it("turns a failed creation into OperationFailedError with the service's code", async () => {
    await planReady();
    emu.faults.add({ kind: "lroFail", code: "LabQuotaExceeded", message: "The subscription has no core quota left in westus2." });
    const err = await client()
      .createFromGalleryImage(opts(), { intervalInMs: 20 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationFailedError);
    expect((err as OperationFailedError).code).toBe("LabQuotaExceeded");
    expect((err as Error).message).toContain("core quota");
  });
});

describe("createFromGalleryImage on a classic lab account", () => {
  it("creates a lab with createLab and follows the lab and its template until Succeeded", async () => {
    await attachClassicGallery();
    const labs = client(ACCOUNT);
    const lab = await labs.createFromGalleryImage(opts({ name: "classic-chem", sku: "Medium" }), { intervalInMs: 20 });
    expect(lab.name).toBe("classic-chem");
    expect(lab.provisioningState).toBe("Succeeded");
    expect(lab.id.toLowerCase()).toBe(`${ACCOUNT}/labs/classic-chem`.toLowerCase());
    const post = emu.requests.find((r) => r.method === "POST");
    expect(post?.path.toLowerCase()).toBe(`${ACCOUNT}/createLab`.toLowerCase());
    expect(emu.requests.some((r) => r.method === "GET" && r.path.toLowerCase().endsWith("/labs/classic-chem/environmentsettings/default"))).toBe(true);
    const got = await labs.get("classic-chem");
    expect(got.name).toBe("classic-chem");
  });

  it("reuses, conflicts, fails typed, resumes, gets and lists on a lab account", async () => {
    await attachClassicGallery();
    const labs = client(ACCOUNT);
    const poller = labs.createFromGalleryImage(opts({ name: "classic-bio", sku: "Medium" }), { intervalInMs: 20 });
    await poller.submitted();
    const token = await poller.serialize();
    expect(Buffer.from(token.slice(token.indexOf(".") + 1), "base64url").toString("utf8")).not.toContain(PASSWORD);
    const posts = emu.requests.filter((r) => r.method === "POST").length;
    const lab = await LabClient.resumeCreate(token, { endpoint: emu.url, credential: emu.credential, pollIntervalInMs: 20 });
    expect(lab.provisioningState).toBe("Succeeded");
    expect(emu.requests.filter((r) => r.method === "POST").length).toBe(posts);

    const again = await labs.createFromGalleryImage(opts({ name: "classic-bio", sku: "Medium" }), { ifExists: "reuse" });
    expect(again.id).toBe(lab.id);
    await expect(labs.createFromGalleryImage(opts({ name: "classic-bio", sku: "Medium" }))).rejects.toBeInstanceOf(ConflictError);
    // chemistry-101 exists in the seed, made from a Marketplace image.
    await expect(labs.createFromGalleryImage(opts({ name: "chemistry-201", sku: "Medium" }), { ifExists: "reuse" })).rejects.toBeInstanceOf(ConflictError);
    expect(emu.requests.filter((r) => r.method === "POST").length).toBe(posts);

    emu.faults.add({ kind: "lroFail", code: "LabQuotaExceeded", message: "No quota." });
    await expect(labs.createFromGalleryImage(opts({ name: "classic-fail", sku: "Medium" }), { intervalInMs: 20 })).rejects.toBeInstanceOf(OperationFailedError);

    const names: string[] = [];
    for await (const l of labs.list()) names.push(l.name);
    expect(names).toEqual(expect.arrayContaining(["classic-bio", "chemistry-201"]));
    const got = await labs.get("classic-bio");
    expect(got.galleryImageId?.toLowerCase()).toBe(WIN11.toLowerCase());
    // DELETE labaccounts/{a}/labs/{l} (Labs_Delete, 2018-10-15) is not served by the emulator yet: not tested here.
  });

  it("rejects a non-admin user synchronously", () => {
    expectRejectedBeforeSending(
      () =>
        client(ACCOUNT).createFromGalleryImage(
          opts({ credentials: { kind: "new", adminUser: { username: "labadmin", password: PASSWORD }, nonAdminUser: { username: "student", password: PASSWORD } } }),
        ),
      ValidationError,
      /nonAdminUser/,
    );
  });
});

describe("validation: each rule throws synchronously and sends nothing", () => {
  const specialized = () => galleryImage({ osState: "Specialized" });
  const linux = () => galleryImage({ osType: "Linux" });
  const c = () => client();

  it("unknown option (typo)", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage({ ...opts(), usageQouta: 3 } as unknown as CreateLabOptions), ValidationError, /usageQouta/);
  });
  it("missing required option", () => {
    const { sku: _sku, ...rest } = opts();
    expectRejectedBeforeSending(() => c().createFromGalleryImage(rest as CreateLabOptions), ValidationError, /sku/);
  });
  it("invalid lab name", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ name: "bad name/x" })), ValidationError, /name/);
  });
  it("usage quota above 9999 hours", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ usageQuota: { hours: 10_000 } })), ValidationError, /usageQuota/);
  });
  it("usage quota that is not an ISO-8601 duration", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ usageQuota: "10 hours" })), ValidationError, /ISO-8601/);
  });
  it("usage quota duration above 9999 hours", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ usageQuota: "P500D" })), ValidationError, /9999/);
  });
  it("unknown createOption", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ createOption: "Clone" as "Image" })), ValidationError, /createOption/);
  });
  it("image that is not an image id", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ image: GALLERY })), ValidationError, /image/);
  });
  it("image of another lab plan", () => {
    const other = `${RG}/providers/Microsoft.LabServices/labPlans/other-plan`;
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ image: `${other}/images/win11-base` })), ValidationError, /another lab plan/);
  });
  it("GalleryImage of another account", () => {
    expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ image: galleryImage({ account: ACCOUNT as GalleryImage["account"] }) })),
      ValidationError,
      /belongs to/,
    );
  });
  it("Marketplace image", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ image: galleryImage({ source: "marketplace", galleryImageId: undefined }) })), ValidationError, /Marketplace/);
  });
  it("new credentials on a Specialized image", () => {
    const err = expectRejectedBeforeSending(() => c().createFromGalleryImage(opts({ image: specialized() })), ImageCredentialsError, /Specialized/);
    expect((err as ImageCredentialsError).hint).toMatch(/fromImage/);
  });
  it("fromImage credentials on a Generalized image", () => {
    const err = expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ image: galleryImage(), credentials: { kind: "fromImage", username: "labadmin", password: PASSWORD } })),
      ImageCredentialsError,
      /Generalized/,
    );
    expect((err as ImageCredentialsError).hint).toMatch(/kind: "new"/);
  });
  it("a non-admin user with fromImage credentials (Specialized)", () => {
    expectRejectedBeforeSending(
      () =>
        c().createFromGalleryImage(
          opts({
            image: WIN11,
            credentials: { kind: "fromImage", username: "labadmin", password: PASSWORD, nonAdminUser: { username: "student", password: PASSWORD } } as never,
          }),
        ),
      ImageCredentialsError,
      /non-admin/,
    );
  });
  it("a non-admin user with new credentials on a Specialized image", () => {
    const err = expectRejectedBeforeSending(
      () =>
        c().createFromGalleryImage(
          opts({
            image: specialized(),
            credentials: { kind: "new", adminUser: { username: "labadmin", password: PASSWORD }, nonAdminUser: { username: "student", password: PASSWORD } },
          }),
        ),
      ImageCredentialsError,
    );
    expect((err as ImageCredentialsError).issues.map((i) => i.path)).toContain("credentials.nonAdminUser");
  });
  it("reserved username", () => {
    expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ credentials: { kind: "new", adminUser: { username: "Administrator", password: PASSWORD } } })),
      ValidationError,
      /reserved/,
    );
  });
  it("Windows username longer than 20 characters", () => {
    expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ image: galleryImage(), credentials: { kind: "new", adminUser: { username: "a-very-long-admin-name", password: PASSWORD } } })),
      ValidationError,
      /20 characters/,
    );
  });
  it("Linux username with upper-case letters", () => {
    expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ image: linux(), credentials: { kind: "new", adminUser: { username: "LabAdmin", password: PASSWORD } } })),
      ValidationError,
      /upper-case/,
    );
  });
  it("password too short for Windows", () => {
    const pw = "Ab1!x2";
    const err = expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ image: galleryImage(), credentials: { kind: "new", adminUser: { username: "labadmin", password: pw } } })),
      ValidationError,
      /8-123/,
    );
    expect(err.message).not.toContain(pw);
  });
  it("password without enough character classes", () => {
    const pw = "alllowercase";
    const err = expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ credentials: { kind: "new", adminUser: { username: "labadmin", password: pw } } })),
      ValidationError,
      /3 of/,
    );
    expect(err.message).not.toContain(pw);
  });
  it("password on Azure's disallowed list", () => {
    expectRejectedBeforeSending(
      () => c().createFromGalleryImage(opts({ credentials: { kind: "new", adminUser: { username: "labadmin", password: "P@ssw0rd" } } })),
      ValidationError,
      /disallowed/,
    );
  });
  it("non-admin username equal to the admin username", () => {
    expectRejectedBeforeSending(
      () =>
        c().createFromGalleryImage(
          opts({ credentials: { kind: "new", adminUser: { username: "labadmin", password: PASSWORD }, nonAdminUser: { username: "labadmin", password: PASSWORD } } }),
        ),
      ValidationError,
      /differ/,
    );
  });
  it("invalid operation option", () => {
    expectRejectedBeforeSending(() => c().createFromGalleryImage(opts(), { ifExists: "overwrite" as "fail" }), ValidationError, /ifExists/);
  });
  it("an account id that is neither a lab plan nor a lab account", () => {
    const before = emu.requests.length;
    expect(() => new LabClient(GALLERY, { endpoint: emu.url, credential: emu.credential })).toThrow(ValidationError);
    expect(emu.requests.length).toBe(before);
  });
});

describe("secrets", () => {
  it("never logs the password, even at verbose level, and never puts it in progress states", async () => {
    await planReady();
    const lines: string[] = [];
    const before = AzureLogger.log;
    const level = getLogLevel();
    setLogLevel("verbose");
    AzureLogger.log = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    };
    const states: string[] = [];
    try {
      const poller = client().createFromGalleryImage(opts({ image: WIN11_V1 }), { intervalInMs: 20 });
      poller.onProgress((s) => states.push(JSON.stringify(s)));
      await poller;
    } finally {
      AzureLogger.log = before;
      if (level) setLogLevel(level);
      else setLogLevel("warning");
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(PASSWORD);
    expect(states.join("\n")).not.toContain(PASSWORD);
  });
});

describe("get, list, delete", () => {
  it("gets, lists and deletes labs of the plan", async () => {
    const labs = client();
    const bio = await labs.get("biology-101");
    expect(bio.name).toBe("biology-101");
    expect(bio.adminUsername).toBe("labadmin");
    const names: string[] = [];
    for await (const l of labs.list()) names.push(l.name);
    expect(names).toContain("biology-101");
    await labs.delete("biology-101");
    await expect(labs.get("biology-101")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("rejects a misspelt operation option of createFromGalleryImage before sending", () => {
    const before = emu.requests.length;
    for (const bad of [{ ifexists: "reuse" }, { enableImages: true }, { abortSignal: "now" }]) {
      expect(() => client().createFromGalleryImage(opts(), bad as never)).toThrow(ValidationError);
    }
    expect(emu.requests.length).toBe(before);
  });

  it("validates names before sending", () => {
    const before = emu.requests.length;
    expect(() => client().get("no/slashes")).toThrow(ValidationError);
    expect(() => client().delete("no spaces")).toThrow(ValidationError);
    // Options are validated too: a typo is an error, not silently ignored, and nothing is sent.
    expect(() => client().get("biology-101", { abortSignl: new AbortController().signal } as never)).toThrow(ValidationError);
    expect(() => client().list({ bogus: true } as never)).toThrow(ValidationError);
    expect(emu.requests.length).toBe(before);
  });
});

describe("docs/create-lab.md", () => {
  it("the emulator snippet runs against the package entry points and prints what it says", async () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
    const doc = readFileSync(resolve(root, "docs/create-lab.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Try it against the emulator"));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const source = (code as string)
      .replace('"azure-lab-gallery/emulator"', JSON.stringify(resolve(root, "src/emulator/index.ts")))
      .replace('"azure-lab-gallery"', JSON.stringify(resolve(root, "src/index.ts")));
    mkdirSync(resolve(root, ".tmp"), { recursive: true });
    const file = resolve(root, ".tmp/create-lab-snippet.ts");
    writeFileSync(file, `${source}\nexport {};\n`);
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      spy.mockRestore();
    }
    expect(lines[0]).toMatch(/^true Image "win11-base" is Generalized/);
    expect(lines[1]).toMatch(/^Succeeded .*\/galleries\/labgallery\/images\/win11-base$/);
    expect(lines[2]).toMatch(/^ValidationError .*centralus is not allowed/);
  });
});
