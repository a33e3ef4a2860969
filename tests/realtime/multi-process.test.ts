// Two real app processes behind one reverse proxy, as a deployment on several
// processes runs (README "Deploying on several processes"), on a PostgreSQL of the
// test's own, with and without a Redis of its own:
//  - a session made on one process is valid on the other;
//  - the sign-in limit is counted once for both, not once per process;
//  - Socket.IO rooms span the processes (a message sent on one reaches the other);
//  - a job enqueued (a password reset email) runs once.
import { randomUUID } from "node:crypto";
import { io as connectClient, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import { createPostgresDatabase, type Database } from "../../app/utils/db.server";
import { MAIL_DELIVER_JOB } from "../../app/utils/mail.server";
import { SIGN_IN_PER_MINUTE } from "../../server/http";
import { Client, DEMO, signIn } from "../security/helpers";
import { startSmtpSink, type SmtpSink } from "../setup/smtp-sink";
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

let postgres: PrivatePostgres;
let sink: SmtpSink;
let db: Database;
beforeAll(async () => {
  if (!canRunPrivatePostgres()) return;
  [postgres, sink] = await Promise.all([startPrivatePostgres(), startSmtpSink()]);
  db = createPostgresDatabase(postgres.url, { max: 2 });
}, 120_000);
afterAll(async () => {
  await db?.close();
  await sink?.close();
  await postgres?.destroy();
});

/** Two app processes on the same database (and Redis when given) behind one proxy. */
async function startCluster(redis: PrivateRedis | null) {
  const proxy = await startProxy();
  const servers: ServerProcess[] = [];
  const env = async (seed: boolean) => ({
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
    DATABASE_URL: postgres.url,
    SEED_DEMO: String(seed),
    APP_SECRET,
    PUBLIC_URL: proxy.url,
    TRUST_PROXY: "loopback",
    SMTP_URL: sink.url,
    MAIL_FROM: "passerelle@example.org",
    JOBS_POLL_MS: "200",
    ...(redis ? { REDIS_URL: redis.url } : {}),
  });
  try {
    // One after the other: the first seeds the demo accounts, the second finds them.
    servers.push(await spawnServer(await env(true), { timeoutMs: 120_000 }));
    servers.push(await spawnServer(await env(false), { timeoutMs: 120_000 }));
  } catch (error) {
    await Promise.all(servers.map((s) => s.kill()));
    await proxy.close();
    throw error;
  }
  proxy.targets.push(...servers.map((s) => s.url));
  return {
    proxy,
    servers,
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      await proxy.close();
    },
  };
}

