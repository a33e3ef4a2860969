// Runs once per vitest run, in the main process: prepares ONE migrated template
// that every worker clones, so no test file ever migrates.
//  - pglite: migrate an in-memory PGlite and save dumpDataDir() under .test-data/,
//    keyed by a hash of the shim + migrations (reused across runs while unchanged);
//  - postgres: create a uniquely named template database migrated as the superuser,
//    make sure the non-owning login role exists, drop the template on teardown.
import { mkdir, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import type { TestProject } from "vitest/node";
import { createPGliteDatabase, createPostgresDatabase } from "../../app/utils/db.server";
import { migrate } from "../../app/utils/migrate.server";
import {
  adminUrl,
  APP_ROLE,
  APP_ROLE_PASSWORD,
  PG_DB_PREFIX,
  pgliteTemplatePath,
  quoteIdent,
  schemaHash,
  SUPABASE_DIR,
  TEST_DATA_DIR,
  testDbKind,
  uniqueDbName,
  withDatabase,
  withAdmin,
} from "./db-env";

declare module "vitest" {
  export interface ProvidedContext {
    testDb: { kind: "pglite"; templatePath: string } | { kind: "postgres"; template: string };
  }
}

export default async function setup(project: TestProject) {
  const kind = testDbKind();
  if (kind === "pglite") {
    project.provide("testDb", { kind, templatePath: await ensurePGliteTemplate() });
    return;
  }
  const template = await createPostgresTemplate();
  project.provide("testDb", { kind, template });
  return async () => {
    await withAdmin(async (client) => {
      await client.query(`drop database if exists ${quoteIdent(template)} with (force)`);
    });
  };
}

async function ensurePGliteTemplate(): Promise<string> {
  const file = pgliteTemplatePath(await schemaHash());
  if (await exists(file)) return file;
  await mkdir(TEST_DATA_DIR, { recursive: true });
  const { db, instance } = await createPGliteDatabase();
  try {
    await migrate(db, SUPABASE_DIR);
    const dump = await instance.dumpDataDir("gzip");
    // Other runs may share this checkout: write aside, then rename atomically.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
    await rename(tmp, file);
  } finally {
    await db.close();
  }
  await removeStaleTemplates(file);
  return file;
}

/**
 * Templates of earlier schemas. Only those untouched for an hour: a run still in
 * progress elsewhere in this checkout may be loading one.
 */
async function removeStaleTemplates(keep: string) {
  const hourAgo = Date.now() - 3600 * 1000;
  for (const name of await readdir(TEST_DATA_DIR)) {
    const full = path.join(TEST_DATA_DIR, name);
    if (full === keep || !name.startsWith("pglite-template-")) continue;
    const info = await stat(full).catch(() => null);
    if (info && info.mtimeMs < hourAgo) await unlink(full).catch(() => {});
  }
}

async function createPostgresTemplate(): Promise<string> {
  const template = uniqueDbName("tpl");
  await withAdmin(async (client) => {
    await dropStaleDatabases(client);
    await client.query(`create database ${quoteIdent(template)}`);
  });
  const db = createPostgresDatabase(withDatabase(adminUrl(), template), { max: 1 });
  try {
    await migrate(db, SUPABASE_DIR);
  } finally {
    await db.close();
  }
  // The shim created anon/authenticated/service_role (cluster-wide) if they were missing.
  await withAdmin(ensureAppRole);
  return template;
}

/**
 * passerelle_app: LOGIN, NOINHERIT, member of anon/authenticated/service_role.
 * NOINHERIT means it holds none of their privileges until withUser sets the role,
 * and it owns no table, so a query outside withUser is refused.
 */
async function ensureAppRole(client: pg.Client) {
  const role = quoteIdent(APP_ROLE);
  // Several runs may race on these cluster-wide statements: retry the loser.
  for (let attempt = 0; ; attempt++) {
    try {
      const { rows } = await client.query("select 1 from pg_roles where rolname = $1", [APP_ROLE]);
      if (rows.length === 0) await client.query(`create role ${role} login noinherit`);
      await client.query(
        `alter role ${role} login noinherit nosuperuser nocreatedb nocreaterole nobypassrls password '${APP_ROLE_PASSWORD.replaceAll("'", "''")}'`,
      );
      await client.query(`grant anon, authenticated, service_role to ${role}`);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

/** Databases left by a crashed run (names carry their creation time). */
async function dropStaleDatabases(client: pg.Client) {
  const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like $1", [`${PG_DB_PREFIX}%`]);
  const cutoff = Date.now() - 6 * 3600 * 1000;
  for (const { datname } of rows) {
    const created = Number(datname.split("_")[3]);
    if (Number.isFinite(created) && created < cutoff) {
      await client.query(`drop database if exists ${quoteIdent(datname)} with (force)`).catch(() => {});
    }
  }
}

async function exists(file: string) {
  return stat(file).then(
    () => true,
    () => false,
  );
}
