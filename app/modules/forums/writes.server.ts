// Writing in the forums: topics and replies (guarded, links resolved, HTML stored
// after commit), read markers, edits and deletions, reactions, bookmarks, accepted
// answers, watch levels and flags. Refusals answer an Outcome; nothing is saved then.
import { sql } from "kysely";
import { docToText } from "~/components/rich-text/plain-text";
import { renderRichTextSafe } from "~/components/rich-text/render.server";
import type { RichDoc } from "~/components/rich-text/limits";
import type { Viewer } from "~/modules/accounts/accounts.server";
import type { Claims, Database, Tx } from "~/utils/db.server";
import type { ReactionKind, WatchLevel } from "~/utils/db-schema";
import { linkTargets } from "~/modules/identifier-guard/guard.server";
import type { EditPostInput, NewTopicInput, ReplyInput } from "./schemas";
import { storePostHtml } from "./post-html.server";
import { type Outcome } from "~/utils/outcome";
import { attempt, refused } from "./refusals.server";
import { colleaguesIn, forumColleagues, guardPost, linkPostBody, parsePostBody, storePostOverrides } from "./post-body.server";
import { iso, cards } from "./reads.server";

// ── Writing ─────────────────────────────────────────────────────────────────

async function categoryForPosting(tx: Tx, categoryId: string) {
  return tx
    .selectFrom("forum_categories as c")
    .innerJoin("spaces as s", "s.id", "c.space_id")
    .select([
      "c.id",
      "c.space_id",
      "c.archived_at",
      "s.visibility",
      "s.region_code",
      sql<boolean>`public.forum_can_create_topic(c.id)`.as("can_post"),
      sql<boolean>`public.forum_is_silenced()`.as("silenced"),
    ])
    .where("c.id", "=", categoryId)
    .executeTakeFirst();
}

/**
 * After a post's body is committed: its HTML, rendered once and stored (post-html.server.ts).
 * A failure here loses nothing: readers render the JSON until the next start renders it again.
 */
async function withStoredHtml<T extends Outcome<object>>(
  db: Database,
  outcome: T,
  postIdOf: (ok: Extract<T, { ok: true }>) => number,
): Promise<T> {
  if (!outcome.ok) return outcome;
  await storePostHtml(db, postIdOf(outcome as Extract<T, { ok: true }>)).catch(() => {});
  return outcome;
}

export interface Published {
  topicId: number;
  postId: number;
  postNumber: number;
  postStatus: string;
  mentions: string[];
  authorId?: string;
}

export async function createTopic(
  db: Database,
  viewer: Viewer,
  categoryId: string,
  input: NewTopicInput,
  overridesInput?: unknown,
): Promise<Outcome<Published>> {
  const body = parsePostBody(input);
  if (!body.ok) return body;
  const guard = await guardPost(
    { title: input.title, body: body.text, bodyLinks: linkTargets(body.doc) },
    overridesInput,
    [],
    colleaguesIn(
      db,
      viewer,
      async (tx) => {
        const category = await tx.selectFrom("forum_categories").select("space_id").where("id", "=", categoryId).executeTakeFirst();
        return category && { spaceId: category.space_id, topicId: null };
      },
      body.mentions,
    ),
  );
  if (!guard.ok) return guard;
  return withStoredHtml(
    db,
    await attempt(() =>
      db.withUser(viewer.claims, async (tx): Promise<Outcome<Published>> => {
        const category = await categoryForPosting(tx, categoryId);
        if (!category) return refused(404, "forums.errors.not_found");
        if (category.silenced) return refused(403, "forums.errors.silenced");
        if (category.archived_at) return refused(403, "forums.errors.archived");
        if (!category.can_post) return refused(403, "forums.errors.forbidden");
        const space = { id: category.space_id, visibility: category.visibility };
        const linked = await linkPostBody(tx, body, space);
        if (!linked.ok) return linked;
        const topic = await tx
          .insertInto("forum_topics")
          .values({
            category_id: categoryId,
            author_id: viewer.id,
            title: input.title,
            tags: input.tags,
            region_code: category.region_code ?? input.region ?? null,
          })
          .returning(["id", "status"])
          .executeTakeFirstOrThrow();
        const post = await tx
          .insertInto("forum_posts")
          .values({
            topic_id: topic.id,
            author_id: viewer.id,
            reply_to_post_id: null,
            body: JSON.stringify(linked.doc),
            body_text: body.text,
          })
          .returning(["id", "post_number", "status"])
          .executeTakeFirstOrThrow();
        await storePostOverrides(tx, post.id, guard.overrides);
        await autoWatch(tx, viewer.id, topic.id);
        await tx.deleteFrom("forum_drafts").where("user_id", "=", viewer.id).where("draft_key", "=", `topic:${categoryId}`).execute();
        await markReadTx(tx, viewer.id, topic.id, post.post_number);
        return {
          ok: true,
          topicId: topic.id,
          postId: post.id,
          postNumber: post.post_number,
          postStatus: post.status,
          mentions: body.mentions,
          authorId: viewer.id,
        };
      }),
    ),
    (o) => o.postId,
  );
}

