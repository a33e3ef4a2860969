// Reading the forums: the index of spaces and their categories, topic lists (keyset
// cursors), a topic page with its posts, and the editor's suggestions (mentions,
// references). Read-only transactions with the reader's claims: RLS decides.
import { sql, type RawBuilder } from "kysely";
import { z } from "zod";
import { docToText } from "~/components/rich-text/plain-text";
import type { RichDoc } from "~/components/rich-text/limits";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { DISCIPLINES, TOPICS } from "~/modules/accounts/reference";
import { listActiveSpaces } from "~/modules/spaces/spaces.server";
import type { Claims, Database, Tx } from "~/utils/db.server";
import type { ReactionKind, WatchLevel } from "~/utils/db-schema";
import { POSTS_PAGE_SIZE, REACTIONS, TOPICS_PAGE_SIZE } from "./limits";
import { postHtml, postHtmlColumns } from "./post-html.server";

// ── Forum index and categories ───────────────────────────────────────────────

export interface CategorySummary {
  id: string;
  slug: string;
  name_fr: string;
  name_en: string;
  description_fr: string;
  description_en: string;
  position: number;
  topic_count: number;
  post_count: number;
  last_posted_at: string | null;
  archived: boolean;
}
export interface SpaceSummary {
  id: string;
  slug: string;
  kind: string;
  visibility: string;
  name_fr: string;
  name_en: string;
  description_fr: string;
  description_en: string;
  region_code: string | null;
  categories: CategorySummary[];
}

/** Labels of topic tags (codes of the reference topics). */
export function tagLabels(codes: string[]) {
  return codes.flatMap((code) => TOPICS.filter((t) => t.code === code));
}

export const iso = (value: Date | string | null | undefined) => (value == null ? null : new Date(value).toISOString());

export async function listForumIndex(db: Database, claims: Claims) {
  return db.withUser(
    claims,
    async (tx) => {
      const spaces = await listActiveSpaces(tx);
      const categories = await tx
        .selectFrom("forum_categories")
        .select([
          "id",
          "space_id",
          "slug",
          "name_fr",
          "name_en",
          "description_fr",
          "description_en",
          "position",
          "topic_count",
          "post_count",
          "last_posted_at",
          "archived_at",
        ])
        .orderBy("position")
        .orderBy("name_fr")
        .execute();
      const bySpace = new Map<string, CategorySummary[]>();
      for (const c of categories) {
        const list = bySpace.get(c.space_id) ?? [];
        list.push({
          id: c.id,
          slug: c.slug,
          name_fr: c.name_fr,
          name_en: c.name_en,
          description_fr: c.description_fr,
          description_en: c.description_en,
          position: c.position,
          topic_count: c.topic_count,
          post_count: c.post_count,
          last_posted_at: iso(c.last_posted_at),
          archived: c.archived_at !== null,
        });
        bySpace.set(c.space_id, list);
      }
      const result: SpaceSummary[] = spaces.map((s) => ({
        id: s.id,
        slug: s.slug,
        kind: s.kind,
        visibility: s.visibility,
        name_fr: s.name_fr,
        name_en: s.name_en,
        description_fr: s.description_fr,
        description_en: s.description_en,
        region_code: s.region_code,
        categories: (bySpace.get(s.id) ?? []).filter((c) => !c.archived),
      }));
      return result.filter((s) => s.categories.length > 0);
    },
    { readOnly: true },
  );
}

