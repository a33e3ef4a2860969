// Socket.IO adapters: how rooms span several processes.
//  - memory: one process (embedded default);
//  - redis: Redis streams (REDIS_URL); also keeps connection-state recovery;
//  - postgres: LISTEN/NOTIFY through the app's pool (no recovery).
// The adapters' packages (Redis client above all) are imported when chosen: the embedded
// default uses none of them, and a start should not pay for loading them.
import pg from "pg";
import type { Logger } from "pino";
import type { ServerOptions } from "socket.io";

export type AdapterOption =
  | { kind: "memory" }
  /** `prefix` names the stream, channels and session keys: servers that must share rooms use the same one. */
  | { kind: "redis"; url: string; prefix?: string }
  /** The pool is the caller's: close() leaves it open. */
  | { kind: "postgres"; pool: pg.Pool; tableName?: string; channelPrefix?: string };

export interface PreparedAdapter {
  adapter: ServerOptions["adapter"] | undefined;
  /** Connection-state recovery needs an adapter that stores sessions. */
  supportsRecovery: boolean;
  /** Resolves when the adapter can receive what other servers publish. */
  ready(): Promise<void>;
  /** After io.close(): releases what the adapter opened. */
  close(): Promise<void>;
}

const ADAPTER_READY_TIMEOUT_MS = 10_000;
/** The table named in @socket.io/postgres-adapter's README (payloads over 8 kB go through it). */
export const POSTGRES_ATTACHMENTS_TABLE = "socket_io_attachments";
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export async function prepareAdapter(option: AdapterOption, logger: Logger): Promise<PreparedAdapter> {
  switch (option.kind) {
    case "memory":
      return { adapter: undefined, supportsRecovery: true, ready: async () => {}, close: async () => {} };
    case "redis":
      return prepareRedis(option.url, option.prefix ?? "socket.io", logger);
    case "postgres":
      return preparePostgres(option, logger);
  }
}

