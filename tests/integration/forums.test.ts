// Forum services end to end on the real database (PGlite and PostgreSQL): writing
// rich text, what is refused (and that nothing is saved then), edits with history,
// topic lists and unread markers, search, watching and notifications, moderation,
// and the number of queries a topic page costs (no N+1).
import { sql, type KyselyPlugin } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import {
  createReply,
  createTopic,
  deletePost,
  editPost,
  getDraft,
  getPostHistory,
  getTopicPage,
  listCategoryTopics,
  listLatestTopics,
  markRead,
  saveDraft,
  setAcceptedAnswer,
  setTopicWatch,
  toggleBookmark,
  toggleReaction,
} from "~/modules/forums/forums.server";
import { getReviewQueue, moderatePost, moderateTopic, splitTopic } from "~/modules/forums/moderation.server";
import { afterPublish, sendForumDigests, UNSUBSCRIBE_PURPOSE } from "~/modules/forums/notify.server";
import { unsubscribeWithToken } from "~/modules/forums/unsubscribe.server";
import { search, SEARCH_CONCURRENCY, SEARCH_STATEMENT_TIMEOUT_MS, SearchBusyError } from "~/modules/search/search.server";
import { SEARCH_LIMITS, searchSchema } from "~/modules/search/schemas";
import type { RealtimeBridge } from "~/utils/context";
import type { Database, Tx } from "~/utils/db.server";
import { parseEnv } from "~/utils/env.server";
import { createMailer } from "~/utils/mail.server";
import { signToken } from "~/utils/secret.server";
import { createTestDatabase, createUser, type CreateUserOptions, type TestDatabase, type TestUser } from "../setup/test-db";

let t: TestDatabase;
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures and read back", fn);
const emitted: Array<{ room?: string; users?: string[]; event: string; payload: unknown }> = [];
const realtime: RealtimeBridge = {
  async disconnectUser() {},
  emitToUsers: (users, event, payload) => void emitted.push({ users, event, payload }),
  emitToRoom: (room, event, payload) => void emitted.push({ room, event, payload }),
  joinRoom() {},
  leaveRoom() {},
};
const logger = pino({ level: "silent" });
const env = parseEnv({ DATA_DIR: "/tmp/passerelle-forums-test", APP_SECRET: "a-test-secret-that-is-long-enough-1234567890" });
let context: Parameters<typeof afterPublish>[0];

interface Person extends TestUser {
  viewer: Viewer;
}
async function person(name: string, options: CreateUserOptions = {}): Promise<Person> {
  const user = await createUser(t.db, { displayName: name, directoryOptIn: true, ...options });
  // Members of a month's standing (the new members' slower pace is tested apart).
  await system((tx) =>
    tx
      .updateTable("profiles")
      .set({ created_at: sql`now() - interval '30 days'`, verified_at: options.verified ? sql`now() - interval '30 days'` : null })
      .where("id", "=", user.id)
      .execute(),
  );
  return {
    ...user,
    viewer: {
      claims: user.claims,
      id: user.id,
      displayName: name,
      verified: Boolean(options.verified),
      roles: options.roles ?? [],
      locale: "fr-CA",
    },
  };
}
let isabelle: Person;
let marc: Person;
let newcomer: Person;
let outsider: Person;
let moderator: Person;
let manager: Person;
const space = { public: "", verified: "", members: "" };
const cat = { public: "", verified: "", members: "", other: "" };

