// Scripted loopback ARM server (its own process), HTTPS on 127.0.0.1 with the certificate given in
// argv. It answers two things:
//  - GET  …/labPlans/{plan}                → a lab plan body, as the live service shapes it (c).
//  - POST …/labPlans/{plan}/saveImage      → an export that completes after k status reads (d);
//    the plan name `lro-k{k}-ra{0|1|none}-{tag}` sets k and the Retry-After header. Every request of
//    an export is recorded with its arrival and answer time (epoch ms, sub-ms), and `{cmd:"log"}`
//    over IPC returns the records.
// It speaks IPC only with its parent (the benchmark): `{ ready: { port } }` first.
import { readFileSync } from "node:fs";
import https from "node:https";

const [keyPath, certPath] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();

const SUB = "00000000-0000-0000-0000-000000000001";
const labPlan = (rg, name) =>
  JSON.stringify({
    id: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.LabServices/labPlans/${name}`,
    name,
    type: "Microsoft.LabServices/labPlans",
    location: "westus",
    systemData: { createdBy: "identity123", createdByType: "User", createdAt: "2025-07-07T10:00:00Z", lastModifiedBy: "identity123", lastModifiedByType: "User", lastModifiedAt: "2025-07-07T10:00:00Z" },
    properties: {
      defaultConnectionProfile: { webSshAccess: "None", webRdpAccess: "None", clientSshAccess: "Public", clientRdpAccess: "Public" },
      defaultAutoShutdownProfile: { shutdownOnDisconnect: "Enabled", shutdownWhenNotConnected: "Enabled", shutdownOnIdle: "UserAbsence", disconnectDelay: "PT5M", noConnectDelay: "PT5M", idleDelay: "PT5M" },
      defaultNetworkProfile: { subnetId: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default` },
      allowedRegions: ["westus", "eastus"],
      sharedGalleryId: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/galleries/sig`,
      supportInfo: { url: "https://help.example.com", email: "help@example.com", phone: "+1-202-555-0123", instructions: "Contact IT" },
      provisioningState: "Succeeded",
    },
  });

const ops = new Map(); // id -> { k, ra, reads, completedAt, log: [] }
let nextOp = 1;
let reads = 0;

function send(res, status, body, headers = {}) {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-ms-request-id": `bench:${++reads}`,
    "x-ms-correlation-request-id": "00000000-0000-0000-0000-00000000c0de",
    ...headers,
  });
  res.end(text);
}

const server = https.createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath), keepAliveTimeout: 60_000 }, (req, res) => {
  const url = new URL(req.url, "https://127.0.0.1");
  const parts = url.pathname.split("/").filter(Boolean);
  const lower = parts.map((p) => p.toLowerCase());
  const at = now();
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    // GET lab plan
    const lp = lower.indexOf("labplans");
    if (req.method === "GET" && lp > 0 && parts.length === lp + 2) {
      const name = parts[lp + 1];
      if (!req.headers.authorization?.startsWith("Bearer ")) return send(res, 401, { error: { code: "AuthenticationFailed", message: "no token" } });
      return send(res, 200, labPlan(parts[3], name), { "x-ms-ratelimit-remaining-subscription-reads": "11999" });
    }
    // POST saveImage: starts an export
    if (req.method === "POST" && lp > 0 && lower[lp + 2] === "saveimage") {
      const m = /^lro-k(\d+)-ra(0|1|none)-/.exec(parts[lp + 1]);
      if (!m) return send(res, 404, { error: { code: "ResourceNotFound", message: "unknown plan" } });
      const id = `op${nextOp++}-${parts[lp + 1]}`;
      const op = { k: Number(m[1]), ra: m[2], reads: 0, completedAt: undefined, log: [] };
      ops.set(id, op);
      op.log.push({ kind: "start", method: "POST", at, sentAt: now(), status: 202 });
      const base = `https://${req.headers.host}/subscriptions/${SUB}/providers/Microsoft.LabServices/locations/westus/operationResults/${id}`;
      return send(
        res,
        202,
        { id: base, name: id, status: "InProgress", startTime: new Date().toISOString() },
        {
          location: `${base}?api-version=2022-08-01&monitor=true&t=1&c=sig-location`,
          "azure-asyncoperation": `${base}?api-version=2022-08-01&t=1&c=sig-async`,
          "operation-location": `${base}?api-version=2022-08-01`,
          ...(op.ra === "none" ? {} : { "retry-after": op.ra }),
        },
      );
    }
    // GET an operation result (status read or final read)
    const or = lower.indexOf("operationresults");
    if (req.method === "GET" && or > 0) {
      const id = parts[or + 1];
      const op = ops.get(id);
      if (!op) return send(res, 404, { error: { code: "ResourceNotFound", message: "unknown operation" } });
      const which = url.searchParams.get("monitor") === "true" ? "location" : url.searchParams.has("c") ? "azure-asyncoperation" : "operation-location";
      const done = op.completedAt !== undefined;
      if (!done) op.reads++;
      const succeeded = done || op.reads >= op.k;
      const base = { id: `/subscriptions/${SUB}/providers/Microsoft.LabServices/locations/westus/operationResults/${id}`, name: id, startTime: new Date().toISOString() };
      const payload = succeeded ? { ...base, status: "Succeeded", endTime: new Date().toISOString() } : { ...base, status: "InProgress" };
      const headers = succeeded || op.ra === "none" ? {} : { "retry-after": op.ra };
      send(res, 200, payload, headers);
      const sentAt = now();
      if (succeeded && !done) op.completedAt = sentAt;
      op.log.push({ kind: done ? "after-completion" : "status", url: which, method: "GET", at, sentAt, status: 200, reported: payload.status });
      return;
    }
    send(res, 404, { error: { code: "NotFound", message: `${req.method} ${url.pathname}` } });
  });
});

server.listen(0, "127.0.0.1", () => process.send({ ready: { port: server.address().port } }));

process.on("message", (m) => {
  if (m.cmd === "log") {
    const out = {};
    for (const [id, op] of ops) if (!m.prefix || id.includes(m.prefix)) out[id] = { k: op.k, ra: op.ra, completedAt: op.completedAt, log: op.log };
    process.send({ ops: out });
  } else if (m.cmd === "stop") {
    server.close();
    process.send({ stopped: true });
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
