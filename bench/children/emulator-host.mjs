// The in-memory ARM emulator (azure-lab-gallery/emulator, built to dist/) in its own process, served
// over plain HTTP on 127.0.0.1 (the SDK allows http on loopback only). `node emulator-host.mjs
// <options.json>`; options are the emulator's own (`seed`, `speed`, `writeLimit`, …) plus
// `wallRetryAfter`: the emulator's clock runs `speed` times faster than the wall clock and it
// states a throttled write's Retry-After in emulator seconds; with `wallRetryAfter` this adapter
// restates it in wall-clock seconds (what a live ARM would say for the same bucket in real time).
// IPC with the parent only: `{ ready: { port } }`, then `{cmd:"requests", from}` → entries after
// index `from`; `{cmd:"snapshot"}` → the state snapshot.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const opts = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { createEmulator } = await import(opts.entry);
const { wallRetryAfter, entry: _entry, ...emulatorOptions } = opts;
const emulator = createEmulator(emulatorOptions);
const speed = emulatorOptions.speed ?? 1;
const throttled = [];
const writes = []; // wall time of every write answer, for the bulk timeline
let origin = "";

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    try {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const method = (req.method ?? "GET").toUpperCase();
      const body = chunks.length > 0 && method !== "GET" ? Buffer.concat(chunks) : undefined;
      const response = await emulator.handle(new Request(new URL(req.url ?? "/", origin), { method, headers, ...(body ? { body } : {}) }));
      const out = {};
      response.headers.forEach((v, k) => (out[k] = v));
      if (response.status === 429) {
        const simSeconds = Number(out["retry-after"]);
        const wall = wallRetryAfter && Number.isFinite(simSeconds) ? Math.max(1, Math.ceil(simSeconds / speed)) : simSeconds;
        if (wallRetryAfter) out["retry-after"] = String(wall);
        throttled.push({ at: Date.now(), simSeconds, wallSeconds: wall });
      }
      if (method !== "GET") writes.push({ at: performance.timeOrigin + performance.now(), method, status: response.status });
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "InternalServerError", message: `bench adapter: ${e?.message ?? e}` } }));
    }
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, "127.0.0.1", () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  process.send({ ready: { url: origin, subscriptionId: emulator.subscriptionId } });
});

process.on("message", (m) => {
  if (m.cmd === "requests") {
    process.send({ requests: emulator.requests.slice(m.from ?? 0).map((r) => ({ method: r.method, url: r.url, path: r.path, status: r.status })), total: emulator.requests.length, throttled, writes });
  } else if (m.cmd === "snapshot") {
    process.send({ snapshot: emulator.state.snapshot() });
  }
});
process.on("disconnect", () => process.exit(0));
