/**
 * Validation of `createFromGalleryImage`, in two stages:
 *
 * 1. `validateCreateInput` — synchronous, no request: the schema, the image reference's shape
 *    (a version id becomes its definition, with a warning), credential rules that hold whatever the
 *    image, and — when the caller passed a `GalleryImage` — the OS-state and OS-type rules.
 * 2. `runPreflight` — one read of the image and one of the account (cached for the call), then the
 *    checks that need them: exists, enabled, replicated to the lab's region, region allowed, OS disk
 *    size, and the credential rules for the image's OS state and type. All before any write.
 *
 * No message here contains a password: credential issues name the rule, never the value.
 */
import type { OperationOptions } from "@azure/core-client";
import { ImageCredentialsError, ImageNotReplicatedError, NotFoundError, ValidationError, type ValidationIssue } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { detectResourceKind, galleryImageIdFromVersion, parseResourceId, type GalleryImageId } from "../../core/resource-id.js";
import { resourcePath } from "../../core/transport.js";
import type { GalleryImage, OsState, OsType } from "../../models/gallery-image.js";
import { parseInput } from "../../validation/parse.js";
import type { AccountInfo, CreateLabRequest, ImageRead, LabBackend } from "./backend.js";
import { passwordIssues, usernameIssues } from "./credentials.js";
import { createLabOptionsSchema, type CreateLabInput } from "./schemas.js";

/** Lab Services lists only images whose OS disk is at most this size (rest-api.md C.6). */
export const MAX_OS_DISK_GB = 128;

/** The image as the caller named it, after the synchronous checks. */
export type ImageRef =
  | { kind: "object"; image: GalleryImage }
  | { kind: "accountImage"; id: string; name: string }
  | { kind: "definition"; galleryImageId: GalleryImageId };

export interface ValidatedCreate {
  input: CreateLabInput;
  ref: ImageRef;
}

const WHAT = "createFromGalleryImage options";

function describeImage(ref: ImageRef): string {
  switch (ref.kind) {
    case "object":
      return `"${ref.image.name}"`;
    case "accountImage":
      return `"${ref.name}"`;
    case "definition":
      return `"${ref.galleryImageId.split("/").pop() ?? ref.galleryImageId}"`;
  }
}

/** Step 1: everything that can be decided without a request. Throws `ValidationError` (or `ImageCredentialsError`). */
export function validateCreateInput(options: unknown, backend: LabBackend): ValidatedCreate {
  const creds = (options as { credentials?: unknown } | null | undefined)?.credentials;
  if (typeof creds === "object" && creds !== null && (creds as { kind?: unknown }).kind === "fromImage" && "nonAdminUser" in creds) {
    throw new ImageCredentialsError(
      'Credentials of kind "fromImage" are for Specialized images, which keep the accounts of the template VM they were captured from: ' +
        "a non-admin user cannot be added when the lab is created.",
      [{ path: "credentials.nonAdminUser", message: "not allowed with a Specialized image (credentials.kind \"fromImage\")" }],
      { hint: "Remove credentials.nonAdminUser; add users to the template VM after the lab is created instead." },
    );
  }
  const input = parseInput(createLabOptionsSchema, options, WHAT);
  const ref = resolveImageRef(input.image, backend);

  if (backend.generation === "labAccount" && input.credentials.kind === "new" && input.credentials.nonAdminUser) {
    throw new ValidationError(`Invalid ${WHAT}: classic lab accounts create labs with one admin user; nonAdminUser is a lab plan feature.`, [
      { path: "credentials.nonAdminUser", message: "not supported by classic lab accounts" },
    ]);
  }

  const known = ref.kind === "object" ? ref.image : undefined;
  checkCredentials(input, known?.osState, known?.osType, describeImage(ref));
  if (known && known.source === "marketplace") {
    throw new ValidationError(`Invalid ${WHAT}: image "${known.name}" is a Marketplace image, not a gallery image.`, [
      { path: "image", message: "not a gallery image" },
    ]);
  }
  return { input, ref };
}

