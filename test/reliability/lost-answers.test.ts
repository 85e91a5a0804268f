/**
 * Lost answers on every write of the workflow, deterministically (the randomized suite may or may
 * not draw them): the connection is reset after the emulator applied the request, over a real
 * loopback socket (ECONNRESET, which core's retry policy treats as transient).
 *
 * What breaks it: resending a POST action after a lost answer. Without
 * `noResendOfUnsafeWritesPolicy` (src/core/policies.ts) core resends saveImage — a second save, two
 * image versions — and classic createLab — "ConflictError: already exists" for a lab that was
 * created. Idempotent writes (PUT lab, PATCH plan/image, PUT sharedGalleries) must still be retried
 * and complete.
 */
import { describe, expect, it } from "vitest";
import { startEmulator, type FaultRule } from "../../src/emulator/index.js";
import { isConnectionError } from "../../src/index.js";
import { FAST, report, sentinelCredential } from "./helpers.js";
import { checkFinalState, describeFailure, runWorkflow, type Generation, type Step } from "./workflow.js";

const CASES: Array<{ gen: Generation; method: string; path: string; step: Step; idempotent: boolean }> = [
  { gen: "labPlan", method: "PATCH", path: "/labPlans/plan-westus2$", step: "attach", idempotent: true },
  { gen: "labPlan", method: "PATCH", path: "/images/win11-base$", step: "enable", idempotent: true },
  { gen: "labPlan", method: "POST", path: "/saveImage$", step: "export", idempotent: false },
  { gen: "labPlan", method: "PUT", path: "/labs/lost-lab$", step: "createLab", idempotent: true },
  { gen: "labPlan", method: "GET", path: "/operationResults/", step: "attach", idempotent: true },
  { gen: "labAccount", method: "PUT", path: "/sharedGalleries/", step: "attach", idempotent: true },
  { gen: "labAccount", method: "POST", path: "/saveImage$", step: "export", idempotent: false },
  { gen: "labAccount", method: "POST", path: "/createLab$", step: "createLab", idempotent: false },
  { gen: "labAccount", method: "GET", path: "/operations/", step: "export", idempotent: true },
];

describe("a write whose answer is lost", () => {
  const figures: Record<string, string> = {};
  for (const c of CASES) {
    it(`${c.gen} ${c.method} ${c.path}: applied once, ${c.idempotent ? "retried to completion" : "reported as a ConnectionError, not resent"}`, async () => {
      const emu = await startEmulator({ port: 0, speed: 1e6 });
      try {
        const rule: FaultRule = { kind: "drop", afterProcessing: true, method: c.method, path: new RegExp(c.path, "i"), times: 1 };
        emu.faults.add(rule);
        const o = await runWorkflow(c.gen, { credential: sentinelCredential(), ...FAST, endpoint: emu.url }, {
          imageName: "lost-img",
          labName: "lost-lab",
          labImage: "exported",
          resumeExport: false,
          signal: AbortSignal.timeout(20_000),
        });
        const dropped = emu.requests.filter((r) => r.method === c.method && new RegExp(c.path, "i").test(r.path));
        expect(dropped.length, "the fault fired").toBeGreaterThan(0);
        checkFinalState(emu, o);
        if (c.idempotent) expect(o.failedStep, o.failedStep && describeFailure(o)).toBeUndefined();
        else {
          expect(o.failedStep).toBe(c.step);
          expect(isConnectionError(o.error), describeFailure(o)).toBe(true);
          expect(dropped.length, "not resent").toBe(1);
        }
        figures[`${c.gen} ${c.method} ${c.path}`] = o.failedStep ? describeFailure(o) : "completed";
      } finally {
        await emu.close();
      }
    });
  }
  it("prints its figures", () => report("lost-answers", { cases: CASES.length, outcomes: figures }));
});
