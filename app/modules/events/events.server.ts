// Webinars and events: listing, registration with a waitlist, organiser changes that
// every registrant hears about (updated ICS), reminders through the job queue and the
// personal calendar feed. Reads and registrations run as the person (RLS and the
// locked SQL functions decide); mail, notifications and reminder jobs for other people
// run on the named system path after the person's own transaction committed.
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import { localeOfUser } from "~/modules/accounts/emails.server";
import type { JobQueue } from "~/modules/jobs/queue.server";
import { createNotifications, publishNotifications } from "~/modules/notifications/notifications.server";
import type { RealtimeBridge } from "~/utils/context";
import type { Claims, Database, SystemTx, Tx } from "~/utils/db.server";
import type { EventAudience, EventLanguage, EventStatus, RegistrationStatus } from "~/utils/db-schema";
import { formatDate, type Locale } from "~/utils/i18n";
import { localInterval } from "~/utils/local-time";
import { translate } from "~/utils/i18n.server";
import type { Mailer } from "~/utils/mail.server";
import { buildIcs, type IcsEvent } from "./ics.server";
import { isSpeaker, listSpeakers, replaceSpeakers, resolveSpeakerAccounts, type Speaker } from "./speakers.server";
import { REMINDERS, type EventFilters, type EventInput, type ReminderName } from "./schemas";

export type FieldErrors = Record<string, string[]>;
export type Refused = { ok: false; status: 400 | 403 | 404 | 409; formError?: string; fieldErrors?: FieldErrors };
export type Outcome<T extends object = object> = ({ ok: true } & T) | Refused;
const refused = (status: Refused["status"], formError?: string, fieldErrors?: FieldErrors): Refused => ({
  ok: false,
  status,
  formError,
  fieldErrors,
});

export interface EventServices {
  db: Database;
  mail: Mailer;
  jobs: JobQueue;
  realtime?: Pick<RealtimeBridge, "emitToUsers">;
  publicUrl: string;
}

export const REMINDER_JOB = "events.reminder";
const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

/** SQL function refusals → the person's message; anything else is rethrown (a real bug). */
function fromDatabase(error: unknown): Refused {
  const message = error instanceof Error ? error.message : String(error);
  const known = /(event_[a-z_]+|capacity_below_registrations)/.exec(message)?.[1];
  if (known === "event_not_found") return refused(404, "events.errors.notFound");
  if (known === "event_permit_lapsed") return refused(403, "events.errors.permitLapsed");
  if (known === "capacity_below_registrations") return refused(400, undefined, { capacity: ["events.errors.capacityBelow"] });
  if (known)
    return refused(
      known === "event_already_registered" ? 409 : 400,
      `events.errors.${known.replace(/^event_/, "").replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}`,
    );
  if (/row-level security|permission denied/.test(message)) return refused(403, "events.errors.forbidden");
  throw error;
}

// ── Reading ───────────────────────────────────────────────────────────────────

export interface EventSummary {
  id: string;
  title: string;
  kind: string;
  startsAt: string;
  durationMinutes: number;
  audience: EventAudience;
  language: EventLanguage;
  status: EventStatus;
  capacity: number | null;
  seriesId: string | null;
  seriesTitle: string | null;
  regionCode: string | null;
  topics: string[];
}

const summaryColumns = [
  "events.id",
  "events.title",
  "events.kind",
  "events.starts_at",
  "events.duration_minutes",
  "events.audience",
  "events.language",
  "events.status",
  "events.capacity",
  "events.series_id",
  "event_series.title as series_title",
  "events.region_code",
  "events.topics",
] as const;

type SummaryRow = {
  id: string;
  title: string;
  kind: string;
  starts_at: Date;
  duration_minutes: number;
  audience: EventAudience;
  language: EventLanguage;
  status: EventStatus;
  capacity: number | null;
  series_id: string | null;
  series_title: string | null;
  region_code: string | null;
  topics: string[];
};
const toSummary = (r: SummaryRow): EventSummary => ({
  id: r.id,
  title: r.title,
  kind: r.kind,
  startsAt: new Date(r.starts_at).toISOString(),
  durationMinutes: r.duration_minutes,
  audience: r.audience,
  language: r.language,
  status: r.status,
  capacity: r.capacity,
  seriesId: r.series_id,
  seriesTitle: r.series_title,
  regionCode: r.region_code,
  topics: r.topics,
});

