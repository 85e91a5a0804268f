// Scripted loopback ARM server (its own process), HTTPS on 127.0.0.1 with the certificate given in
// argv. Shapes follow rest-api.md G (live traffic) and the spec examples.
//  (c) GET …/labPlans/{plan}                → a lab plan body.
//  (d) POST …/labPlans/{plan}/saveImage      → 202 + Location, Azure-AsyncOperation and
//      Operation-Location (G.1); the k-th status read reports Succeeded. A plan named
//      `lro-k{k}-ra{0|1|none}-{tag}` sets k and the `Retry-After` header (none: no header, as live).
//      Around it, the reads an export chain makes: the lab `{plan}-lab`, its template VM list, the
//      gallery `{plan with _}` and, once the save succeeded, the image definition named like the
//      image, its version 1.0.0 (replicated) and the lab plan image.
// Every request that concerns an `lro-` plan is recorded with its arrival and answer times (epoch
// ms, sub-ms) and its kind: before the POST, the POST, a status read, or after completion.
// IPC with the parent only: `{ ready: { port } }` first, then `{cmd:"log"}` → `{ plans }`.
import { readFileSync } from "node:fs";
import https from "node:https";

const [keyPath, certPath] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();

const SUB = "00000000-0000-0000-0000-000000000001";
const LS = (rg) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.LabServices`;
const CP = (rg) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute`;
const galleryOf = (plan) => plan.replace(/-/g, "_");
const planOfGallery = (g) => g.replace(/_/g, "-");
const stamp = "2025-07-07T10:00:00Z";

