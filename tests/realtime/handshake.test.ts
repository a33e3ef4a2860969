// The realtime server end to end: real HTTP server, real Socket.IO server, real
// socket.io-client connections, real Redis (and PostgreSQL when configured) for the
// adapters. Only the auth issuer's getClaims is a test double.
import { randomUUID } from "node:crypto";
import net from "node:net";
import pg from "pg";
import type { Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { REALTIME_MAX_PAYLOAD_BYTES, sessionWhoamiResultSchema, parseAck } from "../../app/modules/realtime/schemas";
import { EVENT_BURST, MAX_SOCKETS_PER_USER, registerHandler, userRoom } from "../../server/realtime/index";
import {
  claimsFor,
  cleanup,
  connect,
  connected,
  fakeGetClaims,
  once,
  refused,
  request,
  startRealtimeServer,
  USERS,
  type TestServer,
} from "./helpers";

afterEach(cleanup);

const whoami = (socket: ClientSocket) => request(socket, "session:whoami", {});

/** Server-side "disconnect" of the socket with this id (to know the server has let it go). */
function serverDisconnect(server: TestServer, socketId: string | undefined): Promise<unknown> {
  const serverSocket = socketId ? server.realtime.io.of("/").sockets.get(socketId) : undefined;
  if (!serverSocket) return Promise.resolve();
  return once(serverSocket, "disconnect");
}

describe("handshake", () => {
  it("accepts a signed-in person from an allowed origin; whoami acks their id", async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, { user: "alice" });
    await connected(alice);

    expect(await whoami(alice)).toEqual({ ok: true, userId: USERS.alice });
    expect(parseAck(sessionWhoamiResultSchema, await whoami(alice))).toEqual({ ok: true, userId: USERS.alice });
    const inRoom = await server.realtime.io.in(userRoom(USERS.alice)).fetchSockets();
    expect(inRoom.map((s) => s.id)).toEqual([alice.id]);
    expect(inRoom[0]?.data.claims.sub).toBe(USERS.alice);
  });

  it("works over HTTP long-polling too, without the app's handler ever seeing Socket.IO requests", async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, { user: "alice", transports: ["polling"] });
    await connected(alice);
    expect(alice.io.engine.transport.name).toBe("polling");
    expect(await whoami(alice)).toEqual({ ok: true, userId: USERS.alice });

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(server.appRequests).toEqual(["/health"]);
  });

  it("refuses a handshake without a session cookie", async () => {
    const server = await startRealtimeServer();
    expect(await refused(connect(server))).toBe("unauthorized");
    expect(server.realtime.io.of("/").sockets.size).toBe(0);
  });

  it("refuses a handshake with an unknown or expired session", async () => {
    const server = await startRealtimeServer({
      getClaims: async (cookie) => (cookie === "sid=stale" ? claimsFor("alice", -1) : fakeGetClaims(cookie)),
    });
    expect(await refused(connect(server, { cookie: "sid=mallory" }))).toBe("unauthorized");
    expect(await refused(connect(server, { cookie: "sid=stale" }))).toBe("unauthorized");
    expect(server.realtime.io.of("/").sockets.size).toBe(0);
  });

  it("refuses with server_error, and logs, when the session lookup fails", async () => {
    const server = await startRealtimeServer({
      getClaims: async () => {
        throw new Error("issuer down");
      },
    });
    expect(await refused(connect(server, { user: "alice" }))).toBe("server_error");
    expect(server.logs.find((l) => l.msg === "realtime: authentication failed")).toMatchObject({ err: { message: "issuer down" } });
  });

  it("refuses a handshake from an origin not in the allow-list, before looking at the session", async () => {
    let claimsLookups = 0;
    const server = await startRealtimeServer({
      getClaims: (cookie) => {
        claimsLookups += 1;
        return fakeGetClaims(cookie);
      },
    });
    await refused(connect(server, { user: "alice", origin: "https://evil.example" }));
    await refused(connect(server, { user: "alice", origin: "https://evil.example", transports: ["polling"] }));
    await refused(connect(server, { user: "alice", origin: "null" }));
    expect(claimsLookups).toBe(0);
    expect(server.realtime.io.of("/").sockets.size).toBe(0);
    expect(server.logs.filter((l) => l.msg === "realtime handshake refused").map((l) => l.reason)).toEqual([
      "origin_not_allowed",
      "origin_not_allowed",
      "origin_not_allowed",
    ]);
  });

  it("refuses a handshake without an Origin header", async () => {
    const server = await startRealtimeServer();
    await refused(connect(server, { user: "alice", origin: null }));
    await refused(connect(server, { user: "alice", origin: null, transports: ["polling"] }));
    // A cross-site request that hides its Origin is no better.
    await refused(
      connect(server, { user: "alice", origin: null, transports: ["polling"], extraHeaders: { "sec-fetch-site": "cross-site" } }),
    );
    expect(server.realtime.io.of("/").sockets.size).toBe(0);
  });

  it("accepts a same-origin long-polling handshake, which browsers send without Origin but with Sec-Fetch-Site", async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, {
      user: "alice",
      origin: null,
      transports: ["polling"],
      extraHeaders: { "sec-fetch-site": "same-origin" },
    });
    await connected(alice);
    expect(await whoami(alice)).toEqual({ ok: true, userId: USERS.alice });
  });

  it(`refuses a person's socket number ${MAX_SOCKETS_PER_USER + 1}, and accepts one again once a socket closes`, async () => {
    const server = await startRealtimeServer();
    const sockets = Array.from({ length: MAX_SOCKETS_PER_USER }, () => connect(server, { user: "alice" }));
    await Promise.all(sockets.map(connected));

    expect(await refused(connect(server, { user: "alice" }))).toBe("too_many_connections");
    // Someone else is not affected.
    await connected(connect(server, { user: "bob" }));

    const first = sockets[0];
    if (!first) throw new Error("no socket");
    const gone = serverDisconnect(server, first.id);
    first.disconnect();
    await gone;
    await connected(connect(server, { user: "alice" }));
  });

  it("holds the cap when many handshakes of one person arrive at once", async () => {
    const server = await startRealtimeServer({
      // A slow issuer widens the window in which handshakes overlap.
      getClaims: async (cookie) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return fakeGetClaims(cookie);
      },
    });
    const sockets = Array.from({ length: MAX_SOCKETS_PER_USER + 3 }, () => connect(server, { user: "alice" }));
    const outcomes = await Promise.all(
      sockets.map((s) =>
        connected(s).then(
          () => "connected",
          (e: Error) => e.message,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "connected")).toHaveLength(MAX_SOCKETS_PER_USER);
    expect(outcomes.filter((o) => o === "too_many_connections")).toHaveLength(3);
  });

  it("disconnects a socket when its session expires", async () => {
    const server = await startRealtimeServer({
      getClaims: async (cookie) => (cookie === "sid=alice" ? claimsFor("alice", 0.5) : null),
    });
    const alice = connect(server, { user: "alice" });
    await connected(alice);
    expect(await once(alice, "disconnect")).toBe("io server disconnect");
  });
});

