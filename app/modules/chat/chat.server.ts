// Chat: conversations (direct, group, channel) and their members, messages, threads,
// reactions, read positions, reports and moderation. Shared by the HTTP routes
// (pages and forms that work without JavaScript) and the socket handlers
// (server/realtime/chat.ts). Every function acts with the claims of the person
// asking: RLS is the wall, the checks here give clear answers ({ ok: false, error }).
import { randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import type { ConversationKind, ConversationVisibility, MessagesTable } from "~/utils/db-schema";
import {
  HISTORY_PAGE_SIZE, MAX_MENTIONS, READ_RECEIPTS_MAX_MEMBERS, SYNC_MAX_MESSAGES, UNREAD_COUNT_CAP, type Reaction,
} from "./limits";
import { CHAT_ERRORS, type ChatError, type ChatMessage, type NewConversationInput, type SendInput } from "./schemas";
import { findMentions, type Person } from "./text";
import {
  toCreated, unreadNotificationCount, type CreatedNotification, type NotificationRow,
} from "../notifications/notifications.server";

export type ChatResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ChatError };

/** Thrown inside a transaction to roll it back and answer `{ ok: false, error }`. */
class Refusal extends Error {
  constructor(readonly code: ChatError) {
    super(code);
  }
}

async function attempt<T extends object>(fn: () => Promise<T>): Promise<ChatResult<T>> {
  try {
    const value = await fn();
    return { ok: true, ...value };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.code };
    throw error;
  }
}

/** The Socket.IO room of a conversation's members. */
export function conversationRoom(conversationId: string): string {
  return `conversation:${conversationId}`;
}

type MessageRow = Selectable<MessagesTable>;

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
const isoOrNull = (value: Date | string | null) => (value ? iso(value) : null);

/** Names of people the caller shares a conversation with (chat_profiles never reveals more). */
export async function namesOf(tx: Tx, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { rows } = await sql<{ id: string; display_name: string }>`
    select id, display_name from public.chat_profiles(${unique}::uuid[])`.execute(tx);
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

async function toMessages(tx: Tx, rows: MessageRow[]): Promise<ChatMessage[]> {
  if (rows.length === 0) return [];
  const names = await namesOf(tx, rows.flatMap((r) => [...(r.author_id ? [r.author_id] : []), ...r.mentions]));
  const reactions = await tx.selectFrom("message_reactions").select(["message_id", "emoji", "user_id"])
    .where("message_id", "in", rows.map((r) => r.id)).orderBy("created_at").orderBy("user_id").execute();
  const byMessage = new Map<number, Map<string, string[]>>();
  for (const r of reactions) {
    const emojis = byMessage.get(r.message_id) ?? new Map<string, string[]>();
    emojis.set(r.emoji, [...(emojis.get(r.emoji) ?? []), r.user_id]);
    byMessage.set(r.message_id, emojis);
  }
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    authorId: r.author_id,
    authorName: r.author_id ? names.get(r.author_id) ?? null : null,
    clientId: r.client_id,
    parentId: r.parent_id,
    body: r.body,
    mentions: r.mentions.flatMap((id) => {
      const name = names.get(id);
      return name ? [{ id, name }] : [];
    }),
    createdAt: iso(r.created_at),
    editedAt: isoOrNull(r.edited_at),
    state: r.removed_at ? "removed" : r.deleted_at ? "deleted" : "active",
    replyCount: r.reply_count,
    lastReplyAt: isoOrNull(r.last_reply_at),
    reactions: [...(byMessage.get(r.id) ?? new Map<string, string[]>())].map(([emoji, userIds]) => ({ emoji, userIds })),
  }));
}

async function messageById(tx: Tx, id: number): Promise<ChatMessage | null> {
  const row = await tx.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? ((await toMessages(tx, [row]))[0] ?? null) : null;
}

async function isMember(tx: Tx, conversationId: string): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select public.is_conversation_member(${conversationId}::uuid) as ok`.execute(tx);
  return rows[0]?.ok === true;
}

async function requireMember(tx: Tx, conversationId: string): Promise<void> {
  if (!(await isMember(tx, conversationId))) throw new Refusal(CHAT_ERRORS.forbidden);
}

/** Messages after the read position that others wrote (capped: "99+"). */
async function unreadIn(tx: Tx, conversationId: string, me: string, lastRead: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (
      select 1 from public.messages m
       where m.conversation_id = ${conversationId}::uuid and m.id > ${lastRead}
         and m.author_id is distinct from ${me}::uuid and m.deleted_at is null and m.removed_at is null
       limit ${UNREAD_COUNT_CAP + 1}) t`.execute(tx);
  return rows[0]?.n ?? 0;
}

// ── Conversations ───────────────────────────────────────────────────────────────

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  visibility: ConversationVisibility;
  /** The title, or the other person's name in a direct conversation. */
  name: string;
  topic: string | null;
  otherUserId: string | null;
  unread: number;
  lastMessageId: number | null;
  lastMessageAt: string | null;
}

