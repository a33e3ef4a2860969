// Entry point: one Node process serving HTTP (Remix) and WebSocket (Socket.IO) on
// one port. `npm start` runs it in production mode on the embedded database;
// `npm run dev` under tsx watch with `remix dev --manual`.
import { existsSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import pino from "pino";
import { ConfigError, parseEnv, type Env } from "~/utils/env.server";
import { getAppSecret } from "~/utils/secret.server";
import { createHttpApp } from "./http";
import { createAdapterPool } from "./realtime/adapters";
import { createRealtimeBridge } from "./realtime/bridge";
import { registerChatHandlers } from "./realtime/chat";
import { registerCaseHandlers } from "./realtime/cases";
import { registerForumHandlers } from "./realtime/forums";
import { attachRealtime, type Realtime } from "./realtime/index";
import { createServices } from "./services";

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
  services: Awaited<ReturnType<typeof createServices>>;
}

const BUILD_PATH = path.resolve("build/index.js");

export async function startServer(env: Env, options: { logger?: pino.Logger } = {}): Promise<RunningServer> {
  const production = env.NODE_ENV === "production";
  const logger = options.logger ?? pino({ level: env.LOG_LEVEL, base: { app: "passerelle" } });
  if (!existsSync(BUILD_PATH)) throw new Error("No build found: run `npm run build` (npm start does it for you).");

  // In development the build is re-imported whenever remix rebuilds it.
  let build: ServerBuild | null = null;
  let buildStamp = 0;
  const getBuild = async () => {
    const stamp = statSync(BUILD_PATH).mtimeMs;
    if (!build || (!production && stamp !== buildStamp)) {
      build = (await import(`${pathToFileURL(BUILD_PATH).href}?t=${stamp}`)) as ServerBuild;
      buildStamp = stamp;
      if (!production && env.REMIX_DEV_ORIGIN) await broadcastDevReady(build);
    }
    return build;
  };
  await getBuild();

  const services = await createServices(env, logger);
  const server = http.createServer();
  // The app's request listener goes first: engine.io only shields the listeners that
  // exist when it attaches, and the long-polling handshake must not reach Remix.
  let realtime: Realtime | null = null;
  const bridge = createRealtimeBridge(() => realtime);
  const app = createHttpApp({
    services: { ...services, realtime: bridge },
    getBuild,
    production,
  });
  server.on("request", app);
  // Rooms span processes: Redis streams when REDIS_URL is set, else the Postgres
  // adapter on a shared PostgreSQL; one process on the embedded database needs neither.
  const adapterPool = !env.REDIS_URL && env.DATABASE_URL ? await createAdapterPool(env.DATABASE_URL) : null;
  realtime = await attachRealtime(server, {
    getClaims: (cookie) => (services.auth.getClaimsWithoutRefresh ?? services.auth.getClaims)(cookie),
    allowedOrigins: env.allowedOrigins,
    logger,
    adapter: env.REDIS_URL ? { kind: "redis", url: env.REDIS_URL }
      : adapterPool ? { kind: "postgres", pool: adapterPool } : { kind: "memory" },
  });
  registerForumHandlers(realtime.io, { db: services.db, logger, realtime: bridge, mail: services.mail, env });
  registerCaseHandlers(realtime.io, { db: services.db });
  const chat = registerChatHandlers(realtime.io, { db: services.db, logger, realtime: bridge, mail: services.mail, publicUrl: env.publicUrl, appSecret: getAppSecret(env) });
  const live = realtime;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://localhost:${port}`;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await live.close();
      await chat.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await adapterPool?.end();
      await services.close();
    })());
  return { url, port, close, services };
}

async function main() {
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = pino({ level: env.LOG_LEVEL, base: { app: "passerelle" } });
  let running: RunningServer;
  try {
    running = await startServer(env, { logger });
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : "failed to start");
    process.exit(1);
  }
  logger.info({ url: running.url, db: running.services.db.kind, auth: running.services.auth.kind }, `Passerelle: ${running.url}`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  void main();
}