describe("events", () => {
  it("acks invalid_payload with field errors, and keeps serving", async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, { user: "alice" });
    await connected(alice);

    expect(await whoami(alice)).toEqual({ ok: true, userId: USERS.alice });
    const extraKey = await request(alice, "session:whoami", { userId: USERS.bob });
    expect(extraKey).toMatchObject({ ok: false, error: "invalid_payload", fields: { userId: [expect.any(String)] } });
    expect(await request(alice, "session:whoami", "hello")).toMatchObject({
      ok: false,
      error: "invalid_payload",
      fields: { "": [expect.any(String)] },
    });
    // No payload at all, only the ack callback.
    expect(await request(alice, "session:whoami")).toMatchObject({ ok: false, error: "invalid_payload" });
    expect(await whoami(alice)).toEqual({ ok: true, userId: USERS.alice });
  });

  it("validates with the registered zod contract and hands the handler the parsed payload", async () => {
    const server = await startRealtimeServer();
    const seen: unknown[] = [];
    registerHandler(
      server.realtime.io,
      "test:add",
      z.object({ a: z.number().int(), b: z.number().int() }).strict(),
      async (socket, payload) => {
        seen.push(payload);
        return { sum: payload.a + payload.b, by: socket.data.claims.sub };
      },
    );
    const alice = connect(server, { user: "alice" });
    await connected(alice);
    expect(await request(alice, "test:add", { a: 2, b: 3 })).toEqual({ ok: true, sum: 5, by: USERS.alice });
    expect(await request(alice, "test:add", { a: "2", b: 3 })).toMatchObject({
      ok: false,
      error: "invalid_payload",
      fields: { a: [expect.any(String)] },
    });
    expect(seen).toEqual([{ a: 2, b: 3 }]);
  });

  it("acks server_error when a handler throws, logs it, and keeps serving", async () => {
    const server = await startRealtimeServer();
    registerHandler(server.realtime.io, "test:boom", z.object({}).strict(), async () => {
      throw new Error("kaboom");
    });
    const alice = connect(server, { user: "alice" });
    await connected(alice);

    expect(await request(alice, "test:boom", {})).toEqual({ ok: false, error: "server_error" });
    expect(alice.connected).toBe(true);
    expect(await whoami(alice)).toEqual({ ok: true, userId: USERS.alice });
    const logged = server.logs.find((l) => l.msg === "realtime handler failed");
    expect(logged).toMatchObject({ event: "test:boom", userId: USERS.alice, err: { message: "kaboom" } });
  });

  it("handles an event sent without an ack callback", async () => {
    const server = await startRealtimeServer();
    const calls: string[] = [];
    registerHandler(server.realtime.io, "test:note", z.object({ text: z.string() }).strict(), async (_socket, { text }) => {
      calls.push(text);
      return {};
    });
    const alice = connect(server, { user: "alice" });
    await connected(alice);
    alice.emit("test:note", { text: "fire and forget" });
    alice.emit("test:note", { wrong: true });
    alice.emit("session:whoami", {});
    // Events are handled in order: once this ack arrives, the three above were processed.
    expect(await request(alice, "test:note", { text: "last" })).toEqual({ ok: true });
    expect(calls).toEqual(["fire and forget", "last"]);
  });

  it('gives no handler to unknown events, nor to a client\'s "error" event', async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, { user: "alice" });
    await connected(alice);
    alice.emit("nobody:listens", { a: 1 });
    // "error" is not reserved on the client; emitted unhandled on a Node EventEmitter it would throw.
    alice.emit("error", new Error("spoofed"));
    expect(await whoami(alice)).toEqual({ ok: true, userId: USERS.alice });
    expect(alice.connected).toBe(true);
    // It never reached the socket's "error" listener, which is for real transport errors.
    expect(server.logs.filter((l) => l.msg === "realtime socket error")).toEqual([]);
  });

  it("closes a connection that sends a packet using one of Socket.IO's own event names, and keeps serving others", async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, { user: "alice", transports: ["polling"] });
    const bob = connect(server, { user: "bob" });
    await Promise.all([connected(alice), connected(bob)]);
    const gone = once<string>(alice, "disconnect");
    // The client library refuses to emit it, so it is written as a raw Socket.IO packet.
    alice.io.engine.send('2["disconnect","spoofed"]');
    expect(await gone).toBe("transport close");
    expect(await whoami(bob)).toEqual({ ok: true, userId: USERS.bob });
  });

  it("refuses a registration that would shadow Socket.IO's events or an existing handler", async () => {
    const server = await startRealtimeServer();
    const schema = z.object({});
    expect(() => registerHandler(server.realtime.io, "disconnect", schema, async () => ({}))).toThrow(/reserved/);
    expect(() => registerHandler(server.realtime.io, "session:whoami", schema, async () => ({}))).toThrow(/already/);
  });

  it(`drops a message over ${REALTIME_MAX_PAYLOAD_BYTES} bytes by closing that connection; others are unaffected`, async () => {
    const server = await startRealtimeServer();
    const lengths: number[] = [];
    registerHandler(server.realtime.io, "test:echo", z.object({ text: z.string() }).strict(), async (_socket, { text }) => {
      lengths.push(text.length);
      return { length: text.length };
    });
    const alice = connect(server, { user: "alice" });
    const bob = connect(server, { user: "bob" });
    await Promise.all([connected(alice), connected(bob)]);

    // Just under the cap is fine.
    const fits = "x".repeat(REALTIME_MAX_PAYLOAD_BYTES - 1024);
    expect(await request(alice, "test:echo", { text: fits })).toEqual({ ok: true, length: fits.length });

    const disconnected = once<string>(alice, "disconnect");
    alice.emit("test:echo", { text: "x".repeat(REALTIME_MAX_PAYLOAD_BYTES + 1024) }, () => {
      throw new Error("an oversized message must not be acked");
    });
    expect(await disconnected).toMatch(/^transport (close|error)$/);
    expect(lengths).toEqual([fits.length]);

    expect(bob.connected).toBe(true);
    expect(await whoami(bob)).toEqual({ ok: true, userId: USERS.bob });
    expect(await request(bob, "test:echo", { text: "still here" })).toEqual({ ok: true, length: 10 });
  });

  it("rate-limits a burst of events with rate_limited acks, without disconnecting", async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, { user: "alice" });
    await connected(alice);
    const total = EVENT_BURST + 30;
    const acks = await Promise.all(Array.from({ length: total }, () => whoami(alice)));
    const ok = acks.filter(
      (a) =>
        z
          .object({ ok: z.literal(true) })
          .passthrough()
          .safeParse(a).success,
    ).length;
    const limited = acks.filter((a) => z.object({ ok: z.literal(false), error: z.literal("rate_limited") }).safeParse(a).success).length;
    expect(ok + limited).toBe(total);
    expect(ok).toBeGreaterThanOrEqual(EVENT_BURST);
    expect(limited).toBeGreaterThanOrEqual(10);
    expect(alice.connected).toBe(true);
  });

  it("disconnects a socket that floods, counting events nobody handles", async () => {
    const server = await startRealtimeServer();
    const alice = connect(server, { user: "alice" });
    const bob = connect(server, { user: "bob" });
    await Promise.all([connected(alice), connected(bob)]);

    const disconnected = once<string>(alice, "disconnect");
    for (let i = 0; i < 500 && alice.connected; i++) alice.emit("nobody:listens", i);
    expect(await disconnected).toBe("io server disconnect");
    expect(server.logs.some((l) => l.msg === "realtime: event flood, disconnecting" && l.userId === USERS.alice)).toBe(true);
    expect(await whoami(bob)).toEqual({ ok: true, userId: USERS.bob });
  });
});

