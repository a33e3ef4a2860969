// Forums: spaces' categories, topics and replies (rich text), reactions, bookmarks,
// drafts, read markers, watch levels and flags. Every function acts with the claims of
// the person asking (db.withUser): RLS is the wall; the checks here turn refusals into
// clear answers (404 for what you cannot see, 403 for what you may not do, 400 with
// field errors for bad input, 429 for rate limits). Nothing is saved when refused.
import { sql } from "kysely";
import { z } from "zod";
import { docToText, textToDoc } from "~/components/rich-text/plain-text";
import { renderRichTextSafe } from "~/components/rich-text/render.server";
import type { RichDoc, RichNode } from "~/components/rich-text/limits";
import { validateRichText, type RichTextResult } from "~/components/rich-text/validate.server";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { DISCIPLINES, TOPICS } from "~/modules/accounts/reference";
import type { Claims, Database, Tx, UserClaims } from "~/utils/db.server";
import type { ReactionKind, WatchLevel } from "~/utils/db-schema";
import { POSTS_PAGE_SIZE, REACTIONS, TOPICS_PAGE_SIZE } from "./limits";
import type { EditPostInput, NewTopicInput, ReplyInput } from "./schemas";

export type FieldErrors = Record<string, string[]>;
export type Refused = { ok: false; status: 400 | 403 | 404 | 409 | 429; formError?: string; fieldErrors?: FieldErrors };
export type Outcome<T extends object = object> = ({ ok: true } & T) | Refused;

const refused = (status: Refused["status"], formError: string, fieldErrors?: FieldErrors): Refused =>
  ({ ok: false, status, formError, ...(fieldErrors ? { fieldErrors } : {}) });

/** Database refusals (trigger exceptions, RLS) as i18n keys with an HTTP status. */
export function forumRefusal(error: unknown): Refused | null {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code;
  const map: Array<[RegExp, Refused["status"], string]> = [
    [/forum_flag_rate_limited/, 429, "forums.errors.flag_rate_limited"],
    [/forum_rate_limited/, 429, "forums.errors.rate_limited"],
    [/forum_silenced/, 403, "forums.errors.silenced"],
    [/forum_topic_locked/, 403, "forums.errors.locked"],
    [/forum_post_unavailable/, 403, "forums.errors.unavailable"],
    [/forum_unknown_tag/, 400, "forums.errors.unknown_tag"],
    [/forum_accept_invalid/, 400, "forums.errors.accept_invalid"],
    [/forum_split_invalid/, 400, "forums.errors.split_invalid"],
    [/forum_not_found/, 404, "forums.errors.not_found"],
    [/forum_forbidden|forum_invalid_action|row-level security|permission denied/, 403, "forums.errors.forbidden"],
  ];
  for (const [pattern, status, key] of map) if (pattern.test(message)) return refused(status, key);
  if (code === "23505") return refused(409, "forums.errors.duplicate");
  if (code === "23514") return refused(400, "forums.errors.invalid");
  return null;
}

/** Runs a write; a database refusal becomes an Outcome instead of a 500. */
async function attempt<T extends object>(fn: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await fn();
  } catch (error) {
    const known = forumRefusal(error);
    if (known) return known;
    throw error;
  }
}

// ── Rich text from a form ────────────────────────────────────────────────────

/** The editor's JSON when JavaScript ran, else the textarea's markup, validated either way. */
export function bodyFromForm(input: { body?: string; bodyJson?: string }): RichTextResult {
  if (input.bodyJson?.trim()) return validateRichText(input.bodyJson);
  return validateRichText(textToDoc(input.body ?? ""));
}

const bodyError = (error: string): FieldErrors => ({ body: [`forums.richText.errors.${error}`] });

interface SpaceRow { id: string; visibility: string }

/**
 * Mentions and references point at things the author may see and every reader of
 * this space may see too (a private topic's title never leaks into a public post).
 * Labels are replaced by the current names and titles; tools get their address.
 */
export async function resolveLinks(tx: Tx, doc: RichDoc, space: SpaceRow, mentions: string[], references: Array<{ kind: string; id: string }>): Promise<{ ok: true; doc: RichDoc } | { ok: false; error: string }> {
  const names = new Map<string, string>();
  if (mentions.length > 0) {
    const { rows } = await sql<{ id: string; display_name: string }>`
      select id, display_name from public.forum_resolve_mentions(${mentions}::uuid[], ${space.id}::uuid)`.execute(tx);
    for (const r of rows) names.set(r.id, r.display_name);
    if (mentions.some((m) => !names.has(m))) return { ok: false, error: "bad_mention" };
  }
  const topicIds = references.filter((r) => r.kind === "topic").map((r) => Number(r.id));
  const toolIds = references.filter((r) => r.kind === "tool").map((r) => r.id);
  const topics = new Map<string, string>();
  const tools = new Map<string, { title: string }>();
  if (topicIds.length > 0) {
    const rows = await tx.selectFrom("forum_topics as t").innerJoin("spaces as s", "s.id", "t.space_id")
      .select(["t.id", "t.title", "t.space_id", "s.visibility"]).where("t.id", "in", topicIds).execute();
    for (const r of rows) {
      const visibleToReaders = r.space_id === space.id || r.visibility === "public"
        || (r.visibility === "verified" && space.visibility !== "public");
      if (visibleToReaders) topics.set(String(r.id), r.title);
    }
  }
  if (toolIds.length > 0) {
    const rows = await tx.selectFrom("tools").select(["id", "title"]).where("id", "in", toolIds).where("status", "=", "published").execute();
    for (const r of rows) tools.set(r.id, { title: r.title });
  }
  if (topicIds.some((id) => !topics.has(String(id))) || toolIds.some((id) => !tools.has(id))) return { ok: false, error: "bad_reference" };
  const rewrite = (node: RichNode): RichNode => {
    if (node.type === "mention") return { ...node, attrs: { id: String(node.attrs?.id), label: names.get(String(node.attrs?.id)) ?? String(node.attrs?.label) } };
    if (node.type === "reference") {
      const id = String(node.attrs?.id);
      if (node.attrs?.kind === "tool") {
        const tool = tools.get(id);
        return { ...node, attrs: { kind: "tool", id, label: (tool?.title ?? String(node.attrs?.label)).slice(0, 200), href: `/tools/${id}` } };
      }
      return { ...node, attrs: { kind: "topic", id, label: (topics.get(id) ?? String(node.attrs?.label)).slice(0, 200) } };
    }
    return node.content ? { ...node, content: node.content.map(rewrite) } : node;
  };
  return { ok: true, doc: { ...doc, content: doc.content.map(rewrite) } };
}