const sockets: Socket[] = [];
/** A browser's socket through the proxy, sent to one backend. */
async function socketVia(proxy: Proxy, backend: number, person: Pick<Person, "cookie">): Promise<Socket> {
  const socket = connectClient(proxy.url, {
    path: REALTIME_PATH,
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
    extraHeaders: { cookie: person.cookie, origin: proxy.url, "x-backend": String(backend) },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

const variants = [
  { name: "PostgreSQL only (rate limits in a table, rooms through the Postgres adapter)", redis: false },
  { name: "PostgreSQL and Redis (rate limits and rooms in Redis)", redis: true },
] as const;

describe.skipIf(!canRunPrivatePostgres())("two processes behind one proxy", () => {
  describe.each(variants)("$name", ({ redis: withRedis }) => {
    let redis: PrivateRedis | null = null;
    let cluster: Awaited<ReturnType<typeof startCluster>>;
    beforeAll(async () => {
      if (withRedis && !canRunPrivateRedis()) return;
      if (withRedis) redis = await startPrivateRedis();
      cluster = await startCluster(redis);
    }, 300_000);
    afterAll(async () => {
      for (const socket of sockets.splice(0)) socket.disconnect();
      await cluster?.close();
      await redis?.stop();
    }, 60_000);

    it.skipIf(withRedis && !canRunPrivateRedis())(
      "a session made on one process is valid on the other",
      async () => {
        const client = new Client(cluster.proxy.url);
        const signedIn = await signIn(client, DEMO.membre, undefined).then(() => client.jar.has("passerelle_session"));
        expect(signedIn).toBe(true);
        for (const backend of [0, 1]) {
          const page = await client.get("/profile", { headers: { "X-Backend": String(backend) } });
          expect(page.status, `profile on process ${backend}`).toBe(200);
        }
        // Signed out on one, the same cookie opens nothing on the other.
        const cookie = client.cookieHeader();
        const out = await client.post("/logout", {}, { headers: { "X-Backend": "1" } });
        expect(out.status).toBeLessThan(400);
        const after = await client.get("/profile", { headers: { "X-Backend": "0", Cookie: cookie }, cookies: false });
        expect(after.status).toBe(302);
      },
      60_000,
    );

    it.skipIf(withRedis && !canRunPrivateRedis())(
      "the sign-in limit is counted once for both processes",
      async () => {
        const client = new Client(cluster.proxy.url);
        const statuses: number[] = [];
        for (let attempt = 0; attempt < SIGN_IN_PER_MINUTE + 2; attempt++) {
          const result = await client.post(
            "/login",
            { email: `personne-${randomUUID()}@example.org`, password: "pas le bon", redirectTo: "" },
            { headers: { "X-Backend": String(attempt % 2) } },
          );
          statuses.push(result.status);
        }
        // Per-process counts would allow 2 × the limit; shared ones refuse from the limit on, on either process.
        expect(
          statuses.slice(0, SIGN_IN_PER_MINUTE).every((s) => s !== 429),
          statuses.join(","),
        ).toBe(true);
        expect(statuses.slice(SIGN_IN_PER_MINUTE), statuses.join(",")).toEqual([429, 429]);
      },
      60_000,
    );

    it.skipIf(withRedis && !canRunPrivateRedis())(
      "a chat message sent on one process reaches a member connected to the other",
      async () => {
        const [ana, ben] = await createPeople(db, [{}, {}]);
        if (!ana || !ben) throw new Error("no people");
        const conversationId = await createGroup(db, [ana, ben], "Équipe répartie");
        const a = await socketVia(cluster.proxy, 0, ana);
        const b = await socketVia(cluster.proxy, 1, ben);
        await ask(a, "chat:summary", {});
        await ask(b, "chat:summary", {});
        const received = inbox<{ body: unknown }>(b, "chat:message");
        // The adapters subscribe asynchronously at start-up: resend (same client id, stored once) until it arrives.
        const clientId = randomUUID();
        await until(
          async () => {
            const ack = await ask(a, "chat:send", { conversationId, clientId, body: "Bonjour de l’autre processus" });
            expect(ack.ok).toBe(true);
            return received.length > 0;
          },
          "the message crosses processes",
          30_000,
        );
        expect(received).toHaveLength(1);
      },
      60_000,
    );

    it.skipIf(withRedis && !canRunPrivateRedis())(
      "a password reset email is sent once though both processes run jobs",
      async () => {
        const before = sink.messageIds.length;
        const client = new Client(cluster.proxy.url);
        const result = await client.post("/password/forgot", { email: DEMO.mentor });
        expect(result.status).toBeLessThan(400);
        await until(() => sink.messageIds.length > before, "the reset email arrives", 30_000);
        // Both workers polled the queue until it had nothing left for anyone.
        await until(
          async () =>
            (
              await db.asSystem("test: pending mail", (tx) =>
                tx
                  .selectFrom("jobs")
                  .select("id")
                  .where("type", "=", MAIL_DELIVER_JOB)
                  .where("state", "in", ["queued", "running"])
                  .execute(),
              )
            ).length === 0,
          "no job left",
          30_000,
        );
        expect(sink.messageIds.length - before).toBe(1);
      },
      60_000,
    );

    it.runIf(withRedis && canRunPrivateRedis())(
      "Redis down: pages, posts and the sign-in answer on both processes, and chat keeps working within one",
      async () => {
        await redis?.stop();
        const client = new Client(cluster.proxy.url);
        for (const backend of [0, 1]) {
          const headers = { "X-Backend": String(backend) };
          expect((await client.get("/forums", { headers })).status, `page on process ${backend}`).toBe(200);
          // The limiter cannot count (the request passes); the sign-in itself answers as usual.
          const refused = await client.post(
            "/login",
            { email: "personne@example.org", password: "pas le bon", redirectTo: "" },
            { headers },
          );
          expect(refused.status, `sign-in on process ${backend}`).toBe(400);
        }
        const [ana, ben] = await createPeople(db, [{}, {}]);
        if (!ana || !ben) throw new Error("no people");
        const conversationId = await createGroup(db, [ana, ben], "Sans Redis");
        const a = await socketVia(cluster.proxy, 0, ana);
        const b = await socketVia(cluster.proxy, 0, ben);
        await ask(a, "chat:summary", {});
        await ask(b, "chat:summary", {});
        const received = inbox<{ body: unknown }>(b, "chat:message");
        const ack = await ask(a, "chat:send", { conversationId, clientId: randomUUID(), body: "Toujours là" });
        expect(ack.ok).toBe(true);
        await until(() => received.length === 1, "the message reaches a member on the same process", 15_000);
      },
      60_000,
    );
  });
});