export async function listEvents(db: Database, claims: Claims, filters: EventFilters, now = new Date()) {
  return db.withUser(
    claims,
    async (tx) => {
      let q = tx.selectFrom("events").leftJoin("event_series", "event_series.id", "events.series_id").select(summaryColumns);
      if (filters.topic) q = q.where(sql<boolean>`${filters.topic} = any(events.topics)`);
      if (filters.audience) q = q.where("events.audience", "=", filters.audience);
      if (filters.language) q = q.where("events.language", "=", filters.language);
      if (filters.series) q = q.where("events.series_id", "=", filters.series);
      if (filters.region) q = q.where("events.region_code", "=", filters.region);
      q =
        filters.when === "past"
          ? q
              .where(sql<boolean>`events.starts_at + make_interval(mins => events.duration_minutes) < ${now}`)
              .orderBy("events.starts_at", "desc")
          : q
              .where(sql<boolean>`events.starts_at + make_interval(mins => events.duration_minutes) >= ${now}`)
              .orderBy("events.starts_at", "asc");
      const rows = await q.limit(200).execute();
      const series = await tx.selectFrom("event_series").select(["id", "title"]).orderBy("title").execute();
      const topics = await tx.selectFrom("topics").select(["code", "name_fr", "name_en"]).execute();
      const regions = await tx.selectFrom("regions").select(["code", "name_fr", "name_en"]).orderBy("code").execute();
      return { events: rows.map((r) => toSummary(r as SummaryRow)), series, topics, regions };
    },
    { readOnly: true },
  );
}

export interface EventDetail extends EventSummary {
  description: unknown;
  speakers: Speaker[];
  /** The reader is a linked speaker: a host of the live room. */
  iAmSpeaker: boolean;
  cpdHours: number | null;
  cpdBody: string | null;
  cpdCategory: string | null;
  registrationOpen: boolean;
  places: { registered: number; waitlisted: number };
  mine: { status: RegistrationStatus; position: number | null } | null;
}

export async function getEvent(db: Database, claims: Claims, id: string): Promise<EventDetail | null> {
  if (!isUuid(id)) return null;
  return db.withUser(
    claims,
    async (tx) => {
      const row = await tx
        .selectFrom("events")
        .leftJoin("event_series", "event_series.id", "events.series_id")
        .select([
          ...summaryColumns,
          "events.description",
          "events.cpd_hours",
          "events.cpd_body",
          "events.cpd_category",
          "events.registration_open",
        ])
        .where("events.id", "=", id)
        .executeTakeFirst();
      if (!row) return null;
      const places = (await sql<{ registered: number; waitlisted: number }>`select * from public.event_places(${id})`.execute(tx))
        .rows[0] ?? { registered: 0, waitlisted: 0 };
      let mine: EventDetail["mine"] = null;
      if (claims) {
        const reg = await tx
          .selectFrom("event_registrations")
          .select(["status", "waitlist_position"])
          .where("event_id", "=", id)
          .where("user_id", "=", claims.sub)
          .executeTakeFirst();
        if (reg && reg.status !== "cancelled") {
          // The rank on the waitlist (positions keep gaps once people move up).
          const ahead =
            reg.status === "waitlisted"
              ? ((
                  await sql<{ n: number }>`select count(*)::int as n from public.event_registrations where event_id = ${id}
              and status = 'waitlisted' and waitlist_position < ${reg.waitlist_position}`.execute(tx)
                ).rows[0]?.n ?? 0)
              : 0;
          mine = { status: reg.status, position: reg.status === "waitlisted" ? ahead + 1 : null };
        }
      }
      const speakers = await listSpeakers(tx, id, Boolean(claims));
      const iAmSpeaker = await isSpeaker(tx, claims, id);
      return {
        ...toSummary(row as SummaryRow),
        description: row.description,
        speakers,
        iAmSpeaker,
        cpdHours: row.cpd_hours === null ? null : Number(row.cpd_hours),
        cpdBody: row.cpd_body,
        cpdCategory: row.cpd_category,
        registrationOpen: row.registration_open,
        places: { registered: Number(places.registered), waitlisted: Number(places.waitlisted) },
        mine,
      };
    },
    { readOnly: true },
  );
}

// ── Mail and reminders (system path) ─────────────────────────────────────────

interface EventForMail {
  id: string;
  title: string;
  starts_at: Date;
  duration_minutes: number;
  status: EventStatus;
  ics_sequence: number;
}

