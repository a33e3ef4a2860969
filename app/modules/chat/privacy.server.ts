// Chat's part of the privacy contract (decision 016). Private exchanges go: every
// direct conversation the member was in is deleted with its messages, and every
// message they wrote elsewhere is deleted; one that others replied to in a thread is
// emptied instead (body and mentions cleared, marked deleted, author unlinked) so the
// replies keep their place. Mentions of the member and report snapshots of their
// words are removed; memberships, reactions, presence and their reports go.
import { sql } from "kysely";
import { needlesOf, scrubColumns, type PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const chatPrivacy: PrivacyContract = {
  module: "chat",
  covers: {
    conversations: ["created_by", "direct_key", "title", "topic"],
    conversation_members: ["user_id", "added_by"],
    messages: ["author_id", "removed_by", "mentions", "body"],
    message_reactions: ["user_id"],
    message_reports: ["reporter_id", "author_id", "resolved_by", "body_snapshot", "reason"],
    presence: ["user_id"],
  },
  async exportFor(tx, memberId) {
    return {
      conversations: await exportRows(tx, "conversation_members", "user_id", memberId, ["added_by"]),
      messagesWritten: await exportRows(tx, "messages", "author_id", memberId, ["removed_by", "mentions"]),
      reactions: await exportRows(tx, "message_reactions", "user_id", memberId),
      reportsMade: await exportRows(tx, "message_reports", "reporter_id", memberId, ["author_id", "body_snapshot", "resolved_by"]),
      presence: await exportRows(tx, "presence", "user_id", memberId),
    };
  },
  async eraseFor(tx, subject, context) {
    const me = subject.memberId;
    await sql`delete from public.conversations c where c.kind = 'direct'
      and ${me} in (split_part(c.direct_key, ':', 1), split_part(c.direct_key, ':', 2))`.execute(tx);
    await sql`update public.message_reports set body_snapshot = '' where author_id = ${me}::uuid`.execute(tx);
    // A thread root others replied to keeps its place, emptied; everything else the member wrote goes.
    await sql`update public.messages m set body = '', mentions = '{}', deleted_at = coalesce(m.deleted_at, now()), author_id = null
      where m.author_id = ${me}::uuid
        and exists (select 1 from public.messages r where r.parent_id = m.id and r.author_id is distinct from ${me}::uuid)`.execute(tx);
    await sql`delete from public.messages where author_id = ${me}::uuid`.execute(tx);
    await sql`update public.messages set mentions = array_remove(mentions, ${me}::uuid) where ${me}::uuid = any(mentions)`.execute(tx);
    const needles = needlesOf(subject);
    await scrubColumns(tx, "messages", { text: ["body"] }, needles, context.placeholder);
    await scrubColumns(tx, "message_reports", { text: ["body_snapshot", "reason"] }, needles, context.placeholder);
    await scrubColumns(tx, "conversations", { text: ["title", "topic"] }, needles, context.placeholder);
  },
};
