/**
 * `npm run docs` must keep working: typedoc builds the API reference from src/index.ts with
 * warnings treated as errors, so a public signature that names a type users cannot import, or a
 * broken `{@link}` in a doc comment, fails here rather than at release time.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { REPO, run } from "../package/pack-helpers.js";

const out = mkdtempSync(join(tmpdir(), "alg-typedoc-"));

afterAll(() => rmSync(out, { recursive: true, force: true }));

it("typedoc builds the API reference without warnings", async () => {
  const typedoc = join(REPO, "node_modules/typedoc/bin/typedoc");
  // Same configuration as `npm run docs` (typedoc.json), written to a temporary directory so the
  // test never touches docs/api.
  const result = await run(process.execPath, [typedoc, "--out", out], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }).then(
    (r) => ({ ok: true, text: `${r.stdout}${r.stderr}` }),
    (e: { stdout?: string; stderr?: string }) => ({ ok: false, text: `${e.stdout ?? ""}${e.stderr ?? ""}` }),
  );
  expect(result.ok, result.text).toBe(true);
  expect(existsSync(join(out, "index.html"))).toBe(true);
}, 60_000);
