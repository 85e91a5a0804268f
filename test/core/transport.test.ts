import { inspect } from "node:util";
import { createHttpHeaders, createPipelineRequest, isRestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { ArmTransport, resourcePath } from "../../src/core/transport.js";
import { armAuthPolicy, assertTrustedUrl, retryAfterClampPolicy, throttleRetryPolicy } from "../../src/core/policies.js";
import { SDK_VERSION } from "../../src/core/version.js";
import {
  ConnectionError,
  NotFoundError,
  ThrottledError,
  UnexpectedResponseError,
  UntrustedUrlError,
  ValidationError,
  isUntrustedUrlError,
} from "../../src/core/errors.js";
import { ARM, LAB_PATH, TOKEN, fakeCredential, transport, useMsw } from "./harness.js";

const msw = useMsw();
const LAB_URL = `${ARM}${LAB_PATH}`;

/** Hosts that must never see a request: each also has a catch-all handler, so a leak would be answered, not errored. */
const FOREIGN = [
  "https://evil.example/steal",
  "https://management.azure.com.evil.com/subscriptions/x",
  "https://management.azure.com:8443/subscriptions/x",
  "https://user:pass@management.azure.com/subscriptions/x",
  "https://user@management.azure.com/subscriptions/x",
  "http://management.azure.com/subscriptions/x",
  "https://management.chinacloudapi.cn/subscriptions/x",
];

function foreignHandlers() {
  return [
    http.all("https://evil.example/*", () => HttpResponse.json({ value: [], status: "Succeeded" })),
    http.all("https://management.azure.com.evil.com/*", () => HttpResponse.json({ value: [], status: "Succeeded" })),
    http.all("https://management.azure.com:8443/*", () => HttpResponse.json({ value: [], status: "Succeeded" })),
    http.all("http://management.azure.com/*", () => HttpResponse.json({ value: [], status: "Succeeded" })),
    http.all("https://management.chinacloudapi.cn/*", () => HttpResponse.json({ value: [], status: "Succeeded" })),
  ];
}

describe("transport: what reaches the ARM origin", () => {
  it("sends the bearer token, the api-version, JSON accept and the SDK user agent", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({ id: LAB_PATH, name: "lab1" })));
    const cred = fakeCredential();
    const scopes: unknown[] = [];
    const t = transport({ credential: { getToken: (s, o) => (scopes.push(s), cred.getToken(s, o)) }, userAgentPrefix: "my-tool/2.0" });
    const res = await t.send({ method: "GET", path: LAB_PATH, api: "labPlans" });
    expect(res).toEqual({ status: 200, body: { id: LAB_PATH, name: "lab1" } });
    expect(msw.seen).toHaveLength(1);
    const [r] = msw.seen;
    expect(r?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(new URL(r?.url as string).searchParams.get("api-version")).toBe("2023-06-07");
    expect(r?.userAgent).toContain(`azure-lab-gallery/${SDK_VERSION}`);
    expect(r?.userAgent).toMatch(/^my-tool\/2\.0 /);
    expect(scopes).toEqual(["https://management.azure.com/.default"]);
  });

  it("caches the token between requests", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({})));
    const cred = fakeCredential();
    const t = transport({ credential: cred });
    await t.send({ method: "GET", path: LAB_PATH, api: "labPlans" });
    await t.send({ method: "GET", path: LAB_PATH, api: "labPlans" });
    expect(cred.calls).toBe(1);
    expect(msw.seen).toHaveLength(2);
  });

  it("requests a token for the chosen cloud's audience", async () => {
    const url = `https://management.usgovcloudapi.net${LAB_PATH}`;
    msw.server.use(http.get(url, () => HttpResponse.json({})));
    const scopes: unknown[] = [];
    const t = transport({ cloud: "AzureUSGovernment", credential: { getToken: async (s) => (scopes.push(s), { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) } });
    await t.send({ method: "GET", path: LAB_PATH, api: "labPlans" });
    expect(scopes).toEqual(["https://management.usgovcloudapi.net/.default"]);
    expect(msw.hosts()).toEqual(["management.usgovcloudapi.net"]);
  });

  it("query values are encoded, not spliced", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({})));
    const t = transport();
    await t.send({ method: "GET", path: LAB_PATH, api: "labPlans", query: { $filter: "name eq 'a&b=c#d'" } });
    const u = new URL(msw.seen[0]?.url as string);
    expect(u.searchParams.get("$filter")).toBe("name eq 'a&b=c#d'");
    expect(u.searchParams.get("b")).toBeNull();
    expect(u.hash).toBe("");
  });
});

