/**
 * ARM long-running-operation protocol (rest-api.md D.1, B.7, G.1), one poll at a time.
 *
 * Three patterns: a PUT answered 200/201 with a non-terminal `provisioningState` (poll the resource),
 * a 202 with `Location` (poll it), and `Azure-AsyncOperation`/`Operation-Location` (poll the
 * operation resource). The live Lab Services answers carry all three headers and its operation
 * URLs answer 200 with `status: InProgress` while running (G.1), so the decision is always taken
 * from `body.status` when there is one, never from the HTTP code alone.
 */
import type { OperationOptions } from "@azure/core-client";
import type { ApiFamily } from "./client-options.js";
import { OperationFailedError, UnexpectedResponseError, ValidationError, parseRetryAfterMs, readArmErrorDetail } from "./errors.js";
import { assertTrustedUrl } from "./policies.js";
import type { ArmRequest, ArmTransport, HttpMethod, RawArmResponse } from "./transport.js";

export type LroStatus = "running" | "succeeded" | "failed" | "canceled";
export type FinalStateVia = "original-uri" | "location" | "azure-async-operation";

/** Everything needed to poll an operation from any process. Holds URLs only, never a token. */
export interface LroHandle {
  method: HttpMethod;
  api: ApiFamily;
  /** The URL of the initial request (the resource for PUT/PATCH/DELETE). */
  resourceUrl: string;
  mode: "operation" | "location" | "body" | "done";
  /** `Azure-AsyncOperation` (or `Operation-Location`) URL, verbatim. */
  operationUrl?: string;
  /** `Location` URL, verbatim. */
  locationUrl?: string;
  finalStateVia: FinalStateVia;
}

export interface LroPoll {
  status: LroStatus;
  /** The body of the last answer (operation resource, resource, or final result). */
  body: unknown;
  /** Milliseconds the service asked to wait, exactly (0 included); undefined when it did not say. */
  retryAfterMs: number | undefined;
  /** Percent reported by the service, when it reports one (the live service does not, G.1). */
  percentComplete: number | undefined;
  error?: OperationFailedError;
}

const TERMINAL_OK = new Set(["succeeded"]);
const TERMINAL_FAILED = new Set(["failed"]);
const TERMINAL_CANCELED = new Set(["canceled", "cancelled"]);

function statusOf(value: unknown): LroStatus | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.toLowerCase();
  if (TERMINAL_OK.has(v)) return "succeeded";
  if (TERMINAL_FAILED.has(v)) return "failed";
  if (TERMINAL_CANCELED.has(v)) return "canceled";
  return "running";
}

function provisioningStateOf(body: unknown): unknown {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { provisioningState?: unknown; properties?: { provisioningState?: unknown } };
  return b.properties?.provisioningState ?? b.provisioningState;
}

function percentOf(body: unknown): number | undefined {
  const p = (body as { percentComplete?: unknown } | null)?.percentComplete;
  return typeof p === "number" && Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : undefined;
}

/** The operation id (last path segment of the operation URL), for support requests. */
export function operationIdOf(h: LroHandle): string | undefined {
  const u = h.operationUrl ?? h.locationUrl;
  if (!u) return undefined;
  try {
    return new URL(u).pathname.split("/").filter(Boolean).pop();
  } catch {
    return undefined;
  }
}

function failure(h: LroHandle, status: "failed" | "canceled", body: unknown, httpStatus: number): OperationFailedError {
  const b = (body ?? {}) as { error?: unknown; properties?: { resourceOperationError?: unknown; error?: unknown } };
  // The operation's error is service data like any error body: type-checked, not trusted.
  const detail = readArmErrorDetail(b.error ?? b.properties?.resourceOperationError ?? b.properties?.error);
  const opId = operationIdOf(h);
  return new OperationFailedError({
    statusCode: httpStatus,
    status: status === "failed" ? "Failed" : "Canceled",
    code: detail?.code ?? (status === "failed" ? "OperationFailed" : "OperationCanceled"),
    message: detail?.message ?? `The operation ended ${status === "failed" ? "Failed" : "Canceled"} without an error message.`,
    details: detail?.details,
    additionalInfo: detail?.additionalInfo,
    target: detail?.target,
    operationId: opId,
    hint: opId ? `Quote operation id ${opId} if you contact Azure support.` : undefined,
  });
}

