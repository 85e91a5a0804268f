/**
 * Throttling (issue 10): the emulator's token-bucket write limit (rest-api.md D.2: 429 +
 * Retry-After) under a burst of concurrent writes through the SDK. Every write must complete: the
 * SDK's retry policy waits as told (clamped by maxRetryAfterInMs) and tries again.
 *
 * What breaks it: not retrying 429s (every write beyond the bucket fails with ThrottledError),
 * ignoring Retry-After and retrying at once (the retries are spent before a token refills: the
 * 200 ms clamp refills ~2 tokens per wait here, with maxRetries far above the waits needed), or
 * retrying a throttled POST as if it were ambiguous (429 means "not processed": it is safe).
 */
import { expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { LabAccountClient, LabClient, type Lab } from "../../src/index.js";
import { report, sentinelCredential, SENTINEL_PASSWORD } from "./helpers.js";
import { ACCOUNT, GALLERY, PLAN, type Generation } from "./workflow.js";

const BURST = 16;

for (const gen of ["labPlan", "labAccount"] as Generation[]) {
  it(`${gen}: a burst of ${BURST} lab creations against a 4-token write bucket completes with no failure`, { timeout: 60_000 }, async () => {
    // speed 1000: a lab takes 0.65 s; refill 0.01 token per emulator second = 1 token per 100 ms real.
    const emu = await startEmulator({ port: 0, speed: 1000, writeLimit: { capacity: 4, refillPerSecond: 0.01 } });
    try {
      const opts = {
        endpoint: emu.url,
        credential: sentinelCredential(),
        pollIntervalInMs: 20,
        // The bucket asks for up to 100 s; the clamp makes that 200 ms (≈ 2 tokens).
        maxRetryAfterInMs: 200,
        retryOptions: { maxRetries: 40, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
      };
      const accountId = gen === "labPlan" ? PLAN : ACCOUNT;
      const account = new LabAccountClient(accountId, opts);
      await account.attachGallery(GALLERY);
      const [image] = await account.setImageEnabled("win11-base", true);
      if (!image) throw new Error("no image");
      const started = Date.now();
      const labs = new LabClient(accountId, opts);
      const results = await Promise.allSettled(
        Array.from({ length: BURST }, (_, i) =>
          labs
            .createFromGalleryImage(
              { name: `burst-${i}`, image, sku: gen === "labPlan" ? "Classic_Fsv2_2_4GB_128_S_SSD" : "Basic", usageQuota: { hours: 5 }, credentials: { kind: "new", adminUser: { username: "teacher", password: SENTINEL_PASSWORD } } },
              { preflight: false, abortSignal: AbortSignal.timeout(50_000) },
            )
            .pollUntilDone(),
        ),
      );
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      const throttled = emu.requests.filter((r) => r.status === 429).length;
      const writes = emu.requests.filter((r) => r.method !== "GET").length;
      const created = (gen === "labPlan" ? emu.state.labs() : emu.state.classicLabs()).filter((l) => String(l["name"]).startsWith("burst-"));
      report(`throttling-${gen}`, { burst: BURST, bucket: "capacity 4, refill 1 token/100 ms", writesSent: writes, answered429: throttled, failed: failed.length, created: created.length, seconds: (Date.now() - started) / 1000 });
      expect(failed.map((f) => String(f.reason)), "no write failed").toEqual([]);
      // Non-vacuity: the bucket really throttled the burst, more than once per extra write would allow.
      expect(throttled).toBeGreaterThan(BURST - 4);
      expect(created.length).toBe(BURST);
      for (const r of results) expect((r as PromiseFulfilledResult<Lab>).value.provisioningState).toBe("Succeeded");
      // A 429 is "not processed": each lab was still created exactly once.
      const creates = emu.requests.filter((r) => r.status >= 200 && r.status < 300 && (gen === "labPlan" ? r.method === "PUT" && /\/labs\/burst-/.test(r.path) : /\/createLab$/i.test(r.path)));
      expect(creates.length).toBe(BURST);
    } finally {
      await emu.close();
    }
  });
}
