// Mentorship and supervision (decision 013): mentor profiles, suggestions, requests,
// the pair's workspace, ending and attestations, the coordinator's figures. Every read
// and write on behalf of a person runs in db.withUser (RLS decides, rule 1); the
// guards here give clear answers first (rule 3). Notifications, mail and jobs go on
// the system path after the person's change committed (rule 2).
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { issueAttestation, type Attestation } from "~/modules/attestations/attestations.server";
import { openDirectConversation } from "~/modules/chat/chat.server";
import {
  assertNoIdentifiersAmong,
  type ColleagueNames,
  type FieldErrors,
  type GuardFinding,
} from "~/modules/identifier-guard/guard.server";
import type { JobQueue } from "~/modules/jobs/queue.server";
import { createNotifications, publishNotifications } from "~/modules/notifications/notifications.server";
import type { RealtimeBridge } from "~/utils/context";
import type { Database, SystemTx, Tx } from "~/utils/db.server";
import type { Env } from "~/utils/env.server";
import { formatDate, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import { localInterval, type LocalInterval } from "~/utils/local-time";
import type { Mailer } from "~/utils/mail.server";
import { dbErrorFacts, SQLSTATE } from "~/utils/outcome";
import { sessionInvitation } from "./ics.server";
import { rankMentors, type MentorCandidate, type Suggestion } from "./matching";
import {
  REQUEST_EXPIRE_DAYS,
  type REQUEST_LANGUAGES,
  REQUEST_REMIND_DAYS,
  SESSION_INTERVAL,
  type AskInput,
  type MentorProfileInput,
} from "./schemas";

export type Outcome<T = unknown> =
  ({ ok: true } & T) | { ok: false; status: number; formError?: string; fieldErrors?: FieldErrors; findings?: GuardFinding[] };
const refused = (status: number, formError: string, fieldErrors?: FieldErrors): Outcome<never> => ({
  ok: false,
  status,
  formError,
  fieldErrors,
});

export interface Services {
  db: Database;
  jobs: JobQueue;
  mail: Mailer;
  env: Env;
  realtime?: Pick<RealtimeBridge, "emitToUsers">;
}

/**
 * mentoring_* tokens raised by the database's own checks → the message key shown to the
 * person. Read from the error's stable facts (the raised token, the constraint, the
 * SQLSTATE), never from its wording.
 */
function databaseRefusal(error: unknown): Outcome<never> | null {
  const facts = dbErrorFacts(error);
  if (!facts) return null;
  const token = facts.token?.startsWith("mentoring_") ? facts.token.slice("mentoring_".length) : null;
  if (token) return refused(token === "request_not_found" ? 404 : token === "coordinator_only" ? 403 : 409, `mentoring.errors.db.${token}`);
  if (facts.constraint === "mentoring_requests_open_idx" || facts.code === SQLSTATE.uniqueViolation)
    return refused(409, "mentoring.errors.db.request_open");
  if (facts.code === SQLSTATE.insufficientPrivilege) return refused(403, "mentoring.errors.forbidden");
  return null;
}
async function guarded<T>(fn: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await fn();
  } catch (error) {
    const known = databaseRefusal(error);
    if (known) return known;
    throw error;
  }
}

export const isMentor = (viewer: Viewer) => viewer.roles.includes("mentor") || viewer.roles.includes("admin");
export const isCoordinator = (viewer: Viewer) => viewer.roles.includes("coordinator") || viewer.roles.includes("admin");

export interface Person {
  id: string;
  display_name: string;
  discipline: string;
  region_code: string;
  languages: string[];
}
async function peopleOf(tx: Tx, ids: string[]): Promise<Map<string, Person>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<Person>`select * from public.mentoring_people(${sql.val([...new Set(ids)])}::uuid[])`.execute(tx);
  return new Map(rows.map((r) => [r.id, r]));
}
/**
 * For the guard's colleague-name exemption: a pairing's text is written between its
 * mentor and mentee ("Merci Sophie pour la rencontre"); a request's, between the member
 * and the mentor asked. Their names are not patients'. Looked up only when a name is found.
 */
const pairingColleagues =
  (db: Database, viewer: Viewer, pairingId: string): ColleagueNames =>
  () =>
    db.withUser(
      viewer.claims,
      async (tx) => {
        const pairing = await tx
          .selectFrom("mentoring_pairings")
          .select(["mentor_id", "mentee_id"])
          .where("id", "=", pairingId)
          .executeTakeFirst();
        return pairing ? [...(await peopleOf(tx, [pairing.mentor_id, pairing.mentee_id])).values()].map((p) => p.display_name) : [];
      },
      { readOnly: true },
    );
const requestColleagues =
  (db: Database, viewer: Viewer, mentorId: string): ColleagueNames =>
  () =>
    db.withUser(viewer.claims, async (tx) => [...(await peopleOf(tx, [viewer.id, mentorId])).values()].map((p) => p.display_name), {
      readOnly: true,
    });