function otherOf(directKey: string | null, me: string): string | null {
  if (!directKey) return null;
  const [a, b] = directKey.split(":");
  return a === me ? b ?? null : a ?? null;
}

async function conversationsOf(tx: Tx, me: string): Promise<ConversationSummary[]> {
  const { rows } = await sql<{
    id: string; kind: ConversationKind; visibility: ConversationVisibility; title: string | null; topic: string | null;
    direct_key: string | null; last_message_id: number | null; last_message_at: Date | null; unread: number;
  }>`
    select c.id, c.kind, c.visibility, c.title, c.topic, c.direct_key,
           last.id as last_message_id, last.created_at as last_message_at, coalesce(unread.n, 0) as unread
      from public.conversations c
      join public.conversation_members cm on cm.conversation_id = c.id and cm.user_id = (select auth.uid())
      left join lateral (
        select m.id, m.created_at from public.messages m where m.conversation_id = c.id order by m.id desc limit 1
      ) last on true
      left join lateral (
        select count(*)::int as n from (
          select 1 from public.messages m
           where m.conversation_id = c.id and m.id > cm.last_read_message_id
             and m.author_id is distinct from (select auth.uid()) and m.deleted_at is null and m.removed_at is null
           limit ${UNREAD_COUNT_CAP + 1}) capped
      ) unread on last.id > cm.last_read_message_id
     order by coalesce(last.created_at, c.created_at) desc, c.id`.execute(tx);
  const names = await namesOf(tx, rows.flatMap((r) => otherOf(r.direct_key, me) ?? []));
  return rows.map((r) => {
    const otherUserId = otherOf(r.direct_key, me);
    return {
      id: r.id, kind: r.kind, visibility: r.visibility, topic: r.topic, otherUserId,
      name: r.title ?? (otherUserId ? names.get(otherUserId) ?? "" : ""),
      unread: r.unread, lastMessageId: r.last_message_id, lastMessageAt: isoOrNull(r.last_message_at),
    };
  });
}

export async function listConversations(db: Database, claims: UserClaims): Promise<ConversationSummary[]> {
  return db.withUser(claims, (tx) => conversationsOf(tx, claims.sub), { readOnly: true });
}

export interface ConversationMember {
  id: string;
  name: string;
  role: "owner" | "member";
  lastReadMessageId: number;
}

export interface ConversationView {
  id: string;
  kind: ConversationKind;
  visibility: ConversationVisibility;
  name: string;
  title: string | null;
  topic: string | null;
  regionCode: string | null;
  /** null: a public channel the person has not joined. */
  me: { role: "owner" | "member"; lastReadMessageId: number } | null;
  members: ConversationMember[];
  memberCount: number;
  canManage: boolean;
  readReceipts: boolean;
}

/** Members listed with a conversation (enough for names, receipts and mentions). */
export const MEMBERS_SHOWN = 500;

async function conversationView(tx: Tx, claims: UserClaims, id: string): Promise<ConversationView | null> {
  const c = await tx.selectFrom("conversations").selectAll().where("id", "=", id).executeTakeFirst();
  if (!c) return null;
  const mine = await tx.selectFrom("conversation_members").select(["role", "last_read_message_id"])
    .where("conversation_id", "=", id).where("user_id", "=", claims.sub).executeTakeFirst();
  const member = mine ? await isMember(tx, id) : false;
  const memberRows = member
    ? await tx.selectFrom("conversation_members").select(["user_id", "role", "last_read_message_id"])
      .where("conversation_id", "=", id).orderBy("joined_at").limit(MEMBERS_SHOWN).execute()
    : [];
  const count = await tx.selectFrom("conversation_members").select((eb) => eb.fn.countAll<number>().as("n"))
    .where("conversation_id", "=", id).executeTakeFirst();
  const names = await namesOf(tx, memberRows.map((m) => m.user_id));
  const { rows } = await sql<{ ok: boolean }>`select public.can_manage_conversation(${id}::uuid) as ok`.execute(tx);
  const otherUserId = otherOf(c.direct_key, claims.sub);
  const memberCount = Number(count?.n ?? 0);
  return {
    id: c.id, kind: c.kind, visibility: c.visibility, title: c.title, topic: c.topic, regionCode: c.region_code,
    name: c.title ?? (otherUserId ? names.get(otherUserId) ?? "" : ""),
    me: member && mine ? { role: mine.role, lastReadMessageId: mine.last_read_message_id } : null,
    members: memberRows.map((m) => ({ id: m.user_id, name: names.get(m.user_id) ?? "", role: m.role, lastReadMessageId: m.last_read_message_id })),
    memberCount,
    canManage: rows[0]?.ok === true,
    readReceipts: c.kind === "direct" || (c.kind === "group" && memberCount <= READ_RECEIPTS_MAX_MEMBERS),
  };
}

