import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as errors from "../../src/core/errors.js";
import {
  ArmError,
  ConflictError,
  ConnectionError,
  ImageCredentialsError,
  ImageNotReplicatedError,
  LabGalleryError,
  NotFoundError,
  OperationFailedError,
  PermissionDeniedError,
  ThrottledError,
  UnexpectedResponseError,
  UntrustedUrlError,
  ValidationError,
  armErrorFromResponse,
  parseArmErrorBody,
  parseRetryAfterMs,
} from "../../src/core/errors.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const REL = "common-types/resource-management/v2";
const vendored = path.join(repoRoot, "test/unit/fixtures/common-types");

/**
 * The ARM common types live in the workspace's `../shared/specs` (walked up from the repo, so a git
 * worktree finds it too). A fresh clone has no workspace, so a verbatim copy is vendored and checked
 * against the original whenever the original is there.
 */
function sharedSpecsDir(): string | undefined {
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const candidate = path.resolve(dir, "../shared/specs");
    if (existsSync(path.join(candidate, REL))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
const shared = sharedSpecsDir();
const specFile = (name: string) => (shared ? path.join(shared, REL, name) : path.join(vendored, name));

type Schema = { properties?: Record<string, Schema>; type?: string; items?: Schema; $ref?: string };
const cloudError = JSON.parse(readFileSync(specFile("clouderror.json"), "utf8")) as { definitions: Record<string, Schema> };
const types = JSON.parse(readFileSync(specFile("types.json"), "utf8")) as { definitions: Record<string, Schema> };

function resolveRef(ref: string, local: Record<string, Schema>): Schema {
  const [file, pointer] = ref.split("#/definitions/");
  const defs = file === "" ? local : file?.endsWith("types.json") ? types.definitions : cloudError.definitions;
  const s = defs[pointer as string];
  if (!s) throw new Error(`unresolved ${ref}`);
  return s;
}

/**
 * Builds a body that follows a definition: every property the spec declares is present, strings
 * named after their path, arrays with one element, recursion two levels deep.
 */
function buildBody(schema: Schema, local: Record<string, Schema>, at: string, depth = 0): unknown {
  if (schema.$ref) return buildBody(resolveRef(schema.$ref, local), local, at, depth);
  if (schema.type === "array") return depth > 2 ? [] : [buildBody(schema.items as Schema, local, `${at}[0]`, depth + 1)];
  if (schema.properties) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema.properties)) o[k] = buildBody(v, local, at ? `${at}.${k}` : k, depth);
    return o;
  }
  if (schema.type === "object") return { note: at };
  return at;
}

const headers = (h: Record<string, string> = {}) => ({
  get: (name: string) => Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1],
});

describe("error factory: ARM bodies built from the spec", () => {
  const forms = [
    { name: "2022-08-01 CloudError (clouderror.json)", body: buildBody(cloudError.definitions["CloudError"] as Schema, cloudError.definitions, "") },
    { name: "2023-06-07 ErrorResponse (types.json)", body: buildBody(types.definitions["ErrorResponse"] as Schema, types.definitions, "") },
  ];

  it("the vendored copy of the common types matches ../shared/specs", () => {
    if (!shared) return expect(existsSync(path.join(vendored, "types.json"))).toBe(true);
    for (const f of ["clouderror.json", "types.json"]) {
      expect(readFileSync(path.join(vendored, f), "utf8")).toBe(readFileSync(path.join(shared, REL, f), "utf8"));
    }
  });

  it.each(forms)("$name: every field the spec defines reaches the ArmError", ({ body }) => {
    const b = body as { error: Record<string, unknown> };
    // The spec-built body names each string after its path, so a field read from the wrong place shows.
    expect(b.error["code"]).toBe("error.code");
    expect(Object.keys(b.error).sort()).toEqual(["additionalInfo", "code", "details", "message", "target"]);

    const e = armErrorFromResponse({
      statusCode: 400,
      bodyText: JSON.stringify(body),
      headers: headers({ "x-ms-request-id": "req-1", "x-ms-correlation-request-id": "corr-1" }),
    });
    expect(e).toBeInstanceOf(ArmError);
    expect(e.name).toBe("ArmError");
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe("error.code");
    expect(e.message).toBe("error.code: error.message");
    expect(e.target).toBe("error.target");
    expect(e.requestId).toBe("req-1");
    expect(e.correlationId).toBe("corr-1");
    expect(e.details).toHaveLength(1);
    expect(e.details[0]).toMatchObject({ code: "error.details[0].code", message: "error.details[0].message", target: "error.details[0].target" });
    expect(e.details[0]?.details?.[0]?.code).toBe("error.details[0].details[0].code");
    expect(e.additionalInfo).toEqual([{ type: "error.additionalInfo[0].type", info: { note: "error.additionalInfo[0].info" } }]);
    expect(e.details[0]?.additionalInfo?.[0]?.type).toBe("error.details[0].additionalInfo[0].type");
  });

  it("parseArmErrorBody reads both wrappers and the bare form", () => {
    expect(parseArmErrorBody('{"error":{"code":"A","message":"m"}}')).toMatchObject({ code: "A", message: "m" });
    expect(parseArmErrorBody('{"code":"B","message":"m"}')).toMatchObject({ code: "B" });
    expect(parseArmErrorBody("")).toBeUndefined();
    expect(parseArmErrorBody("<html>bad gateway</html>")).toBeUndefined();
    expect(parseArmErrorBody("null")).toBeUndefined();
    expect(parseArmErrorBody('"text"')).toBeUndefined();
    expect(parseArmErrorBody('{"error":"a string"}')).toBeUndefined();
  });

  it("ignores fields of the wrong type instead of passing them on", () => {
    const e = armErrorFromResponse({
      statusCode: 400,
      bodyText: JSON.stringify({ error: { code: 42, message: "m", target: {}, details: "no", additionalInfo: [1, null, { type: 3 }] } }),
      headers: headers(),
    });
    expect(e.code).toBe("BadRequest");
    expect(e.message).toBe("BadRequest: m");
    expect(e.target).toBeUndefined();
    expect(e.details).toEqual([]);
    expect(e.additionalInfo).toEqual([]);
  });

  it("a message without a code falls back to the status's code, not 'Unknown'", () => {
    const e = armErrorFromResponse({ statusCode: 409, bodyText: '{"error":{"message":"busy"}}', headers: headers() });
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.code).toBe("Conflict");
    expect(e.message).toBe("Conflict: busy");
  });
});

