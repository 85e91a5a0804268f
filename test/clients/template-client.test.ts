/**
 * TemplateClient.exportToGallery against the embedded emulator (demo seed): full exports on a lab
 * plan and a classic lab, replication, resume in a separate Node process, abort + resume, polling
 * cadence (Retry-After 0 / 1 / absent), every preflight error, a failed operation, and throttling
 * during polling.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { runArmOperation } from "../../src/core/arm-poller.js";
import { ArmTransport } from "../../src/core/transport.js";
import {
  TemplateClient,
  isOperationFailedError,
  isPreconditionFailedError,
  isValidationError,
  type ExportState,
  type PreconditionFailedError,
} from "../../src/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RG = "labs-rg";

type Emu = Awaited<ReturnType<typeof startEmulator>>;
const running: Emu[] = [];
const stops: (() => void)[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const s of stops.splice(0)) s();
  for (const e of running.splice(0)) await e.close();
});

async function emulator(opts: Parameters<typeof startEmulator>[0] = { seed: "demo", clock: "manual" }): Promise<Emu> {
  const emu = await startEmulator(opts);
  running.push(emu);
  return emu;
}

/** Moves the manual emulator clock forward `stepMs` every few real milliseconds. */
function autoAdvance(emu: Emu, stepMs = 60_000, everyMs = 2): () => void {
  const t = setInterval(() => emu.clock.advance(stepMs), everyMs);
  const stop = () => clearInterval(t);
  stops.push(stop);
  return stop;
}

