import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { isRestError, RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import { UntrustedUrlError } from "./errors.js";
import { isLoopbackHost } from "./client-options.js";
import { logger } from "./logger.js";
import { sleep } from "./sleep.js";

/** Refresh a cached token this long before it expires. */
const REFRESH_MARGIN_MS = 2 * 60_000;

/**
 * Bearer-token policy that sends the token only to the configured ARM origin. core's own policy
 * would attach it to any https URL, including a `Location` or `nextLink` naming another host; and
 * it refuses plain http outright, which the loopback emulator needs.
 */
export function armAuthPolicy(credential: TokenCredential, scope: string, endpoint: URL): PipelinePolicy {
  let cached: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  const getToken = async (): Promise<AccessToken> => {
    if (cached && cached.expiresOnTimestamp - Date.now() > REFRESH_MARGIN_MS) return cached;
    pending ??= Promise.resolve(credential.getToken(scope))
      .then((t) => {
        if (!t) throw new Error("The credential returned no token.");
        cached = t;
        return t;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return {
    name: "armAuthPolicy",
    async sendRequest(request, next) {
      assertTrustedUrl(request.url, endpoint);
      const token = await getToken();
      request.headers.set("Authorization", `Bearer ${token.token}`);
      return next(request);
    },
  };
}

/** Throws `UntrustedUrlError` unless `raw` is on the ARM endpoint's origin (and http only on loopback). */
export function assertTrustedUrl(raw: string, endpoint: URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UntrustedUrlError("The service returned a malformed URL; refusing to follow it.");
  }
  if (url.origin !== endpoint.origin || url.username || url.password) {
    throw new UntrustedUrlError(
      `Refusing to send a request to ${url.protocol}//${url.host}: only ${endpoint.origin} receives the bearer token. A polling or paging link pointing elsewhere is not followed.`,
      { hint: "If you use a proxy or a sovereign cloud, set the `cloud` or `endpoint` client option to its ARM endpoint." },
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UntrustedUrlError(`Refusing plain http to ${url.host}.`);
  }
  return url;
}

const RETRY_AFTER_HEADERS = ["retry-after", "retry-after-ms", "x-ms-retry-after-ms"];
const DEFAULT_THROTTLE_WAIT_MS = 10_000;

/**
 * Normalises throttling hints before the retry policy reads them: a negative, garbage or huge
 * `Retry-After` must neither hammer the service nor stall a script for hours.
 */
export function retryAfterClampPolicy(maxMs: number): PipelinePolicy {
  return {
    name: "retryAfterClampPolicy",
    async sendRequest(request, next) {
      const response = await next(request);
      for (const name of RETRY_AFTER_HEADERS) {
        const raw = response.headers.get(name);
        if (raw === undefined) continue;
        const inMs = name === "retry-after" ? parseSecondsOrDate(raw) : /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
        if (inMs === undefined) {
          response.headers.delete(name);
        } else if (inMs > maxMs) {
          if (name === "retry-after") setWholeSecondsWait(response.headers, maxMs);
          else response.headers.set(name, String(maxMs));
        }
      }
      // A 429 whose hint was garbage (or missing) would not be retried at all by core's throttling
      // strategy; ARM's documented minimum wait (rest-api.md D.1) is a safe stand-in.
      if (response.status === 429 && RETRY_AFTER_HEADERS.every((h) => response.headers.get(h) === undefined)) {
        setWholeSecondsWait(response.headers, Math.min(maxMs, DEFAULT_THROTTLE_WAIT_MS));
      }
      return response;
    },
  };
}

/**
 * Sets `Retry-After` (whole seconds, RFC 9110) to `ms`. When `ms` is not a whole number of seconds
 * (a `maxRetryAfterInMs` below 1 s, or 1500), `Retry-After` alone would round down — to 0 for a
 * sub-second clamp, so a throttled request was resent at once and a burst spent all its retries
 * inside one refill (found by test/reliability/throttling.test.ts). `retry-after-ms` carries the
 * exact wait; core's throttling strategy reads it before `Retry-After`.
 */
function setWholeSecondsWait(headers: { set(name: string, value: string): void; get(name: string): string | undefined }, ms: number): void {
  headers.set("retry-after", String(Math.floor(ms / 1000)));
  if (ms % 1000 !== 0 && headers.get("retry-after-ms") === undefined && headers.get("x-ms-retry-after-ms") === undefined) headers.set("retry-after-ms", String(ms));
}

function parseSecondsOrDate(raw: string): number | undefined {
  const v = raw.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-zA-Z]/.test(v)) return undefined;
  const d = Date.parse(v);
  return Number.isNaN(d) ? undefined : Math.max(0, d - Date.now());
}

/** How long one request may spend, in total, waiting out ARM throttling before the 429 surfaces. */
export const THROTTLE_BUDGET_MS = 5 * 60_000;
/** And at most this many throttled answers in a row (a `Retry-After: 0` loop must end). */
export const THROTTLE_MAX_ATTEMPTS = 50;

/** The wait a throttled answer asks for, in ms: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After`. */
function throttleWaitMs(headers: { get(name: string): string | undefined }): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = headers.get(name)?.trim();
    if (v !== undefined && /^\d+$/.test(v)) return Number(v);
  }
  const ra = headers.get("retry-after");
  return ra === undefined ? undefined : parseSecondsOrDate(ra);
}

