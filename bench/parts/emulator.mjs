// (e) requests per workflow, (f) bulk create under the write limit, (g) peak RSS of 20 concurrent
// exports: all against the in-memory emulator (its own process, HTTP on loopback), driven by the
// three clients. Time in the emulator runs faster than the wall clock (`speed`); each part says
// how it accounts for that.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { countBy } from "../lib/request-kinds.mjs";
import { BENCH_DIR, CACHE, pending, ROOT, round, runNode, startWorker } from "../lib/util.mjs";

const credential = { getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3600_000 }) };
let hostNo = 0;

async function startHost(options) {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `emulator-${process.pid}-${++hostNo}.json`);
  writeFileSync(file, JSON.stringify({ entry: pathToFileURL(join(ROOT, "dist/emulator/index.js")).href, ...options }));
  const w = startWorker(join(BENCH_DIR, "children/emulator-host.mjs"), [file]);
  const info = await w.ready;
  return { ...w, ...info, requests: (from = 0) => w.call({ cmd: "requests", from }), snapshot: async () => (await w.call({ cmd: "snapshot" })).snapshot };
}

export function ids(sub) {
  const rg = `/subscriptions/${sub}/resourceGroups/labs-rg/providers`;
  return {
    plan: `${rg}/Microsoft.LabServices/labPlans/plan-westus2`,
    lab: `${rg}/Microsoft.LabServices/labs/biology-101`,
    gallery: `${rg}/Microsoft.Compute/galleries/labgallery`,
    image: "win11-base",
  };
}

export async function runEmulatorParts(ctx, { want }) {
  const missing = [
    !ctx.has.emulator && "emulator",
    !ctx.has.accountClient && "account-client",
    !ctx.has.templateClient && "template-client",
    !ctx.has.labClient && "lab-client",
  ].filter(Boolean);
  const rows = [];
  const result = {};
  if (missing.length > 0) {
    const needs = missing.join(", ");
    if (want("e")) rows.push(pending("e", "requests per workflow (attach+enable, export, create lab) vs protocol minimum", needs));
    if (want("f")) rows.push(pending("f", "bulk: 50 labs from one image under the emulator write limit", needs));
    if (want("g")) rows.push(pending("g", "peak RSS, 20 concurrent exports", needs));
    for (const p of ["e", "f", "g"]) if (want(p)) result[p] = { status: "pending", needs: missing };
    return { result, rows };
  }
  const sdk = await import(ctx.sdkEntryUrl);
  // (e) also prepares the state (f) and (g) start from: gallery attached, win11-base enabled.
  const e = await workflows(ctx, sdk);
  if (want("e")) {
    result.e = e.result;
    rows.push(...e.rows);
  }
  if (want("f")) {
    const f = await bulk(ctx, sdk, e.prepared);
    result.f = f.result;
    rows.push(...f.rows);
  }
  if (want("g")) {
    const g = await memory(ctx, e.prepared);
    result.g = g.result;
    rows.push(...g.rows);
  }
  return { result, rows };
}

// ---- (e) ------------------------------------------------------------------------------------------

// The fewest requests each scenario can be done in (docs/performance.md explains every one):
// `protocol` is what the REST protocol alone needs; `minimum` adds only the reads without which the
// call could not keep its documented promise (return the result, never overwrite or replace
// silently). Preflight checks come on top and are measured separately (default vs preflight: false).
const MINIMUM = {
  attachEnable: {
    protocol: { write: 2, poll: 1, read: 0 },
    minimum: { write: 2, poll: 1, read: 1 },
    why: "PATCH plan sharedGalleryId (LRO: 1 status read), PATCH image enabledState; + GET plan (attaching the same gallery is a no-op, another attached gallery is a conflict)",
  },
  export: {
    protocol: { write: 1, poll: 1, read: 0 },
    minimum: { write: 1, poll: 1, read: 4 },
    why: "POST saveImage (1 status read); + GET lab (its plan), GET plan (its gallery), then, since no image id is returned (G.2), GET versions[] of the definition (the new version) and GET plan image (the result)",
  },
  createLab: {
    protocol: { write: 1, poll: 1, read: 1 },
    minimum: { write: 1, poll: 1, read: 3 },
    why: "PUT lab (1 status read) and GET lab (the result, original-uri); + GET lab before (a PUT would silently update an existing lab), GET plan (the lab's region when none is given)",
  },
};
const sum = (m) => m.write + m.poll + m.read;

