/**
 * Hostile responses (issue 10): an in-process emulator behind msw, with one answer tampered per
 * case. Every case is bounded by an abort signal and the test timeout (no timing assertion): a hang
 * shows up as an AbortError, which fails the "typed error or safe default" check.
 *
 * What breaks each property:
 * - foreign Location / Azure-AsyncOperation / nextLink: following the header verbatim without an
 *   origin check (core's bearer policy would even attach the token) — the evil host's counter and
 *   its Authorization log must stay empty;
 * - malformed / truncated / HTML bodies: a raw SyntaxError or TypeError escaping the client;
 * - absurd Retry-After: honouring it (an hour, a date in year 9999) — the run would exceed the
 *   abort bound; a negative or garbage value making the SDK spin without waiting is caught by the
 *   request count bound;
 * - unknown enum values: a crash in normalisation, or a poll loop that never ends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { LabAccountClient, LabClient, TemplateClient, isLabGalleryError, isUntrustedUrlError, type GalleryImage } from "../../src/index.js";
import { countingServer, deepText, http, HttpResponse, leaksIn, report, sentinelCredential, SENTINEL_TOKEN, SENTINEL_PASSWORD } from "./helpers.js";
import { ACCOUNT, CLASSIC_LAB, GALLERY, ORIGIN, PLAN, PLAN_LAB } from "./workflow.js";

const EVIL = "https://evil.example";
const { server, seen } = countingServer();
let emu: Emulator;
/** Rewrites the emulator's answer to one request; undefined = leave it. */
let tamper: (req: Request, res: Response) => Promise<Response | undefined> = async () => undefined;
const figures: Record<string, string> = {};

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  server.use(
    http.all(`${ORIGIN}/*`, async ({ request }) => {
      const res = await emu.handle(request.clone());
      if (res.type === "error") return HttpResponse.error();
      return (await tamper(request, res.clone())) ?? res;
    }),
    // The evil host answers (so a leak would "work"), but every request to it is counted first.
    http.all(`${EVIL}/*`, () => HttpResponse.json({ status: "Succeeded", value: [] })),
  );
});
afterAll(() => {
  server.close();
  report("hostile-responses", { cases: Object.keys(figures).length, outcomes: figures, requestsToForeignHosts: seen.filter((r) => !r.url.startsWith(ORIGIN)).length });
});

function fresh(): void {
  emu = createEmulator({ speed: 1e6 });
  tamper = async () => undefined;
  seen.length = 0;
}
const opts = () => ({ credential: sentinelCredential(), pollIntervalInMs: 1, maxRetryAfterInMs: 50, retryOptions: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 5 } });
const bound = () => AbortSignal.timeout(15_000);

async function outcome(name: string, run: () => Promise<unknown>): Promise<unknown> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  figures[name] = error === undefined ? "completed" : `${(error as Error).name}`;
  if (error !== undefined) {
    expect(isLabGalleryError(error), `${name}: typed error, got ${String(error).slice(0, 300)}`).toBe(true);
    expect(leaksIn(deepText(error)), `${name}: secret in the error`).toEqual([]);
  }
  const evil = seen.filter((r) => r.host === new URL(EVIL).host);
  expect(evil.map((r) => r.url), `${name}: a request reached ${EVIL}`).toEqual([]);
  expect(seen.filter((r) => r.authorization?.includes(SENTINEL_TOKEN) && !r.url.startsWith(ORIGIN)), "token sent to a foreign host").toEqual([]);
  return error;
}

async function attachAndEnable(gen: "labPlan" | "labAccount"): Promise<GalleryImage> {
  const a = new LabAccountClient(gen === "labPlan" ? PLAN : ACCOUNT, opts());
  await a.attachGallery(GALLERY);
  const [img] = await a.setImageEnabled("win11-base", true);
  return img as GalleryImage;
}

const foreign = (u: string) => EVIL + new URL(u).pathname + new URL(u).search;

