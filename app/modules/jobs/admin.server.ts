// What /admin/jobs shows: the queue's state and recent runs, and the queue's lag
// (age of the oldest due job), which is deliberately not part of the public /healthz.
// The tables are server-only (no grant to authenticated): the route checks the admin
// role first, then reads through the named system path.
import { sql } from "kysely";
import type { Database } from "~/utils/db.server";
import type { JobState } from "~/utils/db-schema";

const LIST_LIMIT = 50;

export interface JobListItem {
  id: number;
  type: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  finishedAt: string | null;
  schedule: string | null;
}
export interface JobRunItem {
  id: number;
  jobId: number;
  type: string;
  attempt: number;
  worker: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: "succeeded" | "failed" | "abandoned" | null;
  error: string | null;
}
export interface JobsOverview {
  counts: Record<JobState, number>;
  /** Milliseconds the oldest due, unclaimed job has waited (0 when none). */
  lagMs: number;
  queued: JobListItem[];
  running: JobListItem[];
  failed: JobListItem[];
  runs: JobRunItem[];
  schedules: Array<{ name: string; type: string; cron: string; nextRunAt: string }>;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export async function getJobsOverview(db: Database): Promise<JobsOverview> {
  return db.asSystem("admin: jobs overview (role checked by the route)", async (tx) => {
    const counted = await tx
      .selectFrom("jobs")
      .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("state")
      .execute();
    const counts: Record<JobState, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    for (const row of counted) counts[row.state] = Number(row.n);
    const lag = await sql<{ ms: number | null }>`
      select (extract(epoch from now() - min(run_at)) * 1000)::float8 as ms
        from public.jobs where state = 'queued' and run_at <= now()`.execute(tx);
    const list = async (state: JobState, order: "run_at" | "finished_at" | "started_at") => {
      const rows = await tx
        .selectFrom("jobs")
        .selectAll()
        .where("state", "=", state)
        .orderBy(order, order === "run_at" ? "asc" : "desc")
        .orderBy("id", "desc")
        .limit(LIST_LIMIT)
        .execute();
      return rows.map((r): JobListItem => ({
        id: r.id,
        type: r.type,
        state: r.state,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        runAt: new Date(r.run_at).toISOString(),
        lockedBy: r.locked_by,
        lockedUntil: iso(r.locked_until),
        lastError: r.last_error,
        finishedAt: iso(r.finished_at),
        schedule: r.schedule,
      }));
    };
    const runs = await tx
      .selectFrom("job_runs")
      .innerJoin("jobs", "jobs.id", "job_runs.job_id")
      .select([
        "job_runs.id",
        "job_runs.job_id",
        "jobs.type",
        "job_runs.attempt",
        "job_runs.worker",
        "job_runs.started_at",
        "job_runs.finished_at",
        "job_runs.outcome",
        "job_runs.error",
      ])
      .orderBy("job_runs.started_at", "desc")
      .orderBy("job_runs.id", "desc")
      .limit(LIST_LIMIT)
      .execute();
    const schedules = await tx.selectFrom("job_schedules").select(["name", "type", "cron", "next_run_at"]).orderBy("name").execute();
    return {
      counts,
      lagMs: Math.max(0, Math.round(lag.rows[0]?.ms ?? 0)),
      queued: await list("queued", "run_at"),
      running: await list("running", "started_at"),
      failed: await list("failed", "finished_at"),
      runs: runs.map((r) => ({
        id: r.id,
        jobId: r.job_id,
        type: r.type,
        attempt: r.attempt,
        worker: r.worker,
        startedAt: new Date(r.started_at).toISOString(),
        finishedAt: iso(r.finished_at),
        outcome: r.outcome,
        error: r.error,
      })),
      schedules: schedules.map((s) => ({ name: s.name, type: s.type, cron: s.cron, nextRunAt: new Date(s.next_run_at).toISOString() })),
    };
  });
}
