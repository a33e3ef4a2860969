// After the event: organisers post the recording link and point to resources of the
// tools library (slides and handouts live there, with their files); readers of the
// event see them. Registrants answer a short satisfaction survey once the event has
// ended, once each; organisers see the aggregate and the comments without names.
// Row-level security decides who may write (organisers; the registrant herself after
// the end), so a forged request meets the same rules as the form.
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import type { Claims, Database } from "~/utils/db.server";
import type { Outcome, Refused } from "./events.server";

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
const refused = (status: Refused["status"], formError?: string, fieldErrors?: Record<string, string[]>): Refused => ({
  ok: false,
  status,
  formError,
  fieldErrors,
});

function fromDatabase(error: unknown): Refused {
  const message = error instanceof Error ? error.message : String(error);
  if (/event_feedback_pkey|duplicate key/.test(message)) return refused(409, "events.survey.errors.already");
  if (/event_resources_event_id_tool_id_key/.test(message)) return refused(409, undefined, { toolId: ["events.followup.errors.already"] });
  if (/foreign key/.test(message)) return refused(404, "events.errors.notFound");
  if (/row-level security|permission denied/.test(message)) return refused(403, "events.errors.forbidden");
  throw error;
}

export interface Slide {
  id: number;
  title: string;
  fileId: string;
  byteSize: number;
}

export interface Followup {
  recordingUrl: string | null;
  resources: Array<{ id: string; title: string; kind: string }>;
  /**
   * Uploaded slides (RLS: readers of the event once it has ended, its hosts from the upload;
   * the file row follows its slide).
   */
  slides: Slide[];
  /** The event has ended: its slides are published to every reader (before, only hosts read them). */
  slidesPublished: boolean;
  /** The reader's own answer to the survey, if she gave one. */
  myAnswer: { rating: number; comment: string | null } | null;
}

/** What the event page shows after the event (RLS: only readers of the event see it). */
export async function getFollowup(db: Database, claims: Claims, eventId: string): Promise<Followup> {
  if (!isUuid(eventId)) return { recordingUrl: null, resources: [], slides: [], slidesPublished: false, myAnswer: null };
  return db.withUser(
    claims,
    async (tx) => {
      const followup = await tx.selectFrom("event_followups").select("recording_url").where("event_id", "=", eventId).executeTakeFirst();
      // Tools the reader may not see (a draft, an archived tool) simply do not appear.
      const resources = await tx
        .selectFrom("event_resources")
        .innerJoin("tools", "tools.id", "event_resources.tool_id")
        .select(["tools.id", "tools.title", "tools.kind"])
        .where("event_resources.event_id", "=", eventId)
        .orderBy("event_resources.created_at")
        .execute();
      const mine = claims
        ? await tx
            .selectFrom("event_feedback")
            .select(["rating", "comment"])
            .where("event_id", "=", eventId)
            .where("user_id", "=", claims.sub)
            .executeTakeFirst()
        : undefined;
      const slides = await tx
        .selectFrom("event_slides")
        .innerJoin("files", "files.id", "event_slides.file_id")
        .select(["event_slides.id", "event_slides.title", "event_slides.file_id", "files.byte_size"])
        .where("event_slides.event_id", "=", eventId)
        .orderBy("event_slides.created_at")
        .orderBy("event_slides.id")
        .execute();
      const ended = await sql<{ ended: boolean }>`select public.event_has_ended(${eventId}::uuid) as ended`.execute(tx);
      return {
        recordingUrl: followup?.recording_url ?? null,
        resources,
        slides: slides.map((r) => ({ id: Number(r.id), title: r.title, fileId: r.file_id, byteSize: r.byte_size })),
        slidesPublished: ended.rows[0]?.ended === true,
        myAnswer: mine ?? null,
      };
    },
    { readOnly: true },
  );
}

export async function saveRecording(db: Database, viewer: Viewer, eventId: string, recordingUrl: string | null): Promise<Outcome> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  try {
    await db.withUser(viewer.claims, async (tx) => {
      const event = await tx.selectFrom("events").select("id").where("id", "=", eventId).executeTakeFirst();
      if (!event) throw new Error("foreign key: no event");
      await tx
        .insertInto("event_followups")
        .values({ event_id: eventId, recording_url: recordingUrl, updated_by: viewer.id })
        .onConflict((oc) =>
          oc.column("event_id").doUpdateSet({ recording_url: recordingUrl, updated_by: viewer.id, updated_at: new Date() }),
        )
        .execute();
    });
    return { ok: true };
  } catch (error) {
    return fromDatabase(error);
  }
}

