// What the global setup (main process) and the test workers agree on: which
// database flavour, where the PGlite template lives, and how the PostgreSQL
// URLs are derived. No vitest import here: the global setup runs outside a worker.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type TestDbKind = "pglite" | "postgres";

export const ROOT = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
export const TEST_DATA_DIR = path.join(ROOT, ".test-data");
/** TEST_SUPABASE_DIR lets a run check a modified copy of the schema (e.g. to see a test catch a weakened policy). */
export const SUPABASE_DIR = process.env.TEST_SUPABASE_DIR ? path.resolve(process.env.TEST_SUPABASE_DIR) : path.join(ROOT, "supabase");

/** The login role the test pool connects as: it owns nothing (rule 5, docs/architecture.md). */
export const APP_ROLE = "passerelle_app";
export const APP_ROLE_PASSWORD = process.env.TEST_APP_ROLE_PASSWORD ?? "passerelle-app-test";
/** Prefix of every database the suite creates, so stale ones can be found. */
export const PG_DB_PREFIX = "passerelle_test_";

export function testDbKind(): TestDbKind {
  const value = process.env.TEST_DB ?? "pglite";
  if (value !== "pglite" && value !== "postgres") {
    throw new Error(`TEST_DB must be "pglite" or "postgres", got "${value}"`);
  }
  return value;
}

/** The superuser URL migrations and CREATE DATABASE run with. */
export function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error("TEST_DB=postgres needs TEST_DATABASE_URL or DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)");
  }
  return url;
}

export function withDatabase(url: string, database: string, user?: { name: string; password: string }): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user.name;
    u.password = user.password;
  }
  return u.toString();
}

/** Names we build ourselves; quoted anyway, and checked so nothing odd reaches SQL. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier ${name}`);
  return `"${name}"`;
}

export function uniqueDbName(kind: "tpl" | "db"): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${PG_DB_PREFIX}${kind}_${Date.now()}_${process.pid}_${rand}`;
}

/** Changes to the shim, a migration or PGlite itself produce a new template. */
export async function schemaHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const dir of ["shim", "migrations"]) {
    const full = path.join(SUPABASE_DIR, dir);
    for (const name of (await readdir(full)).filter((n) => n.endsWith(".sql")).sort()) {
      hash.update(`${dir}/${name}\0`);
      hash.update(await readFile(path.join(full, name)));
    }
  }
  const pglitePkg = JSON.parse(await readFile(path.join(ROOT, "node_modules/@electric-sql/pglite/package.json"), "utf8"));
  hash.update(String(pglitePkg.version));
  return hash.digest("hex").slice(0, 16);
}

export function pgliteTemplatePath(hash: string): string {
  return path.join(TEST_DATA_DIR, `pglite-template-${hash}.tar.gz`);
}

/** One short-lived superuser connection (create/drop test databases and roles). */
export async function withAdmin<T>(fn: (client: import("pg").Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A new database cloned from the migrated template; answers its name. CREATE DATABASE …
 * TEMPLATE fails while another session is copying the same template on some versions:
 * retried a few times.
 */
export async function cloneTemplate(template: string): Promise<string> {
  const name = uniqueDbName("db");
  await withAdmin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
      }
    }
  });
  return name;
}
