/**
 * Private zod schemas of TemplateClient: the public input/option types are derived from them.
 */
import { z } from "../../validation/parse.js";

/** Lab Services' own rule for `imageName` (rest-api.md B.1). */
const LAB_SERVICES_NAME = /^[-\w._()]+$/;
/** Compute Gallery rule for an image definition name (rest-api.md C.2), which the export creates. */
const GALLERY_DEFINITION_NAME = /^[a-zA-Z0-9]+([-._]?[a-zA-Z0-9]+)*$/;

export const imageNameSchema = z.string().check(
  z.superRefine((v: string, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (v.length === 0) return fail("is required (1-80 characters)");
    if (/\s/.test(v)) {
      return fail(
        "must not contain spaces: the service cannot save an image whose name has a space (a known pitfall, Azure/LabServices#10); use '-' or '_' instead, e.g. " +
          JSON.stringify(v.trim().replace(/\s+/g, "-").slice(0, 80)),
      );
    }
    if (v.length > 80) return fail(`is ${v.length} characters long; a gallery image definition name has at most 80`);
    if (!LAB_SERVICES_NAME.test(v)) return fail("may only contain letters, digits, '-', '_', '.', '(' and ')' (the service's pattern ^[-\\w\\._\\(\\)]+$)");
    if (!GALLERY_DEFINITION_NAME.test(v)) {
      return fail(
        "must be a valid gallery image definition name: letters and digits, with single '-', '_' or '.' between them (no parentheses, no leading, trailing or doubled separators)",
      );
    }
  }),
);

const regionSchema = z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9 ]{1,49}$/, "must be an Azure region name such as \"westus2\" or \"West US 2\""));

export const exportInputSchema = z.strictObject({
  imageName: imageNameSchema,
  replicateTo: z.optional(z.union([z.literal("geography"), z.array(regionSchema).check(z.minLength(1), z.maxLength(100))])),
});

export type ExportToGalleryInput = z.input<typeof exportInputSchema>;

const interval = z.number().check(z.nonnegative(), z.lte(3_600_000));

/** OperationOptions keys are accepted as they are; the rest is strict. */
export const exportOptionsSchema = z.optional(
  z.strictObject({
    abortSignal: z.optional(z.custom<NonNullable<unknown>>((v) => typeof v === "object" && v !== null, "must be an AbortSignal")),
    requestOptions: z.optional(z.record(z.string(), z.unknown())),
    tracingOptions: z.optional(z.record(z.string(), z.unknown())),
    serializerOptions: z.optional(z.record(z.string(), z.unknown())),
    onResponse: z.optional(z.custom<NonNullable<unknown>>((v) => typeof v === "function", "must be a function")),
    intervalInMs: z.optional(interval),
    preflight: z.optional(z.boolean()),
    experimentalClassicSaveImage: z.optional(z.boolean()),
  }),
);

export const resumeOptionsSchema = z.looseObject({ intervalInMs: z.optional(interval) });

// ---- Resume token content ---------------------------------------------------------------------

const lroHandleSchema = z.strictObject({
  method: z.enum(["GET", "PUT", "PATCH", "DELETE", "POST"]),
  api: z.enum(["labPlans", "labAccounts", "labAccountsPreview", "compute"]),
  resourceUrl: z.string().check(z.url()),
  mode: z.enum(["operation", "location", "body", "done"]),
  operationUrl: z.optional(z.string().check(z.url())),
  locationUrl: z.optional(z.string().check(z.url())),
  finalStateVia: z.enum(["original-uri", "location", "azure-async-operation"]),
});

const regionProgressSchema = z.strictObject({
  region: z.string(),
  state: z.enum(["Unknown", "Replicating", "Completed", "Failed"]),
  progress: z.number(),
});

const galleryImageSchema = z.strictObject({
  name: z.string(),
  displayName: z.string(),
  id: z.string(),
  galleryImageId: z.optional(z.string()),
  galleryImageVersionId: z.optional(z.string()),
  osType: z.optional(z.enum(["Windows", "Linux"])),
  osState: z.optional(z.enum(["Generalized", "Specialized"])),
  hyperVGeneration: z.optional(z.string()),
  enabled: z.boolean(),
  availableRegions: z.array(z.string()),
  source: z.enum(["gallery", "marketplace"]),
  account: z.string(),
});

/** The resumable state of an export. URLs and names only: no token, no password, no credential. */
export const exportSnapshotSchema = z.strictObject({
  generation: z.enum(["labPlan", "labAccount"]),
  labId: z.string(),
  imageName: z.string(),
  step: z.enum(["save", "locate", "replicate", "done"]),
  percentComplete: z.number().check(z.gte(0), z.lte(100)),
  replication: z.enum(["none", "requested", "automatic"]),
  waitForReplication: z.boolean(),
  requestedRegions: z.array(z.string()),
  accountId: z.string(),
  galleryId: z.string(),
  accountLocation: z.optional(z.string()),
  /** Versions of the definition that existed before the save (the new one is the one not in here). */
  knownVersions: z.array(z.string()),
  saveStartedAt: z.number(),
  save: lroHandleSchema,
  operationId: z.optional(z.string()),
  locateAttempts: z.number().check(z.int(), z.nonnegative()),
  galleryImageId: z.optional(z.string()),
  galleryImageVersionId: z.optional(z.string()),
  regions: z.array(regionProgressSchema),
  result: z.optional(galleryImageSchema),
});

export type ExportSnapshot = z.output<typeof exportSnapshotSchema>;
