/**
 * Hostile input (issue 10): property-based tests over every public method and every CLI command.
 * Each generated input holds at least one thing no ARM id, name, region, duration or credential may
 * hold (path traversal `..` / `%2e%2e` / `%2F`, a query or fragment, a control character, a 1 MB
 * string, a wrong type…), wrapped in random unicode. The only acceptable result is a
 * `ValidationError` (CLI: exit code 2 or 1 with a validation message), never a crash, and ZERO
 * requests: msw runs with `onUnhandledRequest: "error"`, no handlers at all, and counts every request
 * on every host at `request:start` — before any handler — so even a request to another host counts.
 *
 * What breaks it: a method that sends before validating (a preflight GET with a traversal id is
 * enough to make the count non-zero), a validator that lets `%2F` or `..` through into a path, an
 * input that makes a client throw a TypeError instead of a ValidationError, or a CLI that reports a
 * crash (exit code other than 1/2) or reaches a credential.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCliWithRealClients } from "../cli/helpers.js";
import { LabAccountClient, LabClient, TemplateClient, isValidationError, type GalleryImage } from "../../src/index.js";
import { countingServer, leaksIn, report, sentinelCredential, suiteSeed, runsOr, SENTINEL_PASSWORD, SENTINEL_TOKEN } from "./helpers.js";
import { ACCOUNT, CLASSIC_LAB, GALLERY, PLAN, PLAN_LAB } from "./workflow.js";

const SEED = suiteSeed();
const NUM_RUNS = runsOr(200);
const { server, seen } = countingServer();
let tried = 0;
const perTarget: Record<string, number> = {};

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
let leaked = 0;
afterEach(() => {
  const sent = seen.map((r) => `${r.method} ${r.url.slice(0, 200)}`);
  leaked += seen.length;
  seen.length = 0; // one failure must not cascade into the next test
  expect(sent, "requests sent").toEqual([]);
});
afterAll(() => {
  server.close();
  report("hostile-input", { seed: SEED, runsPerProperty: NUM_RUNS, hostileInputsTried: tried, perTarget, requestsLeaked: leaked });
});

const ONE_MB = "a".repeat(1024 * 1024);
/** An image id: `labs create --image <name>` looks the name up first (see the it.fails below). */
const WIN11_DEF = `${GALLERY}/images/win11-base`;
/** Each of these alone makes an id, a name or a region invalid. */
const POISON = [
  "..",
  "/..",
  "../..",
  "%2e%2e",
  "%2E%2E/",
  "%2F",
  "a%2Fb",
  "/",
  "\\",
  "?api-version=2099-01-01",
  "?$filter=x",
  "&x=1?",
  "#fragment",
  "\u0000",
  "\u0007",
  // Whitespace inside (edges are trimmed by the CLI-friendly parsers, which is harmless).
  "a\nb",
  "a\r\nX-Injected: 1",
  "\u007f",
  "a\tb",
  "@evil.example",
  "//evil.example/",
  "https://evil.example/",
  ONE_MB,
];
const poison = fc.constantFrom(...POISON);
const noise = fc.string({ unit: "grapheme", maxLength: 8 });
/** A hostile string: poison anywhere in random unicode, or only poison. */
const hostile = fc.oneof(
  poison,
  fc.tuple(noise, poison, noise).map(([a, p, b]) => a + p + b),
);
/** A valid id with one segment made hostile (or the hostile string appended). */
function hostileId(valid: string): fc.Arbitrary<string> {
  const parts = valid.split("/");
  return fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: parts.length - 1 }), hostile).map(([i, h]) => parts.map((p, j) => (j === i ? h : p)).join("/")),
    hostile.map((h) => `${valid}/${h}`),
  );
}
/**
 * For fields that only travel in a JSON body (sku, title, username): path poison is harmless there,
 * so only what no such field may hold — control characters, CR/LF header injection, 1 MB.
 */
const hostileText = fc.oneof(
  fc.constantFrom("a\u0000b", "a\u0007b", "a\r\nX-Injected: 1", "a\u007fb", ONE_MB),
  fc.tuple(noise, fc.constantFrom("\u0000", "\u001b[31m", "\r\n", ONE_MB), noise).map(([a, p, b]) => a + p + b),
);
/** Values of the wrong type, for every parameter. */
const wrongType = fc.constantFrom<unknown>(undefined, null, 42, NaN, Infinity, -1, true, {}, [], () => "x", Symbol("s"), 10n, new Date(0));