function fromBodyStatus(h: LroHandle, raw: RawArmResponse, status: LroStatus): LroPoll {
  const poll: LroPoll = {
    status,
    body: raw.body,
    retryAfterMs: parseRetryAfterMs(raw.headers.get("retry-after")),
    percentComplete: percentOf(raw.body),
  };
  if (status === "failed" || status === "canceled") poll.error = failure(h, status, raw.body, raw.status);
  return poll;
}

/** Reads the first answer of a long-running request and decides how to follow it. */
export function interpretInitial(
  method: HttpMethod,
  api: ApiFamily,
  resourceUrl: string,
  raw: RawArmResponse,
  finalStateVia: FinalStateVia,
): { handle: LroHandle; poll: LroPoll } {
  const operationUrl = raw.headers.get("azure-asyncoperation") ?? raw.headers.get("operation-location");
  const locationUrl = raw.headers.get("location");
  const handle: LroHandle = { method, api, resourceUrl, mode: "done", finalStateVia };
  if (operationUrl) handle.operationUrl = operationUrl;
  if (locationUrl) handle.locationUrl = locationUrl;

  if (raw.status === 202) {
    if (operationUrl) handle.mode = "operation";
    else if (locationUrl) handle.mode = "location";
    else if (method === "PUT" || method === "PATCH") handle.mode = "body";
    else throw new UnexpectedResponseError(`The service accepted ${method} (HTTP 202) but gave no Location to follow.`, 202);
    return { handle, poll: { status: "running", body: raw.body, retryAfterMs: parseRetryAfterMs(raw.headers.get("retry-after")), percentComplete: percentOf(raw.body) } };
  }
  // 200/201: done unless the resource says it is still provisioning. A 201 that names an
  // Azure-AsyncOperation but has no provisioningState in its body is still an async create (ARM RPC:
  // 201 Created means "accepted, track it"), so it is polled rather than reported done.
  // Likewise a 200 that names an operation URL and whose body is an operation status still running
  // (the shape the live service gives its 202s, G.1: `{status: "InProgress"}`): the swagger allows
  // 200 for these actions (B.1), and reading it as done would end a running export early.
  const opStatus = operationUrl ? statusOf((raw.body as { status?: unknown } | undefined)?.status) : undefined;
  const state = statusOf(provisioningStateOf(raw.body)) ?? (opStatus === "running" ? "running" : undefined);
  if (state === "running" || (state === undefined && raw.status === 201 && operationUrl)) {
    handle.mode = operationUrl ? "operation" : "body";
    return { handle, poll: { status: "running", body: raw.body, retryAfterMs: parseRetryAfterMs(raw.headers.get("retry-after")), percentComplete: undefined } };
  }
  return { handle, poll: fromBodyStatus(handle, raw, state ?? "succeeded") };
}

/** Sends the initial request of a long-running operation. */
export async function startLro(
  transport: ArmTransport,
  req: ArmRequest,
  finalStateVia: FinalStateVia,
): Promise<{ handle: LroHandle; poll: LroPoll }> {
  const url = transport.url(req.path, req.api, req.query);
  const raw = await transport.sendRaw(req.method, url, req.body, req.options);
  return interpretInitial(req.method, req.api, url, raw, finalStateVia);
}

/** Polls once. A 4xx/5xx here means the status read failed (D.1), and throws the mapped ArmError. */
export async function pollLro(transport: ArmTransport, handle: LroHandle, options?: OperationOptions): Promise<LroPoll> {
  switch (handle.mode) {
    case "operation": {
      const raw = await transport.sendRaw("GET", handle.operationUrl as string, undefined, options);
      if (raw.status === 202 && raw.body === undefined) {
        return { status: "running", body: undefined, retryAfterMs: parseRetryAfterMs(raw.headers.get("retry-after")), percentComplete: undefined };
      }
      // OperationResults_Get declares 200 OperationResult *or 204* (rest-api.md B.7), and the Lab
      // Services Azure-AsyncOperation URL is that operationResults URL (G.1): a 204 has no body to
      // read and says the operation is over (as core-lro reads a status-less 2xx).
      if (raw.status === 204) return fromBodyStatus(handle, raw, "succeeded");
      const s = statusOf((raw.body as { status?: unknown } | undefined)?.status);
      if (s === undefined) throw new UnexpectedResponseError("An operation status answer had no \"status\" field.", raw.status);
      return fromBodyStatus(handle, raw, s);
    }
    case "location": {
      const raw = await transport.sendRaw("GET", handle.locationUrl as string, undefined, options);
      if (raw.status === 202) {
        return { status: "running", body: raw.body, retryAfterMs: parseRetryAfterMs(raw.headers.get("retry-after")), percentComplete: percentOf(raw.body) };
      }
      // The Lab Services swagger lets Location answer 200 + {status: InProgress} (B.7). A Location that
      // is the resource itself (G.1: PUT's Location is the resource URL) has no `status` but a
      // `provisioningState`, which decides as it does for a resource poll (D.1).
      const b = raw.body as { status?: unknown } | undefined;
      const s = statusOf(b?.status) ?? statusOf(provisioningStateOf(raw.body)) ?? "succeeded";
      return fromBodyStatus(handle, raw, s);
    }
    case "body": {
      const raw = await transport.sendRaw("GET", handle.resourceUrl, undefined, options);
      const s = statusOf(provisioningStateOf(raw.body)) ?? "succeeded";
      return fromBodyStatus(handle, raw, s);
    }
    case "done":
      return { status: "succeeded", body: undefined, retryAfterMs: undefined, percentComplete: undefined };
  }
}