async function loadOf(tx: Tx, mentorId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select public.mentor_load(${mentorId}::uuid) as n`.execute(tx);
  return Number(rows[0]?.n ?? 0);
}

// ── Mentor profiles ─────────────────────────────────────────────────────────────
export async function getMentorProfile(db: Database, viewer: Viewer, userId: string) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const profile = await tx.selectFrom("mentor_profiles").selectAll().where("user_id", "=", userId).executeTakeFirst();
      if (!profile) return null;
      const person = (await peopleOf(tx, [userId])).get(userId);
      if (!person) return null;
      return { ...profile, person, load: await loadOf(tx, userId) };
    },
    { readOnly: true },
  );
}

export async function saveMentorProfile(db: Database, viewer: Viewer, input: MentorProfileInput): Promise<Outcome> {
  if (!isMentor(viewer)) return refused(403, "mentoring.errors.mentorOnly");
  return guarded(async () => {
    const load = await db.withUser(viewer.claims, (tx) => loadOf(tx, viewer.id));
    if (input.capacity < load)
      return refused(400, "mentoring.errors.db.capacity_below_load", { capacity: ["mentoring.errors.db.capacity_below_load"] });
    const values = {
      topics: input.topics,
      disciplines: input.disciplines,
      regions: input.regions,
      languages: input.languages,
      capacity: input.capacity,
      modalities: input.modalities,
      availability: input.availability,
      bio: input.bio,
      accepting: input.accepting,
      matching_opt_in: input.matchingOptIn,
    };
    await db.withUser(viewer.claims, (tx) =>
      tx
        .insertInto("mentor_profiles")
        .values({ user_id: viewer.id, ...values })
        .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
        .execute(),
    );
    return { ok: true };
  });
}

// ── Suggestions ─────────────────────────────────────────────────────────────────
export interface SuggestedMentor extends Suggestion {
  name: string;
  discipline: string;
  region: string;
  bio: string;
  free: number;
}

export async function suggestMentors(db: Database, viewer: Viewer, ask: AskInput, seed: string): Promise<SuggestedMentor[]> {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const me = (await peopleOf(tx, [viewer.id])).get(viewer.id);
      return rankFor(tx, { id: viewer.id, region: me?.region_code ?? "", discipline: ask.discipline ?? me?.discipline ?? "" }, ask, seed);
    },
    { readOnly: true },
  );
}

/** The matching for one member (asking themselves, or a coordinator for them), with what the page shows. */
async function rankFor(
  tx: Tx,
  member: { id: string; region: string; discipline: string },
  ask: Omit<AskInput, "discipline">,
  seed: string,
  exclude: string[] = [],
): Promise<SuggestedMentor[]> {
  let query = tx
    .selectFrom("mentor_profiles")
    .selectAll()
    .where("matching_opt_in", "=", true)
    .where("accepting", "=", true)
    .where("user_id", "<>", member.id);
  if (exclude.length) query = query.where("user_id", "not in", exclude);
  const rows = await query.limit(500).execute();
  const people = await peopleOf(
    tx,
    rows.map((r) => r.user_id),
  );
  const loads = new Map<string, number>();
  if (rows.length) {
    const { rows: l } = await sql<{
      id: string;
      n: number;
    }>`select id, public.mentor_load(id) as n from unnest(${sql.val(rows.map((r) => r.user_id))}::uuid[]) as id`.execute(tx);
    for (const r of l) loads.set(r.id, Number(r.n));
  }
  const candidates: MentorCandidate[] = rows
    .filter((r) => people.has(r.user_id))
    .map((r) => ({
      userId: r.user_id,
      topics: r.topics,
      disciplines: r.disciplines,
      regions: r.regions,
      homeRegion: people.get(r.user_id)?.region_code ?? "",
      languages: r.languages,
      modalities: r.modalities,
      capacity: r.capacity,
      load: loads.get(r.user_id) ?? 0,
      accepting: r.accepting,
      matchingOptIn: r.matching_opt_in,
    }));
  const ranked = rankMentors(
    {
      memberId: member.id,
      memberRegion: member.region,
      topics: ask.topics,
      discipline: member.discipline,
      language: ask.language,
      modality: ask.modality,
      sameRegion: ask.region === "same",
      seed,
    },
    candidates,
  );
  return ranked.map((s) => {
    const p = people.get(s.userId);
    const r = rows.find((x) => x.user_id === s.userId);
    return {
      ...s,
      name: p?.display_name ?? "",
      discipline: p?.discipline ?? "",
      region: p?.region_code ?? "",
      bio: r?.bio ?? "",
      free: (r?.capacity ?? 0) - (loads.get(s.userId) ?? 0),
    };
  });
}

// ── Requests ────────────────────────────────────────────────────────────────────
async function notify(
  services: { db: Database; realtime?: Services["realtime"] },
  items: Array<{ userId: string; kind: string; url: string; actorName: string; title?: string }>,
) {
  const created = await services.db.asSystem("mentoring: notify", (tx) =>
    createNotifications(
      tx,
      items.map((i) => ({
        userId: i.userId,
        kind: i.kind,
        payload: { url: i.url, actorName: i.actorName, title: i.title ?? "" },
      })),
    ),
  );
  // Jobs have no live connection to publish on: the bell catches up on the next page.
  if (services.realtime) await publishNotifications(services.db, services.realtime, created);
}

export async function createRequest(
  services: Services,
  viewer: Viewer,
  mentorId: string,
  input: {
    topics: string[];
    goals: string;
    modality: "video" | "phone" | "chat";
    language: (typeof REQUEST_LANGUAGES)[number];
    coordinationOk?: boolean;
  },
): Promise<Outcome<{ id: string }>> {
  if (!viewer.verified) return refused(403, "mentoring.errors.verifiedOnly");
  if (mentorId === viewer.id) return refused(400, "mentoring.errors.notYourself");
  const guard = await assertNoIdentifiersAmong({ goals: input.goals }, undefined, [], requestColleagues(services.db, viewer, mentorId));
  if (!guard.ok) return { ok: false, status: 400, formError: guard.formError, fieldErrors: guard.fieldErrors, findings: guard.findings };
  return guarded(async () => {
    const id = await services.db.withUser(viewer.claims, async (tx) => {
      const row = await tx
        .insertInto("mentoring_requests")
        .values({
          mentee_id: viewer.id,
          mentor_id: mentorId,
          topics: input.topics,
          goals: input.goals,
          modality: input.modality,
          language: input.language,
          expires_at: new Date(Date.now() + REQUEST_EXPIRE_DAYS * 86_400_000),
          coordination_ok: input.coordinationOk ?? false,
        })
        .returning(["id", "expires_at"])
        .executeTakeFirstOrThrow();
      return row.id;
    });
    await scheduleRequestJobs(services.jobs, id, new Date());
    await notify(services, [{ userId: mentorId, kind: "mentoring.request", url: "/mentoring", actorName: viewer.displayName }]);
    return { ok: true, id };
  });
}

export const REQUEST_REMIND_JOB = "mentoring.request-remind";
export const REQUEST_EXPIRE_JOB = "mentoring.request-expire";
export async function scheduleRequestJobs(jobs: JobQueue, requestId: string, createdAt: Date) {
  await jobs.schedule({
    type: REQUEST_REMIND_JOB,
    payload: { requestId },
    key: `${REQUEST_REMIND_JOB}:${requestId}`,
    runAt: new Date(createdAt.getTime() + REQUEST_REMIND_DAYS * 86_400_000),
  });
  await jobs.schedule({
    type: REQUEST_EXPIRE_JOB,
    payload: { requestId },
    key: `${REQUEST_EXPIRE_JOB}:${requestId}`,
    runAt: new Date(createdAt.getTime() + REQUEST_EXPIRE_DAYS * 86_400_000),
  });
}

/** Job: the mentor has not answered yet; remind once (nothing when already answered). */
export async function remindRequest(services: { db: Database; realtime?: Services["realtime"] }, requestId: string): Promise<boolean> {
  const r = await services.db.asSystem("mentoring: request to remind", (tx) =>
    tx
      .selectFrom("mentoring_requests")
      .innerJoin("profiles", "profiles.id", "mentoring_requests.mentee_id")
      .select(["mentoring_requests.mentor_id", "mentoring_requests.status", "profiles.display_name"])
      .where("mentoring_requests.id", "=", requestId)
      .executeTakeFirst(),
  );
  if (!r || r.status !== "pending") return false;
  await notify(services, [{ userId: r.mentor_id, kind: "mentoring.reminder", url: "/mentoring", actorName: r.display_name }]);
  return true;
}

/** Job: past its deadline and still unanswered → expired; the member is told and offered other mentors. */
export async function expireRequest(
  services: { db: Database; realtime?: Services["realtime"] },
  requestId: string,
  now = new Date(),
): Promise<boolean> {
  const expired = await services.db.asSystem("mentoring: expire request", (tx) =>
    tx
      .updateTable("mentoring_requests")
      .set({ status: "expired" })
      .where("id", "=", requestId)
      .where("status", "=", "pending")
      .where("expires_at", "<=", now)
      .returning(["mentee_id", "mentor_id", "topics"])
      .executeTakeFirst(),
  );
  if (!expired) return false;
  const mentor = await services.db.asSystem("mentoring: mentor name", (tx) =>
    tx.selectFrom("profiles").select("display_name").where("id", "=", expired.mentor_id).executeTakeFirst(),
  );
  const again = `/mentoring?${expired.topics.map((t) => `topics=${encodeURIComponent(t)}`).join("&")}#suggestions`;
  await notify(services, [{ userId: expired.mentee_id, kind: "mentoring.expired", url: again, actorName: mentor?.display_name ?? "" }]);
  return true;
}

