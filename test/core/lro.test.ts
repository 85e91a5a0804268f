/**
 * ARM long-running operations over msw route tables, one per pattern (rest-api.md §D, §B.7, §G.1).
 * `sleep` is replaced by a recorder that resolves at once (still honouring abort), so the waits the
 * poller asks for are asserted exactly and no test depends on the machine's speed.
 */
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { armOperationPoller, runArmOperation } from "../../src/core/arm-poller.js";
import { OperationFailedError, UntrustedUrlError, ValidationError, isOperationFailedError } from "../../src/core/errors.js";
import type { FinalStateVia } from "../../src/core/lro.js";
import { encodeResumeToken } from "../../src/core/poller.js";
import type { ArmRequest } from "../../src/core/transport.js";
import type * as SleepModule from "../../src/core/sleep.js";
import { ARM, LAB_PATH, OP_BASE, TOKEN, routeTable, transport, useMsw, type Reply } from "./harness.js";

const delays = vi.hoisted(() => [] as number[]);
vi.mock("../../src/core/sleep.js", async (importOriginal) => {
  const real = await importOriginal<typeof SleepModule>();
  return {
    ...real,
    sleep: (ms: number, signal?: AbortSignal) => {
      delays.push(ms);
      return real.sleep(0, signal);
    },
  };
});

const msw = useMsw();
beforeEach(() => {
  delays.length = 0;
});

const LAB_URL = `${ARM}${LAB_PATH}`;
const OP_ID = "6f1b2a3c-0000-4000-8000-000000000001";
// Signed operation URLs as §G.1 shows them: the poller must follow them verbatim.
const AAO = `${OP_BASE}/${OP_ID}?api-version=2023-06-07&t=638000&c=MIIabc%2Bdef%3D&s=sig1&h=h1`;
const LOC = `${OP_BASE}/${OP_ID}?api-version=2023-06-07&monitor=true&t=638000&c=MIIxyz&s=sig2&h=h2`;
const OPLOC = `${OP_BASE}/${OP_ID}/oploc?api-version=2023-06-07`;
const SAVE_PATH = `${LAB_PATH}/publish`;
const SAVE_URL = `${ARM}${SAVE_PATH}`;

const running = { id: OP_ID, name: OP_ID, status: "InProgress", startTime: "2025-07-07T10:00:00Z" };
const succeeded = { ...running, status: "Succeeded", endTime: "2025-07-07T10:10:00Z" };
const labCreating = { id: LAB_PATH, name: "lab1", properties: { provisioningState: "Creating", state: "Draft" } };
const labDone = { id: LAB_PATH, name: "lab1", properties: { provisioningState: "Succeeded", state: "Draft" } };
const threeHeaders = (location = LOC) => ({ Location: location, "Azure-AsyncOperation": AAO, "Operation-Location": OPLOC });

function poller(request: Partial<ArmRequest> & Pick<ArmRequest, "method" | "path">, finalStateVia: FinalStateVia, extra: { resumeFrom?: string; pollIntervalInMs?: number; maxRetries?: number } = {}) {
  const t = transport({ pollIntervalInMs: extra.pollIntervalInMs ?? 4321, retryOptions: { maxRetries: extra.maxRetries ?? 0 } });
  return armOperationPoller(t, {
    kind: "test-op",
    request: { api: "labPlans", ...request },
    finalStateVia,
    mapResult: (b) => b,
    resumeFrom: extra.resumeFrom,
  });
}

const count = (method: string, url: string) => msw.count((r) => r.method === method && r.url === url);