async function eventForMail(tx: Tx, id: string): Promise<EventForMail> {
  return tx
    .selectFrom("events")
    .select(["id", "title", "starts_at", "duration_minutes", "status", "ics_sequence"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

const toIcsEvent = (e: EventForMail, publicUrl: string): IcsEvent => ({
  id: e.id,
  title: e.title,
  startsAt: new Date(e.starts_at),
  durationMinutes: e.duration_minutes,
  status: e.status,
  sequence: e.ics_sequence,
  url: `${publicUrl}/events/${e.id}`,
});

// The *Waitlisted kinds tell a person on the waitlist of a change: no invitation, since she holds no place.
type MailKind = "confirmed" | "waitlisted" | "promoted" | "changed" | "cancelled" | "changedWaitlisted" | "cancelledWaitlisted";

async function mailPerson(tx: SystemTx, services: EventServices, userId: string, event: EventForMail, kind: MailKind) {
  const person = await tx.selectFrom("profile_private").select("contact_email").where("user_id", "=", userId).executeTakeFirst();
  if (!person?.contact_email) return;
  const locale: Locale = await localeOfUser(tx, userId);
  const vars = {
    title: event.title,
    when: formatDate(locale, new Date(event.starts_at), "datetime"),
    link: `${services.publicUrl}/events/${event.id}`,
  };
  const withIcs = kind !== "waitlisted" && kind !== "changedWaitlisted" && kind !== "cancelledWaitlisted";
  const ics = withIcs
    ? buildIcs([toIcsEvent(event, services.publicUrl)], {
        publicUrl: services.publicUrl,
        method: kind === "cancelled" ? "CANCEL" : "REQUEST",
      })
    : null;
  await services.mail.enqueue(
    {
      to: person.contact_email,
      kind: `event_${kind}`,
      subject: translate(locale, `events.email.${kind}.subject`, vars),
      text: translate(locale, `events.email.${kind}.body`, vars),
      attachments: ics
        ? [
            {
              filename: "invitation.ics",
              contentType: "text/calendar; charset=utf-8; method=" + (kind === "cancelled" ? "CANCEL" : "REQUEST"),
              content: ics,
            },
          ]
        : [],
    },
    tx,
  );
}

const reminderKey = (eventId: string, userId: string, name: ReminderName, startsAt: Date) =>
  `events.reminder:${eventId}:${userId}:${name}:${startsAt.toISOString()}`;

/** Reminder jobs for one registrant (idempotency keys: scheduling twice creates nothing new). */
export async function scheduleReminders(
  tx: SystemTx,
  jobs: JobQueue,
  event: { id: string; starts_at: Date },
  userId: string,
  now = new Date(),
) {
  const startsAt = new Date(event.starts_at);
  for (const r of REMINDERS) {
    const runAt = new Date(startsAt.getTime() - r.beforeMs);
    if (runAt <= now) continue;
    await jobs.schedule(
      {
        type: REMINDER_JOB,
        runAt,
        key: reminderKey(event.id, userId, r.name, startsAt),
        payload: { eventId: event.id, userId, reminder: r.name, startsAt: startsAt.toISOString() },
      },
      tx,
    );
  }
}

/** Cancels the queued reminders of one person (or of everyone) for an event. */
export async function cancelReminders(tx: Tx, eventId: string, userId?: string) {
  await tx
    .updateTable("jobs")
    .set({ state: "cancelled", finished_at: new Date() })
    .where("type", "=", REMINDER_JOB)
    .where("state", "=", "queued")
    .where("key", "like", `events.reminder:${eventId}:${userId ?? ""}%`)
    .execute();
}

/**
 * The reminder job: sends only if the person is still registered, the event still
 * scheduled at the planned start, and this reminder was not sent yet (stamped in the
 * same transaction as the mail).
 */
export async function sendReminder(
  services: Pick<EventServices, "db" | "mail" | "publicUrl">,
  payload: { eventId: string; userId: string; reminder: ReminderName; startsAt: string },
) {
  return services.db.asSystem("events: reminder", async (tx) => {
    const event = await tx
      .selectFrom("events")
      .select(["id", "title", "starts_at", "duration_minutes", "status", "ics_sequence"])
      .where("id", "=", payload.eventId)
      .executeTakeFirst();
    if (!event || event.status !== "scheduled" || new Date(event.starts_at).toISOString() !== payload.startsAt) return "skipped";
    const reg = await tx
      .selectFrom("event_registrations")
      .select("status")
      .where("event_id", "=", payload.eventId)
      .where("user_id", "=", payload.userId)
      .executeTakeFirst();
    if (reg?.status !== "registered") return "skipped";
    const stamped = await tx
      .insertInto("event_reminders_sent")
      .values({
        event_id: payload.eventId,
        user_id: payload.userId,
        reminder: payload.reminder,
        starts_at: payload.startsAt,
      })
      .onConflict((oc) => oc.doNothing())
      .returning("event_id")
      .executeTakeFirst();
    if (!stamped) return "skipped";
    const person = await tx.selectFrom("profile_private").select("contact_email").where("user_id", "=", payload.userId).executeTakeFirst();
    if (!person?.contact_email) return "skipped";
    const locale = await localeOfUser(tx, payload.userId);
    const vars = {
      title: event.title,
      when: formatDate(locale, new Date(event.starts_at), "datetime"),
      link: `${services.publicUrl}/events/${event.id}`,
    };
    await services.mail.enqueue(
      {
        to: person.contact_email,
        kind: "event_reminder",
        subject: translate(locale, `events.email.reminder.subject_${payload.reminder}`, vars),
        text: translate(locale, "events.email.reminder.body", vars),
      },
      tx,
    );
    return "sent";
  });
}

async function tellPromoted(services: EventServices, eventId: string, promoted: string[]) {
  if (promoted.length === 0) return;
  const created = await services.db.asSystem("events: tell the people moved up from the waitlist", async (tx) => {
    const event = await eventForMail(tx, eventId);
    for (const userId of promoted) {
      await mailPerson(tx, services, userId, event, "promoted");
      await scheduleReminders(tx, services.jobs, event, userId);
    }
    return createNotifications(
      tx,
      promoted.map((userId) => ({
        userId,
        kind: "events.promoted",
        payload: { eventId, title: event.title, url: `/events/${eventId}` },
        dedupeKey: `events.promoted:${eventId}`,
      })),
    );
  });
  if (services.realtime) await publishNotifications(services.db, services.realtime, created);
}

// ── Registration ──────────────────────────────────────────────────────────────

export async function registerForEvent(
  services: EventServices,
  viewer: Viewer,
  eventId: string,
): Promise<Outcome<{ status: "registered" | "waitlisted" }>> {
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  let status: "registered" | "waitlisted";
  try {
    status = await services.db.withUser(
      viewer.claims,
      async (tx) =>
        (await sql<{ status: "registered" | "waitlisted" }>`select public.event_register(${eventId}) as status`.execute(tx)).rows[0]
          ?.status ?? "waitlisted",
    );
  } catch (error) {
    return fromDatabase(error);
  }
  await services.db.asSystem("events: confirmation mail and reminders", async (tx) => {
    const event = await eventForMail(tx, eventId);
    await mailPerson(tx, services, viewer.id, event, status === "registered" ? "confirmed" : "waitlisted");
    if (status === "registered") await scheduleReminders(tx, services.jobs, event, viewer.id);
  });
  return { ok: true, status };
}

/** Oneself, or (organisers) someone else: the place goes to the first on the waitlist. */
export async function unregisterFromEvent(
  services: EventServices,
  viewer: Viewer,
  eventId: string,
  who = viewer.id,
): Promise<Outcome<{ promoted: string[] }>> {
  if (!isUuid(eventId) || !isUuid(who)) return refused(404, "events.errors.notFound");
  let promoted: string[];
  try {
    promoted = await services.db.withUser(viewer.claims, async (tx) =>
      (await sql<{ id: string }>`select public.event_unregister(${eventId}, ${who}) as id`.execute(tx)).rows.map((r) => r.id),
    );
  } catch (error) {
    return fromDatabase(error);
  }
  await services.db.asSystem("events: reminders of a cancelled registration", (tx) => cancelReminders(tx, eventId, who));
  await tellPromoted(services, eventId, promoted);
  return { ok: true, promoted };
}

// ── Organisers ────────────────────────────────────────────────────────────────

// The organiser types a local date and times in Toronto; the duration is real minutes, so
// an evening across a clock change ends when the clocks say (decision 032).
function eventValues(input: EventInput, when: { startsAt: Date; minutes: number }) {
  return {
    title: input.title,
    kind: input.kind,
    series_id: input.seriesId ?? null,
    starts_at: when.startsAt,
    duration_minutes: when.minutes,
    audience: input.audience,
    space_id: input.audience === "space" ? (input.spaceId ?? null) : null,
    capacity: input.capacity ?? null,
    language: input.language,
    region_code: input.region ?? null,
    topics: input.topics,
    // The names also stay on the event row (its search text); event_speakers is the truth.
    speakers: input.speakers.map((s) => s.name),
    description: input.description ?? null,
    cpd_hours: input.cpdHours ?? null,
    cpd_body: input.cpdBody,
    cpd_category: input.cpdCategory,
  };
}

export async function createEvent(services: EventServices, viewer: Viewer, input: EventInput): Promise<Outcome<{ id: string }>> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  const when = localInterval(input);
  if (!when.ok) return refused(400, undefined, { [when.field]: [when.message] });
  const accounts = await resolveSpeakerAccounts(services.db, viewer, input.speakers);
  if (!accounts.ok) return refused(400, undefined, accounts.errors);
  try {
    const id = await services.db.withUser(viewer.claims, async (tx) => {
      const { id } = await tx
        .insertInto("events")
        .values({ ...eventValues(input, when), created_by: viewer.id })
        .returning("id")
        .executeTakeFirstOrThrow();
      await replaceSpeakers(tx, id, input.speakers, accounts.profileIds);
      return id;
    });
    return { ok: true, id };
  } catch (error) {
    return fromDatabase(error);
  }
}

/** Edits an event; a change of time tells every registrant (same UID, higher SEQUENCE) and moves the reminders. */
export async function updateEvent(services: EventServices, viewer: Viewer, id: string, input: EventInput): Promise<Outcome> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  if (!isUuid(id)) return refused(404, "events.errors.notFound");
  const when = localInterval(input);
  if (!when.ok) return refused(400, undefined, { [when.field]: [when.message] });
  const accounts = await resolveSpeakerAccounts(services.db, viewer, input.speakers);
  if (!accounts.ok) return refused(400, undefined, accounts.errors);
  let changed: boolean;
  try {
    changed = await services.db.withUser(viewer.claims, async (tx) => {
      const before = await tx.selectFrom("events").select(["ics_sequence", "status"]).where("id", "=", id).executeTakeFirst();
      if (!before) throw new Error("event_not_found");
      // A cancelled event stays cancelled: editing it would send invitations for nothing.
      if (before.status === "cancelled") throw new Error("event_cancelled");
      const after = await tx
        .updateTable("events")
        .set(eventValues(input, when))
        .where("id", "=", id)
        .returning(["ics_sequence"])
        .executeTakeFirstOrThrow();
      await replaceSpeakers(tx, id, input.speakers, accounts.profileIds);
      return after.ics_sequence !== before.ics_sequence;
    });
  } catch (error) {
    return fromDatabase(error);
  }
  // A larger capacity lets the waitlist in.
  const promoted = await services.db.withUser(viewer.claims, async (tx) =>
    (await sql<{ id: string }>`select public.event_fill_from_waitlist(${id}) as id`.execute(tx)).rows.map((r) => r.id),
  );
  if (changed) await tellRegistrants(services, id, "changed");
  await tellPromoted(services, id, promoted);
  return { ok: true };
}

export async function cancelEvent(services: EventServices, viewer: Viewer, id: string): Promise<Outcome> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  if (!isUuid(id)) return refused(404, "events.errors.notFound");
  try {
    const row = await services.db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("events")
        .set({ status: "cancelled" })
        .where("id", "=", id)
        .where("status", "=", "scheduled")
        .returning("id")
        .executeTakeFirst(),
    );
    if (!row) return refused(404, "events.errors.notFound");
  } catch (error) {
    return fromDatabase(error);
  }
  await tellRegistrants(services, id, "cancelled");
  return { ok: true };
}

