// Events end to end on the data side (PGlite and PostgreSQL): registration and the
// waitlist with promotion (notification + mail), the confirmation's ICS read back by a
// real iCalendar parser (ical.js) across the November daylight-saving change, a time
// change and a cancellation (same UID, higher SEQUENCE, every registrant told),
// reminders through the job queue (once, never for a cancelled registration or event),
// and the personal calendar feed (wrong or revoked token: nothing).
import ICAL from "ical.js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import {
  calendarFeed,
  cancelEvent,
  createCalendarToken,
  createEvent,
  getEvent,
  listRegistrations,
  registerForEvent,
  REMINDER_JOB,
  revokeCalendarToken,
  sendReminder,
  unregisterFromEvent,
  updateEvent,
  type EventServices,
} from "~/modules/events/events.server";
import { eventFormSchema, reminderJobSchema, type EventInput } from "~/modules/events/schemas";
import { createJobQueue, type JobQueue } from "~/modules/jobs/queue.server";
import type { Role } from "~/utils/db-schema";
import { createMailer } from "~/utils/mail.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

const logger = pino({ level: "silent" });
const publicUrl = "https://passerelle.example";
let t: TestDatabase;
let jobs: JobQueue;
let services: EventServices;

async function person(name: string, roles: Role[] = []): Promise<Viewer & { email: string }> {
  const u = await createUser(t.db, { displayName: name, verified: true, roles });
  return { claims: u.claims, id: u.id, displayName: name, verified: true, roles, locale: "fr-CA", email: u.email };
}
const outboxOf = (email: string) =>
  t.db.asSystem("test: outbox", (tx) =>
    tx.selectFrom("outbox").select(["subject", "kind", "attachments", "body_text"]).where("to_email", "=", email).orderBy("id").execute(),
  );

function parseIcs(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents("vevent").map((c) => {
    const e = new ICAL.Event(c);
    return {
      uid: e.uid,
      sequence: e.sequence,
      summary: e.summary,
      start: e.startDate.toJSDate(),
      end: e.endDate.toJSDate(),
      status: c.getFirstPropertyValue("status"),
      method: cal.getFirstPropertyValue("method"),
    };
  });
}
const toronto = (d: Date) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto", dateStyle: "short", timeStyle: "short", hourCycle: "h23" }).format(d);

function input(values: Partial<Record<keyof EventInput, unknown>>): EventInput {
  const parsed = eventFormSchema.safeParse({
    title: "Webinaire sur l'approvisionnement plus sécuritaire",
    date: "2027-11-07",
    start: "10:00",
    end: "11:30",
    audience: "public",
    ...values,
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.flatten()));
  return parsed.data;
}

let organiser: Viewer & { email: string };
beforeAll(async () => {
  t = await createTestDatabase();
  jobs = createJobQueue({ db: t.db, logger, worker: { backoffMs: 20, leaseMs: 2000, pollMs: 50 } });
  jobs.define(REMINDER_JOB, {
    schema: reminderJobSchema,
    handler: async (payload) => void (await sendReminder(services, reminderJobSchema.parse(payload))),
  });
  const mail = createMailer({ db: t.db, from: "Passerelle <noreply@passerelle.example>", logger, jobs });
  services = { db: t.db, mail, jobs, publicUrl };
  organiser = await person("Organisatrice", ["organiser"]);
});
afterAll(async () => {
  await jobs?.stop();
  await t?.cleanup();
});