export async function getCategory(db: Database, claims: Claims, slug: string) {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) return null;
  return db.withUser(
    claims,
    async (tx) => {
      const row = await tx
        .selectFrom("forum_categories as c")
        .innerJoin("spaces as s", "s.id", "c.space_id")
        .select([
          "c.id",
          "c.slug",
          "c.name_fr",
          "c.name_en",
          "c.description_fr",
          "c.description_en",
          "c.topic_code",
          "c.topic_count",
          "c.post_count",
          "c.archived_at",
          "c.space_id",
          "s.visibility",
          "s.kind as space_kind",
          "s.name_fr as space_name_fr",
          "s.name_en as space_name_en",
          "s.region_code",
          sql<boolean>`public.forum_can_create_topic(c.id)`.as("can_post"),
          sql<boolean>`public.can_moderate_space(c.space_id)`.as("can_moderate"),
          claims
            ? sql<
                string | null
              >`(select w.level from public.forum_category_watches w where w.category_id = c.id and w.user_id = ${claims.sub}::uuid)`.as(
                "watch_level",
              )
            : sql<string | null>`null::text`.as("watch_level"),
        ])
        .where("c.slug", "=", slug)
        .executeTakeFirst();
      return row ? { ...row, archived_at: iso(row.archived_at) } : null;
    },
    { readOnly: true },
  );
}

// ── Topic lists ──────────────────────────────────────────────────────────────

export const cursorSchema = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
      const shape = z
        .tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)$/), z.number().int().positive()])
        .safeParse(parsed);
      if (shape.success) return { at: shape.data[0], id: shape.data[1] };
    } catch {
      // not base64url JSON: falls through to the issue below
    }
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "errors.invalid" });
    return z.NEVER;
  });
export type Cursor = z.output<typeof cursorSchema>;
const encodeCursor = (at: string, topicId: number) => Buffer.from(JSON.stringify([at, topicId]), "utf8").toString("base64url");

export interface TopicListItem {
  id: number;
  title: string;
  tags: string[];
  status: string;
  pinned: boolean;
  locked: boolean;
  deleted: boolean;
  accepted: boolean;
  reply_count: number;
  created_at: string;
  last_posted_at: string;
  author: AuthorCard | null;
  last_poster: AuthorCard | null;
  unread: "new" | "updated" | null;
  unread_count: number;
  category?: { slug: string; name_fr: string; name_en: string };
}
export interface AuthorCard {
  id: string;
  display_name: string;
  discipline: string;
  region_code: string;
  verified: boolean;
  discipline_fr: string;
  discipline_en: string;
}

const disciplineNames = new Map(DISCIPLINES.map((d) => [d.code, d]));

/** Names (and disciplines) of the people whose posts the reader may see: one query per page. */
export async function cards(tx: Tx, ids: Array<string | null>): Promise<Map<string, AuthorCard>> {
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (unique.length === 0) return new Map();
  const { rows } = await sql<
    Omit<AuthorCard, "discipline_fr" | "discipline_en">
  >`select * from public.forum_profile_cards(${unique}::uuid[])`.execute(tx);
  return new Map(
    rows.map((r) => {
      const d = disciplineNames.get(r.discipline);
      return [r.id, { ...r, discipline_fr: d?.name_fr ?? r.discipline, discipline_en: d?.name_en ?? r.discipline }];
    }),
  );
}

interface TopicRow {
  id: number;
  title: string;
  tags: string[];
  status: string;
  pinned_at: Date | null;
  locked_at: Date | null;
  deleted_at: Date | null;
  accepted_post_id: number | null;
  reply_count: number;
  created_at: Date;
  last_posted_at: Date;
  cursor_at: string;
  author_id: string | null;
  last_poster_id: string | null;
  highest_post_number: number;
  last_read: number | null;
  joined_at: Date | null;
  category_slug: string;
  category_name_fr: string;
  category_name_en: string;
}

