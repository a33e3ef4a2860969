// PostgreSQL stopped and started again under traffic, without restarting the app
// (a PostgreSQL of the test's own, never the shared one):
//  - while it is down, pages and posts answer 503 with Retry-After, each within 5 s
//    (no 500, no request left hanging);
//  - no partial write: every accepted chat message is stored exactly once, and a
//    refused one at most once. A refused post can only have landed if it was already
//    in flight when PostgreSQL stopped (a commit whose acknowledgement was lost): one
//    per writing client at most, never one asked while PostgreSQL was down (a queued
//    write that lands later would contradict the 503's "nothing was saved"). The
//    client's retry with the same id then stores nothing new;
//  - within 10 s of PostgreSQL being back, pages answer 200 again.
// And PostgreSQL up but too busy for one request (a statement cancelled at the statement
// timeout, no free connection in time): that request answers 503 with Retry-After, never
// 500, even when other requests of the same process succeed meanwhile.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONNECT_TIMEOUT_MS, createPostgresDatabase, STATEMENT_TIMEOUT_MS, type Database } from "../../app/utils/db.server";
import { postForm } from "./chat-kit";
import { createGroup, createPeople, type Person } from "./chat-people";
import { spawnServer, type ServerProcess } from "./chat-process-kit";
import { canRunPrivatePostgres, freePort, startPrivatePostgres, waitFor, type PrivatePostgres } from "./cluster-kit";

interface Outcome {
  kind: "read" | "write";
  startedAt: number;
  ms: number;
  status: number | "timeout" | "error";
  retryAfter: string | null;
  clientId?: string;
}

let postgres: PrivatePostgres;
let server: ServerProcess;
let db: Database;
let person: Person;
let group: string;
beforeAll(async () => {
  if (!canRunPrivatePostgres()) return;
  postgres = await startPrivatePostgres();
  server = await spawnServer(
    { PORT: String(await freePort()), HOST: "127.0.0.1", DATABASE_URL: postgres.url, SEED_DEMO: "false" },
    { timeoutMs: 120_000 },
  );
  db = createPostgresDatabase(postgres.url, { max: 2 });
  const [someone] = await createPeople(db, [{}]);
  if (!someone) throw new Error("no person");
  person = someone;
  group = await createGroup(db, [person], "Pendant la panne");
}, 180_000);
afterAll(async () => {
  await server?.close();
  await db?.close();
  await postgres?.destroy();
}, 60_000);

const HANG_MS = 15_000;
async function timed(kind: Outcome["kind"], send: () => Promise<Response>, clientId?: string): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    const response = await send();
    await response.arrayBuffer();
    return {
      kind,
      startedAt,
      ms: Date.now() - startedAt,
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      clientId,
    };
  } catch (error) {
    const status = error instanceof Error && error.name === "TimeoutError" ? "timeout" : "error";
    return { kind, startedAt, ms: Date.now() - startedAt, status, retryAfter: null, clientId };
  }
}

const read = () => timed("read", () => fetch(`${server.url}/forums`, { signal: AbortSignal.timeout(HANG_MS), redirect: "manual" }));
const write = () => {
  const clientId = randomUUID();
  return timed(
    "write",
    () =>
      fetch(`${server.url}/chat/${group}`, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(HANG_MS),
        headers: { Cookie: person.cookie, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "send", clientId, body: `Message ${clientId.slice(0, 8)}` }),
      }),
    clientId,
  );
};

