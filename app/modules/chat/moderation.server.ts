// Reports and moderation: a member reports a message; moderators review the reports
// and the identifier guard's overrides, and remove a message (audited) or dismiss.
import { sql } from "kysely";
import type { Database, UserClaims } from "~/utils/db.server";
import { CHAT_ERRORS, type ChatMessage } from "./schemas";
import { attempt, refusal, REPORT_REFUSALS, type ChatResult } from "./refusals.server";
import { iso, isMember, messageById } from "./views.server";

// ── Reports and moderation ──────────────────────────────────────────────────────

export async function reportMessage(
  db: Database,
  claims: UserClaims,
  input: { messageId: number; reason: string },
): Promise<ChatResult<{ created: boolean }>> {
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const row = await tx
        .selectFrom("messages")
        .select(["conversation_id", "deleted_at", "removed_at"])
        .where("id", "=", input.messageId)
        .executeTakeFirst();
      if (!row || !(await isMember(tx, row.conversation_id))) throw refusal(CHAT_ERRORS.notFound);
      if (row.deleted_at || row.removed_at) throw refusal(CHAT_ERRORS.gone);
      const result = await tx
        .insertInto("message_reports")
        .values({ conversation_id: row.conversation_id, message_id: input.messageId, reporter_id: claims.sub, reason: input.reason })
        .onConflict((oc) => oc.columns(["message_id", "reporter_id"]).doNothing())
        .executeTakeFirst();
      return { created: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
    }),
  );
}

export async function listOpenReports(db: Database, claims: UserClaims) {
  const reports = await db.withUser(
    claims,
    (tx) => tx.selectFrom("message_reports").selectAll().where("status", "=", "open").orderBy("created_at").limit(100).execute(),
    { readOnly: true },
  );
  if (reports.length === 0) return [];
  // Moderators review people they may share no conversation with: their names come
  // from the system path, only once RLS has shown this person the reports.
  const ids = [...new Set(reports.flatMap((r) => [r.reporter_id, ...(r.author_id ? [r.author_id] : [])]))];
  const names = new Map(
    (
      await db.asSystem("chat: names on reports, for a moderator", (tx) =>
        tx.selectFrom("profiles").select(["id", "display_name"]).where("id", "in", ids).execute(),
      )
    ).map((p) => [p.id, p.display_name]),
  );
  return reports.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    reason: r.reason,
    body: r.body_snapshot,
    authorName: r.author_id ? (names.get(r.author_id) ?? null) : null,
    reporterName: names.get(r.reporter_id) ?? null,
    createdAt: iso(r.created_at),
  }));
}

/**
 * Passages of messages their authors marked as identifying no one (the identifier
 * guard's overrides), newest first: RLS shows them to verified moderators (and each
 * author their own); the authors' names come from the system path, as for reports.
 */
export async function listMessageOverrides(db: Database, claims: UserClaims) {
  const rows = await db.withUser(
    claims,
    (tx) =>
      tx
        .selectFrom("identifier_overrides")
        .select(["id", "message_id", "conversation_id", "field", "kind", "match", "reason", "author_id", "created_at"])
        .where("message_id", "is not", null)
        .orderBy("id", "desc")
        .limit(100)
        .execute(),
    { readOnly: true },
  );
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.author_id))];
  const names = new Map(
    (
      await db.asSystem("chat: names on identifier overrides, for a moderator", (tx) =>
        tx.selectFrom("profiles").select(["id", "display_name"]).where("id", "in", ids).execute(),
      )
    ).map((p) => [p.id, p.display_name]),
  );
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    kind: r.kind,
    match: r.match,
    reason: r.reason,
    authorName: names.get(r.author_id) ?? null,
    createdAt: iso(r.created_at),
  }));
}

/** A moderator removes the reported message (audited) or dismisses the report. */
export async function resolveReport(
  db: Database,
  claims: UserClaims,
  input: { reportId: number; decision: "removed" | "dismissed"; note: string },
): Promise<ChatResult<{ message: ChatMessage | null }>> {
  return attempt(async () => {
    const target = await db.withUser(claims, async (tx) => {
      const { rows } = await sql<{ conversation_id: string; message_id: number }>`
        select conversation_id, message_id from public.moderate_message_report(${input.reportId}::bigint, ${input.decision}, ${input.note})`.execute(
        tx,
      );
      return rows[0] ?? null;
    });
    if (!target || input.decision !== "removed") return { message: null };
    // The removed message as its conversation's members will see it (the moderator may not be one).
    const message = await db.asSystem("chat: removed message to broadcast", async (tx) => messageById(tx, target.message_id));
    return { message };
  }, REPORT_REFUSALS);
}
