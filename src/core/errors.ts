/**
 * One small error tree. Callers branch on class (or on the `isXxx` guards, which also work across
 * realms and duplicated package copies because they compare `name`), read `hint` for what to do,
 * and find the original transport error in `cause`.
 *
 * No message built here contains a request body, a header value or a token: only status, ARM code,
 * the service's message and ids.
 */

export interface ValidationIssue {
  /** Dotted path of the offending input, e.g. `credentials.adminUser.password`. */
  path: string;
  message: string;
}

export class LabGalleryError extends Error {
  override name: string = "LabGalleryError";
  /** What the caller can do about it, in one sentence. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { cause?: unknown; hint?: string | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options?.hint;
  }
}

/** Client-side input was rejected before any request was sent. */
export class ValidationError extends LabGalleryError {
  override name: string = "ValidationError";
  readonly issues: readonly ValidationIssue[];
  constructor(message: string, issues: readonly ValidationIssue[] = [], options?: { hint?: string }) {
    super(message, options);
    this.issues = issues;
  }
}

/** The credentials given do not fit the image's OS state (generalized vs specialized). */
export class ImageCredentialsError extends ValidationError {
  override name = "ImageCredentialsError";
}

/** The image is not replicated to the region the lab needs. */
export class ImageNotReplicatedError extends LabGalleryError {
  override name = "ImageNotReplicatedError";
  readonly region: string;
  readonly availableRegions: readonly string[];
  constructor(message: string, region: string, availableRegions: readonly string[], hint?: string) {
    super(message, { hint });
    this.region = region;
    this.availableRegions = availableRegions;
  }
}

/**
 * A check made before a request (a "preflight") found that the request would fail or do the wrong
 * thing; nothing was sent. `reason` is a stable machine-readable word, `hint` says how to fix it.
 */
export class PreconditionFailedError extends LabGalleryError {
  override name = "PreconditionFailedError";
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown; hint?: string | undefined }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A URL given by the service (Location, Azure-AsyncOperation, nextLink) or by the caller is not trusted. */
export class UntrustedUrlError extends LabGalleryError {
  override name = "UntrustedUrlError";
}

/** The request never got an HTTP answer (DNS, refused or dropped connection, TLS). */
export class ConnectionError extends LabGalleryError {
  override name = "ConnectionError";
}

/** The service answered with something that is not what ARM promises (bad JSON, missing header). */
export class UnexpectedResponseError extends LabGalleryError {
  override name = "UnexpectedResponseError";
  readonly statusCode: number | undefined;
  constructor(message: string, statusCode?: number, options?: { cause?: unknown; hint?: string }) {
    super(message, options);
    this.statusCode = statusCode;
  }
}

/** `ErrorAdditionalInfo` of the ARM common types: e.g. the policy that denied a request. */
export interface ArmErrorAdditionalInfo {
  type: string;
  info?: unknown;
}

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
  additionalInfo?: ArmErrorAdditionalInfo[];
}

export interface ArmErrorInit {
  statusCode: number;
  code: string;
  message: string;
  target?: string | undefined;
  details?: ArmErrorDetail[] | undefined;
  additionalInfo?: ArmErrorAdditionalInfo[] | undefined;
  requestId?: string | undefined;
  correlationId?: string | undefined;
  hint?: string | undefined;
  cause?: unknown;
}

/** The service answered with an ARM error. */
export class ArmError extends LabGalleryError {
  override name: string = "ArmError";
  readonly statusCode: number;
  readonly code: string;
  readonly target: string | undefined;
  readonly details: readonly ArmErrorDetail[];
  /** `additionalInfo` of the error body (policy denials put the policy here). */
  readonly additionalInfo: readonly ArmErrorAdditionalInfo[];
  /** `x-ms-request-id`: quote it to Azure support. */
  readonly requestId: string | undefined;
  /** `x-ms-correlation-request-id`. */
  readonly correlationId: string | undefined;
  constructor(init: ArmErrorInit) {
    super(`${init.code}: ${init.message}`, { cause: init.cause, hint: init.hint });
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.target = init.target;
    this.details = init.details ?? [];
    this.additionalInfo = init.additionalInfo ?? [];
    this.requestId = init.requestId;
    this.correlationId = init.correlationId;
  }
}

