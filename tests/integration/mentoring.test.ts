// Mentoring, per role (anonymous, unverified, member, the mentee, the mentor, another
// mentor, coordinator, admin): who sees requests, pairings and notes, who may answer,
// and the refusals the issue lists (mentor at capacity or paused, a second open request,
// an expired request, a session in the past or overlapping, a private note by the mentee,
// a capacity below the current mentees). Every refusal leaves nothing saved.
import ICAL from "ical.js";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { createJobQueue } from "~/modules/jobs/queue.server";
import {
  addNote,
  answerRequest,
  assignmentView,
  assignRequest,
  cancelSession,
  coordinationOverview,
  createRequest,
  endPairing,
  expireRequest,
  getWorkspace,
  logSession,
  mentoringAttestation,
  rescheduleSession,
  saveMentorProfile,
  scheduleSession,
  sendSessionReminder,
  setCoordinationConsent,
  SESSION_REMINDER_JOB,
  type Services,
} from "~/modules/mentoring/mentoring.server";
import { rescheduleSchema, sessionSchema } from "~/modules/mentoring/schemas";
import type { Claims, Tx } from "~/utils/db.server";
import { parseEnv } from "~/utils/env.server";
import { localIntervalDefaults } from "~/utils/local-time";
import { createMailer } from "~/utils/mail.server";
import { defineMentoringJobs } from "../../server/jobs";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

const logger = pino({ level: "silent" });
let t: TestDatabase;
let s: Services;
interface People {
  unverified: TestUser;
  member: TestUser;
  mentee: TestUser;
  mentor: TestUser;
  otherMentor: TestUser;
  pausedMentor: TestUser;
  coordinator: TestUser;
  admin: TestUser;
}
let p: People;
const viewer = (u: TestUser, roles: Viewer["roles"] = [], verified = true): Viewer => ({
  claims: u.claims,
  id: u.id,
  displayName: u.email,
  verified,
  roles,
  locale: "fr-CA",
});
const as = <T>(claims: Claims, fn: (tx: Tx) => Promise<T>) => t.db.withUser(claims, fn);
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);
const profile = {
  topics: ["taoi", "naloxone"],
  disciplines: ["infirmiere", "medecin"],
  regions: ["09"],
  languages: ["fr", "en"],
  capacity: 1,
  modalities: ["video" as const],
  availability: "mardis",
  bio: "Bio",
  accepting: true,
  matchingOptIn: true,
};
const ask = {
  topics: ["taoi"],
  goals: "Mieux accompagner le TAO injectable en région.",
  modality: "video" as const,
  language: "fr" as const,
};
let requestId = "";
let pairingId = "";

beforeAll(async () => {
  t = await createTestDatabase();
  p = {
    unverified: await createUser(t.db, { displayName: "Non vérifiée" }),
    member: await createUser(t.db, { displayName: "Autre membre", verified: true }),
    mentee: await createUser(t.db, { displayName: "Mentorée", verified: true }),
    mentor: await createUser(t.db, { displayName: "Mentor", verified: true, roles: ["mentor"] }),
    otherMentor: await createUser(t.db, { displayName: "Autre mentor", verified: true, roles: ["mentor"] }),
    pausedMentor: await createUser(t.db, { displayName: "Mentor en pause", verified: true, roles: ["mentor"] }),
    coordinator: await createUser(t.db, { displayName: "Coordination", verified: true, roles: ["coordinator"] }),
    admin: await createUser(t.db, { displayName: "Admin", verified: true, roles: ["admin"] }),
  };
  const env = parseEnv({ PUBLIC_URL: "https://passerelle.example", MAIL_FROM: "passerelle@example.org" });
  const jobs = createJobQueue({ db: t.db, logger });
  defineMentoringJobs(jobs, { db: t.db, mail: createMailer({ db: t.db, from: env.MAIL_FROM, logger }), publicUrl: env.publicUrl });
  s = { db: t.db, jobs, mail: createMailer({ db: t.db, from: env.MAIL_FROM, logger }), env };
  expect(await saveMentorProfile(t.db, viewer(p.mentor, ["mentor"]), profile)).toEqual({ ok: true });
  expect(await saveMentorProfile(t.db, viewer(p.otherMentor, ["mentor"]), { ...profile, capacity: 3 })).toEqual({ ok: true });
  expect(await saveMentorProfile(t.db, viewer(p.pausedMentor, ["mentor"]), { ...profile, accepting: false })).toEqual({ ok: true });
});
afterAll(() => t?.cleanup());

