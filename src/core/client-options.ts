import type { TokenCredential } from "@azure/core-auth";
import type { OperationOptions } from "@azure/core-client";
import type { PipelineRetryOptions } from "@azure/core-rest-pipeline";
import { CLOUDS, type CloudName } from "./cloud.js";
import { lazyDefaultCredential } from "./credential.js";
import { ValidationError } from "./errors.js";

export type { OperationOptions };

/** Resource-provider families, each with its own api-version. */
export type ApiFamily = "labPlans" | "labAccounts" | "labAccountsPreview" | "compute";

/**
 * Default api-versions. Lab plans: newest stable (rest-api.md B). Lab accounts: the public 2018-10-15,
 * plus the undocumented 2019-01-01-preview that every shared-gallery call needs (A.2). Galleries: a
 * version ARM lists as supported for `galleries` (C.1).
 */
export const DEFAULT_API_VERSIONS: Readonly<Record<ApiFamily, string>> = {
  labPlans: "2023-06-07",
  labAccounts: "2018-10-15",
  labAccountsPreview: "2019-01-01-preview",
  compute: "2023-07-03",
};

/** Options shared by every client. */
export interface ClientOptions {
  /** Defaults to `DefaultAzureCredential`, loaded only when first needed. */
  credential?: TokenCredential;
  /** Which Azure cloud; sets the ARM endpoint and token audience. Default `AzurePublicCloud`. */
  cloud?: CloudName;
  /**
   * Overrides the cloud's ARM endpoint, e.g. the URL of the embedded emulator. Must be `https://`,
   * or `http://` on a loopback host (127.0.0.0/8, `::1`, `localhost`).
   */
  endpoint?: string;
  /** Retry policy for transient failures and throttling (429/503 honour `Retry-After`). */
  retryOptions?: PipelineRetryOptions;
  /** Override api-versions per resource-provider family. */
  apiVersions?: Partial<Record<ApiFamily, string>>;
  /**
   * Wait between polls of a long-running operation when the service sends no `Retry-After`
   * (the live service never does, rest-api.md G.1). Default 5000 ms.
   */
  pollIntervalInMs?: number;
  /**
   * Upper bound applied to any `Retry-After` the service sends (a hostile or broken value must not
   * stall a script for hours). Default 120000 ms.
   */
  maxRetryAfterInMs?: number;
  /** Prefix added before `azure-lab-gallery/<version>` in the User-Agent. */
  userAgentPrefix?: string;
}

export interface ResolvedClientOptions {
  credential: TokenCredential;
  endpoint: URL;
  scope: string;
  apiVersions: Record<ApiFamily, string>;
  retryOptions: PipelineRetryOptions;
  pollIntervalInMs: number;
  maxRetryAfterInMs: number;
  userAgentPrefix: string | undefined;
}

/** True for hosts that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const KNOWN_OPTIONS = new Set([
  "credential",
  "cloud",
  "endpoint",
  "retryOptions",
  "apiVersions",
  "pollIntervalInMs",
  "maxRetryAfterInMs",
  "userAgentPrefix",
]);

export function validateEndpoint(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError(`endpoint ${JSON.stringify(raw.slice(0, 100))} is not a URL.`, [{ path: "endpoint", message: "not a URL" }]);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    throw new ValidationError("endpoint must be an origin only (scheme, host, port), without path, query, fragment or user info.", [
      { path: "endpoint", message: "origin only" },
    ]);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ValidationError(
      `endpoint ${url.origin} uses plain http on a non-loopback host; bearer tokens are only sent over https (http is allowed for 127.0.0.1, ::1 and localhost, e.g. the emulator).`,
      [{ path: "endpoint", message: "https required" }],
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ValidationError(`endpoint must use https:// (got ${url.protocol}).`, [{ path: "endpoint", message: "https required" }]);
  }
  return url;
}

export function resolveClientOptions(options: ClientOptions = {}): ResolvedClientOptions {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("Client options must be an object.", [{ path: "options", message: "expected object" }]);
  }
  const unknown = Object.keys(options).filter((k) => !KNOWN_OPTIONS.has(k));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown client option(s): ${unknown.join(", ")}. Known options: ${[...KNOWN_OPTIONS].join(", ")}.`, [
      ...unknown.map((k) => ({ path: k, message: "unknown option" })),
    ]);
  }
  const cloudName = options.cloud ?? "AzurePublicCloud";
  const cloud = CLOUDS[cloudName];
  if (!cloud) {
    throw new ValidationError(`Unknown cloud ${JSON.stringify(cloudName)}; use one of ${Object.keys(CLOUDS).join(", ")}.`, [
      { path: "cloud", message: "unknown cloud" },
    ]);
  }
  const endpoint = validateEndpoint(options.endpoint ?? cloud.endpoint);
  const apiVersions = { ...DEFAULT_API_VERSIONS };
  for (const [family, version] of Object.entries(options.apiVersions ?? {})) {
    if (!(family in DEFAULT_API_VERSIONS)) {
      throw new ValidationError(`Unknown api family ${JSON.stringify(family)} in apiVersions; use ${Object.keys(DEFAULT_API_VERSIONS).join(", ")}.`, [
        { path: `apiVersions.${family}`, message: "unknown family" },
      ]);
    }
    if (typeof version !== "string" || !API_VERSION.test(version)) {
      throw new ValidationError(`apiVersions.${family} must look like 2023-06-07 or 2019-01-01-preview.`, [
        { path: `apiVersions.${family}`, message: "invalid api-version" },
      ]);
    }
    apiVersions[family as ApiFamily] = version;
  }
  const positive = (v: number | undefined, name: string, dflt: number) => {
    if (v === undefined) return dflt;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new ValidationError(`${name} must be a non-negative number of milliseconds.`, [{ path: name, message: "invalid" }]);
    }
    return v;
  };
  return {
    credential: options.credential ?? lazyDefaultCredential(),
    endpoint,
    scope: cloud.scope,
    apiVersions,
    retryOptions: options.retryOptions ?? {},
    pollIntervalInMs: positive(options.pollIntervalInMs, "pollIntervalInMs", 5000),
    maxRetryAfterInMs: positive(options.maxRetryAfterInMs, "maxRetryAfterInMs", 120_000),
    userAgentPrefix: options.userAgentPrefix,
  };
}
