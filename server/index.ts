// Entry point: one Node process serving HTTP (Remix) and WebSocket (Socket.IO) on
// one port. `npm start` compiles it once into build/server.js (scripts/build.mjs) and
// runs that in the same process as its build check (scripts/start.mjs); `npm run dev`
// runs it under tsx watch with `remix dev --manual`.
import { existsSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { pathToFileURL } from "node:url";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import pino from "pino";
import { ConfigError, parseEnv, type Env } from "~/utils/env.server";
import { createHttpApp } from "./http";
import { createAdapterPool } from "./realtime/adapters";
import { createRealtimeBridge } from "./realtime/bridge";
import { registerChatHandlers } from "./realtime/chat";
import { registerCaseHandlers } from "./realtime/cases";
import { registerEventLiveHandlers } from "./realtime/events-live";
import { registerForumHandlers } from "./realtime/forums";
import { registeredEvents } from "./realtime/handlers";
import { attachRealtime, type Realtime } from "./realtime/index";
import { createRateLimitStores } from "./rate-limit-store";
import { createServices } from "./services";
import { rebuildStalePostHtml } from "~/modules/forums/post-html.server";

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
  services: Awaited<ReturnType<typeof createServices>>;
  /** The socket events this server answers, with their payload contracts. */
  socketEvents(): ReturnType<typeof registeredEvents>;
}

const BUILD_PATH = path.resolve("build/index.js");

export interface StartOptions {
  logger?: pino.Logger;
  /** Human progress lines of a start (migrating, seeding…); `npm start` prints them. */
  progress?: (line: string) => void;
}

export async function startServer(env: Env, options: StartOptions = {}): Promise<RunningServer> {
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
  // Loading the Remix build and opening the database (for the embedded one mostly
  // WebAssembly compilation and I/O) do not wait on each other.
  // Socket.IO is attached once the services exist, but the erasure job (defined with the
  // services) must close an erased member's sockets: it reaches them through the bridge.
  let realtime: Realtime | null = null;
  const bridge = createRealtimeBridge(() => realtime);
  const [built, created] = await Promise.allSettled([
    getBuild(),
    createServices(env, logger, { progress: options.progress, disconnectUser: (userId) => bridge.disconnectUser(userId) }),
  ]);
  if (created.status === "rejected") throw created.reason;
  const services = created.value;
  if (built.status === "rejected") {
    await services.close();
    throw built.reason;
  }
  const server = http.createServer();
  // The app's request listener goes first: engine.io only shields the listeners that
  // exist when it attaches, and the long-polling handshake must not reach Remix.
  const rateLimitStores = await createRateLimitStores({ redisUrl: env.REDIS_URL, db: services.db, logger });
  const app = createHttpApp({
    services: { ...services, realtime: bridge },
    getBuild,
    production,
    rateLimitStores,
  });
  server.on("request", app);
  // Rooms span processes: Redis streams when REDIS_URL is set, else the Postgres
  // adapter on a shared PostgreSQL; one process on the embedded database needs neither.
  const adapterPool = !env.REDIS_URL && env.DATABASE_URL ? await createAdapterPool(env.DATABASE_URL) : null;
  realtime = await attachRealtime(server, {
    getClaims: (cookie) => (services.auth.getClaimsWithoutRefresh ?? services.auth.getClaims)(cookie),
    allowedOrigins: env.allowedOrigins,
    logger,
    adapter: env.REDIS_URL
      ? { kind: "redis", url: env.REDIS_URL }
      : adapterPool
        ? { kind: "postgres", pool: adapterPool }
        : { kind: "memory" },
    handshakeLimit:
      env.REALTIME_HANDSHAKES_PER_MINUTE > 0
        ? {
            max: env.REALTIME_HANDSHAKES_PER_MINUTE,
            windowMs: 60_000,
            store: rateLimitStores.create("socket-handshake"),
            trustProxy: env.TRUST_PROXY,
          }
        : undefined,
  });
  registerForumHandlers(realtime.io, { db: services.db });
  registerCaseHandlers(realtime.io, { db: services.db });
  registerEventLiveHandlers(realtime.io, { db: services.db });
  const chat = registerChatHandlers(realtime.io, { db: services.db, logger, realtime: bridge });
  const live = realtime;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://localhost:${port}`;
  // The one worker loop of this process: mail, digests, reminders, housekeeping (decision 011).
  services.jobs.start({
    pollMs: env.JOBS_POLL_MS,
    concurrency: env.JOBS_CONCURRENCY,
    leaseMs: env.JOBS_LEASE_MS,
    backoffMs: env.JOBS_BACKOFF_MS,
  });
  // Forum posts whose stored HTML is missing or from an older renderer are rendered again,
  // in the background (readers render them on the fly meanwhile); with nothing to do it is
  // one index lookup.
  let stopping = false;
  const rendering = rebuildStalePostHtml(services.db, { shouldStop: () => stopping }).then(
    (count) => {
      if (count) logger.info({ posts: count }, "forum posts rendered");
    },
    (error: unknown) => logger.warn({ err: error }, "forum posts not rendered"),
  );

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      await rendering;
      await services.jobs.stop();
      await live.close();
      await chat.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await adapterPool?.end();
      await rateLimitStores.close();
      await services.close();
    })());
  return { url, port, close, services, socketEvents: () => registeredEvents(live.io) };
}

/** Runs the server until SIGINT/SIGTERM. `progress` prints the start's steps for a person watching. */
export async function main(options: { progress?: (line: string) => void } = {}) {
  // V8 lets the heap grow to up to four times what survives a collection when collections
  // are cheap: under load (ten readers of 50-post topics) the process held 260–330 MB,
  // of which ~50 MB was live. Growing by 40 % at most kept it under 200 MB for the same
  // CPU per request, within noise (decision 018). A flag V8 reads at every collection;
  // an engine without it ignores it.
  setFlagsFromString("--heap-growing-percent=40");
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
    running = await startServer(env, { logger, progress: options.progress });
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : "failed to start");
    process.exit(1);
  }
  logger.info({ url: running.url, db: running.services.db.kind, auth: running.services.auth.kind }, `Passerelle: ${running.url}`);
  options.progress?.(`Passerelle: listening at ${running.url}`);
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