describe.skipIf(!canRunPrivatePostgres())("PostgreSQL restarted under traffic", () => {
  it("answers 503 with Retry-After while it is down, loses or doubles no write, and recovers without a restart", async () => {
    // Before: the page and the post work.
    expect((await read()).status).toBe(200);
    expect(
      (await postForm(server, person, `/chat/${group}`, { intent: "send", clientId: randomUUID(), body: "Avant" })).status,
    ).toBeLessThan(400);

    const outcomes: Outcome[] = [];
    let running = true;
    // Four clients, each one request after the other: two reading, two writing.
    const traffic = [read, read, write, write];
    const clients = traffic.map(async (next) => {
      while (running) outcomes.push(await next());
    });
    await waitFor(() => outcomes.length >= 20, "traffic before the stop");

    const stoppedAt = Date.now();
    await postgres.stop();
    const stopped = Date.now();
    await waitFor(
      () => outcomes.some((o) => o.startedAt >= stopped && o.kind === "read" && o.status === 503),
      "a 503 while down",
      10_000,
    ).catch((error: Error) => {
      const seen = outcomes
        .filter((o) => o.startedAt >= stopped)
        .slice(0, 10)
        .map((o) => `${o.kind} ${o.status} ${o.ms}ms`);
      throw new Error(`${error.message}; first answers since the stop: ${seen.join("; ") || "none"}; server: ${server.stderr()}`);
    });
    await waitFor(() => outcomes.filter((o) => o.startedAt >= stopped).length >= 20, "traffic while down", 20_000);

    const startedAgain = Date.now();
    await postgres.start();
    const back = Date.now();
    await waitFor(() => outcomes.some((o) => o.startedAt >= back && o.kind === "read" && o.status === 200), "a page again", 20_000);
    const recoveredAt = Math.min(...outcomes.filter((o) => o.startedAt >= back && o.status === 200).map((o) => o.startedAt + o.ms));
    await waitFor(
      () => outcomes.filter((o) => o.startedAt >= recoveredAt && o.kind === "write" && o.status === 302).length >= 3,
      "posts again",
      20_000,
    );
    running = false;
    await Promise.all(clients);

    // Asked and answered while PostgreSQL was certainly down.
    const down = outcomes.filter((o) => o.startedAt >= stopped && o.startedAt + o.ms <= startedAgain);
    const statuses = [...new Set(outcomes.map((o) => o.status))].sort();
    // Only answers a person can act on: the page, a redirect after a post, or 503 "try again".
    expect(
      statuses.every((s) => s === 200 || s === 302 || s === 503),
      `statuses seen: ${statuses.join(", ")}`,
    ).toBe(true);
    expect(down.length).toBeGreaterThan(0);
    expect(
      down.every((o) => o.status === 503),
      `while down: ${[...new Set(down.map((o) => o.status))].join(", ")}`,
    ).toBe(true);
    expect(outcomes.filter((o) => o.status === 503).every((o) => o.retryAfter !== null && Number(o.retryAfter) > 0)).toBe(true);
    expect(Math.max(...down.map((o) => o.ms)), "slowest answer while down (ms)").toBeLessThan(5_000);
    expect(recoveredAt - back, "recovery after PostgreSQL is back (ms)").toBeLessThan(10_000);

    // Writes: one row per accepted post, never two; a refused post at most one (see above).
    const writes = outcomes.filter((o) => o.kind === "write" && o.clientId);
    const rows = await db.asSystem("test: stored messages", (tx) =>
      tx.selectFrom("messages").select("client_id").where("conversation_id", "=", group).execute(),
    );
    const stored = new Map<string, number>();
    for (const row of rows) if (row.client_id) stored.set(row.client_id, (stored.get(row.client_id) ?? 0) + 1);
    const accepted = writes.filter((o) => o.status === 302);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.every((o) => stored.get(o.clientId ?? "") === 1)).toBe(true);
    const refusedButStored = writes.filter((o) => o.status !== 302 && stored.has(o.clientId ?? ""));
    expect(refusedButStored.length, "refused posts that were stored").toBeLessThanOrEqual(traffic.filter((f) => f === write).length);
    expect(
      refusedButStored.every((o) => o.startedAt < stopped),
      `refused posts stored though asked after the stop: ${refusedButStored.map((o) => o.startedAt - stopped).join(", ")} ms`,
    ).toBe(true);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    console.info(
      JSON.stringify({
        stopMs: stopped - stoppedAt,
        startMs: back - startedAgain,
        recoveryMs: recoveredAt - back,
        requests: outcomes.length,
        whileDown: down.length,
        slowestWhileDownMs: Math.max(...down.map((o) => o.ms)),
        accepted: accepted.length,
        refusedButStored: refusedButStored.length,
      }),
    );
  }, 180_000);
});