function resolveImageRef(image: string | GalleryImage, backend: LabBackend): ImageRef {
  if (typeof image !== "string") {
    if (image.account.toLowerCase() !== backend.accountId.toLowerCase()) {
      throw new ValidationError(`Invalid ${WHAT}: image "${image.name}" belongs to ${image.account}, not to ${backend.accountId}.`, [
        { path: "image", message: "belongs to another lab plan or lab account" },
      ], { hint: "Pass the image's gallery definition id (image.galleryImageId) instead; it works on any account the gallery is attached to." });
    }
    return { kind: "object", image };
  }
  const name = backend.accountImageName(image);
  if (name !== undefined) return { kind: "accountImage", id: image, name };
  const kind = detectResourceKind(image);
  if (kind === "galleryImage") return { kind: "definition", galleryImageId: parseResourceId(image, "galleryImage").id };
  if (kind === "galleryImageVersion") {
    const definition = galleryImageIdFromVersion(image);
    const version = image.split("/").pop();
    logger.warning(
      `createFromGalleryImage: image is a gallery image version id (version ${version}); using its image definition ${definition} instead. ` +
        `Lab Services reads the last segment of imageReference.id as an image name, so a version id fails with ResourceNotFound ` +
        `(".../images/${version} cannot be found"); a lab always uses the latest version of the definition replicated to its region.`,
    );
    return { kind: "definition", galleryImageId: definition };
  }
  const other = kind === "labPlanImage" || kind === "labAccountSharedImage" ? " It names an image of another lab plan or lab account." : "";
  throw new ValidationError(
    `Invalid ${WHAT}: image must be a GalleryImage, an image id of this ${backend.generation === "labPlan" ? "lab plan" : "lab account"}, ` +
      `a gallery image definition id or a gallery image version id.${other}`,
    [{ path: "image", message: "not a supported image reference" }],
    { hint: "Use LabAccountClient.listImages() to find the image, or pass …/providers/Microsoft.Compute/galleries/{g}/images/{definition}." },
  );
}

/**
 * The credential rules: OS state decides the credentials kind (throws `ImageCredentialsError`), OS
 * type decides username and password rules (throws `ValidationError`). Unknown state or type: only
 * the rules that hold for every image.
 */
