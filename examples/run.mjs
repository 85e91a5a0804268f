#!/usr/bin/env node
// Runs one of the TypeScript examples with Node 20, which cannot run .ts itself: compiles it with
// esbuild (a dev dependency) into .tmp/examples/ and runs the result. `azure-lab-gallery` resolves
// to this repository's built package (Node's package self-reference), so run `npm run build` first.
//
//   node examples/run.mjs attach-gallery | export-template | create-lab | bulk
/* global process, console */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const names = readdirSync(here).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
const name = (process.argv[2] ?? "").replace(/\.ts$/, "").replace(/^examples\//, "");
if (!names.includes(name)) {
  console.error(`usage: node examples/run.mjs <${names.join(" | ")}>`);
  process.exit(2);
}
if (!existsSync(join(repo, "dist/index.js"))) {
  console.error("The package is not built: run `npm run build` first.");
  process.exit(2);
}
const outfile = join(repo, ".tmp/examples", `${name}.mjs`);
await build({ entryPoints: [join(here, `${name}.ts`)], outfile, format: "esm", platform: "node", target: "node20", logLevel: "warning" });
const result = spawnSync(process.execPath, [outfile, ...process.argv.slice(3)], { stdio: "inherit" });
process.exit(result.status ?? 1);