// ── Forum index and categories ───────────────────────────────────────────────

export interface CategorySummary {
  id: string; slug: string; name_fr: string; name_en: string; description_fr: string; description_en: string;
  position: number; topic_count: number; post_count: number; last_posted_at: string | null; archived: boolean;
}
export interface SpaceSummary {
  id: string; slug: string; kind: string; visibility: string; name_fr: string; name_en: string;
  description_fr: string; description_en: string; region_code: string | null; categories: CategorySummary[];
}

/** Labels of topic tags (codes of the reference topics). */
export function tagLabels(codes: string[]) {
  return codes.flatMap((code) => TOPICS.filter((t) => t.code === code));
}

const iso = (value: Date | string | null | undefined) => (value == null ? null : new Date(value).toISOString());

export async function listForumIndex(db: Database, claims: Claims) {
  return db.withUser(claims, async (tx) => {
    const spaces = await tx.selectFrom("spaces")
      .select(["id", "slug", "kind", "visibility", "name_fr", "name_en", "description_fr", "description_en", "region_code", "position"])
      .where("archived_at", "is", null).orderBy("position").orderBy("name_fr").execute();
    const categories = await tx.selectFrom("forum_categories")
      .select(["id", "space_id", "slug", "name_fr", "name_en", "description_fr", "description_en", "position", "topic_count", "post_count", "last_posted_at", "archived_at"])
      .orderBy("position").orderBy("name_fr").execute();
    const bySpace = new Map<string, CategorySummary[]>();
    for (const c of categories) {
      const list = bySpace.get(c.space_id) ?? [];
      list.push({
        id: c.id, slug: c.slug, name_fr: c.name_fr, name_en: c.name_en, description_fr: c.description_fr, description_en: c.description_en,
        position: c.position, topic_count: c.topic_count, post_count: c.post_count, last_posted_at: iso(c.last_posted_at), archived: c.archived_at !== null,
      });
      bySpace.set(c.space_id, list);
    }
    const result: SpaceSummary[] = spaces.map((s) => ({
      id: s.id, slug: s.slug, kind: s.kind, visibility: s.visibility, name_fr: s.name_fr, name_en: s.name_en,
      description_fr: s.description_fr, description_en: s.description_en, region_code: s.region_code,
      categories: (bySpace.get(s.id) ?? []).filter((c) => !c.archived),
    }));
    return result.filter((s) => s.categories.length > 0);
  }, { readOnly: true });
}

export async function getCategory(db: Database, claims: Claims, slug: string) {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) return null;
  return db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("forum_categories as c").innerJoin("spaces as s", "s.id", "c.space_id")
      .select([
        "c.id", "c.slug", "c.name_fr", "c.name_en", "c.description_fr", "c.description_en", "c.topic_code", "c.topic_count", "c.post_count",
        "c.archived_at", "c.space_id", "s.visibility", "s.kind as space_kind", "s.name_fr as space_name_fr", "s.name_en as space_name_en", "s.region_code",
        sql<boolean>`public.forum_can_create_topic(c.id)`.as("can_post"),
        sql<boolean>`public.can_moderate_space(c.space_id)`.as("can_moderate"),
        claims
          ? sql<string | null>`(select w.level from public.forum_category_watches w where w.category_id = c.id and w.user_id = ${claims.sub}::uuid)`.as("watch_level")
          : sql<string | null>`null::text`.as("watch_level"),
      ])
      .where("c.slug", "=", slug).executeTakeFirst();
    return row ? { ...row, archived_at: iso(row.archived_at) } : null;
  }, { readOnly: true });
}

// ── Topic lists ──────────────────────────────────────────────────────────────

export const cursorSchema = z.string().max(200).transform((value, ctx) => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    const shape = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)$/), z.number().int().positive()]).safeParse(parsed);
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
  id: number; title: string; tags: string[]; status: string; pinned: boolean; locked: boolean; deleted: boolean;
  accepted: boolean; reply_count: number; created_at: string; last_posted_at: string; author: AuthorCard | null;
  last_poster: AuthorCard | null; unread: "new" | "updated" | null; unread_count: number;
  category?: { slug: string; name_fr: string; name_en: string };
}
export interface AuthorCard {
  id: string; display_name: string; discipline: string; region_code: string; verified: boolean;
  discipline_fr: string; discipline_en: string;
}

const disciplineNames = new Map(DISCIPLINES.map((d) => [d.code, d]));

/** Names (and disciplines) of the people whose posts the reader may see: one query per page. */
async function cards(tx: Tx, ids: Array<string | null>): Promise<Map<string, AuthorCard>> {
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (unique.length === 0) return new Map();
  const { rows } = await sql<Omit<AuthorCard, "discipline_fr" | "discipline_en">>`select * from public.forum_profile_cards(${unique}::uuid[])`.execute(tx);
  return new Map(rows.map((r) => {
    const d = disciplineNames.get(r.discipline);
    return [r.id, { ...r, discipline_fr: d?.name_fr ?? r.discipline, discipline_en: d?.name_en ?? r.discipline }];
  }));
}

