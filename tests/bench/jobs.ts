// Job queue bench on PostgreSQL: two workers (two pools, as two processes would have)
// draining no-op jobs. Throughput: 2 000 jobs queued up front, drained by both.
// Lag: 400 jobs scheduled at ~40/s by one process while both work, measured from
// scheduling to the handler starting (p95).
import pino from "pino";
import { createJobQueue, type JobQueue } from "../../app/modules/jobs/queue.server";
import { createPostgresDatabase, type Database } from "../../app/utils/db.server";

type Emit = (bench: string, value: number, unit: "ms" | "per_s" | "count", extra?: Record<string, unknown>) => void;

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

export async function benchJobs(emit: Emit, databaseUrl: string): Promise<void> {
  const logger = pino({ level: "silent" });
  const dbs: Database[] = [createPostgresDatabase(databaseUrl), createPostgresDatabase(databaseUrl)];
  const done = new Set<number>();
  const lags: number[] = [];
  const queues: JobQueue[] = dbs.map((db) => {
    const q = createJobQueue({ db, logger });
    q.define("bench.noop", async (payload, { job }) => {
      if (typeof payload.at === "number") lags.push(Date.now() - payload.at);
      done.add(job.id);
    });
    return q;
  });
  const settings = { concurrency: 4, pollMs: 1000, leaseMs: 60_000 };
  const [first] = queues;
  if (!first) throw new Error("no queue");
  try {
    const total = 2000;
    await dbs[0]!.asSystem("bench: jobs", async (tx) => {
      for (let n = 0; n < total; n++) await first.schedule({ type: "bench.noop", payload: { n } }, tx);
    });
    const started = performance.now();
    for (const q of queues) q.start(settings);
    while (done.size < total) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = (performance.now() - started) / 1000;
    emit("jobs.throughput.per_s", total / seconds, "per_s", { db: "postgres", jobs: total, workers: 2, concurrency: settings.concurrency });

    const trickle = 400;
    for (let n = 0; n < trickle; n++) {
      await first.schedule({ type: "bench.noop", payload: { n, at: Date.now() } });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    while (lags.length < trickle) await new Promise((resolve) => setTimeout(resolve, 20));
    emit("jobs.lag.p95_ms", percentile(lags, 95), "ms", { db: "postgres", jobs: trickle, rate_per_s: 40, poll_ms: settings.pollMs });
  } finally {
    await Promise.all(queues.map((q) => q.stop()));
    await Promise.all(dbs.map((db) => db.close()));
  }
}
