// The one way to touch data. Two backends behind one contract:
//  - embedded: PGlite, file-backed under .data/ (one session shared by every caller,
//    so a mutex hands it to one transaction at a time);
//  - DATABASE_URL: a pg pool on any PostgreSQL 15+, Supabase included.
// Every query on behalf of a person runs in withUser(): one transaction whose first
// statement sets role, request.jwt.claims and a statement timeout, exactly like
// Supabase's data API, so row-level security decides. The system path (asSystem)
// is explicit and named; nothing reaches it by default.
import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import { deferredStartStatement, deferringClient, type TransactionStart } from "./db-pipeline.server";
import type { DB } from "./db-schema";

export type Tx = Transaction<DB>;

declare const systemBrand: unique symbol;
/**
 * A transaction opened by asSystem (role service_role, beyond one person's rights). A function that
 * must only run with those rights takes a SystemTx, so handing it a withUser transaction does not
 * compile; a SystemTx is still a Tx wherever an ordinary transaction will do.
 */
export type SystemTx = Tx & { readonly [systemBrand]: true };

/** Where asSystem reports its reason (pino's debug in the server; nothing by default). */
export interface DatabaseLogger {
  debug(details: { reason: string }, message: string): void;
}

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
  withUser<T>(claims: Claims, fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Acts beyond one person's rights (seed, mail worker, auth issuer). `reason` is logged at debug level. */
  asSystem<T>(reason: string, fn: (tx: SystemTx) => Promise<T>, options?: Pick<TransactionOptions, "oneStatement">): Promise<T>;
  /** Raw multi-statement SQL through the same pool (migrations only). */
  execScript(sqlText: string): Promise<void>;
  /** Holds one connection for a sequence of raw statements (migrations: lock, scripts, unlock). */
  withSession<T>(fn: (run: (sqlText: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T>;
  health(): Promise<{ ok: true; migrations: number } | { ok: false; reason: string }>;
  /**
   * When the connection to the database was last lost (Date.now()), or null once a
   * transaction has succeeded again (in any request of this process).
   */
  connectionLostAt(): number | null;
  /**
   * Watches one request: `run` runs its work, and `unavailable()` then says whether one of the
   * transactions started inside it failed because the database was unavailable
   * (isUnavailableError). The HTTP layer answers such a request 503, not 500: unlike
   * connectionLostAt(), another request's success in the meantime does not hide it.
   */
  watchRequest(): { run<T>(fn: () => Promise<T>): Promise<T>; unavailable(): boolean };
  close(): Promise<void>;
  readonly kysely: Kysely<DB>;
}

export interface TransactionOptions {
  /** Writes are refused by PostgreSQL (`start transaction read only`). */
  readOnly?: boolean;
  /**
   * The transaction runs exactly one statement (a page's header, the viewer, a session): on
   * PostgreSQL its start, the statement and its commit then go in one round trip
   * (db-pipeline.server.ts). A second statement is refused with an error.
   */
  oneStatement?: boolean;
}

export const STATEMENT_TIMEOUT_MS = 8000;
/** Waiting for a pooled connection longer than this is an outage, not a queue. */
export const CONNECT_TIMEOUT_MS = 4000;

/**
 * The database cannot be reached (refused, shutting down, connection lost, no free
 * connection in time): the request may be retried later, nothing was committed.
 */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = "code" in error ? String(error.code) : "";
  // Node's socket errors; SQLSTATE class 08 (connection exception); 57P01-57P03
  // (admin shutdown, crash shutdown, cannot connect now: a restarting server).
  if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"].includes(code)) return true;
  if (code.startsWith("08") || ["57P01", "57P02", "57P03"].includes(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed/i.test(
    message,
  );
}

/**
 * The database could not do the work now, and nothing was committed: unreachable (above), or
 * too busy — a statement cancelled at the statement timeout (every statement is bounded by
 * STATEMENT_TIMEOUT_MS, so on a saturated server a normal page can meet it), no free
 * connection in time, insufficient resources (class 53), or a transaction rolled back by a
 * serialization failure or a deadlock. The client may retry: 503 with Retry-After, not 500.
 */
export function isUnavailableError(error: unknown): boolean {
  if (isConnectionError(error)) return true;
  if (typeof error !== "object" || error === null) return false;
  const code = "code" in error ? String(error.code) : "";
  return code === "57014" || code === "40001" || code === "40P01" || /^53[0-9A-Z]{3}$/.test(code);
}

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

/** Each checkout holds its transaction's start for the first statement (db-pipeline.server.ts). */
function deferringPool(pool: PoolLike, pipelined: boolean): PoolLike {
  return {
    connect: async () => deferringClient((await pool.connect()) as Parameters<typeof deferringClient>[0], pipelined),
    end: () => pool.end(),
  };
}

function makeDatabase(
  kind: Database["kind"],
  pool: PoolLike,
  onClose: () => Promise<void>,
  options: { logger?: DatabaseLogger },
): Database {
  // Kysely's PostgresDialect only needs connect()/query()/release() from the pool.
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
  /**
   * One transaction on one connection. It starts with its settings (role, claims, statement
   * timeout), held back by the pool's client and sent with the first statement: on PostgreSQL
   * in one write (db-pipeline.server.ts); on PGlite, where a statement costs no socket write,
   * as one simple-protocol message before it (decisions 018 and 035).
   */
  const transaction = <T>(start: Omit<TransactionStart, "statementTimeoutMs">, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    kysely.connection().execute(async (connection) => {
      // Bound to the one connection: what fn runs is inside the transaction, like Kysely's Transaction.
      const tx = connection as unknown as Tx;
      const settings = { ...start, statementTimeoutMs: STATEMENT_TIMEOUT_MS };
      try {
        await sql.raw(deferredStartStatement(settings)).execute(tx);
        const result = await fn(tx);
        await sql.raw("commit").execute(tx);
        return result;
      } catch (error) {
        // Never hand the connection back inside a transaction (a lost connection cannot roll back: nothing to do).
        await sql
          .raw("rollback")
          .execute(tx)
          .catch(() => {});
        throw error;
      }
    });
  let lostAt: number | null = null;
  /** The request a transaction runs for (watchRequest), followed through its awaits. */
  const requests = new AsyncLocalStorage<{ unavailable: boolean }>();
  /** Every transaction goes through here: it keeps connectionLostAt() and its request's state current. */
  const watched = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      lostAt = null;
      return result;
    } catch (error) {
      if (isConnectionError(error)) lostAt ??= Date.now();
      if (isUnavailableError(error)) {
        const request = requests.getStore();
        if (request) request.unavailable = true;
      }
      throw error;
    }
  };
  const db: Database = {
    kind,
    kysely,
    async withUser(claims, fn, options) {
      const shape = { readOnly: options?.readOnly === true, oneStatement: options?.oneStatement === true };
      return watched(() =>
        transaction(claims ? { role: "authenticated", claims, ...shape } : { role: "anon", claims: { role: "anon" }, ...shape }, fn),
      );
    },
    async asSystem(reason, fn, system) {
      options.logger?.debug({ reason }, "system transaction");
      return watched(() =>
        transaction(
          { role: "service_role", claims: { role: "service_role" }, readOnly: false, oneStatement: system?.oneStatement === true },
          (tx) => fn(tx as SystemTx),
        ),
      );
    },
    connectionLostAt: () => lostAt,
    watchRequest() {
      const state = { unavailable: false };
      return { run: (fn) => requests.run(state, fn), unavailable: () => state.unavailable };
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
        // The app's login role owns nothing (rule 5, docs/architecture.md): read through the system role.
        const rows = await db.asSystem(
          "health check",
          async (tx) => (await sql<{ n: number }>`select count(*)::int as n from supabase_migrations.schema_migrations`.execute(tx)).rows,
        );
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

/** A pg pool; pass the login role that does not own the tables (rule 5 in docs/architecture.md). */
export function createPostgresDatabase(connectionString: string, options: { max?: number; logger?: DatabaseLogger } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. health() reports outages.
  });
  pool.on("connect", (client) => {
    // A connection lost while a transaction holds it (between two statements) is
    // reported to its next query; unheard, the event would end the process.
    client.on("error", () => {});
  });
  return makeDatabase("postgres", deferringPool(pool as unknown as PoolLike, true), async () => {}, options);
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

export async function createPGliteDatabase(
  options: { dataDir?: string; loadDataDir?: Blob; logger?: DatabaseLogger } = {},
): Promise<{ db: Database; instance: PGliteInstance }> {
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
  const db = makeDatabase(
    "pglite",
    deferringPool(createPGlitePool(instance), false),
    async () => {
      await instance.close();
    },
    options,
  );
  return { db, instance };
}