interface TopicRow {
  id: number; title: string; tags: string[]; status: string; pinned_at: Date | null; locked_at: Date | null; deleted_at: Date | null;
  accepted_post_id: number | null; reply_count: number; created_at: Date; last_posted_at: Date; cursor_at: string;
  author_id: string | null; last_poster_id: string | null; highest_post_number: number; last_read: number | null;
  joined_at: Date | null; category_slug: string; category_name_fr: string; category_name_en: string;
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
  const people = await cards(tx, rows.flatMap((r) => [r.author_id, r.last_poster_id]));
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
      id: r.id, title: r.title, tags: r.tags, status: r.status, pinned: r.pinned_at !== null, locked: r.locked_at !== null,
      deleted: r.deleted_at !== null, accepted: r.accepted_post_id !== null, reply_count: r.reply_count,
      created_at: new Date(r.created_at).toISOString(), last_posted_at: new Date(r.last_posted_at).toISOString(),
      author: r.author_id ? people.get(r.author_id) ?? null : null, last_poster: r.last_poster_id ? people.get(r.last_poster_id) ?? null : null,
      unread, unread_count: unreadCount,
      ...(withCategory ? { category: { slug: r.category_slug, name_fr: r.category_name_fr, name_en: r.category_name_en } } : {}),
    };
  });
}

/** One page of a category's topics by latest activity; pinned ones come first on the first page. */
export async function listCategoryTopics(db: Database, claims: Claims, categoryId: string, cursor: Cursor | null, limit = TOPICS_PAGE_SIZE) {
  return db.withUser(claims, async (tx) => {
    const pinned = cursor ? [] : await topicRows(tx, sql`t.category_id = ${categoryId}::uuid and t.pinned_at is not null`, 10, claims?.sub ?? null);
    const after = cursor ? sql`and (t.last_posted_at, t.id) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)` : sql``;
    const rows = await topicRows(tx, sql`t.category_id = ${categoryId}::uuid and t.pinned_at is null ${after}`, limit + 1, claims?.sub ?? null);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      pinned: await toListItems(tx, pinned, false),
      topics: await toListItems(tx, page, false),
      nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
    };
  }, { readOnly: true });
}

/** Latest activity across every category the person may read. */
export async function listLatestTopics(db: Database, claims: Claims, cursor: Cursor | null, limit = TOPICS_PAGE_SIZE) {
  return db.withUser(claims, async (tx) => {
    const after = cursor ? sql`(t.last_posted_at, t.id) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)` : sql`true`;
    const rows = await topicRows(tx, after, limit + 1, claims?.sub ?? null);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { topics: await toListItems(tx, page, true), nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null };
  }, { readOnly: true });
}

// ── A topic page ─────────────────────────────────────────────────────────────

export interface PostView {
  id: number; post_number: number; html: string; status: string; hidden_reason: string | null; deleted: boolean;
  edited: boolean; edit_count: number; created_at: string; author: AuthorCard | null; is_author: boolean;
  reply_to: { id: number; post_number: number; author: AuthorCard | null } | null;
  reactions: Array<{ kind: ReactionKind; count: number; mine: boolean }>; bookmarked: boolean; accepted: boolean;
}

interface PostRow {
  id: number; post_number: number; author_id: string | null; body: unknown; body_text: string; status: string;
  hidden_reason: string | null; deleted_at: Date | null; edited_at: Date | null; edit_count: number; created_at: Date;
  reply_to_post_id: number | null; reply_to_number: number | null; reply_to_author: string | null;
}

async function postViews(tx: Tx, rows: PostRow[], viewerId: string | null, acceptedId: number | null, extraPeople: Array<string | null> = []): Promise<{ views: PostView[]; people: Map<string, AuthorCard> }> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return { views: [], people: await cards(tx, extraPeople) };
  const { rows: reactions } = await sql<{ post_id: number; kind: ReactionKind; n: number; mine: boolean }>`
    select post_id, kind, count(*)::int as n, coalesce(bool_or(user_id = auth.uid()), false) as mine
      from public.forum_reactions where post_id = any (${ids}::bigint[]) group by post_id, kind`.execute(tx);
  const bookmarks = viewerId
    ? new Set((await tx.selectFrom("forum_bookmarks").select("post_id").where("post_id", "in", ids).execute()).map((b) => b.post_id))
    : new Set<number>();
  const people = await cards(tx, [...rows.flatMap((r) => [r.author_id, r.reply_to_author]), ...extraPeople]);
  const views = rows.map((r): PostView => ({
    id: r.id, post_number: r.post_number,
    html: r.deleted_at !== null && r.author_id !== viewerId ? "" : renderRichTextSafe(r.body, r.body_text),
    status: r.status, hidden_reason: r.hidden_reason, deleted: r.deleted_at !== null, edited: r.edited_at !== null,
    edit_count: r.edit_count, created_at: new Date(r.created_at).toISOString(),
    author: r.author_id ? people.get(r.author_id) ?? null : null, is_author: viewerId !== null && r.author_id === viewerId,
    reply_to: r.reply_to_post_id && r.reply_to_number
      ? { id: r.reply_to_post_id, post_number: r.reply_to_number, author: r.reply_to_author ? people.get(r.reply_to_author) ?? null : null }
      : null,
    reactions: REACTIONS.map((kind) => {
      const found = reactions.find((x) => x.post_id === r.id && x.kind === kind);
      return { kind, count: found?.n ?? 0, mine: found?.mine ?? false };
    }),
    bookmarked: bookmarks.has(r.id),
    accepted: acceptedId === r.id,
  }));
  return { views, people };
}

