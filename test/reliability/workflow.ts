/**
 * The end-to-end workflow of the product (attach → enable → export → create lab), for both
 * generations, against an in-process emulator. Each step is run through the public SDK only; the
 * runner records which step failed and with what, and `checkFinalState` compares the emulator's
 * state with what the SDK reported.
 */
import { expect } from "vitest";
import {
  LabAccountClient,
  LabClient,
  TemplateClient,
  isLabGalleryError,
  isOperationFailedError,
  type ClientOptions,
  type GalleryImage,
  type Lab,
} from "../../src/index.js";
import type { Emulator } from "../../src/emulator/index.js";

/** What the checks read from an emulator (in-process core or a running server). */
type EmulatorView = Pick<Emulator, "state" | "requests">;
import { SENTINEL_PASSWORD, deepText, leaksIn } from "./helpers.js";

export const ORIGIN = "https://management.azure.com";
export const SUB = "00000000-0000-0000-0000-000000000000";
export const RG = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers`;
export const PLAN = `${RG}/Microsoft.LabServices/labPlans/plan-westus2`;
export const PLAN_LAB = `${RG}/Microsoft.LabServices/labs/biology-101`;
export const ACCOUNT = `${RG}/Microsoft.LabServices/labaccounts/classic-account`;
export const CLASSIC_LAB = `${ACCOUNT}/labs/chemistry-201`;
export const GALLERY = `${RG}/Microsoft.Compute/galleries/labgallery`;

export type Generation = "labPlan" | "labAccount";
export const STEPS = ["attach", "enable", "export", "createLab"] as const;
export type Step = (typeof STEPS)[number];

export interface WorkflowOutcome {
  generation: Generation;
  imageName: string;
  labName: string;
  /** Which image the lab is made from. */
  labImage: "exported" | "generalized";
  completed: Step[];
  failedStep: Step | undefined;
  error: unknown;
  image: GalleryImage | undefined;
  lab: Lab | undefined;
  /** Texts that must never hold a secret: resume tokens, errors, progress states. */
  exposed: string[];
}

/** Thrown by the harness (not the SDK) when a step failed with something that is not a typed SDK error. */
export class UntypedStepError extends Error {
  override name = "UntypedStepError";
}

export async function runWorkflow(
  generation: Generation,
  opts: ClientOptions,
  n: { imageName: string; labName: string; labImage: "exported" | "generalized"; signal: AbortSignal; resumeExport: boolean },
): Promise<WorkflowOutcome> {
  const out: WorkflowOutcome = { generation, imageName: n.imageName, labName: n.labName, labImage: n.labImage, completed: [], failedStep: undefined, error: undefined, image: undefined, lab: undefined, exposed: [] };
  const accountId = generation === "labPlan" ? PLAN : ACCOUNT;
  const labId = generation === "labPlan" ? PLAN_LAB : CLASSIC_LAB;
  const abortSignal = n.signal;
  let generalized: GalleryImage | undefined;

  const steps: Record<Step, () => Promise<void>> = {
    attach: async () => {
      await new LabAccountClient(accountId, opts).attachGallery(GALLERY, { abortSignal });
    },
    enable: async () => {
      [generalized] = await new LabAccountClient(accountId, opts).setImageEnabled("win11-base", true, { abortSignal });
    },
    export: async () => {
      const poller = new TemplateClient(labId, opts).exportToGallery(
        { imageName: n.imageName },
        { abortSignal, ...(generation === "labAccount" ? { experimentalClassicSaveImage: true } : {}) },
      );
      poller.onProgress((s) => out.exposed.push(JSON.stringify(s)));
      if (n.resumeExport) {
        // Serialize right after the save was sent, drop the poller, continue from the token.
        const token = await poller.serialize();
        out.exposed.push(token, Buffer.from(token.slice(token.indexOf(".") + 1), "base64url").toString("utf8"));
        out.image = await TemplateClient.resumeExport(token, opts).pollUntilDone({ abortSignal });
      } else {
        out.image = await poller.pollUntilDone({ abortSignal });
      }
    },
    createLab: async () => {
      const image = n.labImage === "exported" ? out.image : generalized;
      if (!image) throw new Error("harness: no image for the lab");
      const credentials =
        image.osState === "Specialized"
          ? ({ kind: "fromImage", username: "labadmin", password: SENTINEL_PASSWORD } as const)
          : ({ kind: "new", adminUser: { username: "teacher", password: SENTINEL_PASSWORD } } as const);
      const poller = new LabClient(accountId, opts).createFromGalleryImage(
        { name: n.labName, image, sku: generation === "labPlan" ? "Classic_Fsv2_2_4GB_128_S_SSD" : "Basic", usageQuota: { hours: 10 }, credentials },
        { enableImage: true, abortSignal },
      );
      poller.onProgress((s) => out.exposed.push(JSON.stringify(s)));
      await poller.submitted().catch(() => undefined);
      out.exposed.push(await poller.serialize().catch(() => ""));
      out.lab = await poller.pollUntilDone({ abortSignal });
    },
  };

  for (const step of STEPS) {
    try {
      await steps[step]();
      out.completed.push(step);
    } catch (e) {
      out.failedStep = step;
      out.error = e;
      break;
    }
  }
  return out;
}

/** The error of a failed step, as the user would see it: typed, and naming the step. */
export function describeFailure(o: WorkflowOutcome): string {
  const e = o.error as { name?: string; code?: string; message?: string };
  return `${o.failedStep}: ${e?.name ?? "?"}${e?.code ? ` ${e.code}` : ""}`;
}

/** Ambiguous: the request may or may not have been applied (no answer, or a status read that failed). */
function ambiguous(e: unknown): boolean {
  return isLabGalleryError(e) && !isOperationFailedError(e);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function props(r: unknown): Json {
  return ((r as Json | undefined)?.["properties"] ?? {}) as Json;
}

/**
 * Compares the emulator's final state with the outcome. What breaks each check:
 * - a step's success reported while the emulator lacks its effect (e.g. a lab reported created
 *   that does not exist, or a version id that is not in the gallery);
 * - a duplicate: a second saveImage accepted, a second lab PUT creating, or two versions;
 * - a later step having run after an earlier one failed;
 * - an OperationFailedError for an operation the emulator finished successfully.
 */
export function checkFinalState(emu: EmulatorView, o: WorkflowOutcome): void {
  const idx = (s: Step) => STEPS.indexOf(s);
  const reached = (s: Step) => o.failedStep === undefined || idx(o.failedStep) >= idx(s);
  const done = (s: Step) => o.completed.includes(s);

  // attach
  const attachedId =
    o.generation === "labPlan"
      ? (props(emu.state.labPlans().find((p) => String(p["id"]).toLowerCase() === PLAN.toLowerCase()))["sharedGalleryId"] as string | undefined)
      : (Object.values(emu.state.snapshot().resources).some((r) => r.id.toLowerCase().startsWith(`${ACCOUNT}/sharedgalleries/`.toLowerCase())) ? GALLERY : undefined);
  if (done("attach")) expect(attachedId?.toLowerCase(), "attach reported done").toBe(GALLERY.toLowerCase());
  if (!reached("attach")) expect(attachedId).toBeUndefined();

  // exported image: versions of the definition named imageName
  const defId = `${GALLERY}/images/${o.imageName}`.toLowerCase();
  const versions = emu.state.galleryImageVersions().filter((v) => String(v["id"]).toLowerCase().startsWith(`${defId}/versions/`));
  const saves = emu.requests.filter((r) => r.method === "POST" && /\/saveimage$/i.test(r.path) && r.status >= 200 && r.status < 300);
  expect(saves.length, "saveImage accepted at most once").toBeLessThanOrEqual(1);
  expect(versions.length, "at most one image version").toBeLessThanOrEqual(1);
  if (done("export")) {
    expect(o.image?.galleryImageId?.toLowerCase()).toBe(defId);
    expect(versions.length).toBe(1);
    expect(props(versions[0])["provisioningState"]).toBe("Succeeded");
  }
  if (!reached("export")) expect(saves.length).toBe(0);
  if (o.failedStep === "export" && isOperationFailedError(o.error)) expect(versions.length, "a failed export leaves no version").toBe(0);

  // lab
  const labs = (o.generation === "labPlan" ? emu.state.labs() : emu.state.classicLabs()).filter((l) => String(l["name"]).toLowerCase() === o.labName.toLowerCase());
  // Lab plans: PUT is idempotent (a resent PUT after a lost answer updates, 200), so "created" means
  // answered 201. Classic: createLab is a POST action; every accepted one creates.
  const labCreates = emu.requests.filter(
    (r) =>
      (o.generation === "labPlan" && r.method === "PUT" && r.status === 201 && r.path.toLowerCase().endsWith(`/labs/${o.labName}`.toLowerCase())) ||
      (o.generation === "labAccount" && r.method === "POST" && r.status >= 200 && r.status < 300 && /\/createlab$/i.test(r.path)),
  );
  expect(labCreates.length, "lab create accepted at most once").toBeLessThanOrEqual(1);
  expect(labs.length).toBeLessThanOrEqual(1);
  if (done("createLab")) {
    expect(labs.length, "lab reported created exists").toBe(1);
    expect(o.lab?.id.toLowerCase()).toBe(String(labs[0]?.["id"]).toLowerCase());
    expect(o.lab?.provisioningState).toBe("Succeeded");
    expect(props(labs[0])["provisioningState"]).toBe("Succeeded");
  }
  if (!reached("createLab")) expect(labCreates.length).toBe(0);
  if (o.failedStep === "createLab" && isOperationFailedError(o.error)) {
    // The service says it failed: either no lab, or a lab in Failed state — never a Succeeded one.
    for (const l of labs) expect(props(l)["provisioningState"]).not.toBe("Succeeded");
  }
  if (o.failedStep !== undefined && !ambiguous(o.error) && !isOperationFailedError(o.error)) {
    throw new UntypedStepError(`step ${o.failedStep} failed with an untyped error: ${deepText(o.error).slice(0, 500)}`);
  }
  for (const t of o.exposed) expect(leaksIn(t), "secret in a serialized poller or progress state").toEqual([]);
}
