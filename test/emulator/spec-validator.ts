/**
 * A small validator for Swagger 2.0 definitions, enough for the Lab Services and Compute gallery specs:
 * $ref (with the README's path mapping), allOf, type, required, enum (strict unless modelAsString),
 * date-time, arrays, maps, x-nullable, and unknown properties (reported: the emulator must not invent fields).
 * `$ref`s that cannot be resolved (galleryRPCommon.json, not copied) accept anything.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { specsRoot } from "./helpers.js";

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cache = new Map<string, Schema>();

function load(file: string): Schema | undefined {
  if (!cache.has(file)) {
    if (!existsSync(file)) {
      // Only galleryRPCommon.json is known to be absent (specs README); anything else is a broken setup.
      if (path.basename(file) === "galleryRPCommon.json") return undefined;
      throw new Error(`spec file missing: ${file}`);
    }
    cache.set(file, JSON.parse(readFileSync(file, "utf8")) as Schema);
  }
  return cache.get(file);
}

function mapRef(fromFile: string, ref: string): { file: string; pointer: string } {
  const [rel, pointer = ""] = ref.split("#");
  if (!rel) return { file: fromFile, pointer };
  if (rel.includes("common-types/resource-management/v2/")) return { file: path.join(specsRoot, "common-types/resource-management/v2", path.basename(rel)), pointer };
  if (rel.includes("common-types/v1/common.json")) return { file: path.join(specsRoot, "compute/common-types/v1/common.json"), pointer };
  return { file: path.resolve(path.dirname(fromFile), rel), pointer };
}

function resolve(fromFile: string, ref: string): { schema: Schema; file: string } | undefined {
  const { file, pointer } = mapRef(fromFile, ref);
  const doc = load(file);
  if (!doc) return undefined;
  let cur: Schema | undefined = doc;
  for (const part of pointer.split("/").filter(Boolean)) cur = cur?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return cur ? { schema: cur, file } : undefined;
}

interface Collected {
  props: Map<string, { schema: Schema; file: string }>;
  required: Set<string>;
  open: boolean;
}

function collect(schema: Schema, file: string, out: Collected): void {
  if (schema["$ref"]) {
    const r = resolve(file, schema["$ref"]);
    if (!r) {
      out.open = true;
      return;
    }
    collect(r.schema, r.file, out);
    return;
  }
  for (const s of schema["allOf"] ?? []) collect(s, file, out);
  for (const [k, v] of Object.entries(schema["properties"] ?? {})) out.props.set(k, { schema: v as Schema, file });
  for (const r of schema["required"] ?? []) out.required.add(r);
  if (schema["additionalProperties"] !== undefined && schema["additionalProperties"] !== false) out.open = true;
}

export function validate(schema: Schema, file: string, value: unknown, at = "$", errors: string[] = [], opts: { ignoreRequired?: string[] } = {}): string[] {
  if (schema["$ref"]) {
    const r = resolve(file, schema["$ref"]);
    if (!r) return errors;
    return validate(r.schema, r.file, value, at, errors, opts);
  }
  if (value === null) {
    if (!schema["x-nullable"]) errors.push(`${at}: null is not allowed`);
    return errors;
  }
  const isObjectSchema = schema["type"] === "object" || schema["properties"] || schema["allOf"];
  if (isObjectSchema && !schema["additionalProperties"]) {
    if (typeof value !== "object" || Array.isArray(value)) {
      errors.push(`${at}: expected object`);
      return errors;
    }
    const c: Collected = { props: new Map(), required: new Set(), open: false };
    collect(schema, file, c);
    for (const r of c.required) if (!(r in (value as object)) && !opts.ignoreRequired?.includes(r)) errors.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(value as object)) {
      const p = c.props.get(k);
      if (!p) {
        if (!c.open) errors.push(`${at}.${k}: not in the spec`);
        continue;
      }
      validate(p.schema, p.file, v, `${at}.${k}`, errors, opts);
    }
    return errors;
  }
  switch (schema["type"]) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) errors.push(`${at}: expected object`);
      else if (typeof schema["additionalProperties"] === "object") for (const [k, v] of Object.entries(value as object)) validate(schema["additionalProperties"], file, v, `${at}.${k}`, errors, opts);
      break;
    }
    case "array":
      if (!Array.isArray(value)) errors.push(`${at}: expected array`);
      else value.forEach((v, i) => schema["items"] && validate(schema["items"], file, v, `${at}[${i}]`, errors, opts));
      break;
    case "string":
      if (typeof value !== "string") errors.push(`${at}: expected string, got ${typeof value}`);
      else {
        if (schema["enum"] && schema["x-ms-enum"]?.modelAsString !== true && !schema["enum"].includes(value)) errors.push(`${at}: '${value}' not in [${schema["enum"].join(", ")}]`);
        if (schema["format"] === "date-time" && Number.isNaN(Date.parse(value))) errors.push(`${at}: not a date-time`);
        if (typeof schema["minLength"] === "number" && value.length < schema["minLength"]) errors.push(`${at}: shorter than ${schema["minLength"]}`);
        if (typeof schema["maxLength"] === "number" && value.length > schema["maxLength"]) errors.push(`${at}: longer than ${schema["maxLength"]}`);
      }
      break;
    case "integer":
      if (!Number.isInteger(value)) errors.push(`${at}: expected integer`);
      break;
    case "number":
      if (typeof value !== "number") errors.push(`${at}: expected number`);
      break;
    case "boolean":
      if (typeof value !== "boolean") errors.push(`${at}: expected boolean`);
      break;
    default:
      break;
  }
  return errors;
}

/** Validates `value` against `#/definitions/{name}` of a spec file (path relative to the specs folder). */
export function validateDefinition(specFile: string, name: string, value: unknown, opts: { ignoreRequired?: string[] } = {}): string[] {
  const file = path.join(specsRoot, specFile);
  return validate({ $ref: `#/definitions/${name}` }, file, value, "$", [], opts);
}
