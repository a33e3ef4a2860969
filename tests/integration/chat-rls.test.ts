// Row-level security of chat and notifications, person by person: who sees and
// writes conversations, members, messages, reactions, reports, presence and
// notifications. Each case asserts a real outcome (rows seen, error raised, or the
// row unchanged when read back on the system path), and the named limits of
// app/modules/chat/limits.ts are checked against the database's own constraints.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GROUP_MAX_MEMBERS, MAX_MENTIONS, MESSAGE_MAX_LENGTH, REACTIONS, TITLE_MAX_LENGTH, TOPIC_MAX_LENGTH } from "~/modules/chat/limits";
import type { Claims, Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

const PRIVILEGE = /permission denied for (table|relation)/;
const POLICY = /violates row-level security policy/;
const CHECK = /violates check constraint|cannot have replies|was deleted or removed/;

let t: TestDatabase;

interface People {
  owner: TestUser; // created the group and the private channel; in the direct conversation
  member: TestUser; // in the group and the direct conversation
  outsider: TestUser; // verified, in none of them
  unverified: TestUser;
  moderator: TestUser; // verified moderator, in none of them
  admin: TestUser; // verified admin, in none of them
}
type Actor = "anon" | keyof People;
let p: People;
const claimsOf = (name: Actor): Claims => (name === "anon" ? null : p[name].claims);

const ids = {
  direct: "",
  group: "",
  privateChannel: "",
  publicChannel: "",
  region: "",
};
const names = () => new Map(Object.entries(ids).map(([k, v]) => [v, k]));
let ownerMessage = 0;
let memberMessage = 0;

type Result<T> = { ok: true; value: T } | { ok: false; message: string };
async function attempt<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await t.db.withUser(claims, fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
function expectError(result: Result<unknown>, pattern: RegExp) {
  expect(result.ok, "expected the statement to be refused").toBe(false);
  if (!result.ok) expect(result.message).toMatch(pattern);
}
function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
  return result.value;
}
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: set up and read back", fn);

async function newConversation(by: TestUser, values: { kind: "group" | "channel"; title: string; visibility?: "members" | "verified" }) {
  const id = randomUUID();
  expectOk(
    await attempt(by.claims, async (tx) => {
      await tx
        .insertInto("conversations")
        .values({ id, kind: values.kind, title: values.title, visibility: values.visibility ?? "members", created_by: by.id })
        .execute();
      await tx.insertInto("conversation_members").values({ conversation_id: id, user_id: by.id, role: "owner", added_by: by.id }).execute();
    }),
  );
  return id;
}
async function addAs(by: TestUser, conversationId: string, userId: string, role: "owner" | "member" = "member") {
  return attempt(by.claims, (tx) =>
    tx.insertInto("conversation_members").values({ conversation_id: conversationId, user_id: userId, role, added_by: by.id }).execute(),
  );
}
async function post(by: TestUser, conversationId: string, body: string, extra: { parent_id?: number; mentions?: string[] } = {}) {
  return attempt(
    by.claims,
    async (tx) =>
      (
        await tx
          .insertInto("messages")
          .values({ conversation_id: conversationId, author_id: by.id, client_id: randomUUID(), body, ...extra })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
  );
}
async function visibleConversations(actor: Actor) {
  const map = names();
  return attempt(claimsOf(actor), async (tx) =>
    (await tx.selectFrom("conversations").select("id").execute()).flatMap((r) => map.get(r.id) ?? []).sort(),
  );
}

beforeAll(async () => {
  t = await createTestDatabase();
  p = {
    owner: await createUser(t.db, { displayName: "Propriétaire", verified: true }),
    member: await createUser(t.db, { displayName: "Membre", verified: true }),
    outsider: await createUser(t.db, { displayName: "Extérieure", verified: true }),
    unverified: await createUser(t.db, { displayName: "Non vérifiée", directoryOptIn: true }),
    moderator: await createUser(t.db, { displayName: "Modération", verified: true, roles: ["moderator"] }),
    admin: await createUser(t.db, { displayName: "Admin", verified: true, roles: ["admin"] }),
  };
  const key = [p.owner.id, p.member.id].sort().join(":");
  ids.direct = randomUUID();
  expectOk(
    await attempt(p.owner.claims, async (tx) => {
      await tx
        .insertInto("conversations")
        .values({ id: ids.direct, kind: "direct", direct_key: key, created_by: p.owner.id, title: null })
        .execute();
      await tx
        .insertInto("conversation_members")
        .values([
          { conversation_id: ids.direct, user_id: p.owner.id, role: "member", added_by: p.owner.id },
          { conversation_id: ids.direct, user_id: p.member.id, role: "member", added_by: p.owner.id },
        ])
        .execute();
    }),
  );
  ids.group = await newConversation(p.owner, { kind: "group", title: "Équipe TAO" });
  expectOk(await addAs(p.owner, ids.group, p.member.id));
  ids.privateChannel = await newConversation(p.owner, { kind: "channel", title: "Gestionnaires" });
  ids.publicChannel = await newConversation(p.moderator, { kind: "channel", title: "Pharmacie", visibility: "verified" });
  ids.region = (
    await system((tx) => tx.selectFrom("conversations").select("id").where("region_code", "=", "09").executeTakeFirstOrThrow())
  ).id;
  ownerMessage = expectOk(await post(p.owner, ids.group, "Bonjour l'équipe"));
  memberMessage = expectOk(await post(p.member, ids.group, "Salut !"));
});
afterAll(() => t?.cleanup());

describe("conversations", () => {
  test.each<[Actor, string[]]>([
    ["anon", []],
    ["unverified", []],
    ["owner", ["direct", "group", "privateChannel", "publicChannel", "region"]],
    ["member", ["direct", "group", "publicChannel", "region"]],
    ["outsider", ["publicChannel", "region"]],
    ["moderator", ["publicChannel", "region"]],
    ["admin", ["publicChannel", "region"]],
  ])("%s sees %j (private ones only as a member; public channels as a verified member)", async (actor, expected) => {
    const seen = await visibleConversations(actor);
    if (actor === "anon") expectError(seen, PRIVILEGE);
    else expect(expectOk(seen)).toEqual(expected);
  });

  test("only moderators create public or regional channels; anyone verified creates groups and private channels", async () => {
    const create = (who: Actor, values: Record<string, unknown>) =>
      attempt(claimsOf(who), (tx) =>
        tx
          .insertInto("conversations")
          .values({ id: randomUUID(), kind: "channel", title: "Canal", created_by: who === "anon" ? null : p[who].id, ...values })
          .execute(),
      );
    expectError(await create("member", { visibility: "verified" }), POLICY);
    expectError(await create("member", { visibility: "members", region_code: "09" }), POLICY);
    expectOk(await create("moderator", { visibility: "verified", region_code: "09" }));
    expectOk(await create("member", { visibility: "members" }));
    expectError(await create("unverified", { visibility: "members" }), POLICY);
    expectError(await create("anon", { visibility: "members" }), PRIVILEGE);
    // Nobody creates in someone else's name.
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx.insertInto("conversations").values({ id: randomUUID(), kind: "group", title: "Usurpé", created_by: p.owner.id }).execute(),
      ),
      POLICY,
    );
  });

  test("a direct conversation must include its creator, once per pair", async () => {
    const key = [p.member.id, p.outsider.id].sort().join(":");
    expectError(
      await attempt(p.owner.claims, (tx) =>
        tx
          .insertInto("conversations")
          .values({ id: randomUUID(), kind: "direct", direct_key: key, created_by: p.owner.id, title: null })
          .execute(),
      ),
      POLICY,
    );
    const reversed = [p.owner.id, p.outsider.id].sort().reverse().join(":");
    expectError(
      await attempt(p.owner.claims, (tx) =>
        tx
          .insertInto("conversations")
          .values({ id: randomUUID(), kind: "direct", direct_key: reversed, created_by: p.owner.id, title: null })
          .execute(),
      ),
      POLICY,
    );
    const again = [p.owner.id, p.member.id].sort().join(":");
    expectError(
      await attempt(p.owner.claims, (tx) =>
        tx
          .insertInto("conversations")
          .values({ id: randomUUID(), kind: "direct", direct_key: again, created_by: p.owner.id, title: null })
          .execute(),
      ),
      /duplicate key|unique/,
    );
  });

  test("the owner renames a group; a member, an outsider and an admin cannot; nobody renames a direct conversation", async () => {
    const rename = (who: Actor, id: string, title: string) =>
      attempt(claimsOf(who), async (tx) =>
        Number((await tx.updateTable("conversations").set({ title }).where("id", "=", id).executeTakeFirst()).numUpdatedRows),
      );
    for (const who of ["member", "outsider", "admin"] as const) expect(expectOk(await rename(who, ids.group, "Piraté"))).toBe(0);
    expect(expectOk(await rename("owner", ids.group, "Équipe TAO Côte-Nord"))).toBe(1);
    expect(expectOk(await rename("owner", ids.direct, "Non"))).toBe(0);
    // Moderators manage public channels (one per region included).
    expect(expectOk(await rename("moderator", ids.region, "Côte-Nord"))).toBe(1);
    expect(expectOk(await rename("moderator", ids.privateChannel, "Non"))).toBe(0);
    // Derived columns are not the client's to write.
    expectError(
      await attempt(p.owner.claims, (tx) => tx.updateTable("conversations").set({ kind: "channel" }).where("id", "=", ids.group).execute()),
      PRIVILEGE,
    );
    const row = await system((tx) =>
      tx.selectFrom("conversations").select(["title", "kind"]).where("id", "=", ids.group).executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ title: "Équipe TAO Côte-Nord", kind: "group" });
  });
});

