/**
 * Scenario 2: a teacher exports a lab's template VM image into the gallery attached to its lab
 * plan, replicates it, and shows the progress. It also shows the resume token: the export is
 * started, serialized, and finished by `TemplateClient.resumeExport`, as another process (a later
 * CI job) would do.
 *
 * Run it (after `npm run build`):  node examples/run.mjs export-template
 *
 * Without settings it starts the embedded emulator (demo seed, the 10-minute save takes a fraction
 * of a second) and exports the template of lab `biology-101`. Set AZURE_SUBSCRIPTION_ID to run it
 * against Azure instead, with DefaultAzureCredential (`az login`, a managed identity, or a service
 * principal through AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET):
 *
 *   AZURE_SUBSCRIPTION_ID        subscription of the lab
 *   LAB_GALLERY_RESOURCE_GROUP   resource group of the lab (required)
 *   LAB_GALLERY_LAB              name of a lab-plan lab with a template VM (required); its lab plan
 *                                must have a gallery attached (examples/attach-gallery.ts)
 *   LAB_GALLERY_IMAGE_NAME       image definition to create or add a version to (default: <lab>-template)
 *   LAB_GALLERY_REPLICATE_TO     "geography", or regions such as "eastus,westus3" (default: no replication;
 *                                the emulator run replicates to eastus)
 *
 * Against Azure this really saves an image (about ten minutes) and stores replicas (billed).
 */
import { LabAccountClient, TemplateClient, formatLabId, isPreconditionFailedError, type ClientOptions, type ExportState } from "azure-lab-gallery";
import { startEmulator } from "azure-lab-gallery/emulator";

const env = process.env;
const live = Boolean(env.AZURE_SUBSCRIPTION_ID);

function required(name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Set ${name} (see the top of examples/export-template.ts).`);
  return value;
}

// Emulator by default; Azure when AZURE_SUBSCRIPTION_ID is set.
const emulator = live ? undefined : await startEmulator({ seed: "demo", speed: 2000 });
const options: ClientOptions = emulator
  ? { endpoint: emulator.url, credential: emulator.credential, pollIntervalInMs: 50 }
  : {}; // credential left out: DefaultAzureCredential
const subscriptionId = emulator ? emulator.subscriptionId : required("AZURE_SUBSCRIPTION_ID");
const resourceGroup = emulator ? "labs-rg" : required("LAB_GALLERY_RESOURCE_GROUP");
const labName = emulator ? "biology-101" : required("LAB_GALLERY_LAB");
const labId = formatLabId({ subscriptionId, resourceGroup, name: labName });
const imageName = env.LAB_GALLERY_IMAGE_NAME ?? `${labName}-template`;
const replicate = emulator ? "eastus" : env.LAB_GALLERY_REPLICATE_TO;
const replicateTo = replicate === undefined || replicate === "geography" ? replicate : replicate.split(",").map((r) => r.trim());

try {
  if (emulator) {
    // The demo lab plan has no gallery yet: attach one first (what examples/attach-gallery.ts shows).
    const rg = `/subscriptions/${subscriptionId}/resourceGroups/labs-rg/providers`;
    await new LabAccountClient(`${rg}/Microsoft.LabServices/labPlans/plan-westus2`, options).attachGallery(`${rg}/Microsoft.Compute/galleries/labgallery`);
  }

  const template = new TemplateClient(labId, options);
  // Nothing is sent until the poller is awaited (or submitted() is called): attach onProgress first.
  const poller = template.exportToGallery({ imageName, ...(replicateTo ? { replicateTo } : {}) });
  // onProgress fires on every change; print a line per phase and per 10 %.
  let last = "";
  const show = (s: ExportState) => {
    const line = `  ${s.phase.padEnd(11)} ${String(Math.floor(s.percentComplete / 10) * 10).padStart(3)}% ${s.regions.map((r) => `${r.region}:${r.state}`).join(" ")}`;
    if (line !== last) console.log(line);
    last = line;
  };
  poller.onProgress(show);

  console.log(`Exporting the template of ${labName} as ${imageName}…`);
  await poller.submitted(); // preflight passed, the save request was accepted
  const token = await poller.serialize(); // no secret inside: store it in a file or a CI variable
  console.log(`Resume token (${token.length} characters) taken after the save started`);

  // Later, possibly in another process: continue from the token without sending the save again.
  const resumed = TemplateClient.resumeExport(token, options);
  resumed.onProgress(show);
  const image = await resumed;

  console.log(`Exported ${image.name}: ${image.osState}, version ${image.galleryImageVersionId?.split("/").pop()}`);
  console.log(`  definition ${image.galleryImageId}`);
  console.log(`  replicated to ${image.availableRegions.join(", ")}`);
  console.log(`  enabled on the lab plan: ${image.enabled}`); // lab-plan images start disabled
} catch (e) {
  // Preflight failures (no gallery attached, no template VM, …) say how to fix them.
  if (isPreconditionFailedError(e)) console.error(`${e.reason}: ${e.message}\nhint: ${e.hint}`);
  throw e;
} finally {
  await emulator?.close();
}