const POST_COLUMNS = sql`p.id, p.post_number, p.author_id, p.body, p.body_text, p.status, p.hidden_reason, p.deleted_at,
  p.edited_at, p.edit_count, p.created_at, p.reply_to_post_id, rp.post_number as reply_to_number, rp.author_id as reply_to_author`;

export async function getTopicPage(db: Database, claims: Claims, topicId: number, options: { after?: number; limit?: number; draft?: boolean } = {}) {
  const limit = options.limit ?? POSTS_PAGE_SIZE;
  const after = Math.max(0, options.after ?? 0);
  return db.withUser(claims, async (tx) => {
    const topic = await tx.selectFrom("forum_topics as t")
      .innerJoin("forum_categories as c", "c.id", "t.category_id")
      .innerJoin("spaces as s", "s.id", "t.space_id")
      .select([
        "t.id", "t.title", "t.tags", "t.status", "t.region_code", "t.pinned_at", "t.locked_at", "t.deleted_at", "t.accepted_post_id",
        "t.reply_count", "t.highest_post_number", "t.created_at", "t.last_posted_at", "t.author_id", "t.space_id", "t.category_id",
        "c.slug as category_slug", "c.name_fr as category_name_fr", "c.name_en as category_name_en", "c.archived_at as category_archived_at",
        "s.visibility", "s.name_fr as space_name_fr", "s.name_en as space_name_en",
        sql<boolean>`public.forum_can_reply(t.id)`.as("can_reply"),
        sql<boolean>`public.can_moderate_space(t.space_id)`.as("can_moderate"),
        sql<boolean>`public.forum_is_silenced()`.as("silenced"),
        claims
          ? sql<string | null>`(select w.level from public.forum_topic_watches w where w.topic_id = t.id and w.user_id = ${claims.sub}::uuid)`.as("watch_level")
          : sql<string | null>`null::text`.as("watch_level"),
        claims
          ? sql<string | null>`(select w.level from public.forum_category_watches w where w.category_id = t.category_id and w.user_id = ${claims.sub}::uuid)`.as("category_watch_level")
          : sql<string | null>`null::text`.as("category_watch_level"),
        claims
          ? sql<number | null>`(select r.last_read_post_number from public.forum_topic_reads r where r.topic_id = t.id and r.user_id = ${claims.sub}::uuid)`.as("last_read")
          : sql<number | null>`null::int`.as("last_read"),
      ])
      .where("t.id", "=", topicId).executeTakeFirst();
    if (!topic) return null;
    const { rows } = await sql<PostRow>`
      select ${POST_COLUMNS}
        from public.forum_posts p left join public.forum_posts rp on rp.id = p.reply_to_post_id
       where p.topic_id = ${topicId} and p.post_number > ${after}
       order by p.post_number limit ${limit + 1}`.execute(tx);
    const viewerId = claims?.sub ?? null;
    const { views: posts, people } = await postViews(tx, rows.slice(0, limit), viewerId, topic.accepted_post_id, [topic.author_id]);
    const authorCard = people.get(topic.author_id ?? "") ?? null;
    // The reader's saved reply, in the same transaction (one round trip less per page).
    const draft = options.draft && claims
      ? await tx.selectFrom("forum_drafts").select(["title", "body", "updated_at"]).where("user_id", "=", claims.sub).where("draft_key", "=", `reply:${topicId}`).executeTakeFirst()
      : undefined;
    return {
      topic: {
        id: topic.id, title: topic.title, tags: topic.tags, status: topic.status, region_code: topic.region_code,
        pinned: topic.pinned_at !== null, locked: topic.locked_at !== null, deleted: topic.deleted_at !== null,
        accepted_post_id: topic.accepted_post_id, reply_count: topic.reply_count, highest_post_number: topic.highest_post_number,
        created_at: new Date(topic.created_at).toISOString(), author: authorCard, is_author: viewerId !== null && topic.author_id === viewerId,
        space_id: topic.space_id, category_id: topic.category_id, visibility: topic.visibility,
        category: { slug: topic.category_slug, name_fr: topic.category_name_fr, name_en: topic.category_name_en, archived: topic.category_archived_at !== null },
        space: { name_fr: topic.space_name_fr, name_en: topic.space_name_en },
      },
      viewer: {
        canReply: topic.can_reply, canModerate: topic.can_moderate, silenced: topic.silenced,
        watchLevel: (topic.watch_level ?? topic.category_watch_level ?? "normal") as WatchLevel,
        watchExplicit: topic.watch_level !== null, lastRead: topic.last_read ?? 0,
      },
      posts,
      draft: draft ? { text: docToText(draft.body as RichDoc), json: JSON.stringify(draft.body), updatedAt: iso(draft.updated_at) ?? "" } : null,
      after,
      nextAfter: rows.length > limit ? posts[posts.length - 1]?.post_number ?? null : null,
    };
  }, { readOnly: true });
}

/** One post as a topic reader sees it (a reply arriving live is fetched with the reader's own rights). */
export async function getPostView(db: Database, claims: Claims, postId: number) {
  return db.withUser(claims, async (tx) => {
    const { rows } = await sql<PostRow & { topic_id: number; accepted_post_id: number | null }>`
      select ${POST_COLUMNS}, p.topic_id, t.accepted_post_id
        from public.forum_posts p
        join public.forum_topics t on t.id = p.topic_id
        left join public.forum_posts rp on rp.id = p.reply_to_post_id
       where p.id = ${postId}`.execute(tx);
    const row = rows[0];
    if (!row) return null;
    const { views: [view] } = await postViews(tx, [row], claims?.sub ?? null, row.accepted_post_id);
    return view ? { topicId: row.topic_id, post: view } : null;
  }, { readOnly: true });
}