const ids = (emu: Emu) => {
  const base = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers`;
  return {
    plan: `${base}/Microsoft.LabServices/labPlans/plan-westus2`,
    lab: `${base}/Microsoft.LabServices/labs/biology-101`,
    gallery: `${base}/Microsoft.Compute/galleries/labgallery`,
    account: `${base}/Microsoft.LabServices/labaccounts/classic-account`,
    classicLab: `${base}/Microsoft.LabServices/labaccounts/classic-account/labs/chemistry-201`,
  };
};

const clientOptions = (emu: Emu, extra: Record<string, unknown> = {}) => ({ endpoint: emu.url, credential: emu.credential, pollIntervalInMs: 5, ...extra });

/** Test-side ARM calls (setup only): through the SDK's transport, never by hand. */
function arm(emu: Emu) {
  return new ArmTransport({ endpoint: emu.url, credential: emu.credential, pollIntervalInMs: 2 });
}

async function attachPlanGallery(emu: Emu): Promise<void> {
  const stop = autoAdvance(emu);
  await runArmOperation(arm(emu), { method: "PATCH", path: ids(emu).plan, api: "labPlans", body: { properties: { sharedGalleryId: ids(emu).gallery } } }, "location");
  stop();
}

async function attachAccountGallery(emu: Emu): Promise<void> {
  const t = arm(emu);
  const existing = (await t.send<{ value?: unknown[] }>({ method: "GET", path: `${ids(emu).account}/sharedGalleries`, api: "labAccountsPreview" })).body;
  if ((existing?.value ?? []).length > 0) return;
  const stop = autoAdvance(emu);
  await runArmOperation(t, { method: "PUT", path: `${ids(emu).account}/sharedGalleries/labgallery`, api: "labAccountsPreview", body: { properties: { galleryId: ids(emu).gallery } } }, "original-uri");
  stop();
}

const posts = (emu: Emu, what = "saveimage") => emu.requests.filter((r) => r.method === "POST" && r.path.toLowerCase().includes(what)).length;
const operationPolls = (emu: Emu) => emu.requests.filter((r) => r.method === "GET" && /\/(operationresults|operations)\//i.test(r.path)).length;

function expectMonotone(events: ExportState[]): void {
  expect(events.length).toBeGreaterThan(2);
  for (let i = 1; i < events.length; i++) expect((events[i] as ExportState).percentComplete).toBeGreaterThanOrEqual((events[i - 1] as ExportState).percentComplete);
  const phases = events.map((e) => e.phase);
  const order = ["validating", "saving", "replicating", "done"];
  for (let i = 1; i < phases.length; i++) expect(order.indexOf(phases[i] as string)).toBeGreaterThanOrEqual(order.indexOf(phases[i - 1] as string));
  expect(events.at(-1)?.percentComplete).toBe(100);
  expect(events.at(-1)?.phase).toBe("done");
}

function record(poller: { onProgress(cb: (s: ExportState) => void): unknown }): ExportState[] {
  const events: ExportState[] = [];
  poller.onProgress((s) => {
    const { error: _error, ...rest } = s;
    events.push(structuredClone(rest) as ExportState);
  });
  return events;
}

async function readGallery(emu: Emu, path: string, query?: Record<string, string>) {
  return (await arm(emu).send<Record<string, any>>({ method: "GET", path, api: "compute", ...(query ? { query } : {}) })).body; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("exportToGallery on a lab plan", () => {
  it("exports, reports monotone progress and resolves to the Specialized image the gallery holds", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const client = new TemplateClient(ids(emu).lab, clientOptions(emu));
    const poller = client.exportToGallery({ imageName: "biology-2026" });
    const events = record(poller);
    autoAdvance(emu, 30_000);
    const image = await poller;

    expectMonotone(events);
    expect(events[0]?.phase).toBe("validating");
    expect(events.some((e) => e.phase === "saving")).toBe(true);
    expect(events.every((e) => e.phase !== "replicating")).toBe(true);
    expect(posts(emu)).toBe(1);

    expect(image.osState).toBe("Specialized");
    expect(image.source).toBe("gallery");
    expect(image.galleryImageId).toBe(`${ids(emu).gallery}/images/biology-2026`);
    expect(image.galleryImageVersionId).toBe(`${ids(emu).gallery}/images/biology-2026/versions/1.0.0`);
    expect(image.account).toBe(ids(emu).plan);
    expect(image.id).toBe(`${ids(emu).plan}/images/biology-2026`); // the lab plan's image, as lab creators see it
    expect(image.enabled).toBe(false); // lab plans list gallery images disabled (B.4)
    const def = await readGallery(emu, image.galleryImageId as string);
    expect(def["properties"]["osState"]).toBe("Specialized");
    expect(image.osType).toBe(def["properties"]["osType"]);
    const version = await readGallery(emu, image.galleryImageVersionId as string);
    expect(version["properties"]["provisioningState"]).toBe("Succeeded");
    expect(poller.operationState?.galleryImageVersionId).toBe(image.galleryImageVersionId);
    expect(poller.operationState?.operationId).toMatch(/^[0-9a-f-]{36}$/i);

    // Exporting again to the same name adds a new version of the same definition.
    const again = await client.exportToGallery({ imageName: "biology-2026" });
    expect(again.galleryImageId).toBe(image.galleryImageId);
    expect(again.galleryImageVersionId).toBe(`${ids(emu).gallery}/images/biology-2026/versions/1.0.1`);
  });

  it('replicateTo: "geography" extends targetRegions and ends with every region Completed', async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const poller = new TemplateClient(ids(emu).lab, clientOptions(emu)).exportToGallery({ imageName: "biology-geo", replicateTo: "geography" });
    const events = record(poller);
    autoAdvance(emu, 60_000);
    const image = await poller;

    expectMonotone(events);
    expect(events.some((e) => e.phase === "replicating" && e.regions.some((r) => r.state !== "Completed"))).toBe(true);
    const final = poller.operationState as ExportState;
    const usRegions = ["eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus", "westus", "westus2", "westus3"];
    expect(final.regions.map((r) => r.region).sort()).toEqual([...usRegions].sort());
    expect(final.regions.every((r) => r.state === "Completed" && r.progress === 100)).toBe(true);
    expect(final.replication).toBe("requested");
    expect([...image.availableRegions].sort()).toEqual([...usRegions].sort());
    const version = await readGallery(emu, image.galleryImageVersionId as string, { $expand: "ReplicationStatus" });
    expect(version["properties"]["replicationStatus"]["aggregatedState"]).toBe("Completed");
    expect(version["properties"]["publishingProfile"]["targetRegions"]).toHaveLength(usRegions.length);
    expect(emu.requests.filter((r) => r.method === "PATCH" && r.path.includes("/versions/")).length).toBe(1);
  });

  it("a failed save rejects with OperationFailedError carrying code, message and operation id", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    emu.faults.add({ kind: "lroFail", code: "ImageSaveFailed", message: "The template VM could not be captured.", path: "saveImage" });
    const poller = new TemplateClient(ids(emu).lab, clientOptions(emu)).exportToGallery({ imageName: "biology-fail" });
    autoAdvance(emu);
    const e = await poller.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isOperationFailedError(e)).toBe(true);
    const err = e as { code: string; message: string; operationId: string };
    expect(err.code).toBe("ImageSaveFailed");
    expect(err.message).toContain("could not be captured");
    expect(err.operationId).toBe(poller.operationState?.operationId);
    expect(emu.requests.some((r) => r.path.toLowerCase().includes(err.operationId.toLowerCase()))).toBe(true);
    expect(poller.isDone).toBe(true);
    expect(poller.operationState?.status).toBe("failed");
  });

  it("rides out 429 and 503 answers while polling", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    emu.faults.add({ kind: "status", status: 503, method: "GET", path: "operationResults", times: 2 });
    emu.faults.add({ kind: "status", status: 429, retryAfterSeconds: 0, method: "GET", path: "operationResults", times: 2 });
    const poller = new TemplateClient(ids(emu).lab, clientOptions(emu)).exportToGallery({ imageName: "biology-throttled" });
    autoAdvance(emu, 20_000);
    const image = await poller;
    expect(image.galleryImageVersionId).toMatch(/versions\/1\.0\.0$/);
    expect(emu.requests.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(1);
    expect(emu.requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(posts(emu)).toBe(1);
  });
});

describe("a save the service completes synchronously (200, no Location: B.1 allows it)", () => {
  it("rides out a failed read while locating the image, and can still be serialized", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const original = ArmTransport.prototype.sendRaw;
    // Answer the POST as a synchronous 200 without a body or headers; then fail the next read of
    // the definition once, as a 503 that the SDK's own retries (off here) would not absorb.
    const spy = vi.spyOn(ArmTransport.prototype, "sendRaw").mockImplementation(async function (this: ArmTransport, ...args: Parameters<ArmTransport["sendRaw"]>) {
      const raw = await original.apply(this, args);
      if (args[0] === "POST" && /\/saveImage\?/i.test(args[1])) {
        emu.faults.add({ kind: "status", status: 503, method: "GET", path: /\/images\/biology-sync$/i, times: 1 });
        return { ...raw, status: 200, body: undefined, headers: { get: () => undefined } };
      }
      return raw;
    });
    stops.push(() => spy.mockRestore());
    const poller = new TemplateClient(ids(emu).lab, clientOptions(emu, { retryOptions: { maxRetries: 0 } })).exportToGallery({ imageName: "biology-sync" });
    autoAdvance(emu, 60_000);
    await poller.submitted();
    expect(await poller.serialize()).toMatch(/^lgpoll1\./);
    const image = await poller;
    expect(image.galleryImageVersionId).toMatch(/biology-sync\/versions\/1\.0\.0$/);
    expect(emu.requests.some((r) => r.status === 503)).toBe(true);
    expect(posts(emu)).toBe(1);
  });
});

describe("exportToGallery on a classic lab (experimental)", () => {
  it("exports with the opt-in, reports monotone progress and the automatic geography replication", async () => {
    const emu = await emulator();
    await attachAccountGallery(emu);
    const poller = new TemplateClient(ids(emu).classicLab, clientOptions(emu)).exportToGallery(
      { imageName: "chemistry-2026", replicateTo: "geography" },
      { experimentalClassicSaveImage: true },
    );
    const events = record(poller);
    autoAdvance(emu, 60_000);
    const image = await poller;
    expectMonotone(events);
    expect(events.every((e) => e.replication === "automatic")).toBe(true);
    expect(image.osState).toBe("Specialized");
    expect(image.account).toBe(ids(emu).account);
    expect(image.galleryImageId).toBe(`${ids(emu).gallery}/images/chemistry-2026`);
    const final = poller.operationState as ExportState;
    expect(final.regions.length).toBeGreaterThan(1);
    expect(final.regions.every((r) => r.state === "Completed")).toBe(true);
    const def = await readGallery(emu, image.galleryImageId as string);
    expect(def["properties"]["osState"]).toBe("Specialized");
    expect(posts(emu)).toBe(1);
  });
});

describe("resume", () => {
  beforeAll(() => {
    execFileSync("npx", ["tsup", "--silent"], { cwd: ROOT, stdio: "pipe", timeout: 120_000 });
  }, 150_000);

  it("continues in a separate Node process from the serialized string without a second POST", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const poller = new TemplateClient(ids(emu).lab, clientOptions(emu)).exportToGallery({ imageName: "biology-resumed" });
    await poller.submitted();
    const token = await poller.serialize();
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    const decoded = Buffer.from(token.split(".").slice(1).join("."), "base64url").toString("utf8");
    expect(decoded).not.toMatch(/bearer|authorization|password|token"|credential/i);
    expect(await poller.serialize()).toBe(token); // stable text
    expect(posts(emu)).toBe(1);

    const dir = join(ROOT, ".tmp");
    mkdirSync(dir, { recursive: true });
    const script = join(dir, "resume-export.mjs");
    writeFileSync(
      script,
      `import { TemplateClient } from ${JSON.stringify(join(ROOT, "dist/index.js"))};
const [token, endpoint] = process.argv.slice(2);
const credential = { getToken: async () => ({ token: "emulator", expiresOnTimestamp: Date.now() + 3600000 }) };
const poller = TemplateClient.resumeExport(token, { endpoint, credential, pollIntervalInMs: 5 });
const phases = [];
poller.onProgress((s) => phases.push([s.phase, s.percentComplete]));
const image = await poller;
process.stdout.write(JSON.stringify({ image, phases }));
`,
    );
    expect(existsSync(join(ROOT, "dist/index.js"))).toBe(true);
    autoAdvance(emu, 30_000);
    const out = await new Promise<string>((res, rej) => {
      const child = spawn(process.execPath, [script, token, emu.url], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("exit", (code) => (code === 0 ? res(stdout) : rej(new Error(`child exited ${code}: ${stderr}`))));
    });
    const { image, phases } = JSON.parse(out) as { image: { galleryImageVersionId: string; osState: string }; phases: [string, number][] };
    expect(image.osState).toBe("Specialized");
    expect(image.galleryImageVersionId).toBe(`${ids(emu).gallery}/images/biology-resumed/versions/1.0.0`);
    expect(phases.at(-1)).toEqual(["done", 100]);
    expect(posts(emu)).toBe(1);
  }, 60_000);

  it("abort stops polling only; a resume (and the same poller) still completes", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const poller = new TemplateClient(ids(emu).lab, clientOptions(emu)).exportToGallery({ imageName: "biology-aborted" });
    const controller = new AbortController();
    poller.onProgress((s) => {
      if (s.phase === "saving") controller.abort();
    });
    const e = await poller.pollUntilDone({ abortSignal: controller.signal }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect((e as Error).name).toBe("AbortError");
    expect(poller.isDone).toBe(false);
    const token = await poller.serialize();
    const pollsAtAbort = operationPolls(emu);
    await new Promise((r) => setTimeout(r, 50));
    expect(operationPolls(emu)).toBe(pollsAtAbort); // no polling after abort

    autoAdvance(emu, 30_000);
    const resumed = await TemplateClient.resumeExport(token, clientOptions(emu));
    expect(resumed.galleryImageVersionId).toMatch(/biology-aborted\/versions\/1\.0\.0$/);
    const same = await poller;
    expect(same.galleryImageVersionId).toBe(resumed.galleryImageVersionId);
    expect(posts(emu)).toBe(1);
  });

  it("a token taken after the end resolves at once to the stored result", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const poller = new TemplateClient(ids(emu).lab, clientOptions(emu)).exportToGallery({ imageName: "biology-done" });
    autoAdvance(emu, 60_000);
    const image = await poller;
    const before = emu.requests.length;
    const again = await TemplateClient.resumeExport(await poller.serialize(), clientOptions(emu));
    expect(again).toEqual(image);
    expect(emu.requests.length).toBe(before);
  });
});

describe("polling cadence (manual clock, fake timers)", () => {
  const realSetTimeout = setTimeout;
  const settle = (ms = 60) => new Promise((r) => realSetTimeout(r, ms));
  /** Waits in real time (vi.waitFor would advance the fake timers and shift the schedule). */
  async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error("condition not met in time");
      await settle(5);
    }
  }

  /**
   * Starts an export and waits until the save was sent. `classic`: the lab account's save, whose
   * Location polls (locationBehavior "rpc") carry the emulator's Retry-After on every answer; the
   * lab-plan operation polls carry it only on the first answer (see the report).
   */
  async function startSaving(emu: Emu, intervalInMs?: number, classic = false) {
    if (classic) await attachAccountGallery(emu);
    else await attachPlanGallery(emu);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const poller = new TemplateClient(classic ? ids(emu).classicLab : ids(emu).lab, clientOptions(emu, { pollIntervalInMs: 5000 })).exportToGallery(
      { imageName: "biology-cadence" },
      { ...(intervalInMs === undefined ? {} : { intervalInMs }), ...(classic ? { experimentalClassicSaveImage: true } : {}) },
    );
    const controller = new AbortController();
    const done = poller.pollUntilDone({ abortSignal: controller.signal }).catch((e: unknown) => e);
    await until(() => posts(emu) === 1);
    await settle();
    return { poller, controller, done, polls0: operationPolls(emu) };
  }

  it("Retry-After: 1 → the next poll exactly one second later", async () => {
    const emu = await emulator({ seed: "demo", clock: "manual", retryAfterSeconds: 1, locationBehavior: "rpc" });
    const { controller, done, polls0 } = await startSaving(emu, undefined, true);
    await vi.advanceTimersByTimeAsync(999);
    await settle();
    expect(operationPolls(emu)).toBe(polls0);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => operationPolls(emu) === polls0 + 1);
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => operationPolls(emu) === polls0 + 2);
    controller.abort();
    await done;
  });

  it("Retry-After wins over intervalInMs (never faster than the service asks)", async () => {
    const emu = await emulator({ seed: "demo", clock: "manual", retryAfterSeconds: 1, locationBehavior: "rpc" });
    const { controller, done, polls0 } = await startSaving(emu, 100, true);
    await vi.advanceTimersByTimeAsync(999);
    await settle();
    expect(operationPolls(emu)).toBe(polls0);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => operationPolls(emu) === polls0 + 1);
    controller.abort();
    await done;
  });

  it("Retry-After: 0 → polls again at once, with no timer time passing", async () => {
    const emu = await emulator({ seed: "demo", clock: "manual", retryAfterSeconds: 0, locationBehavior: "rpc" });
    const { controller, done, polls0 } = await startSaving(emu, undefined, true);
    // Only timers due *now* may fire: the fake clock never moves forward.
    await until(() => {
      vi.advanceTimersByTime(0);
      return operationPolls(emu) >= polls0 + 3;
    });
    controller.abort();
    await done;
  });

  it("no Retry-After → pollIntervalInMs (5 s here), and intervalInMs overrides it", async () => {
    const emu = await emulator();
    const { controller, done, polls0 } = await startSaving(emu);
    await vi.advanceTimersByTimeAsync(4999);
    await settle();
    expect(operationPolls(emu)).toBe(polls0);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => operationPolls(emu) === polls0 + 1);
    controller.abort();
    await done;
    vi.useRealTimers();

    const emu2 = await emulator();
    const s2 = await startSaving(emu2, 250);
    await vi.advanceTimersByTimeAsync(249);
    await settle();
    expect(operationPolls(emu2)).toBe(s2.polls0);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => operationPolls(emu2) === s2.polls0 + 1);
    s2.controller.abort();
    await s2.done;
  });

  it("completion is followed within one interval: the poll that sees Succeeded finds the image at once", async () => {
    const emu = await emulator();
    const { poller, polls0 } = await startSaving(emu);
    emu.clock.advance(611_000); // the save is now due
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => poller.isDone === true);
    expect(operationPolls(emu)).toBe(polls0 + 1); // the poll that saw Succeeded; the image is looked up at once
    expect(poller.operationState?.phase).toBe("done");
  });
});

describe("preflight: each failure is typed, says how to fix it, and sends no POST", () => {
  async function preflightError(emu: Emu, labId: string, input = { imageName: "img" }, options = {}) {
    const poller = new TemplateClient(labId, clientOptions(emu)).exportToGallery(input, options);
    const e = await poller.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isPreconditionFailedError(e)).toBe(true);
    expect(posts(emu)).toBe(0);
    expect(poller.operationState?.status).toBe("failed");
    return e as PreconditionFailedError;
  }

  it("lab does not exist", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const e = await preflightError(emu, ids(emu).lab.replace("biology-101", "no-such-lab"));
    expect(e.reason).toBe("labNotFound");
    expect(e.hint).toBeTruthy();
  });

  it("no gallery attached: names the attachGallery call", async () => {
    const emu = await emulator();
    const e = await preflightError(emu, ids(emu).lab);
    expect(e.reason).toBe("galleryNotAttached");
    expect(e.hint).toContain("attachGallery");
    expect(e.hint).toContain(ids(emu).plan);
  });

  it("no gallery attached to a classic lab account", async () => {
    const emu = await emulator();
    const e = await preflightError(emu, ids(emu).classicLab, { imageName: "img" }, { experimentalClassicSaveImage: true });
    expect(e.reason).toBe("galleryNotAttached");
    expect(e.hint).toContain("attachGallery");
  });

  it("lab without a template VM", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const labId = ids(emu).lab.replace("biology-101", "no-template");
    await createLab(emu, labId, "westus2", "Image");
    const e = await preflightError(emu, labId);
    expect(e.reason).toBe("noTemplateVm");
  });

  it("lab in another region than its lab plan", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const labId = ids(emu).lab.replace("biology-101", "far-away");
    await createLab(emu, labId, "eastus", "TemplateVM");
    const e = await preflightError(emu, labId);
    expect(e.reason).toBe("regionMismatch");
    expect(e.message).toMatch(/eastus/);
  });

  it("a generalized definition of that name exists", async () => {
    const emu = await emulator();
    await attachPlanGallery(emu);
    const stop = autoAdvance(emu);
    await runArmOperation(
      arm(emu),
      {
        method: "PUT",
        path: `${ids(emu).gallery}/images/generalized-one`,
        api: "compute",
        body: { location: "westus2", properties: { osType: "Windows", osState: "Generalized", hyperVGeneration: "V1", identifier: { publisher: "p", offer: "o", sku: "s" } } },
      },
      "original-uri",
    );
    stop();
    const e = await preflightError(emu, ids(emu).lab, { imageName: "generalized-one" });
    expect(e.reason).toBe("definitionGeneralized");
  });

  it("invalid imageName (spaces) is refused before any request", async () => {
    const emu = await emulator();
    const before = emu.requests.length;
    let err: unknown;
    try {
      new TemplateClient(ids(emu).lab, clientOptions(emu)).exportToGallery({ imageName: "My Image" });
    } catch (e) {
      err = e;
    }
    expect(isValidationError(err)).toBe(true);
    expect((err as Error).message).toMatch(/spaces/);
    expect(emu.requests.length).toBe(before);
  });
});

async function createLab(emu: Emu, labId: string, location: string, createOption: "Image" | "TemplateVM"): Promise<void> {
  // Lab plan images are disabled by default (B.4): enable the Marketplace image first.
  await arm(emu).send({
    method: "PATCH",
    path: `${ids(emu).plan}/images/microsoftwindowsdesktop.windows-11.win11-22h2-pro`,
    api: "labPlans",
    body: { properties: { enabledState: "Enabled" } },
  });
  const stop = autoAdvance(emu);
  await runArmOperation(
    arm(emu),
    {
      method: "PUT",
      path: labId,
      api: "labPlans",
      body: {
        location,
        properties: {
          labPlanId: ids(emu).plan,
          title: "t",
          connectionProfile: { webSshAccess: "None", webRdpAccess: "None", clientSshAccess: "Public", clientRdpAccess: "Public" },
          autoShutdownProfile: { shutdownOnDisconnect: "Disabled", shutdownWhenNotConnected: "Disabled", shutdownOnIdle: "None" },
          securityProfile: { openAccess: "Disabled" },
          virtualMachineProfile: {
            createOption,
            imageReference: { publisher: "microsoftwindowsdesktop", offer: "windows-11", sku: "win11-22h2-pro", version: "latest" },
            sku: { name: "Classic_Fsv2_2_4GB_128_S_SSD", capacity: 1 },
            usageQuota: "PT10H",
            adminUser: { username: "labadmin", password: "Secret-Passw0rd!" },
          },
        },
      },
    },
    "original-uri",
  );
  stop();
}
