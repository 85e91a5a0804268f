/** `lab-gallery images list|enable|disable`: the gallery images lab creators may use. */
import { Option, type Command } from "commander";
import type { ImageFilter } from "../clients.js";
import { addAccountOptions, type CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { accountFrom, collect, describeId, imageTable } from "./shared.js";

interface ListOptions {
  enabled?: boolean;
  disabled?: boolean;
  osState?: "generalized" | "specialized";
  osType?: "windows" | "linux";
  source?: "gallery" | "marketplace";
  displayName?: string;
}

const cap = <T extends string>(s: string): T => (s.charAt(0).toUpperCase() + s.slice(1)) as T;

export function registerImages(program: Command, ctx: () => CliContext): void {
  const images = program
    .command("images")
    .description("list the images of a lab plan or lab account, and choose which ones lab creators may use")
    .addHelpText("after", "\nExamples:\n  $ lab-gallery images list --account $PLAN --enabled --os-state specialized\n  $ lab-gallery images enable win11-base --account $PLAN");

  addAccountOptions(
    images
      .command("list")
      .description("list images (gallery and marketplace)")
      .addOption(new Option("--enabled", "only images lab creators may use").conflicts("disabled"))
      .option("--disabled", "only images lab creators may not use")
      .addOption(new Option("--os-state <state>", "only generalized or specialized images").choices(["generalized", "specialized"]))
      .addOption(new Option("--os-type <type>", "only Windows or Linux images").choices(["windows", "linux"]))
      .addOption(new Option("--source <source>", "only gallery or marketplace images").choices(["gallery", "marketplace"]))
      .option("--display-name <text>", "only images whose display name contains this text"),
  ).action(async (opts: ListOptions, cmd: Command) => {
    const c = ctx();
    const account = accountFrom(c, cmd);
    const filter: ImageFilter = {};
    if (opts.enabled) filter.enabled = true;
    if (opts.disabled) filter.enabled = false;
    if (opts.osState) filter.osState = cap(opts.osState);
    if (opts.osType) filter.osType = cap(opts.osType);
    if (opts.source) filter.source = opts.source;
    if (opts.displayName !== undefined) filter.displayName = opts.displayName;
    const list = await collect(c.deps.accountClient(account, c.clientOptions()).listImages(filter));
    c.out.result(list, () => (list.length === 0 ? `No images match on ${describeId(account)}.` : imageTable(list)));
  });

  for (const enabled of [true, false]) {
    const verb = enabled ? "enable" : "disable";
    addAccountOptions(
      images
        .command(verb)
        .description(enabled ? "let lab creators use these images" : "stop lab creators from using these images (existing labs keep working)")
        .argument("<names...>", "image names (or image ids) on the lab plan or lab account"),
    ).action(async (names: string[], _opts: unknown, cmd: Command) => {
      const c = ctx();
      const unique = [...new Set(names)];
      if (unique.some((n) => n.trim() === "")) throw new UsageError("Image names must not be empty.");
      const account = accountFrom(c, cmd);
      const updated = await c.deps.accountClient(account, c.clientOptions()).setImageEnabled(unique, enabled);
      c.out.result(updated, () => `${enabled ? "Enabled" : "Disabled"} ${updated.map((i) => i.name).join(", ")} on ${describeId(account)}.`);
    });
  }
}
