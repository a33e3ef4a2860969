// Chat realtime test kit: the real server (server/index.ts startServer: Express,
// Remix, Socket.IO, the chat handlers) on a free port, on the embedded database or
// on a PostgreSQL clone of the migrated template (TEST_DB=postgres), and real
// socket.io-client connections carrying a real session cookie.
import pg from "pg";
import { io as connectClient, type Socket } from "socket.io-client";
import { inject } from "vitest";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import type { Database } from "../../app/utils/db.server";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { adminUrl, APP_ROLE, APP_ROLE_PASSWORD, cloneTemplate, quoteIdent, withDatabase, withAdmin } from "../setup/db-env";
import { createPeople, type Person, type PersonOptions } from "./chat-people";

export interface ChatApp {
  url: string;
  db: Database;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

/** A PostgreSQL database cloned from the run's migrated template; null on PGlite runs. */
export async function clonePostgresTemplate(): Promise<{ url: string; ownerUrl: string; drop(): Promise<void> } | null> {
  const provided = inject("testDb");
  if (provided.kind !== "postgres") return null;
  const name = await cloneTemplate(provided.template);
  // The Postgres adapter creates its attachments table with the login role
  // (server/realtime/adapters.ts); PostgreSQL 15 grants nobody CREATE on public.
  const db = new pg.Client({ connectionString: withDatabase(adminUrl(), name) });
  await db.connect();
  try {
    await db.query(`grant create on schema public to ${quoteIdent(APP_ROLE)}`);
  } finally {
    await db.end();
  }
  return {
    url: withDatabase(adminUrl(), name, { name: APP_ROLE, password: APP_ROLE_PASSWORD }),
    ownerUrl: withDatabase(adminUrl(), name),
    drop: () => withAdmin((client) => client.query(`drop database if exists ${quoteIdent(name)} with (force)`)).then(() => {}),
  };
}

export async function startChatApp(extraEnv: Record<string, string> = {}): Promise<ChatApp> {
  const pgDb = await clonePostgresTemplate();
  let app: TestApp;
  try {
    app = await startTestApp({
      LOG_LEVEL: "silent",
      ...(pgDb ? { DATABASE_URL: pgDb.url, MIGRATION_DATABASE_URL: pgDb.ownerUrl } : {}),
      ...extraEnv,
    });
  } catch (error) {
    await pgDb?.drop();
    throw error;
  }
  return {
    url: app.url,
    db: app.server.services.db,
    kind: pgDb ? "postgres" : "pglite",
    async close() {
      await app.close();
      await pgDb?.drop();
    },
  };
}

export const people = (app: { db: Database }, list: PersonOptions[]): Promise<Person[]> => createPeople(app.db, list);

const sockets = new Set<Socket>();

/** A real client connection with the person's session cookie, from the app's own Origin. */
export function connectAs(app: { url: string }, person: Pick<Person, "cookie">, options: { reconnection?: boolean } = {}): Socket {
  const socket = connectClient(app.url, {
    path: REALTIME_PATH,
    transports: ["websocket"],
    extraHeaders: { cookie: person.cookie, origin: app.url },
    reconnection: options.reconnection ?? false,
    forceNew: true,
    timeout: 5_000,
  });
  sockets.add(socket);
  return socket;
}

export async function connected(socket: Socket): Promise<Socket> {
  if (socket.connected) return socket;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for connect")), 5_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return socket;
}

/** Connects and waits until the server has joined the socket to its conversations' rooms. */
export async function online(app: { url: string }, person: Pick<Person, "cookie">): Promise<Socket> {
  const socket = await connected(connectAs(app, person));
  await ask(socket, "chat:summary", {});
  return socket;
}

export type Ack = { ok: boolean; error?: string; [key: string]: unknown };

export async function ask(socket: Socket, event: string, payload?: unknown): Promise<Ack> {
  const ack: unknown =
    payload === undefined ? await socket.timeout(8_000).emitWithAck(event) : await socket.timeout(8_000).emitWithAck(event, payload);
  if (!ack || typeof ack !== "object") throw new Error(`ack of ${event} is not an object`);
  return ack as Ack;
}

/** Everything `socket` receives for `event`, in arrival order. */
export function inbox<T = Record<string, unknown>>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

export async function until(check: () => boolean | Promise<boolean>, label: string, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Nothing more arrives within `ms` (for "must not receive" checks). */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

export function closeSockets() {
  for (const socket of sockets) socket.disconnect();
  sockets.clear();
}

/** A plain form post (what a browser without JavaScript sends), with the person's session and our Origin. */
export async function postForm(
  app: { url: string },
  person: Pick<Person, "cookie">,
  path: string,
  fields: Record<string, string | string[]>,
) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: person.cookie, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}
