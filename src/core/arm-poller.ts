/**
 * Pollers for a single ARM long-running operation, on top of the generic driver poller.
 */
import type { AbortSignalLike } from "@azure/abort-controller";
import type { OperationOptions } from "@azure/core-client";
import type { OperationState, PollerLike } from "@azure/core-lro";
import { finalLroResult, pollLro, startLro, validateLroHandle, type FinalStateVia, type LroHandle, type LroPoll } from "./lro.js";
import { createPoller, decodeResumeToken, type StepOutcome } from "./poller.js";
import { sleep } from "./sleep.js";
import type { ArmRequest, ArmTransport } from "./transport.js";

export interface ArmOperationState<TResult> extends OperationState<TResult> {
  /** Percent the service reported, when it reports one. */
  percentComplete?: number;
}

function delayOf(transport: ArmTransport, p: LroPoll): number {
  return p.retryAfterMs ?? transport.options.pollIntervalInMs;
}

function signalOptions(options: OperationOptions | undefined, signal: AbortSignalLike | undefined): OperationOptions | undefined {
  return signal ? { ...options, abortSignal: signal } : options;
}

/**
 * Starts (or, with `resumeFrom`, continues) one ARM long-running operation and returns a poller that
 * resolves to `mapResult(finalBody)`.
 */
export function armOperationPoller<TResult>(
  transport: ArmTransport,
  init: {
    kind: string;
    request?: ArmRequest;
    finalStateVia: FinalStateVia;
    mapResult: (body: unknown) => TResult | Promise<TResult>;
    resumeFrom?: string | undefined;
    intervalInMs?: number | undefined;
    options?: OperationOptions | undefined;
  },
): PollerLike<ArmOperationState<TResult>, TResult> {
  let handle: LroHandle | undefined =
    init.resumeFrom !== undefined ? validateLroHandle(decodeResumeToken(init.kind, init.resumeFrom), transport.options.endpoint) : undefined;
  const state: ArmOperationState<TResult> = { status: handle ? "running" : "notStarted" };
  const apply = async (p: LroPoll, signal: AbortSignalLike | undefined): Promise<StepOutcome> => {
    if (p.percentComplete !== undefined) state.percentComplete = Math.max(state.percentComplete ?? 0, p.percentComplete);
    if (p.status === "succeeded") {
      const body = await finalLroResult(transport, handle as LroHandle, p.body, signalOptions(init.options, signal));
      state.result = await init.mapResult(body);
      state.status = "succeeded";
    } else if (p.status === "failed" || p.status === "canceled") {
      state.status = p.status;
      if (p.error) state.error = p.error;
    } else {
      state.status = "running";
    }
    return { delayMs: delayOf(transport, p) };
  };
  return createPoller(
    {
      state,
      async start(signal) {
        if (!init.request) throw new Error("internal: no request to start");
        const r = await startLro(transport, { ...init.request, options: signalOptions(init.options, signal) }, init.finalStateVia);
        handle = r.handle;
        return apply(r.poll, signal);
      },
      async step(signal) {
        return apply(await pollLro(transport, handle as LroHandle, signalOptions(init.options, signal)), signal);
      },
      snapshot: () => handle,
    },
    { kind: init.kind, resumed: init.resumeFrom !== undefined, intervalInMs: init.intervalInMs, abortSignal: init.options?.abortSignal },
  );
}

/** Runs one ARM long-running operation to the end and returns the final body. */
export async function runArmOperation(
  transport: ArmTransport,
  request: ArmRequest,
  finalStateVia: FinalStateVia,
  intervalInMs?: number,
): Promise<unknown> {
  const signal = request.options?.abortSignal;
  const started = await startLro(transport, request, finalStateVia);
  const handle = started.handle;
  let poll = started.poll;
  while (poll.status === "running") {
    await sleep(intervalInMs ?? poll.retryAfterMs ?? transport.options.pollIntervalInMs, signal);
    poll = await pollLro(transport, handle, request.options);
  }
  if (poll.error) throw poll.error;
  return finalLroResult(transport, handle, poll.body, request.options);
}
