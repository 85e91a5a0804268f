/**
 * Scenario 3: a lab creator creates a lab whose template VM comes from a gallery image. The image's
 * OS state decides the credentials: a generalized image gets a new admin user, a specialized one
 * (every image exported from a lab) keeps the template VM's user and password.
 *
 * Run it (after `npm run build`):  node examples/run.mjs create-lab
 *
 * Without settings it starts the embedded emulator (demo seed), attaches the demo gallery, enables
 * the generalized image `win11-base` and creates a lab from it. Set AZURE_SUBSCRIPTION_ID to run it
 * against Azure instead, with DefaultAzureCredential (`az login`, a managed identity, or a service
 * principal through AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET):
 *
 *   AZURE_SUBSCRIPTION_ID         subscription of the lab plan
 *   LAB_GALLERY_RESOURCE_GROUP    resource group of the lab plan (required)
 *   LAB_GALLERY_LAB_PLAN          lab plan name (required); the image must be enabled on it
 *                                 (examples/attach-gallery.ts)
 *   LAB_GALLERY_IMAGE             image name on the lab plan, or a gallery image id (default: win11-base)
 *   LAB_GALLERY_NEW_LAB           name of the lab to create (default: intro-101)
 *   LAB_GALLERY_SKU               VM size (default: Classic_Fsv2_2_4GB_128_S_SSD)
 *   LAB_GALLERY_ADMIN_USER        admin user: a new one (generalized image) or the template VM's (specialized)
 *                                 (default: labadmin)
 *   LAB_GALLERY_ADMIN_PASSWORD    its password (required; never printed)
 *   LAB_GALLERY_DELETE_LAB        "yes": delete the lab again at the end
 *
 * Against Azure this really creates a lab (about eleven minutes), which is billed while it runs.
 */
import { randomBytes } from "node:crypto";
import {
  LabAccountClient,
  LabClient,
  accountId,
  formatGalleryId,
  isImageCredentialsError,
  type ClientOptions,
  type CreateLabCredentials,
} from "azure-lab-gallery";
import { startEmulator } from "azure-lab-gallery/emulator";

const env = process.env;
const live = Boolean(env.AZURE_SUBSCRIPTION_ID);

function required(name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Set ${name} (see the top of examples/create-lab.ts).`);
  return value;
}

// Emulator by default; Azure when AZURE_SUBSCRIPTION_ID is set.
const emulator = live ? undefined : await startEmulator({ seed: "demo", speed: 2000 });
const options: ClientOptions = emulator
  ? { endpoint: emulator.url, credential: emulator.credential, pollIntervalInMs: 50 }
  : {}; // credential left out: DefaultAzureCredential
const subscriptionId = emulator ? emulator.subscriptionId : required("AZURE_SUBSCRIPTION_ID");
const resourceGroup = emulator ? "labs-rg" : required("LAB_GALLERY_RESOURCE_GROUP");
const planId = accountId({ subscriptionId, resourceGroup, name: emulator ? "plan-westus2" : required("LAB_GALLERY_LAB_PLAN"), kind: "labPlan" });
const labName = env.LAB_GALLERY_NEW_LAB ?? "intro-101";
const username = env.LAB_GALLERY_ADMIN_USER ?? "labadmin";
// The emulator needs some password that passes Azure's complexity rules; Azure needs yours.
const password = emulator ? `Ex-${randomBytes(9).toString("base64url")}-7a!` : required("LAB_GALLERY_ADMIN_PASSWORD");

try {
  const plan = new LabAccountClient(planId, options);
  if (emulator) {
    // What the admin does first (examples/attach-gallery.ts): attach the gallery, enable the image.
    await plan.attachGallery(formatGalleryId({ subscriptionId, resourceGroup, name: "labgallery" }));
    await plan.setImageEnabled("win11-base", true);
  }

  const image = await plan.getImage(env.LAB_GALLERY_IMAGE ?? "win11-base");
  console.log(`Image ${image.name}: ${image.osType} ${image.osState}, enabled=${image.enabled}, regions ${image.availableRegions.join(", ")}`);

  // The decision table of docs/create-lab.md in code.
  const credentials: CreateLabCredentials =
    image.osState === "Specialized"
      ? { kind: "fromImage", username, password } // the template VM's account, kept by the image
      : { kind: "new", adminUser: { username, password } }; // a new admin account
  const labs = new LabClient(planId, options);

  // The other choice is refused synchronously, before any request: a typed error with a hint.
  try {
    labs.createFromGalleryImage({
      name: labName,
      image,
      sku: "Classic_Fsv2_2_4GB_128_S_SSD",
      usageQuota: { hours: 10 },
      credentials: credentials.kind === "new" ? { kind: "fromImage", username, password } : { kind: "new", adminUser: { username, password } },
    });
  } catch (e) {
    if (!isImageCredentialsError(e)) throw e;
    console.log(`Wrong credentials for this image are refused before sending anything: ${e.name}\n  hint: ${e.hint}`);
  }

  const poller = labs.createFromGalleryImage(
    {
      name: labName,
      title: "Introduction to Windows 11",
      image, // a GalleryImage (or an image id): its OS state is checked against the credentials
      sku: env.LAB_GALLERY_SKU ?? "Classic_Fsv2_2_4GB_128_S_SSD",
      capacity: 10,
      usageQuota: { hours: 10 },
      credentials,
    },
    { ifExists: "reuse" }, // a re-run after a crash returns the lab instead of failing
  );
  let lastPhase = "";
  poller.onProgress((s) => {
    const line = `${s.phase} ${s.provisioningState ?? ""}`.trim();
    if (line !== lastPhase) console.log(`  ${line} (${s.percentComplete.toFixed(0)}%)`);
    lastPhase = line;
  });
  console.log(`Creating lab ${labName} from ${image.name} with ${credentials.kind === "new" ? "a new" : "the image's"} admin user ${username}…`);
  const lab = await poller;
  console.log(`Created lab ${lab.name}: ${lab.provisioningState}, ${lab.location}, from ${lab.galleryImageId}`);

  for await (const l of labs.list()) console.log(`  lab ${l.name} (${l.provisioningState})`);

  if (emulator || env.LAB_GALLERY_DELETE_LAB === "yes") {
    await labs.delete(labName);
    console.log(`Deleted lab ${labName}`);
  }
} finally {
  await emulator?.close();
}