export async function createReply(
  db: Database,
  viewer: Viewer,
  topicId: number,
  input: ReplyInput,
  overridesInput?: unknown,
): Promise<Outcome<Published>> {
  const body = parsePostBody(input);
  if (!body.ok) return body;
  const guard = await guardPost(
    { body: body.text, bodyLinks: linkTargets(body.doc) },
    overridesInput,
    [],
    colleaguesIn(
      db,
      viewer,
      async (tx) => {
        const topic = await tx.selectFrom("forum_topics").select("space_id").where("id", "=", topicId).executeTakeFirst();
        return topic && { spaceId: topic.space_id, topicId };
      },
      body.mentions,
    ),
  );
  if (!guard.ok) return guard;
  return withStoredHtml(
    db,
    await attempt(() =>
      db.withUser(viewer.claims, async (tx): Promise<Outcome<Published>> => {
        const topic = await tx
          .selectFrom("forum_topics as t")
          .innerJoin("spaces as s", "s.id", "t.space_id")
          .innerJoin("forum_categories as c", "c.id", "t.category_id")
          .select([
            "t.id",
            "t.space_id",
            "t.locked_at",
            "t.deleted_at",
            "s.visibility",
            "c.archived_at",
            sql<boolean>`public.forum_can_reply(t.id)`.as("can_reply"),
            sql<boolean>`public.can_moderate_space(t.space_id)`.as("can_moderate"),
            sql<boolean>`public.forum_is_silenced()`.as("silenced"),
          ])
          .where("t.id", "=", topicId)
          .executeTakeFirst();
        if (!topic) return refused(404, "forums.errors.not_found");
        if (topic.silenced) return refused(403, "forums.errors.silenced");
        if (topic.locked_at && !topic.can_moderate) return refused(403, "forums.errors.locked");
        if (topic.archived_at) return refused(403, "forums.errors.archived");
        if (topic.deleted_at || !topic.can_reply) return refused(403, "forums.errors.forbidden");
        if (input.replyTo) {
          const target = await tx
            .selectFrom("forum_posts")
            .select("id")
            .where("id", "=", input.replyTo)
            .where("topic_id", "=", topicId)
            .executeTakeFirst();
          if (!target) return refused(400, "forums.errors.fix_fields", { replyTo: ["forums.errors.reply_to_invalid"] });
        }
        const linked = await linkPostBody(tx, body, { id: topic.space_id, visibility: topic.visibility });
        if (!linked.ok) return linked;
        const post = await tx
          .insertInto("forum_posts")
          .values({
            topic_id: topicId,
            author_id: viewer.id,
            reply_to_post_id: input.replyTo ?? null,
            body: JSON.stringify(linked.doc),
            body_text: body.text,
          })
          .returning(["id", "post_number", "status"])
          .executeTakeFirstOrThrow();
        await storePostOverrides(tx, post.id, guard.overrides);
        await autoWatch(tx, viewer.id, topicId);
        await tx.deleteFrom("forum_drafts").where("user_id", "=", viewer.id).where("draft_key", "=", `reply:${topicId}`).execute();
        await markReadTx(tx, viewer.id, topicId, post.post_number);
        return {
          ok: true,
          topicId,
          postId: post.id,
          postNumber: post.post_number,
          postStatus: post.status,
          mentions: body.mentions,
          authorId: viewer.id,
        };
      }),
    ),
    (o) => o.postId,
  );
}

/** Starting or replying to a topic watches it, unless the person chose a level before. */
async function autoWatch(tx: Tx, userId: string, topicId: number) {
  await tx
    .insertInto("forum_topic_watches")
    .values({ user_id: userId, topic_id: topicId, level: "watching", reason: "auto" })
    .onConflict((oc) => oc.columns(["user_id", "topic_id"]).doNothing())
    .execute();
}

