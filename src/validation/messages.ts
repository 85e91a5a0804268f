/**
 * English messages for the validation issues our schemas can raise, worded exactly as zod's own
 * English locale words them. zod/mini registers no locale (every message would read "Invalid
 * input"), and importing zod's full locale costs more bundle than the whole feature is worth: the
 * package's bundle budget is half of the generated SDKs' (docs/performance.md, part b). Formats
 * other than the ones used here fall back to zod's generic wording.
 */
import type * as z from "zod/mini";

const SIZING: Record<string, string> = { string: "characters", file: "bytes", array: "items", set: "items", map: "entries" };
const FORMATS: Record<string, string> = { regex: "input", url: "URL", guid: "GUID", uuid: "UUID", duration: "ISO duration", datetime: "ISO datetime" };

function parsedType(data: unknown): string {
  if (typeof data === "number") return Number.isNaN(data) ? "nan" : "number";
  if (typeof data === "object") {
    if (data === null) return "null";
    if (Array.isArray(data)) return "array";
    const proto: unknown = Object.getPrototypeOf(data);
    const ctor = (data as { constructor?: { name?: string } }).constructor;
    if (proto !== Object.prototype && ctor?.name) return ctor.name;
  }
  return typeof data;
}

function typeName(type: string, input?: unknown): string {
  if (type === "number" && typeof input === "number" && !Number.isFinite(input)) return String(input);
  return type === "nan" ? "NaN" : type;
}

const literal = (v: unknown): string => (typeof v === "bigint" ? `${v}n` : typeof v === "string" ? `"${v}"` : `${String(v)}`);

/** The English message of a raw issue, as zod's `en` locale gives it. */
export function englishMessage(issue: z.core.$ZodRawIssue): string {
  const i = issue as Record<string, unknown> & { code?: string; origin?: string };
  switch (i.code) {
    case "invalid_type": {
      const received = parsedType(i["input"]);
      return `Invalid input: expected ${typeName(String(i["expected"]))}, received ${typeName(received, i["input"])}`;
    }
    case "invalid_value": {
      const values = i["values"] as unknown[];
      return values.length === 1 ? `Invalid input: expected ${literal(values[0])}` : `Invalid option: expected one of ${values.map(literal).join("|")}`;
    }
    case "too_big":
    case "too_small": {
      const big = i.code === "too_big";
      const adj = i["exact"] ? "exactly " : i["inclusive"] ? (big ? "<=" : ">=") : big ? "<" : ">";
      const bound = String(big ? i["maximum"] : i["minimum"]);
      const unit = SIZING[i.origin ?? ""];
      const what = big ? (i.origin ?? "value") : i.origin;
      return `Too ${big ? "big" : "small"}: expected ${what} to ${unit ? `have ${adj}${bound} ${unit}` : `be ${adj}${bound}`}`;
    }
    case "invalid_format": {
      const f = String(i["format"]);
      if (f === "starts_with") return `Invalid string: must start with "${String(i["prefix"])}"`;
      if (f === "ends_with") return `Invalid string: must end with "${String(i["suffix"])}"`;
      if (f === "includes") return `Invalid string: must include "${String(i["includes"])}"`;
      if (f === "regex") return `Invalid string: must match pattern ${String(i["pattern"])}`;
      return `Invalid ${FORMATS[f] ?? f}`;
    }
    case "not_multiple_of":
      return `Invalid number: must be a multiple of ${String(i["divisor"])}`;
    case "unrecognized_keys": {
      const keys = i["keys"] as string[];
      return `Unrecognized key${keys.length > 1 ? "s" : ""}: ${keys.map(literal).join(", ")}`;
    }
    case "invalid_key":
      return `Invalid key in ${String(i.origin)}`;
    case "invalid_union": {
      const options = i["options"];
      if (Array.isArray(options) && options.length > 0) return `Invalid discriminator value. Expected ${options.map((o) => `'${String(o)}'`).join(" | ")}`;
      return i["inclusive"] === false ? "Invalid input: more than one option matched" : "Invalid input";
    }
    case "invalid_element":
      return `Invalid value in ${String(i.origin)}`;
    default:
      return "Invalid input";
  }
}
