// kill -9 of one of two app processes behind the proxy, while members chat through it:
// the sockets that were on the dead process reconnect (through the same proxy, which
// stops sending to the dead backend) to the survivor; every message a client had sent
// is stored exactly once, whether it was acknowledged before the kill or resent after
// it with the same client id; and a reader that was on the dead process catches up
// (live messages plus its backfill) with every message, none twice. No restart.
import { randomUUID } from "node:crypto";
import { io as connectClient, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../app/modules/chat/schemas";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import { createPostgresDatabase, type Database } from "../../app/utils/db.server";
import { EVENTS_PER_SECOND } from "../../server/realtime/index";
import { ask, inbox, until } from "./chat-kit";
import { createGroup, createPeople, type Person } from "./chat-people";
import { spawnServer, type ServerProcess } from "./chat-process-kit";
import {
  canRunPrivatePostgres,
  canRunPrivateRedis,
  freePort,
  startPrivatePostgres,
  startPrivateRedis,
  startProxy,
  type PrivatePostgres,
  type PrivateRedis,
  type Proxy,
} from "./cluster-kit";

const APP_SECRET = "a-shared-secret-of-at-least-thirty-two-characters";
const PER_SENDER = 30;
const KILL_AFTER_ACKS = 8;

let postgres: PrivatePostgres;
let redis: PrivateRedis | null = null;
let db: Database;
let proxy: Proxy;
const servers: ServerProcess[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  if (!canRunPrivatePostgres()) return;
  [postgres, redis] = await Promise.all([startPrivatePostgres(), canRunPrivateRedis() ? startPrivateRedis() : Promise.resolve(null)]);
  db = createPostgresDatabase(postgres.url, { max: 2 });
  proxy = await startProxy();
  const env = async (seed: boolean) => ({
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
    DATABASE_URL: postgres.url,
    SEED_DEMO: String(seed),
    APP_SECRET,
    PUBLIC_URL: proxy.url,
    TRUST_PROXY: "loopback",
    ...(redis ? { REDIS_URL: redis.url } : {}),
  });
  servers.push(await spawnServer(await env(false), { timeoutMs: 180_000 }));
  servers.push(await spawnServer(await env(false), { timeoutMs: 180_000 }));
  proxy.targets.push(...servers.map((s) => s.url));
}, 400_000);

afterAll(async () => {
  // Each step bounded and named, and every step runs: a clean-up that hangs says which part
  // did, and the private PostgreSQL and Redis are still stopped.
  const stuck: string[] = [];
  const step = async (name: string, work: Promise<unknown> | undefined) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), 25_000)));
    const outcome = await Promise.race([Promise.resolve(work).then(() => "done" as const), late]).finally(() => clearTimeout(timer));
    if (outcome === "late") stuck.push(name);
  };
  for (const socket of sockets.splice(0)) socket.disconnect();
  await step("kill the app processes", Promise.all(servers.map((s) => s.kill())));
  await step("close the proxy", proxy?.close());
  await step("close the test's pool", db?.close());
  await step("stop redis", redis?.stop());
  await step("remove postgres", postgres?.destroy());
  if (stuck.length) throw new Error(`clean-up steps that did not finish in 25 s: ${stuck.join(", ")}`);
}, 150_000);

/**
 * A browser's socket through the proxy, first sent to `backend`; it reconnects by itself,
 * and its reconnections go wherever the proxy sends them (no more pinning), as a
 * browser's do behind a proxy that drops a dead backend.
 */
