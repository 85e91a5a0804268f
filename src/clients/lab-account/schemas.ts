/**
 * Private input schemas of `LabAccountClient`. Every public method parses its input with one of
 * these (through `parseInput`) before any request; the public option types are derived from them
 * (`z.input<…>`), so the documentation, the types and the checks cannot drift. Unknown keys are
 * errors: a typo such as `{ enable: true }` must not silently list every image.
 */
import type { OperationOptions } from "@azure/core-client";
import { parseResourceId, type GalleryId } from "../../core/resource-id.js";
import { isValidationError } from "../../core/errors.js";
import { z } from "../../validation/parse.js";

const isObject = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `OperationOptions` of `@azure/core-client`, checked only for shape (they are passed through). */
export const operationOptionsShape = {
  abortSignal: z.optional(
    z.custom<NonNullable<OperationOptions["abortSignal"]>>((v) => isObject(v) && typeof (v as { aborted?: unknown }).aborted === "boolean", {
      error: "expected an AbortSignal (e.g. AbortSignal.timeout(60_000))",
    }),
  ),
  requestOptions: z.optional(
    z.custom<NonNullable<OperationOptions["requestOptions"]>>(isObject, { error: "expected an object such as { timeout: 30000 }" }),
  ),
  tracingOptions: z.optional(z.custom<NonNullable<OperationOptions["tracingOptions"]>>(isObject, { error: "expected an object" })),
  serializerOptions: z.optional(z.custom<NonNullable<OperationOptions["serializerOptions"]>>(isObject, { error: "expected an object" })),
  onResponse: z.optional(z.custom<NonNullable<OperationOptions["onResponse"]>>((v) => typeof v === "function", { error: "expected a function" })),
};

export const operationOptionsSchema = z.optional(z.strictObject(operationOptionsShape));

/** Keeps only the operation options that are set (the transport's types do not accept `undefined` values). */
export function operationOptions(parsed: { [K in keyof OperationOptions]?: OperationOptions[K] | undefined } | undefined): OperationOptions {
  const out: OperationOptions = {};
  if (!parsed) return out;
  if (parsed.abortSignal !== undefined) out.abortSignal = parsed.abortSignal;
  if (parsed.requestOptions !== undefined) out.requestOptions = parsed.requestOptions;
  if (parsed.tracingOptions !== undefined) out.tracingOptions = parsed.tracingOptions;
  if (parsed.serializerOptions !== undefined) out.serializerOptions = parsed.serializerOptions;
  if (parsed.onResponse !== undefined) out.onResponse = parsed.onResponse;
  return out;
}

const GALLERY_ID_EXAMPLE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/{galleryName}";

/** A Compute Gallery id, returned in canonical casing. */
export const galleryIdSchema = z.pipe(
  z.string({ error: `expected a gallery resource id such as ${GALLERY_ID_EXAMPLE}` }),
  z.transform((value: string, ctx): GalleryId => {
    try {
      return parseResourceId(value, "gallery").id;
    } catch (e) {
      // zod/mini's transform context has no addIssue: push the issue as classic zod's addIssue would.
      ctx.issues.push({
        code: "custom",
        message: `${isValidationError(e) ? `${e.message} ` : ""}Expected a gallery resource id such as ${GALLERY_ID_EXAMPLE}.`,
        input: value,
      });
      return z.NEVER;
    }
  }),
);

export const attachGalleryOptionsSchema = z.optional(
  z.strictObject({
    /** Detach the gallery that is attached now (if another one is) before attaching this one. Default false. */
    replace: z.optional(z.boolean({ error: "expected true or false" })),
    /** Check the gallery and the documented rules before writing. Default true. */
    preflight: z.optional(z.boolean({ error: "expected true or false" })),
    ...operationOptionsShape,
  }),
);

const OS_STATES = ["Generalized", "Specialized"] as const;
const OS_TYPES = ["Windows", "Linux"] as const;
const SOURCES = ["gallery", "marketplace"] as const;

export const listImagesOptionsSchema = z.optional(
  z.strictObject({
    /** Only images lab creators may use (`true`) or only the others (`false`). */
    enabled: z.optional(z.boolean({ error: "expected true or false" })),
    /** `"gallery"` for Compute Gallery images, `"marketplace"` for Azure Marketplace images (lab plans only). */
    source: z.optional(z.enum(SOURCES, { error: `expected "gallery" or "marketplace"` })),
    osState: z.optional(z.enum(OS_STATES, { error: `expected "Generalized" or "Specialized"` })),
    osType: z.optional(z.enum(OS_TYPES, { error: `expected "Windows" or "Linux"` })),
    /** Case-insensitive text the display name must contain. */
    displayName: z.optional(
      z
        .string({ error: "expected text that the display name contains, e.g. \"windows 11\"" })
        .check(
          z.trim(),
          z.minLength(1, { error: "expected at least one character, e.g. \"windows 11\"" }),
          z.maxLength(256, { error: "expected at most 256 characters" }),
        ),
    ),
    ...operationOptionsShape,
  }),
);

/** An image name or one of the ids `getImage` accepts; checked in detail by the resolver. */
export const imageRefSchema = z
  .string({ error: "expected an image name such as \"win11-base\" or an image, gallery image definition or version id" })
  .check(
    z.trim(),
    z.minLength(1, { error: "expected an image name such as \"win11-base\" or an image id, not an empty string" }),
    z.maxLength(2000, { error: "expected at most 2000 characters" }),
  );

/** One name/id or a list of them; a single string is taken as a list of one. */
export const imageRefsSchema = z.pipe(
  z.transform((v: unknown) => (typeof v === "string" ? [v] : v)),
  z
    .array(imageRefSchema, { error: "expected an image name such as \"win11-base\" or a list of image names" })
    .check(
      z.minLength(1, { error: "expected at least one image name, e.g. [\"win11-base\"]" }),
      z.maxLength(500, { error: "expected at most 500 image names per call" }),
    ),
);

export const enabledSchema = z.boolean({ error: "expected true (lab creators may use the image) or false" });
