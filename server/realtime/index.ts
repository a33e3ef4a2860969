// Realtime: the Socket.IO server on the HTTP server's port (rule 8 in docs/architecture.md).
// Owns the handshake (Origin allow-list, the HTTP session cookie, a cap of sockets
// per person), per-socket rate limits, the payload cap, the room of each person
// (`user:<sub>`), the cross-process adapter, and the registry through which domain
// modules answer events (registerHandler). Domain handlers live with their module.
//
// Delivery never relies on connection-state recovery (it is only a shortcut, and
// the Postgres adapter lacks it): clients send a client message id, retry until
// acked, and ask for a backfill from the database after reconnecting.
import type http from "node:http";
import type { Logger } from "pino";
import { Server, type DefaultEventsMap } from "socket.io";
import { ACK_ERRORS, CONNECT_ERRORS, REALTIME_MAX_PAYLOAD_BYTES, REALTIME_PATH, type AckFailure } from "../../app/modules/realtime/schemas";
import type { UserClaims } from "../../app/utils/db.server";
import { prepareAdapter, type AdapterOption } from "./adapters";
import { bindHandlers, createHandlerRegistry, isReservedEvent } from "./handlers";
import { checkHandshakeOrigin, normalizeOrigin } from "./origin";
import { handshakeLimiter, type HandshakeLimitOptions } from "./handshake-limit";
import { createEventLimiter } from "./rate-limit";
import { registerSessionHandlers } from "./session-handlers";
import { userRoom, type RealtimeServer, type RealtimeSocket, type SocketData } from "./types";

export { registerHandler, fieldErrors, type HandlerResult } from "./handlers";
export { userRoom, type RealtimeServer, type RealtimeSocket, type SocketData } from "./types";
export type { AdapterOption } from "./adapters";
export { EVENTS_PER_SECOND, EVENT_BURST, FLOOD_STRIKES, FLOOD_STRIKES_RECOVERED_PER_SECOND } from "./rate-limit";

/** Sockets one person may hold open on one server process (tabs, devices). */
export const MAX_SOCKETS_PER_USER = 5;
/** How long a dropped socket can come back with its rooms and missed broadcasts. */
export const RECOVERY_MAX_DISCONNECTION_MS = 2 * 60 * 1000;
/** Time a client has, after the transport handshake, to pass authentication. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** setTimeout's ceiling (~24.8 days); a session lasting longer re-arms its timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RealtimeOptions {
  /** The auth issuer's getClaims: same cookie, same session as HTTP. */
  getClaims(cookieHeader: string | null): Promise<UserClaims | null>;
  allowedOrigins: string[];
  logger: Logger;
  adapter?: AdapterOption;
  maxSocketsPerUser?: number;
  /** Connection attempts per client address (in the HTTP limits' shared store); none when absent. */
  handshakeLimit?: HandshakeLimitOptions;
}

export interface Realtime {
  io: RealtimeServer;
  /** Disconnects every socket of this person, on every server process (sign-out, suspension). */
  disconnectUser(userId: string): Promise<void>;
  /** Closes the Socket.IO server (and with it the HTTP server it is attached to) and the adapter. */
  close(): Promise<void>;
}

/**
 * Attach AFTER the app's "request" listener is on httpServer (or create the server
 * with it): engine.io shields only the listeners present when it attaches, and a
 * listener added later also receives /socket.io/ long-polling requests and answers
 * them first, which breaks the handshake (and throws ERR_HTTP_HEADERS_SENT).
 */
