// Attendance in an event's live room and the CPD attestation it earns (decision 019).
// The room page reports the person's own conference joined/left; event_presence() stamps
// the stays with the database clock. Minutes are the stays clipped to the event's
// start and end. An organiser may set the minutes that count, with a reason (the latest
// adjustment wins; each one is in the audit log). Attendance of at least
// ATTESTATION_THRESHOLD of the duration earns the attestation once the event has ended.
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import { issueAttestation, type Attestation } from "~/modules/attestations/attestations.server";
import { assertNoIdentifiers } from "~/modules/identifier-guard/guard.server";
import type { Database, Tx } from "~/utils/db.server";
import { formatDate, TIME_ZONE, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import { attempt, refused, type Outcome } from "~/utils/outcome";
import { getEvent } from "./events.server";
import { ATTESTATION_THRESHOLD } from "./live-schemas";
import { spreadsheetCsv } from "~/utils/csv.server";

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

export interface Stay {
  joined_at: Date | string;
  left_at: Date | string | null;
}

/** Minutes of the stays inside [start, end]; a stay still open counts up to `now`. Pure, for tests. */
export function minutesAttended(stays: Stay[], start: Date, end: Date, now = new Date()): number {
  let ms = 0;
  for (const s of stays) {
    const from = Math.max(new Date(s.joined_at).getTime(), start.getTime());
    const to = Math.min(s.left_at ? new Date(s.left_at).getTime() : now.getTime(), end.getTime());
    if (to > from) ms += to - from;
  }
  return Math.floor(ms / 60_000);
}

export interface AttendanceLine {
  userId: string;
  name: string;
  /** The person's profession (discipline) and region, in both languages, for the organiser's export. */
  discipline: { fr: string; en: string } | null;
  region: { fr: string; en: string } | null;
  /** When the person registered (null: in the room without a registration, e.g. a host). */
  registeredAt: string | null;
  recorded: number;
  adjusted: { minutes: number; reason: string } | null;
  minutes: number;
  entitled: boolean;
}

interface EventTimes {
  starts_at: Date;
  duration_minutes: number;
}
const endOf = (e: EventTimes) => new Date(new Date(e.starts_at).getTime() + e.duration_minutes * 60_000);
const entitled = (minutes: number, duration: number) => minutes >= Math.ceil(duration * ATTESTATION_THRESHOLD);

/** Recorded and adjusted minutes of the people this transaction may see (RLS: own rows, or all for organisers). */
async function attendanceRows(tx: Tx, eventId: string, event: EventTimes, userId?: string) {
  let stays = tx.selectFrom("event_attendance").select(["user_id", "joined_at", "left_at"]).where("event_id", "=", eventId);
  let adjustments = tx
    .selectFrom("event_attendance_adjustments")
    .select(["user_id", "minutes", "reason", "created_at"])
    .where("event_id", "=", eventId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc");
  if (userId) {
    stays = stays.where("user_id", "=", userId);
    adjustments = adjustments.where("user_id", "=", userId);
  }
  const byUser = new Map<string, { stays: Stay[]; adjusted: { minutes: number; reason: string } | null }>();
  const entry = (id: string) => byUser.get(id) ?? byUser.set(id, { stays: [], adjusted: null }).get(id)!;
  for (const s of await stays.execute()) entry(s.user_id).stays.push(s);
  for (const a of await adjustments.execute()) {
    const e = entry(a.user_id);
    e.adjusted ??= { minutes: a.minutes, reason: a.reason };
  }
  const start = new Date(event.starts_at);
  const end = endOf(event);
  return new Map(
    [...byUser].map(([id, e]) => {
      const recorded = minutesAttended(e.stays, start, end);
      const minutes = e.adjusted ? e.adjusted.minutes : recorded;
      return [id, { recorded, adjusted: e.adjusted, minutes, entitled: entitled(minutes, event.duration_minutes) }];
    }),
  );
}

const PRESENCE_REFUSALS = {
  tokens: {
    event_not_found: [404, "events.errors.notFound"],
    event_live_closed: [409, "eventsLive.errors.closed"],
    event_invalid: [400, "errors.invalid"],
  },
} as const;

/** The room page's report of this person's own conference joined / left. */
export async function reportPresence(db: Database, viewer: Viewer, eventId: string, type: "joined" | "left"): Promise<Outcome> {
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  return attempt(async () => {
    await db.withUser(viewer.claims, (tx) => sql`select public.event_presence(${eventId}, ${type})`.execute(tx));
    return { ok: true };
  }, PRESENCE_REFUSALS);
}

/** This person's own attendance (null when the event is not visible). */
export async function myAttendance(db: Database, viewer: Viewer, eventId: string) {
  if (!isUuid(eventId)) return null;
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const event = await tx.selectFrom("events").select(["starts_at", "duration_minutes"]).where("id", "=", eventId).executeTakeFirst();
      if (!event) return null;
      const mine = (await attendanceRows(tx, eventId, event, viewer.id)).get(viewer.id);
      return mine ?? { recorded: 0, adjusted: null, minutes: 0, entitled: false };
    },
    { readOnly: true },
  );
}

