/**
 * What `LabClient` needs from a service generation. One implementation per generation
 * (`plan-backend.ts` for lab plans, `classic-backend.ts` for classic lab accounts), chosen once
 * from the account id; the client and the preflight never branch on the generation.
 */
import type { OperationOptions } from "@azure/core-client";
import type { OperationState, PollerLike } from "../../core/poller.js";
import type { PagedAsyncIterableIterator } from "../../core/paging.js";
import { parentResourceId, parseResourceId, type AccountId, type GalleryImageId } from "../../core/resource-id.js";
import type { ArmTransport } from "../../core/transport.js";
import type { GalleryImage, OsType } from "../../models/gallery-image.js";
import type { Lab } from "../../models/lab.js";
import type { CreateLabInput } from "./schemas.js";

export type Generation = "labPlan" | "labAccount";

export interface AccountInfo {
  /** Normalized region name (`westus2`). */
  location: string | undefined;
  /** Regions labs may be created in (normalized); empty when the account sets none. */
  allowedRegions: string[];
  /** Whether the account restricts regions at all (classic accounts use their own region). */
  regionRule: "allowedRegions" | "accountRegion";
}

export interface ImageRead {
  image: GalleryImage;
  /** Whether `availableRegions` came from the service (a single-image read on lab plans, rest-api.md G.3). */
  regionsKnown: boolean;
}

/** A lab that already exists, with what identifies the image it was made from. */
export interface ExistingLab {
  lab: Lab;
  /** Gallery image definition id or account image id(s) the lab records, lower-cased. */
  imageKeys: string[];
}

/** Everything the write needs, after validation and preflight. No lookups left to do. */
export interface CreateLabRequest {
  input: CreateLabInput;
  /** The gallery image definition id (lab plans send it as `imageReference.id`). */
  galleryImageId: GalleryImageId | undefined;
  /** The image's id on the account (classic accounts send it as `sharedImageResourceId`). */
  accountImageId: string | undefined;
  osType: OsType | undefined;
  location: string | undefined;
}

export type CreateStatus = "running" | "succeeded" | "failed" | "canceled";

export interface CreateProgress {
  status: CreateStatus;
  provisioningState: string | undefined;
  /** Set when `status` is `succeeded`. */
  lab?: Lab;
  error?: Error;
  /** The service's Retry-After, when it gave one. */
  delayMs: number | undefined;
  /** Backend-specific, JSON-safe, secret-free continuation (goes into the resume token). */
  handle: unknown;
}

export interface LabBackend {
  readonly generation: Generation;
  readonly accountId: AccountId;
  readonly transport: ArmTransport;
  /** A typical end-to-end creation time, for the progress estimate. */
  readonly typicalCreateMs: number;

  /** If `id` names an image on this account (lab plan image / lab account shared image), its name. */
  accountImageName(id: string): string | undefined;
  /** True when a lab of this generation can be written with only a gallery definition id. */
  readonly writesGalleryImageId: boolean;

  readAccount(options: OperationOptions | undefined): Promise<AccountInfo>;
  getImage(name: string, options: OperationOptions | undefined): Promise<ImageRead | undefined>;
  listImages(options: OperationOptions | undefined): Promise<GalleryImage[]>;
  enableImage(name: string, options: OperationOptions | undefined): Promise<ImageRead>;

  labId(name: string): string;
  getExistingLab(name: string, options: OperationOptions | undefined): Promise<ExistingLab | undefined>;
  /** Polls an existing lab until its provisioning ends (for `ifExists: "reuse"` of a lab still creating). */
  pollExisting(name: string, options: OperationOptions | undefined): Promise<CreateProgress>;

  startCreate(request: CreateLabRequest, options: OperationOptions | undefined): Promise<CreateProgress>;
  pollCreate(handle: unknown, options: OperationOptions | undefined): Promise<CreateProgress>;

  getLab(name: string, options: OperationOptions | undefined): Promise<Lab>;
  listLabs(options: OperationOptions | undefined): PagedAsyncIterableIterator<Lab>;
  deleteLab(name: string, options: OperationOptions | undefined, resumeFrom?: string): PollerLike<OperationState<void>, void>;
}

/**
 * The name of the image `id` names when it is an image of `kind` under `accountId` (any casing);
 * `undefined` for any other id, so the caller can try the other forms an image may be given in.
 */
export function imageNameUnder(id: string, kind: "labPlanImage" | "labAccountSharedImage", accountId: string): string | undefined {
  try {
    const p = parseResourceId(id, kind);
    return parentResourceId(p).toLowerCase() === accountId.toLowerCase() ? p.names[kind === "labPlanImage" ? "image" : "sharedImage"] : undefined;
  } catch {
    return undefined;
  }
}
