// The benchmark needs a few pieces that the package does not export (the ARM transport and poller,
// and the emulator until it has its own entry). esbuild bundles them from `src/` into
// bench/.cache/internals.mjs, with every npm package left external, so the code measured is the
// same source the package ships, compiled the same way tsup compiles it (esbuild, target node20).
import { build } from "esbuild";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CACHE, ROOT } from "./util.mjs";

export const INTERNALS = join(CACHE, "internals.mjs");

/** What the current checkout provides; parts that need a missing piece report "pending". */
export function features() {
  const has = (p) => existsSync(join(ROOT, p));
  return {
    emulator: has("src/emulator/index.ts"),
    accountClient: has("src/clients/lab-account-client.ts"),
    templateClient: has("src/clients/template-client.ts"),
    labClient: has("src/clients/lab-client.ts"),
  };
}

export async function buildInternals() {
  mkdirSync(CACHE, { recursive: true });
  const f = features();
  const lines = [
    `export { ArmTransport } from "./src/core/transport.ts";`,
    `export { armOperationPoller, runArmOperation } from "./src/core/arm-poller.ts";`,
  ];
  if (f.emulator) lines.push(`export * as emulator from "./src/emulator/index.ts";`);
  await build({
    stdin: { contents: lines.join("\n"), resolveDir: ROOT, loader: "ts", sourcefile: "bench-internals.ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outfile: INTERNALS,
    logLevel: "error",
  });
  return { path: INTERNALS, features: f };
}