async function browserSocket(backend: number, person: Pick<Person, "cookie">): Promise<Socket> {
  const socket = connectClient(proxy.url, {
    path: REALTIME_PATH,
    transports: ["websocket"],
    forceNew: true,
    timeout: 10_000,
    reconnection: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
    extraHeaders: { cookie: person.cookie, origin: proxy.url, "x-backend": String(backend) },
  });
  socket.io.on("reconnect_attempt", () => {
    socket.io.opts.extraHeaders = { cookie: person.cookie, origin: proxy.url };
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Sends each message until acknowledged, the way the chat composer does (same client id on every try). */
async function sendAll(socket: Socket, conversationId: string, bodies: string[], acked: Map<string, number>) {
  for (const body of bodies) {
    const message = { conversationId, clientId: randomUUID(), body };
    for (;;) {
      if (!socket.connected) await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      // Paced under the per-socket event budget.
      await new Promise((r) => setTimeout(r, 1000 / (EVENTS_PER_SECOND / 2)));
      const ack = await ask(socket, "chat:send", message).catch(() => null);
      if (ack?.ok) {
        const id = (ack.message as ChatMessage).id;
        // A resend of a message already stored answers with the stored one.
        if (acked.has(message.clientId)) expect(id).toBe(acked.get(message.clientId));
        acked.set(message.clientId, id);
        break;
      }
      if (ack && ack.error !== "rate_limited" && ack.error !== "server_error") throw new Error(`chat:send refused: ${JSON.stringify(ack)}`);
    }
  }
}

describe.skipIf(!canRunPrivatePostgres())("kill -9 of one of two processes behind the proxy", () => {
  it("sockets reconnect to the survivor; no accepted message is lost or stored twice; the reader catches up", async () => {
    const [onSurvivor, onVictim, reader] = await createPeople(db, [
      { name: "Solène Survie" },
      { name: "Victor Victime" },
      { name: "Rita Lectrice" },
    ]);
    if (!onSurvivor || !onVictim || !reader) throw new Error("people");
    const group = await createGroup(db, [onSurvivor, onVictim, reader], "Bascule");

    const a = await browserSocket(0, onSurvivor);
    const b = await browserSocket(1, onVictim);
    const r = await browserSocket(1, reader);
    const joined = await ask(r, "chat:join", { conversationId: group, afterId: 0 });
    expect(joined.ok).toBe(true);
    const live = inbox<ChatMessage>(r, "chat:message");
    const reconnected = { b: 0, r: 0 };
    b.io.on("reconnect", () => (reconnected.b += 1));
    r.io.on("reconnect", () => (reconnected.r += 1));

    const acked = new Map<string, number>();
    const bodies = (who: string) => Array.from({ length: PER_SENDER }, (_, i) => `${who} ${i + 1}`);
    const sending = Promise.all([sendAll(a, group, bodies("survivant"), acked), sendAll(b, group, bodies("victime"), acked)]);
    await until(() => acked.size >= KILL_AFTER_ACKS, `${KILL_AFTER_ACKS} acknowledged messages`, 60_000);
    const victim = servers[1]!;
    await victim.kill();
    expect(victim.child.signalCode).toBe("SIGKILL");
    await sending;

    // The sockets of the dead process came back, through the proxy, to the only process left.
    await until(() => b.connected && r.connected, "sockets of the killed process reconnected", 60_000);
    expect(reconnected.b).toBeGreaterThanOrEqual(1);
    expect(reconnected.r).toBeGreaterThanOrEqual(1);
    expect(servers[0]!.child.exitCode).toBeNull();

    // Every message sent is stored once: those acknowledged before the kill with their id, the resent ones once.
    const rows = await db.asSystem("test: stored messages", (tx) =>
      tx.selectFrom("messages").select(["id", "client_id"]).where("conversation_id", "=", group).execute(),
    );
    expect(rows).toHaveLength(2 * PER_SENDER);
    expect(new Set(rows.map((row) => row.client_id)).size).toBe(2 * PER_SENDER);
    const stored = new Map(rows.map((row) => [row.client_id, Number(row.id)]));
    for (const [clientId, id] of acked) expect(stored.get(clientId), `acknowledged ${clientId}`).toBe(id);

    // The reader catches up from the last message it saw and its sync point, on the survivor.
    let afterId = Math.max(0, ...live.map((m) => m.id));
    let since = String(joined.syncedAt);
    const backfill: ChatMessage[] = [];
    for (;;) {
      const page = await ask(r, "chat:join", { conversationId: group, afterId, since });
      expect(page.ok).toBe(true);
      const got = [...(page.messages as ChatMessage[]), ...(page.updated as ChatMessage[])];
      backfill.push(...got);
      afterId = Math.max(afterId, ...got.map((m) => m.id));
      since = String(page.syncedAt);
      if (!page.hasMore) break;
    }
    const seen = new Map([...live, ...backfill].map((m) => [m.id, m.clientId]));
    expect(seen.size).toBe(2 * PER_SENDER);
    expect([...seen.values()].sort()).toEqual([...stored.keys()].sort());
  }, 300_000);
});