export async function attachRealtime(httpServer: http.Server, options: RealtimeOptions): Promise<Realtime> {
  const logger = options.logger.child({ module: "realtime" });
  const allowedOrigins = new Set(options.allowedOrigins.map(normalizeOrigin));
  const maxSocketsPerUser = options.maxSocketsPerUser ?? MAX_SOCKETS_PER_USER;
  const prepared = await prepareAdapter(options.adapter ?? { kind: "memory" }, logger);

  const io = new Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>(httpServer, {
    path: REALTIME_PATH,
    serveClient: false,
    maxHttpBufferSize: REALTIME_MAX_PAYLOAD_BYTES,
    connectTimeout: CONNECT_TIMEOUT_MS,
    cors: { origin: [...allowedOrigins], credentials: true },
    allowRequest(req, callback) {
      const verdict = checkHandshakeOrigin(req, allowedOrigins);
      if (verdict.ok) return callback(null, true);
      logger.info({ reason: verdict.reason, origin: req.headers.origin }, "realtime handshake refused");
      callback(verdict.reason, false);
    },
    adapter: prepared.adapter,
    connectionStateRecovery: prepared.supportsRecovery
      ? // Recovered sockets still go through authentication (the session may have ended meanwhile).
        { maxDisconnectionDuration: RECOVERY_MAX_DISCONNECTION_MS, skipMiddlewares: false }
      : undefined,
  });
  createHandlerRegistry(io, logger);

  // Socket ids per person on this process. Filled during the handshake, not on
  // "connection", so that concurrent handshakes cannot all slip under the cap.
  const socketsByUser = new Map<string, Set<string>>();
  const releaseSocket = (userId: string, socketId: string) => {
    const sockets = socketsByUser.get(userId);
    if (!sockets) return;
    sockets.delete(socketId);
    if (sockets.size === 0) socketsByUser.delete(userId);
  };

  const authenticate = async (socket: RealtimeSocket): Promise<Error | undefined> => {
    const claims = await options.getClaims(socket.request.headers.cookie ?? null);
    if (!claims || claims.exp * 1000 <= Date.now()) return new Error(CONNECT_ERRORS.unauthorized);
    const sockets = socketsByUser.get(claims.sub) ?? new Set<string>();
    if (!sockets.has(socket.id) && sockets.size >= maxSocketsPerUser) {
      logger.info({ userId: claims.sub }, "realtime: too many connections");
      return new Error(CONNECT_ERRORS.tooManyConnections);
    }
    sockets.add(socket.id);
    socketsByUser.set(claims.sub, sockets);
    const release = () => releaseSocket(claims.sub, socket.id);
    socket.once("disconnect", release);
    // A client that leaves mid-handshake never gets "disconnect"; its transport still closes.
    socket.conn.once("close", release);
    socket.data.claims = claims;
    return undefined;
  };

  // First: a flood of handshakes is turned away before any session lookup.
  if (options.handshakeLimit) {
    const limit = handshakeLimiter(options.handshakeLimit, logger);
    io.use((socket, next) => void limit(socket, next));
  }

  io.use((socket, next) => {
    authenticate(socket).then(next, (err: unknown) => {
      logger.error({ err }, "realtime: authentication failed");
      next(new Error(CONNECT_ERRORS.serverError));
    });
  });

  io.on("connection", (socket) => {
    const { claims } = socket.data;
    void socket.join(userRoom(claims.sub));
    limitEvents(socket, logger);
    // Transport and parser errors (e.g. a malformed packet) arrive here; keep a trace.
    socket.on("error", (err: unknown) => logger.debug({ err, socketId: socket.id }, "realtime socket error"));
    disconnectAtExpiry(socket, claims.exp);
    bindHandlers(io, socket);
  });

  registerSessionHandlers(io);

  try {
    await prepared.ready();
  } catch (error) {
    await io.close();
    await prepared.close();
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    io,
    async disconnectUser(userId) {
      // Through the adapter, so sockets on other processes go too. The client sees
      // "io server disconnect" and does not reconnect by itself.
      io.in(userRoom(userId)).disconnectSockets(true);
    },
    close() {
      closing ??= (async () => {
        await io.close();
        await prepared.close();
      })();
      return closing;
    },
  };
}

function limitEvents(socket: RealtimeSocket, logger: Logger) {
  const limiter = createEventLimiter();
  socket.use((packet, next) => {
    // Every event counts, including names nobody handles.
    const verdict = limiter.check();
    if (verdict === "flood") {
      logger.warn({ userId: socket.data.claims.sub, socketId: socket.id }, "realtime: event flood, disconnecting");
      socket.disconnect(true);
      return;
    }
    if (verdict === "refuse") {
      const ack = packet.at(-1);
      if (typeof ack === "function") {
        const failure: AckFailure = { ok: false, error: ACK_ERRORS.rateLimited };
        ack(failure);
      }
      return;
    }
    // Dropped (next is never called): a client must not be able to emit Socket.IO's own events.
    if (isReservedEvent(packet[0])) return;
    next();
  });
}

function disconnectAtExpiry(socket: RealtimeSocket, exp: number) {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = exp * 1000 - Date.now();
    if (remaining <= 0) {
      socket.disconnect(true);
      return;
    }
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.once("disconnect", () => clearTimeout(timer));
}
