// The pieces of a several-process deployment, on loopback, owned by one test:
//  - a PostgreSQL server of its own (initdb + pg_ctl into a temporary directory, on
//    a free port) that a test may stop and start again without touching the shared
//    server other tests use;
//  - a Redis server of its own (redis-server on a free port), likewise;
//  - a small reverse proxy (http-proxy) in front of several app processes, with
//    WebSocket upgrades, forwarding the client's address like a real one.
// Used by the multi-process and fault tests and by scripts/reliability.ts.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import httpProxy from "http-proxy";
import pg from "pg";
import { createPostgresDatabase } from "../../app/utils/db.server";
import { migrate } from "../../app/utils/migrate.server";

const run = promisify(execFile);
export const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, label: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (
    !(await Promise.resolve()
      .then(check)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether this machine can run a private PostgreSQL (the binaries, and a user initdb accepts). */
export function canRunPrivatePostgres(): boolean {
  return existsSync(path.join(PG_BIN, "initdb")) && existsSync(path.join(PG_BIN, "pg_ctl"));
}

export interface PrivatePostgres {
  /** Superuser URL of the migrated database the app uses. */
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** initdb refuses root; as root, the cluster belongs to the postgres system user. */
function asOwner(args: string[]): [string, string[]] {
  const root = process.getuid?.() === 0;
  return root ? ["runuser", ["-u", "postgres", "--", ...args]] : [args[0] ?? "", args.slice(1)];
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), "passerelle-pg-"));
  const root = process.getuid?.() === 0;
  if (root) await run("chown", ["postgres:postgres", dir]);
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const [initCmd, initArgs] = asOwner([
    path.join(PG_BIN, "initdb"),
    "-D",
    dataDir,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  await run(initCmd, initArgs);
  // Loopback only, its own socket directory, fsync off (a test cluster), quick shutdowns.
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=100`;
  const pgCtl = async (...args: string[]) => {
    const [cmd, argv] = asOwner([path.join(PG_BIN, "pg_ctl"), "-D", dataDir, ...args]);
    await run(cmd, argv, { timeout: 60_000 });
  };
  const start = () => pgCtl("-o", options, "-l", path.join(dir, "log"), "-w", "-t", "60", "start");
  await start();
  const base = `postgres://postgres@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query("create database passerelle");
  await admin.end();
  const url = `${base}/passerelle`;
  const db = createPostgresDatabase(url, { max: 2 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  let running = true;
  return {
    url,
    port,
    async stop() {
      // Fast: open sessions are ended at once, as in a restart or a failover.
      await pgCtl("-m", "fast", "-w", "stop");
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await pgCtl("-m", "immediate", "-w", "stop").catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function canRunPrivateRedis(): boolean {
  return ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].some((p) => existsSync(p));
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect({ host: "127.0.0.1", port });
          socket.once("connect", () => (socket.destroy(), resolve(true)));
          socket.once("error", () => resolve(false));
        }),
      "redis-server listening",
      15_000,
    );
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const current = child;
      if (!current || current.exitCode !== null) return;
      const exited = new Promise((resolve) => current.once("exit", resolve));
      current.kill("SIGKILL");
      await exited;
      child = null;
    },
    start,
  };
}

export interface Proxy {
  url: string;
  /** The backends' URLs; filled once they are started (they need the proxy's URL first). */
  targets: string[];
  /** Which backend each request went to, in order (index in `targets`). */
  served: number[];
  close(): Promise<void>;
}

/**
 * A reverse proxy over `targets`: round robin, or the backend named by the
 * X-Backend header (tests use it to choose); WebSocket upgrades follow the same
 * rule. X-Forwarded-For carries the client's address (the apps trust loopback).
 * A backend that refuses the connection is skipped, as a health-checking proxy does.
 */
export async function startProxy(targets: string[] = []): Promise<Proxy> {
  const proxy = httpProxy.createProxyServer({ xfwd: true, ws: true });
  const served: number[] = [];
  // Addresses that refused a connection. Kept by address, not by position: a process
  // started again in the same position (a new port) is taken back at once, as a
  // health-checking proxy would, instead of the survivor serving alone for good.
  const down = new Set<string>();
  let next = 0;
  const pick = (req: http.IncomingMessage) => {
    const chosen = Number(req.headers["x-backend"]);
    if (Number.isInteger(chosen) && chosen >= 0 && chosen < targets.length) return chosen;
    for (let i = 0; i < targets.length; i++) {
      const candidate = next++ % targets.length;
      if (!down.has(targets[candidate] ?? "")) return candidate;
    }
    return next++ % targets.length;
  };
  proxy.on("error", (error, req, res) => {
    const failed = (req as http.IncomingMessage & { backend?: number }).backend;
    const address = failed === undefined ? undefined : targets[failed];
    if (address !== undefined && (error as NodeJS.ErrnoException).code === "ECONNREFUSED") down.add(address);
    if (res instanceof http.ServerResponse) {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
      res.end("bad gateway");
    } else res.destroy();
  });
  const server = http.createServer((req, res) => {
    const backend = pick(req);
    (req as http.IncomingMessage & { backend?: number }).backend = backend;
    served.push(backend);
    proxy.web(req, res, { target: targets[backend] });
  });
  // Upgraded (WebSocket) connections leave the HTTP server's bookkeeping: closeAllConnections
  // does not reach them, and server.close() would wait for the last one to end by itself.
  const upgraded = new Set<net.Socket>();
  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    const backend = pick(req);
    (req as http.IncomingMessage & { backend?: number }).backend = backend;
    served.push(backend);
    proxy.ws(req, socket, head, { target: targets[backend] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    served,
    async close() {
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      proxy.close();
    },
  };
}
