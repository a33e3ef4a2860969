// Creates the long-lived services once per process: database (+ migrations and
// demo seed), auth issuer, mailer, job queue (its worker is started by
// server/index.ts). Both `npm start` and the tests use this.
import path from "node:path";
import type { Logger } from "pino";
import type { AppServices } from "~/utils/context";
import { createLocalAuth, LOCKOUT_MINUTES } from "~/utils/auth/local.server";
import type { AuthIssuer } from "~/utils/auth/types";
import { createPGliteDatabase, createPostgresDatabase, type Database } from "~/utils/db.server";
import type { Env } from "~/utils/env.server";
import { createMailer } from "~/utils/mail.server";
import { createMarkupCache } from "~/utils/markup-cache.server";
import { migrate } from "~/utils/migrate.server";
import { createLocalStorage, createSupabaseStorage, type FileStorage } from "~/utils/storage.server";
import { createJobQueue } from "~/modules/jobs/queue.server";
import { getAppSecret } from "~/utils/secret.server";
import { emailChangeConfirmEmail, localeOfEmail, localeOfUser, lockoutEmail, resetPasswordEmail } from "~/modules/accounts/emails.server";
import { ensureForumStructure } from "~/modules/forums/seed.server";
import { defineAppJobs } from "./jobs";
import { acquireDataDirLock } from "./lockfile";
import { seedDemo } from "./seed";

export interface CoreServices extends Omit<AppServices, "realtime"> {
  migrations: number;
  close(): Promise<void>;
}

export async function createServices(
  env: Env,
  logger: Logger,
  options: {
    progress?: (line: string) => void;
    /** Closes a person's live sockets on every process; the erasure job calls it (Socket.IO is attached later). */
    disconnectUser?: (userId: string) => Promise<void>;
  } = {},
): Promise<CoreServices> {
  const progress = options.progress ?? (() => {});
  const timed = async <T>(fn: () => Promise<T>) => {
    const started = Date.now();
    const value = await fn();
    return { value, seconds: ((Date.now() - started) / 1000).toFixed(1) };
  };
  const migrateWithProgress = async (target: Database) => {
    progress("Passerelle: checking database migrations…");
    const { value, seconds } = await timed(() => migrate(target));
    if (value.applied.length) progress(`Passerelle: ${value.applied.length} migration(s) applied (${seconds} s)`);
  };
  let db: Database;
  let releaseLock = () => {};
  if (env.DATABASE_URL) {
    if (env.MIGRATION_DATABASE_URL) {
      const owner = createPostgresDatabase(env.MIGRATION_DATABASE_URL, { max: 1 });
      try {
        await migrateWithProgress(owner);
      } finally {
        await owner.close();
      }
    }
    db = createPostgresDatabase(env.DATABASE_URL, { logger });
    if (!env.MIGRATION_DATABASE_URL) await migrateWithProgress(db);
  } else {
    const dataDir = path.resolve(env.DATA_DIR);
    releaseLock = acquireDataDirLock(dataDir);
    try {
      progress(`Passerelle: opening the embedded database (${path.join(dataDir, "pglite")})…`);
      ({ db } = await createPGliteDatabase({ dataDir: path.join(dataDir, "pglite"), logger }));
      await migrateWithProgress(db);
    } catch (error) {
      releaseLock();
      throw error;
    }
  }
  const health = await db.health();
  const migrations = health.ok ? health.migrations : 0;
  const jobs = createJobQueue({ db, logger });
  const mail = createMailer({ db, smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, logger, jobs });
  // Uploads: a private Supabase Storage bucket when a service key is given, else local disk.
  const storage: FileStorage =
    env.SUPABASE_URL && env.SUPABASE_SERVICE_ROLE_KEY
      ? createSupabaseStorage({ url: env.SUPABASE_URL, serviceKey: env.SUPABASE_SERVICE_ROLE_KEY })
      : createLocalStorage(path.join(path.resolve(env.DATA_DIR), "uploads"));

  let auth: AuthIssuer;
  const local = createLocalAuth({
    db,
    cookieSecure: env.cookieSecure,
    sessionDays: env.SESSION_DAYS,
    sendResetEmail: async ({ to, link }) => {
      const locale = await db.asSystem("mail: reset locale", (tx) => localeOfEmail(tx, to));
      await mail.enqueue({ to, kind: "password_reset", ...resetPasswordEmail(locale, link) });
    },
    sendLockoutEmail: async ({ to }) => {
      const locale = await db.asSystem("mail: lockout notice locale", (tx) => localeOfEmail(tx, to));
      await mail.enqueue({
        to,
        kind: "sign_in_lockout",
        ...lockoutEmail(locale, { minutes: LOCKOUT_MINUTES, link: `${env.publicUrl}/password/forgot` }),
      });
    },
    sendEmailChangeLink: async ({ to, link, userId }) => {
      const locale = await db.asSystem("mail: email change locale", (tx) => localeOfUser(tx, userId));
      await mail.enqueue({ to, kind: "email_change_confirm", ...emailChangeConfirmEmail(locale, { link }) });
    },
  });
  if (env.SUPABASE_URL && env.SUPABASE_ANON_KEY) {
    const { createSupabaseAuth } = await import("~/utils/auth/supabase.server");
    auth = createSupabaseAuth({ url: env.SUPABASE_URL, anonKey: env.SUPABASE_ANON_KEY, cookieSecure: env.cookieSecure });
  } else {
    auth = local;
  }

  // The forums' spaces and categories exist on every database, demo or not (decision 008).
  await db.asSystem("forums: ensure the spaces and categories exist", (tx) => ensureForumStructure(tx));
  if (env.seedDemo) {
    const seeded = await seedDemo(db, {
      hashPassword: local.hashPassword,
      onSeeding: () => progress("Passerelle: seeding the demo content…"),
    });
    if (seeded) logger.info("demo content seeded (accounts: admin@, mentor@, membre@, nouveau@passerelle.test)");
  }
  // Mail delivery, digests, notification emails, file housekeeping: jobs, not timers.
  await defineAppJobs(jobs, { db, mail, env, storage, logger, appSecret: getAppSecret(env), disconnectUser: options.disconnectUser });

  return {
    db,
    auth,
    env,
    logger,
    mail,
    storage,
    jobs,
    migrations,
    // 8 MB: about 1 800 posts (a post's markup is about 2.2 KB, its key about as much).
    markupCache: createMarkupCache({ maxBytes: 8 * 1024 * 1024 }),
    async close() {
      try {
        await jobs.stop();
        await mail.stop();
        await db.close();
      } finally {
        // Whatever happened to the database, the data directory is free again.
        releaseLock();
      }
    },
  };
}