describe("links to another host are refused and never followed", () => {
  for (const header of ["location", "azure-asyncoperation", "operation-location"]) {
    it(`saveImage answering with a foreign ${header}`, async () => {
      fresh();
      await attachAndEnable("labPlan");
      tamper = async (req, res) => {
        if (!/\/saveImage/i.test(new URL(req.url).pathname) || req.method !== "POST") return undefined;
        const h = new Headers(res.headers);
        for (const name of ["location", "azure-asyncoperation", "operation-location"]) {
          const v = h.get(name);
          if (v && name === header) h.set(name, foreign(v));
          else if (name !== header) h.delete(name);
        }
        return new Response(await res.text(), { status: res.status, headers: h });
      };
      const e = await outcome(`saveImage foreign ${header}`, () => new TemplateClient(PLAN_LAB, opts()).exportToGallery({ imageName: "evil-img" }).pollUntilDone({ abortSignal: bound() }));
      expect(isUntrustedUrlError(e), String(e)).toBe(true);
    });
  }

  it("lab PUT answering with a foreign Azure-AsyncOperation (and Location)", async () => {
    fresh();
    const image = await attachAndEnable("labPlan");
    tamper = async (req, res) => {
      if (req.method !== "PUT" || !/\/labs\/evil-lab$/i.test(new URL(req.url).pathname)) return undefined;
      const h = new Headers(res.headers);
      for (const name of ["location", "azure-asyncoperation", "operation-location"]) {
        const v = h.get(name);
        if (v) h.set(name, foreign(v));
      }
      if (!h.get("azure-asyncoperation")) h.set("azure-asyncoperation", `${EVIL}/op/1`);
      return new Response(await res.text(), { status: res.status, headers: h });
    };
    const e = await outcome("lab PUT foreign Azure-AsyncOperation", () =>
      new LabClient(PLAN, opts())
        .createFromGalleryImage({ name: "evil-lab", image, sku: "Classic_Fsv2_2_4GB_128_S_SSD", usageQuota: { hours: 1 }, credentials: { kind: "new", adminUser: { username: "teacher", password: SENTINEL_PASSWORD } } })
        .pollUntilDone({ abortSignal: bound() }),
    );
    expect(isUntrustedUrlError(e), String(e)).toBe(true);
  });

  for (const link of [`${EVIL}/subscriptions/x?page=2`, "http://management.azure.com/subscriptions/x?page=2", "https://management.azure.com.evil.example/x", "https://user:pw@management.azure.com/x", "javascript:alert(1)", "//evil.example/x"]) {
    it(`a nextLink to ${link}`, async () => {
      fresh();
      tamper = async (req, res) => {
        if (req.method !== "GET" || !/\/images$/i.test(new URL(req.url).pathname)) return undefined;
        const body = (await res.json()) as { value: unknown[] };
        return HttpResponse.json({ ...body, nextLink: link });
      };
      const e = await outcome(`nextLink ${link}`, async () => {
        for await (const _ of new LabAccountClient(PLAN, opts()).listImages({ abortSignal: bound() })) void _;
      });
      expect(isUntrustedUrlError(e), String(e)).toBe(true);
    });
  }
});

