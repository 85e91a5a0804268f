/**
 * The `lab-gallery` program: global options, the command groups, and the one place where anything
 * thrown becomes an exit code and a message.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { SDK_VERSION } from "../index.js";
import { defaultDeps, type CliDeps } from "./clients.js";
import { registerEmulator } from "./commands/emulator.js";
import { registerExport } from "./commands/export.js";
import { registerGallery } from "./commands/gallery.js";
import { registerImages } from "./commands/images.js";
import { registerLabs } from "./commands/labs.js";
import { registerBackup } from "./commands/backup.js";
import { BatchFailedError } from "./commands/bulk-shared.js";
import { registerLabsCreateMany } from "./commands/labs-create-many.js";
import { buildClientOptions, ENDPOINT_ENV, POLL_INTERVAL_ENV, type CliContext, type GlobalOptions } from "./context.js";
import { describeError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./errors.js";
import { Output, type CliStreams } from "./output.js";

export interface RunOptions {
  deps?: CliDeps;
  /** Registers a Ctrl-C callback (the bin wires it to SIGINT); returns the unregister function. */
  onInterrupt?: (cb: () => void) => () => void;
}

function wholeMs(raw: string): number {
  if (!/^\d{1,9}$/.test(raw.trim())) throw new InvalidArgumentError("expected a whole number of milliseconds.");
  return Number(raw.trim());
}

/** Whether `flag` appears before a `--` separator (used before commander has parsed anything). */
function hasFlag(argv: readonly string[], ...flags: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => flags.includes(a));
}

const EPILOG = `
Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.
Point at the emulator with --endpoint http://127.0.0.1:<port> (or ${ENDPOINT_ENV}); otherwise
DefaultAzureCredential signs in (az login, environment, managed identity, ...).
Docs: docs/cli.md`;

/** Builds the program. `getContext` is valid inside actions only. */
export function buildProgram(out: Output, getContext: () => CliContext): Command {
  const program = new Command("lab-gallery");
  program
    .description("Attach Azure Compute Galleries to lab plans and lab accounts, export lab templates, and create labs from gallery images.")
    .version(SDK_VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help for a command")
    .helpCommand("help [command]", "show help for a command")
    .option("--json", "machine-readable JSON on stdout (progress and logs stay on stderr)")
    .option("-v, --verbose", "more detail on stderr, including request and correlation ids of errors")
    .option("-q, --quiet", "no progress or log lines on stderr")
    .option("--no-color", "no colour, even on a terminal (NO_COLOR is honoured too)")
    .option("--endpoint <url>", `ARM endpoint, e.g. the emulator's http://127.0.0.1:7071 (env ${ENDPOINT_ENV})`)
    .option("--poll-interval <ms>", `wait between polls of long operations, default 5000, 500 for a local emulator (env ${POLL_INTERVAL_ENV})`, wholeMs)
    .addHelpText("after", EPILOG)
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out.writeOut(s),
      writeErr: (s) => out.writeErr(s),
      outputError: (s, write) => write(s.replace(/^error:/, out.style("error:", "red"))),
    })
    .hook("preAction", (_this, actionCommand) => {
      const g = actionCommand.optsWithGlobals<GlobalOptions>();
      out.options.json = g.json === true;
      out.options.verbose = g.verbose === true;
      out.options.quiet = g.quiet === true;
      out.options.color = g.color !== false;
    });

  registerGallery(program, getContext);
  registerImages(program, getContext);
  registerExport(program, getContext);
  registerLabs(program, getContext);
  // Bulk jobs (issue 11): `backup`, and `labs create-many` in the labs group.
  registerBackup(program, getContext);
  const labsGroup = program.commands.find((c) => c.name() === "labs");
  if (labsGroup) registerLabsCreateMany(labsGroup, getContext);
  registerEmulator(program, getContext);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], streams: CliStreams, options: RunOptions = {}): Promise<number> {
  const out = new Output(streams, {
    json: hasFlag(argv, "--json"),
    verbose: hasFlag(argv, "--verbose", "-v"),
    quiet: hasFlag(argv, "--quiet", "-q"),
    color: !hasFlag(argv, "--no-color"),
  });
  const deps = options.deps ?? defaultDeps();
  let program: Command | undefined;
  const getContext = (): CliContext => {
    const globals = (program as Command).opts<GlobalOptions>();
    return {
      out,
      deps,
      globals,
      clientOptions: () => {
        const o = buildClientOptions(globals, streams.env);
        out.debug(`ARM endpoint ${o.endpoint ?? "https://management.azure.com"}; ${o.credential ? "emulator token" : "DefaultAzureCredential"}; poll interval ${o.pollIntervalInMs ?? 5000} ms`);
        return o;
      },
      onInterrupt: options.onInterrupt ?? (() => () => undefined),
    };
  };
  try {
    program = buildProgram(out, getContext);
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (e) {
    return reportError(e, out);
  }
}

function reportError(e: unknown, out: Output): number {
  if (e instanceof CommanderError) {
    // Help and version requests end the parse through the same path; they are successes.
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT_OK;
    if (e.code === "commander.help") return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    // Commander has already printed "error: …" on stderr.
    if (out.json) {
      const message = e.message.replace(/^error:\s*/, "");
      out.writeOut(`${JSON.stringify({ error: { name: "UsageError", message, code: e.code, exitCode: EXIT_USAGE } }, null, 2)}\n`);
    }
    return EXIT_USAGE;
  }
  // A batch printed its report (JSON included) and some items failed: exit 1 without a second document.
  if (e instanceof BatchFailedError) {
    out.writeErr(`${out.style("error:", "red")} ${e.message}\n`);
    return EXIT_FAILURE;
  }
  const d = describeError(e);
  out.writeErr(`${out.style("error:", "red")} ${d.message}\n`);
  if (d.hint !== undefined) out.writeErr(`${out.style("hint:", "yellow")} ${d.hint}\n`);
  if (out.verbose) for (const line of d.details) out.writeErr(`  ${out.style(line, "dim")}\n`);
  else if (d.details.some((l) => l.startsWith("request id:"))) out.writeErr(`${out.style("(run with --verbose for request and correlation ids)", "dim")}\n`);
  if (out.json) out.writeOut(`${JSON.stringify({ error: d.json }, null, 2)}\n`);
  return d.exitCode;
}
