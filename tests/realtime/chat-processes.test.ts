// Chat across real server processes (tests/realtime/chat-server-process.ts):
//  - fault: kill -9 of the server during a burst loses no acknowledged message, and
//    the client's retries against the restarted server store each message exactly once
//    (PostgreSQL, and the embedded database);
//  - scale-out: two processes on one PostgreSQL deliver each other's messages, typing,
//    receipts, presence and notifications, through the Postgres adapter and, when a
//    Redis answers, the Redis streams adapter.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../app/modules/chat/schemas";
import { createPostgresDatabase, type Database } from "../../app/utils/db.server";
import { migrate } from "../../app/utils/migrate.server";
import { EVENTS_PER_SECOND } from "../../server/realtime/rate-limit";
import { freePort } from "../e2e/helpers";
import { PG_DB_PREFIX, quoteIdent } from "../setup/db-env";
import { ask, closeSockets, connectAs, connected, inbox, online, postForm, until } from "./chat-kit";
import { createGroup, createPeople, storedMessages, type Person } from "./chat-people";
import { spawnServer, type ServerProcess } from "./chat-process-kit";

const PG_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL_TEST ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(1000);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}
const redisUp = await reachable(REDIS_URL, 6379);

const servers: ServerProcess[] = [];
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer({ PORT: String(await freePort()), SEED_DEMO: "false", ...env });
  servers.push(server);
  return server;
}
afterEach(async () => {
  closeSockets();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// ── A PostgreSQL database of its own, migrated once ───────────────────────────
interface PgDatabase {
  url: string;
  name: string;
  db: Database;
  drop(): Promise<void>;
}
async function createDatabase(): Promise<PgDatabase> {
  if (!PG_URL) throw new Error("no PostgreSQL");
  const name = `${PG_DB_PREFIX}db_${Date.now()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${quoteIdent(name)}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  // The children connect as this (super)user too: the Postgres adapter creates its
  // own table at start-up, which a login role without CREATE on public cannot.
  const db = createPostgresDatabase(url.toString(), { max: 4 });
  await migrate(db);
  return {
    url: url.toString(),
    name,
    db,
    async drop() {
      await db.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
      await client.end();
    },
  };
}

/** Both processes' adapters listen (their LISTEN connection opens asynchronously). */
async function adaptersListening(database: PgDatabase, processes: number) {
  // Other sessions' queries are visible to a superuser only: not through the system path.
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await until(
      async () => {
        const { rows } = await client.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = $1 and query like 'LISTEN %'",
          [database.name],
        );
        return (rows[0]?.n ?? 0) >= processes;
      },
      "both Postgres adapters listening",
      15_000,
    );
  } finally {
    await client.end();
  }
}

// ── The burst: many messages in flight, each retried until acknowledged ──────────
const BURST = 160;
const KILL_AFTER_ACKS = 30;
interface Outgoing {
  conversationId: string;
  clientId: string;
  body: string;
}
function outgoing(conversationId: string, n: number): Outgoing[] {
  return Array.from({ length: n }, (_, i) => ({ conversationId, clientId: randomUUID(), body: `Rafale ${i + 1}` }));
}

/** Sends with `width` in flight; records acks; stops quietly when the socket dies. */
async function burst(socket: Socket, messages: Outgoing[], acked: Map<string, number>, width = 8) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < messages.length && socket.connected) {
        const message = messages[next++];
        if (!message || acked.has(message.clientId)) continue;
        try {
          const ack = (await socket.timeout(5_000).emitWithAck("chat:send", message)) as { ok: boolean; message?: ChatMessage };
          if (ack.ok && ack.message) acked.set(message.clientId, ack.message.id);
        } catch {
          // No ack (the server died): the message is retried later.
        }
      }
    }),
  );
}

/** What a client does after a reconnect: resend everything not acknowledged, until it is. */
async function retryUntilAcked(socket: Socket, messages: Outgoing[], acked: Map<string, number>) {
  for (const message of messages) {
    // Paced under the per-socket budget (EVENTS_PER_SECOND), backing off when told to.
    await new Promise((r) => setTimeout(r, 1000 / (EVENTS_PER_SECOND - 4)));
    let ack = await ask(socket, "chat:send", message);
    while (!ack.ok && ack.error === "rate_limited") {
      await new Promise((r) => setTimeout(r, 1000));
      ack = await ask(socket, "chat:send", message);
    }
    expect(ack, `retry of ${message.body}`).toMatchObject({ ok: true });
    const id = (ack.message as ChatMessage).id;
    // A message acknowledged before the crash comes back with the same id.
    if (acked.has(message.clientId)) expect(id).toBe(acked.get(message.clientId));
    acked.set(message.clientId, id);
  }
}

/** Every message of the conversation as a member sees it (backfill by id, page after page). */
async function everything(socket: Socket, conversationId: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let afterId = 0;
  for (;;) {
    const page = await ask(socket, "chat:join", { conversationId, afterId });
    expect(page.ok).toBe(true);
    const messages = page.messages as ChatMessage[];
    all.push(...messages);
    if (!page.hasMore || messages.length === 0) return all;
    afterId = messages.at(-1)?.id ?? afterId;
  }
}

async function killDuringBurst(
  startServer: () => Promise<ServerProcess>,
  setup: (server: ServerProcess) => Promise<{ sender: Pick<Person, "cookie">; reader: Pick<Person, "cookie">; group: string }>,
) {
  const first = await startServer();
  const { sender, reader, group } = await setup(first);
  const a = await online(first, sender);
  const b = await online(first, reader);
  // The reader's page joined the conversation: it holds a sync point, as the browser does.
  const joined = await ask(b, "chat:join", { conversationId: group, afterId: 0 });
  const seenByReader = inbox<ChatMessage>(b, "chat:message");
  const messages = outgoing(group, BURST);
  const acked = new Map<string, number>();
  const sending = burst(a, messages, acked);
  await until(() => acked.size >= KILL_AFTER_ACKS, `${KILL_AFTER_ACKS} acknowledged messages`, 20_000);
  await first.kill();
  await sending;
  const ackedBeforeCrash = new Map(acked);
  expect(ackedBeforeCrash.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(ackedBeforeCrash.size).toBeLessThan(messages.length);

  const second = await startServer();
  const a2 = await online(second, sender);
  // Nothing acknowledged was lost: the restarted server has every one of them.
  const stored = new Map((await everything(a2, group)).map((m) => [m.clientId, m.id]));
  for (const [clientId, id] of ackedBeforeCrash) expect(stored.get(clientId), `acked message ${clientId}`).toBe(id);

  await retryUntilAcked(a2, messages, acked);
  const final = await everything(a2, group);
  expect(final).toHaveLength(messages.length);
  expect(new Set(final.map((m) => m.clientId)).size).toBe(messages.length);

  // The reader catches up from the last id it saw and its sync point. A message committed
  // and acknowledged but never broadcast (the process died first) can have a lower id than
  // one already seen: the sync point brings it back.
  const b2 = await connected(connectAs(second, reader));
  let afterId = Math.max(0, ...seenByReader.map((m) => m.id));
  let since = String(joined.syncedAt);
  const rest: ChatMessage[] = [];
  for (;;) {
    const page = await ask(b2, "chat:join", { conversationId: group, afterId, since });
    const got = [...(page.messages as ChatMessage[]), ...(page.updated as ChatMessage[])];
    rest.push(...got);
    afterId = Math.max(afterId, ...got.map((m) => m.id));
    since = String(page.syncedAt);
    if (!page.hasMore) break;
  }
  const union = new Map([...seenByReader, ...rest].map((m) => [m.id, m.clientId]));
  expect(union.size).toBe(messages.length);
  expect([...union.values()].sort()).toEqual(messages.map((m) => m.clientId).sort());
  return { ackedBeforeCrash: ackedBeforeCrash.size };
}

describe.skipIf(!PG_URL && !process.env.CI)("kill -9 during a burst", () => {
  it("PostgreSQL: no acknowledged message is lost; retries after the restart store each message once", async () => {
    const database = await createDatabase();
    try {
      await killDuringBurst(
        () => start({ DATABASE_URL: database.url }),
        async () => {
          const [sender, reader] = await createPeople(database.db, [{}, {}]);
          if (!sender || !reader) throw new Error("people");
          return { sender, reader, group: await createGroup(database.db, [sender, reader]) };
        },
      );
      const rows = await storedMessages(
        database.db,
        (
          await database.db.asSystem("test", (tx) =>
            tx.selectFrom("conversations").select("id").where("kind", "=", "group").executeTakeFirstOrThrow(),
          )
        ).id,
      );
      expect(rows).toHaveLength(BURST);
    } finally {
      await Promise.all(servers.splice(0).map((s) => s.kill()));
      await database.drop();
    }
  }, 120_000);

  it("embedded database: the same, after the restarted process takes the data directory over", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "passerelle-kill-"));
    try {
      let fixture: { people: Array<{ id: string; cookie: string }>; groups: string[] } | null = null;
      await killDuringBurst(
        () => start({ DATA_DIR: dataDir }),
        async (server) => {
          fixture = await server.request<"people">({ type: "people", count: 2, groups: [2] });
          const [sender, reader] = fixture.people;
          const [group] = fixture.groups;
          if (!sender || !reader || !group) throw new Error("fixture");
          return { sender, reader, group };
        },
      );
      expect(fixture).not.toBeNull();
    } finally {
      await Promise.all(servers.splice(0).map((s) => s.kill()));
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

async function twoProcessesShareARoom(database: PgDatabase, env: Record<string, string>) {
  const [alice, bob, carol] = await createPeople(database.db, [{ name: "Alice P1" }, { name: "Bruno P2" }, { name: "Carole P2" }]);
  if (!alice || !bob || !carol) throw new Error("people");
  const group = await createGroup(database.db, [alice, bob, carol], "Deux processus");
  const p1 = await start({ DATABASE_URL: database.url, ...env });
  const p2 = await start({ DATABASE_URL: database.url, ...env });
  if (!env.REDIS_URL) await adaptersListening(database, 2);
  const a = await online(p1, alice);
  const b = await online(p2, bob);
  const atA = inbox<ChatMessage>(a, "chat:message");
  const atB = inbox<ChatMessage>(b, "chat:message");
  const typingAtB = inbox(b, "chat:typing");
  const readAtA = inbox(a, "chat:read");

  const fromA = await ask(a, "chat:send", { conversationId: group, clientId: randomUUID(), body: "Depuis le processus 1" });
  await until(() => atB.length === 1, "message from P1 at P2");
  expect(atB[0]?.id).toBe((fromA.message as ChatMessage).id);
  const fromB = await ask(b, "chat:send", { conversationId: group, clientId: randomUUID(), body: "Depuis le processus 2, @Alice P1" });
  await until(() => atA.length === 1, "message from P2 at P1");
  expect(atA[0]?.body).toBe("Depuis le processus 2, @Alice P1");

  await ask(a, "chat:typing", { conversationId: group, typing: true });
  await until(() => typingAtB.length === 1, "typing across processes");
  await ask(b, "chat:read", { conversationId: group, messageId: (fromA.message as ChatMessage).id });
  await until(() => readAtA.length === 1, "read receipt across processes");

  // Presence looks at every process's sockets.
  await database.db.withUser(bob.claims, (tx) =>
    tx
      .insertInto("presence")
      .values({ user_id: bob.id, visible: true })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ visible: true }))
      .execute(),
  );
  expect(await ask(a, "chat:presence", { conversationId: group })).toEqual({ ok: true, online: [bob.id] });

  // A mention made on P2 notifies Alice's socket on P1.
  expect((fromB.message as ChatMessage).mentions).toEqual([{ id: alice.id, name: "Alice P1" }]);
  const notified = inbox(a, "notification:new");
  await ask(b, "chat:send", { conversationId: group, clientId: randomUUID(), body: "Encore toi @Alice P1" });
  await until(() => notified.length === 1, "notification across processes");

  // Removed on P1 (a plain form), Bruno's socket on P2 leaves the room at once.
  const removal = inbox(b, "chat:membership");
  expect((await postForm(p1, alice, `/chat/${group}/members`, { intent: "remove", userId: bob.id })).status).toBe(302);
  await until(() => removal.length === 1, "removal across processes");
  const c = await online(p2, carol);
  const atC = inbox<ChatMessage>(c, "chat:message");
  const before = atB.length;
  await ask(a, "chat:send", { conversationId: group, clientId: randomUUID(), body: "Après le retrait de Bruno" });
  await until(() => atC.length === 1, "Carole (P2) still receives");
  await new Promise((r) => setTimeout(r, 300));
  expect(atB.length).toBe(before);
}

describe.skipIf(!PG_URL && !process.env.CI)("two processes, one PostgreSQL", () => {
  let database: PgDatabase;
  beforeAll(async () => {
    database = await createDatabase();
  }, 60_000);
  afterAll(() => database?.drop());

  it("the Postgres adapter carries messages, typing, receipts, presence and notifications both ways", async () => {
    await twoProcessesShareARoom(database, {});
  }, 90_000);

  it.skipIf(!redisUp && !process.env.CI)(
    "the Redis streams adapter does the same",
    async () => {
      if (!redisUp) throw new Error(`CI is set but Redis does not answer at ${REDIS_URL}: this suite must not be skipped`);
      await twoProcessesShareARoom(database, { REDIS_URL });
    },
    90_000,
  );
});
