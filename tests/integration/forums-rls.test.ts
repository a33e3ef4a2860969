// Forums' row-level security, per kind of person: anonymous, unverified, verified,
// another verified member, a private space's member and a non-member, a moderator
// and an admin. Every case asserts a real outcome read back on the system path.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Claims, Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

const POLICY = /row-level security|permission denied/;

let t: TestDatabase;
interface People {
  unverified: TestUser;
  verified: TestUser;
  other: TestUser;
  privateMember: TestUser;
  nonMember: TestUser;
  moderator: TestUser;
  admin: TestUser;
  spaceModerator: TestUser;
}
type Actor = "anon" | keyof People;
let p: People;
const claimsOf = (a: Actor): Claims => (a === "anon" ? null : p[a].claims);

const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures and read back", fn);
type Result<T> = { ok: true; value: T } | { ok: false; message: string };
async function attempt<T>(actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await t.db.withUser(claimsOf(actor), fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
function refused(result: Result<unknown>, pattern: RegExp = POLICY) {
  expect(result.ok, "expected a refusal").toBe(false);
  if (!result.ok) expect(result.message).toMatch(pattern);
}
function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.message}`);
  return result.value;
}

const doc = (text: string) => JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

// Fixture ids
const space = { public: "", verified: "", members: "" };
const cat = { public: "", verified: "", members: "", archived: "" };
const topic = { public: 0, verified: 0, members: 0, locked: 0, pending: 0 };
const post = { publicFirst: 0, verifiedFirst: 0, membersFirst: 0, hidden: 0, deleted: 0, pending: 0, verifiedReply: 0 };

async function seedTopic(categoryId: string, author: string, title: string, text: string, status: "published" | "pending" = "published") {
  return system(async (tx) => {
    const row = await tx
      .insertInto("forum_topics")
      .values({ category_id: categoryId, author_id: author, title, status })
      .returning("id")
      .executeTakeFirstOrThrow();
    const first = await tx
      .insertInto("forum_posts")
      .values({ topic_id: row.id, author_id: author, body: doc(text), body_text: text, status })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: row.id, first: first.id };
  });
}
async function seedPost(
  topicId: number,
  author: string,
  text: string,
  extra: { status?: "published" | "pending" | "hidden"; deleted?: boolean } = {},
) {
  return system(
    async (tx) =>
      (
        await tx
          .insertInto("forum_posts")
          .values({
            topic_id: topicId,
            author_id: author,
            body: doc(text),
            body_text: text,
            status: extra.status ?? "published",
            deleted_at: extra.deleted ? new Date() : null,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
  );
}

beforeAll(async () => {
  t = await createTestDatabase();
  p = {
    unverified: await createUser(t.db, { displayName: "Non vérifié" }),
    verified: await createUser(t.db, { displayName: "Vérifiée", verified: true }),
    other: await createUser(t.db, { displayName: "Autre membre", verified: true }),
    privateMember: await createUser(t.db, { displayName: "Gestionnaire", verified: true, discipline: "gestionnaire" }),
    nonMember: await createUser(t.db, { displayName: "Non membre", verified: true }),
    moderator: await createUser(t.db, { displayName: "Modératrice", verified: true, roles: ["moderator"] }),
    admin: await createUser(t.db, { displayName: "Admin", verified: true, roles: ["admin"] }),
    spaceModerator: await createUser(t.db, { displayName: "Mod privé", verified: true }),
  };
  // Members of a month's standing: the slower pace of new members is tested on its own.
  await system((tx) =>
    tx
      .updateTable("profiles")
      .set({ created_at: sql`now() - interval '30 days'`, verified_at: sql`now() - interval '30 days'` })
      .where(
        "id",
        "in",
        Object.values(p).map((u) => u.id),
      )
      .execute(),
  );
  await system(async (tx) => {
    const mk = async (slug: string, visibility: "public" | "verified" | "members") =>
      (
        await tx
          .insertInto("spaces")
          .values({
            slug,
            kind: visibility === "members" ? "group" : "community",
            visibility,
            name_fr: slug,
            name_en: slug,
            region_code: null,
            discipline_code: null,
            created_by: p.admin.id,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    space.public = await mk("accueil-test", "public");
    space.verified = await mk("quebec-test", "verified");
    space.members = await mk("prive-test", "members");
    const c = async (spaceId: string, slug: string, archived = false) =>
      (
        await tx
          .insertInto("forum_categories")
          .values({
            space_id: spaceId,
            slug,
            name_fr: slug,
            name_en: slug,
            topic_code: null,
            created_by: p.admin.id,
            archived_at: archived ? new Date() : null,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    cat.public = await c(space.public, "cat-public");
    cat.verified = await c(space.verified, "cat-verified");
    cat.members = await c(space.members, "cat-members");
    cat.archived = await c(space.verified, "cat-archived", true);
    await tx
      .insertInto("space_members")
      .values([
        { space_id: space.members, user_id: p.privateMember.id, role: "member", added_by: p.admin.id },
        { space_id: space.members, user_id: p.spaceModerator.id, role: "moderator", added_by: p.admin.id },
      ])
      .execute();
  });
  ({ id: topic.public, first: post.publicFirst } = await seedTopic(cat.public, p.verified.id, "Sujet public", "Bonjour à tous"));
  ({ id: topic.verified, first: post.verifiedFirst } = await seedTopic(
    cat.verified,
    p.verified.id,
    "Sujet clinique",
    "Induction buprénorphine",
  ));
  ({ id: topic.members, first: post.membersFirst } = await seedTopic(cat.members, p.privateMember.id, "Sujet privé", "Budget des équipes"));
  ({ id: topic.locked } = await seedTopic(cat.verified, p.other.id, "Sujet verrouillé", "Fin de la discussion"));
  ({ id: topic.pending } = await seedTopic(cat.public, p.unverified.id, "Sujet en attente", "Premier message", "pending"));
  post.verifiedReply = await seedPost(topic.verified, p.other.id, "Réponse visible");
  post.hidden = await seedPost(topic.verified, p.other.id, "Réponse masquée", { status: "hidden" });
  post.deleted = await seedPost(topic.verified, p.other.id, "Réponse supprimée", { deleted: true });
  post.pending = await seedPost(topic.public, p.unverified.id, "Réponse en attente", { status: "pending" });
  await system((tx) => tx.updateTable("forum_topics").set({ locked_at: new Date() }).where("id", "=", topic.locked).execute());
});
afterAll(() => t?.cleanup());

const visibleTopics = (actor: Actor) =>
  attempt(actor, async (tx) => (await tx.selectFrom("forum_topics").select("title").orderBy("title").execute()).map((r) => r.title));
const visiblePosts = (actor: Actor) =>
  attempt(actor, async (tx) =>
    (await tx.selectFrom("forum_posts").select("body_text").orderBy("body_text").execute()).map((r) => r.body_text),
  );

describe("reading", () => {
  test.each<[Actor, string[]]>([
    ["anon", ["accueil-test"]],
    ["unverified", ["accueil-test"]],
    ["verified", ["accueil-test", "quebec-test"]],
    ["nonMember", ["accueil-test", "quebec-test"]],
    ["privateMember", ["accueil-test", "prive-test", "quebec-test"]],
    ["moderator", ["accueil-test", "quebec-test"]],
    ["admin", ["accueil-test", "prive-test", "quebec-test"]],
  ])("spaces visible to %s", async (actor, expected) => {
    const rows = ok(
      await attempt(actor, async (tx) => (await tx.selectFrom("spaces").select("slug").orderBy("slug").execute()).map((r) => r.slug)),
    );
    expect(rows).toEqual(expected);
  });

  test.each<[Actor, string[]]>([
    ["anon", ["Sujet public"]],
    ["unverified", ["Sujet en attente", "Sujet public"]], // their own held topic too
    ["verified", ["Sujet clinique", "Sujet public", "Sujet verrouillé"]],
    ["nonMember", ["Sujet clinique", "Sujet public", "Sujet verrouillé"]],
    ["privateMember", ["Sujet clinique", "Sujet privé", "Sujet public", "Sujet verrouillé"]],
    ["moderator", ["Sujet clinique", "Sujet en attente", "Sujet public", "Sujet verrouillé"]],
    ["spaceModerator", ["Sujet clinique", "Sujet privé", "Sujet public", "Sujet verrouillé"]],
    ["admin", ["Sujet clinique", "Sujet en attente", "Sujet privé", "Sujet public", "Sujet verrouillé"]],
  ])("topics visible to %s", async (actor, expected) => {
    expect(ok(await visibleTopics(actor))).toEqual(expected);
  });

  test("readers see published posts; authors their own held and deleted ones; moderators everything in their spaces", async () => {
    expect(ok(await visiblePosts("anon"))).toEqual(["Bonjour à tous"]);
    expect(ok(await visiblePosts("verified"))).toEqual([
      "Bonjour à tous",
      "Fin de la discussion",
      "Induction buprénorphine",
      "Réponse visible",
    ]);
    expect(ok(await visiblePosts("other"))).toEqual([
      "Bonjour à tous",
      "Fin de la discussion",
      "Induction buprénorphine",
      "Réponse masquée",
      "Réponse supprimée",
      "Réponse visible",
    ]);
    expect(ok(await visiblePosts("unverified"))).toEqual(["Bonjour à tous", "Premier message", "Réponse en attente"]);
    expect(ok(await visiblePosts("moderator"))).toEqual([
      "Bonjour à tous",
      "Fin de la discussion",
      "Induction buprénorphine",
      "Premier message",
      "Réponse en attente",
      "Réponse masquée",
      "Réponse supprimée",
      "Réponse visible",
    ]);
    // A global moderator does not read private spaces; the space's own moderator does.
    expect(ok(await visiblePosts("moderator"))).not.toContain("Budget des équipes");
    expect(ok(await visiblePosts("spaceModerator"))).toContain("Budget des équipes");
    expect(ok(await visiblePosts("nonMember"))).not.toContain("Budget des équipes");
  });

  test("categories follow their space", async () => {
    const slugs = async (actor: Actor) =>
      ok(
        await attempt(actor, async (tx) =>
          (await tx.selectFrom("forum_categories").select("slug").orderBy("slug").execute()).map((r) => r.slug),
        ),
      );
    expect(await slugs("anon")).toEqual(["cat-public"]);
    expect(await slugs("unverified")).toEqual(["cat-public"]);
    expect(await slugs("verified")).toEqual(["cat-archived", "cat-public", "cat-verified"]);
    expect(await slugs("privateMember")).toEqual(["cat-archived", "cat-members", "cat-public", "cat-verified"]);
  });

  test("space members are visible to the space's members and moderators only", async () => {
    const rows = async (actor: Actor) =>
      ok(await attempt(actor, async (tx) => (await tx.selectFrom("space_members").select("user_id").execute()).length));
    expect(await rows("privateMember")).toBe(2);
    expect(await rows("nonMember")).toBe(0);
    expect(await rows("moderator")).toBe(0);
    expect(await rows("admin")).toBe(2);
    refused(await attempt("anon", (tx) => tx.selectFrom("space_members").selectAll().execute()));
  });

  test("author cards: names of people whose posts you may read, never of a private space's authors", async () => {
    const names = async (actor: Actor) =>
      ok(
        await attempt(actor, async (tx) =>
          (
            await sql<{
              display_name: string;
            }>`select display_name from public.forum_profile_cards(${[p.verified.id, p.privateMember.id, p.other.id]}::uuid[]) order by 1`.execute(
              tx,
            )
          ).rows.map((r) => r.display_name),
        ),
      );
    expect(await names("anon")).toEqual(["Vérifiée"]);
    expect(await names("nonMember")).toEqual(["Autre membre", "Vérifiée"]);
    expect(await names("privateMember")).toEqual(["Autre membre", "Gestionnaire", "Vérifiée"]);
  });
});

describe("writing topics and posts", () => {
  const newTopic = (actor: Actor, categoryId: string, title = "Un nouveau sujet") =>
    attempt(actor, async (tx) => {
      const me = actor === "anon" ? null : p[actor].id;
      const row = await tx
        .insertInto("forum_topics")
        .values({ category_id: categoryId, author_id: me, title })
        .returning(["id", "status", "space_id"])
        .executeTakeFirstOrThrow();
      await tx
        .insertInto("forum_posts")
        .values({ topic_id: row.id, author_id: me, body: doc("Texte"), body_text: "Texte" })
        .execute();
      return row;
    });

  test.each<[Actor, keyof typeof cat, "allowed" | "refused"]>([
    ["anon", "public", "refused"],
    ["unverified", "verified", "refused"],
    ["verified", "verified", "allowed"],
    ["verified", "members", "refused"],
    ["nonMember", "members", "refused"],
    ["privateMember", "members", "allowed"],
    ["verified", "archived", "refused"],
  ])("%s creating a topic in the %s category: %s", async (actor, category, verdict) => {
    const before = await system(
      async (tx) =>
        (
          await tx
            .selectFrom("forum_topics")
            .select(sql<number>`count(*)::int`.as("n"))
            .executeTakeFirstOrThrow()
        ).n,
    );
    const result = await newTopic(actor, cat[category]);
    if (verdict === "allowed") expect(ok(result).status).toBe("published");
    else refused(result);
    const after = await system(
      async (tx) =>
        (
          await tx
            .selectFrom("forum_topics")
            .select(sql<number>`count(*)::int`.as("n"))
            .executeTakeFirstOrThrow()
        ).n,
    );
    expect(after - before).toBe(verdict === "allowed" ? 1 : 0);
  });

  test("the client cannot choose a topic's status (column privilege)", async () => {
    refused(
      await attempt("unverified", (tx) =>
        tx
          .insertInto("forum_topics")
          .values({ category_id: cat.public, author_id: p.unverified.id, title: "Tentative", status: "published" } as never)
          .execute(),
      ),
    );
  });

  test("status, space and numbering are the database's to set", async () => {
    const created = ok(await newTopic("unverified", cat.public, "Question d'un nouveau membre"));
    expect(created.status).toBe("pending");
    expect(created.space_id).toBe(space.public);
    refused(
      await attempt("verified", (tx) =>
        tx
          .insertInto("forum_posts")
          .values({ topic_id: topic.verified, author_id: p.verified.id, body: doc("x"), body_text: "x", status: "published" } as never)
          .execute(),
      ),
    );
  });

  test("replying: locked topics refuse members but not moderators; nobody replies where they cannot read", async () => {
    const reply = (actor: Actor, topicId: number) =>
      attempt(actor, (tx) =>
        tx
          .insertInto("forum_posts")
          .values({ topic_id: topicId, author_id: p[actor as keyof People].id, body: doc("Réponse"), body_text: "Réponse" })
          .returning("status")
          .executeTakeFirstOrThrow(),
      );
    refused(await reply("verified", topic.locked));
    expect(ok(await reply("moderator", topic.locked)).status).toBe("published");
    refused(await reply("nonMember", topic.members));
    expect(ok(await reply("privateMember", topic.members)).status).toBe("published");
    // A fresh unverified member (the fixture one has used up a new member's pace).
    const newcomer = await createUser(t.db);
    const replyAs = (topicId: number) =>
      t.db
        .withUser(newcomer.claims, (tx) =>
          tx
            .insertInto("forum_posts")
            .values({ topic_id: topicId, author_id: newcomer.id, body: doc("Réponse"), body_text: "Réponse" })
            .returning("status")
            .executeTakeFirstOrThrow(),
        )
        .then(
          (v) => ({ ok: true as const, value: v }),
          (e: Error) => ({ ok: false as const, message: e.message }),
        );
    refused(await replyAs(topic.verified));
    expect(ok(await replyAs(topic.public)).status).toBe("pending");
  });

  test("edits: the author and moderators, with a revision; someone else changes nothing", async () => {
    const edit = (actor: Actor, text: string) =>
      attempt(actor, async (tx) =>
        Number(
          (
            await tx
              .updateTable("forum_posts")
              .set({ body: doc(text), body_text: text })
              .where("id", "=", post.verifiedFirst)
              .executeTakeFirst()
          ).numUpdatedRows,
        ),
      );
    expect(ok(await edit("other", "Vandalisme"))).toBe(0);
    expect(ok(await edit("verified", "Induction buprénorphine (précisions)"))).toBe(1);
    expect(ok(await edit("moderator", "Induction buprénorphine (modéré)"))).toBe(1);
    const row = await system((tx) =>
      tx.selectFrom("forum_posts").select(["body_text", "edit_count"]).where("id", "=", post.verifiedFirst).executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ body_text: "Induction buprénorphine (modéré)", edit_count: 2 });
    const history = async (actor: Actor) =>
      ok(
        await attempt(actor, async (tx) =>
          (
            await tx
              .selectFrom("forum_post_revisions")
              .select("body_text")
              .where("post_id", "=", post.verifiedFirst)
              .orderBy("id")
              .execute()
          ).map((r) => r.body_text),
        ),
      );
    expect(await history("verified")).toEqual(["Induction buprénorphine", "Induction buprénorphine (précisions)"]);
    expect(await history("moderator")).toHaveLength(2);
    expect(await history("other")).toEqual([]);
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select(["actor_id", "action"])
        .where("target_type", "=", "forum_post")
        .where("target_id", "=", String(post.verifiedFirst))
        .execute(),
    );
    expect(audit).toEqual([{ actor_id: p.moderator.id, action: "forum.post.edited" }]);
  });

  test("members cannot write the moderation columns", async () => {
    refused(
      await attempt("verified", (tx) =>
        tx
          .updateTable("forum_topics")
          .set({ locked_at: null } as never)
          .where("id", "=", topic.verified)
          .execute(),
      ),
    );
    refused(
      await attempt("verified", (tx) =>
        tx
          .updateTable("forum_posts")
          .set({ status: "published" } as never)
          .where("id", "=", post.verifiedFirst)
          .execute(),
      ),
    );
  });

  test("soft delete: an author deletes but cannot undelete; moderators still see the post", async () => {
    const id = await seedPost(topic.verified, p.verified.id, "À supprimer");
    expect(
      ok(
        await attempt("verified", async (tx) =>
          Number(
            (await tx.updateTable("forum_posts").set({ deleted_at: new Date() }).where("id", "=", id).executeTakeFirst()).numUpdatedRows,
          ),
        ),
      ),
    ).toBe(1);
    refused(
      await attempt("verified", (tx) => tx.updateTable("forum_posts").set({ deleted_at: null }).where("id", "=", id).execute()),
      /forum_post_unavailable|forum_forbidden/,
    );
    expect(ok(await visiblePosts("other"))).not.toContain("À supprimer");
    expect(ok(await visiblePosts("moderator"))).toContain("À supprimer");
  });

  test("a silenced member cannot post; a new member posts slowly", async () => {
    const silenced = await createUser(t.db, { verified: true });
    await system((tx) =>
      tx
        .insertInto("forum_sanctions")
        .values({
          user_id: silenced.id,
          kind: "silence",
          reason: "Propos répétés",
          ends_at: new Date(Date.now() + 86_400_000),
          created_by: p.moderator.id,
        })
        .execute(),
    );
    refused(
      await t.db
        .withUser(silenced.claims, (tx) =>
          tx
            .insertInto("forum_posts")
            .values({ topic_id: topic.verified, author_id: silenced.id, body: doc("x"), body_text: "x" })
            .execute(),
        )
        .then(
          (v) => ({ ok: true as const, value: v }),
          (e: Error) => ({ ok: false as const, message: e.message }),
        ),
      /forum_silenced/,
    );

    const newcomer = await createUser(t.db, { verified: true }); // verified today: still a new member
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      results.push(
        await t.db
          .withUser(newcomer.claims, (tx) =>
            tx
              .insertInto("forum_posts")
              .values({ topic_id: topic.verified, author_id: newcomer.id, body: doc(`n${i}`), body_text: `n${i}` })
              .execute(),
          )
          .then(
            () => "ok",
            (e: Error) => e.message,
          ),
      );
    }
    expect(results.slice(0, 3)).toEqual(["ok", "ok", "ok"]);
    expect(results[3]).toMatch(/forum_rate_limited/);
  });
});

describe("managing categories", () => {
  const create = (actor: Actor, spaceId: string, slug: string) =>
    attempt(actor, (tx) =>
      tx
        .insertInto("forum_categories")
        .values({ space_id: spaceId, slug, name_fr: "Nouvelle", name_en: "New", topic_code: null, created_by: p[actor as keyof People].id })
        .execute(),
    );

  test("moderators create categories in the spaces they moderate, members never", async () => {
    refused(await create("verified", space.verified, "par-un-membre"));
    ok(await create("moderator", space.verified, "par-une-moderatrice"));
    refused(await create("moderator", space.members, "prive-par-moderatrice"));
    ok(await create("spaceModerator", space.members, "prive-par-son-moderateur"));
    ok(await create("admin", space.members, "prive-par-admin"));
  });

  test("rename, order and archive are audited; members change nothing", async () => {
    const rename = (actor: Actor) =>
      attempt(actor, async (tx) =>
        Number(
          (
            await tx
              .updateTable("forum_categories")
              .set({ name_fr: `Renommée par ${actor}`, position: 3, archived_at: new Date() })
              .where("id", "=", cat.verified)
              .executeTakeFirst()
          ).numUpdatedRows,
        ),
      );
    expect(ok(await rename("verified"))).toBe(0);
    expect(ok(await rename("moderator"))).toBe(1);
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select(["actor_id", "action"])
        .where("target_id", "=", cat.verified)
        .where("action", "!=", "forum.category.created")
        .execute(),
    );
    expect(audit).toEqual([{ actor_id: p.moderator.id, action: "forum.category.archived" }]);
    refused(
      await attempt("moderator", (tx) =>
        tx
          .updateTable("forum_categories")
          .set({ topic_count: 0 } as never)
          .where("id", "=", cat.verified)
          .execute(),
      ),
    );
    await system((tx) => tx.updateTable("forum_categories").set({ archived_at: null }).where("id", "=", cat.verified).execute());
  });

  test("only admins create spaces and add members to private spaces", async () => {
    const mk = (actor: Actor) =>
      attempt(actor, (tx) =>
        tx
          .insertInto("spaces")
          .values({
            slug: `espace-${actor.toLowerCase()}`,
            kind: "group",
            visibility: "members",
            name_fr: "Espace",
            name_en: "Space",
            region_code: null,
            discipline_code: null,
            created_by: p[actor as keyof People].id,
          })
          .execute(),
      );
    refused(await mk("moderator"));
    ok(await mk("admin"));
    refused(
      await attempt("moderator", (tx) =>
        tx
          .insertInto("space_members")
          .values({ space_id: space.members, user_id: p.nonMember.id, role: "member", added_by: p.moderator.id })
          .execute(),
      ),
    );
    refused(
      await attempt("privateMember", (tx) =>
        tx
          .insertInto("space_members")
          .values({ space_id: space.members, user_id: p.nonMember.id, role: "member", added_by: p.privateMember.id })
          .execute(),
      ),
    );
  });
});

describe("personal rows and flags", () => {
  test("drafts, bookmarks, read markers and watches belong to their owner", async () => {
    ok(
      await attempt("verified", async (tx) => {
        await tx
          .insertInto("forum_drafts")
          .values({ user_id: p.verified.id, draft_key: `reply:${topic.verified}`, title: null, body: doc("brouillon") })
          .execute();
        await tx.insertInto("forum_bookmarks").values({ user_id: p.verified.id, post_id: post.verifiedReply }).execute();
        await tx
          .insertInto("forum_topic_reads")
          .values({ user_id: p.verified.id, topic_id: topic.verified, last_read_post_number: 2 })
          .execute();
        await tx
          .insertInto("forum_topic_watches")
          .values({ user_id: p.verified.id, topic_id: topic.verified, level: "watching" })
          .execute();
      }),
    );
    for (const table of ["forum_drafts", "forum_bookmarks", "forum_topic_reads", "forum_topic_watches"] as const) {
      expect(ok(await attempt("other", async (tx) => (await tx.selectFrom(table).selectAll().execute()).length))).toBe(0);
      expect(ok(await attempt("admin", async (tx) => (await tx.selectFrom(table).selectAll().execute()).length))).toBe(0);
    }
    refused(
      await attempt("other", (tx) =>
        tx
          .insertInto("forum_drafts")
          .values({ user_id: p.verified.id, draft_key: "reply:1", title: null, body: doc("x") })
          .execute(),
      ),
    );
    refused(
      await attempt("nonMember", (tx) =>
        tx.insertInto("forum_bookmarks").values({ user_id: p.nonMember.id, post_id: post.membersFirst }).execute(),
      ),
    );
    refused(
      await attempt("nonMember", (tx) =>
        tx.insertInto("forum_topic_watches").values({ user_id: p.nonMember.id, topic_id: topic.members, level: "watching" }).execute(),
      ),
    );
  });

  test("reactions: on published posts you can read, never your own", async () => {
    ok(
      await attempt("other", (tx) =>
        tx.insertInto("forum_reactions").values({ post_id: post.verifiedFirst, user_id: p.other.id, kind: "thanks" }).execute(),
      ),
    );
    refused(
      await attempt("verified", (tx) =>
        tx.insertInto("forum_reactions").values({ post_id: post.verifiedFirst, user_id: p.verified.id, kind: "thanks" }).execute(),
      ),
    );
    refused(
      await attempt("nonMember", (tx) =>
        tx.insertInto("forum_reactions").values({ post_id: post.membersFirst, user_id: p.nonMember.id, kind: "like" }).execute(),
      ),
    );
    expect(ok(await attempt("anon", async (tx) => (await tx.selectFrom("forum_reactions").selectAll().execute()).length))).toBe(0);
  });

  test("flags: the reporter and the space's moderators see them; moderation goes through audited functions", async () => {
    ok(
      await attempt("other", (tx) =>
        tx
          .insertInto("forum_flags")
          .values({ post_id: post.verifiedFirst, reporter_id: p.other.id, reason: "identifiable_info", note: "Un nom de famille" })
          .execute(),
      ),
    );
    const count = async (actor: Actor) =>
      ok(await attempt(actor, async (tx) => (await tx.selectFrom("forum_flags").selectAll().execute()).length));
    expect(await count("other")).toBe(1);
    expect(await count("moderator")).toBe(1);
    expect(await count("nonMember")).toBe(0);
    refused(
      await attempt("other", (tx) => sql`select public.forum_moderate_post(${post.verifiedFirst}, 'hide', 'non')`.execute(tx)),
      /forum_forbidden/,
    );
    ok(
      await attempt("moderator", (tx) =>
        sql`select public.forum_moderate_post(${post.verifiedFirst}, 'hide', 'Information identifiante')`.execute(tx),
      ),
    );
    expect(ok(await visiblePosts("nonMember"))).not.toContain("Induction buprénorphine (modéré)");
    const flag = await system((tx) =>
      tx.selectFrom("forum_flags").select(["status", "resolved_by"]).where("post_id", "=", post.verifiedFirst).executeTakeFirstOrThrow(),
    );
    expect(flag).toEqual({ status: "actioned", resolved_by: p.moderator.id });
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select("action")
        .where("actor_id", "=", p.moderator.id)
        .where("target_id", "=", String(post.verifiedFirst))
        .orderBy("id")
        .execute(),
    );
    expect(audit.map((a) => a.action)).toContain("forum.post.hide");
    // A global moderator cannot act in a private space.
    refused(
      await attempt("moderator", (tx) => sql`select public.forum_moderate_topic(${topic.members}, 'lock')`.execute(tx)),
      /forum_forbidden/,
    );
    ok(await attempt("spaceModerator", (tx) => sql`select public.forum_moderate_topic(${topic.members}, 'lock')`.execute(tx)));
    refused(
      await attempt("verified", (tx) => sql`select public.forum_sanction_member(${p.other.id}::uuid, 'silence', 'test', 3)`.execute(tx)),
      /forum_forbidden/,
    );
    refused(
      await attempt("moderator", (tx) => sql`select public.forum_sanction_member(${p.admin.id}::uuid, 'silence', 'test', 3)`.execute(tx)),
      /forum_forbidden/,
    );
  });
});