/** Where a post lives, for permalinks (/forums/p/:id → its topic page). */
export async function locatePost(db: Database, claims: Claims, postId: number) {
  return db.withUser(claims, (tx) =>
    tx.selectFrom("forum_posts").select(["topic_id", "post_number"]).where("id", "=", postId).executeTakeFirst(), { readOnly: true });
}

// ── Writing ─────────────────────────────────────────────────────────────────

async function categoryForPosting(tx: Tx, categoryId: string) {
  return tx.selectFrom("forum_categories as c").innerJoin("spaces as s", "s.id", "c.space_id")
    .select(["c.id", "c.space_id", "c.archived_at", "s.visibility", "s.region_code",
      sql<boolean>`public.forum_can_create_topic(c.id)`.as("can_post"),
      sql<boolean>`public.forum_is_silenced()`.as("silenced")])
    .where("c.id", "=", categoryId).executeTakeFirst();
}

export interface Published { topicId: number; postId: number; postNumber: number; postStatus: string; mentions: string[]; authorId?: string }

export async function createTopic(db: Database, viewer: Viewer, categoryId: string, input: NewTopicInput): Promise<Outcome<Published>> {
  const body = bodyFromForm(input);
  if (!body.ok) return refused(400, "forums.errors.fix_fields", bodyError(body.error));
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<Published>> => {
    const category = await categoryForPosting(tx, categoryId);
    if (!category) return refused(404, "forums.errors.not_found");
    if (category.silenced) return refused(403, "forums.errors.silenced");
    if (category.archived_at) return refused(403, "forums.errors.archived");
    if (!category.can_post) return refused(403, "forums.errors.forbidden");
    const space = { id: category.space_id, visibility: category.visibility };
    const linked = await resolveLinks(tx, body.doc, space, body.mentions, body.references);
    if (!linked.ok) return refused(400, "forums.errors.fix_fields", bodyError(linked.error));
    const topic = await tx.insertInto("forum_topics").values({
      category_id: categoryId, author_id: viewer.id, title: input.title, tags: input.tags,
      region_code: category.region_code ?? input.region ?? null,
    }).returning(["id", "status"]).executeTakeFirstOrThrow();
    const post = await tx.insertInto("forum_posts").values({
      topic_id: topic.id, author_id: viewer.id, reply_to_post_id: null, body: JSON.stringify(linked.doc), body_text: body.text,
    }).returning(["id", "post_number", "status"]).executeTakeFirstOrThrow();
    await autoWatch(tx, viewer.id, topic.id);
    await tx.deleteFrom("forum_drafts").where("user_id", "=", viewer.id).where("draft_key", "=", `topic:${categoryId}`).execute();
    await markReadTx(tx, viewer.id, topic.id, post.post_number);
    return { ok: true, topicId: topic.id, postId: post.id, postNumber: post.post_number, postStatus: post.status, mentions: body.mentions, authorId: viewer.id };
  }));
}

export async function createReply(db: Database, viewer: Viewer, topicId: number, input: ReplyInput): Promise<Outcome<Published>> {
  const body = bodyFromForm(input);
  if (!body.ok) return refused(400, "forums.errors.fix_fields", bodyError(body.error));
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<Published>> => {
    const topic = await tx.selectFrom("forum_topics as t").innerJoin("spaces as s", "s.id", "t.space_id")
      .innerJoin("forum_categories as c", "c.id", "t.category_id")
      .select(["t.id", "t.space_id", "t.locked_at", "t.deleted_at", "s.visibility", "c.archived_at",
        sql<boolean>`public.forum_can_reply(t.id)`.as("can_reply"),
        sql<boolean>`public.can_moderate_space(t.space_id)`.as("can_moderate"),
        sql<boolean>`public.forum_is_silenced()`.as("silenced")])
      .where("t.id", "=", topicId).executeTakeFirst();
    if (!topic) return refused(404, "forums.errors.not_found");
    if (topic.silenced) return refused(403, "forums.errors.silenced");
    if (topic.locked_at && !topic.can_moderate) return refused(403, "forums.errors.locked");
    if (topic.archived_at) return refused(403, "forums.errors.archived");
    if (topic.deleted_at || !topic.can_reply) return refused(403, "forums.errors.forbidden");
    if (input.replyTo) {
      const target = await tx.selectFrom("forum_posts").select("id").where("id", "=", input.replyTo).where("topic_id", "=", topicId).executeTakeFirst();
      if (!target) return refused(400, "forums.errors.fix_fields", { replyTo: ["forums.errors.reply_to_invalid"] });
    }
    const linked = await resolveLinks(tx, body.doc, { id: topic.space_id, visibility: topic.visibility }, body.mentions, body.references);
    if (!linked.ok) return refused(400, "forums.errors.fix_fields", bodyError(linked.error));
    const post = await tx.insertInto("forum_posts").values({
      topic_id: topicId, author_id: viewer.id, reply_to_post_id: input.replyTo ?? null, body: JSON.stringify(linked.doc), body_text: body.text,
    }).returning(["id", "post_number", "status"]).executeTakeFirstOrThrow();
    await autoWatch(tx, viewer.id, topicId);
    await tx.deleteFrom("forum_drafts").where("user_id", "=", viewer.id).where("draft_key", "=", `reply:${topicId}`).execute();
    await markReadTx(tx, viewer.id, topicId, post.post_number);
    return { ok: true, topicId, postId: post.id, postNumber: post.post_number, postStatus: post.status, mentions: body.mentions, authorId: viewer.id };
  }));
}

