// An event's speakers (PGlite and PostgreSQL): organisers write them through the event
// form (ordered rows, a member's account linked by its email; an unknown email is a
// field message and nothing is saved), readers see them in order, and a linked speaker
// hosts the live room: she enters without registering (also for a space's event she is
// not a member of), is a moderator and marks questions answered; a member who is
// neither cannot. RLS per role on event_speakers: anonymous readers never see which
// account a speaker is; only organisers write.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { parseEventForm, eventForEditing } from "~/modules/events/editing.server";
import { createEvent, getEvent, updateEvent, type EventServices } from "~/modules/events/events.server";
import { askQuestion, liveAccess, listQuestions, markAnswered } from "~/modules/events/live.server";
import { createJobQueue } from "~/modules/jobs/queue.server";
import type { Role } from "~/utils/db-schema";
import type { Claims, Tx } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import { sql } from "kysely";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

const logger = pino({ level: "silent" });
let t: TestDatabase;
let services: EventServices;
type Person = Viewer & { email: string };
let organiser: Person, speaker: Person, registrant: Person, member: Person;

async function person(name: string, roles: Role[] = []): Promise<Person> {
  const u = await createUser(t.db, { displayName: name, verified: true, roles });
  return { claims: u.claims, id: u.id, displayName: name, verified: true, roles, locale: "fr-CA", email: u.email };
}
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);
async function attempt<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await t.db.withUser(claims, fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Today's date and times in Toronto around now, so the created event's room is open. */
function nowInToronto(offsetMinutes: number) {
  const at = new Date(Date.now() + offsetMinutes * 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: "America/Toronto",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

function form(values: Record<string, string | string[]>): FormData {
  const f = new FormData();
  const all = { title: "Webinaire sur le sevrage", date: "2027-03-10", start: "09:00", end: "10:00", audience: "public", ...values };
  for (const [k, v] of Object.entries(all)) for (const one of [v].flat()) f.append(k, one);
  return f;
}
const speakerRows = (rows: Array<[string, string, string]>) => ({
  speakerName: rows.map((r) => r[0]),
  speakerAffiliation: rows.map((r) => r[1]),
  speakerEmail: rows.map((r) => r[2]),
});

async function createWith(values: Record<string, string | string[]>) {
  const parsed = parseEventForm(form(values));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const made = await createEvent(services, organiser, parsed.input);
  if (!made.ok) throw new Error(JSON.stringify(made));
  return made.id;
}

let liveEvent = "";

beforeAll(async () => {
  t = await createTestDatabase();
  const jobs = createJobQueue({ db: t.db, logger, worker: { backoffMs: 20, leaseMs: 2000, pollMs: 50 } });
  services = {
    db: t.db,
    mail: createMailer({ db: t.db, from: "Passerelle <noreply@passerelle.example>", logger, jobs }),
    jobs,
    publicUrl: "https://passerelle.example",
  };
  organiser = await person("Organisatrice", ["organiser"]);
  speaker = await person("Dre Conférencière");
  registrant = await person("Inscrite");
  member = await person("Membre sans inscription");
  // Started 5 minutes ago, for an hour: the room is open.
  const start = nowInToronto(-5);
  const end = nowInToronto(55);
  liveEvent = await createWith({
    date: start.date,
    start: start.time,
    end: end.date === start.date ? end.time : "23:59",
    ...speakerRows([
      ["Dre Conférencière", "CIUSSS du Nord", speaker.email.toUpperCase()],
      ["Invité sans compte", "Pair aidant", ""],
    ]),
  });
  await system((tx) =>
    tx
      .insertInto("event_registrations")
      .values({ event_id: liveEvent, user_id: registrant.id, status: "registered", waitlist_position: null })
      .execute(),
  );
});
afterAll(async () => {
  await t?.cleanup();
});

describe("the organiser's form", () => {
  test("keeps the speakers in order, links an account by its email (any case), and shows them to readers", async () => {
    const event = await getEvent(t.db, null, liveEvent);
    expect(event?.speakers).toEqual([
      { name: "Dre Conférencière", affiliation: "CIUSSS du Nord", linked: false },
      { name: "Invité sans compte", affiliation: "Pair aidant", linked: false },
    ]);
    // Signed-in readers learn that a speaker is linked (not which account: no id is returned).
    const seen = await getEvent(t.db, member.claims, liveEvent);
    expect(seen?.speakers.map((s) => s.linked)).toEqual([true, false]);
    expect(seen?.iAmSpeaker).toBe(false);
    expect((await getEvent(t.db, speaker.claims, liveEvent))?.iAmSpeaker).toBe(true);
    const editing = await eventForEditing(t.db, organiser, liveEvent);
    expect(editing?.speakers).toEqual([
      { name: "Dre Conférencière", affiliation: "CIUSSS du Nord", email: speaker.email },
      { name: "Invité sans compte", affiliation: "Pair aidant", email: "" },
    ]);
  });

  test("empty rows are no one; a half-filled row or a bad email is a message on that row", () => {
    const parsed = parseEventForm(
      form(
        speakerRows([
          ["", "", ""],
          ["X", "", ""],
          ["Nom correct", "", "pas-un-courriel"],
        ]),
      ),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors["speakers.1.name"]).toEqual(["errors.too_short"]);
    expect(parsed.errors["speakers.2.email"]).toEqual(["events.errors.speakerEmail"]);
    expect(parsed.errors["speakers.0.name"]).toBeUndefined();
  });

  test("an email without an account is refused on its row and nothing is saved", async () => {
    const before = await system((tx) =>
      tx
        .selectFrom("events")
        .select(sql<number>`count(*)::int`.as("n"))
        .executeTakeFirstOrThrow(),
    );
    const parsed = parseEventForm(
      form({
        title: "Événement jamais créé",
        ...speakerRows([
          ["Sans compte", "", ""],
          ["Inconnue", "", "personne@nulle-part.example"],
        ]),
      }),
    );
    if (!parsed.ok) throw new Error("the form itself is valid");
    const made = await createEvent(services, organiser, parsed.input);
    expect(made).toMatchObject({ ok: false, status: 400, fieldErrors: { "speakers.1.email": ["events.errors.speakerUnknown"] } });
    const after = await system((tx) =>
      tx
        .selectFrom("events")
        .select(sql<number>`count(*)::int`.as("n"))
        .executeTakeFirstOrThrow(),
    );
    expect(after.n).toBe(before.n);
  });

  test("the same account twice is refused on the second row", () => {
    const parsed = parseEventForm(
      form(
        speakerRows([
          ["Première", "", speaker.email],
          ["Seconde", "", speaker.email.toUpperCase()],
        ]),
      ),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors["speakers.1.email"]).toEqual(["events.errors.speakerTwice"]);
  });

  test("editing replaces the speakers (order, removal) and a member cannot edit", async () => {
    const id = await createWith(speakerRows([["Alice Martin", "", ""]]));
    const parsed = parseEventForm(
      form(
        speakerRows([
          ["Béatrice Roy", "Santé publique", ""],
          ["Alice Martin", "", ""],
        ]),
      ),
    );
    if (!parsed.ok) throw new Error("valid form");
    expect(await updateEvent(services, organiser, id, parsed.input)).toEqual({ ok: true });
    expect((await getEvent(t.db, null, id))?.speakers.map((s) => s.name)).toEqual(["Béatrice Roy", "Alice Martin"]);
    expect(await updateEvent(services, member, id, parsed.input)).toMatchObject({ ok: false, status: 403 });
  });
});

describe("row-level security on event_speakers", () => {
  test("anonymous readers see names but never the linked account", async () => {
    const names = await attempt(null, (tx) =>
      tx.selectFrom("event_speakers").select(["display_name"]).where("event_id", "=", liveEvent).execute(),
    );
    expect(names.ok && names.value.length).toBe(2);
    const accounts = await attempt(null, (tx) => tx.selectFrom("event_speakers").select(["profile_id"]).execute());
    expect(accounts.ok).toBe(false);
    if (!accounts.ok) expect(accounts.message).toMatch(/permission denied/);
  });

  test("members read but do not write; organisers write", async () => {
    const read = await attempt(member.claims, (tx) =>
      tx.selectFrom("event_speakers").select(["profile_id"]).where("event_id", "=", liveEvent).orderBy("position").execute(),
    );
    expect(read.ok && read.value.map((r) => r.profile_id)).toEqual([speaker.id, null]);
    const insert = await attempt(member.claims, (tx) =>
      tx.insertInto("event_speakers").values({ event_id: liveEvent, profile_id: member.id, display_name: "Moi", position: 9 }).execute(),
    );
    expect(insert.ok).toBe(false);
    if (!insert.ok) expect(insert.message).toMatch(/row-level security/);
    // A member's update or delete matches no row (the policies hide them from writes).
    const update = await attempt(member.claims, (tx) =>
      tx.updateTable("event_speakers").set({ profile_id: member.id }).where("event_id", "=", liveEvent).executeTakeFirst(),
    );
    expect(update.ok && Number(update.value.numUpdatedRows)).toBe(0);
    const del = await attempt(member.claims, (tx) => tx.deleteFrom("event_speakers").where("event_id", "=", liveEvent).executeTakeFirst());
    expect(del.ok && Number(del.value.numDeletedRows)).toBe(0);
    // The linked speaker herself cannot change the list either.
    const own = await attempt(speaker.claims, (tx) =>
      tx.updateTable("event_speakers").set({ display_name: "Autre nom" }).where("event_id", "=", liveEvent).executeTakeFirst(),
    );
    expect(own.ok && Number(own.value.numUpdatedRows)).toBe(0);
    const organiserWrite = await attempt(organiser.claims, (tx) =>
      tx.insertInto("event_speakers").values({ event_id: liveEvent, display_name: "Ajout", position: 3 }).execute(),
    );
    expect(organiserWrite.ok).toBe(true);
    await t.db.withUser(organiser.claims, (tx) =>
      tx.deleteFrom("event_speakers").where("event_id", "=", liveEvent).where("position", "=", 3).execute(),
    );
  });
});

describe("a linked speaker hosts the live room", () => {
  test("enters without registering, as a moderator; a member who is neither is refused", async () => {
    const access = await liveAccess(t.db, speaker, liveEvent);
    expect(access).toMatchObject({ role: "speaker", host: true, window: "open" });
    expect(await liveAccess(t.db, registrant, liveEvent)).toMatchObject({ role: "registrant", host: false });
    expect(await liveAccess(t.db, member, liveEvent)).toMatchObject({ role: null, host: false });
    const canJoin = (claims: Claims) =>
      t.db.withUser(
        claims,
        async (tx) => (await sql<{ ok: boolean }>`select public.can_join_event_live(${liveEvent}::uuid) as ok`.execute(tx)).rows[0]?.ok,
      );
    expect(await canJoin(speaker.claims)).toBe(true);
    expect(await canJoin(member.claims)).toBe(false);
  });

  test("marks a question answered like an organiser; a registrant cannot, even by a direct update", async () => {
    const asked = await askQuestion(t.db, registrant, liveEvent, "Quelle dose de départ recommandez-vous ?");
    if (!asked.ok) throw new Error(JSON.stringify(asked));
    expect(await markAnswered(t.db, registrant, liveEvent, asked.id, true)).toMatchObject({ ok: false, status: 403 });
    const forged = await attempt(registrant.claims, (tx) =>
      tx
        .updateTable("event_questions")
        .set({ answered_at: new Date(), answered_by: registrant.id })
        .where("id", "=", asked.id)
        .executeTakeFirst(),
    );
    expect(forged.ok && Number(forged.value.numUpdatedRows)).toBe(0);
    expect(await markAnswered(t.db, speaker, liveEvent, asked.id, true)).toEqual({ ok: true });
    const questions = await listQuestions(t.db, speaker, liveEvent);
    expect(questions.find((q) => q.id === asked.id)?.answered).toBe(true);
    // Her presence is recorded like anyone's in the room.
    await t.db.withUser(speaker.claims, (tx) => sql`select public.event_presence(${liveEvent}::uuid, 'joined')`.execute(tx));
    const stays = await system((tx) => tx.selectFrom("event_attendance").select("user_id").where("event_id", "=", liveEvent).execute());
    expect(stays.map((s) => s.user_id)).toContain(speaker.id);
  });

  test("a guest speaker sees a space's event she is not a member of; others outside the space do not", async () => {
    const space = await system(
      async (tx) =>
        (
          await tx
            .insertInto("spaces")
            .values({
              kind: "community",
              slug: `espace-${Date.now()}`,
              name_fr: "Espace fermé",
              name_en: "Closed space",
              visibility: "members",
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
    );
    const id = await system(
      async (tx) =>
        (
          await tx
            .insertInto("events")
            .values({
              title: "Réunion de l'espace",
              kind: "webinar",
              starts_on: "2027-01-01",
              topics: [],
              starts_at: new Date(Date.now() + 86_400_000),
              duration_minutes: 60,
              audience: "space",
              space_id: space,
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
    );
    expect(await getEvent(t.db, speaker.claims, id)).toBeNull();
    await t.db.withUser(organiser.claims, (tx) =>
      tx
        .insertInto("event_speakers")
        .values({ event_id: id, profile_id: speaker.id, display_name: "Dre Conférencière", position: 1 })
        .execute(),
    );
    expect((await getEvent(t.db, speaker.claims, id))?.iAmSpeaker).toBe(true);
    expect(await getEvent(t.db, member.claims, id)).toBeNull();
    expect(await getEvent(t.db, null, id)).toBeNull();
  });
});