async function tellRegistrants(services: EventServices, eventId: string, kind: "changed" | "cancelled") {
  await services.db.asSystem(`events: tell every registrant (${kind})`, async (tx) => {
    const event = await eventForMail(tx, eventId);
    const people = await tx
      .selectFrom("event_registrations")
      .select(["user_id", "status"])
      .where("event_id", "=", eventId)
      .where("status", "in", ["registered", "waitlisted"])
      .execute();
    await cancelReminders(tx, eventId);
    for (const p of people) {
      if (p.status === "waitlisted") {
        await mailPerson(tx, services, p.user_id, event, kind === "changed" ? "changedWaitlisted" : "cancelledWaitlisted");
        continue;
      }
      await mailPerson(tx, services, p.user_id, event, kind);
      if (kind === "changed") await scheduleReminders(tx, services.jobs, event, p.user_id);
    }
  });
}

export async function createSeries(
  db: Database,
  viewer: Viewer,
  input: { title: string; summary: string },
): Promise<Outcome<{ id: string }>> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  try {
    const id = await db.withUser(
      viewer.claims,
      async (tx) =>
        (
          await tx
            .insertInto("event_series")
            .values({ title: input.title, summary: input.summary, created_by: viewer.id })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
    );
    return { ok: true, id };
  } catch (error) {
    if (/event_series_title_key|duplicate key/.test(String(error)))
      return refused(409, undefined, { title: ["events.errors.seriesExists"] });
    return fromDatabase(error);
  }
}

