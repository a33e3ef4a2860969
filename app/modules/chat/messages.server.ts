// Messages: sending (persist once per client id, decision 005), threads, edits,
// deletions, reactions and read positions. Every message and edit passes the
// identifier guard before anything is written.
import { sql } from "kysely";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import type { ConversationKind } from "~/utils/db-schema";
import { MAX_MENTIONS, READ_RECEIPTS_MAX_MEMBERS, type Reaction } from "./limits";
import { CHAT_ERRORS, type ChatMessage, type SendInput } from "./schemas";
import { findMentions, type Person } from "./text";
import { assertNoIdentifiersAmong, type ColleagueNames, type OverrideInput } from "~/modules/identifier-guard/guard.server";
import { markReadUpTo, toCreated, type CreatedNotification, type NotificationRow } from "~/modules/notifications/notifications.server";
import { attempt, refusal, type ChatResult } from "./refusals.server";
import { iso, isMember, messageById, requireMember, toMessage, unreadIn, type MessageRow } from "./views.server";

// ── The identifier guard (decision 009) ───────────────────────────────────────
// A message (and an edit) is refused while a possible patient identifier is found in it,
// unless the author marked that exact finding as identifying no one, with a reason; the
// overrides are stored with the message, for the chat's moderators (identifier_overrides).

type OverrideKey = { field: string; kind: string; match: string };
/** `colleagues`: the conversation's members, looked up by the guard only when it finds a name. */
async function guardMessage(
  body: string,
  overridesInput: unknown,
  stored: OverrideKey[],
  colleagues: ColleagueNames,
): Promise<OverrideInput[]> {
  const check = await assertNoIdentifiersAmong({ body }, overridesInput, stored, colleagues);
  if (check.ok) return check.overrides;
  if (!check.findings) throw refusal(CHAT_ERRORS.invalidOverride, { fieldErrors: check.fieldErrors });
  throw refusal(CHAT_ERRORS.identifiers, { findings: check.findings });
}

async function storeMessageOverrides(tx: Tx, messageId: number, overrides: OverrideInput[]) {
  if (overrides.length === 0) return;
  await tx
    .insertInto("identifier_overrides")
    .values(
      overrides.map((o) => ({
        message_id: messageId,
        field: o.field,
        kind: o.kind,
        match: o.match,
        reason: o.reason,
      })),
    )
    .execute();
}

// ── Messages ────────────────────────────────────────────────────────────────────