async function workflows(ctx, sdk) {
  // speed 100000: every simulated operation (≤ 11 min) is over within 7 ms, before the first
  // status read (clients poll after 50 ms here), so each LRO needs exactly one status read and
  // the counts do not depend on timing.
  const speed = 100_000;
  const host = await startHost({ seed: "demo", speed });
  const host2 = await startHost({ seed: "demo", speed });
  try {
    const id = ids(host.subscriptionId);
    const measure = async (h, name, fn) => {
      const from = (await h.requests()).total;
      const t0 = performance.now();
      const value = await fn({ credential, endpoint: h.url, pollIntervalInMs: 50 });
      const ms = performance.now() - t0;
      const { requests } = await h.requests(from);
      const failed = requests.filter((r) => r.status >= 400);
      return { name, value, ms: round(ms, 0), counts: countBy(requests), errors: failed.map((r) => `${r.status} ${r.method} ${r.path.replace(/^.*\/providers\//, "")}`) };
    };
    const attachEnable = (preflight) => async (opts) => {
      const account = new sdk.LabAccountClient(id.plan, opts);
      await account.attachGallery(id.gallery, preflight ? undefined : { preflight: false });
      const [image] = await account.setImageEnabled(id.image, true);
      return image;
    };
    const s1 = await measure(host, "attachEnable", attachEnable(true));
    const s1b = await measure(host2, "attachEnableNoPreflight", attachEnable(false));
    const prepared = await host.snapshot();
    const s2 = await measure(host, "export", (opts) => new sdk.TemplateClient(id.lab, opts).exportToGallery({ imageName: "biology-2026" }));
    const s2b = await measure(host, "exportNoPreflight", (opts) => new sdk.TemplateClient(id.lab, opts).exportToGallery({ imageName: "biology-2026b" }, { preflight: false }));
    const lab = (name) => ({
      name,
      image: s1.value,
      sku: "Classic_Fsv2_2_4GB_128_S_SSD",
      usageQuota: { hours: 10 },
      credentials: { kind: "new", adminUser: { username: "labadmin", password: "Bench-Passw0rd!" } },
    });
    const s3 = await measure(host, "createLab", (opts) => new sdk.LabClient(id.plan, opts).createFromGalleryImage(lab("biology-101-b")));
    const s3b = await measure(host, "createLabNoPreflight", (opts) => new sdk.LabClient(id.plan, opts).createFromGalleryImage(lab("biology-101-c"), { preflight: false }));
    const scenarios = [s1, s1b, s2, s2b, s3, s3b];
    const minimumOf = (n) => MINIMUM[n.replace(/NoPreflight$/, "")];
    const result = {
      speed,
      pollIntervalInMs: 50,
      minimum: MINIMUM,
      scenarios: Object.fromEntries(scenarios.map((s) => [s.name, { counts: s.counts, errors: s.errors, ms: s.ms }])),
    };
    const label = {
      attachEnable: "attach gallery + enable image",
      export: "export template image",
      createLab: "create lab from the image",
    };
    const rows = [];
    for (const [a, b] of [[s1, s1b], [s2, s2b], [s3, s3b]]) {
      const m = minimumOf(a.name);
      const f = (c) => `${c.total} (${c.write}/${c.poll}/${c.read})`;
      const min = sum(m.minimum);
      rows.push({
        part: "e",
        what: `requests, ${label[a.name]} (write/poll/read): preflight off / default vs minimum (protocol alone)`,
        value: `${f(b.counts)} / ${f(a.counts)} vs ${min} (${sum(m.protocol)})`,
        ratio: round(b.counts.total / min, 2),
        target: "at minimum (preflight off)",
        met: b.counts.write === m.minimum.write && b.counts.total <= min,
      });
    }
    return { result, rows, prepared };
  } finally {
    host.stop();
    host2.stop();
  }
}

// ---- (f) ------------------------------------------------------------------------------------------

