import { describe, expect, it } from "vitest";
import { ValidationError, formatOperationResultId, parseOperationResultId } from "../../src/index.js";

const SUB = "00000000-0000-0000-0000-000000000000";

describe("operation result ids", () => {
  it("round-trips the live form with a region (rest-api.md G.1) and the spec's form without (B.7)", () => {
    const live = formatOperationResultId({ subscriptionId: SUB, location: "westus2", operationId: "a64149d8-2a70-4d2a-9b3e-1f0d6a3c5b7e" });
    expect(live).toBe(`/subscriptions/${SUB}/providers/Microsoft.LabServices/locations/westus2/operationResults/a64149d8-2a70-4d2a-9b3e-1f0d6a3c5b7e`);
    expect(parseOperationResultId(live)).toMatchObject({ subscriptionId: SUB, location: "westus2", operationId: "a64149d8-2a70-4d2a-9b3e-1f0d6a3c5b7e", id: live });
    const spec = formatOperationResultId({ subscriptionId: SUB, operationId: "op-1" });
    expect(parseOperationResultId(spec)).toMatchObject({ location: undefined, operationId: "op-1", id: spec });
  });

  it("matches provider and type segments case-insensitively and returns canonical casing", () => {
    const p = parseOperationResultId(`/SUBSCRIPTIONS/${SUB}/PROVIDERS/microsoft.labservices/operationresults/op-1`);
    expect(p.id).toBe(`/subscriptions/${SUB}/providers/Microsoft.LabServices/operationResults/op-1`);
  });

  it.each([
    `/subscriptions/${SUB}/providers/Microsoft.LabServices/operationResults/..`,
    `/subscriptions/${SUB}/providers/Microsoft.LabServices/operationResults/a%2Fb`,
    `/subscriptions/${SUB}/providers/Microsoft.LabServices/operationResults/a?x=1`,
    `/subscriptions/${SUB}/providers/Microsoft.Compute/operationResults/op`,
    `/subscriptions/${SUB}/providers/Microsoft.LabServices/locations/west us/operationResults/op`,
    `/subscriptions/not-a-guid/providers/Microsoft.LabServices/operationResults/op`,
    `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.LabServices/operationResults/op`,
  ])("refuses %s", (id) => {
    expect(() => parseOperationResultId(id)).toThrow(ValidationError);
  });

  it("refuses a hostile region or operation id when formatting", () => {
    expect(() => formatOperationResultId({ subscriptionId: SUB, location: "west/../us", operationId: "op" })).toThrow(ValidationError);
    expect(() => formatOperationResultId({ subscriptionId: SUB, operationId: "a/b" })).toThrow(ValidationError);
    expect(() => formatOperationResultId({ subscriptionId: SUB, operationId: ".." })).toThrow(ValidationError);
  });
});
