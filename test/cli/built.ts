/**
 * The binary tests run `dist/cli.js` and `dist/demo.js`. `npm test` builds first (pretest); when the
 * suite is run directly (`npx vitest run test/cli/`) and dist is missing or older than src, this
 * builds once.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist", "cli.js");
export const DEMO = join(ROOT, "dist", "demo.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const outputs = [CLI, DEMO];
  const fresh = outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= newestMtime(join(ROOT, "src")));
  if (!fresh) execFileSync("npx", ["tsup", "--silent"], { cwd: ROOT, stdio: "ignore" });
}
