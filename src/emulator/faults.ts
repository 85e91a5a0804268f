/**
 * Fault injection and ARM-like write throttling.
 * - Rules match on method and path (string: case-insensitive substring of the path; RegExp: tested on the path)
 *   and fire `times` times (default: every time until removed).
 * - The write limit is a token bucket (rest-api.md D.2: ARM moved to token buckets in 2024; numbers configurable),
 *   refilled in emulator time; an empty bucket answers 429 with `Retry-After` in seconds.
 */
export type FaultMatch = { method?: string; path?: string | RegExp; times?: number };
export type FaultRule = FaultMatch &
  (
    | { kind: "status"; status: 429 | 500 | 503; retryAfterSeconds?: number; code?: string; message?: string }
    | { kind: "drop"; /** drop the connection after the request was processed (its change is kept) */ afterProcessing?: boolean }
    | { kind: "latency"; ms: number }
    | { kind: "lroFail"; code: string; message: string }
  );

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class Faults {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): () => void {
    const active: ActiveRule = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** Takes (and counts) every rule matching this request, at most one per kind. */
  take(method: string, path: string): FaultRule[] {
    const out: FaultRule[] = [];
    const kinds = new Set<string>();
    for (const r of this.rules) {
      if (r.remaining <= 0 || kinds.has(r.rule.kind) || !matches(r.rule, method, path)) continue;
      r.remaining -= 1;
      kinds.add(r.rule.kind);
      out.push(r.rule);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return out;
  }
}

function matches(rule: FaultMatch, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === "string") return path.toLowerCase().includes(rule.path.toLowerCase());
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}

export interface WriteLimit {
  capacity: number;
  refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly limit: WriteLimit,
    now: number,
  ) {
    if (!(limit.capacity >= 1) || !(limit.refillPerSecond > 0)) throw new RangeError("writeLimit needs capacity >= 1 and refillPerSecond > 0");
    this.tokens = limit.capacity;
    this.last = now;
  }
  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.limit.capacity, this.tokens + ((now - this.last) / 1000) * this.limit.refillPerSecond);
      this.last = now;
    }
  }
  /** Takes one token; returns the seconds to wait when none is left. */
  take(now: number): { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number } {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.limit.refillPerSecond)) };
  }
}
