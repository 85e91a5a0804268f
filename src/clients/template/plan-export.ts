/**
 * Export from a lab-plan lab: `POST labPlans/{p}/saveImage {name, labVirtualMachineId}` (rest-api.md
 * B.3, G.2), after the documented preflight checks.
 */
import type { OperationOptions } from "@azure/core-client";
import { PreconditionFailedError, isNotFoundError } from "../../core/errors.js";
import { collect, listPaged } from "../../core/paging.js";
import { formatResourceId, isResourceId, parseResourceId, type AccountId, type GalleryImageId, type LabId } from "../../core/resource-id.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import { galleryImageFromLabPlanImage } from "../../models/normalize.js";
import type { ExportBackend, PrepareArgs, PreparedExport } from "./backend.js";
import { obj, str } from "../../models/json.js";
import { normalizeRegion } from "./geographies.js";

/** Reads a resource, turning a 404 into the preflight error `reason`. */
export async function readOrFail(
  transport: ArmTransport,
  path: string,
  api: "labPlans" | "labAccounts" | "labAccountsPreview" | "compute",
  options: OperationOptions | undefined,
  onMissing: () => PreconditionFailedError,
): Promise<Record<string, unknown>> {
  try {
    return obj((await transport.send({ method: "GET", path, api, options })).body);
  } catch (e) {
    if (isNotFoundError(e)) {
      const err = onMissing();
      throw new PreconditionFailedError(err.message, err.reason, { cause: e, hint: err.hint });
    }
    throw e;
  }
}

export function attachHint(accountId: string): string {
  return (
    `Attach a gallery first, e.g. \`await new LabAccountClient(${JSON.stringify(accountId)}, options).attachGallery(galleryId)\` ` +
    "(the Lab Services service principal needs Owner on an existing gallery, see docs/galleries.md)."
  );
}

export class PlanExportBackend implements ExportBackend {
  readonly generation = "labPlan";
  readonly checks = 5;

  constructor(
    private readonly transport: ArmTransport,
    private readonly labId: LabId,
  ) {}

  async prepare({ imageName, preflight, checked, options }: PrepareArgs): Promise<PreparedExport> {
    const t = this.transport;
    const lab = await readOrFail(t, resourcePath(this.labId), "labPlans", options, () =>
      new PreconditionFailedError(`Lab ${this.labId} does not exist, or the signed-in identity cannot read it.`, "labNotFound", {
        hint: "Check the lab id (subscription, resource group, lab name) and that you have at least Reader on it.",
      }),
    );
    checked();
    const labProps = obj(lab["properties"]);
    const planIdRaw = str(labProps["labPlanId"]);
    if (planIdRaw === undefined || !isResourceId(planIdRaw, "labPlan")) {
      throw new PreconditionFailedError(`Lab ${this.labId} is not linked to a lab plan, so it has no gallery to export to.`, "noLabPlan", {
        hint: "Export from a lab created from a lab plan.",
      });
    }
    const planId = parseResourceId(planIdRaw, "labPlan").id;
    const plan = await readOrFail(t, resourcePath(planId), "labPlans", options, () =>
      new PreconditionFailedError(`The lab's lab plan ${planId} does not exist any more; without it the lab cannot export.`, "labPlanNotFound", {
        hint: "Deleting a lab plan removes the ability to export from its labs; recreate the lab under an existing lab plan.",
      }),
    );
    const planProps = obj(plan["properties"]);
    const galleryId = str(planProps["sharedGalleryId"]);
    if (galleryId === undefined || galleryId.length === 0) {
      throw new PreconditionFailedError(`Lab plan ${planId} has no gallery attached, so there is nowhere to save the image.`, "galleryNotAttached", {
        hint: attachHint(planId),
      });
    }
    if (!isResourceId(galleryId, "gallery")) {
      throw new PreconditionFailedError(`Lab plan ${planId} names ${JSON.stringify(galleryId)} as its gallery, which is not a gallery id.`, "galleryNotAttached", {
        hint: attachHint(planId),
      });
    }
    checked();
    const planLocation = str(plan["location"]);
    let vmId: string;
    if (preflight) {
      await readOrFail(t, resourcePath(galleryId), "compute", options, () =>
        new PreconditionFailedError(`The gallery ${galleryId} attached to lab plan ${planId} does not exist or cannot be read.`, "galleryNotFound", {
          hint: `Re-create the gallery or attach another one: ${attachHint(planId)}`,
        }),
      );
      checked();
      const vms = await collect(
        listPaged(t, { path: resourcePath(this.labId, "virtualMachines"), api: "labPlans" }, (raw: unknown) => obj(raw), options),
      );
      const template = vms.find((vm) => str(obj(vm["properties"])["vmType"])?.toLowerCase() === "template");
      const id = template ? str(template["id"]) : undefined;
      if (id === undefined || !isResourceId(id, "labVirtualMachine")) {
        throw new PreconditionFailedError(`Lab ${this.labId} has no template VM (no virtual machine with vmType Template), so there is no image to save.`, "noTemplateVm", {
          hint: "Only labs created with createOption TemplateVM can export; labs created straight from an image have no template to save.",
        });
      }
      vmId = id;
      checked();
      const labLocation = str(lab["location"]);
      if (labLocation !== undefined && planLocation !== undefined && normalizeRegion(labLocation) !== normalizeRegion(planLocation)) {
        throw new PreconditionFailedError(
          `Lab ${this.labId} is in ${labLocation} but its lab plan is in ${planLocation}; the service only saves images from labs in their lab plan's region.`,
          "regionMismatch",
          { hint: "Export from a lab created in the lab plan's region (a documented Lab Services rule), or use a lab plan in the lab's region." },
        );
      }
      checked();
    } else {
      // The live service names the template VM `0` (rest-api.md G.3).
      const lab = parseResourceId(this.labId, "lab");
      vmId = formatResourceId("labVirtualMachine", { subscriptionId: lab.subscriptionId, resourceGroup: lab.resourceGroup, names: { lab: lab.names["lab"] as string, virtualMachine: "0" } });
    }
    return {
      accountId: planId,
      galleryId,
      accountLocation: planLocation,
      saveRequest: { method: "POST", path: resourcePath(planId, "saveImage"), api: "labPlans", body: { name: imageName, labVirtualMachineId: vmId } },
    };
  }

  async findAccountImage(accountId: string, imageName: string, definitionId: GalleryImageId, options: OperationOptions | undefined): Promise<GalleryImage | undefined> {
    const plan = parseResourceId(accountId, "labPlan");
    const matches = (raw: unknown) => str(obj(obj(raw)["properties"])["sharedGalleryId"])?.toLowerCase() === definitionId.toLowerCase();
    // The lab plan lists a gallery image under the definition's name (spec examples); check, then scan.
    const imageId = formatResourceId("labPlanImage", { subscriptionId: plan.subscriptionId, resourceGroup: plan.resourceGroup, names: { labPlan: plan.names["labPlan"] as string, image: imageName } });
    const direct = await this.transport.getOptional({ path: resourcePath(imageId), api: "labPlans", options });
    if (direct !== undefined && matches(direct)) return galleryImageFromLabPlanImage(direct, plan.id as AccountId);
    const all = await collect(listPaged(this.transport, { path: resourcePath(plan.id, "images"), api: "labPlans" }, (raw: unknown) => (matches(raw) ? raw : undefined), options));
    return all[0] === undefined ? undefined : galleryImageFromLabPlanImage(all[0], plan.id as AccountId);
  }
}