/** Starting or replying to a topic watches it, unless the person chose a level before. */
async function autoWatch(tx: Tx, userId: string, topicId: number) {
  await tx.insertInto("forum_topic_watches").values({ user_id: userId, topic_id: topicId, level: "watching", reason: "auto" })
    .onConflict((oc) => oc.columns(["user_id", "topic_id"]).doNothing()).execute();
}

async function markReadTx(tx: Tx, userId: string, topicId: number, upTo: number) {
  await tx.insertInto("forum_topic_reads").values({ user_id: userId, topic_id: topicId, last_read_post_number: upTo })
    .onConflict((oc) => oc.columns(["user_id", "topic_id"]).doUpdateSet({
      last_read_post_number: sql`greatest(forum_topic_reads.last_read_post_number, excluded.last_read_post_number)`,
      updated_at: sql`now()`,
    })).execute();
}

export async function markRead(db: Database, viewer: Viewer, topicId: number, upTo: number): Promise<Outcome> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
    const topic = await tx.selectFrom("forum_topics").select(["id", "highest_post_number"]).where("id", "=", topicId).executeTakeFirst();
    if (!topic) return refused(404, "forums.errors.not_found");
    await markReadTx(tx, viewer.id, topicId, Math.min(upTo, topic.highest_post_number));
    return { ok: true };
  }));
}

/** What the edit form shows: the post's text in the textarea markup and its JSON for the editor. */
export async function getPostForEdit(db: Database, viewer: Viewer, postId: number) {
  return db.withUser(viewer.claims, async (tx) => {
    const row = await tx.selectFrom("forum_posts as p").innerJoin("forum_topics as t", "t.id", "p.topic_id")
      .select(["p.id", "p.topic_id", "p.post_number", "p.author_id", "p.body", "p.status", "p.deleted_at", "p.space_id", "t.title", "t.tags", "t.locked_at",
        sql<boolean>`public.can_moderate_space(p.space_id)`.as("can_moderate")])
      .where("p.id", "=", postId).executeTakeFirst();
    if (!row) return null;
    const doc = row.body as RichDoc;
    return {
      id: row.id, topicId: row.topic_id, postNumber: row.post_number, spaceId: row.space_id, title: row.title, tags: row.tags,
      text: docToText(doc), json: JSON.stringify(doc), isAuthor: row.author_id === viewer.id, canModerate: row.can_moderate,
      locked: row.locked_at !== null, unavailable: row.deleted_at !== null || row.status === "hidden",
    };
  }, { readOnly: true });
}

export async function editPost(db: Database, viewer: Viewer, postId: number, input: EditPostInput): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  const body = bodyFromForm(input);
  if (!body.ok) return refused(400, "forums.errors.fix_fields", bodyError(body.error));
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
    const post = await tx.selectFrom("forum_posts as p").innerJoin("forum_topics as t", "t.id", "p.topic_id")
      .innerJoin("spaces as s", "s.id", "p.space_id")
      .select(["p.id", "p.topic_id", "p.post_number", "p.author_id", "p.status", "p.deleted_at", "p.space_id", "t.locked_at", "s.visibility",
        sql<boolean>`public.can_moderate_space(p.space_id)`.as("can_moderate")])
      .where("p.id", "=", postId).executeTakeFirst();
    if (!post) return refused(404, "forums.errors.not_found");
    if (post.author_id !== viewer.id && !post.can_moderate) return refused(403, "forums.errors.not_author");
    if (!post.can_moderate && post.locked_at) return refused(403, "forums.errors.locked");
    if (!post.can_moderate && (post.deleted_at || post.status === "hidden")) return refused(403, "forums.errors.unavailable");
    const linked = await resolveLinks(tx, body.doc, { id: post.space_id, visibility: post.visibility }, body.mentions, body.references);
    if (!linked.ok) return refused(400, "forums.errors.fix_fields", bodyError(linked.error));
    // The body first: its revision then records the title as it was.
    await tx.updateTable("forum_posts").set({ body: JSON.stringify(linked.doc), body_text: body.text }).where("id", "=", postId).execute();
    if (post.post_number === 1 && (input.title !== undefined || input.tags !== undefined)) {
      await tx.updateTable("forum_topics").set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.tags !== undefined ? { tags: input.tags } : {}),
      }).where("id", "=", post.topic_id).execute();
    }
    return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
  }));
}

export async function deletePost(db: Database, viewer: Viewer, postId: number): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
    const post = await tx.selectFrom("forum_posts").select(["id", "topic_id", "post_number", "author_id", "deleted_at",
      sql<boolean>`public.can_moderate_space(space_id)`.as("can_moderate")]).where("id", "=", postId).executeTakeFirst();
    if (!post) return refused(404, "forums.errors.not_found");
    if (post.author_id !== viewer.id && !post.can_moderate) return refused(403, "forums.errors.not_author");
    if (post.deleted_at) return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
    await tx.updateTable("forum_posts").set({ deleted_at: new Date() }).where("id", "=", postId).execute();
    return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
  }));
}

export async function getPostHistory(db: Database, viewer: Viewer, postId: number) {
  return db.withUser(viewer.claims, async (tx) => {
    const post = await tx.selectFrom("forum_posts as p").innerJoin("forum_topics as t", "t.id", "p.topic_id")
      .select(["p.id", "p.topic_id", "p.post_number", "p.author_id", "p.body", "p.body_text", "p.edited_at", "p.created_at", "t.title",
        sql<boolean>`public.can_moderate_space(p.space_id)`.as("can_moderate")])
      .where("p.id", "=", postId).executeTakeFirst();
    if (!post) return { status: 404 as const };
    if (post.author_id !== viewer.id && !post.can_moderate) return { status: 403 as const };
    const revisions = await tx.selectFrom("forum_post_revisions").select(["id", "editor_id", "title", "body", "body_text", "created_at"])
      .where("post_id", "=", postId).orderBy("created_at", "desc").orderBy("id", "desc").execute();
    const people = await cards(tx, [post.author_id, ...revisions.map((r) => r.editor_id)]);
    return {
      status: 200 as const,
      post: { id: post.id, topicId: post.topic_id, postNumber: post.post_number, title: post.post_number === 1 ? post.title : null,
        html: renderRichTextSafe(post.body, post.body_text), editedAt: iso(post.edited_at), createdAt: iso(post.created_at) ?? "" },
      revisions: revisions.map((r) => ({
        id: r.id, title: r.title, html: renderRichTextSafe(r.body, r.body_text), createdAt: iso(r.created_at) ?? "",
        editor: r.editor_id ? people.get(r.editor_id) ?? null : null,
      })),
    };
  }, { readOnly: true });
}