async function markReadTx(tx: Tx, userId: string, topicId: number, upTo: number) {
  await tx
    .insertInto("forum_topic_reads")
    .values({ user_id: userId, topic_id: topicId, last_read_post_number: upTo })
    .onConflict((oc) =>
      oc.columns(["user_id", "topic_id"]).doUpdateSet({
        last_read_post_number: sql`greatest(forum_topic_reads.last_read_post_number, excluded.last_read_post_number)`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function markRead(db: Database, viewer: Viewer, topicId: number, upTo: number): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const topic = await tx.selectFrom("forum_topics").select(["id", "highest_post_number"]).where("id", "=", topicId).executeTakeFirst();
      if (!topic) return refused(404, "forums.errors.not_found");
      await markReadTx(tx, viewer.id, topicId, Math.min(upTo, topic.highest_post_number));
      return { ok: true };
    }),
  );
}

/** What the edit form shows: the post's text in the textarea markup and its JSON for the editor. */
export async function getPostForEdit(db: Database, viewer: Viewer, postId: number) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const row = await tx
        .selectFrom("forum_posts as p")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select([
          "p.id",
          "p.topic_id",
          "p.post_number",
          "p.author_id",
          "p.body",
          "p.status",
          "p.deleted_at",
          "p.space_id",
          "t.title",
          "t.tags",
          "t.locked_at",
          sql<boolean>`public.can_moderate_space(p.space_id)`.as("can_moderate"),
        ])
        .where("p.id", "=", postId)
        .executeTakeFirst();
      if (!row) return null;
      const doc = row.body as RichDoc;
      return {
        id: row.id,
        topicId: row.topic_id,
        postNumber: row.post_number,
        spaceId: row.space_id,
        title: row.title,
        tags: row.tags,
        text: docToText(doc),
        json: JSON.stringify(doc),
        isAuthor: row.author_id === viewer.id,
        canModerate: row.can_moderate,
        locked: row.locked_at !== null,
        unavailable: row.deleted_at !== null || row.status === "hidden",
      };
    },
    { readOnly: true },
  );
}

export async function editPost(
  db: Database,
  viewer: Viewer,
  postId: number,
  input: EditPostInput,
  overridesInput?: unknown,
): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  const body = parsePostBody(input);
  if (!body.ok) return body;
  return withStoredHtml(
    db,
    await attempt(() =>
      db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
        const post = await tx
          .selectFrom("forum_posts as p")
          .innerJoin("forum_topics as t", "t.id", "p.topic_id")
          .innerJoin("spaces as s", "s.id", "p.space_id")
          .select([
            "p.id",
            "p.topic_id",
            "p.post_number",
            "p.author_id",
            "p.status",
            "p.deleted_at",
            "p.space_id",
            "t.locked_at",
            "s.visibility",
            sql<boolean>`public.can_moderate_space(p.space_id)`.as("can_moderate"),
          ])
          .where("p.id", "=", postId)
          .executeTakeFirst();
        if (!post) return refused(404, "forums.errors.not_found");
        if (post.author_id !== viewer.id && !post.can_moderate) return refused(403, "forums.errors.not_author");
        if (!post.can_moderate && post.locked_at) return refused(403, "forums.errors.locked");
        if (!post.can_moderate && (post.deleted_at || post.status === "hidden")) return refused(403, "forums.errors.unavailable");
        // Overrides given earlier for this post still stand for the same findings.
        const stored = await tx
          .selectFrom("identifier_overrides")
          .select(["field", "kind", "match"])
          .where("forum_post_id", "=", postId)
          .execute();
        const guard = await guardPost(
          {
            ...(post.post_number === 1 && input.title !== undefined ? { title: input.title } : {}),
            body: body.text,
            bodyLinks: linkTargets(body.doc),
          },
          overridesInput,
          stored,
          () => forumColleagues(tx, post.space_id, post.topic_id, body.mentions),
        );
        if (!guard.ok) return guard;
        const linked = await linkPostBody(tx, body, { id: post.space_id, visibility: post.visibility });
        if (!linked.ok) return linked;
        await storePostOverrides(tx, postId, guard.overrides);
        // The body first: its revision then records the title as it was.
        await tx
          .updateTable("forum_posts")
          .set({ body: JSON.stringify(linked.doc), body_text: body.text })
          .where("id", "=", postId)
          .execute();
        if (post.post_number === 1 && (input.title !== undefined || input.tags !== undefined)) {
          await tx
            .updateTable("forum_topics")
            .set({
              ...(input.title !== undefined ? { title: input.title } : {}),
              ...(input.tags !== undefined ? { tags: input.tags } : {}),
            })
            .where("id", "=", post.topic_id)
            .execute();
        }
        return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
      }),
    ),
    () => postId,
  );
}

