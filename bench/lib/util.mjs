// Small helpers shared by the benchmark parts: statistics, child processes, paths.
import { fork, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT = dirname(BENCH_DIR);
export const CACHE = join(BENCH_DIR, ".cache");

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))));
  return s[i];
}

export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** Fisher–Yates, seeded by Math.random: used to interleave variants in each round. */
export function shuffled(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Runs `node args…` to completion and returns { code, stdout, stderr }. */
export function runNode(args, { env = {}, cwd = ROOT, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A long-lived child speaking JSON messages over IPC. `call(msg)` sends one request and resolves
 * with the next reply. The first message the child sends (`{ ready: … }`) resolves `ready`.
 */
export function startWorker(script, args = [], env = {}) {
  const child = fork(script, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = [];
  let readyResolve;
  let readyReject;
  const ready = new Promise((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  ready.catch(() => undefined); // awaited by the caller; avoid an unhandled rejection meanwhile
  let isReady = false;
  child.on("message", (m) => {
    if (!isReady) {
      isReady = true;
      if (m && m.error) readyReject(new Error(`${script}: ${m.error}`));
      else readyResolve(m?.ready ?? m);
      return;
    }
    const w = waiting.shift();
    if (!w) return;
    if (m && m.error) w.reject(new Error(`${script}: ${m.error}`));
    else w.resolve(m);
  });
  child.on("exit", (code) => {
    const err = new Error(`${script} exited with ${code}`);
    if (!isReady) readyReject(err);
    for (const w of waiting.splice(0)) w.reject(err);
  });
  return {
    child,
    ready,
    call(msg) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.send(msg);
      });
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/** A row that could not be measured yet because a branch it needs has not landed. */
export function pending(part, what, needs) {
  return { part, what, status: "pending", note: `pending ${needs}` };
}

export function exists(rel) {
  return existsSync(join(ROOT, rel));
}
