/**
 * The naming rule of `exportAllTemplates`: lab name → gallery image definition name.
 *
 * A definition name must match `^[a-zA-Z0-9]+([-._]?[a-zA-Z0-9]+)*$` and have at most 80 characters
 * (rest-api.md C.2); gallery names are case-insensitive. The rule, applied to every lab of the batch:
 *
 * 1. Base: `namePattern` with `{lab}` replaced by the lab name and `{account}` by the lab plan or lab
 *    account name (default pattern `{lab}`).
 * 2. Clean: every run of characters other than letters, digits, '-', '.' and '_' becomes '-'; a run of
 *    two or more separators becomes its first one; separators at either end are dropped. Letters
 *    keep their case. Nothing left → `lab`.
 * 3. Too long: over 80 characters → the first 73, trimmed of trailing separators, + `-` + 6 hex
 *    characters of SHA-256(lower-cased lab id).
 * 4. Collisions (case-insensitive) within the batch: in a group of labs that map to the same name, the
 *    lab whose base equals the name exactly and whose id sorts first keeps it; every other lab gets
 *    `-` + 6 hex characters of SHA-256(lower-cased lab id) (cut to fit 80). If hashes collide too,
 *    more hex characters are used.
 *
 * The result depends only on the batch, so a re-run computes the same names; with a checkpoint the
 * recorded name wins anyway.
 */
import { createHash } from "node:crypto";
import { ValidationError } from "../core/errors.js";

export const MAX_IMAGE_NAME_LENGTH = 80;
export const GALLERY_IMAGE_NAME = /^[a-zA-Z0-9]+([-._]?[a-zA-Z0-9]+)*$/;

/** The lab facts the rule reads. */
export interface NamedLab {
  /** The lab's name. */
  name: string;
  /** The lab's resource id (tie-breaker and hash source: unique, unlike names across resource groups). */
  id: string;
}

/** Default `namePattern`. */
export const DEFAULT_NAME_PATTERN = "{lab}";

function shortHash(id: string, length: number): string {
  return createHash("sha256").update(id.toLowerCase(), "utf8").digest("hex").slice(0, length);
}

/** Step 2: the characters a definition name allows, single separators, no separator at either end. */
export function cleanImageName(raw: string): string {
  const s = raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // é → e
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/[-._]{2,}/g, (run) => run[0] as string)
    .replace(/^[-._]+|[-._]+$/g, "");
  return s.length === 0 ? "lab" : s;
}

function withSuffix(name: string, suffix: string): string {
  const room = MAX_IMAGE_NAME_LENGTH - suffix.length - 1;
  const head = name.length > room ? name.slice(0, room).replace(/[-._]+$/, "") : name;
  return `${head || "lab"}-${suffix}`;
}

/** Steps 1-3 for one lab (no collision handling). */
export function baseImageName(lab: NamedLab, pattern: string = DEFAULT_NAME_PATTERN, accountName = ""): { raw: string; name: string } {
  const raw = pattern.replace(/\{lab\}/g, lab.name).replace(/\{account\}/g, accountName);
  const cleaned = cleanImageName(raw);
  const name = cleaned.length > MAX_IMAGE_NAME_LENGTH ? withSuffix(cleaned, shortHash(lab.id, 6)) : cleaned;
  return { raw, name };
}

/** Checks a `namePattern` before any request. */
export function validateNamePattern(pattern: string): void {
  if (!pattern.includes("{lab}")) {
    throw new ValidationError('Invalid namePattern: it must contain "{lab}", or every lab would get the same image name.', [
      { path: "namePattern", message: 'must contain "{lab}"' },
    ], { hint: 'For example "{lab}-2026" or "{account}-{lab}".' });
  }
  const unknown = pattern.match(/\{(?!lab\}|account\})[^}]*\}/g);
  if (unknown) {
    throw new ValidationError(`Invalid namePattern: unknown placeholder ${unknown[0]}; use {lab} and {account}.`, [{ path: "namePattern", message: "unknown placeholder" }]);
  }
}

/**
 * The image name of every lab of a batch (step 4 included), keyed by lower-cased lab id.
 * `fixed` holds names already chosen (a checkpoint's): they are kept and reserved.
 */
export function assignImageNames(
  labs: readonly NamedLab[],
  options: { pattern?: string | undefined; accountName?: string | undefined; fixed?: ReadonlyMap<string, string> | undefined } = {},
): Map<string, string> {
  const pattern = options.pattern ?? DEFAULT_NAME_PATTERN;
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const [id, name] of options.fixed ?? []) {
    if (labs.some((l) => l.id.toLowerCase() === id)) {
      out.set(id, name);
      taken.add(name.toLowerCase());
    }
  }
  const pending = labs
    .filter((l) => !out.has(l.id.toLowerCase()))
    .map((l) => ({ lab: l, key: l.id.toLowerCase(), ...baseImageName(l, pattern, options.accountName ?? "") }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const groups = new Map<string, typeof pending>();
  for (const p of pending) {
    const k = p.name.toLowerCase();
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  for (const [k, members] of groups) {
    const keeper = taken.has(k) ? undefined : members.length === 1 ? members[0] : members.find((m) => m.raw === m.name);
    for (const m of members) {
      if (m === keeper) {
        out.set(m.key, m.name);
        taken.add(k);
        continue;
      }
      let length = 6;
      let candidate = withSuffix(m.name, shortHash(m.key, length));
      while (taken.has(candidate.toLowerCase()) && length < 64) candidate = withSuffix(m.name, shortHash(m.key, ++length));
      out.set(m.key, candidate);
      taken.add(candidate.toLowerCase());
    }
  }
  return out;
}
