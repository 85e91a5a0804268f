import { PassThrough } from "node:stream";
import type { CliDeps } from "../../src/cli/clients.js";
import type { CliStreams } from "../../src/cli/output.js";
import { run } from "../../src/cli/program.js";

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FakeStreamsOptions {
  env?: Record<string, string | undefined>;
  /** Text available on stdin (then it ends). */
  stdin?: string;
  tty?: boolean;
}

export function fakeStreams(o: FakeStreamsOptions = {}): { streams: CliStreams; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const stdin = new PassThrough();
  if (o.stdin !== undefined) stdin.end(o.stdin);
  const tty = o.tty === true;
  Object.assign(stdout, { isTTY: tty, columns: 100 });
  Object.assign(stderr, { isTTY: tty, columns: 100 });
  Object.assign(stdin, { isTTY: tty });
  return { streams: { stdout, stderr, stdin, env: o.env ?? {} }, out: () => out, err: () => err };
}

/** Runs the CLI in-process with fake clients. */
export async function runCli(argv: string[], deps: Partial<CliDeps>, o: FakeStreamsOptions & { onInterrupt?: (cb: () => void) => () => void } = {}): Promise<Captured> {
  const f = fakeStreams(o);
  const unavailable = () => {
    throw new Error("not faked");
  };
  const full: CliDeps = {
    accountClient: unavailable,
    templateClient: unavailable,
    resumeExport: unavailable,
    labClient: unavailable,
    runEmulator: async () => unavailable(),
    ...deps,
  };
  const code = await run(argv, f.streams, { deps: full, ...(o.onInterrupt ? { onInterrupt: o.onInterrupt } : {}) });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: f.out(), stderr: f.err() };
}

export const SUB = "00000000-0000-0000-0000-000000000001";
export const PLAN_ID = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labPlans/plan-westus2`;
export const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labaccounts/classic-account`;
export const GALLERY_ID = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.Compute/galleries/labgallery`;
export const LAB_ID = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labs/biology-101`;

/** Runs the CLI in-process with the real clients (no TTY, empty stdin) and captures its output. */
export async function runCliWithRealClients(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const f = fakeStreams({ env, stdin: "" });
  const code = await run(argv, f.streams);
  // Let the last writes reach the capture.
  await new Promise((r) => setImmediate(r));
  return { code, out: f.out(), err: f.err() };
}
