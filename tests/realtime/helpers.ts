// Realtime test kit: a real HTTP server on a free loopback port with the real
// Socket.IO server attached, real socket.io-client connections, and one test
// double: getClaims, standing in for the auth issuer ("sid=<name>" → that person).
import http from "node:http";
import { Writable } from "node:stream";
import pino from "pino";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import type { UserClaims } from "../../app/utils/db.server";
import { attachRealtime, type Realtime, type RealtimeOptions } from "../../server/realtime/index";

export const ALLOWED_ORIGIN = "http://localhost:3000";

export const USERS = {
  alice: "0b6a4d8e-1f0e-4c7a-9a51-6d3c2f1e0a01",
  bob: "0b6a4d8e-1f0e-4c7a-9a51-6d3c2f1e0a02",
  carol: "0b6a4d8e-1f0e-4c7a-9a51-6d3c2f1e0a03",
} as const;
export type UserName = keyof typeof USERS;

function isUserName(name: string): name is UserName {
  return Object.hasOwn(USERS, name);
}

export function claimsFor(name: UserName, expiresInSeconds = 3600): UserClaims {
  return {
    sub: USERS[name],
    role: "authenticated",
    aud: "authenticated",
    email: `${name}@example.org`,
    exp: Date.now() / 1000 + expiresInSeconds,
  };
}

/** The issuer's getClaims, faked: a cookie "sid=alice" is Alice's session; anything else is no session. */
export async function fakeGetClaims(cookieHeader: string | null): Promise<UserClaims | null> {
  const sid = cookieHeader
    ?.split(";")
    .map((part) => part.trim().split("="))
    .find(([name]) => name === "sid")?.[1];
  return sid && isUserName(sid) ? claimsFor(sid) : null;
}

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** A pino logger that keeps its lines in memory (tests assert on them; nothing reaches the console). */
export function captureLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

export interface TestServer {
  url: string;
  realtime: Realtime;
  logs: LogLine[];
  /** URLs that reached the app's own request handler (not Socket.IO). */
  appRequests: string[];
  close(): Promise<void>;
}

const servers = new Set<TestServer>();
const clients = new Set<ClientSocket>();

export async function startRealtimeServer(overrides: Partial<RealtimeOptions> = {}): Promise<TestServer> {
  const appRequests: string[] = [];
  // The app's handler is registered before attachRealtime, as server/index.ts must
  // do: engine.io only shields the listeners that exist when it attaches.
  const httpServer = http.createServer((req, res) => {
    appRequests.push(req.url ?? "");
    res.statusCode = req.url === "/health" ? 200 : 404;
    res.end();
  });
  const { logger, lines } = captureLogger();
  const realtime = await attachRealtime(httpServer, {
    getClaims: fakeGetClaims,
    allowedOrigins: [ALLOWED_ORIGIN],
    logger,
    ...overrides,
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const address = httpServer.address();
  if (!address || typeof address === "string") throw new Error("server has no port");
  const server: TestServer = {
    url: `http://127.0.0.1:${address.port}`,
    realtime,
    logs: lines,
    appRequests,
    close: () => realtime.close(),
  };
  servers.add(server);
  return server;
}

export interface ConnectOptions {
  /** Sends the cookie "sid=<user>". */
  user?: UserName;
  /** A raw Cookie header instead. */
  cookie?: string;
  /** Origin header; null sends none. Defaults to the allowed origin. */
  origin?: string | null;
  extraHeaders?: Record<string, string>;
  transports?: Array<"websocket" | "polling">;
}

/** A real socket.io-client connection (no automatic reconnection, so every disconnect is observable). */
export function connect(server: { url: string }, options: ConnectOptions = {}): ClientSocket {
  const headers: Record<string, string> = { ...options.extraHeaders };
  const cookie = options.cookie ?? (options.user ? `sid=${options.user}` : undefined);
  if (cookie !== undefined) headers.cookie = cookie;
  const origin = options.origin === undefined ? ALLOWED_ORIGIN : options.origin;
  if (origin !== null) headers.origin = origin;
  const socket = connectClient(server.url, {
    path: REALTIME_PATH,
    transports: options.transports ?? ["websocket"],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  clients.add(socket);
  return socket;
}

export const WAIT_MS = 5_000;

/** Resolves with the first `event` emitted by `emitter`; rejects after `ms`. */
export function once<T = unknown>(
  emitter: { once(event: string, listener: (value: T) => void): unknown; off(event: string, listener: (value: T) => void): unknown },
  event: string,
  ms = WAIT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${ms} ms waiting for "${event}"`));
    }, ms);
    emitter.once(event, listener);
  });
}

/** Resolves when connected; rejects with the connect_error. */
export function connected(socket: ClientSocket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for connect")), WAIT_MS);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Resolves with the connect_error's message; rejects if the socket connects instead. */
export function refused(socket: ClientSocket): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for connect_error")), WAIT_MS);
    socket.once("connect", () => {
      clearTimeout(timer);
      reject(new Error("connected, but the handshake should have been refused"));
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
  });
}

/** emitWithAck with a deadline. */
export function request(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return socket.timeout(WAIT_MS).emitWithAck(event, ...args);
}

/** Closes every client and server the test opened. */
export async function cleanup(): Promise<void> {
  for (const socket of clients) socket.disconnect();
  clients.clear();
  const closing = [...servers].map((server) => server.close());
  servers.clear();
  await Promise.all(closing);
}
