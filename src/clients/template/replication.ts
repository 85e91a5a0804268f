/**
 * Replication of an exported image version to other regions.
 *
 * Lab plans do not replicate a saved image (rest-api.md B.3, C.6): the SDK extends the version's
 * `publishingProfile.targetRegions` with a PATCH through the Compute Gallery API, always keeping the
 * source region and every region already there (C.4: "the source region must be included"), and
 * then follows the gallery's own per-region `replicationStatus`. Lab accounts replicate across
 * their geography by themselves (A.2); the SDK only reports it.
 */
import type { OperationOptions } from "@azure/core-client";
import { startLro } from "../../core/lro.js";
import { PreconditionFailedError } from "../../core/errors.js";
import { resourcePath, type ArmTransport } from "../../core/transport.js";
import type { RegionProgress, RegionReplicationState } from "../../models/lab.js";
import type { VersionInfo } from "./gallery.js";
import { normalizeRegion, regionsOfGeography } from "./geographies.js";

/** The regions `replicateTo` asks for, as normalized ARM names. */
export function resolveRequestedRegions(replicateTo: readonly string[] | "geography", accountLocation: string | undefined): string[] {
  if (replicateTo !== "geography") return [...new Set(replicateTo.map(normalizeRegion))];
  const regions = accountLocation === undefined ? undefined : regionsOfGeography(accountLocation);
  if (!regions) {
    throw new PreconditionFailedError(
      `replicateTo: "geography" needs the geography of region ${JSON.stringify(accountLocation ?? "(unknown)")}, which the SDK's geography table does not know.`,
      "unknownGeography",
      { hint: "Pass the regions explicitly, e.g. replicateTo: [\"westus2\", \"eastus\"]." },
    );
  }
  return regions;
}

/** Every region the version must end up in: where it is now, its source, and the requested ones. */
export function targetRegionSet(version: VersionInfo, requested: readonly string[]): string[] {
  const out: string[] = [];
  const add = (r: string | undefined) => {
    if (r === undefined || r.length === 0) return;
    const n = normalizeRegion(r);
    if (!out.includes(n)) out.push(n);
  };
  add(version.location);
  for (const t of version.targetRegions) add(t.name);
  for (const r of requested) add(r);
  return out;
}

/**
 * Sends the PATCH that adds the missing regions, unless none is missing (then nothing is sent, so a
 * resumed export never repeats it). Existing entries are kept verbatim (replica counts, storage
 * type, encryption).
 */
export async function extendTargetRegions(
  transport: ArmTransport,
  version: VersionInfo,
  wanted: readonly string[],
  options?: OperationOptions,
): Promise<boolean> {
  const present = new Set(version.targetRegions.map((t) => normalizeRegion(t.name)));
  const missing = wanted.filter((r) => !present.has(r));
  if (missing.length === 0) return false;
  const targetRegions = [...version.targetRegions, ...missing.map((name) => ({ name }))];
  // A merge patch of the one property the SDK changes. gallery.json's update model reuses the
  // create model (which marks `storageProfile` required), but storageProfile is not updatable and
  // echoing it back, read-only fields included, risks PropertyChangeNotAllowed.
  const properties: Record<string, unknown> = { publishingProfile: { targetRegions } };
  // The PATCH is a long-running operation; its end is followed through replicationStatus, which
  // carries per-region progress, rather than through the operation URL, which carries none.
  const r = await startLro(
    transport,
    { method: "PATCH", path: resourcePath(version.id), api: "compute", body: { properties }, options },
    "azure-async-operation",
  );
  if (r.poll.error) throw r.poll.error;
  return true;
}

function stateOf(s: string): RegionReplicationState {
  const v = s.toLowerCase();
  if (v === "completed") return "Completed";
  if (v === "failed") return "Failed";
  if (v === "replicating" || v === "inprogress") return "Replicating";
  return "Unknown";
}

/**
 * Per-region progress of `version`. `expected` lists the regions to report (normalized names); when
 * it is empty (lab accounts: the service decides), every region the gallery reports is listed.
 */
export function regionProgress(version: VersionInfo, expected: readonly string[]): RegionProgress[] {
  const byRegion = new Map(version.summary.map((s) => [normalizeRegion(s.region), s]));
  const regions = expected.length > 0 ? expected : [...byRegion.keys()];
  return regions.map((region) => {
    const s = byRegion.get(region);
    if (!s) return { region, state: "Unknown", progress: 0 };
    const state = stateOf(s.state);
    const progress = state === "Completed" ? 100 : Math.min(100, Math.max(0, s.progress));
    return { region, state, progress };
  });
}

export type ReplicationOutcome = { kind: "running" } | { kind: "completed" } | { kind: "failed"; message: string };

export function replicationOutcome(version: VersionInfo, regions: readonly RegionProgress[]): ReplicationOutcome {
  const failed = regions.filter((r) => r.state === "Failed");
  if (failed.length > 0 || version.provisioningState?.toLowerCase() === "failed" || version.aggregatedState?.toLowerCase() === "failed") {
    const details = version.summary
      .filter((s) => s.state.toLowerCase() === "failed")
      .map((s) => `${s.region}: ${s.details ?? "failed"}`)
      .join("; ");
    return { kind: "failed", message: details || `Replication of ${version.id} failed (provisioningState ${version.provisioningState ?? "unknown"}).` };
  }
  const provisioningDone = version.provisioningState === undefined || version.provisioningState.toLowerCase() === "succeeded";
  const allCompleted = regions.length > 0 ? regions.every((r) => r.state === "Completed") : version.aggregatedState?.toLowerCase() === "completed";
  return provisioningDone && allCompleted ? { kind: "completed" } : { kind: "running" };
}
