// Creates the long-lived services once per process: database (+ migrations and
// demo seed), auth issuer, mailer. Both `npm start` and the tests use this.
import path from "node:path";
import type { Logger } from "pino";
import type { AppServices } from "~/utils/context";
import { createLocalAuth } from "~/utils/auth/local.server";
import type { AuthIssuer } from "~/utils/auth/types";
import { createPGliteDatabase, createPostgresDatabase, type Database } from "~/utils/db.server";
import type { Env } from "~/utils/env.server";
import { createMailer } from "~/utils/mail.server";
import { migrate } from "~/utils/migrate.server";
import { createLocalStorage, createSupabaseStorage, type FileStorage } from "~/utils/storage.server";
import { purgeDeletedFiles, sweepOrphanFiles } from "~/modules/tools/tools.server";
import { resetPasswordEmail } from "~/modules/accounts/emails.server";
import { ensureForumStructure } from "~/modules/forums/seed.server";
import { acquireDataDirLock } from "./lockfile";
import { seedDemo } from "./seed";

export interface CoreServices extends Omit<AppServices, "realtime"> {
  migrations: number;
  close(): Promise<void>;
}

export async function createServices(env: Env, logger: Logger): Promise<CoreServices> {
  let db: Database;
  let releaseLock = () => {};
  if (env.DATABASE_URL) {
    if (env.MIGRATION_DATABASE_URL) {
      const owner = createPostgresDatabase(env.MIGRATION_DATABASE_URL, { max: 1 });
      try {
        await migrate(owner);
      } finally {
        await owner.close();
      }
    }
    db = createPostgresDatabase(env.DATABASE_URL);
    if (!env.MIGRATION_DATABASE_URL) await migrate(db);
  } else {
    const dataDir = path.resolve(env.DATA_DIR);
    releaseLock = acquireDataDirLock(dataDir);
    try {
      ({ db } = await createPGliteDatabase({ dataDir: path.join(dataDir, "pglite") }));
      await migrate(db);
    } catch (error) {
      releaseLock();
      throw error;
    }
  }
  const health = await db.health();
  const migrations = health.ok ? health.migrations : 0;
  const mail = createMailer({ db, smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, logger });
  // Uploads: a private Supabase Storage bucket when a service key is given, else local disk.
  const storage: FileStorage = env.SUPABASE_URL && env.SUPABASE_SERVICE_ROLE_KEY
    ? createSupabaseStorage({ url: env.SUPABASE_URL, serviceKey: env.SUPABASE_SERVICE_ROLE_KEY })
    : createLocalStorage(path.join(path.resolve(env.DATA_DIR), "uploads"));

  let auth: AuthIssuer;
  const local = createLocalAuth({
    db,
    cookieSecure: env.cookieSecure,
    sessionDays: env.SESSION_DAYS,
    sendResetEmail: async ({ to, link }) => {
      const locale = await db.asSystem("mail: reset locale", (tx) =>
        tx.selectFrom("profiles").innerJoin("auth.users as u", "u.id", "profiles.id")
          .select("profiles.locale").where("u.email", "=", to).executeTakeFirst());
      await mail.enqueue({ to, kind: "password_reset", ...resetPasswordEmail(locale?.locale ?? "fr-CA", link) });
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
    const seeded = await seedDemo(db, { hashPassword: local.hashPassword });
    if (seeded) logger.info("demo content seeded (accounts: admin@, mentor@, membre@, nouveau@passerelle.test)");
  }
  mail.start();
  // Blobs whose rows were deleted while the storage was unreachable, and uploads a crash
  // left without a row. In the background: storage may be remote and slow to answer.
  void (async () => {
    await purgeDeletedFiles({ db, storage, logger });
    await sweepOrphanFiles({ db, storage, logger });
  })().catch((error: unknown) => logger.warn({ err: error }, "files: start-up housekeeping failed"));

  return {
    db, auth, env, logger, mail, storage, migrations,
    async close() {
      try {
        await mail.stop();
        await db.close();
      } finally {
        // Whatever happened to the database, the data directory is free again.
        releaseLock();
      }
    },
  };
}