export async function getConversation(db: Database, claims: UserClaims, id: string): Promise<ConversationView | null> {
  return db.withUser(claims, (tx) => conversationView(tx, claims, id), { readOnly: true });
}

/** A page of the timeline (top-level messages) or of a thread, newest first from `before`. */
async function messagePage(tx: Tx, conversationId: string, options: { before?: number; parentId?: number; limit?: number }) {
  const limit = options.limit ?? HISTORY_PAGE_SIZE;
  let query = tx.selectFrom("messages").selectAll().where("conversation_id", "=", conversationId);
  query = options.parentId ? query.where("parent_id", "=", options.parentId) : query.where("parent_id", "is", null);
  if (options.before) query = query.where("id", "<", options.before);
  const rows = await query.orderBy("id", "desc").limit(limit + 1).execute();
  const page = rows.slice(0, limit).reverse();
  return { messages: await toMessages(tx, page), hasMore: rows.length > limit };
}

/** The conversation page: the conversation, a page of messages and, when asked, one thread. */
export async function getConversationPage(
  db: Database, claims: UserClaims, id: string, options: { before?: number; thread?: number },
) {
  return db.withUser(claims, async (tx) => {
    const conversation = await conversationView(tx, claims, id);
    if (!conversation) return null;
    if (!conversation.me) return { conversation, messages: [], hasMore: false, thread: null, syncedAt: await syncPoint(tx), lastMessageId: 0 };
    const page = await messagePage(tx, id, { before: options.before });
    let thread: { root: ChatMessage; replies: ChatMessage[]; hasMore: boolean } | null = null;
    if (options.thread) {
      const root = await messageById(tx, options.thread);
      if (root && root.conversationId === id && root.parentId === null) {
        const replies = await messagePage(tx, id, { parentId: root.id, limit: SYNC_MAX_MESSAGES });
        thread = { root, replies: replies.messages, hasMore: replies.hasMore };
      }
    }
    const last = await tx.selectFrom("messages").select("id").where("conversation_id", "=", id)
      .orderBy("id", "desc").limit(1).executeTakeFirst();
    return { conversation, ...page, thread, syncedAt: await syncPoint(tx), lastMessageId: last?.id ?? 0 };
  }, { readOnly: true });
}

/**
 * Where the next backfill starts from. A little in the past: a change committed just
 * after this transaction's snapshot carries a slightly earlier timestamp, and must
 * still come back next time (the client de-duplicates by id).
 */
export const SYNC_OVERLAP_SECONDS = 30;
async function syncPoint(tx: Tx): Promise<string> {
  const { rows } = await sql<{ at: Date }>`select now() - make_interval(secs => ${SYNC_OVERLAP_SECONDS}) as at`.execute(tx);
  return iso(rows[0]?.at ?? new Date());
}

/**
 * The backfill after a reconnect: messages after `afterId` (replies included), and
 * messages changed since `since` (edits, deletions, removals, reactions, replies; and
 * a message committed but never broadcast, e.g. its server died in between, whose id
 * may be below one already seen). Both parts page: while `hasMore`, the client asks
 * again with the highest id it has and the `syncedAt` it was given.
 */
export async function syncConversation(
  db: Database, claims: UserClaims, input: { conversationId: string; afterId?: number; since?: string },
): Promise<ChatResult<{ messages: ChatMessage[]; updated: ChatMessage[]; hasMore: boolean; syncedAt: string }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    await requireMember(tx, input.conversationId);
    let syncedAt = await syncPoint(tx);
    if (input.afterId === undefined) return { messages: [], updated: [], hasMore: false, syncedAt };
    const fresh = await tx.selectFrom("messages").selectAll()
      .where("conversation_id", "=", input.conversationId).where("id", ">", input.afterId)
      .orderBy("id").limit(SYNC_MAX_MESSAGES + 1).execute();
    const since = input.since;
    const changed = since
      ? await tx.selectFrom("messages").selectAll()
        .where("conversation_id", "=", input.conversationId).where("updated_at", ">", new Date(since))
        .where("id", "<=", input.afterId).orderBy("updated_at").orderBy("id").limit(SYNC_MAX_MESSAGES + 1).execute()
      : [];
    const changedPage = changed.slice(0, SYNC_MAX_MESSAGES);
    const last = changedPage.at(-1);
    // More changes than one page: the next call starts where this one stopped (a repeat is harmless).
    if (changed.length > SYNC_MAX_MESSAGES && last) syncedAt = iso(new Date(new Date(last.updated_at).getTime() - 1));
    return {
      messages: await toMessages(tx, fresh.slice(0, SYNC_MAX_MESSAGES)),
      updated: await toMessages(tx, changedPage),
      hasMore: fresh.length > SYNC_MAX_MESSAGES || changed.length > SYNC_MAX_MESSAGES,
      syncedAt,
    };
  }, { readOnly: true }));
}

