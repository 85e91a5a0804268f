/**
 * The core: a Fetch-API handler `(Request) => Promise<Response>` over in-memory state.
 * Order per request: advance operations → faults → authentication → routing → api-version → write limit →
 * resource handler → common headers (x-ms-request-id, x-ms-correlation-request-id, rate-limit counters).
 */
import { randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createClock, MANUAL_CLOCK_START } from "./clock.js";
import type { EmulatorClock } from "./clock.js";
import { API_VERSIONS, jsonResponse, readJsonBody } from "./context.js";
import type { Ctx, ResolvedOptions } from "./context.js";
import { ArmHttpError } from "./errors.js";
import { Faults, TokenBucket, injectedError } from "./faults.js";
import type { FaultRule, WriteLimit } from "./faults.js";
import { galleryRoutes, replicationStatus } from "./galleries.js";
import { labAccountRoutes, sharedImages } from "./lab-accounts.js";
import { labPlanRoutes, planImages } from "./lab-plans.js";
import { Operations } from "./operations.js";
import { Router, splitPath } from "./router.js";
import { resolveSeed } from "./seeds.js";
import type { EmulatorSnapshot, JsonObject, OperationRecord, StoredKind } from "./state.js";
import { Store, clone, readSnapshotFile } from "./state.js";

export interface EmulatorOptions {
  /** `demo` (default), `empty`, a snapshot object, or the path of a snapshot JSON file. */
  seed?: "demo" | "empty" | EmulatorSnapshot | string;
  /** Simulated-time multiplier (default 1): 1000 makes a 10-minute export take 0.6 s. */
  speed?: number;
  /** `real` (default) or `manual`: time moves only through `clock.advance(ms)`. */
  clock?: "real" | "manual";
  /** How a Lab Services `Location` URL answers while running: `swagger` = 200 + `{status:"InProgress"}` (default), `rpc` = 202. */
  locationBehavior?: "swagger" | "rpc";
  /** `Retry-After` seconds on long-running answers; default absent (rest-api.md G.1 observed none). */
  retryAfterSeconds?: number;
  /** List page size (default 200, G.3). */
  pageSize?: number;
  /** Persistence file: written atomically after every change, reloaded at start (wins over `seed`). */
  statePath?: string;
  /** Absolute origin used in Location/nextLink; default: the origin of each request. */
  baseUrl?: string;
  /** ARM-like token bucket on writes → 429 + Retry-After when empty. Refills in emulator time. */
  writeLimit?: WriteLimit;
  /** Add `percentComplete` to Lab Services operation results (default false: G.1 observed none). */
  operationPercentComplete?: boolean;
}

export interface RequestLogEntry {
  method: string;
  url: string;
  path: string;
  status: number;
  authorization: boolean;
}

export interface EmulatorState {
  snapshot(): EmulatorSnapshot;
  labPlans(): JsonObject[];
  labs(): JsonObject[];
  virtualMachines(): JsonObject[];
  galleries(): JsonObject[];
  galleryImages(): JsonObject[];
  /** Gallery image versions, with `properties.replicationStatus` computed. */
  galleryImageVersions(): JsonObject[];
  /** Lab plan images (single-GET form) of one lab plan id. */
  images(labPlanId: string): JsonObject[];
  labAccounts(): JsonObject[];
  classicLabs(): JsonObject[];
  environmentSettings(): JsonObject[];
  sharedImages(labAccountId: string): JsonObject[];
  operations(): OperationRecord[];
}

export interface Emulator {
  handle(request: Request): Promise<Response>;
  subscriptionId: string;
  credential: TokenCredential;
  clock: EmulatorClock;
  faults: { add(rule: FaultRule): () => void; clear(): void };
  state: EmulatorState;
  requests: RequestLogEntry[];
  reset(): void;
}

/** The token the emulator's credential hands out. Any non-empty Bearer token is accepted (assumption: no token validation). */
export const EMULATOR_TOKEN = "emulator-token";

export function emulatorCredential(): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token: EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000, tokenType: "Bearer" };
    },
  };
}

const router = new Router();
router.add(...labPlanRoutes, ...labAccountRoutes, ...galleryRoutes);