describe.skipIf(!canRunPrivatePostgres())("PostgreSQL up but too busy for one request", () => {
  it("a page whose statement is cancelled at the statement timeout answers 503 with Retry-After while other pages answer 200", async () => {
    // A migration or a long report holds the topics table: the forum index waits for it
    // until PostgreSQL cancels the statement (57014). The process is healthy meanwhile
    // (its job loop and other pages succeed): before, that page was a 500.
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query("begin");
      await admin.query("lock table public.forum_topics in access exclusive mode");
      const blocked = timed("read", () => fetch(`${server.url}/forums`, { signal: AbortSignal.timeout(STATEMENT_TIMEOUT_MS + HANG_MS) }));
      const others: Outcome[] = [];
      let waiting = true;
      void blocked.finally(() => (waiting = false));
      while (waiting) {
        others.push(await timed("read", () => fetch(`${server.url}/tools`, { signal: AbortSignal.timeout(HANG_MS) })));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const outcome = await blocked;
      expect(outcome.status, `the blocked page: ${outcome.status} after ${outcome.ms} ms; server: ${server.stderr()}`).toBe(503);
      expect(Number(outcome.retryAfter)).toBeGreaterThan(0);
      expect(outcome.ms).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 500);
      expect(others.some((o) => o.status === 200)).toBe(true);
      expect(others.every((o) => o.status === 200)).toBe(true);
    } finally {
      await admin.query("rollback").catch(() => {});
      await admin.end();
    }
    // The lock gone, the page is back.
    expect((await read()).status).toBe(200);
  }, 120_000);

  it("a request that found no free connection in time is told apart, though another request succeeded since", async () => {
    // One connection, held by a slow transaction: the second request waits for the pool and
    // gives up after CONNECT_TIMEOUT_MS. The slow one then succeeds, which clears the
    // process-wide "connection lost" state: only the request's own record still says its
    // failure was the database's (503), not a fault of ours (500).
    const busy = createPostgresDatabase(postgres.url, { max: 1 });
    try {
      const slow = busy.asSystem("test: hold the only connection", (tx) =>
        sql`select pg_sleep(${(CONNECT_TIMEOUT_MS + 1_500) / 1000})`.execute(tx),
      );
      const watcher = new pg.Client({ connectionString: postgres.url });
      await watcher.connect();
      await waitFor(async () => {
        const { rows } = await watcher.query("select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep%'");
        return (rows[0] as { n: number }).n > 0;
      }, "the slow transaction holding the connection").finally(() => watcher.end());
      const waiting = busy.watchRequest();
      const failed = await waiting
        .run(() => busy.withUser(null, (tx) => sql`select 1`.execute(tx)))
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(String(failed)).toMatch(/timeout exceeded when trying to connect/);
      await slow;
      expect(busy.connectionLostAt()).toBeNull();
      expect(waiting.unavailable()).toBe(true);

      // A request whose transactions succeeded, or failed for a reason of ours, is not "unavailable".
      const fine = busy.watchRequest();
      await fine.run(() => busy.withUser(null, (tx) => sql`select 1`.execute(tx)));
      expect(fine.unavailable()).toBe(false);
      const bug = busy.watchRequest();
      await expect(bug.run(() => busy.withUser(null, (tx) => sql`select * from no_such_table`.execute(tx)))).rejects.toThrow();
      expect(bug.unavailable()).toBe(false);
    } finally {
      await busy.close();
    }
  }, 60_000);
});
