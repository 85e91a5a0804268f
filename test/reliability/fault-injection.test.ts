/**
 * Fault injection (issue 10): ≥ 200 randomized attach → enable → export → create-lab workflows,
 * both generations, against in-process emulator servers (`startEmulator` on a loopback port, so a
 * dropped connection is a real socket reset, as in production — msw's simulated network error has
 * no error code and core would never retry it), with injected 429 + Retry-After, 500, 503,
 * dropped connections (before and after the change was applied), latency and long-running
 * operations that end Failed. Every workflow is also a secret-hygiene run: sentinel token and
 * password, @azure/logger at verbose, and every 10th emulator persists its state to a file.
 *
 * Properties, and what breaks each (checked in workflow.ts `checkFinalState`):
 * - completes, or fails with a typed SDK error at a named step — broken by a raw TypeError/
 *   AbortError/hang escaping a client (the per-workflow abort signal turns a hang into an AbortError,
 *   which is untyped and fails the test);
 * - nothing created twice — broken by a retried non-idempotent POST (saveImage, createLab) or a
 *   re-sent lab PUT after a lost answer;
 * - final state = reported — broken by reporting success for an operation that failed, or an
 *   image/lab id that does not exist.
 * Replay a failure: RELIABILITY_SEED=<printed seed> (and RELIABILITY_RUNS=<n> for more workflows).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { passthrough } from "msw";
import { startEmulator, type FaultRule } from "../../src/emulator/index.js";
import { isLabGalleryError } from "../../src/index.js";
import { captureAzureLogs, countingServer, deepText, FAST, http, leaksIn, prng, report, runsOr, sentinelCredential, suiteSeed, SENTINEL_PASSWORD, SENTINEL_TOKEN, type Prng } from "./helpers.js";
import { checkFinalState, describeFailure, runWorkflow, type Generation, type WorkflowOutcome } from "./workflow.js";

const SEED = suiteSeed();
const RUNS = runsOr(200);
const CONCURRENCY = 4;

/** A RegExp that counts the requests it matched: the emulator tests `path` only when the rule fires. */
class CountingRegExp extends RegExp {
  hits = 0;
  override test(s: string): boolean {
    const r = super.test(s);
    if (r) this.hits++;
    return r;
  }
}

const PATHS: Record<Generation, string[]> = {
  labPlan: ["/labPlans/plan-westus2$", "/labPlans/plan-westus2/images", "/saveImage$", "/labs/biology-101", "/labs/wf-", "/operationResults/", "/galleries/labgallery$", "/images/wf-", "/versions/", "/virtualMachines"],
  labAccount: ["/labaccounts/classic-account$", "/sharedGalleries/", "/sharedImages", "/saveImage$", "/createLab$", "/labs/chemistry-201", "/labs/wf-", "/operations/", "/galleries/labgallery$", "/images/wf-", "/versions/"],
};
const LRO_FAIL_PATHS: Record<Generation, Array<[string, string]>> = {
  labPlan: [["POST", "/saveImage$"], ["PUT", "/labs/wf-"], ["PATCH", "/labPlans/plan-westus2$"]],
  labAccount: [["POST", "/saveImage$"], ["POST", "/createLab$"], ["PUT", "/sharedImages/"]],
};

type Kind = "429" | "500" | "503" | "drop" | "dropAfter" | "latency" | "lroFail";
const KINDS: Kind[] = ["429", "500", "503", "drop", "dropAfter", "latency", "lroFail"];

function randomFaults(rng: Prng, gen: Generation): Array<{ kind: Kind; rule: FaultRule; re: CountingRegExp }> {
  const out: Array<{ kind: Kind; rule: FaultRule; re: CountingRegExp }> = [];
  const n = rng.int(1, 5);
  for (let i = 0; i < n; i++) {
    const kind = rng.pick(KINDS);
    const times = rng.int(1, 4);
    let method: string | undefined = rng.pick([undefined, "GET", "GET", "PUT", "PATCH", "POST"]);
    let p = rng.pick(PATHS[gen]);
    if (kind === "lroFail") [method, p] = rng.pick(LRO_FAIL_PATHS[gen]);
    const re = new CountingRegExp(p, "i");
    const base = { path: re, times, ...(method ? { method } : {}) };
    const rule: FaultRule =
      kind === "429"
        ? { ...base, kind: "status", status: 429, retryAfterSeconds: rng.pick([0, 1, 5, 30, 3600]) }
        : kind === "500" || kind === "503"
          ? { ...base, kind: "status", status: Number(kind) as 500 | 503 }
          : kind === "drop" || kind === "dropAfter"
            ? { ...base, kind: "drop", afterProcessing: kind === "dropAfter" }
            : kind === "latency"
              ? { ...base, kind: "latency", ms: rng.int(1, 15) }
              : { ...base, kind: "lroFail", code: "InjectedFailure", message: "The operation failed (injected)." };
    out.push({ kind, rule, re });
  }
  return out;
}

const { server, seen } = countingServer();
let logs: ReturnType<typeof captureAzureLogs>;

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  logs = captureAzureLogs();
});
afterAll(() => {
  logs.restore();
  server.close();
});

