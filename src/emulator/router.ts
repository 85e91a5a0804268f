/**
 * Path routing. Literal segments match case-insensitively (ARM matches provider and type segments that
 * way); `{name}` segments capture. A trailing slash is ignored (the PowerShell module GETs `SharedGalleries/`).
 */
import type { ApiFamily, Ctx } from "./context.js";

export interface Route {
  method: "GET" | "PUT" | "PATCH" | "DELETE" | "POST";
  pattern: string;
  family: ApiFamily;
  /** ARM resource type named in api-version errors, e.g. `labPlans`. */
  type: string;
  handler: (ctx: Ctx) => Promise<Response> | Response;
}

interface Compiled {
  route: Route;
  segments: string[];
}

export class Router {
  private compiled: Compiled[] = [];

  add(...routes: Route[]): void {
    for (const route of routes) this.compiled.push({ route, segments: route.pattern.split("/").filter(Boolean) });
  }

  /** Routes whose pattern matches `segments` (any method), with the captured parameters. */
  match(segments: string[]): Array<{ route: Route; params: Record<string, string> }> {
    const out: Array<{ route: Route; params: Record<string, string> }> = [];
    for (const c of this.compiled) {
      if (c.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length; i++) {
        const p = c.segments[i] as string;
        const s = segments[i] as string;
        if (p.startsWith("{")) params[p.slice(1, -1)] = s;
        else if (p.toLowerCase() !== s.toLowerCase()) {
          ok = false;
          break;
        }
      }
      if (ok) out.push({ route: c.route, params });
    }
    return out;
  }
}

/** Splits and percent-decodes a path; `undefined` when a segment is not valid percent-encoding. */
export function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname
      .split("/")
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
