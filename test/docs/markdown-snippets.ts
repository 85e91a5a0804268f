/**
 * Pulls the TypeScript code blocks out of Markdown. Kept apart from the test so the parsing rules
 * (fences, indentation, the `// @noCheck` escape) are in one small place.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

export interface Snippet {
  /** Markdown file, relative to the repo, with `/` separators. */
  file: string;
  /** 1-based line of the first code line (the line after the opening fence). */
  line: number;
  code: string;
  /** Set when the block opts out of the check with `// @noCheck <reason>`. */
  noCheck?: { reason: string };
}

const LANGS = new Set(["ts", "typescript"]);
const NO_CHECK = /^\s*\/\/\s*@noCheck\b[\s:—-]*(.*)$/;

/** README.md plus every `.md` under docs/, except the generated API reference. */
export function markdownFiles(repo: string): string[] {
  const out: string[] = [];
  if (existsSync(join(repo, "README.md"))) out.push(join(repo, "README.md"));
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (relative(repo, full).split(/[\\/]/).join("/") !== "docs/api") walk(full);
      } else if (entry.name.endsWith(".md")) {
        out.push(full);
      }
    }
  };
  walk(join(repo, "docs"));
  return out.sort();
}

/**
 * Extracts ```ts / ```typescript blocks (also `~~~`, longer fences and indented fences inside
 * lists). Info strings after the language (```ts title="x") are ignored.
 */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const out: Snippet[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)/.exec(lines[i] as string);
    if (!open) {
      i++;
      continue;
    }
    const indent = (open[1] as string).length;
    const fence = open[2] as string;
    const lang = (open[3] as string).toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    while (j < lines.length && !close.test(lines[j] as string)) {
      body.push(lines[j] as string);
      j++;
    }
    if (LANGS.has(lang)) {
      // CommonMark removes up to the fence's indentation from each content line.
      const code = body.map((l) => l.replace(new RegExp(`^ {0,${indent}}`), "")).join("\n");
      const first = NO_CHECK.exec(body[0] ?? "");
      out.push({ file, line: i + 2, code, ...(first ? { noCheck: { reason: (first[1] as string).trim() } } : {}) });
    }
    i = j + 1;
  }
  return out;
}

export function collectSnippets(repo: string): Snippet[] {
  return markdownFiles(repo).flatMap((f) =>
    extractSnippets(readFileSync(f, "utf8"), relative(repo, f).split(/[\\/]/).join("/")),
  );
}
