/**
 * ARM-shaped errors. Every error body is `{error:{code,message,target?,details?}}` (rest-api.md D.3).
 * Messages quoted from real ARM are marked; the rest are written by the emulator (docs/emulator.md, Assumptions).
 */
export type ArmErrorBody = {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
};

/** Thrown by route handlers; the handler turns it into an HTTP response. */
export class ArmHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly target: string | undefined;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, options: { target?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "ArmHttpError";
    this.status = status;
    this.code = code;
    this.target = options.target;
    this.headers = options.headers ?? {};
  }
  toBody(): { error: ArmErrorBody } {
    const error: ArmErrorBody = { code: this.code, message: this.message };
    if (this.target !== undefined) error.target = this.target;
    return { error };
  }
}

/** ARM's message for a missing resource (real ARM wording). */
export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmHttpError {
  return new ArmHttpError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** ARM's message when the parent of a nested resource does not exist (real ARM wording). */
export function parentNotFound(action: string, childType: string, parentId: string): ArmHttpError {
  return new ArmHttpError(
    404,
    "ParentResourceNotFound",
    `Failed to perform '${action}' on resource(s) of type '${childType}', because the parent resource '${parentId}' could not be found.`,
  );
}

/** 400 with a code; used for request validation where the real code is unknown (documented). */
export function badRequest(message: string, code = "BadRequest", target?: string): ArmHttpError {
  return new ArmHttpError(400, code, message, target === undefined ? {} : { target });
}

export function conflict(message: string, code = "Conflict"): ArmHttpError {
  return new ArmHttpError(409, code, message);
}
