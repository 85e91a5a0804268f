/**
 * The runtime retirement notice: a classic lab account client logs the 2027-06-28 date once per
 * process on the @azure/logger channel — not per client, not per call, never on stdout — and lab
 * plan clients log nothing.
 */
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { accountId } from "../../src/core/resource-id.js";

const SUB = "00000000-0000-0000-0000-000000000000";
const PLAN = accountId({ subscriptionId: SUB, resourceGroup: "labs-rg", name: "plan-westus2", kind: "labPlan" });
const CLASSIC = accountId({ subscriptionId: SUB, resourceGroup: "labs-rg", name: "classic-account", kind: "labAccount" });
const options = { endpoint: "http://127.0.0.1:1", credential: { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) } };

let lines: string[];
let before: typeof AzureLogger.log;
let level: AzureLogLevel | undefined;
let stdout: { mock: { calls: unknown[][] }; mockRestore: () => void };

beforeEach(() => {
  vi.resetModules();
  lines = [];
  before = AzureLogger.log;
  level = getLogLevel();
  AzureLogger.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  stdout = vi.spyOn(process.stdout, "write");
});
afterEach(() => {
  stdout.mockRestore();
  AzureLogger.log = before;
  if (level) setLogLevel(level);
});

const retirementLines = () => lines.filter((l) => l.includes("2027-06-28"));

it("warns once per process for classic lab accounts, whatever the client and however many calls", async () => {
  setLogLevel("warning");
  const { LabAccountClient } = await import("../../src/clients/lab-account-client.js");
  const { LabClient } = await import("../../src/clients/lab-client.js");
  const { TemplateClient } = await import("../../src/clients/template-client.js");
  new LabAccountClient(CLASSIC, options);
  new LabAccountClient(CLASSIC, options);
  new LabClient(CLASSIC, options);
  new TemplateClient(`${CLASSIC}/labs/chemistry-101`, options);
  expect(retirementLines()).toHaveLength(1);
  expect(retirementLines()[0]).toMatch(/warning/);
  expect(retirementLines()[0]).toContain("docs/concepts.md");
  expect(retirementLines()[0]).toContain("classic-account");
  expect(stdout.mock.calls.some((c: unknown[]) => String(c[0]).includes("2027-06-28"))).toBe(false);
});

it("says nothing for lab plans", async () => {
  setLogLevel("warning");
  const { LabAccountClient } = await import("../../src/clients/lab-account-client.js");
  const { LabClient } = await import("../../src/clients/lab-client.js");
  const { TemplateClient } = await import("../../src/clients/template-client.js");
  new LabAccountClient(PLAN, options);
  new LabClient(PLAN, options);
  new TemplateClient(`/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labs/biology-101`, options);
  expect(retirementLines()).toHaveLength(0);
});

it("still shows the notice once when warnings are turned on after the first classic client", async () => {
  setLogLevel("error");
  const { LabAccountClient } = await import("../../src/clients/lab-account-client.js");
  new LabAccountClient(CLASSIC, options);
  expect(retirementLines()).toHaveLength(0);
  setLogLevel("warning");
  new LabAccountClient(CLASSIC, options);
  new LabAccountClient(CLASSIC, options);
  expect(retirementLines()).toHaveLength(1);
});