describe("error factory: status to class", () => {
  const cases: [number, new (...a: never[]) => ArmError, string][] = [
    [400, ArmError, "ArmError"],
    [401, PermissionDeniedError, "PermissionDeniedError"],
    [403, PermissionDeniedError, "PermissionDeniedError"],
    [404, NotFoundError, "NotFoundError"],
    [409, ConflictError, "ConflictError"],
    [429, ThrottledError, "ThrottledError"],
    [500, ArmError, "ArmError"],
    [503, ArmError, "ArmError"],
  ];
  it.each(cases)("HTTP %i → %o", (status, cls, name) => {
    const e = armErrorFromResponse({ statusCode: status, bodyText: '{"error":{"code":"C","message":"m"}}', headers: headers() });
    expect(e).toBeInstanceOf(cls);
    expect(e.constructor).toBe(cls);
    expect(e.name).toBe(name);
    expect(e.statusCode).toBe(status);
    expect(errors.isArmError(e)).toBe(true);
    expect(errors.isLabGalleryError(e)).toBe(true);
    expect(e.hint === undefined || typeof e.hint === "string").toBe(true);
  });

  it("401 and 403 carry different hints (sign in again vs missing role)", () => {
    const h401 = armErrorFromResponse({ statusCode: 401, bodyText: "", headers: headers() }).hint;
    const h403 = armErrorFromResponse({ statusCode: 403, bodyText: "", headers: headers() }).hint;
    expect(h401).toMatch(/sign in|token/i);
    expect(h403).toMatch(/role/i);
  });

  it("non-JSON and empty bodies still give a readable error with the status's code", () => {
    for (const bodyText of ["<html><body>502 Bad Gateway</body></html>", "", undefined, "{truncated", "[]"]) {
      const e = armErrorFromResponse({ statusCode: 500, bodyText, headers: headers({ "x-ms-request-id": "r" }) });
      expect(e.code).toBe("InternalServerError");
      expect(e.message).toMatch(/HTTP 500/);
      expect(e.requestId).toBe("r");
    }
    expect(armErrorFromResponse({ statusCode: 418, bodyText: "", headers: headers() }).code).toBe("Http418");
  });

  it("keeps the cause it is given", () => {
    const cause = new Error("transport");
    expect(armErrorFromResponse({ statusCode: 404, bodyText: "", headers: headers(), cause }).cause).toBe(cause);
  });

  it("clips a huge service message", () => {
    const e = armErrorFromResponse({ statusCode: 400, bodyText: JSON.stringify({ error: { code: "C", message: "x".repeat(100_000) } }), headers: headers() });
    expect(e.message.length).toBeLessThan(2100);
  });

  it("ThrottledError reads Retry-After (and retry-after-ms when that is all there is)", () => {
    const t1 = armErrorFromResponse({ statusCode: 429, bodyText: "", headers: headers({ "Retry-After": "17" }) }) as ThrottledError;
    expect(t1.retryAfterInMs).toBe(17_000);
    const t2 = armErrorFromResponse({ statusCode: 429, bodyText: "", headers: headers({ "retry-after-ms": "250" }) }) as ThrottledError;
    expect(t2.retryAfterInMs).toBe(250);
    const t3 = armErrorFromResponse({ statusCode: 429, bodyText: "", headers: headers({ "Retry-After": "soon" }) }) as ThrottledError;
    expect(t3.retryAfterInMs).toBeUndefined();
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-07-07T12:00:00Z");
  it.each([
    ["0", 0],
    ["1", 1000],
    [" 7 ", 7000],
    ["120", 120_000],
    ["Mon, 07 Jul 2025 12:00:30 GMT", 30_000],
    ["Mon, 07 Jul 2025 11:00:00 GMT", 0],
    ["-1", undefined],
    ["-0", undefined],
    ["1.5", undefined],
    ["", undefined],
    ["soon", undefined],
    ["12abc", undefined],
    ["0x10", undefined],
    ["1e3", undefined],
    ["Infinity", undefined],
    [undefined, undefined],
  ])("%j → %j", (raw, expected) => {
    expect(parseRetryAfterMs(raw, now)).toBe(expected);
  });

  it("always returns a finite number or undefined", () => {
    expect(Number.isFinite(parseRetryAfterMs("9".repeat(400), now))).toBe(true);
    expect(parseRetryAfterMs("Fri, 31 Dec 9999 23:59:59 GMT", now)).toBeGreaterThan(0);
  });
});

describe("error classes and guards", () => {
  const samples: [string, unknown][] = [
    ["LabGalleryError", new LabGalleryError("x")],
    ["ValidationError", new ValidationError("x", [{ path: "a", message: "b" }])],
    ["ImageCredentialsError", new ImageCredentialsError("x")],
    ["ImageNotReplicatedError", new ImageNotReplicatedError("x", "westus", ["eastus"])],
    ["UntrustedUrlError", new UntrustedUrlError("x")],
    ["ConnectionError", new ConnectionError("x")],
    ["UnexpectedResponseError", new UnexpectedResponseError("x", 200)],
    ["ArmError", new ArmError({ statusCode: 400, code: "c", message: "m" })],
    ["NotFoundError", new NotFoundError({ statusCode: 404, code: "c", message: "m" })],
    ["ConflictError", new ConflictError({ statusCode: 409, code: "c", message: "m" })],
    ["PermissionDeniedError", new PermissionDeniedError({ statusCode: 403, code: "c", message: "m" })],
    ["ThrottledError", new ThrottledError({ statusCode: 429, code: "c", message: "m", retryAfterInMs: 5 })],
    ["OperationFailedError", new OperationFailedError({ statusCode: 200, code: "c", message: "m", status: "Failed", operationId: "op" })],
  ];
  const guardOf = (n: string) => (errors as unknown as Record<string, (e: unknown) => boolean>)[`is${n}`] as (e: unknown) => boolean;
  const parentOf: Record<string, string[]> = {
    ValidationError: ["LabGalleryError"],
    ImageCredentialsError: ["ValidationError", "LabGalleryError"],
    ArmError: ["LabGalleryError"],
    NotFoundError: ["ArmError", "LabGalleryError"],
    ConflictError: ["ArmError", "LabGalleryError"],
    PermissionDeniedError: ["ArmError", "LabGalleryError"],
    ThrottledError: ["ArmError", "LabGalleryError"],
    OperationFailedError: ["ArmError", "LabGalleryError"],
  };

  it("every class sets its own explicit name", () => {
    for (const [name, e] of samples) expect((e as Error).name).toBe(name);
  });

  it("each guard accepts exactly its class and subclasses, across realms (by name)", () => {
    for (const [guardName] of samples) {
      const g = guardOf(guardName);
      expect(typeof g).toBe("function");
      for (const [name, e] of samples) {
        const ancestors = [name, ...(parentOf[name] ?? (name === "LabGalleryError" ? [] : ["LabGalleryError"]))];
        const expected = ancestors.includes(guardName);
        expect(g(e), `${guardName}(${name})`).toBe(expected);
        // A copy from another realm or bundle: same name, different prototype.
        const foreign = Object.assign(Object.create(null), { name, message: "x" });
        expect(g(foreign), `${guardName}(foreign ${name})`).toBe(expected);
      }
      for (const other of [new Error("x"), new TypeError("x"), null, undefined, "NotFoundError", { name: 42 }]) {
        expect(g(other)).toBe(false);
      }
    }
  });

  it("ValidationError is never an ArmError (input errors are not service errors)", () => {
    expect(errors.isArmError(new ValidationError("x"))).toBe(false);
    expect(new ValidationError("x")).not.toBeInstanceOf(ArmError);
  });
});
