/**
 * `LabClient`: labs of one lab plan or one classic lab account — create a lab from a gallery image
 * (validating generalized versus specialized credentials before anything is sent), get, list and
 * delete. The generation is chosen once, from the account id.
 */
import type { ArmOperationState } from "../core/arm-poller.js";
import type { ClientOptions, OperationOptions } from "../core/client-options.js";
import type { PagedAsyncIterableIterator } from "../core/paging.js";
import { createPoller, decodeResumeToken, type PollerLike } from "../core/poller.js";
import { validateName, type AccountId, type LabAccountId, type LabPlanId } from "../core/resource-id.js";
import { ArmTransport } from "../core/transport.js";
import type { CreateLabState, Lab } from "../models/lab.js";
import { parseInput, type z } from "../validation/parse.js";
import type { LabBackend } from "./lab/backend.js";
import { LabAccountBackend } from "./lab/classic-backend.js";
import { CREATE_KIND, CreateLabDriver, checkSnapshot } from "./lab/create-operation.js";
import { LabPlanBackend } from "./lab/plan-backend.js";
import { validateCreateInput } from "./lab/preflight.js";
import { parseAccountId } from "./client-id.js";
import { warnClassicRetirement } from "./retirement.js";
import { operationOptions, operationOptionsSchema } from "./lab-account/schemas.js";
import { createLabOperationOptionsSchema, type createLabOptionsSchema } from "./lab/schemas.js";

/** Options of `createFromGalleryImage`; see docs/create-lab.md for every field and its default. */
export type CreateLabOptions = z.input<typeof createLabOptionsSchema>;
/** The `credentials` option: `{ kind: "new", … }` for Generalized images, `{ kind: "fromImage", … }` for Specialized ones. */
export type CreateLabCredentials = CreateLabOptions["credentials"];

/** Per-call options of `createFromGalleryImage`. */
export type CreateLabOperationOptions = OperationOptions & {
  /** Read the image and the account and check them before writing (default true). Input validation always runs. */
  preflight?: boolean;
  /** Enable the image on the account first when it is disabled (default false). */
  enableImage?: boolean;
  /** A lab with this name exists: `fail` (default, ConflictError) or `reuse` it when it was made from the same image. */
  ifExists?: "fail" | "reuse";
  /** Fixed wait between polls in ms (default: the service's Retry-After, else the client's pollIntervalInMs). */
  intervalInMs?: number;
};

/** The state of `delete`, as `onProgress` sees it. */
export type DeleteLabState = ArmOperationState<void>;

function backendFor(accountId: string, options: ClientOptions | undefined): LabBackend {
  const parsed = parseAccountId(accountId, "LabClient");
  const transport = new ArmTransport(options);
  return parsed.kind === "labPlan" ? new LabPlanBackend(transport, parsed.id as LabPlanId) : new LabAccountBackend(transport, parsed.id as LabAccountId);
}

const OWN_KEYS = ["preflight", "enableImage", "ifExists", "intervalInMs"] as const;

function splitOperationOptions(o: CreateLabOperationOptions | undefined): { flags: { preflight: boolean; enableImage: boolean; ifExists: "fail" | "reuse"; intervalInMs: number | undefined }; rest: OperationOptions } {
  const parsed = parseInput(createLabOperationOptionsSchema, o ?? {}, "createFromGalleryImage operation options");
  const rest: Record<string, unknown> = { ...(o ?? {}) };
  for (const k of OWN_KEYS) delete rest[k];
  // What is left must be OperationOptions: a misspelt flag (`ifexists`, `enableImages`) would
  // otherwise be dropped silently and the creation would run with the default.
  parseInput(operationOptionsSchema, rest, "createFromGalleryImage operation options", `Known options: ${OWN_KEYS.join(", ")}, abortSignal, requestOptions, tracingOptions, serializerOptions, onResponse.`);
  return {
    flags: {
      preflight: parsed.preflight ?? true,
      enableImage: parsed.enableImage ?? false,
      ifExists: parsed.ifExists ?? "fail",
      intervalInMs: parsed.intervalInMs,
    },
    rest: rest as OperationOptions,
  };
}

/**
 * Labs of one lab plan or classic lab account: create a lab from a gallery image (the credential
 * rules of Generalized and Specialized images checked before anything is sent), get, list, delete.
 *
 * @example
 * ```ts
 * const labs = new LabClient(labPlanId, { credential });
 * const lab = await labs.createFromGalleryImage({ name: "biology-101-b", image, sku: "Classic_Fsv2_2_4GB_128_S_SSD", usageQuota: { hours: 10 }, credentials });
 * for await (const l of labs.list()) console.log(l.name, l.provisioningState);
 * ```
 */
export class LabClient {
  /** The lab plan or classic lab account id, in canonical casing. */
  readonly accountId: AccountId;
  private readonly backend: LabBackend;

  /**
   * @param accountId A lab plan id (`…/Microsoft.LabServices/labPlans/{p}`) or a classic lab account id
   *   (`…/Microsoft.LabServices/labaccounts/{a}`).
   */
  constructor(accountId: string, options?: ClientOptions) {
    this.backend = backendFor(accountId, options);
    this.accountId = this.backend.accountId;
    if (this.backend.generation === "labAccount") warnClassicRetirement(this.accountId);
  }

