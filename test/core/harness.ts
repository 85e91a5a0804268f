/**
 * Shared msw harness for the core tests: one server per file, a fake credential that counts token
 * requests, and a per-host request log so a test can prove another host never saw a request.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { ArmTransport } from "../../src/core/transport.js";
import type { ClientOptions } from "../../src/core/client-options.js";

export const ARM = "https://management.azure.com";
export const TOKEN = "secret-token-0123456789";
export const SUB = "00000000-0000-0000-0000-000000000001";
export const RG_PATH = `/subscriptions/${SUB}/resourceGroups/rg`;
export const LAB_PATH = `${RG_PATH}/providers/Microsoft.LabServices/labs/lab1`;
export const OP_BASE = `${ARM}/subscriptions/${SUB}/providers/Microsoft.LabServices/locations/westus/operationResults`;

export interface SeenRequest {
  method: string;
  url: string;
  host: string;
  authorization: string | null;
  userAgent: string | null;
}

export function fakeCredential(token = TOKEN): TokenCredential & { calls: number } {
  const cred = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      cred.calls++;
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  return cred;
}

/** Starts msw for the file; `seen` lists every request that reached the interceptor, handled or not. */
export function useMsw() {
  const server = setupServer();
  const seen: SeenRequest[] = [];
  beforeAll(() => {
    server.listen({ onUnhandledRequest: "error" });
    server.events.on("request:start", ({ request }) => {
      const u = new URL(request.url);
      seen.push({
        method: request.method,
        url: request.url,
        host: u.host,
        authorization: request.headers.get("authorization"),
        userAgent: request.headers.get("user-agent"),
      });
    });
  });
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());
  return {
    server,
    seen,
    count: (pred: (r: SeenRequest) => boolean) => seen.filter(pred).length,
    hosts: () => [...new Set(seen.map((r) => r.host))],
  };
}

export function transport(options: ClientOptions = {}): ArmTransport {
  return new ArmTransport({
    credential: fakeCredential(),
    retryOptions: { maxRetries: 0 },
    pollIntervalInMs: 0,
    ...options,
  });
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A declarative route table in the style of core-lro's `runLro({ routes })`: each `METHOD url`
 * answers its replies in order, repeating the last one. Returns per-route hit counters.
 * A key with a query matches only that exact URL (the §G.1 operation URLs share a path and differ
 * by their signed query, and must be followed verbatim); a key without one matches any query.
 * A request no route matches gets a 418, which fails the test that caused it.
 */
export function routeTable(server: ReturnType<typeof setupServer>, routes: Record<string, Reply[]>) {
  const hits: Record<string, number> = {};
  const byPath = new Map<string, { method: string; keys: string[] }>();
  for (const key of Object.keys(routes)) {
    const [method, url] = key.split(" ") as [string, string];
    const path = `${method} ${url.split("?")[0] as string}`;
    hits[key] = 0;
    const group = byPath.get(path) ?? { method, keys: [] };
    group.keys.push(key);
    byPath.set(path, group);
  }
  for (const [path, group] of byPath) {
    const handler = http[group.method.toLowerCase() as "get" | "put" | "post" | "delete" | "patch"];
    server.use(
      handler(path.slice(group.method.length + 1), ({ request }) => {
        const key =
          group.keys.find((k) => k.slice(group.method.length + 1) === request.url) ??
          group.keys.find((k) => !k.includes("?"));
        if (key === undefined) return HttpResponse.json({ error: { code: "NoRoute", message: request.url } }, { status: 418 });
        const replies = routes[key] as Reply[];
        const n = hits[key] ?? 0;
        hits[key] = n + 1;
        const r = replies[Math.min(n, replies.length - 1)] as Reply;
        return r.body === undefined
          ? new HttpResponse(null, { status: r.status, headers: r.headers ?? {} })
          : HttpResponse.json(r.body as never, { status: r.status, headers: r.headers ?? {} });
      }),
    );
  }
  return hits;
}
