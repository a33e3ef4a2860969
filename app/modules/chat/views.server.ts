// What every part of chat reads the same way: messages as the client sees them (names,
// reactions), membership through the helper the policies use, unread counts.
import { sql, type Selectable } from "kysely";
import type { Tx } from "~/utils/db.server";
import type { Messages } from "~/utils/db-schema";
import { UNREAD_COUNT_CAP } from "./limits";
import { CHAT_ERRORS, type ChatMessage } from "./schemas";
import { refusal } from "./refusals.server";

export type MessageRow = Selectable<Messages>;

export const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
export const isoOrNull = (value: Date | string | null) => (value ? iso(value) : null);

/** Names of people the caller shares a conversation with (chat_profiles never reveals more). */
export async function namesOf(tx: Tx, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { rows } = await sql<{ id: string; display_name: string }>`
    select id, display_name from public.chat_profiles(${unique}::uuid[])`.execute(tx);
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function toMessages(tx: Tx, rows: MessageRow[]): Promise<ChatMessage[]> {
  if (rows.length === 0) return [];
  const names = await namesOf(
    tx,
    rows.flatMap((r) => [...(r.author_id ? [r.author_id] : []), ...r.mentions]),
  );
  const reactions = await tx
    .selectFrom("message_reactions")
    .select(["message_id", "emoji", "user_id"])
    .where(
      "message_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("created_at")
    .orderBy("user_id")
    .execute();
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
    authorName: r.author_id ? (names.get(r.author_id) ?? null) : null,
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

/** One stored row as the client sees it (the row was just read or written in this transaction). */
export async function toMessage(tx: Tx, row: MessageRow): Promise<ChatMessage> {
  const [message] = await toMessages(tx, [row]);
  if (!message) throw new Error("message vanished");
  return message;
}

export async function messageById(tx: Tx, id: number): Promise<ChatMessage | null> {
  const row = await tx.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? ((await toMessages(tx, [row]))[0] ?? null) : null;
}

export async function isMember(tx: Tx, conversationId: string): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select public.is_conversation_member(${conversationId}::uuid) as ok`.execute(tx);
  return rows[0]?.ok === true;
}

export async function requireMember(tx: Tx, conversationId: string): Promise<void> {
  if (!(await isMember(tx, conversationId))) throw refusal(CHAT_ERRORS.forbidden);
}

/** Messages after the read position that others wrote (capped: "99+"). */
export async function unreadIn(tx: Tx, conversationId: string, me: string, lastRead: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (
      select 1 from public.messages m
       where m.conversation_id = ${conversationId}::uuid and m.id > ${lastRead}
         and m.author_id is distinct from ${me}::uuid and m.deleted_at is null and m.removed_at is null
       limit ${UNREAD_COUNT_CAP + 1}) t`.execute(tx);
  return rows[0]?.n ?? 0;
}
