/**
 * The classic `createLab` body against Microsoft's module (rest-api.md A.4): `idleShutdownMode` and
 * `idleGracePeriod` belong to the branch without Linux RDP only; a Linux lab with RDP does not send
 * them. The other idle settings are sent in both branches.
 */
import { expect, it } from "vitest";
import { buildClassicCreateBody } from "../../src/clients/lab/request-body.js";
import { createLabOptionsSchema } from "../../src/clients/lab/schemas.js";
import type { CreateLabRequest } from "../../src/clients/lab/backend.js";

const SHARED = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.LabServices/labaccounts/a/sharedimages/ubuntu";

function request(osType: "Linux" | "Windows", clientRdpAccess: "Public" | "None"): CreateLabRequest {
  const input = createLabOptionsSchema.parse({
    name: "lab-1",
    image: SHARED,
    sku: "Standard",
    usageQuota: { hours: 10 },
    connection: { clientRdpAccess },
    credentials: { kind: "new", adminUser: { username: "teacher", password: "Sup3r-Secret-Pw!" } },
  });
  return { input, galleryImageId: undefined, accountImageId: SHARED, osType, location: undefined };
}

const params = (r: CreateLabRequest) => (buildClassicCreateBody(r) as { labParameters: Record<string, unknown> }).labParameters;

it("a Linux lab with RDP leaves out idleShutdownMode and idleGracePeriod", () => {
  const p = params(request("Linux", "Public"));
  expect(p["linuxRdpState"]).toBe("Enabled");
  expect(p).not.toHaveProperty("idleShutdownMode");
  expect(p).not.toHaveProperty("idleGracePeriod");
  expect(p).toHaveProperty("enableNoConnectShutdown");
});

it("other labs send them", () => {
  for (const r of [request("Linux", "None"), request("Windows", "Public")]) {
    const p = params(r);
    expect(p["linuxRdpState"]).toBe("Disabled");
    expect(p["idleShutdownMode"]).toBe("OnDisconnect");
    expect(p["idleGracePeriod"]).toMatch(/^PT/);
  }
});
