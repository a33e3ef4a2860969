// `npm run bench`: one JSON line per figure on stdout. Loads stay on loopback and
// bounded. Ratios compare against a baseline measured in the same process run.
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { startTestApp } from "../e2e/helpers";
import { benchChat } from "./chat";
import type { Database } from "../../app/utils/db.server";
import { createPostgresDatabase } from "../../app/utils/db.server";
import { runForumBench } from "./forums";
import { benchGuard } from "./guard";
import { benchJobs } from "./jobs";
import { descendants, startNpm } from "./server-process";

type Unit = "ms" | "rps" | "per_s" | "bytes" | "ratio" | "count";
// Every line says how busy the machine was: figures from a shared machine are read with its load.
const emit = (bench: string, value: number, unit: Unit, extra: Record<string, unknown> = {}) =>
  process.stdout.write(
    `${JSON.stringify({
      bench,
      value: Math.round(value * 100) / 100,
      unit,
      ...extra,
      cores: cpus().length,
      load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    })}\n`,
  );

// BENCH_ONLY=start,forum (any of: guard, start, db, http, chat, postgres, forum) runs a subset.
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : null;
const want = (section: string) => !only || only.has(section);

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function timeIt(n: number, fn: () => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** withUser (role + claims + RLS) against the same read on the system path. */
async function benchWithUser(db: Database, label: string, n: number) {
  const someone = await db.asSystem("bench: pick member", (tx) => tx.selectFrom("profiles").select("id").executeTakeFirstOrThrow());
  const claims = {
    sub: someone.id,
    role: "authenticated" as const,
    aud: "authenticated" as const,
    email: "bench@example.org",
    exp: Date.now() / 1000 + 3600,
  };
  const read = (tx: Parameters<Parameters<Database["withUser"]>[1]>[0]) =>
    tx.selectFrom("profiles").selectAll().where("id", "=", someone.id).executeTakeFirst();
  await timeIt(20, () => db.withUser(claims, read, { readOnly: true }));
  const user = await timeIt(n, () => db.withUser(claims, read, { readOnly: true }));
  const system = await timeIt(n, () => db.asSystem("bench", read));
  emit("db.with_user.profile_read.p95_ms", percentile(user, 95), "ms", { db: label, n });
  emit("db.system.profile_read.p95_ms", percentile(system, 95), "ms", { db: label, n });
  emit("db.with_user.overhead.ratio", percentile(user, 50) / percentile(system, 50), "ratio", { db: label, n });
}

async function benchHttp(url: string, path: string, n: number, concurrency: number) {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        const t = performance.now();
        const r = await fetch(url + path);
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`${path}: ${r.status}`);
        samples.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  emit(`http.${path === "/" ? "home" : path.replaceAll("/", "")}.p95_ms`, percentile(samples, 95), "ms", { db: "pglite", n, concurrency });
  emit(`http.${path === "/" ? "home" : path.replaceAll("/", "")}.throughput`, n / seconds, "rps", { db: "pglite", n, concurrency });
}

// Pure and in process: the identifier guard's figures first.
if (want("guard")) benchGuard(emit);

/** `npm start` as a person runs it: its process tree, a first start (no data) and a restart. */
async function benchStart() {
  const dataDir = await mkdtemp(path.join(tmpdir(), "passerelle-bench-start-"));
  try {
    const first = await startNpm({ DATA_DIR: dataDir });
    const tree = descendants(first.child.pid ?? 0);
    emit("server.processes", tree.length, "count", {
      command: "npm start",
      tree: tree.map((p) => p.comm),
      note: "processes under npm (npm itself is the launcher)",
    });
    emit("start.first_ms", first.startMs, "ms", { db: "pglite", data: "none (migrate + seed)", built: true, cpu_ms: first.cpuMs() });
    await first.stop();
    const again = await startNpm({ DATA_DIR: dataDir });
    emit("start.restart_ms", again.startMs, "ms", { db: "pglite", data: "present", built: true, cpu_ms: again.cpuMs() });
    emit("start.restart_cpu_ms", again.cpuMs(), "ms", { db: "pglite", data: "present", built: true });
    await again.stop();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (want("start")) await benchStart();

if (want("db") || want("http")) {
  const app = await startTestApp();
  try {
    if (want("db")) await benchWithUser(app.server.services.db, "pglite", 500);
    if (want("http")) {
      await benchHttp(app.url, "/", 300, 4);
      await benchHttp(app.url, "/healthz", 500, 4);
    }
  } finally {
    await app.close();
  }
}

// Chat: 1 000 sockets against the server in a child process, then a bare Socket.IO baseline.
if (want("chat")) await benchChat(emit);

const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (pgUrl && want("postgres")) {
  // A throwaway database migrated and seeded the same way as the embedded one.
  const admin = createPostgresDatabase(pgUrl, { max: 1 });
  const name = `passerelle_bench_${process.pid}`;
  await sql.raw(`create database ${name}`).execute(admin.kysely);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const db = createPostgresDatabase(url.toString());
  try {
    const { migrate } = await import("../../app/utils/migrate.server");
    const { seedDemo } = await import("../../server/seed");
    await migrate(db);
    await seedDemo(db, { hashPassword: async () => "bench-not-a-real-hash" });
    await benchWithUser(db, "postgres", 1000);
    // The job queue: throughput of two workers and the lag of jobs scheduled while they work.
    await benchJobs(emit, url.toString());
    // The same chat load on PostgreSQL (the Postgres adapter carries the rooms).
    await benchChat(emit, { databaseUrl: url.toString() });
  } finally {
    await db.close();
    await sql.raw(`drop database if exists ${name}`).execute(admin.kysely);
    await admin.close();
  }
}

if (want("forum")) await runForumBench(emit);
