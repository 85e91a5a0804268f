/**
 * Defensive readers for ARM JSON: a field of the wrong type reads as absent, never as a crash
 * (a newer service version may change or add shapes).
 */

export type Obj = Record<string, unknown>;

/** The value as a plain object, or `{}`. */
export const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The value as a string, or undefined. */
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The value as a non-empty string, or undefined. */
export const nonEmpty = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** Reads a property whatever its casing (the preview lab-account API's casing is unconfirmed, rest-api.md A.2). */
export function prop(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}
