// Conversations (direct, group, channel) and their members: lists, the conversation
// page, the backfill after a reconnect, history pages, unread counts and the header's
// badges, a socket's rooms, creating and managing conversations.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Database, SystemTx, Tx, UserClaims } from "~/utils/db.server";
import type { ConversationKind, ConversationVisibility } from "~/utils/db-schema";
import { HISTORY_PAGE_SIZE, READ_RECEIPTS_MAX_MEMBERS, SYNC_MAX_MESSAGES, UNREAD_COUNT_CAP } from "./limits";
import { CHAT_ERRORS, type ChatMessage, type NewConversationInput } from "./schemas";
import { dbErrorFacts } from "~/utils/outcome";
import { unreadNotificationCount, unreadNotificationCountSql } from "~/modules/notifications/notifications.server";
import { attempt, chatRefused, POLICY_REFUSALS, refusal, type ChatResult } from "./refusals.server";
import { iso, isoOrNull, isMember, messageById, namesOf, requireMember, toMessages } from "./views.server";

/** The Socket.IO room of a conversation's members. */
export function conversationRoom(conversationId: string): string {
  return `conversation:${conversationId}`;
}

// ── Conversations ───────────────────────────────────────────────────────────────

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  visibility: ConversationVisibility;
  /** The title, or the other person's name in a direct conversation. */
  name: string;
  topic: string | null;
  /** A regional channel's region (its name and topic follow the reader's language). */
  regionCode: string | null;
  otherUserId: string | null;
  unread: number;
  lastMessageId: number | null;
  lastMessageAt: string | null;
}

function otherOf(directKey: string | null, me: string): string | null {
  if (!directKey) return null;
  const [a, b] = directKey.split(":");
  return a === me ? (b ?? null) : (a ?? null);
}