describe("pattern: PUT 201 + provisioningState (poll the resource)", () => {
  it("polls the resource until Succeeded and resolves to it", async () => {
    const hits = routeTable(msw.server, {
      [`PUT ${LAB_URL}`]: [{ status: 201, body: labCreating }],
      [`GET ${LAB_URL}`]: [{ status: 200, body: labCreating }, { status: 200, body: labDone }],
    });
    await expect(poller({ method: "PUT", path: LAB_PATH, body: { location: "westus" } }, "original-uri")).resolves.toEqual(labDone);
    expect(hits).toEqual({ [`PUT ${LAB_URL}`]: 1, [`GET ${LAB_URL}`]: 2 });
    expect(delays).toEqual([4321, 4321]);
  });

  it("a PUT answered 200 Succeeded is done without a poll", async () => {
    const hits = routeTable(msw.server, { [`PUT ${LAB_URL}`]: [{ status: 200, body: labDone }] });
    await expect(poller({ method: "PUT", path: LAB_PATH }, "original-uri")).resolves.toEqual(labDone);
    expect(hits[`PUT ${LAB_URL}`]).toBe(1);
    expect(msw.seen).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("provisioningState Failed rejects with OperationFailedError carrying the resource's error", async () => {
    routeTable(msw.server, {
      [`PUT ${LAB_URL}`]: [{ status: 201, body: labCreating }],
      [`GET ${LAB_URL}`]: [
        { status: 200, body: { ...labDone, properties: { provisioningState: "Failed", error: { code: "QuotaExceeded", message: "No cores left." } } } },
      ],
    });
    const err = await poller({ method: "PUT", path: LAB_PATH }, "original-uri").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationFailedError);
    expect(err).toMatchObject({ status: "Failed", code: "QuotaExceeded", message: "QuotaExceeded: No cores left." });
  });
});

describe("pattern: PUT 201 with the three headers (§G.1: Location = resource, Azure-AsyncOperation signed)", () => {
  it("polls Azure-AsyncOperation, then one final GET of the original URI", async () => {
    const hits = routeTable(msw.server, {
      [`PUT ${LAB_URL}`]: [{ status: 201, body: labCreating, headers: threeHeaders(LAB_URL) }],
      [`GET ${AAO}`]: [{ status: 200, body: running }, { status: 200, body: succeeded }],
      [`GET ${LAB_URL}`]: [{ status: 200, body: labDone }],
    });
    await expect(poller({ method: "PUT", path: LAB_PATH }, "original-uri")).resolves.toEqual(labDone);
    expect(hits).toEqual({ [`PUT ${LAB_URL}`]: 1, [`GET ${AAO}`]: 2, [`GET ${LAB_URL}`]: 1 });
    // Followed verbatim: the signed query arrived unchanged, with the token, on every poll.
    expect(count("GET", AAO)).toBe(2);
    expect(msw.seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});

describe("pattern: 202 + Location", () => {
  it("RPC style: Location answers 202 while running, then 200 with the result", async () => {
    const hits = routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: { Location: LOC } }],
      [`GET ${LOC}`]: [{ status: 202 }, { status: 202 }, { status: 200, body: { result: 42 } }],
    });
    await expect(poller({ method: "POST", path: SAVE_PATH }, "location")).resolves.toEqual({ result: 42 });
    expect(hits[`GET ${LOC}`]).toBe(3);
    expect(count("GET", LOC)).toBe(3);
  });

  it("Lab Services quirk (§B.7): Location answers 200 + {status: InProgress} while running", async () => {
    const hits = routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: { Location: LOC }, body: running }],
      [`GET ${LOC}`]: [{ status: 200, body: running }, { status: 200, body: running }, { status: 200, body: succeeded }],
    });
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    await p.submitted();
    await p.poll();
    // A poller deciding from the HTTP code alone would be done here.
    expect(p.isDone).toBe(false);
    await expect(p.pollUntilDone()).resolves.toEqual(succeeded);
    expect(hits[`GET ${LOC}`]).toBe(3);
  });

  it("a Location that is the resource (PUT, §G.1) is polled until its provisioningState is terminal", async () => {
    const hits = routeTable(msw.server, {
      [`PUT ${LAB_URL}`]: [{ status: 202, headers: { Location: LAB_URL } }],
      [`GET ${LAB_URL}`]: [{ status: 200, body: labCreating }, { status: 200, body: labDone }],
    });
    await expect(poller({ method: "PUT", path: LAB_PATH }, "original-uri")).resolves.toEqual(labDone);
    expect(hits[`GET ${LAB_URL}`]).toBe(2);
  });

  it("an Azure-AsyncOperation poll answered 204 (OperationResults_Get, §B.7) ends the operation", async () => {
    const hits = routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: threeHeaders(), body: running }],
      [`GET ${AAO}`]: [{ status: 200, body: running }, { status: 204 }],
      [`GET ${LOC}`]: [{ status: 200, body: succeeded }],
    });
    await expect(poller({ method: "POST", path: SAVE_PATH }, "location")).resolves.toEqual(succeeded);
    expect(hits).toEqual({ [`POST ${SAVE_URL}`]: 1, [`GET ${AAO}`]: 2, [`GET ${LOC}`]: 1 });
  });

  it("DELETE 202 + Location ending in 204 resolves to undefined", async () => {
    const hits = routeTable(msw.server, {
      [`DELETE ${LAB_URL}`]: [{ status: 202, headers: { Location: LOC } }],
      [`GET ${LOC}`]: [{ status: 202 }, { status: 204 }],
    });
    await expect(poller({ method: "DELETE", path: LAB_PATH }, "location")).resolves.toBeUndefined();
    expect(hits[`GET ${LOC}`]).toBe(2);
  });

  it("PUT 202 + Location on an operation URL ends with a GET of the resource (final-state-via original-uri)", async () => {
    const hits = routeTable(msw.server, {
      [`PUT ${LAB_URL}`]: [{ status: 202, headers: { Location: LOC } }],
      [`GET ${LOC}`]: [{ status: 202 }, { status: 200, body: succeeded }],
      [`GET ${LAB_URL}`]: [{ status: 200, body: labDone }],
    });
    await expect(poller({ method: "PUT", path: LAB_PATH }, "original-uri")).resolves.toEqual(labDone);
    expect(hits).toEqual({ [`PUT ${LAB_URL}`]: 1, [`GET ${LOC}`]: 2, [`GET ${LAB_URL}`]: 1 });
  });

  it("a 202 with nothing to follow is an error, not a silent success", async () => {
    routeTable(msw.server, { [`POST ${SAVE_URL}`]: [{ status: 202 }] });
    await expect(poller({ method: "POST", path: SAVE_PATH }, "location")).rejects.toThrow(/no Location/);
  });
});