describe("conversation members", () => {
  test("members see each other; outsiders see nobody; everyone sees their own rows", async () => {
    const who = (actor: Actor, conversationId: string) =>
      attempt(
        claimsOf(actor),
        async (tx) =>
          (await tx.selectFrom("conversation_members").select("user_id").where("conversation_id", "=", conversationId).execute()).length,
      );
    expect(expectOk(await who("member", ids.group))).toBe(2);
    expect(expectOk(await who("outsider", ids.group))).toBe(0);
    expect(expectOk(await who("admin", ids.group))).toBe(0);
    expect(expectOk(await who("moderator", ids.group))).toBe(0);
  });

  test("joining: yourself into a public channel only; the owner invites verified members; members do not invite to a group", async () => {
    expectError(await addAs(p.outsider, ids.group, p.outsider.id), POLICY);
    expectError(await addAs(p.outsider, ids.privateChannel, p.outsider.id), POLICY);
    expectError(await addAs(p.outsider, ids.publicChannel, p.outsider.id, "owner"), POLICY);
    expectOk(await addAs(p.outsider, ids.publicChannel, p.outsider.id));
    expectError(await addAs(p.member, ids.group, p.outsider.id), POLICY);
    expectError(await addAs(p.owner, ids.group, p.unverified.id), POLICY);
    expectError(await addAs(p.unverified, ids.publicChannel, p.unverified.id), POLICY);
    expectOk(await addAs(p.owner, ids.privateChannel, p.member.id));
    // Someone else's name in added_by is refused.
    expectError(
      await attempt(p.owner.claims, (tx) =>
        tx
          .insertInto("conversation_members")
          .values({ conversation_id: ids.privateChannel, user_id: p.admin.id, role: "member", added_by: p.member.id })
          .execute(),
      ),
      POLICY,
    );
    // A third person never joins a direct conversation.
    expectError(await addAs(p.owner, ids.direct, p.outsider.id), POLICY);
  });

  test(`a group holds at most ${GROUP_MAX_MEMBERS} people`, async () => {
    const big = await newConversation(p.owner, { kind: "group", title: "Grand groupe" });
    const people = await Promise.all(Array.from({ length: GROUP_MAX_MEMBERS }, () => createUser(t.db, { verified: true })));
    for (const person of people.slice(0, GROUP_MAX_MEMBERS - 1)) expectOk(await addAs(p.owner, big, person.id));
    expectError(await addAs(p.owner, big, people[GROUP_MAX_MEMBERS - 1]?.id ?? ""), POLICY);
  });

  test("leaving, removal by the owner, ownership passing on; nobody leaves a direct conversation", async () => {
    const group = await newConversation(p.owner, { kind: "group", title: "Éphémère" });
    const extra = await createUser(t.db, { verified: true });
    expectOk(await addAs(p.owner, group, p.member.id));
    expectOk(await addAs(p.owner, group, extra.id));
    const remove = (by: Actor, userId: string, conversationId: string = group) =>
      attempt(claimsOf(by), async (tx) =>
        Number(
          (
            await tx
              .deleteFrom("conversation_members")
              .where("conversation_id", "=", conversationId)
              .where("user_id", "=", userId)
              .executeTakeFirst()
          ).numDeletedRows,
        ),
      );
    expect(expectOk(await remove("member", extra.id))).toBe(0);
    expect(expectOk(await remove("owner", extra.id))).toBe(1);
    expect(expectOk(await remove("owner", p.owner.id))).toBe(1);
    const roles = await system((tx) =>
      tx.selectFrom("conversation_members").select(["user_id", "role"]).where("conversation_id", "=", group).execute(),
    );
    expect(roles).toEqual([{ user_id: p.member.id, role: "owner" }]);
    expect(expectOk(await remove("member", p.member.id, ids.direct))).toBe(0);
    expect(expectOk(await remove("owner", p.member.id, ids.direct))).toBe(0);
  });

  test("a member moves only their own read position, forward only, and never their role", async () => {
    const read = (who: Actor, userId: string, value: number) =>
      attempt(claimsOf(who), async (tx) =>
        Number(
          (
            await tx
              .updateTable("conversation_members")
              .set({ last_read_message_id: value })
              .where("conversation_id", "=", ids.group)
              .where("user_id", "=", userId)
              .executeTakeFirst()
          ).numUpdatedRows,
        ),
      );
    expect(expectOk(await read("member", p.member.id, memberMessage))).toBe(1);
    expect(expectOk(await read("member", p.member.id, 1))).toBe(1);
    expect(expectOk(await read("member", p.owner.id, 999))).toBe(0);
    const row = await system((tx) =>
      tx
        .selectFrom("conversation_members")
        .select("last_read_message_id")
        .where("conversation_id", "=", ids.group)
        .where("user_id", "=", p.member.id)
        .executeTakeFirstOrThrow(),
    );
    expect(row.last_read_message_id).toBe(memberMessage);
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx
          .updateTable("conversation_members")
          .set({ role: "owner" })
          .where("conversation_id", "=", ids.group)
          .where("user_id", "=", p.member.id)
          .execute(),
      ),
      PRIVILEGE,
    );
  });
});