describe("broken bodies give typed errors", () => {
  const bodies: Array<[string, () => Response]> = [
    ["malformed JSON", () => new Response("{not json", { status: 200, headers: { "content-type": "application/json" } })],
    ["a truncated body", () => new Response('{"id":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/labs-rg/providers/Microsoft.LabServices/labPlans/plan-west', { status: 200, headers: { "content-type": "application/json" } })],
    ["an HTML page (wrong content type)", () => new Response("<html><body>Gateway</body></html>", { status: 200, headers: { "content-type": "text/html" } })],
    ["an HTML 502 from a proxy", () => new Response("<html>Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } })],
    ["JSON of the wrong shape (an array)", () => HttpResponse.json([1, 2, 3])],
    ["JSON null", () => HttpResponse.json(null)],
    ["a JSON string", () => HttpResponse.json("Succeeded")],
    ["an empty 200", () => new Response("", { status: 200 })],
    ["an error body with non-string fields", () => HttpResponse.json({ error: { code: 42, message: { nested: true }, details: "x" } }, { status: 400 })],
  ];
  for (const [what, make] of bodies) {
    for (const target of ["plan read", "operation poll", "image list"] as const) {
      it(`${what} on the ${target}`, async () => {
        fresh();
        if (target === "operation poll") await attachAndEnable("labPlan");
        tamper = async (req) => {
          const p = new URL(req.url).pathname;
          const hit = target === "plan read" ? req.method === "GET" && /\/labPlans\/plan-westus2$/i.test(p) : target === "operation poll" ? /\/operationResults\//i.test(p) : req.method === "GET" && /\/images$/i.test(p);
          return hit ? make() : undefined;
        };
        await outcome(`${what} / ${target}`, async () => {
          if (target === "plan read") await new LabAccountClient(PLAN, opts()).getAttachedGallery({ abortSignal: bound() });
          else if (target === "image list") for await (const _ of new LabAccountClient(PLAN, opts()).listImages({ abortSignal: bound() })) void _;
          else await new TemplateClient(PLAN_LAB, opts()).exportToGallery({ imageName: "broken-body" }).pollUntilDone({ abortSignal: bound() });
        });
      });
    }
  }
});

describe("absurd Retry-After values are bounded", () => {
  const values = ["-5", "-1", "99999999999999999999", "3600", "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "soon", "1e9", "NaN", ""];
  for (const v of values) {
    it(`Retry-After: ${JSON.stringify(v)} on throttled writes and on every operation poll`, async () => {
      fresh();
      await attachAndEnable("labPlan");
      let throttled = 0;
      tamper = async (req, res) => {
        const p = new URL(req.url).pathname;
        if (req.method === "POST" && /\/saveImage$/i.test(p) && throttled < 2) {
          throttled++;
          return HttpResponse.json({ error: { code: "TooManyRequests", message: "slow down" } }, { status: 429, headers: { "retry-after": v } });
        }
        if (/\/operationResults\//i.test(p)) {
          const h = new Headers(res.headers);
          h.set("retry-after", v);
          return new Response(await res.text(), { status: res.status, headers: h });
        }
        return undefined;
      };
      const e = await outcome(`Retry-After ${JSON.stringify(v)}`, () => new TemplateClient(PLAN_LAB, opts()).exportToGallery({ imageName: "retry-img" }).pollUntilDone({ abortSignal: bound() }));
      // Clamped (maxRetryAfterInMs 50): the export completes well inside the bound; garbage and
      // negative values fall back to a wait, never a hot loop (requests stay bounded).
      expect(e, String(e)).toBeUndefined();
      expect(seen.length).toBeLessThan(500);
    });
  }
});

describe("unknown enum values get safe defaults", () => {
  it("images with unknown osState / osType / enabledState / provisioningState are listed, not crashed on", async () => {
    fresh();
    await attachAndEnable("labPlan");
    tamper = async (req, res) => {
      if (req.method !== "GET" || !/\/images(\/[^/]+)?$/i.test(new URL(req.url).pathname)) return undefined;
      const body = (await res.json()) as { value?: Array<{ properties: Record<string, unknown> }>; properties?: Record<string, unknown> };
      const weird = (p: Record<string, unknown>) => Object.assign(p, { osState: "Quantum", osType: "Plan9", enabledState: "Maybe", provisioningState: "Banana", availableRegions: "everywhere" });
      for (const i of body.value ?? []) weird(i.properties);
      if (body.properties) weird(body.properties);
      return HttpResponse.json(body);
    };
    const listed: GalleryImage[] = [];
    await outcome("unknown enums in images", async () => {
      for await (const i of new LabAccountClient(PLAN, opts()).listImages({ abortSignal: bound() })) listed.push(i);
    });
    expect(listed.length).toBeGreaterThan(0);
    for (const i of listed) expect(Array.isArray(i.availableRegions)).toBe(true);
  });

  it("an operation status the SDK does not know is 'still running' until a terminal one arrives", async () => {
    fresh();
    await attachAndEnable("labPlan");
    let polls = 0;
    tamper = async (req, res) => {
      if (!/\/operationResults\//i.test(new URL(req.url).pathname)) return undefined;
      const body = (await res.json()) as Record<string, unknown>;
      if (body["status"] !== "Succeeded" || polls++ < 3) return HttpResponse.json({ ...body, status: polls % 2 ? "Banana" : "Frobnicating" });
      return HttpResponse.json(body);
    };
    const e = await outcome("unknown operation status", () => new TemplateClient(PLAN_LAB, opts()).exportToGallery({ imageName: "enum-img" }).pollUntilDone({ abortSignal: bound() }));
    expect(e).toBeUndefined();
  });

  it("classic: an unknown lab provisioningState, then Failed, ends in a typed error", async () => {
    fresh();
    const image = await attachAndEnable("labAccount");
    tamper = async (req, res) => {
      const p = new URL(req.url).pathname;
      if (req.method !== "GET" || !/\/labs\/enum-lab(\/environmentsettings\/default)?$/i.test(p)) return undefined;
      const body = (await res.json()) as { properties?: Record<string, unknown> };
      body.properties = { ...(body.properties ?? {}), provisioningState: "Failed" };
      return HttpResponse.json(body);
    };
    await outcome("classic lab Failed", () =>
      new LabClient(ACCOUNT, opts())
        .createFromGalleryImage({ name: "enum-lab", image, sku: "Basic", usageQuota: { hours: 1 }, credentials: { kind: "new", adminUser: { username: "teacher", password: SENTINEL_PASSWORD } } })
        .pollUntilDone({ abortSignal: bound() }),
    );
    void CLASSIC_LAB;
  });
});
