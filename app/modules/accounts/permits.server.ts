// Yearly re-verification of professional permits. An admin verifying a member against
// her permit records its expiry date; the member submits the date on her renewed
// permit; reminders go 30 and 7 days before; the day after expiry the daily job marks
// the permit lapsed (read-only: the database refuses her posts, see the migration's
// restrictive policies) until an admin confirms the renewal, which restores it.
// Days are Montréal days (America/Toronto), like the job schedules.
import { sql } from "kysely";
import type { JobQueue } from "~/modules/jobs/queue.server";
import type { Database, SystemTx, UserClaims } from "~/utils/db.server";
import type { Role } from "~/utils/db-schema";
import { isLocale, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import type { Mailer } from "~/utils/mail.server";
import { refused, type Outcome } from "~/utils/outcome";
import { localToday } from "~/utils/local-time";

export const PERMIT_DAILY_JOB = "permits.daily";
export const PERMIT_REMIND_JOB = "permits.remind";
/** Reminders before expiry, in days; each is sent once per permit. */
export const PERMIT_REMINDER_DAYS = [30, 7] as const;
export type PermitReminderDays = (typeof PERMIT_REMINDER_DAYS)[number];
/** Members whose permit expires within this many days are listed for the admins. */
export const PERMIT_WATCH_DAYS = 30;

export interface PermitState {
  expiresOn: string;
  lapsed: boolean;
  /** Days from today (Montréal) to the expiry date; negative once past. */
  daysLeft: number;
  renewalExpiresOn: string | null;
  /**
   * A date set for a member verified before permits were recorded, not read from her
   * permit: she is asked to confirm her permit by then, not told it expires then.
   */
  provisional: boolean;
}

interface Actor {
  id: string;
  claims: UserClaims;
  roles: Role[];
}

const day = (value: Date | string | null): string | null =>
  value === null ? null : typeof value === "string" ? value.slice(0, 10) : value.toISOString().slice(0, 10);

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function permitState(
  row: { expires_on: Date | string; lapsed_at: Date | string | null; renewal_expires_on: Date | string | null; provisional?: boolean },
  now = new Date(),
): PermitState {
  const expiresOn = day(row.expires_on)!;
  return {
    expiresOn,
    lapsed: row.lapsed_at !== null,
    daysLeft: daysBetween(localToday(now), expiresOn),
    renewalExpiresOn: day(row.renewal_expires_on),
    provisional: row.provisional === true,
  };
}

/**
 * The member submits the expiry date of her renewed permit; an admin confirms it. A
 * second submission replaces the first (a typo corrected). Audited by a trigger.
 */
export async function submitPermitRenewal(db: Database, viewer: Actor, input: { expiresOn: string }, now = new Date()): Promise<Outcome> {
  return db.withUser(viewer.claims, async (tx) => {
    const permit = await tx
      .selectFrom("member_permits")
      .select(["expires_on", "provisional"])
      .where("user_id", "=", viewer.id)
      .executeTakeFirst();
    if (!permit) return refused(409, "permit.errors.noPermit");
    const today = localToday(now);
    // A provisional date is ours, not her permit's: her real expiry may fall on it or before it.
    if ((!permit.provisional && input.expiresOn <= day(permit.expires_on)!) || input.expiresOn <= today)
      return refused(400, undefined, { fieldErrors: { expiresOn: ["permit.errors.notLater"] } });
    await tx
      .updateTable("member_permits")
      .set({ renewal_expires_on: input.expiresOn, renewal_submitted_at: now })
      .where("user_id", "=", viewer.id)
      .execute();
    return { ok: true as const };
  });
}

export interface ReverificationRow {
  userId: string;
  displayName: string;
  orderCode: string | null;
  permitNumber: string | null;
  expiresOn: string;
  daysLeft: number;
  lapsed: boolean;
  renewalExpiresOn: string | null;
  renewalSubmittedAt: string | null;
  /** The date is a provisional re-verification date, not the permit's own expiry. */
  provisional: boolean;
}

/**
 * The admins' re-verification queue: renewals waiting for confirmation first, then lapsed
 * permits, then those expiring within 30 days (RLS: admins read every permit).
 */
export async function listReverification(db: Database, viewer: Actor, now = new Date()): Promise<ReverificationRow[]> {
  if (!viewer.roles.includes("admin")) throw new Response("forbidden", { status: 403, statusText: "Forbidden" });
  const horizon = addDays(localToday(now), PERMIT_WATCH_DAYS);
  const rows = await db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("member_permits as m")
        .innerJoin("profiles as p", "p.id", "m.user_id")
        .leftJoin("profile_private as pp", "pp.user_id", "m.user_id")
        .select([
          "m.user_id",
          "p.display_name",
          "pp.order_code",
          "pp.permit_number",
          "m.expires_on",
          "m.lapsed_at",
          "m.renewal_expires_on",
          "m.renewal_submitted_at",
          "m.provisional",
        ])
        .where((w) =>
          w.or([w("m.renewal_submitted_at", "is not", null), w("m.lapsed_at", "is not", null), w("m.expires_on", "<=", horizon)]),
        )
        .orderBy(sql`m.renewal_submitted_at is null`)
        .orderBy(sql`m.lapsed_at is null`)
        .orderBy("m.expires_on")
        .limit(500)
        .execute(),
    { readOnly: true },
  );
  return rows.map((r) => {
    const state = permitState(r, now);
    return {
      userId: r.user_id,
      displayName: r.display_name,
      orderCode: r.order_code,
      permitNumber: r.permit_number,
      expiresOn: state.expiresOn,
      daysLeft: state.daysLeft,
      lapsed: state.lapsed,
      renewalExpiresOn: state.renewalExpiresOn,
      renewalSubmittedAt: r.renewal_submitted_at === null ? null : new Date(r.renewal_submitted_at).toISOString(),
      provisional: state.provisional,
    };
  });
}