describe("messages", () => {
  test.each<[Actor, number]>([
    ["owner", 2],
    ["member", 2],
    ["outsider", 0],
    ["moderator", 0],
    ["admin", 0],
    ["unverified", 0],
  ])("%s reads %i messages of the group", async (actor, n) => {
    const rows = expectOk(
      await attempt(claimsOf(actor), (tx) => tx.selectFrom("messages").select("id").where("conversation_id", "=", ids.group).execute()),
    );
    expect(rows.length).toBe(n);
  });

  test("anonymous visitors read nothing", async () => {
    expectError(await attempt(null, (tx) => tx.selectFrom("messages").select("id").execute()), PRIVILEGE);
  });

  test("only members post, in their own name; verification lost means no more chat", async () => {
    expectError(await post(p.outsider, ids.group, "Intrusion"), POLICY);
    expectError(await post(p.admin, ids.group, "Intrusion"), POLICY);
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx
          .insertInto("messages")
          .values({ conversation_id: ids.group, author_id: p.owner.id, client_id: randomUUID(), body: "Usurpation" })
          .execute(),
      ),
      POLICY,
    );
    // Derived columns are refused outright.
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx
          .insertInto("messages")
          .values({ conversation_id: ids.group, author_id: p.member.id, client_id: randomUUID(), body: "x", reply_count: 9 })
          .execute(),
      ),
      PRIVILEGE,
    );
    const lapsed = await createUser(t.db, { verified: true });
    expectOk(await addAs(p.owner, ids.group, lapsed.id));
    expectOk(await post(lapsed, ids.group, "Encore là"));
    await system((tx) => tx.updateTable("profiles").set({ verification_status: "unverified" }).where("id", "=", lapsed.id).execute());
    expectError(await post(lapsed, ids.group, "Plus vérifiée"), POLICY);
    expect(
      expectOk(
        await attempt(lapsed.claims, (tx) => tx.selectFrom("messages").select("id").where("conversation_id", "=", ids.group).execute()),
      ),
    ).toEqual([]);
  });

  test("a client id is unique per sender; two senders may use the same one", async () => {
    const clientId = randomUUID();
    const insert = (who: TestUser) =>
      attempt(who.claims, (tx) =>
        tx
          .insertInto("messages")
          .values({ conversation_id: ids.group, author_id: who.id, client_id: clientId, body: "Une fois" })
          .execute(),
      );
    expectOk(await insert(p.owner));
    expectError(await insert(p.owner), /duplicate key|unique/);
    expectOk(await insert(p.member));
  });

  test("authors edit and delete their own messages (text erased, never restored); nobody edits others' or deletes rows", async () => {
    const id = expectOk(await post(p.member, ids.group, "À corriger"));
    const edit = (who: Actor, values: { body?: string; deleted_at?: Date }) =>
      attempt(claimsOf(who), async (tx) =>
        Number((await tx.updateTable("messages").set(values).where("id", "=", id).executeTakeFirst()).numUpdatedRows),
      );
    expect(expectOk(await edit("owner", { body: "Piraté" }))).toBe(0);
    expect(expectOk(await edit("moderator", { body: "Piraté" }))).toBe(0);
    expect(expectOk(await edit("member", { body: "Corrigé" }))).toBe(1);
    let row = await system((tx) => tx.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
    expect(row.body).toBe("Corrigé");
    expect(row.edited_at).not.toBeNull();
    expect(expectOk(await edit("member", { deleted_at: new Date() }))).toBe(1);
    row = await system((tx) => tx.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
    expect(row.body).toBe("");
    expect(row.deleted_at).not.toBeNull();
    expectError(await edit("member", { body: "Ressuscité" }), CHECK);
    expectError(
      await attempt(p.member.claims, (tx) => tx.updateTable("messages").set({ author_id: p.owner.id }).where("id", "=", id).execute()),
      PRIVILEGE,
    );
    expectError(await attempt(p.member.claims, (tx) => tx.deleteFrom("messages").where("id", "=", id).execute()), PRIVILEGE);
  });

  test("threads stay one level deep and within their conversation", async () => {
    const reply = expectOk(await post(p.member, ids.group, "Réponse", { parent_id: ownerMessage }));
    expectError(await post(p.member, ids.group, "Réponse à la réponse", { parent_id: reply }), CHECK);
    expectError(await post(p.owner, ids.privateChannel, "Ailleurs", { parent_id: ownerMessage }), /foreign key/);
    const parent = await system((tx) =>
      tx.selectFrom("messages").select("reply_count").where("id", "=", ownerMessage).executeTakeFirstOrThrow(),
    );
    expect(parent.reply_count).toBe(1);
  });

  test("the named limits match the database's constraints", async () => {
    expectOk(await post(p.member, ids.group, "x".repeat(MESSAGE_MAX_LENGTH)));
    expectError(await post(p.member, ids.group, "x".repeat(MESSAGE_MAX_LENGTH + 1)), CHECK);
    expectError(await post(p.member, ids.group, "   "), CHECK);
    const mentions = Array.from({ length: MAX_MENTIONS + 1 }, () => randomUUID());
    expectOk(await post(p.member, ids.group, "Mentions", { mentions: mentions.slice(0, MAX_MENTIONS) }));
    expectError(await post(p.member, ids.group, "Mentions", { mentions }), CHECK);
    const create = (title: string, topic: string | null = null) =>
      attempt(p.member.claims, (tx) =>
        tx.insertInto("conversations").values({ id: randomUUID(), kind: "channel", title, topic, created_by: p.member.id }).execute(),
      );
    expectOk(await create("x".repeat(TITLE_MAX_LENGTH), "y".repeat(TOPIC_MAX_LENGTH)));
    expectError(await create("x".repeat(TITLE_MAX_LENGTH + 1)), CHECK);
    expectError(await create("x"), CHECK);
    expectError(await create("Canal", "y".repeat(TOPIC_MAX_LENGTH + 1)), CHECK);
    for (const emoji of REACTIONS) {
      expectOk(
        await attempt(p.member.claims, (tx) =>
          tx
            .insertInto("message_reactions")
            .values({ conversation_id: ids.group, message_id: ownerMessage, user_id: p.member.id, emoji })
            .execute(),
        ),
      );
    }
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx
          .insertInto("message_reactions")
          .values({
            conversation_id: ids.group,
            message_id: ownerMessage,
            user_id: p.member.id,
            emoji: "💩" as never /* outside the CHECK on purpose */,
          })
          .execute(),
      ),
      CHECK,
    );
  });
});