const posts = async () =>
  system(async (tx) =>
    Number(
      (
        await tx
          .selectFrom("forum_posts")
          .select(sql<number>`count(*)::int`.as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );
const topics = async () =>
  system(async (tx) =>
    Number(
      (
        await tx
          .selectFrom("forum_topics")
          .select(sql<number>`count(*)::int`.as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );
const doc = (...content: unknown[]) => JSON.stringify({ type: "doc", content });
const para = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });

beforeAll(async () => {
  t = await createTestDatabase();
  context = { db: t.db, realtime, logger, mail: createMailer({ db: t.db, from: "passerelle@example.org", logger }), env };
  isabelle = await person("Isabelle Gagnon", { verified: true, discipline: "infirmiere" });
  marc = await person("Marc-André Lévesque", { verified: true });
  newcomer = await person("Samuel Côté", { discipline: "pair_aidant" });
  outsider = await person("Personne Externe", { verified: true, directoryOptIn: false });
  moderator = await person("Modératrice", { verified: true, roles: ["moderator"] });
  manager = await person("Gestionnaire", { verified: true, discipline: "gestionnaire" });
  await system(async (tx) => {
    const mk = async (slug: string, visibility: "public" | "verified" | "members", region: string | null = null) =>
      (
        await tx
          .insertInto("spaces")
          .values({
            slug,
            kind: visibility === "members" ? "group" : region ? "region" : "community",
            visibility,
            name_fr: slug,
            name_en: slug,
            region_code: region,
            discipline_code: null,
            created_by: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    space.public = await mk("accueil", "public");
    space.verified = await mk("region-09", "verified", "09");
    space.members = await mk("gestionnaires", "members");
    const c = async (spaceId: string, slug: string) =>
      (
        await tx
          .insertInto("forum_categories")
          .values({
            space_id: spaceId,
            slug,
            name_fr: `Catégorie ${slug}`,
            name_en: `Category ${slug}`,
            topic_code: null,
            created_by: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    cat.public = await c(space.public, "bienvenue");
    cat.verified = await c(space.verified, "cote-nord");
    cat.other = await c(space.verified, "cote-nord-autre");
    cat.members = await c(space.members, "rencontres");
    await tx.insertInto("space_members").values({ space_id: space.members, user_id: manager.id, role: "member", added_by: null }).execute();
  });
});
afterAll(() => t?.cleanup());
// Every test starts with everyone's posting pace fresh (the rate limit has its own tests).
beforeEach(() =>
  system((tx) =>
    tx
      .updateTable("forum_posts")
      .set({ created_at: sql`created_at - interval '10 minutes'` })
      .execute(),
  ),
);

describe("writing", () => {
  test("a topic from the textarea markup: canonical JSON, plain text, watching, numbering, and the draft cleared", async () => {
    await saveDraft(t.db, isabelle.viewer, { key: `topic:${cat.verified}`, title: "Brouillon", body: "En cours" });
    expect(await getDraft(t.db, isabelle.claims, `topic:${cat.verified}`)).toMatchObject({ title: "Brouillon", text: "En cours" });
    const created = await createTopic(t.db, isabelle.viewer, cat.verified, {
      title: "Thérapies de groupe pour les élèves",
      tags: ["jeunes"],
      body: "Les **thérapies** de groupe pour les élèves : vos expériences ?\n\n- une\n- deux",
    });
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(created).toMatchObject({ postNumber: 1, postStatus: "published" });
    const row = await system((tx) =>
      tx
        .selectFrom("forum_posts as p")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select(["p.body", "p.body_text", "p.space_id", "t.region_code", "t.tags"])
        .where("p.id", "=", created.postId)
        .executeTakeFirstOrThrow(),
    );
    expect(row.body).toEqual({
      type: "doc",
      content: [
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Les " },
            { type: "text", text: "thérapies", marks: [{ type: "bold" }] },
            { type: "text", text: " de groupe pour les élèves : vos expériences ?" },
          ],
        },
        {
          type: "bulletList",
          content: [
            { type: "listItem", content: [para("une")] },
            { type: "listItem", content: [para("deux")] },
          ],
        },
      ],
    });
    expect(row.body_text).toBe("Les thérapies de groupe pour les élèves : vos expériences ?\n- une\n- deux");
    expect(row).toMatchObject({ space_id: space.verified, region_code: "09", tags: ["jeunes"] });
    expect(await getDraft(t.db, isabelle.claims, `topic:${cat.verified}`)).toBeNull();
    const watch = await system((tx) =>
      tx
        .selectFrom("forum_topic_watches")
        .select(["level", "reason"])
        .where("user_id", "=", isabelle.id)
        .where("topic_id", "=", created.topicId)
        .executeTakeFirst(),
    );
    expect(watch).toEqual({ level: "watching", reason: "auto" });
  });

  test("replies from the editor's JSON, with a mention resolved to the current name", async () => {
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, {
      title: "Induction à domicile",
      tags: [],
      body: "Comment faites-vous ?",
    });
    if (!topic.ok) throw new Error("topic");
    const reply = await createReply(t.db, marc.viewer, topic.topicId, {
      replyTo: topic.postId,
      bodyJson: doc({
        type: "paragraph",
        content: [
          { type: "text", text: "Bonjour " },
          { type: "mention", attrs: { id: isabelle.id, label: "Ancien nom", mentionSuggestionChar: "@" } },
        ],
      }),
    });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    expect(reply).toMatchObject({ postNumber: 2, mentions: [isabelle.id] });
    const body = await system((tx) => tx.selectFrom("forum_posts").select("body").where("id", "=", reply.postId).executeTakeFirstOrThrow());
    expect(JSON.stringify(body.body)).toContain('"label": "Isabelle Gagnon"'.replace(": ", ":"));
  });

  const huge = "x".repeat(20_001);
  const badInputs: Array<
    [string, () => Promise<{ ok: boolean; status?: number; formError?: string; fieldErrors?: Record<string, string[]> }>, string]
  > = [
    [
      "an unknown node in the JSON",
      async () =>
        createTopic(t.db, isabelle.viewer, cat.verified, {
          title: "Titre valide",
          tags: [],
          bodyJson: doc({ type: "iframe", attrs: { src: "https://evil.example" } }),
        }),
      "forums.richText.errors.unknown_node",
    ],
    [
      "a javascript: link in the JSON",
      async () =>
        createTopic(t.db, isabelle.viewer, cat.verified, {
          title: "Titre valide",
          tags: [],
          bodyJson: doc({
            type: "paragraph",
            content: [{ type: "text", text: "clic", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }],
          }),
        }),
      "forums.richText.errors.bad_link",
    ],
    [
      "an oversized body",
      async () => createTopic(t.db, isabelle.viewer, cat.verified, { title: "Titre valide", tags: [], body: huge }),
      "forums.richText.errors.too_long",
    ],
    [
      "a blank body",
      async () => createTopic(t.db, isabelle.viewer, cat.verified, { title: "Titre valide", tags: [], body: "   \n  " }),
      "forums.richText.errors.empty",
    ],
    [
      "a mention of someone who cannot read the space",
      async () =>
        createTopic(t.db, isabelle.viewer, cat.members, {
          title: "Titre valide",
          tags: [],
          bodyJson: doc({ type: "paragraph", content: [{ type: "mention", attrs: { id: isabelle.id, label: "x" } }] }),
        }),
      "forums.errors.not_found",
    ],
    [
      "posting in a space you cannot read",
      async () => createTopic(t.db, outsider.viewer, cat.members, { title: "Titre valide", tags: [], body: "Bonjour" }),
      "forums.errors.not_found",
    ],
    [
      "a new member posting where only verified members read",
      async () => createTopic(t.db, newcomer.viewer, cat.verified, { title: "Titre valide", tags: [], body: "Bonjour" }),
      "forums.errors.not_found",
    ],
  ];
  test.each(badInputs)("refuses %s, and saves nothing", async (_name, run, expected) => {
    const [beforeTopics, beforePosts] = [await topics(), await posts()];
    const outcome = await run();
    expect(outcome.ok).toBe(false);
    expect([outcome.formError, ...Object.values(outcome.fieldErrors ?? {}).flat()]).toContain(expected);
    expect([await topics(), await posts()]).toEqual([beforeTopics, beforePosts]);
  });

  test("a reply to a locked topic, and an edit by someone else, are refused and change nothing", async () => {
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, {
      title: "Sujet à verrouiller",
      tags: [],
      body: "Texte d'origine",
    });
    if (!topic.ok) throw new Error("topic");
    expect(await moderateTopic(t.db, moderator.viewer, { topicId: topic.topicId, act: "lock" })).toEqual({ ok: true });
    const before = await posts();
    expect(await createReply(t.db, marc.viewer, topic.topicId, { body: "Une réponse" })).toMatchObject({
      ok: false,
      status: 403,
      formError: "forums.errors.locked",
    });
    expect(await posts()).toBe(before);
    expect(await editPost(t.db, marc.viewer, topic.postId, { body: "Vandalisme" })).toMatchObject({
      ok: false,
      status: 403,
      formError: "forums.errors.not_author",
    });
    const text = await system((tx) =>
      tx.selectFrom("forum_posts").select("body_text").where("id", "=", topic.postId).executeTakeFirstOrThrow(),
    );
    expect(text.body_text).toBe("Texte d'origine");
  });

  test("a reference to a private topic cannot leak its title into a public post", async () => {
    const hidden = await createTopic(t.db, manager.viewer, cat.members, { title: "Budget confidentiel", tags: [], body: "Chiffres" });
    if (!hidden.ok) throw new Error("topic");
    const before = await posts();
    const outcome = await createTopic(t.db, manager.viewer, cat.public, {
      title: "Voir ce sujet",
      tags: [],
      body: `Lien : [x](topic:${hidden.topicId})`,
    });
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { body: ["forums.richText.errors.bad_reference"] } });
    expect(await posts()).toBe(before);
  });

  test("edits keep a history visible to the author and moderators; the title's edit is one revision", async () => {
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, { title: "Titre premier", tags: [], body: "Version 1" });
    if (!topic.ok) throw new Error("topic");
    expect(await editPost(t.db, isabelle.viewer, topic.postId, { title: "Titre second", body: "Version 2" })).toMatchObject({ ok: true });
    expect(await editPost(t.db, moderator.viewer, topic.postId, { body: "Version 3" })).toMatchObject({ ok: true });
    const history = await getPostHistory(t.db, isabelle.viewer, topic.postId);
    if (history.status !== 200) throw new Error("history");
    expect(history.revisions.map((r) => [r.title, r.html])).toEqual([
      ["Titre second", "<p>Version 2</p>"],
      ["Titre premier", "<p>Version 1</p>"],
    ]);
    expect((await getPostHistory(t.db, moderator.viewer, topic.postId)).status).toBe(200);
    expect((await getPostHistory(t.db, marc.viewer, topic.postId)).status).toBe(403);
  });

  test("reactions, bookmarks, accepted answer and soft delete", async () => {
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, { title: "Question à résoudre", tags: [], body: "Question" });
    if (!topic.ok) throw new Error("topic");
    const answer = await createReply(t.db, marc.viewer, topic.topicId, { body: "Réponse" });
    if (!answer.ok) throw new Error("answer");
    expect(await toggleReaction(t.db, isabelle.viewer, answer.postId, "thanks")).toMatchObject({ ok: true });
    expect(await toggleReaction(t.db, marc.viewer, answer.postId, "thanks")).toMatchObject({
      ok: false,
      formError: "forums.errors.react_own",
    });
    expect(await toggleBookmark(t.db, isabelle.viewer, answer.postId)).toMatchObject({ ok: true });
    expect(await setAcceptedAnswer(t.db, marc.viewer, topic.topicId, answer.postId)).toMatchObject({
      ok: false,
      formError: "forums.errors.not_author",
    });
    expect(await setAcceptedAnswer(t.db, isabelle.viewer, topic.topicId, answer.postId)).toEqual({ ok: true });
    const page = await getTopicPage(t.db, isabelle.claims, topic.topicId);
    const shown = page?.posts.find((p) => p.id === answer.postId);
    expect(shown).toMatchObject({ accepted: true, bookmarked: true });
    expect(shown?.reactions.find((r) => r.kind === "thanks")).toEqual({ kind: "thanks", count: 1, mine: true });
    expect(await deletePost(t.db, marc.viewer, answer.postId)).toMatchObject({ ok: true });
    const asOther = await getTopicPage(t.db, outsider.claims, topic.topicId);
    expect(asOther?.posts.map((p) => p.id)).toEqual([topic.postId]);
    const asModerator = await getTopicPage(t.db, moderator.claims, topic.topicId);
    expect(asModerator?.posts.find((p) => p.id === answer.postId)?.deleted).toBe(true);
  });
});

describe("topic lists", () => {
  test("latest activity first, unread markers per member, cursor pages without gaps or repeats", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const created = await createTopic(t.db, marc.viewer, cat.other, { title: `Sujet de liste ${i}`, tags: [], body: `Texte ${i}` });
      if (!created.ok) throw new Error("topic");
      ids.push(created.topicId);
    }
    const first = await listCategoryTopics(t.db, isabelle.claims, cat.other, null, 3);
    expect(first.topics.map((x) => x.title)).toEqual(["Sujet de liste 6", "Sujet de liste 5", "Sujet de liste 4"]);
    expect(first.topics.every((x) => x.unread === "new")).toBe(true);
    const { cursorSchema } = await import("~/modules/forums/forums.server");
    const seen: string[] = [...first.topics.map((x) => x.title)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await listCategoryTopics(t.db, isabelle.claims, cat.other, cursorSchema.parse(cursor), 3);
      seen.push(...page.topics.map((x) => x.title));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `Sujet de liste ${i}`));
    // Isabelle reads topic 6; Marc replies to it: one new post for her, and it moves to the top.
    await markRead(t.db, isabelle.viewer, ids[6] ?? 0, 1);
    await createReply(t.db, marc.viewer, ids[0] ?? 0, { body: "Relance" });
    await createReply(t.db, marc.viewer, ids[6] ?? 0, { body: "Précision" });
    const again = await listCategoryTopics(t.db, isabelle.claims, cat.other, null, 3);
    expect(again.topics.slice(0, 2).map((x) => [x.title, x.unread, x.unread_count, x.reply_count])).toEqual([
      ["Sujet de liste 6", "updated", 1, 1],
      ["Sujet de liste 0", "new", 0, 1],
    ]);
    const category = await system((tx) =>
      tx.selectFrom("forum_categories").select(["topic_count", "post_count"]).where("id", "=", cat.other).executeTakeFirstOrThrow(),
    );
    expect(category).toEqual({ topic_count: 7, post_count: 9 });
    const latest = await listLatestTopics(t.db, null, null, 50);
    expect(latest.topics.every((x) => x.category?.slug === "bienvenue")).toBe(true);
  });

  test("a topic page costs the same few queries whatever its number of posts (no N+1)", async () => {
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, { title: "Sujet très suivi", tags: [], body: "Début" });
    if (!topic.ok) throw new Error("topic");
    // Counts the statements the page runs, through a Kysely plugin on its transaction.
    const count = async () => {
      let n = 0;
      const counter: KyselyPlugin = {
        transformQuery: (args) => {
          n += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const counting: Database = {
        ...t.db,
        withUser: (claims, fn, options) => t.db.withUser(claims, (tx) => fn(tx.withPlugin(counter)), options),
      };
      const page = await getTopicPage(counting, isabelle.claims, topic.topicId);
      return { n, posts: page?.posts.length ?? 0 };
    };
    const small = await count();
    for (let i = 0; i < 12; i++) {
      const author = i % 2 === 0 ? marc : moderator;
      const r = await createReply(t.db, author.viewer, topic.topicId, { body: `Réponse ${i}` });
      if (!r.ok) throw new Error(JSON.stringify(r));
    }
    const big = await count();
    expect(big.posts).toBe(13);
    expect(big.n).toBe(small.n);
    expect(big.n).toBeLessThanOrEqual(8);
  });
});

