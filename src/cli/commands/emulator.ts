/**
 * `lab-gallery emulator [options]`: the standalone emulator. Its options, help and start-up are the
 * emulator's own runner (`runEmulatorCli`, the same code as `npm run emulator`); this command only
 * forwards the arguments, keeps the process alive until Ctrl-C or SIGTERM, and closes it cleanly.
 * With `--json` the URL and subscription id are printed as one JSON object on stdout.
 */
import { CommanderError, type Command } from "commander";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";

export function registerEmulator(program: Command, ctx: () => CliContext): void {
  program
    .command("emulator")
    .description("run the Lab Services + Compute Gallery emulator on localhost until Ctrl-C (options: lab-gallery emulator --help)")
    .usage("[--port <n>] [--seed demo|empty|<file>] [--speed <n>] [--state <file>] [--cert <file> --key <file>]")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[options...]", "passed to the emulator's runner")
    .action(async (args: string[]) => {
      const c = ctx();
      let running: { url: string; subscriptionId: string; close(): Promise<void> };
      try {
        running = await c.deps.runEmulator(args, {
          // The runner's own lines are the result in human mode; with --json they are logs.
          out: (line) => (c.out.json ? c.out.info(line) : c.out.writeOut(`${line}\n`)),
          err: (line) => c.out.writeErr(`${line}\n`),
        });
      } catch (e) {
        if (e instanceof CommanderError) {
          if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return;
          // Parse errors were printed by the runner's commander ("error: …"); others were not.
          if (e.message.startsWith("error:")) throw e;
          throw new UsageError(e.message);
        }
        throw e;
      }
      if (c.out.json) c.out.result({ url: running.url, subscriptionId: running.subscriptionId }, () => "");
      else c.out.info(`Point the CLI at it: export LAB_GALLERY_ENDPOINT=${running.url}   (Ctrl-C stops it)`);
      await new Promise<void>((resolve) => {
        const off = c.onInterrupt(() => {
          off();
          resolve();
        });
      });
      c.out.info("Stopping the emulator…");
      await running.close();
    });
}
