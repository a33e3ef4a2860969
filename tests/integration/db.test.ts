// The withUser contract (rules 1, 4, 5 in docs/architecture.md): role and claims are set per
// transaction, never leak to the next one, read-only means read-only, a failure
// rolls everything back, and outside withUser a real PostgreSQL refuses access.
import { readFile } from "node:fs/promises";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createPGliteDatabase, createPostgresDatabase, STATEMENT_TIMEOUT_MS, type SystemTx, type Tx } from "~/utils/db.server";
import { APP_ROLE } from "../setup/db-env";
import { createTestDatabase, createUser, whoAmI, type TestDatabase, type TestUser } from "../setup/test-db";

let t: TestDatabase;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  t = await createTestDatabase();
  alice = await createUser(t.db, { displayName: "Alice Tremblay" });
  bob = await createUser(t.db, { displayName: "Bob Gagnon" });
});
afterAll(() => t?.cleanup());

async function session(tx: Tx) {
  const { rows } = await sql<{ current_user: string; uid: string | null; claims: string | null; timeout: string }>`
    select current_user::text as current_user, auth.uid()::text as uid,
           nullif(current_setting('request.jwt.claims', true), '') as claims,
           current_setting('statement_timeout') as timeout`.execute(tx);
  const row = rows[0];
  if (!row) throw new Error("no row");
  return row;
}