  /**
   * Creates a lab whose template is based on a gallery image. The options are validated
   * synchronously: a `ValidationError` (or `ImageCredentialsError`) is thrown from this call, before
   * any request. The returned poller sends nothing until awaited; it then runs the preflight (one
   * read of the image and of the account), checks the name is free, enables the image when asked,
   * creates the lab and polls until it is ready.
   *
   * Lab plans: `PUT labs/{name}` with the image definition id. Classic lab accounts:
   * `POST labaccounts/{a}/createLab` with the account's shared image id.
   *
   * RBAC: lab plans — `Microsoft.LabServices/labs/write` in the resource group and
   * `Microsoft.LabServices/labPlans/read` + `…/labPlans/images/read` on the plan (the Lab Creator
   * role, or Lab Services Contributor); `enableImage: true` adds `…/labPlans/images/write`. Classic lab
   * accounts — `Microsoft.LabServices/labAccounts/createLab/action` and `…/labAccounts/sharedImages/read`
   * (`…/sharedImages/write` with `enableImage`).
   *
   * @example
   * const lab = await labs.createFromGalleryImage({
   *   name: "biology-101-b", image, sku: "Classic_Fsv2_2_4GB_128_S_SSD", usageQuota: { hours: 10 },
   *   credentials: { kind: "fromImage", username: "labadmin", password },   // a Specialized image
   * });
   */
  createFromGalleryImage(options: CreateLabOptions, operationOptions?: CreateLabOperationOptions): PollerLike<CreateLabState, Lab> {
    const { flags, rest } = splitOperationOptions(operationOptions);
    const validated = validateCreateInput(options, this.backend);
    const driver = new CreateLabDriver(this.backend, validated.input.name, { validated, flags }, rest);
    return createPoller(driver, { kind: CREATE_KIND, resumed: false, intervalInMs: flags.intervalInMs, abortSignal: rest?.abortSignal });
  }

  /**
   * Continues a creation from `poller.serialize()`, in this or another process. Only polls: the
   * create request is never sent again (and the token holds no password). The credential (and
   * endpoint) must be given again in `options`.
   *
   * RBAC: read only — `Microsoft.LabServices/labs/read` (lab plans) or
   * `Microsoft.LabServices/labAccounts/labs/read` (classic lab accounts).
   *
   * @example
   * ```ts
   * const token = await labs.createFromGalleryImage(input).serialize();   // process A
   * const lab = await LabClient.resumeCreate(token, { credential });       // process B
   * ```
   */
  static resumeCreate(token: string, options?: ClientOptions & { intervalInMs?: number }): PollerLike<CreateLabState, Lab> {
    const snapshot = checkSnapshot(decodeResumeToken(CREATE_KIND, token));
    const { intervalInMs, ...clientOptions } = options ?? {};
    const backend = backendFor(snapshot.account, clientOptions);
    const driver = new CreateLabDriver(backend, snapshot.name, undefined, undefined, snapshot);
    return createPoller(driver, { kind: CREATE_KIND, resumed: true, intervalInMs });
  }

  /**
   * Reads one lab of this account. Rejects with `NotFoundError` when there is none; an invalid name
   * or option throws `ValidationError` synchronously, before any request.
   *
   * RBAC: `Microsoft.LabServices/labs/read` (lab plans) or `Microsoft.LabServices/labAccounts/labs/read`
   * (classic lab accounts), e.g. Reader.
   *
   * @example
   * ```ts
   * const lab = await labs.get("biology-101-b");
   * console.log(lab.provisioningState, lab.galleryImageId);
   * ```
   */
  get(name: string, options?: OperationOptions): Promise<Lab> {
    const labName = validateName("labServices", name, "name");
    const op = operationOptions(parseInput(operationOptionsSchema, options, "get options"));
    return this.backend.getLab(labName, op);
  }

  /**
   * Lists the labs of this lab plan or lab account, following the service's pages.
   *
   * RBAC: `Microsoft.LabServices/labs/read` in the resource group (lab plans) or
   * `Microsoft.LabServices/labAccounts/labs/read` (classic lab accounts), e.g. Reader.
   *
   * @throws ValidationError synchronously, before any request, for an invalid option.
   * @example
   * ```ts
   * for await (const lab of labs.list()) console.log(lab.name, lab.state);
   * ```
   */
  list(options?: OperationOptions): PagedAsyncIterableIterator<Lab> {
    return this.backend.listLabs(operationOptions(parseInput(operationOptionsSchema, options, "list options")));
  }

  /**
   * Deletes a lab (long-running; resolves when the service says it is gone). `resumeFrom` takes a
   * token from an earlier delete poller's `serialize()` and only polls.
   *
   * RBAC: `Microsoft.LabServices/labs/delete` (lab plans) or `Microsoft.LabServices/labAccounts/labs/delete`
   * (classic lab accounts).
   *
   * @example
   * ```ts
   * await labs.delete("biology-101-b");
   * ```
   */
  delete(name: string, options?: OperationOptions & { resumeFrom?: string }): PollerLike<DeleteLabState, void> {
    const { resumeFrom, ...rest } = options ?? {};
    return this.backend.deleteLab(validateName("labServices", name, "name"), rest, resumeFrom);
  }
}
