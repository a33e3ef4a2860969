// Moderation: one review queue (open flags and posts held from new members), and the
// actions — hide, restore, approve, delete, lock, pin, move, split off, warn or
// silence a member for a time. Each action is one security-definer function of the
// forums migration that checks the moderator's rights on the space and writes the
// audit log in the same transaction; this module gives people clear answers.
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { hasRole, type Viewer } from "~/modules/accounts/accounts.server";
import type { Database, Tx } from "~/utils/db.server";
import type { Outcome, Refused } from "~/utils/outcome";
import { attempt, refused } from "./refusals.server";
import { afterPublish } from "./notify.server";

/** Categories a moderator may move a topic to (open, in spaces they moderate). */
export async function listMoveTargets(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("forum_categories")
        .select(["id", "slug", "name_fr", "name_en"])
        .where("archived_at", "is", null)
        .where(sql<boolean>`public.can_moderate_space(space_id)`)
        .orderBy("name_fr")
        .execute(),
    { readOnly: true },
  );
}

export async function moderatePost(
  context: Pick<AppLoadContext, "db" | "realtime" | "logger" | "mail" | "env">,
  viewer: Viewer,
  input: { postId: number; act: "hide" | "restore" | "approve" | "delete"; note?: string },
): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  const outcome = await attempt(() =>
    context.db.withUser(
      viewer.claims,
      async (tx): Promise<Outcome<{ topicId: number; postNumber: number; wasPending: boolean; authorId: string | null }>> => {
        const post = await tx
          .selectFrom("forum_posts")
          .select([
            "id",
            "topic_id",
            "post_number",
            "status",
            "author_id",
            sql<boolean>`public.can_moderate_space(space_id)`.as("can_moderate"),
          ])
          .where("id", "=", input.postId)
          .executeTakeFirst();
        if (!post) return refused(404, "forums.errors.not_found");
        if (!post.can_moderate) return refused(403, "forums.errors.forbidden");
        await sql`select public.forum_moderate_post(${input.postId}::bigint, ${input.act}, ${input.note?.trim() || null})`.execute(tx);
        return {
          ok: true,
          topicId: post.topic_id,
          postNumber: post.post_number,
          wasPending: post.status === "pending",
          authorId: post.author_id,
        };
      },
    ),
  );
  if (!outcome.ok) return outcome;
  // A held post that is approved is published now: readers and the people concerned learn of it.
  if (outcome.wasPending && input.act === "approve") {
    const author = await context.db.withUser(
      viewer.claims,
      (tx) =>
        sql<{
          display_name: string;
        }>`select display_name from public.forum_profile_cards(${[outcome.authorId ?? viewer.id]}::uuid[])`.execute(tx),
      { readOnly: true },
    );
    await afterPublish(
      context,
      {
        topicId: outcome.topicId,
        postId: input.postId,
        postNumber: outcome.postNumber,
        postStatus: "published",
        mentions: [],
        authorId: outcome.authorId ?? undefined,
      },
      author.rows[0]?.display_name ?? "",
    );
  }
  return { ok: true, topicId: outcome.topicId, postNumber: outcome.postNumber };
}

/** 404 for a topic the person cannot see, 403 for one she does not moderate, null when she may. */
async function topicModerationRefusal(tx: Tx, topicId: number): Promise<Refused | null> {
  const topic = await tx
    .selectFrom("forum_topics")
    .select(["id", sql<boolean>`public.can_moderate_space(space_id)`.as("can_moderate")])
    .where("id", "=", topicId)
    .executeTakeFirst();
  if (!topic) return refused(404, "forums.errors.not_found");
  return topic.can_moderate ? null : refused(403, "forums.errors.forbidden");
}

export async function moderateTopic(
  db: Database,
  viewer: Viewer,
  input: { topicId: number; act: string; categoryId?: string; note?: string },
): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const denied = await topicModerationRefusal(tx, input.topicId);
      if (denied) return denied;
      await sql`select public.forum_moderate_topic(${input.topicId}::bigint, ${input.act}, ${input.categoryId ?? null}::uuid, ${input.note?.trim() || null})`.execute(
        tx,
      );
      return { ok: true };
    }),
  );
}

