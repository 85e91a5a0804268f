/**
 * Long-running operations. An operation is a record with a due time; when emulator time passes it, its
 * effect runs (lazily, before each request). Status URLs (rest-api.md G.1):
 * - Lab plans: `{origin}/subscriptions/{s}/providers/Microsoft.LabServices/locations/{region}/operationResults/{guid}`;
 *   `Location` (with `monitor=true`, signed-looking query), `Azure-AsyncOperation` (signed-looking query) and
 *   `Operation-Location` (plain). Azure-AsyncOperation polls always answer 200 + body.
 * - Lab accounts (classic): `…/locations/{region}/operations/{guid}` (ML.json Operations_Get), Location only (assumption).
 * - Compute: `…/providers/Microsoft.Compute/locations/{region}/capsOperations/{guid}` (assumption: the form
 *   Compute uses); PUT/PATCH answer with Azure-AsyncOperation, DELETE adds a `monitor=true` Location.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Ctx, ResolvedOptions } from "./context.js";
import { iso, jsonResponse } from "./context.js";
import { ArmHttpError } from "./errors.js";
import type { JsonObject, OperationRecord, Store } from "./state.js";

export interface EffectWorld {
  store: Store;
  ops: Operations;
  now: number;
}

/** An effect runs at the operation's due time; throwing an ArmHttpError fails the operation with its code. */
export type Effect = (world: EffectWorld, data: JsonObject, op: OperationRecord) => void;
/** Runs when an operation fails (injected or effect error) to undo/mark resources. */
export type FailureEffect = (world: EffectWorld, data: JsonObject, op: OperationRecord) => void;

const effects = new Map<string, { run: Effect; fail?: FailureEffect }>();

export function registerEffect(kind: string, run: Effect, fail?: FailureEffect): void {
  effects.set(kind, fail ? { run, fail } : { run });
}

export interface StartOptions {
  family: OperationRecord["family"];
  subscriptionId: string;
  region: string;
  durationMs: number;
  effect: { kind: string; data: JsonObject };
}

export class Operations {
  constructor(
    private readonly store: Store,
    private readonly options: ResolvedOptions,
  ) {}

  start(ctx: Ctx, o: StartOptions): OperationRecord {
    const op: OperationRecord = {
      name: randomUUID(),
      family: o.family,
      subscriptionId: o.subscriptionId,
      region: o.region.toLowerCase(),
      apiVersion: ctx.apiVersion,
      status: "InProgress",
      startTime: ctx.now,
      dueAt: ctx.now + Math.max(0, o.durationMs),
      effect: o.effect,
    };
    if (ctx.lroFailure) {
      op.injectedFailure = ctx.lroFailure;
      ctx.lroFailure = undefined;
    }
    this.store.data.operations[op.name] = op;
    this.store.touch();
    return op;
  }

  get(name: string): OperationRecord | undefined {
    return this.store.data.operations[name.toLowerCase()] ?? Object.values(this.store.data.operations).find((o) => o.name.toLowerCase() === name.toLowerCase());
  }

  /** Completes every operation due at or before `now`, in due order. */
  tick(now: number): void {
    for (;;) {
      const due = Object.values(this.store.data.operations)
        .filter((o) => o.status === "InProgress" && o.dueAt <= now)
        .sort((a, b) => a.dueAt - b.dueAt || a.startTime - b.startTime)[0];
      if (!due) return;
      this.complete(due);
    }
  }

  private complete(op: OperationRecord): void {
    const handler = effects.get(op.effect.kind);
    const world: EffectWorld = { store: this.store, ops: this, now: op.dueAt };
    op.endTime = op.dueAt;
    if (op.injectedFailure) {
      op.status = "Failed";
      op.error = op.injectedFailure;
      handler?.fail?.(world, op.effect.data, op);
    } else {
      try {
        handler?.run(world, op.effect.data, op);
        op.status = "Succeeded";
      } catch (e) {
        if (!(e instanceof ArmHttpError)) throw e;
        op.status = "Failed";
        op.error = { code: e.code, message: e.message };
        op.failureStatus = e.status;
        handler?.fail?.(world, op.effect.data, op);
      }
    }
    this.store.touch();
  }

  // ---- URLs and headers -----------------------------------------------------------------------

  private basePath(op: OperationRecord): string {
    if (op.family === "compute") return `/subscriptions/${op.subscriptionId}/providers/Microsoft.Compute/locations/${op.region}/capsOperations/${op.name}`;
    if (op.family === "labAccounts") return `/subscriptions/${op.subscriptionId}/providers/Microsoft.LabServices/locations/${op.region}/operations/${op.name}`;
    return `/subscriptions/${op.subscriptionId}/providers/Microsoft.LabServices/locations/${op.region}/operationResults/${op.name}`;
  }

  /** Opaque query parameters shaped like the live service's signed ones (G.1); not verified on polls. */
  private signature(op: OperationRecord, salt: string): string {
    const h = createHash("sha256").update(`${op.name}|${salt}`).digest("base64url");
    return `t=${op.startTime}&c=${h.slice(0, 43)}&s=${h.slice(0, 22)}&h=${h.slice(22, 43)}`;
  }

