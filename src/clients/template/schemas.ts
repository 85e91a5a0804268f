/**
 * Private zod schemas of TemplateClient: the public input/option types are derived from them.
 */
import { z } from "../../validation/parse.js";

/** Lab Services' own rule for `imageName` (rest-api.md B.1). */
const LAB_SERVICES_NAME = /^[-\w._()]+$/;
/** Compute Gallery rule for an image definition name (rest-api.md C.2), which the export creates. */
const GALLERY_DEFINITION_NAME = /^[a-zA-Z0-9]+([-._]?[a-zA-Z0-9]+)*$/;

export const imageNameSchema = z.string().superRefine((v, ctx) => {
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
});

const regionSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9 ]{1,49}$/, "must be an Azure region name such as \"westus2\" or \"West US 2\"");

export const exportInputSchema = z.strictObject({
  imageName: imageNameSchema,
  replicateTo: z.union([z.literal("geography"), z.array(regionSchema).min(1).max(100)]).optional(),
});

export type ExportToGalleryInput = z.input<typeof exportInputSchema>;

const interval = z.number().finite().nonnegative().max(3_600_000);

/** OperationOptions keys are accepted as they are; the rest is strict. */
export const exportOptionsSchema = z
  .strictObject({
    abortSignal: z.custom<NonNullable<unknown>>((v) => typeof v === "object" && v !== null, "must be an AbortSignal").optional(),
    requestOptions: z.record(z.string(), z.unknown()).optional(),
    tracingOptions: z.record(z.string(), z.unknown()).optional(),
    serializerOptions: z.record(z.string(), z.unknown()).optional(),
    onResponse: z.custom<NonNullable<unknown>>((v) => typeof v === "function", "must be a function").optional(),
    intervalInMs: interval.optional(),
    preflight: z.boolean().optional(),
    experimentalClassicSaveImage: z.boolean().optional(),
  })
  .optional();

export const resumeOptionsSchema = z.object({ intervalInMs: interval.optional() }).loose();

// ---- Resume token content ---------------------------------------------------------------------

const lroHandleSchema = z.strictObject({
  method: z.enum(["GET", "PUT", "PATCH", "DELETE", "POST"]),
  api: z.enum(["labPlans", "labAccounts", "labAccountsPreview", "compute"]),
  resourceUrl: z.string().url(),
  mode: z.enum(["operation", "location", "body", "done"]),
  operationUrl: z.string().url().optional(),
  locationUrl: z.string().url().optional(),
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
  galleryImageId: z.string().optional(),
  galleryImageVersionId: z.string().optional(),
  osType: z.enum(["Windows", "Linux"]).optional(),
  osState: z.enum(["Generalized", "Specialized"]).optional(),
  hyperVGeneration: z.string().optional(),
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
  percentComplete: z.number().min(0).max(100),
  replication: z.enum(["none", "requested", "automatic"]),
  waitForReplication: z.boolean(),
  requestedRegions: z.array(z.string()),
  accountId: z.string(),
  galleryId: z.string(),
  accountLocation: z.string().optional(),
  /** Versions of the definition that existed before the save (the new one is the one not in here). */
  knownVersions: z.array(z.string()),
  saveStartedAt: z.number(),
  save: lroHandleSchema,
  operationId: z.string().optional(),
  locateAttempts: z.number().int().nonnegative(),
  galleryImageId: z.string().optional(),
  galleryImageVersionId: z.string().optional(),
  regions: z.array(regionProgressSchema),
  result: galleryImageSchema.optional(),
});

export type ExportSnapshot = z.output<typeof exportSnapshotSchema>;
