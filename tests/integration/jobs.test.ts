// The job queue (decision 011) on PGlite and PostgreSQL: idempotency keys, run-at,
// retries with backoff then "failed" with the error, refusals (unknown type, bad cron,
// retrying a job that succeeded), cancellation, recurring schedules that run once per
// occurrence however many workers look, a dead worker's job taken again after its
// lease, and mail delivered through the queue to a real SMTP server exactly once.
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createJobQueue, JobError, type JobQueue } from "~/modules/jobs/queue.server";
import { createPostgresDatabase, type Database } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import { startSmtpSink, type SmtpSink } from "../setup/smtp-sink";
import { createTestDatabase, type TestDatabase } from "../setup/test-db";

const logger = pino({ level: "silent" });
let t: TestDatabase;
/** A second connection pool on PostgreSQL (real concurrency); the same session on PGlite. */
let other: Database;
let sink: SmtpSink;

beforeAll(async () => {
  t = await createTestDatabase();
  other = t.kind === "postgres" && t.url ? createPostgresDatabase(t.url) : t.db;
  sink = await startSmtpSink();
});
afterAll(async () => {
  if (other !== t.db) await other.close();
  await t.cleanup();
  await sink.close();
});

const fast = { backoffMs: 20, leaseMs: 2000, pollMs: 50 };
function queueOn(db: Database, workerId?: string): JobQueue {
  return createJobQueue({ db, logger, workerId, worker: fast });
}
const jobRow = (id: number) =>
  t.db.asSystem("test: read job", (tx) => tx.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
const runsOf = (id: number) =>
  t.db.asSystem("test: read runs", (tx) => tx.selectFrom("job_runs").selectAll().where("job_id", "=", id).orderBy("attempt").execute());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("scheduling", () => {
  test("scheduling the same reminder twice creates one job, which runs once", async () => {
    const seen: unknown[] = [];
    const q = queueOn(t.db);
    q.define("test.reminder", async (payload) => void seen.push(payload.registration));
    const at = new Date(Date.now() - 1000);
    const first = await q.schedule({ type: "test.reminder", payload: { registration: "R1" }, runAt: at, key: "reminder:R1:7d" });
    const second = await q.schedule({ type: "test.reminder", payload: { registration: "R1" }, runAt: at, key: "reminder:R1:7d" });
    expect(second).toEqual({ id: first.id, created: false });
    expect(first.created).toBe(true);
    await q.runDue();
    await q.runDue();
    expect(seen).toEqual(["R1"]);
    expect((await jobRow(first.id)).state).toBe("succeeded");
  });

  test("a job waits for its time", async () => {
    const seen: string[] = [];
    const q = queueOn(t.db);
    q.define("test.later", async () => void seen.push("ran"));
    const { id } = await q.schedule({ type: "test.later", runAt: new Date(Date.now() + 60 * 60_000) });
    await q.runDue();
    expect(seen).toEqual([]);
    await t.db.asSystem("test: make it due", (tx) =>
      tx
        .updateTable("jobs")
        .set({ run_at: new Date(Date.now() - 1000) })
        .where("id", "=", id)
        .execute(),
    );
    await q.runDue();
    expect(seen).toEqual(["ran"]);
  });

  test("a job type nobody handles, a bad payload or a malformed cron expression is refused with a clear error", async () => {
    const q = queueOn(t.db);
    q.define("test.typed", { handler: async () => {}, schema: (await import("zod")).z.object({ id: (await import("zod")).z.number() }) });
    await expect(q.schedule({ type: "test.nobody" })).rejects.toThrow(/no handler is defined for job type "test.nobody"/);
    await expect(q.schedule({ type: "test.typed", payload: { id: "x" } })).rejects.toMatchObject({ code: "bad_payload" });
    await expect(q.recurring("test.bad-cron", { type: "test.typed", cron: "61 * * * *" })).rejects.toThrow(
      /invalid cron expression "61 \* \* \* \*".*minute/,
    );
    await expect(q.recurring("test.bad-cron", { type: "test.typed", cron: "tous les jours" })).rejects.toMatchObject({ code: "bad_cron" });
    const count = await t.db.asSystem("test: count", (tx) =>
      tx.selectFrom("job_schedules").select("name").where("name", "=", "test.bad-cron").execute(),
    );
    expect(count).toEqual([]);
  });
});

describe("failures", () => {
  test("a handler that throws is retried with backoff, then marked failed with its error, and the worker carries on", async () => {
    const q = queueOn(t.db);
    let calls = 0;
    q.define("test.flaky", async () => {
      calls += 1;
      throw new Error(`relay refused (call ${calls})`);
    });
    q.define("test.fine", async () => {});
    const { id } = await q.schedule({ type: "test.flaky", maxAttempts: 3 });
    q.start(fast);
    try {
      await expect.poll(async () => (await jobRow(id)).state, { timeout: 15_000, interval: 50 }).toBe("failed");
      // The worker still runs other jobs.
      const fine = await q.schedule({ type: "test.fine" });
      await expect.poll(async () => (await jobRow(fine.id)).state, { timeout: 15_000, interval: 50 }).toBe("succeeded");
    } finally {
      await q.stop();
    }
    const row = await jobRow(id);
    expect(calls).toBe(3);
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe("Error: relay refused (call 3)");
    expect((await runsOf(id)).map((r) => r.outcome)).toEqual(["failed", "failed", "failed"]);
  });

  test("an admin may retry a failed job (it runs again) but not one that already succeeded; cancelled jobs never run", async () => {
    const q = queueOn(t.db);
    let fail = true;
    const seen: string[] = [];
    q.define("test.retry", async (payload) => {
      if (fail) throw new Error("storage unreachable");
      seen.push(String(payload.n));
    });
    const { id } = await q.schedule({ type: "test.retry", payload: { n: 1 }, maxAttempts: 1 });
    await q.runDue();
    expect((await jobRow(id)).state).toBe("failed");
    fail = false;
    await q.retry(id);
    await q.runDue();
    expect((await jobRow(id)).state).toBe("succeeded");
    expect(seen).toEqual(["1"]);
    const refusal = await q.retry(id).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(JobError);
    expect(refusal).toMatchObject({ code: "not_retryable", message: `job ${id} already succeeded: it is not run again` });

    const later = await q.schedule({ type: "test.retry", payload: { n: 2 } });
    await q.cancel(later.id);
    await q.runDue();
    expect((await jobRow(later.id)).state).toBe("cancelled");
    expect(seen).toEqual(["1"]);
    await expect(q.cancel(id)).rejects.toMatchObject({ code: "not_cancellable" });
    await expect(q.retry(999_999_999)).rejects.toMatchObject({ code: "not_found" });
  });

  test("a job whose worker died mid-run is run again once its lease has expired, and the dead run is recorded as abandoned", async () => {
    const q = queueOn(t.db, "survivor");
    const seen: number[] = [];
    q.define("test.lease", async (payload) => void seen.push(Number(payload.n)));
    const { id } = await q.schedule({ type: "test.lease", payload: { n: 7 } });
    // What a worker that was killed -9 leaves behind: a running job and an open run.
    await t.db.asSystem("test: a dead worker's claim", async (tx) => {
      await tx
        .updateTable("jobs")
        .set({ state: "running", attempts: 1, locked_by: "dead", locked_until: new Date(Date.now() + 60_000) })
        .where("id", "=", id)
        .execute();
      await tx.insertInto("job_runs").values({ job_id: id, attempt: 1, worker: "dead" }).execute();
    });
    await q.runDue();
    expect(seen).toEqual([]); // the lease still holds
    await t.db.asSystem("test: the lease runs out", (tx) =>
      tx
        .updateTable("jobs")
        .set({ locked_until: new Date(Date.now() - 1000) })
        .where("id", "=", id)
        .execute(),
    );
    await q.runDue();
    expect(seen).toEqual([7]);
    expect((await runsOf(id)).map((r) => [r.worker, r.outcome])).toEqual([
      ["dead", "abandoned"],
      ["survivor", "succeeded"],
    ]);
  });
});

describe("several workers on one database", () => {
  test("two workers never run the same job: 200 jobs, each run exactly once", async () => {
    const runs = new Map<number, number>();
    const make = (db: Database, name: string) => {
      const q = queueOn(db, name);
      q.define("test.once", async (payload) => {
        const n = Number(payload.n);
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await sleep(1);
      });
      return q;
    };
    const a = make(t.db, "a");
    const b = make(other, "b");
    await t.db.asSystem("test: 200 jobs", async (tx) => {
      for (let n = 0; n < 200; n++) await a.schedule({ type: "test.once", payload: { n } }, tx);
    });
    await Promise.all([a.runDue(), b.runDue()]);
    expect(runs.size).toBe(200);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    const workers = await t.db.asSystem("test: who ran", (tx) =>
      tx
        .selectFrom("job_runs")
        .innerJoin("jobs", "jobs.id", "job_runs.job_id")
        .select("job_runs.worker")
        .where("jobs.type", "=", "test.once")
        .execute(),
    );
    expect(workers).toHaveLength(200);
  });

  test("a recurring job due once runs once, however many workers look", async () => {
    const seen: string[] = [];
    const make = (db: Database) => {
      const q = queueOn(db);
      q.define("test.digest", async () => void seen.push("digest"));
      return q;
    };
    const a = make(t.db);
    const b = make(other);
    await a.recurring("test.yearly", { type: "test.digest", cron: "0 9 1 1 *" });
    await b.recurring("test.yearly", { type: "test.digest", cron: "0 9 1 1 *" });
    await a.runDue();
    expect(seen).toEqual([]); // not due until January
    await t.db.asSystem("test: it is due", (tx) =>
      sql`update public.job_schedules set next_run_at = now() - interval '1 second' where name = 'test.yearly'`.execute(tx),
    );
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    await Promise.all([a.runDue(), b.runDue()]);
    expect(seen).toEqual(["digest"]);
    const schedule = await t.db.asSystem("test: schedule", (tx) =>
      tx.selectFrom("job_schedules").selectAll().where("name", "=", "test.yearly").executeTakeFirstOrThrow(),
    );
    expect(new Date(schedule.next_run_at).getTime()).toBeGreaterThan(Date.now());
  });
});

describe("mail through the queue", () => {
  test("outbox mail reaches a real SMTP server once each, with a stable Message-ID", async () => {
    const q = queueOn(t.db);
    const mail = createMailer({ db: t.db, smtpUrl: sink.url, from: "passerelle@example.org", logger, jobs: q });
    q.define("mail.deliver", async (payload) => void (await mail.deliver(Number(payload.outboxId))));
    const before = sink.messageIds.length;
    await t.db.asSystem("test: 30 emails", async (tx) => {
      for (let i = 0; i < 30; i++)
        await mail.enqueue({ to: `person${i}@example.org`, subject: `Sujet ${i}`, text: "Bonjour", kind: "test" }, tx);
    });
    await q.runDue();
    const arrived = sink.messageIds.slice(before);
    expect(arrived).toHaveLength(30);
    expect(new Set(arrived).size).toBe(30);
    expect(arrived.every((id) => /^<outbox-\d+\.[0-9a-z]+@example\.org>$/.test(id))).toBe(true);
    const unsent = await t.db.asSystem("test: unsent", (tx) =>
      tx.selectFrom("outbox").select("id").where("kind", "=", "test").where("sent_at", "is", null).execute(),
    );
    expect(unsent).toEqual([]);
    // A delivery job run again (at least once) does not send the mail again.
    const jobIds = await t.db.asSystem("test: mail jobs", (tx) =>
      tx.selectFrom("jobs").select("id").where("type", "=", "mail.deliver").execute(),
    );
    await t.db.asSystem("test: replay", (tx) => tx.updateTable("jobs").set({ state: "failed" }).where("id", "=", jobIds[0]!.id).execute());
    await q.retry(jobIds[0]!.id);
    await q.runDue();
    expect(sink.messageIds.length - before).toBe(30);
    await mail.stop();
  });
});
