#!/usr/bin/env node
/** The `lab-gallery` executable: real streams, SIGINT wired to the commands' waits, the exit code. */
import { run } from "./program.js";

const interruptHandlers = new Set<() => void>();
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.on(signal, () => {
    // Nothing is waiting that could stop cleanly: exit like any interrupted command.
    if (interruptHandlers.size === 0) process.exit(code);
    for (const h of [...interruptHandlers]) h();
  });
}

// A promise rejected after the command already failed for another reason (e.g. two parallel reads
// that both fail) must not crash the process with a stack trace: the command reports its own error.
// With --verbose it is shown as a note.
process.on("unhandledRejection", (reason) => {
  if (process.argv.includes("--verbose") || process.argv.includes("-v")) {
    const r = reason instanceof Error ? `${reason.name}: ${reason.message.split("\n")[0] ?? ""}` : String(reason);
    process.stderr.write(`note: a second error was ignored: ${r}\n`);
  }
});

// `lab-gallery images list | head`: the reader went away. Stop quietly, as Unix tools do, instead of
// crashing with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

void run(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  {
    onInterrupt(cb) {
      interruptHandlers.add(cb);
      return () => interruptHandlers.delete(cb);
    },
  },
).then((code) => {
  process.exitCode = code;
});
