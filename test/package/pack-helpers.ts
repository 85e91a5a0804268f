/**
 * Shared by the packaging tests: pack the repo once into a temporary directory and describe what the
 * package.json promises (exports targets, bin targets), generically, so the checks keep working as
 * the exports map and the bin field grow.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const run = promisify(execFile);

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface PackageJson {
  name: string;
  version: string;
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function readPackageJson(dir: string = REPO): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

export interface PackResult {
  /** Temporary directory that holds the tarball. */
  dir: string;
  tarball: string;
  /** Packed size in bytes (gzip). */
  size: number;
  unpackedSize: number;
  /** Paths inside the package, without the `package/` prefix. */
  files: string[];
}

/**
 * Packs the repo with `npm pack`. Lifecycle scripts are skipped on purpose: a `prepack` build would
 * empty `dist/` while other test files read it. `npm test` builds first (`pretest`).
 */
export async function packRepo(prefix: string): Promise<PackResult> {
  const pkg = readPackageJson();
  const missing = entryTargets(pkg).filter((t) => !existsSync(join(REPO, t)));
  if (missing.length > 0) {
    throw new Error(`package.json points at files that are not built: ${missing.join(", ")}. Run \`npm run build\` first.`);
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
    cwd: REPO,
    maxBuffer: 32 * 1024 * 1024,
  });
  // npm may print notices before the JSON array.
  const parsed = JSON.parse(stdout.slice(stdout.indexOf("["))) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  const info = parsed[0];
  if (!info) throw new Error(`npm pack printed no result: ${stdout}`);
  return {
    dir,
    tarball: join(dir, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path).sort(),
  };
}

/** The exports map as `{ subpath: conditions }`, normalising the sugar forms (`"exports": "./x.js"`). */
export function exportsMap(pkg: PackageJson): Record<string, unknown> {
  const e = pkg.exports;
  if (e === undefined || e === null) return {};
  if (typeof e === "object" && !Array.isArray(e) && Object.keys(e).every((k) => k.startsWith("."))) {
    return e as Record<string, unknown>;
  }
  return { ".": e };
}

/** Subpaths of the exports map, e.g. `.`, `./emulator`, `./package.json`. */
export function exportSubpaths(pkg: PackageJson): string[] {
  return Object.keys(exportsMap(pkg));
}

/** Subpaths that are code (everything except `./package.json` and other JSON files). */
export function codeSubpaths(pkg: PackageJson): string[] {
  return exportSubpaths(pkg).filter((s) => !s.endsWith(".json"));
}

/** Specifier a consumer writes for a subpath: `.` → `azure-lab-gallery`, `./emulator` → `azure-lab-gallery/emulator`. */
export function specifier(pkg: PackageJson, subpath: string): string {
  return subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
}

/** Every file path found in a conditions tree. */
export function leafTargets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(leafTargets);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(leafTargets);
  return [];
}

export function binEntries(pkg: PackageJson): Record<string, string> {
  if (typeof pkg.bin === "string") return { [pkg.name]: pkg.bin };
  return pkg.bin ?? {};
}

const norm = (p: string) => p.replace(/^\.\//, "");

/** Every file that package.json promises: exports leaves, main/module/types and bin targets. */
export function entryTargets(pkg: PackageJson): string[] {
  const out = new Set<string>();
  for (const v of Object.values(exportsMap(pkg))) for (const t of leafTargets(v)) out.add(norm(t));
  for (const f of [pkg.main, pkg.module, pkg.types]) if (f) out.add(norm(f));
  for (const f of Object.values(binEntries(pkg))) out.add(norm(f));
  return [...out].filter((t) => !t.includes("*")).sort();
}