/** The conversation's members, for a member of it; nobody for anyone else. */
async function requireMemberPeople(tx: Tx, conversationId: string): Promise<Person[]> {
  if (!(await isMember(tx, conversationId))) return [];
  return membersAsPeople(tx, conversationId);
}

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
  const ids = new Set(
    findMentions(body, people)
      .filter((id) => id !== me)
      .slice(0, MAX_MENTIONS),
  );
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
export async function sendMessage(
  db: Database,
  claims: UserClaims,
  input: Omit<SendInput, "overrides"> & { overrides?: unknown },
): Promise<ChatResult<Sent>> {
  // Before any transaction opens: a refused message leaves no trace.
  // Colleagues greet each other by name: the conversation's members are not patients.
  const members = () =>
    db
      .withUser(claims, async (tx) => (await requireMemberPeople(tx, input.conversationId)).map((p) => p.name), { readOnly: true })
      .catch(() => []);
  const guard = await attempt(async () => ({ overrides: await guardMessage(input.body, input.overrides, [], members) }));
  if (!guard.ok) return guard;
  const { overrides } = guard;
  return attempt(() =>
    db.withUser(claims, async (tx): Promise<Sent> => {
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
        const stored = await tx
          .selectFrom("messages")
          .selectAll()
          .where("author_id", "=", me)
          .where("client_id", "=", input.clientId)
          .executeTakeFirst();
        if (stored) return retried(tx, stored, input);
        throw refusal(CHAT_ERRORS.forbidden);
      }
      if (input.parentId !== undefined) {
        const parent = await tx
          .selectFrom("messages")
          .select(["conversation_id", "parent_id"])
          .where("id", "=", input.parentId)
          .executeTakeFirst();
        if (!parent || parent.conversation_id !== input.conversationId || parent.parent_id !== null) {
          throw refusal(CHAT_ERRORS.invalidParent);
        }
      }
      const mentioned = await mentionsIn(tx, input.conversationId, input.body, me);
      const inserted = await tx
        .insertInto("messages")
        .values({
          conversation_id: input.conversationId,
          author_id: me,
          client_id: input.clientId,
          parent_id: input.parentId ?? null,
          body: input.body,
          mentions: mentioned.map((p) => p.id),
        })
        .onConflict((oc) => oc.columns(["author_id", "client_id"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) {
        // Sent before (a retry after a lost ack), or twice at once: the stored one answers.
        const stored = await tx
          .selectFrom("messages")
          .selectAll()
          .where("author_id", "=", me)
          .where("client_id", "=", input.clientId)
          .executeTakeFirstOrThrow();
        return retried(tx, stored, input);
      }
      await storeMessageOverrides(tx, inserted.id, overrides);
      const notified =
        context.kind === "direct" || mentioned.length > 0
          ? (
              await sql<NotificationRow>`
          select id, user_id, kind, payload, count, created_at from public.notify_chat_message(${inserted.id}::bigint)`.execute(tx)
            ).rows
          : [];
      // A new message has no reactions yet, and every name it shows is already known.
      const message: ChatMessage = {
        id: inserted.id,
        conversationId: inserted.conversation_id,
        authorId: me,
        authorName: context.author,
        clientId: inserted.client_id,
        parentId: inserted.parent_id,
        body: inserted.body,
        mentions: mentioned.map((p) => ({ id: p.id, name: p.name })),
        createdAt: iso(inserted.created_at),
        editedAt: null,
        state: "active",
        replyCount: 0,
        lastReplyAt: null,
        reactions: [],
      };
      return {
        message,
        created: true,
        parent: inserted.parent_id ? await messageById(tx, inserted.parent_id) : null,
        notifications: notified.map(toCreated),
      };
    }),
  );
}

async function retried(tx: Tx, row: MessageRow, input: Pick<SendInput, "conversationId" | "parentId">): Promise<Sent> {
  if (row.conversation_id !== input.conversationId || (row.parent_id ?? undefined) !== input.parentId) {
    throw refusal(CHAT_ERRORS.clientIdConflict);
  }
  return { message: await toMessage(tx, row), created: false, parent: null, notifications: [] };
}

async function ownMessage(tx: Tx, me: string, messageId: number): Promise<MessageRow> {
  const row = await tx.selectFrom("messages").selectAll().where("id", "=", messageId).executeTakeFirst();
  if (!row) throw refusal(CHAT_ERRORS.notFound);
  if (!(await isMember(tx, row.conversation_id))) throw refusal(CHAT_ERRORS.notFound);
  if (row.author_id !== me) throw refusal(CHAT_ERRORS.forbidden);
  if (row.deleted_at || row.removed_at) throw refusal(CHAT_ERRORS.gone);
  return row;
}

export async function editMessage(
  db: Database,
  claims: UserClaims,
  input: { messageId: number; body: string; overrides?: unknown },
): Promise<ChatResult<{ message: ChatMessage }>> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const row = await ownMessage(tx, claims.sub, input.messageId);
      // Overrides given earlier for this message still stand for the same findings.
      const stored = await tx
        .selectFrom("identifier_overrides")
        .select(["field", "kind", "match"])
        .where("message_id", "=", row.id)
        .execute();
      const members = async () => (await membersAsPeople(tx, row.conversation_id)).map((p) => p.name);
      await storeMessageOverrides(tx, row.id, await guardMessage(input.body, input.overrides, stored, members));
      const updated = await tx
        .updateTable("messages")
        .set({ body: input.body, mentions: (await mentionsIn(tx, row.conversation_id, input.body, claims.sub)).map((p) => p.id) })
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { message: await toMessage(tx, updated) };
    }),
  );
}

