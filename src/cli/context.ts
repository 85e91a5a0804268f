/**
 * What every command needs: the global options, the output, the client options (endpoint and
 * credential) and the ids built from `--account` or its parts.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { Command } from "commander";
import {
  accountId as buildAccountId,
  formatClassicLabId,
  formatLabId,
  isLabGalleryError,
  parseResourceId,
  type AccountId,
  type ClassicLabId,
  type ClientOptions,
  type LabId,
} from "../index.js";
import type { CliDeps } from "./clients.js";
import { emulatorCredential } from "./credentials.js";
import { UsageError } from "./errors.js";
import type { Output } from "./output.js";

export const ENDPOINT_ENV = "LAB_GALLERY_ENDPOINT";
export const POLL_INTERVAL_ENV = "LAB_GALLERY_POLL_INTERVAL_MS";
export const ACCOUNT_ENV = "LAB_GALLERY_ACCOUNT";
export const SUBSCRIPTION_ENV = "AZURE_SUBSCRIPTION_ID";

/** Options every command accepts (defined on the root program, recognised anywhere). */
export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
  endpoint?: string;
  pollInterval?: number;
}

/** Options of commands that act on a lab plan or lab account. */
export interface AccountOptions {
  account?: string;
  subscription?: string;
  resourceGroup?: string;
  labPlan?: string;
  labAccount?: string;
}

export interface CliContext {
  out: Output;
  deps: CliDeps;
  globals: GlobalOptions;
  /** Client options for every SDK client this run creates. */
  clientOptions(): ClientOptions;
  /** Registers a callback for Ctrl-C; returns the unregister function. */
  onInterrupt(cb: () => void): () => void;
}

/** True for hosts that never leave this machine (the SDK allows plain http only for these). */
function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Client options from the global options and the environment. With an endpoint on a loopback host
 * (the emulator) the emulator's static-token credential is used, so no Azure sign-in happens and
 * no real token is ever sent to it; any other endpoint (a sovereign or private ARM) keeps the
 * default Azure credential.
 */
export function buildClientOptions(globals: GlobalOptions, env: Record<string, string | undefined>, credential?: TokenCredential): ClientOptions {
  const options: ClientOptions = { userAgentPrefix: "lab-gallery-cli" };
  const endpoint = globals.endpoint ?? (env[ENDPOINT_ENV] || undefined);
  let emulator = false;
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new UsageError(`--endpoint ${JSON.stringify(endpoint.slice(0, 100))} is not a URL.`, "Pass the emulator's URL, e.g. http://127.0.0.1:7071.");
    }
    // The SDK accepts an origin only; silently dropping a path or query would point the CLI
    // somewhere the user did not write.
    if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
      throw new UsageError(
        `--endpoint must be an origin only (scheme, host and port), got ${JSON.stringify(endpoint.slice(0, 100))}.`,
        "Pass e.g. http://127.0.0.1:7071 or https://management.usgovcloudapi.net, without a path or query.",
      );
    }
    options.endpoint = url.origin;
    emulator = isLoopback(url);
  }
  if (credential) options.credential = credential;
  else if (emulator) options.credential = emulatorCredential();
  let interval = globals.pollInterval;
  const envInterval = env[POLL_INTERVAL_ENV];
  if (interval === undefined && envInterval !== undefined && envInterval !== "") {
    interval = parseNonNegativeInt(envInterval, POLL_INTERVAL_ENV);
  }
  // The emulator's clock is usually accelerated: 5 s between polls would waste the speed-up.
  if (interval === undefined && emulator) interval = 500;
  if (interval !== undefined) options.pollIntervalInMs = interval;
  return options;
}

/** Parses a whole number ≥ 0, for option parsers; throws `UsageError` naming the option. */
export function parseNonNegativeInt(raw: string, what: string): number {
  if (!/^\d{1,9}$/.test(raw.trim())) throw new UsageError(`${what} must be a whole number ≥ 0, got ${JSON.stringify(raw)}.`);
  return Number(raw.trim());
}

