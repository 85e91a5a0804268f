/**
 * azure-lab-gallery — typed SDK for the Azure Lab Services shared image gallery workflow.
 * @packageDocumentation
 */
export * from "./core/errors.js";
export * from "./core/resource-id.js";
export type { ClientOptions, ApiFamily, OperationOptions } from "./core/client-options.js";
export { DEFAULT_API_VERSIONS } from "./core/client-options.js";
export { CLOUDS, type CloudName, type CloudSettings } from "./core/cloud.js";
export type { PagedAsyncIterableIterator, PageSettings } from "./core/paging.js";
export type { PollerLike, OperationState, CancelOnProgress } from "./core/poller.js";
export type { ArmOperationState } from "./core/arm-poller.js";
export { SDK_VERSION } from "./core/version.js";
// LabAccountClient (issue 4): attach/detach a gallery, choose the images lab creators may use.
export { LabAccountClient, type AttachGalleryOptions, type ListImagesOptions, type AccountInfo } from "./clients/lab-account-client.js";
export type { GalleryImage, AttachedGallery, OsState, OsType, ImageSource } from "./models/gallery-image.js";
// TemplateClient (issue 5): export a lab's template image to the gallery.
export { TemplateClient, type ExportToGalleryInput, type ExportToGalleryOptions, type ResumeExportOptions } from "./clients/template-client.js";
export type { ExportState, ExportPhase, RegionProgress, RegionReplicationState } from "./models/lab.js";
export { GEOGRAPHIES, geographyOf, regionsOfGeography, normalizeRegion, type AzureGeography, type AzureRegion } from "./clients/template/geographies.js";
// LabClient (issue 6): create labs from gallery images, get, list, delete.
export type { Lab, LabProvisioningState, CreateLabState, CreateLabPhase } from "./models/lab.js";
export { LabClient, type CreateLabOptions, type CreateLabCredentials, type CreateLabOperationOptions, type DeleteLabState } from "./clients/lab-client.js";
export { RESERVED_USERNAMES } from "./clients/lab/credentials.js";
// Bulk jobs (issue 11): back up every lab template, create many labs from one image.
export * from "./bulk/index.js";