describe("reactions", () => {
  test("members react in their own name and take back only their own", async () => {
    const react = (who: TestUser, userId = who.id) =>
      attempt(who.claims, (tx) =>
        tx
          .insertInto("message_reactions")
          .values({ conversation_id: ids.group, message_id: memberMessage, user_id: userId, emoji: "👍" })
          .execute(),
      );
    expectOk(await react(p.owner));
    expectError(await react(p.outsider), POLICY);
    expectError(await react(p.member, p.owner.id), POLICY);
    // A reaction pinned on a message of another conversation is refused.
    expectError(
      await attempt(p.owner.claims, (tx) =>
        tx
          .insertInto("message_reactions")
          .values({ conversation_id: ids.privateChannel, message_id: memberMessage, user_id: p.owner.id, emoji: "❤️" })
          .execute(),
      ),
      /foreign key/,
    );
    const removed = expectOk(
      await attempt(p.member.claims, async (tx) =>
        Number(
          (
            await tx
              .deleteFrom("message_reactions")
              .where("message_id", "=", memberMessage)
              .where("user_id", "=", p.owner.id)
              .executeTakeFirst()
          ).numDeletedRows,
        ),
      ),
    );
    expect(removed).toBe(0);
    expect(expectOk(await attempt(p.outsider.claims, (tx) => tx.selectFrom("message_reactions").selectAll().execute()))).toEqual([]);
  });
});

