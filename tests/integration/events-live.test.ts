// The live room's data, per role (anonymous visitor, verified member not registered,
// registrant, another registrant, organiser), on PGlite and PostgreSQL: the Q&A (ask,
// upvote once, hosts mark answered), attendance stamped by event_presence() inside the
// room's opening hours, organisers' adjustments with a reason (audited), and the CPD
// attestation earned from 75 % of the duration.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { verifyAttestation } from "~/modules/attestations/attestations.server";
import {
  adjustAttendance,
  eventAttestation,
  listAttendance,
  minutesAttended,
  myAttendance,
  reportPresence,
} from "~/modules/events/attendance.server";
import { askQuestion, listQuestions, markAnswered, toggleVote } from "~/modules/events/live.server";
import type { Role } from "~/utils/db-schema";
import type { Claims, Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

const PRIVILEGE = /permission denied/;
const POLICY = /violates row-level security policy/;

let t: TestDatabase;
type Person = Viewer & { email: string };
let member: Person, registrant: Person, other: Person, organiser: Person;
const ev = { live: "", soon: "", past: "" };

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
function refusedWith(result: { ok: boolean; message?: string }, pattern: RegExp) {
  expect(result.ok, "expected a refusal").toBe(false);
  expect(result.message).toMatch(pattern);
}

async function newEvent(startsAt: Date, minutes = 60, extra: { cpd_hours?: number; cpd_body?: string } = {}) {
  return system(
    async (tx) =>
      (
        await tx
          .insertInto("events")
          .values({
            title: "Webinaire en direct",
            kind: "webinar",
            starts_on: "2026-01-01",
            topics: [],
            starts_at: startsAt,
            duration_minutes: minutes,
            audience: "public",
            ...extra,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
  );
}
const registerAs = (p: Person, eventId: string) =>
  system((tx) =>
    tx
      .insertInto("event_registrations")
      .values({ event_id: eventId, user_id: p.id, status: "registered", waitlist_position: null })
      .execute(),
  );
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

beforeAll(async () => {
  t = await createTestDatabase();
  member = await person("Membre non inscrite");
  registrant = await person("Inscrite");
  other = await person("Autre inscrite");
  organiser = await person("Organisatrice", ["organiser"]);
  ev.live = await newEvent(ago(10));
  ev.soon = await newEvent(new Date(Date.now() + 3 * 3_600_000));
  ev.past = await newEvent(ago(180), 60, { cpd_hours: 1.5, cpd_body: "Collège des médecins du Québec" });
  for (const id of Object.values(ev)) {
    await registerAs(registrant, id);
    await registerAs(other, id);
  }
});
afterAll(() => t?.cleanup());

describe("questions and upvotes (RLS per role)", () => {
  let questionId = 0;
  test("a registrant asks; a member who is not registered and a visitor cannot", async () => {
    const asked = await askQuestion(t.db, registrant, ev.live, "Quelle dose de départ pour l'hydromorphone?");
    expect(asked.ok).toBe(true);
    questionId = asked.ok ? asked.id : 0;
    refusedWith(
      await attempt(member.claims, (tx) =>
        tx.insertInto("event_questions").values({ event_id: ev.live, author_id: member.id, body: "Et moi?" }).execute(),
      ),
      POLICY,
    );
    refusedWith(
      await attempt(null, (tx) =>
        tx.insertInto("event_questions").values({ event_id: ev.live, author_id: member.id, body: "Anonyme" }).execute(),
      ),
      PRIVILEGE,
    );
    // Nobody writes a question in someone else's name.
    refusedWith(
      await attempt(registrant.claims, (tx) =>
        tx.insertInto("event_questions").values({ event_id: ev.live, author_id: other.id, body: "Au nom d'une autre" }).execute(),
      ),
      POLICY,
    );
    expect((await askQuestion(t.db, member, ev.live, "Une question d'une non-inscrite")).ok).toBe(false);
  });

  test("only people in the room read the questions", async () => {
    const read = (claims: Claims) =>
      attempt(claims, (tx) => tx.selectFrom("event_questions").select("body").where("event_id", "=", ev.live).execute());
    const mine = await read(registrant.claims);
    expect(mine.ok && mine.value.map((q) => q.body)).toEqual(["Quelle dose de départ pour l'hydromorphone?"]);
    const others = await read(other.claims);
    expect(others.ok && others.value).toHaveLength(1);
    const org = await read(organiser.claims);
    expect(org.ok && org.value).toHaveLength(1);
    const outsider = await read(member.claims);
    expect(outsider.ok && outsider.value).toEqual([]);
    refusedWith(await read(null), PRIVILEGE);
    const listed = await listQuestions(t.db, registrant, ev.live);
    expect(listed[0]).toMatchObject({ mine: true, votes: 0, answered: false });
  });

  test("an upvote once per person, taken back by voting again; never someone else's", async () => {
    expect(await toggleVote(t.db, other, ev.live, questionId)).toEqual({ ok: true, voted: true });
    expect(await toggleVote(t.db, registrant, ev.live, questionId)).toEqual({ ok: true, voted: true });
    expect((await listQuestions(t.db, other, ev.live))[0]).toMatchObject({ votes: 2, votedByMe: true, mine: false });
    expect(await toggleVote(t.db, other, ev.live, questionId)).toEqual({ ok: true, voted: false });
    expect((await listQuestions(t.db, other, ev.live))[0]).toMatchObject({ votes: 1, votedByMe: false });
    refusedWith(
      await attempt(other.claims, (tx) =>
        tx.insertInto("event_question_votes").values({ question_id: questionId, user_id: registrant.id }).execute(),
      ),
      POLICY,
    );
    refusedWith(
      await attempt(member.claims, (tx) =>
        tx.insertInto("event_question_votes").values({ question_id: questionId, user_id: member.id }).execute(),
      ),
      POLICY,
    );
    const removed = await attempt(other.claims, (tx) =>
      tx.deleteFrom("event_question_votes").where("question_id", "=", questionId).executeTakeFirst(),
    );
    expect(removed.ok && Number(removed.value.numDeletedRows)).toBe(0);
    expect((await toggleVote(t.db, member, ev.live, questionId)).ok).toBe(false);
  });

  test("hosts (organisers) mark a question answered; registrants cannot", async () => {
    expect(await markAnswered(t.db, registrant, ev.live, questionId, true)).toMatchObject({ ok: false, status: 403 });
    const direct = await attempt(registrant.claims, (tx) =>
      tx.updateTable("event_questions").set({ answered_at: new Date() }).where("id", "=", questionId).executeTakeFirst(),
    );
    expect(direct.ok && Number(direct.value.numUpdatedRows)).toBe(0);
    refusedWith(
      await attempt(registrant.claims, (tx) =>
        tx.updateTable("event_questions").set({ body: "Réécrite" }).where("id", "=", questionId).execute(),
      ),
      PRIVILEGE,
    );
    expect(await markAnswered(t.db, organiser, ev.live, questionId, true)).toEqual({ ok: true });
    expect((await listQuestions(t.db, registrant, ev.live))[0]).toMatchObject({ answered: true });
  });

  test("a question naming a patient is refused with the guard's findings, nothing saved; the room's hours hold", async () => {
    const refused = await askQuestion(t.db, registrant, ev.live, "Mme Tremblay, NAM TREM 5501 0112, a rechuté");
    expect(refused).toMatchObject({ ok: false, status: 400, formError: "identifierGuard.errors.identifiers" });
    expect(refused.ok === false && refused.findings?.length).toBeGreaterThan(0);
    expect(await listQuestions(t.db, registrant, ev.live)).toHaveLength(1);
    expect(await askQuestion(t.db, registrant, ev.soon, "Trop tôt pour demander?")).toMatchObject({
      ok: false,
      status: 409,
      formError: "eventsLive.errors.notYetOpen",
    });
    expect(await askQuestion(t.db, registrant, ev.past, "Trop tard pour demander?")).toMatchObject({
      ok: false,
      status: 409,
      formError: "eventsLive.errors.ended",
    });
  });
});

describe("attendance", () => {
  test("minutes are the stays clipped to the event", () => {
    const start = new Date("2026-11-01T15:00:00Z");
    const end = new Date("2026-11-01T16:00:00Z");
    expect(
      minutesAttended(
        [
          { joined_at: "2026-11-01T14:50:00Z", left_at: "2026-11-01T15:20:00Z" },
          { joined_at: "2026-11-01T15:40:00Z", left_at: "2026-11-01T16:30:00Z" },
        ],
        start,
        end,
      ),
    ).toBe(40);
    expect(minutesAttended([{ joined_at: "2026-11-01T15:30:00Z", left_at: null }], start, end, new Date("2026-11-01T15:45:00Z"))).toBe(15);
  });

  test("the room page reports joined / left for the person only, while the room is open", async () => {
    expect(await reportPresence(t.db, registrant, ev.live, "joined")).toEqual({ ok: true });
    expect(await reportPresence(t.db, registrant, ev.live, "left")).toEqual({ ok: true });
    expect(await reportPresence(t.db, member, ev.live, "joined")).toMatchObject({ ok: false, status: 404 });
    expect(await reportPresence(t.db, registrant, ev.soon, "joined")).toMatchObject({ ok: false, status: 409 });
    expect(await reportPresence(t.db, registrant, ev.past, "joined")).toMatchObject({ ok: false, status: 409 });
    refusedWith(
      await attempt(registrant.claims, (tx) =>
        tx
          .insertInto("event_attendance")
          .values({ event_id: ev.past, user_id: registrant.id, joined_at: ago(200) })
          .execute(),
      ),
      PRIVILEGE,
    );
    const own = await attempt(registrant.claims, (tx) => tx.selectFrom("event_attendance").select("user_id").execute());
    expect(own.ok && own.value.map((r) => r.user_id)).toEqual([registrant.id]);
    const theirs = await attempt(other.claims, (tx) => tx.selectFrom("event_attendance").select("user_id").execute());
    expect(theirs.ok && theirs.value).toEqual([]);
    const all = await attempt(organiser.claims, (tx) =>
      tx.selectFrom("event_attendance").select("user_id").where("event_id", "=", ev.live).execute(),
    );
    expect(all.ok && all.value.map((r) => r.user_id)).toEqual([registrant.id]);
  });

  test("an organiser adjusts with a reason (audited); a registrant cannot; no reason, nothing saved", async () => {
    // The registrant was there 50 of 60 minutes; the other one 20.
    await system(async (tx) => {
      await tx
        .insertInto("event_attendance")
        .values([
          { event_id: ev.past, user_id: registrant.id, joined_at: ago(180), left_at: ago(130) },
          { event_id: ev.past, user_id: other.id, joined_at: ago(170), left_at: ago(150) },
        ])
        .execute();
    });
    expect(await myAttendance(t.db, registrant, ev.past)).toMatchObject({ recorded: 50, minutes: 50, entitled: true });
    expect(await myAttendance(t.db, other, ev.past)).toMatchObject({ recorded: 20, entitled: false });

    expect(await adjustAttendance(t.db, registrant, ev.past, { userId: registrant.id, minutes: 60, reason: "Je crois" })).toMatchObject({
      ok: false,
      status: 403,
    });
    refusedWith(
      await attempt(registrant.claims, (tx) =>
        tx
          .insertInto("event_attendance_adjustments")
          .values({ event_id: ev.past, user_id: registrant.id, minutes: 60, reason: "Moi-même", adjusted_by: registrant.id })
          .execute(),
      ),
      POLICY,
    );
    refusedWith(
      await attempt(organiser.claims, (tx) =>
        tx
          .insertInto("event_attendance_adjustments")
          .values({ event_id: ev.past, user_id: other.id, minutes: 60, reason: "  ", adjusted_by: organiser.id })
          .execute(),
      ),
      /check constraint/,
    );
    expect(await adjustAttendance(t.db, organiser, ev.past, { userId: other.id, minutes: 90, reason: "Trop" })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { minutes: ["eventsLive.errors.minutesAboveDuration"] },
    });
    expect(await adjustAttendance(t.db, organiser, ev.past, { userId: member.id, minutes: 60, reason: "Pas inscrite" })).toMatchObject({
      ok: false,
      status: 404,
    });

    expect(
      await adjustAttendance(t.db, organiser, ev.past, {
        userId: other.id,
        minutes: 55,
        reason: "Connexion par téléphone, vue par l'animatrice",
      }),
    ).toEqual({ ok: true });
    expect(await myAttendance(t.db, other, ev.past)).toMatchObject({
      recorded: 20,
      minutes: 55,
      entitled: true,
      adjusted: { minutes: 55 },
    });
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select(["actor_id", "details"])
        .where("action", "=", "event.attendance_adjusted")
        .where("target_id", "=", ev.past)
        .execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: organiser.id,
      details: { user_id: other.id, minutes: 55, reason: "Connexion par téléphone, vue par l'animatrice" },
    });
    // Adjustments are the attendee's and the organisers' to read, nobody else's.
    const seen = await attempt(registrant.claims, (tx) =>
      tx.selectFrom("event_attendance_adjustments").select("id").where("event_id", "=", ev.past).execute(),
    );
    expect(seen.ok && seen.value).toEqual([]);
    const list = await listAttendance(t.db, organiser, ev.past);
    expect(list?.lines.map((l) => [l.name, l.minutes, l.entitled])).toEqual([
      ["Autre inscrite", 55, true],
      ["Inscrite", 50, true],
    ]);
    expect(await listAttendance(t.db, registrant, ev.past)).toBeNull();
  });

  test("the attestation: after the end, from 75 % of the duration, once, with a code the public check confirms", async () => {
    expect(await eventAttestation(t.db, registrant, ev.live)).toMatchObject({ ok: false, status: 409 });
    expect(await eventAttestation(t.db, member, ev.past)).toMatchObject({ ok: false, status: 403 });
    await system((tx) => tx.updateTable("profile_private").set({ permit_number: "12345" }).where("user_id", "=", registrant.id).execute());
    const first = await eventAttestation(t.db, registrant, ev.past);
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(first.attestation).toMatchObject({ kind: "event", hours: 1.5, title: "Webinaire en direct", memberName: "Inscrite" });
    expect(first.lines.map((l) => l.value)).toEqual(expect.arrayContaining(["Collège des médecins du Québec", "12345"]));
    const again = await eventAttestation(t.db, registrant, ev.past);
    expect(again.ok && again.attestation.code).toBe(first.attestation.code);
    expect(await verifyAttestation(t.db, first.attestation.code)).toMatchObject({ kind: "event", memberName: "Inscrite", hours: 1.5 });
  });
});