export async function answerRequest(
  services: Services,
  viewer: Viewer,
  intent: "accept" | "decline" | "withdraw",
  requestId: string,
): Promise<Outcome<{ pairingId?: string }>> {
  return guarded(async () => {
    const request = await services.db.withUser(viewer.claims, (tx) =>
      tx.selectFrom("mentoring_requests").selectAll().where("id", "=", requestId).executeTakeFirst(),
    );
    if (!request) return refused(404, "mentoring.errors.db.request_not_found");
    if (intent === "withdraw" ? request.mentee_id !== viewer.id : request.mentor_id !== viewer.id)
      return refused(403, "mentoring.errors.forbidden");
    if (request.status !== "pending") return refused(409, "mentoring.errors.db.request_closed");
    if (intent !== "withdraw" && new Date(request.expires_at) <= new Date()) return refused(409, "mentoring.errors.db.request_expired");
    if (intent === "accept") {
      const pairingId = await services.db.withUser(
        viewer.claims,
        async (tx) =>
          (await sql<{ id: string }>`select public.accept_mentoring_request(${requestId}::uuid) as id`.execute(tx)).rows[0]?.id ?? "",
      );
      // The pair's conversation opens with the pairing; if chat refuses now, the workspace offers to open it.
      await ensurePairConversation(services.db, viewer, pairingId);
      await notify(services, [
        { userId: request.mentee_id, kind: "mentoring.accepted", url: `/mentoring/pairings/${pairingId}`, actorName: viewer.displayName },
      ]);
      return { ok: true, pairingId };
    }
    const status = intent === "decline" ? "declined" : "withdrawn";
    await services.db.withUser(viewer.claims, (tx) =>
      tx.updateTable("mentoring_requests").set({ status }).where("id", "=", requestId).where("status", "=", "pending").execute(),
    );
    if (intent === "decline") {
      const again = `/mentoring?${request.topics.map((t) => `topics=${encodeURIComponent(t)}`).join("&")}#suggestions`;
      await notify(services, [{ userId: request.mentee_id, kind: "mentoring.declined", url: again, actorName: viewer.displayName }]);
    }
    return { ok: true };
  });
}

