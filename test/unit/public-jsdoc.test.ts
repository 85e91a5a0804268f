/**
 * The project standard for public methods (design.md, CONTRIBUTING): every public method of the
 * three clients has JSDoc that says what it does, shows an `@example` and names the RBAC
 * permission it needs. Read from the source with the TypeScript compiler, so a new method without
 * them fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";

const FILES = ["src/clients/lab-account-client.ts", "src/clients/lab-client.ts", "src/clients/template-client.ts"];

function publicMembers(file: string): { name: string; doc: string }[] {
  const text = readFileSync(join(process.cwd(), file), "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { name: string; doc: string }[] = [];
  sf.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
    for (const m of node.members) {
      if (!ts.isMethodDeclaration(m)) continue;
      if (m.modifiers?.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
      const docs = ts.getJSDocCommentsAndTags(m).map((d) => d.getText(sf));
      out.push({ name: `${node.name?.text}.${m.name.getText(sf)}`, doc: docs.join("\n") });
    }
  });
  return out;
}

it("every public client method has JSDoc with an example and its RBAC permission", () => {
  const missing: string[] = [];
  for (const file of FILES) {
    for (const { name, doc } of publicMembers(file)) {
      if (doc.trim() === "") missing.push(`${name}: no JSDoc`);
      else {
        if (!doc.includes("@example")) missing.push(`${name}: no @example`);
        if (!/RBAC/.test(doc)) missing.push(`${name}: no RBAC permission`);
      }
    }
  }
  expect(missing).toEqual([]);
});
