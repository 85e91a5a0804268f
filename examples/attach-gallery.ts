/**
 * Scenario 1: an admin attaches an Azure Compute Gallery to a lab plan (or a classic lab account)
 * and chooses which of its images lab creators may use.
 *
 * Run it (after `npm run build`):  node examples/run.mjs attach-gallery
 *
 * Without settings it starts the embedded emulator (demo seed) and runs there: no Azure account
 * needed. Set AZURE_SUBSCRIPTION_ID to run it against Azure instead, with DefaultAzureCredential
 * (`az login`, a managed identity, or a service principal through AZURE_TENANT_ID,
 * AZURE_CLIENT_ID and AZURE_CLIENT_SECRET):
 *
 *   AZURE_SUBSCRIPTION_ID                subscription of the lab plan / lab account and the gallery
 *   LAB_GALLERY_RESOURCE_GROUP           resource group of the lab plan or lab account (required)
 *   LAB_GALLERY_LAB_PLAN                 lab plan name, or
 *   LAB_GALLERY_LAB_ACCOUNT              classic lab account name (exactly one of the two)
 *   LAB_GALLERY_GALLERY                  Compute Gallery name (required)
 *   LAB_GALLERY_GALLERY_RESOURCE_GROUP   the gallery's resource group (default: LAB_GALLERY_RESOURCE_GROUP)
 *   LAB_GALLERY_IMAGE                    image to enable (default: win11-base)
 *
 * Against Azure this really attaches the gallery and enables the image. For a lab plan, the Lab
 * Services service principal needs Owner on the gallery first (docs/galleries.md#permissions).
 */
import { LabAccountClient, accountId, formatGalleryId, isPermissionDeniedError, type ClientOptions } from "azure-lab-gallery";
import { startEmulator } from "azure-lab-gallery/emulator";

const env = process.env;
const live = Boolean(env.AZURE_SUBSCRIPTION_ID);

function required(name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Set ${name} (see the top of examples/attach-gallery.ts).`);
  return value;
}

// Emulator by default; Azure when AZURE_SUBSCRIPTION_ID is set.
const emulator = live ? undefined : await startEmulator({ seed: "demo", speed: 2000 });
const options: ClientOptions = emulator
  ? { endpoint: emulator.url, credential: emulator.credential, pollIntervalInMs: 50 }
  : {}; // credential left out: DefaultAzureCredential
const subscriptionId = emulator ? emulator.subscriptionId : required("AZURE_SUBSCRIPTION_ID");
const resourceGroup = emulator ? "labs-rg" : required("LAB_GALLERY_RESOURCE_GROUP");
const account = emulator
  ? accountId({ subscriptionId, resourceGroup, name: "plan-westus2", kind: "labPlan" })
  : env.LAB_GALLERY_LAB_ACCOUNT
    ? accountId({ subscriptionId, resourceGroup, name: env.LAB_GALLERY_LAB_ACCOUNT, kind: "labAccount" })
    : accountId({ subscriptionId, resourceGroup, name: required("LAB_GALLERY_LAB_PLAN"), kind: "labPlan" });
const galleryId = formatGalleryId({
  subscriptionId,
  resourceGroup: emulator ? "labs-rg" : (env.LAB_GALLERY_GALLERY_RESOURCE_GROUP ?? resourceGroup),
  name: emulator ? "labgallery" : required("LAB_GALLERY_GALLERY"),
});
const imageName = env.LAB_GALLERY_IMAGE ?? "win11-base";

try {
  const client = new LabAccountClient(account, options);
  const info = await client.getAccount();
  console.log(`${info.kind === "labPlan" ? "Lab plan" : "Lab account"} ${info.name} in ${info.location}`);

  // Attach: idempotent; throws ConflictError if another gallery is attached (pass { replace: true }).
  const attached = await client.attachGallery(galleryId);
  console.log(`Attached gallery ${attached.galleryName}`);

  // Lab plans see gallery images disabled at first, lab accounts enabled.
  console.log("Gallery images:");
  for await (const image of client.listImages({ source: "gallery" })) {
    console.log(`  ${image.name.padEnd(20)} ${image.osType ?? "?"} ${image.osState ?? "?"} enabled=${image.enabled}`);
  }

  // Enable exactly the images lab creators may use. An unknown name changes nothing and throws
  // NotFoundError with the closest names.
  const [enabled] = await client.setImageEnabled([imageName], true);
  console.log(`Enabled ${enabled?.name}: replicated to ${enabled?.availableRegions.join(", ") || "(unknown)"}`);

  for await (const image of client.listImages({ enabled: true, source: "gallery" })) {
    console.log(`Lab creators can now use ${image.name} (${image.galleryImageId})`);
  }
} catch (e) {
  // The service principal of Lab Services lacks its role on the gallery: the error says which
  // command grants it.
  if (isPermissionDeniedError(e)) console.error(`${e.message}\nhint: ${e.hint}`);
  throw e;
} finally {
  await emulator?.close();
}
