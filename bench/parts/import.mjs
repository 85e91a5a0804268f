// (a) Cold import: a fresh Node process per sample; the child times its own import (ESM `await
// import()` or CJS `require()`) with performance.now() and prints it; the wall time of the whole
// process is recorded too. Samples are interleaved (one of every variant per round, random order)
// so drift on a shared machine hits all variants alike. One discarded warm-up round fills the OS
// file cache.
import { join } from "node:path";
import { median, quantile, round, ROOT, runNode, shuffled } from "../lib/util.mjs";

function esm(specs) {
  const body = specs.map((s) => `await import(${JSON.stringify(s)});`).join("");
  return ["--input-type=module", "-e", `const t0=performance.now();${body}const t1=performance.now();console.log(JSON.stringify({ms:t1-t0}));`];
}
function cjs(specs) {
  const body = specs.map((s) => `require(${JSON.stringify(s)});`).join("");
  return ["-e", `const t0=performance.now();${body}const t1=performance.now();console.log(JSON.stringify({ms:t1-t0}));`];
}

export async function runImport(ctx) {
  const samples = Math.max(15, Number(process.env.BENCH_IMPORT_SAMPLES ?? 15));
  const ours = ctx.sdkEntryUrl;
  const oursCjs = join(ROOT, "dist/index.cjs");
  const variants = {
    "ours-esm": esm([ours]),
    "ours-cjs": cjs([oursCjs]),
    "anchors-esm": esm(["@azure/arm-labservices", "@azure/arm-compute"]),
    "anchors-cjs": cjs(["@azure/arm-labservices", "@azure/arm-compute"]),
    "core-client-esm": esm(["@azure/core-client"]),
    "core-client-cjs": cjs(["@azure/core-client"]),
    "node-empty": esm([]),
  };
  const names = Object.keys(variants);
  const ms = Object.fromEntries(names.map((n) => [n, []]));
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  for (let round_ = -1; round_ < samples; round_++) {
    for (const name of shuffled(names)) {
      const t0 = performance.now();
      const r = await runNode(variants[name]);
      const t1 = performance.now();
      if (r.code !== 0) throw new Error(`import sample ${name} failed: ${r.stderr.slice(0, 400)}`);
      if (round_ < 0) continue;
      ms[name].push(JSON.parse(r.stdout.trim().split("\n").pop()).ms);
      wall[name].push(t1 - t0);
    }
  }
  const med = (n) => median(ms[n]);
  const result = {
    samples,
    medianMs: Object.fromEntries(names.map((n) => [n, round(med(n), 1)])),
    p90Ms: Object.fromEntries(names.map((n) => [n, round(quantile(ms[n], 0.9), 1)])),
    medianProcessWallMs: Object.fromEntries(names.map((n) => [n, round(median(wall[n]), 1)])),
    ratios: {
      oursEsmVsAnchorsEsm: round(med("ours-esm") / med("anchors-esm"), 3),
      oursCjsVsAnchorsCjs: round(med("ours-cjs") / med("anchors-cjs"), 3),
      oursEsmVsCoreClientEsm: round(med("ours-esm") / med("core-client-esm"), 3),
      oursCjsVsCoreClientCjs: round(med("ours-cjs") / med("core-client-cjs"), 3),
    },
  };
  const f = (n) => `${round(med(n), 1)} ms`;
  const rows = [
    {
      part: "a",
      what: "cold import ESM: ours vs arm-labservices + arm-compute",
      value: `${f("ours-esm")} vs ${f("anchors-esm")}`,
      ratio: result.ratios.oursEsmVsAnchorsEsm,
      target: "≤ 1.0",
      met: result.ratios.oursEsmVsAnchorsEsm <= 1.0,
    },
    {
      part: "a",
      what: "cold import CJS: ours vs arm-labservices + arm-compute",
      value: `${f("ours-cjs")} vs ${f("anchors-cjs")}`,
      ratio: result.ratios.oursCjsVsAnchorsCjs,
      target: "≤ 1.0",
      met: result.ratios.oursCjsVsAnchorsCjs <= 1.0,
    },
    {
      part: "a",
      what: "cold import ESM: ours vs @azure/core-client alone (floor)",
      value: `${f("ours-esm")} vs ${f("core-client-esm")}`,
      ratio: result.ratios.oursEsmVsCoreClientEsm,
      target: "info",
    },
  ];
  if (!ctx.has.accountClient || !ctx.has.templateClient || !ctx.has.labClient) {
    for (const r of rows.slice(0, 2)) r.what += " (pending clients: current entry)";
  }
  return { result, rows };
}
