// The one way to touch data. Two backends behind one contract:
//  - embedded: PGlite, file-backed under .data/ (one session shared by every caller,
//    so a mutex hands it to one transaction at a time);
//  - DATABASE_URL: a pg pool on any PostgreSQL 15+, Supabase included.
// Every query on behalf of a person runs in withUser(): one transaction whose first
// statement sets role, request.jwt.claims and a statement timeout, exactly like
// Supabase's data API, so row-level security decides. The system path (asSystem)
// is explicit and named; nothing reaches it by default.
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import type { DB } from "./db-schema";

export type Tx = Transaction<DB>;

/** Supabase-shaped JWT claims for a signed-in person. */
export interface UserClaims {
  sub: string;
  role: "authenticated";
  aud: "authenticated";
  email: string;
  exp: number;
  session_id?: string;
}
/** null means an anonymous visitor (role anon). */
export type Claims = UserClaims | null;

export interface Database {
  readonly kind: "pglite" | "postgres";
  withUser<T>(claims: Claims, fn: (tx: Tx) => Promise<T>, options?: { readOnly?: boolean }): Promise<T>;
  /** Acts beyond one person's rights (seed, mail worker, auth issuer). `reason` is for the logs. */
  asSystem<T>(reason: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Raw multi-statement SQL through the same pool (migrations only). */
  execScript(sqlText: string): Promise<void>;
  /** Holds one connection for a sequence of raw statements (migrations: lock, scripts, unlock). */
  withSession<T>(fn: (run: (sqlText: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T>;
  health(): Promise<{ ok: true; migrations: number } | { ok: false; reason: string }>;
  close(): Promise<void>;
  readonly kysely: Kysely<DB>;
}

export const STATEMENT_TIMEOUT_MS = 8000;

// Pg returns bigint (int8) as string; our counts and identities fit in a double.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// A calendar date is not an instant: keep 'YYYY-MM-DD' rather than a Date at local midnight.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (v) => v);

interface PoolLikeClient {
  query(sqlText: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number | null; command: string }>;
  release(): void;
}
interface PoolLike {
  connect(): Promise<PoolLikeClient>;
  end(): Promise<void>;
}

function makeDatabase(kind: Database["kind"], pool: PoolLike, onClose: () => Promise<void>): Database {
  // Kysely's PostgresDialect only needs connect()/query()/release() from the pool.
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
  const begin = async (tx: Tx, role: string, claims: object) => {
    await sql`select set_config('role', ${role}, true),
                     set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                     set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS)}, true)`.execute(tx);
  };
  const db: Database = {
    kind,
    kysely,
    async withUser(claims, fn, options) {
      const builder = kysely.transaction();
      const run = options?.readOnly ? builder.setAccessMode("read only") : builder;
      return run.execute(async (tx) => {
        if (claims) await begin(tx, "authenticated", claims);
        else await begin(tx, "anon", { role: "anon" });
        return fn(tx);
      });
    },
    async asSystem(_reason, fn) {
      return kysely.transaction().execute(async (tx) => {
        await begin(tx, "service_role", { role: "service_role" });
        return fn(tx);
      });
    },
    async execScript(sqlText) {
      const client = await pool.connect();
      try {
        await client.query(sqlText);
      } finally {
        client.release();
      }
    },
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn(async (sqlText) => (await client.query(sqlText)).rows as Array<Record<string, unknown>>);
      } finally {
        client.release();
      }
    },
    async health() {
      try {
        // The app's login role owns nothing (DESIGN rule 5): read through the system role.
        const rows = await db.asSystem("health check", async (tx) =>
          (await sql<{ n: number }>`select count(*)::int as n from supabase_migrations.schema_migrations`.execute(tx)).rows);
        return { ok: true, migrations: rows[0]?.n ?? 0 };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      await kysely.destroy();
      await onClose();
    },
  };
  return db;
}

/** A pg pool; pass the login role that does not own the tables (rule 5 in DESIGN.md). */
export function createPostgresDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. health() reports outages.
  });
  return makeDatabase("postgres", pool, async () => {});
}

type PGliteInstance = import("@electric-sql/pglite").PGlite;

/**
 * Wraps the single PGlite session as a pool of one: connect() waits until the
 * previous holder released it, so a transaction never interleaves with another
 * person's statements.
 */
export function createPGlitePool(instance: PGliteInstance): PoolLike {
  let tail: Promise<void> = Promise.resolve();
  return {
    async connect() {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const previous = tail;
      tail = previous.then(() => held);
      await previous;
      let released = false;
      return {
        async query(sqlText, params) {
          const command = sqlText.trimStart().split(/\s+/, 1)[0]?.toUpperCase() ?? "";
          if (!params || params.length === 0) {
            const results = await instance.exec(sqlText);
            const last = results[results.length - 1];
            return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0, command };
          }
          const result = await instance.query(sqlText, params as unknown[]);
          return { rows: result.rows, rowCount: result.affectedRows ?? 0, command };
        },
        release() {
          if (released) return;
          released = true;
          release();
        },
      };
    },
    async end() {},
  };
}

export async function createPGliteDatabase(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<{ db: Database; instance: PGliteInstance }> {
  const { PGlite } = await import("@electric-sql/pglite");
  // The extensions Supabase ships and our migrations use (French search: unaccent, trigram titles).
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { unaccent } = await import("@electric-sql/pglite/contrib/unaccent");
  const instance = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: { pg_trgm, unaccent },
    // Same value shapes as the pg driver above.
    parsers: { [DATE_OID]: (v: string) => v, 20: (v: string) => Number.parseInt(v, 10) },
  });
  const db = makeDatabase("pglite", createPGlitePool(instance), async () => {
    await instance.close();
  });
  return { db, instance };
}
