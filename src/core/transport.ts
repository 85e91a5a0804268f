/**
 * The one ARM transport every client uses. It owns the endpoint, api-versions, authentication,
 * retries, error mapping and logging; clients hand it a resource path and a body and get parsed
 * JSON back. Clients never see a URL, a header or a raw response.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { ServiceClient, type OperationOptions } from "@azure/core-client";
import {
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  isRestError,
  RestError,
  type PipelineRequest,
  type HttpClient,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { isLoopbackHost, resolveClientOptions, type ApiFamily, type ClientOptions, type ResolvedClientOptions } from "./client-options.js";
import { ConnectionError, UnexpectedResponseError, ValidationError, armErrorFromResponse, parseRetryAfterMs } from "./errors.js";
import { logger } from "./logger.js";
import { armAuthPolicy, assertTrustedUrl, noResendOfUnsafeWritesPolicy, retryAfterClampPolicy, throttleRetryPolicy } from "./policies.js";
import { SDK_VERSION } from "./version.js";

export type HttpMethod = "GET" | "PUT" | "PATCH" | "DELETE" | "POST";

export interface ArmRequest {
  method: HttpMethod;
  /** Resource path from `resourcePath()` (an id, optionally with child collection or action). */
  path: string;
  api: ApiFamily;
  query?: Record<string, string>;
  body?: unknown;
  options?: OperationOptions | undefined;
}

/** What a client gets back: status and parsed body. */
export interface ArmResult<T = unknown> {
  status: number;
  body: T;
}

/** Internal: a response with the pieces only core reads. */
export interface RawArmResponse {
  status: number;
  body: unknown;
  headers: { get(name: string): string | undefined };
  url: string;
}

const SAFE_PATH = /^\/subscriptions\/[^/?#%\\\s]+(\/[^/?#%\\\s]+)*$/;
const SEGMENT = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Joins an already-validated resource id with child collection or action segments. Segments are
 * fixed words from the SDK (`images`, `saveImage`), never user input.
 */
export function resourcePath(id: string, ...segments: string[]): string {
  for (const s of segments) {
    if (!SEGMENT.test(s)) throw new Error(`internal: bad path segment ${JSON.stringify(s)}`);
  }
  const path = [id.replace(/\/$/, ""), ...segments].join("/");
  // "." and ".." pass SAFE_PATH but `new URL()` resolves them (RFC 3986 §5.2.4), so `…/labs/x/..`
  // would address the resource group's provider collection instead: refuse dot-segments outright.
  if (!SAFE_PATH.test(path) || path.split("/").some((s) => s === "." || s === "..")) throw new ValidationError(`Not a valid resource path: ${JSON.stringify(path.slice(0, 120))}.`);
  return path;
}

function requestWithoutAuthorization(request: PipelineRequest): PipelineRequest {
  const headers = createHttpHeaders(request.headers.toJSON());
  headers.delete("Authorization");
  // The agent's live sockets keep the raw request head (`_httpMessage._header`), token included.
  const { agent: _agent, ...rest } = request;
  return { ...rest, headers };
}

function withoutAuthorization(response: PipelineResponse): PipelineResponse {
  return { ...response, request: requestWithoutAuthorization(response.request) };
}

/**
 * A copy of a transport-level RestError (no HTTP answer) whose `request` has no Authorization
 * header. The http client's error holds the signed request object, so `err.cause.request.headers`
 * would hand the bearer token to whoever logs or serialises the cause chain (issue 10: no token in
 * a `cause` chain). Nested RestError causes (noResendOfUnsafeWritesPolicy wraps one) are copied too.
 */
function sanitizeRestError(e: RestError, depth = 0): RestError {
  const copy = new RestError(e.message, {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
    ...(e.request ? { request: requestWithoutAuthorization(e.request) } : {}),
  });
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined) (copy as { cause?: unknown }).cause = isRestError(cause) && depth < 5 ? sanitizeRestError(cause, depth + 1) : cause;
  return copy;
}

export class ArmTransport {
  readonly options: ResolvedClientOptions;
  private readonly client: ServiceClient;

