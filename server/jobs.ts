// The app's background work, all on the one job queue (decision 011). Every process
// defines the same handlers and schedules; server/index.ts starts the worker loop.
// No feature starts a timer of its own.
import type { Logger } from "pino";
import { z } from "zod";
import {
  PERMIT_DAILY_JOB,
  PERMIT_REMIND_JOB,
  PERMIT_REMINDER_DAYS,
  runPermitsDaily,
  sendPermitReminder,
} from "~/modules/accounts/accounts.server";
import { REMINDER_JOB, sendReminder } from "~/modules/events/events.server";
import { reminderJobSchema } from "~/modules/events/schemas";
import { sendForumDigests } from "~/modules/forums/notify.server";
import {
  expireRequest,
  remindRequest,
  REQUEST_EXPIRE_JOB,
  REQUEST_REMIND_JOB,
  SESSION_REMINDER_JOB,
  SESSION_REMINDERS,
  sendSessionReminder,
} from "~/modules/mentoring/mentoring.server";
import type { JobQueue } from "~/modules/jobs/queue.server";
import { sendDueNotificationEmails } from "~/modules/notifications/notifications.server";
import { buildExport, ERASE_JOB, eraseForRequest, expireExports, EXPORT_JOB } from "~/modules/privacy/privacy.server";
import { sweepRetention } from "~/modules/retention/retention.server";
import { purgeDeletedFiles, sweepOrphanFiles } from "~/modules/tools/tools.server";
import type { Database } from "~/utils/db.server";
import type { Env } from "~/utils/env.server";
import { MAIL_DELIVER_JOB, MAIL_MAX_ATTEMPTS, type Mailer } from "~/utils/mail.server";
import type { FileStorage } from "~/utils/storage.server";

export const APP_SCHEDULES = {
  // Each person gets a digest once per day or week; looking every 10 minutes is enough.
  "forums.digests": { type: "forums.digests", cron: "*/10 * * * *" },
  // Unread notifications of people offline for their chosen delay (minutes).
  "notifications.emails": { type: "notifications.emails", cron: "* * * * *" },
  // Outbox rows without a delivery job (rows written before the queue existed).
  "mail.sweep": { type: "mail.sweep", cron: "*/5 * * * *" },
  // Blobs whose rows were deleted while storage was unreachable, and orphan uploads.
  "files.housekeeping": { type: "files.housekeeping", cron: "17 * * * *" },
  // Finished jobs are kept 30 days for the admin page, then deleted.
  "jobs.retention": { type: "jobs.retention", cron: "40 3 * * *" },
  // Privacy export zips past their 7 days (blobs removed).
  "privacy.expire-exports": { type: "privacy.expire-exports", cron: "50 * * * *" },
  // Read notifications and chat threads past their retention; does nothing unless configured.
  "retention.sweep": { type: "retention.sweep", cron: "30 3 * * *" },
  // Permits past their expiry day become read-only, and the 30- and 7-day reminders are
  // queued: just after midnight in Montréal, when the day changes.
  "permits.daily": { type: "permits.daily", cron: "10 0 * * *" },
} as const;

export const FINISHED_JOB_RETENTION_DAYS = 30;

const empty = z.object({}).passthrough();

export async function defineAppJobs(
  jobs: JobQueue,
  deps: {
    db: Database;
    mail: Mailer;
    env: Env;
    storage: FileStorage;
    logger: Logger;
    appSecret: string;
    disconnectUser?: (userId: string) => Promise<void>;
  },
) {
  const { db, mail, env, storage, logger } = deps;
  jobs.define(MAIL_DELIVER_JOB, {
    schema: z.object({ outboxId: z.number().int().positive() }),
    maxAttempts: MAIL_MAX_ATTEMPTS,
    handler: async (payload) => {
      await mail.deliver(Number(payload.outboxId));
    },
  });
  // Event reminders (7 days, 1 day, 1 hour before): skipped when the registration or the
  // event was cancelled or the event moved; stamped with the mail, so never sent twice.
  jobs.define(REMINDER_JOB, {
    schema: reminderJobSchema,
    handler: async (payload) => void (await sendReminder({ db, mail, publicUrl: env.publicUrl }, reminderJobSchema.parse(payload))),
  });
  jobs.define("mail.sweep", { schema: empty, handler: async () => void (await mail.sweep()) });
  jobs.define("forums.digests", { schema: empty, handler: async () => void (await sendForumDigests({ db, mail, env })) });
  jobs.define("notifications.emails", {
    schema: empty,
    handler: async () => void (await sendDueNotificationEmails({ db, mail, publicUrl: env.publicUrl, secret: deps.appSecret })),
  });
  jobs.define("files.housekeeping", {
    schema: empty,
    handler: async () => {
      await purgeDeletedFiles({ db, storage, logger });
      const left = await db.asSystem("files: purge queue left", (tx) =>
        tx
          .selectFrom("file_purges")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow(),
      );
      // Retried with backoff, and shown as failed on /admin/jobs if storage stays unreachable.
      if (Number(left.n) > 0) throw new Error(`storage unreachable: ${left.n} deleted file(s) still to purge`);
      await sweepOrphanFiles({ db, storage, logger });
    },
  });
  jobs.define("jobs.retention", {
    schema: empty,
    handler: async () => {
      await db.asSystem("jobs: retention of finished jobs", (tx) =>
        tx
          .deleteFrom("jobs")
          .where("state", "in", ["succeeded", "cancelled"])
          .where("finished_at", "<", new Date(Date.now() - FINISHED_JOB_RETENTION_DAYS * 86_400_000))
          .execute(),
      );
    },
  });
  defineRetentionJob(jobs, { db, env, logger });
  definePermitJobs(jobs, { db, mail, publicUrl: env.publicUrl, logger });
  defineMentoringJobs(jobs, { db, mail, publicUrl: env.publicUrl });
  definePrivacyJobs(jobs, { db, mail, storage, logger, publicUrl: env.publicUrl, disconnectUser: deps.disconnectUser });
  for (const [name, schedule] of Object.entries(APP_SCHEDULES)) await jobs.recurring(name, schedule);
  // Housekeeping once at start-up too (it used to run then), under a per-hour key so a
  // crash loop does not pile them up.
  await jobs.schedule({ type: "files.housekeeping", key: `files.housekeeping:start:${new Date().toISOString().slice(0, 13)}` });
}

