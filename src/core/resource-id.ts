/**
 * Typed Azure resource ids for every resource type the SDK touches.
 *
 * Ids are parsed and formatted from one table so the two directions cannot drift. Every name is
 * checked against the service's own pattern before it is used, and every segment is encoded when
 * formatted, so no input can add a path segment, a query, a fragment or change the host.
 * Provider and type segments match case-insensitively, as ARM matches them; formatted ids always
 * use the canonical casing below.
 */
import { ValidationError } from "./errors.js";

/** The kinds of resource id the SDK understands. */
export type ResourceKind =
  | "labPlan"
  | "labPlanImage"
  | "lab"
  | "labVirtualMachine"
  | "labAccount"
  | "classicLab"
  | "environmentSetting"
  | "labAccountSharedGallery"
  | "labAccountSharedImage"
  | "gallery"
  | "galleryImage"
  | "galleryImageVersion";

declare const brand: unique symbol;
/** A resource id string known to be of kind `K`. Obtain one from a `format…`/`parse…` helper. */
export type ResourceId<K extends ResourceKind> = string & { readonly [brand]: K };

export type LabPlanId = ResourceId<"labPlan">;
export type LabPlanImageId = ResourceId<"labPlanImage">;
export type LabId = ResourceId<"lab">;
export type LabVirtualMachineId = ResourceId<"labVirtualMachine">;
export type LabAccountId = ResourceId<"labAccount">;
export type ClassicLabId = ResourceId<"classicLab">;
export type EnvironmentSettingId = ResourceId<"environmentSetting">;
export type LabAccountSharedGalleryId = ResourceId<"labAccountSharedGallery">;
export type LabAccountSharedImageId = ResourceId<"labAccountSharedImage">;
export type GalleryId = ResourceId<"gallery">;
export type GalleryImageId = ResourceId<"galleryImage">;
export type GalleryImageVersionId = ResourceId<"galleryImageVersion">;

interface NameRule {
  readonly pattern: RegExp;
  readonly max: number;
  readonly describe: string;
}

// Patterns are the services' own: Lab Services imageName/operationResultId `^[-\w\._\(\)]+$`
// (rest-api.md B.1); Compute gallery and definition names (C.2); version `Major.Minor.Patch` (C.4);
// resource groups as ARM defines them. `\w` is ASCII-only in JavaScript, which is stricter than
// ARM for resource groups; documented in docs/ids.md.
const RULES = {
  subscription: {
    pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    max: 36,
    describe: "a GUID such as 00000000-0000-0000-0000-000000000000",
  },
  resourceGroup: {
    pattern: /^[-\w.()]*[-\w()]$/,
    max: 90,
    describe: "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'",
  },
  labServices: {
    pattern: /^[-\w.()]+$/,
    max: 100,
    describe: "1-100 letters, digits, '-', '_', '.', '(' or ')'",
  },
  gallery: {
    pattern: /^[a-zA-Z0-9]+([_.]?[a-zA-Z0-9]+)*$/,
    max: 80,
    describe: "1-80 letters and digits, with single '_' or '.' between them",
  },
  galleryImage: {
    pattern: /^[a-zA-Z0-9]+([-._]?[a-zA-Z0-9]+)*$/,
    max: 80,
    describe: "1-80 letters and digits, with single '-', '_' or '.' between them",
  },
  version: {
    pattern: /^(0|[1-9]\d{0,9})\.(0|[1-9]\d{0,9})\.(0|[1-9]\d{0,9})$/,
    max: 32,
    describe: "Major.Minor.Patch, each a whole number (e.g. 1.0.0)",
  },
} as const satisfies Record<string, NameRule>;

type RuleName = keyof typeof RULES;

interface Segment {
  /** Canonical type segment, e.g. `labPlans`. */
  readonly type: string;
  /** Key of the name in the parsed parts. */
  readonly key: string;
  readonly rule: RuleName;
}

