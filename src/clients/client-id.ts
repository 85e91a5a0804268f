/**
 * The id each client is constructed with, checked with a message that names the forms the client
 * takes and a hint for the usual mix-up: a lab id given to an account client, or a lab plan / lab
 * account id given to `TemplateClient` (the three clients look alike but work at different levels).
 */
import { ValidationError, isValidationError } from "../core/errors.js";
import { detectResourceKind, parseResourceId, type ParsedResourceId } from "../core/resource-id.js";

const PREFIX = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.LabServices";

const ACCOUNT_FORMS = `a lab plan id (${PREFIX}/labPlans/{name}) or a classic lab account id (${PREFIX}/labaccounts/{name})`;
const LAB_FORMS = `a lab id (${PREFIX}/labs/{lab}) or a classic lab id (${PREFIX}/labaccounts/{account}/labs/{lab})`;

function rethrow(e: unknown, client: string, forms: string, hint: string): never {
  if (!isValidationError(e)) throw e;
  throw new ValidationError(`${e.message} ${client} takes ${forms}.`, e.issues, { hint });
}

/** A lab plan or classic lab account id, for `LabAccountClient` and `LabClient`. */
export function parseAccountId(id: string, client: string): ParsedResourceId<"labPlan" | "labAccount"> {
  try {
    return parseResourceId(id, "labPlan", "labAccount");
  } catch (e) {
    const given = typeof id === "string" ? detectResourceKind(id) : undefined;
    const hint =
      given === "lab" || given === "classicLab"
        ? `That is a lab id: pass the lab plan or lab account that holds the lab (a lab's labPlanId), and the lab's name to the method. For one lab's template, use TemplateClient.`
        : 'Build one with accountId({ subscriptionId, resourceGroup, name, kind: "labPlan" }).';
    return rethrow(e, client, ACCOUNT_FORMS, hint);
  }
}

/** A lab-plan lab or classic lab id, for `TemplateClient`. */
export function parseLabId(id: string): ParsedResourceId<"lab" | "classicLab"> {
  try {
    return parseResourceId(id, "lab", "classicLab");
  } catch (e) {
    const given = typeof id === "string" ? detectResourceKind(id) : undefined;
    const hint =
      given === "labPlan" || given === "labAccount"
        ? "That is a lab plan or lab account id: TemplateClient works on one lab. List the labs with new LabClient(accountId).list() and pass one lab's id."
        : "Pass the lab's resource id, e.g. lab.id from LabClient.get() or list().";
    return rethrow(e, "TemplateClient", LAB_FORMS, hint);
  }
}