describe("disconnectUser", () => {
  it("disconnects every socket of that person and no one else's", async () => {
    const server = await startRealtimeServer();
    const alice1 = connect(server, { user: "alice" });
    const alice2 = connect(server, { user: "alice", transports: ["polling"] });
    const bob = connect(server, { user: "bob" });
    await Promise.all([alice1, alice2, bob].map(connected));

    const gone = Promise.all([once<string>(alice1, "disconnect"), once<string>(alice2, "disconnect")]);
    await server.realtime.disconnectUser(USERS.alice);
    expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);

    expect(bob.connected).toBe(true);
    expect(await whoami(bob)).toEqual({ ok: true, userId: USERS.bob });
    expect(await server.realtime.io.in(userRoom(USERS.alice)).fetchSockets()).toEqual([]);
  });
});

// ── Adapters: rooms spanning two server processes (two servers on two ports). ──

// CI sets REDIS_URL_TEST (and .ci/run starts Redis); on CI the suite never skips.
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

async function expectSharedRooms(a: TestServer, b: TestServer) {
  const alice = connect(b, { user: "alice" });
  const bob = connect(b, { user: "bob" });
  await Promise.all([connected(alice), connected(bob)]);
  const bobGotIt: unknown[] = [];
  bob.on("test:notice", (payload) => bobGotIt.push(payload));

  const received = once(alice, "test:notice");
  a.realtime.io.to(userRoom(USERS.alice)).emit("test:notice", { from: "server A" });
  expect(await received).toEqual({ from: "server A" });

  // Sign-out on server A disconnects Alice's socket on server B.
  const gone = once<string>(alice, "disconnect");
  await a.realtime.disconnectUser(USERS.alice);
  expect(await gone).toBe("io server disconnect");
  expect(bob.connected).toBe(true);
  expect(bobGotIt).toEqual([]);
}