describe("reports and moderation", () => {
  test("members report what they can read; the text is snapshotted by the database; moderators and the reporter read it", async () => {
    const report = (who: TestUser, extra: Record<string, unknown> = {}) =>
      attempt(
        who.claims,
        async (tx) =>
          (
            await tx
              .insertInto("message_reports")
              .values({ conversation_id: ids.group, message_id: ownerMessage, reporter_id: who.id, reason: "Propos déplacés", ...extra })
              .returning("id")
              .executeTakeFirstOrThrow()
          ).id,
      );
    expectError(await report(p.outsider), POLICY);
    expectError(await report(p.member, { body_snapshot: "faux" }), PRIVILEGE);
    const id = expectOk(await report(p.member));
    const seen = async (who: Actor) =>
      expectOk(await attempt(claimsOf(who), (tx) => tx.selectFrom("message_reports").select(["id", "body_snapshot"]).execute()));
    expect(await seen("member")).toEqual([{ id, body_snapshot: "Bonjour l'équipe" }]);
    expect(await seen("moderator")).toEqual([{ id, body_snapshot: "Bonjour l'équipe" }]);
    expect(await seen("owner")).toEqual([]);
    expect(await seen("outsider")).toEqual([]);

    const moderate = (who: Actor) =>
      attempt(claimsOf(who), (tx) =>
        sql`select * from public.moderate_message_report(${id}::bigint, 'removed', 'Retiré : propos déplacés')`.execute(tx),
      );
    expectError(await moderate("member"), /only moderators/);
    expectError(await moderate("owner"), /only moderators/);
    expectOk(await moderate("moderator"));
    expectError(await moderate("moderator"), /already resolved/);
    const message = await system((tx) => tx.selectFrom("messages").selectAll().where("id", "=", ownerMessage).executeTakeFirstOrThrow());
    expect(message.body).toBe("");
    expect(message.removed_by).toBe(p.moderator.id);
    const audit = await system((tx) => tx.selectFrom("audit_log").selectAll().where("action", "=", "chat.message_removed").execute());
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: p.moderator.id, target_type: "chat_message", target_id: String(ownerMessage) });
    // A removed message stays removed, for its author too.
    expectError(
      await attempt(p.owner.claims, (tx) => tx.updateTable("messages").set({ body: "Revenu" }).where("id", "=", ownerMessage).execute()),
      CHECK,
    );
  });
});