describe("search", () => {
  const find = async (claims: Person["claims"] | null, params: Record<string, string>) => search(t.db, claims, searchSchema.parse(params));

  test("French-aware: 'therapie eleve' finds 'Thérapies… élèves', with marked excerpts", async () => {
    const result = await find(isabelle.claims, { q: "therapie eleve" });
    const hit = result.hits.find((h) => h.title.map((r) => r.text).join("") === "Thérapies de groupe pour les élèves");
    expect(hit).toBeDefined();
    expect(hit?.title.filter((r) => r.mark).map((r) => r.text)).toEqual(["Thérapies", "élèves"]);
    expect(hit?.excerpt.some((r) => r.mark && /thérapies/i.test(r.text))).toBe(true);
  });

  test("English too, and titles with a typo", async () => {
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, {
      title: "Managed alcohol programs in shelters",
      tags: ["alcool"],
      body: "Running a program for people experiencing homelessness.",
    });
    if (!topic.ok) throw new Error("topic");
    expect((await find(isabelle.claims, { q: "shelter programs" })).hits.map((h) => h.url)).toContain(`/forums/p/${topic.postId}`);
    expect((await find(isabelle.claims, { q: "homeless" })).hits.map((h) => h.url)).toContain(`/forums/p/${topic.postId}`);
    expect((await find(isabelle.claims, { q: "Manged alcohl" })).hits.map((h) => h.url)).toContain(`/forums/p/${topic.postId}`);
  });

  test("only what the person may read, with filters", async () => {
    await createTopic(t.db, manager.viewer, cat.members, {
      title: "Indicateurs des gestionnaires",
      tags: [],
      body: "Thérapies et élèves : indicateurs internes",
    });
    const asManager = await find(manager.claims, { q: "indicateurs" });
    expect(asManager.hits).toHaveLength(1);
    expect((await find(isabelle.claims, { q: "indicateurs" })).hits).toHaveLength(0);
    expect((await find(null, { q: "therapie eleve" })).hits).toHaveLength(0);
    expect((await find(isabelle.claims, { q: "therapie", category: "bienvenue" })).hits).toHaveLength(0);
    expect((await find(isabelle.claims, { q: "therapie", region: "09", tag: "jeunes" })).hits.length).toBeGreaterThan(0);
    expect((await find(isabelle.claims, { q: "therapie", author: "isabelle" })).hits.length).toBeGreaterThan(0);
    expect((await find(isabelle.claims, { q: "therapie", author: "marc" })).hits).toHaveLength(0);
    expect((await find(isabelle.claims, { q: "therapie", from: "2999-01-01" })).hits).toHaveLength(0);
  });

  // Data-heavy: 5 100 rows with their triggers take well over 20 s on a loaded 2-core machine.
  test("a word in more than 5 000 posts: the newest readable posts are ranked (the common-word path)", { timeout: 120_000 }, async () => {
    // By the moderator, whom posting limits leave alone: the other tests' authors keep their quota.
    const common = await createTopic(t.db, moderator.viewer, cat.verified, {
      title: "Suivi des doses de zopiclone",
      tags: [],
      body: "zopiclone au coucher",
    });
    const hidden = await createTopic(t.db, manager.viewer, cat.members, {
      title: "Zopiclone : note interne",
      tags: [],
      body: "zopiclone interne",
    });
    if (!common.ok || !hidden.ok) throw new Error(`topics: ${JSON.stringify([common, hidden])}`);
    // Set-based, as the bench does: 5 100 replies that all say the word, the last ones
    // newest; in batches, so that each statement (with its per-row triggers) stays quick.
    for (let from = 1; from <= 5100; from += 850) {
      await system(async (tx) => {
        // Test data, not the product under test: the app's 8 s statement limit caught a
        // batch once on a machine at load 17; the search below keeps the limit.
        await sql`select set_config('statement_timeout', '120000', true)`.execute(tx);
        await sql`
        insert into public.forum_posts (topic_id, space_id, post_number, author_id, body, body_text, status, created_at)
        select t.id, t.space_id, 1 + g, t.author_id,
               jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object('type', 'paragraph',
                 'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'zopiclone réponse ' || g))))),
               'zopiclone réponse ' || g, 'published', now() + g * interval '1 second'
          from public.forum_topics t, generate_series(${from}::int, ${from + 849}::int) g
         where t.id = ${common.topicId}`.execute(tx);
      });
    }
    const newest = await system((tx) =>
      tx
        .selectFrom("forum_posts")
        .select("id")
        .where("topic_id", "=", common.topicId)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirstOrThrow(),
    );
    const asMember = await find(isabelle.claims, { q: "zopiclone" });
    expect(asMember.hits).toHaveLength(SEARCH_LIMITS.pageSize);
    expect(asMember.more).toBe(true);
    expect(asMember.hits.map((h) => h.url)).toContain(`/forums/p/${newest.id}`);
    // The private space's post is not among them for someone outside it, on either path.
    expect(asMember.hits.map((h) => h.url)).not.toContain(`/forums/p/${hidden.postId}`);
    expect((await find(isabelle.claims, { q: "zopiclone interne" })).hits.map((h) => h.url)).not.toContain(`/forums/p/${hidden.postId}`);
    expect((await find(manager.claims, { q: "zopiclone interne" })).hits.map((h) => h.url)).toContain(`/forums/p/${hidden.postId}`);
  });

  test("markup in posts comes back as text, and odd queries never fail", async () => {
    await createTopic(t.db, isabelle.viewer, cat.verified, {
      title: "Balises <script>alert(1)</script> dans un titre",
      tags: [],
      body: "Texte <img src=x onerror=alert(1)> brut",
    });
    const result = await find(isabelle.claims, { q: "balises onerror" });
    const joined = result.hits
      .flatMap((h) => [...h.title, ...h.excerpt])
      .map((r) => r.text)
      .join(" ");
    expect(joined).toContain("<script>");
    for (const q of ['"', "!!", "a & | ! ( )", "'; drop table forum_posts; --", "les", "🙂 émoji", "x".repeat(200)]) {
      await expect(find(isabelle.claims, { q })).resolves.toBeDefined();
    }
    expect(searchSchema.safeParse({ q: "x".repeat(201) }).error?.flatten().fieldErrors).toEqual({ q: ["forums.search.tooLong"] });
  });

  test("under overload, searches are refused as busy (a 503 for the page), never with a database error", async () => {
    // The database is made slow for real: another transaction holds the posts table
    // (on PGlite, the one session) for longer than a search may wait.
    let held!: () => void;
    const locked = new Promise<void>((resolve) => (held = resolve));
    const holder = system(async (tx) => {
      await sql`lock table public.forum_posts in access exclusive mode`.execute(tx);
      held();
      await sql`select pg_sleep(${(SEARCH_STATEMENT_TIMEOUT_MS + 1_000) / 1000})`.execute(tx);
    });
    await locked;
    const extra = 10;
    const total = SEARCH_CONCURRENCY.active + SEARCH_CONCURRENCY.waiting + extra;
    const outcomes = await Promise.allSettled(Array.from({ length: total }, () => find(isabelle.claims, { q: "therapie eleve" })));
    await holder;
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
    expect(refused.filter((e) => !(e instanceof SearchBusyError))).toEqual([]);
    // Past the running and waiting searches, the rest are refused at once.
    expect(refused.filter((e) => e instanceof SearchBusyError && e.reason === "queue_full")).toHaveLength(extra);
    // PostgreSQL cancels the searches stuck behind the lock at their own timeout (PGlite's
    // searches wait for the session instead, where no statement is running yet).
    if (t.kind === "postgres") expect(refused.some((e) => e instanceof SearchBusyError && e.reason === "timeout")).toBe(true);
    expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
    // Every slot was given back: searching works again.
    const after = await Promise.all(
      Array.from({ length: SEARCH_CONCURRENCY.active + 1 }, () => find(isabelle.claims, { q: "therapie eleve" })),
    );
    expect(after.every((r) => r.hits.length > 0)).toBe(true);
  }, 30_000);
});