async function bulk(ctx, sdk, prepared) {
  const N = Number(process.env.BENCH_BULK_LABS ?? 50);
  const capacity = 10;
  const perWallSecond = 5;
  // The emulator's clock runs 600× faster (a lab takes 653 s of emulator time: 1.09 s of wall time).
  // Its token bucket refills in emulator time, so it is configured at perWallSecond / speed per
  // emulator second, and the host restates throttling Retry-After in wall seconds.
  const speed = 600;
  const createWallS = 653 / speed;
  const definition = (i) => ({
    name: `bulk-${String(i).padStart(3, "0")}`,
    sku: "Classic_Fsv2_2_4GB_128_S_SSD",
    usageQuota: { hours: 10 },
    credentials: { kind: "new", adminUser: { username: "labadmin", password: "Bench-Passw0rd!" } },
  });
  const variants = [
    [
      "Promise.all(createFromGalleryImage)",
      async (id, clientOptions, image) => {
        const labs = new sdk.LabClient(id.plan, clientOptions);
        const settled = await Promise.allSettled(Array.from({ length: N }, (_, i) => labs.createFromGalleryImage({ ...definition(i), image })));
        return settled.filter((x) => x.status === "rejected").map((x) => String(x.reason?.message ?? x.reason));
      },
    ],
  ];
  if (typeof sdk.createLabsFromImage === "function") {
    for (const concurrency of [undefined, N]) {
      variants.push([
        `createLabsFromImage(${concurrency === undefined ? "default concurrency" : `concurrency ${concurrency}`})`,
        async (id, clientOptions, image) => {
          const report = await sdk.createLabsFromImage(id.plan, image, Array.from({ length: N }, (_, i) => definition(i)), {
            clientOptions,
            ...(concurrency === undefined ? {} : { concurrency }),
          });
          return report.items.filter((x) => x.status === "failed").map((x) => `${x.reason}: ${String(x.error?.message ?? "").slice(0, 150)}`);
        },
      ]);
    }
  }
  const result = { labs: N, writeLimit: { capacity, refillPerWallSecond: perWallSecond, emulatorSpeed: speed }, variants: {} };
  const rows = [];
  for (const [label, run] of variants) {
    const host = await startHost({ seed: prepared, speed, writeLimit: { capacity, refillPerSecond: perWallSecond / speed }, wallRetryAfter: true });
    try {
      const id = ids(host.subscriptionId);
      const clientOptions = { credential, endpoint: host.url, pollIntervalInMs: 250 };
      const image = await new sdk.LabAccountClient(id.plan, clientOptions).getImage(id.image);
      const from = (await host.requests()).total;
      const t0 = performance.now();
      const t0Epoch = performance.timeOrigin + t0;
      const failures = await run(id, clientOptions, image);
      const elapsedS = (performance.now() - t0) / 1000;
      const { requests, throttled, writes } = await host.requests(from);
      const okPuts = writes.filter((w) => w.method === "PUT" && w.status < 300).map((w) => (w.at - t0Epoch) / 1000);
      const counts = countBy(requests);
      const writesAccepted = okPuts.length;
      const throttledCount = requests.filter((r) => r.status === 429).length;
      const boundS = Math.max(0, (writesAccepted - capacity) / perWallSecond) + createWallS;
      const efficiency = boundS / elapsedS;
      result.variants[label] = {
        elapsedS: round(elapsedS, 2),
        boundS: round(boundS, 2),
        efficiency: round(efficiency, 3),
        failures: failures.length,
        failureMessages: [...new Set(failures.map((f) => f.slice(0, 200)))].slice(0, 5),
        writesAccepted,
        throttled: throttledCount,
        timeline: { firstWriteS: round(Math.min(...okPuts), 2), lastWriteS: round(Math.max(...okPuts), 2), writesBoundS: round(Math.max(0, (writesAccepted - capacity) / perWallSecond), 2) },
        retryAfterSeen: [...new Set(throttled.map((t) => t.wallSeconds))],
        counts,
      };
      rows.push({
        part: "f",
        what: `bulk: ${N} labs, write bucket ${capacity} + ${perWallSecond}/s, ${label}: elapsed vs bound (${throttledCount} × 429)`,
        value: `${round(elapsedS, 2)} s vs ${round(boundS, 2)} s; failures ${failures.length}`,
        ratio: round(efficiency, 3),
        target: "≥ 0.9, 0 failures",
        met: efficiency >= 0.9 && failures.length === 0,
      });
    } finally {
      host.stop();
    }
  }
  return { result, rows };
}

// ---- (g) ------------------------------------------------------------------------------------------

async function memory(ctx, prepared) {
  const speed = 600;
  const host = await startHost({ seed: prepared, speed });
  try {
    const args = (mode) => [join(BENCH_DIR, "children/memory-exports.mjs"), mode, host.url, host.subscriptionId, String(20)];
    const env = { BENCH_SDK_ENTRY: ctx.sdkEntryUrl };
    const base = await runNode(args("baseline"), { env });
    const run = await runNode(args("exports"), { env, timeoutMs: 120_000 });
    if (base.code !== 0 || run.code !== 0) throw new Error(`memory child failed: ${(base.stderr + run.stderr).slice(0, 400)}`);
    const b = JSON.parse(base.stdout.trim().split("\n").pop());
    const r = JSON.parse(run.stdout.trim().split("\n").pop());
    const result = { exports: 20, emulatorSpeed: speed, baseline: b, run: r };
    const rows = [
      {
        part: "g",
        what: "peak RSS: 20 concurrent exports (process) vs the same process after importing only",
        value: `${r.maxRssMiB} MiB vs ${b.maxRssMiB} MiB (+${round(r.maxRssMiB - b.maxRssMiB, 1)} MiB); ${r.ok}/20 ok in ${r.elapsedS} s`,
        ratio: round(r.maxRssMiB / b.maxRssMiB, 2),
        target: "info",
        met: r.ok === 20 ? undefined : false,
      },
    ];
    return { result, rows };
  } finally {
    host.stop();
  }
}