describe("notifications, presence and names", () => {
  test("notifications: each person reads and marks only their own; nobody inserts them directly", async () => {
    const [mine] = await system((tx) =>
      tx
        .insertInto("notifications")
        .values([
          { user_id: p.member.id, kind: "chat.direct", payload: JSON.stringify({ url: "/chat" }) },
          { user_id: p.owner.id, kind: "chat.direct", payload: "{}" },
        ])
        .returning("id")
        .execute(),
    );
    const count = async (who: Actor) =>
      expectOk(await attempt(claimsOf(who), (tx) => tx.selectFrom("notifications").select("id").execute())).length;
    expect(await count("member")).toBe(1);
    expect(await count("owner")).toBe(1);
    expect(await count("admin")).toBe(0);
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx.insertInto("notifications").values({ user_id: p.member.id, kind: "chat.direct", payload: "{}" }).execute(),
      ),
      PRIVILEGE,
    );
    expect(
      expectOk(
        await attempt(p.owner.claims, async (tx) =>
          Number(
            (
              await tx
                .updateTable("notifications")
                .set({ read_at: new Date() })
                .where("id", "=", mine?.id ?? 0)
                .executeTakeFirst()
            ).numUpdatedRows,
          ),
        ),
      ),
    ).toBe(0);
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx
          .updateTable("notifications")
          .set({ kind: "chat.other" })
          .where("id", "=", mine?.id ?? 0)
          .execute(),
      ),
      PRIVILEGE,
    );
    expect(
      expectOk(
        await attempt(p.member.claims, async (tx) =>
          Number(
            (
              await tx
                .updateTable("notifications")
                .set({ read_at: new Date() })
                .where("id", "=", mine?.id ?? 0)
                .executeTakeFirst()
            ).numUpdatedRows,
          ),
        ),
      ),
    ).toBe(1);
  });

  test("notify_chat_message notifies only for its own author's fresh message", async () => {
    const id = expectOk(await post(p.owner, ids.direct, "Un message direct"));
    const notify = (who: Actor) =>
      attempt(
        claimsOf(who),
        async (tx) => (await sql<{ user_id: string }>`select user_id from public.notify_chat_message(${id}::bigint)`.execute(tx)).rows,
      );
    expect(expectOk(await notify("member"))).toEqual([]);
    expect(expectOk(await notify("owner"))).toEqual([{ user_id: p.member.id }]);
    // Again: the unread notification grows rather than multiplying.
    expectOk(await notify("owner"));
    const rows = await system((tx) =>
      tx.selectFrom("notifications").select(["count", "kind"]).where("user_id", "=", p.member.id).where("read_at", "is", null).execute(),
    );
    expect(rows).toEqual([{ count: 2, kind: "chat.direct" }]);
  });

  test("presence rows and notification settings are private to their person", async () => {
    expectOk(await attempt(p.member.claims, (tx) => tx.insertInto("presence").values({ user_id: p.member.id, visible: true }).execute()));
    expectError(
      await attempt(p.member.claims, (tx) => tx.insertInto("presence").values({ user_id: p.owner.id, visible: true }).execute()),
      POLICY,
    );
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx.updateTable("presence").set({ last_seen_at: new Date() }).where("user_id", "=", p.member.id).execute(),
      ),
      PRIVILEGE,
    );
    expect(expectOk(await attempt(p.owner.claims, (tx) => tx.selectFrom("presence").selectAll().execute()))).toEqual([]);
    expectOk(
      await attempt(p.member.claims, (tx) =>
        tx.insertInto("notification_settings").values({ user_id: p.member.id, email_delay_minutes: 60 }).execute(),
      ),
    );
    expectError(
      await attempt(p.member.claims, (tx) =>
        tx.insertInto("notification_settings").values({ user_id: p.owner.id, email_delay_minutes: 60 }).execute(),
      ),
      POLICY,
    );
    expectError(
      await attempt(p.owner.claims, (tx) =>
        tx.insertInto("notification_settings").values({ user_id: p.owner.id, email_delay_minutes: 7 }).execute(),
      ),
      CHECK,
    );
  });

  test("names: only of people sharing a conversation; people search: directory or already in touch, verified only", async () => {
    const namesSeen = async (who: Actor, of: string[]) =>
      expectOk(
        await attempt(claimsOf(who), async (tx) =>
          (
            await sql<{ display_name: string }>`select display_name from public.chat_profiles(${of}::uuid[]) order by 1`.execute(tx)
          ).rows.map((r) => r.display_name),
        ),
      );
    expect(await namesSeen("member", [p.owner.id, p.outsider.id, p.unverified.id])).toEqual(["Propriétaire"]);
    expect(await namesSeen("outsider", [p.owner.id, p.member.id])).toEqual([]);
    expect(await namesSeen("unverified", [p.unverified.id, p.owner.id])).toEqual([]);
    const search = async (who: Actor) =>
      expectOk(
        await attempt(claimsOf(who), async (tx) =>
          (await sql<{ display_name: string }>`select display_name from public.chat_find_people(null, 50)`.execute(tx)).rows.map(
            (r) => r.display_name,
          ),
        ),
      );
    // The unverified person opted into the directory, but only verified members can be found.
    expect(await search("member")).not.toContain("Non vérifiée");
    expect(await search("member")).toContain("Propriétaire");
    expect(await search("outsider")).not.toContain("Propriétaire");
    expect(await search("unverified")).toEqual([]);
  });
});
