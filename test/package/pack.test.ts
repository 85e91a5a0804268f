/**
 * What `npm pack` publishes, and whether publint and arethetypeswrong accept it. Every check walks
 * the whole exports map and bin field, so a new subpath or binary is covered without editing this
 * file.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  REPO,
  binEntries,
  codeSubpaths,
  entryTargets,
  exportsMap,
  packRepo,
  readPackageJson,
  run,
  type PackResult,
} from "./pack-helpers.js";

const pkg = readPackageJson();
/** Top-level files a user needs besides `dist/**` (npm adds package.json itself). */
const ALLOWED_TOP_LEVEL = ["README.md", "LICENSE", "CHANGELOG.md", "package.json"];
/**
 * A ceiling that catches an accidental inclusion (node_modules, a test fixture, an unminified
 * bundle of a dependency), not a size target.
 */
const MAX_PACKED_BYTES = 1024 * 1024;

let pack: PackResult;

beforeAll(async () => {
  pack = await packRepo("alg-pack-");
  console.log(
    `npm pack: ${pack.tarball.split("/").pop()} is ${(pack.size / 1024).toFixed(1)} kB packed, ` +
      `${(pack.unpackedSize / 1024).toFixed(1)} kB unpacked, ${pack.files.length} files`,
  );
});

afterAll(() => {
  if (pack) rmSync(pack.dir, { recursive: true, force: true });
});

describe("npm pack contents", () => {
  it("contains only dist/**, README.md, LICENSE, CHANGELOG.md and package.json", () => {
    const unexpected = pack.files.filter((f) => !f.startsWith("dist/") && !ALLOWED_TOP_LEVEL.includes(f));
    expect(unexpected, `files that a user does not need are packed; tighten "files" in package.json`).toEqual([]);
  });

  it("contains LICENSE and package.json, and README.md/CHANGELOG.md whenever the repo has them", () => {
    expect(pack.files).toContain("LICENSE");
    expect(pack.files).toContain("package.json");
    for (const f of ["README.md", "CHANGELOG.md"]) {
      if (existsSync(join(REPO, f))) expect(pack.files, `${f} exists but is not packed`).toContain(f);
    }
  });

  it("contains every file package.json points at (exports, main, module, types, bin)", () => {
    const missing = entryTargets(pkg).filter((t) => !pack.files.includes(t));
    expect(missing, "package.json points at files the tarball lacks").toEqual([]);
  });

  it("ships no test, source or config files inside dist", () => {
    const stray = pack.files.filter((f) => f.startsWith("dist/") && !/\.(c|m)?js(\.map)?$|\.d\.(c|m)?ts(\.map)?$/.test(f));
    expect(stray).toEqual([]);
  });

  it(`stays under ${MAX_PACKED_BYTES / 1024} kB packed`, () => {
    expect(pack.size).toBeLessThan(MAX_PACKED_BYTES);
  });
});

describe("package.json entry points", () => {
  it.each(codeSubpaths(pkg))("exports %s gives types and code for both import and require", (subpath) => {
    const entry = exportsMap(pkg)[subpath] as Record<string, Record<string, string>>;
    // We ship ESM and CJS: each side needs its own declaration file, because a `.d.ts` next to
    // CJS code is read as ESM under node16/nodenext ("masquerading as ESM").
    expect(Object.keys(entry)).toEqual(["import", "require"]);
    expect(Object.keys(entry["import"] ?? {}), "types must come first").toEqual(["types", "default"]);
    expect(Object.keys(entry["require"] ?? {}), "types must come first").toEqual(["types", "default"]);
    expect(entry["import"]?.["types"]).toMatch(/\.d\.ts$/);
    expect(entry["import"]?.["default"]).toMatch(/\.js$/);
    expect(entry["require"]?.["types"]).toMatch(/\.d\.cts$/);
    expect(entry["require"]?.["default"]).toMatch(/\.cjs$/);
  });

  it("main/module/types match the root export, for tools that ignore exports", () => {
    const root = exportsMap(pkg)["."] as Record<string, Record<string, string>>;
    expect(pkg.main).toBe(root["require"]?.["default"]);
    expect(pkg.module).toBe(root["import"]?.["default"]);
    expect(pkg.types).toBe(root["import"]?.["types"]);
  });

  it.skipIf(Object.keys(binEntries(pkg)).length === 0)(
    "every bin target is packed and starts with a node shebang",
    () => {
      for (const [name, target] of Object.entries(binEntries(pkg))) {
        const rel = target.replace(/^\.\//, "");
        expect(pack.files, `bin ${name}`).toContain(rel);
        expect(readFileSync(join(REPO, rel), "utf8").startsWith("#!/usr/bin/env node\n"), `bin ${name} needs "#!/usr/bin/env node"`).toBe(true);
      }
    },
  );
});

describe("linters", () => {
  it("publint reports nothing (errors, warnings or suggestions)", async () => {
    const { publint } = await import("publint");
    const { formatMessage } = await import("publint/utils");
    const tarball = readFileSync(pack.tarball);
    const { messages, pkg: linted } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer },
      level: "suggestion",
      strict: true,
    });
    const text = messages.map((m) => `${m.type}: ${formatMessage(m, linted) ?? m.code}`);
    expect(text).toEqual([]);
  });

  it("arethetypeswrong finds no problem (node16 from ESM and CJS, bundler; node10 for the root)", async () => {
    const attw = join(REPO, "node_modules/@arethetypeswrong/cli/dist/index.js");
    // attw exits 1 on any problem, node10 ones included; the verdict is read from the JSON instead,
    // so the node10 rule below can be applied per entry point.
    const stdout = await run(process.execPath, [attw, pack.tarball, "--format", "json", "--no-color"], {
      cwd: REPO,
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (r) => r.stdout,
      (e: { stdout?: string; stderr?: string }) => {
        if (!e.stdout?.trim().startsWith("{")) throw new Error(`attw failed without a report: ${e.stderr ?? ""}`);
        return e.stdout;
      },
    );
    const report = JSON.parse(stdout) as {
      analysis: {
        entrypoints: Record<string, unknown>;
        problems?: { kind: string; entrypoint?: string; resolutionKind?: string }[];
      };
    };
    // Every exported subpath must have been analysed.
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(Object.keys(exportsMap(pkg)).sort());
    // The node16 profile: node10 (`moduleResolution: "node"`) cannot see subpath exports at all and
    // is removed in TypeScript 7, so it is only required for the root entry, which main/types serve.
    const problems = (report.analysis.problems ?? []).filter((p) => !(p.resolutionKind === "node10" && p.entrypoint !== "."));
    expect(problems.map((p) => `${p.kind} at ${p.entrypoint ?? "?"} (${p.resolutionKind ?? "any resolution"})`)).toEqual([]);
  });
});
