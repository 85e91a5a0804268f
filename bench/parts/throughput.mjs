// (c) Per-request overhead: sequential GETs of a lab plan from a loopback HTTPS server in its own
// process. Four clients, each in its own process, run the same number of requests in interleaved
// rounds (random order per round); a ratio is computed inside each round, then the median is taken.
import { join } from "node:path";
import { BENCH_DIR, median, round, shuffled, startWorker } from "../lib/util.mjs";

const VARIANTS = ["ours", "ours-transport", "arm-labservices", "fetch", "node-https"];

export async function runThroughput(ctx) {
  const rounds = Number(process.env.BENCH_TP_ROUNDS ?? 16);
  const batch = Number(process.env.BENCH_TP_BATCH ?? 150);
  const childEnv = { NODE_EXTRA_CA_CERTS: ctx.cert.certPath, BENCH_SDK_ENTRY: ctx.sdkEntryUrl, BENCH_INTERNALS: ctx.internalsUrl };
  const server = startWorker(join(BENCH_DIR, "children/arm-server.mjs"), [ctx.cert.keyPath, ctx.cert.certPath]);
  const workers = {};
  try {
    const { port } = await server.ready;
    for (const v of VARIANTS) workers[v] = startWorker(join(BENCH_DIR, "children/get-client.mjs"), [v, String(port)], childEnv);
    const via = {};
    for (const v of VARIANTS) via[v] = (await workers[v].ready).via;
    const perRound = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    for (let r = 0; r < rounds; r++) {
      for (const v of shuffled(VARIANTS)) {
        const { ms, n } = await workers[v].call({ cmd: "run", n: batch });
        perRound[v].push((n * 1000) / ms);
      }
    }
    const rps = Object.fromEntries(VARIANTS.map((v) => [v, median(perRound[v])]));
    const ratio = (a, b) => median(perRound[a].map((x, i) => x / perRound[b][i]));
    const usPerReq = (v) => 1e6 / rps[v];
    const result = {
      requestsPerVariant: rounds * batch,
      rounds,
      batch,
      via,
      rps: Object.fromEntries(VARIANTS.map((v) => [v, round(rps[v], 0)])),
      overheadUsOverFloor: Object.fromEntries(VARIANTS.map((v) => [v, round(usPerReq(v) - usPerReq("node-https"), 0)])),
      ratios: {
        oursVsArmLabservices: round(ratio("ours", "arm-labservices"), 3),
        oursVsFetch: round(ratio("ours", "fetch"), 3),
        oursVsNodeHttps: round(ratio("ours", "node-https"), 3),
        oursTransportVsArmLabservices: round(ratio("ours-transport", "arm-labservices"), 3),
        oursTransportVsFetch: round(ratio("ours-transport", "fetch"), 3),
        armLabservicesVsNodeHttps: round(ratio("arm-labservices", "node-https"), 3),
        fetchVsNodeHttps: round(ratio("fetch", "node-https"), 3),
      },
    };
    const r = result.ratios;
    const rows = [
      {
        part: "c",
        what: `GET lab plan, ours (${via.ours}) vs @azure/arm-labservices`,
        value: `${result.rps.ours} vs ${result.rps["arm-labservices"]} req/s`,
        ratio: r.oursVsArmLabservices,
        target: "≥ 1.0",
        met: r.oursVsArmLabservices >= 1.0,
      },
      {
        part: "c",
        what: "GET lab plan, ours vs raw fetch",
        value: `${result.rps.ours} vs ${result.rps.fetch} req/s`,
        ratio: r.oursVsFetch,
        target: "≥ 0.9",
        met: r.oursVsFetch >= 0.9,
      },
      {
        part: "c",
        what: "GET lab plan, ours (ArmTransport.send, no client) vs arm-labservices / raw fetch",
        value: `${result.rps["ours-transport"]} req/s`,
        ratio: `${r.oursTransportVsArmLabservices} / ${r.oursTransportVsFetch}`,
        target: "info",
      },
      {
        part: "c",
        what: "GET lab plan, ours vs node:https (floor)",
        value: `${result.rps.ours} vs ${result.rps["node-https"]} req/s`,
        ratio: r.oursVsNodeHttps,
        target: "info",
      },
    ];
    return { result, rows };
  } finally {
    for (const w of Object.values(workers)) w.stop();
    server.stop();
  }
}
