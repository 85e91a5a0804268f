/**
 * `lab-gallery export --lab … --image-name …` and `lab-gallery export resume <token>`: save a lab's
 * template VM to the attached gallery, with a bar for the save and one per region while replicating.
 * `--no-wait` starts the export and prints a resume token; Ctrl-C during a wait does the same (the
 * export goes on in Azure).
 */
import type { Command } from "commander";
import { validateName } from "../../index.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import type { ExportState } from "../../models/lab.js";
import type { PollerLike } from "../../index.js";
import type { ExportOptions } from "../clients.js";
import { resolveLabId, type AccountOptions, type CliContext } from "../context.js";
import { InterruptedError, UsageError } from "../errors.js";
import { formatKeyValues } from "../output.js";
import { createProgress, type ProgressView } from "../progress.js";
import { describeId, waitInterruptibly } from "./shared.js";

interface ExportCliOptions extends AccountOptions {
  lab?: string;
  imageName?: string;
  replicateTo?: string;
  wait: boolean;
  experimentalClassicSaveImage?: boolean;
}

const REGION = /^[a-z0-9]+$/;

/** `geography` or a comma-separated list of region names (`eastus,westeurope`). */
export function parseReplicateTo(raw: string): string[] | "geography" {
  const v = raw.trim().toLowerCase();
  if (v === "geography") return "geography";
  const regions = v
    .split(",")
    .map((r) => r.trim().replace(/\s+/g, ""))
    .filter((r) => r.length > 0);
  if (regions.length === 0 || regions.some((r) => !REGION.test(r))) {
    throw new UsageError(`--replicate-to ${JSON.stringify(raw)}: expected "geography" or region names such as eastus,westeurope.`);
  }
  return [...new Set(regions)];
}

/** One bar for the export as a whole (validate, save, locate), one per region while replicating. */
function showProgress(progress: ProgressView, s: ExportState): void {
  progress.update("export", `export ${s.imageName}`, s.percentComplete, s.phase);
  for (const r of s.regions) {
    progress.update(`region:${r.region}`, `replicate ${r.region}`, r.progress, r.state.toLowerCase());
  }
}

function imageDetails(image: GalleryImage): string {
  return formatKeyValues([
    ["image", image.name],
    ["os", [image.osType, image.osState].filter(Boolean).join(", ")],
    ["enabled", image.enabled],
    ["regions", image.availableRegions.join(", ")],
    ["gallery image", image.galleryImageId],
    ["version", image.galleryImageVersionId?.split("/").pop()],
    ["account", describeId(image.account)],
  ]);
}

/** Waits for an export with progress; Ctrl-C prints the resume token and exits 130. */
async function follow(ctx: CliContext, poller: PollerLike<ExportState, GalleryImage>): Promise<void> {
  const progress = createProgress(ctx.out);
  const off = poller.onProgress((s) => showProgress(progress, s));
  let image: GalleryImage;
  try {
    image = await waitInterruptibly(
      ctx,
      (signal) => poller.pollUntilDone({ abortSignal: signal }),
      async () => {
        progress.stop();
        const token = await poller.serialize();
        ctx.out.writeErr(`\nStopped waiting; the export goes on in Azure. Resume with:\n  lab-gallery export resume ${token}\n`);
        // With --json the token is part of the one error document on stdout.
        throw new InterruptedError("Interrupted.", "The export was not cancelled; resume it with the command above.", { status: "running", resumeToken: token });
      },
    );
  } finally {
    off();
    progress.stop();
  }
  ctx.out.result(image, () => `Exported ${image.name}.\n${imageDetails(image)}`);
}

export function registerExport(program: Command, ctx: () => CliContext): void {
  const exp = program
    .command("export")
    .description("export a lab's template VM image to the attached gallery")
    .option("--lab <labId>", "the lab's resource id (or its name, with --subscription, --resource-group [and --lab-account])")
    .option("--image-name <name>", "name of the gallery image to produce")
    .option("--replicate-to <regions>", '"geography" or a comma-separated list of regions (lab plans)')
    .option("--no-wait", "start the export, print a resume token and return")
    .option("--experimental-classic-save-image", "allow the export on a classic lab account (inferred, undocumented service call)")
    .option("--subscription <id>", "subscription of the lab, when --lab is a name")
    .option("-g, --resource-group <name>", "resource group of the lab, when --lab is a name")
    .option("--lab-account <name>", "classic lab account of the lab, when --lab is a name")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lab-gallery export --lab /subscriptions/…/labs/biology-101 --image-name biology-2026 --replicate-to geography\n  $ TOKEN=$(lab-gallery export --lab $LAB --image-name biology-2026 --no-wait --json | jq -r .resumeToken)\n  $ lab-gallery export resume \"$TOKEN\"",
    )
    .action(async (opts: ExportCliOptions) => {
      const c = ctx();
      if (opts.lab === undefined || opts.imageName === undefined) {
        const missing = [opts.lab === undefined ? "--lab" : undefined, opts.imageName === undefined ? "--image-name" : undefined].filter(Boolean);
        throw new UsageError(`export needs ${missing.join(" and ")}.`, "Run lab-gallery export --help.");
      }
      const labId = resolveLabId(opts.lab, opts, c.out.streams.env);
      try {
        validateName("galleryImage", opts.imageName, "--image-name");
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const request: ExportOptions = { imageName: opts.imageName };
      if (opts.replicateTo !== undefined) request.replicateTo = parseReplicateTo(opts.replicateTo);
      const client = c.deps.templateClient(labId, c.clientOptions());
      const poller = client.exportToGallery(request, opts.experimentalClassicSaveImage ? { experimentalClassicSaveImage: true } : {});
      c.out.info(`Exporting the template of ${describeId(labId)} as ${opts.imageName}…`);
      if (!opts.wait) {
        await poller.submitted();
        const token = await poller.serialize();
        c.out.result({ status: "running", labId, imageName: opts.imageName, resumeToken: token }, () =>
          ["Export started; it goes on in Azure. Follow it with:", `  lab-gallery export resume ${token}`].join("\n"),
        );
        return;
      }
      await follow(c, poller);
    });

  exp
    .command("resume")
    .description("follow an export started earlier (with --no-wait, or interrupted) to its end")
    .argument("<token>", 'the resume token printed by export --no-wait ("-" reads it from stdin)')
    .action(async (token: string) => {
      const c = ctx();
      let t = token;
      if (t === "-") t = (await readStdin(c)).trim();
      if (t.length === 0) throw new UsageError("The resume token is empty.");
      const poller = c.deps.resumeExport(t, c.clientOptions());
      c.out.info("Resuming the export…");
      await follow(c, poller);
    });
}

async function readStdin(c: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of c.out.streams.stdin as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
