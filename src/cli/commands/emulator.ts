/** `lab-gallery emulator`: the standalone ARM emulator (same runner as `npm run emulator`). */
import type { Command } from "commander";
import type { EmulatorRunOptions } from "../clients.js";
import { parseNonNegativeInt, type CliContext } from "../context.js";
import { UsageError } from "../errors.js";

interface EmulatorCliOptions {
  port?: number;
  seed?: string;
  speed?: number;
  state?: string;
}

function parseSpeed(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) throw new UsageError(`--speed must be a number > 0 (1 = real time), got ${JSON.stringify(raw)}.`);
  return n;
}

function parsePort(raw: string): number {
  const n = parseNonNegativeInt(raw, "--port");
  if (n > 65535) throw new UsageError(`--port must be 0-65535, got ${n}.`);
  return n;
}

export function registerEmulator(program: Command, ctx: () => CliContext): void {
  program
    .command("emulator")
    .description("run the Lab Services + Compute Gallery emulator on localhost until Ctrl-C")
    .option("-p, --port <port>", "port to listen on (0 picks a free one)", parsePort)
    .option("--seed <seed>", 'initial state: "demo", "empty" or a path to a JSON seed file')
    .option("--speed <factor>", "how much faster than real time long operations run", parseSpeed)
    .option("--state <path>", "load state from this file at start and save it there on exit")
    .addHelpText("after", "\nExamples:\n  $ lab-gallery emulator --port 7071 --seed demo --speed 100\n  $ LAB_GALLERY_ENDPOINT=http://127.0.0.1:7071 lab-gallery images list --account …")
    .action(async (opts: EmulatorCliOptions) => {
      const c = ctx();
      const run: EmulatorRunOptions = {};
      if (opts.port !== undefined) run.port = opts.port;
      if (opts.seed !== undefined) run.seed = opts.seed;
      if (opts.speed !== undefined) run.speed = opts.speed;
      if (opts.state !== undefined) run.statePath = opts.state;
      const controller = new AbortController();
      const off = c.onInterrupt(() => controller.abort());
      try {
        await c.deps.runEmulator(run, { log: (line) => c.out.info(line), signal: controller.signal });
      } finally {
        off();
      }
    });
}