export async function deletePost(db: Database, viewer: Viewer, postId: number): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
      const post = await tx
        .selectFrom("forum_posts")
        .select([
          "id",
          "topic_id",
          "post_number",
          "author_id",
          "deleted_at",
          sql<boolean>`public.can_moderate_space(space_id)`.as("can_moderate"),
        ])
        .where("id", "=", postId)
        .executeTakeFirst();
      if (!post) return refused(404, "forums.errors.not_found");
      if (post.author_id !== viewer.id && !post.can_moderate) return refused(403, "forums.errors.not_author");
      if (post.deleted_at) return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
      await tx.updateTable("forum_posts").set({ deleted_at: new Date() }).where("id", "=", postId).execute();
      return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
    }),
  );
}

export async function getPostHistory(db: Database, viewer: Viewer, postId: number) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const post = await tx
        .selectFrom("forum_posts as p")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select([
          "p.id",
          "p.topic_id",
          "p.post_number",
          "p.author_id",
          "p.body",
          "p.body_text",
          "p.edited_at",
          "p.created_at",
          "t.title",
          sql<boolean>`public.can_moderate_space(p.space_id)`.as("can_moderate"),
        ])
        .where("p.id", "=", postId)
        .executeTakeFirst();
      if (!post) return { status: 404 as const };
      if (post.author_id !== viewer.id && !post.can_moderate) return { status: 403 as const };
      const revisions = await tx
        .selectFrom("forum_post_revisions")
        .select(["id", "editor_id", "title", "body", "body_text", "created_at"])
        .where("post_id", "=", postId)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
      const people = await cards(tx, [post.author_id, ...revisions.map((r) => r.editor_id)]);
      return {
        status: 200 as const,
        post: {
          id: post.id,
          topicId: post.topic_id,
          postNumber: post.post_number,
          title: post.post_number === 1 ? post.title : null,
          html: renderRichTextSafe(post.body, post.body_text),
          editedAt: iso(post.edited_at),
          createdAt: iso(post.created_at) ?? "",
        },
        revisions: revisions.map((r) => ({
          id: r.id,
          title: r.title,
          html: renderRichTextSafe(r.body, r.body_text),
          createdAt: iso(r.created_at) ?? "",
          editor: r.editor_id ? (people.get(r.editor_id) ?? null) : null,
        })),
      };
    },
    { readOnly: true },
  );
}

export async function toggleReaction(
  db: Database,
  viewer: Viewer,
  postId: number,
  kind: ReactionKind,
): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
      const post = await tx
        .selectFrom("forum_posts")
        .select(["id", "topic_id", "post_number", "author_id", "status", "deleted_at"])
        .where("id", "=", postId)
        .executeTakeFirst();
      if (!post) return refused(404, "forums.errors.not_found");
      if (post.author_id === viewer.id) return refused(403, "forums.errors.react_own");
      if (post.status !== "published" || post.deleted_at) return refused(403, "forums.errors.unavailable");
      const removed = await tx
        .deleteFrom("forum_reactions")
        .where("post_id", "=", postId)
        .where("user_id", "=", viewer.id)
        .where("kind", "=", kind)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) {
        await tx.insertInto("forum_reactions").values({ post_id: postId, user_id: viewer.id, kind }).execute();
      }
      return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
    }),
  );
}

export async function toggleBookmark(
  db: Database,
  viewer: Viewer,
  postId: number,
): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
      const post = await tx.selectFrom("forum_posts").select(["id", "topic_id", "post_number"]).where("id", "=", postId).executeTakeFirst();
      if (!post) return refused(404, "forums.errors.not_found");
      const removed = await tx
        .deleteFrom("forum_bookmarks")
        .where("post_id", "=", postId)
        .where("user_id", "=", viewer.id)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0)
        await tx.insertInto("forum_bookmarks").values({ post_id: postId, user_id: viewer.id }).execute();
      return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
    }),
  );
}

