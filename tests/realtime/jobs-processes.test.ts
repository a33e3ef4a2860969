// The job queue across two real app processes (tests/realtime/chat-server-process.ts)
// on one PostgreSQL, mail going to a real SMTP server on loopback:
//  - 500 outbox emails arrive exactly once each;
//  - a recurring job due once runs once;
//  - kill -9 of one process mid-way: every job still completes, and the only
//    repeats are the ones decision 011 allows (a message the killed process had
//    handed to SMTP but not yet marked sent, resent with the same Message-ID).
import { randomUUID } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createJobQueue } from "../../app/modules/jobs/queue.server";
import { createPostgresDatabase, type Database } from "../../app/utils/db.server";
import { createMailer, MAIL_DELIVER_JOB } from "../../app/utils/mail.server";
import { migrate } from "../../app/utils/migrate.server";
import { freePort } from "../e2e/helpers";
import { PG_DB_PREFIX, quoteIdent } from "../setup/db-env";
import { startSmtpSink, type SmtpSink } from "../setup/smtp-sink";
import { spawnServer, type ServerProcess } from "./chat-process-kit";

const PG_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
// On CI a missing PostgreSQL fails the run (scripts/test.mjs); by hand it skips.
const CONCURRENCY = 8;

interface PgDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}
async function createDatabase(): Promise<PgDatabase> {
  if (!PG_URL) throw new Error("no PostgreSQL");
  const name = `${PG_DB_PREFIX}jobs_${Date.now()}_${process.pid}_${randomUUID().slice(0, 6)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${quoteIdent(name)}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const db = createPostgresDatabase(url.toString(), { max: 4 });
  await migrate(db);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
      await client.end();
    },
  };
}

const servers: ServerProcess[] = [];
let database: PgDatabase;
let sink: SmtpSink;

async function start(): Promise<ServerProcess> {
  const server = await spawnServer({
    PORT: String(await freePort()),
    SEED_DEMO: "false",
    DATABASE_URL: database.url,
    SMTP_URL: sink.url,
    MAIL_FROM: "passerelle@example.org",
    APP_SECRET: "a-test-secret-of-at-least-thirty-two-characters",
    JOBS_POLL_MS: "200",
    JOBS_LEASE_MS: "3000",
    JOBS_CONCURRENCY: String(CONCURRENCY),
    JOBS_BACKOFF_MS: "200",
  });
  servers.push(server);
  return server;
}

/** Writes mail the way the app does: outbox row and delivery job in one transaction. */
async function enqueueMail(count: number, tag: string): Promise<void> {
  const jobs = createJobQueue({ db: database.db, logger: pino({ level: "silent" }) });
  const mail = createMailer({
    db: database.db,
    smtpUrl: sink.url,
    from: "passerelle@example.org",
    logger: pino({ level: "silent" }),
    jobs,
  });
  jobs.define(MAIL_DELIVER_JOB, async () => {});
  for (let i = 0; i < count; i += 100) {
    await database.db.asSystem("test: mail", async (tx) => {
      for (let n = i; n < Math.min(count, i + 100); n++) {
        await mail.enqueue({ to: `personne${n}@example.org`, subject: `${tag} ${n}`, text: "Bonjour", kind: tag }, tx);
      }
    });
  }
}

const mailJobStates = () =>
  database.db.asSystem("test: states", async (tx) =>
    (
      await tx
        .selectFrom("jobs")
        .select(["state"])
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("type", "=", MAIL_DELIVER_JOB)
        .groupBy("state")
        .execute()
    ).reduce<Record<string, number>>((all, row) => ({ ...all, [row.state]: Number(row.n) }), {}),
  );

describe.skipIf(!PG_URL && !process.env.CI)("jobs across two processes on PostgreSQL", () => {
  beforeAll(async () => {
    database = await createDatabase();
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await sink?.close();
    await database?.drop();
  });

  it("delivers 500 outbox emails exactly once each, and runs a recurring job due once exactly once", { timeout: 240_000 }, async () => {
    await Promise.all([start(), start()]);
    const before = sink.messageIds.length;
    await enqueueMail(500, "burst");
    // A schedule due now with a yearly expression: one occurrence to run.
    await database.db.asSystem("test: due schedule", (tx) =>
      tx
        .insertInto("job_schedules")
        .values({ name: "test.once", type: "mail.sweep", cron: "0 9 1 1 *", payload: "{}", next_run_at: new Date(Date.now() - 1000) })
        .execute(),
    );
    await expect.poll(mailJobStates, { timeout: 180_000, interval: 500 }).toEqual({ succeeded: 500 });
    const arrived = sink.messageIds.slice(before);
    expect(arrived).toHaveLength(500);
    expect(new Set(arrived).size).toBe(500);
    // Both processes did part of the work.
    const workers = await database.db.asSystem("test: workers", (tx) => tx.selectFrom("job_runs").select("worker").distinct().execute());
    expect(workers.length).toBe(2);
    const once = await database.db.asSystem("test: once", (tx) =>
      tx.selectFrom("jobs").select(["state"]).where("schedule", "=", "test.once").execute(),
    );
    expect(once).toEqual([{ state: "succeeded" }]);
  });

  it(
    "kill -9 of one process mid-way: every job still completes, none twice beyond the in-flight mail of the dead process",
    { timeout: 240_000 },
    async () => {
      await database.db.asSystem("test: clean", (tx) => tx.deleteFrom("jobs").execute());
      const [a] = await Promise.all([start(), start()]);
      sink.setDelay(15);
      const before = sink.messageIds.length;
      await enqueueMail(300, "crash");
      await expect.poll(() => sink.messageIds.length - before, { timeout: 120_000, interval: 50 }).toBeGreaterThan(60);
      await a!.kill();
      sink.setDelay(0);
      await expect.poll(mailJobStates, { timeout: 180_000, interval: 500 }).toEqual({ succeeded: 300 });
      const arrived = sink.messageIds.slice(before);
      expect(new Set(arrived).size).toBe(300);
      // Decision 011: a resend only for mail the killed process had in flight (≤ its concurrency).
      expect(arrived.length - 300).toBeLessThanOrEqual(CONCURRENCY);
      const runs = await database.db.asSystem("test: runs", (tx) => tx.selectFrom("job_runs").select(["job_id", "outcome"]).execute());
      const succeeded = new Map<number, number>();
      for (const r of runs) if (r.outcome === "succeeded") succeeded.set(r.job_id, (succeeded.get(r.job_id) ?? 0) + 1);
      expect([...succeeded.values()].every((n) => n === 1)).toBe(true);
      expect(runs.filter((r) => r.outcome === "abandoned" || r.outcome === null).length).toBeLessThanOrEqual(CONCURRENCY);
    },
  );
});