const redisUp = await reachable(REDIS_URL, 6379);
describe.skipIf(!redisUp && !process.env.CI)("Redis streams adapter", () => {
  it("shares rooms between two servers", async () => {
    if (!redisUp) throw new Error(`CI is set but Redis does not answer at ${REDIS_URL}: this suite must not be skipped`);
    // A prefix of its own, so concurrent runs and a dev server on the same Redis never mix.
    const adapter = { kind: "redis" as const, url: REDIS_URL, prefix: `passerelle-test-${randomUUID()}` };
    const a = await startRealtimeServer({ adapter });
    const b = await startRealtimeServer({ adapter });
    await expectSharedRooms(a, b);
  });
});

const PG_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

describe.skipIf(!PG_URL)("Postgres adapter", () => {
  it("creates its table with row-level security and shares rooms between two servers", async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
    const tableName = `socket_io_attachments_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    try {
      const adapter = { kind: "postgres" as const, pool, tableName, channelPrefix: tableName };
      const a = await startRealtimeServer({ adapter });
      const b = await startRealtimeServer({ adapter });
      const { rows } = await pool.query<{ rls: boolean }>("select relrowsecurity as rls from pg_class where oid = to_regclass($1)", [
        tableName,
      ]);
      expect(rows).toEqual([{ rls: true }]);
      // The adapter's LISTEN connection is opened asynchronously; it is ready once it shows in pg_stat_activity.
      await waitFor(async () => {
        const { rows: listening } = await pool.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where query like 'LISTEN %' and query like $1",
          [`%${tableName}%`],
        );
        return (listening[0]?.n ?? 0) >= 2;
      });
      await expectSharedRooms(a, b);
    } finally {
      await cleanup();
      await pool.query(`drop table if exists ${tableName}`);
      await pool.end();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