export async function getHistory(
  db: Database, claims: UserClaims, input: { conversationId: string; before?: number; parentId?: number },
): Promise<ChatResult<{ messages: ChatMessage[]; hasMore: boolean }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    await requireMember(tx, input.conversationId);
    return messagePage(tx, input.conversationId, { before: input.before, parentId: input.parentId });
  }, { readOnly: true }));
}

// ── Messages ────────────────────────────────────────────────────────────────────

async function membersAsPeople(tx: Tx, conversationId: string): Promise<Person[]> {
  const { rows } = await sql<{ id: string; display_name: string }>`
    select id, display_name from public.chat_profiles(array(
      select user_id from public.conversation_members where conversation_id = ${conversationId}::uuid)::uuid[])`.execute(tx);
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}

/** The members the text mentions (people, so their names need no second query). */
async function mentionsIn(tx: Tx, conversationId: string, body: string, me: string): Promise<Person[]> {
  if (!body.includes("@")) return [];
  const people = await membersAsPeople(tx, conversationId);
  const ids = new Set(findMentions(body, people).filter((id) => id !== me).slice(0, MAX_MENTIONS));
  return people.filter((p) => ids.has(p.id));
}

export interface Sent {
  message: ChatMessage;
  /** false: a retry of a message already stored (same client id): nothing new to broadcast. */
  created: boolean;
  /** The thread's first message, with its new reply count. */
  parent: ChatMessage | null;
  notifications: CreatedNotification[];
}

/**
 * Persists a message once per (author, client id): a retry after a lost ack returns
 * the stored message, never a second copy. The common path is two statements (who
 * and where, then the insert): this is the hot path of the whole chat.
 */
export async function sendMessage(db: Database, claims: UserClaims, input: SendInput): Promise<ChatResult<Sent>> {
  return attempt(() => db.withUser(claims, async (tx): Promise<Sent> => {
    const me = claims.sub;
    // Membership (through the same set the policies use), the conversation's kind, the author's name.
    const { rows } = await sql<{ kind: ConversationKind; author: string }>`
      select c.kind, p.display_name as author
        from public.conversations c, public.profiles p
       where c.id = ${input.conversationId}::uuid and p.id = (select auth.uid())
         and c.id in (select public.my_conversation_ids())`.execute(tx);
    const context = rows[0];
    if (!context) {
      // Not a member, or a retry arriving after the person left: the stored message answers the retry.
      const stored = await tx.selectFrom("messages").selectAll()
        .where("author_id", "=", me).where("client_id", "=", input.clientId).executeTakeFirst();
      if (stored) return retried(tx, stored, input);
      throw new Refusal(CHAT_ERRORS.forbidden);
    }
    if (input.parentId !== undefined) {
      const parent = await tx.selectFrom("messages").select(["conversation_id", "parent_id"])
        .where("id", "=", input.parentId).executeTakeFirst();
      if (!parent || parent.conversation_id !== input.conversationId || parent.parent_id !== null) {
        throw new Refusal(CHAT_ERRORS.invalidParent);
      }
    }
    const mentioned = await mentionsIn(tx, input.conversationId, input.body, me);
    const inserted = await tx.insertInto("messages").values({
      conversation_id: input.conversationId, author_id: me, client_id: input.clientId,
      parent_id: input.parentId ?? null, body: input.body, mentions: mentioned.map((p) => p.id),
    }).onConflict((oc) => oc.columns(["author_id", "client_id"]).doNothing()).returningAll().executeTakeFirst();
    if (!inserted) {
      // Sent before (a retry after a lost ack), or twice at once: the stored one answers.
      const stored = await tx.selectFrom("messages").selectAll()
        .where("author_id", "=", me).where("client_id", "=", input.clientId).executeTakeFirstOrThrow();
      return retried(tx, stored, input);
    }
    const notified = context.kind === "direct" || mentioned.length > 0
      ? (await sql<NotificationRow>`
          select id, user_id, kind, payload, count, created_at from public.notify_chat_message(${inserted.id}::bigint)`.execute(tx)).rows
      : [];
    // A new message has no reactions yet, and every name it shows is already known.
    const message: ChatMessage = {
      id: inserted.id, conversationId: inserted.conversation_id, authorId: me, authorName: context.author,
      clientId: inserted.client_id, parentId: inserted.parent_id, body: inserted.body,
      mentions: mentioned.map((p) => ({ id: p.id, name: p.name })), createdAt: iso(inserted.created_at),
      editedAt: null, state: "active", replyCount: 0, lastReplyAt: null, reactions: [],
    };
    return {
      message, created: true,
      parent: inserted.parent_id ? await messageById(tx, inserted.parent_id) : null,
      notifications: notified.map(toCreated),
    };
  }));
}