it(`runs ${RUNS} randomized workflows under injected faults (seed ${SEED})`, { timeout: 170_000 }, async () => {
  console.log(`fault injection: RELIABILITY_SEED=${SEED} RELIABILITY_RUNS=${RUNS}`);
  const stateDir = mkdtempSync(path.join(tmpdir(), "rel-faults-"));
  const fired: Record<Kind, number> = { "429": 0, "500": 0, "503": 0, drop: 0, dropAfter: 0, latency: 0, lroFail: 0 };
  const outcomes = { completed: 0, failed: 0, byStep: {} as Record<string, number>, byError: {} as Record<string, number> };
  const perGen: Record<Generation, number> = { labPlan: 0, labAccount: 0 };
  let requests = 0;
  let stateFiles = 0;
  let secretsLeaked = 0;
  let passwordsOnWire = 0;
  let tokensOnWire = 0;
  const started = Date.now();

  // msw sees (and counts) every request; only the running emulators' origins are let through.
  const origins = new Set<string>();
  server.use(
    http.all("*", ({ request }) => {
      if (origins.has(new URL(request.url).origin)) return passthrough();
      return undefined; // unhandled → onUnhandledRequest: "error"
    }),
  );

  const one = async (i: number): Promise<void> => {
    const rng = prng(SEED + i * 7919);
    const gen: Generation = i % 2 === 0 ? "labPlan" : "labAccount";
    const statePath = i % 10 === 0 ? path.join(stateDir, `state-${i}.json`) : undefined;
    const emu = await startEmulator({ port: 0, speed: 1e6, ...(statePath ? { statePath } : {}), locationBehavior: rng.chance(0.5) ? "swagger" : "rpc" });
    const origin = new URL(emu.url).origin;
    origins.add(origin);
    const faults = randomFaults(rng, gen);
    for (const f of faults) emu.faults.add(f.rule);
    let o: WorkflowOutcome;
    const context = () => `workflow #${i} (${gen}) RELIABILITY_SEED=${SEED}; faults ${JSON.stringify(faults.map((f) => ({ ...f.rule, path: f.re.source })))}`;
    try {
      o = await runWorkflow(gen, { credential: sentinelCredential(), ...FAST, endpoint: emu.url }, {
        imageName: `wf-img-${i}`,
        labName: `wf-lab-${i}`,
        labImage: rng.chance(0.5) ? "exported" : "generalized",
        resumeExport: rng.chance(0.3),
        signal: AbortSignal.timeout(30_000),
      });
      checkFinalState(emu, o);
      if (o.failedStep) expect(isLabGalleryError(o.error), `${describeFailure(o)} is a typed SDK error`).toBe(true);
      // Secrets: the error (deep, cause chain), serialized pollers and progress states, the state file.
      const texts = [deepText(o.error), ...o.exposed];
      if (statePath) {
        texts.push(readFileSync(statePath, "utf8"));
        stateFiles++;
      }
      const leaked = texts.flatMap(leaksIn);
      secretsLeaked += leaked.length;
      expect(leaked, "sentinel in an error, a serialized poller, a progress state or the emulator state file").toEqual([]);
      const mine = seen.filter((r) => r.url.startsWith(`${origin}/`));
      expect(mine.length, "msw saw every request the emulator logged").toBe(emu.requests.length);
      requests += mine.length;
      tokensOnWire += mine.filter((r) => r.authorization === `Bearer ${SENTINEL_TOKEN}`).length;
      for (const r of mine) if ((await r.body).includes(SENTINEL_PASSWORD)) passwordsOnWire++;
    } catch (e) {
      throw new Error(`${context()}: ${(e as Error).message}`, { cause: e });
    } finally {
      await emu.close();
      origins.delete(origin);
    }
    for (const f of faults) fired[f.kind] += f.re.hits;
    perGen[gen]++;
    if (o.failedStep) {
      outcomes.failed++;
      outcomes.byStep[o.failedStep] = (outcomes.byStep[o.failedStep] ?? 0) + 1;
      const key = describeFailure(o);
      outcomes.byError[key] = (outcomes.byError[key] ?? 0) + 1;
    } else outcomes.completed++;
  };

  // A few workflows at a time (each against its own emulator) keeps the suite within CI's minutes.
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (nextIndex < RUNS) await one(nextIndex++);
    }),
  );
  const foreign = seen.filter((r) => !r.url.startsWith("http://127.0.0.1:"));
  expect(foreign, "no request left the loopback emulators").toEqual([]);

  const logLeaks = leaksIn(logs.lines.join("\n"));
  secretsLeaked += logLeaks.length;
  const figures = {
    seed: SEED,
    workflows: RUNS,
    perGeneration: perGen,
    completed: outcomes.completed,
    failedTyped: outcomes.failed,
    failedByStep: outcomes.byStep,
    failuresByError: outcomes.byError,
    faultsInjected: Object.values(fired).reduce((a, b) => a + b, 0),
    faultsByKind: fired,
    requests,
    logLines: logs.lines.length,
    stateFilesChecked: stateFiles,
    sentinelPasswordsOnTheWire: passwordsOnWire,
    sentinelTokensOnTheWire: tokensOnWire,
    secretsLeaked,
    seconds: (Date.now() - started) / 1000,
  };
  report("fault-injection", figures);
  expect(logLeaks, "sentinel in @azure/logger output").toEqual([]);
  // Non-vacuity: the sentinels really travelled (so "not in the logs" means redacted, not absent),
  // every fault kind fired, and both outcomes occurred.
  expect(passwordsOnWire).toBeGreaterThan(0);
  expect(tokensOnWire).toBeGreaterThan(0);
  expect(logs.lines.length).toBeGreaterThan(0);
  if (RUNS >= 100) {
    for (const k of KINDS) expect(fired[k], `fault kind ${k} fired`).toBeGreaterThan(0);
    expect(outcomes.completed).toBeGreaterThan(0);
    expect(outcomes.failed).toBeGreaterThan(0);
  }
});