describe("transport: a URL on another origin never gets a request or the token", () => {
  it.each(FOREIGN)("sendRaw refuses %s before asking for a token", async (url) => {
    msw.server.use(...foreignHandlers());
    const cred = fakeCredential();
    const t = transport({ credential: cred });
    const err = await t.sendRaw("GET", url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UntrustedUrlError);
    expect(isUntrustedUrlError(err)).toBe(true);
    expect((err as Error).message).not.toContain("pass");
    expect(msw.seen).toHaveLength(0);
    expect(cred.calls).toBe(0);
  });

  it("a malformed URL is refused as untrusted", async () => {
    const t = transport();
    for (const url of ["//evil.example/x", "/subscriptions/x", "not a url", ""]) {
      await expect(t.sendRaw("GET", url)).rejects.toBeInstanceOf(UntrustedUrlError);
    }
    expect(msw.seen).toHaveLength(0);
  });

  it("the ARM origin with an explicit :443 and upper-case host is the same origin", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({ ok: true })));
    const t = transport();
    const r = await t.sendRaw("GET", `https://MANAGEMENT.azure.com:443${LAB_PATH}?api-version=2023-06-07`);
    expect(r.body).toEqual({ ok: true });
    expect(msw.seen[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("the auth policy itself refuses another origin (defence in depth), without calling the credential", async () => {
    const cred = fakeCredential();
    const policy = armAuthPolicy(cred, "https://management.azure.com/.default", new URL(ARM));
    const next = vi.fn();
    for (const url of FOREIGN) {
      const req = createPipelineRequest({ url });
      await expect(policy.sendRequest(req, next)).rejects.toBeInstanceOf(UntrustedUrlError);
      expect(req.headers.has("authorization")).toBe(false);
    }
    expect(next).not.toHaveBeenCalled();
    expect(cred.calls).toBe(0);
  });

  it("a 3xx redirect to another host is not followed", async () => {
    msw.server.use(
      ...foreignHandlers(),
      http.get(LAB_URL, () => new HttpResponse(null, { status: 307, headers: { Location: "https://evil.example/steal" } })),
    );
    const t = transport();
    await expect(t.send({ method: "GET", path: LAB_PATH, api: "labPlans" })).rejects.toMatchObject({ statusCode: 307 });
    expect(msw.hosts()).toEqual(["management.azure.com"]);
  });

  it("assertTrustedUrl refuses http on a non-loopback host even if the endpoint were http", () => {
    expect(() => assertTrustedUrl("http://10.0.0.1/x", new URL("http://10.0.0.1"))).toThrow(UntrustedUrlError);
    expect(assertTrustedUrl("http://127.0.0.1:8080/x", new URL("http://127.0.0.1:8080")).pathname).toBe("/x");
  });
});

describe("transport: endpoint rules at construction", () => {
  it.each([
    "http://example.com",
    "http://10.0.0.1:8080",
    "http://localhost.evil.com",
    "http://127.0.0.1.nip.io",
    "http://[::ffff:7f00:1]",
    "http://[::2]",
    "ftp://127.0.0.1",
    "file:///etc/passwd",
    "https://management.azure.com/subscriptions",
    "https://management.azure.com/?x=1",
    "https://management.azure.com/#x",
    "https://user:pw@management.azure.com",
    "not a url",
    "",
  ])("refuses %j with a ValidationError and sends nothing", (endpoint) => {
    expect(() => new ArmTransport({ endpoint, credential: fakeCredential() })).toThrow(ValidationError);
    expect(msw.seen).toHaveLength(0);
  });

  it.each(["http://127.0.0.1:7357", "http://127.45.6.7", "http://[::1]:3000", "http://localhost:8080", "http://LOCALHOST", "https://arm.contoso.example"])(
    "accepts %j",
    (endpoint) => {
      expect(new ArmTransport({ endpoint, credential: fakeCredential() }).options.endpoint.origin).toBe(new URL(endpoint).origin);
    },
  );

  it("refuses unknown options, clouds and malformed api-versions", () => {
    expect(() => new ArmTransport({ credentials: fakeCredential() } as never)).toThrow(ValidationError);
    expect(() => new ArmTransport({ cloud: "Mars" } as never)).toThrow(ValidationError);
    expect(() => new ArmTransport({ apiVersions: { labPlans: "latest" } })).toThrow(ValidationError);
    expect(() => new ArmTransport({ pollIntervalInMs: -1 })).toThrow(ValidationError);
  });

  it("an http loopback endpoint works end to end (the emulator case), token included", async () => {
    const base = "http://127.0.0.1:7357";
    msw.server.use(http.get(`${base}${LAB_PATH}`, () => HttpResponse.json({ name: "lab1" })));
    const t = transport({ endpoint: base });
    const r = await t.send({ method: "GET", path: LAB_PATH, api: "labPlans" });
    expect(r.body).toEqual({ name: "lab1" });
    expect(msw.seen.map((s) => s.host)).toEqual(["127.0.0.1:7357"]);
    expect(msw.seen[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("an https endpoint never sends to its http twin", async () => {
    const t = transport({ endpoint: "https://127.0.0.1:7357" });
    await expect(t.sendRaw("GET", `http://127.0.0.1:7357${LAB_PATH}`)).rejects.toBeInstanceOf(UntrustedUrlError);
    expect(msw.seen).toHaveLength(0);
  });
});

describe("transport: resourcePath", () => {
  it("joins fixed segments to an id", () => {
    expect(resourcePath(`${LAB_PATH}/`, "virtualMachines")).toBe(`${LAB_PATH}/virtualMachines`);
  });
  it.each([
    `${LAB_PATH}/..`,
    `${LAB_PATH}/../../x`,
    `${LAB_PATH}/./x`,
    `${LAB_PATH}/a%2Fb`,
    `${LAB_PATH}?x=1`,
    `${LAB_PATH}#x`,
    `${LAB_PATH}\\x`,
    `${LAB_PATH}//x`,
    "//evil.example/subscriptions/x",
    "subscriptions/x",
    "/x/subscriptions/x",
  ])("refuses %j", (p) => {
    expect(() => resourcePath(p)).toThrow(ValidationError);
  });
  it("refuses a non-word segment as an internal error", () => {
    expect(() => resourcePath(LAB_PATH, "../x")).toThrow(/internal/);
  });
});

describe("transport: responses and errors", () => {
  it("maps an ARM error answer to its class with request and correlation ids; cause is the core RestError", async () => {
    msw.server.use(
      http.get(LAB_URL, () =>
        HttpResponse.json(
          { error: { code: "ResourceNotFound", message: "The Resource was not found." } },
          { status: 404, headers: { "x-ms-request-id": "req-9", "x-ms-correlation-request-id": "corr-9" } },
        ),
      ),
    );
    const err = await transport()
      .send({ method: "GET", path: LAB_PATH, api: "labPlans" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ statusCode: 404, code: "ResourceNotFound", requestId: "req-9", correlationId: "corr-9" });
    const cause = (err as Error).cause;
    expect(isRestError(cause)).toBe(true);
    expect(cause).toMatchObject({ statusCode: 404 });
    // Neither the error nor its cause can leak the token, however deep one looks.
    expect(inspect(err, { depth: 20, showHidden: true })).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    const causeReq = (cause as { request?: { headers: { get(n: string): string | undefined } } }).request;
    expect(causeReq?.headers.get("authorization")).toBeUndefined();
    const causeRes = (cause as { response?: PipelineResponse }).response;
    expect(causeRes?.request.headers.get("authorization")).toBeUndefined();
  });

  it("getOptional turns a 404 into undefined and rethrows other errors", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({ error: { code: "NotFound", message: "x" } }, { status: 404 })));
    await expect(transport().getOptional({ path: LAB_PATH, api: "labPlans" })).resolves.toBeUndefined();
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({ error: { code: "Boom", message: "x" } }, { status: 500 })));
    await expect(transport().getOptional({ path: LAB_PATH, api: "labPlans" })).rejects.toMatchObject({ statusCode: 500, code: "Boom" });
  });

  it("a 2xx answer that is not JSON is an UnexpectedResponseError", async () => {
    msw.server.use(http.get(LAB_URL, () => new HttpResponse("<html>proxy</html>", { status: 200, headers: { "content-type": "text/html" } })));
    await expect(transport().send({ method: "GET", path: LAB_PATH, api: "labPlans" })).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it("a network failure is a ConnectionError", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.error()));
    await expect(transport().send({ method: "GET", path: LAB_PATH, api: "labPlans" })).rejects.toBeInstanceOf(ConnectionError);
  });

  it("a ConnectionError's cause chain holds no request carrying the bearer token", async () => {
    msw.server.use(http.post(`${LAB_URL}/publish`, () => HttpResponse.error()));
    const err = await transport({ retryOptions: { maxRetries: 2, retryDelayInMs: 1 } })
      .send({ method: "POST", path: `${LAB_PATH}/publish`, api: "labPlans" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    // Walk the cause chain the way a logger or a debugger would: properties, not util.inspect.
    let c: unknown = (err as Error).cause;
    let depth = 0;
    for (; c !== undefined && depth < 10; depth++) {
      const req = (c as { request?: { headers: { get(n: string): string | undefined } } }).request;
      expect(req?.headers.get("authorization")).toBeUndefined();
      c = (c as { cause?: unknown }).cause;
    }
    expect(depth).toBeGreaterThan(0);
  });

  it("sends a JSON body with its content type", async () => {
    let got: unknown;
    msw.server.use(
      http.put(LAB_URL, async ({ request }) => {
        got = { ct: request.headers.get("content-type"), body: await request.json() };
        return HttpResponse.json({ ok: 1 }, { status: 201 });
      }),
    );
    const r = await transport().send({ method: "PUT", path: LAB_PATH, api: "labPlans", body: { location: "westus" } });
    expect(r.status).toBe(201);
    expect(got).toEqual({ ct: "application/json", body: { location: "westus" } });
  });

  it("onResponse sees status and headers but never the Authorization header, on success and on error", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({ ok: 1 }, { headers: { "x-ms-request-id": "abc" } })));
    const seen: unknown[] = [];
    await transport().send({ method: "GET", path: LAB_PATH, api: "labPlans", options: { onResponse: (r) => seen.push(r) } });
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({ error: { code: "X", message: "y" } }, { status: 409 })));
    await transport()
      .send({ method: "GET", path: LAB_PATH, api: "labPlans", options: { onResponse: (r) => seen.push(r) } })
      .catch(() => undefined);
    expect(seen).toHaveLength(2);
    const [ok, bad] = seen as PipelineResponse[];
    expect(ok?.status).toBe(200);
    expect(ok?.headers.get("x-ms-request-id")).toBe("abc");
    expect(bad?.status).toBe(409);
    for (const r of seen as PipelineResponse[]) {
      expect(r.request.headers.get("authorization")).toBeUndefined();
      expect(inspect(r, { depth: 20, showHidden: true })).not.toContain(TOKEN);
    }
    // The request that went out did carry it: the callback got a copy, not the wire request.
    expect(msw.seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("a caller's custom Authorization header cannot replace the token or reach another host", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({})));
    await transport().send({
      method: "GET",
      path: LAB_PATH,
      api: "labPlans",
      options: { requestOptions: { customHeaders: { Authorization: "Bearer other" } } },
    });
    expect(msw.seen[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe("transport: throttling and Retry-After", () => {
  /** A 429 with `headers`, then 200: the retry must come at once (clamped), never after the raw wait. */
  async function throttledOnce(h: Record<string, string>, options: Parameters<typeof transport>[0] = {}) {
    let calls = 0;
    msw.server.use(
      http.get(LAB_URL, () => {
        calls++;
        return calls === 1
          ? HttpResponse.json({ error: { code: "TooManyRequests", message: "slow down" } }, { status: 429, headers: h })
          : HttpResponse.json({ ok: true });
      }),
    );
    const t = transport({ retryOptions: { maxRetries: 1 }, maxRetryAfterInMs: 0, ...options });
    // A safety net so a broken clamp fails this test quickly instead of hanging: the clamped retry
    // needs no time at all, the unclamped one would need days.
    const result = await t.send({ method: "GET", path: LAB_PATH, api: "labPlans", options: { abortSignal: AbortSignal.timeout(5_000) } }).then(
      (r) => r,
      (e: unknown) => e,
    );
    return { result, calls };
  }

  // Values under 2^31 ms on purpose: a longer setTimeout overflows to 1 ms in Node, which would make
  // an unclamped retry look instant. A day is long enough to hang the suite without the clamp.
  const inADay = () => new Date(Date.now() + 86_400_000).toUTCString();
  it.each([
    ["a day in seconds", () => ({ "Retry-After": "86400" })],
    ["an HTTP date a day away", () => ({ "Retry-After": inADay() })],
    ["a day in retry-after-ms", () => ({ "retry-after-ms": "86400000" })],
    ["a day in x-ms-retry-after-ms", () => ({ "x-ms-retry-after-ms": "86400000" })],
    ["400 digits", () => ({ "Retry-After": "9".repeat(400) })],
  ])("a 429 with %s is retried after the clamped wait", async (_label, h) => {
    const { result, calls } = await throttledOnce(h());
    expect(result).toEqual({ status: 200, body: { ok: true } });
    expect(calls).toBe(2);
  });

  it("Retry-After: 0 is retried at once", async () => {
    const { result, calls } = await throttledOnce({ "Retry-After": "0" }, { maxRetryAfterInMs: 120_000 });
    expect(result).toEqual({ status: 200, body: { ok: true } });
    expect(calls).toBe(2);
  });

  it.each([["-5"], ["garbage"], ["1.5"]])("a 429 with Retry-After %j is retried after ARM's default wait, clamped", async (v) => {
    const { result, calls } = await throttledOnce({ "Retry-After": v });
    expect(result).toEqual({ status: 200, body: { ok: true } });
    expect(calls).toBe(2);
  });

  it("a 429 without any Retry-After is retried too (core's throttling strategy alone would not)", async () => {
    const { result, calls } = await throttledOnce({});
    expect(result).toEqual({ status: 200, body: { ok: true } });
    expect(calls).toBe(2);
  });

  it("with retries off, a 429 surfaces as ThrottledError carrying the wait", async () => {
    msw.server.use(http.get(LAB_URL, () => HttpResponse.json({ error: { code: "TooManyRequests", message: "m" } }, { status: 429, headers: { "Retry-After": "30" } })));
    const err = await transport()
      .send({ method: "GET", path: LAB_PATH, api: "labPlans" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as ThrottledError).retryAfterInMs).toBe(30_000);
  });

  it("waits out throttling longer than maxRetries allows (a bulk job against ARM's write bucket), with the clamped wait", async () => {
    let calls = 0;
    msw.server.use(
      http.get(LAB_URL, () => {
        calls++;
        return calls <= 5
          ? HttpResponse.json({ error: { code: "SubscriptionRequestsThrottled", message: "m" } }, { status: 429, headers: { "Retry-After": "1" } })
          : HttpResponse.json({ ok: true });
      }),
    );
    const t0 = Date.now();
    // maxRetryAfterInMs 0: the clamp (inside the throttle policy) turns every wait into 0 s; if the
    // order were wrong the five raw 1 s waits would show in the elapsed time.
    const res = await transport({ retryOptions: { maxRetries: 1 }, maxRetryAfterInMs: 0 }).send({ method: "GET", path: LAB_PATH, api: "labPlans" });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(calls).toBe(6);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  describe("throttleRetryPolicy (pure)", () => {
    const throttled = (h: Record<string, string>) => (req: ReturnType<typeof createPipelineRequest>): PipelineResponse => ({ request: req, status: 429, headers: createHttpHeaders(h) });
    it("stops when the next wait would exceed the budget, and returns the 429", async () => {
      const req = createPipelineRequest({ url: LAB_URL });
      let calls = 0;
      const res = await throttleRetryPolicy(true, 50).sendRequest(req, async (r) => (calls++, throttled({ "retry-after-ms": "30" })(r)));
      expect(res.status).toBe(429);
      expect(calls).toBe(2);
    });
    it("the budget holds across core's retries of the same request (they resend the same request object)", async () => {
      const req = createPipelineRequest({ url: LAB_URL });
      const policy = throttleRetryPolicy(true, 50);
      let calls = 0;
      const send = async (r: typeof req) => (calls++, throttled({ "retry-after-ms": "30" })(r));
      await policy.sendRequest(req, send);
      expect(calls).toBe(2);
      // core's retry policy, outside, sends the same request again after the 429: no fresh budget.
      const res = await policy.sendRequest(req, send);
      expect(res.status).toBe(429);
      expect(calls).toBe(3);
    });
    it("does nothing when disabled or when the 429 gives no usable wait", async () => {
      for (const [enabled, h] of [[false, { "retry-after": "1" }], [true, {}]] as const) {
        let calls = 0;
        const req = createPipelineRequest({ url: LAB_URL });
        const res = await throttleRetryPolicy(enabled).sendRequest(req, async (r) => (calls++, throttled(h)(r)));
        expect(res.status).toBe(429);
        expect(calls).toBe(1);
      }
    });
    it("an abort during the wait rejects with AbortError at once", async () => {
      const ac = new AbortController();
      const req = createPipelineRequest({ url: LAB_URL, abortSignal: ac.signal });
      const p = throttleRetryPolicy(true).sendRequest(req, async (r) => throttled({ "retry-after": "60" })(r));
      setTimeout(() => ac.abort(), 10);
      await expect(p).rejects.toMatchObject({ name: "AbortError" });
    });
  });

  describe("retryAfterClampPolicy (pure)", () => {
    async function run(maxMs: number, h: Record<string, string>) {
      const req = createPipelineRequest({ url: LAB_URL });
      const res: PipelineResponse = { request: req, status: 429, headers: createHttpHeaders(h) };
      return (await retryAfterClampPolicy(maxMs).sendRequest(req, async () => res)).headers;
    }
    it("leaves sane values alone and clamps, drops or keeps the rest", async () => {
      expect((await run(120_000, { "retry-after": "30" })).get("retry-after")).toBe("30");
      expect((await run(120_000, { "retry-after": "0" })).get("retry-after")).toBe("0");
      expect((await run(120_000, { "retry-after": "3600" })).get("retry-after")).toBe("120");
      expect((await run(5_000, { "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" })).get("retry-after")).toBe("5");
      // On a 429 a garbage hint becomes ARM's 10 s minimum, within the clamp.
      expect((await run(5_000, { "retry-after": "-1" })).get("retry-after")).toBe("5");
      expect((await run(120_000, { "retry-after": "soon" })).get("retry-after")).toBe("10");
      expect((await run(5_000, { "retry-after-ms": "-1" })).get("retry-after-ms")).toBeUndefined();
      expect((await run(5_000, { "retry-after-ms": "250" })).get("retry-after-ms")).toBe("250");
      expect((await run(5_000, { "x-ms-retry-after-ms": "60000" })).get("x-ms-retry-after-ms")).toBe("5000");
    });
    it("a clamp below one second still yields a valid whole-second Retry-After", async () => {
      expect((await run(500, { "retry-after": "10" })).get("retry-after")).toMatch(/^\d+$/);
    });
  });
});