export class NotFoundError extends ArmError {
  override name = "NotFoundError";
}
export class ConflictError extends ArmError {
  override name = "ConflictError";
}
export class PermissionDeniedError extends ArmError {
  override name = "PermissionDeniedError";
}
export class ThrottledError extends ArmError {
  override name = "ThrottledError";
  readonly retryAfterInMs: number | undefined;
  constructor(init: ArmErrorInit & { retryAfterInMs?: number | undefined }) {
    super(init);
    this.retryAfterInMs = init.retryAfterInMs;
  }
}

/** A long-running operation ended `Failed` or `Canceled`; `code`/`message` are the operation's own error. */
export class OperationFailedError extends ArmError {
  override name = "OperationFailedError";
  /** Terminal status reported by the service. */
  readonly status: "Failed" | "Canceled";
  /** The operation id (last segment of the operation URL), for support requests. */
  readonly operationId: string | undefined;
  constructor(init: ArmErrorInit & { status: "Failed" | "Canceled"; operationId?: string | undefined }) {
    super(init);
    this.status = init.status;
    this.operationId = init.operationId;
  }
}

// Guards compare `name` along the class chain, so they hold across realms and bundle copies.
const FAMILY: Record<string, readonly string[]> = {
  LabGalleryError: [
    "LabGalleryError",
    "ValidationError",
    "ImageCredentialsError",
    "ImageNotReplicatedError",
    "PreconditionFailedError",
    "UntrustedUrlError",
    "ConnectionError",
    "UnexpectedResponseError",
    "ArmError",
    "NotFoundError",
    "ConflictError",
    "PermissionDeniedError",
    "ThrottledError",
    "OperationFailedError",
  ],
  ValidationError: ["ValidationError", "ImageCredentialsError"],
  ArmError: ["ArmError", "NotFoundError", "ConflictError", "PermissionDeniedError", "ThrottledError", "OperationFailedError"],
};

function guard<T>(name: string) {
  const names = FAMILY[name] ?? [name];
  return (e: unknown): e is T => typeof e === "object" && e !== null && names.includes((e as { name?: unknown }).name as string);
}

export const isLabGalleryError = guard<LabGalleryError>("LabGalleryError");
export const isValidationError = guard<ValidationError>("ValidationError");
export const isImageCredentialsError = guard<ImageCredentialsError>("ImageCredentialsError");
export const isImageNotReplicatedError = guard<ImageNotReplicatedError>("ImageNotReplicatedError");
export const isPreconditionFailedError = guard<PreconditionFailedError>("PreconditionFailedError");
export const isUntrustedUrlError = guard<UntrustedUrlError>("UntrustedUrlError");
export const isConnectionError = guard<ConnectionError>("ConnectionError");
export const isUnexpectedResponseError = guard<UnexpectedResponseError>("UnexpectedResponseError");
export const isArmError = guard<ArmError>("ArmError");
export const isNotFoundError = guard<NotFoundError>("NotFoundError");
export const isConflictError = guard<ConflictError>("ConflictError");
export const isPermissionDeniedError = guard<PermissionDeniedError>("PermissionDeniedError");
export const isThrottledError = guard<ThrottledError>("ThrottledError");
export const isOperationFailedError = guard<OperationFailedError>("OperationFailedError");

// ---- Factory ------------------------------------------------------------------------------------

export interface ErrorResponseInput {
  statusCode: number;
  /** Raw response body text (may be empty or not JSON). */
  bodyText: string | undefined;
  headers: { get(name: string): string | undefined };
  cause?: unknown;
}

const MAX_MESSAGE = 2000;

function clip(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}

/** A detail as read from the wire: `code` stays undefined when the service gave none. */
type WireDetail = Omit<ArmErrorDetail, "code"> & { code: string | undefined };

function asAdditionalInfo(v: unknown): ArmErrorAdditionalInfo[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: ArmErrorAdditionalInfo[] = [];
  for (const x of v.slice(0, 50)) {
    if (typeof x !== "object" || x === null || typeof (x as { type?: unknown }).type !== "string") continue;
    const o = x as { type: string; info?: unknown };
    out.push(o.info === undefined ? { type: o.type } : { type: o.type, info: o.info });
  }
  return out;
}