async function prepareRedis(url: string, prefix: string, logger: Logger): Promise<PreparedAdapter> {
  const [{ createClient }, { createAdapter: createRedisStreamsAdapter }] = await Promise.all([
    import("redis"),
    import("@socket.io/redis-streams-adapter"),
  ]);
  // Publishing fails at once while Redis is away instead of queueing: the adapter
  // then still delivers to this process's own sockets (a broadcast waits for its
  // publish first), so realtime degrades to one process rather than going silent.
  const client = createClient({ url, disableOfflineQueue: true });
  let unreachable = false;
  client.on("error", (err: unknown) => {
    if (unreachable) return;
    unreachable = true;
    logger.warn({ err }, "realtime: redis unreachable, rooms only span this process until it is back");
  });
  client.on("ready", () => {
    if (unreachable) logger.info("realtime: redis is back, rooms span the processes again");
    unreachable = false;
  });
  await client.connect();

  // The adapter duplicates the client twice (a blocking XREAD reader and a
  // subscriber) and never exposes them. We watch duplicate() to know when they are
  // ready, and to unref them on close: the reader only disconnects itself after
  // its current XREAD (up to blockTimeInMs) returns, and must not hold the process.
  const duplicates: Array<ReturnType<typeof client.duplicate>> = [];
  const watched = new Proxy(client, {
    get(target, property) {
      if (property === "duplicate") {
        return (...args: Parameters<typeof target.duplicate>) => {
          // The blocking reader keeps the offline queue: failing at once, its read
          // loop (which retries without a pause) would spin while Redis is away.
          const [overrides] = args;
          const duplicate = target.duplicate({ ...overrides, disableOfflineQueue: false });
          duplicates.push(duplicate);
          return duplicate;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const adapter = createRedisStreamsAdapter(watched, {
    streamName: prefix,
    channelPrefix: prefix,
    sessionKeyPrefix: `${prefix}:session:`,
  });

  return {
    adapter,
    supportsRecovery: true,
    async ready() {
      await withTimeout(
        Promise.all(
          duplicates.map((d) => (d.isReady ? Promise.resolve() : new Promise<void>((resolve) => d.once("ready", () => resolve())))),
        ),
        ADAPTER_READY_TIMEOUT_MS,
        "redis adapter did not connect",
      );
      // Let the adapter queue its XREAD and SUBSCRIBE, which follow "ready" by a few microtasks.
      await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      for (const duplicate of duplicates) duplicate.unref();
      // close() (not destroy()) lets the sessions persisted by io.close() reach Redis.
      if (client.isOpen) await client.close();
    },
  };
}

async function preparePostgres(option: Extract<AdapterOption, { kind: "postgres" }>, logger: Logger): Promise<PreparedAdapter> {
  const tableName = option.tableName ?? POSTGRES_ATTACHMENTS_TABLE;
  if (!SQL_IDENTIFIER.test(tableName)) throw new Error(`realtime: invalid attachments table name "${tableName}"`);
  await ensureAttachmentsTable(option.pool, tableName);
  const { createAdapter: createPostgresAdapter } = await import("@socket.io/postgres-adapter");
  const adapter = createPostgresAdapter(option.pool, {
    tableName,
    channelPrefix: option.channelPrefix ?? "socket.io",
    errorHandler: (err: Error) => logger.warn({ err }, "realtime: postgres adapter error"),
  });
  return { adapter, supportsRecovery: false, ready: async () => {}, close: async () => {} };
}

/**
 * The pool the Postgres adapter publishes through. The app may log in as a role
 * that owns nothing (rule 5, docs/architecture.md): its connections then start as service_role,
 * which the migration granted the attachments table to. A login role that is not a
 * member keeps its own identity (it owns the table, e.g. the superuser of a dev box).
 */
export async function createAdapterPool(connectionString: string): Promise<pg.Pool> {
  const probe = new pg.Client({ connectionString });
  await probe.connect();
  let member = false;
  try {
    const { rows } = await probe.query<{ member: boolean }>(
      "select exists (select 1 from pg_roles where rolname = 'service_role') and pg_has_role('service_role', 'MEMBER') as member",
    );
    member = rows[0]?.member === true;
  } finally {
    await probe.end();
  }
  // A startup option, so every connection (the LISTEN one included) has the role before any query.
  const pool = new pg.Pool({ connectionString, max: 2, ...(member ? { options: "-c role=service_role" } : {}) });
  // A database restart ends every connection. The pool replaces idle ones; the
  // adapter's LISTEN client is checked out for good and reconnects on "end", but
  // has no "error" listener of its own: unheard, that event would end the process.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

/**
 * Creates the adapter's table when missing. It lives in the search path (public),
 * where every table must have row-level security (rule 3): it gets RLS with no
 * policy and no grants, so only its owner (the login role that created it, which
 * RLS does not restrict) reads it, and anon/authenticated see nothing.
 */
export async function ensureAttachmentsTable(pool: pg.Pool, tableName: string): Promise<void> {
  const exists = async () => {
    const { rows } = await pool.query<{ found: boolean }>("select to_regclass($1) is not null as found", [tableName]);
    return rows[0]?.found === true;
  };
  if (await exists()) return;
  try {
    await pool.query(`
      do $$
      begin
        create table if not exists ${tableName} (
          id          bigserial unique,
          created_at  timestamptz default now(),
          payload     bytea
        );
        alter table ${tableName} enable row level security;
        revoke all on table ${tableName} from public;
        if exists (select 1 from pg_roles where rolname = 'anon') then
          revoke all on table ${tableName} from anon;
        end if;
        if exists (select 1 from pg_roles where rolname = 'authenticated') then
          revoke all on table ${tableName} from authenticated;
        end if;
      end
      $$`);
  } catch (error) {
    // Another process may have created it at the same moment.
    if (!(await exists())) throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
