/**
 * Shared pieces of the reliability suite (issue 10): seeded randomness, sentinel secrets, a log
 * capture, an msw server that counts every request on every host, a deep leak scanner, and the
 * figures each test prints.
 */
import { inspect } from "node:util";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

// ---- seeded randomness -------------------------------------------------------------------------

/** `RELIABILITY_SEED` replays a run; otherwise a fresh seed, always printed. */
export function suiteSeed(): number {
  const raw = process.env["RELIABILITY_SEED"];
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new Error(`RELIABILITY_SEED must be an integer, got ${raw}`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** `RELIABILITY_RUNS` scales the randomized counts up (or down) for local runs. */
export function runsOr(defaultRuns: number): number {
  const raw = process.env["RELIABILITY_RUNS"];
  if (raw === undefined || raw === "") return defaultRuns;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`RELIABILITY_RUNS must be a positive integer, got ${raw}`);
  return n;
}

/** mulberry32: small, fast, good enough for choosing faults; the same seed gives the same run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    chance: (p: number) => next() < p,
  };
}
export type Prng = ReturnType<typeof prng>;

// ---- sentinels ---------------------------------------------------------------------------------

/** Never legitimately printed anywhere: finding either in any output is a leak. */
export const SENTINEL_TOKEN = "SENTINEL-TOKEN-q7Zx3v9Kp2";
/** Meets Azure's password rules (3 classes, 8+ chars, not on the disallowed list). */
export const SENTINEL_PASSWORD = "Sentinel-Pw-4mRw8tYc!";
export const SENTINELS = [SENTINEL_TOKEN, SENTINEL_PASSWORD] as const;

/** A TokenCredential that hands out the sentinel token and counts calls. */
export function sentinelCredential(): TokenCredential & { calls: number } {
  const c = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      c.calls++;
      return { token: SENTINEL_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000, tokenType: "Bearer" };
    },
  };
  return c;
}

/**
 * Deep text of anything: util.inspect with unlimited depth walks `cause` chains, `errors` of
 * AggregateErrors, own enumerable and symbol properties, and non-enumerable `stack`/`message`.
 * Also JSON (reaches getters-free plain data) and String(). A secret in any of these is a leak.
 */
export function deepText(x: unknown): string {
  const parts: string[] = [];
  parts.push(inspect(x, { depth: Infinity, showHidden: true, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity }));
  try {
    parts.push(JSON.stringify(x) ?? "");
  } catch {
    /* circular: inspect covered it */
  }
  let c: unknown = x;
  for (let i = 0; i < 20 && c instanceof Error; i++) {
    parts.push(String(c), c.stack ?? "", c.message);
    c = (c as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}

/** The sentinels found in `text` (empty when clean). Also checks base64/URL-encoded forms. */
export function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const s of SENTINELS) {
    const forms = [s, encodeURIComponent(s), Buffer.from(s).toString("base64"), Buffer.from(s).toString("base64url"), JSON.stringify(s).slice(1, -1)];
    if (forms.some((f) => text.includes(f))) found.push(s);
  }
  return found;
}

// ---- log capture -------------------------------------------------------------------------------

/** Captures every @azure/logger line at `verbose` (what AZURE_LOG_LEVEL=verbose gives a user). */
export function captureAzureLogs(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const prevLog = AzureLogger.log;
  const prevLevel: AzureLogLevel | undefined = getLogLevel();
  setLogLevel("verbose");
  AzureLogger.log = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: Infinity }))).join(" "));
  };
  return {
    lines,
    restore() {
      AzureLogger.log = prevLog;
      // setLogLevel(undefined) is not allowed; "warning" is the quiet level the other suites expect.
      setLogLevel(prevLevel ?? "warning");
    },
  };
}

// ---- msw with a request counter over every host -----------------------------------------------

export interface SeenRequest {
  method: string;
  url: string;
  host: string;
  authorization: string | null;
  body: Promise<string>;
}

/**
 * An msw server that errors on any unhandled request and records every request that reaches the
 * interceptor, whatever its host, before any handler runs: the "requests sent" count of the suite.
 */
export function countingServer(): { server: ReturnType<typeof setupServer>; seen: SeenRequest[] } {
  const server = setupServer();
  const seen: SeenRequest[] = [];
  server.events.on("request:start", ({ request }) => {
    const u = new URL(request.url);
    seen.push({ method: request.method, url: request.url, host: u.host, authorization: request.headers.get("authorization"), body: request.clone().text().catch(() => "") });
  });
  return { server, seen };
}

/** A handler that answers everything on `origin` with what `respond` returns. */
export function fixedHandler(origin: string, respond: (req: Request) => Response | Promise<Response>) {
  return http.all(`${origin}/*`, ({ request }) => respond(request));
}
export { http, HttpResponse };

// ---- figures -----------------------------------------------------------------------------------

/** One line of figures per test, easy to grep from CI logs (`RELIABILITY …`). */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(`RELIABILITY ${name} ${JSON.stringify(figures)}`);
}

/** Client options for fast, bounded runs against an in-process emulator. */
export const FAST = {
  pollIntervalInMs: 1,
  retryOptions: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
  maxRetryAfterInMs: 5,
} as const;