async function retried(tx: Tx, row: MessageRow, input: SendInput): Promise<Sent> {
  if (row.conversation_id !== input.conversationId || (row.parent_id ?? undefined) !== input.parentId) {
    throw new Refusal(CHAT_ERRORS.clientIdConflict);
  }
  const [message] = await toMessages(tx, [row]);
  if (!message) throw new Error("message vanished");
  return { message, created: false, parent: null, notifications: [] };
}

async function ownMessage(tx: Tx, me: string, messageId: number): Promise<MessageRow> {
  const row = await tx.selectFrom("messages").selectAll().where("id", "=", messageId).executeTakeFirst();
  if (!row) throw new Refusal(CHAT_ERRORS.notFound);
  if (!(await isMember(tx, row.conversation_id))) throw new Refusal(CHAT_ERRORS.notFound);
  if (row.author_id !== me) throw new Refusal(CHAT_ERRORS.forbidden);
  if (row.deleted_at || row.removed_at) throw new Refusal(CHAT_ERRORS.gone);
  return row;
}

export async function editMessage(db: Database, claims: UserClaims, input: { messageId: number; body: string }): Promise<ChatResult<{ message: ChatMessage }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const row = await ownMessage(tx, claims.sub, input.messageId);
    const updated = await tx.updateTable("messages")
      .set({ body: input.body, mentions: (await mentionsIn(tx, row.conversation_id, input.body, claims.sub)).map((p) => p.id) })
      .where("id", "=", row.id).returningAll().executeTakeFirstOrThrow();
    const [message] = await toMessages(tx, [updated]);
    if (!message) throw new Error("message vanished");
    return { message };
  }));
}

export async function deleteMessage(db: Database, claims: UserClaims, input: { messageId: number }): Promise<ChatResult<{ message: ChatMessage }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const row = await ownMessage(tx, claims.sub, input.messageId);
    // The trigger stamps the time and erases the text.
    const updated = await tx.updateTable("messages").set({ deleted_at: new Date() })
      .where("id", "=", row.id).returningAll().executeTakeFirstOrThrow();
    const [message] = await toMessages(tx, [updated]);
    if (!message) throw new Error("message vanished");
    return { message };
  }));
}

export async function reactToMessage(
  db: Database, claims: UserClaims, input: { messageId: number; emoji: Reaction; on: boolean },
): Promise<ChatResult<{ message: ChatMessage }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("messages").select(["id", "conversation_id", "deleted_at", "removed_at"])
      .where("id", "=", input.messageId).executeTakeFirst();
    if (!row || !(await isMember(tx, row.conversation_id))) throw new Refusal(CHAT_ERRORS.notFound);
    if (row.deleted_at || row.removed_at) throw new Refusal(CHAT_ERRORS.gone);
    if (input.on) {
      await tx.insertInto("message_reactions")
        .values({ conversation_id: row.conversation_id, message_id: row.id, user_id: claims.sub, emoji: input.emoji })
        .onConflict((oc) => oc.columns(["message_id", "user_id", "emoji"]).doNothing()).execute();
    } else {
      await tx.deleteFrom("message_reactions")
        .where("message_id", "=", row.id).where("user_id", "=", claims.sub).where("emoji", "=", input.emoji).execute();
    }
    const message = await messageById(tx, row.id);
    if (!message) throw new Refusal(CHAT_ERRORS.notFound);
    return { message };
  }));
}

export interface ReadOutcome {
  lastReadMessageId: number;
  unread: number;
  /** The position moved (others may show a receipt). */
  moved: boolean;
  readReceipts: boolean;
  /** Notifications about this conversation were marked read: the person's new unread count. */
  notificationsUnread: number | null;
}

/** Moves the person's read position forward (never back) and clears the notifications it covers. */
export async function markRead(db: Database, claims: UserClaims, input: { conversationId: string; messageId: number }): Promise<ChatResult<ReadOutcome>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    await requireMember(tx, input.conversationId);
    const before = await tx.selectFrom("conversation_members").select("last_read_message_id")
      .where("conversation_id", "=", input.conversationId).where("user_id", "=", claims.sub).executeTakeFirstOrThrow();
    const latest = await tx.selectFrom("messages").select("id").where("conversation_id", "=", input.conversationId)
      .where("id", "<=", input.messageId).orderBy("id", "desc").limit(1).executeTakeFirst();
    const target = latest?.id ?? 0;
    const after = await tx.updateTable("conversation_members").set({ last_read_message_id: target })
      .where("conversation_id", "=", input.conversationId).where("user_id", "=", claims.sub)
      .returning("last_read_message_id").executeTakeFirstOrThrow();
    const cleared = await tx.updateTable("notifications").set({ read_at: new Date() })
      .where("user_id", "=", claims.sub).where("read_at", "is", null)
      .where(sql<boolean>`payload ->> 'conversationId' = ${input.conversationId}`)
      .where(sql<boolean>`(payload ->> 'messageId')::bigint <= ${after.last_read_message_id}`)
      .executeTakeFirst();
    const c = await tx.selectFrom("conversations").select("kind").where("id", "=", input.conversationId).executeTakeFirstOrThrow();
    const count = await tx.selectFrom("conversation_members").select((eb) => eb.fn.countAll<number>().as("n"))
      .where("conversation_id", "=", input.conversationId).executeTakeFirst();
    return {
      lastReadMessageId: after.last_read_message_id,
      unread: await unreadIn(tx, input.conversationId, claims.sub, after.last_read_message_id),
      moved: after.last_read_message_id > before.last_read_message_id,
      readReceipts: c.kind === "direct" || (c.kind === "group" && Number(count?.n ?? 0) <= READ_RECEIPTS_MAX_MEMBERS),
      notificationsUnread: Number(cleared.numUpdatedRows) > 0 ? await unreadNotificationCount(tx, claims.sub) : null,
    };
  }));
}

