// Applies supabase/shim (only where the auth schema is missing, i.e. not on
// Supabase) and then supabase/migrations in order, tracking them in
// supabase_migrations.schema_migrations as the Supabase CLI does.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "./db.server";

export interface MigrationResult {
  applied: string[];
  total: number;
  shimApplied: boolean;
}

/** Any stable number: processes migrating one PostgreSQL at once queue on it. */
const MIGRATION_LOCK = 872341;

export async function listMigrationFiles(root = path.resolve(process.cwd(), "supabase")) {
  const dir = path.join(root, "migrations");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort();
  return names.map((name) => ({
    version: name.split("_", 1)[0] ?? name,
    name: name.replace(/^[0-9]+_/, "").replace(/\.sql$/, ""),
    file: path.join(dir, name),
  }));
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function migrate(db: Database, root = path.resolve(process.cwd(), "supabase")): Promise<MigrationResult> {
  const files = await listMigrationFiles(root);
  // One connection for the lock, every script and the unlock: an advisory lock
  // belongs to the session that took it.
  return db.withSession(async (run) => {
    if (db.kind === "postgres") await run(`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      // One read tells a database that is up to date (every restart) from one that needs work:
      // then nothing else runs, no DDL and no grants (they are made once, with the table).
      const [state] = await run(`select exists (select 1 from pg_namespace where nspname = 'auth') as present,
        to_regclass('supabase_migrations.schema_migrations') is not null as tracked`);
      if (state?.present && state.tracked) {
        const done = new Set((await run("select version from supabase_migrations.schema_migrations")).map((r) => String(r.version)));
        if (files.every((m) => done.has(m.version))) return { applied: [], total: files.length, shimApplied: false };
      }
      let shimApplied = false;
      if (!state?.present) {
        const shimDir = path.join(root, "shim");
        for (const name of (await readdir(shimDir)).filter((n) => n.endsWith(".sql")).sort()) {
          await run(await readFile(path.join(shimDir, name), "utf8"));
        }
        shimApplied = true;
      }
      await run(`
        create schema if not exists supabase_migrations;
        create table if not exists supabase_migrations.schema_migrations (
          version text primary key, statements text[], name text
        );
        grant usage on schema supabase_migrations to service_role;
        grant select on supabase_migrations.schema_migrations to service_role;`);
      const done = new Set((await run("select version from supabase_migrations.schema_migrations")).map((r) => String(r.version)));
      const applied: string[] = [];
      for (const m of files) {
        if (done.has(m.version)) continue;
        const text = await readFile(m.file, "utf8");
        // One transaction per file: a failing migration leaves nothing half-applied.
        try {
          await run(`begin;\n${text}\n;insert into supabase_migrations.schema_migrations (version, name, statements)
            values (${quote(m.version)}, ${quote(m.name)}, array[${quote(text)}]);\ncommit;`);
        } catch (error) {
          await run("rollback;").catch(() => {});
          throw new Error(`migration ${m.version}_${m.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        applied.push(m.version);
      }
      return { applied, total: files.length, shimApplied };
    } finally {
      if (db.kind === "postgres") await run(`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  });
}
