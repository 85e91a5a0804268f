/**
 * What `getImage`/`setImageEnabled` accept, classified before any request: an image name on the
 * account, this account's own image id, or a Compute Gallery image definition / version id (the
 * ids users actually have at hand, ecosystem.md §2.1).
 */
import { ValidationError } from "../../core/errors.js";
import {
  detectResourceKind,
  galleryImageIdFromVersion,
  parentResourceId,
  parseResourceId,
  resourceKindLabel,
  validateName,
  type GalleryImageId,
  type ParsedResourceId,
  type ResourceKind,
} from "../../core/resource-id.js";

export type ImageRef = { kind: "name"; name: string; input: string } | { kind: "definition"; galleryImageId: GalleryImageId; input: string };

const ACCEPTED =
  "an image name (e.g. win11-base), this account's image id, a gallery image definition id (…/Microsoft.Compute/galleries/{g}/images/{i}) or a version id (…/images/{i}/versions/1.0.0)";

/** Classifies `input` for the account `account` whose images have ids of kind `imageIdKind`. */
export function parseImageRef(input: string, account: ParsedResourceId, imageIdKind: "labPlanImage" | "labAccountSharedImage", path = "nameOrId"): ImageRef {
  if (!input.startsWith("/")) {
    // "." and ".." fit the Lab Services name pattern but are dot-segments a URL resolves to the parent.
    if (/^\.+$/.test(input)) {
      throw new ValidationError(`Image name ${JSON.stringify(input)} is not valid: a name cannot consist of dots only. Pass ${ACCEPTED}.`, [{ path, message: "dot-only name" }]);
    }
    try {
      return { kind: "name", name: validateName("labServices", input, "image name"), input };
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(`${e.message} Pass ${ACCEPTED}.`, [{ path, message: e.issues[0]?.message ?? "invalid image name" }]);
      throw e;
    }
  }
  const kind: ResourceKind | undefined = detectResourceKind(input);
  switch (kind) {
    case "labPlanImage":
    case "labAccountSharedImage": {
      if (kind !== imageIdKind) {
        throw new ValidationError(`${input} is a ${resourceKindLabel(kind)} id, but this client manages a ${resourceKindLabel(account.kind)}; pass ${ACCEPTED}.`, [
          { path, message: `expected a ${resourceKindLabel(imageIdKind)} id of this account` },
        ]);
      }
      const parsed = parseResourceId(input, kind);
      if (parentResourceId(parsed).toLowerCase() !== account.id.toLowerCase()) {
        throw new ValidationError(`Image ${input} belongs to another ${resourceKindLabel(account.kind)}, not ${account.id}.`, [
          { path, message: `expected an image of ${account.id}` },
        ]);
      }
      const name = (parsed.names["image"] ?? parsed.names["sharedImage"]) as string;
      return { kind: "name", name, input };
    }
    case "galleryImage":
      return { kind: "definition", galleryImageId: parseResourceId(input, "galleryImage").id, input };
    case "galleryImageVersion":
      return { kind: "definition", galleryImageId: galleryImageIdFromVersion(input), input };
    default:
      throw new ValidationError(`${JSON.stringify(input.length > 120 ? `${input.slice(0, 117)}...` : input)} is not an image reference. Pass ${ACCEPTED}.`, [
        { path, message: "expected an image name or id" },
      ]);
  }
}
