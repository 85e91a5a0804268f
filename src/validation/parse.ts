/**
 * The one way public methods validate their input: a private zod schema, parsed before any
 * request, whose failure becomes a `ValidationError` listing every issue with its path.
 */
import * as z from "zod/mini";
import { ValidationError, type ValidationIssue } from "../core/errors.js";
import { englishMessage } from "./messages.js";

/**
 * zod/mini registers no locale, so its default messages would all be "Invalid input". The classic
 * API registers English the first time a schema is built; to keep the same messages without
 * changing zod's global configuration for anyone else, English (./messages.ts) is passed to each
 * parse here, and only used when no locale has been configured globally (as classic zod would do).
 */
const parseContext = { error: (issue: z.core.$ZodRawIssue) => (z.config().localeError ? undefined : englishMessage(issue)) };

/** Field names whose values must never be echoed in an error message. */
const SECRET_KEYS = /pass(word)?|secret|token|key/i;

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
}

/** Parses `input` with `schema` or throws `ValidationError` naming `what` (e.g. "createFromGalleryImage options"). */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown, what: string, hint?: string): z.output<S> {
  const r = z.safeParse(schema, input, parseContext);
  if (r.success) return r.data;
  const issues: ValidationIssue[] = r.error.issues.map((i) => {
    const path = pathOf(i.path) || "(input)";
    // zod messages describe the rule, not the value; still, never let a secret field's value through.
    const message = SECRET_KEYS.test(path) ? i.message.replace(/"[^"]*"/g, '"…"') : i.message;
    return { path, message };
  });
  const lines = issues.slice(0, 10).map((i) => `  - ${i.path}: ${i.message}`);
  if (issues.length > 10) lines.push(`  - …and ${issues.length - 10} more`);
  const opts = hint === undefined ? undefined : { hint };
  throw new ValidationError(`Invalid ${what}:\n${lines.join("\n")}`, issues, opts);
}

export { z };