/**
 * Mentoring requests: a reminder to the mentor, then expiry (scheduled when the request is
 * sent). Sessions: reminders a day and an hour before, skipped when the session was
 * cancelled or moved (the move queues its own), stamped so never sent twice.
 */
export function defineMentoringJobs(jobs: JobQueue, deps: { db: Database; mail: Mailer; publicUrl: string }) {
  const payload = z.object({ requestId: z.string().uuid() });
  jobs.define(REQUEST_REMIND_JOB, { schema: payload, handler: async (p) => void (await remindRequest(deps, String(p.requestId))) });
  jobs.define(REQUEST_EXPIRE_JOB, { schema: payload, handler: async (p) => void (await expireRequest(deps, String(p.requestId))) });
  const reminder = z.object({
    sessionId: z.string().uuid(),
    reminder: z.enum(SESSION_REMINDERS.map((r) => r.name) as ["1d", "1h"]),
    startsAt: z.string().datetime(),
  });
  jobs.define(SESSION_REMINDER_JOB, { schema: reminder, handler: async (p) => void (await sendSessionReminder(deps, reminder.parse(p))) });
}

/** Permit re-verification (lapses and reminders) on its own, so tests can run it through a queue. */
export function definePermitJobs(jobs: JobQueue, deps: { db: Database; mail: Mailer; publicUrl: string; logger: Logger }) {
  jobs.define(PERMIT_DAILY_JOB, {
    schema: empty,
    handler: async () => {
      const done = await runPermitsDaily({ db: deps.db, jobs });
      deps.logger.info(done, "permits: daily pass");
    },
  });
  const reminder = z.object({
    userId: z.string().uuid(),
    expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    days: z.union(PERMIT_REMINDER_DAYS.map((d) => z.literal(d)) as [z.ZodLiteral<30>, z.ZodLiteral<7>]),
  });
  jobs.define(PERMIT_REMIND_JOB, { schema: reminder, handler: async (p) => void (await sendPermitReminder(deps, reminder.parse(p))) });
}

/** The retention sweep on its own, so tests can run it through a queue without the other services. */
export function defineRetentionJob(
  jobs: JobQueue,
  deps: { db: Database; env: Pick<Env, "NOTIFICATION_RETENTION_DAYS" | "CHAT_RETENTION_DAYS">; logger: Logger },
) {
  jobs.define("retention.sweep", {
    schema: empty,
    handler: async () => {
      await sweepRetention(deps, { notificationDays: deps.env.NOTIFICATION_RETENTION_DAYS, chatDays: deps.env.CHAT_RETENTION_DAYS });
    },
  });
}

/** Export and erasure (decision 016) on their own, so tests can run them through a queue. */
export function definePrivacyJobs(
  jobs: JobQueue,
  deps: {
    db: Database;
    mail: Mailer;
    storage: FileStorage;
    logger: Logger;
    publicUrl: string;
    disconnectUser?: (userId: string) => Promise<void>;
  },
) {
  const request = z.object({ requestId: z.number().int().positive() });
  jobs.define(EXPORT_JOB, { schema: request, handler: async (payload) => buildExport(deps, Number(payload.requestId)) });
  jobs.define(ERASE_JOB, { schema: request, handler: async (payload) => void (await eraseForRequest(deps, Number(payload.requestId))) });
  jobs.define("privacy.expire-exports", { schema: empty, handler: async () => void (await expireExports(deps)) });
}