const requestsSeenBy = (claims: Claims) =>
  as(claims, (tx) => tx.selectFrom("mentoring_requests").select("id").execute()).then((r) => r.map((x) => x.id));
const countRequests = () =>
  system((tx) =>
    tx
      .selectFrom("mentoring_requests")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  ).then((r) => Number(r.n));

describe("mentor profiles", () => {
  test("only mentors write one; verified members read them; anonymous visitors nothing", async () => {
    expect(await saveMentorProfile(t.db, viewer(p.member), profile)).toMatchObject({ ok: false, status: 403 });
    await expect(as(p.member.claims, (tx) => tx.insertInto("mentor_profiles").values({ user_id: p.member.id }).execute())).rejects.toThrow(
      /row-level security/,
    );
    expect((await as(p.member.claims, (tx) => tx.selectFrom("mentor_profiles").select("user_id").execute())).length).toBe(3);
    expect((await as(p.unverified.claims, (tx) => tx.selectFrom("mentor_profiles").select("user_id").execute())).length).toBe(0);
    await expect(as(null, (tx) => tx.selectFrom("mentor_profiles").select("user_id").execute())).rejects.toThrow(/permission denied/);
  });
});

describe("requests", () => {
  test("an unverified member cannot ask; a paused mentor cannot be asked; nothing saved", async () => {
    const before = await countRequests();
    expect(await createRequest(s, viewer(p.unverified, [], false), p.mentor.id, ask)).toMatchObject({ ok: false, status: 403 });
    await expect(
      as(p.unverified.claims, (tx) =>
        tx
          .insertInto("mentoring_requests")
          .values({ mentee_id: p.unverified.id, mentor_id: p.mentor.id, topics: ["taoi"], goals: ask.goals })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await createRequest(s, viewer(p.mentee), p.pausedMentor.id, ask)).toMatchObject({
      ok: false,
      formError: "mentoring.errors.db.mentor_paused",
    });
    expect(await countRequests()).toBe(before);
  });

  test("goals with a patient identifier are refused with findings", async () => {
    const outcome = await createRequest(s, viewer(p.mentee), p.mentor.id, { ...ask, goals: "Suivi de TREM 8503 1234 pour son TAO" });
    expect(outcome).toMatchObject({ ok: false, status: 400, formError: "identifierGuard.errors.identifiers" });
  });

  test("the mentee asks; the two parties and coordinators see it, nobody else; a second open request is refused", async () => {
    const outcome = await createRequest(s, viewer(p.mentee), p.mentor.id, ask);
    if (!outcome.ok) throw new Error(outcome.formError);
    requestId = outcome.id;
    for (const who of [p.mentee, p.mentor, p.coordinator]) expect(await requestsSeenBy(who.claims)).toContain(requestId);
    for (const who of [p.member, p.otherMentor, p.unverified]) expect(await requestsSeenBy(who.claims)).not.toContain(requestId);
    expect(await createRequest(s, viewer(p.mentee), p.mentor.id, ask)).toMatchObject({
      ok: false,
      formError: "mentoring.errors.db.request_open",
    });
    // The reminder and the expiry are on the queue.
    const jobs = await system((tx) => tx.selectFrom("jobs").select(["type", "run_at"]).where("key", "like", `%${requestId}`).execute());
    expect(jobs.map((j) => j.type).sort()).toEqual(["mentoring.request-expire", "mentoring.request-remind"]);
  });

  test("only the mentor answers: the mentee, another mentor or a coordinator cannot accept", async () => {
    expect(await answerRequest(s, viewer(p.mentee), "accept", requestId)).toMatchObject({ ok: false, status: 403 });
    expect(await answerRequest(s, viewer(p.otherMentor, ["mentor"]), "accept", requestId)).toMatchObject({ ok: false, status: 404 });
    await expect(as(p.mentee.claims, (tx) => sql`select public.accept_mentoring_request(${requestId}::uuid)`.execute(tx))).rejects.toThrow(
      /mentoring_request_not_found/,
    );
  });

  test("an expired request cannot be accepted; the expiry job tells the member", async () => {
    const other = await createRequest(s, viewer(p.mentee), p.otherMentor.id, ask);
    if (!other.ok) throw new Error(other.formError);
    await system((tx) =>
      tx
        .updateTable("mentoring_requests")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("id", "=", other.id)
        .execute(),
    );
    expect(await answerRequest(s, viewer(p.otherMentor, ["mentor"]), "accept", other.id)).toMatchObject({
      ok: false,
      formError: "mentoring.errors.db.request_expired",
    });
    await expect(
      as(p.otherMentor.claims, (tx) => sql`select public.accept_mentoring_request(${other.id}::uuid)`.execute(tx)),
    ).rejects.toThrow(/mentoring_request_expired/);
    expect(await expireRequest(s, other.id)).toBe(true);
    expect(await expireRequest(s, other.id)).toBe(false);
    const told = await system((tx) =>
      tx
        .selectFrom("notifications")
        .select(["kind", "payload"])
        .where("user_id", "=", p.mentee.id)
        .where("kind", "=", "mentoring.expired")
        .execute(),
    );
    expect(told).toHaveLength(1);
    expect(String(told[0]?.payload.url)).toContain("/mentoring?topics=taoi");
    expect(
      await system((tx) => tx.selectFrom("mentoring_pairings").select("id").where("mentor_id", "=", p.otherMentor.id).execute()),
    ).toEqual([]);
  });

  test("the mentor accepts: a pairing opens, private to the two; the mentor is now at capacity", async () => {
    const outcome = await answerRequest(s, viewer(p.mentor, ["mentor"]), "accept", requestId);
    if (!outcome.ok || !outcome.pairingId) throw new Error("not accepted");
    pairingId = outcome.pairingId;
    const seen = (claims: Claims) =>
      as(claims, (tx) => tx.selectFrom("mentoring_pairings").select("id").execute()).then((r) => r.map((x) => x.id));
    expect(await seen(p.mentee.claims)).toEqual([pairingId]);
    expect(await seen(p.mentor.claims)).toEqual([pairingId]);
    for (const who of [p.member, p.otherMentor, p.coordinator, p.admin]) expect(await seen(who.claims)).toEqual([]);
    expect(await answerRequest(s, viewer(p.mentor, ["mentor"]), "accept", requestId)).toMatchObject({
      ok: false,
      formError: "mentoring.errors.db.request_closed",
    });
    expect(await createRequest(s, viewer(p.member), p.mentor.id, ask)).toMatchObject({
      ok: false,
      formError: "mentoring.errors.db.mentor_full",
    });
    expect(await saveMentorProfile(t.db, viewer(p.mentor, ["mentor"]), { ...profile, capacity: 1 })).toEqual({ ok: true });
    await expect(
      as(p.mentor.claims, (tx) => tx.updateTable("mentor_profiles").set({ capacity: 0 }).where("user_id", "=", p.mentor.id).execute()),
    ).rejects.toThrow();
  });

  test("the coordinator sees the pair's existence and dates and the regional figures; a member cannot", async () => {
    const overview = await coordinationOverview(t.db, viewer(p.coordinator, ["coordinator"]));
    expect(overview?.pairs.map((x) => x.id)).toContain(pairingId);
    expect(Object.keys(overview?.pairs[0] ?? {}).sort()).toEqual(["endedAt", "id", "mentee", "mentor", "startedAt", "status"]);
    expect(overview?.coverage).toHaveLength(18);
    expect(await coordinationOverview(t.db, viewer(p.member))).toBeNull();
    await expect(as(p.member.claims, (tx) => sql`select public.mentoring_overview()`.execute(tx))).rejects.toThrow(/forbidden/);
  });
});

describe("the workspace", () => {
  test("a private note is the mentor's alone; the mentee cannot write one; others see nothing", async () => {
    expect(await addNote(t.db, viewer(p.mentor, ["mentor"]), pairingId, { visibility: "private", body: "Note privée du mentor" })).toEqual({
      ok: true,
    });
    expect(await addNote(t.db, viewer(p.mentee), pairingId, { visibility: "shared", body: "Note partagée" })).toEqual({ ok: true });
    expect(await addNote(t.db, viewer(p.mentee), pairingId, { visibility: "private", body: "Essai" })).toMatchObject({
      ok: false,
      status: 403,
    });
    await expect(
      as(p.mentee.claims, (tx) =>
        tx.insertInto("mentoring_notes").values({ pairing_id: pairingId, visibility: "private", body: "x" }).execute(),
      ),
    ).rejects.toThrow(/mentoring_private_note_mentor_only/);
    const notes = (claims: Claims) =>
      as(claims, (tx) => tx.selectFrom("mentoring_notes").select("body").orderBy("created_at").execute()).then((r) => r.map((x) => x.body));
    expect(await notes(p.mentor.claims)).toEqual(["Note privée du mentor", "Note partagée"]);
    expect(await notes(p.mentee.claims)).toEqual(["Note partagée"]);
    for (const who of [p.member, p.otherMentor, p.coordinator, p.admin]) expect(await notes(who.claims)).toEqual([]);
    expect(await addNote(t.db, viewer(p.mentee), pairingId, { visibility: "shared", body: "Mme Tremblay, 514-555-1234" })).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  test("sessions: not in the past, not overlapping, an end after the start; the invitation's ICS parses at the right time", async () => {
    const mentor = viewer(p.mentor, ["mentor"]);
    expect(
      await scheduleSession(s, mentor, pairingId, { date: "2020-01-01", start: "10:00", end: "11:00", modality: "video" }),
    ).toMatchObject({ ok: false, status: 400 });
    expect(
      await scheduleSession(s, mentor, pairingId, { date: "2099-03-08", start: "11:00", end: "10:00", modality: "video" }),
    ).toMatchObject({ ok: false, status: 400 });
    // 2099-03-08 is the Sunday of the spring change in Quebec: 14:00 EDT is 18:00 UTC.
    const first = await scheduleSession(s, mentor, pairingId, { date: "2099-03-08", start: "14:00", end: "15:00", modality: "video" });
    expect(first).toMatchObject({ ok: true });
    expect(
      await scheduleSession(s, viewer(p.mentee), pairingId, { date: "2099-03-08", start: "14:30", end: "15:30", modality: "phone" }),
    ).toMatchObject({ ok: false, formError: "mentoring.errors.db.session_overlap" });
    expect(
      await scheduleSession(s, viewer(p.member), pairingId, { date: "2099-04-01", start: "14:30", end: "15:30", modality: "phone" }),
    ).toMatchObject({ ok: false, status: 404 });
    const mails = await system((tx) =>
      tx.selectFrom("outbox").select(["to_email", "attachments"]).where("kind", "=", "mentoring.session").execute(),
    );
    expect(mails.map((m) => m.to_email).sort()).toEqual([p.mentee.email, p.mentor.email].sort());
    const ics = mails[0]?.attachments[0]?.content ?? "";
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent") ?? undefined);
    expect(event.startDate.toJSDate().toISOString()).toBe("2099-03-08T18:00:00.000Z");
    expect(event.endDate.toJSDate().toISOString()).toBe("2099-03-08T19:00:00.000Z");
    expect(event.uid).toBe(`mentoring-session-${first.ok ? first.id : ""}@passerelle.example`);
    expect(event.attendees).toHaveLength(2);
  });

  test("ending, then an attestation of the hours held for each party; a stranger gets none", async () => {
    const ws = await getWorkspace(t.db, viewer(p.mentor, ["mentor"]), pairingId);
    const session = ws?.sessions[0];
    expect(
      await logSession(t.db, viewer(p.mentor, ["mentor"]), pairingId, {
        sessionId: session?.id ?? "",
        log: "Séance tenue : plan de TAOi.",
      }),
    ).toEqual({ ok: true });
    expect(await mentoringAttestation(t.db, viewer(p.mentee), pairingId)).toMatchObject({
      ok: false,
      formError: "mentoring.errors.notEnded",
    });
    expect(await endPairing(t.db, viewer(p.mentee), pairingId)).toEqual({ ok: true });
    expect(await addNote(t.db, viewer(p.mentor, ["mentor"]), pairingId, { visibility: "shared", body: "Après la fin" })).toMatchObject({
      ok: false,
      status: 409,
    });
    const mine = await mentoringAttestation(t.db, viewer(p.mentee), pairingId);
    if (!mine.ok) throw new Error(mine.formError);
    expect(mine.attestation).toMatchObject({ kind: "mentoring", hours: 1, memberName: "Mentorée" });
    const theirs = await mentoringAttestation(t.db, viewer(p.mentor, ["mentor"]), pairingId);
    expect(theirs.ok && theirs.attestation.code).not.toBe(mine.attestation.code);
    expect(await mentoringAttestation(t.db, viewer(p.member), pairingId)).toMatchObject({ ok: false, status: 404 });
  });
});

describe("a coordinator assigns an open request", () => {
  let mentee: TestUser;
  let first: TestUser;
  let second: TestUser;
  let full: TestUser;
  let other: TestUser;
  let openId = "";
  let assignedId = "";
  let newPairing = "";
  const coordinator = () => viewer(p.coordinator, ["coordinator"]);
  const statusOf = (id: string) =>
    system((tx) => tx.selectFrom("mentoring_requests").select("status").where("id", "=", id).executeTakeFirstOrThrow()).then(
      (r) => r.status,
    );

  beforeAll(async () => {
    mentee = await createUser(t.db, { displayName: "Demandeuse", verified: true, region: "02", discipline: "infirmiere" });
    other = await createUser(t.db, { displayName: "Tierce", verified: true });
    first = await createUser(t.db, { displayName: "Premier mentor", verified: true, roles: ["mentor"] });
    second = await createUser(t.db, {
      displayName: "Second mentor",
      verified: true,
      roles: ["mentor"],
      discipline: "infirmiere",
      region: "02",
    });
    full = await createUser(t.db, { displayName: "Mentor complet", verified: true, roles: ["mentor"] });
    for (const [who, capacity] of [
      [first, 2],
      [second, 2],
      [full, 1],
    ] as const) {
      expect(await saveMentorProfile(t.db, viewer(who, ["mentor"]), { ...profile, regions: ["02"], capacity })).toEqual({ ok: true });
    }
    // The full mentor's one place is taken.
    const r = await createRequest(s, viewer(other), full.id, ask);
    if (!r.ok) throw new Error(r.formError);
    expect(await answerRequest(s, viewer(full, ["mentor"]), "accept", r.id)).toMatchObject({ ok: true });
    const open = await createRequest(s, viewer(mentee), first.id, ask);
    if (!open.ok) throw new Error(open.formError);
    openId = open.id;
  });

  test("without the member's leave: no suggestions and a 409; only the member gives or takes it back", async () => {
    expect((await assignmentView(t.db, coordinator(), openId, "seed"))?.suggestions).toEqual([]);
    expect(await assignRequest(s, coordinator(), openId, second.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "mentoring.errors.db.no_consent",
    });
    await expect(
      as(first.claims, (tx) => tx.updateTable("mentoring_requests").set({ coordination_ok: true }).where("id", "=", openId).execute()),
    ).rejects.toThrow(/mentoring_consent_own/);
    expect(await setCoordinationConsent(t.db, viewer(other), openId, true)).toMatchObject({ ok: false, status: 404 });
    expect(await setCoordinationConsent(t.db, viewer(mentee), openId, true)).toEqual({ ok: true });
    expect(await statusOf(openId)).toBe("pending");
  });

  test("who is not a coordinator is refused (403, and by the database); nothing changes", async () => {
    for (const who of [viewer(mentee), viewer(first, ["mentor"]), viewer(other)]) {
      expect(await assignRequest(s, who, openId, second.id)).toMatchObject({ ok: false, status: 403 });
      expect(await assignmentView(t.db, who, openId, "seed")).toBeNull();
    }
    await expect(
      as(first.claims, (tx) => sql`select public.assign_mentoring_request(${openId}::uuid, ${second.id}::uuid)`.execute(tx)),
    ).rejects.toThrow(/mentoring_coordinator_only/);
    await expect(
      as(p.unverified.claims, (tx) => sql`select public.assign_mentoring_request(${openId}::uuid, ${second.id}::uuid)`.execute(tx)),
    ).rejects.toThrow(/mentoring_coordinator_only/);
    expect(await statusOf(openId)).toBe("pending");
  });

  test("the coordinator sees the member's needs and ranked mentors with reasons: not the current one, not full, not paused", async () => {
    const view = await assignmentView(t.db, coordinator(), openId, "seed");
    expect(view?.mentee).toEqual({ name: "Demandeuse", discipline: "infirmiere", region: "02" });
    const ids = view?.suggestions.map((x) => x.userId) ?? [];
    expect(ids).toContain(second.id);
    for (const never of [first.id, full.id, p.pausedMentor.id, mentee.id]) expect(ids).not.toContain(never);
    expect(view?.suggestions[0]?.userId).toBe(second.id); // same discipline and region as the member
    expect(view?.suggestions[0]?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(["discipline", "topic"]));
    // The admin holds every role; an admin sees it as a coordinator does.
    expect((await assignmentView(t.db, viewer(p.admin, ["admin"]), openId, "seed"))?.suggestions.length).toBe(view?.suggestions.length);
  });

  test("a mentor at capacity, paused, or the member themselves: clear 4xx, nothing saved", async () => {
    const before = await countRequests();
    expect(await assignRequest(s, coordinator(), openId, full.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "mentoring.errors.db.mentor_full",
    });
    expect(await assignRequest(s, coordinator(), openId, p.pausedMentor.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "mentoring.errors.db.mentor_paused",
    });
    expect(await assignRequest(s, coordinator(), openId, mentee.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "mentoring.errors.db.not_yourself",
    });
    expect(await assignRequest(s, coordinator(), openId, p.member.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "mentoring.errors.db.not_a_mentor",
    });
    expect(await assignRequest(s, coordinator(), openId, first.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "mentoring.errors.db.same_mentor",
    });
    expect(await countRequests()).toBe(before);
    expect(await statusOf(openId)).toBe("pending");
  });

  test("assigning: the old request is closed as assigned, a new one goes to the chosen mentor, audited, with its jobs and notices", async () => {
    const outcome = await assignRequest(s, coordinator(), openId, second.id);
    if (!outcome.ok) throw new Error(outcome.formError);
    assignedId = outcome.id;
    expect(await statusOf(openId)).toBe("assigned");
    const row = await system((tx) =>
      tx.selectFrom("mentoring_requests").selectAll().where("id", "=", assignedId).executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({
      mentee_id: mentee.id,
      mentor_id: second.id,
      status: "pending",
      assigned_by: p.coordinator.id,
      goals: ask.goals,
    });
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select(["actor_id", "details"])
        .where("action", "=", "mentoring.request_assigned")
        .where("target_id", "=", assignedId)
        .execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: p.coordinator.id, details: { request: openId, user_id: second.id } });
    const jobs = await system((tx) => tx.selectFrom("jobs").select("type").where("key", "like", `%${assignedId}`).execute());
    expect(jobs.map((j) => j.type).sort()).toEqual(["mentoring.request-expire", "mentoring.request-remind"]);
    const told = await system((tx) =>
      tx.selectFrom("notifications").select(["user_id", "kind"]).where("user_id", "in", [mentee.id, second.id]).execute(),
    );
    expect(told).toEqual(
      expect.arrayContaining([
        { user_id: second.id, kind: "mentoring.request" },
        { user_id: mentee.id, kind: "mentoring.assigned" },
      ]),
    );
    expect(await requestsSeenBy(mentee.claims)).toEqual(expect.arrayContaining([openId, assignedId]));
    expect(await requestsSeenBy(other.claims)).not.toContain(assignedId);
    // Not open any more: a second assignment of the same request is refused.
    expect(await assignRequest(s, coordinator(), openId, full.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "mentoring.errors.db.request_closed",
    });
  });

  test("the chosen mentor accepts: the pairing opens with a direct conversation of the two, closed to anyone else", async () => {
    const accepted = await answerRequest(s, viewer(second, ["mentor"]), "accept", assignedId);
    if (!accepted.ok || !accepted.pairingId) throw new Error("not accepted");
    newPairing = accepted.pairingId;
    const ws = await getWorkspace(t.db, viewer(mentee), newPairing);
    const conversationId = ws?.pairing.conversation_id ?? "";
    expect(conversationId).not.toBe("");
    const members = await system((tx) =>
      tx.selectFrom("conversation_members").select("user_id").where("conversation_id", "=", conversationId).execute(),
    );
    expect(members.map((m) => m.user_id).sort()).toEqual([mentee.id, second.id].sort());
    const sees = (claims: Claims) =>
      as(claims, (tx) => tx.selectFrom("conversations").select("id").where("id", "=", conversationId).execute()).then((r) => r.length);
    expect(await sees(mentee.claims)).toBe(1);
    expect(await sees(second.claims)).toBe(1);
    for (const who of [p.coordinator, p.admin, other, first]) expect(await sees(who.claims)).toBe(0);
    // The link is set once, to that conversation only.
    await expect(
      as(mentee.claims, (tx) => tx.updateTable("mentoring_pairings").set({ conversation_id: null }).where("id", "=", newPairing).execute()),
    ).rejects.toThrow(/mentoring_pairing_fixed/);
  });

  test("sessions: reminders through the queue, once; a move sends the same UID with a higher SEQUENCE; a cancel sends METHOD:CANCEL", async () => {
    const mentor = viewer(second, ["mentor"]);
    const parse = (ics: string) => {
      const cal = new ICAL.Component(ICAL.parse(ics));
      const vevent = cal.getFirstSubcomponent("vevent");
      if (!vevent) throw new Error("no VEVENT");
      return {
        method: cal.getFirstPropertyValue("method"),
        event: new ICAL.Event(vevent),
        status: vevent.getFirstPropertyValue("status"),
        sequence: vevent.getFirstPropertyValue("sequence"),
      };
    };
    const created = await scheduleSession(s, mentor, newPairing, {
      date: "2099-06-10",
      start: "14:00",
      end: "15:00",
      modality: "video",
    });
    if (!created.ok) throw new Error(created.formError);
    const reminders = () =>
      system((tx) =>
        tx
          .selectFrom("jobs")
          .select(["key", "state", "run_at"])
          .where("type", "=", SESSION_REMINDER_JOB)
          .where("key", "like", `%${created.id}%`)
          .orderBy("id")
          .execute(),
      );
    expect((await reminders()).map((j) => [(j.key ?? "").split(":").slice(2, 3)[0], j.state])).toEqual([
      ["1d", "queued"],
      ["1h", "queued"],
    ]);
    // Run the day-before reminder now, through the queue: both people get it; a second run sends nothing.
    await system((tx) =>
      tx
        .updateTable("jobs")
        .set({ run_at: new Date(Date.now() - 1000) })
        .where("type", "=", SESSION_REMINDER_JOB)
        .where("key", "like", `%${created.id}:1d:%`)
        .execute(),
    );
    expect(await s.jobs.runDue()).toBeGreaterThanOrEqual(1);
    const reminded = () =>
      system((tx) => tx.selectFrom("outbox").select(["to_email", "subject"]).where("kind", "=", "mentoring.session-reminder").execute());
    expect((await reminded()).map((m) => m.to_email).sort()).toEqual([mentee.email, second.email].sort());
    expect((await reminded())[0]?.subject).toContain("demain");
    expect(
      await sendSessionReminder(
        { db: t.db, mail: s.mail, publicUrl: s.env.publicUrl },
        { sessionId: created.id, reminder: "1d", startsAt: "2099-06-10T18:00:00.000Z" },
      ),
    ).toBe("skipped");
    expect(await reminded()).toHaveLength(2);

    // Moving: refused for a stranger, into the past, or onto the mentor's other session; then moved.
    expect(
      await rescheduleSession(s, viewer(other), newPairing, { sessionId: created.id, date: "2099-06-11", start: "15:00", end: "16:00" }),
    ).toMatchObject({ ok: false, status: 404 });
    expect(
      await rescheduleSession(s, mentor, newPairing, { sessionId: created.id, date: "2020-06-11", start: "15:00", end: "16:00" }),
    ).toMatchObject({ ok: false, status: 400 });
    const second2 = await scheduleSession(s, viewer(mentee), newPairing, {
      date: "2099-06-12",
      start: "09:00",
      end: "10:00",
      modality: "phone",
    });
    expect(second2.ok).toBe(true);
    expect(
      await rescheduleSession(s, mentor, newPairing, { sessionId: created.id, date: "2099-06-12", start: "09:30", end: "10:30" }),
    ).toMatchObject({ ok: false, status: 409, formError: "mentoring.errors.db.session_overlap" });
    expect(
      await rescheduleSession(s, viewer(mentee), newPairing, {
        sessionId: created.id,
        date: "2099-06-11",
        start: "15:00",
        end: "16:30",
      }),
    ).toEqual({ ok: true });
    const moved = await system((tx) =>
      tx.selectFrom("outbox").select(["to_email", "attachments"]).where("kind", "=", "mentoring.session-moved").execute(),
    );
    expect(moved.map((m) => m.to_email).sort()).toEqual([mentee.email, second.email].sort());
    const update = parse(moved[0]?.attachments[0]?.content ?? "");
    expect(update.method).toBe("REQUEST");
    expect(update.event.uid).toBe(`mentoring-session-${created.id}@passerelle.example`);
    expect(update.sequence).toBe(1);
    expect(update.event.startDate.toJSDate().toISOString()).toBe("2099-06-11T19:00:00.000Z");
    expect(update.event.endDate.toJSDate().toISOString()).toBe("2099-06-11T20:30:00.000Z");
    // The old reminders are cancelled, new ones wait for the new start; the old start sends nothing.
    const after = await reminders();
    expect(after.filter((j) => j.state === "queued").map((j) => (j.key ?? "").endsWith("2099-06-11T19:00:00.000Z"))).toEqual([true, true]);
    expect(
      await sendSessionReminder(
        { db: t.db, mail: s.mail, publicUrl: s.env.publicUrl },
        { sessionId: created.id, reminder: "1h", startsAt: "2099-06-10T18:00:00.000Z" },
      ),
    ).toBe("skipped");

    // Cancelling: refused without the confirmation at the form level (route), refused to a stranger; then cancelled.
    expect(await cancelSession(s, viewer(other), newPairing, created.id)).toMatchObject({ ok: false, status: 404 });
    expect(await cancelSession(s, mentor, newPairing, created.id)).toEqual({ ok: true });
    const cancelled = await system((tx) =>
      tx.selectFrom("outbox").select(["to_email", "attachments"]).where("kind", "=", "mentoring.session-cancelled").execute(),
    );
    expect(cancelled).toHaveLength(2);
    const cancel = parse(cancelled[0]?.attachments[0]?.content ?? "");
    expect(cancel).toMatchObject({ method: "CANCEL", status: "CANCELLED", sequence: 2 });
    expect(cancel.event.uid).toBe(update.event.uid);
    expect((await reminders()).filter((j) => j.state === "queued")).toEqual([]);
    expect(
      await sendSessionReminder(
        { db: t.db, mail: s.mail, publicUrl: s.env.publicUrl },
        { sessionId: created.id, reminder: "1h", startsAt: "2099-06-11T19:00:00.000Z" },
      ),
    ).toBe("skipped");
    expect(
      await rescheduleSession(s, mentor, newPairing, { sessionId: created.id, date: "2099-06-13", start: "15:00", end: "16:00" }),
    ).toMatchObject({ ok: false, status: 409, formError: "mentoring.errors.db.session_cancelled" });
    await expect(
      as(second.claims, (tx) => tx.updateTable("mentoring_sessions").set({ status: "scheduled" }).where("id", "=", created.id).execute()),
    ).rejects.toThrow(/mentoring_session_cancelled/);
    // The cancelled slot is free again.
    expect((await scheduleSession(s, mentor, newPairing, { date: "2099-06-11", start: "15:00", end: "16:00", modality: "video" })).ok).toBe(
      true,
    );
    // A stranger sees none of these sessions.
    for (const who of [other, p.coordinator, p.admin]) {
      expect(
        await as(who.claims, (tx) => tx.selectFrom("mentoring_sessions").select("id").where("pairing_id", "=", newPairing).execute()),
      ).toEqual([]);
    }
  });

  test("a session from 23:30 to 00:30 (Toronto) is saved with the box, shown ticked, and moved", async () => {
    const mentor = viewer(second, ["mentor"]);
    // As the form posts it: without the box the same times are an end before the start.
    const form = { intent: "session", date: "2099-07-20", start: "23:30", end: "00:30", modality: "video" };
    expect(sessionSchema.safeParse(form).error?.flatten().fieldErrors).toEqual({ end: ["localTime.errors.endBeforeStart"] });
    // Longer than the table's 8 hours: refused on the end, nothing saved.
    expect(sessionSchema.safeParse({ ...form, start: "16:00", endsNextDay: "on" }).error?.flatten().fieldErrors).toEqual({
      end: ["mentoring.errors.sessionTooLong"],
    });
    const input = sessionSchema.parse({ ...form, endsNextDay: "on" });
    const created = await scheduleSession(s, mentor, newPairing, input);
    if (!created.ok) throw new Error(created.formError);
    const stored = () =>
      system((tx) =>
        tx.selectFrom("mentoring_sessions").select(["starts_at", "ends_at"]).where("id", "=", created.id).executeTakeFirstOrThrow(),
      );
    let row = await stored();
    // 23:30 EDT is 03:30 UTC the next day; one hour.
    expect(new Date(row.starts_at).toISOString()).toBe("2099-07-21T03:30:00.000Z");
    expect(new Date(row.ends_at).toISOString()).toBe("2099-07-21T04:30:00.000Z");

    // The move form starts ticked, so sending it unchanged works; then it moves to 23:45 → 00:15.
    const ws = await getWorkspace(t.db, mentor, newPairing);
    const session = ws?.sessions.find((x) => x.id === created.id);
    if (!session) throw new Error("session not listed");
    const defaults = localIntervalDefaults(session.starts_at, session.ends_at);
    expect(defaults).toEqual({ date: "2099-07-20", start: "23:30", end: "00:30", endsNextDay: "on" });
    const unchanged = rescheduleSchema.parse({ intent: "reschedule", sessionId: created.id, ...defaults });
    expect(await rescheduleSession(s, mentor, newPairing, unchanged)).toEqual({ ok: true });
    const moved = rescheduleSchema.parse({ intent: "reschedule", sessionId: created.id, ...defaults, start: "23:45", end: "00:15" });
    expect(await rescheduleSession(s, viewer(mentee), newPairing, moved)).toEqual({ ok: true });
    row = await stored();
    expect(new Date(row.starts_at).toISOString()).toBe("2099-07-21T03:45:00.000Z");
    expect(new Date(row.ends_at).toISOString()).toBe("2099-07-21T04:15:00.000Z");
    // Unticked by hand, the move is refused on the end and the session stays where it was.
    expect(
      await rescheduleSession(s, mentor, newPairing, { sessionId: created.id, date: "2099-07-20", start: "23:50", end: "00:20" }),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { end: ["localTime.errors.endBeforeStart"] },
    });
    expect(new Date((await stored()).starts_at).toISOString()).toBe("2099-07-21T03:45:00.000Z");
  });
});
