// The one job queue (decision 011): everything that happens later or on a schedule is
// a row of public.jobs. Any number of processes run a worker on the same database;
// each claims due rows with FOR UPDATE SKIP LOCKED and holds them under a lease, so
// two workers never run the same job, and a job whose worker died (kill -9) is taken
// again once its lease has run out. Works the same on PGlite (one shared session:
// claims are short transactions, there is no LISTEN) and on PostgreSQL.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { ZodType } from "zod";
import type { Database, SystemTx, Tx } from "~/utils/db.server";
import type { JobState } from "~/utils/db-schema";
import { backoffDelayMs, CronError, nextOccurrence, validateCron } from "./cron";

export type JobErrorCode = "unknown_type" | "bad_payload" | "bad_cron" | "bad_schedule" | "not_found" | "not_retryable" | "not_cancellable";

/** A refusal the caller can show: the job was not scheduled or changed. */
export class JobError extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "JobError";
  }
}

const JOB_ERROR_CODES: readonly string[] = [
  "unknown_type",
  "bad_payload",
  "bad_cron",
  "bad_schedule",
  "not_found",
  "not_retryable",
  "not_cancellable",
];

/**
 * By shape, not instanceof: the queue is created by the server (source) while routes
 * run from the Remix build, which bundles its own copy of this class.
 */
export function isJobError(error: unknown): error is JobError {
  return (
    error instanceof Error &&
    error.name === "JobError" &&
    "code" in error &&
    typeof error.code === "string" &&
    JOB_ERROR_CODES.includes(error.code)
  );
}

export interface ClaimedJob {
  id: number;
  type: string;
  key: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  schedule: string | null;
}

export interface JobContext {
  job: ClaimedJob;
  logger: Logger;
}

export type JobHandler = (payload: Record<string, unknown>, context: JobContext) => Promise<void>;

export interface JobDefinition {
  handler: JobHandler;
  /** Validates the payload when the job is scheduled. */
  schema?: ZodType<Record<string, unknown>>;
  maxAttempts?: number;
}

export interface ScheduleInput {
  type: string;
  payload?: Record<string, unknown>;
  /** When it may run (default: now). */
  runAt?: Date;
  /** Idempotency key: a second schedule with the same key creates no second job. */
  key?: string;
  maxAttempts?: number;
}

export interface WorkerOptions {
  /** Jobs run at once by this process. */
  concurrency?: number;
  /** How often the queue is looked at when idle. */
  pollMs?: number;
  /** How long a claim holds before another worker may take the job (renewed while it runs). */
  leaseMs?: number;
  /** First retry delay; doubles each attempt. */
  backoffMs?: number;
  /** How long stop() waits for running jobs before leaving them to the lease. */
  stopTimeoutMs?: number;
}

export interface JobQueue {
  readonly workerId: string;
  define(type: string, definition: JobDefinition | JobHandler): void;
  types(): string[];
  /** Inside an open system transaction (same commit as the change that caused it), or in its own. */
  schedule(input: ScheduleInput, tx?: SystemTx): Promise<{ id: number; created: boolean }>;
  /** Creates or updates a recurring schedule (cron in America/Toronto). */
  recurring(name: string, input: { type: string; cron: string; payload?: Record<string, unknown> }): Promise<void>;
  cancel(id: number): Promise<void>;
  /** A failed or cancelled job runs again (attempts start over). */
  retry(id: number): Promise<void>;
  /** One pass: materialise due schedules, claim and run due jobs, wait for them. Returns how many ran. */
  runDue(): Promise<number>;
  start(options?: WorkerOptions): void;
  /** Looks at the queue now instead of at the next poll. */
  wake(): void;
  stop(): Promise<void>;
}

const MAX_ERROR_LENGTH = 2000;
const DEFAULT_MAX_ATTEMPTS = 5;

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}

interface ClaimRow {
  id: number;
  type: string;
  key: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  schedule: string | null;
}

