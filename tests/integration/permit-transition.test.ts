// Decision 030, the permits' loose ends. Members verified before permits were recorded get
// a provisional re-verification date (the next 31 March at least 60 days away): nobody is
// locked out that day, those verified by a sponsor get none, a real verification date
// clears the mark. Registering for an event with a lapsed permit is refused by the
// database (403 through the events module, nothing stored). Runs on PGlite and PostgreSQL.
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getViewer,
  listReverification,
  runPermitsDaily,
  submitPermitRenewal,
  verifyMember,
  type Viewer,
} from "~/modules/accounts/accounts.server";
import { registerForEvent, REMINDER_JOB, unregisterFromEvent } from "~/modules/events/events.server";
import { reminderJobSchema } from "~/modules/events/schemas";
import { createJobQueue, type JobQueue } from "~/modules/jobs/queue.server";
import type { Tx } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

const logger = pino({ level: "silent" });
let t: TestDatabase;
let jobs: JobQueue;
let admin: Viewer;
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: permit transition", fn);
const viewerOf = async (claims: Viewer["claims"]) => (await getViewer(t.db, claims))!;
const permitOf = (id: string) =>
  system((tx) =>
    tx.selectFrom("member_permits").select(["expires_on", "provisional", "lapsed_at"]).where("user_id", "=", id).executeTakeFirst(),
  );
const day = (d: Date | string | undefined) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

beforeAll(async () => {
  t = await createTestDatabase();
  jobs = createJobQueue({ db: t.db, logger, worker: { backoffMs: 20, leaseMs: 2000, pollMs: 50 } });
  // The queue is never started: a registration only schedules its reminders.
  jobs.define(REMINDER_JOB, { schema: reminderJobSchema, handler: async () => undefined });
  admin = await viewerOf((await createUser(t.db, { roles: ["admin"] })).claims);
});

afterAll(async () => {
  await t?.cleanup();
});

describe("verifications from before permits", () => {
  it("fall due on the first 31 March at least 60 days away", async () => {
    const due = async (today: string) =>
      (await system((tx) => sql<{ d: string }>`select public.transition_permit_due(${today}::date)::text as d`.execute(tx))).rows[0]!.d;
    expect(await due("2026-12-09")).toBe("2027-03-31");
    expect(await due("2027-01-30")).toBe("2027-03-31");
    expect(await due("2027-01-31")).toBe("2028-03-31");
    expect(await due("2027-06-01")).toBe("2028-03-31");
  });

  it("get a provisional date, not a lapse; a sponsor's vouching gets none; a real date clears the mark", async () => {
    const onPermit = await createUser(t.db, {});
    const sponsored = await createUser(t.db, { discipline: "pair_aidant" });
    const never = await createUser(t.db, {});
    await system(async (tx) => {
      await tx
        .insertInto("verifications")
        .values({
          user_id: onPermit.id,
          decision: "verified",
          method: "order_register",
          verified_by: admin.id,
          note: "Vérifié avant les permis",
        })
        .execute();
      await tx
        .insertInto("verifications")
        .values({ user_id: sponsored.id, decision: "verified", method: "sponsor", verified_by: admin.id, note: "Parrainage" })
        .execute();
    });
    expect(await permitOf(onPermit.id)).toBeUndefined();

    const today = "2026-12-09";
    const added = await system((tx) => sql<{ n: number }>`select public.backfill_transition_permits(${today}::date) as n`.execute(tx));
    expect(added.rows[0]!.n).toBeGreaterThanOrEqual(1);
    const permit = await permitOf(onPermit.id);
    expect(day(permit?.expires_on)).toBe("2027-03-31");
    expect(permit?.provisional).toBe(true);
    expect(permit?.lapsed_at).toBeNull();
    expect(await permitOf(sponsored.id)).toBeUndefined();
    expect(await permitOf(never.id)).toBeUndefined();
    // Run again: nothing more, nothing changed.
    const again = await system((tx) => sql<{ n: number }>`select public.backfill_transition_permits(${today}::date) as n`.execute(tx));
    expect(again.rows[0]!.n).toBe(0);

    // Day one: not lapsed, posting as before. A month before the date: in the admins' queue.
    expect(await runPermitsDaily({ db: t.db, jobs }, new Date("2026-12-09T17:00:00Z"))).toMatchObject({ lapsed: 0 });
    expect((await viewerOf(onPermit.claims)).permit?.lapsed).toBe(false);
    expect((await listReverification(t.db, admin, new Date("2026-12-09T17:00:00Z"))).some((r) => r.userId === onPermit.id)).toBe(false);
    const queued = (await listReverification(t.db, admin, new Date("2027-03-10T17:00:00Z"))).find((r) => r.userId === onPermit.id);
    expect(queued?.provisional).toBe(true);
    // She is told the date is a deadline to confirm her permit (the banner and her permit page read this).
    const hers = await viewerOf(onPermit.claims);
    expect(hers.permit).toMatchObject({ expiresOn: "2027-03-31", provisional: true });
    // Her real permit may expire on the provisional date itself: that date is not "not later".
    expect(await submitPermitRenewal(t.db, hers, { expiresOn: "2027-03-31" }, new Date("2026-12-09T17:00:00Z"))).toEqual({ ok: true });
    expect(await submitPermitRenewal(t.db, hers, { expiresOn: "2026-12-09" }, new Date("2026-12-09T17:00:00Z"))).toMatchObject({
      ok: false,
      status: 400,
    });

    // The admin records the permit's real expiry: no longer provisional.
    const outcome = await verifyMember(t.db, admin, {
      userId: onPermit.id,
      decision: "verified",
      method: "order_register",
      note: "Permis vérifié au tableau de l'ordre",
      permitExpiresOn: "2027-09-30",
    });
    expect(outcome.ok).toBe(true);
    const real = await permitOf(onPermit.id);
    expect([day(real?.expires_on), real?.provisional]).toEqual(["2027-09-30", false]);
  });
});