const fcOpts = { seed: SEED, numRuns: NUM_RUNS };
const opts = { credential: sentinelCredential(), retryOptions: { maxRetries: 0 } };

/** Runs `fn` (sync throw or async reject) and demands a ValidationError; drives pollers and iterators. */
async function mustRefuse(target: string, fn: () => unknown): Promise<void> {
  tried++;
  perTarget[target] = (perTarget[target] ?? 0) + 1;
  // Each input is judged on its own requests (fast-check replays and shrinks after a failure).
  leaked += seen.length;
  seen.length = 0;
  let error: unknown;
  try {
    const r = fn();
    if (r && typeof (r as { pollUntilDone?: unknown }).pollUntilDone === "function") await (r as { pollUntilDone(o: unknown): Promise<unknown> }).pollUntilDone({ abortSignal: AbortSignal.timeout(5_000) });
    else if (r && typeof (r as { next?: unknown }).next === "function") await (r as AsyncIterator<unknown>).next();
    else await r;
  } catch (e) {
    error = e;
  }
  if (!isValidationError(error)) throw new Error(`${target}: expected a ValidationError, got ${error === undefined ? "success" : String(error).slice(0, 300)}; requests: ${seen.map((r) => r.url.slice(0, 200)).join(", ")}`);
  expect(leaksIn(`${(error as Error).message}`), "secret echoed in a validation message").toEqual([]);
  expect(seen.map((r) => `${r.method} ${r.url.slice(0, 200)}`), `${target} sent a request`).toEqual([]);
}

const image: GalleryImage = {
  name: "win11-base",
  displayName: "win11-base",
  id: `${PLAN}/images/win11-base`,
  galleryImageId: `${GALLERY}/images/win11-base` as GalleryImage["galleryImageId"],
  osType: "Windows",
  osState: "Generalized",
  enabled: true,
  availableRegions: ["westus2"],
  source: "gallery",
  account: PLAN as GalleryImage["account"],
};
const goodLab = { name: "lab-1", image, sku: "Classic_Fsv2_2_4GB_128_S_SSD", usageQuota: { hours: 10 }, credentials: { kind: "new" as const, adminUser: { username: "teacher", password: SENTINEL_PASSWORD } } };