async function topicRows(tx: Tx, where: ReturnType<typeof sql>, limit: number, userId: string | null): Promise<TopicRow[]> {
  // Read markers are a member's own rows; an anonymous visitor has none (and no access to them).
  // The id is a literal, not auth.uid(): RLS evaluates its policy before non-leakproof conditions,
  // so `id = auth.uid()` would check the profiles policy on every profile instead of using the key.
  const reads = userId
    ? sql`r.last_read_post_number as last_read, (select p.created_at from public.profiles p where p.id = ${userId}::uuid) as joined_at`
    : sql`null::int as last_read, null::timestamptz as joined_at`;
  const join = userId ? sql`left join public.forum_topic_reads r on r.topic_id = t.id and r.user_id = ${userId}::uuid` : sql``;
  const { rows } = await sql<TopicRow>`
    select t.id, t.title, t.tags, t.status, t.pinned_at, t.locked_at, t.deleted_at, t.accepted_post_id, t.reply_count,
           t.created_at, t.last_posted_at, t.last_posted_at::text as cursor_at, t.author_id, t.last_poster_id,
           t.highest_post_number, ${reads},
           c.slug as category_slug, c.name_fr as category_name_fr, c.name_en as category_name_en
      from public.forum_topics t
      join public.forum_categories c on c.id = t.category_id
      ${join}
     where ${where}
     order by t.last_posted_at desc, t.id desc
     limit ${limit}`.execute(tx);
  return rows;
}

async function toListItems(tx: Tx, rows: TopicRow[], withCategory: boolean): Promise<TopicListItem[]> {
  const people = await cards(
    tx,
    rows.flatMap((r) => [r.author_id, r.last_poster_id]),
  );
  return rows.map((r) => {
    const joined = r.joined_at ? new Date(r.joined_at).getTime() : null;
    let unread: TopicListItem["unread"] = null;
    let unreadCount = 0;
    if (joined !== null) {
      if (r.last_read === null) {
        if (new Date(r.created_at).getTime() > joined) unread = "new";
      } else if (r.highest_post_number > r.last_read) {
        unread = "updated";
        unreadCount = r.highest_post_number - r.last_read;
      }
    }
    return {
      id: r.id,
      title: r.title,
      tags: r.tags,
      status: r.status,
      pinned: r.pinned_at !== null,
      locked: r.locked_at !== null,
      deleted: r.deleted_at !== null,
      accepted: r.accepted_post_id !== null,
      reply_count: r.reply_count,
      created_at: new Date(r.created_at).toISOString(),
      last_posted_at: new Date(r.last_posted_at).toISOString(),
      author: r.author_id ? (people.get(r.author_id) ?? null) : null,
      last_poster: r.last_poster_id ? (people.get(r.last_poster_id) ?? null) : null,
      unread,
      unread_count: unreadCount,
      ...(withCategory ? { category: { slug: r.category_slug, name_fr: r.category_name_fr, name_en: r.category_name_en } } : {}),
    };
  });
}

/** One page of a category's topics by latest activity; pinned ones come first on the first page. */
export async function listCategoryTopics(
  db: Database,
  claims: Claims,
  categoryId: string,
  cursor: Cursor | null,
  limit = TOPICS_PAGE_SIZE,
) {
  return db.withUser(
    claims,
    async (tx) => {
      const pinned = cursor
        ? []
        : await topicRows(tx, sql`t.category_id = ${categoryId}::uuid and t.pinned_at is not null`, 10, claims?.sub ?? null);
      const after = cursor ? sql`and (t.last_posted_at, t.id) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)` : sql``;
      const rows = await topicRows(
        tx,
        sql`t.category_id = ${categoryId}::uuid and t.pinned_at is null ${after}`,
        limit + 1,
        claims?.sub ?? null,
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        pinned: await toListItems(tx, pinned, false),
        topics: await toListItems(tx, page, false),
        nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
      };
    },
    { readOnly: true },
  );
}

/** Latest activity across every category the person may read. */
export async function listLatestTopics(db: Database, claims: Claims, cursor: Cursor | null, limit = TOPICS_PAGE_SIZE) {
  return db.withUser(
    claims,
    async (tx) => {
      const after = cursor ? sql`(t.last_posted_at, t.id) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)` : sql`true`;
      const rows = await topicRows(tx, after, limit + 1, claims?.sub ?? null);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        topics: await toListItems(tx, page, true),
        nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
      };
    },
    { readOnly: true },
  );
}

// ── A topic page ─────────────────────────────────────────────────────────────

