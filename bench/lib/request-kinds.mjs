// Names a request by what it touches, e.g. "GET labPlans", "PATCH labPlans/images",
// "GET galleries/images/versions[]" (a list), "GET operationResults (Azure-AsyncOperation)".
export function requestKind(method, url) {
  const u = new URL(url, "http://x");
  const parts = u.pathname.split("/").filter(Boolean);
  const p = parts.findIndex((s) => s.toLowerCase() === "providers");
  const rest = p >= 0 ? parts.slice(p + 2) : parts;
  const types = rest.filter((_, i) => i % 2 === 0);
  const isList = rest.length % 2 === 1 && method === "GET";
  let kind = `${method} ${types.filter((t) => t.toLowerCase() !== "locations").join("/")}${isList ? "[]" : ""}`;
  if (/operationresults/i.test(u.pathname)) {
    kind = `GET operationResults (${u.searchParams.get("monitor") === "true" ? "Location" : "Azure-AsyncOperation/Operation-Location"})`;
  }
  return kind;
}

/** "read" (GET), "write" (PUT/PATCH/POST/DELETE) or "poll" (an operation status read). */
export function requestClass(method, url) {
  if (/operationresults/i.test(url)) return "poll";
  return method === "GET" ? "read" : "write";
}

export function countBy(requests) {
  const byKind = {};
  const byClass = { read: 0, write: 0, poll: 0 };
  for (const r of requests) {
    const k = requestKind(r.method, r.url);
    byKind[k] = (byKind[k] ?? 0) + 1;
    byClass[requestClass(r.method, r.url)]++;
  }
  return { total: requests.length, ...byClass, byKind };
}