export async function listBookmarks(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const rows = await tx
        .selectFrom("forum_bookmarks as b")
        .innerJoin("forum_posts as p", "p.id", "b.post_id")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select(["b.post_id", "b.created_at", "p.post_number", "p.body_text", "p.author_id", "t.id as topic_id", "t.title"])
        .orderBy("b.created_at", "desc")
        .limit(200)
        .execute();
      const people = await cards(
        tx,
        rows.map((r) => r.author_id),
      );
      return rows.map((r) => ({
        postId: r.post_id,
        postNumber: r.post_number,
        topicId: r.topic_id,
        title: r.title,
        excerpt: r.body_text.slice(0, 240),
        createdAt: iso(r.created_at) ?? "",
        author: r.author_id ? (people.get(r.author_id) ?? null) : null,
      }));
    },
    { readOnly: true },
  );
}

/** Topic author or a moderator marks (or clears, with no postId) the accepted answer. */
export async function setAcceptedAnswer(db: Database, viewer: Viewer, topicId: number, postId: number | null): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const topic = await tx
        .selectFrom("forum_topics")
        .select(["id", "author_id", sql<boolean>`public.can_moderate_space(space_id)`.as("can_moderate")])
        .where("id", "=", topicId)
        .executeTakeFirst();
      if (!topic) return refused(404, "forums.errors.not_found");
      if (topic.author_id !== viewer.id && !topic.can_moderate) return refused(403, "forums.errors.not_author");
      await tx.updateTable("forum_topics").set({ accepted_post_id: postId }).where("id", "=", topicId).execute();
      return { ok: true };
    }),
  );
}

export async function setTopicWatch(db: Database, viewer: Viewer, topicId: number, level: WatchLevel): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const topic = await tx.selectFrom("forum_topics").select("id").where("id", "=", topicId).executeTakeFirst();
      if (!topic) return refused(404, "forums.errors.not_found");
      await tx
        .insertInto("forum_topic_watches")
        .values({ user_id: viewer.id, topic_id: topicId, level, reason: "manual" })
        .onConflict((oc) => oc.columns(["user_id", "topic_id"]).doUpdateSet({ level, reason: "manual", updated_at: sql`now()` }))
        .execute();
      return { ok: true };
    }),
  );
}

export async function setCategoryWatch(db: Database, viewer: Viewer, categoryId: string, level: WatchLevel): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const category = await tx.selectFrom("forum_categories").select("id").where("id", "=", categoryId).executeTakeFirst();
      if (!category) return refused(404, "forums.errors.not_found");
      await tx
        .insertInto("forum_category_watches")
        .values({ user_id: viewer.id, category_id: categoryId, level })
        .onConflict((oc) => oc.columns(["user_id", "category_id"]).doUpdateSet({ level, updated_at: sql`now()` }))
        .execute();
      return { ok: true };
    }),
  );
}

export async function flagPost(
  db: Database,
  viewer: Viewer,
  postId: number,
  input: { reason: string; note?: string },
): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
      const post = await tx
        .selectFrom("forum_posts")
        .select(["id", "topic_id", "post_number", "author_id"])
        .where("id", "=", postId)
        .executeTakeFirst();
      if (!post) return refused(404, "forums.errors.not_found");
      if (post.author_id === viewer.id) return refused(403, "forums.errors.flag_own");
      const open = await tx
        .selectFrom("forum_flags")
        .select("id")
        .where("post_id", "=", postId)
        .where("reporter_id", "=", viewer.id)
        .where("status", "=", "open")
        .executeTakeFirst();
      if (open) return refused(409, "forums.errors.already_flagged");
      await tx
        .insertInto("forum_flags")
        .values({
          post_id: postId,
          reporter_id: viewer.id,
          reason: input.reason as never,
          note: input.note?.trim() || null,
        })
        .execute();
      return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
    }),
  );
}

export async function getPostSummary(db: Database, claims: Claims, postId: number) {
  return db.withUser(
    claims,
    async (tx) => {
      const row = await tx
        .selectFrom("forum_posts as p")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select(["p.id", "p.topic_id", "p.post_number", "p.author_id", "p.body_text", "t.title"])
        .where("p.id", "=", postId)
        .executeTakeFirst();
      if (!row) return null;
      const author = (await cards(tx, [row.author_id])).get(row.author_id ?? "") ?? null;
      return {
        id: row.id,
        topicId: row.topic_id,
        postNumber: row.post_number,
        title: row.title,
        excerpt: row.body_text.slice(0, 400),
        author,
        authorId: row.author_id,
      };
    },
    { readOnly: true },
  );
}