export function checkCredentials(input: CreateLabInput, osState: OsState | undefined, osType: OsType | undefined, imageLabel: string): void {
  const c = input.credentials;
  if (osState === "Specialized" && c.kind === "new") {
    const issues: ValidationIssue[] = [{ path: "credentials.kind", message: 'must be "fromImage" for a Specialized image' }];
    if (c.nonAdminUser) issues.push({ path: "credentials.nonAdminUser", message: "not allowed with a Specialized image" });
    throw new ImageCredentialsError(
      `Image ${imageLabel} is Specialized: it keeps the user accounts of the template VM it was captured from, so new credentials cannot be set ` +
        `(Azure would reject them with "Parameter 'osProfile' is not allowed"${c.nonAdminUser ? ", and a non-admin user cannot be added" : ""}).`,
      issues,
      {
        hint: 'Use credentials: { kind: "fromImage", username, password } with the original template VM\'s username and password; change the password after the lab is created.',
      },
    );
  }
  if (osState === "Generalized" && c.kind === "fromImage") {
    throw new ImageCredentialsError(
      `Image ${imageLabel} is Generalized: it has no user accounts, so the lab must create new ones ` +
        `(Azure would reject the creation with "Required parameter 'osProfile' is missing").`,
      [{ path: "credentials.kind", message: 'must be "new" for a Generalized image' }],
      { hint: 'Use credentials: { kind: "new", adminUser: { username, password } } (optionally nonAdminUser).' },
    );
  }
  const issues: ValidationIssue[] = [];
  if (c.kind === "new") {
    issues.push(...usernameIssues(c.adminUser.username, osType, "credentials.adminUser.username"));
    issues.push(...passwordIssues(c.adminUser.password, osType, "credentials.adminUser.password"));
    if (c.nonAdminUser) {
      issues.push(...usernameIssues(c.nonAdminUser.username, osType, "credentials.nonAdminUser.username"));
      issues.push(...passwordIssues(c.nonAdminUser.password, osType, "credentials.nonAdminUser.password"));
      if (c.nonAdminUser.username.toLowerCase() === c.adminUser.username.toLowerCase()) {
        issues.push({ path: "credentials.nonAdminUser.username", message: "must differ from the admin username" });
      }
    }
  } else {
    issues.push(...usernameIssues(c.username, osType, "credentials.username"));
    issues.push(...passwordIssues(c.password, osType, "credentials.password"));
  }
  if (issues.length > 0) {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`);
    throw new ValidationError(`Invalid ${WHAT}${osType ? ` (a ${osType} image)` : ""}:\n${lines.join("\n")}`, issues, {
      hint: "Azure VMs apply these rules to the template VM's accounts; the lab would fail to provision with these credentials.",
    });
  }
}

// ---- Step 2 ------------------------------------------------------------------------------------

export interface PreflightResult {
  request: CreateLabRequest;
  /** Name of the image on the account when it must be enabled first (`enableImage: true`). */
  enableImageName: string | undefined;
}

/** Reads made at most once per `createFromGalleryImage` call. */
class CallCache {
  private account: Promise<AccountInfo> | undefined;
  private images: Promise<GalleryImage[]> | undefined;
  private readonly image = new Map<string, Promise<ImageRead | undefined>>();
  constructor(
    private readonly backend: LabBackend,
    private readonly options: OperationOptions | undefined,
  ) {}
  readAccount(): Promise<AccountInfo> {
    return (this.account ??= this.backend.readAccount(this.options));
  }
  listImages(): Promise<GalleryImage[]> {
    return (this.images ??= this.backend.listImages(this.options));
  }
  getImage(name: string): Promise<ImageRead | undefined> {
    const key = name.toLowerCase();
    let p = this.image.get(key);
    if (!p) {
      p = this.backend.getImage(name, this.options);
      this.image.set(key, p);
    }
    return p;
  }
}

const sameId = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Step 2. With `preflight: false` only the reads the request cannot be built without are made
 * (the definition id behind a lab-plan image id, the shared image behind a definition id on a lab
 * account, the account's region when no location is given), and no check is run.
 */
export async function runPreflight(
  backend: LabBackend,
  v: ValidatedCreate,
  flags: { preflight: boolean; enableImage: boolean },
  options: OperationOptions | undefined,
): Promise<PreflightResult> {
  const cache = new CallCache(backend, options);
  const { input, ref } = v;
  const label = describeImage(ref);

  if (!flags.preflight) {
    let image: GalleryImage | undefined = ref.kind === "object" ? ref.image : undefined;
    let galleryImageId = ref.kind === "definition" ? ref.galleryImageId : image?.galleryImageId;
    let accountImageId = ref.kind === "accountImage" ? ref.id : image?.id;
    if (ref.kind === "accountImage" && backend.writesGalleryImageId) {
      image = (await cache.getImage(ref.name))?.image;
      if (!image) throw await imageNotFound(backend, cache, ref, label, options);
      galleryImageId = image.galleryImageId;
    }
    if (ref.kind === "definition" && (!backend.writesGalleryImageId || flags.enableImage)) {
      image = (await cache.listImages()).find((i) => sameId(i.galleryImageId, ref.galleryImageId));
      if (!image) throw await imageNotFound(backend, cache, ref, label, options);
      accountImageId = image.id;
    }
    const location = input.location ?? (backend.writesGalleryImageId ? (await cache.readAccount()).location : undefined);
    if (location === undefined && backend.generation === "labPlan") {
      throw new ValidationError(`The lab plan's region is unknown; pass options.location.`, [{ path: "location", message: "required" }]);
    }
    if (input.location !== undefined && backend.generation === "labAccount") {
      logger.warning("createFromGalleryImage: classic lab accounts create labs in the account's region; options.location is not sent.");
    }
    return {
      request: { input, galleryImageId, accountImageId, osType: image?.osType, location },
      enableImageName: flags.enableImage && image && !image.enabled ? image.name : undefined,
    };
  }

  // One read of the account and one of the image, in parallel.
  // Promise.all, not two awaits: if both reads fail, the second rejection must not go unhandled
  // (it would crash a plain SDK user's process).
  const [account, read] = await Promise.all([cache.readAccount(), readImage(backend, cache, ref, label, options)]);
  const image = read.image;

  // Region: the lab's location must be allowed by the account, and the image replicated there.
  const location = input.location ?? account.location;
  if (location === undefined) {
    throw new ValidationError(`The ${backend.generation === "labPlan" ? "lab plan" : "lab account"}'s region is unknown; pass options.location.`, [
      { path: "location", message: "required" },
    ]);
  }
  if (account.regionRule === "allowedRegions") {
    const allowed = account.allowedRegions.length > 0 ? account.allowedRegions : account.location ? [account.location] : [];
    if (allowed.length > 0 && !allowed.includes(location)) {
      throw new ValidationError(
        `Invalid ${WHAT}: region ${location} is not allowed by lab plan ${backend.accountId.split("/").pop()} (allowed: ${allowed.join(", ")}).`,
        [{ path: "location", message: `must be one of ${allowed.join(", ")}` }],
        { hint: "Pick an allowed region, or add this one to the lab plan's allowedRegions (LabAccountClient)." },
      );
    }
  } else if (account.location !== undefined && location !== account.location) {
    throw new ValidationError(`Invalid ${WHAT}: classic lab accounts create labs in the account's region (${account.location}), not ${location}.`, [
      { path: "location", message: `must be ${account.location} or omitted` },
    ]);
  }

  checkCredentials(input, image.osState, image.osType, `"${image.name}"`);

  if (image.source === "marketplace" || (image.galleryImageId === undefined && backend.writesGalleryImageId)) {
    throw new ValidationError(`Invalid ${WHAT}: image "${image.name}" is a Marketplace image, not a gallery image.`, [
      { path: "image", message: "not a gallery image" },
    ]);
  }

  if (read.regionsKnown && !image.availableRegions.map((r) => r.replace(/\s+/g, "").toLowerCase()).includes(location)) {
    const regions = image.availableRegions;
    throw new ImageNotReplicatedError(
      `Image "${image.name}" is not replicated to ${location}, the lab's region (it is available in: ${regions.length > 0 ? regions.join(", ") : "no region"}). ` +
        `Lab Services only creates labs from gallery images replicated to the lab's region.`,
      location,
      regions,
      `Replicate the image's latest version to ${location}: TemplateClient.exportToGallery({ replicateTo }) for new exports, or add ${location} to the ` +
        `version's target regions in the Azure Compute Gallery (az sig image-version update --add publishingProfile.targetRegions name=${location}); ` +
        `or create the lab in one of the available regions with options.location.`,
    );
  }

  if (!image.enabled && !flags.enableImage) {
    throw new ValidationError(
      `Image "${image.name}" is disabled on ${backend.generation === "labPlan" ? "lab plan" : "lab account"} ${backend.accountId.split("/").pop()}: ` +
        `lab creators can only use enabled images.`,
      [{ path: "image", message: "not enabled on the account" }],
      { hint: 'Pass { enableImage: true } as the second argument to enable it first, or LabAccountClient.setImageEnabled(name, true).' },
    );
  }

  return {
    request: {
      input,
      galleryImageId: image.galleryImageId,
      accountImageId: image.id || undefined,
      osType: image.osType,
      location,
    },
    enableImageName: image.enabled ? undefined : image.name,
  };
}