interface KindSpec {
  readonly provider: "Microsoft.LabServices" | "Microsoft.Compute";
  readonly segments: readonly Segment[];
  readonly label: string;
}

const seg = (type: string, key: string, rule: RuleName): Segment => ({ type, key, rule });

const KINDS: Record<ResourceKind, KindSpec> = {
  labPlan: { provider: "Microsoft.LabServices", label: "lab plan", segments: [seg("labPlans", "labPlan", "labServices")] },
  labPlanImage: {
    provider: "Microsoft.LabServices",
    label: "lab plan image",
    segments: [seg("labPlans", "labPlan", "labServices"), seg("images", "image", "labServices")],
  },
  lab: { provider: "Microsoft.LabServices", label: "lab", segments: [seg("labs", "lab", "labServices")] },
  labVirtualMachine: {
    provider: "Microsoft.LabServices",
    label: "lab virtual machine",
    segments: [seg("labs", "lab", "labServices"), seg("virtualMachines", "virtualMachine", "labServices")],
  },
  labAccount: { provider: "Microsoft.LabServices", label: "lab account", segments: [seg("labaccounts", "labAccount", "labServices")] },
  classicLab: {
    provider: "Microsoft.LabServices",
    label: "classic lab",
    segments: [seg("labaccounts", "labAccount", "labServices"), seg("labs", "lab", "labServices")],
  },
  environmentSetting: {
    provider: "Microsoft.LabServices",
    label: "environment setting",
    segments: [
      seg("labaccounts", "labAccount", "labServices"),
      seg("labs", "lab", "labServices"),
      seg("environmentsettings", "environmentSetting", "labServices"),
    ],
  },
  labAccountSharedGallery: {
    provider: "Microsoft.LabServices",
    label: "lab account shared gallery",
    segments: [seg("labaccounts", "labAccount", "labServices"), seg("sharedGalleries", "sharedGallery", "gallery")],
  },
  labAccountSharedImage: {
    provider: "Microsoft.LabServices",
    label: "lab account shared image",
    segments: [seg("labaccounts", "labAccount", "labServices"), seg("sharedImages", "sharedImage", "labServices")],
  },
  gallery: { provider: "Microsoft.Compute", label: "compute gallery", segments: [seg("galleries", "gallery", "gallery")] },
  galleryImage: {
    provider: "Microsoft.Compute",
    label: "gallery image definition",
    segments: [seg("galleries", "gallery", "gallery"), seg("images", "image", "galleryImage")],
  },
  galleryImageVersion: {
    provider: "Microsoft.Compute",
    label: "gallery image version",
    segments: [seg("galleries", "gallery", "gallery"), seg("images", "image", "galleryImage"), seg("versions", "version", "version")],
  },
};

/** The named parts of a resource id. Which name keys exist depends on the kind. */
export interface ResourceIdParts {
  subscriptionId: string;
  resourceGroup: string;
  /** Child names keyed by role: `labPlan`, `image`, `lab`, `virtualMachine`, `labAccount`, … */
  names: Record<string, string>;
}

export interface ParsedResourceId<K extends ResourceKind = ResourceKind> extends ResourceIdParts {
  kind: K;
  /** The id in canonical casing. */
  id: ResourceId<K>;
  provider: string;
}

// Bounds the work done on hostile input (a 10 kB string is refused up front); real ARM ids are far shorter.
const MAX_ID_LENGTH = 2000;