// Fields of the wrong type are dropped rather than passed on: callers branch on `code`, and a
// number or object there would break a `switch` silently.
function asDetail(v: unknown, depth = 0): WireDetail | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v) || depth > 5) return undefined;
  const o = v as Record<string, unknown>;
  const code = typeof o["code"] === "string" && o["code"].length > 0 ? o["code"] : undefined;
  const message = typeof o["message"] === "string" ? o["message"] : undefined;
  if (code === undefined && message === undefined) return undefined;
  const d: WireDetail = { code, message: clip(message ?? "") };
  if (typeof o["target"] === "string") d.target = o["target"];
  if (Array.isArray(o["details"])) {
    d.details = o["details"]
      .slice(0, 50)
      .map((x) => asDetail(x, depth + 1))
      .filter((x): x is WireDetail => x !== undefined)
      .map((x) => withCode(x, "Unknown"));
  }
  const info = asAdditionalInfo(o["additionalInfo"]);
  if (info) d.additionalInfo = info;
  return d;
}

function withCode(d: WireDetail, fallback: string): ArmErrorDetail {
  return { ...d, code: d.code ?? fallback };
}

function readErrorBody(bodyText: string | undefined): WireDetail | undefined {
  if (!bodyText) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const inner = (parsed as Record<string, unknown>)["error"];
  // `{error: "text"}` is not an ARM error body; only fall back to the bare form when `error` is absent.
  return inner === undefined || inner === null ? asDetail(parsed) : asDetail(inner);
}

/**
 * Reads one `error` object found elsewhere (an operation-status body, a resource's
 * `properties.error`) with the same type checks as an error response; `code` may be absent.
 */
export function readArmErrorDetail(value: unknown): (Omit<ArmErrorDetail, "code"> & { code: string | undefined }) | undefined {
  return asDetail(value);
}

/**
 * Reads an ARM error body in either of its documented forms: 2022-08-01 `CloudError` and 2023-06-07
 * `ErrorResponse` are the same wire shape `{error:{code,message,target,details,additionalInfo}}`
 * (rest-api.md B.8); some services answer the bare `{code,message}`.
 */
export function parseArmErrorBody(bodyText: string | undefined): ArmErrorDetail | undefined {
  const d = readErrorBody(bodyText);
  return d && withCode(d, "Unknown");
}

const DEFAULT_CODES: Record<number, string> = {
  400: "BadRequest",
  401: "AuthenticationFailed",
  403: "AuthorizationFailed",
  404: "ResourceNotFound",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

/** Parses `Retry-After` as whole seconds or an HTTP date; rejects negatives and garbage. */
export function parseRetryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  // RFC 9110 §10.2.3: delay-seconds is 1*DIGIT; a 400-digit value is Infinity as a number.
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, Number.MAX_SAFE_INTEGER);
  const date = Date.parse(v);
  if (!Number.isNaN(date) && /[a-zA-Z]/.test(v)) return Math.max(0, date - now);
  return undefined;
}

/** `retry-after-ms` / `x-ms-retry-after-ms` (whole milliseconds), as core-rest-pipeline reads them. */
function retryAfterMsHeader(headers: ErrorResponseInput["headers"]): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = headers.get(name)?.trim();
    if (v !== undefined && /^\d+$/.test(v)) return Math.min(Number(v), Number.MAX_SAFE_INTEGER);
  }
  return undefined;
}

/** Maps an error response to the error class a caller acts on. */
export function armErrorFromResponse(input: ErrorResponseInput): ArmError {
  const detail = readErrorBody(input.bodyText);
  const init: ArmErrorInit = {
    statusCode: input.statusCode,
    code: detail?.code ?? DEFAULT_CODES[input.statusCode] ?? `Http${input.statusCode}`,
    message: detail?.message || `The service answered HTTP ${input.statusCode} without an error message.`,
    target: detail?.target,
    details: detail?.details,
    additionalInfo: detail?.additionalInfo,
    requestId: input.headers.get("x-ms-request-id"),
    correlationId: input.headers.get("x-ms-correlation-request-id"),
    cause: input.cause,
  };
  switch (input.statusCode) {
    case 401:
      return new PermissionDeniedError({ ...init, hint: "The token was rejected: sign in again (az login) or check the credential's tenant." });
    case 403:
      return new PermissionDeniedError({ ...init, hint: "The signed-in identity lacks a role on this resource; see docs/galleries.md#permissions." });
    case 404:
      return new NotFoundError({ ...init, hint: "Check the resource id, its subscription and resource group." });
    case 409:
      return new ConflictError({ ...init, hint: "Another operation or resource is in the way; read the message, then retry or pick another name." });
    case 429:
      return new ThrottledError({
        ...init,
        retryAfterInMs: parseRetryAfterMs(input.headers.get("retry-after")) ?? retryAfterMsHeader(input.headers),
        hint: "ARM throttled the subscription; wait and retry, or lower the concurrency.",
      });
    default:
      return new ArmError(init);
  }
}