describe("pattern: Azure-AsyncOperation (all three headers, §G.1)", () => {
  function saveImageRoutes(opReplies: Reply[], locReplies: Reply[] = [{ status: 200, body: succeeded }]) {
    return routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: threeHeaders(), body: running }],
      [`GET ${AAO}`]: opReplies,
      [`GET ${LOC}`]: locReplies,
      [`GET ${OPLOC}`]: [{ status: 500 }],
    });
  }

  it("Azure-AsyncOperation wins: polled until Succeeded; Location read once at the end; Operation-Location never", async () => {
    const hits = saveImageRoutes([{ status: 200, body: running }, { status: 200, body: running }, { status: 200, body: succeeded }]);
    await expect(poller({ method: "POST", path: SAVE_PATH, body: { name: "img" } }, "location")).resolves.toEqual(succeeded);
    expect(hits[`GET ${AAO}`]).toBe(3);
    expect(hits[`GET ${LOC}`]).toBe(1);
    expect(hits[`GET ${OPLOC}`]).toBe(0);
    expect(msw.seen.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${SAVE_URL}?api-version=2023-06-07`, `GET ${AAO}`, `GET ${AAO}`, `GET ${AAO}`, `GET ${LOC}`]);
  });

  it("an initial 200 whose body is a running operation (with the headers) is polled, not reported done", async () => {
    const hits = routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 200, headers: threeHeaders(), body: running }],
      [`GET ${AAO}`]: [{ status: 200, body: running }, { status: 200, body: succeeded }],
    });
    await expect(poller({ method: "POST", path: SAVE_PATH }, "azure-async-operation")).resolves.toEqual(succeeded);
    expect(hits[`GET ${AAO}`]).toBe(2);
  });

  it("final-state-via azure-async-operation returns the operation body without another read", async () => {
    const hits = saveImageRoutes([{ status: 200, body: succeeded }]);
    await expect(poller({ method: "POST", path: SAVE_PATH }, "azure-async-operation")).resolves.toEqual(succeeded);
    expect(hits[`GET ${LOC}`]).toBe(0);
  });

  it("final-state-via original-uri reads the resource", async () => {
    const hits = routeTable(msw.server, {
      [`PATCH ${LAB_URL}`]: [{ status: 202, headers: threeHeaders() }],
      [`GET ${AAO}`]: [{ status: 200, body: succeeded }],
      [`GET ${LAB_URL}`]: [{ status: 200, body: labDone }],
    });
    await expect(poller({ method: "PATCH", path: LAB_PATH }, "original-uri")).resolves.toEqual(labDone);
    expect(hits[`GET ${LAB_URL}`]).toBe(1);
  });

  it.each([
    ["Failed", { code: "ImageSaveFailed", message: "The VM could not be captured." }],
    ["Canceled", { code: "OperationCanceled", message: "Canceled by user." }],
  ] as const)("%s rejects with OperationFailedError carrying code, message and operation id", async (status, error) => {
    const hits = saveImageRoutes([{ status: 200, body: running }, { status: 200, body: { ...running, status, error } }]);
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    const err = await p.pollUntilDone().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationFailedError);
    expect(isOperationFailedError(err)).toBe(true);
    expect(err).toMatchObject({ status, code: error.code, message: `${error.code}: ${error.message}`, operationId: OP_ID });
    expect(p.isDone).toBe(true);
    expect(p.operationState?.status).toBe(status.toLowerCase());
    expect(p.operationState?.error).toBe(err);
    // No final read after a failure.
    expect(hits[`GET ${LOC}`]).toBe(0);
  });

  it("an operation error with mistyped fields is read defensively", async () => {
    saveImageRoutes([{ status: 200, body: { ...running, status: "Failed", error: { code: 42, message: "disk full", target: "t" } } }]);
    const err = await poller({ method: "POST", path: SAVE_PATH }, "location").catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "OperationFailedError", code: "OperationFailed", message: "OperationFailed: disk full", target: "t" });
    msw.server.resetHandlers();
    saveImageRoutes([{ status: 200, body: { ...running, status: "Failed", error: "boom" } }]);
    const err2 = await poller({ method: "POST", path: SAVE_PATH }, "location").catch((e: unknown) => e);
    expect(err2).toMatchObject({ name: "OperationFailedError", code: "OperationFailed" });
    expect(typeof (err2 as OperationFailedError).code).toBe("string");
  });

  it("a PUT 201 with Azure-AsyncOperation and no provisioningState is polled, not reported done", async () => {
    const hits = routeTable(msw.server, {
      [`PUT ${LAB_URL}`]: [{ status: 201, body: { id: LAB_PATH }, headers: { "Azure-AsyncOperation": AAO } }],
      [`GET ${AAO}`]: [{ status: 200, body: running }, { status: 200, body: succeeded }],
      [`GET ${LAB_URL}`]: [{ status: 200, body: labDone }],
    });
    await expect(poller({ method: "PUT", path: LAB_PATH }, "original-uri")).resolves.toEqual(labDone);
    expect(hits[`GET ${AAO}`]).toBe(2);
  });

  it("Failed without an error body still gives a typed error", async () => {
    saveImageRoutes([{ status: 200, body: { ...running, status: "Failed" } }]);
    await expect(poller({ method: "POST", path: SAVE_PATH }, "location")).rejects.toMatchObject({ name: "OperationFailedError", code: "OperationFailed" });
  });

  it("a 429 and a 503 while polling are retried by the pipeline without failing the operation", async () => {
    const hits = saveImageRoutes([
      { status: 200, body: running },
      { status: 429, headers: { "Retry-After": "0" }, body: { error: { code: "TooManyRequests", message: "slow" } } },
      { status: 503, headers: { "Retry-After": "0" } },
      { status: 200, body: succeeded },
    ]);
    await expect(poller({ method: "POST", path: SAVE_PATH }, "location", { maxRetries: 3 })).resolves.toEqual(succeeded);
    expect(hits[`GET ${AAO}`]).toBe(4);
  });

  it("a status read that keeps failing rejects with the mapped ArmError, not a hang", async () => {
    saveImageRoutes([{ status: 404, body: { error: { code: "NotFound", message: "gone" } } }]);
    await expect(poller({ method: "POST", path: SAVE_PATH }, "location")).rejects.toMatchObject({ name: "NotFoundError", code: "NotFound" });
  });
});

describe("Retry-After between polls", () => {
  it("0 polls at once, 1 waits exactly 1000 ms, absent waits pollIntervalInMs", async () => {
    routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: { ...threeHeaders(), "Retry-After": "0" } }],
      [`GET ${AAO}`]: [
        { status: 200, body: running, headers: { "Retry-After": "1" } },
        { status: 200, body: running },
        { status: 200, body: running, headers: { "Retry-After": "0" } },
        { status: 200, body: succeeded },
      ],
      [`GET ${LOC}`]: [{ status: 200, body: succeeded }],
    });
    await poller({ method: "POST", path: SAVE_PATH }, "location", { pollIntervalInMs: 2500 });
    expect(delays).toEqual([0, 1000, 2500, 0]);
  });

  it("an absurd Retry-After on a poll is clamped to maxRetryAfterInMs", async () => {
    routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: { ...threeHeaders(), "Retry-After": "86400" } }],
      [`GET ${AAO}`]: [{ status: 200, body: running, headers: { "Retry-After": "-3" } }, { status: 200, body: succeeded }],
      [`GET ${LOC}`]: [{ status: 200, body: succeeded }],
    });
    const t = transport({ pollIntervalInMs: 700, maxRetryAfterInMs: 30_000 });
    await armOperationPoller(t, { kind: "k", request: { method: "POST", path: SAVE_PATH, api: "labPlans" }, finalStateVia: "location", mapResult: (b) => b });
    expect(delays).toEqual([30_000, 700]);
  });
});

describe("poller contract", () => {
  function routes() {
    return routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: threeHeaders(), body: running }],
      [`GET ${AAO}`]: [{ status: 200, body: running }, { status: 200, body: { ...running, percentComplete: 40 } }, { status: 200, body: succeeded }],
      [`GET ${LOC}`]: [{ status: 200, body: succeeded }],
    });
  }

  it("nothing is sent before the poller is awaited or submitted", async () => {
    routes();
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    await new Promise((r) => setImmediate(r));
    expect(msw.seen).toHaveLength(0);
    expect(p.isDone).toBe(false);
    expect(p.operationState).toBeUndefined();
    expect(p.result).toBeUndefined();
    await p.submitted();
    expect(msw.seen).toHaveLength(1);
    expect(p.operationState?.status).toBe("running");
    await p.submitted();
    expect(msw.seen).toHaveLength(1);
  });

  it("awaiting twice sends the initial request once", async () => {
    const hits = routes();
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    const [a, b] = await Promise.all([p, p.pollUntilDone()]);
    expect(a).toEqual(succeeded);
    expect(b).toEqual(succeeded);
    expect(hits[`POST ${SAVE_URL}`]).toBe(1);
    expect(p.isDone).toBe(true);
    expect(p.result).toEqual(succeeded);
    expect(await p).toEqual(succeeded);
    expect(hits[`GET ${AAO}`]).toBe(3);
  });

  it("onProgress fires on each change only, and stops after unsubscribe", async () => {
    routes();
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    const states: string[] = [];
    const other: string[] = [];
    p.onProgress((s) => states.push(`${s.status}:${s.percentComplete ?? "-"}`));
    const off = p.onProgress((s) => other.push(s.status));
    off();
    await p;
    // Initial running, the unchanged InProgress poll (no event), 40 %, then succeeded.
    expect(states).toEqual(["running:-", "running:40", "succeeded:40"]);
    expect(other).toEqual([]);
  });

  it("serialize() holds no token and resumes in a new poller without resending the initial request", async () => {
    const hits = routes();
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    await p.submitted();
    const token = await p.serialize();
    expect(typeof token).toBe("string");
    expect(token).not.toContain(TOKEN);
    expect(Buffer.from(token.slice(token.indexOf(".") + 1), "base64url").toString("utf8")).not.toContain(TOKEN);
    expect(token).not.toMatch(/bearer/i);

    const resumed = poller({ method: "POST", path: SAVE_PATH }, "location", { resumeFrom: token });
    expect(resumed.operationState?.status).toBe("running");
    await expect(resumed).resolves.toEqual(succeeded);
    expect(hits[`POST ${SAVE_URL}`]).toBe(1);
    expect(hits[`GET ${LOC}`]).toBe(1);
  });

  it("a token of another kind, a garbled one or a tampered one is refused before any request", async () => {
    routes();
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    await p.submitted();
    const token = await p.serialize();
    msw.seen.length = 0;
    const t = transport();
    const mk = (resumeFrom: string, kind = "test-op") => armOperationPoller(t, { kind, finalStateVia: "location", mapResult: (b) => b, resumeFrom });
    expect(() => mk(token, "other-op")).toThrow(ValidationError);
    expect(() => mk("lgpoll1.!!!")).toThrow(ValidationError);
    expect(() => mk("hello")).toThrow(ValidationError);
    expect(() => mk(encodeResumeToken("test-op", { mode: "teleport" }))).toThrow(ValidationError);
    expect(() => mk(encodeResumeToken("test-op", null))).toThrow(ValidationError);
    // A token rewritten to poll another host is refused without a request to it.
    const evil = encodeResumeToken("test-op", {
      method: "POST",
      api: "labPlans",
      resourceUrl: SAVE_URL,
      mode: "operation",
      operationUrl: "https://evil.example/op",
      finalStateVia: "location",
    });
    let thrown: unknown;
    try {
      await mk(evil);
    } catch (e) {
      thrown = e;
    }
    expect(thrown instanceof ValidationError || thrown instanceof UntrustedUrlError).toBe(true);
    expect(msw.hosts()).not.toContain("evil.example");
    expect(msw.seen).toHaveLength(0);
  });

  it("aborting pollUntilDone rejects with AbortError; a later pollUntilDone still completes", async () => {
    const hits = routes();
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    const ac = new AbortController();
    const off = p.onProgress(() => ac.abort());
    const err = await p.pollUntilDone({ abortSignal: ac.signal }).catch((e: unknown) => e);
    off();
    expect((err as Error).name).toBe("AbortError");
    expect(p.isDone).toBe(false);
    await expect(p.pollUntilDone()).resolves.toEqual(succeeded);
    expect(hits[`POST ${SAVE_URL}`]).toBe(1);
  });

  it("an already-aborted signal rejects without sending anything", async () => {
    routes();
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    const err = await p.pollUntilDone({ abortSignal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    expect(msw.seen).toHaveLength(0);
    await expect(p).resolves.toEqual(succeeded);
  });

  it("a transient failure of one awaited run does not poison the next", async () => {
    const hits = routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: threeHeaders(), body: running }],
      [`GET ${AAO}`]: [{ status: 500, body: { error: { code: "InternalServerError", message: "blip" } } }, { status: 200, body: succeeded }],
      [`GET ${LOC}`]: [{ status: 200, body: succeeded }],
    });
    const p = poller({ method: "POST", path: SAVE_PATH }, "location");
    await expect(p.pollUntilDone()).rejects.toMatchObject({ statusCode: 500 });
    await expect(p.pollUntilDone()).resolves.toEqual(succeeded);
    expect(hits[`POST ${SAVE_URL}`]).toBe(1);
  });
});

describe("untrusted polling URLs", () => {
  it.each([
    ["Location", { Location: "https://evil.example/op" }],
    ["Azure-AsyncOperation", { "Azure-AsyncOperation": "https://management.azure.com.evil.com/op", Location: LOC }],
    ["Azure-AsyncOperation on another port", { "Azure-AsyncOperation": "https://management.azure.com:4443/op" }],
    ["Location with user info", { Location: "https://u:p@management.azure.com/op" }],
  ])("a %s on another origin rejects with UntrustedUrlError and the host never sees a request", async (_l, headers) => {
    msw.server.use(
      http.all("https://evil.example/*", () => HttpResponse.json(succeeded)),
      http.all("https://management.azure.com.evil.com/*", () => HttpResponse.json(succeeded)),
      http.all("https://management.azure.com:4443/*", () => HttpResponse.json(succeeded)),
    );
    routeTable(msw.server, { [`POST ${SAVE_URL}`]: [{ status: 202, headers }], [`GET ${LOC}`]: [{ status: 200, body: succeeded }] });
    await expect(poller({ method: "POST", path: SAVE_PATH }, "location")).rejects.toBeInstanceOf(UntrustedUrlError);
    expect(msw.hosts()).toEqual(["management.azure.com"]);
    expect(msw.seen).toHaveLength(1);
  });
});

describe("runArmOperation", () => {
  it("runs one operation to its final body with the same rules", async () => {
    routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: { ...threeHeaders(), "Retry-After": "0" } }],
      [`GET ${AAO}`]: [{ status: 200, body: running, headers: { "Retry-After": "1" } }, { status: 200, body: succeeded }],
      [`GET ${LOC}`]: [{ status: 200, body: succeeded }],
    });
    const t = transport({ pollIntervalInMs: 10 });
    await expect(runArmOperation(t, { method: "POST", path: SAVE_PATH, api: "labPlans" }, "location")).resolves.toEqual(succeeded);
    expect(delays).toEqual([0, 1000]);
  });

  it("rejects a failed operation with OperationFailedError", async () => {
    routeTable(msw.server, {
      [`POST ${SAVE_URL}`]: [{ status: 202, headers: threeHeaders() }],
      [`GET ${AAO}`]: [{ status: 200, body: { ...running, status: "Failed", error: { code: "E", message: "m" } } }],
    });
    await expect(runArmOperation(transport(), { method: "POST", path: SAVE_PATH, api: "labPlans" }, "location")).rejects.toMatchObject({
      name: "OperationFailedError",
      code: "E",
      operationId: OP_ID,
    });
  });
});
