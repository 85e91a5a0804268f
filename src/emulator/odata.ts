/**
 * The `$filter` forms used in practice against Lab Services (rest-api.md B.4, G.3):
 * `properties/enabledState eq 'Enabled'`, `Properties/DisplayName eq '…'`, `Properties/VMType eq 'Template'`,
 * `indexof(tolower(properties/displayName),'…') gt -1`, joined with `and`. Property paths match
 * case-insensitively; `eq` compares values case-insensitively (assumption). Other forms answer 400.
 */
import { ArmHttpError } from "./errors.js";
import type { Json } from "./state.js";

type Pred = (item: Json) => boolean;

function lookup(item: Json, path: string): Json | undefined {
  let cur: Json | undefined = item;
  for (const part of path.split("/")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    const key: string | undefined = Object.keys(cur).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key === undefined ? undefined : (cur as Record<string, Json>)[key];
  }
  return cur;
}

const EQ = /^\s*([A-Za-z_][\w/]*)\s+eq\s+'((?:[^']|'')*)'\s*$/i;
const INDEXOF = /^\s*indexof\s*\(\s*tolower\s*\(\s*([A-Za-z_][\w/]*)\s*\)\s*,\s*'((?:[^']|'')*)'\s*\)\s+(gt\s+-1|ge\s+0|eq\s+-1)\s*$/i;

function clause(text: string): Pred {
  let m = EQ.exec(text);
  if (m) {
    const path = m[1] as string;
    const value = (m[2] as string).replace(/''/g, "'").toLowerCase();
    return (item) => {
      const v = lookup(item, path);
      // Disabled images carry no enabledState in lists (G.3): absent compares as 'Disabled'.
      const actual = v === undefined && /enabledstate$/i.test(path) ? "disabled" : v;
      return typeof actual === "string" && actual.toLowerCase() === value;
    };
  }
  m = INDEXOF.exec(text);
  if (m) {
    const path = m[1] as string;
    const needle = (m[2] as string).replace(/''/g, "'").toLowerCase();
    const negate = /^eq/i.test(m[3] as string);
    return (item) => {
      const v = lookup(item, path);
      const found = typeof v === "string" && v.toLowerCase().includes(needle);
      return negate ? !found : found;
    };
  }
  throw new ArmHttpError(400, "InvalidFilter", `The $filter clause '${text.trim()}' is not supported. Supported: "<property> eq '<value>'" and "indexof(tolower(<property>),'<text>') gt -1", joined with 'and'.`);
}

export function applyODataFilter<T extends Json>(items: T[], filter: string | null): T[] {
  if (filter === null || filter.trim() === "") return items;
  const preds = filter.split(/\s+and\s+/i).map(clause);
  return items.filter((i) => preds.every((p) => p(i)));
}