/**
 * Marks every permit whose expiry date has passed (Montréal day) as lapsed, each with an
 * audit entry, in one system transaction. Running it again changes nothing.
 */
export async function markLapsedPermits(deps: { db: Database }, now = new Date()): Promise<number> {
  const today = localToday(now);
  return deps.db.asSystem("permits: mark lapsed permits", async (tx) => {
    const lapsed = await tx
      .updateTable("member_permits")
      .set({ lapsed_at: now, updated_at: now })
      .where("lapsed_at", "is", null)
      .where("expires_on", "<", today)
      .returning(["user_id", "expires_on"])
      .execute();
    if (lapsed.length) {
      await tx
        .insertInto("audit_log")
        .values(
          lapsed.map((p) => ({
            actor_id: null,
            action: "member.permit_lapsed",
            target_type: "profile",
            target_id: p.user_id,
            details: JSON.stringify({ expires_on: day(p.expires_on) }),
          })),
        )
        .execute();
    }
    return lapsed.length;
  });
}

/** The reminder due for a permit expiring in `daysLeft` days, if any (the nearest threshold reached). */
export function reminderDue(daysLeft: number): PermitReminderDays | null {
  if (daysLeft < 0) return null;
  const reached = PERMIT_REMINDER_DAYS.filter((d) => daysLeft <= d);
  return reached.length ? (Math.min(...reached) as PermitReminderDays) : null;
}

/**
 * Queues the reminder job of each permit that reached a threshold. The job's key names the
 * member, the expiry and the threshold: however often this runs, each is queued once.
 */
export async function queuePermitReminders(deps: { db: Database; jobs: Pick<JobQueue, "schedule"> }, now = new Date()): Promise<number> {
  const today = localToday(now);
  return deps.db.asSystem("permits: queue expiry reminders", async (tx) => {
    const due = await tx
      .selectFrom("member_permits")
      .select(["user_id", "expires_on"])
      .where("lapsed_at", "is", null)
      .where("renewal_submitted_at", "is", null)
      .where("expires_on", ">=", today)
      .where("expires_on", "<=", addDays(today, Math.max(...PERMIT_REMINDER_DAYS)))
      .execute();
    let created = 0;
    for (const permit of due) {
      const expiresOn = day(permit.expires_on)!;
      const days = reminderDue(daysBetween(today, expiresOn));
      if (days === null) continue;
      const job = await deps.jobs.schedule(
        {
          type: PERMIT_REMIND_JOB,
          key: `${PERMIT_REMIND_JOB}:${permit.user_id}:${expiresOn}:${days}`,
          payload: { userId: permit.user_id, expiresOn, days },
        },
        tx,
      );
      if (job.created) created += 1;
    }
    return created;
  });
}

export function permitReminderEmail(locale: Locale, vars: { name: string; days: number; date: string; link: string }) {
  return {
    subject: translate(locale, "email.permitReminder.subject", { count: vars.days }),
    text: translate(locale, "email.permitReminder.body", { ...vars, count: vars.days }),
  };
}

function formatDay(locale: Locale, date: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
}

/**
 * One reminder: stamped on the permit and queued as mail in one transaction, so a retry
 * sends nothing twice; skipped when the permit was renewed, lapsed or a renewal is waiting.
 */
export async function sendPermitReminder(
  deps: { db: Database; mail: Mailer; publicUrl: string },
  payload: { userId: string; expiresOn: string; days: PermitReminderDays },
): Promise<"sent" | "skipped"> {
  return deps.db.asSystem("permits: send an expiry reminder", async (tx: SystemTx) => {
    const column = payload.days === 30 ? "reminded_30_for" : "reminded_7_for";
    const stamped = await tx
      .updateTable("member_permits")
      .set({ [column]: payload.expiresOn })
      .where("user_id", "=", payload.userId)
      .where("expires_on", "=", payload.expiresOn)
      .where("lapsed_at", "is", null)
      .where("renewal_submitted_at", "is", null)
      .where((w) => w.or([w(column, "is", null), w(column, "<>", payload.expiresOn)]))
      .returning("user_id")
      .executeTakeFirst();
    if (!stamped) return "skipped";
    const person = await tx
      .selectFrom("profiles as p")
      .innerJoin("auth.users as u", "u.id", "p.id")
      .leftJoin("profile_private as pp", "pp.user_id", "p.id")
      .select(["p.display_name", "p.locale", "pp.contact_email", "u.email"])
      .where("p.id", "=", payload.userId)
      .executeTakeFirst();
    const to = person?.contact_email ?? person?.email;
    if (!person || !to) return "skipped";
    const locale: Locale = isLocale(person.locale) ? person.locale : "fr-CA";
    await deps.mail.enqueue(
      {
        to,
        kind: "permit_reminder",
        ...permitReminderEmail(locale, {
          name: person.display_name,
          // The days actually left (a permit first recorded 20 days out gets its "30 days" reminder saying 20).
          days: Math.max(daysBetween(localToday(), payload.expiresOn), 0),
          date: formatDay(locale, payload.expiresOn),
          link: `${deps.publicUrl}/profile/permit`,
        }),
      },
      tx,
    );
    return "sent";
  });
}

/** The daily job: lapse what expired, then queue the reminders due. */
export async function runPermitsDaily(deps: { db: Database; jobs: Pick<JobQueue, "schedule"> }, now = new Date()) {
  const lapsed = await markLapsedPermits(deps, now);
  const reminders = await queuePermitReminders(deps, now);
  return { lapsed, reminders };
}
