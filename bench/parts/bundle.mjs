// (b) Bundle size: esbuild --bundle --minify --platform=node of a small consumer, gzip -9 of the
// output. The credential is passed in by the consumer, so `@azure/identity` is external for both
// (our SDK only loads it lazily when no credential is given; the anchors never import it).
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { round, ROOT } from "../lib/util.mjs";

async function bundle(contents, external = []) {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: "js", sourcefile: "consumer.mjs" },
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["@azure/identity", ...external],
    write: false,
    metafile: true,
    logLevel: "error",
  });
  const code = out.outputFiles[0].contents;
  const inputs = Object.entries(out.metafile.outputs[Object.keys(out.metafile.outputs)[0]].inputs);
  const byPackage = {};
  for (const [file, { bytesInOutput }] of inputs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file.replace(/.*node_modules\//, "node_modules/"));
    const key = m ? m[1] : file.startsWith("dist/") || file.includes("/dist/") ? "azure-lab-gallery" : file;
    byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
  }
  const top = Object.entries(byPackage)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, v]) => [k, v]);
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, topPackages: Object.fromEntries(top) };
}

export async function runBundle(ctx) {
  const allClients = ctx.has.accountClient && ctx.has.templateClient && ctx.has.labClient;
  const entry = JSON.stringify(ctx.sdkEntry);
  const oursSrc = allClients
    ? `import { LabAccountClient, TemplateClient, LabClient } from ${entry};
export function clients(credential, ids) {
  return [new LabAccountClient(ids.labPlan, { credential }), new TemplateClient(ids.lab, { credential }), new LabClient(ids.labPlan, { credential })];
}`
    : `import * as sdk from ${entry};\nexport default sdk;`;
  const anchorsSrc = `import { LabServicesClient } from "@azure/arm-labservices";
import { ComputeManagementClient } from "@azure/arm-compute";
export function clients(credential, subscriptionId) {
  return [new LabServicesClient(credential, subscriptionId), new ComputeManagementClient(credential, subscriptionId)];
}`;
  const ours = await bundle(oursSrc);
  const anchors = await bundle(anchorsSrc);
  // Diagnostics for the analysis: what zod costs, and what the shared Azure core costs alone.
  const oursWithoutZod = await bundle(oursSrc, ["zod"]);
  const coreOnly = await bundle(`import { ServiceClient } from "@azure/core-client";\nimport { createPipelineFromOptions } from "@azure/core-rest-pipeline";\nexport { ServiceClient, createPipelineFromOptions };`);
  const ratio = round(ours.gzipBytes / anchors.gzipBytes, 3);
  const kb = (b) => `${round(b / 1024, 1)} KiB`;
  const result = {
    consumer: allClients ? "three clients" : "pending clients: whole current entry",
    ours,
    anchors,
    diagnostics: { oursWithoutZodGzip: oursWithoutZod.gzipBytes, zodShareGzip: ours.gzipBytes - oursWithoutZod.gzipBytes, azureCoreAloneGzip: coreOnly.gzipBytes }, ratioGzip: ratio, ratioMin: round(ours.minBytes / anchors.minBytes, 3) };
  const rows = [
    {
      part: "b",
      what: `bundle gzip: ours (${allClients ? "3 clients" : "pending clients: current entry"}) vs LabServicesClient + ComputeManagementClient`,
      value: `${kb(ours.gzipBytes)} vs ${kb(anchors.gzipBytes)} (min ${kb(ours.minBytes)} vs ${kb(anchors.minBytes)})`,
      ratio,
      target: "≤ 0.5",
      met: ratio <= 0.5,
      ...(allClients ? {} : { status: "pending", note: "pending clients" }),
    },
  ];
  rows.push({
    part: "b",
    what: "bundle gzip diagnostics: ours without zod / zod's share / @azure/core-client + core-rest-pipeline alone",
    value: `${kb(oursWithoutZod.gzipBytes)} / ${kb(ours.gzipBytes - oursWithoutZod.gzipBytes)} / ${kb(coreOnly.gzipBytes)}`,
    ratio: round(oursWithoutZod.gzipBytes / anchors.gzipBytes, 3),
    target: "info",
  });
  return { result, rows };
}
