/**
 * What a route handler receives, and the response helpers shared by the resource modules.
 */
import type { EmulatorClock } from "./clock.js";
import type { Operations } from "./operations.js";
import type { Json, JsonObject, Store } from "./state.js";
import { ArmHttpError } from "./errors.js";

/** Simulated durations in ms (each traced in docs/emulator.md). */
export const DURATIONS = {
  /** rest-api.md G.2: PUT labPlans 6 s. */
  labPlanCreate: 6_000,
  /** Assumption: attach/detach via PATCH sharedGalleryId (not recorded, G.2). */
  labPlanGalleryUpdate: 30_000,
  /** Assumption: same order as DELETE lab (G.2: 1–3 min). */
  labPlanDelete: 60_000,
  /** G.2: PUT lab 10 min 53 s. */
  labCreate: 653_000,
  /** G.2: POST publish 9 min 51 s. */
  labPublish: 591_000,
  /** G.2: DELETE lab 1–3 min. */
  labDelete: 120_000,
  /** G.2: POST saveImage 10 min 10 s. */
  saveImage: 610_000,
  /** Assumption: Compute gallery and definition create/update/delete. */
  galleryWrite: 5_000,
  /** Assumption: replication of one version to one region (docs: "can take hours"; kept short). */
  replicationPerRegion: 300_000,
  /** Assumption: DELETE of a classic lab (Labs_Delete, 2018-10-15 LRO); same order as DELETE lab (G.2: 1–3 min). */
  classicLabDelete: 120_000,
  /** Assumption: lab account shared image enable/disable (the module polls, so it is asynchronous). */
  sharedImageUpdate: 30_000,
} as const;

export type ApiFamily = "labPlans" | "labAccounts" | "labAccountsPreview" | "compute";

export const API_VERSIONS: Record<ApiFamily, readonly string[]> = {
  labPlans: ["2022-08-01", "2023-06-07"],
  labAccounts: ["2018-10-15", "2019-01-01-preview"],
  labAccountsPreview: ["2019-01-01-preview"],
  compute: ["2022-03-03", "2022-08-03", "2023-07-03"],
};

export interface ResolvedOptions {
  locationBehavior: "swagger" | "rpc";
  retryAfterSeconds: number | undefined;
  pageSize: number;
  baseUrl: string | undefined;
  operationPercentComplete: boolean;
}

export interface Ctx {
  request: Request;
  url: URL;
  method: string;
  params: Record<string, string>;
  apiVersion: string;
  /** Origin used in absolute links (Location headers, nextLink). */
  origin: string;
  now: number;
  store: Store;
  ops: Operations;
  clock: EmulatorClock;
  options: ResolvedOptions;
  /** Failure injected for an LRO started by this request (fault `lroFail`). */
  lroFailure: { code: string; message: string } | undefined;
  /** Parsed JSON body (400 InvalidRequestContent when not JSON; `{}` when empty). */
  body(): Promise<JsonObject>;
}

export function jsonResponse(status: number, body: Json | undefined, headers: Record<string, string> = {}): Response {
  const h = new Headers(headers);
  if (body === undefined) return new Response(null, { status, headers: h });
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers: h });
}

export async function readJsonBody(request: Request): Promise<JsonObject> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("the request body must be a JSON object");
    return v as JsonObject;
  } catch (e) {
    // Real ARM wording for an undeserialisable body.
    throw new ArmHttpError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${(e as Error).message}'.`);
  }
}

/** `origin` with an explicit port, as the live service writes nextLink (G.3: `https://management.azure.com:443/…`). */
export function originWithPort(origin: string): string {
  const u = new URL(origin);
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  return `${u.protocol}//${u.hostname}:${port}`;
}

/** One page of a list (G.3: pages of `pageSize` with `nextLink` carrying `$skipToken`). */
export function pagedList(ctx: Ctx, items: Json[]): Response {
  const skipRaw = ctx.url.searchParams.get("$skipToken") ?? ctx.url.searchParams.get("$skiptoken");
  const skip = skipRaw === null ? 0 : Number.parseInt(skipRaw, 10);
  if (!Number.isFinite(skip) || skip < 0) throw new ArmHttpError(400, "InvalidSkipToken", `The skip token '${skipRaw}' is not valid.`);
  const page = items.slice(skip, skip + ctx.options.pageSize);
  const body: JsonObject = { value: page };
  if (skip + ctx.options.pageSize < items.length) {
    // G.3: `…&$skipToken=200` with a literal `$`; other query parameters are kept as the caller sent them.
    const kept = ctx.url.search
      .replace(/^\?/, "")
      .split("&")
      .filter((p) => p !== "" && !/^(\$|%24)skiptoken=/i.test(p));
    kept.push(`$skipToken=${skip + ctx.options.pageSize}`);
    body["nextLink"] = `${originWithPort(ctx.origin)}${ctx.url.pathname}?${kept.join("&")}`;
  }
  return jsonResponse(200, body);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * A copy of `v` without `null` members or array elements, at any depth. G.3: the service omits optional fields,
 * never sends `null`; a `null` a client writes into a PUT/PATCH body is therefore never echoed.
 */
export function stripNulls<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map((x) => stripNulls(x)) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
    return out as T;
  }
  return v;
}

/** Deep merge for PATCH (G.2: "nested objects are merged"); `null` removes a key and is never stored (G.3). */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = mergePatch(out[k] as JsonObject, v);
    else out[k] = stripNulls(v);
  }
  return out;
}

/** systemData as ARM writes it. */
export function systemData(now: number, previous?: Json): JsonObject {
  const created = isObject(previous) ? previous : undefined;
  return {
    createdBy: str(created?.["createdBy"]) ?? "emulator-user@example.com",
    createdByType: str(created?.["createdByType"]) ?? "User",
    createdAt: str(created?.["createdAt"]) ?? iso(now),
    lastModifiedBy: "emulator-user@example.com",
    lastModifiedByType: "User",
    lastModifiedAt: iso(now),
  };
}
