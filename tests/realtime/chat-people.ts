// Fixtures for chat tests, the server child process and the bench: verified people
// with a real session of the embedded auth issuer (a row in auth_sessions and the
// cookie the browser would hold), and conversations between them. System path only,
// and no vitest import: the child process and the bench load this file too.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { sql } from "kysely";
import { acceptingCurrentNotices } from "../../app/modules/accounts/consent";
import { SESSION_COOKIE } from "../../app/utils/auth/local.server";
import type { Database, UserClaims } from "../../app/utils/db.server";
import type { Role } from "../../app/utils/db-schema";

export interface Person {
  id: string;
  name: string;
  email: string;
  claims: UserClaims;
  /** The Cookie header of this person's session. */
  cookie: string;
}

export interface PersonOptions {
  name?: string;
  verified?: boolean;
  roles?: Role[];
  directoryOptIn?: boolean;
}

const sessionCookie = createCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "lax", path: "/" });
let counter = 0;

/** Creates people in one transaction (the bench makes a thousand). */
export async function createPeople(db: Database, list: PersonOptions[]): Promise<Person[]> {
  const stamp = `${Date.now().toString(36)}${process.pid}`;
  const drafts = list.map((options) => {
    counter += 1;
    const token = randomBytes(32).toString("base64url");
    return {
      options,
      token,
      id: randomUUID(),
      email: `chat-${stamp}-${counter}@example.test`,
      name: options.name ?? `Membre ${stamp}-${counter}`,
    };
  });
  const expires = new Date(Date.now() + 24 * 3600 * 1000);
  await db.asSystem("test: people and their sessions", async (tx) => {
    for (let i = 0; i < drafts.length; i += 200) {
      const chunk = drafts.slice(i, i + 200);
      await tx
        .insertInto("auth.users")
        .values(chunk.map((d) => ({ id: d.id, email: d.email, email_confirmed_at: new Date() })))
        .execute();
      await tx
        .insertInto("profiles")
        .values(
          chunk.map((d) => ({
            id: d.id,
            display_name: d.name,
            discipline: "infirmiere",
            region_code: "09",
            languages: ["fr"],
            topics: [],
            establishment: null,
            establishment_kind: null,
            bio: null,
            directory_opt_in: d.options.directoryOptIn ?? false,
            verification_status: d.options.verified === false ? ("unverified" as const) : ("verified" as const),
            verified_at: d.options.verified === false ? null : new Date(),
          })),
        )
        .execute();
      await tx
        .insertInto("profile_private")
        .values(chunk.map((d) => ({ user_id: d.id, contact_email: d.email })))
        .execute();
      // The current notices accepted, as at sign-up: otherwise every page and form sends
      // them to /consent first (re-consent when a notice's version changes).
      await tx
        .insertInto("consents")
        .values(chunk.flatMap((d) => acceptingCurrentNotices(d.id)))
        .execute();
      await tx
        .insertInto("auth_sessions")
        .values(
          chunk.map((d) => ({
            id: createHash("sha256").update(d.token).digest("hex"),
            user_id: d.id,
            expires_at: expires,
            user_agent: "test",
          })),
        )
        .execute();
      const roles = chunk.flatMap((d) => (d.options.roles ?? []).map((role) => ({ user_id: d.id, role, granted_by: null })));
      if (roles.length > 0) await tx.insertInto("user_roles").values(roles).execute();
    }
  });
  return Promise.all(
    drafts.map(async (d) => ({
      id: d.id,
      name: d.name,
      email: d.email,
      claims: {
        sub: d.id,
        role: "authenticated" as const,
        aud: "authenticated" as const,
        email: d.email,
        exp: Math.floor(expires.getTime() / 1000),
      },
      cookie: (await sessionCookie.serialize(d.token)).split(";")[0] ?? "",
    })),
  );
}

export async function createPerson(db: Database, options: PersonOptions = {}): Promise<Person> {
  const [person] = await createPeople(db, [options]);
  if (!person) throw new Error("no person");
  return person;
}

/** A group conversation owned by the first person, with the others as members (system path: a fixture). */
export async function createGroup(db: Database, people: Array<{ id: string }>, title = "Équipe de test"): Promise<string> {
  const [owner] = people;
  if (!owner) throw new Error("a group needs people");
  const id = randomUUID();
  await db.asSystem("test: a group conversation", async (tx) => {
    await tx.insertInto("conversations").values({ id, kind: "group", title, created_by: owner.id }).execute();
    for (let i = 0; i < people.length; i += 500) {
      await tx
        .insertInto("conversation_members")
        .values(
          people.slice(i, i + 500).map((p, j) => ({
            conversation_id: id,
            user_id: p.id,
            role: i + j === 0 ? ("owner" as const) : ("member" as const),
            added_by: owner.id,
          })),
        )
        .execute();
    }
  });
  return id;
}

/** Messages stored in a conversation, oldest first (system path: what the database really holds). */
export async function storedMessages(db: Database, conversationId: string) {
  return db.asSystem("test: read back messages", (tx) =>
    tx
      .selectFrom("messages")
      .select(["id", "author_id", "client_id", "body", "parent_id", "deleted_at", "edited_at"])
      .where("conversation_id", "=", conversationId)
      .orderBy("id")
      .execute(),
  );
}

export async function countWhere(db: Database, table: "messages" | "notifications" | "outbox", where: ReturnType<typeof sql<boolean>>) {
  const { rows } = await db.asSystem("test: count", (tx) =>
    sql<{ n: number }>`select count(*)::int as n from ${sql.table(`public.${table}`)} where ${where}`.execute(tx),
  );
  return rows[0]?.n ?? 0;
}
