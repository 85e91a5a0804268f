/**
 * Our English messages must read exactly as zod's own English locale for every issue our schemas
 * raise (the SDK drops the locale import to keep its bundle budget, docs/performance.md part b).
 */
import fc from "fast-check";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { describe, expect, it } from "vitest";
import { englishMessage } from "../../src/validation/messages.js";
import { createLabOptionsSchema } from "../../src/clients/lab/schemas.js";
import { exportInputSchema } from "../../src/clients/template/schemas.js";
import { attachGalleryOptionsSchema, listImagesOptionsSchema } from "../../src/clients/lab-account/schemas.js";

const zodEnglish = en().localeError;

function messages(schema: z.ZodMiniType, input: unknown, error: (i: z.core.$ZodRawIssue) => unknown): string[] {
  const r = z.safeParse(schema, input, { error: error as never });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const samples: Array<[string, z.ZodMiniType, unknown[]]> = [
  ["string bounds", z.string().check(z.minLength(3), z.maxLength(5)), ["", "ab", "abcdef", 3, null, undefined, [], {}, NaN]],
  ["regex", z.string().check(z.regex(/^[a-z]+$/)), ["A1", 1n]],
  ["number bounds", z.number().check(z.gte(0), z.lte(10)), [-1, 11, Infinity, NaN, "5", new Date(0)]],
  ["int", z.int(), [1.5, "x", -Infinity]],
  ["enum", z.enum(["a", "b"]), ["c", 1]],
  ["literal", z.literal("x"), ["y"]],
  ["strict object", z.strictObject({ a: z.string() }), [{ a: "x", b: 1, c: 2 }, { a: "x", b: 1 }, { a: 1 }, "s"]],
  ["union", z.union([z.string(), z.number()]), [true, {}]],
  ["discriminated", z.discriminatedUnion("kind", [z.object({ kind: z.literal("a") }), z.object({ kind: z.literal("b") })]), [{ kind: "c" }, {}]],
  ["array", z.array(z.string()).check(z.minLength(1), z.maxLength(2)), [[], ["a", "b", "c"], [1]]],
  ["url", z.url(), ["not a url"]],
  ["record", z.record(z.string(), z.number()), [{ a: "x" }, 5]],
];

describe("englishMessage matches zod's English locale", () => {
  it.each(samples)("%s", (_name, schema, inputs) => {
    for (const input of inputs) expect(messages(schema, input, englishMessage)).toEqual(messages(schema, input, zodEnglish));
  });

  it("for the SDK's own schemas over random inputs", () => {
    const schemas = [createLabOptionsSchema, exportInputSchema, attachGalleryOptionsSchema, listImagesOptionsSchema] as z.ZodMiniType[];
    fc.assert(
      fc.property(fc.constantFrom(...schemas), fc.anything({ withNullPrototype: false, maxDepth: 3 }), (schema, input) => {
        expect(messages(schema, input, englishMessage)).toEqual(messages(schema, input, zodEnglish));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
