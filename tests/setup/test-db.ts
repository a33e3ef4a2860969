// A fresh database per call, cloned from the template the global setup prepared
// (tests/setup/global-setup.ts), plus helpers that create people the way sign-up
// does. TEST_DB=pglite (default) or TEST_DB=postgres with TEST_DATABASE_URL.
//
//   let t: TestDatabase;
//   beforeAll(async () => { t = await createTestDatabase(); });
//   afterAll(() => t.cleanup());
import { readFile } from "node:fs/promises";
import { sql } from "kysely";
import { inject } from "vitest";
import { createPGliteDatabase, createPostgresDatabase, type Database, type UserClaims } from "../../app/utils/db.server";
import type { Role } from "../../app/utils/db-schema";
import { acceptingCurrentNotices } from "../../app/modules/accounts/consent";
import { adminUrl, APP_ROLE, APP_ROLE_PASSWORD, cloneTemplate, quoteIdent, uniqueDbName, withDatabase, withAdmin } from "./db-env";

export interface TestDatabase {
  db: Database;
  kind: "pglite" | "postgres";
  /** PostgreSQL only: the URL the app's non-owning login role connects with. */
  url?: string;
  cleanup(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const provided = inject("testDb");
  if (!provided) throw new Error("testDb was not provided: is tests/setup/global-setup.ts the globalSetup of vitest.config.ts?");
  if (provided.kind === "pglite") {
    // The template is a few MB of gzip: read it per call so every test file starts clean.
    const blob = new Blob([await readFile(provided.templatePath)]);
    const { db } = await createPGliteDatabase({ loadDataDir: blob });
    let closed = false;
    return {
      db,
      kind: "pglite",
      async cleanup() {
        if (closed) return;
        closed = true;
        await db.close();
      },
    };
  }

  const name = await cloneTemplate(provided.template);
  // The pool logs in as the non-owning role: only withUser/asSystem grant anything.
  const url = withDatabase(adminUrl(), name, { name: APP_ROLE, password: APP_ROLE_PASSWORD });
  const db = createPostgresDatabase(url);
  let closed = false;
  return {
    db,
    kind: "postgres",
    url,
    async cleanup() {
      if (closed) return;
      closed = true;
      await db.close();
      await withAdmin((client) => client.query(`drop database if exists ${quoteIdent(name)} with (force)`));
    },
  };
}

/**
 * An empty, unmigrated database, for the tests of the migration runner itself.
 * On PostgreSQL it connects as the superuser of the admin URL, as migrations do.
 */
export async function createBlankDatabase(): Promise<TestDatabase> {
  if (inject("testDb").kind === "pglite") {
    const { db } = await createPGliteDatabase();
    return { db, kind: "pglite", cleanup: () => db.close() };
  }
  const name = uniqueDbName("db");
  await withAdmin((client) => client.query(`create database ${quoteIdent(name)}`));
  const db = createPostgresDatabase(withDatabase(adminUrl(), name), { max: 2 });
  return {
    db,
    kind: "postgres",
    async cleanup() {
      await db.close();
      await withAdmin((client) => client.query(`drop database if exists ${quoteIdent(name)} with (force)`));
    },
  };
}

// ── People ──────────────────────────────────────────────────────────────────

export interface CreateUserOptions {
  email?: string;
  displayName?: string;
  /** A code of public.disciplines; default 'medecin'. */
  discipline?: string;
  /** A code of public.regions; default '09' (Côte-Nord). */
  region?: string;
  verified?: boolean;
  roles?: Role[];
  directoryOptIn?: boolean;
}

export interface TestUser {
  id: string;
  email: string;
  claims: UserClaims;
}

let counter = 0;

export function claimsFor(id: string, email: string): UserClaims {
  return { sub: id, role: "authenticated", aud: "authenticated", email, exp: Math.floor(Date.now() / 1000) + 3600 };
}

/**
 * Creates a person the way sign-up does: the auth.users row through the system
 * path (the auth issuer's job), then profile, private fields and consents as that
 * person, through RLS. Verification and roles are bootstrapped through the system
 * path (no admin exists yet in a fresh database), so the audit rows they leave
 * have no actor; tests of the admin flows perform those as an admin instead.
 */
export async function createUser(db: Database, options: CreateUserOptions = {}): Promise<TestUser> {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  const email = options.email ?? `member-${tag}@example.test`;
  const displayName = options.displayName ?? `Membre ${tag}`;

  const id = await db.asSystem("test: auth issuer creates the account", async (tx) => {
    const row = await tx
      .insertInto("auth.users")
      .values({ email, email_confirmed_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  });
  const claims = claimsFor(id, email);

  await db.withUser(claims, async (tx) => {
    await tx
      .insertInto("profiles")
      .values({
        id,
        display_name: displayName,
        discipline: options.discipline ?? "medecin",
        region_code: options.region ?? "09",
        languages: ["fr"],
        topics: [],
        establishment: null,
        establishment_kind: null,
        bio: null,
        directory_opt_in: options.directoryOptIn ?? false,
      })
      .execute();
    await tx.insertInto("profile_private").values({ user_id: id, contact_email: email }).execute();
    await tx.insertInto("consents").values(acceptingCurrentNotices(id)).execute();
  });

  if (options.verified || (options.roles && options.roles.length > 0)) {
    await db.asSystem("test: bootstrap verification and roles", async (tx) => {
      if (options.verified) {
        await tx.updateTable("profiles").set({ verification_status: "verified", verified_at: new Date() }).where("id", "=", id).execute();
      }
      for (const role of options.roles ?? []) {
        await tx.insertInto("user_roles").values({ user_id: id, role, granted_by: null }).execute();
      }
    });
  }
  return { id, email, claims };
}

/** auth.uid() and current_user as the database sees them inside withUser. */
export async function whoAmI(db: Database, claims: UserClaims | null) {
  return db.withUser(claims, async (tx) => {
    const { rows } = await sql<{ uid: string | null; current_user: string }>`
      select auth.uid()::text as uid, current_user::text as current_user`.execute(tx);
    const row = rows[0];
    if (!row) throw new Error("no row");
    return row;
  });
}