/**
 * Waits out ARM throttling: a 429 that says how long to wait (`Retry-After`, already clamped by
 * `retryAfterClampPolicy`, which must sit inside this policy) is sent again after that wait, until
 * the request has waited `budgetMs` in total. ARM's write limit is a token bucket that refills
 * every second (rest-api.md D.2): in a bulk job a request can be throttled many times in a row while
 * the bucket serves the others, and core's retry policy gives up after `maxRetries` (3) answers, so
 * a bulk create failed most of its labs (docs/performance.md, bulk). Only 429s with a usable wait
 * are handled here; everything else goes to core's retry policy as before. `enabled: false`
 * (`retryOptions.maxRetries: 0`) turns it off.
 */
export function throttleRetryPolicy(enabled: boolean, budgetMs: number = THROTTLE_BUDGET_MS): PipelinePolicy {
  // core's retry policy sits outside this one and resends the same request object after a 429 this
  // policy gave up on; keyed by request, the budget and attempt count hold across those resends
  // instead of starting afresh each time ((maxRetries + 1) budgets in all).
  const spent = new WeakMap<object, { waited: number; attempts: number }>();
  return {
    name: "armThrottleRetryPolicy",
    async sendRequest(request, next) {
      const used = spent.get(request) ?? { waited: 0, attempts: 0 };
      spent.set(request, used);
      for (;;) {
        const response = await next(request);
        used.attempts++;
        if (!enabled || response.status !== 429 || used.attempts >= THROTTLE_MAX_ATTEMPTS) return response;
        const ms = throttleWaitMs(response.headers);
        if (ms === undefined || used.waited + ms > budgetMs) return response;
        logger.info(`Throttled (429): ${request.method} waits ${ms} ms as asked, attempt ${used.attempts}.`);
        await sleep(ms, request.abortSignal);
        used.waited += ms;
      }
    },
  };
}

/** Connection failures after which the request may have reached the service and been applied. */
const AMBIGUOUS_NETWORK_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT"]);

/**
 * Keeps core's retry policy from resending a POST whose connection was lost mid-request. A POST
 * action (saveImage, classic createLab) is not idempotent: when the answer is lost after the service
 * applied it (reset or timeout), a resend starts a second save (a duplicate image version) or fails
 * with "already exists" for a lab that was in fact created. Issue 10: "no lab or image is created
 * twice". The failure surfaces as a `ConnectionError` ("may or may not have reached the service").
 * PUT, PATCH, DELETE and GET are idempotent and keep being retried; so are errors where nothing was
 * sent (ECONNREFUSED, ENOTFOUND), which core's exponential strategy also retries for POST.
 * Must sit below the retry policy (phase "Sign"), so the retry strategy sees the re-coded error.
 */
export function noResendOfUnsafeWritesPolicy(): PipelinePolicy {
  return {
    name: "noResendOfUnsafeWritesPolicy",
    async sendRequest(request, next) {
      try {
        return await next(request);
      } catch (e) {
        if (request.method === "POST" && isRestError(e) && e.statusCode === undefined && e.code !== undefined && AMBIGUOUS_NETWORK_CODES.has(e.code)) {
          // Any code outside core's "system error" list makes its exponential strategy rethrow.
          const final = new RestError(`${e.code}: ${e.message} (a POST is not resent after a lost connection: the service may have applied it)`, {
            code: RestError.REQUEST_SEND_ERROR,
            request: e.request ?? request,
          });
          (final as { cause?: unknown }).cause = e;
          throw final;
        }
        throw e;
      }
    },
  };
}
