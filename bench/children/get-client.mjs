// One throughput client (c) in its own process: `node get-client.mjs <variant> <port>`.
// Each `{ cmd: "run", n }` over IPC sends n sequential GETs of a lab plan and replies with the
// elapsed milliseconds. Every variant parses the JSON body; TLS is verified against the
// benchmark's own certificate (NODE_EXTRA_CA_CERTS set by the parent).
import https from "node:https";

const [variant, port] = process.argv.slice(2);
const origin = `https://127.0.0.1:${port}`;
const SUB = "00000000-0000-0000-0000-000000000001";
const RG = "bench-rg";
const PLAN = "bench-plan";
const PLAN_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.LabServices/labPlans/${PLAN}`;
const API = "2023-06-07";
const credential = { getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3600_000 }) };

async function makeGet() {
  switch (variant) {
    case "ours":
    case "ours-transport": {
      const sdk = await import(process.env.BENCH_SDK_ENTRY);
      if (typeof sdk.LabAccountClient === "function" && variant === "ours") {
        const client = new sdk.LabAccountClient(PLAN_ID, { credential, endpoint: origin });
        return { via: "LabAccountClient.getAccount", get: () => client.getAccount() };
      }
      const { ArmTransport } = await import(process.env.BENCH_INTERNALS);
      const t = new ArmTransport({ credential, endpoint: origin });
      return { via: "ArmTransport.send", get: () => t.send({ method: "GET", path: PLAN_ID, api: "labPlans" }) };
    }
    case "arm-labservices": {
      const { LabServicesClient } = await import("@azure/arm-labservices");
      const c = new LabServicesClient(credential, SUB, { endpoint: origin });
      return { via: "labPlans.get", get: () => c.labPlans.get(RG, PLAN) };
    }
    case "fetch": {
      const url = `${origin}${PLAN_ID}?api-version=${API}`;
      return {
        via: "fetch",
        get: async () => {
          const r = await fetch(url, { headers: { accept: "application/json", authorization: "Bearer bench-token" } });
          if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
          return r.json();
        },
      };
    }
    case "node-https": {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      const path = `${PLAN_ID}?api-version=${API}`;
      return {
        via: "https.request",
        get: () =>
          new Promise((resolve, reject) => {
            const req = https.request(
              { host: "127.0.0.1", port, path, method: "GET", agent, headers: { accept: "application/json", authorization: "Bearer bench-token" } },
              (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (d) => (text += d));
                res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`HTTP ${res.statusCode}`))));
              },
            );
            req.on("error", reject);
            req.end();
          }),
      };
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

try {
  const { via, get } = await makeGet();
  const sample = await get();
  const body = sample.body ?? (sample.kind === "labPlan" ? { name: sample.name } : sample);
  if (!JSON.stringify(body).includes(PLAN)) throw new Error(`unexpected body: ${JSON.stringify(body).slice(0, 200)}`);
  for (let i = 0; i < 200; i++) await get(); // warm-up: JIT, connection, token cache
  process.send({ ready: { via } });
  process.on("message", async (m) => {
    if (m.cmd !== "run") return;
    try {
      const t0 = performance.now();
      for (let i = 0; i < m.n; i++) await get();
      process.send({ ms: performance.now() - t0, n: m.n });
    } catch (e) {
      process.send({ error: String(e?.stack ?? e) });
    }
  });
  process.on("disconnect", () => process.exit(0));
} catch (e) {
  process.send({ error: String(e?.stack ?? e) });
  process.exit(1);
}
