// Row-level security of events, series, registrations and calendar tokens, per role:
// anonymous visitor, unverified member, verified member, registrant, organiser, admin.
// Also the registration functions' refusals and, on PostgreSQL, capacity under
// concurrency (the event row lock).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPostgresDatabase, type Claims, type Database, type Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

const PRIVILEGE = /permission denied/;
const POLICY = /violates row-level security policy/;

let t: TestDatabase;
interface People {
  unverified: TestUser;
  member: TestUser;
  registrant: TestUser;
  spaceMember: TestUser;
  organiser: TestUser;
  admin: TestUser;
}
type Actor = "anon" | keyof People;
let p: People;
const claimsOf = (a: Actor): Claims => (a === "anon" ? null : p[a].claims);
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);

type Result<T> = { ok: true; value: T } | { ok: false; message: string };
async function attempt<T>(actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await t.db.withUser(claimsOf(actor), fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
function refused(result: Result<unknown>, pattern: RegExp) {
  expect(result.ok, "expected a refusal").toBe(false);
  if (!result.ok) expect(result.message).toMatch(pattern);
}
function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
  return result.value;
}

const future = (days: number) => new Date(Date.now() + days * 86_400_000);
const ev = { public: "", verified: "", space: "", past: "", cancelled: "", closed: "" };
let spaceId = "";

async function newEvent(
  values: Partial<{
    title: string;
    audience: "public" | "verified" | "space";
    space_id: string | null;
    capacity: number | null;
    starts_at: Date;
    status: "scheduled" | "cancelled";
    registration_open: boolean;
  }>,
) {
  return system(
    async (tx) =>
      (
        await tx
          .insertInto("events")
          .values({
            title: values.title ?? "Webinaire d'essai",
            kind: "webinar",
            starts_on: "2026-01-01",
            topics: [],
            starts_at: values.starts_at ?? future(10),
            duration_minutes: 90,
            audience: values.audience ?? "public",
            space_id: values.space_id ?? null,
            capacity: values.capacity ?? null,
            status: values.status ?? "scheduled",
            registration_open: values.registration_open ?? true,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
  );
}
const register = (actor: Actor, id: string) =>
  attempt(actor, async (tx) => (await sql<{ status: string }>`select public.event_register(${id}) as status`.execute(tx)).rows[0]?.status);
const unregister = (actor: Actor, id: string, who: string) =>
  attempt(actor, async (tx) =>
    (await sql<{ id: string }>`select public.event_unregister(${id}, ${who}) as id`.execute(tx)).rows.map((r) => r.id),
  );

beforeAll(async () => {
  t = await createTestDatabase();
  p = {
    unverified: await createUser(t.db, { displayName: "Non vérifiée" }),
    member: await createUser(t.db, { displayName: "Membre vérifiée", verified: true }),
    registrant: await createUser(t.db, { displayName: "Inscrite", verified: true }),
    spaceMember: await createUser(t.db, { displayName: "Membre de l'espace", verified: true }),
    organiser: await createUser(t.db, { displayName: "Organisatrice", verified: true, roles: ["organiser"] }),
    admin: await createUser(t.db, { displayName: "Admin", verified: true, roles: ["admin"] }),
  };
  spaceId = await system(async (tx) => {
    const space = await tx
      .insertInto("spaces")
      .values({
        slug: `evt-${Date.now().toString(36)}`,
        kind: "community",
        visibility: "members",
        name_fr: "Espace",
        name_en: "Space",
        region_code: null,
        discipline_code: null,
        created_by: null,
        archived_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx.insertInto("space_members").values({ space_id: space.id, user_id: p.spaceMember.id, added_by: null }).execute();
    return space.id;
  });
  ev.public = await newEvent({ title: "Public" });
  ev.verified = await newEvent({ title: "Vérifiés", audience: "verified" });
  ev.space = await newEvent({ title: "Espace", audience: "space", space_id: spaceId });
  ev.past = await newEvent({ title: "Passé", starts_at: future(-3) });
  ev.cancelled = await newEvent({ title: "Annulé", status: "cancelled" });
  ev.closed = await newEvent({ title: "Fermé", registration_open: false });
  ok(await register("registrant", ev.public));
});
afterAll(() => t?.cleanup());

describe("events by audience", () => {
  test.each<[Actor, string[]]>([
    ["anon", ["public"]],
    ["unverified", ["public"]],
    ["member", ["public", "verified"]],
    ["registrant", ["public", "verified"]],
    ["spaceMember", ["public", "verified", "space"]],
    ["organiser", ["public", "verified", "space"]],
    ["admin", ["public", "verified", "space"]],
  ])("%s sees %j", async (actor, expected) => {
    const ids = [ev.public, ev.verified, ev.space];
    const rows = ok(await attempt(actor, (tx) => tx.selectFrom("events").select("id").where("id", "in", ids).execute()));
    const names = new Map(Object.entries(ev).map(([k, v]) => [v, k]));
    expect(rows.map((r) => names.get(r.id)).sort()).toEqual([...expected].sort());
  });

  test("only organisers (and admins) create and edit events", async () => {
    refused(
      await attempt("anon", (tx) =>
        tx
          .insertInto("events")
          .values({ title: "Faux", kind: "webinar", topics: [], starts_at: future(5), duration_minutes: 60 })
          .execute(),
      ),
      PRIVILEGE,
    );
    for (const actor of ["unverified", "member", "registrant"] as const) {
      refused(
        await attempt(actor, (tx) =>
          tx
            .insertInto("events")
            .values({ title: "Faux", kind: "webinar", topics: [], starts_at: future(5), duration_minutes: 60, created_by: p[actor].id })
            .execute(),
        ),
        POLICY,
      );
      const changed = ok(
        await attempt(actor, (tx) => tx.updateTable("events").set({ title: "Piraté" }).where("id", "=", ev.public).executeTakeFirst()),
      );
      expect(Number(changed.numUpdatedRows)).toBe(0);
    }
    for (const actor of ["organiser", "admin"] as const) {
      const id = ok(
        await attempt(
          actor,
          async (tx) =>
            (
              await tx
                .insertInto("events")
                .values({
                  title: `Par ${actor}`,
                  kind: "webinar",
                  topics: [],
                  starts_at: future(5),
                  duration_minutes: 60,
                  created_by: p[actor].id,
                })
                .returning("id")
                .executeTakeFirstOrThrow()
            ).id,
        ),
      );
      const row = await system((tx) =>
        tx.selectFrom("events").select(["title", "ics_sequence"]).where("id", "=", id).executeTakeFirstOrThrow(),
      );
      expect(row).toEqual({ title: `Par ${actor}`, ics_sequence: 0 });
    }
    // Nobody deletes (an event is cancelled instead).
    refused(await attempt("organiser", (tx) => tx.deleteFrom("events").where("id", "=", ev.public).execute()), PRIVILEGE);
  });

  test("a time change or a cancellation raises the ICS sequence; capacity cannot go below registrations", async () => {
    const id = await newEvent({ title: "Séquence", capacity: 5 });
    ok(await register("member", id));
    ok(await register("registrant", id));
    ok(
      await attempt("organiser", (tx) =>
        tx
          .updateTable("events")
          .set({ starts_at: future(11) })
          .where("id", "=", id)
          .execute(),
      ),
    );
    ok(
      await attempt("organiser", (tx) =>
        tx
          .updateTable("events")
          .set({ speakers: ["Dre Exemple"] })
          .where("id", "=", id)
          .execute(),
      ),
    );
    ok(await attempt("organiser", (tx) => tx.updateTable("events").set({ status: "cancelled" }).where("id", "=", id).execute()));
    refused(
      await attempt("organiser", (tx) => tx.updateTable("events").set({ capacity: 1 }).where("id", "=", id).execute()),
      /capacity_below_registrations/,
    );
    const row = await system((tx) =>
      tx.selectFrom("events").select(["ics_sequence", "capacity", "status"]).where("id", "=", id).executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ ics_sequence: 2, capacity: 5, status: "cancelled" });
  });
});

describe("series", () => {
  test("everyone reads, organisers write", async () => {
    refused(
      await attempt("member", (tx) => tx.insertInto("event_series").values({ title: "Série pirate", created_by: p.member.id }).execute()),
      POLICY,
    );
    refused(
      await attempt("anon", (tx) => tx.insertInto("event_series").values({ title: "Série pirate", created_by: null }).execute()),
      PRIVILEGE,
    );
    ok(
      await attempt("organiser", (tx) =>
        tx.insertInto("event_series").values({ title: "Rencontres d'essai", created_by: p.organiser.id }).execute(),
      ),
    );
    const rows = ok(
      await attempt("anon", (tx) => tx.selectFrom("event_series").select("title").where("title", "=", "Rencontres d'essai").execute()),
    );
    expect(rows).toHaveLength(1);
  });
});

describe("registrations", () => {
  test("each person sees their own; organisers see all; nobody writes the table directly", async () => {
    const seen = async (actor: Actor) =>
      ok(
        await attempt(actor, (tx) => tx.selectFrom("event_registrations").select("user_id").where("event_id", "=", ev.public).execute()),
      ).map((r) => r.user_id);
    refused(await attempt("anon", (tx) => tx.selectFrom("event_registrations").select("id").execute()), PRIVILEGE);
    expect(await seen("member")).toEqual([]);
    expect(await seen("registrant")).toEqual([p.registrant.id]);
    expect(await seen("organiser")).toEqual([p.registrant.id]);
    expect(await seen("admin")).toEqual([p.registrant.id]);
    refused(
      await attempt("member", (tx) =>
        tx
          .insertInto("event_registrations")
          .values({ event_id: ev.public, user_id: p.member.id, status: "registered", waitlist_position: null })
          .execute(),
      ),
      PRIVILEGE,
    );
    refused(await attempt("registrant", (tx) => tx.updateTable("event_registrations").set({ status: "cancelled" }).execute()), PRIVILEGE);
  });

  test("refusals: twice, past, cancelled, closed, outside the audience, anonymous", async () => {
    refused(await register("registrant", ev.public), /event_already_registered/);
    refused(await register("member", ev.past), /event_past/);
    refused(await register("member", ev.cancelled), /event_cancelled/);
    refused(await register("member", ev.closed), /event_closed/);
    refused(await register("unverified", ev.verified), /event_not_found/);
    refused(await register("member", ev.space), /event_not_found/);
    refused(await register("anon", ev.public), PRIVILEGE);
    refused(await unregister("member", ev.public, p.registrant.id), /event_not_found/);
    refused(await unregister("member", ev.public, p.member.id), /event_not_registered/);
    const rows = await system((tx) =>
      tx.selectFrom("event_registrations").select("status").where("event_id", "in", Object.values(ev)).execute(),
    );
    expect(rows).toEqual([{ status: "registered" }]);
  });

  test("a full event waitlists; a cancellation promotes the first on the waitlist", async () => {
    const id = await newEvent({ title: "Complet", capacity: 1 });
    expect(ok(await register("member", id))).toBe("registered");
    expect(ok(await register("registrant", id))).toBe("waitlisted");
    expect(ok(await register("spaceMember", id))).toBe("waitlisted");
    expect(ok(await unregister("member", id, p.member.id))).toEqual([p.registrant.id]);
    // An organiser cancels someone else's place: the next one moves up.
    expect(ok(await unregister("organiser", id, p.registrant.id))).toEqual([p.spaceMember.id]);
    const rows = await system((tx) =>
      tx.selectFrom("event_registrations").select(["user_id", "status"]).where("event_id", "=", id).orderBy("id").execute(),
    );
    expect(rows).toEqual([
      { user_id: p.member.id, status: "cancelled" },
      { user_id: p.registrant.id, status: "cancelled" },
      { user_id: p.spaceMember.id, status: "registered" },
    ]);
    // Registering again after cancelling is allowed (the event is full: waitlist).
    expect(ok(await register("member", id))).toBe("waitlisted");
  });
});

describe("calendar tokens", () => {
  test("own tokens only; anonymous none", async () => {
    const hash = "a".repeat(64);
    ok(await attempt("member", (tx) => tx.insertInto("calendar_tokens").values({ user_id: p.member.id, token_hash: hash }).execute()));
    refused(
      await attempt("registrant", (tx) =>
        tx
          .insertInto("calendar_tokens")
          .values({ user_id: p.member.id, token_hash: "b".repeat(64) })
          .execute(),
      ),
      POLICY,
    );
    expect(ok(await attempt("registrant", (tx) => tx.selectFrom("calendar_tokens").select("id").execute()))).toEqual([]);
    expect(ok(await attempt("organiser", (tx) => tx.selectFrom("calendar_tokens").select("id").execute()))).toEqual([]);
    refused(await attempt("anon", (tx) => tx.selectFrom("calendar_tokens").select("id").execute()), PRIVILEGE);
    expect(ok(await attempt("member", (tx) => tx.selectFrom("calendar_tokens").select("token_hash").execute()))).toEqual([
      { token_hash: hash },
    ]);
  });
});

describe("capacity under concurrency", () => {
  test("50 simultaneous registrations for the last 10 places: exactly 10 registered, 40 waitlisted", async () => {
    const id = await newEvent({ title: "Dix places", capacity: 12 });
    ok(await register("member", id));
    ok(await register("registrant", id));
    const people: TestUser[] = [];
    for (let i = 0; i < 50; i += 1) people.push(await createUser(t.db, { displayName: `Personne ${i}` }));
    // On PostgreSQL a pool of 25 real connections races; PGlite has one session (serialised).
    const racing: Database = t.kind === "postgres" && t.url ? createPostgresDatabase(t.url, { max: 25 }) : t.db;
    try {
      const outcomes = await Promise.all(
        people.map((person) =>
          racing.withUser(
            person.claims,
            async (tx) => (await sql<{ status: string }>`select public.event_register(${id}) as status`.execute(tx)).rows[0]?.status,
          ),
        ),
      );
      expect(outcomes.filter((s) => s === "registered")).toHaveLength(10);
      expect(outcomes.filter((s) => s === "waitlisted")).toHaveLength(40);
    } finally {
      if (racing !== t.db) await racing.close();
    }
    const rows = await system((tx) =>
      tx.selectFrom("event_registrations").select(["status", "waitlist_position"]).where("event_id", "=", id).execute(),
    );
    expect(rows.filter((r) => r.status === "registered")).toHaveLength(12);
    const positions = rows
      .filter((r) => r.status === "waitlisted")
      .map((r) => r.waitlist_position)
      .sort((a, b) => Number(a) - Number(b));
    expect(positions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
