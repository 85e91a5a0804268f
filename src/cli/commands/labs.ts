/**
 * `lab-gallery labs create|list|show|delete`: labs of a lab plan or lab account. `create` builds a
 * lab from a gallery image; the password comes from LAB_GALLERY_PASSWORD, --password-stdin or a
 * hidden prompt, never from an argument.
 */
import { Option, type Command } from "commander";
import { formatGalleryImageId, isImageCredentialsError, parseResourceId, validateName } from "../../index.js";
import { createLabOptionsSchema } from "../../clients/lab/schemas.js";
import { parseInput } from "../../validation/parse.js";
import type { Lab } from "../../models/lab.js";
import type { CreateLabOptions, LabCredentials } from "../clients.js";
import { addAccountOptions, parseNonNegativeInt, type CliContext } from "../context.js";
import { promptHidden, readPassword } from "../credentials.js";
import { InterruptedError, UsageError } from "../errors.js";
import { formatKeyValues } from "../output.js";
import { createProgress } from "../progress.js";
import { accountFrom, collect, describeId, labTable, nameOf, waitInterruptibly } from "./shared.js";

interface CreateCliOptions {
  image: string;
  name: string;
  sku: string;
  usageQuotaHours: number;
  capacity?: number;
  title?: string;
  location?: string;
  credentialsFromImage?: boolean;
  username?: string;
  adminUser?: string;
  passwordStdin?: boolean;
  enableImage?: boolean;
  wait: boolean;
}

function labDetails(l: Lab): string {
  return formatKeyValues([
    ["name", l.name],
    ["title", l.title],
    ["state", l.state],
    ["provisioning", l.provisioningState],
    ["sku", l.sku],
    ["capacity", l.capacity],
    ["location", l.location],
    ["image", l.galleryImageId],
    ["admin user", l.adminUsername],
    ["account", describeId(l.account)],
    ["id", l.id],
  ]);
}

const wholeNumber = (what: string) => (raw: string) => parseNonNegativeInt(raw, what);

/** Checks the credential flags and says which kind of credentials the lab gets (before any prompt or request). */
export function credentialsPlan(o: Pick<CreateCliOptions, "credentialsFromImage" | "username" | "adminUser">): { kind: "new" | "fromImage"; username: string } {
  if (o.credentialsFromImage && o.adminUser !== undefined) {
    throw new UsageError("Give --credentials-from-image or --admin-user, not both.");
  }
  if (o.credentialsFromImage) {
    if (o.username === undefined) {
      throw new UsageError("--credentials-from-image needs --username: the template's admin username (the image keeps its accounts).");
    }
    return { kind: "fromImage", username: o.username };
  }
  if (o.adminUser !== undefined) {
    if (o.username !== undefined) throw new UsageError("--username goes with --credentials-from-image; with --admin-user the user name is its value.");
    return { kind: "new", username: o.adminUser };
  }
  throw new UsageError(
    "Which credentials? Give --admin-user <name> (new admin account: generalized images) or --credentials-from-image --username <name> (the template's account: specialized images).",
    "Images exported from a lab are specialized; run lab-gallery images list to see each image's OS state.",
  );
}