export interface PostView {
  id: number;
  post_number: number;
  html: string;
  status: string;
  hidden_reason: string | null;
  deleted: boolean;
  edited: boolean;
  edit_count: number;
  created_at: string;
  author: AuthorCard | null;
  is_author: boolean;
  reply_to: { id: number; post_number: number; author: AuthorCard | null } | null;
  reactions: Array<{ kind: ReactionKind; count: number; mine: boolean }>;
  bookmarked: boolean;
  accepted: boolean;
}

interface PostRow {
  id: number;
  post_number: number;
  author_id: string | null;
  body: unknown;
  body_text: string;
  body_html: string | null;
  body_html_version: number | null;
  status: string;
  hidden_reason: string | null;
  deleted_at: Date | null;
  edited_at: Date | null;
  edit_count: number;
  created_at: Date;
  reply_to_post_id: number | null;
  reply_to_number: number | null;
  reply_to_author: string | null;
  /** Reactions by kind (kinds nobody used are absent), with whether the reader is among them. */
  reaction_counts: Array<{ kind: ReactionKind; n: number; mine: boolean }>;
  bookmarked: boolean;
}

async function postViews(
  tx: Tx,
  rows: PostRow[],
  viewerId: string | null,
  acceptedId: number | null,
  extraPeople: Array<string | null> = [],
): Promise<{ views: PostView[]; people: Map<string, AuthorCard> }> {
  if (rows.length === 0) return { views: [], people: await cards(tx, extraPeople) };
  const people = await cards(tx, [...rows.flatMap((r) => [r.author_id, r.reply_to_author]), ...extraPeople]);
  const views = rows.map((r): PostView => ({
    id: r.id,
    post_number: r.post_number,
    html: r.deleted_at !== null && r.author_id !== viewerId ? "" : postHtml(r),
    status: r.status,
    hidden_reason: r.hidden_reason,
    deleted: r.deleted_at !== null,
    edited: r.edited_at !== null,
    edit_count: r.edit_count,
    created_at: new Date(r.created_at).toISOString(),
    author: r.author_id ? (people.get(r.author_id) ?? null) : null,
    is_author: viewerId !== null && r.author_id === viewerId,
    reply_to:
      r.reply_to_post_id && r.reply_to_number
        ? {
            id: r.reply_to_post_id,
            post_number: r.reply_to_number,
            author: r.reply_to_author ? (people.get(r.reply_to_author) ?? null) : null,
          }
        : null,
    reactions: REACTIONS.map((kind) => {
      const found = r.reaction_counts.find((x) => x.kind === kind);
      return { kind, count: found?.n ?? 0, mine: found?.mine ?? false };
    }),
    bookmarked: r.bookmarked,
    accepted: acceptedId === r.id,
  }));
  return { views, people };
}

/**
 * Every column PostRow needs (the post, the post it answers), with each post's reactions and
 * the reader's bookmark read in the same statement: two round trips less per page
 * (decision 034). Bookmarks are read only for a signed-in reader (visitors have no grant
 * on them); RLS keeps both to what the reader may see.
 */
function postColumns(viewerId: string | null) {
  return sql`p.id, p.post_number, p.author_id, ${postHtmlColumns}, p.status, p.hidden_reason, p.deleted_at,
    p.edited_at, p.edit_count, p.created_at, p.reply_to_post_id, rp.post_number as reply_to_number, rp.author_id as reply_to_author,
    coalesce((select json_agg(json_build_object('kind', x.kind, 'n', x.n, 'mine', x.mine))
      from (select r.kind, count(*)::int as n, coalesce(bool_or(r.user_id = (select auth.uid())), false) as mine
              from public.forum_reactions r where r.post_id = p.id group by r.kind) x), '[]'::json) as reaction_counts,
    ${viewerId ? sql`exists (select 1 from public.forum_bookmarks b where b.post_id = p.id and b.user_id = (select auth.uid()))` : sql`false`} as bookmarked`;
}