function checkName(value: unknown, rule: RuleName, what: string): string {
  const r = RULES[rule];
  if (typeof value !== "string" || value.length === 0) {
    throw new ValidationError(`${what} is missing: expected ${r.describe}.`, [{ path: what, message: "required" }]);
  }
  // The Lab Services pattern `^[-\w\._\(\)]+$` admits "." and "..": as a path segment either one is
  // a dot-segment that URL normalisation (RFC 3986 §5.2.4) resolves, so `labs/..` would address the
  // parent. ARM itself refuses names ending in "."; the SDK also refuses any name containing "..",
  // which no real resource needs and which only ever appears in traversal attempts.
  const dots = /^\.+$/.test(value) || value.endsWith(".") || value.includes("..");
  if (value.length > r.max || !r.pattern.test(value) || dots) {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    const why = dots ? "a name must not end with '.' or contain '..'" : `expected ${r.describe}`;
    throw new ValidationError(`${what} ${JSON.stringify(shown)} is not valid: ${why}.`, [{ path: what, message: why }]);
  }
  return value;
}

/** Checks a single name against the rule ARM applies to it; throws `ValidationError` otherwise. */
export function validateName(kind: "labServices" | "gallery" | "galleryImage" | "version" | "resourceGroup" | "subscription", value: unknown, what: string = kind): string {
  return checkName(value, kind, what);
}

/** Formats a resource id of `kind` from its parts, validating and encoding every segment. */
export function formatResourceId<K extends ResourceKind>(kind: K, parts: ResourceIdParts): ResourceId<K> {
  const spec = KINDS[kind];
  const sub = checkName(parts.subscriptionId, "subscription", "subscriptionId");
  const rg = checkName(parts.resourceGroup, "resourceGroup", "resourceGroup");
  let out = `/subscriptions/${encodeURIComponent(sub)}/resourceGroups/${encodeURIComponent(rg)}/providers/${spec.provider}`;
  for (const s of spec.segments) {
    const name = checkName(parts.names[s.key], s.rule, `${s.key} name`);
    out += `/${s.type}/${encodeURIComponent(name)}`;
  }
  return out as ResourceId<K>;
}

function splitId(id: unknown, expected: string): string[] {
  if (typeof id !== "string" || id.length === 0) {
    throw new ValidationError(`Expected ${expected} resource id, got ${id === "" ? "an empty string" : typeof id}.`, [
      { path: "id", message: "must be a non-empty string" },
    ]);
  }
  if (id.length > MAX_ID_LENGTH) {
    throw new ValidationError(`Resource id is ${id.length} characters long; ARM ids are at most ${MAX_ID_LENGTH}.`, [
      { path: "id", message: "too long" },
    ]);
  }
  // Reject anything that could steer a URL before looking at structure: queries, fragments,
  // percent-escapes (e.g. %2F, %2e%2e), backslashes, whitespace and control characters.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[?#%\\\s\u0000-\u001f\u007f]/.test(id)) {
    throw new ValidationError(
      `Resource id contains a character that is not allowed in an ARM id ('?', '#', '%', '\\', whitespace or a control character).`,
      [{ path: "id", message: "invalid character" }],
    );
  }
  const stripped = id.endsWith("/") ? id.slice(0, -1) : id;
  if (!stripped.startsWith("/")) {
    throw new ValidationError(`Resource id must start with "/subscriptions/…"; got ${JSON.stringify(id.slice(0, 60))}.`, [
      { path: "id", message: "must start with /subscriptions/" },
    ]);
  }
  return stripped.slice(1).split("/");
}

const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** Which kind an id string is, or `undefined` when it matches none. Never throws. */
export function detectResourceKind(id: string): ResourceKind | undefined {
  for (const kind of Object.keys(KINDS) as ResourceKind[]) {
    try {
      parseResourceId(id, kind);
      return kind;
    } catch {
      // not this kind
    }
  }
  return undefined;
}

/**
 * Parses a resource id of one of `kinds` (all kinds when omitted). Throws `ValidationError` with a
 * message naming the expected shape when the id is of another kind or malformed.
 */
