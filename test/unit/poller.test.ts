/**
 * The generic poller over a scripted driver, with fake timers: proves the real `sleep` waits exactly
 * what the driver (the service's Retry-After) asked for, 0 included, without any HTTP.
 */
import type { OperationState } from "@azure/core-lro";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPoller, decodeResumeToken, encodeResumeToken, type PollerDriver } from "../../src/core/poller.js";
import { sleep } from "../../src/core/sleep.js";
import { ValidationError } from "../../src/core/errors.js";

type State = OperationState<string>;

/** A driver whose start and steps answer the given delays; the last step succeeds. */
function scripted(delays: number[]) {
  const state: State = { status: "notStarted" };
  const calls = { start: 0, step: 0 };
  const driver: PollerDriver<State, string> = {
    state,
    async start() {
      calls.start++;
      state.status = "running";
      return { delayMs: delays[0] as number };
    },
    async step() {
      calls.step++;
      if (calls.step >= delays.length) {
        state.status = "succeeded";
        state.result = "done";
      }
      return { delayMs: delays[calls.step] ?? 0 };
    },
    snapshot: () => ({ step: calls.step }),
  };
  return { driver, calls, state };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createPoller timing (fake timers)", () => {
  it("waits exactly each delay the driver returns, 0 meaning at once", async () => {
    const { driver, calls } = scripted([0, 1000, 5000]);
    const p = createPoller(driver, { kind: "k", resumed: false });
    const done = p.pollUntilDone();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual({ start: 1, step: 1 }); // Retry-After: 0 → polled without waiting
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.step).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.step).toBe(2); // Retry-After: 1 → exactly 1000 ms
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls.step).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toBe("done");
    expect(calls.step).toBe(3);
  });

  it("a fixed intervalInMs overrides the driver's delay", async () => {
    const { driver, calls } = scripted([0, 0]);
    const p = createPoller(driver, { kind: "k", resumed: false, intervalInMs: 300 });
    const done = p.pollUntilDone();
    await vi.advanceTimersByTimeAsync(299);
    expect(calls.step).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.step).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    await expect(done).resolves.toBe("done");
  });

  it("the creating method's abortSignal also stops the wait between polls of a plain await", async () => {
    const { driver, calls } = scripted([60_000, 60_000]);
    const ac = new AbortController();
    const p = createPoller(driver, { kind: "k", resumed: false, abortSignal: ac.signal });
    const done = p.then(
      () => "resolved",
      (e: unknown) => (e as Error).name,
    );
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual({ start: 1, step: 0 });
    ac.abort();
    // No timer needs to fire: the abort ends the 60 s wait at once.
    await vi.advanceTimersByTimeAsync(0);
    await expect(done).resolves.toBe("AbortError");
    expect(calls.step).toBe(0);
  });

  it("abort during a long wait rejects at once, and a later pollUntilDone finishes the same operation", async () => {
    const { driver, calls } = scripted([60_000, 60_000]);
    const p = createPoller(driver, { kind: "k", resumed: false });
    const ac = new AbortController();
    const first = p.pollUntilDone({ abortSignal: ac.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    ac.abort();
    expect(((await first) as Error).name).toBe("AbortError");
    expect(vi.getTimerCount()).toBe(0);
    const second = p.pollUntilDone();
    await vi.advanceTimersByTimeAsync(120_000);
    await expect(second).resolves.toBe("done");
    expect(calls.start).toBe(1);
  });

  it("a resumed poller never calls start", async () => {
    const { driver, calls } = scripted([0, 0]);
    driver.state.status = "running";
    const p = createPoller(driver, { kind: "k", resumed: true });
    expect(p.operationState?.status).toBe("running");
    const done = p.pollUntilDone();
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBe("done");
    expect(calls.start).toBe(0);
  });

  it("a failed terminal state rejects with the driver's error", async () => {
    const state: State = { status: "notStarted" };
    const error = new Error("op failed");
    const p = createPoller<State, string>(
      {
        state,
        start: async () => ((state.status = "failed"), (state.error = error), { delayMs: 0 }),
        step: async () => ({ delayMs: 0 }),
        snapshot: () => ({}),
      },
      { kind: "k", resumed: false },
    );
    await expect(p).rejects.toBe(error);
    expect(p.isDone).toBe(true);
  });
});

describe("sleep", () => {
  it("resolves after the delay and rejects with AbortError on abort, clearing its timer", async () => {
    let resolved = false;
    const s = sleep(1000).then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await s;
    expect(resolved).toBe(true);

    const ac = new AbortController();
    const a = sleep(10_000, ac.signal).catch((e: unknown) => e);
    ac.abort();
    expect(((await a) as Error).name).toBe("AbortError");
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleep(5, AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("resume tokens", () => {
  it("round-trip a snapshot and are plain ASCII", () => {
    const t = encodeResumeToken("kind-a", { url: "https://management.azure.com/x?y=1", n: 2 });
    expect(t).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeResumeToken("kind-a", t)).toEqual({ url: "https://management.azure.com/x?y=1", n: 2 });
  });
  it("refuse what is not a token", () => {
    for (const t of [undefined, 42, "", "lgpoll1.", "lgpoll1.%%%", "lgpoll2.e30", `lgpoll1.${"A".repeat(200_000)}`]) {
      expect(() => decodeResumeToken("kind-a", t)).toThrow(ValidationError);
    }
  });
  it("refuse a token of another kind or version", () => {
    expect(() => decodeResumeToken("kind-b", encodeResumeToken("kind-a", {}))).toThrow(/kind-a/);
    const v2 = `lgpoll1.${Buffer.from(JSON.stringify({ kind: "kind-a", v: 2, s: {} })).toString("base64url")}`;
    expect(() => decodeResumeToken("kind-a", v2)).toThrow(/version/);
  });
});

describe("concurrent callers share one step at a time", () => {
  it("never runs two driver steps at once, even for a second loop with its own abort signal", async () => {
    const state: State = { status: "notStarted" };
    let inFlight = 0;
    let maxInFlight = 0;
    let steps = 0;
    const driver: PollerDriver<State, string> = {
      state,
      async start() {
        state.status = "running";
        return { delayMs: 0 };
      },
      async step() {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(100);
        inFlight--;
        if (++steps >= 3) {
          state.status = "succeeded";
          state.result = "done";
        }
        return { delayMs: 10 };
      },
      snapshot: () => ({}),
    };
    const p = createPoller(driver, { kind: "k", resumed: false });
    const a = p.pollUntilDone();
    const b = p.pollUntilDone({ abortSignal: new AbortController().signal });
    const c = p.poll();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(Promise.all([a, b])).resolves.toEqual(["done", "done"]);
    await c;
    expect(maxInFlight).toBe(1);
    expect(steps).toBe(3);
  });
});