export async function splitTopic(
  db: Database,
  viewer: Viewer,
  input: { topicId: number; postIds: number[]; title: string; categoryId: string },
): Promise<Outcome<{ newTopicId: number }>> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome<{ newTopicId: number }>> => {
      const denied = await topicModerationRefusal(tx, input.topicId);
      if (denied) return denied;
      const { rows } = await sql<{ id: number }>`
      select public.forum_split_topic(${input.topicId}::bigint, ${input.postIds}::bigint[], ${input.title}, ${input.categoryId}::uuid) as id`.execute(
        tx,
      );
      const id = rows[0]?.id;
      return id ? { ok: true, newTopicId: Number(id) } : refused(400, "forums.errors.split_invalid");
    }),
  );
}

export async function resolveFlag(
  db: Database,
  viewer: Viewer,
  input: { flagId: number; resolution: "actioned" | "dismissed"; note?: string },
): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      await sql`select public.forum_resolve_flag(${input.flagId}::bigint, ${input.resolution}, ${input.note?.trim() || null})`.execute(tx);
      return { ok: true };
    }),
  );
}

export async function sanctionMember(
  db: Database,
  viewer: Viewer,
  input: { userId: string; kind: "warning" | "silence"; reason: string; days?: number },
): Promise<Outcome> {
  if (!hasRole(viewer, "moderator")) return refused(403, "forums.errors.forbidden");
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      await sql`select public.forum_sanction_member(${input.userId}::uuid, ${input.kind}, ${input.reason}, ${input.kind === "silence" ? (input.days ?? null) : null}::int)`.execute(
        tx,
      );
      return { ok: true };
    }),
  );
}

export async function liftSanction(db: Database, viewer: Viewer, sanctionId: number): Promise<Outcome> {
  if (!hasRole(viewer, "moderator")) return refused(403, "forums.errors.forbidden");
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      await sql`select public.forum_lift_sanction(${sanctionId}::bigint)`.execute(tx);
      return { ok: true };
    }),
  );
}

export interface QueueFlag {
  id: number;
  reason: string;
  note: string | null;
  createdAt: string;
  reporter: string | null;
  post: {
    id: number;
    topicId: number;
    postNumber: number;
    title: string;
    excerpt: string;
    authorId: string | null;
    author: string | null;
    status: string;
  };
}
export interface QueuePending {
  postId: number;
  topicId: number;
  postNumber: number;
  title: string;
  excerpt: string;
  createdAt: string;
  authorId: string | null;
  author: string | null;
}

