// The Socket.IO Postgres adapter's attachments table (migration …700): members can
// never read it, and two servers whose login role owns nothing still pass each other
// payloads over NOTIFY's 8 000-byte limit through it (they go via the table).
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapterPool } from "../../server/realtime/adapters";
import { userRoom } from "../../server/realtime/index";
import { cleanup as closeRealtime, connect, connected, once, startRealtimeServer, USERS } from "../realtime/helpers";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await closeRealtime();
  await t.cleanup();
});

describe("socket_io_attachments", () => {
  it("has row-level security and nothing for members or visitors", async () => {
    const rls = await t.db.asSystem("test: catalogue", (tx) =>
      sql<{ rls: boolean }>`select relrowsecurity as rls from pg_class where oid = to_regclass('public.socket_io_attachments')`.execute(tx),
    );
    expect(rls.rows).toEqual([{ rls: true }]);

    const member = await createUser(t.db, { verified: true });
    const asMember = t.db.withUser(member.claims, (tx) => sql`select * from public.socket_io_attachments`.execute(tx));
    await expect(asMember).rejects.toThrow(/permission denied/);
    const asMemberWrite = t.db.withUser(member.claims, (tx) =>
      sql`insert into public.socket_io_attachments (payload) values ('\\x00')`.execute(tx),
    );
    await expect(asMemberWrite).rejects.toThrow(/permission denied/);
  });

  it.skipIf(process.env.TEST_DB !== "postgres")(
    "two servers logged in as the non-owning app role share a payload larger than NOTIFY allows",
    async () => {
      const poolA = await createAdapterPool(t.url!);
      const poolB = await createAdapterPool(t.url!);
      try {
        const channelPrefix = `test-${randomUUID().slice(0, 8)}`;
        const a = await startRealtimeServer({ adapter: { kind: "postgres", pool: poolA, channelPrefix } });
        const b = await startRealtimeServer({ adapter: { kind: "postgres", pool: poolB, channelPrefix } });
        const alice = connect(b, { user: "alice" });
        await connected(alice);
        // LISTEN is opened asynchronously: emit until server B relays one.
        const big = "é".repeat(20_000);
        const received = once<{ text: string }>(alice, "test:big", 10_000);
        const timer = setInterval(() => a.realtime.io.to(userRoom(USERS.alice)).emit("test:big", { text: big }), 200);
        try {
          expect((await received).text).toBe(big);
        } finally {
          clearInterval(timer);
        }
        const { rows } = await poolA.query<{ who: string; n: number }>(
          "select current_user as who, count(*)::int as n from public.socket_io_attachments",
        );
        expect(rows[0]?.who).toBe("service_role");
        expect(rows[0]?.n).toBeGreaterThan(0);
      } finally {
        await closeRealtime();
        await poolA.end();
        await poolB.end();
      }
    },
  );
});