describe("SDK: every public method refuses hostile input without a request", () => {
  it("constructors: account, lab and client options", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileId(PLAN), hostileId(ACCOUNT), hostile, wrongType), async (id) => {
        await mustRefuse("new LabAccountClient", () => new LabAccountClient(id as string, opts));
        await mustRefuse("new LabClient", () => new LabClient(id as string, opts));
      }),
      fcOpts,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileId(PLAN_LAB), hostileId(CLASSIC_LAB), hostile, wrongType), async (id) => {
        await mustRefuse("new TemplateClient", () => new TemplateClient(id as string, opts));
      }),
      fcOpts,
    );
    const badOptions = fc.oneof(
      // Only endpoints that still carry a path, query, fragment or user after URL parsing
      // ("https://host/.." normalises to the bare origin, which is valid).
      hostile
        .map((h) => ({ endpoint: `https://management.azure.com${h.startsWith("/") ? h : `/${h}`}` }))
        .filter((o) => {
          try {
            const u = new URL(o.endpoint);
            return u.pathname !== "/" || u.search !== "" || u.hash !== "" || u.username !== "";
          } catch {
            return true;
          }
        }),
      fc.constantFrom({ endpoint: "http://evil.example" }, { endpoint: "https://user:pw@management.azure.com" }, { endpoint: "javascript:alert(1)" }, { endpoint: "file:///etc/passwd" }, { endpoint: ONE_MB }),
      wrongType.map((v) => ({ pollIntervalInMs: v })).filter((o) => !(typeof o.pollIntervalInMs === "number" && o.pollIntervalInMs >= 0 && Number.isFinite(o.pollIntervalInMs)) && o.pollIntervalInMs !== undefined),
      wrongType.map((v) => ({ maxRetryAfterInMs: v })).filter((o) => !(typeof o.maxRetryAfterInMs === "number" && o.maxRetryAfterInMs >= 0 && Number.isFinite(o.maxRetryAfterInMs)) && o.maxRetryAfterInMs !== undefined),
      hostile.map((h) => ({ apiVersions: { labPlans: h } })),
      hostile.map((h) => ({ cloud: h })),
      hostile.map((h) => ({ [h]: 1 })),
    );
    await fc.assert(
      fc.asyncProperty(badOptions, async (o) => {
        await mustRefuse("client options", () => new LabAccountClient(PLAN, { credential: opts.credential, ...(o as object) }));
      }),
      fcOpts,
    );
  });

  it("LabAccountClient: attachGallery, getImage, setImageEnabled, listImages, detach", async () => {
    for (const acc of [PLAN, ACCOUNT]) {
      const c = new LabAccountClient(acc, opts);
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileId(GALLERY), hostile, wrongType), async (g) => mustRefuse("attachGallery", () => c.attachGallery(g as string))),
        fcOpts,
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile, hostileId(`${GALLERY}/images/win11-base`), hostileId(`${PLAN}/images/win11-base`), wrongType), async (n) => {
          await mustRefuse("getImage", () => c.getImage(n as string));
          await mustRefuse("setImageEnabled", () => c.setImageEnabled([n as string], true));
          await mustRefuse("setImageEnabled(list)", () => c.setImageEnabled(["win11-base", n as string], false));
        }),
        fcOpts,
      );
      await fc.assert(
        fc.asyncProperty(wrongType.filter((v) => typeof v !== "boolean"), async (v) => mustRefuse("setImageEnabled(enabled)", () => c.setImageEnabled("win11-base", v as boolean))),
        { ...fcOpts, numRuns: Math.min(NUM_RUNS, 50) },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            hostile.map((h) => ({ source: h })),
            hostile.map((h) => ({ osState: h })),
            hostile.map((h) => ({ osType: h })),
            hostile.map((h) => ({ [h]: true })),
            wrongType.filter((v) => v !== undefined && v !== true && v !== false).map((v) => ({ enabled: v })),
          ),
          async (f) => mustRefuse("listImages", () => c.listImages(f as never)),
        ),
        fcOpts,
      );
      await fc.assert(
        fc.asyncProperty(hostile, async (h) => {
          await mustRefuse("detachGallery(options)", () => c.detachGallery({ [h]: 1 } as never));
          await mustRefuse("getAttachedGallery(options)", () => c.getAttachedGallery({ [h]: 1 } as never));
        }),
        { ...fcOpts, numRuns: Math.min(NUM_RUNS, 50) },
      );
    }
  });

  it("TemplateClient: exportToGallery (image names, regions) and resumeExport (tokens)", async () => {
    for (const labId of [PLAN_LAB, CLASSIC_LAB]) {
      const t = new TemplateClient(labId, opts);
      const classic = labId === CLASSIC_LAB ? { experimentalClassicSaveImage: true } : {};
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile, wrongType), async (n) => mustRefuse("exportToGallery(imageName)", () => t.exportToGallery({ imageName: n as string }, classic))),
        fcOpts,
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile, wrongType.filter((v) => v !== undefined)), async (r) => {
          await mustRefuse("exportToGallery(replicateTo)", () => t.exportToGallery({ imageName: "ok-name", replicateTo: [r as string] }, classic));
          await mustRefuse("exportToGallery(replicateTo)", () => t.exportToGallery({ imageName: "ok-name", replicateTo: r as "geography" }, classic));
        }),
        fcOpts,
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile.map((h) => ({ intervalInMs: h })), wrongType.filter((v) => v !== undefined && !(typeof v === "number" && v >= 0 && Number.isFinite(v))).map((v) => ({ intervalInMs: v })), hostile.map((h) => ({ [h]: 1 }))), async (o) =>
          mustRefuse("exportToGallery(options)", () => t.exportToGallery({ imageName: "ok-name" }, { ...classic, ...(o as object) })),
        ),
        { ...fcOpts, numRuns: Math.min(NUM_RUNS, 50) },
      );
    }
    await fc.assert(fc.asyncProperty(fc.oneof(hostile, wrongType), async (tok) => mustRefuse("resumeExport", () => TemplateClient.resumeExport(tok as string, opts))), fcOpts);
  });

  it("LabClient: createFromGalleryImage (names, regions, durations, credentials), get, delete, resumeCreate", async () => {
    for (const acc of [PLAN, ACCOUNT]) {
      const c = new LabClient(acc, opts);
      const img = { ...image, account: acc as GalleryImage["account"], id: `${acc}/images/win11-base` };
      const base = { ...goodLab, image: img, sku: acc === PLAN ? goodLab.sku : "Basic" };
      const mutations = fc.oneof(
        fc.oneof(hostile, wrongType).map((v) => ({ name: v })),
        fc.oneof(hostile, wrongType.filter((v) => v !== undefined)).map((v) => ({ location: v })),
        fc.oneof(hostileText, wrongType).map((v) => ({ sku: v })),
        fc.oneof(hostileText, wrongType.filter((v) => v !== undefined)).map((v) => ({ title: v })),
        fc.oneof(hostileId(`${GALLERY}/images/win11-base`), hostile, wrongType).map((v) => ({ image: v })),
        fc.oneof(fc.constantFrom(-1, NaN, Infinity, -Infinity, 1e308, -0.5, 10_001), wrongType.filter((v) => typeof v !== "number"), hostile).map((v) => ({ usageQuota: { hours: v } })),
        fc.oneof(fc.constantFrom(-1, NaN, Infinity, 1.5), hostile).map((v) => ({ capacity: v })),
        fc.oneof(hostile, wrongType).map((v) => ({ credentials: { kind: "fromImage", username: v, password: SENTINEL_PASSWORD } })),
        fc.oneof(hostileText, wrongType).map((v) => ({ credentials: { kind: "new", adminUser: { username: v, password: SENTINEL_PASSWORD } } })),
        fc.oneof(fc.constantFrom("\u0000" + SENTINEL_PASSWORD, SENTINEL_PASSWORD + "\n", "short", "password", "a".repeat(200), ONE_MB), wrongType).map((v) => ({ credentials: { kind: "new", adminUser: { username: "teacher", password: v } } })),
        fc.oneof(hostile, wrongType).map((v) => ({ credentials: { kind: v, adminUser: { username: "teacher", password: SENTINEL_PASSWORD } } })),
        hostile.map((h) => ({ [h]: 1 })),
      );
      await fc.assert(
        fc.asyncProperty(mutations, async (m) => mustRefuse("createFromGalleryImage", () => c.createFromGalleryImage({ ...base, ...(m as object) } as never))),
        { ...fcOpts, numRuns: NUM_RUNS * 2 },
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile, wrongType), async (n) => {
          await mustRefuse("LabClient.get", () => c.get(n as string));
          await mustRefuse("LabClient.delete", () => c.delete(n as string));
        }),
        fcOpts,
      );
    }
    await fc.assert(fc.asyncProperty(fc.oneof(hostile, wrongType), async (tok) => mustRefuse("resumeCreate", () => LabClient.resumeCreate(tok as string, opts))), fcOpts);
  });
});