/** The review queue: open flags and held posts of the spaces this person moderates (RLS decides). */
export async function getReviewQueue(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const flags = await tx
        .selectFrom("forum_flags as f")
        .innerJoin("forum_posts as p", "p.id", "f.post_id")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select([
          "f.id",
          "f.reason",
          "f.note",
          "f.created_at",
          "f.reporter_id",
          "p.id as post_id",
          "p.topic_id",
          "p.post_number",
          "p.body_text",
          "p.author_id",
          "p.status",
          "t.title",
        ])
        .where("f.status", "=", "open")
        .where(sql<boolean>`p.space_id = any ((select public.moderated_space_ids())::uuid[])`)
        .orderBy("f.created_at")
        .limit(100)
        .execute();
      const pending = await tx
        .selectFrom("forum_posts as p")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select(["p.id", "p.topic_id", "p.post_number", "p.body_text", "p.created_at", "p.author_id", "t.title"])
        .where("p.status", "=", "pending")
        .where("p.deleted_at", "is", null)
        .where(sql<boolean>`p.space_id = any ((select public.moderated_space_ids())::uuid[])`)
        .orderBy("p.created_at")
        .limit(100)
        .execute();
      // Passages their authors marked as identifying no one (the identifier guard's overrides), newest first.
      const overrides = await tx
        .selectFrom("identifier_overrides as o")
        .innerJoin("forum_posts as p", "p.id", "o.forum_post_id")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select([
          "o.id",
          "o.field",
          "o.kind",
          "o.match",
          "o.reason",
          "o.author_id",
          "o.created_at",
          "p.id as post_id",
          "p.post_number",
          "t.title",
        ])
        .where(sql<boolean>`o.space_id = any ((select public.moderated_space_ids())::uuid[])`)
        .orderBy("o.id", "desc")
        .limit(100)
        .execute();
      // Moderators know who is who: names of reporters and authors, including new members.
      const ids = [
        ...new Set(
          [
            ...flags.flatMap((f) => [f.reporter_id, f.author_id]),
            ...pending.map((p) => p.author_id),
            ...overrides.map((o) => o.author_id),
          ].filter((x): x is string => Boolean(x)),
        ),
      ];
      const names = new Map<string, string>();
      if (ids.length > 0) {
        const { rows } = await sql<{
          id: string;
          display_name: string;
        }>`select id, display_name from public.forum_moderation_names(${ids}::uuid[])`.execute(tx);
        for (const r of rows) names.set(r.id, r.display_name);
      }
      const sanctions = hasRole(viewer, "moderator")
        ? await tx
            .selectFrom("forum_sanctions")
            .select(["id", "user_id", "kind", "reason", "ends_at", "created_at"])
            .where("lifted_at", "is", null)
            .where((eb) => eb.or([eb("kind", "=", "warning"), eb("ends_at", ">", new Date())]))
            .orderBy("created_at", "desc")
            .limit(50)
            .execute()
        : [];
      const sanctionNames = new Map<string, string>();
      const missing = sanctions.map((s) => s.user_id).filter((id) => !names.has(id));
      if (missing.length > 0) {
        const { rows } = await sql<{
          id: string;
          display_name: string;
        }>`select id, display_name from public.forum_moderation_names(${missing}::uuid[])`.execute(tx);
        for (const r of rows) sanctionNames.set(r.id, r.display_name);
      }
      const iso = (d: Date | string) => new Date(d).toISOString();
      return {
        flags: flags.map((f): QueueFlag => ({
          id: f.id,
          reason: f.reason,
          note: f.note,
          createdAt: iso(f.created_at),
          reporter: f.reporter_id ? (names.get(f.reporter_id) ?? null) : null,
          post: {
            id: f.post_id,
            topicId: f.topic_id,
            postNumber: f.post_number,
            title: f.title,
            excerpt: f.body_text.slice(0, 1200),
            authorId: f.author_id,
            author: f.author_id ? (names.get(f.author_id) ?? null) : null,
            status: f.status,
          },
        })),
        pending: pending.map((p): QueuePending => ({
          postId: p.id,
          topicId: p.topic_id,
          postNumber: p.post_number,
          title: p.title,
          excerpt: p.body_text.slice(0, 1200),
          createdAt: iso(p.created_at),
          authorId: p.author_id,
          author: p.author_id ? (names.get(p.author_id) ?? null) : null,
        })),
        overrides: overrides.map((o) => ({
          id: o.id,
          field: o.field,
          kind: o.kind,
          match: o.match,
          reason: o.reason,
          createdAt: iso(o.created_at),
          author: names.get(o.author_id) ?? null,
          postId: o.post_id,
          postNumber: o.post_number,
          title: o.title,
        })),
        sanctions: sanctions.map((s) => ({
          id: s.id,
          userId: s.user_id,
          name: names.get(s.user_id) ?? sanctionNames.get(s.user_id) ?? null,
          kind: s.kind,
          reason: s.reason,
          endsAt: s.ends_at ? iso(s.ends_at) : null,
          createdAt: iso(s.created_at),
        })),
      };
    },
    { readOnly: true },
  );
}