async function consentCount(userId: string) {
  return t.db.asSystem("test: count consents", async (tx) => {
    const row = await tx
      .selectFrom("consents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  });
}

describe("withUser sets the role and the claims", () => {
  test("a signed-in person runs as 'authenticated' with auth.uid() = sub", async () => {
    expect(await whoAmI(t.db, alice.claims)).toEqual({ current_user: "authenticated", uid: alice.id });
    expect(await whoAmI(t.db, bob.claims)).toEqual({ current_user: "authenticated", uid: bob.id });
  });

  test("null claims run as 'anon' with no uid", async () => {
    expect(await whoAmI(t.db, null)).toEqual({ current_user: "anon", uid: null });
  });

  test("the claims are the JWT shape and a statement timeout is set", async () => {
    const s = await t.db.withUser(alice.claims, session);
    expect(JSON.parse(s.claims ?? "{}")).toMatchObject({ sub: alice.id, role: "authenticated", aud: "authenticated", email: alice.email });
    // PostgreSQL reports 8000 ms as "8s".
    expect(s.timeout).toBe(`${STATEMENT_TIMEOUT_MS / 1000}s`);
  });

  test("asSystem runs as service_role", async () => {
    const s = await t.db.asSystem("test", session);
    expect(s.current_user).toBe("service_role");
    expect(s.uid).toBeNull();
  });
});

describe("nothing leaks between transactions", () => {
  test("consecutive transactions each see only their own claims", async () => {
    expect((await t.db.withUser(alice.claims, session)).uid).toBe(alice.id);
    const anon = await t.db.withUser(null, session);
    expect(anon).toMatchObject({ current_user: "anon", uid: null });
    expect(JSON.parse(anon.claims ?? "{}")).toEqual({ role: "anon" });
    expect((await t.db.withUser(bob.claims, session)).uid).toBe(bob.id);
    expect((await t.db.asSystem("test", session)).uid).toBeNull();
  });

  test("after a transaction, the pool's session has no role and no claims left", async () => {
    await t.db.withUser(alice.claims, session);
    const { rows } = await sql<{ current_user: string; claims: string | null }>`
      select current_user::text as current_user,
             nullif(current_setting('request.jwt.claims', true), '') as claims`.execute(t.db.kysely);
    expect(rows[0]?.claims ?? null).toBeNull();
    expect(rows[0]?.current_user).toBe(t.kind === "postgres" ? APP_ROLE : "postgres");
  });

  test("a transaction that failed does not leave its claims behind either", async () => {
    await expect(
      t.db.withUser(alice.claims, async (tx) => {
        await sql`select 1/0`.execute(tx);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await whoAmI(t.db, null)).toEqual({ current_user: "anon", uid: null });
    expect(await whoAmI(t.db, bob.claims)).toEqual({ current_user: "authenticated", uid: bob.id });
  });

  test("50 concurrent transactions with different claims never see each other's", async () => {
    const people = [alice, bob, null, alice, bob];
    const runs = Array.from({ length: 50 }, (_, i) => people[i % people.length] ?? null);
    const results = await Promise.all(
      runs.map((person, i) =>
        t.db.withUser(person?.claims ?? null, async (tx) => {
          const first = await session(tx);
          // Interleave: give the other transactions a chance to run in between.
          await sql`select pg_sleep(${(i % 5) / 1000})`.execute(tx);
          await new Promise((r) => setTimeout(r, i % 3));
          const second = await session(tx);
          return { expected: person?.id ?? null, first: first.uid, second: second.uid, role: second.current_user };
        }),
      ),
    );
    for (const r of results) {
      expect(r.first).toBe(r.expected);
      expect(r.second).toBe(r.expected);
      expect(r.role).toBe(r.expected ? "authenticated" : "anon");
    }
  });
});

describe("transactions", () => {
  test("a read-only withUser refuses an insert", async () => {
    const before = await consentCount(alice.id);
    await expect(
      t.db.withUser(
        alice.claims,
        (tx) => tx.insertInto("consents").values({ user_id: alice.id, kind: "terms", version: "ro", granted: true }).execute(),
        { readOnly: true },
      ),
    ).rejects.toThrow(/read-only transaction/);
    expect(await consentCount(alice.id)).toBe(before);
  });

  test("a read-only withUser still reads", async () => {
    const rows = await t.db.withUser(alice.claims, (tx) => tx.selectFrom("profiles").select("id").execute(), { readOnly: true });
    expect(rows.map((r) => r.id)).toEqual([alice.id]);
  });

  test("a failing statement rolls back the whole transaction", async () => {
    const before = await consentCount(alice.id);
    await expect(
      t.db.withUser(alice.claims, async (tx) => {
        await tx.insertInto("consents").values({ user_id: alice.id, kind: "privacy", version: "rb-1", granted: false }).execute();
        await tx.updateTable("profiles").set({ bio: "changed in a doomed transaction" }).where("id", "=", alice.id).execute();
        // violates the CHECK on consents.kind
        await sql`insert into public.consents (user_id, kind, version, granted) values (${alice.id}, 'nope', 'rb-2', true)`.execute(tx);
      }),
    ).rejects.toThrow(/check constraint/);
    expect(await consentCount(alice.id)).toBe(before);
    const profile = await t.db.withUser(alice.claims, (tx) =>
      tx.selectFrom("profiles").select("bio").where("id", "=", alice.id).executeTakeFirstOrThrow(),
    );
    expect(profile.bio).toBeNull();
  });

  test("an exception thrown by application code rolls back too", async () => {
    const before = await consentCount(alice.id);
    await expect(
      t.db.withUser(alice.claims, async (tx) => {
        await tx.insertInto("consents").values({ user_id: alice.id, kind: "terms", version: "rb-3", granted: true }).execute();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await consentCount(alice.id)).toBe(before);
  });
});

describe("a transaction's start goes with its first statement; a one-statement transaction ends with it", () => {
  test("a one-statement read runs with its role, claims and timeout, read-only", async () => {
    const s = await t.db.withUser(alice.claims, session, { readOnly: true, oneStatement: true });
    expect(s).toMatchObject({ current_user: "authenticated", uid: alice.id, timeout: `${STATEMENT_TIMEOUT_MS / 1000}s` });
    await expect(
      t.db.withUser(
        alice.claims,
        (tx) => tx.insertInto("consents").values({ user_id: alice.id, kind: "terms", version: "one-ro", granted: true }).execute(),
        { readOnly: true, oneStatement: true },
      ),
    ).rejects.toThrow(/read-only transaction/);
    expect((await t.db.asSystem("test: one statement", session, { oneStatement: true })).current_user).toBe("service_role");
  });

  test("a one-statement write is committed", async () => {
    const before = await consentCount(alice.id);
    await t.db.withUser(
      alice.claims,
      (tx) => tx.insertInto("consents").values({ user_id: alice.id, kind: "terms", version: "one-w", granted: true }).execute(),
      { oneStatement: true },
    );
    expect(await consentCount(alice.id)).toBe(before + 1);
  });

  test("a second statement is refused (it would run with the connection's own rights), and the first is kept", async () => {
    const before = await consentCount(bob.id);
    await expect(
      t.db.withUser(
        bob.claims,
        async (tx) => {
          await tx.insertInto("consents").values({ user_id: bob.id, kind: "terms", version: "one-2a", granted: true }).execute();
          await tx.insertInto("consents").values({ user_id: bob.id, kind: "terms", version: "one-2b", granted: true }).execute();
        },
        { oneStatement: true },
      ),
    ).rejects.toThrow(/one statement/);
    const versions = await t.db.withUser(bob.claims, (tx) =>
      tx.selectFrom("consents").select("version").where("user_id", "=", bob.id).where("version", "like", "one-2%").execute(),
    );
    expect(versions.map((v) => v.version)).toEqual(["one-2a"]);
    expect(await consentCount(bob.id)).toBe(before + 1);
    // The connection went back clean: the next transactions see only their own claims.
    expect(await whoAmI(t.db, null)).toEqual({ current_user: "anon", uid: null });
    expect(await whoAmI(t.db, alice.claims)).toEqual({ current_user: "authenticated", uid: alice.id });
  });

  test("a failing first statement rolls back and leaves nothing behind", async () => {
    for (const oneStatement of [true, false]) {
      await expect(
        t.db.withUser(alice.claims, async (tx) => sql`select 1/0`.execute(tx), { readOnly: true, oneStatement }),
      ).rejects.toThrow(/division by zero/);
      // A bad parameter fails before anything is sent.
      await expect(
        t.db.withUser(alice.claims, async (tx) => sql`select ${"not a number"}::int`.execute(tx), { oneStatement }),
      ).rejects.toThrow(/invalid input syntax/);
      expect(await whoAmI(t.db, bob.claims)).toEqual({ current_user: "authenticated", uid: bob.id });
    }
  });

  test("the first statement of a longer transaction sees the settings, and so do the next ones", async () => {
    const rows = await t.db.withUser(alice.claims, async (tx) => [await session(tx), await session(tx), await session(tx)]);
    for (const row of rows) expect(row).toMatchObject({ current_user: "authenticated", uid: alice.id });
  });

  test("a transaction that runs nothing, or only application code, is fine", async () => {
    expect(await t.db.withUser(alice.claims, async () => 42)).toBe(42);
    expect(await t.db.withUser(alice.claims, async () => 7, { oneStatement: true })).toBe(7);
    await expect(
      t.db.withUser(alice.claims, async () => {
        throw new Error("before any statement");
      }),
    ).rejects.toThrow("before any statement");
    expect(await whoAmI(t.db, alice.claims)).toEqual({ current_user: "authenticated", uid: alice.id });
  });

  test("many one-statement and longer transactions at once never see each other's claims", async () => {
    const people = [alice, bob, null];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const person = people[i % 3] ?? null;
        return t.db
          .withUser(person?.claims ?? null, session, { readOnly: i % 2 === 0, oneStatement: i % 4 < 2 })
          .then((s) => ({ expected: person?.id ?? null, uid: s.uid, role: s.current_user }));
      }),
    );
    for (const r of results) {
      expect(r.uid).toBe(r.expected);
      expect(r.role).toBe(r.expected ? "authenticated" : "anon");
    }
  });
});

describe.runIf(inject("testDb").kind === "postgres")("PostgreSQL: the login role fails closed (rule 5)", () => {
  test("the pool logs in as the non-owning, non-inheriting app role", async () => {
    const { rows } = await sql<{ session_user: string; inherit: boolean; superuser: boolean; bypass: boolean; owned: number }>`
      select session_user::text as session_user, r.rolinherit as inherit, r.rolsuper as superuser, r.rolbypassrls as bypass,
             (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
        from pg_roles r where r.rolname = session_user`.execute(t.db.kysely);
    expect(rows[0]).toEqual({ session_user: APP_ROLE, inherit: false, superuser: false, bypass: false, owned: 0 });
  });

  test.each(["profiles", "profile_private", "user_roles", "audit_log", "auth_sessions", "outbox"])(
    "a query on public.%s outside withUser is denied",
    async (table) => {
      await expect(sql`select * from ${sql.table(`public.${table}`)}`.execute(t.db.kysely)).rejects.toThrow(/permission denied/);
    },
  );

  test("inside withUser the same pool reads as 'authenticated'", async () => {
    const rows = await t.db.withUser(bob.claims, (tx) => tx.selectFrom("profiles").select("id").execute());
    expect(rows.map((r) => r.id)).toEqual([bob.id]);
  });
});

describe("the system path says why", () => {
  test("asSystem logs its reason at debug level, once per transaction", async () => {
    const lines: Array<{ details: { reason: string }; message: string }> = [];
    const logger = { debug: (details: { reason: string }, message: string) => void lines.push({ details, message }) };
    // A second handle on the same database (PostgreSQL) or template (PGlite), with a logger.
    const provided = inject("testDb");
    const logged =
      t.kind === "postgres" && t.url
        ? createPostgresDatabase(t.url, { max: 1, logger })
        : (
            await createPGliteDatabase({
              logger,
              loadDataDir: new Blob([await readFile(provided.kind === "pglite" ? provided.templatePath : "")]),
            })
          ).db;
    try {
      await logged.withUser(null, async () => undefined);
      expect(lines).toEqual([]);
      await logged.asSystem("test: nightly clean-up", async () => undefined);
      expect(lines).toEqual([{ details: { reason: "test: nightly clean-up" }, message: "system transaction" }]);
    } finally {
      await logged.close();
    }
  });

  test("a function that needs the system path refuses a person's transaction at compile time", async () => {
    const needsSystem = async (tx: SystemTx) => (await session(tx)).current_user;
    expect(await t.db.asSystem("test: system role", (tx) => needsSystem(tx))).toBe("service_role");
    await t.db.withUser(alice.claims, async (tx) => {
      // @ts-expect-error a withUser transaction is not a SystemTx (the brand is what this test checks)
      const refusedAtCompileTime: Parameters<typeof needsSystem>[0] = tx;
      expect(refusedAtCompileTime).toBe(tx);
    });
  });
});
