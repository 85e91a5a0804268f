/**
 * msw adapter (`azure-lab-gallery/emulator/msw`; msw is an optional peer dependency).
 */
import { http, HttpResponse } from "msw";
import type { HttpHandler } from "msw";
import type { Emulator } from "./handler.js";

export function emulatorHandlers(emulator: Emulator, origin = "https://management.azure.com"): HttpHandler[] {
  const base = origin.replace(/\/+$/, "");
  return [
    http.all(`${base}/*`, async ({ request }) => {
      const response = await emulator.handle(request);
      if (response.type === "error") return HttpResponse.error();
      return response;
    }),
  ];
}
