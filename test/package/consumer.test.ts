/**
 * The built package as a consumer sees it: child Node processes load `dist/` through the package's
 * own `exports` map (self-reference by name), by `import` and by `require`, and prove that neither
 * loads `@azure/identity`. `npm test` builds first (`pretest`); when run alone this builds if needed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const work = path.join(root, ".tmp", "package-smoke");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string };
const IDENTITY = /[\\/]@azure[\\/]identity[\\/]/;

/** A module-resolution hook that logs every `@azure/identity` URL it resolves (ESM graph). */
const HOOKS = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/[\\\\/]@azure[\\\\/]identity[\\\\/]/.test(r.url)) appendFileSync(process.env.IDENTITY_LOG, r.url + "\\n");
  return r;
}
`;
const REGISTER = `import { register } from "node:module"; register("./hooks.mjs", import.meta.url);`;

function node(args: string[], log: string): { out: Record<string, unknown>; identity: string[] } {
  rmSync(log, { force: true });
  const stdout = execFileSync(process.execPath, args, {
    cwd: work,
    env: { ...process.env, IDENTITY_LOG: log, NODE_OPTIONS: "" },
    encoding: "utf8",
    timeout: 20_000,
  });
  const last = stdout.trim().split("\n").pop() as string;
  const identity = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
  return { out: JSON.parse(last) as Record<string, unknown>, identity };
}

function script(name: string, text: string): string {
  const file = path.join(work, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  if (!existsSync(path.join(root, "dist/index.js")) || !existsSync(path.join(root, "dist/index.cjs"))) {
    execFileSync(path.join(root, "node_modules/.bin/tsup"), { cwd: root, stdio: "ignore" });
  }
  mkdirSync(work, { recursive: true });
  script("hooks.mjs", HOOKS);
  script("register.mjs", REGISTER);
}, 60_000);

describe("built package", () => {
  it("ships ESM, CJS and both declaration files", () => {
    for (const f of ["index.js", "index.cjs", "index.d.ts", "index.d.cts"]) expect(existsSync(path.join(root, "dist", f)), f).toBe(true);
  });

  it("import resolves to dist/index.js through the exports map and does not load @azure/identity", () => {
    const file = script(
      "esm.mjs",
      `const m = await import(${JSON.stringify(pkg.name)});
       const resolved = import.meta.resolve(${JSON.stringify(pkg.name)});
       console.log(JSON.stringify({ resolved, version: m.SDK_VERSION, keys: Object.keys(m).sort(), guard: typeof m.isNotFoundError }));`,
    );
    const { out, identity } = node(["--import", "./register.mjs", file], path.join(work, "esm.log"));
    expect(out["resolved"]).toBe(pathToFileURL(path.join(root, "dist/index.js")).href);
    expect(out["version"]).toBe(pkg.version);
    expect(out["guard"]).toBe("function");
    expect(out["keys"]).toEqual(expect.arrayContaining(["SDK_VERSION", "ArmError", "ValidationError", "parseResourceId", "formatResourceId"]));
    expect(identity).toEqual([]);
  });

  it("require resolves to dist/index.cjs and does not load @azure/identity", () => {
    const file = script(
      "cjs.cjs",
      `const m = require(${JSON.stringify(pkg.name)});
       const identity = Object.keys(require.cache).filter((p) => ${IDENTITY}.test(p));
       console.log(JSON.stringify({ resolved: require.resolve(${JSON.stringify(pkg.name)}), version: m.SDK_VERSION, identity, cached: Object.keys(require.cache) }));`,
    );
    const { out } = node([file], path.join(work, "cjs.log"));
    expect(out["resolved"]).toBe(path.join(root, "dist/index.cjs"));
    expect(out["version"]).toBe(pkg.version);
    expect(out["identity"]).toEqual([]);
    expect(out["cached"]).toContain(path.join(root, "dist/index.cjs"));
  });

  it("the detectors do see @azure/identity when it is loaded (negative control)", () => {
    const esm = script("esm-control.mjs", `await import("@azure/identity"); console.log("{}");`);
    expect(node(["--import", "./register.mjs", esm], path.join(work, "esm-control.log")).identity.length).toBeGreaterThan(0);
    const cjs = script(
      "cjs-control.cjs",
      `require("@azure/identity"); console.log(JSON.stringify({ identity: Object.keys(require.cache).filter((p) => ${IDENTITY}.test(p)).length }));`,
    );
    expect(node([cjs], path.join(work, "cjs-control.log")).out["identity"]).toBeGreaterThan(0);
  });

  it("guards recognise errors from the other module format (dual-package copies)", () => {
    const file = script(
      "dual.mjs",
      `import { createRequire } from "node:module";
       const esm = await import(${JSON.stringify(pkg.name)});
       const cjs = createRequire(import.meta.url)(${JSON.stringify(pkg.name)});
       const e = new esm.NotFoundError({ statusCode: 404, code: "NotFound", message: "m" });
       console.log(JSON.stringify({ guard: cjs.isNotFoundError(e), arm: cjs.isArmError(e), instance: e instanceof cjs.NotFoundError }));`,
    );
    expect(node([file], path.join(work, "dual.log")).out).toEqual({ guard: true, arm: true, instance: false });
  });
});

describe("lazy DefaultAzureCredential", () => {
  it("a transport built without a credential loads @azure/identity only on the first token request", async () => {
    // The package entry does not export the transport yet (clients land in later changes), so the
    // transport source is bundled with every dependency left external, exactly as tsup does.
    await build({
      entryPoints: [path.join(root, "src/core/transport.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outfile: path.join(work, "transport.mjs"),
      logLevel: "silent",
    });
    const file = script(
      "lazy.mjs",
      `import { existsSync, readFileSync } from "node:fs";
       import { ArmTransport } from "./transport.mjs";
       const loaded = () => existsSync(process.env.IDENTITY_LOG) && readFileSync(process.env.IDENTITY_LOG, "utf8").length > 0;
       const t = new ArmTransport({ endpoint: "http://127.0.0.1:9", retryOptions: { maxRetries: 0 } });
       await new Promise((r) => setTimeout(r, 50));
       const afterConstruct = loaded();
       // Starts DefaultAzureCredential; the process exits as soon as the module is resolved, before
       // any credential in the chain gets far.
       t.options.credential.getToken("https://management.azure.com/.default").catch(() => {});
       let afterToken = false;
       for (let i = 0; i < 200 && !afterToken; i++) { await new Promise((r) => setTimeout(r, 25)); afterToken = loaded(); }
       console.log(JSON.stringify({ afterConstruct, afterToken }));
       process.exit(0);`,
    );
    const { out } = node(["--import", "./register.mjs", file], path.join(work, "lazy.log"));
    expect(out).toEqual({ afterConstruct: false, afterToken: true });
  });
});
