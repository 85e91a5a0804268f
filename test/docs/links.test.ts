/**
 * Relative links in README.md, CONTRIBUTING.md and docs/**.md must point at files that exist, and
 * `#anchors` at headings that exist (GitHub's slug rules). External links are not fetched.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../package/pack-helpers.js";
import { markdownFiles } from "./markdown-snippets.js";

/**
 * Guides written on other branches (issue 8 splits the docs by owner). A link to one of them is
 * accepted while the file is absent; once it exists, its anchors are checked like any other.
 */
const WRITTEN_ELSEWHERE = new Set(["docs/emulator.md", "docs/galleries.md", "docs/export.md", "docs/create-lab.md", "docs/cli.md", "README.md"]);

/** GitHub's heading slug: lower case, drop punctuation except `-` and `_`, spaces become `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function withoutCode(markdown: string): string {
  return markdown.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, "");
}

function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of withoutCode(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

const files = [...markdownFiles(REPO), ...(existsSync(join(REPO, "CONTRIBUTING.md")) ? [join(REPO, "CONTRIBUTING.md")] : [])];
const rel = (p: string) => relative(REPO, p).split(/[\\/]/).join("/");

describe("links in the docs", () => {
  it("slug() follows GitHub", () => {
    expect(slug("Regions, geographies and replication")).toBe("regions-geographies-and-replication");
    expect(slug("The 2027-06-28 retirement")).toBe("the-2027-06-28-retirement");
    expect(slug("`ResourceNotFound`: \"Resource … not found.\"")).toBe("resourcenotfound-resource--not-found");
  });

  it.each(files.map((f) => [rel(f), f] as const))("%s: relative links and anchors resolve", (_name, file) => {
    const text = withoutCode(readFileSync(file, "utf8"));
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const targetFile = path === "" ? file : join(dirname(file), decodeURIComponent(path));
      const name = rel(targetFile);
      if (!existsSync(targetFile)) {
        if (!WRITTEN_ELSEWHERE.has(name)) broken.push(`${target} (no file ${name})`);
        continue;
      }
      if (anchor && targetFile.endsWith(".md") && !anchorsOf(readFileSync(targetFile, "utf8")).has(anchor)) {
        broken.push(`${target} (no heading #${anchor} in ${name})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
