// The server as people run it, in its own process, so the bench reads the server's own
// CPU time and memory (from /proc) and not the load generator's:
//  - startNpm(): `npm start` itself (process tree, first start and restart times);
//  - startCompiled(): build/server.js directly (the forum bench on PostgreSQL).
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assertFreshBuild } from "../setup/fresh-build";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TICK_MS = 10; // USER_HZ is 100 on Linux

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function stat(pid: number): { ppid: number; cpuMs: number; rssMb: number; comm: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // After "(comm) ": state ppid … utime(14th of the line → index 11 here) stime(12) … rss(22, pages)
    const ppid = Number(fields[1]);
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const rssMb = (Number(fields[21]) * 4096) / 1024 / 1024;
    return { ppid, cpuMs, rssMb, comm };
  } catch {
    return null;
  }
}

/** The processes under `pid` (not counting it), with their command names. */
export function descendants(pid: number): Array<{ pid: number; comm: string; rssMb: number }> {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .map((p) => ({ pid: p, s: stat(p) }))
    .filter((x): x is { pid: number; s: NonNullable<ReturnType<typeof stat>> } => x.s !== null);
  const out: Array<{ pid: number; comm: string; rssMb: number }> = [];
  const walk = (parent: number) => {
    for (const x of all)
      if (x.s.ppid === parent) {
        out.push({ pid: x.pid, comm: x.s.comm, rssMb: x.s.rssMb });
        walk(x.pid);
      }
  };
  walk(pid);
  return out;
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** The serving process: CPU time used so far (user + system) and resident memory. */
  cpuMs(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})\n${output()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server not healthy in ${timeoutMs} ms\n${output()}`);
}

function launch(
  command: string,
  args: string[],
  env: Record<string, string>,
  servingPid: (child: ChildProcess) => number,
  timeoutMs: number,
) {
  return async (): Promise<ServerProcess & { startMs: number; child: ChildProcess }> => {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-4000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, child, () => output, timeoutMs);
    const startMs = performance.now() - started;
    const pid = servingPid(child);
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
    return {
      url,
      pid,
      startMs,
      child,
      cpuMs: () => stat(pid)?.cpuMs ?? 0,
      rssMb: () => stat(pid)?.rssMb ?? 0,
      async stop() {
        child.kill("SIGTERM");
        await exited;
      },
    };
  };
}

/** `npm start` in a fresh or given DATA_DIR; the serving process is npm's one child. */
export function startNpm(env: Record<string, string>, timeoutMs = 300_000) {
  return launch("npm", ["start", "--silent"], env, (child) => descendants(child.pid ?? 0)[0]?.pid ?? 0, timeoutMs)();
}

/** The Node options `npm start` gives the server (its script: `exec node <options> scripts/start.mjs`). */
export function startNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
  return pkg.scripts.start.match(/(?<=\s)--[\w-]+(?:=\S+)?/g) ?? [];
}

/** build/server.js directly (the build must be current), with the Node options `npm start` uses. */
export function startCompiled(env: Record<string, string>, timeoutMs = 300_000) {
  assertFreshBuild();
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return launch(
    process.execPath,
    [...startNodeOptions(), ...profile, path.join(ROOT, "build", "server.js")],
    env,
    (child) => child.pid ?? 0,
    timeoutMs,
  )();
}