/** Registrations of an event for its organisers (RLS: organisers see every row). */
export async function listRegistrations(db: Database, viewer: Viewer, eventId: string) {
  if (!hasRole(viewer, "organiser") || !isUuid(eventId)) return null;
  return db.withUser(
    viewer.claims,
    async (tx) => {
      // An event that does not exist has no list (404), rather than an empty one.
      const event = await tx.selectFrom("events").select("id").where("id", "=", eventId).executeTakeFirst();
      if (!event) return null;
      return tx
        .selectFrom("event_registrations")
        .innerJoin("profiles", "profiles.id", "event_registrations.user_id")
        .select([
          "event_registrations.user_id",
          "profiles.display_name",
          "event_registrations.status",
          "event_registrations.waitlist_position",
          "event_registrations.created_at",
        ])
        .where("event_registrations.event_id", "=", eventId)
        .orderBy("event_registrations.status")
        .orderBy("event_registrations.waitlist_position")
        .orderBy("event_registrations.created_at")
        .execute();
    },
    { readOnly: true },
  );
}

// ── Personal calendar feed ─────────────────────────────────────────────────────

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new secret feed URL (shown once); the previous one stops working. */
export async function createCalendarToken(db: Database, viewer: Viewer): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.withUser(viewer.claims, async (tx) => {
    await tx
      .updateTable("calendar_tokens")
      .set({ revoked_at: new Date() })
      .where("user_id", "=", viewer.id)
      .where("revoked_at", "is", null)
      .execute();
    await tx
      .insertInto("calendar_tokens")
      .values({ user_id: viewer.id, token_hash: hashToken(token) })
      .execute();
  });
  return token;
}

