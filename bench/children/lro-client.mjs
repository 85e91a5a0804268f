// One LRO client (d) in its own process: `node lro-client.mjs <variant> <port>`.
// `{ cmd: "run", plan }` starts a save-image export on that lab plan, waits for the promise to
// resolve and replies with the epoch time (sub-ms) at which it resolved.
const [variant, port] = process.argv.slice(2);
const origin = `https://127.0.0.1:${port}`;
const SUB = "00000000-0000-0000-0000-000000000001";
const RG = "bench-rg";
const now = () => performance.timeOrigin + performance.now();
const credential = { getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3600_000 }) };
const body = (plan) => ({ name: "bench-image", labVirtualMachineId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.LabServices/labs/${plan}-lab/virtualMachines/0` });

async function makeRunner() {
  switch (variant) {
    case "ours-export": {
      // The whole export as a user runs it (preflight, save, locate the image), default options.
      const { TemplateClient } = await import(process.env.BENCH_SDK_ENTRY);
      return {
        via: "TemplateClient.exportToGallery",
        run: (plan) => new TemplateClient(`/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.LabServices/labs/${plan}-lab`, { credential, endpoint: origin }).exportToGallery({ imageName: "bench-image" }),
      };
    }
    case "ours-poller": {
      // The save alone, like the anchor: the ARM poller core offers for one operation.
      const { ArmTransport, armOperationPoller } = await import(process.env.BENCH_INTERNALS);
      const transport = new ArmTransport({ credential, endpoint: origin });
      return {
        via: "armOperationPoller(POST saveImage)",
        run: (plan) =>
          armOperationPoller(transport, {
            kind: "saveImage",
            request: { method: "POST", path: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.LabServices/labPlans/${plan}/saveImage`, api: "labPlans", body: body(plan) },
            finalStateVia: "location",
            mapResult: (b) => b,
          }).pollUntilDone(),
      };
    }
    case "arm-labservices": {
      const { LabServicesClient } = await import("@azure/arm-labservices");
      const c = new LabServicesClient(credential, SUB, { endpoint: origin });
      return { via: "labPlans.beginSaveImageAndWait", run: (plan) => c.labPlans.beginSaveImageAndWait(RG, plan, body(plan)) };
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

try {
  const { via, run } = await makeRunner();
  process.send({ ready: { via } });
  process.on("message", async (m) => {
    if (m.cmd !== "run") return;
    try {
      const startedAt = now();
      await run(m.plan);
      process.send({ startedAt, resolvedAt: now() });
    } catch (e) {
      process.send({ error: String(e?.stack ?? e) });
    }
  });
  process.on("disconnect", () => process.exit(0));
} catch (e) {
  process.send({ error: String(e?.stack ?? e) });
  process.exit(1);
}