// ---- CLI ----------------------------------------------------------------------------------------

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  // A loopback endpoint: the CLI uses the emulator's static credential, so a request that slipped
  // through would reach msw (counted), never a real sign-in.
  return runCliWithRealClients(argv, { LAB_GALLERY_ENDPOINT: "http://127.0.0.1:9", LAB_GALLERY_PASSWORD: SENTINEL_PASSWORD, ...env });
}

describe("CLI: every command refuses hostile input without a request", () => {
  const commands: Array<(h: string) => string[]> = [
    (h) => ["gallery", "attach", h, "--account", PLAN],
    (h) => ["gallery", "attach", GALLERY, "--account", h],
    (h) => ["gallery", "show", "--account", h],
    (h) => ["gallery", "detach", "--account", h],
    (h) => ["gallery", "show", "--subscription", h, "-g", "labs-rg", "--lab-plan", "p"],
    (h) => ["gallery", "show", "--subscription", "00000000-0000-0000-0000-000000000000", "-g", h, "--lab-plan", "p"],
    (h) => ["gallery", "show", "--subscription", "00000000-0000-0000-0000-000000000000", "-g", "labs-rg", "--lab-account", h],
    (h) => ["images", "list", "--account", h],
    (h) => ["images", "enable", h, "--account", PLAN],
    (h) => ["images", "disable", "win11-base", h, "--account", ACCOUNT],
    (h) => ["export", "--lab", h, "--image-name", "img"],
    (h) => ["export", "--lab", PLAN_LAB, "--image-name", h],
    (h) => ["export", "--lab", PLAN_LAB, "--image-name", "img", "--replicate-to", h],
    (h) => ["export", "resume", h],
    (h) => ["labs", "create", "--account", PLAN, "--image", h, "--name", "n1", "--sku", "Basic", "--admin-user", "teacher"],
    (h) => ["labs", "create", "--account", PLAN, "--image", WIN11_DEF, "--name", h, "--sku", "Basic", "--admin-user", "teacher"],
    (h) => ["labs", "create", "--account", PLAN, "--image", WIN11_DEF, "--name", "n1", "--sku", h, "--admin-user", "teacher"],
    (h) => ["labs", "create", "--account", PLAN, "--image", WIN11_DEF, "--name", "n1", "--sku", "Basic", "--location", h, "--admin-user", "teacher"],
    (h) => ["labs", "create", "--account", PLAN, "--image", WIN11_DEF, "--name", "n1", "--sku", "Basic", "--usage-quota-hours", h, "--admin-user", "teacher"],
    (h) => ["labs", "create", "--account", PLAN, "--image", WIN11_DEF, "--name", "n1", "--sku", "Basic", "--admin-user", h],
    (h) => ["labs", "show", h, "--account", ACCOUNT],
    (h) => ["labs", "delete", h, "--yes", "--account", PLAN],
    (h) => ["labs", "list", "--account", h],
    // The CLI keeps only the origin of --endpoint (a host the user chose); plain http to a
    // non-loopback host must still be refused before any sign-in or request.
    (h) => ["--endpoint", `http://evil.example/${h}`, "labs", "list", "--account", PLAN],
    (h) => ["--poll-interval", h, "labs", "list", "--account", PLAN],
  ];
  // --sku, --admin-user: body-only values (see hostileText).
  const BODY_ONLY = new Set([16, 19]);
  const REPLICATE_TO = 12;
  // The 1 MB poison and NUL cannot be process arguments; the in-process runner accepts them anyway.
  it(`${commands.length} command shapes × hostile arguments: exit 1 or 2, a message, no request, no secret`, async () => {
    const codes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: commands.length - 1 }), hostile, hostileText, fc.boolean(), async (k, path, text, json) => {
        const h = BODY_ONLY.has(k) ? text : path;
        // --replicate-to normalises region spelling ("West US 2" → westus2): whitespace alone is not hostile there.
        if (k === REPLICATE_TO) fc.pre(!/^[A-Za-z0-9\s,]*$/.test(h));
        tried++;
        perTarget["cli"] = (perTarget["cli"] ?? 0) + 1;
        leaked += seen.length;
        seen.length = 0;
        const argv = [...(json ? ["--json"] : []), ...(commands[k] as (h: string) => string[])(h)];
        const r = await cli(argv);
        codes[String(r.code)] = (codes[String(r.code)] ?? 0) + 1;
        expect([1, 2], `exit code of ${JSON.stringify(argv).slice(0, 200)}: ${r.err.slice(0, 300)}`).toContain(r.code);
        expect(r.err.length, "an error message on stderr").toBeGreaterThan(0);
        expect(r.err, "not a crash").not.toMatch(/TypeError|ReferenceError|RangeError|at .*\.(js|ts):\d+/);
        expect(leaksIn(r.out + r.err)).toEqual([]);
        expect(seen.map((r) => `${r.method} ${r.url.slice(0, 200)}`), `request sent by ${JSON.stringify(argv).slice(0, 200)}`).toEqual([]);
      }),
      { ...fcOpts, numRuns: NUM_RUNS * 2 },
    );
    report("hostile-input-cli", { exitCodes: codes });
    void SENTINEL_TOKEN;
  });

  // `labs create --image <name>` resolves the name with a GET; every other flag must be validated
  // before that read (src/cli/commands/labs.ts), or a bad --sku would cost a request.
  it("labs create --image <name> with a control character in --sku sends no request", async () => {
    seen.length = 0;
    const r = await cli(["labs", "create", "--account", PLAN, "--image", "win11-base", "--name", "n1", "--sku", "a\u0000b", "--admin-user", "teacher"]);
    const sent = seen.length;
    seen.length = 0;
    expect([1, 2]).toContain(r.code);
    expect(sent).toBe(0);
  });
});