export async function myMentoring(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const requests = await tx
        .selectFrom("mentoring_requests")
        .selectAll()
        .where((eb) => eb.or([eb("mentee_id", "=", viewer.id), eb("mentor_id", "=", viewer.id)]))
        .orderBy("created_at", "desc")
        .limit(100)
        .execute();
      const pairings = await tx
        .selectFrom("mentoring_pairings")
        .select(["id", "mentor_id", "mentee_id", "status", "started_at", "ended_at"])
        .orderBy("started_at", "desc")
        .limit(100)
        .execute();
      const people = await peopleOf(tx, [
        ...requests.flatMap((r) => [r.mentee_id, r.mentor_id]),
        ...pairings.flatMap((p) => [p.mentor_id, p.mentee_id]),
      ]);
      const mentorProfile = await tx.selectFrom("mentor_profiles").selectAll().where("user_id", "=", viewer.id).executeTakeFirst();
      const name = (id: string) => people.get(id)?.display_name ?? "";
      return {
        incoming: requests.filter((r) => r.mentor_id === viewer.id).map((r) => ({ ...r, mentee: name(r.mentee_id) })),
        outgoing: requests.filter((r) => r.mentee_id === viewer.id).map((r) => ({ ...r, mentor: name(r.mentor_id) })),
        pairings: pairings.map((p) => ({
          ...p,
          mentor: name(p.mentor_id),
          mentee: name(p.mentee_id),
          role: p.mentor_id === viewer.id ? ("mentor" as const) : ("mentee" as const),
        })),
        mentorProfile: mentorProfile ?? null,
        me: people.get(viewer.id) ?? null,
      };
    },
    { readOnly: true },
  );
}

// ── The workspace ───────────────────────────────────────────────────────────────
export async function getWorkspace(db: Database, viewer: Viewer, pairingId: string) {
  return db.withUser(viewer.claims, async (tx) => {
    const pairing = await tx.selectFrom("mentoring_pairings").selectAll().where("id", "=", pairingId).executeTakeFirst();
    if (!pairing) return null;
    const [goals, sessions, notes, assessment, people] = await Promise.all([
      tx.selectFrom("mentoring_goals").selectAll().where("pairing_id", "=", pairingId).orderBy("created_at").execute(),
      tx.selectFrom("mentoring_sessions").selectAll().where("pairing_id", "=", pairingId).orderBy("starts_at").execute(),
      tx.selectFrom("mentoring_notes").selectAll().where("pairing_id", "=", pairingId).orderBy("created_at").execute(),
      tx
        .selectFrom("mentoring_assessments")
        .selectAll()
        .where("pairing_id", "=", pairingId)
        .where("author_id", "=", viewer.id)
        .executeTakeFirst(),
      peopleOf(tx, [pairing.mentor_id, pairing.mentee_id]),
    ]);
    return {
      pairing,
      goals,
      sessions,
      notes,
      assessment: assessment ?? null,
      mentor: people.get(pairing.mentor_id)?.display_name ?? "",
      mentee: people.get(pairing.mentee_id)?.display_name ?? "",
      role: pairing.mentor_id === viewer.id ? ("mentor" as const) : ("mentee" as const),
      heldHours: heldHours(sessions),
    };
  });
}

/** Sessions that took place: those with a log written after them. */
export function heldHours(sessions: Array<{ starts_at: Date | string; ends_at: Date | string; log: string; status?: string }>): number {
  const ms = sessions
    .filter((s) => s.log.trim() !== "" && s.status !== "cancelled")
    .reduce((sum, s) => sum + (new Date(s.ends_at).getTime() - new Date(s.starts_at).getTime()), 0);
  return Math.round((ms / 3_600_000) * 100) / 100;
}

type Workspace = NonNullable<Awaited<ReturnType<typeof getWorkspace>>>;
async function requireActive(db: Database, viewer: Viewer, pairingId: string): Promise<Workspace | Outcome<never>> {
  const ws = await getWorkspace(db, viewer, pairingId);
  if (!ws) return refused(404, "mentoring.errors.notFound");
  if (ws.pairing.status !== "active") return refused(409, "mentoring.errors.db.pairing_ended");
  return ws;
}
const isOutcome = (v: unknown): v is Outcome<never> => typeof v === "object" && v !== null && "ok" in v;

export async function saveAgreement(
  db: Database,
  viewer: Viewer,
  pairingId: string,
  input: { goals: string; frequency: string; duration: string; confidentiality: string },
): Promise<Outcome> {
  const guard = await assertNoIdentifiersAmong({ goals: input.goals }, undefined, [], pairingColleagues(db, viewer, pairingId));
  if (!guard.ok) return { ok: false, status: 400, formError: guard.formError, fieldErrors: guard.fieldErrors, findings: guard.findings };
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    await db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("mentoring_pairings")
        .set({
          agreement_goals: input.goals,
          agreement_frequency: input.frequency,
          agreement_duration: input.duration,
          agreement_confidentiality: input.confidentiality,
        })
        .where("id", "=", pairingId)
        .execute(),
    );
    return { ok: true };
  });
}

export async function confirmAgreement(db: Database, viewer: Viewer, pairingId: string): Promise<Outcome> {
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    if (!ws.pairing.agreement_frequency || !ws.pairing.agreement_confidentiality)
      return refused(400, "mentoring.errors.agreementIncomplete");
    const column = ws.role === "mentor" ? "mentor_confirmed_at" : "mentee_confirmed_at";
    await db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("mentoring_pairings")
        .set({ [column]: new Date() })
        .where("id", "=", pairingId)
        .execute(),
    );
    return { ok: true };
  });
}

export async function addGoal(db: Database, viewer: Viewer, pairingId: string, title: string): Promise<Outcome> {
  const guard = await assertNoIdentifiersAmong({ title }, undefined, [], pairingColleagues(db, viewer, pairingId));
  if (!guard.ok) return { ok: false, status: 400, formError: guard.formError, fieldErrors: guard.fieldErrors, findings: guard.findings };
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    await db.withUser(viewer.claims, (tx) => tx.insertInto("mentoring_goals").values({ pairing_id: pairingId, title }).execute());
    return { ok: true };
  });
}