describe("watching and notifications", () => {
  test("a mention and a reply notify (once, the strongest reason), watchers are told of new posts, muted people never", async () => {
    await system((tx) => tx.deleteFrom("outbox").execute());
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, {
      title: "Qui surveille ce sujet ?",
      tags: [],
      body: "Premier message",
    });
    if (!topic.ok) throw new Error("topic");
    await afterPublish(context, topic, "Isabelle Gagnon");
    await setTopicWatch(t.db, moderator.viewer, topic.topicId, "watching");
    await setTopicWatch(t.db, manager.viewer, topic.topicId, "muted");
    emitted.length = 0;
    const reply = await createReply(t.db, marc.viewer, topic.topicId, {
      replyTo: topic.postId,
      bodyJson: doc({
        type: "paragraph",
        content: [
          { type: "text", text: "Voir " },
          { type: "mention", attrs: { id: isabelle.id, label: "x" } },
          { type: "text", text: " et " },
          { type: "mention", attrs: { id: manager.id, label: "y" } },
        ],
      }),
    });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    await afterPublish(context, reply, "Marc-André Lévesque");
    const rows = await system((tx) =>
      tx
        .selectFrom("notifications")
        .select(["user_id", "kind", "payload", "emailed_at"])
        .where(sql`payload->>'postId'`, "=", String(reply.postId))
        .execute(),
    );
    expect(rows.map((r) => [r.user_id, r.kind]).sort()).toEqual(
      [
        [isabelle.id, "forums.mention"],
        [moderator.id, "forums.post"],
      ].sort(),
    );
    expect(rows.every((r) => r.emailed_at !== null)).toBe(true);
    expect(emitted.find((e) => e.room === `topic:${topic.topicId}`)).toMatchObject({
      event: "forum:post:new",
      payload: { postId: reply.postId, postNumber: 2 },
    });
    expect(
      emitted
        .filter((e) => e.event === "notification:new")
        .map((e) => e.users?.[0])
        .sort(),
    ).toEqual([isabelle.id, moderator.id].sort());
    const mail = await system((tx) => tx.selectFrom("outbox").select(["to_email", "subject", "body_text", "headers"]).execute());
    const toIsabelle = mail.find((m) => m.to_email === isabelle.email);
    // RFC 8058 one-click unsubscribe: the same signed link as the body's, in the headers.
    const bodyLink = /(\S+\/forums\/unsubscribe\?token=\S+)/.exec(toIsabelle?.body_text ?? "")?.[1];
    expect(toIsabelle?.headers).toEqual({ "List-Unsubscribe": `<${bodyLink}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    expect(toIsabelle?.subject).toBe("Passerelle — Marc-André Lévesque vous a mentionné·e dans «\u00a0Qui surveille ce sujet ?\u00a0»");
    expect(toIsabelle?.body_text).toContain(`/forums/p/${reply.postId}`);
    expect(toIsabelle?.body_text).not.toContain("Voir"); // no post content in email
    const token = /unsubscribe\?token=([^\s]+)/.exec(toIsabelle?.body_text ?? "")?.[1];
    expect(token).toBeDefined();
    expect(await unsubscribeWithToken(context, decodeURIComponent(token ?? ""))).toBe(true);
    expect(await unsubscribeWithToken(context, `${isabelle.id}.forged`)).toBe(false);
    expect(await unsubscribeWithToken(context, signToken(env.APP_SECRET ?? "", "another-purpose", isabelle.id))).toBe(false);
    const mode = await system((tx) =>
      tx.selectFrom("forum_email_settings").select("mode").where("user_id", "=", isabelle.id).executeTakeFirst(),
    );
    expect(mode?.mode).toBe("off");
    void UNSUBSCRIBE_PURPOSE;
  });

  test("digest readers get one email per period, not one per event", async () => {
    await system(async (tx) => {
      await tx.deleteFrom("outbox").execute();
      await tx
        .insertInto("forum_email_settings")
        .values({ user_id: moderator.id, mode: "daily", updated_at: sql`now() - interval '2 days'` })
        .onConflict((oc) =>
          oc.column("user_id").doUpdateSet({ mode: "daily", updated_at: sql`now() - interval '2 days'`, digest_sent_at: null }),
        )
        .execute();
      await tx
        .updateTable("notifications")
        .set({ created_at: sql`now() - interval '1 day'` })
        .where("user_id", "=", moderator.id)
        .execute();
    });
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, {
      title: "Sujet pour le résumé",
      tags: [],
      body: `Bonjour @[Modératrice](member:${moderator.id})`,
    });
    if (!topic.ok) throw new Error(JSON.stringify(topic));
    await afterPublish(context, topic, "Isabelle Gagnon");
    expect(await system((tx) => tx.selectFrom("outbox").select("to_email").where("to_email", "=", moderator.email).execute())).toEqual([]);
    expect(await sendForumDigests({ db: t.db, mail: context.mail, env })).toBe(1);
    const digest = await system((tx) =>
      tx.selectFrom("outbox").select(["subject", "body_text", "headers"]).where("to_email", "=", moderator.email).executeTakeFirstOrThrow(),
    );
    expect(digest.headers).toMatchObject({
      "List-Unsubscribe": expect.stringMatching(/^<https?:\/\/[^>]+\/forums\/unsubscribe\?token=[^>]+>$/),
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(digest.subject).toMatch(/nouveautés? dans les forums/);
    expect(digest.body_text).toContain("Sujet pour le résumé");
    expect(digest.body_text).toContain("/forums/unsubscribe?token=");
    expect(await sendForumDigests({ db: t.db, mail: context.mail, env })).toBe(0);
  });
});

describe("moderation", () => {
  test("held posts wait in the queue; approving publishes them and tells the topic's readers", async () => {
    const held = await createTopic(t.db, newcomer.viewer, cat.public, {
      title: "Bonjour de la Gaspésie",
      tags: [],
      body: "Premier message d'un pair aidant",
    });
    if (!held.ok) throw new Error(JSON.stringify(held));
    expect(held.postStatus).toBe("pending");
    expect(await getTopicPage(t.db, null, held.topicId)).toBeNull();
    const queue = await getReviewQueue(t.db, moderator.viewer);
    expect(queue.pending.map((p) => [p.title, p.author])).toContainEqual(["Bonjour de la Gaspésie", "Samuel Côté"]);
    emitted.length = 0;
    expect(await moderatePost(context, moderator.viewer, { postId: held.postId, act: "approve" })).toMatchObject({ ok: true });
    expect((await getTopicPage(t.db, null, held.topicId))?.topic.status).toBe("published");
    expect(emitted.some((e) => e.room === `topic:${held.topicId}`)).toBe(true);
    expect(await moderatePost(context, marc.viewer, { postId: held.postId, act: "hide" })).toMatchObject({ ok: false, status: 403 });
    const audit = await system((tx) => tx.selectFrom("audit_log").select("action").where("target_id", "=", String(held.postId)).execute());
    expect(audit.map((a) => a.action)).toEqual(["forum.post.approve"]);
  });

  test("move and split keep counters right and are audited", async () => {
    const topic = await createTopic(t.db, isabelle.viewer, cat.verified, { title: "Sujet à scinder", tags: [], body: "Début" });
    if (!topic.ok) throw new Error("topic");
    const replies: number[] = [];
    for (const text of ["Réponse A", "Hors sujet B", "Hors sujet C"]) {
      const r = await createReply(t.db, marc.viewer, topic.topicId, { body: text });
      if (!r.ok) throw new Error("reply");
      replies.push(r.postId);
    }
    const split = await splitTopic(t.db, moderator.viewer, {
      topicId: topic.topicId,
      postIds: replies.slice(1),
      title: "Nouveau sujet scindé",
      categoryId: cat.other,
    });
    if (!split.ok) throw new Error(JSON.stringify(split));
    const moved = await getTopicPage(t.db, isabelle.claims, split.newTopicId);
    expect(moved?.posts.map((p) => [p.post_number, p.html])).toEqual([
      [1, "<p>Hors sujet B</p>"],
      [2, "<p>Hors sujet C</p>"],
    ]);
    expect(moved?.topic.reply_count).toBe(1);
    expect((await getTopicPage(t.db, isabelle.claims, topic.topicId))?.topic.reply_count).toBe(1);
    expect(await moderateTopic(t.db, moderator.viewer, { topicId: split.newTopicId, act: "move", categoryId: cat.public })).toEqual({
      ok: true,
    });
    expect((await getTopicPage(t.db, null, split.newTopicId))?.topic.category.slug).toBe("bienvenue");
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select("action")
        .where("actor_id", "=", moderator.id)
        .where("action", "in", ["forum.topic.split", "forum.topic.move"])
        .execute(),
    );
    expect(audit.map((a) => a.action).sort()).toEqual(["forum.topic.move", "forum.topic.split"]);
  });
});