export function parseResourceId<K extends ResourceKind>(id: string, ...kinds: K[]): ParsedResourceId<K> {
  const wanted = (kinds.length > 0 ? kinds : (Object.keys(KINDS) as K[])) as K[];
  const expected = wanted.map((k) => `a ${KINDS[k].label}`).join(" or ");
  const parts = splitId(id, expected);
  let lastError: ValidationError | undefined;
  for (const kind of wanted) {
    const spec = KINDS[kind];
    if (parts.length !== 6 + spec.segments.length * 2) continue;
    if (!eq(parts[0], "subscriptions") || !eq(parts[2], "resourceGroups") || !eq(parts[4], "providers") || !eq(parts[5], spec.provider)) {
      continue;
    }
    if (!spec.segments.every((s, i) => eq(parts[6 + i * 2], s.type))) continue;
    try {
      const names: Record<string, string> = {};
      spec.segments.forEach((s, i) => {
        names[s.key] = parts[7 + i * 2] as string;
      });
      const canonical = formatResourceId(kind, { subscriptionId: parts[1] as string, resourceGroup: parts[3] as string, names });
      return { kind, id: canonical, provider: spec.provider, subscriptionId: parts[1] as string, resourceGroup: parts[3] as string, names };
    } catch (e) {
      if (e instanceof ValidationError) lastError = e;
      else throw e;
    }
  }
  if (lastError) throw lastError;
  const example = formatExample(wanted[0] as ResourceKind);
  throw new ValidationError(`${JSON.stringify(id.length > 120 ? `${id.slice(0, 117)}...` : id)} is not ${expected} id. Expected the form ${example}.`, [
    { path: "id", message: `expected ${expected} id` },
  ]);
}

function formatExample(kind: ResourceKind): string {
  const spec = KINDS[kind];
  return `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${spec.provider}${spec.segments
    .map((s) => `/${s.type}/{${s.key}}`)
    .join("")}`;
}

/** True when `id` is a well-formed id of `kind`. */
export function isResourceId<K extends ResourceKind>(id: unknown, kind: K): id is ResourceId<K> {
  if (typeof id !== "string") return false;
  try {
    parseResourceId(id, kind);
    return true;
  } catch {
    return false;
  }
}

/** Human label of a kind, e.g. "lab plan". */
export function resourceKindLabel(kind: ResourceKind): string {
  return KINDS[kind].label;
}

/** The id of the parent resource one level up (`…/labPlans/p/images/i` → `…/labPlans/p`). */
export function parentResourceId(parsed: ParsedResourceId): string {
  return parsed.id.split("/").slice(0, -2).join("/");
}

// ---- Convenience builders, one per kind --------------------------------------------------------

export interface ResourceGroupScope {
  subscriptionId: string;
  resourceGroup: string;
}

export const formatLabPlanId = (s: ResourceGroupScope & { name: string }): LabPlanId =>
  formatResourceId("labPlan", { ...s, names: { labPlan: s.name } });
export const formatLabAccountId = (s: ResourceGroupScope & { name: string }): LabAccountId =>
  formatResourceId("labAccount", { ...s, names: { labAccount: s.name } });
export const formatLabId = (s: ResourceGroupScope & { name: string }): LabId => formatResourceId("lab", { ...s, names: { lab: s.name } });
export const formatClassicLabId = (s: ResourceGroupScope & { labAccount: string; name: string }): ClassicLabId =>
  formatResourceId("classicLab", { ...s, names: { labAccount: s.labAccount, lab: s.name } });
export const formatGalleryId = (s: ResourceGroupScope & { name: string }): GalleryId =>
  formatResourceId("gallery", { ...s, names: { gallery: s.name } });
export const formatGalleryImageId = (s: ResourceGroupScope & { gallery: string; name: string }): GalleryImageId =>
  formatResourceId("galleryImage", { ...s, names: { gallery: s.gallery, image: s.name } });
export const formatGalleryImageVersionId = (
  s: ResourceGroupScope & { gallery: string; image: string; version: string },
): GalleryImageVersionId => formatResourceId("galleryImageVersion", { ...s, names: { gallery: s.gallery, image: s.image, version: s.version } });