export async function updateGoal(
  db: Database,
  viewer: Viewer,
  pairingId: string,
  input: { goalId: string; progress: number; comment: string },
): Promise<Outcome> {
  const guard = await assertNoIdentifiersAmong({ comment: input.comment }, undefined, [], pairingColleagues(db, viewer, pairingId));
  if (!guard.ok) return { ok: false, status: 400, formError: guard.formError, fieldErrors: guard.fieldErrors, findings: guard.findings };
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    const done = await db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("mentoring_goals")
        .set({ progress: input.progress, comment: input.comment, updated_at: new Date() })
        .where("id", "=", input.goalId)
        .where("pairing_id", "=", pairingId)
        .executeTakeFirst(),
    );
    return Number(done.numUpdatedRows) ? { ok: true } : refused(404, "mentoring.errors.notFound");
  });
}

export async function addNote(
  db: Database,
  viewer: Viewer,
  pairingId: string,
  input: { visibility: "shared" | "private"; body: string },
): Promise<Outcome> {
  const guard = await assertNoIdentifiersAmong({ body: input.body }, undefined, [], pairingColleagues(db, viewer, pairingId));
  if (!guard.ok) return { ok: false, status: 400, formError: guard.formError, fieldErrors: guard.fieldErrors, findings: guard.findings };
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    if (input.visibility === "private" && ws.role !== "mentor") return refused(403, "mentoring.errors.db.private_note_mentor_only");
    await db.withUser(viewer.claims, (tx) =>
      tx.insertInto("mentoring_notes").values({ pairing_id: pairingId, visibility: input.visibility, body: input.body }).execute(),
    );
    return { ok: true };
  });
}

/**
 * The session form's local date and times in Toronto → its interval (decision 032): the
 * same refusals as the contract (a session may end after midnight, 8 h at most), and none in the past.
 */
function sessionInterval(input: LocalInterval): Outcome<{ startsAt: Date; endsAt: Date }> {
  const when = localInterval(input, SESSION_INTERVAL);
  if (!when.ok) return refused(400, when.message, { [when.field]: [when.message] });
  if (when.startsAt.getTime() <= Date.now())
    return refused(400, "mentoring.errors.db.session_past", { date: ["mentoring.errors.db.session_past"] });
  return { ok: true, startsAt: when.startsAt, endsAt: when.endsAt };
}

