/**
 * The runnable examples in examples/ cannot rot: each one is compiled with esbuild, exactly as a
 * user's project would see it (`azure-lab-gallery` resolves through a node_modules symlink to this
 * repository, so through the exports map to the BUILT package), then run with node against the
 * embedded emulator. A test fails on a non-zero exit or a missing line of expected output.
 *
 * README.md's code blocks that start the emulator run the same way, so the quick start a newcomer
 * pastes is known to work, not only to compile (test/docs/snippets.test.ts).
 *
 * The Azure variables are removed from the child's environment, so a developer's shell can never
 * make the suite talk to a real subscription.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractSnippets } from "../docs/markdown-snippets.js";
import { REPO, readPackageJson } from "../package/pack-helpers.js";

const pkg = readPackageJson();
const EXAMPLES = join(REPO, "examples");

/** What each example must print; an example without an entry here fails the suite. */
const EXPECTED: Record<string, RegExp[]> = {
  "attach-gallery": [/^Lab plan plan-westus2 in westus2$/m, /^Attached gallery labgallery$/m, /^Enabled win11-base: replicated to westus2, eastus$/m, /^Lab creators can now use win11-base /m],
  "export-template": [
    /^Resume token \(\d+ characters\)/m,
    /^ {2}saving/m,
    /^ {2}replicating .*eastus:/m,
    /^ {2}done +100%/m,
    /^Exported biology-101-template: Specialized, version 1\.0\.0$/m,
    /^ {2}replicated to westus2, eastus$/m,
  ],
  bulk: [
    /^Exported 1 of 1 templates \(0 skipped, 0 failed\) to labgallery$/m,
    /^ {2}biology-101 → biology-101-backup: exported$/m,
    /^Created 3 of 3 labs \(0 failed\)$/m,
    /^Re-run: 3 of 3 labs already done \(from the checkpoint\)$/m,
  ],
  "create-lab": [
    /^Image win11-base: Windows Generalized, enabled=true/m,
    /refused before sending anything: ImageCredentialsError$/m,
    /^Created lab intro-101: Succeeded, westus2, from .*\/galleries\/labgallery\/images\/win11-base$/m,
    /^Deleted lab intro-101$/m,
  ],
};

const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -3))
  .sort();

/** README blocks that run on their own: they start (and close) the embedded emulator. */
const readmeBlocks = extractSnippets(readFileSync(join(REPO, "README.md"), "utf8"), "README.md").filter(
  (s) => !s.noCheck && s.code.includes("startEmulator(") && s.code.includes(".close()"),
);

let work: string;

function link(name: string, target: string): void {
  const dest = join(work, "node_modules", name);
  if (existsSync(dest) || !existsSync(target)) return;
  mkdirSync(dirname(dest), { recursive: true });
  symlinkSync(realpathSync(target), dest, "dir");
}

beforeAll(async () => {
  if (!existsSync(join(REPO, "dist/index.js"))) throw new Error("dist/ is missing: run `npm run build` first (npm test does it).");
  work = mkdtempSync(join(tmpdir(), "alg-examples-"));
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "examples", private: true, type: "module" }));
  link(pkg.name, REPO);
  for (const dep of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]) link(dep, join(REPO, "node_modules", dep));
  // Transpile only (no bundling): every import stays a bare specifier that node resolves from `work`.
  mkdirSync(join(work, "readme-src"));
  for (const b of readmeBlocks) writeFileSync(join(work, "readme-src", `readme-L${b.line}.ts`), `${b.code}\nexport {};\n`);
  await build({
    entryPoints: Object.fromEntries([
      ...examples.map((e) => [e, join(EXAMPLES, `${e}.ts`)]),
      ...readmeBlocks.map((b) => [`readme-L${b.line}`, join(work, "readme-src", `readme-L${b.line}.ts`)]),
    ]) as Record<string, string>,
    outdir: work,
    outExtension: { ".js": ".mjs" },
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
  });
}, 30_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function runNode(file: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("AZURE_") || k.startsWith("LAB_GALLERY_")) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("examples/", () => {
  it("has one example per scenario, each with expectations", () => {
    expect(examples).toEqual(expect.arrayContaining(["attach-gallery", "bulk", "create-lab", "export-template"]));
    expect(examples.filter((e) => !EXPECTED[e]), "add the example's expected output to EXPECTED").toEqual([]);
  });

  it.concurrent.each(examples)("%s runs against the emulator and exits 0", async (name) => {
    const r = await runNode(join(work, `${name}.mjs`));
    const log = `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
    expect(r.code, log).toBe(0);
    for (const line of EXPECTED[name] ?? []) expect(r.stdout, log).toMatch(line);
  }, 25_000);

  it("the README's command runs them: node examples/run.mjs <name>", async () => {
    const usage = await runNode(join(EXAMPLES, "run.mjs"));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain(`usage: node examples/run.mjs <${examples.join(" | ")}>`);
    const r = await runNode(join(EXAMPLES, "run.mjs"), ["attach-gallery"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Attached gallery labgallery$/m);
  }, 25_000);
});

describe("README.md blocks that start the emulator", () => {
  it("include the quick start", () => {
    expect(readmeBlocks.some((b) => b.code.includes("createFromGalleryImage") && b.code.includes("exportToGallery"))).toBe(true);
  });

  it.concurrent.each(readmeBlocks.map((b) => [`README.md:${b.line}`, b] as const))("%s runs and exits 0", async (_where, b) => {
    const r = await runNode(join(work, `readme-L${b.line}.mjs`));
    expect(r.code, `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(0);
  }, 25_000);
});
