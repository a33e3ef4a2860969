// The identifier guard beyond cases (decision 009): forum topics, replies and edits,
// chat messages and edits are refused while they hold a possible patient identifier —
// and then nothing at all is stored — unless the author marks each finding as
// identifying no one, with a reason. The overrides (identifier_overrides) are read by
// their author and the subject's moderators only, person by person.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { createConversation, editMessage, listMessageOverrides, sendMessage } from "~/modules/chat/chat.server";
import { createReply, createTopic, editPost, saveDraft } from "~/modules/forums/forums.server";
import { getReviewQueue } from "~/modules/forums/moderation.server";
import { overridesPerKind } from "~/modules/identifier-guard/review.server";
import type { Claims, Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type CreateUserOptions, type TestDatabase, type TestUser } from "../setup/test-db";

let t: TestDatabase;
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures and read back", fn);

interface Person extends TestUser {
  viewer: Viewer;
}
async function person(name: string, options: CreateUserOptions = {}): Promise<Person> {
  const user = await createUser(t.db, { displayName: name, directoryOptIn: true, ...options });
  await system((tx) =>
    tx
      .updateTable("profiles")
      .set({ created_at: sql`now() - interval '30 days'` })
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
let author: Person;
let peer: Person;
let unverified: Person;
let moderator: Person;
let spaceModerator: Person;
let topicId = 0;
let category = "";
let conversation = "";

// What the usability report found published without a word.
const LEAKY = "Mme Tremblay, née le 12/03/1985, NAM TREM85031212, joignable au 514 555-0134, a rechuté.";

const counts = () =>
  system(async (tx) => {
    const {
      rows: [r],
    } = await sql<{ posts: number; topics: number; messages: number; overrides: number; revisions: number; drafts: number }>`
    select (select count(*)::int from forum_posts) as posts, (select count(*)::int from forum_topics) as topics,
           (select count(*)::int from forum_drafts) as drafts,
           (select count(*)::int from messages) as messages, (select count(*)::int from identifier_overrides) as overrides,
           (select count(*)::int from forum_post_revisions) as revisions`.execute(tx);
    return r;
  });

beforeAll(async () => {
  t = await createTestDatabase();
  author = await person("Isabelle Gagnon", { verified: true });
  peer = await person("Marc-André Lévesque", { verified: true });
  unverified = await person("Samuel Côté");
  moderator = await person("Modératrice", { verified: true, roles: ["moderator"] });
  spaceModerator = await person("Coordonnatrice", { verified: true });
  await system(async (tx) => {
    const space = (
      await tx
        .insertInto("spaces")
        .values({
          slug: "ecl-09",
          kind: "group",
          visibility: "members",
          name_fr: "ECHO 09",
          name_en: "ECHO 09",
          region_code: null,
          discipline_code: null,
          created_by: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    category = (
      await tx
        .insertInto("forum_categories")
        .values({ space_id: space, slug: "cas", name_fr: "Cas", name_en: "Cases", topic_code: null, created_by: null })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    for (const [user, role] of [
      [author, "member"],
      [peer, "member"],
      [spaceModerator, "moderator"],
    ] as const) {
      await tx.insertInto("space_members").values({ space_id: space, user_id: user.id, role, added_by: null }).execute();
    }
  });
  const topic = await createTopic(t.db, author.viewer, category, {
    title: "Induction en milieu rural",
    tags: [],
    body: "Vos expériences ?",
  });
  if (!topic.ok) throw new Error(JSON.stringify(topic));
  topicId = topic.topicId;
  const conv = await createConversation(t.db, author.claims, { kind: "group", title: "Équipe TAO", members: [peer.id] });
  if (!conv.ok) throw new Error(JSON.stringify(conv));
  conversation = conv.id;
}, 240_000);
afterAll(() => t?.cleanup());

describe("forums", () => {
  test("a reply with a name after a title, a date of birth, a NAM and a phone is refused with each finding; nothing is stored", async () => {
    const before = await counts();
    const refused = await createReply(t.db, author.viewer, topicId, { body: LEAKY });
    expect(refused).toMatchObject({ ok: false, status: 400, formError: "identifierGuard.errors.identifiers" });
    if (refused.ok) return;
    expect(refused.findings?.map((f) => [f.field, f.kind, f.match])).toEqual([
      ["body", "name", "Tremblay"],
      ["body", "date_of_birth", "12/03/1985"],
      ["body", "nam", "TREM85031212"],
      ["body", "phone", "514 555-0134"],
    ]);
    expect(refused.findings?.[0]).toMatchObject({ before: "Mme ", after: expect.stringContaining(", née le") });
    // The autosaved draft of the same text is not kept either.
    expect(await saveDraft(t.db, author.viewer, { key: `reply:${topicId}`, body: LEAKY })).toMatchObject({ ok: false, status: 400 });
    expect(await counts()).toEqual(before);
  });

  test("a topic's title is guarded too; nothing is stored", async () => {
    const before = await counts();
    const refused = await createTopic(t.db, author.viewer, category, {
      title: "Question pour M. Gagnon",
      tags: [],
      body: "Rien d'identifiant ici.",
    });
    expect(refused).toMatchObject({ ok: false, status: 400, findings: [{ field: "title", kind: "name", match: "Gagnon" }] });
    expect(await counts()).toEqual(before);
  });

  test("every finding marked with a reason lets the reply through; the overrides are stored with it; one missing still blocks", async () => {
    const text = "Le Dr Seuss du CLSC, ligne d'écoute 1 866 555-0199.";
    const one = [{ field: "body", kind: "name", match: "Seuss", reason: "Auteur de livres pour enfants, pas une personne suivie" }];
    const partial = await createReply(t.db, author.viewer, topicId, { body: text }, one);
    expect(partial).toMatchObject({ ok: false, findings: [{ kind: "phone", match: "1 866 555-0199" }] });
    const tooShort = await createReply(t.db, author.viewer, topicId, { body: text }, [
      ...one,
      { field: "body", kind: "phone", match: "1 866 555-0199", reason: "ok" },
    ]);
    expect(tooShort).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { overrides: ["identifierGuard.errors.override_reason_required"] },
    });
    const both = [...one, { field: "body", kind: "phone", match: "1 866 555-0199", reason: "Ligne publique d'un organisme" }];
    const posted = await createReply(t.db, author.viewer, topicId, { body: text }, both);
    if (!posted.ok) throw new Error(JSON.stringify(posted));
    const stored = await system((tx) =>
      tx.selectFrom("identifier_overrides").selectAll().where("forum_post_id", "=", posted.postId).orderBy("id").execute(),
    );
    expect(stored.map((o) => [o.field, o.kind, o.match, o.reason, o.author_id, o.message_id])).toEqual([
      ["body", "name", "Seuss", "Auteur de livres pour enfants, pas une personne suivie", author.id, null],
      ["body", "phone", "1 866 555-0199", "Ligne publique d'un organisme", author.id, null],
    ]);
    // An edit keeps the stored overrides for the same passages, and refuses a new identifier.
    const edited = await editPost(t.db, author.viewer, posted.postId, { body: `${text} Merci.` });
    expect(edited.ok).toBe(true);
    const before = await counts();
    const leaky = await editPost(t.db, author.viewer, posted.postId, { body: `${text} Voir Mme Tremblay.` });
    expect(leaky).toMatchObject({ ok: false, status: 400, findings: [{ kind: "name", match: "Tremblay" }] });
    expect(await counts()).toEqual(before);
    const body = await system((tx) =>
      tx.selectFrom("forum_posts").select("body_text").where("id", "=", posted.postId).executeTakeFirstOrThrow(),
    );
    expect(body.body_text).not.toContain("Tremblay");
    // The space's coordinator sees them in the moderation queue; a peer's queue is empty.
    const queue = await getReviewQueue(t.db, spaceModerator.viewer);
    expect(queue.overrides.map((o) => [o.match, o.reason, o.author])).toEqual([
      ["1 866 555-0199", "Ligne publique d'un organisme", "Isabelle Gagnon"],
      ["Seuss", "Auteur de livres pour enfants, pas une personne suivie", "Isabelle Gagnon"],
    ]);
    expect((await getReviewQueue(t.db, peer.viewer)).overrides).toEqual([]);
    // The figure moderators see on /cases/review: overrides per kind over 90 days, through RLS.
    expect(await overridesPerKind(t.db, spaceModerator.claims)).toEqual([
      { kind: "phone", count: 1 },
      { kind: "name", count: 1 },
    ]);
    expect(await overridesPerKind(t.db, peer.claims)).toEqual([]);
  });

  test("a finding certain by its form cannot be overridden, and a reason needs a few words; nothing is stored", async () => {
    const before = await counts();
    // An email address and a NAM whose check digit agrees (TREM 8503 1513, computed by hand in
    // app/modules/identifier-guard/real-text.test.ts) are identifiers whatever the reason says.
    for (const [kind, match] of [
      ["email", "j.tremblay@exemple.ca"],
      ["nam", "TREM 8503 1513"],
    ] as const) {
      const refused = await createReply(t.db, author.viewer, topicId, { body: `Écrire à ${match} pour la suite.` }, [
        { field: "body", kind, match, reason: "Ce passage est celui d'un organisme public" },
      ]);
      expect(refused).toMatchObject({
        ok: false,
        status: 400,
        fieldErrors: { overrides: ["identifierGuard.errors.override_certain"] },
        findings: [{ kind, match, certain: true }],
      });
    }
    const twoWords = await createReply(t.db, author.viewer, topicId, { body: "Vu avec le Dr Seuss." }, [
      { field: "body", kind: "name", match: "Seuss", reason: "personnage fictif" },
    ]);
    expect(twoWords).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { overrides: ["identifierGuard.errors.override_reason_required"] },
    });
    expect(await counts()).toEqual(before);
  });
});

describe("forums: colleagues' names are not patients' (through the real post path)", () => {
  const mention = (who: Person, label = who.viewer.displayName) => `@[${label}](member:${who.id})`;

  test("a greeting to a member of the space and a mention of one are published", async () => {
    const greeting = await createReply(t.db, author.viewer, topicId, { body: "Bonjour Marc-André, as-tu revu le protocole d'induction ?" });
    expect(greeting).toMatchObject({ ok: true });
    // Each post by another member of the space: the posting rate limit counts per author.
    const mentioned = await createReply(t.db, peer.viewer, topicId, { body: `Merci ${mention(author)} pour la question.` });
    expect(mentioned).toMatchObject({ ok: true });
    // A new topic in the space, and a draft, get the same exemption.
    const topic = await createTopic(t.db, spaceModerator.viewer, category, {
      title: "Question à Marc-André",
      tags: [],
      body: "Bonjour Marc-André, une question sur la buprénorphine.",
    });
    expect(topic).toMatchObject({ ok: true });
    expect(await saveDraft(t.db, author.viewer, { key: `reply:${topicId}`, body: "Merci Marc-André, je regarde." })).toMatchObject({
      ok: true,
      saved: true,
    });
  });

  test("a patient's name beside a colleague's is still refused, and only it is listed; nothing is stored", async () => {
    const before = await counts();
    const refused = await createReply(t.db, author.viewer, topicId, {
      body: "Bonjour Marc-André, sa conjointe Josée Tremblay a appelé hier.",
    });
    expect(refused).toMatchObject({ ok: false, status: 400 });
    if (refused.ok) return;
    expect(refused.findings?.map((f) => [f.kind, f.match])).toEqual([["name", "Josée Tremblay"]]);
    expect(await counts()).toEqual(before);
  });

  test("someone who is not a member of the space is not a colleague, nor is a patient's name typed as a mention's label", async () => {
    const greeting = await createReply(t.db, author.viewer, topicId, { body: "Bonjour Bertrand, une question privée." });
    expect(greeting).toMatchObject({ ok: false, status: 400 });
    // Samuel Côté exists but is in no part of this private space.
    const outsider = await createReply(t.db, author.viewer, topicId, { body: "Salut Samuel, tu as vu ?" });
    expect(outsider).toMatchObject({ ok: false, status: 400 });
    const forged = await createReply(t.db, author.viewer, topicId, { body: `Nouvelles de ${mention(peer, "Josée Tremblay")} ce matin.` });
    expect(forged).toMatchObject({ ok: false, status: 400 });
    if (!forged.ok) expect(forged.findings?.map((f) => f.match)).toEqual(["Josée Tremblay"]);
  });

  test("a surname after M./Mme stays a finding, even when a colleague bears it", async () => {
    const refused = await createReply(t.db, author.viewer, topicId, { body: "Mme Lévesque a rechuté cette semaine." });
    expect(refused).toMatchObject({ ok: false, status: 400 });
  });
});

describe("chat", () => {
  test("a message with identifiers is refused with the findings; nothing is stored", async () => {
    const before = await counts();
    const refused = await sendMessage(t.db, author.claims, { conversationId: conversation, clientId: randomUUID(), body: LEAKY });
    expect(refused).toMatchObject({ ok: false, code: "identifiers" });
    if (refused.ok) return;
    expect(refused.findings?.map((f) => f.kind)).toEqual(["name", "date_of_birth", "nam", "phone"]);
    expect(await counts()).toEqual(before);
  });

  test("marked findings let it through, stored for moderators; an edit with a new identifier is refused and changes nothing", async () => {
    const body = "Rappel : la Dre Seuss du guide, p. 12, et le 811.";
    const overrides = [{ field: "body", kind: "name", match: "Seuss", reason: "Titre d'une section du guide" }];
    const sent = await sendMessage(t.db, author.claims, { conversationId: conversation, clientId: randomUUID(), body, overrides });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    const before = await counts();
    const edit = await editMessage(t.db, author.claims, { messageId: sent.message.id, body: `${body} Appeler le 418 555-0142.` });
    expect(edit).toMatchObject({ ok: false, code: "identifiers", findings: [{ kind: "phone", match: "418 555-0142" }] });
    expect(await counts()).toEqual(before);
    const kept = await system((tx) => tx.selectFrom("messages").select("body").where("id", "=", sent.message.id).executeTakeFirstOrThrow());
    expect(kept.body).toBe(body);
    // Stored overrides still stand for the same passage on an edit.
    expect((await editMessage(t.db, author.claims, { messageId: sent.message.id, body: `${body} Merci !` })).ok).toBe(true);
    expect((await listMessageOverrides(t.db, moderator.claims)).map((o) => [o.match, o.reason, o.authorName])).toEqual([
      ["Seuss", "Titre d'une section du guide", "Isabelle Gagnon"],
    ]);
  });
});

describe("who reads and writes identifier_overrides", () => {
  const read = (claims: Claims) =>
    t.db.withUser(claims, (tx) =>
      tx.selectFrom("identifier_overrides").select(["match", "forum_post_id", "message_id"]).orderBy("id").execute(),
    );
  const kinds = (rows: Array<{ forum_post_id: number | null; message_id: number | null }>) =>
    rows.map((r) => (r.forum_post_id ? "post" : "message"));

  test("the author reads their own; forum posts' overrides go to the space's moderators, messages' to verified moderators", async () => {
    expect(kinds(await read(author.claims))).toEqual(["post", "post", "message"]);
    expect(kinds(await read(spaceModerator.claims))).toEqual(["post", "post"]);
    expect(kinds(await read(moderator.claims))).toEqual(["message"]);
    expect(await read(peer.claims)).toEqual([]);
    expect(await read(unverified.claims)).toEqual([]);
    await expect(read(null)).rejects.toThrow(/permission denied/);
  });

  test("nobody writes one for someone else's text, rewrites or deletes one", async () => {
    const [post] = await system((tx) =>
      tx.selectFrom("identifier_overrides").select(["id", "forum_post_id"]).where("forum_post_id", "is not", null).execute(),
    );
    const [message] = await system((tx) =>
      tx.selectFrom("identifier_overrides").select(["id", "message_id"]).where("message_id", "is not", null).execute(),
    );
    const insert = (claims: Claims, values: { forum_post_id?: number; message_id?: number }) =>
      t.db.withUser(claims, (tx) =>
        tx
          .insertInto("identifier_overrides")
          .values({ ...values, field: "body", kind: "name", match: "Mme X", reason: "pas une personne" })
          .execute(),
      );
    await expect(insert(peer.claims, { forum_post_id: post!.forum_post_id! })).rejects.toThrow(/not allowed/);
    await expect(insert(peer.claims, { message_id: message!.message_id! })).rejects.toThrow(/not allowed/);
    await expect(insert(moderator.claims, { message_id: message!.message_id! })).rejects.toThrow(/not allowed/);
    // Exactly one subject; the space or conversation comes from it, never from the client.
    await expect(
      t.db.withUser(author.claims, (tx) =>
        tx
          .insertInto("identifier_overrides")
          .values({
            forum_post_id: post!.forum_post_id!,
            message_id: message!.message_id!,
            field: "body",
            kind: "name",
            match: "Mme X",
            reason: "pas une personne",
          })
          .execute(),
      ),
    ).rejects.toThrow(/check constraint|not allowed|no such/);
    await expect(
      t.db.withUser(author.claims, (tx) => tx.updateTable("identifier_overrides").set({ reason: "changée après coup" }).execute()),
    ).rejects.toThrow(/permission denied/);
    await expect(t.db.withUser(moderator.claims, (tx) => tx.deleteFrom("identifier_overrides").execute())).rejects.toThrow(
      /permission denied/,
    );
    // Each override is in the audit log.
    const audited = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("action", "=", "identifier_override")
        .executeTakeFirstOrThrow(),
    );
    expect(audited.n).toBe(3);
  });
});
