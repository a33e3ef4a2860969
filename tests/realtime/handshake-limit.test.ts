// Connection attempts per client address: real socket.io-client connections against a
// real Socket.IO server, counted in the HTTP limits' own store (memory, and Redis shared
// by two servers as by two processes behind one proxy). A refused attempt gets a
// connect_error `rate_limited` before the session is ever looked up.
import { randomUUID } from "node:crypto";
import net from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { CONNECT_ERRORS } from "../../app/modules/realtime/schemas";
import type { Database } from "../../app/utils/db.server";
import { createRateLimitStores, type RateLimitStores } from "../../server/rate-limit-store";
import { waitFor } from "./cluster-kit";
import { cleanup, connect, connected, fakeGetClaims, refused, startRealtimeServer } from "./helpers";

const stores: RateLimitStores[] = [];
afterEach(async () => {
  await cleanup();
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const silent = pino({ level: "silent" });
/** The store the HTTP limits use on the embedded database (one process): memory. */
async function memoryStores() {
  // Only the database's kind matters to the choice of store.
  const created = await createRateLimitStores({ db: { kind: "pglite" } as unknown as Database, logger: silent });
  expect(created.kind).toBe("memory");
  stores.push(created);
  return created;
}

/** getClaims that counts its calls: a refused attempt must never reach the session lookup. */
function countingClaims() {
  const calls = { n: 0 };
  return { calls, getClaims: (cookie: string | null) => ((calls.n += 1), fakeGetClaims(cookie)) };
}

/** One connection attempt: "connected" or the connect_error's message and data. */
async function attempt(server: { url: string }, extraHeaders: Record<string, string> = {}) {
  const socket = connect(server, { user: "alice", extraHeaders });
  const outcome = await new Promise<{ ok: true } | { ok: false; message: string; data: unknown }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer to the connection attempt")), 15_000);
    socket.once("connect", () => (clearTimeout(timer), resolve({ ok: true })));
    socket.once(
      "connect_error",
      (error: Error & { data?: unknown }) => (clearTimeout(timer), resolve({ ok: false, message: error.message, data: error.data })),
    );
  });
  socket.disconnect();
  return outcome;
}

describe("handshake limit per address (memory store)", () => {
  it("lets the first attempts through, then answers rate_limited with a retry delay, before any session lookup", async () => {
    const limitStores = await memoryStores();
    const { calls, getClaims } = countingClaims();
    const server = await startRealtimeServer({
      getClaims,
      handshakeLimit: { max: 3, windowMs: 60_000, store: limitStores.create("socket-handshake"), trustProxy: false },
    });

    for (let i = 0; i < 3; i++) expect(await attempt(server)).toEqual({ ok: true });
    expect(calls.n).toBe(3);

    const fourth = await attempt(server);
    expect(fourth).toMatchObject({ ok: false, message: CONNECT_ERRORS.rateLimited });
    const retryAfterMs = (fourth as { data: { retryAfterMs: number } }).data.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    // Refused before the session: getClaims was not called again, whoever tries.
    expect(await refused(connect(server, { user: "bob" }))).toBe(CONNECT_ERRORS.rateLimited);
    expect(calls.n).toBe(3);
  });

  it("counts each client address apart behind a trusted proxy, and ignores X-Forwarded-For from anyone else", async () => {
    const limitStores = await memoryStores();
    const behindProxy = await startRealtimeServer({
      handshakeLimit: { max: 2, windowMs: 60_000, store: limitStores.create("behind-proxy"), trustProxy: ["loopback"] },
    });
    const a = { "x-forwarded-for": "203.0.113.10" };
    const b = { "x-forwarded-for": "203.0.113.20" };
    expect(await attempt(behindProxy, a)).toEqual({ ok: true });
    expect(await attempt(behindProxy, a)).toEqual({ ok: true });
    expect(await attempt(behindProxy, a)).toMatchObject({ ok: false, message: CONNECT_ERRORS.rateLimited });
    // Another clinic behind the same proxy still connects.
    expect(await attempt(behindProxy, b)).toEqual({ ok: true });

    // No proxy trusted: a client rotating the header is still one address.
    const direct = await startRealtimeServer({
      handshakeLimit: { max: 2, windowMs: 60_000, store: limitStores.create("direct"), trustProxy: false },
    });
    expect(await attempt(direct, { "x-forwarded-for": "198.51.100.1" })).toEqual({ ok: true });
    expect(await attempt(direct, { "x-forwarded-for": "198.51.100.2" })).toEqual({ ok: true });
    expect(await attempt(direct, { "x-forwarded-for": "198.51.100.3" })).toMatchObject({ ok: false, message: CONNECT_ERRORS.rateLimited });
  });

  it("leaves a socket already connected alone when its address reaches the limit", async () => {
    const limitStores = await memoryStores();
    const server = await startRealtimeServer({
      handshakeLimit: { max: 1, windowMs: 60_000, store: limitStores.create("h"), trustProxy: false },
    });
    const first = connect(server, { user: "alice" });
    await connected(first);
    expect(await attempt(server)).toMatchObject({ ok: false, message: CONNECT_ERRORS.rateLimited });
    expect(first.connected).toBe(true);
  });
});

// CI sets REDIS_URL_TEST (and starts Redis); on CI the suite never skips.
const REDIS_URL = process.env.REDIS_URL_TEST ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisUp = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = net.connect({ host: hostname, port: Number(port || 6379) });
  socket.setTimeout(1000);
  socket.once("connect", () => (socket.destroy(), resolve(true)));
  socket.once("error", () => resolve(false));
  socket.once("timeout", () => (socket.destroy(), resolve(false)));
});

describe.skipIf(!redisUp && !process.env.CI)("handshake limit shared by two servers (Redis store)", () => {
  it("counts attempts on either server together, as two processes behind one proxy", async () => {
    if (!redisUp) throw new Error(`CI is set but Redis does not answer at ${REDIS_URL}: this suite must not be skipped`);
    // A prefix of its own, so concurrent runs and a dev server on the same Redis never mix.
    const prefix = `passerelle-test:${randomUUID()}:`;
    const db = { kind: "postgres" } as unknown as Database;
    const [one, two] = await Promise.all([0, 1].map(() => createRateLimitStores({ redisUrl: REDIS_URL, db, logger: silent, prefix })));
    stores.push(one!, two!);
    expect([one!.kind, two!.kind]).toEqual(["redis", "redis"]);
    const storeA = one!.create("socket-handshake");
    const storeB = two!.create("socket-handshake");
    // Each Redis client connects in the background (a hit before that passes unlimited, by design).
    await waitFor(async () => (await Promise.all([storeA.get?.("probe"), storeB.get?.("probe")]), true), "redis clients ready", 15_000);
    const serverA = await startRealtimeServer({ handshakeLimit: { max: 3, windowMs: 60_000, store: storeA, trustProxy: false } });
    const serverB = await startRealtimeServer({ handshakeLimit: { max: 3, windowMs: 60_000, store: storeB, trustProxy: false } });

    const outcomes = [];
    for (const server of [serverA, serverB, serverA, serverB, serverA]) outcomes.push(await attempt(server));
    // A limit of 3 counted once for both servers: the 4th (on B) and 5th (on A) attempts are refused.
    expect(outcomes.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(outcomes[3]).toMatchObject({ ok: false, message: CONNECT_ERRORS.rateLimited });
    expect(outcomes[4]).toMatchObject({ ok: false, message: CONNECT_ERRORS.rateLimited });
  });
});