/** Unread counts of every conversation of the person, and of their notifications (one transaction). */
export async function getChatSummary(db: Database, claims: UserClaims) {
  return db.withUser(claims, async (tx) => ({
    conversations: (await conversationsOf(tx, claims.sub)).map((c) => ({ id: c.id, unread: c.unread })),
    notifications: await unreadNotificationCount(tx, claims.sub),
  }), { readOnly: true });
}

/**
 * The header's badges on the server-rendered page (before, or without, the live
 * connection): unread messages over all conversations, capped as the badge shows
 * them, and unread notifications. One cheap read per page view of a signed-in person.
 */
export async function getHeaderBadges(db: Database, claims: UserClaims, options: { chat: boolean }) {
  return db.withUser(claims, async (tx) => {
    const chats = options.chat
      ? (await sql<{ n: number }>`
          select count(*)::int as n from (
            select 1 from public.conversation_members cm
              join public.messages m on m.conversation_id = cm.conversation_id and m.id > cm.last_read_message_id
             where cm.user_id = (select auth.uid())
               and m.author_id is distinct from (select auth.uid()) and m.deleted_at is null and m.removed_at is null
             limit ${UNREAD_COUNT_CAP + 1}) capped`.execute(tx)).rows[0]?.n ?? 0
      : 0;
    return { chats, notifications: await unreadNotificationCount(tx, claims.sub) };
  }, { readOnly: true });
}

/** Ids of the conversations the person belongs to (their sockets join these rooms). */
export async function myConversationIds(db: Database, claims: UserClaims): Promise<string[]> {
  return (await connectionState(db, claims)).conversationIds;
}

/** What a new socket needs, in one transaction: its rooms, and whether to announce the person online. */
export async function connectionState(db: Database, claims: UserClaims): Promise<{ conversationIds: string[]; presenceVisible: boolean }> {
  return db.withUser(claims, async (tx) => {
    const { rows } = await sql<{ id: string }>`
      select conversation_id as id from public.conversation_members
       where user_id = (select auth.uid()) and public.is_verified()`.execute(tx);
    const presence = rows.length
      ? await tx.selectFrom("presence").select("visible").where("user_id", "=", claims.sub).executeTakeFirst()
      : undefined;
    return { conversationIds: rows.map((r) => r.id), presenceVisible: presence?.visible === true };
  }, { readOnly: true });
}

/** Membership, checked for events that write nothing (typing, presence). */
export async function isConversationMember(db: Database, claims: UserClaims, conversationId: string): Promise<boolean> {
  return db.withUser(claims, (tx) => isMember(tx, conversationId), { readOnly: true });
}

// ── Creating and managing conversations ─────────────────────────────────────────

async function mayAdd(tx: Tx, conversationId: string, userId: string, role: "owner" | "member"): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`
    select public.may_add_conversation_member(${conversationId}::uuid, ${userId}::uuid, ${role}) as ok`.execute(tx);
  return rows[0]?.ok === true;
}

async function addMember(tx: Tx, conversationId: string, userId: string, role: "owner" | "member", by: string) {
  if (!(await mayAdd(tx, conversationId, userId, role))) throw new Refusal(CHAT_ERRORS.forbidden);
  await tx.insertInto("conversation_members").values({ conversation_id: conversationId, user_id: userId, role, added_by: by }).execute();
}

export function directKey(a: string, b: string): string {
  return [a.toLowerCase(), b.toLowerCase()].sort().join(":");
}

