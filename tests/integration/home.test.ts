// The home page's events (PGlite and PostgreSQL): the next ones until they end, soonest first,
// then the past ones, latest first; cancelled events in neither; an event for verified members
// only shows to them (row-level security decides, with the visitor's own claims).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HOME_EVENTS, HOME_UPCOMING, listHomeContent } from "~/modules/home/home.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
const HOUR = 3_600_000;

/** An event starting `hoursFromNow` hours from now (negative: in the past). */
async function event(title: string, hoursFromNow: number, extra: { minutes?: number | null; status?: string; audience?: string } = {}) {
  return t.db.asSystem("test: an event", async (tx) => {
    const startsAt = new Date(Date.now() + hoursFromNow * HOUR);
    const row = await sql<{ id: string }>`
      insert into public.events (title, kind, starts_on, starts_at, duration_minutes, status, audience)
      values (${title}, 'webinar', ${startsAt.toISOString().slice(0, 10)}::date, ${startsAt.toISOString()}::timestamptz,
              ${extra.minutes === undefined ? 60 : extra.minutes}, ${extra.status ?? "scheduled"}, ${extra.audience ?? "public"})
      returning id`.execute(tx);
    return row.rows[0]?.id ?? "";
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  // Whatever the template holds is cleared: these tests name every event there is.
  await t.db.asSystem("test: no events", (tx) => sql`delete from public.events`.execute(tx));
  await event("Passé il y a une semaine", -24 * 7);
  await event("Passé hier", -24);
  await event("Archive sans durée", -2, { minutes: null });
  await event("En cours depuis une demi-heure", -0.5, { minutes: 90 });
  await event("Dans trois jours", 72);
  await event("Demain", 24);
  await event("Dans un mois", 24 * 30);
  await event("Annulé demain", 25, { status: "cancelled" });
  await event("Annulé hier", -23, { status: "cancelled" });
  await event("Réservé aux membres vérifiés", 2, { audience: "verified" });
});
afterAll(async () => {
  await t?.cleanup();
});

const titles = (rows: Array<{ title: string }>) => rows.map((r) => r.title);

describe("the home page's events", () => {
  test("an anonymous visitor sees the next public events until they end, then the past ones", async () => {
    const home = await listHomeContent(t.db, null);
    expect(HOME_UPCOMING).toBe(3);
    expect(titles(home.upcoming)).toEqual(["En cours depuis une demi-heure", "Demain", "Dans trois jours"]);
    expect(titles(home.events)).toEqual(["Archive sans durée", "Passé hier", "Passé il y a une semaine"]);
    expect(home.events.length).toBeLessThanOrEqual(HOME_EVENTS);
  });

  test("a verified member also sees the event for verified members", async () => {
    const member = await createUser(t.db, { displayName: "Membre vérifiée", verified: true });
    const home = await listHomeContent(t.db, member.claims);
    expect(titles(home.upcoming)).toEqual(["En cours depuis une demi-heure", "Réservé aux membres vérifiés", "Demain"]);
  });

  test("an unverified member does not", async () => {
    const newcomer = await createUser(t.db, { displayName: "Nouvelle", verified: false });
    expect(titles((await listHomeContent(t.db, newcomer.claims)).upcoming)).not.toContain("Réservé aux membres vérifiés");
  });
});
