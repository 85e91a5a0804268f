/**
 * "Did you mean …?" for image names: the closest names (and display names) to what was asked,
 * so a NotFoundError can say what exists instead of only what does not.
 */

export interface MatchCandidate {
  name: string;
  displayName: string;
}

/** Levenshtein distance, case-insensitive, bounded to keep hostile input cheap. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase().slice(0, 200);
  const t = b.toLowerCase().slice(0, 200);
  if (s === t) return 0;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[t.length] as number;
}

function score(query: string, c: MatchCandidate): number {
  const q = query.toLowerCase();
  const n = c.name.toLowerCase();
  const d = c.displayName.toLowerCase();
  // Containment either way is the strongest hint ("win11" → "win11-base", "Windows 11 Base" → display name).
  if (n.includes(q) || q.includes(n) || (q.length >= 3 && d.includes(q))) return 0;
  const byName = editDistance(q, n) / Math.max(q.length, n.length, 1);
  const byDisplay = editDistance(q, d) / Math.max(q.length, d.length, 1);
  return Math.min(byName, byDisplay);
}

/** Up to `max` candidates closest to `query`, best first; only reasonably close ones. */
export function closeMatches(query: string, candidates: readonly MatchCandidate[], max = 5): MatchCandidate[] {
  return candidates
    .map((c) => ({ c, s: score(query, c) }))
    .filter((x) => x.s <= 0.5)
    .sort((x, y) => x.s - y.s || x.c.name.localeCompare(y.c.name))
    .slice(0, max)
    .map((x) => x.c);
}

/** `win11-base ("Windows 11 Base"), ubuntu-2204` — for messages. */
export function describeMatches(matches: readonly MatchCandidate[]): string {
  return matches.map((m) => (m.displayName && m.displayName !== m.name ? `${m.name} ("${m.displayName}")` : m.name)).join(", ");
}