const WRITE_METHODS = new Set(["PUT", "PATCH", "POST", "DELETE"]);

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const opts: ResolvedOptions = {
    locationBehavior: options.locationBehavior ?? "swagger",
    retryAfterSeconds: options.retryAfterSeconds,
    pageSize: options.pageSize ?? 200,
    baseUrl: options.baseUrl?.replace(/\/+$/, ""),
    operationPercentComplete: options.operationPercentComplete ?? false,
  };
  if (!(opts.pageSize >= 1)) throw new RangeError("pageSize must be >= 1");
  const persisted = options.statePath ? readSnapshotFile(options.statePath) : undefined;
  const mode = options.clock ?? "real";
  const initialClockStart = mode === "manual" ? MANUAL_CLOCK_START : Date.now();
  const seedNow = persisted?.clock || (typeof options.seed === "object" && options.seed.clock) || initialClockStart;
  const clock = createClock(mode, options.speed ?? 1, seedNow);
  const initial = persisted ?? resolveSeed(options.seed, clock.now());
  const seedCopy = clone(initial);
  const store = new Store(clone(initial), options.statePath);
  const ops = new Operations(store, opts);
  const faults = new Faults();
  let bucket = options.writeLimit ? new TokenBucket(options.writeLimit, clock.now()) : undefined;
  const requests: RequestLogEntry[] = [];
  const counters = { reads: 11999, writes: 1199, globalWrites: 11999, deletes: 14999, hour: Math.floor(clock.now() / 3_600_000) };
  if (options.statePath && !persisted) {
    store.touch();
    store.flush(clock.now());
  }

  function rateHeaders(method: string, now: number, remainingWrites?: number): Record<string, string> {
    const hour = Math.floor(now / 3_600_000);
    if (hour !== counters.hour) Object.assign(counters, { reads: 11999, writes: 1199, globalWrites: 11999, deletes: 14999, hour });
    // G.3: reads count down on reads, writes on writes (with `…-subscription-global-writes` beside them), deletes on deletes.
    if (method === "GET") return { "x-ms-ratelimit-remaining-subscription-reads": String((counters.reads = Math.max(0, counters.reads - 1))) };
    if (method === "DELETE") return { "x-ms-ratelimit-remaining-subscription-deletes": String((counters.deletes = Math.max(0, counters.deletes - 1))) };
    if (WRITE_METHODS.has(method)) {
      return {
        "x-ms-ratelimit-remaining-subscription-writes": String(remainingWrites ?? (counters.writes = Math.max(0, counters.writes - 1))),
        "x-ms-ratelimit-remaining-subscription-global-writes": String((counters.globalWrites = Math.max(0, counters.globalWrites - 1))),
      };
    }
    return {};
  }

  async function route(request: Request, url: URL, now: number, lroFailure: Ctx["lroFailure"]): Promise<{ response: Response; remainingWrites?: number }> {
    const method = request.method.toUpperCase();
    const auth = request.headers.get("authorization");
    if (!auth) throw new ArmHttpError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    if (!/^Bearer\s+\S+/i.test(auth)) throw new ArmHttpError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    const segments = splitPath(url.pathname);
    if (!segments) throw new ArmHttpError(400, "InvalidRequestUri", "The request URI is not valid: it contains an invalid percent-encoding.");
    const matches = router.match(segments);
    if (matches.length === 0) {
      const providerAt = segments.findIndex((s) => s.toLowerCase() === "providers");
      const ns = providerAt >= 0 ? segments[providerAt + 1] : undefined;
      const type = providerAt >= 0 ? segments.slice(providerAt + 2).filter((_, i) => i % 2 === 0).join("/") : url.pathname;
      // Assumption: ARM's answer for a path no route serves.
      throw new ArmHttpError(404, "InvalidResourceType", ns ? `The resource type '${type}' could not be found in the namespace '${ns}' for api version '${url.searchParams.get("api-version") ?? ""}'.` : `No HTTP resource was found that matches the request URI '${url.pathname}'.`);
    }
    const m = matches.find((x) => x.route.method === method);
    if (!m) throw new ArmHttpError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`);
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion) throw new ArmHttpError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    const supported = API_VERSIONS[m.route.family];
    if (!supported.includes(apiVersion)) {
      // rest-api.md E (galleries with 2022-08-01): ARM's NoRegisteredProviderFound naming the supported versions.
      const ns = m.route.family === "compute" ? "Microsoft.Compute" : "Microsoft.LabServices";
      const locations = m.route.family === "compute" ? "westus2, eastus, …" : "westus2, eastus, …";
      throw new ArmHttpError(
        400,
        "NoRegisteredProviderFound",
        `No registered resource provider found for location 'westus2' and API version '${apiVersion}' for type '${m.route.type}'. The supported api-versions are '${supported.join(", ")}'. The supported locations are '${locations}'.`,
        { target: `${ns}/${m.route.type}` },
      );
    }
    let remainingWrites: number | undefined;
    if (bucket && WRITE_METHODS.has(method)) {
      const t = bucket.take(now);
      if (!t.ok) {
        // Real ARM wording for subscription write throttling (D.2).
        throw new ArmHttpError(429, "SubscriptionRequestsThrottled", `Number of 'write' requests for subscription '${m.params["subscriptionId"] ?? ""}' exceeded. Please try again after '${t.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`, { headers: { "retry-after": String(t.retryAfterSeconds), "x-ms-ratelimit-remaining-subscription-writes": "0" } });
      }
      remainingWrites = t.remaining;
    }
    let bodyPromise: Promise<JsonObject> | undefined;
    const ctx: Ctx = {
      request,
      url,
      method,
      params: m.params,
      apiVersion,
      origin: opts.baseUrl ?? url.origin,
      now,
      store,
      ops,
      clock,
      options: opts,
      lroFailure,
      body: () => (bodyPromise ??= readJsonBody(request)),
    };
    // G.3: the live Lab Services provider answers with `api-supported-versions`; the emulator names the versions
    // it serves for the family (assumption: the observed list also has previews the emulator does not serve).
    const providerHeaders: Record<string, string> = m.route.family === "labPlans" ? { "api-supported-versions": supported.join(", ") } : {};
    let response: Response;
    try {
      response = await m.route.handler(ctx);
    } catch (e) {
      if (e instanceof ArmHttpError) Object.assign(e.headers, providerHeaders);
      throw e;
    }
    for (const [k, v] of Object.entries(providerHeaders)) if (!response.headers.has(k)) response.headers.set(k, v);
    return remainingWrites === undefined ? { response } : { response, remainingWrites };
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const hasAuth = request.headers.get("authorization") !== null;
    const log = (status: number) => requests.push({ method, url: request.url, path: url.pathname, status, authorization: hasAuth });
    const correlation = request.headers.get("x-ms-correlation-request-id") ?? randomUUID();
    const common: Record<string, string> = { "x-ms-request-id": randomUUID(), "x-ms-correlation-request-id": correlation };
    if (request.headers.get("x-ms-return-client-request-id") === "true" && request.headers.get("x-ms-client-request-id")) {
      common["x-ms-client-request-id"] = request.headers.get("x-ms-client-request-id") as string;
    }

    const fired = faults.take(method, url.pathname);
    const latency = fired.find((f) => f.kind === "latency");
    if (latency && latency.kind === "latency") await new Promise((r) => setTimeout(r, latency.ms));
    const drop = fired.find((f) => f.kind === "drop");
    if (drop && drop.kind === "drop" && !drop.afterProcessing) {
      log(0);
      return Response.error();
    }
    const status = fired.find((f) => f.kind === "status");
    if (status && status.kind === "status") {
      const h: Record<string, string> = { ...common };
      if (status.retryAfterSeconds !== undefined) h["retry-after"] = String(status.retryAfterSeconds);
      log(status.status);
      return jsonResponse(status.status, { error: injectedError(status.status, method, url.pathname, status) }, h);
    }
    const lroFail = fired.find((f) => f.kind === "lroFail");

    const now = clock.now();
    let response: Response;
    let remainingWrites: number | undefined;
    try {
      ops.tick(now);
      const r = await route(request, url, now, lroFail && lroFail.kind === "lroFail" ? { code: lroFail.code, message: lroFail.message } : undefined);
      response = r.response;
      remainingWrites = r.remainingWrites;
    } catch (e) {
      if (!(e instanceof ArmHttpError)) {
        const message = e instanceof Error ? e.message : String(e);
        response = jsonResponse(500, { error: { code: "InternalServerError", message: `Emulator error: ${message}` } });
      } else {
        response = jsonResponse(e.status, e.toBody(), e.headers);
      }
    }
    store.flush(now);
    const headers = new Headers(response.headers);
    for (const [k, v] of Object.entries({ ...common, ...rateHeaders(method, now, remainingWrites) })) if (!headers.has(k)) headers.set(k, v);
    log(response.status);
    if (drop && drop.kind === "drop" && drop.afterProcessing) return Response.error();
    return new Response(response.body, { status: response.status, headers });
  }

  const bodies = (kind: StoredKind) => {
    ops.tick(clock.now());
    store.flush(clock.now());
    return store.list(kind).map((r) => clone(r.body));
  };

  const state: EmulatorState = {
    snapshot: () => {
      ops.tick(clock.now());
      const s = clone(store.data);
      s.clock = clock.now();
      return s;
    },
    labPlans: () => bodies("labPlan"),
    labs: () => bodies("lab"),
    virtualMachines: () => bodies("labVirtualMachine"),
    galleries: () => bodies("gallery"),
    galleryImages: () => bodies("galleryImage"),
    galleryImageVersions: () => {
      ops.tick(clock.now());
      return store.list("galleryImageVersion").map((r) => {
        const b = clone(r.body);
        (b["properties"] as JsonObject)["replicationStatus"] = replicationStatus(r, clock.now());
        return b;
      });
    },
    images: (labPlanId: string) => {
      ops.tick(clock.now());
      const plan = store.getKind(labPlanId, "labPlan");
      return plan ? planImages(store, plan, clock.now()).map((i) => clone(i.body)) : [];
    },
    labAccounts: () => bodies("labAccount"),
    classicLabs: () => bodies("classicLab"),
    environmentSettings: () => bodies("environmentSetting"),
    sharedImages: (labAccountId: string) => {
      ops.tick(clock.now());
      const a = store.getKind(labAccountId, "labAccount");
      return a ? sharedImages(store, a, clock.now()).map((i) => clone(i.body)) : [];
    },
    operations: () => {
      ops.tick(clock.now());
      return Object.values(store.data.operations).map((o) => clone(o));
    },
  };

  return {
    handle,
    subscriptionId: initial.subscriptionId,
    credential: emulatorCredential(),
    clock,
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    state,
    requests,
    reset() {
      store.data = clone(seedCopy);
      store.touch();
      store.flush(clock.now());
      faults.clear();
      requests.length = 0;
      bucket = options.writeLimit ? new TokenBucket(options.writeLimit, clock.now()) : undefined;
    },
  };
}
