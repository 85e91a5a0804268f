/**
 * Fault injection and ARM-like write throttling.
 * - Rules match on method and path (string: case-insensitive substring of the path; RegExp: tested on the path)
 *   and fire `times` times (default: every time until removed).
 * - The write limit is a token bucket (rest-api.md D.2: ARM moved to token buckets in 2024; numbers configurable),
 *   refilled in emulator time; an empty bucket answers 429 with `Retry-After` in seconds.
 */
export type FaultMatch = { method?: string; path?: string | RegExp; times?: number };
type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type ToNumber<S> = S extends `${infer N extends number}` ? N : never;
/** Any HTTP error status, 400–599: what a `status` fault may inject. */
export type HttpErrorStatus = ToNumber<`${4 | 5}${Digit}${Digit}`>;
export type FaultRule = FaultMatch &
  (
    | {
        kind: "status";
        /** Any 4xx/5xx. Without `code`/`message` the body carries the code ARM uses for that status (see `injectedError`). */
        status: HttpErrorStatus;
        /** Sent as `Retry-After` (seconds) when set, whatever the status (ARM sends it on 429 and 503). */
        retryAfterSeconds?: number;
        code?: string;
        message?: string;
      }
    | { kind: "drop"; /** drop the connection after the request was processed (its change is kept) */ afterProcessing?: boolean }
    | { kind: "latency"; ms: number }
    | { kind: "lroFail"; code: string; message: string }
  );

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class Faults {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): () => void {
    if (rule.kind === "status") {
      const st: number = rule.status;
      if (!Number.isInteger(st) || st < 400 || st > 599) throw new RangeError(`A status fault needs an HTTP error status (400-599), got ${String(st)}`);
    }
    const active: ActiveRule = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** Takes (and counts) every rule matching this request, at most one per kind. */
  take(method: string, path: string): FaultRule[] {
    const out: FaultRule[] = [];
    const kinds = new Set<string>();
    for (const r of this.rules) {
      if (r.remaining <= 0 || kinds.has(r.rule.kind) || !matches(r.rule, method, path)) continue;
      r.remaining -= 1;
      kinds.add(r.rule.kind);
      out.push(r.rule);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return out;
  }
}

function matches(rule: FaultMatch, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === "string") return path.toLowerCase().includes(rule.path.toLowerCase());
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}

export interface WriteLimit {
  capacity: number;
  refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly limit: WriteLimit,
    now: number,
  ) {
    if (!(limit.capacity >= 1) || !(limit.refillPerSecond > 0)) throw new RangeError("writeLimit needs capacity >= 1 and refillPerSecond > 0");
    this.tokens = limit.capacity;
    this.last = now;
  }
  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.limit.capacity, this.tokens + ((now - this.last) / 1000) * this.limit.refillPerSecond);
      this.last = now;
    }
  }
  /** Takes one token; returns the seconds to wait when none is left. */
  take(now: number): { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number } {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.limit.refillPerSecond)) };
  }
}

/** ARM's error code for an HTTP status (RPC "Error Response Content"; codes as ARM and RPs send them). */
const ARM_CODES: Record<number, string> = {
  400: "BadRequest",
  401: "AuthenticationFailed",
  403: "AuthorizationFailed",
  404: "ResourceNotFound",
  405: "MethodNotAllowed",
  408: "RequestTimeout",
  409: "Conflict",
  412: "PreconditionFailed",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  429: "TooManyRequests",
  500: "InternalServerError",
  501: "NotImplemented",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/** HTTP reason phrases for the statuses ARM_CODES lacks, turned into PascalCase codes (e.g. 410 → "Gone"). */
const REASONS: Record<number, string> = {
  402: "Payment Required", 406: "Not Acceptable", 407: "Proxy Authentication Required", 410: "Gone", 411: "Length Required",
  414: "URI Too Long", 416: "Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a Teapot", 421: "Misdirected Request",
  422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required",
  428: "Precondition Required", 431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
  505: "HTTP Version Not Supported", 506: "Variant Also Negotiates", 507: "Insufficient Storage", 508: "Loop Detected",
  510: "Not Extended", 511: "Network Authentication Required",
};

function pascal(phrase: string): string {
  return phrase
    .replace(/[^A-Za-z0-9 ]/g, "")
    .split(" ")
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1).toLowerCase())
    .join("");
}

/** `{type, name, resourceGroup, scope}` read from an ARM path, for messages. */
function describePath(path: string): { ns?: string; types: string[]; names: string[]; resourceGroup?: string; scope: string } {
  const seg = path.split("/").filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const rgAt = seg.findIndex((s) => s.toLowerCase() === "resourcegroups");
  const pAt = seg.findIndex((s) => s.toLowerCase() === "providers");
  const rest = pAt >= 0 ? seg.slice(pAt + 2) : [];
  return {
    ...(pAt >= 0 && seg[pAt + 1] ? { ns: seg[pAt + 1] } : {}),
    types: rest.filter((_, i) => i % 2 === 0),
    names: rest.filter((_, i) => i % 2 === 1),
    ...(rgAt >= 0 && seg[rgAt + 1] ? { resourceGroup: seg[rgAt + 1] } : {}),
    scope: `/${seg.join("/")}`,
  };
}

/**
 * The error body an injected `status` fault answers with when the rule names no `code`/`message`: the code
 * ARM gives that status and a message in ARM's wording (401/403/404/429 quote ARM's real messages; the rest
 * are plausible generic texts — assumption, docs/emulator.md). Any other status gets its reason phrase in
 * PascalCase as the code.
 */
export function injectedError(status: number, method: string, path: string, rule?: { code?: string; message?: string }): { code: string; message: string } {
  const p = describePath(path);
  const verb = method.toUpperCase();
  const action = p.ns ? `${p.ns}/${p.types.join("/")}/${verb === "GET" ? "read" : verb === "DELETE" ? "delete" : verb === "POST" ? "action" : "write"}` : `${verb} ${p.scope}`;
  const code = ARM_CODES[status] ?? pascal(REASONS[status] ?? (status >= 500 ? "Internal Server Error" : "Bad Request"));
  let message: string;
  switch (status) {
    case 400:
      message = "The request is invalid.";
      break;
    case 401:
      message = "Authentication failed. The access token is not valid.";
      break;
    case 403:
      message = `The client 'emulator-user@example.com' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action '${action}' over scope '${p.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;
      break;
    case 404:
      message =
        p.ns && p.names.length > 0 && p.resourceGroup
          ? `The Resource '${p.ns}/${p.types.slice(0, p.names.length).join("/")}/${p.names.join("/")}' under resource group '${p.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
          : `The resource '${p.scope}' was not found.`;
      break;
    case 409:
      message = "The request conflicts with the current state of the resource. Retry when the operation in progress has finished.";
      break;
    case 429:
      message = "The request was throttled. Retry after the interval in the Retry-After header.";
      break;
    case 500:
      message = "The server encountered an internal error. Please retry the request.";
      break;
    case 503:
      message = "The service is temporarily unavailable. Please retry the request.";
      break;
    case 504:
      message = `The gateway did not receive a response from '${p.ns ?? "the resource provider"}' within the specified time period.`;
      break;
    default:
      message = `The request failed with HTTP status ${status} (${code}).`;
  }
  return { code: rule?.code ?? code, message: rule?.message ?? message };
}
