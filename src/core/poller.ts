/**
 * A `@azure/core-lro` v3 `PollerLike` over any step machine. core-lro's own `createHttpPoller`
 * ignores `Retry-After: 0` (it waits its 2 s default), decides Location polls from the HTTP code
 * alone (wrong for Lab Services, rest-api.md G.1) and polls one ARM operation only, while an export
 * is a chain (save, find the image, replicate). So the chain is a driver, and this file turns any
 * driver into the standard poller contract: awaitable, `pollUntilDone`, `onProgress`, `serialize`,
 * `submitted`, `isDone`, `operationState`.
 *
 * Nothing is sent until the poller is awaited or `submitted()`/`poll()`/`pollUntilDone()` is called.
 */
import type { AbortSignalLike } from "@azure/abort-controller";
import type { CancelOnProgress, OperationState, PollerLike } from "@azure/core-lro";
import { ValidationError } from "./errors.js";
import { abortError, sleep } from "./sleep.js";

export type { PollerLike, OperationState, CancelOnProgress };

export interface StepOutcome {
  /** How long to wait before the next `step` (the service's `Retry-After`, exactly, when given). */
  delayMs: number;
}

export interface PollerDriver<TState extends OperationState<TResult>, TResult> {
  /** The live state; the driver mutates it. */
  readonly state: TState;
  /** Sends the initial request (not called when resumed from a serialized state). */
  start(signal: AbortSignalLike | undefined): Promise<StepOutcome>;
  /** Advances the operation by one poll. */
  step(signal: AbortSignalLike | undefined): Promise<StepOutcome>;
  /** The resumable part of the state as plain JSON (no token, no secret). */
  snapshot(): unknown;
  /**
   * Optional: receives a `notify` function to call whenever the driver changed `state` in the
   * middle of a `start` or `step` (a multi-request step), so `onProgress` sees every change and not
   * only the state at step boundaries. Calls without a change are ignored.
   */
  bind?(notify: () => void): void;
}

const TOKEN_PREFIX = "lgpoll1.";

/** Encodes a driver snapshot as stable text: safe in a file, a CI variable or a shell argument. */
export function encodeResumeToken(kind: string, snapshot: unknown): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify({ kind, v: 1, s: snapshot }), "utf8").toString("base64url");
}

/** Decodes a token from `encodeResumeToken`; throws `ValidationError` if it is not one of `kind`. */
export function decodeResumeToken(kind: string, token: unknown): unknown {
  const bad = (why: string) =>
    new ValidationError(`Not a resume token for ${kind}: ${why}.`, [{ path: "token", message: why }], {
      hint: "Pass the exact string returned by poller.serialize().",
    });
  if (typeof token !== "string" || !token.startsWith(TOKEN_PREFIX) || token.length > 100_000) throw bad("wrong format");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
  } catch {
    throw bad("it does not decode");
  }
  const p = parsed as { kind?: unknown; v?: unknown; s?: unknown };
  if (p.kind !== kind) throw bad(`it is a token for ${String(p.kind)}`);
  if (p.v !== 1) throw bad("unsupported version");
  return p.s;
}

export interface CreatePollerOptions {
  /** Name used in the resume token; a token only resumes a poller of the same kind. */
  kind: string;
  /** True when the driver was restored from a token: `start` is not called. */
  resumed: boolean;
  /** Fixed wait between polls; overrides the service's `Retry-After`. */
  intervalInMs?: number | undefined;
  /**
   * The `abortSignal` given to the method that created the poller. It also stops the waits between
   * polls when `pollUntilDone` gets no signal of its own; otherwise an abort would only be noticed
   * at the next request, up to a whole polling interval later.
   */
  abortSignal?: AbortSignalLike | undefined;
}

class DriverPoller<TState extends OperationState<TResult>, TResult> implements PollerLike<TState, TResult> {
  readonly [Symbol.toStringTag] = "Promise";
  private started: Promise<StepOutcome> | undefined;
  private nextDelay = 0;
  private readonly listeners = new Set<(s: TState) => void>();
  private lastEmitted = "";
  private running: Promise<TResult> | undefined;
  /** The driver step in flight, shared by every caller that polls meanwhile. */
  private stepping: Promise<void> | undefined;

