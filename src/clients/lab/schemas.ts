/**
 * The private schema of `LabClient.createFromGalleryImage` options. The public option types are
 * `z.input` of these schemas, so the types and the runtime checks cannot drift. Every object is
 * strict: an unknown key (a typo) is an error, not silently ignored.
 */
import { z } from "../../validation/parse.js";
import type { GalleryImage } from "../../models/gallery-image.js";

const MAX_QUOTA_HOURS = 9999;

/** Converts an ISO-8601 duration (`PT10H`, `P1DT2H`, `P0Y0M0DT0H10M0S`) to hours, or undefined. */
export function isoDurationToHours(value: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
    value.trim(),
  );
  if (!m || value.trim() === "P" || /T$/i.test(value.trim())) return undefined;
  const [, y, mo, w, d, h, mi, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  // Years and months have no fixed length in hours; ARM examples only ever send them as 0.
  if ((y ?? 0) !== 0 || (mo ?? 0) !== 0) return undefined;
  return (w ?? 0) * 168 + (d ?? 0) * 24 + (h ?? 0) + (mi ?? 0) / 60 + (s ?? 0) / 3600;
}

/** Hours → the ISO-8601 duration Lab Services stores (`PT10H`, `PT1H30M`). */
export function hoursToIsoDuration(hours: number): string {
  const totalMinutes = Math.round(hours * 60);
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  return m === 0 ? `PT${h}H` : `PT${h}H${m}M`;
}

export function minutesToIsoDuration(minutes: number): string {
  return `PT${minutes}M`;
}

const usageQuota = z.pipe(
  z.union([
    z.strictObject({ hours: z.number().check(z.gte(0), z.lte(MAX_QUOTA_HOURS)) }),
    z.string().check(
      z.refine((s) => isoDurationToHours(s) !== undefined, {
        message: "expected { hours } or an ISO-8601 duration such as PT10H",
      }),
    ),
  ]),
  z.transform((v: { hours: number } | string, ctx) => {
    const hours = typeof v === "string" ? (isoDurationToHours(v) as number) : v.hours;
    if (hours > MAX_QUOTA_HOURS) {
      // zod/mini's transform context has no addIssue: push the issue as classic zod's addIssue would.
      ctx.issues.push({ code: "custom", message: `the usage quota must be between 0 and ${MAX_QUOTA_HOURS} hours`, input: v });
      return z.NEVER;
    }
    return hours;
  }),
);

const connectionType = z.enum(["Public", "Private", "None"]);
const delayMinutes = z.number().check(z.int(), z.gte(0), z.lte(10_080));

function isGalleryImage(v: unknown): v is GalleryImage {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o["name"] === "string" && typeof o["id"] === "string" && typeof o["account"] === "string" && Array.isArray(o["availableRegions"]);
}

const image = z.union([
  z.string().check(z.minLength(1, "expected an image id")),
  z.custom<GalleryImage>(isGalleryImage, {
    message: "expected a GalleryImage (from LabAccountClient.listImages/getImage) or an image id",
  }),
]);

const user = z.strictObject({
  username: z.string().check(z.minLength(1, "a username is required")),
  password: z.string().check(z.minLength(1, "a password is required")),
});

/** For a generalized image: the accounts Azure creates on the template VM. */
const newCredentials = z.strictObject({
  kind: z.literal("new"),
  adminUser: user,
  nonAdminUser: z.optional(user),
  /** Give every student VM the same password (lab plans). Default false. */
  useSharedPassword: z.optional(z.boolean()),
});

/** For a specialized image: the template VM's original credentials, which the image keeps. */
const fromImageCredentials = z.strictObject({
  kind: z.literal("fromImage"),
  username: z.string().check(z.minLength(1, "a username is required")),
  password: z.string().check(z.minLength(1, "a password is required")),
});

// Issue 10 (hostile input): free-text fields travel only in the JSON body, but a control character
// (NUL, ESC, CR/LF) there is never legitimate and the service would refuse it after the preflight
// reads: refuse it before any request. Found by test/reliability/hostile-input.test.ts.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const noControl = "must not contain control characters";

export const createLabOptionsSchema = z.strictObject({
  /** The lab's resource name: 1-100 letters, digits, '-', '_', '.', '(' or ')'. */
  name: z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[-\w.()]+$/, "use 1-100 letters, digits, '-', '_', '.', '(' or ')'")),
  title: z.optional(z.string().check(z.minLength(1), z.maxLength(120), z.regex(NO_CONTROL, noControl))),
  description: z.optional(z.string().check(z.maxLength(2000), z.regex(NO_CONTROL, noControl))),
  /** Region of the lab, e.g. `westus2` ("West US 2" is accepted). Default: the account's region. */
  location: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[A-Za-z0-9 ]{2,50}$/, "expected an Azure region name such as westus2")),
      z.transform((s: string) => s.replace(/\s+/g, "").toLowerCase()),
    ),
  ),
  image,
  /** VM size, e.g. `Classic_Fsv2_2_4GB_128_S_SSD` (lab plans) or `Medium` (lab accounts). */
  sku: z.string().check(z.minLength(1), z.maxLength(100), z.regex(NO_CONTROL, noControl)),
  /** Number of student VMs (lab plans). */
  capacity: z.optional(z.number().check(z.int(), z.gte(0))),
  /** Hours each student may use: `{ hours: 10 }` or `"PT10H"`, 0-9999 hours. */
  usageQuota,
  connection: z.optional(
    z.strictObject({
      clientRdpAccess: z.optional(connectionType),
      clientSshAccess: z.optional(connectionType),
      webRdpAccess: z.optional(connectionType),
      webSshAccess: z.optional(connectionType),
    }),
  ),
  autoShutdown: z.optional(
    z.strictObject({
      shutdownOnDisconnect: z.optional(z.boolean()),
      disconnectDelayMinutes: z.optional(delayMinutes),
      shutdownWhenNotConnected: z.optional(z.boolean()),
      noConnectDelayMinutes: z.optional(delayMinutes),
      shutdownOnIdle: z.optional(z.enum(["None", "UserAbsence", "LowUsage"])),
      idleDelayMinutes: z.optional(delayMinutes),
    }),
  ),
  security: z.optional(z.strictObject({ openAccess: z.optional(z.boolean()) })),
  /** `TemplateVM` (default): a template VM students' VMs are copied from; `Image`: no template. */
  createOption: z._default(z.enum(["TemplateVM", "Image"]), "TemplateVM"),
  installGpuDrivers: z._default(z.boolean(), false),
  credentials: z.discriminatedUnion("kind", [newCredentials, fromImageCredentials]),
});

export const createLabOperationOptionsSchema = z.looseObject({
  /** Read the image and the account before writing (default true). Input validation always runs. */
  preflight: z.optional(z.boolean()),
  /** Enable the image on the account first when it is disabled (default false). */
  enableImage: z.optional(z.boolean()),
  /** What to do when a lab with this name exists: `fail` (default) or `reuse` it if made from the same image. */
  ifExists: z.optional(z.enum(["fail", "reuse"])),
  /** Fixed wait between polls, in ms. */
  intervalInMs: z.optional(z.number().check(z.gte(0))),
});

export type CreateLabInput = z.output<typeof createLabOptionsSchema>;
export type CreateLabCredentials = z.input<typeof createLabOptionsSchema>["credentials"];
