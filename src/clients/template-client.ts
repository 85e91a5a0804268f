/**
 * TemplateClient: a lab's template VM and what can be done with it. Today: export its image into the
 * gallery attached to the lab plan or lab account, as a resumable long-running operation with
 * progress, resolving to the image that was produced. See docs/export.md.
 */
import type { ClientOptions, OperationOptions } from "../core/client-options.js";
import { ValidationError } from "../core/errors.js";
import { createPoller, decodeResumeToken, type PollerLike } from "../core/poller.js";
import { parentResourceId, type ClassicLabId, type LabId } from "../core/resource-id.js";
import { ArmTransport } from "../core/transport.js";
import type { GalleryImage } from "../models/gallery-image.js";
import type { ExportState } from "../models/lab.js";
import { parseInput } from "../validation/parse.js";
import type { ExportBackend } from "./template/backend.js";
import { ClassicExportBackend } from "./template/classic-export.js";
import { ExportDriver } from "./template/export-driver.js";
import { parseLabId } from "./client-id.js";
import { warnClassicRetirement } from "./retirement.js";
import { PlanExportBackend } from "./template/plan-export.js";
import { exportInputSchema, exportOptionsSchema, exportSnapshotSchema, resumeOptionsSchema, type ExportToGalleryInput } from "./template/schemas.js";

export type { ExportToGalleryInput };

/** Options of `exportToGallery`. */
export interface ExportToGalleryOptions extends OperationOptions {
  /**
   * Wait between polls when the service sends no `Retry-After` (the live service never does).
   * Default: the client's `pollIntervalInMs` (5 s). A `Retry-After` from the service always wins.
   */
  intervalInMs?: number;
  /**
   * Run the preflight checks (default `true`): lab exists, gallery attached and readable, template
   * VM present, lab in its lab plan's region, no generalized definition of that name. `false` skips
   * the checks that cost extra requests; the lab and its lab plan (or lab account) are still read.
   */
  preflight?: boolean;
  /**
   * Required for classic labs (lab accounts): their save-image REST call is not public and the SDK
   * sends an inferred shape (docs/export.md#classic-lab-accounts-experimental). Ignored for lab-plan labs.
   */
  experimentalClassicSaveImage?: boolean;
}

/** Options of `TemplateClient.resumeExport`. */
export interface ResumeExportOptions extends ClientOptions {
  /** As in `ExportToGalleryOptions.intervalInMs`. */
  intervalInMs?: number;
}

const EXPORT_KIND = "exportToGallery";

/**
 * A lab's template VM: export its image into the gallery attached to the lab plan (or lab account)
 * as a resumable long-running operation with progress, resolving to the `GalleryImage` produced.
 *
 * @example
 * ```ts
 * const poller = new TemplateClient(labId, { credential }).exportToGallery({ imageName: "biology-2026" });
 * poller.onProgress((s) => console.log(s.phase, s.percentComplete));
 * const image = await poller;
 * ```
 */
export class TemplateClient {
  /** The lab, canonical casing. */
  readonly labId: LabId | ClassicLabId;
  private readonly transport: ArmTransport;
  private readonly backend: ExportBackend;

  /**
   * @param labId a lab-plan lab (`…/Microsoft.LabServices/labs/{lab}`) or a classic lab
   *   (`…/Microsoft.LabServices/labaccounts/{account}/labs/{lab}`).
   */
  constructor(labId: string, options: ClientOptions = {}) {
    const parsed = parseLabId(labId);
    this.labId = parsed.id;
    this.transport = new ArmTransport(options);
    this.backend =
      parsed.kind === "lab"
        ? new PlanExportBackend(this.transport, parsed.id as LabId)
        : new ClassicExportBackend(this.transport, parsed.id as ClassicLabId);
    if (parsed.kind === "classicLab") warnClassicRetirement(parentResourceId(parsed));
  }