/** Organisers: every registrant and everyone who was in the room, with their minutes. */
export async function listAttendance(
  db: Database,
  viewer: Viewer,
  eventId: string,
): Promise<{ durationMinutes: number; lines: AttendanceLine[] } | null> {
  if (!hasRole(viewer, "organiser") || !isUuid(eventId)) return null;
  const found = await db.withUser(
    viewer.claims,
    async (tx) => {
      const event = await tx.selectFrom("events").select(["starts_at", "duration_minutes"]).where("id", "=", eventId).executeTakeFirst();
      if (!event) return null;
      const rows = await attendanceRows(tx, eventId, event);
      const registered = await tx
        .selectFrom("event_registrations")
        .select(["user_id", "created_at"])
        .where("event_id", "=", eventId)
        .where("status", "=", "registered")
        .execute();
      const ids = [...new Set([...registered.map((r) => r.user_id), ...rows.keys()])];
      const registeredAt = new Map(registered.map((r) => [r.user_id, new Date(r.created_at).toISOString()]));
      return { event, rows, ids, registeredAt };
    },
    { readOnly: true },
  );
  if (!found) return null;
  // Profiles are private to their owner unless listed in the directory: the organiser,
  // already checked above and by RLS on the rows, reads only the names of these people.
  const names =
    found.ids.length === 0
      ? []
      : await db.asSystem("events: registrants' names for the organiser's attendance list", (tx) =>
          tx
            .selectFrom("profiles")
            .leftJoin("disciplines", "disciplines.code", "profiles.discipline")
            .leftJoin("regions", "regions.code", "profiles.region_code")
            .select([
              "profiles.id",
              "profiles.display_name",
              "disciplines.name_fr as discipline_fr",
              "disciplines.name_en as discipline_en",
              "regions.name_fr as region_fr",
              "regions.name_en as region_en",
            ])
            .where("profiles.id", "in", found.ids)
            .execute(),
        );
  const personOf = new Map(names.map((n) => [n.id, n]));
  const lines = found.ids
    .map((id) => {
      const r = found.rows.get(id) ?? { recorded: 0, adjusted: null, minutes: 0, entitled: false };
      const p = personOf.get(id);
      return {
        userId: id,
        name: p?.display_name ?? "—",
        discipline: p?.discipline_fr ? { fr: p.discipline_fr, en: p.discipline_en ?? p.discipline_fr } : null,
        region: p?.region_fr ? { fr: p.region_fr, en: p.region_en ?? p.region_fr } : null,
        registeredAt: found.registeredAt.get(id) ?? null,
        ...r,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "fr-CA"));
  return { durationMinutes: found.event.duration_minutes, lines };
}

/** An organiser sets the minutes that count for one person, with a reason (audited by the database). */
export async function adjustAttendance(
  db: Database,
  viewer: Viewer,
  eventId: string,
  input: { userId: string; minutes: number; reason: string },
): Promise<Outcome> {
  if (!hasRole(viewer, "organiser")) return refused(403, "eventsLive.errors.organisersOnly");
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  const guard = assertNoIdentifiers({ reason: input.reason });
  if (!guard.ok) return refused(400, guard.formError, { fieldErrors: guard.fieldErrors, findings: guard.findings });
  return attempt(
    () =>
      db.withUser(viewer.claims, async (tx) => {
        const event = await tx.selectFrom("events").select(["id", "duration_minutes"]).where("id", "=", eventId).executeTakeFirst();
        if (!event) return refused(404, "events.errors.notFound");
        if (input.minutes > event.duration_minutes)
          return refused(400, undefined, { fieldErrors: { minutes: ["eventsLive.errors.minutesAboveDuration"] } });
        const known =
          (await tx
            .selectFrom("event_registrations")
            .select("user_id")
            .where("event_id", "=", eventId)
            .where("user_id", "=", input.userId)
            .executeTakeFirst()) ??
          (await tx
            .selectFrom("event_attendance")
            .select("user_id")
            .where("event_id", "=", eventId)
            .where("user_id", "=", input.userId)
            .executeTakeFirst());
        if (!known) return refused(404, "eventsLive.errors.personNotFound");
        await tx
          .insertInto("event_attendance_adjustments")
          .values({
            event_id: eventId,
            user_id: input.userId,
            minutes: input.minutes,
            reason: input.reason,
            adjusted_by: viewer.id,
          })
          .execute();
        return { ok: true as const };
      }),
    { codes: { "42501": [403, "eventsLive.errors.organisersOnly"] } },
  );
}

export interface EventAttestation {
  attestation: Attestation;
  lines: Array<{ label: string; value: string }>;
}

/**
 * The CPD attestation of an ended event, for a person whose attendance reached the
 * threshold: issued once (source `event:<id>`) on the system path after these checks.
 * Printed: the event's date, the hours (the event's CPD hours, else its duration),
 * the accrediting body and category, and the person's profession and permit number
 * when their profile gives them.
 */
export async function eventAttestation(
  db: Database,
  viewer: Viewer,
  eventId: string,
  now = new Date(),
): Promise<Outcome<EventAttestation>> {
  const event = await getEvent(db, viewer.claims, eventId);
  if (!event) return refused(404, "events.errors.notFound");
  const endsAt = new Date(new Date(event.startsAt).getTime() + event.durationMinutes * 60_000);
  if (event.status !== "scheduled" || endsAt > now) return refused(409, "eventsLive.errors.attestationAfterEnd");
  const mine = await myAttendance(db, viewer, eventId);
  if (!mine?.entitled) return refused(403, "eventsLive.errors.notEntitled");
  const profile = await db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("profiles")
        .leftJoin("profile_private", "profile_private.user_id", "profiles.id")
        .leftJoin("disciplines", "disciplines.code", "profiles.discipline")
        .select(["profiles.display_name", "disciplines.name_fr", "disciplines.name_en", "profile_private.permit_number"])
        .where("profiles.id", "=", viewer.id)
        .executeTakeFirst(),
    { readOnly: true },
  );
  const locale: Locale = viewer.locale;
  const hours = event.cpdHours ?? Math.round((event.durationMinutes / 60) * 100) / 100;
  const profession = (locale === "fr-CA" ? profile?.name_fr : profile?.name_en) ?? null;
  const attestation = await db.asSystem("events: issue the CPD attestation of an attended event", (tx) =>
    issueAttestation(tx, {
      kind: "event",
      memberId: viewer.id,
      memberName: profile?.display_name ?? viewer.displayName,
      title: event.title,
      hours,
      sourceKey: `event:${event.id}`,
      details: {
        eventId: event.id,
        date: event.startsAt,
        cpdBody: event.cpdBody,
        cpdCategory: event.cpdCategory,
        profession,
        permitNumber: profile?.permit_number ?? null,
      },
    }),
  );
  const t = (key: string) => translate(locale, key);
  const d = attestation.details;
  const text = (v: unknown) => (typeof v === "string" && v ? v : null);
  const lines = [
    { label: t("eventsLive.attestation.date"), value: formatDate(locale, new Date(String(d.date ?? event.startsAt)), "datetime") },
    ...(text(d.cpdBody) ? [{ label: t("eventsLive.attestation.body"), value: text(d.cpdBody)! }] : []),
    ...(text(d.cpdCategory) ? [{ label: t("eventsLive.attestation.category"), value: text(d.cpdCategory)! }] : []),
    ...(text(d.profession) ? [{ label: t("eventsLive.attestation.profession"), value: text(d.profession)! }] : []),
    ...(text(d.permitNumber) ? [{ label: t("eventsLive.attestation.permit"), value: text(d.permitNumber)! }] : []),
  ];
  return { ok: true, attestation, lines };
}

/** "YYYY-MM-DD HH:MM" in Quebec's time: a date a spreadsheet reads and sorts. */
function localStamp(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: TIME_ZONE,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The attendance list as CSV for organisers, in their language (escaping: spreadsheetCsv). */
export function attendanceCsv(lines: AttendanceLine[], locale: Locale): string {
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const lang = locale === "fr-CA" ? "fr" : "en";
  const header = ["name", "profession", "region", "registeredAt", "minutes", "adjustment", "eligible"].map((c) =>
    t(`eventsLive.attendance.csv.${c}`),
  );
  const rows = lines.map((l) => [
    l.name,
    l.discipline?.[lang] ?? "",
    l.region?.[lang] ?? "",
    l.registeredAt ? localStamp(l.registeredAt) : "",
    l.recorded,
    l.adjusted ? t("eventsLive.attendance.csv.adjusted", { minutes: l.adjusted.minutes, reason: l.adjusted.reason }) : "",
    l.entitled ? t("eventsLive.attendance.yes") : t("eventsLive.attendance.no"),
  ]);
  return spreadsheetCsv(header, rows);
}