async function conversationsOf(tx: Tx, me: string): Promise<ConversationSummary[]> {
  const { rows } = await sql<{
    id: string;
    kind: ConversationKind;
    visibility: ConversationVisibility;
    title: string | null;
    topic: string | null;
    region_code: string | null;
    direct_key: string | null;
    last_message_id: number | null;
    last_message_at: Date | null;
    unread: number;
  }>`
    select c.id, c.kind, c.visibility, c.title, c.topic, c.region_code, c.direct_key,
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
  const names = await namesOf(
    tx,
    rows.flatMap((r) => otherOf(r.direct_key, me) ?? []),
  );
  return rows.map((r) => {
    const otherUserId = otherOf(r.direct_key, me);
    return {
      id: r.id,
      kind: r.kind,
      visibility: r.visibility,
      topic: r.topic,
      regionCode: r.region_code,
      otherUserId,
      name: r.title ?? (otherUserId ? (names.get(otherUserId) ?? "") : ""),
      unread: r.unread,
      lastMessageId: r.last_message_id,
      lastMessageAt: isoOrNull(r.last_message_at),
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
  const mine = await tx
    .selectFrom("conversation_members")
    .select(["role", "last_read_message_id"])
    .where("conversation_id", "=", id)
    .where("user_id", "=", claims.sub)
    .executeTakeFirst();
  const member = mine ? await isMember(tx, id) : false;
  const memberRows = member
    ? await tx
        .selectFrom("conversation_members")
        .select(["user_id", "role", "last_read_message_id"])
        .where("conversation_id", "=", id)
        .orderBy("joined_at")
        .limit(MEMBERS_SHOWN)
        .execute()
    : [];
  const count = await tx
    .selectFrom("conversation_members")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("conversation_id", "=", id)
    .executeTakeFirst();
  const names = await namesOf(
    tx,
    memberRows.map((m) => m.user_id),
  );
  const { rows } = await sql<{ ok: boolean }>`select public.can_manage_conversation(${id}::uuid) as ok`.execute(tx);
  const otherUserId = otherOf(c.direct_key, claims.sub);
  const memberCount = Number(count?.n ?? 0);
  return {
    id: c.id,
    kind: c.kind,
    visibility: c.visibility,
    title: c.title,
    topic: c.topic,
    regionCode: c.region_code,
    name: c.title ?? (otherUserId ? (names.get(otherUserId) ?? "") : ""),
    me: member && mine ? { role: mine.role, lastReadMessageId: mine.last_read_message_id } : null,
    members: memberRows.map((m) => ({
      id: m.user_id,
      name: names.get(m.user_id) ?? "",
      role: m.role,
      lastReadMessageId: m.last_read_message_id,
    })),
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
  const rows = await query
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).reverse();
  return { messages: await toMessages(tx, page), hasMore: rows.length > limit };
}

/** The conversation page: the conversation, a page of messages and, when asked, one thread. */
export async function getConversationPage(db: Database, claims: UserClaims, id: string, options: { before?: number; thread?: number }) {
  return db.withUser(
    claims,
    async (tx) => {
      const conversation = await conversationView(tx, claims, id);
      if (!conversation) return null;
      if (!conversation.me)
        return { conversation, messages: [], hasMore: false, thread: null, syncedAt: await syncPoint(tx), lastMessageId: 0 };
      const page = await messagePage(tx, id, { before: options.before });
      let thread: { root: ChatMessage; replies: ChatMessage[]; hasMore: boolean } | null = null;
      if (options.thread) {
        const root = await messageById(tx, options.thread);
        if (root && root.conversationId === id && root.parentId === null) {
          const replies = await messagePage(tx, id, { parentId: root.id, limit: SYNC_MAX_MESSAGES });
          thread = { root, replies: replies.messages, hasMore: replies.hasMore };
        }
      }
      const last = await tx
        .selectFrom("messages")
        .select("id")
        .where("conversation_id", "=", id)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return { conversation, ...page, thread, syncedAt: await syncPoint(tx), lastMessageId: last?.id ?? 0 };
    },
    { readOnly: true },
  );
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
  db: Database,
  claims: UserClaims,
  input: { conversationId: string; afterId?: number; since?: string },
): Promise<ChatResult<{ messages: ChatMessage[]; updated: ChatMessage[]; hasMore: boolean; syncedAt: string }>> {
  return attempt(() =>
    db.withUser(
      claims,
      async (tx) => {
        await requireMember(tx, input.conversationId);
        let syncedAt = await syncPoint(tx);
        if (input.afterId === undefined) return { messages: [], updated: [], hasMore: false, syncedAt };
        const fresh = await tx
          .selectFrom("messages")
          .selectAll()
          .where("conversation_id", "=", input.conversationId)
          .where("id", ">", input.afterId)
          .orderBy("id")
          .limit(SYNC_MAX_MESSAGES + 1)
          .execute();
        const since = input.since;
        const changed = since
          ? await tx
              .selectFrom("messages")
              .selectAll()
              .where("conversation_id", "=", input.conversationId)
              .where("updated_at", ">", new Date(since))
              .where("id", "<=", input.afterId)
              .orderBy("updated_at")
              .orderBy("id")
              .limit(SYNC_MAX_MESSAGES + 1)
              .execute()
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
      },
      { readOnly: true },
    ),
  );
}

export async function getHistory(
  db: Database,
  claims: UserClaims,
  input: { conversationId: string; before?: number; parentId?: number },
): Promise<ChatResult<{ messages: ChatMessage[]; hasMore: boolean }>> {
  return attempt(() =>
    db.withUser(
      claims,
      async (tx) => {
        await requireMember(tx, input.conversationId);
        return messagePage(tx, input.conversationId, { before: input.before, parentId: input.parentId });
      },
      { readOnly: true },
    ),
  );
}

/** Unread counts of every conversation of the person, and of their notifications (one transaction). */
export async function getChatSummary(db: Database, claims: UserClaims) {
  return db.withUser(
    claims,
    async (tx) => ({
      conversations: (await conversationsOf(tx, claims.sub)).map((c) => ({ id: c.id, unread: c.unread })),
      notifications: await unreadNotificationCount(tx, claims.sub),
    }),
    { readOnly: true },
  );
}

/**
 * The header's badges on the server-rendered page (before, or without, the live
 * connection): unread messages over all conversations, capped as the badge shows
 * them, and unread notifications. One cheap read per page view of a signed-in person.
 */
export async function getHeaderBadges(db: Database, claims: UserClaims, options: { chat: boolean }) {
  // Both counts in one statement: the header is read on every page.
  const chats = options.chat
    ? sql<number>`(select count(*)::int from (
            select 1 from public.conversation_members cm
              join public.messages m on m.conversation_id = cm.conversation_id and m.id > cm.last_read_message_id
             where cm.user_id = (select auth.uid())
               and m.author_id is distinct from (select auth.uid()) and m.deleted_at is null and m.removed_at is null
             limit ${UNREAD_COUNT_CAP + 1}) capped)`
    : sql<number>`0`;
  return db.withUser(
    claims,
    async (tx) => {
      const { rows } = await sql<{ chats: number; notifications: number }>`
      select ${chats} as chats, ${unreadNotificationCountSql(claims.sub)} as notifications`.execute(tx);
      return { chats: rows[0]?.chats ?? 0, notifications: rows[0]?.notifications ?? 0 };
    },
    { readOnly: true, oneStatement: true },
  );
}

/** Ids of the conversations the person belongs to (their sockets join these rooms). */
export async function myConversationIds(db: Database, claims: UserClaims): Promise<string[]> {
  return (await connectionState(db, claims)).conversationIds;
}

/** What a new socket needs, in one transaction: its rooms, and whether to announce the person online. */
export async function connectionState(db: Database, claims: UserClaims): Promise<{ conversationIds: string[]; presenceVisible: boolean }> {
  return db.withUser(
    claims,
    async (tx) => {
      const { rows } = await sql<{ id: string }>`
      select conversation_id as id from public.conversation_members
       where user_id = (select auth.uid()) and public.is_verified()`.execute(tx);
      const presence = rows.length
        ? await tx.selectFrom("presence").select("visible").where("user_id", "=", claims.sub).executeTakeFirst()
        : undefined;
      return { conversationIds: rows.map((r) => r.id), presenceVisible: presence?.visible === true };
    },
    { readOnly: true },
  );
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
  if (!(await mayAdd(tx, conversationId, userId, role))) throw refusal(CHAT_ERRORS.forbidden);
  await tx.insertInto("conversation_members").values({ conversation_id: conversationId, user_id: userId, role, added_by: by }).execute();
}

export function directKey(a: string, b: string): string {
  return [a.toLowerCase(), b.toLowerCase()].sort().join(":");
}

/** Opens (or finds) the direct conversation with another verified member. */
export async function openDirectConversation(
  db: Database,
  claims: UserClaims,
  otherUserId: string,
): Promise<ChatResult<{ id: string; created: boolean }>> {
  if (otherUserId.toLowerCase() === claims.sub.toLowerCase()) return chatRefused(CHAT_ERRORS.forbidden);
  const key = directKey(claims.sub, otherUserId);
  const open = () =>
    attempt(
      () =>
        db.withUser(claims, async (tx) => {
          const found = await tx.selectFrom("conversations").select("id").where("direct_key", "=", key).executeTakeFirst();
          if (found) return { id: found.id, created: false };
          // No ON CONFLICT here: it would apply the read policy to a row nobody may read
          // until its members exist. Two people opening it at once: one insert fails on
          // the unique key, and its second attempt finds the other's.
          const id = randomUUID();
          // An unverified person: the policy refuses (42501, answered "forbidden").
          await tx
            .insertInto("conversations")
            .values({ id, kind: "direct", direct_key: key, created_by: claims.sub, title: null })
            .execute();
          await addMember(tx, id, claims.sub, "member", claims.sub);
          await addMember(tx, id, otherUserId, "member", claims.sub);
          return { id, created: true };
        }),
      POLICY_REFUSALS,
    );
  try {
    return await open();
  } catch (error) {
    if (dbErrorFacts(error)?.constraint === "conversations_direct_key_key") return open();
    throw error;
  }
}

export async function createConversation(
  db: Database,
  claims: UserClaims,
  input: Exclude<NewConversationInput, { kind: "direct" }>,
): Promise<ChatResult<{ id: string; added: string[] }>> {
  return attempt(
    () =>
      db.withUser(claims, async (tx) => {
        const id = randomUUID();
        await tx
          .insertInto("conversations")
          .values({
            id,
            kind: input.kind,
            title: input.title,
            created_by: claims.sub,
            topic: input.kind === "channel" ? input.topic || null : null,
            visibility: input.kind === "channel" ? input.visibility : "members",
          })
          .execute();
        await addMember(tx, id, claims.sub, "owner", claims.sub);
        const added: string[] = [];
        for (const userId of input.kind === "group" ? new Set(input.members) : []) {
          if (userId === claims.sub) continue;
          await addMember(tx, id, userId, "member", claims.sub);
          added.push(userId);
        }
        return { id, added };
      }),
    POLICY_REFUSALS,
  ); // a member creating a public channel: the policy refuses it (moderators only)
}

/** Joins a public channel. */
export async function joinChannel(db: Database, claims: UserClaims, conversationId: string): Promise<ChatResult> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const already = await tx
        .selectFrom("conversation_members")
        .select("user_id")
        .where("conversation_id", "=", conversationId)
        .where("user_id", "=", claims.sub)
        .executeTakeFirst();
      if (!already) await addMember(tx, conversationId, claims.sub, "member", claims.sub);
      return {};
    }),
  );
}

export async function inviteMembers(
  db: Database,
  claims: UserClaims,
  conversationId: string,
  userIds: string[],
): Promise<ChatResult<{ added: string[] }>> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const present = new Set(
        (await tx.selectFrom("conversation_members").select("user_id").where("conversation_id", "=", conversationId).execute()).map(
          (m) => m.user_id,
        ),
      );
      const added: string[] = [];
      for (const userId of new Set(userIds)) {
        if (present.has(userId)) continue;
        await addMember(tx, conversationId, userId, "member", claims.sub);
        added.push(userId);
      }
      return { added };
    }),
  );
}

/**
 * For another module's room (an event's live chat): a members-only channel nobody owns,
 * created on the system path. The calling module has checked who may be in its room;
 * chat's own policies only let an owner invite, and such a room has none.
 */
export async function createRoomChannelAsSystem(tx: SystemTx, input: { title: string; createdBy: string }): Promise<string> {
  const id = randomUUID();
  const title = input.title.trim().slice(0, 80).padEnd(2, ".");
  await tx.insertInto("conversations").values({ id, kind: "channel", visibility: "members", title, created_by: input.createdBy }).execute();
  return id;
}

/**
 * Adds a person to such a channel as a member, on the system path (see above); only a
 * verified member (chat is theirs alone). False: the person is not verified.
 */
export async function addRoomMemberAsSystem(tx: SystemTx, conversationId: string, userId: string): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`
    select exists (select 1 from public.profiles p where p.id = ${userId}::uuid and p.verification_status = 'verified') as ok`.execute(tx);
  if (rows[0]?.ok !== true) return false;
  await tx
    .insertInto("conversation_members")
    .values({ conversation_id: conversationId, user_id: userId, role: "member", added_by: null })
    .onConflict((oc) => oc.columns(["conversation_id", "user_id"]).doNothing())
    .execute();
  return true;
}

/** Removes a member (whoever manages the conversation), or the person leaves (userId = themselves). */
export async function removeMember(db: Database, claims: UserClaims, conversationId: string, userId: string): Promise<ChatResult> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const result = await tx
        .deleteFrom("conversation_members")
        .where("conversation_id", "=", conversationId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw refusal(CHAT_ERRORS.forbidden);
      return {};
    }),
  );
}

export async function renameConversation(
  db: Database,
  claims: UserClaims,
  conversationId: string,
  input: { title: string; topic?: string },
): Promise<ChatResult> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const result = await tx
        .updateTable("conversations")
        .set({ title: input.title, topic: input.topic || null })
        .where("id", "=", conversationId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw refusal(CHAT_ERRORS.forbidden);
      return {};
    }),
  );
}

export async function listPublicChannels(db: Database, claims: UserClaims) {
  return db.withUser(
    claims,
    async (tx) => {
      const { rows } = await sql<{
        id: string;
        title: string;
        topic: string | null;
        region_code: string | null;
        joined: boolean;
        members: number;
      }>`
      select c.id, c.title, c.topic, c.region_code,
             exists (select 1 from public.conversation_members m where m.conversation_id = c.id and m.user_id = (select auth.uid())) as joined,
             (select count(*) from public.conversation_members m where m.conversation_id = c.id)::int as members
        from public.conversations c
       where c.kind = 'channel' and c.visibility = 'verified'
       order by c.region_code nulls first, c.title`.execute(tx);
      return rows.map((r) => ({
        id: r.id,
        name: r.title,
        topic: r.topic,
        regionCode: r.region_code,
        joined: r.joined,
        members: r.members,
      }));
    },
    { readOnly: true },
  );
}

/** Verified people the person may start a conversation with (directory, or already in touch). */
export async function findPeople(db: Database, claims: UserClaims, q?: string) {
  return db.withUser(
    claims,
    async (tx) => {
      const { rows } = await sql<{ id: string; display_name: string }>`
      select id, display_name from public.chat_find_people(${q?.trim() || null}, 50)`.execute(tx);
      return rows.map((r) => ({ id: r.id, name: r.display_name }));
    },
    { readOnly: true },
  );
}