export function createJobQueue(options: { db: Database; logger: Logger; workerId?: string; worker?: WorkerOptions }): JobQueue {
  const { db } = options;
  const logger = options.logger.child({ module: "jobs" });
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const definitions = new Map<string, JobDefinition>();
  let settings: Required<WorkerOptions> = {
    concurrency: 4,
    pollMs: 1000,
    leaseMs: 60_000,
    backoffMs: 10_000,
    stopTimeoutMs: 5000,
    ...options.worker,
  };
  const running = new Map<number, Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let started = false;
  let ticking: Promise<void> | null = null;
  let again = false;

  const definitionOf = (type: string): JobDefinition => {
    const definition = definitions.get(type);
    if (!definition) throw new JobError("unknown_type", `no handler is defined for job type ${JSON.stringify(type)}`);
    return definition;
  };

  const insertJob = async (tx: Tx, input: ScheduleInput, schedule: string | null = null) => {
    const definition = definitionOf(input.type);
    let payload = input.payload ?? {};
    if (definition.schema) {
      const parsed = definition.schema.safeParse(payload);
      if (!parsed.success)
        throw new JobError(
          "bad_payload",
          `bad payload for ${input.type}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
        );
      payload = parsed.data;
    }
    const maxAttempts = input.maxAttempts ?? definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const runAt = input.runAt ?? null;
    const inserted = await sql<{ id: number }>`
      insert into public.jobs (type, key, payload, run_at, max_attempts, schedule)
      values (${input.type}, ${input.key ?? null}, ${JSON.stringify(payload)}::jsonb, coalesce(${runAt}::timestamptz, now()), ${maxAttempts}, ${schedule})
      on conflict (key) do nothing
      returning id`.execute(tx);
    const row = inserted.rows[0];
    if (row) return { id: row.id, created: true };
    const existing = await tx
      .selectFrom("jobs")
      .select("id")
      .where("key", "=", input.key ?? "")
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  };

  /** Each due schedule becomes one job; the row lock makes other workers skip it meanwhile. */
  const materialiseSchedules = () =>
    db.asSystem("jobs: due schedules", async (tx) => {
      const due = await sql<{ name: string; type: string; cron: string; payload: Record<string, unknown>; next_run_at: Date }>`
        select name, type, cron, payload, next_run_at from public.job_schedules
        where next_run_at <= now() order by next_run_at for update skip locked`.execute(tx);
      for (const s of due.rows) {
        const at = new Date(s.next_run_at);
        if (definitions.has(s.type)) {
          await insertJob(tx, { type: s.type, payload: s.payload, runAt: at, key: `schedule:${s.name}:${at.toISOString()}` }, s.name);
        } else {
          logger.error({ schedule: s.name, type: s.type }, "jobs: schedule names a type this process does not handle");
        }
        // Missed occurrences (the app was down) collapse into this one run.
        const next = nextOccurrence(s.cron, new Date(Math.max(Date.now(), at.getTime())));
        await sql`update public.job_schedules set next_run_at = ${next ?? new Date("9999-12-31T00:00:00Z")}, updated_at = now() where name = ${s.name}`.execute(
          tx,
        );
      }
      return due.rows.length;
    });

  const claim = (limit: number) =>
    db.asSystem("jobs: claim", async (tx) => {
      // A job whose worker vanished on its last allowed attempt fails instead of running again.
      const exhausted = await sql<{ id: number }>`
        update public.jobs set state = 'failed', finished_at = now(), locked_by = null, locked_until = null,
          last_error = coalesce(last_error || E'\n', '') || 'the worker running it stopped (lease expired) on its last attempt'
        where id in (select id from public.jobs where state = 'running' and locked_until < now() and attempts >= max_attempts
                     for update skip locked)
        returning id`.execute(tx);
      const claimed = await sql<ClaimRow>`
        with due as (
          select id from public.jobs
          where (state = 'queued' and run_at <= now()) or (state = 'running' and locked_until < now())
          order by run_at, id
          limit ${limit}
          for update skip locked
        )
        update public.jobs j
        set state = 'running', attempts = j.attempts + 1, locked_by = ${workerId},
            locked_until = now() + make_interval(secs => ${settings.leaseMs / 1000}), started_at = now()
        from due where j.id = due.id
        returning j.id, j.type, j.key, j.payload, j.attempts, j.max_attempts, j.schedule`.execute(tx);
      const ids = [...exhausted.rows, ...claimed.rows].map((r) => r.id);
      if (ids.length > 0) {
        await sql`update public.job_runs set outcome = 'abandoned', finished_at = now(), error = 'lease expired'
          where job_id = any(${ids}::bigint[]) and finished_at is null`.execute(tx);
      }
      for (const row of claimed.rows) {
        await sql`insert into public.job_runs (job_id, attempt, worker) values (${row.id}, ${row.attempts}, ${workerId})`.execute(tx);
      }
      return claimed.rows;
    });

  const finish = async (job: ClaimRow, error: unknown | null) => {
    const outcome = error === null ? "succeeded" : "failed";
    const message = error === null ? null : errorText(error);
    await db.asSystem("jobs: finish", async (tx) => {
      // Fenced by (worker, attempt): a worker that lost its lease changes nothing.
      if (error === null) {
        await sql`update public.jobs set state = 'succeeded', finished_at = now(), locked_by = null, locked_until = null, last_error = null
          where id = ${job.id} and locked_by = ${workerId} and attempts = ${job.attempts} and state = 'running'`.execute(tx);
      } else {
        const delayMs = backoffDelayMs(job.attempts, settings.backoffMs);
        await sql`update public.jobs set
            state = case when attempts >= max_attempts then 'failed' else 'queued' end,
            run_at = case when attempts >= max_attempts then run_at else now() + make_interval(secs => ${delayMs / 1000}) end,
            finished_at = case when attempts >= max_attempts then now() else null end,
            locked_by = null, locked_until = null, last_error = ${message}
          where id = ${job.id} and locked_by = ${workerId} and attempts = ${job.attempts} and state = 'running'`.execute(tx);
      }
      await sql`update public.job_runs set outcome = ${outcome}, finished_at = now(), error = ${message}
        where job_id = ${job.id} and attempt = ${job.attempts} and worker = ${workerId}`.execute(tx);
    });
  };

  const execute = async (row: ClaimRow) => {
    const definition = definitions.get(row.type);
    const job: ClaimedJob = {
      id: row.id,
      type: row.type,
      key: row.key,
      payload: row.payload,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      schedule: row.schedule,
    };
    const jobLogger = logger.child({ jobId: row.id, jobType: row.type, attempt: row.attempts });
    let failure: unknown | null = null;
    try {
      if (!definition) throw new JobError("unknown_type", `no handler is defined for job type ${JSON.stringify(row.type)} in this process`);
      await definition.handler(row.payload, { job, logger: jobLogger });
    } catch (error) {
      failure = error ?? new Error("job failed");
      jobLogger.warn({ err: error }, row.attempts >= row.max_attempts ? "jobs: job failed for good" : "jobs: job failed, will retry");
    }
    try {
      await finish(row, failure);
    } catch (error) {
      // The lease runs out and another worker retries it: at least once, never lost.
      jobLogger.warn({ err: error }, "jobs: outcome not recorded");
    }
  };

  /** Claims what fits in the free slots and starts it; returns how many were claimed. */
  const fill = async (): Promise<ClaimRow[]> => {
    const free = settings.concurrency - running.size;
    if (free <= 0) return [];
    const rows = await claim(free);
    for (const row of rows) {
      const promise = execute(row).finally(() => {
        running.delete(row.id);
        if (started) queue.wake();
      });
      running.set(row.id, promise);
    }
    return rows;
  };

  const tick = async () => {
    try {
      await materialiseSchedules();
      await fill();
    } catch (error) {
      logger.warn({ err: error }, "jobs: queue not reachable; will look again");
    }
  };

  const loop = () => {
    if (!started) return;
    if (ticking) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    ticking = tick().finally(() => {
      ticking = null;
      if (!started) return;
      if (again) {
        again = false;
        setImmediate(loop);
      } else {
        timer = setTimeout(loop, settings.pollMs);
        timer.unref();
      }
    });
  };

  const renewLeases = async () => {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    await db.asSystem("jobs: renew leases", (tx) =>
      sql`update public.jobs set locked_until = now() + make_interval(secs => ${settings.leaseMs / 1000})
        where id = any(${ids}::bigint[]) and locked_by = ${workerId} and state = 'running'`.execute(tx),
    );
  };

  const changeState = (id: number, from: JobState[], set: "cancel" | "retry") =>
    db.asSystem(`jobs: ${set}`, async (tx) => {
      const current = await tx.selectFrom("jobs").select(["id", "state"]).where("id", "=", id).forUpdate().executeTakeFirst();
      if (!current) throw new JobError("not_found", `job ${id} does not exist`);
      if (!from.includes(current.state)) {
        throw set === "retry"
          ? new JobError(
              "not_retryable",
              current.state === "succeeded"
                ? `job ${id} already succeeded: it is not run again`
                : `job ${id} is ${current.state}: only a failed or cancelled job can be retried`,
            )
          : new JobError("not_cancellable", `job ${id} is ${current.state}: only a queued or failed job can be cancelled`);
      }
      if (set === "cancel") {
        await tx.updateTable("jobs").set({ state: "cancelled", finished_at: new Date() }).where("id", "=", id).execute();
      } else {
        await tx
          .updateTable("jobs")
          .set({ state: "queued", attempts: 0, run_at: new Date(), finished_at: null, locked_by: null, locked_until: null })
          .where("id", "=", id)
          .execute();
      }
    });

  const queue: JobQueue = {
    workerId,
    define(type, definition) {
      if (!/^[a-z][a-z0-9_.:-]{0,63}$/.test(type))
        throw new JobError("unknown_type", `job type ${JSON.stringify(type)} is not a valid name`);
      definitions.set(type, typeof definition === "function" ? { handler: definition } : definition);
    },
    types: () => [...definitions.keys()].sort(),
    async schedule(input, tx) {
      if (input.runAt && Number.isNaN(input.runAt.getTime())) throw new JobError("bad_schedule", "runAt is not a valid date");
      if (input.key !== undefined && (input.key.length === 0 || input.key.length > 300))
        throw new JobError("bad_schedule", "the idempotency key must have 1 to 300 characters");
      definitionOf(input.type);
      const result = tx ? await insertJob(tx, input) : await db.asSystem("jobs: schedule", (t) => insertJob(t, input));
      if (started && (!input.runAt || input.runAt.getTime() <= Date.now())) queue.wake();
      return result;
    },
    async recurring(name, input) {
      if (!/^[a-z][a-z0-9_.:-]{0,63}$/.test(name)) throw new JobError("bad_schedule", `schedule name ${JSON.stringify(name)} is not valid`);
      definitionOf(input.type);
      let cron: string;
      try {
        cron = validateCron(input.cron);
      } catch (error) {
        if (error instanceof CronError) throw new JobError("bad_cron", error.message);
        throw error;
      }
      const next = nextOccurrence(cron, new Date());
      if (!next) throw new JobError("bad_cron", `cron expression ${JSON.stringify(cron)} never fires`);
      await db.asSystem("jobs: define schedule", (tx) =>
        sql`
        insert into public.job_schedules (name, type, cron, payload, next_run_at)
        values (${name}, ${input.type}, ${cron}, ${JSON.stringify(input.payload ?? {})}::jsonb, ${next})
        on conflict (name) do update set type = excluded.type, payload = excluded.payload, cron = excluded.cron,
          -- Every process defines the same schedules at start: only a changed expression moves the next run.
          next_run_at = case when public.job_schedules.cron = excluded.cron then public.job_schedules.next_run_at else excluded.next_run_at end,
          updated_at = now()`.execute(tx),
      );
    },
    cancel: (id) => changeState(id, ["queued", "failed"], "cancel"),
    async retry(id) {
      await changeState(id, ["failed", "cancelled"], "retry");
      if (started) queue.wake();
    },
    async runDue() {
      await materialiseSchedules();
      let total = 0;
      for (;;) {
        const rows = await fill();
        total += rows.length;
        await Promise.all(running.values());
        if (rows.length === 0) return total;
      }
    },
    start(overrides) {
      if (started) return;
      settings = { ...settings, ...overrides };
      started = true;
      heartbeat = setInterval(
        () => {
          renewLeases().catch((error: unknown) => logger.warn({ err: error }, "jobs: leases not renewed"));
        },
        Math.max(50, Math.floor(settings.leaseMs / 3)),
      );
      heartbeat.unref();
      loop();
    },
    wake() {
      if (!started) return;
      if (ticking) again = true;
      else setImmediate(loop);
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      timer = null;
      heartbeat = null;
      await ticking;
      // Jobs still running when the wait ends keep their lease; another worker retries them.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(running.values()),
        new Promise<void>((resolve) => (waited = setTimeout(resolve, settings.stopTimeoutMs))),
      ]);
      clearTimeout(waited);
    },
  };
  return queue;
}
