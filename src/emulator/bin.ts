#!/usr/bin/env node
/** Entry of `dist/emulator-cli.js` (`npm run emulator`). */
import { runEmulatorCli } from "./cli.js";

runEmulatorCli(process.argv.slice(2)).then(
  (running) => {
    const stop = () => {
      void running.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
  (e: unknown) => {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") process.exit(0);
    console.error(err.message ?? String(e));
    process.exit(typeof err.exitCode === "number" && err.exitCode !== 0 ? err.exitCode : 2);
  },
);
