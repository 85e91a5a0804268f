/**
 * Consumer smoke test: a fresh project outside the repo installs the packed tarball from the
 * registry's point of view (dependencies resolved by npm, nothing borrowed from the repo's
 * node_modules) and then (a) imports it from ESM, (b) requires it from CJS, (c) type-checks a
 * consumer under `moduleResolution` NodeNext (ESM and CJS files) and Bundler with
 * `skipLibCheck: false`, and (d) runs every binary the package declares.
 *
 * Every exported subpath is exercised, so a new entry in the exports map is covered without
 * editing this file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, binEntries, codeSubpaths, packRepo, readPackageJson, run, specifier, type PackResult } from "./pack-helpers.js";

const pkg = readPackageJson();
const subpaths = codeSubpaths(pkg);
const bins = binEntries(pkg);
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

let pack: PackResult;
let consumer: string;

/** Version of a package as installed in the repo, so the consumer install is served from the npm cache. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

beforeAll(async () => {
  pack = await packRepo("alg-install-");
  consumer = join(pack.dir, "consumer");
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "0.0.0", private: true }, null, 2));
  // Optional peers (msw for an emulator/msw entry) are installed too, so every subpath can load.
  const extras = ["@types/node", ...Object.keys(pkg.peerDependencies ?? {})].map((n) => `${n}@${installedVersion(n)}`);
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", pack.tarball, ...extras], {
    cwd: consumer,
    maxBuffer: 32 * 1024 * 1024,
  });
  writeFiles();
}, 120_000);

afterAll(() => {
  if (pack) rmSync(pack.dir, { recursive: true, force: true });
});

function writeFiles(): void {
  const specs = subpaths.map((s) => specifier(pkg, s));
  const w = (name: string, text: string) => writeFileSync(join(consumer, name), text);

  // Runtime probes: print the export names of every subpath, so ESM and CJS can be compared.
  w(
    "probe.mjs",
    `const out = {};\n${specs.map((s) => `out[${JSON.stringify(s)}] = Object.keys(await import(${JSON.stringify(s)})).filter((k) => k !== "default" && k !== "module.exports").sort();`).join("\n")}\n` +
      `const m = await import(${JSON.stringify(pkg.name)});\n` +
      `const e = new m.NotFoundError({ statusCode: 404, code: "ResourceNotFound", message: "gone" });\n` +
      `out.checks = { version: m.SDK_VERSION, guard: m.isArmError(e) && e instanceof m.LabGalleryError, id: m.formatLabPlanId({ subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "rg", name: "plan" }) };\n` +
      `console.log(JSON.stringify(out));\n`,
  );
  w(
    "probe.cjs",
    `const out = {};\n${specs.map((s) => `out[${JSON.stringify(s)}] = Object.keys(require(${JSON.stringify(s)})).filter((k) => k !== "default").sort();`).join("\n")}\n` +
      `const m = require(${JSON.stringify(pkg.name)});\n` +
      `const e = new m.NotFoundError({ statusCode: 404, code: "ResourceNotFound", message: "gone" });\n` +
      `out.checks = { version: m.SDK_VERSION, guard: m.isArmError(e) && e instanceof m.LabGalleryError, id: m.formatLabPlanId({ subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "rg", name: "plan" }) };\n` +
      `console.log(JSON.stringify(out));\n`,
  );

  // Type-level consumer, shared by the ESM (.mts), CJS (.cts) and bundler (.ts) variants.
  // msw's own declarations need the DOM lib (WebSocket/MessageEvent types), so an entry that
  // re-exports msw types is checked only in the DOM-lib (bundler) variant.
  const needsDom = (s: string) => s.endsWith("/msw");
  const typed = (dom: boolean) => specs.filter((s) => dom || !needsDom(s));
  const header = (dom: boolean) => typed(dom).map((s, i) => `import * as entry${i} from ${JSON.stringify(s)};`).join("\n");
  const entriesLine = (dom: boolean) => `export const entries: object[] = [${typed(dom).map((_, i) => `entry${i}`).join(", ")}];`;
  const body =
    "__HEADER__" +
    `
import {
  ArmError,
  isArmError,
  isNotFoundError,
  formatLabPlanId,
  parseResourceId,
  type ClientOptions,
  type LabPlanId,
} from ${JSON.stringify(pkg.name)};

__ENTRIES__

const plan: LabPlanId = formatLabPlanId({ subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "rg", name: "plan" });
const parsed = parseResourceId(plan, "labPlan");
export const name: string | undefined = parsed.names["labPlan"];
export const options: ClientOptions = { endpoint: "http://127.0.0.1:4000", retryOptions: { maxRetries: 0 } };

export function describeError(e: unknown): string {
  if (isNotFoundError(e)) return \`not found: \${e.code} \${e.requestId ?? ""}\`;
  if (isArmError(e)) return \`\${e.statusCode} \${e.code}\`;
  return e instanceof ArmError ? e.message : String(e);
}

// @ts-expect-error a lab plan id is not any string
export const wrong: LabPlanId = "/subscriptions/x";
`;
  const variant = (dom: boolean) => body.replace("__HEADER__", header(dom)).replace("__ENTRIES__", entriesLine(dom));
  w("esm.mts", variant(false));
  w("cjs.cts", variant(false));
  w("bundler.ts", variant(true));

  const strict = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    target: "ES2022",
    types: ["node"],
  };
  // A Node service: no DOM lib.
  w(
    "tsconfig.nodenext.json",
    JSON.stringify({ compilerOptions: { ...strict, module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"] }, files: ["esm.mts", "cjs.cts"] }, null, 2),
  );
  // A bundled app: the default libs (with DOM).
  w(
    "tsconfig.bundler.json",
    JSON.stringify({ compilerOptions: { ...strict, module: "ESNext", moduleResolution: "Bundler" }, files: ["bundler.ts"] }, null, 2),
  );
}

async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: consumer, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

async function tsc(project: string): Promise<void> {
  try {
    await run(process.execPath, [TSC, "-p", project, "--pretty", "false"], { cwd: consumer, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${project} failed in the consumer project:\n${err.stdout ?? ""}${err.stderr ?? ""}`, { cause: e });
  }
}

describe(`consumer project installing the packed tarball (${subpaths.length} exported entr${subpaths.length === 1 ? "y" : "ies"})`, () => {
  let esm: Record<string, unknown>;

  it("(a) imports every exported entry from ESM", async () => {
    esm = JSON.parse(await node(["probe.mjs"])) as Record<string, unknown>;
    for (const s of subpaths) expect((esm[specifier(pkg, s)] as string[]).length, `${specifier(pkg, s)} exports nothing`).toBeGreaterThan(0);
    expect(esm["checks"]).toEqual({
      version: pkg.version,
      guard: true,
      id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.LabServices/labPlans/plan",
    });
  });

  it("(b) requires every exported entry from CJS, with the same export names as ESM", async () => {
    const cjs = JSON.parse(await node(["probe.cjs"])) as Record<string, unknown>;
    esm ??= JSON.parse(await node(["probe.mjs"])) as Record<string, unknown>;
    expect(cjs).toEqual(esm);
  });

  it("(c) type-checks under moduleResolution NodeNext (ESM and CJS files), skipLibCheck false", async () => {
    await tsc("tsconfig.nodenext.json");
  });

  it("(c) type-checks under moduleResolution Bundler, skipLibCheck false", async () => {
    await tsc("tsconfig.bundler.json");
  });

  it.skipIf(Object.keys(bins).length === 0)(
    "(d) runs every declared binary with --help (skipped: package.json has no bin yet; the cli branch adds lab-gallery)",
    async () => {
      for (const name of Object.keys(bins)) {
        const { stdout } = await run(join(consumer, "node_modules/.bin", name), ["--help"], { cwd: consumer });
        expect(stdout, `${name} --help`).toMatch(new RegExp(name));
      }
    },
  );
});
