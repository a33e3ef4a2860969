// Organisers edit and cancel events (PGlite and PostgreSQL): the form goes through the
// creation contract (end after start, capacity not below the registrations: a field
// message and nothing saved), the description through the rich-text validator; a time
// change reaches registrants with the updated invitation (same UID, higher SEQUENCE,
// read by ical.js) and waitlisted people with a notice, reminders follow the new time,
// and a cancelled event can no longer be edited nor remind anyone.
import ICAL from "ical.js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { eventForEditing, parseEventForm } from "~/modules/events/editing.server";
import {
  cancelEvent,
  createEvent,
  REMINDER_JOB,
  registerForEvent,
  sendReminder,
  updateEvent,
  type EventServices,
} from "~/modules/events/events.server";
import { reminderJobSchema, type EventInput } from "~/modules/events/schemas";
import { createJobQueue, type JobQueue } from "~/modules/jobs/queue.server";
import type { Role } from "~/utils/db-schema";
import { createMailer } from "~/utils/mail.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

const logger = pino({ level: "silent" });
let t: TestDatabase;
let jobs: JobQueue;
let services: EventServices;
let organiser: Viewer;

async function person(name: string, roles: Role[] = []): Promise<Viewer & { email: string }> {
  const u = await createUser(t.db, { displayName: name, verified: true, roles });
  return { claims: u.claims, id: u.id, displayName: name, verified: true, roles, locale: "fr-CA", email: u.email };
}
const outboxOf = (email: string) =>
  t.db.asSystem("test: outbox", (tx) =>
    tx.selectFrom("outbox").select(["kind", "attachments"]).where("to_email", "=", email).orderBy("id").execute(),
  );