export function registerLabs(program: Command, ctx: () => CliContext): void {
  const labs = program
    .command("labs")
    .description("create labs from gallery images; list, show and delete labs")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ LAB_GALLERY_PASSWORD=… lab-gallery labs create --account $PLAN --image win11-base --name intro-101 \\",
        "      --sku Classic_Fsv2_2_4GB_128_S_SSD --admin-user teacher",
        "  $ lab-gallery labs create --account $PLAN --image biology-2026 --name biology-101-b \\",
        "      --sku Classic_Fsv2_2_4GB_128_S_SSD --credentials-from-image --username labadmin   # prompts for the password",
        "  $ lab-gallery labs list --account $PLAN --json",
      ].join("\n"),
    );

  addAccountOptions(
    labs
      .command("create")
      .description("create a lab from a gallery image")
      .requiredOption("--image <nameOrId>", "image name on the lab plan or lab account, or an image or gallery image definition id")
      .requiredOption("--name <name>", "name of the new lab")
      .requiredOption("--sku <sku>", "VM size, e.g. Classic_Fsv2_2_4GB_128_S_SSD")
      .option("--usage-quota-hours <hours>", "hours each student may use the VM", wholeNumber("--usage-quota-hours"), 10)
      .option("--capacity <n>", "number of student VMs", wholeNumber("--capacity"))
      .option("--title <title>", "lab title shown to students")
      .option("--location <region>", "region of the lab (lab plans; defaults to the plan's)")
      .addOption(new Option("--credentials-from-image", "use the template's credentials kept in a specialized image").conflicts("adminUser"))
      .option("--username <name>", "with --credentials-from-image: the template's admin username")
      .option("--admin-user <name>", "new admin account for a generalized image")
      .option("--password-stdin", "read the password from stdin instead of LAB_GALLERY_PASSWORD or a prompt")
      .option("--enable-image", "enable the image first if lab creators may not use it yet")
      .option("--no-wait", "return once the service accepted the request"),
  ).action(async (opts: CreateCliOptions, cmd: Command) => {
    const c = ctx();
    const plan = credentialsPlan(opts);
    for (const [v, what] of [
      [opts.name, "--name"],
      [plan.username, plan.kind === "new" ? "--admin-user" : "--username"],
    ] as const) {
      if (v.trim() === "") throw new UsageError(`${what} must not be empty.`);
    }
    try {
      validateName("labServices", opts.name, "--name");
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const account = accountFrom(c, cmd);
    const password = await readPassword(c.out.streams, {
      prompt: plan.kind === "new" ? `New password for ${plan.username}` : `Password of ${plan.username} in the image`,
      confirm: plan.kind === "new",
      fromStdin: opts.passwordStdin === true,
      what: plan.kind === "new" ? "admin password" : "template password",
    });
    c.out.addSecret(password);
    const credentials: LabCredentials =
      plan.kind === "new" ? { kind: "new", adminUser: { username: plan.username, password } } : { kind: "fromImage", username: plan.username, password };
    const clientOptions = c.clientOptions();
    const request: CreateLabOptions = { name: opts.name, image: opts.image, sku: opts.sku, usageQuota: { hours: opts.usageQuotaHours }, credentials };
    if (opts.capacity !== undefined) request.capacity = opts.capacity;
    if (opts.title !== undefined) request.title = opts.title;
    if (opts.location !== undefined) request.location = opts.location;
    if (!opts.image.startsWith("/")) {
      // The SDK takes an image id or a GalleryImage; a bare name is looked up on the account
      // first. Validate everything else before that read, so bad input sends no request at all.
      validateName("labServices", opts.image, "--image");
      parseInput(createLabOptionsSchema, { ...request, image: placeholderImageId(account) }, "labs create options");
      request.image = await c.deps.accountClient(account, clientOptions).getImage(opts.image);
    }
    const client = c.deps.labClient(account, clientOptions);
    const poller = withCliHint(() => client.createFromGalleryImage(request, opts.enableImage ? { enableImage: true } : {}), plan.kind);
    c.out.info(`Creating lab ${opts.name} on ${describeId(account)} from ${opts.image}…`);
    const cliError = (e: unknown): never => {
      throw withCliCredentialsHint(e, plan.kind);
    };
    if (!opts.wait) {
      await poller.submitted().catch(cliError);
      const state = poller.operationState;
      c.out.result({ status: state?.status ?? "running", name: opts.name, labId: state?.labId }, () => `Lab ${opts.name} is being created; see it with lab-gallery labs show ${opts.name}.`);
      return;
    }
    const progress = createProgress(c.out);
    const off = poller.onProgress((s) => progress.update("lab", `create ${opts.name}`, s.percentComplete, s.provisioningState?.toLowerCase() ?? s.phase));
    let lab: Lab;
    try {
      lab = await waitInterruptibly(
        c,
        (signal) => poller.pollUntilDone({ abortSignal: signal }).catch(cliError),
        async () => {
          throw new InterruptedError("Interrupted.", `The lab goes on being created in Azure; check it with lab-gallery labs show ${opts.name}.`);
        },
      );
    } finally {
      off();
      progress.stop();
    }
    c.out.result(lab, () => `Created lab ${lab.name} from ${nameOf(lab.galleryImageId) ?? opts.image}.\n${labDetails(lab)}`);
  });

  addAccountOptions(labs.command("list").description("list the labs of a lab plan or lab account")).action(async (_o: unknown, cmd: Command) => {
    const c = ctx();
    const account = accountFrom(c, cmd);
    const list = await collect(c.deps.labClient(account, c.clientOptions()).list());
    c.out.result(list, () => (list.length === 0 ? `No labs on ${describeId(account)}.` : labTable(list)));
  });

  addAccountOptions(labs.command("show").description("show one lab").argument("<name>", "lab name")).action(async (name: string, _o: unknown, cmd: Command) => {
    const c = ctx();
    const account = accountFrom(c, cmd);
    const lab = await c.deps.labClient(account, c.clientOptions()).get(name);
    c.out.result(lab, () => labDetails(lab));
  });

  addAccountOptions(
    labs
      .command("delete")
      .description("delete a lab and its VMs")
      .argument("<name>", "lab name")
      .option("-y, --yes", "do not ask for confirmation (required without a terminal)"),
  ).action(async (name: string, opts: { yes?: boolean }, cmd: Command) => {
    const c = ctx();
    const account = accountFrom(c, cmd);
    if (!opts.yes) {
      const streams = c.out.streams;
      if (!(streams.stdin.isTTY && streams.stderr.isTTY)) {
        throw new UsageError(`Deleting lab ${name} needs confirmation.`, "Pass --yes to delete without a prompt.");
      }
      const answer = await askVisible(c, `Delete lab ${name} and all its VMs? Type the lab name to confirm: `);
      if (answer.trim() !== name) throw new UsageError("Not confirmed; nothing was deleted.");
    }
    const client = c.deps.labClient(account, c.clientOptions());
    c.out.info(`Deleting lab ${name}…`);
    await client.delete(name);
    c.out.result({ deleted: true, name, account }, () => `Deleted lab ${name}.`);
  });
}