/** Adds `--account` and its parts to a command. */
export function addAccountOptions(cmd: Command): Command {
  return cmd
    .option("-a, --account <id>", `lab plan or lab account resource id (env ${ACCOUNT_ENV})`)
    .option("--subscription <id>", `subscription id, with --resource-group and --lab-plan|--lab-account (env ${SUBSCRIPTION_ENV})`)
    .option("-g, --resource-group <name>", "resource group of the lab plan or lab account")
    .option("--lab-plan <name>", "lab plan name")
    .option("--lab-account <name>", "classic lab account name");
}

function rethrowAsUsage(e: unknown, flag: string): never {
  if (isLabGalleryError(e)) throw new UsageError(`${flag}: ${e.message}`, e.hint);
  throw e;
}

/** The lab plan or lab account id from `--account`, `LAB_GALLERY_ACCOUNT`, or the parts. */
export function resolveAccountId(o: AccountOptions, env: Record<string, string | undefined>): AccountId {
  const hasParts = o.resourceGroup !== undefined || o.labPlan !== undefined || o.labAccount !== undefined;
  if (o.account !== undefined && hasParts) {
    throw new UsageError("Give either --account or --resource-group with --lab-plan|--lab-account, not both.");
  }
  const explicit = o.account ?? (hasParts ? undefined : env[ACCOUNT_ENV] || undefined);
  if (explicit !== undefined) {
    try {
      return parseResourceId(explicit, "labPlan", "labAccount").id;
    } catch (e) {
      rethrowAsUsage(e, o.account !== undefined ? "--account" : ACCOUNT_ENV);
    }
  }
  if (o.labPlan !== undefined && o.labAccount !== undefined) throw new UsageError("Give --lab-plan or --lab-account, not both.");
  const name = o.labPlan ?? o.labAccount;
  const subscriptionId = o.subscription ?? (env[SUBSCRIPTION_ENV] || undefined);
  if (name === undefined || o.resourceGroup === undefined || subscriptionId === undefined) {
    const missing = [
      name === undefined ? "--lab-plan or --lab-account" : undefined,
      o.resourceGroup === undefined ? "--resource-group" : undefined,
      subscriptionId === undefined ? `--subscription (or ${SUBSCRIPTION_ENV})` : undefined,
    ].filter((x) => x !== undefined);
    throw new UsageError(
      `Which lab plan or lab account? Missing ${missing.join(", ")}.`,
      `Pass --account <id>, or --subscription, --resource-group and --lab-plan|--lab-account (or set ${ACCOUNT_ENV}).`,
    );
  }
  try {
    return buildAccountId({ subscriptionId, resourceGroup: o.resourceGroup, name, kind: o.labPlan !== undefined ? "labPlan" : "labAccount" });
  } catch (e) {
    rethrowAsUsage(e, "account");
  }
}

/** A lab id from `--lab`: a full id, or a name with `--subscription`, `--resource-group` [and `--lab-account`]. */
export function resolveLabId(lab: string, o: AccountOptions, env: Record<string, string | undefined>): LabId | ClassicLabId {
  if (lab.startsWith("/")) {
    try {
      return parseResourceId(lab, "lab", "classicLab").id;
    } catch (e) {
      rethrowAsUsage(e, "--lab");
    }
  }
  const subscriptionId = o.subscription ?? (env[SUBSCRIPTION_ENV] || undefined);
  if (subscriptionId === undefined || o.resourceGroup === undefined) {
    throw new UsageError(
      `--lab ${JSON.stringify(lab)} is a name, so --subscription (or ${SUBSCRIPTION_ENV}) and --resource-group are needed too.`,
      "Or pass the lab's full resource id.",
    );
  }
  try {
    return o.labAccount !== undefined
      ? formatClassicLabId({ subscriptionId, resourceGroup: o.resourceGroup, labAccount: o.labAccount, name: lab })
      : formatLabId({ subscriptionId, resourceGroup: o.resourceGroup, name: lab });
  } catch (e) {
    rethrowAsUsage(e, "--lab");
  }
}
