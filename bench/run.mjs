// `npm run bench`: every measurement of issue 9, side by side in one run on this machine.
// Prints a table of ratios and writes bench/results.json. Absolute numbers vary on a shared
// machine; the ratios, measured in the same run, are what count.
//
//   BENCH_ONLY=a,c,d   run only some parts      BENCH_QUICK=1   fewer samples (smoke test)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { makeCertificate } from "./lib/cert.mjs";
import { buildInternals, features } from "./lib/internals.mjs";
import { BENCH_DIR, CACHE, ROOT } from "./lib/util.mjs";
import { runImport } from "./parts/import.mjs";
import { runBundle } from "./parts/bundle.mjs";
import { runThroughput } from "./parts/throughput.mjs";
import { runLro } from "./parts/lro.mjs";
import { runEmulatorParts } from "./parts/emulator.mjs";

if (process.env.BENCH_QUICK) {
  process.env.BENCH_IMPORT_SAMPLES ??= "5";
  process.env.BENCH_TP_ROUNDS ??= "2";
  process.env.BENCH_TP_BATCH ??= "100";
  process.env.BENCH_LRO_REPS ??= "1";
}
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : undefined;
const want = (p) => !only || only.has(p);

const started = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...a);

const sdkEntry = join(ROOT, "dist/index.js");
const sdk = await import(pathToFileURL(sdkEntry).href);
const has = {
  ...features(),
  accountClient: typeof sdk.LabAccountClient === "function",
  templateClient: typeof sdk.TemplateClient === "function",
  labClient: typeof sdk.LabClient === "function",
};
const { path: internals } = await buildInternals();
const cert = makeCertificate(join(CACHE, "tls"));
const ctx = {
  has,
  cert,
  sdkEntry,
  sdkEntryUrl: pathToFileURL(sdkEntry).href,
  internals,
  internalsUrl: pathToFileURL(internals).href,
  log,
};

const machine = {
  date: new Date().toISOString(),
  nproc: Number(execFileSync("nproc").toString().trim()),
  cpu: cpus()[0]?.model,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  certificate: cert.how,
  anchors: {
    "@azure/arm-labservices": pkgVersion("@azure/arm-labservices"),
    "@azure/arm-compute": pkgVersion("@azure/arm-compute"),
    "@azure/core-client": pkgVersion("@azure/core-client"),
  },
  features: has,
};

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

const results = {};
const rows = [];
const parts = [
  ["a", "cold import", () => runImport(ctx)],
  ["b", "bundle size", () => runBundle(ctx)],
  ["c", "per-request overhead", () => runThroughput(ctx)],
  ["d", "LRO latency", () => runLro(ctx)],
  ["efg", "emulator workflows", () => runEmulatorParts(ctx, { want })],
];
for (const [key, name, fn] of parts) {
  if (key === "efg" ? !["e", "f", "g"].some(want) : !want(key)) continue;
  log(`(${key}) ${name}…`);
  const t0 = Date.now();
  try {
    const out = await fn();
    Object.assign(results, key === "efg" ? out.result : { [key]: out.result });
    rows.push(...out.rows);
  } catch (e) {
    log(`(${key}) failed: ${e?.stack ?? e}`);
    results[key] = { error: String(e?.message ?? e) };
    rows.push({ part: key, what: name, status: "error", note: String(e?.message ?? e).slice(0, 120) });
    process.exitCode = 1;
  }
  log(`(${key}) done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const elapsedS = Math.round((Date.now() - started) / 1000);
const table = formatTable(rows);
console.log(`\nazure-lab-gallery benchmarks — ${machine.date}, ${machine.nproc} cores, node ${machine.node}, ${elapsedS} s\n`);
console.log(table);
writeFileSync(join(BENCH_DIR, "results.json"), JSON.stringify({ machine, elapsedS, rows, results }, null, 2) + "\n");
log(`wrote bench/results.json`);

function formatTable(rs) {
  const head = ["part", "measurement", "value", "ratio", "target", "met"];
  const cells = rs.map((r) => [
    r.part,
    r.what,
    r.value ?? r.note ?? "",
    r.ratio === undefined ? "" : String(r.ratio),
    r.target ?? "",
    r.status === "pending" ? "pending" : r.status === "error" ? "ERROR" : r.met === undefined ? "" : r.met ? "yes" : "NO",
  ]);
  const esc = (s) => String(s).replace(/\|/g, "\\|");
  return [head, head.map(() => "---"), ...cells].map((c) => `| ${c.map(esc).join(" | ")} |`).join("\n");
}