/** A visible one-line question (confirmation). */
function askVisible(c: CliContext, question: string): Promise<string> {
  return promptHidden(c.out.streams, question, false);
}

/** A well-formed definition id in the account's scope, standing in for an image name during validation. */
function placeholderImageId(account: string): string {
  const p = parseResourceId(account);
  return formatGalleryImageId({ subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup, gallery: "placeholder", name: "placeholder" });
}

/**
 * The SDK's hint for a credentials mismatch names SDK options; on the command line the fix is a
 * different pair of flags. Returns the error to throw instead, or `e` itself.
 */
function withCliCredentialsHint(e: unknown, kind: "new" | "fromImage"): unknown {
  if (!isImageCredentialsError(e)) return e;
  return new UsageError(
    e.message,
    kind === "new"
      ? "This image keeps the template VM's accounts: use --credentials-from-image --username <template admin> and that account's password."
      : "This image needs new credentials: use --admin-user <name> (the password is read from LAB_GALLERY_PASSWORD or a prompt).",
  );
}

/** Runs `create`, translating a credentials mismatch it throws (synchronously or not) for the CLI. */
function withCliHint<T>(create: () => T, kind: "new" | "fromImage"): T {
  try {
    return create();
  } catch (e) {
    throw withCliCredentialsHint(e, kind);
  }
}