export async function scheduleSession(
  services: Services,
  viewer: Viewer,
  pairingId: string,
  input: LocalInterval & { modality: "video" | "phone" | "chat" },
): Promise<Outcome<{ id: string }>> {
  const when = sessionInterval(input);
  if (!when.ok) return when;
  const { startsAt, endsAt } = when;
  return guarded(async () => {
    const ws = await requireActive(services.db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    const session = await services.db.withUser(viewer.claims, (tx) =>
      tx
        .insertInto("mentoring_sessions")
        .values({
          pairing_id: pairingId,
          starts_at: startsAt,
          ends_at: endsAt,
          modality: input.modality,
        })
        .returning(["id", "ics_sequence"])
        .executeTakeFirstOrThrow(),
    );
    await services.db.asSystem("mentoring: session reminders", (tx) =>
      scheduleSessionReminders(services.jobs, tx, { id: session.id, startsAt }),
    );
    await sendInvitations(services, {
      pairingId,
      sessionId: session.id,
      sequence: session.ics_sequence,
      startsAt,
      endsAt,
      modality: input.modality,
      mentorId: ws.pairing.mentor_id,
      menteeId: ws.pairing.mentee_id,
    });
    return { ok: true, id: session.id };
  });
}

type InvitationKind = "new" | "moved" | "cancelled";
async function sendInvitations(
  services: Services,
  s: {
    pairingId: string;
    sessionId: string;
    sequence: number;
    startsAt: Date;
    endsAt: Date;
    modality: string;
    mentorId: string;
    menteeId: string;
    kind?: InvitationKind;
  },
) {
  const { env, mail, db } = services;
  const kind = s.kind ?? "new";
  const method = kind === "cancelled" ? "CANCEL" : "REQUEST";
  await db.asSystem("mentoring: session invitations", async (tx) => {
    const people = await tx
      .selectFrom("profiles")
      .innerJoin("auth.users as u", "u.id", "profiles.id")
      .select(["profiles.id", "profiles.display_name", "profiles.locale", "u.email"])
      .where("profiles.id", "in", [s.mentorId, s.menteeId])
      .execute();
    const mentor = people.find((p) => p.id === s.mentorId);
    const url = `${env.publicUrl}/mentoring/pairings/${s.pairingId}`;
    for (const person of people) {
      if (!person.email || !mentor?.email) continue;
      const locale: Locale = person.locale === "en-CA" ? "en-CA" : "fr-CA";
      const other = people.find((p) => p.id !== person.id)?.display_name ?? "";
      const when = formatDate(locale, s.startsAt, "datetime");
      const title = translate(locale, "mentoring.email.sessionTitle", { name: other });
      const ics = sessionInvitation({
        sessionId: s.sessionId,
        sequence: s.sequence,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        title,
        method,
        description: translate(locale, "mentoring.email.sessionDescription", {
          url,
          modality: translate(locale, `mentoring.modalities.${s.modality}`),
        }),
        url,
        host: new URL(env.publicUrl).hostname,
        organizer: { name: mentor.display_name, email: env.MAIL_FROM },
        attendees: people.filter((p) => p.email).map((p) => ({ name: p.display_name, email: p.email ?? "" })),
      });
      const prefix = kind === "new" ? "session" : kind === "moved" ? "sessionMoved" : "sessionCancelled";
      await mail.enqueue(
        {
          to: person.email,
          kind: kind === "new" ? "mentoring.session" : `mentoring.session-${kind}`,
          subject: kind === "new" ? title : translate(locale, `mentoring.email.${prefix}Subject`, { name: other, when }),
          text: translate(locale, `mentoring.email.${prefix}Body`, { name: person.display_name, other, when, url }),
          attachments: [
            {
              filename: kind === "cancelled" ? "cancellation.ics" : "invitation.ics",
              contentType: `text/calendar; charset=utf-8; method=${method}`,
              content: ics,
            },
          ],
        },
        tx,
      );
    }
  });
}

// ── Session reminders (job queue) ───────────────────────────────────────────────
export const SESSION_REMINDER_JOB = "mentoring.session-reminder";
export const SESSION_REMINDERS = [
  { name: "1d", beforeMs: 86_400_000 },
  { name: "1h", beforeMs: 3_600_000 },
] as const;
export type SessionReminderName = (typeof SESSION_REMINDERS)[number]["name"];
const sessionReminderKey = (sessionId: string, name: string, startsAt: Date) =>
  `${SESSION_REMINDER_JOB}:${sessionId}:${name}:${startsAt.toISOString()}`;

/**
 * Queues the reminders of a session for its start (keys carry the start: a moved
 * session gets new ones, and the old ones are cancelled). Reminders already past are
 * skipped (a session tomorrow morning gets only the one-hour one).
 */
export async function scheduleSessionReminders(jobs: JobQueue, tx: SystemTx, session: { id: string; startsAt: Date }, now = new Date()) {
  await tx
    .updateTable("jobs")
    .set({ state: "cancelled", finished_at: new Date() })
    .where("type", "=", SESSION_REMINDER_JOB)
    .where("state", "=", "queued")
    .where("key", "like", `${SESSION_REMINDER_JOB}:${session.id}:%`)
    .execute();
  for (const r of SESSION_REMINDERS) {
    const runAt = new Date(session.startsAt.getTime() - r.beforeMs);
    if (runAt <= now) continue;
    await jobs.schedule(
      {
        type: SESSION_REMINDER_JOB,
        runAt,
        key: sessionReminderKey(session.id, r.name, session.startsAt),
        payload: { sessionId: session.id, reminder: r.name, startsAt: session.startsAt.toISOString() },
      },
      tx,
    );
  }
}

/**
 * The reminder job: to both people, only if the session is still scheduled at that
 * start in an active pairing, and once (stamped in the same transaction as the mail).
 */
export async function sendSessionReminder(
  services: { db: Database; mail: Mailer; publicUrl: string },
  payload: { sessionId: string; reminder: SessionReminderName; startsAt: string },
): Promise<"sent" | "skipped"> {
  return services.db.asSystem("mentoring: session reminder", async (tx) => {
    const session = await tx
      .selectFrom("mentoring_sessions")
      .innerJoin("mentoring_pairings as p", "p.id", "mentoring_sessions.pairing_id")
      .select([
        "mentoring_sessions.id",
        "mentoring_sessions.starts_at",
        "mentoring_sessions.status",
        "mentoring_sessions.modality",
        "p.id as pairing_id",
        "p.status as pairing_status",
        "p.mentor_id",
        "p.mentee_id",
      ])
      .where("mentoring_sessions.id", "=", payload.sessionId)
      .executeTakeFirst();
    if (
      !session ||
      session.status !== "scheduled" ||
      session.pairing_status !== "active" ||
      new Date(session.starts_at).toISOString() !== payload.startsAt
    )
      return "skipped";
    const stamped = await tx
      .insertInto("mentoring_session_reminders")
      .values({ session_id: session.id, reminder: payload.reminder, starts_at: payload.startsAt })
      .onConflict((oc) => oc.doNothing())
      .returning("session_id")
      .executeTakeFirst();
    if (!stamped) return "skipped";
    const people = await tx
      .selectFrom("profiles")
      .innerJoin("auth.users as u", "u.id", "profiles.id")
      .select(["profiles.id", "profiles.display_name", "profiles.locale", "u.email"])
      .where("profiles.id", "in", [session.mentor_id, session.mentee_id])
      .execute();
    const url = `${services.publicUrl}/mentoring/pairings/${session.pairing_id}`;
    for (const person of people) {
      if (!person.email) continue;
      const locale: Locale = person.locale === "en-CA" ? "en-CA" : "fr-CA";
      const vars = {
        name: person.display_name,
        other: people.find((p) => p.id !== person.id)?.display_name ?? "",
        when: formatDate(locale, new Date(session.starts_at), "datetime"),
        url,
        modality: translate(locale, `mentoring.modalities.${session.modality}`),
      };
      await services.mail.enqueue(
        {
          to: person.email,
          kind: "mentoring.session-reminder",
          subject: translate(locale, `mentoring.email.reminderSubject_${payload.reminder}`, vars),
          text: translate(locale, "mentoring.email.reminderBody", vars),
        },
        tx,
      );
    }
    return "sent";
  });
}

// ── Moving and cancelling a session ─────────────────────────────────────────────
/** Either person moves a planned session: same checks as scheduling; both get the updated invitation. */
export async function rescheduleSession(
  services: Services,
  viewer: Viewer,
  pairingId: string,
  input: LocalInterval & { sessionId: string },
): Promise<Outcome> {
  const when = sessionInterval(input);
  if (!when.ok) return when;
  return changeSession(services, viewer, pairingId, input.sessionId, { starts_at: when.startsAt, ends_at: when.endsAt }, "moved");
}

export async function cancelSession(services: Services, viewer: Viewer, pairingId: string, sessionId: string): Promise<Outcome> {
  return changeSession(services, viewer, pairingId, sessionId, { status: "cancelled" }, "cancelled");
}

async function changeSession(
  services: Services,
  viewer: Viewer,
  pairingId: string,
  sessionId: string,
  values: { starts_at: Date; ends_at: Date } | { status: "cancelled" },
  kind: "moved" | "cancelled",
): Promise<Outcome> {
  return guarded(async () => {
    const ws = await requireActive(services.db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    const before = ws.sessions.find((x) => x.id === sessionId);
    if (!before) return refused(404, "mentoring.errors.notFound");
    if (before.status === "cancelled") return refused(409, "mentoring.errors.db.session_cancelled");
    if (new Date(before.starts_at).getTime() <= Date.now()) return refused(409, "mentoring.errors.db.session_started");
    const after = await services.db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("mentoring_sessions")
        .set(values)
        .where("id", "=", sessionId)
        .where("pairing_id", "=", pairingId)
        .returning(["id", "starts_at", "ends_at", "modality", "ics_sequence"])
        .executeTakeFirst(),
    );
    if (!after) return refused(404, "mentoring.errors.notFound");
    const startsAt = new Date(after.starts_at);
    await services.db.asSystem("mentoring: reminders of a changed session", async (tx) => {
      if (kind === "cancelled") {
        await tx
          .updateTable("jobs")
          .set({ state: "cancelled", finished_at: new Date() })
          .where("type", "=", SESSION_REMINDER_JOB)
          .where("state", "=", "queued")
          .where("key", "like", `${SESSION_REMINDER_JOB}:${sessionId}:%`)
          .execute();
      } else await scheduleSessionReminders(services.jobs, tx, { id: sessionId, startsAt });
    });
    await sendInvitations(services, {
      pairingId,
      sessionId,
      sequence: after.ics_sequence,
      startsAt,
      endsAt: new Date(after.ends_at),
      modality: after.modality,
      mentorId: ws.pairing.mentor_id,
      menteeId: ws.pairing.mentee_id,
      kind,
    });
    return { ok: true };
  });
}

export async function logSession(
  db: Database,
  viewer: Viewer,
  pairingId: string,
  input: { sessionId: string; log: string },
): Promise<Outcome> {
  const guard = await assertNoIdentifiersAmong({ log: input.log }, undefined, [], pairingColleagues(db, viewer, pairingId));
  if (!guard.ok) return { ok: false, status: 400, formError: guard.formError, fieldErrors: guard.fieldErrors, findings: guard.findings };
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    const done = await db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("mentoring_sessions")
        .set({ log: input.log })
        .where("id", "=", input.sessionId)
        .where("pairing_id", "=", pairingId)
        .where("status", "=", "scheduled")
        .executeTakeFirst(),
    );
    return Number(done.numUpdatedRows) ? { ok: true } : refused(404, "mentoring.errors.notFound");
  });
}

