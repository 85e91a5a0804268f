/**
 * Export from a classic lab (lab account). EXPERIMENTAL: the save-image REST shape of lab accounts
 * is not public (rest-api.md A.3). What is known: the RBAC action
 * `Microsoft.LabServices/labAccounts/labs/environmentSettings/SaveImage/action` exists, the
 * template is the environment setting named `default`, and the shared-gallery calls of lab accounts
 * use api-version 2019-01-01-preview (A.2). The SDK therefore sends, by inference,
 *
 *   POST …/labaccounts/{a}/labs/{l}/environmentsettings/default/saveImage?api-version=2019-01-01-preview
 *   { "name": "<imageName>" }
 *
 * and follows it like any ARM action (Location / Azure-AsyncOperation). Callers must opt in with
 * `experimentalClassicSaveImage: true`. Lab accounts replicate the saved image across their
 * geography by themselves (A.2), so there is nothing for the SDK to replicate.
 */
import type { OperationOptions } from "@azure/core-client";
import { PreconditionFailedError } from "../../core/errors.js";
import { collect, listPaged } from "../../core/paging.js";
import { formatLabAccountId, formatResourceId, isResourceId, parseResourceId, type ClassicLabId, type GalleryImageId } from "../../core/resource-id.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import { galleryImageFromSharedImage } from "../../models/normalize.js";
import type { ExportBackend, PrepareArgs, PreparedExport } from "./backend.js";
import { attachHint, readOrFail } from "./plan-export.js";
import { obj, prop, str } from "../../models/json.js";


export class ClassicExportBackend implements ExportBackend {
  readonly generation = "labAccount";
  readonly checks = 4;
  private readonly accountId;
  private readonly environmentSettingId;

  constructor(
    private readonly transport: ArmTransport,
    private readonly labId: ClassicLabId,
  ) {
    const p = parseResourceId(labId, "classicLab");
    const scope = { subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup };
    this.accountId = formatLabAccountId({ ...scope, name: p.names["labAccount"] as string });
    this.environmentSettingId = formatResourceId("environmentSetting", {
      ...scope,
      names: { labAccount: p.names["labAccount"] as string, lab: p.names["lab"] as string, environmentSetting: "default" },
    });
  }

  async prepare({ imageName, preflight, checked, options }: PrepareArgs): Promise<PreparedExport> {
    const t = this.transport;
    const lab = await readOrFail(t, resourcePath(this.labId), "labAccounts", options, () =>
      new PreconditionFailedError(`Lab ${this.labId} does not exist, or the signed-in identity cannot read it.`, "labNotFound", {
        hint: "Check the lab id (subscription, resource group, lab account, lab name) and that you have at least Reader on it.",
      }),
    );
    checked();
    const attached = obj((await t.send({ method: "GET", path: resourcePath(this.accountId, "sharedGalleries"), api: "labAccountsPreview", options })).body);
    const items = Array.isArray(prop(attached, "value")) ? (prop(attached, "value") as unknown[]) : [];
    const galleryId = items.map((x) => str(prop(obj(prop(obj(x), "properties")), "galleryId"))).find((g) => g !== undefined && isResourceId(g, "gallery"));
    if (galleryId === undefined) {
      throw new PreconditionFailedError(`Lab account ${this.accountId} has no gallery attached, so there is nowhere to save the image.`, "galleryNotAttached", {
        hint: attachHint(this.accountId),
      });
    }
    checked();
    if (preflight) {
      await readOrFail(t, resourcePath(galleryId), "compute", options, () =>
        new PreconditionFailedError(`The gallery ${galleryId} attached to lab account ${this.accountId} does not exist or cannot be read.`, "galleryNotFound", {
          hint: `Re-create the gallery or attach another one: ${attachHint(this.accountId)}`,
        }),
      );
      checked();
      await readOrFail(t, resourcePath(this.environmentSettingId), "labAccounts", options, () =>
        new PreconditionFailedError(`Lab ${this.labId} has no template (environment setting "default"), so there is no image to save.`, "noTemplateVm", {
          hint: "Create the lab's template VM first (labs created without a template have nothing to save).",
        }),
      );
      checked();
    }
    return {
      accountId: this.accountId,
      galleryId,
      accountLocation: str(lab["location"]),
      saveRequest: {
        method: "POST",
        path: resourcePath(this.environmentSettingId, "saveImage"),
        api: "labAccountsPreview",
        body: { name: imageName },
      },
    };
  }

  async findAccountImage(accountId: string, imageName: string, definitionId: GalleryImageId, options: OperationOptions | undefined): Promise<GalleryImage | undefined> {
    const account = parseResourceId(accountId, "labAccount").id;
    const images = await collect(
      listPaged(this.transport, { path: resourcePath(account, "sharedImages"), api: "labAccountsPreview" }, (raw: unknown) => galleryImageFromSharedImage(raw, account), options),
    );
    return (
      images.find((i) => i.galleryImageId?.toLowerCase() === definitionId.toLowerCase()) ??
      images.find((i) => i.name.toLowerCase() === imageName.toLowerCase() && i.galleryImageId === undefined)
    );
  }
}