export async function addResource(db: Database, viewer: Viewer, eventId: string, toolId: string): Promise<Outcome> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  try {
    await db.withUser(viewer.claims, async (tx) => {
      const event = await tx.selectFrom("events").select("id").where("id", "=", eventId).executeTakeFirst();
      if (!event) throw new Error("foreign key: no event");
      // Only a published tool the organiser can read: a draft's title must not reach the event's readers.
      const tool = await tx.selectFrom("tools").select("id").where("id", "=", toolId).where("status", "=", "published").executeTakeFirst();
      if (!tool) throw Object.assign(new Error("tool"), { field: true });
      await tx.insertInto("event_resources").values({ event_id: eventId, tool_id: toolId, added_by: viewer.id }).execute();
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof Error && "field" in error) return refused(400, undefined, { toolId: ["events.followup.errors.tool"] });
    return fromDatabase(error);
  }
}

export async function removeResource(db: Database, viewer: Viewer, eventId: string, toolId: string): Promise<Outcome> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  await db.withUser(viewer.claims, (tx) =>
    tx.deleteFrom("event_resources").where("event_id", "=", eventId).where("tool_id", "=", toolId).execute(),
  );
  return { ok: true };
}

/** Published tools an organiser can point to (newest first, a bounded list for a plain select). */
export async function resourceChoices(db: Database, claims: Claims) {
  return db.withUser(
    claims,
    (tx) => tx.selectFrom("tools").select(["id", "title"]).where("status", "=", "published").orderBy("title").limit(500).execute(),
    { readOnly: true },
  );
}

/** One answer per registrant, after the end (RLS and the primary key decide; the messages say which). */
export async function answerSurvey(
  db: Database,
  viewer: Viewer,
  eventId: string,
  answer: { rating: number; comment: string | null },
): Promise<Outcome> {
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  try {
    await db.withUser(viewer.claims, async (tx) => {
      const state = (
        await sql<{ registered: boolean; ended: boolean; answered: boolean }>`
        select public.is_event_registrant(${eventId}::uuid) as registered, public.event_has_ended(${eventId}::uuid) as ended,
               exists (select 1 from public.event_feedback where event_id = ${eventId}::uuid and user_id = ${viewer.id}::uuid) as answered`.execute(
          tx,
        )
      ).rows[0];
      if (state?.answered) throw new Error("duplicate key: event_feedback_pkey");
      if (!state?.registered) throw Object.assign(new Error("survey"), { code: "events.survey.errors.notRegistered" });
      if (!state.ended) throw Object.assign(new Error("survey"), { code: "events.survey.errors.notEnded" });
      await tx
        .insertInto("event_feedback")
        .values({ event_id: eventId, user_id: viewer.id, rating: answer.rating, comment: answer.comment })
        .execute();
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("events."))
      return refused(403, error.code);
    return fromDatabase(error);
  }
}

export interface SurveyResults {
  answers: number;
  average: number | null;
  counts: number[];
  comments: string[];
}

/** The aggregate for organisers: how many answered, the mean, the count per rating, comments without names. */
export async function surveyResults(db: Database, viewer: Viewer, eventId: string): Promise<SurveyResults | null> {
  if (!hasRole(viewer, "organiser") || !isUuid(eventId)) return null;
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const rows = await tx
        .selectFrom("event_feedback")
        .select(["rating", "comment"])
        .where("event_id", "=", eventId)
        .orderBy("created_at")
        .execute();
      const counts = [1, 2, 3, 4, 5].map((n) => rows.filter((r) => r.rating === n).length);
      const average = rows.length ? Math.round((rows.reduce((s, r) => s + r.rating, 0) / rows.length) * 10) / 10 : null;
      return { answers: rows.length, average, counts, comments: rows.flatMap((r) => (r.comment ? [r.comment] : [])) };
    },
    { readOnly: true },
  );
}
