/**
 * Bulk jobs: back up the template of every lab of a lab plan to its gallery (the job of the
 * retirement year: labs disappear on 2027-06-28, galleries and their images stay), then create a
 * batch of labs from one of the exported images. Both jobs run a few operations at once, slow down
 * by themselves when Azure throttles, and keep a checkpoint file: a re-run after a crash or Ctrl-C
 * continues where the last one stopped and never exports or creates anything twice.
 *
 * Run it (after `npm run build`):  node examples/run.mjs bulk
 *
 * Without settings it starts the embedded emulator (demo seed: lab plan plan-westus2 with the lab
 * biology-101) and keeps its checkpoints in a temporary directory. Set AZURE_SUBSCRIPTION_ID to run
 * it against Azure instead, with DefaultAzureCredential (`az login`, a managed identity, or a
 * service principal through AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET):
 *
 *   AZURE_SUBSCRIPTION_ID         subscription of the lab plan
 *   LAB_GALLERY_RESOURCE_GROUP    resource group of the lab plan and its labs (required)
 *   LAB_GALLERY_LAB_PLAN          lab plan name (required); a gallery must be attached
 *   LAB_GALLERY_CHECKPOINT_DIR    where the checkpoint files live (default: ./lab-gallery-checkpoints)
 *   LAB_GALLERY_BULK_LABS         how many labs to create from the first exported image (default: 3; 0: none)
 *   LAB_GALLERY_SKU               VM size of those labs (default: Classic_Fsv2_2_4GB_128_S_SSD)
 *   LAB_GALLERY_ADMIN_USER        the exported template VM's admin user (default: labadmin)
 *   LAB_GALLERY_ADMIN_PASSWORD    its password, kept by the specialized image (required when creating labs)
 *
 * Against Azure this really saves one image per lab (about ten minutes each) and creates labs (billed).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LabAccountClient,
  accountId,
  createLabsFromImage,
  exportAllTemplates,
  formatGalleryId,
  type BatchProgress,
  type BulkLabDefinition,
  type ClientOptions,
} from "azure-lab-gallery";
import { startEmulator } from "azure-lab-gallery/emulator";

const env = process.env;
const live = Boolean(env.AZURE_SUBSCRIPTION_ID);

function required(name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Set ${name} (see the top of examples/bulk.ts).`);
  return value;
}

// Emulator by default; Azure when AZURE_SUBSCRIPTION_ID is set.
const emulator = live ? undefined : await startEmulator({ seed: "demo", speed: 2000 });
const clientOptions: ClientOptions = emulator
  ? { endpoint: emulator.url, credential: emulator.credential, pollIntervalInMs: 50 }
  : {}; // credential left out: DefaultAzureCredential
const subscriptionId = emulator ? emulator.subscriptionId : required("AZURE_SUBSCRIPTION_ID");
const resourceGroup = emulator ? "labs-rg" : required("LAB_GALLERY_RESOURCE_GROUP");
const planId = accountId({ subscriptionId, resourceGroup, name: emulator ? "plan-westus2" : required("LAB_GALLERY_LAB_PLAN"), kind: "labPlan" });
const checkpoints = emulator ? mkdtempSync(join(tmpdir(), "lab-gallery-bulk-")) : (env.LAB_GALLERY_CHECKPOINT_DIR ?? "lab-gallery-checkpoints");
mkdirSync(checkpoints, { recursive: true });
const count = Number(env.LAB_GALLERY_BULK_LABS ?? 3);

const progress = (job: string) => (p: BatchProgress) => {
  if (p.item && p.item.status !== "running") {
    console.log(`  ${job}: ${p.item.name} ${p.item.status}${p.item.reason ? ` (${p.item.reason})` : ""} — ${p.done}/${p.total} done, ${p.failed} failed`);
  }
};

try {
  if (emulator) {
    // The demo lab plan has no gallery yet: attach one first (examples/attach-gallery.ts).
    await new LabAccountClient(planId, clientOptions).attachGallery(formatGalleryId({ subscriptionId, resourceGroup, name: "labgallery" }));
  }

  // 1. Back up every lab template. Labs without a template VM are skipped; one failure does not stop the rest.
  console.log("Exporting the template of every lab…");
  const exported = await exportAllTemplates(planId, {
    clientOptions,
    concurrency: 4,
    namePattern: "{lab}-backup", // cleaned into valid, collision-free gallery image names
    checkpoint: join(checkpoints, "export-all.json"),
    onProgress: progress("export"),
  });
  const { total, exported: ok, skipped, failed } = exported.counts;
  console.log(`Exported ${ok} of ${total} templates (${skipped} skipped, ${failed} failed) to ${exported.galleryId.split("/").pop()}`);
  for (const item of exported.items) console.log(`  ${item.lab} → ${item.imageName}: ${item.status}${item.error ? ` ${item.error.message}` : ""}`);

  // 2. Create a batch of labs from the first exported image. It is specialized, so every lab keeps
  //    the template VM's admin account. Every row is checked before the first lab is created.
  const image = exported.items.find((i) => i.image)?.image;
  if (image && count > 0) {
    const password = emulator ? "Example-Passw0rd!" : required("LAB_GALLERY_ADMIN_PASSWORD");
    const labs: BulkLabDefinition[] = Array.from({ length: count }, (_, i) => ({
      name: `${image.name}-section-${i + 1}`,
      title: `Section ${i + 1}`,
      sku: env.LAB_GALLERY_SKU ?? "Classic_Fsv2_2_4GB_128_S_SSD",
      usageQuota: { hours: 10 },
      credentials: { kind: "fromImage", username: env.LAB_GALLERY_ADMIN_USER ?? "labadmin", password },
    }));
    console.log(`Creating ${labs.length} labs from ${image.name}…`);
    const created = await createLabsFromImage(planId, image, labs, {
      clientOptions,
      concurrency: 4,
      enableImage: true, // exported images start disabled on a lab plan
      checkpoint: join(checkpoints, `create-${image.name}.json`),
      onProgress: progress("create"),
    });
    console.log(`Created ${created.counts.created} of ${created.counts.total} labs (${created.counts.failed} failed)`);

    // Running the same batch again finds everything in the checkpoint: nothing is created twice.
    const again = await createLabsFromImage(planId, image, labs, { clientOptions, checkpoint: join(checkpoints, `create-${image.name}.json`) });
    console.log(`Re-run: ${again.items.filter((i) => i.fromCheckpoint).length} of ${again.counts.total} labs already done (from the checkpoint)`);
  }
} finally {
  await emulator?.close();
  if (emulator) rmSync(checkpoints, { recursive: true, force: true });
}