describe("registering for an event with a lapsed permit", () => {
  it("is refused (403, a message), nothing stored; once renewed it works", async () => {
    const user = await createUser(t.db, { verified: true });
    await system((tx) =>
      tx
        .insertInto("member_permits")
        .values({ user_id: user.id, expires_on: "2026-01-01", lapsed_at: new Date("2026-01-02T05:00:00Z") })
        .execute(),
    );
    const event = await system((tx) =>
      tx
        .insertInto("events")
        .values({
          title: "Webinaire public",
          kind: "webinar",
          starts_on: "2099-06-10",
          starts_at: new Date("2099-06-10T16:00:00Z"),
          duration_minutes: 60,
        })
        .returning("id")
        .executeTakeFirstOrThrow(),
    );
    const mail = createMailer({ db: t.db, from: "Passerelle <noreply@passerelle.example>", logger, jobs });
    const services = { db: t.db, mail, jobs, publicUrl: "http://passerelle.test" };
    const viewer = await viewerOf(user.claims);
    expect(viewer.permit?.lapsed).toBe(true);
    expect(await registerForEvent(services, viewer, event.id)).toEqual({ ok: false, status: 403, formError: "events.errors.permitLapsed" });
    const stored = await system((tx) => tx.selectFrom("event_registrations").select("id").where("user_id", "=", user.id).execute());
    expect(stored).toHaveLength(0);

    await system((tx) =>
      tx.updateTable("member_permits").set({ lapsed_at: null, expires_on: "2027-01-01" }).where("user_id", "=", user.id).execute(),
    );
    expect(await registerForEvent(services, await viewerOf(user.claims), event.id)).toEqual({ ok: true, status: "registered" });

    // Lapsed again while registered: she may still withdraw, which frees her seat.
    await system((tx) =>
      tx
        .updateTable("member_permits")
        .set({ lapsed_at: new Date("2027-01-02T05:00:00Z") })
        .where("user_id", "=", user.id)
        .execute(),
    );
    const lapsed = await viewerOf(user.claims);
    expect(lapsed.permit?.lapsed).toBe(true);
    expect(await unregisterFromEvent(services, lapsed, event.id)).toMatchObject({ ok: true });
    const left = await system((tx) =>
      tx.selectFrom("event_registrations").select("status").where("user_id", "=", user.id).where("event_id", "=", event.id).execute(),
    );
    expect(left.every((r) => r.status !== "registered")).toBe(true);
  });
});