async function readImage(backend: LabBackend, cache: CallCache, ref: ImageRef, label: string, options: OperationOptions | undefined): Promise<ImageRead> {
  let name: string | undefined;
  if (ref.kind === "object") name = ref.image.name;
  else if (ref.kind === "accountImage") name = ref.name;
  else name = (await cache.listImages()).find((i) => sameId(i.galleryImageId, ref.galleryImageId))?.name;
  const read = name === undefined ? undefined : await cache.getImage(name);
  if (!read) throw await imageNotFound(backend, cache, ref, label, options);
  return read;
}

/** Builds the NotFoundError (or a ValidationError for a too-large OS disk) for an image the account does not have. */
async function imageNotFound(
  backend: LabBackend,
  cache: CallCache,
  ref: ImageRef,
  label: string,
  options: OperationOptions | undefined,
): Promise<Error> {
  const where = `${backend.generation === "labPlan" ? "lab plan" : "lab account"} ${backend.accountId.split("/").pop()}`;
  const definitionId = ref.kind === "definition" ? ref.galleryImageId : ref.kind === "object" ? ref.image.galleryImageId : undefined;
  if (definitionId) {
    const disk = await osDiskProblem(backend, definitionId, options);
    if (disk) return disk;
  }
  let images: GalleryImage[] = [];
  try {
    images = await cache.listImages();
  } catch {
    // The matches are a courtesy; the not-found error is what matters.
  }
  const wanted = label.replace(/"/g, "");
  const matches = closeMatches(wanted, images);
  return new NotFoundError({
    statusCode: 404,
    code: "ImageNotFound",
    message:
      `Image ${label} was not found on ${where}.` +
      (matches.length > 0 ? ` Close matches: ${matches.join(", ")}.` : images.length > 0 ? ` It has ${images.length} image(s), none close to ${label}.` : ""),
    hint:
      "Check that the gallery holding the image is attached to the account (LabAccountClient.attachGallery), that the image is a gallery image " +
      "definition with an OS disk of at most 128 GB and no data disks, and list the account's images with LabAccountClient.listImages().",
  });
}

/** Levenshtein distance, bounded work (names are ≤ 100 characters). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

export function closeMatches(wanted: string, images: readonly GalleryImage[]): string[] {
  const w = wanted.toLowerCase();
  const scored: { label: string; score: number }[] = [];
  for (const img of images) {
    const candidates = [img.name, img.displayName, img.galleryImageId?.split("/").pop()].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    const best = Math.min(...candidates.map((c) => (c.includes(w) || w.includes(c) ? 0 : distance(w, c))));
    if (best <= Math.max(2, Math.floor(w.length / 3))) {
      scored.push({ label: img.displayName && img.displayName !== img.name ? `"${img.name}" (${img.displayName})` : `"${img.name}"`, score: best });
    }
  }
  return scored.sort((a, b) => a.score - b.score).slice(0, 5).map((s) => s.label);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Lab Services silently hides images whose OS disk is over 128 GB or that have data disks
 * (rest-api.md C.6); when an image is missing, the gallery tells why. Knowable only when the
 * caller may read the gallery; any failure here just means "not knowable".
 */
async function osDiskProblem(backend: LabBackend, definitionId: string, options: OperationOptions | undefined): Promise<ValidationError | undefined> {
  let body: unknown;
  try {
    body = await backend.transport.getOptional<unknown>({ path: resourcePath(definitionId, "versions"), api: "compute", options });
  } catch {
    return undefined;
  }
  const versions = (body as { value?: unknown } | undefined)?.value;
  if (!Array.isArray(versions) || versions.length === 0) return undefined;
  const latest = [...versions]
    .filter((x): x is { name: string; properties?: Record<string, unknown> } => typeof (x as { name?: unknown })?.name === "string")
    .sort((a, b) => compareVersions(b.name, a.name))[0];
  if (!latest) return undefined;
  const storage = (latest.properties?.["storageProfile"] ?? {}) as { osDiskImage?: { sizeInGB?: unknown }; dataDiskImages?: unknown };
  const size = storage.osDiskImage?.sizeInGB;
  const name = definitionId.split("/").pop();
  if (typeof size === "number" && size > MAX_OS_DISK_GB) {
    return new ValidationError(
      `Image "${name}" cannot be used by Lab Services: its OS disk is ${size} GB (version ${latest.name}); Lab Services only uses images with an OS disk of at most ${MAX_OS_DISK_GB} GB, and never lists larger ones.`,
      [{ path: "image", message: `OS disk ${size} GB exceeds ${MAX_OS_DISK_GB} GB` }],
      { hint: `Capture the image from a VM whose OS disk is at most ${MAX_OS_DISK_GB} GB.` },
    );
  }
  if (Array.isArray(storage.dataDiskImages) && storage.dataDiskImages.length > 0) {
    return new ValidationError(
      `Image "${name}" cannot be used by Lab Services: version ${latest.name} has data disks; Lab Services only uses images with a single OS disk.`,
      [{ path: "image", message: "has data disks" }],
    );
  }
  return undefined;
}
