/**
 * What differs between the two service generations for an export. One backend per generation,
 * chosen from the lab id; the export driver holds everything they share.
 */
import type { OperationOptions } from "@azure/core-client";
import type { ArmRequest } from "../../core/transport.js";
import type { AccountId, GalleryImageId } from "../../core/resource-id.js";
import type { GalleryImage } from "../../models/gallery-image.js";

export interface PrepareArgs {
  imageName: string;
  /** False skips the checks that cost extra requests (documented in docs/export.md). */
  preflight: boolean;
  /** Call after each finished check: advances `percentComplete` through the validating band. */
  checked(): void;
  options: OperationOptions | undefined;
}

export interface PreparedExport {
  accountId: AccountId;
  galleryId: string;
  /** Region of the lab plan or lab account (the geography of `replicateTo: "geography"`). */
  accountLocation: string | undefined;
  /** The save request, ready to send. */
  saveRequest: ArmRequest;
}

export interface ExportBackend {
  readonly generation: "labPlan" | "labAccount";
  /** How many `checked()` calls a full preflight makes (for the progress of the validating phase). */
  readonly checks: number;
  /** Reads what the save needs and runs the preflight checks; throws `PreconditionFailedError`. */
  prepare(args: PrepareArgs): Promise<PreparedExport>;
  /** The lab plan image / lab account shared image that shows the saved definition, when listed. */
  findAccountImage(
    accountId: string,
    imageName: string,
    definitionId: GalleryImageId,
    options: OperationOptions | undefined,
  ): Promise<GalleryImage | undefined>;
}
