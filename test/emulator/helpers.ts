import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Emulator } from "../../src/emulator/index.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * The copied specs: `../shared/specs` beside the clone (CI layout). A git worktree sits deeper, so parent
 * folders are tried too; a missing folder fails loudly instead of letting contract tests pass vacuously.
 */
export const specsRoot = ((): string => {
  const candidates = [process.env["LAB_GALLERY_SPECS"], path.resolve(repoRoot, "../shared/specs"), path.resolve(repoRoot, "../../shared/specs")].filter((x): x is string => !!x);
  const found = candidates.find((c) => existsSync(path.join(c, "README.md")));
  if (!found) throw new Error(`Spec folder not found; looked in ${candidates.join(", ")}`);
  return found;
})();
export const ORIGIN = "https://management.azure.com";
export const SUB = "00000000-0000-0000-0000-000000000000";
export const RG = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers`;
export const PLAN = `${RG}/Microsoft.LabServices/labPlans/plan-westus2`;
export const LAB = `${RG}/Microsoft.LabServices/labs/biology-101`;
export const GALLERY = `${RG}/Microsoft.Compute/galleries/labgallery`;
export const ACCOUNT = `${RG}/Microsoft.LabServices/labaccounts/classic-account`;
export const LP = "2023-06-07";
export const GV = "2023-07-03";
export const LA = "2019-01-01-preview";
export const MIN = 60_000;

export interface Reply {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function send(e: Emulator, method: string, pathOrUrl: string, body?: unknown, apiVersion?: string, headers: Record<string, string> = { authorization: "Bearer t" }): Promise<Reply> {
  let url = pathOrUrl.startsWith("http") ? pathOrUrl : ORIGIN + pathOrUrl;
  if (apiVersion) url += `${url.includes("?") ? "&" : "?"}api-version=${apiVersion}`;
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const r = await e.handle(new Request(url, init));
  const text = r.type === "error" ? "" : await r.text();
  return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : undefined };
}

export const labBody = (over: { location?: string; imageReference?: Record<string, unknown>; adminUser?: Record<string, unknown>; createOption?: string } = {}) => ({
  location: over.location ?? "westus2",
  properties: {
    labPlanId: PLAN,
    title: "New lab",
    autoShutdownProfile: { shutdownOnDisconnect: "Disabled", shutdownWhenNotConnected: "Disabled", shutdownOnIdle: "None" },
    connectionProfile: { webSshAccess: "None", webRdpAccess: "None", clientSshAccess: "None", clientRdpAccess: "Public" },
    securityProfile: { openAccess: "Disabled" },
    virtualMachineProfile: {
      createOption: over.createOption ?? "TemplateVM",
      imageReference: over.imageReference ?? { id: `${GALLERY}/images/win11-base` },
      sku: { name: "Classic_Fsv2_2_4GB_128_S_SSD", capacity: 10 },
      usageQuota: "PT10H",
      adminUser: over.adminUser ?? { username: "teacher", password: "P@ssw0rd-123!" },
    },
  },
});

/** Attaches the demo gallery to the demo plan and waits for the LRO. */
export async function attachGallery(e: Emulator): Promise<void> {
  const r = await send(e, "PATCH", PLAN, { properties: { sharedGalleryId: GALLERY } }, LP);
  if (r.status !== 202) throw new Error(`attach failed: ${r.status} ${JSON.stringify(r.json)}`);
  e.clock.advance(MIN);
}

export async function enableImage(e: Emulator, name: string): Promise<Reply> {
  return send(e, "PATCH", `${PLAN}/images/${name}`, { properties: { enabledState: "Enabled" } }, LP);
}
