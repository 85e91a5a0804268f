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
import { OperationFailedError, UnexpectedResponseError, type ArmErrorDetail, parseRetryAfterMs } from "./errors.js";
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
  const b = (body ?? {}) as { error?: ArmErrorDetail; properties?: { resourceOperationError?: ArmErrorDetail; error?: ArmErrorDetail } };
  const detail = b.error ?? b.properties?.resourceOperationError ?? b.properties?.error;
  const opId = operationIdOf(h);
  return new OperationFailedError({
    statusCode: httpStatus,
    status: status === "failed" ? "Failed" : "Canceled",
    code: detail?.code ?? (status === "failed" ? "OperationFailed" : "OperationCanceled"),
    message: detail?.message ?? `The operation ended ${status === "failed" ? "Failed" : "Canceled"} without an error message.`,
    details: detail?.details,
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
  // 200/201: done unless the resource says it is still provisioning.
  const state = statusOf(provisioningStateOf(raw.body));
  if (state === "running") {
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
      const s = statusOf((raw.body as { status?: unknown } | undefined)?.status);
      if (s === undefined) throw new UnexpectedResponseError("An operation status answer had no \"status\" field.", raw.status);
      return fromBodyStatus(handle, raw, s);
    }
    case "location": {
      const raw = await transport.sendRaw("GET", handle.locationUrl as string, undefined, options);
      if (raw.status === 202) {
        return { status: "running", body: raw.body, retryAfterMs: parseRetryAfterMs(raw.headers.get("retry-after")), percentComplete: percentOf(raw.body) };
      }
      // The Lab Services swagger lets Location answer 200 + {status: InProgress} (B.7).
      const s = statusOf((raw.body as { status?: unknown } | undefined)?.status) ?? "succeeded";
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
  if (handle.mode === "operation") {
    if (handle.finalStateVia === "original-uri") return (await transport.sendRaw("GET", handle.resourceUrl, undefined, options)).body;
    if (handle.finalStateVia === "location" && handle.locationUrl) {
      return (await transport.sendRaw("GET", handle.locationUrl, undefined, options)).body;
    }
    return lastBody;
  }
  return lastBody;
}
