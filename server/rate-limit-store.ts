// Where the HTTP rate limits keep their counts. Several app processes behind one
// address must count together, or each process multiplies the limit:
//  - Redis when REDIS_URL is set (one atomic script per hit);
//  - the http_rate_limits table when the database is a shared PostgreSQL;
//  - memory on the embedded database, which only ever has one process.
// A store that cannot answer (Redis down, database down) lets the request through
// (express-rate-limit's passOnStoreError): the sign-in itself still needs the
// database, and the account lockout there still counts failures.
import { sql } from "kysely";
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from "express-rate-limit";
import { MemoryStore } from "express-rate-limit";
import type { Logger } from "pino";
import type { Database } from "~/utils/db.server";

export interface RateLimitStores {
  readonly kind: "redis" | "postgres" | "memory";
  /** A store for one limiter; `name` keeps the limiters' counts apart. */
  create(name: string): Store;
  close(): Promise<void>;
}

/** Fixed window in one step: the first hit of a window sets the expiry with the count. */
const REDIS_INCREMENT = `
local ttl = redis.call("PTTL", KEYS[1])
if ttl <= 0 then
  redis.call("SET", KEYS[1], 1, "PX", ARGV[1])
  return { 1, tonumber(ARGV[1]) }
end
return { redis.call("INCR", KEYS[1]), ttl }`;

export async function createRateLimitStores(options: {
  redisUrl?: string;
  db: Database;
  logger: Logger;
  prefix?: string;
}): Promise<RateLimitStores> {
  const prefix = options.prefix ?? "passerelle:rl:";
  if (options.redisUrl) return redisStores(options.redisUrl, prefix, options.logger);
  if (options.db.kind === "postgres") return postgresStores(options.db, prefix);
  return { kind: "memory", create: () => new MemoryStore(), close: async () => {} };
}

async function redisStores(url: string, prefix: string, logger: Logger): Promise<RateLimitStores> {
  // Without the offline queue a hit fails at once while Redis is away (the request
  // passes) instead of waiting for a reconnection that may never come.
  // Imported only when chosen: the redis client is a quarter of a second of CPU at every start otherwise.
  const { createClient } = await import("redis");
  const client = createClient({ url, disableOfflineQueue: true });
  let warned = false;
  client.on("error", (err: unknown) => {
    if (warned) return;
    warned = true;
    logger.warn({ err }, "rate limits: redis unreachable, requests pass unlimited until it is back");
  });
  client.on("ready", () => {
    if (warned) logger.info("rate limits: redis is back");
    warned = false;
  });
  // A Redis down at boot must not stop the app: the client keeps reconnecting.
  client.connect().catch(() => {});
  return {
    kind: "redis",
    create(name) {
      let windowMs = 60_000;
      const keyOf = (key: string) => `${prefix}${name}:${key}`;
      return {
        prefix: `${prefix}${name}:`,
        init(opts: Options) {
          windowMs = opts.windowMs;
        },
        async increment(key): Promise<IncrementResponse> {
          const reply = await client.eval(REDIS_INCREMENT, { keys: [keyOf(key)], arguments: [String(windowMs)] });
          const [hits, ttl] = Array.isArray(reply) ? reply.map(Number) : [Number.NaN, Number.NaN];
          if (!Number.isFinite(hits) || !Number.isFinite(ttl)) throw new Error("unexpected reply from redis");
          return { totalHits: hits as number, resetTime: new Date(Date.now() + (ttl as number)) };
        },
        async get(key): Promise<ClientRateLimitInfo | undefined> {
          const [hits, ttl] = await Promise.all([client.get(keyOf(key)), client.pTTL(keyOf(key))]);
          if (hits === null) return undefined;
          return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(0, Number(ttl))) };
        },
        async decrement(key) {
          await client.decr(keyOf(key));
        },
        async resetKey(key) {
          await client.del(keyOf(key));
        },
      };
    },
    async close() {
      if (client.isOpen) await client.close().catch(() => {});
    },
  };
}

/** Expired rows are swept by one hit in this many (a sweep is one indexed delete). */
const SWEEP_EVERY = 200;

function postgresStores(db: Database, prefix: string): RateLimitStores {
  let hitsSinceSweep = 0;
  return {
    kind: "postgres",
    create(name) {
      let windowMs = 60_000;
      const keyOf = (key: string) => `${prefix}${name}:${key}`.slice(0, 300);
      return {
        prefix: `${prefix}${name}:`,
        init(opts: Options) {
          windowMs = opts.windowMs;
        },
        async increment(key): Promise<IncrementResponse> {
          const sweep = ++hitsSinceSweep % SWEEP_EVERY === 0;
          return db.asSystem("rate limit: count a hit", async (tx) => {
            if (sweep) await sql`delete from public.http_rate_limits where reset_at < now() - interval '1 minute'`.execute(tx);
            // One statement: concurrent hits from several processes serialise on the row.
            const { rows } = await sql<{ hits: number; reset_at: Date }>`
              insert into public.http_rate_limits as r (key, hits, reset_at)
              values (${keyOf(key)}, 1, now() + make_interval(secs => ${windowMs / 1000}))
              on conflict (key) do update set
                hits = case when r.reset_at <= now() then 1 else r.hits + 1 end,
                reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
              returning hits, reset_at`.execute(tx);
            const row = rows[0];
            if (!row) throw new Error("rate limit: no row");
            return { totalHits: row.hits, resetTime: new Date(row.reset_at) };
          });
        },
        async get(key): Promise<ClientRateLimitInfo | undefined> {
          return db.asSystem("rate limit: read a count", async (tx) => {
            const { rows } = await sql<{ hits: number; reset_at: Date }>`
              select hits, reset_at from public.http_rate_limits where key = ${keyOf(key)} and reset_at > now()`.execute(tx);
            const row = rows[0];
            return row ? { totalHits: row.hits, resetTime: new Date(row.reset_at) } : undefined;
          });
        },
        async decrement(key) {
          await db.asSystem("rate limit: give a hit back", (tx) =>
            sql`update public.http_rate_limits set hits = greatest(hits - 1, 0) where key = ${keyOf(key)}`.execute(tx),
          );
        },
        async resetKey(key) {
          await db.asSystem("rate limit: reset", (tx) => sql`delete from public.http_rate_limits where key = ${keyOf(key)}`.execute(tx));
        },
      };
    },
    close: async () => {},
  };
}