  /**
   * Saves the lab's template VM image into the gallery attached to its lab plan (or lab account),
   * optionally replicates it, and resolves to the `GalleryImage` that was produced (the image
   * definition named `imageName` and the new version). Exporting to a name that exists already adds
   * a new version to that definition (the portal's "update existing image").
   *
   * Nothing is sent until the poller is awaited (or `submitted()`, `poll()`, `pollUntilDone()`).
   * Invalid input throws `ValidationError` at once. Aborting stops the polling only: the service
   * has no cancel for a save; `serialize()` and `TemplateClient.resumeExport` continue it later.
   *
   * RBAC: lab plans — `Microsoft.LabServices/labPlans/saveImage/action` on the lab plan, read on the
   * lab and its VMs (`Microsoft.LabServices/labs/read`, `…/labs/virtualMachines/read`) and on the
   * gallery (`Microsoft.Compute/galleries/images/read`, `…/images/versions/read`); `replicateTo` adds
   * `Microsoft.Compute/galleries/images/versions/write`. Classic labs —
   * `Microsoft.LabServices/labAccounts/labs/environmentSettings/SaveImage/action`.
   *
   * @example
   * const poller = new TemplateClient(labId, { credential }).exportToGallery({ imageName: "biology-2026", replicateTo: "geography" });
   * poller.onProgress((s) => console.log(s.phase, s.percentComplete));
   * const image = await poller;
   */
  exportToGallery(input: ExportToGalleryInput, options?: ExportToGalleryOptions): PollerLike<ExportState, GalleryImage> {
    const i = parseInput(exportInputSchema, input, "exportToGallery input");
    parseInput(exportOptionsSchema, options, "exportToGallery options");
    const { intervalInMs, preflight, experimentalClassicSaveImage, ...operationOptions } = options ?? {};
    if (this.backend.generation === "labAccount") {
      if (experimentalClassicSaveImage !== true) {
        throw new ValidationError(
          "Exporting from a classic lab (lab account) needs the option experimentalClassicSaveImage: true. Lab accounts have no public save-image API; the SDK sends a request shape inferred from the service's permissions, which may change or fail without notice.",
          [{ path: "experimentalClassicSaveImage", message: "required for classic labs" }],
          { hint: "Pass { experimentalClassicSaveImage: true } after reading docs/export.md#classic-lab-accounts-experimental, or export from a lab-plan lab." },
        );
      }
      if (Array.isArray(i.replicateTo)) {
        throw new ValidationError(
          "Lab accounts replicate a saved image across their whole geography by themselves; a region list cannot be chosen.",
          [{ path: "replicateTo", message: 'only "geography" (wait for the automatic replication) or nothing' }],
          { hint: 'Pass replicateTo: "geography" to wait until the automatic replication is complete, or leave it out.' },
        );
      }
    }
    const driver = new ExportDriver(
      {
        transport: this.transport,
        backend: this.backend,
        labId: this.labId,
        intervalInMs,
        options: Object.keys(operationOptions).length > 0 ? operationOptions : undefined,
      },
      { imageName: i.imageName, replicateTo: i.replicateTo, preflight: preflight ?? true },
    );
    return createPoller(driver, { kind: EXPORT_KIND, resumed: false, abortSignal: operationOptions.abortSignal });
  }

  /**
   * Continues an export from `poller.serialize()`, in this process or another one, without sending
   * the save again; resolves to the same `GalleryImage`. The token holds URLs, ids and names only,
   * so the credential (and endpoint) must be given again in `options`.
   *
   * RBAC: read only — the same reads as `exportToGallery` (lab, gallery image and version; the
   * operation status), plus `Microsoft.Compute/galleries/images/versions/write` when the export
   * still has to extend the replication regions.
   *
   * @example
   * ```ts
   * const token = await template.exportToGallery({ imageName: "biology-2026" }).serialize(); // process A
   * const image = await TemplateClient.resumeExport(token, { credential });                    // process B
   * ```
   */
  static resumeExport(token: string, options: ResumeExportOptions = {}): PollerLike<ExportState, GalleryImage> {
    const snapshot = parseInput(exportSnapshotSchema, decodeResumeToken(EXPORT_KIND, token), "resume token", "Pass the exact string returned by poller.serialize().");
    const { intervalInMs, ...clientOptions } = parseInput(resumeOptionsSchema, options, "resumeExport options") as ResumeExportOptions;
    const client = new TemplateClient(snapshot.labId, clientOptions);
    if (client.backend.generation !== snapshot.generation) {
      throw new ValidationError("The resume token does not match its lab id.", [{ path: "token", message: "inconsistent" }]);
    }
    const driver = new ExportDriver(
      { transport: client.transport, backend: client.backend, labId: client.labId, intervalInMs, options: undefined },
      undefined,
      snapshot,
    );
    return createPoller(driver, { kind: EXPORT_KIND, resumed: true });
  }
}
