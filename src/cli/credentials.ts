/**
 * Secrets and credentials for the CLI.
 *
 * The lab password is never read from argv (it would land in shell history and `ps`): it comes from
 * `LAB_GALLERY_PASSWORD`, from stdin with `--password-stdin`, or from a hidden prompt when both
 * stdin and stderr are terminals. Without any of them the command is a usage error.
 *
 * The Azure credential is `DefaultAzureCredential` (loaded lazily by the SDK) unless `--endpoint`
 * points at a loopback emulator, which accepts any bearer token: then a static token is used and
 * no real token is ever requested or sent to it.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { UsageError } from "./errors.js";
import type { CliStreams } from "./output.js";

export const PASSWORD_ENV = "LAB_GALLERY_PASSWORD";

/** A fixed token for the emulator; it is not a secret and grants nothing anywhere else. */
export function emulatorCredential(): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token: "lab-gallery-emulator-token", expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

export interface ReadPasswordOptions {
  /** The prompt text, e.g. "Password for labadmin". */
  prompt: string;
  /** Ask twice and compare (for a new password). */
  confirm: boolean;
  /** `--password-stdin` was given. */
  fromStdin: boolean;
  /** What the password is for, in messages ("admin password"). */
  what: string;
}

/** Reads the password from the environment, stdin or a hidden prompt; never from argv. */
export async function readPassword(streams: CliStreams, options: ReadPasswordOptions): Promise<string> {
  if (options.fromStdin) {
    if (streams.stdin.isTTY) {
      throw new UsageError("--password-stdin needs the password piped in, not typed at a terminal.", `Pipe it (printf %s "$PW" | lab-gallery …) or set ${PASSWORD_ENV}.`);
    }
    const text = await readAll(streams.stdin);
    const pw = text.replace(/\r?\n$/, "");
    if (pw.length === 0) throw new UsageError(`--password-stdin: stdin was empty; expected the ${options.what}.`);
    return pw;
  }
  const fromEnv = streams.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (!(streams.stdin.isTTY === true && streams.stderr.isTTY === true)) {
    throw new UsageError(
      `The ${options.what} is needed, and there is no terminal to ask for it.`,
      `Set ${PASSWORD_ENV} or use --password-stdin; the password is never accepted as an argument.`,
    );
  }
  const first = await promptHidden(streams, `${options.prompt}: `);
  if (first.length === 0) throw new UsageError(`No ${options.what} was entered.`);
  if (options.confirm) {
    const second = await promptHidden(streams, `Confirm ${options.prompt.charAt(0).toLowerCase()}${options.prompt.slice(1)}: `);
    if (second !== first) throw new UsageError("The two passwords do not match.");
  }
  return first;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Asks a question on stderr and reads one line from stdin, by default without echoing it.
 * node:readline does the line editing; its echo goes to a stream that drops everything while muted.
 */
export function promptHidden(streams: CliStreams, question: string, hidden = true): Promise<string> {
  let muted = false;
  const echo = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (!muted) streams.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: streams.stdin, output: echo, terminal: true, historySize: 0 });
  return new Promise<string>((resolve, reject) => {
    let done = false;
    rl.on("SIGINT", () => {
      if (done) return;
      done = true;
      rl.close();
      streams.stderr.write("\n");
      const e = new Error("Cancelled at the password prompt.");
      e.name = "AbortError";
      reject(e);
    });
    rl.on("close", () => {
      if (!done) {
        done = true;
        streams.stderr.write("\n");
        reject(new UsageError("No password was entered (input closed)."));
      }
    });
    rl.question(question, (answer) => {
      done = true;
      rl.close();
      if (hidden) streams.stderr.write("\n");
      resolve(answer);
    });
    // The question is written; from now on keystrokes are not echoed.
    muted = hidden;
  });
}
