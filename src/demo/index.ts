/**
 * `npm run demo` — the whole product in one command. Starts the embedded emulator (demo seed,
 * accelerated time) and walks the four scenarios through the public SDK, then prints a summary
 * table. `npm run demo -- --live` runs the same steps against real Azure with the resources named
 * in the environment (docs/cli.md#demo).
 *
 * Exit codes: 0 every scenario ran as expected, 1 one of them failed, 2 bad arguments or settings.
 */
import { startEmulator } from "../emulator/index.js";
import { Output } from "../cli/output.js";
import { emulatorNames, liveNames, MissingLiveSettingsError, type DemoTarget } from "./config.js";
import { runScenarios } from "./scenarios.js";

/** Simulated time runs this much faster than real time: a 10-minute save takes 0.3 s. */
const SPEED = 2000;

const USAGE = `Usage: npm run demo [-- --live] [-- --quiet]

  (default)  run against the embedded emulator (no Azure account needed)
  --live     run against real Azure; needs AZURE_SUBSCRIPTION_ID and the LAB_GALLERY_DEMO_* variables
             described in docs/cli.md#demo, and creates real labs (they cost money)
  --quiet    no progress bars or lines
`;

async function emulatorTarget(): Promise<DemoTarget> {
  const emulator = await startEmulator({ port: 0, seed: "demo", speed: SPEED });
  return {
    live: false,
    where: `the embedded emulator at ${emulator.url} (simulated time ×${SPEED})`,
    names: emulatorNames(emulator.subscriptionId, "labs-rg"),
    clientOptions: { endpoint: emulator.url, credential: emulator.credential, pollIntervalInMs: 20 },
    close: () => emulator.close(),
  };
}

function liveTarget(env: Record<string, string | undefined>): DemoTarget {
  const names = liveNames(env);
  return { live: true, where: `Azure subscription ${names.subscriptionId}`, names, clientOptions: {}, close: async () => undefined };
}

export async function main(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const unknown = argv.filter((a) => a !== "--live" && a !== "--quiet");
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const out = new Output({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env }, { json: false, verbose: false, quiet: argv.includes("--quiet"), color: true });
  if (unknown.length > 0) {
    out.writeErr(`demo: unknown argument ${unknown.join(" ")}\n${USAGE}`);
    return 2;
  }
  let target: DemoTarget;
  try {
    target = argv.includes("--live") ? liveTarget(env) : await emulatorTarget();
  } catch (e) {
    if (e instanceof MissingLiveSettingsError) {
      out.writeErr(`demo: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  out.addSecret(target.names.templatePassword);
  if (target.names.classic) out.addSecret(target.names.classic.templatePassword);
  out.writeOut(`${out.style("azure-lab-gallery demo", "bold", "out")} — running against ${target.where}\n`);
  try {
    const results = await runScenarios(out, target);
    const failed = results.filter((r) => r.outcome === "failed").length;
    out.writeOut(failed === 0 ? "\nDemo complete: every scenario ran as expected.\n" : `\nDemo finished with ${failed} failed scenario(s).\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await target.close();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