const stored = (id: string) =>
  t.db.asSystem("test: event row", (tx) =>
    tx
      .selectFrom("events")
      .select(["title", "starts_at", "capacity", "ics_sequence", "status", "description"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow(),
  );

function form(values: Record<string, string | string[]>): FormData {
  const f = new FormData();
  const all = { title: "Rencontre des gestionnaires", date: "2027-03-10", start: "09:00", end: "10:00", audience: "public", ...values };
  for (const [k, v] of Object.entries(all)) for (const one of [v].flat()) f.append(k, one);
  return f;
}
function input(values: Record<string, string | string[]>): EventInput {
  const parsed = parseEventForm(form(values));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.input;
}
const vevent = (ics: string) => {
  const cal = new ICAL.Component(ICAL.parse(ics));
  const e = new ICAL.Event(cal.getFirstSubcomponent("vevent") ?? undefined);
  return { uid: e.uid, sequence: e.sequence, start: e.startDate.toJSDate().toISOString(), method: cal.getFirstPropertyValue("method") };
};

beforeAll(async () => {
  t = await createTestDatabase();
  jobs = createJobQueue({ db: t.db, logger, worker: { backoffMs: 20, leaseMs: 2000, pollMs: 50 } });
  jobs.define(REMINDER_JOB, {
    schema: reminderJobSchema,
    handler: async (payload) => void (await sendReminder(services, reminderJobSchema.parse(payload))),
  });
  services = {
    db: t.db,
    mail: createMailer({ db: t.db, from: "Passerelle <noreply@passerelle.example>", logger, jobs }),
    jobs,
    publicUrl: "https://passerelle.example",
  };
  organiser = await person("Organisatrice", ["organiser"]);
});
afterAll(async () => {
  await jobs?.stop();
  await t?.cleanup();
});

describe("the edit form's contract", () => {
  test("end before start, a capacity of 0, a malformed date: field messages", () => {
    const parsed = parseEventForm(form({ start: "11:00", end: "10:30", capacity: "0", date: "10/03/2027" }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.end).toEqual(["localTime.errors.endBeforeStart"]);
    expect(parsed.errors.capacity).toEqual(["events.errors.capacity"]);
    expect(parsed.errors.date).toEqual(["localTime.errors.date"]);
  });

  test("an evening event may end after midnight, only when the form says so", async () => {
    const late = parseEventForm(form({ start: "23:00", end: "00:30", endsNextDay: "on" }));
    expect(late.ok).toBe(true);
    // Without the box, the same times are an end before the start; with it, an end past the start is over 24 h.
    expect(parseEventForm(form({ start: "23:00", end: "00:30" }))).toMatchObject({
      ok: false,
      errors: { end: ["localTime.errors.endBeforeStart"] },
    });
    expect(parseEventForm(form({ start: "10:00", end: "11:00", endsNextDay: "on" }))).toMatchObject({
      ok: false,
      errors: { end: ["localTime.errors.endNextDayTooLate"] },
    });
    expect(parseEventForm(form({ start: "23:00", end: "00:30", endsNextDay: "yes" }))).toMatchObject({
      ok: false,
      errors: { endsNextDay: ["errors.invalid"] },
    });
    if (!late.ok) return;
    const created = await createEvent(services, organiser, late.input);
    if (!created.ok) throw new Error("create");
    const row = await t.db.asSystem("test: duration", (tx) =>
      tx.selectFrom("events").select(["duration_minutes", "starts_at"]).where("id", "=", created.id).executeTakeFirstOrThrow(),
    );
    expect(row.duration_minutes).toBe(90);
    expect(new Date(row.starts_at).toISOString()).toBe("2027-03-11T04:00:00.000Z");
    // The edit form starts from the stored event with the box ticked, so saving it unchanged works.
    const defaults = await eventForEditing(t.db, organiser, created.id);
    expect(defaults).toMatchObject({ date: "2027-03-10", start: "23:00", end: "00:30", endsNextDay: "on" });
  });

  test("the description becomes a rich-text document; a forged JSON document is refused, not stored", () => {
    const ok = parseEventForm(form({ description: "Ordre du jour **court**" }));
    expect(ok.ok && JSON.parse(ok.input.description ?? "null").type).toBe("doc");
    const forged = parseEventForm(form({ descriptionJson: JSON.stringify({ type: "doc", content: [{ type: "script", text: "x" }] }) }));
    expect(forged.ok).toBe(false);
    if (!forged.ok) expect(forged.errors.description?.[0]).toMatch(/^forums\.richText\.errors\./);
  });
});

describe("editing and cancelling", () => {
  test("a capacity below the registrations is a field error and nothing is saved", async () => {
    const created = await createEvent(services, organiser, input({ capacity: "5" }));
    if (!created.ok) throw new Error("create");
    for (const name of ["Une", "Deux"]) await registerForEvent(services, await person(name), created.id);
    const before = await stored(created.id);
    const outcome = await updateEvent(
      services,
      organiser,
      created.id,
      input({ title: "Nouveau titre", start: "14:00", end: "15:00", capacity: "1" }),
    );
    expect(outcome).toMatchObject({ ok: false, status: 400, fieldErrors: { capacity: ["events.errors.capacityBelow"] } });
    expect(await stored(created.id)).toEqual(before);
    const member = await person("Membre");
    expect(await updateEvent(services, member, created.id, input({ title: "Pris" }))).toMatchObject({ ok: false, status: 403 });
    expect(await updateEvent(services, organiser, "00000000-0000-4000-8000-000000000000", input({}))).toMatchObject({
      ok: false,
      status: 404,
    });
    expect((await stored(created.id)).title).toBe("Rencontre des gestionnaires");
  });

  test("a time change: registrants get the invitation (same UID, SEQUENCE up), waitlisted people a notice; reminders move", async () => {
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto" }).format(new Date(Date.now() + 20 * 86_400_000));
    const later = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto" }).format(new Date(Date.now() + 21 * 86_400_000));
    const created = await createEvent(services, organiser, input({ date: day, capacity: "1", description: "Avant" }));
    if (!created.ok) throw new Error("create");
    const holder = await person("Détentrice");
    const waiting = await person("En attente");
    await registerForEvent(services, holder, created.id);
    await registerForEvent(services, waiting, created.id);
    const reminders = () =>
      t.db.asSystem("test: reminders", (tx) =>
        tx
          .selectFrom("jobs")
          .select(["key", "state", "run_at"])
          .where("type", "=", REMINDER_JOB)
          .where("key", "like", `events.reminder:${created.id}:%`)
          .execute(),
      );
    expect((await reminders()).filter((j) => j.state === "queued")).toHaveLength(3);

    expect(
      await updateEvent(
        services,
        organiser,
        created.id,
        input({ date: later, start: "13:00", end: "14:30", capacity: "1", description: "Après" }),
      ),
    ).toEqual({ ok: true });
    const row = await stored(created.id);
    expect(row.ics_sequence).toBe(1);
    const mails = await outboxOf(holder.email);
    expect(mails.map((m) => m.kind)).toEqual(["event_confirmed", "event_changed"]);
    const [first, second] = mails.map((m) => vevent(m.attachments[0]?.content ?? ""));
    expect(second?.uid).toBe(first?.uid);
    expect(second?.sequence).toBe((first?.sequence ?? 0) + 1);
    expect(second?.start).toBe(new Date(row.starts_at).toISOString());
    expect(second?.method).toBe("REQUEST");
    const notice = await outboxOf(waiting.email);
    expect(notice.map((m) => [m.kind, m.attachments.length])).toEqual([
      ["event_waitlisted", 0],
      ["event_changedWaitlisted", 0],
    ]);
    // The old reminders are cancelled; three new ones are planned from the new start.
    const jobsNow = await reminders();
    const queued = jobsNow.filter((j) => j.state === "queued");
    expect(queued).toHaveLength(3);
    expect(queued.every((j) => (j.key ?? "").endsWith(new Date(row.starts_at).toISOString()))).toBe(true);
    expect(jobsNow.filter((j) => j.state === "cancelled")).toHaveLength(3);

    // Cancelled: METHOD:CANCEL with a higher SEQUENCE, the waitlist told, no reminder left, no more editing.
    expect(await cancelEvent(services, organiser, created.id)).toEqual({ ok: true });
    const cancel = (await outboxOf(holder.email)).at(-1);
    expect(cancel?.kind).toBe("event_cancelled");
    expect(vevent(cancel?.attachments[0]?.content ?? "")).toMatchObject({ uid: first?.uid, sequence: 2, method: "CANCEL" });
    expect((await outboxOf(waiting.email)).at(-1)?.kind).toBe("event_cancelledWaitlisted");
    expect((await reminders()).filter((j) => j.state === "queued")).toEqual([]);
    await t.db.asSystem("test: any reminder comes due", (tx) =>
      tx
        .updateTable("jobs")
        .set({ run_at: new Date(Date.now() - 1000), state: "queued" })
        .where("type", "=", REMINDER_JOB)
        .where("key", "like", `events.reminder:${created.id}:%`)
        .execute(),
    );
    await jobs.runDue();
    expect((await outboxOf(holder.email)).filter((m) => m.kind === "event_reminder")).toEqual([]);
    expect(await updateEvent(services, organiser, created.id, input({ date: later }))).toMatchObject({
      ok: false,
      status: 400,
      formError: "events.errors.cancelled",
    });
    expect(await cancelEvent(services, organiser, created.id)).toMatchObject({ ok: false, status: 404 });
  });
});