  constructor(options: ClientOptions = {}, httpClient?: HttpClient) {
    this.options = resolveClientOptions(options);
    const o = this.options;
    const pipeline = createPipelineFromOptions({
      // core's proxy policy sends every request through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY lists
      // the host; for a plain-http loopback endpoint (the emulator) that put the request, bearer
      // token included, in cleartext on the way to the proxy — which cannot reach this machine's
      // loopback anyway. A loopback endpoint is always reached directly: core skips the proxy for a
      // request that already has an agent.
      ...(isLoopbackHost(o.endpoint.hostname) ? { agent: o.endpoint.protocol === "http:" ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true }) } : {}),
      retryOptions: o.retryOptions,
      userAgentOptions: { userAgentPrefix: [o.userAgentPrefix, `azure-lab-gallery/${SDK_VERSION}`].filter(Boolean).join(" ") },
      // ARM does not redirect management calls; following one could carry the request elsewhere.
      redirectOptions: { maxRetries: 0 },
      loggingOptions: { logger: logger.info, additionalAllowedHeaderNames: ["x-ms-correlation-request-id", "x-ms-ratelimit-remaining-subscription-reads", "x-ms-ratelimit-remaining-subscription-writes"] },
    });
    // Same phase, in this order: the throttle wait (outer) reads the Retry-After the clamp (inner) left.
    pipeline.addPolicy(throttleRetryPolicy(o.retryOptions.maxRetries !== 0), { phase: "Retry" });
    pipeline.addPolicy(retryAfterClampPolicy(o.maxRetryAfterInMs), { phase: "Retry" });
    pipeline.addPolicy(armAuthPolicy(o.credential, o.scope, o.endpoint), { phase: "Sign" });
    pipeline.addPolicy(noResendOfUnsafeWritesPolicy(), { phase: "Sign" });
    this.client = new ServiceClient({ pipeline, endpoint: o.endpoint.origin, ...(httpClient ? { httpClient } : {}) });
  }

  /** Absolute URL of a resource path with its api-version. */
  url(path: string, api: ApiFamily, query: Record<string, string> = {}): string {
    const u = new URL(this.options.endpoint.origin + path);
    u.searchParams.set("api-version", this.options.apiVersions[api]);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Sends a request and returns the parsed body; non-2xx answers throw the mapped `ArmError`. */
  async send<T = unknown>(req: ArmRequest): Promise<ArmResult<T>> {
    const raw = await this.sendRaw(req.method, this.url(req.path, req.api, req.query), req.body, req.options);
    return { status: raw.status, body: raw.body as T };
  }

  /** Like `send`, but a 404 resolves to `undefined` instead of throwing. */
  async getOptional<T = unknown>(req: Omit<ArmRequest, "method">): Promise<T | undefined> {
    try {
      return (await this.send<T>({ ...req, method: "GET" })).body;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }

  /** Internal: sends to an absolute URL (a polling or paging link) after checking its origin. */
  async sendRaw(method: HttpMethod, url: string, body?: unknown, options?: OperationOptions): Promise<RawArmResponse> {
    assertTrustedUrl(url, this.options.endpoint);
    const headers = createHttpHeaders({ Accept: "application/json" });
    for (const [k, v] of Object.entries(options?.requestOptions?.customHeaders ?? {})) headers.set(k, v);
    if (body !== undefined) headers.set("Content-Type", "application/json");
    const request = createPipelineRequest({
      url,
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options?.abortSignal ? { abortSignal: options.abortSignal } : {}),
      ...(options?.requestOptions?.timeout ? { timeout: options.requestOptions.timeout } : {}),
      allowInsecureConnection: this.options.endpoint.protocol === "http:",
    });
    let response: PipelineResponse;
    try {
      response = await this.client.sendRequest(request);
    } catch (e) {
      throw this.mapTransportError(e, method, url);
    }
    const text = response.bodyAsText ?? "";
    // Whatever leaves the transport (onResponse, an error's cause) holds a copy of the request
    // without its Authorization header: the token is for the wire only.
    const safeResponse = withoutAuthorization(response);
    options?.onResponse?.(safeResponse, undefined);
    const get = (name: string) => response.headers.get(name);
    if (response.status < 200 || response.status >= 300) {
      // The issue asks for core's RestError as `cause`, as core-client's own operations raise it.
      const cause = new RestError(`HTTP ${response.status}`, { statusCode: response.status, request: safeResponse.request, response: safeResponse });
      throw armErrorFromResponse({ statusCode: response.status, bodyText: text, headers: { get }, cause });
    }
    let parsed: unknown = undefined;
    if (text.trim().length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new UnexpectedResponseError(
          `The service answered ${method} ${new URL(url).pathname} with HTTP ${response.status} but a body that is not JSON (${text.length} characters).`,
          response.status,
          { cause: e, hint: "This is usually a proxy or a truncated answer; retry, and report it if it persists." },
        );
      }
    }
    return { status: response.status, body: parsed, headers: { get }, url };
  }

  private mapTransportError(e: unknown, method: string, url: string): unknown {
    if (e instanceof Error && (e.name === "AbortError" || e.name === "UntrustedUrlError")) return e;
    if (isRestError(e) && e.statusCode === undefined) {
      return new ConnectionError(`${method} ${new URL(url).pathname} got no answer from ${new URL(url).host}: ${e.code ?? e.message}.`, {
        cause: sanitizeRestError(e),
        hint: "Check the network, proxy settings and the endpoint; the request may or may not have reached the service.",
      });
    }
    return e;
  }

  /** Internal: `Retry-After` of a response in ms, or undefined. */
  static retryAfterMs(raw: RawArmResponse): number | undefined {
    return parseRetryAfterMs(raw.headers.get("retry-after"));
  }
}