export async function deleteMessage(
  db: Database,
  claims: UserClaims,
  input: { messageId: number },
): Promise<ChatResult<{ message: ChatMessage }>> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const row = await ownMessage(tx, claims.sub, input.messageId);
      // The trigger stamps the time and erases the text.
      const updated = await tx
        .updateTable("messages")
        .set({ deleted_at: new Date() })
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { message: await toMessage(tx, updated) };
    }),
  );
}

export async function reactToMessage(
  db: Database,
  claims: UserClaims,
  input: { messageId: number; emoji: Reaction; on: boolean },
): Promise<ChatResult<{ message: ChatMessage }>> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const row = await tx
        .selectFrom("messages")
        .select(["id", "conversation_id", "deleted_at", "removed_at"])
        .where("id", "=", input.messageId)
        .executeTakeFirst();
      if (!row || !(await isMember(tx, row.conversation_id))) throw refusal(CHAT_ERRORS.notFound);
      if (row.deleted_at || row.removed_at) throw refusal(CHAT_ERRORS.gone);
      if (input.on) {
        await tx
          .insertInto("message_reactions")
          .values({ conversation_id: row.conversation_id, message_id: row.id, user_id: claims.sub, emoji: input.emoji })
          .onConflict((oc) => oc.columns(["message_id", "user_id", "emoji"]).doNothing())
          .execute();
      } else {
        await tx
          .deleteFrom("message_reactions")
          .where("message_id", "=", row.id)
          .where("user_id", "=", claims.sub)
          .where("emoji", "=", input.emoji)
          .execute();
      }
      const message = await messageById(tx, row.id);
      if (!message) throw refusal(CHAT_ERRORS.notFound);
      return { message };
    }),
  );
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
export async function markRead(
  db: Database,
  claims: UserClaims,
  input: { conversationId: string; messageId: number },
): Promise<ChatResult<ReadOutcome>> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      await requireMember(tx, input.conversationId);
      const before = await tx
        .selectFrom("conversation_members")
        .select("last_read_message_id")
        .where("conversation_id", "=", input.conversationId)
        .where("user_id", "=", claims.sub)
        .executeTakeFirstOrThrow();
      const latest = await tx
        .selectFrom("messages")
        .select("id")
        .where("conversation_id", "=", input.conversationId)
        .where("id", "<=", input.messageId)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      const target = latest?.id ?? 0;
      const after = await tx
        .updateTable("conversation_members")
        .set({ last_read_message_id: target })
        .where("conversation_id", "=", input.conversationId)
        .where("user_id", "=", claims.sub)
        .returning("last_read_message_id")
        .executeTakeFirstOrThrow();
      const notificationsUnread = await markReadUpTo(tx, claims.sub, {
        key: "conversationId",
        value: input.conversationId,
        upToKey: "messageId",
        upTo: after.last_read_message_id,
      });
      const c = await tx.selectFrom("conversations").select("kind").where("id", "=", input.conversationId).executeTakeFirstOrThrow();
      const count = await tx
        .selectFrom("conversation_members")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("conversation_id", "=", input.conversationId)
        .executeTakeFirst();
      return {
        lastReadMessageId: after.last_read_message_id,
        unread: await unreadIn(tx, input.conversationId, claims.sub, after.last_read_message_id),
        moved: after.last_read_message_id > before.last_read_message_id,
        readReceipts: c.kind === "direct" || (c.kind === "group" && Number(count?.n ?? 0) <= READ_RECEIPTS_MAX_MEMBERS),
        notificationsUnread,
      };
    }),
  );
}
