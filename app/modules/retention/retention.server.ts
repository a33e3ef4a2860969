// Retention of chat messages and read notifications (decision 011), off unless the
// operator sets NOTIFICATION_RETENTION_DAYS / CHAT_RETENTION_DAYS. Runs on the system
// path from the daily "retention.sweep" job, in bounded batches so one run never holds
// a long transaction or a large lock on a busy table.
import { sql } from "kysely";
import type { Logger } from "pino";
import type { Database } from "~/utils/db.server";

export const RETENTION_BATCH_SIZE = 500;
const DAY_MS = 86_400_000;

export interface RetentionSettings {
  /** 0: off. */
  notificationDays: number;
  /** 0: off. */
  chatDays: number;
}

export interface RetentionCounts {
  notifications: number;
  /** Top-level messages deleted, each with its replies. */
  chatThreads: number;
}

export async function sweepRetention(
  deps: { db: Database; logger: Logger },
  settings: RetentionSettings,
  options: { now?: Date; batchSize?: number } = {},
): Promise<RetentionCounts> {
  const counts: RetentionCounts = { notifications: 0, chatThreads: 0 };
  if (settings.notificationDays <= 0 && settings.chatDays <= 0) return counts;
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? RETENTION_BATCH_SIZE;

  if (settings.notificationDays > 0) {
    const cutoff = new Date(now.getTime() - settings.notificationDays * DAY_MS);
    counts.notifications = await inBatches(batchSize, () =>
      deps.db.asSystem("retention: delete old read notifications", async (tx) => {
        // Unread notifications stay whatever their age: the person has not seen them yet.
        const rows = await tx
          .deleteFrom("notifications")
          .where("id", "in", (eb) =>
            eb.selectFrom("notifications").select("id").where("read_at", "is not", null).where("created_at", "<", cutoff).limit(batchSize),
          )
          .returning("id")
          .execute();
        return rows.length;
      }),
    );
  }

  if (settings.chatDays > 0) {
    const cutoff = new Date(now.getTime() - settings.chatDays * DAY_MS);
    counts.chatThreads = await inBatches(batchSize, () =>
      deps.db.asSystem("retention: delete old chat messages", async (tx) => {
        // Whole threads only: replies reference their top-level message with ON DELETE
        // CASCADE, so deleting an old root would take its recent replies with it, and
        // deleting old replies alone would leave the root's reply_count wrong. A thread
        // goes once its root and every reply are past the cutoff and none of them is
        // under an open report (the moderator must still see it; deleting would cascade
        // the report away). Reactions, settled reports and identifier overrides go with
        // their message (cascade); read markers are positions, not references.
        const result = await sql<{ id: string }>`
          delete from public.messages where id in (
            select root.id from public.messages root
             where root.parent_id is null and root.created_at < ${cutoff}
               and not exists (
                 select 1 from public.messages m
                  where (m.id = root.id or m.parent_id = root.id)
                    and (m.created_at >= ${cutoff}
                         or exists (select 1 from public.message_reports r where r.message_id = m.id and r.status = 'open')))
             order by root.id
             limit ${batchSize})
          returning id`.execute(tx);
        return result.rows.length;
      }),
    );
  }

  deps.logger.info(
    { job: "retention.sweep", ...settings, deleted: counts },
    "retention sweep: %d notification(s), %d chat thread(s) deleted",
    counts.notifications,
    counts.chatThreads,
  );
  return counts;
}

/** Runs one bounded batch after another until a batch comes back short. */
async function inBatches(batchSize: number, batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await batch();
    total += n;
    if (n < batchSize) return total;
  }
}
