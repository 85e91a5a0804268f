/**
 * Every ```ts / ```typescript block in README.md and docs/**.md must compile against the BUILT
 * package, exactly as a user would paste it into an ES module: `azure-lab-gallery` resolves
 * through its exports map to dist/*.d.ts (a node_modules symlink to the repo), top-level await is
 * allowed, and values that come from the surrounding prose are written as `declare const`.
 *
 * A block can opt out with a first line `// @noCheck <reason>`; the reason is required.
 *
 * All blocks are compiled in one tsc run; each block then gets its own test so a failure names the
 * Markdown file and line.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, readPackageJson, run } from "../package/pack-helpers.js";
import { collectSnippets, extractSnippets, type Snippet } from "./markdown-snippets.js";

const pkg = readPackageJson();
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

const snippets = collectSnippets(REPO);
const checked = snippets.filter((s) => !s.noCheck);

/**
 * Canaries compiled in the same run. They prove the run is real: one must resolve the package's
 * built types and compile, the others must produce exactly the diagnostic named.
 */
const CANARIES: { name: string; code: string; expect: RegExp | null }[] = [
  {
    name: "canary-ok",
    code: `import { SDK_VERSION, isArmError } from ${JSON.stringify(pkg.name)};\nconst v: string = SDK_VERSION;\ndeclare const e: unknown;\nif (isArmError(e)) console.log(e.statusCode, v);\nawait Promise.resolve();`,
    expect: null,
  },
  { name: "canary-missing-export", code: `import { NoSuchExport } from ${JSON.stringify(pkg.name)};\nconsole.log(NoSuchExport);`, expect: /TS2305/ },
  { name: "canary-type-error", code: `const n: number = "not a number";\nconsole.log(n);`, expect: /TS2322/ },
];

interface Diagnostic {
  file: string;
  line: number;
  text: string;
}

let work: string;
let diagnostics: Diagnostic[] = [];
const fileOf = new Map<Snippet, string>();

/** Links `name` in the work dir's node_modules to the repo's installed copy (or to the repo itself). */
function link(name: string, target: string): void {
  const dest = join(work, "node_modules", name);
  if (existsSync(dest) || !existsSync(target)) return;
  mkdirSync(dirname(dest), { recursive: true });
  symlinkSync(realpathSync(target), dest, "dir");
}

beforeAll(async () => {
  const builtTypes = join(REPO, (pkg.types ?? "dist/index.d.ts").replace(/^\.\//, ""));
  if (!existsSync(builtTypes)) throw new Error(`${builtTypes} is missing: run \`npm run build\` first (npm test does it).`);

  work = mkdtempSync(join(tmpdir(), "alg-snippets-"));
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "snippets", private: true, type: "module" }));
  link(pkg.name, REPO);
  // What a user of the package can import: the package, its dependencies and peers, Node's types.
  for (const dep of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), "@types/node"]) {
    link(dep, join(REPO, "node_modules", dep));
  }

  const files: string[] = [];
  checked.forEach((s, i) => {
    const name = `${String(i).padStart(3, "0")}-${s.file.replace(/[^\w]+/g, "_")}-L${s.line}.ts`;
    // `export {}` makes every block a module: top-level await works and `declare const` names
    // cannot collide between blocks.
    writeFileSync(join(work, name), `${s.code}\nexport {};\n`);
    fileOf.set(s, name);
    files.push(name);
  });
  for (const c of CANARIES) {
    writeFileSync(join(work, `${c.name}.ts`), `${c.code}\nexport {};\n`);
    files.push(`${c.name}.ts`);
  }
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022"],
          types: ["node"],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          // The package's own declarations are checked strictly by test/package/install.test.ts.
          skipLibCheck: true,
          noEmit: true,
        },
        files,
      },
      null,
      2,
    ),
  );

  const output = await run(process.execPath, [TSC, "-p", "tsconfig.json", "--pretty", "false"], {
    cwd: work,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    (r) => r.stdout,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
  );
  diagnostics = parseDiagnostics(output);
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Parses `file(line,col): error TSxxxx: message` plus its indented continuation lines. */
function parseDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+: .*)$/.exec(raw);
    if (m) out.push({ file: m[1] as string, line: Number(m[2]), text: m[5] as string });
    else if (raw.trim() && out.length > 0 && /^\s/.test(raw)) (out[out.length - 1] as Diagnostic).text += `\n${raw}`;
    else if (raw.trim()) out.push({ file: "", line: 0, text: raw });
  }
  return out;
}

describe("snippet extraction", () => {
  it("reads fences, languages, indentation and @noCheck", () => {
    const md = [
      "# t",
      "```ts",
      "const a = 1;",
      "```",
      "```js",
      "not ts",
      "```",
      "- item",
      "  ```typescript title=x",
      "  const b = 2;",
      "  ```",
      "````ts",
      "// @noCheck: needs a live subscription",
      "```",
      "````",
    ].join("\n");
    expect(extractSnippets(md, "x.md")).toEqual([
      { file: "x.md", line: 3, code: "const a = 1;" },
      { file: "x.md", line: 10, code: "const b = 2;" },
      { file: "x.md", line: 13, code: "// @noCheck: needs a live subscription\n```", noCheck: { reason: "needs a live subscription" } },
    ]);
  });
});

describe("code blocks in README.md and docs/", () => {
  it("the compiler run is real (canaries)", () => {
    for (const c of CANARIES) {
      const found = diagnostics.filter((d) => d.file === `${c.name}.ts`).map((d) => d.text);
      if (c.expect === null) expect(found, `${c.name} should compile`).toEqual([]);
      else expect(found.join("\n"), `${c.name} should fail`).toMatch(c.expect);
    }
    const known = new Set([...fileOf.values(), ...CANARIES.map((c) => `${c.name}.ts`)]);
    const stray = diagnostics.filter((d) => !known.has(d.file));
    expect(stray.map((d) => `${d.file}: ${d.text}`), "tsc reported errors outside the snippets (configuration?)").toEqual([]);
  });

  it("finds TypeScript blocks to check", () => {
    console.log(`docs snippets: ${checked.length} checked, ${snippets.length - checked.length} skipped with @noCheck`);
    expect(checked.length).toBeGreaterThan(0);
  });

  it("every `// @noCheck` gives a reason", () => {
    const bare = snippets.filter((s) => s.noCheck && s.noCheck.reason.length < 3).map((s) => `${s.file}:${s.line}`);
    expect(bare, "write `// @noCheck <why this block cannot compile>`").toEqual([]);
  });

  it.each(checked.map((s) => [`${s.file}:${s.line}`, s] as const))("%s compiles", (_where, s) => {
    const name = fileOf.get(s);
    const errors = diagnostics
      .filter((d) => d.file === name)
      .map((d) => `${s.file}:${s.line + d.line - 1}: ${d.text}`);
    expect(errors, `the code block at ${s.file}:${s.line} does not compile against the built package`).toEqual([]);
  });
});