export async function getTopicPage(
  db: Database,
  claims: Claims,
  topicId: number,
  options: {
    after?: number;
    limit?: number;
    draft?: boolean;
    /** The reader's unread notifications about the topic, as a scalar subquery read with the topic (one round trip). */
    unreadAbout?: RawBuilder<number>;
  } = {},
) {
  const limit = options.limit ?? POSTS_PAGE_SIZE;
  const after = Math.max(0, options.after ?? 0);
  return db.withUser(
    claims,
    async (tx) => {
      const topic = await tx
        .selectFrom("forum_topics as t")
        .innerJoin("forum_categories as c", "c.id", "t.category_id")
        .innerJoin("spaces as s", "s.id", "t.space_id")
        .select([
          "t.id",
          "t.title",
          "t.tags",
          "t.status",
          "t.region_code",
          "t.pinned_at",
          "t.locked_at",
          "t.deleted_at",
          "t.accepted_post_id",
          "t.reply_count",
          "t.highest_post_number",
          "t.created_at",
          "t.last_posted_at",
          "t.author_id",
          "t.space_id",
          "t.category_id",
          "c.slug as category_slug",
          "c.name_fr as category_name_fr",
          "c.name_en as category_name_en",
          "c.archived_at as category_archived_at",
          "s.visibility",
          "s.name_fr as space_name_fr",
          "s.name_en as space_name_en",
          "s.region_code as space_region_code",
          sql<boolean>`public.forum_can_reply(t.id)`.as("can_reply"),
          sql<boolean>`public.can_moderate_space(t.space_id)`.as("can_moderate"),
          sql<boolean>`public.forum_is_silenced()`.as("silenced"),
          claims
            ? sql<
                string | null
              >`(select w.level from public.forum_topic_watches w where w.topic_id = t.id and w.user_id = ${claims.sub}::uuid)`.as(
                "watch_level",
              )
            : sql<string | null>`null::text`.as("watch_level"),
          claims
            ? sql<
                string | null
              >`(select w.level from public.forum_category_watches w where w.category_id = t.category_id and w.user_id = ${claims.sub}::uuid)`.as(
                "category_watch_level",
              )
            : sql<string | null>`null::text`.as("category_watch_level"),
          claims
            ? sql<
                number | null
              >`(select r.last_read_post_number from public.forum_topic_reads r where r.topic_id = t.id and r.user_id = ${claims.sub}::uuid)`.as(
                "last_read",
              )
            : sql<number | null>`null::int`.as("last_read"),
          // The reader's saved reply and unread notifications about the topic, in the same
          // statement: two round trips less per page (decision 034).
          options.draft && claims
            ? sql<{ title: string | null; body: unknown; updated_at: string } | null>`(select json_build_object(
                  'title', d.title, 'body', d.body, 'updated_at', d.updated_at) from public.forum_drafts d
                 where d.user_id = ${claims.sub}::uuid and d.draft_key = ${`reply:${topicId}`})`.as("reply_draft")
            : sql<null>`null::json`.as("reply_draft"),
          (options.unreadAbout ?? sql<number>`0`).as("unread_notifications"),
        ])
        .where("t.id", "=", topicId)
        .executeTakeFirst();
      if (!topic) return null;
      const { rows } = await sql<PostRow>`
      select ${postColumns(claims?.sub ?? null)}
        from public.forum_posts p left join public.forum_posts rp on rp.id = p.reply_to_post_id
       where p.topic_id = ${topicId} and p.post_number > ${after}
       order by p.post_number limit ${limit + 1}`.execute(tx);
      const viewerId = claims?.sub ?? null;
      const { views: posts, people } = await postViews(tx, rows.slice(0, limit), viewerId, topic.accepted_post_id, [topic.author_id]);
      const authorCard = people.get(topic.author_id ?? "") ?? null;
      const draft = topic.reply_draft;
      const unreadNotifications = topic.unread_notifications;
      return {
        unreadNotifications,
        topic: {
          id: topic.id,
          title: topic.title,
          tags: topic.tags,
          status: topic.status,
          region_code: topic.region_code,
          pinned: topic.pinned_at !== null,
          locked: topic.locked_at !== null,
          deleted: topic.deleted_at !== null,
          accepted_post_id: topic.accepted_post_id,
          reply_count: topic.reply_count,
          highest_post_number: topic.highest_post_number,
          created_at: new Date(topic.created_at).toISOString(),
          author: authorCard,
          is_author: viewerId !== null && topic.author_id === viewerId,
          space_id: topic.space_id,
          category_id: topic.category_id,
          visibility: topic.visibility,
          category: {
            slug: topic.category_slug,
            name_fr: topic.category_name_fr,
            name_en: topic.category_name_en,
            archived: topic.category_archived_at !== null,
          },
          space: { name_fr: topic.space_name_fr, name_en: topic.space_name_en, region_code: topic.space_region_code },
        },
        viewer: {
          canReply: topic.can_reply,
          canModerate: topic.can_moderate,
          silenced: topic.silenced,
          watchLevel: (topic.watch_level ?? topic.category_watch_level ?? "normal") as WatchLevel,
          watchExplicit: topic.watch_level !== null,
          lastRead: topic.last_read ?? 0,
        },
        posts,
        draft: draft
          ? { text: docToText(draft.body as RichDoc), json: JSON.stringify(draft.body), updatedAt: iso(draft.updated_at) ?? "" }
          : null,
        after,
        nextAfter: rows.length > limit ? (posts[posts.length - 1]?.post_number ?? null) : null,
      };
    },
    { readOnly: true },
  );
}

