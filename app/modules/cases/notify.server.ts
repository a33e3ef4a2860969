// People who took part in a case are told when it moves: a reply, the written
// recommendations, a follow-up (and people reading the case page see it appear).
// Through the shared notifications module (the bell, live `notification:new` over
// Socket.IO); email follows each person's notification settings (the notification
// centre emails unread ones after their chosen delay offline), so nothing here marks
// them emailed. Notifications and emails say who and where (the case's title, already
// checked by the identifier guard), never what was written.
//
// Who took part: the presenter and everyone who posted on the case, never the person
// who caused it, and only people who may still read the case (verification or
// private-space membership can be lost).
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { createNotifications, publishNotifications, type NewNotification } from "~/modules/notifications/notifications.server";
import type { CasePostKind } from "~/utils/db-schema";
import { caseRoom, CASE_LIVE_EVENTS, type CasePostBroadcast } from "./live-schemas";

export type CaseNotifyContext = Pick<AppLoadContext, "db" | "realtime" | "logger">;

const KIND: Record<CasePostKind, string> = { reply: "cases.reply", recommendation: "cases.recommendation", follow_up: "cases.follow_up" };

/** Notifies the case's participants of a new post; returns who was notified. Never throws: the post is saved. */
export async function afterCasePost(
  context: CaseNotifyContext,
  post: { caseId: string; postId: number; kind: CasePostKind; actorId: string },
): Promise<string[]> {
  // Readers of the case page reload it (ids only: each reader's own rights decide what they see).
  const broadcast: CasePostBroadcast = { caseId: post.caseId, postId: post.postId, kind: post.kind };
  context.realtime.emitToRoom(caseRoom(post.caseId), CASE_LIVE_EVENTS.post, broadcast);
  try {
    const created = await context.db.asSystem("cases: notify the people who took part in a case", async (tx) => {
      const c = await tx
        .selectFrom("cases")
        .select(["id", "title", "author_id", "space_id", "pseudonym", "status"])
        .where("id", "=", post.caseId)
        .executeTakeFirst();
      if (!c || c.status === "draft") return [];
      const posters = await tx.selectFrom("case_posts").select("author_id").distinct().where("case_id", "=", post.caseId).execute();
      const wanted = [...new Set([c.author_id, ...posters.map((p) => p.author_id)])].filter((id) => id !== post.actorId);
      if (wanted.length === 0) return [];
      // The presenter always reads their own case; others need the same rights as can_read_case().
      const { rows } = await sql<{ id: string }>`
        select p.id from public.profiles p
         where p.id = any (${wanted}::uuid[])
           and (p.id = ${c.author_id}::uuid
                or (p.verification_status = 'verified'
                    and (${c.space_id}::uuid is null or public.can_user_read_space(p.id, ${c.space_id}::uuid))))`.execute(tx);
      // Under a pseudonym the presenter is named by it, as on the case page.
      const actor =
        post.actorId === c.author_id && c.pseudonym
          ? c.pseudonym
          : ((await tx.selectFrom("profiles").select("display_name").where("id", "=", post.actorId).executeTakeFirst())?.display_name ??
            "");
      const url = `/cases/${c.id}`;
      const items: NewNotification[] = rows.map((r) => ({
        userId: r.id,
        kind: KIND[post.kind],
        payload: { actorName: actor, title: c.title, url, caseId: c.id, postId: post.postId },
        // Replies to one case collapse into one notification whose count goes up.
        dedupeKey: post.kind === "reply" ? `cases.reply:${c.id}` : `${KIND[post.kind]}:${post.postId}`,
      }));
      return createNotifications(tx, items);
    });
    await publishNotifications(context.db, context.realtime, created);
    return created.map((n) => n.userId);
  } catch (error) {
    context.logger.error({ err: error, caseId: post.caseId }, "cases: notifying failed");
    return [];
  }
}
