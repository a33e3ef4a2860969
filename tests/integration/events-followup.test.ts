// After the event (PGlite and PostgreSQL): the recording link, resources from the tools
// library and the satisfaction survey, per role (anonymous, member, registrant,
// organiser, admin) straight against row-level security and through the module,
// with bad inputs refused (a field message or a clear 4xx) and nothing changed.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { addResource, answerSurvey, getFollowup, removeResource, saveRecording, surveyResults } from "~/modules/events/followup.server";
import { recordingFormSchema, resourceFormSchema, surveyFormSchema } from "~/modules/events/schemas";
import type { Claims, Tx } from "~/utils/db.server";
import type { Role } from "~/utils/db-schema";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
type Person = Viewer;
let anon: Claims;
let member: Person, registrant: Person, other: Person, waitlisted: Person, organiser: Person, admin: Person;
let past = "",
  upcoming = "",
  verifiedOnly = "",
  tool = "",
  draftTool = "";

async function person(name: string, roles: Role[] = []): Promise<Person> {
  const u = await createUser(t.db, { displayName: name, verified: true, roles });
  return { claims: u.claims, id: u.id, displayName: name, verified: true, roles, locale: "fr-CA" };
}
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);
async function as<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await t.db.withUser(claims, fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
async function newEvent(title: string, startsInDays: number, audience: "public" | "verified" = "public") {
  return system(
    async (tx) =>
      (
        await tx
          .insertInto("events")
          .values({
            title,
            kind: "webinar",
            topics: [],
            starts_at: new Date(Date.now() + startsInDays * 86_400_000),
            duration_minutes: 60,
            audience,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
  );
}
const registerDirectly = (eventId: string, userId: string, status: "registered" | "waitlisted") =>
  system((tx) =>
    tx
      .insertInto("event_registrations")
      .values({ event_id: eventId, user_id: userId, status, waitlist_position: status === "waitlisted" ? 1 : null })
      .execute(),
  );
const feedbackCount = (eventId: string) =>
  system(async (tx) =>
    Number(
      (
        await tx
          .selectFrom("event_feedback")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("event_id", "=", eventId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

beforeAll(async () => {
  t = await createTestDatabase();
  anon = null;
  member = await person("Membre");
  registrant = await person("Inscrite");
  other = await person("Autre inscrite");
  waitlisted = await person("En attente");
  organiser = await person("Organisatrice", ["organiser"]);
  admin = await person("Admin", ["admin"]);
  past = await newEvent("Webinaire passé", -2);
  upcoming = await newEvent("Webinaire à venir", 5);
  verifiedOnly = await newEvent("Réservé aux membres vérifiés", -2, "verified");
  for (const id of [past, upcoming, verifiedOnly]) {
    await registerDirectly(id, registrant.id, "registered");
    await registerDirectly(id, other.id, "registered");
  }
  await registerDirectly(past, waitlisted.id, "waitlisted");
  const newTool = (status: "published" | "draft") =>
    system(
      async (tx) =>
        (
          await tx
            .insertInto("tools")
            .values({ title: `Diapositives (${status})`, kind: "guide", topics: [], status })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
    );
  tool = await newTool("published");
  draftTool = await newTool("draft");
});
afterAll(() => t?.cleanup());

describe("row-level security", () => {
  test("only organisers (admins included) write the recording and resources; every reader of the event reads them", async () => {
    for (const who of [anon, member.claims, registrant.claims]) {
      const write = await as(who, (tx) =>
        tx
          .insertInto("event_followups")
          .values({ event_id: past, recording_url: "https://video.example/x", updated_by: who?.sub ?? null })
          .execute(),
      );
      expect(write.ok).toBe(false);
      const link = await as(who, (tx) =>
        tx
          .insertInto("event_resources")
          .values({ event_id: past, tool_id: tool, added_by: who?.sub ?? null })
          .execute(),
      );
      expect(link.ok).toBe(false);
    }
    // Writing in someone else's name is refused even to an organiser.
    expect(
      (
        await as(organiser.claims, (tx) =>
          tx
            .insertInto("event_followups")
            .values({ event_id: past, recording_url: "https://video.example/x", updated_by: admin.id })
            .execute(),
        )
      ).ok,
    ).toBe(false);
    expect(await saveRecording(t.db, admin, verifiedOnly, "https://video.example/admin")).toEqual({ ok: true });
    expect(await saveRecording(t.db, organiser, past, "https://video.example/replay")).toEqual({ ok: true });
    expect(await addResource(t.db, organiser, past, tool)).toEqual({ ok: true });
    // Everyone who may read the event reads its follow-up, signed out included.
    expect(await getFollowup(t.db, anon, past)).toMatchObject({ recordingUrl: "https://video.example/replay", resources: [{ id: tool }] });
    // An event for verified members: a visitor sees nothing of it.
    expect((await getFollowup(t.db, anon, verifiedOnly)).recordingUrl).toBeNull();
    expect((await getFollowup(t.db, member.claims, verifiedOnly)).recordingUrl).toBe("https://video.example/admin");
    // Members delete no resource (no row changes).
    await as(member.claims, (tx) => tx.deleteFrom("event_resources").where("event_id", "=", past).execute());
    expect((await getFollowup(t.db, anon, past)).resources).toHaveLength(1);
  });

  test("a survey answer: only the registrant herself, after the end, once; each reads her own, organisers all", async () => {
    const insert = (who: Person, eventId: string, userId = who.id) =>
      as(who.claims, (tx) =>
        tx.insertInto("event_feedback").values({ event_id: eventId, user_id: userId, rating: 4, comment: null }).execute(),
      );
    expect((await insert(member, past)).ok).toBe(false); // not registered
    expect((await insert(waitlisted, past)).ok).toBe(false); // waitlisted, never attended
    expect((await insert(registrant, upcoming)).ok).toBe(false); // not ended
    expect((await insert(registrant, past, other.id)).ok).toBe(false); // in someone else's name
    expect(
      (
        await as(anon, (tx) =>
          tx.insertInto("event_feedback").values({ event_id: past, user_id: registrant.id, rating: 4, comment: null }).execute(),
        )
      ).ok,
    ).toBe(false);
    expect((await insert(registrant, past)).ok).toBe(true);
    expect((await insert(registrant, past)).ok).toBe(false); // once
    expect(
      (await as(registrant.claims, (tx) => tx.updateTable("event_feedback").set({ rating: 1 }).where("event_id", "=", past).execute())).ok,
    ).toBe(false);
    expect(await answerSurvey(t.db, other, past, { rating: 2, comment: "Trop court" })).toEqual({ ok: true });
    const read = (who: Claims) => as(who, (tx) => tx.selectFrom("event_feedback").select("user_id").where("event_id", "=", past).execute());
    expect(await read(registrant.claims)).toEqual({ ok: true, value: [{ user_id: registrant.id }] });
    expect(await read(member.claims)).toEqual({ ok: true, value: [] });
    expect((await read(anon)).ok).toBe(false);
    const all = await read(organiser.claims);
    expect(all.ok && all.value.length).toBe(2);
  });
});

describe("through the module", () => {
  test("the survey's refusals say why; results are aggregated for organisers only, comments without names", async () => {
    const before = await feedbackCount(past);
    expect(await answerSurvey(t.db, registrant, past, { rating: 5, comment: null })).toMatchObject({
      ok: false,
      status: 409,
      formError: "events.survey.errors.already",
    });
    expect(await answerSurvey(t.db, member, past, { rating: 5, comment: null })).toMatchObject({
      ok: false,
      status: 403,
      formError: "events.survey.errors.notRegistered",
    });
    expect(await answerSurvey(t.db, registrant, upcoming, { rating: 5, comment: null })).toMatchObject({
      ok: false,
      status: 403,
      formError: "events.survey.errors.notEnded",
    });
    expect(await answerSurvey(t.db, registrant, "pas-un-id", { rating: 5, comment: null })).toMatchObject({ ok: false, status: 404 });
    expect(await feedbackCount(past)).toBe(before);
    expect(await surveyResults(t.db, member, past)).toBeNull();
    expect(await surveyResults(t.db, organiser, past)).toEqual({
      answers: 2,
      average: 3,
      counts: [0, 1, 0, 1, 0],
      comments: ["Trop court"],
    });
  });

  test("bad inputs: a non-https or malformed recording link, a rating out of range, a draft or unknown tool", async () => {
    for (const url of [
      "http://video.example/x",
      "javascript:alert(1)",
      "https://",
      "ftp://video.example",
      "video.example/x",
      `https://x.example/${"a".repeat(2000)}`,
    ]) {
      const parsed = recordingFormSchema.safeParse({ recordingUrl: url });
      expect(parsed.success, url).toBe(false);
    }
    expect(recordingFormSchema.parse({ recordingUrl: "" })).toEqual({ recordingUrl: null });
    // The database refuses what the form would: a forged write cannot store a plain http link.
    expect(
      (
        await as(organiser.claims, (tx) =>
          tx
            .updateTable("event_followups")
            .set({ recording_url: "http://video.example/x", updated_by: organiser.id })
            .where("event_id", "=", past)
            .execute(),
        )
      ).ok,
    ).toBe(false);
    for (const rating of ["0", "6", "3.5", "", "abc"]) {
      const parsed = surveyFormSchema.safeParse({ rating });
      expect(parsed.success, rating).toBe(false);
      if (!parsed.success) expect(parsed.error.flatten().fieldErrors.rating).toEqual(["events.survey.errors.rating"]);
    }
    expect(resourceFormSchema.safeParse({ intent: "addResource", toolId: "42" }).success).toBe(false);
    expect(await addResource(t.db, organiser, past, draftTool)).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { toolId: ["events.followup.errors.tool"] },
    });
    expect(await addResource(t.db, organiser, past, tool)).toMatchObject({ ok: false, status: 409 });
    expect(await addResource(t.db, organiser, "00000000-0000-4000-8000-000000000000", tool)).toMatchObject({ ok: false, status: 404 });
    expect(await addResource(t.db, member, past, tool)).toMatchObject({ ok: false, status: 403 });
    expect(await saveRecording(t.db, member, past, "https://video.example/mine")).toMatchObject({ ok: false, status: 403 });
    expect((await getFollowup(t.db, anon, past)).recordingUrl).toBe("https://video.example/replay");
    expect(await removeResource(t.db, organiser, past, tool)).toEqual({ ok: true });
    expect((await getFollowup(t.db, anon, past)).resources).toEqual([]);
  });
});
