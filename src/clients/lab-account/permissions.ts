/**
 * What Azure Lab Services itself needs on an attached gallery, per generation, and the errors that
 * say how to grant it (rest-api.md B.2, A.2, C.6; docs/galleries.md#permissions).
 */
import { PermissionDeniedError, isArmError, isPermissionDeniedError, type ArmError } from "../../core/errors.js";
import type { GalleryId } from "../../core/resource-id.js";

export interface ServicePrincipalRequirement {
  /** Application (client) id of the Lab Services service principal. */
  appId: string;
  /** Role it needs on the gallery. */
  role: "Owner" | "Contributor";
  /** True when Lab Services adds the assignment itself while attaching. */
  autoAssigned: boolean;
  /** What the generation is called in messages. */
  generation: string;
}

/** Lab plans (the "August 2022" generation): Owner on the gallery, assigned by the admin (B.2, C.6). */
export const LAB_PLAN_SERVICE_PRINCIPAL: ServicePrincipalRequirement = {
  appId: "c7bb12bf-0b39-4f7f-9171-f418ff39b76a",
  role: "Owner",
  autoAssigned: false,
  generation: "Azure Lab Services (lab plans)",
};

/** Classic lab accounts: Contributor on the gallery, added by the service when attaching (A.2, C.6). */
export const LAB_ACCOUNT_SERVICE_PRINCIPAL: ServicePrincipalRequirement = {
  appId: "1a14be2a-e903-4cec-99cf-b2e209259a0f",
  role: "Contributor",
  autoAssigned: true,
  generation: "Azure Lab Services (classic lab accounts)",
};

/** The exact Azure CLI command that grants the service principal its role on the gallery. */
export function roleAssignmentCommand(req: ServicePrincipalRequirement, galleryId: string): string {
  return `az role assignment create --assignee ${req.appId} --role ${req.role} --scope ${galleryId}`;
}

const PERMISSION_WORDS = /authori[sz]|permission|forbidden|access ?denied|role ?assignment|not allowed to|insufficient/i;

/** True when the service refused because someone lacks a role (403, or an error code/message saying so). */
export function isPermissionRefusal(e: unknown): e is ArmError {
  if (isPermissionDeniedError(e)) return true;
  return isArmError(e) && (PERMISSION_WORDS.test(e.code) || PERMISSION_WORDS.test(e.message));
}

/**
 * The service refused to attach `galleryId` for lack of permission: name the principal, the role
 * and the command, and keep the service's own error as `cause` (its message may instead be about
 * the caller's own rights on the lab plan or lab account).
 */
export function attachPermissionError(req: ServicePrincipalRequirement, galleryId: GalleryId, accountLabel: string, e: ArmError): PermissionDeniedError {
  const command = roleAssignmentCommand(req, galleryId);
  const who = req.autoAssigned
    ? `${req.generation} adds its service principal (application id ${req.appId}) as ${req.role} on the gallery while attaching, so you need the right to create role assignments on the gallery (Owner or User Access Administrator)`
    : `the ${req.generation} service principal (application id ${req.appId}) must hold the ${req.role} role on the gallery`;
  const message =
    `The service refused to attach gallery ${galleryId} to ${accountLabel} for lack of permission (${e.code}: ${e.message}). ` +
    `To attach a gallery, ${who}. Grant it with: ${command}. ` +
    `You also need Owner, Contributor or Lab Services Contributor on the ${accountLabel} and Owner on the gallery.`;
  return new PermissionDeniedError({
    statusCode: e.statusCode,
    code: e.code,
    message,
    target: e.target,
    details: [...e.details],
    requestId: e.requestId,
    correlationId: e.correlationId,
    hint: `Run: ${command}`,
    cause: e,
  });
}