/** Opens (or finds) the direct conversation with another verified member. */
export async function openDirectConversation(db: Database, claims: UserClaims, otherUserId: string): Promise<ChatResult<{ id: string; created: boolean }>> {
  if (otherUserId.toLowerCase() === claims.sub.toLowerCase()) return { ok: false, error: CHAT_ERRORS.forbidden };
  const key = directKey(claims.sub, otherUserId);
  const open = () => attempt(() => db.withUser(claims, async (tx) => {
    const found = await tx.selectFrom("conversations").select("id").where("direct_key", "=", key).executeTakeFirst();
    if (found) return { id: found.id, created: false };
    // No ON CONFLICT here: it would apply the read policy to a row nobody may read
    // until its members exist. Two people opening it at once: one insert fails on
    // the unique key, and its second attempt finds the other's.
    const id = randomUUID();
    await tx.insertInto("conversations").values({ id, kind: "direct", direct_key: key, created_by: claims.sub, title: null }).execute()
      .catch((error: unknown) => {
        // An unverified person: the policy refuses.
        if (isPolicyViolation(error)) throw new Refusal(CHAT_ERRORS.forbidden);
        throw error;
      });
    await addMember(tx, id, claims.sub, "member", claims.sub);
    await addMember(tx, id, otherUserId, "member", claims.sub);
    return { id, created: true };
  }));
  try {
    return await open();
  } catch (error) {
    if (error instanceof Error && /conversations_direct_key_key/.test(error.message)) return open();
    throw error;
  }
}

export async function createConversation(
  db: Database, claims: UserClaims, input: Exclude<NewConversationInput, { kind: "direct" }>,
): Promise<ChatResult<{ id: string; added: string[] }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const id = randomUUID();
    await tx.insertInto("conversations").values({
      id, kind: input.kind, title: input.title, created_by: claims.sub,
      topic: input.kind === "channel" ? input.topic || null : null,
      visibility: input.kind === "channel" ? input.visibility : "members",
    }).execute();
    await addMember(tx, id, claims.sub, "owner", claims.sub);
    const added: string[] = [];
    for (const userId of input.kind === "group" ? new Set(input.members) : []) {
      if (userId === claims.sub) continue;
      await addMember(tx, id, userId, "member", claims.sub);
      added.push(userId);
    }
    return { id, added };
  }).catch((error: unknown) => {
    // A member creating a public channel: the policy refuses it (moderators only).
    if (isPolicyViolation(error)) throw new Refusal(CHAT_ERRORS.forbidden);
    throw error;
  }));
}

function isPolicyViolation(error: unknown): boolean {
  return error instanceof Error && /row-level security|permission denied/.test(error.message);
}

/** Joins a public channel. */
export async function joinChannel(db: Database, claims: UserClaims, conversationId: string): Promise<ChatResult> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const already = await tx.selectFrom("conversation_members").select("user_id")
      .where("conversation_id", "=", conversationId).where("user_id", "=", claims.sub).executeTakeFirst();
    if (!already) await addMember(tx, conversationId, claims.sub, "member", claims.sub);
    return {};
  }));
}

export async function inviteMembers(db: Database, claims: UserClaims, conversationId: string, userIds: string[]): Promise<ChatResult<{ added: string[] }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const present = new Set((await tx.selectFrom("conversation_members").select("user_id")
      .where("conversation_id", "=", conversationId).execute()).map((m) => m.user_id));
    const added: string[] = [];
    for (const userId of new Set(userIds)) {
      if (present.has(userId)) continue;
      await addMember(tx, conversationId, userId, "member", claims.sub);
      added.push(userId);
    }
    return { added };
  }));
}

/** Removes a member (whoever manages the conversation), or the person leaves (userId = themselves). */
export async function removeMember(db: Database, claims: UserClaims, conversationId: string, userId: string): Promise<ChatResult> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const result = await tx.deleteFrom("conversation_members")
      .where("conversation_id", "=", conversationId).where("user_id", "=", userId).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new Refusal(CHAT_ERRORS.forbidden);
    return {};
  }));
}

export async function renameConversation(
  db: Database, claims: UserClaims, conversationId: string, input: { title: string; topic?: string },
): Promise<ChatResult> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const result = await tx.updateTable("conversations").set({ title: input.title, topic: input.topic || null })
      .where("id", "=", conversationId).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new Refusal(CHAT_ERRORS.forbidden);
    return {};
  }));
}

export async function listPublicChannels(db: Database, claims: UserClaims) {
  return db.withUser(claims, async (tx) => {
    const { rows } = await sql<{ id: string; title: string; topic: string | null; region_code: string | null; joined: boolean; members: number }>`
      select c.id, c.title, c.topic, c.region_code,
             exists (select 1 from public.conversation_members m where m.conversation_id = c.id and m.user_id = (select auth.uid())) as joined,
             (select count(*) from public.conversation_members m where m.conversation_id = c.id)::int as members
        from public.conversations c
       where c.kind = 'channel' and c.visibility = 'verified'
       order by c.region_code nulls first, c.title`.execute(tx);
    return rows.map((r) => ({ id: r.id, title: r.title, topic: r.topic, regionCode: r.region_code, joined: r.joined, members: r.members }));
  }, { readOnly: true });
}

