// (d) LRO latency. A scripted loopback service (own process) answers POST saveImage with 202 and
// the three headers the live service sends (Location, Azure-AsyncOperation, Operation-Location,
// rest-api.md G.1), plus `Retry-After` 0, 1 or none; its k-th status read reports Succeeded.
// Measured per run, from the server's own log: requests by kind, status reads sent sooner than
// the Retry-After asked, and the delay from the Succeeded answer leaving the server to the
// client's promise resolving (both clocks are this machine's wall clock, sub-ms).
// Every (client, Retry-After) pair has its own client process; the pairs run concurrently (they
// spend nearly all their time sleeping), repetitions run one after another.
import { join } from "node:path";
import { BENCH_DIR, median, round, startWorker } from "../lib/util.mjs";

const VARIANTS = ["ours", "arm-labservices"];
const MODES = ["0", "1", "none"];

export async function runLro(ctx) {
  const k = Number(process.env.BENCH_LRO_K ?? 3);
  const reps = Number(process.env.BENCH_LRO_REPS ?? 3);
  const repsFor = (ra) => (ra === "none" ? 1 : reps); // no Retry-After: the clients' default waits (5 s / 2 s) make it slow; informational
  const childEnv = { NODE_EXTRA_CA_CERTS: ctx.cert.certPath, BENCH_INTERNALS: ctx.internalsUrl, BENCH_SDK_ENTRY: ctx.sdkEntryUrl };
  const server = startWorker(join(BENCH_DIR, "children/arm-server.mjs"), [ctx.cert.keyPath, ctx.cert.certPath]);
  const workers = [];
  try {
    const { port } = await server.ready;
    const pairs = [];
    for (const v of VARIANTS) for (const ra of MODES) pairs.push({ v, ra, w: startWorker(join(BENCH_DIR, "children/lro-client.mjs"), [v, String(port)], childEnv) });
    workers.push(...pairs.map((p) => p.w));
    const via = {};
    for (const p of pairs) via[p.v] = (await p.w.ready).via;
    const runs = [];
    // One unmeasured export per client process first: connection, TLS session and JIT warm.
    await Promise.all(pairs.map(({ v, ra, w }) => w.call({ cmd: "run", plan: `lro-k1-ra0-warm-${v}-${ra}` })));
    await Promise.all(
      pairs.map(async ({ v, ra, w }) => {
        for (let i = 0; i < repsFor(ra); i++) {
          const plan = `lro-k${k}-ra${ra}-${v}-r${i}`;
          const r = await w.call({ cmd: "run", plan });
          runs.push({ v, ra, plan, ...r });
        }
      }),
    );
    const { ops } = await server.call({ cmd: "log" });
    const perRun = runs.map((r) => {
      const [, op] = Object.entries(ops).find(([id]) => id.endsWith(`-${r.plan}`)) ?? [];
      if (!op) throw new Error(`no server log for ${r.plan}`);
      const count = (kind) => op.log.filter((e) => e.kind === kind).length;
      const reads = op.log.filter((e) => e.method === "GET");
      // A read is early when it arrives sooner after the previous answer than Retry-After asked.
      let early = 0;
      if (op.ra !== "none") {
        for (let i = 0; i < op.log.length - 1; i++) {
          const next = op.log[i + 1];
          if (op.log[i].kind !== "after-completion" && next.kind === "status" && next.at - op.log[i].sentAt < Number(op.ra) * 1000 - 5) early++;
        }
      }
      const post = op.log.find((e) => e.kind === "start");
      const asked = op.ra === "none" ? undefined : k * Number(op.ra) * 1000;
      return {
        variant: r.v,
        retryAfter: r.ra,
        requests: { post: count("start"), statusReads: count("status"), afterCompletion: count("after-completion"), total: op.log.length },
        earlyReads: early,
        readUrls: [...new Set(reads.map((e) => e.url))],
        readOffsetsMs: reads.map((e) => round(e.at - post.sentAt, 0)),
        completionToResolveMs: round(r.resolvedAt - op.completedAt, 1),
        postToCompletionMs: round(op.completedAt - post.sentAt, 0),
        waitBeyondAskedMs: asked === undefined ? undefined : round(op.completedAt - post.sentAt - asked, 0),
      };
    });
    const summary = {};
    for (const v of VARIANTS) {
      for (const ra of MODES) {
        const rs = perRun.filter((r) => r.variant === v && r.retryAfter === ra);
        summary[`${v}/ra=${ra}`] = {
          runs: rs.length,
          completionToResolveMsMedian: round(median(rs.map((r) => r.completionToResolveMs)), 1),
          postToCompletionMsMedian: round(median(rs.map((r) => r.postToCompletionMs)), 0),
          waitBeyondAskedMsMedian: ra === "none" ? undefined : round(median(rs.map((r) => r.waitBeyondAskedMs)), 0),
          requests: rs[0].requests,
          earlyReads: Math.max(...rs.map((r) => r.earlyReads)),
          readUrls: rs[0].readUrls,
        };
      }
    }
    const result = { k, via, minimumRequests: { post: 1, statusReads: k, afterCompletion: 0, total: 1 + k }, summary, runs: perRun };
    const rows = [];
    for (const ra of MODES) {
      const o = summary[`ours/ra=${ra}`];
      const a = summary[`arm-labservices/ra=${ra}`];
      const req = (s) => `${s.requests.post}+${s.requests.statusReads}+${s.requests.afterCompletion}`;
      const fast = ra !== "none";
      rows.push({
        part: "d",
        what: `LRO k=${k}, Retry-After ${ra === "none" ? "absent" : ra + " s"}: completion→resolve (ratio: POST→done), ours vs arm-labservices`,
        value: `${o.completionToResolveMsMedian} vs ${a.completionToResolveMsMedian} ms; POST→done ${o.postToCompletionMsMedian} vs ${a.postToCompletionMsMedian} ms`,
        ratio: round(o.postToCompletionMsMedian / a.postToCompletionMsMedian, 3),
        target: fast ? "≤ 50 ms" : "info",
        ...(fast ? { met: o.completionToResolveMsMedian <= 50 } : {}),
      });
      rows.push({
        part: "d",
        what: `LRO k=${k}, Retry-After ${ra === "none" ? "absent" : ra + " s"}: requests POST+reads+after-done (early reads), ours vs arm-labservices`,
        value: `${req(o)} (${o.earlyReads}) vs ${req(a)} (${a.earlyReads}); minimum 1+${k}+0`,
        target: `≤ ${k} reads, 0 early`,
        met: o.requests.statusReads <= k && o.earlyReads === 0,
      });
    }
    return { result, rows };
  } finally {
    for (const w of workers) w.stop();
    server.stop();
  }
}
