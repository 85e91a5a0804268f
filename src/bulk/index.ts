/**
 * Bulk jobs of the retirement year (docs/bulk.md): back up every lab template to the gallery, and
 * create many labs from one image — with bounded concurrency, throttling awareness, checkpoints
 * and a report per lab.
 */
export { exportAllTemplates, type ExportAllTemplatesOptions, type ExportAllTemplatesReport, type ExportReportItem } from "./export-all-templates.js";
export {
  createLabsFromImage,
  validateLabRows,
  type BulkLabDefinition,
  type CreateLabsFromImageOptions,
  type CreateLabsFromImageReport,
  type CreateReportItem,
} from "./create-labs-from-image.js";
export { fileCheckpoint, CHECKPOINT_FORMAT, type BulkCheckpoint, type CheckpointItem, type CheckpointItemState, type CheckpointJob, type CheckpointStorage } from "./checkpoint.js";
export { assignImageNames, baseImageName, cleanImageName, DEFAULT_NAME_PATTERN, MAX_IMAGE_NAME_LENGTH, type NamedLab } from "./image-names.js";
export type { BatchProgress, BatchItemStatus } from "./events.js";