const labPlan = (rg, name) => ({
  id: `${LS(rg)}/labPlans/${name}`,
  name,
  type: "Microsoft.LabServices/labPlans",
  location: "westus",
  systemData: { createdBy: "identity123", createdByType: "User", createdAt: stamp, lastModifiedBy: "identity123", lastModifiedByType: "User", lastModifiedAt: stamp },
  properties: {
    defaultConnectionProfile: { webSshAccess: "None", webRdpAccess: "None", clientSshAccess: "Public", clientRdpAccess: "Public" },
    defaultAutoShutdownProfile: { shutdownOnDisconnect: "Enabled", shutdownWhenNotConnected: "Enabled", shutdownOnIdle: "UserAbsence", disconnectDelay: "PT5M", noConnectDelay: "PT5M", idleDelay: "PT5M" },
    defaultNetworkProfile: { subnetId: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default` },
    allowedRegions: ["westus", "eastus"],
    sharedGalleryId: `${CP(rg)}/galleries/${galleryOf(name)}`,
    supportInfo: { url: "https://help.example.com", email: "help@example.com", phone: "+1-202-555-0123", instructions: "Contact IT" },
    provisioningState: "Succeeded",
  },
});

const plans = new Map(); // lro plan -> { k, ra, reads, completedAt, imageName, log: [] }
const ops = new Map(); // operation id -> plan name
let nextOp = 1;
let requestNo = 0;

function planState(name) {
  const m = /^lro-k(\d+)-ra(0|1|none)-/.exec(name ?? "");
  if (!m) return undefined;
  let p = plans.get(name);
  if (!p) plans.set(name, (p = { k: Number(m[1]), ra: m[2], reads: 0, started: false, completedAt: undefined, imageName: undefined, log: [] }));
  return p;
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-ms-request-id": `bench:${++requestNo}`,
    "x-ms-correlation-request-id": "00000000-0000-0000-0000-00000000c0de",
    ...headers,
  });
  res.end(text);
}
const notFound = (res, what) => send(res, 404, { error: { code: "ResourceNotFound", message: `The Resource '${what}' was not found.` } });

/** Routes one request; returns [status, body, headers, plan, kindOverride]. */
function route(req, url, parts) {
  const lower = parts.map((p) => p.toLowerCase());
  const rg = parts[3];
  const at = (word) => lower.indexOf(word);
  const method = req.method;
  // Lab Services
  const or = at("operationresults");
  if (method === "GET" && or > 0) {
    const id = parts[or + 1];
    const planName = ops.get(id);
    const p = planName && plans.get(planName);
    if (!p) return [404, { error: { code: "ResourceNotFound", message: "unknown operation" } }];
    const which = url.searchParams.get("monitor") === "true" ? "location" : url.searchParams.has("c") ? "azure-asyncoperation" : "operation-location";
    const done = p.completedAt !== undefined;
    if (!done) p.reads++;
    const succeeded = done || p.reads >= p.k;
    const base = { id: `/subscriptions/${SUB}/providers/Microsoft.LabServices/locations/westus/operationResults/${id}`, name: id, startTime: stamp };
    const body = succeeded ? { ...base, status: "Succeeded", endTime: new Date().toISOString() } : { ...base, status: "InProgress" };
    const headers = succeeded || p.ra === "none" ? {} : { "retry-after": p.ra };
    return [200, body, headers, planName, done ? "after-completion" : succeeded ? "status-succeeded" : "status", which];
  }
  const lp = at("labplans");
  if (lp > 0) {
    const name = parts[lp + 1];
    const p = planState(name);
    if (method === "POST" && lower[lp + 2] === "saveimage" && parts.length === lp + 3) {
      if (!p) return [404, { error: { code: "ResourceNotFound", message: "unknown plan" } }];
      const id = `op${nextOp++}`;
      ops.set(id, name);
      p.started = true;
      p.imageName = JSON.parse(req.body || "{}").name;
      const base = `https://${req.headers.host}/subscriptions/${SUB}/providers/Microsoft.LabServices/locations/westus/operationResults/${id}`;
      return [
        202,
        { id: base, name: id, status: "InProgress", startTime: new Date().toISOString() },
        {
          location: `${base}?api-version=2022-08-01&monitor=true&t=1&c=sig-location`,
          "azure-asyncoperation": `${base}?api-version=2022-08-01&t=1&c=sig-async`,
          "operation-location": `${base}?api-version=2022-08-01`,
          ...(p.ra === "none" ? {} : { "retry-after": p.ra }),
        },
        name,
        "start",
      ];
    }
    if (method === "GET" && parts.length === lp + 2) return [200, labPlan(rg, name), { "x-ms-ratelimit-remaining-subscription-reads": "11999" }, name];
    if (method === "GET" && lower[lp + 2] === "images" && parts.length === lp + 4) {
      const img = parts[lp + 3];
      if (!p?.completedAt || img !== p.imageName) return [404, { error: { code: "ResourceNotFound", message: `image ${img}` } }, {}, name];
      return [200, planImage(rg, name, img), {}, name];
    }
    if (method === "GET" && lower[lp + 2] === "images" && parts.length === lp + 3) {
      return [200, { value: p?.completedAt ? [planImage(rg, name, p.imageName)] : [] }, {}, name];
    }
  }
  const lb = at("labs");
  if (lb > 0 && method === "GET") {
    const lab = parts[lb + 1];
    const planName = lab.replace(/-lab$/, "");
    planState(planName);
    if (parts.length === lb + 2) {
      return [200, { id: `${LS(rg)}/labs/${lab}`, name: lab, type: "Microsoft.LabServices/labs", location: "westus", properties: { labPlanId: `${LS(rg)}/labPlans/${planName}`, title: lab, provisioningState: "Succeeded", state: "Draft" } }, {}, planName];
    }
    if (lower[lb + 2] === "virtualmachines" && parts.length === lb + 3) {
      return [200, { value: [{ id: `${LS(rg)}/labs/${lab}/virtualMachines/0`, name: "0", type: "Microsoft.LabServices/labs/virtualMachines", properties: { vmType: "Template", state: "Stopped", provisioningState: "Succeeded" } }] }, {}, planName];
    }
  }
  // Compute gallery
  const gl = at("galleries");
  if (gl > 0 && method === "GET") {
    const gal = parts[gl + 1];
    const planName = planOfGallery(gal);
    const p = planState(planName);
    const gid = `${CP(rg)}/galleries/${gal}`;
    if (parts.length === gl + 2) return [200, { id: gid, name: gal, type: "Microsoft.Compute/galleries", location: "westus", properties: { provisioningState: "Succeeded" } }, {}, planName];
    const img = parts[gl + 3];
    const exists = p?.completedAt !== undefined && img === p.imageName;
    const did = `${gid}/images/${img}`;
    if (parts.length === gl + 4) {
      if (!exists) return [404, { error: { code: "ResourceNotFound", message: `definition ${img}` } }, {}, planName];
      return [200, { id: did, name: img, type: "Microsoft.Compute/galleries/images", location: "westus", properties: { osType: "Windows", osState: "Specialized", hyperVGeneration: "V2", identifier: { publisher: "lab", offer: "lab", sku: img }, provisioningState: "Succeeded" } }, {}, planName];
    }
    if (lower[gl + 4] === "versions" && parts.length === gl + 5) {
      if (!exists) return [404, { error: { code: "ResourceNotFound", message: `definition ${img}` } }, {}, planName];
      return [200, { value: [{ id: `${did}/versions/1.0.0`, name: "1.0.0" }] }, {}, planName];
    }
    if (lower[gl + 4] === "versions" && parts.length === gl + 6) {
      if (!exists || parts[gl + 5] !== "1.0.0") return [404, { error: { code: "ResourceNotFound", message: "version" } }, {}, planName];
      return [
        200,
        {
          id: `${did}/versions/1.0.0`,
          name: "1.0.0",
          type: "Microsoft.Compute/galleries/images/versions",
          location: "westus",
          properties: {
            publishingProfile: { targetRegions: [{ name: "West US", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" }], replicaCount: 1 },
            provisioningState: "Succeeded",
            storageProfile: { source: { id: `${LS(rg)}/labs/${planName}-lab/virtualMachines/0` } },
            replicationStatus: { aggregatedState: "Completed", summary: [{ region: "West US", state: "Completed", details: "", progress: 100 }] },
          },
        },
        {},
        planName,
      ];
    }
  }
  return [404, { error: { code: "NotFound", message: `${method} ${url.pathname}` } }];
}

function planImage(rg, plan, img) {
  return {
    id: `${LS(rg)}/labPlans/${plan}/images/${img}`,
    name: img,
    type: "Microsoft.LabServices/labPlans/images",
    properties: { displayName: img, osType: "Windows", osState: "Specialized", enabledState: "Disabled", sharedGalleryId: `${CP(rg)}/galleries/${galleryOf(plan)}/images/${img}`, availableRegions: ["westus"], provisioningState: "Succeeded" },
  };
}

const server = https.createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath), keepAliveTimeout: 60_000 }, (req, res) => {
  const at = now();
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    req.body = body;
    const url = new URL(req.url, "https://127.0.0.1");
    const parts = url.pathname.split("/").filter(Boolean);
    if (!req.headers.authorization?.startsWith("Bearer ")) return send(res, 401, { error: { code: "AuthenticationFailed", message: "no token" } });
    const [status, payload, headers, planName, kind, which] = route(req, url, parts);
    if (status === 404 && !planName) return notFound(res, url.pathname);
    send(res, status, payload, headers);
    const p = planName && plans.get(planName);
    if (!p) return;
    const sentAt = now();
    let k = kind;
    if (k === "status-succeeded") {
      p.completedAt = sentAt;
      k = "status";
    }
    if (!k) k = p.completedAt !== undefined ? "after-completion" : p.started ? "status-other" : "before";
    p.log.push({ kind: k, method: req.method, path: url.pathname.replace(/^.*\/providers\//, ""), ...(which ? { url: which } : {}), status, at, sentAt });
  });
});

let connections = 0;
server.on("secureConnection", () => connections++);
server.listen(0, "127.0.0.1", () => process.send({ ready: { port: server.address().port } }));

process.on("message", (m) => {
  if (m.cmd === "connections") {
    process.send({ connections });
  } else if (m.cmd === "log") {
    const out = {};
    for (const [name, p] of plans) if (!m.prefix || name.startsWith(m.prefix)) out[name] = { k: p.k, ra: p.ra, completedAt: p.completedAt, log: p.log };
    process.send({ plans: out });
  }
});
process.on("disconnect", () => process.exit(0));
