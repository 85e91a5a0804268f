import type { OperationState } from "@azure/core-lro";
import type { AccountId, ClassicLabId, GalleryImageId, GalleryImageVersionId, LabId } from "../core/resource-id.js";
import type { GalleryImage } from "./gallery-image.js";

export type LabProvisioningState = "Creating" | "Updating" | "Deleting" | "Succeeded" | "Failed" | "Locked" | (string & {});

/** A lab, normalized across both generations. */
export interface Lab {
  name: string;
  id: LabId | ClassicLabId;
  /** The lab plan or lab account it belongs to. */
  account: AccountId;
  title: string | undefined;
  location: string | undefined;
  provisioningState: LabProvisioningState;
  /** `Draft`, `Published`, … (lab plans). */
  state: string | undefined;
  /** The gallery image definition the lab was made from, when it was made from one. */
  galleryImageId: GalleryImageId | undefined;
  sku: string | undefined;
  capacity: number | undefined;
  /** The template VM's admin username, when the service says (never a password). */
  adminUsername: string | undefined;
}

export type ExportPhase = "validating" | "saving" | "replicating" | "done";
export type RegionReplicationState = "Unknown" | "Replicating" | "Completed" | "Failed";

export interface RegionProgress {
  region: string;
  state: RegionReplicationState;
  /** 0-100 as the gallery reports it. */
  progress: number;
}

/** The state of `TemplateClient.exportToGallery`, as `onProgress` sees it. */
export interface ExportState extends OperationState<GalleryImage> {
  phase: ExportPhase;
  /** 0-100, never decreasing. An estimate while saving (the service reports none, rest-api.md G.1). */
  percentComplete: number;
  /** Per-region replication, while replicating. */
  regions: RegionProgress[];
  labId: string;
  imageName: string;
  /**
   * Who replicates the new version: `none` (lab plan, no `replicateTo`), `requested` (lab plan: the
   * SDK extends the version's target regions), `automatic` (lab account: the service replicates
   * across its geography by itself).
   */
  replication: "none" | "requested" | "automatic";
  /** The lab plan or lab account, once read. */
  accountId?: string | undefined;
  /** The attached gallery, once read. */
  galleryId?: string | undefined;
  /** The save operation's id (quote it to Azure support), once the save was sent. */
  operationId?: string | undefined;
  galleryImageId?: GalleryImageId | undefined;
  galleryImageVersionId?: GalleryImageVersionId | undefined;
}

export type CreateLabPhase = "validating" | "creating" | "done";

/** The state of `LabClient.createFromGalleryImage`. */
export interface CreateLabState extends OperationState<Lab> {
  phase: CreateLabPhase;
  /** 0-100, never decreasing; an estimate from provisioningState and elapsed time. */
  percentComplete: number;
  labId: string;
  provisioningState?: string | undefined;
}
