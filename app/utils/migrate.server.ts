// Applies supabase/shim (only where the auth schema is missing, i.e. not on
// Supabase) and then supabase/migrations in order, tracking them in
// supabase_migrations.schema_migrations as the Supabase CLI does.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import type { Database } from "./db.server";

export interface MigrationResult {
  applied: string[];
  total: number;
  shimApplied: boolean;
}

export async function listMigrationFiles(root = path.resolve(process.cwd(), "supabase")) {
  const dir = path.join(root, "migrations");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort();
  return names.map((name) => ({
    version: name.split("_", 1)[0] ?? name,
    name: name.replace(/^[0-9]+_/, "").replace(/\.sql$/, ""),
    file: path.join(dir, name),
  }));
}

export async function migrate(db: Database, root = path.resolve(process.cwd(), "supabase")): Promise<MigrationResult> {
  const k = db.kysely;
  // Several processes may boot at once against one PostgreSQL: serialise on a lock.
  if (db.kind === "postgres") await sql`select pg_advisory_lock(872341)`.execute(k);
  try {
    const { rows: authRows } = await sql<{ present: boolean }>`
      select exists (select 1 from pg_namespace where nspname = 'auth') as present`.execute(k);
    let shimApplied = false;
    if (!authRows[0]?.present) {
      const shimDir = path.join(root, "shim");
      for (const name of (await readdir(shimDir)).filter((n) => n.endsWith(".sql")).sort()) {
        await db.execScript(await readFile(path.join(shimDir, name), "utf8"));
      }
      shimApplied = true;
    }
    await db.execScript(`
      create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (
        version text primary key, statements text[], name text
      );`);
    const { rows } = await sql<{ version: string }>`select version from supabase_migrations.schema_migrations`.execute(k);
    const done = new Set(rows.map((r) => r.version));
    const applied: string[] = [];
    const files = await listMigrationFiles(root);
    for (const m of files) {
      if (done.has(m.version)) continue;
      const text = await readFile(m.file, "utf8");
      const escaped = (s: string) => `'${s.replaceAll("'", "''")}'`;
      // One transaction per file: a failing migration leaves nothing half-applied.
      await db.execScript(`begin;\n${text}\n;insert into supabase_migrations.schema_migrations (version, name, statements)
        values (${escaped(m.version)}, ${escaped(m.name)}, array[${escaped(text)}]);\ncommit;`).catch(async (error: unknown) => {
        await db.execScript("rollback;").catch(() => {});
        throw new Error(`migration ${m.version}_${m.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      applied.push(m.version);
    }
    return { applied, total: files.length, shimApplied };
  } finally {
    if (db.kind === "postgres") await sql`select pg_advisory_unlock(872341)`.execute(k);
  }
}