  url(ctx: Ctx, op: OperationRecord, variant: "location" | "async" | "plain"): string {
    const base = `${ctx.origin}${this.basePath(op)}`;
    if (op.family === "compute") {
      const p = createHash("sha256").update(op.name).digest("hex").slice(0, 32);
      return variant === "location" ? `${base}?p=${p}&monitor=true&api-version=${op.apiVersion}` : `${base}?p=${p}&api-version=${op.apiVersion}`;
    }
    if (variant === "location") return `${base}?api-version=${op.apiVersion}&monitor=true&${this.signature(op, "location")}`;
    if (variant === "async") return `${base}?api-version=${op.apiVersion}&${this.signature(op, "async")}`;
    return `${base}?api-version=${op.apiVersion}`;
  }

  /** `Retry-After` for an answer that asks the client to poll again (empty unless `retryAfterSeconds` is set). */
  retryAfter(): Record<string, string> {
    return this.options.retryAfterSeconds === undefined ? {} : { "retry-after": String(this.options.retryAfterSeconds) };
  }

  /**
   * Headers of a Lab Services long-running answer (G.1). `resourceUrl`: for PUT, `Location` is the resource URL.
   */
  labServicesHeaders(ctx: Ctx, op: OperationRecord, resourceUrl?: string): Record<string, string> {
    if (op.family === "labAccounts") return { location: this.url(ctx, op, "location"), ...this.retryAfter() };
    return {
      location: resourceUrl ?? this.url(ctx, op, "location"),
      "azure-asyncoperation": this.url(ctx, op, "async"),
      "operation-location": this.url(ctx, op, "plain"),
      ...this.retryAfter(),
    };
  }

  computeHeaders(ctx: Ctx, op: OperationRecord, withLocation: boolean): Record<string, string> {
    const h: Record<string, string> = { "azure-asyncoperation": this.url(ctx, op, "async"), ...this.retryAfter() };
    if (withLocation) h["location"] = this.url(ctx, op, "location");
    return h;
  }

  // ---- status bodies --------------------------------------------------------------------------

  /** Lab Services OperationResult (OperationResults.json; G.1 shape). */
  labServicesBody(op: OperationRecord, now: number): JsonObject {
    const body: JsonObject = {
      id: this.basePath(op),
      name: op.name,
      status: op.status,
      startTime: iso(op.startTime),
    };
    if (op.endTime !== undefined) body["endTime"] = iso(op.endTime);
    if (this.options.operationPercentComplete) {
      const span = Math.max(1, op.dueAt - op.startTime);
      body["percentComplete"] = op.status === "InProgress" ? Math.min(99, Math.floor(((now - op.startTime) / span) * 100)) : 100;
    }
    if (op.error) body["error"] = { code: op.error.code, message: op.error.message };
    return body;
  }

  /** Compute operation status (ARM RPC Azure-AsyncOperation shape). */
  computeBody(op: OperationRecord): JsonObject {
    const body: JsonObject = { startTime: iso(op.startTime), status: op.status, name: op.name };
    if (op.endTime !== undefined) body["endTime"] = iso(op.endTime);
    if (op.error) body["error"] = { code: op.error.code, message: op.error.message };
    return body;
  }

  /**
   * Answers a poll of any operation URL. While the operation runs, every answer (Azure-AsyncOperation 200,
   * swagger-mode Location 200, rpc-mode Location 202, Operation-Location 200) carries `Retry-After` when
   * `retryAfterSeconds` is set: the RPC has the service send it on the operation answers (D.1); G.1 observed none,
   * hence off by default. Terminal answers never carry it.
   */
  poll(ctx: Ctx, name: string, family: OperationRecord["family"]): Response {
    const op = this.get(name);
    if (!op || op.family !== family || op.subscriptionId.toLowerCase() !== (ctx.params["subscriptionId"] ?? "").toLowerCase()) {
      // Assumption: an unknown operation id answers ARM's not-found shape.
      throw new ArmHttpError(404, "ResourceNotFound", `The operation '${name}' was not found.`);
    }
    const monitor = ctx.url.searchParams.get("monitor") === "true";
    const running = op.status === "InProgress" || op.status === "NotStarted";
    const again = running ? this.retryAfter() : {};
    if (family === "compute") {
      if (!monitor) return jsonResponse(200, this.computeBody(op), again);
      if (running) return jsonResponse(202, undefined, { location: this.url(ctx, op, "location"), ...again });
      if (op.status === "Failed") return jsonResponse(op.failureStatus ?? 500, { error: op.error ?? { code: "InternalServerError", message: "The operation failed." } });
      return jsonResponse(200, undefined);
    }
    const body = this.labServicesBody(op, ctx.now);
    if (monitor && this.options.locationBehavior === "rpc") {
      if (running) return jsonResponse(202, undefined, { location: this.url(ctx, op, "location"), ...again });
      if (op.status === "Failed") return jsonResponse(op.failureStatus ?? 500, { error: op.error ?? { code: "InternalServerError", message: "The operation failed." } });
    }
    return jsonResponse(200, body, again);
  }
}