/** A lab plan or a classic lab account: the two containers a gallery attaches to. */
export type AccountId = LabPlanId | LabAccountId;

/**
 * Builds a lab plan or lab account id from its parts.
 * @example accountId({ subscriptionId, resourceGroup: "labs-rg", name: "plan-westus2", kind: "labPlan" })
 */
export function accountId(s: ResourceGroupScope & { name: string; kind: "labPlan" | "labAccount" }): AccountId {
  return s.kind === "labPlan" ? formatLabPlanId(s) : formatLabAccountId(s);
}

/** Converts a gallery image version id to its image definition id. */
export function galleryImageIdFromVersion(versionId: string): GalleryImageId {
  const p = parseResourceId(versionId, "galleryImageVersion");
  return formatGalleryImageId({ subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup, gallery: p.names["gallery"] as string, name: p.names["image"] as string });
}

// ---- Lab Services operation results (subscription-scoped, no resource group) -----------------

/** The id of a Lab Services operation result, the target a long-running answer points at. */
export type OperationResultId = string & { readonly [brand]: "operationResult" };

export interface ParsedOperationResultId {
  id: OperationResultId;
  subscriptionId: string;
  /** The region segment of the form the live service uses (rest-api.md G.1); absent in the spec's form (B.7). */
  location: string | undefined;
  operationId: string;
}

const REGION = /^[a-z0-9]{1,40}$/i;

/**
 * Formats an operation result id in the live form
 * `/subscriptions/{s}/providers/Microsoft.LabServices/locations/{region}/operationResults/{id}`, or
 * the spec's form without `locations/{region}` when no location is given.
 */
export function formatOperationResultId(s: { subscriptionId: string; location?: string; operationId: string }): OperationResultId {
  const sub = checkName(s.subscriptionId, "subscription", "subscriptionId");
  const op = checkName(s.operationId, "labServices", "operationId");
  if (/^\.+$/.test(op)) throw new ValidationError(`operationId ${JSON.stringify(op)} is not valid.`, [{ path: "operationId", message: "dot segment" }]);
  let region = "";
  if (s.location !== undefined) {
    if (!REGION.test(s.location)) {
      throw new ValidationError(`location ${JSON.stringify(s.location.slice(0, 60))} is not a region name such as westus2.`, [{ path: "location", message: "invalid region" }]);
    }
    region = `/locations/${s.location}`;
  }
  return `/subscriptions/${encodeURIComponent(sub)}/providers/Microsoft.LabServices${region}/operationResults/${encodeURIComponent(op)}` as OperationResultId;
}

/** Parses either form of an operation result id (types matched case-insensitively, as ARM does). */
export function parseOperationResultId(id: string): ParsedOperationResultId {
  const parts = splitId(id, "a Lab Services operation result");
  const withRegion = parts.length === 8;
  if (
    (parts.length !== 6 && !withRegion) ||
    !eq(parts[0], "subscriptions") ||
    !eq(parts[2], "providers") ||
    !eq(parts[3], "Microsoft.LabServices") ||
    (withRegion && !eq(parts[4], "locations")) ||
    !eq(parts[withRegion ? 6 : 4], "operationResults")
  ) {
    throw new ValidationError(
      `${JSON.stringify(id.slice(0, 120))} is not a Lab Services operation result id. Expected /subscriptions/{subscriptionId}/providers/Microsoft.LabServices[/locations/{region}]/operationResults/{operationId}.`,
      [{ path: "id", message: "expected an operation result id" }],
    );
  }
  const location = withRegion ? (parts[5] as string) : undefined;
  const operationId = parts[withRegion ? 7 : 5] as string;
  const canonical = formatOperationResultId({ subscriptionId: parts[1] as string, operationId, ...(location !== undefined ? { location } : {}) });
  return { id: canonical, subscriptionId: parts[1] as string, location, operationId };
}