export async function endPairing(db: Database, viewer: Viewer, pairingId: string): Promise<Outcome> {
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    await db.withUser(viewer.claims, (tx) =>
      tx.updateTable("mentoring_pairings").set({ status: "ended", ended_at: new Date() }).where("id", "=", pairingId).execute(),
    );
    return { ok: true };
  });
}

export async function saveAssessment(
  db: Database,
  viewer: Viewer,
  pairingId: string,
  input: { rating: number; comment: string },
): Promise<Outcome> {
  const guard = await assertNoIdentifiersAmong({ comment: input.comment }, undefined, [], pairingColleagues(db, viewer, pairingId));
  if (!guard.ok) return { ok: false, status: 400, formError: guard.formError, fieldErrors: guard.fieldErrors, findings: guard.findings };
  return guarded(async () => {
    const ws = await getWorkspace(db, viewer, pairingId);
    if (!ws) return refused(404, "mentoring.errors.notFound");
    if (ws.pairing.status !== "ended") return refused(409, "mentoring.errors.notEnded");
    if (ws.assessment) return refused(409, "mentoring.errors.assessedAlready");
    await db.withUser(viewer.claims, (tx) =>
      tx.insertInto("mentoring_assessments").values({ pairing_id: pairingId, rating: input.rating, comment: input.comment }).execute(),
    );
    return { ok: true };
  });
}

/** Either party of an ended pairing with held sessions gets an attestation of those hours. */
export async function mentoringAttestation(
  db: Database,
  viewer: Viewer,
  pairingId: string,
): Promise<Outcome<{ attestation: Attestation; mentor: string; mentee: string; role: "mentor" | "mentee" }>> {
  const ws = await getWorkspace(db, viewer, pairingId);
  if (!ws) return refused(404, "mentoring.errors.notFound");
  if (ws.pairing.status !== "ended") return refused(409, "mentoring.errors.notEnded");
  if (ws.heldHours <= 0) return refused(409, "mentoring.errors.noHours");
  const name = ws.role === "mentor" ? ws.mentor : ws.mentee;
  const title = translate(viewer.locale, ws.role === "mentor" ? "mentoring.attestation.titleMentor" : "mentoring.attestation.titleMentee", {
    name: ws.role === "mentor" ? ws.mentee : ws.mentor,
  });
  const attestation = await db.asSystem("mentoring: issue attestation to a party of an ended pairing", (tx) =>
    issueAttestation(tx, {
      kind: "mentoring",
      memberId: viewer.id,
      memberName: name,
      title,
      hours: ws.heldHours,
      sourceKey: `pairing:${pairingId}`,
      details: {
        role: ws.role,
        startedAt: new Date(ws.pairing.started_at).toISOString(),
        endedAt: ws.pairing.ended_at ? new Date(ws.pairing.ended_at).toISOString() : null,
      },
    }),
  );
  return { ok: true, attestation, mentor: ws.mentor, mentee: ws.mentee, role: ws.role };
}

// ── Coordination ────────────────────────────────────────────────────────────────
export interface Overview {
  openRequests: Array<{
    id: string;
    createdAt: string;
    expiresAt: string;
    mentee: string;
    mentor: string;
    coordinationOk: boolean;
    assigned: boolean;
  }>;
  medianHoursToMatch: number | null;
  pairs: Array<{ id: string; status: string; startedAt: string; endedAt: string | null; mentor: string; mentee: string }>;
  mentorsAtCapacity: number;
  assessments: { count: number; averageRating: number | null };
  coverage: Array<{ region: string; mentors: number; requests: number }>;
}
export async function coordinationOverview(db: Database, viewer: Viewer): Promise<Overview | null> {
  if (!isCoordinator(viewer)) return null;
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const { rows } = await sql<{ o: Overview }>`select public.mentoring_overview() as o`.execute(tx);
      return rows[0]?.o ?? null;
    },
    { readOnly: true },
  );
}

