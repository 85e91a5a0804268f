/**
 * `npm run emulator -- [--port N] [--seed demo|empty|file.json] [--speed N] [--cert f --key f] [--state file.json]`.
 * Prints `Emulator listening on <url>` and serves until SIGINT/SIGTERM, then exits 0.
 */
import { Command, InvalidArgumentError } from "commander";
import { startEmulator } from "./server.js";
import type { RunningEmulator, StartEmulatorOptions } from "./server.js";

function positive(name: string, integer: boolean) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be a ${integer ? "whole " : ""}number >= 0.`);
    return n;
  };
}

export function emulatorCommand(): Command {
  return new Command("emulator")
    .description("Run the Azure Resource Manager emulator for Lab Services and Compute Gallery")
    .option("--port <n>", "port to listen on (0 picks a free port)", positive("--port", true), 0)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--seed <seed>", "demo | empty | path of a snapshot JSON file", "demo")
    .option("--speed <n>", "simulated-time multiplier", positive("--speed", false), 1)
    .option("--cert <file>", "PEM certificate (serve HTTPS)")
    .option("--key <file>", "PEM private key (serve HTTPS)")
    .option("--state <file>", "persist state to this file (written after every change, reloaded at start)")
    .option("--location-behavior <mode>", "swagger | rpc", "swagger")
    .option("--page-size <n>", "list page size", positive("--page-size", true), 200);
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Starts the emulator from argv; resolves with the running emulator (the caller keeps the process alive). */
export async function runEmulatorCli(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<RunningEmulator> {
  const cmd = emulatorCommand();
  cmd.exitOverride();
  cmd.parse(argv, { from: "user" });
  const o = cmd.opts<{ port: number; host: string; seed: string; speed: number; cert?: string; key?: string; state?: string; locationBehavior: string; pageSize: number }>();
  if ((o.cert && !o.key) || (!o.cert && o.key)) throw new InvalidArgumentError("--cert and --key go together.");
  if (o.locationBehavior !== "swagger" && o.locationBehavior !== "rpc") throw new InvalidArgumentError("--location-behavior must be swagger or rpc.");
  if (!(o.speed > 0)) throw new InvalidArgumentError("--speed must be > 0.");
  const options: StartEmulatorOptions = { port: o.port, host: o.host, seed: o.seed, speed: o.speed, locationBehavior: o.locationBehavior, pageSize: o.pageSize };
  if (o.cert && o.key) options.tls = { cert: o.cert, key: o.key };
  if (o.state) options.statePath = o.state;
  const running = await startEmulator(options);
  io.out(`Emulator listening on ${running.url}`);
  io.out(`Subscription ${running.subscriptionId}; any 'Authorization: Bearer <token>' is accepted.`);
  return running;
}
