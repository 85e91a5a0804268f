/**
 * A loopback endpoint (the emulator) is reached directly even when HTTP(S)_PROXY is set: core's proxy
 * policy would otherwise send the plain-http request, bearer token included, to the proxy. Real
 * sockets, no msw: the proxy agent is exactly what msw would hide.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ArmTransport } from "../../src/core/transport.js";
import { TOKEN, fakeCredential } from "./harness.js";

const seen: { server: string; authorization: string | undefined }[] = [];
const servers: Server[] = [];
const saved = { ...process.env };

async function listen(name: string, status: number): Promise<string> {
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ server: name, authorization: req.headers.authorization });
    const code = req.url?.includes("/missing") ? 404 : status;
    res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(code === 404 ? { error: { code: "ResourceNotFound", message: "no" } } : { id: "x" }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let endpoint = "";
beforeAll(async () => {
  endpoint = await listen("emulator", 200);
  const proxy = await listen("proxy", 502);
  for (const k of ["NO_PROXY", "no_proxy"]) delete process.env[k];
  process.env["HTTP_PROXY"] = proxy;
  process.env["HTTPS_PROXY"] = proxy;
});
afterAll(async () => {
  process.env = saved;
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

it("a loopback http endpoint is reached directly, never through HTTP(S)_PROXY", async () => {
  const t = new ArmTransport({ endpoint, credential: fakeCredential(), retryOptions: { maxRetries: 0 } });
  const r = await t.send({ method: "GET", path: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg", api: "labPlans" });
  expect(r.status).toBe(200);
  expect(seen).toEqual([{ server: "emulator", authorization: `Bearer ${TOKEN}` }]);
});

it("an error answer's cause holds no agent whose sockets keep the signed request head", async () => {
  const t = new ArmTransport({ endpoint, credential: fakeCredential(), retryOptions: { maxRetries: 0 } });
  const err = await t.send({ method: "GET", path: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.LabServices/labs/missing", api: "labPlans" }).catch((e: unknown) => e);
  expect(err).toBeDefined();
  const cause = (err as Error).cause as { request?: Record<string, unknown>; response?: { request?: Record<string, unknown> } };
  for (const req of [cause.request, cause.response?.request]) {
    expect(req?.["agent"]).toBeUndefined();
    expect(inspect(req, { depth: 20, showHidden: true })).not.toContain(TOKEN);
  }
});