/** Verified people the person may start a conversation with (directory, or already in touch). */
export async function findPeople(db: Database, claims: UserClaims, q?: string) {
  return db.withUser(claims, async (tx) => {
    const { rows } = await sql<{ id: string; display_name: string }>`
      select id, display_name from public.chat_find_people(${q?.trim() || null}, 50)`.execute(tx);
    return rows.map((r) => ({ id: r.id, name: r.display_name }));
  }, { readOnly: true });
}

// ── Reports and moderation ──────────────────────────────────────────────────────

export async function reportMessage(db: Database, claims: UserClaims, input: { messageId: number; reason: string }): Promise<ChatResult<{ created: boolean }>> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("messages").select(["conversation_id", "deleted_at", "removed_at"])
      .where("id", "=", input.messageId).executeTakeFirst();
    if (!row || !(await isMember(tx, row.conversation_id))) throw new Refusal(CHAT_ERRORS.notFound);
    if (row.deleted_at || row.removed_at) throw new Refusal(CHAT_ERRORS.gone);
    const result = await tx.insertInto("message_reports")
      .values({ conversation_id: row.conversation_id, message_id: input.messageId, reporter_id: claims.sub, reason: input.reason })
      .onConflict((oc) => oc.columns(["message_id", "reporter_id"]).doNothing()).executeTakeFirst();
    return { created: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
  }));
}

export async function listOpenReports(db: Database, claims: UserClaims) {
  const reports = await db.withUser(claims, (tx) =>
    tx.selectFrom("message_reports").selectAll().where("status", "=", "open").orderBy("created_at").limit(100).execute(),
  { readOnly: true });
  if (reports.length === 0) return [];
  // Moderators review people they may share no conversation with: their names come
  // from the system path, only once RLS has shown this person the reports.
  const ids = [...new Set(reports.flatMap((r) => [r.reporter_id, ...(r.author_id ? [r.author_id] : [])]))];
  const names = new Map((await db.asSystem("chat: names on reports, for a moderator", (tx) =>
    tx.selectFrom("profiles").select(["id", "display_name"]).where("id", "in", ids).execute())).map((p) => [p.id, p.display_name]));
  return reports.map((r) => ({
    id: r.id, messageId: r.message_id, conversationId: r.conversation_id, reason: r.reason, body: r.body_snapshot,
    authorName: r.author_id ? names.get(r.author_id) ?? null : null, reporterName: names.get(r.reporter_id) ?? null,
    createdAt: iso(r.created_at),
  }));
}

/** A moderator removes the reported message (audited) or dismisses the report. */
export async function resolveReport(
  db: Database, claims: UserClaims, input: { reportId: number; decision: "removed" | "dismissed"; note: string },
): Promise<ChatResult<{ message: ChatMessage | null }>> {
  return attempt(async () => {
    const target = await db.withUser(claims, async (tx) => {
      const { rows } = await sql<{ conversation_id: string; message_id: number }>`
        select conversation_id, message_id from public.moderate_message_report(${input.reportId}::bigint, ${input.decision}, ${input.note})`
        .execute(tx).catch((error: unknown) => {
          if (error instanceof Error && /only moderators/.test(error.message)) throw new Refusal(CHAT_ERRORS.forbidden);
          if (error instanceof Error && /no such report|already resolved/.test(error.message)) throw new Refusal(CHAT_ERRORS.notFound);
          throw error;
        });
      return rows[0] ?? null;
    });
    if (!target || input.decision !== "removed") return { message: null };
    // The removed message as its conversation's members will see it (the moderator may not be one).
    const message = await db.asSystem("chat: removed message to broadcast", async (tx) => messageById(tx, target.message_id));
    return { message };
  });
}

// ── Presence ────────────────────────────────────────────────────────────────────

export async function getChatSettings(db: Database, claims: UserClaims) {
  return db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("presence").select("visible").where("user_id", "=", claims.sub).executeTakeFirst();
    return { showPresence: row?.visible ?? false };
  }, { readOnly: true });
}

export async function setPresenceVisible(db: Database, claims: UserClaims, visible: boolean) {
  await db.withUser(claims, (tx) =>
    tx.insertInto("presence").values({ user_id: claims.sub, visible })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ visible })).execute());
}

/** Of these people, those who let others see them online (system path: presence rows are private). */
export async function presenceVisibleAmong(db: Database, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.asSystem("chat: who shows their presence", (tx) =>
    tx.selectFrom("presence").select("user_id").where("user_id", "in", userIds).where("visible", "=", true).execute());
  return new Set(rows.map((r) => r.user_id));
}

/** Records that these people have a live connection now (for "offline for a while" emails). */
export async function touchLastSeen(db: Database, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.asSystem("realtime: last seen", async (tx) => {
    await sql`
      insert into public.presence (user_id, last_seen_at)
      select p.id, now() from public.profiles p where p.id = any(${userIds}::uuid[])
      on conflict (user_id) do update set last_seen_at = excluded.last_seen_at`.execute(tx);
  });
}
