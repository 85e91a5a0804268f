/**
 * The three clients look alike but work at different levels (account vs one lab). Constructing one
 * with the other level's id is the usual mix-up: the ValidationError names every form the client
 * takes and its hint says which id to pass instead. Nothing is sent (no endpoint is reachable here).
 */
import { expect, it } from "vitest";
import { LabAccountClient, LabClient, TemplateClient, isValidationError, type ValidationError } from "../../src/index.js";

const P = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/labs-rg/providers/Microsoft.LabServices";
const options = { endpoint: "http://127.0.0.1:1", credential: { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) } };

function thrown(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    expect(isValidationError(e)).toBe(true);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

it("TemplateClient given a lab plan or lab account id says it takes one lab, in both forms", () => {
  for (const id of [`${P}/labPlans/plan-westus2`, `${P}/labaccounts/classic-account`]) {
    const e = thrown(() => new TemplateClient(id, options));
    expect(e.message).toContain("/labs/{lab}");
    expect(e.message).toContain("/labaccounts/{account}/labs/{lab}");
    expect(e.hint).toMatch(/one lab/);
    expect(e.hint).toContain("LabClient");
  }
});

it("LabClient and LabAccountClient given a lab id point at the lab plan or lab account", () => {
  for (const id of [`${P}/labs/biology-101`, `${P}/labaccounts/classic-account/labs/chemistry-201`]) {
    for (const make of [() => new LabClient(id, options), () => new LabAccountClient(id, options)]) {
      const e = thrown(make);
      expect(e.message).toContain("/labPlans/{name}");
      expect(e.message).toContain("/labaccounts/{name}");
      expect(e.hint).toMatch(/lab id/);
      expect(e.hint).toContain("TemplateClient");
    }
  }
});

it("anything else gets the id builder as its hint", () => {
  const e = thrown(() => new LabClient("not-an-id", options));
  expect(e.hint).toContain("accountId(");
  expect(thrown(() => new TemplateClient("not-an-id", options)).hint).toBeTruthy();
});