/**
 * Fetches the result after success, per `final-state-via` (D.3): the resource for PUT
 * (`original-uri`), the `Location` answer for POST/PATCH/DELETE (`location`), or the last
 * operation body. `lastBody` is returned when no extra read is needed.
 */
export async function finalLroResult(
  transport: ArmTransport,
  handle: LroHandle,
  lastBody: unknown,
  options?: OperationOptions,
): Promise<unknown> {
  if (handle.method === "DELETE") return undefined;
  if (handle.finalStateVia === "original-uri") {
    // The result of a PUT is the resource (ARM RPC async PUT; rest-api.md G.1 "PUT ends with a GET of
    // the resource"). Only skip the read when the last answer already was the resource: an initial
    // 200/201 that was terminal, a provisioningState poll, or a Location that *is* the resource URL.
    const lastWasResource =
      handle.mode === "done" || handle.mode === "body" || (handle.mode === "location" && sameUrl(handle.locationUrl, handle.resourceUrl));
    if (lastWasResource) return lastBody;
    return (await transport.sendRaw("GET", handle.resourceUrl, undefined, options)).body;
  }
  if (handle.mode === "operation" && handle.finalStateVia === "location" && handle.locationUrl) {
    // G.1: POST and DELETE end with one GET of the Location URL.
    return (await transport.sendRaw("GET", handle.locationUrl, undefined, options)).body;
  }
  return lastBody;
}

function sameUrl(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.toLowerCase() === y.pathname.toLowerCase();
  } catch {
    return false;
  }
}

const METHODS = new Set(["GET", "PUT", "PATCH", "DELETE", "POST"]);
const MODES = new Set(["operation", "location", "body", "done"]);
const FINAL_STATES = new Set(["original-uri", "location", "azure-async-operation"]);

/**
 * Checks a handle restored from a resume token. The token is caller-supplied text: a garbled or
 * edited one must fail here, before any request, and its URLs must be on the ARM origin (the same
 * rule as a Location header), so a token cannot send the bearer token anywhere else.
 */
export function validateLroHandle(value: unknown, endpoint: URL): LroHandle {
  const bad = (why: string) =>
    new ValidationError(`The resume token does not describe an operation: ${why}.`, [{ path: "token", message: why }], {
      hint: "Pass the exact string returned by poller.serialize().",
    });
  if (typeof value !== "object" || value === null) throw bad("no operation state");
  const h = value as Record<string, unknown>;
  if (typeof h["method"] !== "string" || !METHODS.has(h["method"])) throw bad("unknown method");
  if (typeof h["mode"] !== "string" || !MODES.has(h["mode"])) throw bad("unknown polling mode");
  if (typeof h["finalStateVia"] !== "string" || !FINAL_STATES.has(h["finalStateVia"])) throw bad("unknown final-state-via");
  if (typeof h["api"] !== "string") throw bad("no api family");
  for (const k of ["resourceUrl", "operationUrl", "locationUrl"]) {
    if (h[k] !== undefined && typeof h[k] !== "string") throw bad(`${k} is not a string`);
  }
  if (typeof h["resourceUrl"] !== "string") throw bad("no resource URL");
  if (h["mode"] === "operation" && typeof h["operationUrl"] !== "string") throw bad("no operation URL");
  if (h["mode"] === "location" && typeof h["locationUrl"] !== "string") throw bad("no Location URL");
  for (const k of ["resourceUrl", "operationUrl", "locationUrl"]) {
    if (typeof h[k] === "string") assertTrustedUrl(h[k], endpoint);
  }
  return h as unknown as LroHandle;
}
