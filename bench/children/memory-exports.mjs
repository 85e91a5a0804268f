// (g) `node memory-exports.mjs <baseline|exports> <emulator url> <subscription> <n>`: imports the
// SDK and, in `exports` mode, runs n exports of the demo lab's template concurrently against the
// emulator; prints its own peak RSS (getrusage maxrss) as JSON. `baseline` stops after the import.
const [mode, url, sub, n] = process.argv.slice(2);
const sdk = await import(process.env.BENCH_SDK_ENTRY);
const credential = { getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3600_000 }) };
const lab = `/subscriptions/${sub}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labs/biology-101`;
let ok = 0;
const t0 = performance.now();
if (mode === "exports") {
  const client = new sdk.TemplateClient(lab, { credential, endpoint: url, pollIntervalInMs: 250 });
  const results = await Promise.allSettled(Array.from({ length: Number(n) }, (_, i) => client.exportToGallery({ imageName: `mem-${i}` })));
  ok = results.filter((r) => r.status === "fulfilled").length;
  const bad = results.find((r) => r.status === "rejected");
  if (bad) console.error(String(bad.reason?.stack ?? bad.reason));
}
const mib = (kb) => Math.round((kb / 1024) * 10) / 10;
console.log(JSON.stringify({ mode, ok, elapsedS: Math.round((performance.now() - t0) / 10) / 100, maxRssMiB: mib(process.resourceUsage().maxRSS), heapUsedMiB: mib(process.memoryUsage().heapUsed / 1024) }));
