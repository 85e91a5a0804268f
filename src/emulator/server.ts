/**
 * `node:http` / `node:https` adapter (127.0.0.1, `port: 0` picks a free port; `tls` serves HTTPS like Azurite).
 */
import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { readFileSync } from "node:fs";
import { createEmulator } from "./handler.js";
import type { Emulator, EmulatorOptions } from "./handler.js";


export interface StartEmulatorOptions extends EmulatorOptions {
  port?: number;
  host?: string;
  /** PEM strings or paths of PEM files. */
  tls?: { cert: string; key: string };
}

export interface RunningEmulator extends Emulator {
  url: string;
  close(): Promise<void>;
}

const pem = (v: string) => (v.includes("-----BEGIN") ? v : readFileSync(v, "utf8"));

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else headers.set(k, v);
  }
  const method = (req.method ?? "GET").toUpperCase();
  const body = chunks.length > 0 && method !== "GET" && method !== "HEAD" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", origin), { method, headers, ...(body ? { body } : {}) });
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const scheme = options.tls ? "https" : "http";
  let origin = "";
  const sockets = new Set<Socket>();
  // Links use the origin of each request, which this adapter builds from the listening address.
  const emulator = createEmulator(options);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      try {
        const response = await emulator.handle(await toRequest(req, origin));
        if (response.type === "error") {
          // fault `drop`: end the connection without an answer.
          req.socket.destroy();
          return;
        }
        const headers: Record<string, string> = {};
        response.headers.forEach((v, k) => (headers[k] = v));
        res.writeHead(response.status, headers);
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (e) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: `Emulator error: ${(e as Error).message}` } }));
      }
    })();
  };
  const server: Server = options.tls ? createHttpsServer({ cert: pem(options.tls.cert), key: pem(options.tls.key) }, listener) : createHttpServer(listener);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  origin = `${scheme}://${shownHost}:${port}`;
  const running: RunningEmulator = Object.assign(emulator, {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return running;
}
