/** `lab-gallery gallery attach|show|detach`: the gallery attached to a lab plan or lab account. */
import type { Command } from "commander";
import { isResourceId } from "../../index.js";
import type { AttachedGallery } from "../../models/gallery-image.js";
import { addAccountOptions, type CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { formatKeyValues } from "../output.js";
import { accountFrom, describeId } from "./shared.js";

function galleryDetails(g: AttachedGallery): string {
  return formatKeyValues([
    ["gallery", g.galleryName],
    ["resource group", g.resourceGroup],
    ["subscription", g.subscriptionId],
    ["gallery id", g.galleryId],
    ["attached to", describeId(g.account)],
  ]);
}

export function registerGallery(program: Command, ctx: () => CliContext): void {
  const gallery = program
    .command("gallery")
    .description("attach, show or detach the Compute Gallery of a lab plan or lab account")
    .addHelpText("after", "\nExamples:\n  $ lab-gallery gallery attach /subscriptions/…/galleries/labgallery --account /subscriptions/…/labPlans/plan-westus2\n  $ lab-gallery gallery show --account $PLAN --json");

  addAccountOptions(
    gallery
      .command("attach")
      .description("attach a Compute Gallery (one per lab plan or lab account)")
      .argument("<galleryId>", "the gallery's resource id (/subscriptions/…/providers/Microsoft.Compute/galleries/<name>)")
      .option("--replace", "replace a gallery that is already attached")
      .option("--no-preflight", "skip the client-side checks before attaching (region, permissions)"),
  ).action(async (galleryId: string, opts: { replace?: boolean; preflight: boolean }, cmd: Command) => {
    const c = ctx();
    if (!isResourceId(galleryId, "gallery")) {
      throw new UsageError(
        `${JSON.stringify(galleryId.slice(0, 120))} is not a gallery resource id.`,
        "Expected /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{name}.",
      );
    }
    const account = accountFrom(c, cmd);
    const client = c.deps.accountClient(account, c.clientOptions());
    c.out.info(`Attaching ${galleryId.split("/").pop()} to ${describeId(account)}…`);
    const attached = await client.attachGallery(galleryId, { ...(opts.replace ? { replace: true } : {}), preflight: opts.preflight });
    c.out.result(attached, () => `Attached gallery ${attached.galleryName} to ${describeId(account)}.`);
  });

  addAccountOptions(gallery.command("show").description("show the attached gallery")).action(async (_opts: unknown, cmd: Command) => {
    const c = ctx();
    const account = accountFrom(c, cmd);
    const attached = await c.deps.accountClient(account, c.clientOptions()).getAttachedGallery();
    c.out.result(attached ?? null, () => (attached ? galleryDetails(attached) : `No gallery is attached to ${describeId(account)}.`));
  });

  addAccountOptions(gallery.command("detach").description("detach the attached gallery (its images stay in the gallery)")).action(
    async (_opts: unknown, cmd: Command) => {
      const c = ctx();
      const account = accountFrom(c, cmd);
      const client = c.deps.accountClient(account, c.clientOptions());
      c.out.info(`Detaching the gallery from ${describeId(account)}…`);
      await client.detachGallery();
      c.out.result({ detached: true, account }, () => `Detached the gallery from ${describeId(account)}.`);
    },
  );
}
