// The signed-in viewer is read on every request in ONE statement (profile, roles,
// permit, latest consent per notice aggregated by subqueries). This checks each field
// it carries, that it is one statement, and that RLS still limits it to the person's
// own rows (another member's roles, permit and consents never leak into her viewer).
// The header's badges, also read on every page, are one statement too.
// Runs on PGlite and on PostgreSQL.
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getViewer } from "~/modules/accounts/accounts.server";
import { PRIVACY_VERSION } from "~/modules/accounts/consent";
import { getHeaderBadges } from "~/modules/chat/conversations.server";
import type { Database, Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);
// A fixed instant: the permit's days-left is computed from it, not from the clock.
const NOW = new Date("2026-06-15T16:00:00Z");

/** The same database, counting the statements each user transaction runs. */
function counting(db: Database) {
  const statements: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      statements.push(args.node.kind);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const wrapped: Database = { ...db, withUser: (claims, fn, options) => db.withUser(claims, (tx) => fn(tx.withPlugin(plugin)), options) };
  return { db: wrapped, statements };
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.cleanup());

describe("getViewer: one statement", () => {
  it("carries roles, a lapsed permit and the consent state, from one query", async () => {
    const me = await createUser(t.db, { verified: true, roles: ["moderator", "mentor"], displayName: "Anne Viewer" });
    await system(async (tx) => {
      await tx
        .insertInto("member_permits")
        .values({ user_id: me.id, expires_on: "2026-06-01", lapsed_at: new Date("2026-06-02T05:00:00Z") })
        .execute();
      // A newer decision withdraws the privacy consent: it is stale, terms stays current.
      await tx.insertInto("consents").values({ user_id: me.id, kind: "privacy", version: PRIVACY_VERSION, granted: false }).execute();
    });
    // Someone else's rows must not reach her viewer.
    const other = await createUser(t.db, { verified: true, roles: ["admin"] });
    await system((tx) => tx.insertInto("member_permits").values({ user_id: other.id, expires_on: "2027-01-31" }).execute());

    const { db, statements } = counting(t.db);
    const viewer = await getViewer(db, me.claims, NOW);
    expect(statements).toHaveLength(1);
    expect(viewer).toMatchObject({
      id: me.id,
      displayName: "Anne Viewer",
      verified: true,
      locale: "fr-CA",
      staleNotices: ["privacy"],
      permit: { expiresOn: "2026-06-01", lapsed: true, daysLeft: -14, renewalExpiresOn: null },
    });
    expect([...viewer!.roles].sort()).toEqual(["mentor", "moderator"]);

    const otherViewer = await getViewer(t.db, other.claims, NOW);
    expect(otherViewer).toMatchObject({ roles: ["admin"], staleNotices: [], permit: { expiresOn: "2027-01-31", lapsed: false } });
  });

  it("a member with no role, no permit and current consents; nobody signed in is null", async () => {
    const me = await createUser(t.db, {});
    const viewer = await getViewer(t.db, me.claims, NOW);
    expect(viewer).toMatchObject({ id: me.id, verified: false, roles: [], staleNotices: [], permit: null });
    expect(await getViewer(t.db, null)).toBeNull();
  });

  it("a person without a profile (signed up, profile not written) has no viewer", async () => {
    const me = await createUser(t.db, {});
    await system((tx) => tx.deleteFrom("profiles").where("id", "=", me.id).execute());
    expect(await getViewer(t.db, me.claims, NOW)).toBeNull();
  });
});

describe("getHeaderBadges: one statement", () => {
  it("counts the person's own unread notifications only, chat included or not", async () => {
    const me = await createUser(t.db, { verified: true });
    const other = await createUser(t.db, { verified: true });
    await system((tx) =>
      tx
        .insertInto("notifications")
        .values([
          { user_id: me.id, kind: "forums.reply" },
          { user_id: me.id, kind: "forums.mention" },
          { user_id: me.id, kind: "forums.reply", read_at: new Date() },
          { user_id: other.id, kind: "forums.reply" },
        ])
        .execute(),
    );
    const { db, statements } = counting(t.db);
    expect(await getHeaderBadges(db, me.claims, { chat: true })).toEqual({ chats: 0, notifications: 2 });
    expect(statements).toHaveLength(1);
    expect(await getHeaderBadges(t.db, me.claims, { chat: false })).toEqual({ chats: 0, notifications: 2 });
    expect(await getHeaderBadges(t.db, other.claims, { chat: true })).toEqual({ chats: 0, notifications: 1 });
  });
});