// ── Assignment by a coordinator ─────────────────────────────────────────────────
export interface AssignmentView {
  request: {
    id: string;
    topics: string[];
    goals: string;
    modality: "video" | "phone" | "chat";
    language: string;
    createdAt: string;
    expiresAt: string;
    coordinationOk: boolean;
    status: string;
  };
  mentee: { name: string; discipline: string; region: string };
  currentMentor: string;
  suggestions: SuggestedMentor[];
}

/**
 * What a coordinator sees to assign an open request: the member's needs and the
 * mentors the matching proposes for them (the request's mentor left out). Suggestions
 * only when the member agreed to it on the request (matching uses their discipline and
 * region); null when the viewer is not a coordinator or the request is not visible.
 */
export async function assignmentView(db: Database, viewer: Viewer, requestId: string, seed: string): Promise<AssignmentView | null> {
  if (!isCoordinator(viewer)) return null;
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const r = await tx.selectFrom("mentoring_requests").selectAll().where("id", "=", requestId).executeTakeFirst();
      if (!r) return null;
      const people = await peopleOf(tx, [r.mentee_id, r.mentor_id]);
      const mentee = people.get(r.mentee_id);
      const language = (["fr", "en"] as const).find((l) => l === r.language) ?? "fr";
      const suggestions =
        r.status === "pending" && r.coordination_ok
          ? await rankFor(
              tx,
              { id: r.mentee_id, region: mentee?.region_code ?? "", discipline: mentee?.discipline ?? "" },
              { topics: r.topics, language, modality: r.modality, region: "any" },
              seed,
              [r.mentor_id],
            )
          : [];
      return {
        request: {
          id: r.id,
          topics: r.topics,
          goals: r.goals,
          modality: r.modality,
          language: r.language,
          status: r.status,
          coordinationOk: r.coordination_ok,
          createdAt: new Date(r.created_at).toISOString(),
          expiresAt: new Date(r.expires_at).toISOString(),
        },
        mentee: { name: mentee?.display_name ?? "", discipline: mentee?.discipline ?? "", region: mentee?.region_code ?? "" },
        currentMentor: people.get(r.mentor_id)?.display_name ?? "",
        suggestions,
      };
    },
    { readOnly: true },
  );
}

/**
 * A coordinator hands an open request to another mentor: assign_mentoring_request()
 * closes it as 'assigned' and opens the new one (audited) in one transaction; then the
 * usual reminder and expiry jobs, and the new mentor and the member are told.
 */
export async function assignRequest(
  services: Services,
  viewer: Viewer,
  requestId: string,
  mentorId: string,
): Promise<Outcome<{ id: string }>> {
  if (!isCoordinator(viewer)) return refused(403, "mentoring.errors.db.coordinator_only");
  return guarded(async () => {
    const id = await services.db.withUser(
      viewer.claims,
      async (tx) =>
        (await sql<{ id: string }>`select public.assign_mentoring_request(${requestId}::uuid, ${mentorId}::uuid) as id`.execute(tx)).rows[0]
          ?.id ?? "",
    );
    await scheduleRequestJobs(services.jobs, id, new Date());
    const r = await services.db.asSystem("mentoring: people of an assigned request", (tx) =>
      tx
        .selectFrom("mentoring_requests")
        .innerJoin("profiles as me", "me.id", "mentoring_requests.mentee_id")
        .innerJoin("profiles as mo", "mo.id", "mentoring_requests.mentor_id")
        .select(["mentoring_requests.mentee_id", "me.display_name as mentee", "mo.display_name as mentor"])
        .where("mentoring_requests.id", "=", id)
        .executeTakeFirstOrThrow(),
    );
    await notify(services, [
      { userId: mentorId, kind: "mentoring.request", url: "/mentoring", actorName: r.mentee },
      { userId: r.mentee_id, kind: "mentoring.assigned", url: "/mentoring#outgoing", actorName: r.mentor },
    ]);
    return { ok: true, id };
  });
}

/** The member turns on or off, on one of their open requests, the coordination's leave to reassign it. */
export async function setCoordinationConsent(db: Database, viewer: Viewer, requestId: string, on: boolean): Promise<Outcome> {
  return guarded(async () => {
    const done = await db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("mentoring_requests")
        .set({ coordination_ok: on })
        .where("id", "=", requestId)
        .where("mentee_id", "=", viewer.id)
        .where("status", "=", "pending")
        .executeTakeFirst(),
    );
    return Number(done.numUpdatedRows) ? { ok: true } : refused(404, "mentoring.errors.db.request_not_found");
  });
}

// ── The pair's conversation ─────────────────────────────────────────────────────
/**
 * The pair's private conversation: the direct conversation of the two, through the
 * chat module (its RLS keeps everyone else out, and a direct conversation never takes
 * a third member). Linked on the pairing once; either person may open it.
 */
export async function ensurePairConversation(
  db: Database,
  viewer: Viewer,
  pairingId: string,
): Promise<Outcome<{ conversationId: string }>> {
  return guarded(async () => {
    const ws = await requireActive(db, viewer, pairingId);
    if (isOutcome(ws)) return ws;
    if (ws.pairing.conversation_id) return { ok: true, conversationId: ws.pairing.conversation_id };
    const other = ws.role === "mentor" ? ws.pairing.mentee_id : ws.pairing.mentor_id;
    const opened = await openDirectConversation(db, viewer.claims, other);
    if (!opened.ok) return refused(opened.status === 404 ? 404 : 403, "mentoring.errors.chatUnavailable");
    await db.withUser(viewer.claims, (tx) =>
      tx
        .updateTable("mentoring_pairings")
        .set({ conversation_id: opened.id })
        .where("id", "=", pairingId)
        .where("conversation_id", "is", null)
        .execute(),
    );
    return { ok: true, conversationId: opened.id };
  });
}
