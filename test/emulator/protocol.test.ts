import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator } from "../../src/emulator/index.js";
import { emulatorHandlers } from "../../src/emulator/msw.js";
import { ACCOUNT, GALLERY, GV, LA, LAB, LP, MIN, PLAN, RG, SUB, attachGallery, enableImage, labBody, send } from "./helpers.js";
import type { Reply } from "./helpers.js";

const manual = (o = {}) => createEmulator({ clock: "manual", ...o });

describe("ARM protocol", () => {
  it("401 without a bearer token; request ids; correlation echo; rate-limit counters", async () => {
    const e = manual();
    const r = await send(e, "GET", PLAN, undefined, LP, {});
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("AuthenticationFailed");
    expect((await send(e, "GET", PLAN, undefined, LP, { authorization: "Basic x" })).status).toBe(401);
    const ok = await send(e, "GET", PLAN, undefined, LP, { authorization: "Bearer t", "x-ms-correlation-request-id": "abc" });
    expect(ok.headers.get("x-ms-correlation-request-id")).toBe("abc");
    expect(ok.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const next = await send(e, "GET", PLAN, undefined, LP);
    expect(Number(next.headers.get("x-ms-ratelimit-remaining-subscription-reads"))).toBe(Number(ok.headers.get("x-ms-ratelimit-remaining-subscription-reads")) - 1);
    expect(e.requests.map((x) => [x.status, x.authorization])).toEqual([[401, false], [401, true], [200, true], [200, true]]);
  });

  it("api-version: missing, unknown; unknown paths and verbs", async () => {
    const e = manual();
    expect((await send(e, "GET", PLAN)).json.error.code).toBe("MissingApiVersionParameter");
    const bad = await send(e, "GET", PLAN, undefined, "2021-01-01");
    expect(bad.json.error.message).toContain("The supported api-versions are '2022-08-01, 2023-06-07'");
    expect((await send(e, "GET", `${RG}/Microsoft.LabServices/widgets/x`, undefined, LP)).status).toBe(404);
    expect((await send(e, "DELETE", `${PLAN}/images/x`, undefined, LP)).status).toBe(405);
    expect((await send(e, "GET", `${RG}/Microsoft.LabServices/labPlans/none`, undefined, "2022-08-01")).json.error.code).toBe("ResourceNotFound");
    const badJson = await e.handle(new Request(`https://management.azure.com${PLAN}?api-version=${LP}`, { method: "PATCH", headers: { authorization: "Bearer t" }, body: "{" }));
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe("InvalidRequestContent");
  });

  for (const behavior of ["swagger", "rpc"] as const) {
    it(`Location behaviour '${behavior}'; Azure-AsyncOperation always 200`, async () => {
      const e = manual({ locationBehavior: behavior, retryAfterSeconds: 15 });
      const r = await send(e, "POST", `${LAB}/publish`, undefined, LP);
      expect(r.headers.get("retry-after")).toBe("15");
      expect(r.headers.get("operation-location")).toMatch(/operationResults\/[0-9a-f-]{36}\?api-version=2023-06-07$/);
      const loc = await send(e, "GET", r.headers.get("location") as string);
      const asyncOp = await send(e, "GET", r.headers.get("azure-asyncoperation") as string);
      expect(asyncOp.status).toBe(200);
      expect(asyncOp.json.status).toBe("InProgress");
      if (behavior === "swagger") {
        expect(loc.status).toBe(200);
        expect(loc.json.status).toBe("InProgress");
      } else {
        expect(loc.status).toBe(202);
        expect(loc.json).toBeUndefined();
      }
      e.clock.advance(10 * MIN);
      const end = await send(e, "GET", r.headers.get("location") as string);
      expect(end.status).toBe(200);
      expect(end.json).toMatchObject({ status: "Succeeded", endTime: expect.any(String) });
      expect(end.json.percentComplete).toBeUndefined(); // G.1: none observed
    });
  }

  for (const behavior of ["swagger", "rpc"] as const) {
    it(`Retry-After (when set) on every first LRO answer and every poll answer while running, none after (${behavior})`, async () => {
      const e = manual({ locationBehavior: behavior, retryAfterSeconds: 20 });
      await attachGallery(e);
      const starts: Array<[string, () => Promise<Reply>, number]> = [
        ["PUT lab", () => send(e, "PUT", `${RG}/Microsoft.LabServices/labs/new-lab`, labBody({ imageReference: { publisher: "microsoftwindowsdesktop", offer: "windows-11", sku: "win11-22h2-pro" } }), LP), 20 * MIN],
        ["POST publish", () => send(e, "POST", `${LAB}/publish`, undefined, LP), 10 * MIN],
        ["POST saveImage", () => send(e, "POST", `${PLAN}/saveImage`, { name: "ra", labVirtualMachineId: `${LAB}/virtualMachines/0` }, LP), 11 * MIN],
        ["PUT plan", () => send(e, "PUT", `${RG}/Microsoft.LabServices/labPlans/p9`, { location: "westus2", properties: {} }, LP), MIN],
        ["PATCH plan (attach)", () => send(e, "PATCH", `${RG}/Microsoft.LabServices/labPlans/p9`, { properties: { sharedGalleryId: GALLERY } }, LP), MIN],
        ["DELETE plan", () => send(e, "DELETE", `${RG}/Microsoft.LabServices/labPlans/p9`, undefined, LP), 2 * MIN],
        ["PUT gallery", () => send(e, "PUT", `${RG}/Microsoft.Compute/galleries/g9`, { location: "westus2" }, GV), MIN],
        ["DELETE gallery", () => send(e, "DELETE", `${RG}/Microsoft.Compute/galleries/g9`, undefined, GV), MIN],
        ["classic saveImage", () => send(e, "POST", `${ACCOUNT}/labs/chemistry-201/environmentsettings/default/saveImage`, { name: "c9" }, LA), 20 * MIN],
        ["classic DELETE lab", () => send(e, "DELETE", `${ACCOUNT}/labs/chemistry-201`, undefined, "2018-10-15"), 3 * MIN],
      ];
      await enableImage(e, "microsoftwindowsdesktop.windows-11.win11-22h2-pro");
      await send(e, "PUT", `${ACCOUNT}/sharedGalleries/labgallery`, { properties: { galleryId: GALLERY } }, LA);
      for (const [what, start, duration] of starts) {
        const r = await start();
        expect(r.status, `${what}: ${JSON.stringify(r.json)}`).toBeLessThan(300);
        expect(r.headers.get("retry-after"), what).toBe("20");
        const isPut = what.startsWith("PUT");
        const urls = [r.headers.get("azure-asyncoperation"), r.headers.get("operation-location"), isPut ? null : r.headers.get("location")].filter((u): u is string => !!u);
        expect(urls.length, what).toBeGreaterThan(0);
        for (const u of urls) {
          const p = await send(e, "GET", u);
          expect([p.status < 300, p.headers.get("retry-after")], `${what} running poll ${u}`).toEqual([true, "20"]);
        }
        e.clock.advance(duration);
        for (const u of urls) {
          const p = await send(e, "GET", u);
          expect([p.status, p.headers.get("retry-after")], `${what} final poll ${u}`).toEqual([200, null]);
        }
      }
      const img = await send(e, "PUT", `${ACCOUNT}/sharedImages/win11-base`, { properties: { enableState: "Disabled" } }, LA);
      expect([img.json.properties.provisioningState, img.headers.get("retry-after")]).toEqual(["Updating", "20"]);
    });
  }

  it("Retry-After is absent by default; percentComplete only on request", async () => {
    const e = manual({ operationPercentComplete: true });
    const r = await send(e, "POST", `${LAB}/publish`, undefined, LP);
    expect(r.headers.get("retry-after")).toBeNull();
    e.clock.advance(5 * MIN);
    const p = (await send(e, "GET", r.headers.get("azure-asyncoperation") as string)).json.percentComplete;
    expect(p).toBeGreaterThan(40);
    expect(p).toBeLessThan(60);
  });

  it("paging with nextLink (explicit :443 port) and $skipToken", async () => {
    const e = manual({ pageSize: 2 });
    await attachGallery(e);
    const first = await send(e, "GET", `${PLAN}/images`, undefined, LP);
    expect(first.json.value).toHaveLength(2);
    expect(first.json.nextLink).toMatch(/^https:\/\/management\.azure\.com:443\/.+\$skipToken=2/);
    const all = [...first.json.value];
    let next = first.json.nextLink as string | undefined;
    while (next) {
      const page = await send(e, "GET", next);
      all.push(...page.json.value);
      next = page.json.nextLink;
    }
    expect(all.map((i) => i.name)).toEqual(["microsoftwindowsdesktop.windows-11.win11-22h2-pro", "microsoftwindowsserver.windowsserver.2022-datacenter", "canonical.0001-com-ubuntu-server-jammy.22_04-lts", "win11-base"]);
  });

  it("faults: status with Retry-After (times), drop, latency, lroFail", async () => {
    const e = manual();
    e.faults.add({ kind: "status", status: 429, retryAfterSeconds: 7, method: "GET", path: "/labPlans/", times: 1 });
    const t = await send(e, "GET", PLAN, undefined, LP);
    expect([t.status, t.headers.get("retry-after"), t.json.error.code]).toEqual([429, "7", "TooManyRequests"]);
    expect((await send(e, "GET", PLAN, undefined, LP)).status).toBe(200);
    const off = e.faults.add({ kind: "status", status: 503, path: /labs\/biology-101$/ });
    expect((await send(e, "GET", LAB, undefined, LP)).status).toBe(503);
    expect((await send(e, "GET", LAB, undefined, LP)).status).toBe(503);
    off();
    expect((await send(e, "GET", LAB, undefined, LP)).status).toBe(200);
    e.faults.add({ kind: "drop", times: 1 });
    const dropped = await e.handle(new Request(`https://management.azure.com${PLAN}?api-version=${LP}`, { headers: { authorization: "Bearer t" } }));
    expect(dropped.type).toBe("error");
    e.faults.add({ kind: "drop", times: 1, afterProcessing: true, method: "PATCH" });
    const lost = await e.handle(new Request(`https://management.azure.com${PLAN}?api-version=${LP}`, { method: "PATCH", headers: { authorization: "Bearer t" }, body: JSON.stringify({ properties: { linkedLmsInstance: "https://lms" } }) }));
    expect(lost.type).toBe("error");
    expect((await send(e, "GET", PLAN, undefined, LP)).json.properties.linkedLmsInstance).toBe("https://lms");
    e.faults.add({ kind: "latency", ms: 60, times: 1 });
    const t0 = Date.now();
    await send(e, "GET", PLAN, undefined, LP);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    e.faults.add({ kind: "lroFail", method: "POST", path: "/publish", code: "PublishFailed", message: "boom", times: 1 });
    const pub = await send(e, "POST", `${LAB}/publish`, undefined, LP);
    expect(pub.status).toBe(202);
    e.clock.advance(10 * MIN);
    const op = await send(e, "GET", pub.headers.get("azure-asyncoperation") as string);
    expect(op.json).toMatchObject({ status: "Failed", error: { code: "PublishFailed", message: "boom" } });
    expect((await send(e, "GET", LAB, undefined, LP)).json.properties).toMatchObject({ provisioningState: "Failed", state: "Draft", resourceOperationError: { code: "PublishFailed" } });
    e.faults.clear();
  });

  it("status faults: any 4xx/5xx, ARM's code for the status when the rule names none, Retry-After kept", async () => {
    const e = manual();
    const cases: Array<[400 | 401 | 403 | 404 | 409 | 429 | 500 | 502 | 503 | 504 | 410, string]> = [
      [400, "BadRequest"],
      [401, "AuthenticationFailed"],
      [403, "AuthorizationFailed"],
      [404, "ResourceNotFound"],
      [409, "Conflict"],
      [429, "TooManyRequests"],
      [500, "InternalServerError"],
      [502, "BadGateway"],
      [503, "ServiceUnavailable"],
      [504, "GatewayTimeout"],
      [410, "Gone"],
    ];
    for (const [status, code] of cases) {
      e.faults.add({ kind: "status", status, times: 1 });
      const r = await send(e, "GET", PLAN, undefined, LP);
      expect([r.status, r.json.error.code], String(status)).toEqual([status, code]);
      expect(r.json.error.message.length).toBeGreaterThan(10);
      expect(r.headers.get("x-ms-request-id")).toBeTruthy();
      expect(r.headers.get("retry-after")).toBeNull();
    }
    e.faults.add({ kind: "status", status: 403, times: 1 });
    expect((await send(e, "GET", PLAN, undefined, LP)).json.error.message).toContain("does not have authorization to perform action 'Microsoft.LabServices/labPlans/read' over scope");
    e.faults.add({ kind: "status", status: 404, times: 1 });
    expect((await send(e, "GET", PLAN, undefined, LP)).json.error.message).toBe("The Resource 'Microsoft.LabServices/labPlans/plan-westus2' under resource group 'labs-rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    for (const status of [429, 503] as const) {
      e.faults.add({ kind: "status", status, retryAfterSeconds: 12, times: 1 });
      const r = await send(e, "GET", PLAN, undefined, LP);
      expect([r.status, r.headers.get("retry-after")]).toEqual([status, "12"]);
    }
    e.faults.add({ kind: "status", status: 409, code: "Custom", message: "mine", times: 1 });
    expect((await send(e, "GET", PLAN, undefined, LP)).json.error).toEqual({ code: "Custom", message: "mine" });
    // Runtime check for callers without the type (JavaScript, casts).
    // @ts-expect-error the type admits 4xx/5xx only
    expect(() => e.faults.add({ kind: "status", status: 200 })).toThrow(RangeError);
    // @ts-expect-error the type admits 4xx/5xx only
    expect(() => e.faults.add({ kind: "status", status: 600 })).toThrow(RangeError);
    expect(() => e.faults.add({ kind: "status", status: 429.5 as unknown as 429 })).toThrow(RangeError);
  });

  it("write token bucket answers 429 + Retry-After and refills with emulator time", async () => {
    const e = manual({ writeLimit: { capacity: 2, refillPerSecond: 0.5 } });
    const patch = () => send(e, "PATCH", PLAN, { properties: { linkedLmsInstance: "x" } }, LP);
    expect((await patch()).headers.get("x-ms-ratelimit-remaining-subscription-writes")).toBe("1");
    expect((await patch()).status).toBe(200);
    const throttled = await patch();
    expect([throttled.status, throttled.json.error.code, throttled.headers.get("retry-after")]).toEqual([429, "SubscriptionRequestsThrottled", "2"]);
    expect((await send(e, "GET", PLAN, undefined, LP)).status).toBe(200); // reads are not limited
    e.clock.advance(2000);
    expect((await patch()).status).toBe(200);
  });

  it("reset() restores the seed", async () => {
    const e = manual();
    await send(e, "DELETE", `${RG}/Microsoft.Compute/galleries/labgallery/images/big-disk/versions/1.0.0`, undefined, GV);
    e.clock.advance(MIN);
    expect(e.state.galleryImageVersions()).toHaveLength(1);
    e.reset();
    expect(e.state.galleryImageVersions()).toHaveLength(2);
    expect(e.subscriptionId).toBe(SUB);
  });
});

describe("observed live behaviour (rest-api.md §G)", () => {
  const hasNull = (v: unknown): boolean => v === null || (typeof v === "object" && v !== null && Object.values(v).some(hasNull));

  for (const behavior of ["swagger", "rpc"] as const) {
    it(`G.1/G.2: every Lab Services long-running answer has the three headers; POST/DELETE answer 202 + InProgress body and end with Location → 200 Succeeded (${behavior})`, async () => {
      const e = manual({ locationBehavior: behavior });
      const lab2 = `${RG}/Microsoft.LabServices/labs/lab2`;
      const steps: Array<[string, () => Promise<Reply>, number, boolean]> = [
        ["PUT plan", () => send(e, "PUT", `${RG}/Microsoft.LabServices/labPlans/p5`, { location: "westus2", properties: {} }, LP), MIN, false],
        ["PATCH plan attach", () => send(e, "PATCH", PLAN, { properties: { sharedGalleryId: GALLERY } }, LP), MIN, false],
        ["POST saveImage", () => send(e, "POST", `${PLAN}/saveImage`, { name: "g1", labVirtualMachineId: `${LAB}/virtualMachines/0` }, LP), 11 * MIN, true],
        ["PUT lab", async () => {
          await enableImage(e, "g1");
          return send(e, "PUT", lab2, labBody({ imageReference: { id: `${GALLERY}/images/g1` }, adminUser: { username: "labadmin" } }), LP);
        }, 11 * MIN, false],
        ["POST publish", () => send(e, "POST", `${lab2}/publish`, undefined, LP), 10 * MIN, true],
        ["DELETE lab", () => send(e, "DELETE", lab2, undefined, LP), 3 * MIN, true],
        ["DELETE plan", () => send(e, "DELETE", `${RG}/Microsoft.LabServices/labPlans/p5`, undefined, LP), 2 * MIN, true],
      ];
      for (const [what, start, duration, postOrDelete] of steps) {
        const r = await start();
        expect(r.status, `${what} ${JSON.stringify(r.json)}`).toBeLessThan(300);
        for (const h of ["location", "azure-asyncoperation", "operation-location"]) expect(r.headers.get(h), `${what}: ${h}`).toMatch(/^https:\/\//);
        expect(r.headers.get("operation-location"), what).toMatch(/\/locations\/westus2\/operationResults\/[0-9a-f-]{36}\?api-version=[^&]+$/);
        if (!postOrDelete) {
          e.clock.advance(duration);
          continue;
        }
        expect(r.status, what).toBe(202);
        expect(r.json, what).toMatchObject({ status: "InProgress", id: expect.stringContaining("/operationResults/"), name: expect.any(String), startTime: expect.any(String) });
        e.clock.advance(duration);
        const end = await send(e, "GET", r.headers.get("location") as string);
        expect([end.status, end.json?.status], what).toEqual([200, "Succeeded"]);
        expect(end.json.id, what).toBe(r.json.id);
      }
    });
  }

  it("G.3: nulls a client writes are never echoed (PUT/PATCH plan, PUT lab, Compute PUT); passwords never echoed", async () => {
    const e = manual();
    const patched = await send(e, "PATCH", PLAN, { tags: { a: "1", b: null }, properties: { supportInfo: { url: null, email: "help@contoso.com" }, defaultNetworkProfile: { subnetId: null } } }, LP);
    expect(patched.status).toBe(200);
    expect(patched.json.properties.supportInfo).toEqual({ email: "help@contoso.com" });
    const p2 = `${RG}/Microsoft.LabServices/labPlans/p2`;
    const put = await send(e, "PUT", p2, { location: "westus2", tags: { x: null }, properties: { sharedGalleryId: null, linkedLmsInstance: null, allowedRegions: ["westus2", null], supportInfo: { url: null, email: "a@contoso.com" } } }, LP);
    expect(put.status).toBe(201);
    expect(put.json.properties.allowedRegions).toEqual(["westus2"]);
    await enableImage(e, "microsoftwindowsdesktop.windows-11.win11-22h2-pro");
    const body = labBody({ imageReference: { publisher: "microsoftwindowsdesktop", offer: "windows-11", sku: "win11-22h2-pro", version: null } });
    const props = body.properties as Record<string, unknown> & { autoShutdownProfile: Record<string, unknown> };
    props["description"] = null;
    props["rosterProfile"] = { ltiContextId: null, activeDirectoryGroupId: "g" };
    props.autoShutdownProfile["idleDelay"] = null;
    const lab = await send(e, "PUT", `${RG}/Microsoft.LabServices/labs/nl`, body, LP);
    expect(lab.status).toBe(201);
    const gallery = await send(e, "PUT", `${RG}/Microsoft.Compute/galleries/g2`, { location: "westus2", properties: { description: null } }, GV);
    const replies = [patched, put, lab, gallery, await send(e, "GET", PLAN, undefined, LP), await send(e, "GET", p2, undefined, LP), await send(e, "GET", `${RG}/Microsoft.LabServices/labs/nl`, undefined, LP), await send(e, "GET", `${RG}/Microsoft.LabServices/labs`, undefined, LP), await send(e, "GET", `${RG}/Microsoft.Compute/galleries/g2`, undefined, GV)];
    for (const r of replies) {
      expect(hasNull(r.json), JSON.stringify(r.json)).toBe(false);
      expect(JSON.stringify(r.json)).not.toMatch(/"password"/i);
    }
  });

  it("G.3: lists omit enabledState of disabled images and availableRegions; a single GET has both", async () => {
    const e = manual();
    await attachGallery(e);
    await enableImage(e, "canonical.0001-com-ubuntu-server-jammy.22_04-lts");
    const list = (await send(e, "GET", `${PLAN}/images`, undefined, LP)).json.value as Array<{ name: string; properties: Record<string, unknown> }>;
    for (const i of list) {
      expect(i.properties, i.name).not.toHaveProperty("availableRegions");
      if (i.name.startsWith("canonical.")) expect(i.properties["enabledState"]).toBe("Enabled");
      else expect(i.properties, i.name).not.toHaveProperty("enabledState");
      const one = (await send(e, "GET", `${PLAN}/images/${i.name}`, undefined, LP)).json.properties;
      expect(one.enabledState).toMatch(/^(Enabled|Disabled)$/);
      expect(Array.isArray(one.availableRegions)).toBe(true);
    }
    expect((await send(e, "GET", `${PLAN}/images/win11-base`, undefined, LP)).json.properties.availableRegions).toEqual(["westus2", "eastus"]);
  });

  it("G.3 headers: writes carry -subscription-writes and -subscription-global-writes; Lab Services answers carry api-supported-versions", async () => {
    const e = manual();
    const w1 = await send(e, "PATCH", PLAN, { properties: { linkedLmsInstance: "x" } }, LP);
    const w2 = await send(e, "PATCH", PLAN, { properties: { linkedLmsInstance: "y" } }, LP);
    const g = (r: Reply) => Number(r.headers.get("x-ms-ratelimit-remaining-subscription-global-writes"));
    expect(g(w1)).toBeGreaterThan(0);
    expect(g(w2)).toBe(g(w1) - 1);
    expect(w2.headers.get("x-ms-ratelimit-remaining-subscription-writes")).toBeTruthy();
    const read = await send(e, "GET", PLAN, undefined, LP);
    expect(read.headers.get("x-ms-ratelimit-remaining-subscription-global-writes")).toBeNull();
    expect(read.headers.get("api-supported-versions")).toBe("2022-08-01, 2023-06-07");
    expect((await send(e, "GET", `${RG}/Microsoft.LabServices/labs/none`, undefined, LP)).headers.get("api-supported-versions")).toBe("2022-08-01, 2023-06-07");
    expect((await send(e, "GET", GALLERY, undefined, GV)).headers.get("api-supported-versions")).toBeNull();
  });
});

describe("msw adapter", () => {
  const e = createEmulator({ clock: "manual" });
  const server = setupServer(...emulatorHandlers(e));
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());
  it("serves plain fetch calls to management.azure.com", async () => {
    const token = await e.credential.getToken("https://management.azure.com/.default");
    const r = await fetch(`https://management.azure.com${GALLERY}?api-version=${GV}`, { headers: { authorization: `Bearer ${token?.token}` } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { name: string }).name).toBe("labgallery");
    e.faults.add({ kind: "drop", times: 1 });
    await expect(fetch(`https://management.azure.com${GALLERY}?api-version=${GV}`, { headers: { authorization: "Bearer t" } })).rejects.toThrow();
  });
});
