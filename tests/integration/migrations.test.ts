// The migration runner and the invariants every migration must keep: RLS on every
// table of schema public (rule 3, docs/architecture.md), and no table silently left without a
// policy unless it is a named system table that anon/authenticated cannot touch.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listMigrationFiles, migrate } from "~/utils/migrate.server";
import type { Database } from "~/utils/db.server";
import { SUPABASE_DIR } from "../setup/db-env";
import { createBlankDatabase, createTestDatabase, type TestDatabase } from "../setup/test-db";

/** Read only through the system path (auth issuer, mail worker): no policy on purpose. */
const SYSTEM_ONLY_TABLES = [
  "auth_sessions",
  "password_reset_tokens",
  "login_failures",
  "login_lock_notices",
  "email_change_tokens",
  "outbox",
  "http_rate_limits",
  "socket_io_attachments",
  "jobs",
  "job_runs",
  "job_schedules",
  "event_reminders_sent",
  "mentoring_session_reminders",
];
const CLIENT_ROLES = ["anon", "authenticated"] as const;

/** Tables, policies and applied versions; read as the migrating superuser. */
async function fingerprint(db: Database) {
  {
    const { rows } = await sql<{ item: string }>`
      select 'table ' || c.relname || ' rls=' || c.relrowsecurity as item
        from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      union all
      select 'policy ' || tablename || '.' || policyname from pg_policies where schemaname = 'public'
      union all
      select 'migration ' || version from supabase_migrations.schema_migrations
      order by 1`.execute(db.kysely);
    return rows.map((r) => r.item);
  }
}

describe("migration files", () => {
  test("are named <14-digit version>_<snake_case>.sql with unique versions", async () => {
    const files = await listMigrationFiles(SUPABASE_DIR);
    expect(files.length).toBeGreaterThan(0);
    const badNames = files.map((f) => f.file.split("/").pop() ?? "").filter((n) => !/^[0-9]{14}_[a-z0-9_]+\.sql$/.test(n));
    expect(badNames).toEqual([]);
    const versions = files.map((f) => f.version);
    expect(new Set(versions).size).toBe(versions.length);
  });
});

describe("migrate() on an empty database", () => {
  let blank: TestDatabase;
  beforeAll(async () => {
    blank = await createBlankDatabase();
  }, 120_000);
  afterAll(() => blank?.cleanup());

  test("applies the shim and every migration once, then re-running is a no-op", async () => {
    const files = await listMigrationFiles(SUPABASE_DIR);

    const first = await migrate(blank.db, SUPABASE_DIR);
    expect(first.shimApplied).toBe(true);
    expect(first.total).toBe(files.length);
    expect(first.applied).toEqual(files.map((f) => f.version));
    expect(await blank.db.health()).toEqual({ ok: true, migrations: files.length });
    const before = await fingerprint(blank.db);
    expect(before.filter((i) => i.startsWith("migration "))).toHaveLength(files.length);

    const second = await migrate(blank.db, SUPABASE_DIR);
    expect(second).toEqual({ applied: [], total: files.length, shimApplied: false });
    expect(await fingerprint(blank.db)).toEqual(before);
    expect(await blank.db.health()).toEqual({ ok: true, migrations: files.length });
  }, 120_000);
});

describe("schema invariants (on the migrated template)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.cleanup());

  const catalog = <R>(query: ReturnType<typeof sql<R>>) =>
    t.db.asSystem("test: read the catalog", async (tx) => (await query.execute(tx)).rows);

  test("the template has every migration applied", async () => {
    const files = await listMigrationFiles(SUPABASE_DIR);
    expect(await t.db.health()).toEqual({ ok: true, migrations: files.length });
  });

  test("every table in schema public has row-level security enabled", async () => {
    const tables = await catalog(sql<{ name: string; rls: boolean }>`
      select c.relname as name, c.relrowsecurity as rls from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
       order by 1`);
    expect(tables.length).toBeGreaterThan(10);
    const withoutRls = tables.filter((row) => !row.rls).map((row) => row.name);
    expect(withoutRls, `tables in public without RLS: ${withoutRls.join(", ")}`).toEqual([]);
  });

  test("every table has a policy, or is a system-only table that anon/authenticated cannot touch", async () => {
    const rows = await catalog(sql<{ name: string; policies: number }>`
      select c.relname as name,
             (select count(*) from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)::int as policies
        from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
       order by 1`);
    const names = rows.map((r) => r.name);
    // A stale allow-list entry would hide nothing but mislead the reader.
    expect(SYSTEM_ONLY_TABLES.filter((n) => !names.includes(n))).toEqual([]);
    const offenders = rows.filter((r) => r.policies === 0 && !SYSTEM_ONLY_TABLES.includes(r.name)).map((r) => r.name);
    expect(offenders, `tables without any policy (add one, or list them as system-only): ${offenders.join(", ")}`).toEqual([]);
  });

  test("system-only tables grant nothing to anon or authenticated, and service_role can use them", async () => {
    const rows = await catalog(sql<{ name: string; role: string; table_priv: boolean; column_priv: boolean; service: boolean }>`
      select t.name, r.role,
             has_table_privilege(r.role, 'public.' || t.name, 'select, insert, update, delete, truncate, references, trigger') as table_priv,
             has_any_column_privilege(r.role, 'public.' || t.name, 'select, insert, update, references') as column_priv,
             has_table_privilege('service_role', 'public.' || t.name, 'select, insert, update, delete') as service
        from unnest(${SYSTEM_ONLY_TABLES}::text[]) as t(name)
       cross join unnest(${[...CLIENT_ROLES]}::text[]) as r(role)
       order by 1, 2`);
    expect(rows).toHaveLength(SYSTEM_ONLY_TABLES.length * CLIENT_ROLES.length);
    const leaks = rows.filter((r) => r.table_priv || r.column_priv).map((r) => `${r.role} on ${r.name}`);
    expect(leaks).toEqual([]);
    expect(rows.filter((r) => !r.service).map((r) => r.name)).toEqual([]);
  });

  test("views in public run with the caller's rights (security_invoker), so RLS still applies", async () => {
    const rows = await catalog(sql<{ name: string; kind: string; invoker: boolean }>`
      select c.relname as name, c.relkind::text as kind,
             coalesce(exists (select 1 from unnest(c.reloptions) o
                               where o ~* '^security_invoker=(true|on|1|yes)$'), false) as invoker
        from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('v', 'm')`);
    const offenders = rows
      .filter((r) => r.kind === "m" || !r.invoker)
      .map((r) => `${r.name} (${r.kind === "m" ? "materialized view: bypasses RLS" : "no security_invoker"})`);
    expect(offenders).toEqual([]);
  });

  test("security definer functions in public pin their search_path", async () => {
    const rows = await catalog(sql<{ name: string; config: string[] | null }>`
      select p.oid::regprocedure::text as name, p.proconfig as config
        from pg_proc p
       where p.pronamespace = 'public'::regnamespace and p.prosecdef`);
    expect(rows.length).toBeGreaterThan(0);
    const offenders = rows.filter((r) => !(r.config ?? []).some((c) => c.startsWith("search_path="))).map((r) => r.name);
    expect(offenders, `security definer functions without a fixed search_path: ${offenders.join(", ")}`).toEqual([]);
  });
});