export async function toggleReaction(db: Database, viewer: Viewer, postId: number, kind: ReactionKind): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
    const post = await tx.selectFrom("forum_posts").select(["id", "topic_id", "post_number", "author_id", "status", "deleted_at"])
      .where("id", "=", postId).executeTakeFirst();
    if (!post) return refused(404, "forums.errors.not_found");
    if (post.author_id === viewer.id) return refused(403, "forums.errors.react_own");
    if (post.status !== "published" || post.deleted_at) return refused(403, "forums.errors.unavailable");
    const removed = await tx.deleteFrom("forum_reactions").where("post_id", "=", postId).where("user_id", "=", viewer.id).where("kind", "=", kind).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) {
      await tx.insertInto("forum_reactions").values({ post_id: postId, user_id: viewer.id, kind }).execute();
    }
    return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
  }));
}

export async function toggleBookmark(db: Database, viewer: Viewer, postId: number): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
    const post = await tx.selectFrom("forum_posts").select(["id", "topic_id", "post_number"]).where("id", "=", postId).executeTakeFirst();
    if (!post) return refused(404, "forums.errors.not_found");
    const removed = await tx.deleteFrom("forum_bookmarks").where("post_id", "=", postId).where("user_id", "=", viewer.id).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) await tx.insertInto("forum_bookmarks").values({ post_id: postId, user_id: viewer.id }).execute();
    return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
  }));
}

export async function listBookmarks(db: Database, viewer: Viewer) {
  return db.withUser(viewer.claims, async (tx) => {
    const rows = await tx.selectFrom("forum_bookmarks as b")
      .innerJoin("forum_posts as p", "p.id", "b.post_id")
      .innerJoin("forum_topics as t", "t.id", "p.topic_id")
      .select(["b.post_id", "b.created_at", "p.post_number", "p.body_text", "p.author_id", "t.id as topic_id", "t.title"])
      .orderBy("b.created_at", "desc").limit(200).execute();
    const people = await cards(tx, rows.map((r) => r.author_id));
    return rows.map((r) => ({
      postId: r.post_id, postNumber: r.post_number, topicId: r.topic_id, title: r.title,
      excerpt: r.body_text.slice(0, 240), createdAt: iso(r.created_at) ?? "", author: r.author_id ? people.get(r.author_id) ?? null : null,
    }));
  }, { readOnly: true });
}

/** Topic author or a moderator marks (or clears, with no postId) the accepted answer. */
export async function setAcceptedAnswer(db: Database, viewer: Viewer, topicId: number, postId: number | null): Promise<Outcome> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
    const topic = await tx.selectFrom("forum_topics").select(["id", "author_id", sql<boolean>`public.can_moderate_space(space_id)`.as("can_moderate")])
      .where("id", "=", topicId).executeTakeFirst();
    if (!topic) return refused(404, "forums.errors.not_found");
    if (topic.author_id !== viewer.id && !topic.can_moderate) return refused(403, "forums.errors.not_author");
    await tx.updateTable("forum_topics").set({ accepted_post_id: postId }).where("id", "=", topicId).execute();
    return { ok: true };
  }));
}

export async function setTopicWatch(db: Database, viewer: Viewer, topicId: number, level: WatchLevel): Promise<Outcome> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
    const topic = await tx.selectFrom("forum_topics").select("id").where("id", "=", topicId).executeTakeFirst();
    if (!topic) return refused(404, "forums.errors.not_found");
    await tx.insertInto("forum_topic_watches").values({ user_id: viewer.id, topic_id: topicId, level, reason: "manual" })
      .onConflict((oc) => oc.columns(["user_id", "topic_id"]).doUpdateSet({ level, reason: "manual", updated_at: sql`now()` })).execute();
    return { ok: true };
  }));
}

export async function setCategoryWatch(db: Database, viewer: Viewer, categoryId: string, level: WatchLevel): Promise<Outcome> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
    const category = await tx.selectFrom("forum_categories").select("id").where("id", "=", categoryId).executeTakeFirst();
    if (!category) return refused(404, "forums.errors.not_found");
    await tx.insertInto("forum_category_watches").values({ user_id: viewer.id, category_id: categoryId, level })
      .onConflict((oc) => oc.columns(["user_id", "category_id"]).doUpdateSet({ level, updated_at: sql`now()` })).execute();
    return { ok: true };
  }));
}

export async function flagPost(db: Database, viewer: Viewer, postId: number, input: { reason: string; note?: string }): Promise<Outcome<{ topicId: number; postNumber: number }>> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<{ topicId: number; postNumber: number }>> => {
    const post = await tx.selectFrom("forum_posts").select(["id", "topic_id", "post_number", "author_id"]).where("id", "=", postId).executeTakeFirst();
    if (!post) return refused(404, "forums.errors.not_found");
    if (post.author_id === viewer.id) return refused(403, "forums.errors.flag_own");
    const open = await tx.selectFrom("forum_flags").select("id").where("post_id", "=", postId).where("reporter_id", "=", viewer.id)
      .where("status", "=", "open").executeTakeFirst();
    if (open) return refused(409, "forums.errors.already_flagged");
    await tx.insertInto("forum_flags").values({
      post_id: postId, reporter_id: viewer.id, reason: input.reason as never, note: input.note?.trim() || null,
    }).execute();
    return { ok: true, topicId: post.topic_id, postNumber: post.post_number };
  }));
}