export async function revokeCalendarToken(db: Database, viewer: Viewer): Promise<void> {
  await db.withUser(viewer.claims, (tx) =>
    tx
      .updateTable("calendar_tokens")
      .set({ revoked_at: new Date() })
      .where("user_id", "=", viewer.id)
      .where("revoked_at", "is", null)
      .execute(),
  );
}

export async function hasCalendarToken(db: Database, claims: Claims): Promise<boolean> {
  if (!claims) return false;
  const row = await db.withUser(
    claims,
    (tx) =>
      tx.selectFrom("calendar_tokens").select("id").where("user_id", "=", claims.sub).where("revoked_at", "is", null).executeTakeFirst(),
    { readOnly: true },
  );
  return Boolean(row);
}

/**
 * The feed of a token, or null for a wrong or revoked one (the route answers 404 with
 * no hint). The token is the caller's only credential, so the lookup is a system read.
 */
export async function calendarFeed(db: Database, token: string, publicUrl: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const events = await db.asSystem("events: calendar feed by secret token", async (tx) => {
    const owner = await tx
      .selectFrom("calendar_tokens")
      .select("user_id")
      .where("token_hash", "=", hashToken(token))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (!owner) return null;
    return tx
      .selectFrom("event_registrations")
      .innerJoin("events", "events.id", "event_registrations.event_id")
      .select(["events.id", "events.title", "events.starts_at", "events.duration_minutes", "events.status", "events.ics_sequence"])
      .where("event_registrations.user_id", "=", owner.user_id)
      .where("event_registrations.status", "=", "registered")
      .orderBy("events.starts_at")
      .limit(500)
      .execute();
  });
  if (!events) return null;
  return buildIcs(
    events.map((e) => toIcsEvent(e, publicUrl)),
    { publicUrl, method: "PUBLISH", calName: "Passerelle" },
  );
}