describe("the organiser's registration list", () => {
  test("an event that does not exist has no list (the CSV answers 404), and a malformed id neither", async () => {
    expect(await listRegistrations(t.db, organiser, "00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await listRegistrations(t.db, organiser, "not-a-uuid")).toBeNull();
  });
});

describe("the organiser's form", () => {
  test("bad input is refused with field messages and nothing is saved", async () => {
    const bad = eventFormSchema.safeParse({
      title: "Ok titre",
      date: "2026-11-01",
      start: "11:00",
      end: "10:00",
      audience: "space",
      capacity: "0",
      cpdHours: "2",
    });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      const fields = bad.error.flatten().fieldErrors;
      expect(fields.end).toEqual(["localTime.errors.endBeforeStart"]);
      expect(fields.capacity).toBeDefined();
    }
    const member = await person("Pas organisatrice");
    expect(await createEvent(services, member, input({}))).toMatchObject({ ok: false, status: 403 });
  });
});

describe("registration, waitlist, ICS", () => {
  test("full event → waitlist → promoted (told) when someone cancels; the ICS holds across the DST change", async () => {
    const created = await createEvent(services, organiser, input({ capacity: "1" }));
    if (!created.ok) throw new Error(JSON.stringify(created));
    const first = await person("Première");
    const second = await person("Deuxième");
    expect(await registerForEvent(services, first, created.id)).toEqual({ ok: true, status: "registered" });
    expect(await registerForEvent(services, second, created.id)).toEqual({ ok: true, status: "waitlisted" });
    expect(await registerForEvent(services, second, created.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "events.errors.alreadyRegistered",
    });
    expect((await getEvent(t.db, second.claims, created.id))?.mine).toEqual({ status: "waitlisted", position: 1 });

    // The confirmation carries an ICS: 10:00 Toronto on Sunday 7 November 2027 is 15:00 UTC (EST, after the change at 02:00).
    const [confirmation] = await outboxOf(first.email);
    expect(confirmation?.kind).toBe("event_confirmed");
    const ics = confirmation?.attachments[0];
    expect(ics?.contentType).toMatch(/^text\/calendar/);
    const [vevent] = parseIcs(ics?.content ?? "");
    expect(vevent?.start.toISOString()).toBe("2027-11-07T15:00:00.000Z");
    expect(toronto(vevent?.start ?? new Date())).toBe("2027-11-07, 10:00");
    expect(toronto(vevent?.end ?? new Date())).toBe("2027-11-07, 11:30");
    expect(vevent?.sequence).toBe(0);
    expect(vevent?.uid).toBe(`event-${created.id}@passerelle.example`);
    expect((await outboxOf(second.email)).map((m) => m.kind)).toEqual(["event_waitlisted"]);

    const left = await unregisterFromEvent(services, first, created.id);
    expect(left).toEqual({ ok: true, promoted: [second.id] });
    expect((await getEvent(t.db, second.claims, created.id))?.mine).toEqual({ status: "registered", position: null });
    expect((await outboxOf(second.email)).map((m) => m.kind)).toEqual(["event_waitlisted", "event_promoted"]);
    const notes = await t.db.asSystem("test: notifications", (tx) =>
      tx.selectFrom("notifications").select(["kind", "payload"]).where("user_id", "=", second.id).execute(),
    );
    expect(notes).toEqual([
      {
        kind: "events.promoted",
        payload: { eventId: created.id, title: "Webinaire sur l'approvisionnement plus sécuritaire", url: `/events/${created.id}` },
      },
    ]);
    expect(await unregisterFromEvent(services, first, created.id)).toMatchObject({ ok: false, formError: "events.errors.notRegistered" });
  });

  test("a time change and a cancellation reach every registrant: same UID, higher SEQUENCE", async () => {
    const created = await createEvent(services, organiser, input({ date: "2027-11-06", start: "13:00", end: "15:00" }));
    if (!created.ok) throw new Error("create");
    const a = await person("Alice");
    const b = await person("Béatrice");
    await registerForEvent(services, a, created.id);
    await registerForEvent(services, b, created.id);
    expect(await updateEvent(services, organiser, created.id, input({ date: "2027-11-07", start: "13:00", end: "15:00" }))).toEqual({
      ok: true,
    });
    expect(
      await updateEvent(services, organiser, created.id, input({ date: "2027-11-07", start: "13:00", end: "15:00", capacity: "1" })),
    ).toMatchObject({ ok: false, fieldErrors: { capacity: ["events.errors.capacityBelow"] } });
    expect(await cancelEvent(services, organiser, created.id)).toEqual({ ok: true });
    for (const who of [a, b]) {
      const mails = await outboxOf(who.email);
      expect(mails.map((m) => m.kind)).toEqual(["event_confirmed", "event_changed", "event_cancelled"]);
      const parsed = mails.map((m) => parseIcs(m.attachments[0]?.content ?? "")[0]);
      expect(new Set(parsed.map((p) => p?.uid)).size).toBe(1);
      expect(parsed.map((p) => p?.sequence)).toEqual([0, 1, 2]);
      // Saturday 13:00 EDT (17:00 UTC) → Sunday 13:00 EST (18:00 UTC).
      expect(parsed.map((p) => p?.start.toISOString())).toEqual([
        "2027-11-06T17:00:00.000Z",
        "2027-11-07T18:00:00.000Z",
        "2027-11-07T18:00:00.000Z",
      ]);
      expect(parsed.map((p) => p?.method)).toEqual(["REQUEST", "REQUEST", "CANCEL"]);
      expect(parsed[2]?.status).toBe("CANCELLED");
    }
    const c = await person("Claire");
    expect(await registerForEvent(services, c, created.id)).toMatchObject({ ok: false, formError: "events.errors.cancelled" });
    expect(await outboxOf(c.email)).toEqual([]);
  });
});

describe("reminders", () => {
  const reminderJobs = (eventId: string) =>
    t.db.asSystem("test: reminder jobs", (tx) =>
      tx
        .selectFrom("jobs")
        .select(["key", "state"])
        .where("type", "=", REMINDER_JOB)
        .where("key", "like", `events.reminder:${eventId}:%`)
        .orderBy("key")
        .execute(),
    );

  test("7 days, 1 day, 1 hour before; once; never for a cancelled registration or event", async () => {
    const start = new Date(Date.now() + 10 * 86_400_000);
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto", year: "numeric", month: "2-digit", day: "2-digit" }).format(
      start,
    );
    const created = await createEvent(services, organiser, input({ date: day, start: "12:00", end: "13:00" }));
    if (!created.ok) throw new Error("create");
    const stays = await person("Reste inscrite");
    const leaves = await person("Se désinscrit");
    await registerForEvent(services, stays, created.id);
    await registerForEvent(services, leaves, created.id);
    // Registering schedules three jobs per person, under idempotency keys.
    expect((await reminderJobs(created.id)).filter((j) => j.state === "queued")).toHaveLength(6);
    await unregisterFromEvent(services, leaves, created.id);
    const after = await reminderJobs(created.id);
    expect(after.filter((j) => (j.key ?? "").includes(leaves.id)).map((j) => j.state)).toEqual(["cancelled", "cancelled", "cancelled"]);

    // Time passes: every queued reminder becomes due and the worker runs them.
    await t.db.asSystem("test: make reminders due", (tx) =>
      tx
        .updateTable("jobs")
        .set({ run_at: new Date(Date.now() - 1000) })
        .where("type", "=", REMINDER_JOB)
        .where("state", "=", "queued")
        .execute(),
    );
    await jobs.runDue();
    const sent = (await outboxOf(stays.email)).filter((m) => m.kind === "event_reminder").map((m) => m.subject);
    expect(sent.sort()).toEqual(
      [
        "Dans une heure : Webinaire sur l'approvisionnement plus sécuritaire".replace(" :", "\u00a0:"),
        "Dans une semaine : Webinaire sur l'approvisionnement plus sécuritaire".replace(" :", "\u00a0:"),
        "Demain : Webinaire sur l'approvisionnement plus sécuritaire".replace(" :", "\u00a0:"),
      ].sort(),
    );
    expect((await outboxOf(leaves.email)).filter((m) => m.kind === "event_reminder")).toEqual([]);
    // The same reminder again (a retried job): nothing more is sent.
    const row = await t.db.asSystem("test: event start", (tx) =>
      tx.selectFrom("events").select("starts_at").where("id", "=", created.id).executeTakeFirstOrThrow(),
    );
    expect(
      await sendReminder(services, {
        eventId: created.id,
        userId: stays.id,
        reminder: "1d",
        startsAt: new Date(row.starts_at).toISOString(),
      }),
    ).toBe("skipped");
    // A cancelled event sends none, even from a job already due.
    await cancelEvent(services, organiser, created.id);
    const other = await createEvent(services, organiser, input({ date: day, start: "15:00", end: "16:00" }));
    if (!other.ok) throw new Error("create");
    expect(
      await sendReminder(services, {
        eventId: created.id,
        userId: stays.id,
        reminder: "1h",
        startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ).toBe("skipped");
  });
});

describe("calendar feed", () => {
  test("the secret token gives one's registrations; a wrong or revoked one gives nothing", async () => {
    const created = await createEvent(
      services,
      organiser,
      input({ title: "Rencontre des gestionnaires", date: "2027-02-01", start: "13:00", end: "15:00" }),
    );
    if (!created.ok) throw new Error("create");
    const me = await person("Abonnée");
    await registerForEvent(services, me, created.id);
    const token = await createCalendarToken(t.db, me);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.asSystem("test: stored tokens", (tx) =>
      tx.selectFrom("calendar_tokens").select("token_hash").where("user_id", "=", me.id).execute(),
    );
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
    const feed = await calendarFeed(t.db, token, publicUrl);
    const events = parseIcs(feed ?? "");
    expect(events.map((e) => [e.summary, toronto(e.start)])).toEqual([["Rencontre des gestionnaires", "2027-02-01, 13:00"]]);
    expect(await calendarFeed(t.db, `${token.slice(0, 42)}x`, publicUrl)).toBeNull();
    expect(await calendarFeed(t.db, "../../etc/passwd", publicUrl)).toBeNull();
    // A new address revokes the old one.
    const renewed = await createCalendarToken(t.db, me);
    expect(await calendarFeed(t.db, token, publicUrl)).toBeNull();
    expect(await calendarFeed(t.db, renewed, publicUrl)).not.toBeNull();
    await revokeCalendarToken(t.db, me);
    expect(await calendarFeed(t.db, renewed, publicUrl)).toBeNull();
  });
});