export async function getPostSummary(db: Database, claims: Claims, postId: number) {
  return db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("forum_posts as p").innerJoin("forum_topics as t", "t.id", "p.topic_id")
      .select(["p.id", "p.topic_id", "p.post_number", "p.author_id", "p.body_text", "t.title"]).where("p.id", "=", postId).executeTakeFirst();
    if (!row) return null;
    const author = (await cards(tx, [row.author_id])).get(row.author_id ?? "") ?? null;
    return { id: row.id, topicId: row.topic_id, postNumber: row.post_number, title: row.title, excerpt: row.body_text.slice(0, 400), author, authorId: row.author_id };
  }, { readOnly: true });
}

// ── Drafts ──────────────────────────────────────────────────────────────────

export async function getDraft(db: Database, claims: UserClaims, key: string) {
  return db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("forum_drafts").select(["title", "body", "updated_at"]).where("user_id", "=", claims.sub).where("draft_key", "=", key).executeTakeFirst();
    if (!row) return null;
    const doc = row.body as RichDoc;
    return { title: row.title ?? "", text: docToText(doc), json: JSON.stringify(doc), updatedAt: iso(row.updated_at) ?? "" };
  }, { readOnly: true });
}

/** Saves what is written so far; an empty body deletes the draft. Only the JSON shape is checked (a draft may be incomplete). */
export async function saveDraft(db: Database, viewer: Viewer, input: { key: string; title?: string; body?: string; bodyJson?: string }): Promise<Outcome<{ saved: boolean }>> {
  const raw = input.bodyJson?.trim() ? input.bodyJson : null;
  const validated = raw ? validateRichText(raw) : validateRichText(textToDoc(input.body ?? ""));
  const empty = !validated.ok && validated.error === "empty" && !input.title?.trim();
  if (!validated.ok && !empty && validated.error !== "empty") return refused(400, "forums.errors.fix_fields", bodyError(validated.error));
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome<{ saved: boolean }>> => {
    if (empty) {
      await tx.deleteFrom("forum_drafts").where("user_id", "=", viewer.id).where("draft_key", "=", input.key).execute();
      return { ok: true, saved: false };
    }
    const doc = validated.ok ? validated.doc : { type: "doc", content: [{ type: "paragraph" }] };
    const title = input.title?.trim().slice(0, 200) || null;
    await tx.insertInto("forum_drafts").values({ user_id: viewer.id, draft_key: input.key, title, body: JSON.stringify(doc) })
      .onConflict((oc) => oc.columns(["user_id", "draft_key"]).doUpdateSet({ title, body: JSON.stringify(doc), updated_at: sql`now()` })).execute();
    return { ok: true, saved: true };
  }));
}

// ── Suggestions for the editor ──────────────────────────────────────────────

export async function mentionCandidates(db: Database, viewer: Viewer, spaceId: string, query: string) {
  return db.withUser(viewer.claims, async (tx) => {
    const { rows } = await sql<{ id: string; display_name: string; discipline: string }>`
      select id, display_name, discipline from public.forum_mention_candidates(${query}, ${spaceId}::uuid, 8)`.execute(tx);
    return rows;
  }, { readOnly: true });
}

export async function referenceCandidates(db: Database, viewer: Viewer, query: string) {
  return db.withUser(viewer.claims, async (tx) => {
    const q = query.trim().toLowerCase();
    const { rows: topics } = await sql<{ id: number; title: string }>`
      select t.id, t.title from public.forum_topics t
       where t.title_search like '%' || public.immutable_unaccent(${q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'
         and t.status = 'published' and t.deleted_at is null
       order by t.last_posted_at desc limit 6`.execute(tx);
    const tools = await tx.selectFrom("tools").select(["id", "title"]).where("status", "=", "published")
      .where(sql<boolean>`public.immutable_unaccent(lower(title)) like '%' || public.immutable_unaccent(${q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'`)
      .orderBy("title").limit(6).execute();
    return [
      ...topics.map((t) => ({ kind: "topic" as const, id: String(t.id), label: t.title })),
      ...tools.map((t) => ({ kind: "tool" as const, id: t.id, label: t.title })),
    ];
  }, { readOnly: true });
}

// ── Email settings ──────────────────────────────────────────────────────────

export async function getForumSettings(db: Database, viewer: Viewer) {
  return db.withUser(viewer.claims, async (tx) => {
    const settings = await tx.selectFrom("forum_email_settings").select(["mode"]).where("user_id", "=", viewer.id).executeTakeFirst();
    const watched = await tx.selectFrom("forum_category_watches as w").innerJoin("forum_categories as c", "c.id", "w.category_id")
      .select(["c.slug", "c.name_fr", "c.name_en", "w.level"]).where("w.user_id", "=", viewer.id).where("w.level", "!=", "normal")
      .orderBy("c.name_fr").execute();
    return { mode: settings?.mode ?? "each", watched };
  }, { readOnly: true });
}

export async function setEmailMode(db: Database, viewer: Viewer, mode: "each" | "daily" | "weekly" | "off"): Promise<Outcome> {
  return attempt(() => db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
    await tx.insertInto("forum_email_settings").values({ user_id: viewer.id, mode })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ mode, updated_at: sql`now()` })).execute();
    return { ok: true };
  }));
}
