/**
 * The runtime notice of the Azure Lab Services retirement (ecosystem.md §3): classic lab accounts
 * cannot be created any more and the whole service retires on 2027-06-28, after which a classic
 * account's labs and templates are gone. Callers who still automate a classic account are the ones
 * who most need to export their templates in time, so constructing a client for one says so once
 * per process, on the `@azure/logger` channel (stderr when enabled), never on stdout.
 */
import { logger } from "../core/logger.js";

export const RETIREMENT_DATE = "2027-06-28";

let shown = false;

/**
 * Logs the retirement warning the first time a client is constructed for a classic lab account.
 * While warnings are not enabled nothing is consumed, so the notice still appears once if the
 * caller turns logging on later (e.g. `setLogLevel("warning")` after the first client exists).
 */
export function warnClassicRetirement(accountId: string): void {
  if (shown || !logger.warning.enabled) return;
  shown = true;
  logger.warning(
    `${accountId} is a classic lab account. Azure Lab Services retires on ${RETIREMENT_DATE}: classic lab accounts (and lab plans) stop working then, ` +
      "and only the Compute Gallery and its images survive. Export the templates you want to keep before that date " +
      "(exportAllTemplates, or lab-gallery backup); see docs/concepts.md#the-2027-06-28-retirement.",
  );
}