/** One post as a topic reader sees it (a reply arriving live is fetched with the reader's own rights). */
export async function getPostView(db: Database, claims: Claims, postId: number) {
  return db.withUser(
    claims,
    async (tx) => {
      const { rows } = await sql<PostRow & { topic_id: number; accepted_post_id: number | null }>`
      select ${postColumns(claims?.sub ?? null)}, p.topic_id, t.accepted_post_id
        from public.forum_posts p
        join public.forum_topics t on t.id = p.topic_id
        left join public.forum_posts rp on rp.id = p.reply_to_post_id
       where p.id = ${postId}`.execute(tx);
      const row = rows[0];
      if (!row) return null;
      const {
        views: [view],
      } = await postViews(tx, [row], claims?.sub ?? null, row.accepted_post_id);
      return view ? { topicId: row.topic_id, post: view } : null;
    },
    { readOnly: true },
  );
}

/** Where a post lives, for permalinks (/forums/p/:id → its topic page). */
export async function locatePost(db: Database, claims: Claims, postId: number) {
  return db.withUser(
    claims,
    (tx) => tx.selectFrom("forum_posts").select(["topic_id", "post_number"]).where("id", "=", postId).executeTakeFirst(),
    { readOnly: true },
  );
}

// ── Suggestions for the editor ──────────────────────────────────────────────

export async function mentionCandidates(db: Database, viewer: Viewer, spaceId: string, query: string) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const { rows } = await sql<{ id: string; display_name: string; discipline: string }>`
      select id, display_name, discipline from public.forum_mention_candidates(${query}, ${spaceId}::uuid, 8)`.execute(tx);
      return rows;
    },
    { readOnly: true },
  );
}

export async function referenceCandidates(db: Database, viewer: Viewer, query: string) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const q = query.trim().toLowerCase();
      const { rows: topics } = await sql<{ id: number; title: string }>`
      select t.id, t.title from public.forum_topics t
       where t.title_search like '%' || public.immutable_unaccent(${q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'
         and t.status = 'published' and t.deleted_at is null
       order by t.last_posted_at desc limit 6`.execute(tx);
      const tools = await tx
        .selectFrom("tools")
        .select(["id", "title"])
        .where("status", "=", "published")
        .where(
          sql<boolean>`public.immutable_unaccent(lower(title)) like '%' || public.immutable_unaccent(${q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'`,
        )
        .orderBy("title")
        .limit(6)
        .execute();
      return [
        ...topics.map((t) => ({ kind: "topic" as const, id: String(t.id), label: t.title })),
        ...tools.map((t) => ({ kind: "tool" as const, id: t.id, label: t.title })),
      ];
    },
    { readOnly: true },
  );
}