  constructor(
    private readonly driver: PollerDriver<TState, TResult>,
    private readonly opts: CreatePollerOptions,
  ) {
    if (opts.resumed) this.started = Promise.resolve({ delayMs: 0 });
    driver.bind?.(() => this.emit());
  }

  get isDone(): boolean {
    const s = this.driver.state.status;
    return s === "succeeded" || s === "failed" || s === "canceled";
  }
  get operationState(): TState | undefined {
    return this.started ? this.driver.state : undefined;
  }
  get result(): TResult | undefined {
    return this.driver.state.result;
  }

  private emit(): void {
    const snap = JSON.stringify(this.driver.state, (k, v) => (k === "error" && v instanceof Error ? v.message : v));
    if (snap === this.lastEmitted) return;
    this.lastEmitted = snap;
    for (const cb of [...this.listeners]) cb(this.driver.state);
  }

  private delayFrom(o: StepOutcome): number {
    return this.opts.intervalInMs ?? o.delayMs;
  }

  async submitted(): Promise<void> {
    if (!this.started) {
      this.started = this.driver.start(undefined);
      this.started.then(
        (o) => {
          this.nextDelay = this.delayFrom(o);
          this.emit();
        },
        () => undefined,
      );
    }
    await this.started;
  }

  async poll(options?: { abortSignal?: AbortSignalLike }): Promise<TState> {
    await this.submitted();
    // Drivers are step machines that are not re-entrant (an export step may write, e.g. extend the
    // replication regions). A caller that arrives while a step runs (`await poller` next to
    // `pollUntilDone({ abortSignal })`, or `poll()`) waits for that step instead of starting another.
    if (this.stepping) {
      await this.stepping.catch(() => undefined);
      return this.driver.state;
    }
    if (!this.isDone) {
      const run = this.driver.step(options?.abortSignal).then((o) => {
        this.nextDelay = this.delayFrom(o);
        this.emit();
      });
      this.stepping = run;
      try {
        await run;
      } finally {
        if (this.stepping === run) this.stepping = undefined;
      }
    }
    return this.driver.state;
  }

  pollUntilDone(pollOptions?: { abortSignal?: AbortSignalLike }): Promise<TResult> {
    const explicit = pollOptions?.abortSignal;
    const signal = explicit ?? this.opts.abortSignal;
    // One loop at a time; a second caller with its own signal gets its own loop only after abort.
    if (this.running && !explicit) return this.running;
    const run = (async () => {
      // An already-aborted signal means "do not start": nothing may be sent (fetch semantics).
      if (signal?.aborted) throw abortError();
      await this.submitted();
      while (!this.isDone) {
        await sleep(this.nextDelay, signal);
        await this.poll({ ...(signal ? { abortSignal: signal } : {}) });
      }
      const s = this.driver.state;
      if (s.status === "succeeded") return s.result as TResult;
      throw s.error ?? new Error(`The operation ended ${s.status}.`);
    })();
    if (!explicit) {
      this.running = run;
      // A status read that failed (network, 5xx after retries) leaves the operation running on the
      // service: the next await must poll again rather than replay the cached rejection.
      run.catch(() => {
        if (this.running === run && !this.isDone) this.running = undefined;
      });
    }
    return run;
  }

  onProgress(callback: (state: TState) => void): CancelOnProgress {
    this.listeners.add(callback);
    return () => {
      this.listeners.delete(callback);
    };
  }

  async serialize(): Promise<string> {
    await this.submitted();
    return encodeResumeToken(this.opts.kind, this.driver.snapshot());
  }

  then<R1 = TResult, R2 = never>(
    onfulfilled?: ((value: TResult) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.pollUntilDone().then(onfulfilled, onrejected);
  }
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<TResult | R> {
    return this.pollUntilDone().catch(onrejected);
  }
  finally(onfinally?: (() => void) | null): Promise<TResult> {
    return this.pollUntilDone().finally(onfinally);
  }
}

/** Wraps a driver into a core-lro `PollerLike`. */
export function createPoller<TState extends OperationState<TResult>, TResult>(
  driver: PollerDriver<TState, TResult>,
  options: CreatePollerOptions,
): PollerLike<TState, TResult> {
  return new DriverPoller(driver, options);
}
