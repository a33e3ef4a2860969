// The row-level security matrix: for each table and each kind of person, what
// they may read and write. Every case asserts a real outcome — the rows visible,
// the error raised, or the row unchanged afterwards (read back on the system path).
import { sql, type RawBuilder } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Claims, Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type CreateUserOptions, type TestDatabase, type TestUser } from "../setup/test-db";

/** Missing GRANT (table or column privilege). */
const PRIVILEGE = /permission denied for (table|relation|schema)/;
/** A WITH CHECK clause of a policy refused the row. */
const POLICY = /violates row-level security policy/;

let t: TestDatabase;

interface People {
  unverified: TestUser; // physician waiting for an admin; opted into the directory
  verified: TestUser; // verified physician, in the directory
  other: TestUser; // another verified member, in the directory
  hidden: TestUser; // verified, NOT in the directory
  admin: TestUser;
  mentor: TestUser; // verified mentor: can vouch
  unverifiedMentor: TestUser; // has the mentor role but is not verified: cannot vouch
  curator: TestUser;
  peerPending: TestUser; // peer helper waiting for a sponsor
}
type ActorName = "anon" | keyof People;
let p: People;

const claimsOf = (name: ActorName): Claims => (name === "anon" ? null : p[name].claims);
const fixtureIds = () => new Map(Object.entries(p).map(([name, user]) => [user.id, name]));

type Result<T> = { ok: true; value: T } | { ok: false; message: string };
async function attempt<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await t.db.withUser(claims, fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
function expectError(result: Result<unknown>, pattern: RegExp) {
  expect(result.ok, "expected the statement to be refused").toBe(false);
  if (!result.ok) expect(result.message).toMatch(pattern);
}
function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
  return result.value;
}
/** Affected rows of an update/delete run as a person. */
async function affected(claims: Claims, query: RawBuilder<unknown>) {
  return attempt(claims, async (tx) => Number((await query.execute(tx)).numAffectedRows ?? 0n));
}
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: read back", fn);

/** Names (fixture keys) of the rows of `table` the actor sees, keyed by `column`. */
async function visibleFixtures(actor: ActorName, table: string, column: string): Promise<Result<string[]>> {
  const ids = fixtureIds();
  return attempt(claimsOf(actor), async (tx) => {
    const { rows } = await sql<{ id: string }>`select distinct ${sql.ref(column)}::text as id from ${sql.table(`public.${table}`)}`.execute(
      tx,
    );
    return rows.flatMap((r) => ids.get(r.id) ?? []).sort();
  });
}

async function profileRow(id: string) {
  return system((tx) => tx.selectFrom("profiles").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
}
async function auditRows(targetId: string, action: string) {
  return system((tx) =>
    tx
      .selectFrom("audit_log")
      .select(["actor_id", "action", "details"])
      .where("target_id", "=", targetId)
      .where("action", "=", action)
      .execute(),
  );
}
/** A fresh person, for tests that change state. */
const fresh = (options: CreateUserOptions = {}) => createUser(t.db, options);

beforeAll(async () => {
  t = await createTestDatabase();
  p = {
    unverified: await fresh({ displayName: "Non vérifiée", discipline: "medecin", directoryOptIn: true }),
    verified: await fresh({ displayName: "Vérifiée", verified: true, directoryOptIn: true, region: "17" }),
    other: await fresh({ displayName: "Autre membre", discipline: "infirmiere", verified: true, directoryOptIn: true }),
    hidden: await fresh({ displayName: "Discrète", discipline: "pharmacien", verified: true, directoryOptIn: false }),
    admin: await fresh({ displayName: "Admin", verified: true, roles: ["admin"] }),
    mentor: await fresh({ displayName: "Mentore", verified: true, roles: ["mentor"], directoryOptIn: true }),
    unverifiedMentor: await fresh({
      displayName: "Mentor en attente",
      discipline: "intervenant_communautaire",
      roles: ["mentor"],
      directoryOptIn: true,
    }),
    curator: await fresh({ displayName: "Curatrice", verified: true, roles: ["curator"] }),
    peerPending: await fresh({ displayName: "Pair aidant", discipline: "pair_aidant" }),
  };
}, 60_000);
afterAll(() => t?.cleanup());

// ── profiles ──────────────────────────────────────────────────────────────────
describe("profiles: who sees whom", () => {
  const cases: Array<[ActorName, string[] | RegExp]> = [
    ["anon", PRIVILEGE],
    // Unverified members see only themselves: no directory before verification.
    ["unverified", ["unverified"]],
    ["unverifiedMentor", ["unverifiedMentor"]],
    // Verified members see the verified people who opted in, and themselves.
    ["verified", ["mentor", "other", "verified"]],
    ["other", ["mentor", "other", "verified"]],
    ["hidden", ["hidden", "mentor", "other", "verified"]],
    ["curator", ["curator", "mentor", "other", "verified"]],
    // A sponsor also finds the peer helpers and community workers waiting for one.
    ["mentor", ["mentor", "other", "peerPending", "unverifiedMentor", "verified"]],
    ["admin", ["admin", "curator", "hidden", "mentor", "other", "peerPending", "unverified", "unverifiedMentor", "verified"]],
  ];
  test.each(cases)("%s", async (actor, expected) => {
    const result = await visibleFixtures(actor, "profiles", "id");
    if (expected instanceof RegExp) expectError(result, expected);
    else expect(expectOk(result)).toEqual(expected);
  });

  test("everything a verified member sees of others is a verified, opted-in profile", async () => {
    const rows = expectOk(
      await attempt(p.verified.claims, (tx) =>
        tx.selectFrom("profiles").select(["id", "directory_opt_in", "verification_status"]).execute(),
      ),
    );
    const others = rows.filter((r) => r.id !== p.verified.id);
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) expect(r).toMatchObject({ directory_opt_in: true, verification_status: "verified" });
  });

  test("an unverified member sees exactly one profile: their own", async () => {
    const rows = expectOk(await attempt(p.unverified.claims, (tx) => tx.selectFrom("profiles").select("id").execute()));
    expect(rows).toEqual([{ id: p.unverified.id }]);
  });
});

describe("profiles: writes", () => {
  test("anon cannot insert or update", async () => {
    const target = await fresh();
    expectError(await affected(null, sql`update public.profiles set bio = 'anon' where id = ${target.id}`), PRIVILEGE);
    expectError(
      await affected(
        null,
        sql`insert into public.profiles (id, display_name, discipline, region_code) values (${target.id}, 'Anon', 'medecin', '06')`,
      ),
      PRIVILEGE,
    );
    expect((await profileRow(target.id)).bio).toBeNull();
  });

  test("a person creates their own profile, unverified", async () => {
    const id = await system(
      async (tx) => (await tx.insertInto("auth.users").values({ email: "new@example.test" }).returning("id").executeTakeFirstOrThrow()).id,
    );
    const claims = { ...p.verified.claims, sub: id, email: "new@example.test" };
    const inserted = await affected(
      claims,
      sql`insert into public.profiles (id, display_name, discipline, region_code) values (${id}, 'Nouvelle', 'ips', '11')`,
    );
    expect(expectOk(inserted)).toBe(1);
    expect(await profileRow(id)).toMatchObject({ display_name: "Nouvelle", verification_status: "unverified", directory_opt_in: false });
  });

  test("nobody creates a profile for someone else", async () => {
    const id = await system(
      async (tx) =>
        (await tx.insertInto("auth.users").values({ email: "victim@example.test" }).returning("id").executeTakeFirstOrThrow()).id,
    );
    for (const actor of [p.verified, p.admin]) {
      expectError(
        await affected(
          actor.claims,
          sql`insert into public.profiles (id, display_name, discipline, region_code) values (${id}, 'Usurpée', 'medecin', '06')`,
        ),
        POLICY,
      );
    }
    expect(await system((tx) => tx.selectFrom("profiles").select("id").where("id", "=", id).execute())).toEqual([]);
  });

  test("a person cannot create their own profile already verified", async () => {
    const id = await system(
      async (tx) => (await tx.insertInto("auth.users").values({ email: "self@example.test" }).returning("id").executeTakeFirstOrThrow()).id,
    );
    const claims = { ...p.verified.claims, sub: id, email: "self@example.test" };
    expectError(
      await affected(
        claims,
        sql`insert into public.profiles (id, display_name, discipline, region_code, verification_status) values (${id}, 'Pressée', 'medecin', '06', 'verified')`,
      ),
      PRIVILEGE,
    );
    expectError(
      await affected(
        claims,
        sql`insert into public.profiles (id, display_name, discipline, region_code, verified_at) values (${id}, 'Pressée', 'medecin', '06', now())`,
      ),
      PRIVILEGE,
    );
    expect(await system((tx) => tx.selectFrom("profiles").select("id").where("id", "=", id).execute())).toEqual([]);
  });

  test("a member edits their own profile", async () => {
    const me = await fresh();
    expect(
      expectOk(
        await affected(me.claims, sql`update public.profiles set bio = 'Infirmière de rue', directory_opt_in = true where id = ${me.id}`),
      ),
    ).toBe(1);
    expect(await profileRow(me.id)).toMatchObject({ bio: "Infirmière de rue", directory_opt_in: true });
  });

  test.each<[ActorName]>([["verified"], ["other"], ["mentor"], ["admin"]])("%s cannot edit another member's profile", async (actor) => {
    const target = await fresh({ verified: true, directoryOptIn: true });
    const before = await profileRow(target.id);
    expect(expectOk(await affected(claimsOf(actor), sql`update public.profiles set bio = 'vandalisme' where id = ${target.id}`))).toBe(0);
    expect(await profileRow(target.id)).toEqual(before);
  });

  test.each([
    ["verification_status", sql`verification_status = 'verified'`],
    ["verified_at", sql`verified_at = now()`],
    ["id", sql`id = gen_random_uuid()`],
    ["created_at", sql`created_at = now() - interval '10 years'`],
  ])("a member cannot change their own %s (column privilege)", async (_column, assignment) => {
    const me = await fresh();
    const before = await profileRow(me.id);
    expectError(await affected(me.claims, sql`update public.profiles set ${assignment} where id = ${me.id}`), PRIVILEGE);
    expect(await profileRow(me.id)).toEqual(before);
  });

  test("a verified member cannot demote or re-verify themselves either", async () => {
    const me = await fresh({ verified: true });
    expectError(
      await affected(me.claims, sql`update public.profiles set verification_status = 'unverified' where id = ${me.id}`),
      PRIVILEGE,
    );
    expect((await profileRow(me.id)).verification_status).toBe("verified");
  });

  test.each<[ActorName]>([["verified"], ["admin"]])(
    "%s cannot delete a profile (erasure goes through the privacy module)",
    async (actor) => {
      const target = actor === "admin" ? await fresh() : p.verified;
      expectError(await affected(claimsOf(actor), sql`delete from public.profiles where id = ${target.id}`), PRIVILEGE);
      await profileRow(target.id);
    },
  );

  // Verification attests the discipline it was granted for: a peer helper vouched
  // for by a sponsor who then calls themselves a physician loses the badge.
  describe("changing discipline after a sponsor's vouching", () => {
    let vouched: Result<unknown>;
    let statusBefore: string;
    let change: Result<number>;
    let after: { discipline: string; verification_status: string };
    beforeAll(async () => {
      const peer = await fresh({ discipline: "pair_aidant" });
      vouched = await attempt(p.mentor.claims, (tx) =>
        tx
          .insertInto("verifications")
          .values({ user_id: peer.id, decision: "verified", method: "sponsor", verified_by: p.mentor.id, note: "Connue depuis 5 ans" })
          .execute(),
      );
      statusBefore = (await profileRow(peer.id)).verification_status;
      change = await affected(peer.claims, sql`update public.profiles set discipline = 'medecin' where id = ${peer.id}`);
      after = await profileRow(peer.id);
    });

    test("(setup) the peer helper was verified by the sponsor", () => {
      expectOk(vouched);
      expect(statusBefore).toBe("verified");
    });

    test("does not leave a verified physician nobody checked", () => {
      // Either the change is refused, or the verification no longer holds.
      const refused = !change.ok || change.value === 0;
      expect(refused || (after.discipline === "medecin" && after.verification_status === "unverified")).toBe(true);
    });
  });
});

// ── profile_private ───────────────────────────────────────────────────────────
describe("profile_private: only the person and admins", () => {
  const cases: Array<[ActorName, string[] | RegExp]> = [
    ["anon", PRIVILEGE],
    ["unverified", ["unverified"]],
    ["verified", ["verified"]],
    ["other", ["other"]],
    ["mentor", ["mentor"]],
    ["curator", ["curator"]],
    ["admin", ["admin", "curator", "hidden", "mentor", "other", "peerPending", "unverified", "unverifiedMentor", "verified"]],
  ];
  test.each(cases)("%s reads", async (actor, expected) => {
    const result = await visibleFixtures(actor, "profile_private", "user_id");
    if (expected instanceof RegExp) expectError(result, expected);
    else expect(expectOk(result)).toEqual(expected);
  });

  test("a member cannot read another member's permit number even by asking for it", async () => {
    await system((tx) =>
      tx.updateTable("profile_private").set({ order_code: "CMQ", permit_number: "12345" }).where("user_id", "=", p.other.id).execute(),
    );
    const rows = expectOk(
      await attempt(p.verified.claims, (tx) =>
        tx.selectFrom("profile_private").select(["permit_number", "contact_email"]).where("user_id", "=", p.other.id).execute(),
      ),
    );
    expect(rows).toEqual([]);
    const asAdmin = expectOk(
      await attempt(p.admin.claims, (tx) =>
        tx.selectFrom("profile_private").select("permit_number").where("user_id", "=", p.other.id).execute(),
      ),
    );
    expect(asAdmin).toEqual([{ permit_number: "12345" }]);
  });

  test("a member updates their own private fields, not someone else's", async () => {
    const me = await fresh();
    const target = await fresh();
    expect(
      expectOk(await affected(me.claims, sql`update public.profile_private set permit_number = '99999' where user_id = ${me.id}`)),
    ).toBe(1);
    expect(
      expectOk(
        await affected(
          me.claims,
          sql`update public.profile_private set contact_email = 'pirate@example.test' where user_id = ${target.id}`,
        ),
      ),
    ).toBe(0);
    expect(
      expectOk(await affected(p.admin.claims, sql`update public.profile_private set permit_number = '1' where user_id = ${target.id}`)),
    ).toBe(0);
    const rows = await system((tx) =>
      tx
        .selectFrom("profile_private")
        .select(["user_id", "permit_number", "contact_email"])
        .where("user_id", "in", [me.id, target.id])
        .execute(),
    );
    expect(rows.find((r) => r.user_id === me.id)?.permit_number).toBe("99999");
    expect(rows.find((r) => r.user_id === target.id)).toMatchObject({ contact_email: target.email, permit_number: null });
  });

  test("nobody inserts private fields for someone else; nobody moves or deletes them", async () => {
    // A profile without its private row yet, as halfway through sign-up.
    const half = await fresh();
    await system((tx) => tx.deleteFrom("profile_private").where("user_id", "=", half.id).execute());
    expectError(
      await affected(
        p.verified.claims,
        sql`insert into public.profile_private (user_id, contact_email) values (${half.id}, 'x@example.test')`,
      ),
      POLICY,
    );
    expect(await system((tx) => tx.selectFrom("profile_private").select("user_id").where("user_id", "=", half.id).execute())).toEqual([]);

    const me = await fresh();
    expectError(await affected(me.claims, sql`update public.profile_private set user_id = ${half.id} where user_id = ${me.id}`), PRIVILEGE);
    expectError(await affected(me.claims, sql`delete from public.profile_private where user_id = ${me.id}`), PRIVILEGE);
    expect(await system((tx) => tx.selectFrom("profile_private").select("user_id").where("user_id", "=", me.id).execute())).toEqual([
      { user_id: me.id },
    ]);
  });
});

// ── consents ──────────────────────────────────────────────────────────────────
describe("consents: recorded, private, append-only", () => {
  const cases: Array<[ActorName, string[] | RegExp]> = [
    ["anon", PRIVILEGE],
    ["unverified", ["unverified"]],
    ["verified", ["verified"]],
    ["mentor", ["mentor"]],
    ["admin", ["admin", "curator", "hidden", "mentor", "other", "peerPending", "unverified", "unverifiedMentor", "verified"]],
  ];
  test.each(cases)("%s reads", async (actor, expected) => {
    const result = await visibleFixtures(actor, "consents", "user_id");
    if (expected instanceof RegExp) expectError(result, expected);
    else expect(expectOk(result)).toEqual(expected);
  });

  test("a member cannot read another member's consent records", async () => {
    const rows = expectOk(
      await attempt(p.verified.claims, (tx) => tx.selectFrom("consents").selectAll().where("user_id", "=", p.other.id).execute()),
    );
    expect(rows).toEqual([]);
    const ownerSees = expectOk(
      await attempt(p.other.claims, (tx) => tx.selectFrom("consents").select("kind").where("user_id", "=", p.other.id).execute()),
    );
    expect(ownerSees.map((r) => r.kind).sort()).toEqual(["privacy", "terms"]);
  });

  test("a member records a withdrawal as a new row", async () => {
    const me = await fresh();
    expect(
      expectOk(
        await affected(
          me.claims,
          sql`insert into public.consents (user_id, kind, version, granted) values (${me.id}, 'privacy', '2026-01', false)`,
        ),
      ),
    ).toBe(1);
    const rows = await system((tx) =>
      tx.selectFrom("consents").select(["kind", "granted"]).where("user_id", "=", me.id).orderBy("id").execute(),
    );
    expect(rows).toEqual([
      { kind: "terms", granted: true },
      { kind: "privacy", granted: true },
      { kind: "privacy", granted: false },
    ]);
  });

  test("nobody records consent for someone else, backdates one, or rewrites or deletes one", async () => {
    const me = await fresh();
    const before = await system((tx) => tx.selectFrom("consents").selectAll().where("user_id", "=", me.id).orderBy("id").execute());
    for (const actor of [p.verified, p.admin]) {
      expectError(
        await affected(
          actor.claims,
          sql`insert into public.consents (user_id, kind, version, granted) values (${me.id}, 'terms', 'x', true)`,
        ),
        POLICY,
      );
    }
    expectError(
      await affected(
        me.claims,
        sql`insert into public.consents (user_id, kind, version, granted, created_at) values (${me.id}, 'terms', 'x', true, '2020-01-01')`,
      ),
      PRIVILEGE,
    );
    for (const actor of [me, p.admin]) {
      expectError(await affected(actor.claims, sql`update public.consents set granted = false where user_id = ${me.id}`), PRIVILEGE);
      expectError(await affected(actor.claims, sql`delete from public.consents where user_id = ${me.id}`), PRIVILEGE);
    }
    expect(await system((tx) => tx.selectFrom("consents").selectAll().where("user_id", "=", me.id).orderBy("id").execute())).toEqual(
      before,
    );
  });
});

// ── user_roles ────────────────────────────────────────────────────────────────
describe("user_roles: read", () => {
  const cases: Array<[ActorName, string[] | RegExp]> = [
    ["anon", PRIVILEGE],
    // Unverified people see only their own roles.
    ["unverified", []],
    ["unverifiedMentor", ["unverifiedMentor"]],
    // Verified members see who holds which role (to find a mentor, a moderator).
    ["verified", ["admin", "curator", "mentor", "unverifiedMentor"]],
    ["admin", ["admin", "curator", "mentor", "unverifiedMentor"]],
  ];
  test.each(cases)("%s", async (actor, expected) => {
    const result = await visibleFixtures(actor, "user_roles", "user_id");
    if (expected instanceof RegExp) expectError(result, expected);
    else expect(expectOk(result)).toEqual(expected);
  });
});

describe("user_roles: only admins grant and revoke, and every change is audited", () => {
  const rolesOf = (id: string) =>
    system(async (tx) =>
      (await tx.selectFrom("user_roles").select("role").where("user_id", "=", id).orderBy("role").execute()).map((r) => r.role),
    );
  const grant = (actor: TestUser, userId: string, role: string, grantedBy = actor.id) =>
    affected(actor.claims, sql`insert into public.user_roles (user_id, role, granted_by) values (${userId}, ${role}, ${grantedBy})`);

  test.each<[ActorName, string]>([
    ["verified", "admin"],
    ["verified", "mentor"],
    ["unverified", "moderator"],
    ["mentor", "curator"],
    ["curator", "admin"],
  ])("%s cannot grant themselves %s", async (actor, role) => {
    const me = actor === "anon" ? null : p[actor];
    if (!me) throw new Error("unreachable");
    const before = await rolesOf(me.id);
    expectError(await grant(me, me.id, role), POLICY);
    expect(await rolesOf(me.id)).toEqual(before);
  });

  test("a mentor cannot grant a role to someone else", async () => {
    const target = await fresh({ verified: true });
    expectError(await grant(p.mentor, target.id, "mentor"), POLICY);
    expect(await rolesOf(target.id)).toEqual([]);
  });

  test("anon cannot grant anything", async () => {
    const target = await fresh();
    expectError(await affected(null, sql`insert into public.user_roles (user_id, role) values (${target.id}, 'admin')`), PRIVILEGE);
    expect(await rolesOf(target.id)).toEqual([]);
  });

  test("an admin grants a role in their own name only, and the grant is audited with the actor", async () => {
    const target = await fresh({ verified: true });
    expectError(await grant(p.admin, target.id, "mentor", p.other.id), POLICY);
    expect(await rolesOf(target.id)).toEqual([]);

    expect(expectOk(await grant(p.admin, target.id, "mentor"))).toBe(1);
    expect(await rolesOf(target.id)).toEqual(["mentor"]);
    expect(await auditRows(target.id, "role.granted")).toEqual([
      { actor_id: p.admin.id, action: "role.granted", details: { role: "mentor" } },
    ]);
  });

  test("an admin revokes a role, audited with the actor; a member cannot", async () => {
    const target = await fresh({ verified: true, roles: ["moderator"] });
    expect(expectOk(await affected(target.claims, sql`delete from public.user_roles where user_id = ${target.id}`))).toBe(0);
    expect(expectOk(await affected(p.mentor.claims, sql`delete from public.user_roles where user_id = ${target.id}`))).toBe(0);
    expect(await rolesOf(target.id)).toEqual(["moderator"]);
    expect(await auditRows(target.id, "role.revoked")).toEqual([]);

    expect(
      expectOk(await affected(p.admin.claims, sql`delete from public.user_roles where user_id = ${target.id} and role = 'moderator'`)),
    ).toBe(1);
    expect(await rolesOf(target.id)).toEqual([]);
    expect(await auditRows(target.id, "role.revoked")).toEqual([
      { actor_id: p.admin.id, action: "role.revoked", details: { role: "moderator" } },
    ]);
  });

  test("an admin cannot revoke their own admin role", async () => {
    const admin = await fresh({ verified: true, roles: ["admin", "mentor"] });
    expect(expectOk(await affected(admin.claims, sql`delete from public.user_roles where user_id = ${admin.id} and role = 'admin'`))).toBe(
      0,
    );
    expect(await rolesOf(admin.id)).toEqual(["admin", "mentor"]);
    expect(await auditRows(admin.id, "role.revoked")).toEqual([]);
    // …but may drop one of their other roles, and another admin may revoke theirs.
    expect(expectOk(await affected(admin.claims, sql`delete from public.user_roles where user_id = ${admin.id} and role = 'mentor'`))).toBe(
      1,
    );
    expect(
      expectOk(await affected(p.admin.claims, sql`delete from public.user_roles where user_id = ${admin.id} and role = 'admin'`)),
    ).toBe(1);
    expect(await rolesOf(admin.id)).toEqual([]);
  });

  test("roles are never updated in place (no UPDATE grant), not even by an admin", async () => {
    const target = await fresh({ verified: true, roles: ["mentor"] });
    for (const actor of [target, p.admin]) {
      expectError(await affected(actor.claims, sql`update public.user_roles set role = 'admin' where user_id = ${target.id}`), PRIVILEGE);
    }
    expect(await rolesOf(target.id)).toEqual(["mentor"]);
  });
});

// ── verifications ─────────────────────────────────────────────────────────────
describe("verifications: admins check the order register, sponsors vouch for peers", () => {
  type Method = "order_register" | "admin_review" | "sponsor";
  const verify = (actor: TestUser, userId: string, method: Method, decision: "verified" | "revoked" = "verified", verifiedBy = actor.id) =>
    attempt(actor.claims, (tx) =>
      tx
        .insertInto("verifications")
        .values({ user_id: userId, decision, method, verified_by: verifiedBy, note: "Vérifié au registre" })
        .execute(),
    );

  test("an admin verifies a physician via 'order_register': status set, audited with the actor", async () => {
    const target = await fresh({ discipline: "medecin" });
    expectOk(await verify(p.admin, target.id, "order_register"));
    const row = await profileRow(target.id);
    expect(row.verification_status).toBe("verified");
    expect(row.verified_at).not.toBeNull();
    expect(await auditRows(target.id, "member.verified")).toEqual([
      { actor_id: p.admin.id, action: "member.verified", details: { method: "order_register", note: "Vérifié au registre" } },
    ]);
  });

  test("an admin verifies after a review ('admin_review'), e.g. a manager who belongs to no order", async () => {
    const target = await fresh({ discipline: "gestionnaire" });
    expectOk(await verify(p.admin, target.id, "admin_review"));
    expect((await profileRow(target.id)).verification_status).toBe("verified");
    expect((await auditRows(target.id, "member.verified")).map((r) => [r.actor_id, r.details])).toEqual([
      [p.admin.id, { method: "admin_review", note: "Vérifié au registre" }],
    ]);
  });

  test.each<[ActorName, Method]>([
    ["verified", "order_register"],
    ["mentor", "order_register"],
    ["curator", "order_register"],
    ["unverified", "order_register"],
    ["verified", "admin_review"],
    ["mentor", "admin_review"],
  ])("%s cannot verify via '%s'", async (actor, method) => {
    const me = actor === "anon" ? null : p[actor];
    if (!me) throw new Error("unreachable");
    // A peer helper too: a sponsor may vouch for them, but only through 'sponsor'.
    for (const discipline of ["medecin", "pair_aidant"]) {
      const target = await fresh({ discipline });
      expectError(await verify(me, target.id, method), POLICY);
      expect((await profileRow(target.id)).verification_status).toBe("unverified");
      expect(await auditRows(target.id, "member.verified")).toEqual([]);
    }
  });

  test("anon cannot verify anyone", async () => {
    const target = await fresh();
    expectError(
      await affected(
        null,
        sql`insert into public.verifications (user_id, decision, method, verified_by, note) values (${target.id}, 'verified', 'order_register', ${p.admin.id}, 'anon')`,
      ),
      PRIVILEGE,
    );
    expect((await profileRow(target.id)).verification_status).toBe("unverified");
  });

  test("a verified mentor vouches for a peer helper: status set, audited with the mentor", async () => {
    const peer = await fresh({ discipline: "pair_aidant" });
    expectOk(await verify(p.mentor, peer.id, "sponsor"));
    expect((await profileRow(peer.id)).verification_status).toBe("verified");
    expect(await auditRows(peer.id, "member.verified")).toEqual([
      { actor_id: p.mentor.id, action: "member.verified", details: { method: "sponsor", note: "Vérifié au registre" } },
    ]);
    // The mentor sees the verification they made; an unrelated member does not.
    expect(
      expectOk(
        await attempt(p.mentor.claims, (tx) => tx.selectFrom("verifications").select("user_id").where("user_id", "=", peer.id).execute()),
      ),
    ).toHaveLength(1);
    expect(
      expectOk(
        await attempt(p.other.claims, (tx) => tx.selectFrom("verifications").select("user_id").where("user_id", "=", peer.id).execute()),
      ),
    ).toEqual([]);
    expect(
      expectOk(
        await attempt(peer.claims, (tx) => tx.selectFrom("verifications").select("verified_by").where("user_id", "=", peer.id).execute()),
      ),
    ).toEqual([{ verified_by: p.mentor.id }]);
  });

  test("a verified mentor vouches for a community worker too", async () => {
    const worker = await fresh({ discipline: "intervenant_communautaire" });
    expectOk(await verify(p.mentor, worker.id, "sponsor"));
    expect((await profileRow(worker.id)).verification_status).toBe("verified");
  });

  test.each([["medecin"], ["infirmiere"], ["pharmacien"], ["gestionnaire"]])(
    "a mentor cannot vouch for a %s (not a sponsor discipline)",
    async (discipline) => {
      const target = await fresh({ discipline });
      expectError(await verify(p.mentor, target.id, "sponsor"), POLICY);
      expect((await profileRow(target.id)).verification_status).toBe("unverified");
      expect(await auditRows(target.id, "member.verified")).toEqual([]);
    },
  );

  test.each<[ActorName, string]>([
    ["unverifiedMentor", "holds the mentor role but is not verified"],
    ["verified", "is verified but holds no sponsor role"],
    ["curator", "is a curator, not a mentor or moderator"],
  ])("%s cannot vouch: %s", async (actor) => {
    const me = actor === "anon" ? null : p[actor];
    if (!me) throw new Error("unreachable");
    const peer = await fresh({ discipline: "pair_aidant" });
    expectError(await verify(me, peer.id, "sponsor"), POLICY);
    expect((await profileRow(peer.id)).verification_status).toBe("unverified");
  });

  test("a verified moderator can vouch", async () => {
    const moderator = await fresh({ verified: true, roles: ["moderator"] });
    const peer = await fresh({ discipline: "pair_aidant" });
    expectOk(await verify(moderator, peer.id, "sponsor"));
    expect((await profileRow(peer.id)).verification_status).toBe("verified");
  });

  test("nobody vouches in someone else's name, or for themselves", async () => {
    const peer = await fresh({ discipline: "pair_aidant" });
    expectError(await verify(p.mentor, peer.id, "sponsor", "verified", p.admin.id), POLICY);
    expectError(await verify(p.admin, p.admin.id, "order_register"), POLICY);
    const selfPeer = await fresh({ discipline: "pair_aidant", roles: ["mentor"], verified: true });
    expectError(await verify(selfPeer, selfPeer.id, "sponsor"), POLICY);
    expect((await profileRow(peer.id)).verification_status).toBe("unverified");
  });

  test("only an admin revokes; a sponsor cannot", async () => {
    const peer = await fresh({ discipline: "pair_aidant" });
    expectOk(await verify(p.mentor, peer.id, "sponsor"));
    expectError(await verify(p.mentor, peer.id, "sponsor", "revoked"), POLICY);
    expect((await profileRow(peer.id)).verification_status).toBe("verified");

    expectOk(await verify(p.admin, peer.id, "order_register", "revoked"));
    const row = await profileRow(peer.id);
    expect(row).toMatchObject({ verification_status: "unverified", verified_at: null });
    expect((await auditRows(peer.id, "member.revoked")).map((r) => r.actor_id)).toEqual([p.admin.id]);
  });

  test("verifications are never edited or deleted, not even by an admin", async () => {
    const target = await fresh();
    expectOk(await verify(p.admin, target.id, "order_register"));
    for (const actor of [target, p.admin]) {
      expectError(
        await affected(actor.claims, sql`update public.verifications set decision = 'revoked' where user_id = ${target.id}`),
        PRIVILEGE,
      );
      expectError(await affected(actor.claims, sql`delete from public.verifications where user_id = ${target.id}`), PRIVILEGE);
    }
    expect(await system((tx) => tx.selectFrom("verifications").select("decision").where("user_id", "=", target.id).execute())).toEqual([
      { decision: "verified" },
    ]);
  });

  test("a verification cannot be backdated", async () => {
    const target = await fresh();
    expectError(
      await affected(
        p.admin.claims,
        sql`insert into public.verifications (user_id, decision, method, verified_by, note, created_at)
            values (${target.id}, 'verified', 'order_register', ${p.admin.id}, 'antidaté', '2020-01-01')`,
      ),
      PRIVILEGE,
    );
    expect((await profileRow(target.id)).verification_status).toBe("unverified");
  });
});

// ── audit_log ─────────────────────────────────────────────────────────────────
describe("audit_log: readable by admins only, written only by the database", () => {
  test.each<[ActorName, "rows" | "none" | RegExp]>([
    ["anon", PRIVILEGE],
    ["unverified", "none"],
    ["verified", "none"],
    ["mentor", "none"],
    ["curator", "none"],
    ["admin", "rows"],
  ])("%s reads", async (actor, expected) => {
    const result = await attempt(claimsOf(actor), (tx) => tx.selectFrom("audit_log").select("id").execute());
    if (expected instanceof RegExp) return expectError(result, expected);
    const rows = expectOk(result);
    if (expected === "none") expect(rows).toEqual([]);
    else expect(rows.length).toBeGreaterThan(0);
  });

  test("members see no audit rows about themselves either", async () => {
    const result = expectOk(
      await attempt(p.mentor.claims, (tx) => tx.selectFrom("audit_log").selectAll().where("target_id", "=", p.mentor.id).execute()),
    );
    expect(result).toEqual([]);
    expect(await auditRows(p.mentor.id, "role.granted")).toHaveLength(1);
  });

  test.each<[ActorName]>([["verified"], ["admin"]])("%s cannot write, rewrite or erase the audit log", async (actor) => {
    const claims = claimsOf(actor);
    const count = () =>
      system(async (tx) =>
        Number(
          (
            await tx
              .selectFrom("audit_log")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    const before = await count();
    expectError(await affected(claims, sql`insert into public.audit_log (action, target_type) values ('forged', 'profile')`), PRIVILEGE);
    expectError(await affected(claims, sql`update public.audit_log set action = 'rewritten'`), PRIVILEGE);
    expectError(await affected(claims, sql`delete from public.audit_log`), PRIVILEGE);
    expect(await count()).toBe(before);
  });
});

// ── system-only tables ────────────────────────────────────────────────────────
describe("system-only tables: nobody but service_role", () => {
  const tables: Array<{ table: string; insert: (userId: string) => RawBuilder<unknown>; update: RawBuilder<unknown> }> = [
    {
      table: "auth_sessions",
      insert: (u) => sql`insert into public.auth_sessions (id, user_id, expires_at) values (${`s-${u}`}, ${u}, now() + interval '1 day')`,
      update: sql`update public.auth_sessions set expires_at = now() + interval '10 years'`,
    },
    {
      table: "password_reset_tokens",
      insert: (u) =>
        sql`insert into public.password_reset_tokens (id, user_id, expires_at) values (${`r-${u}`}, ${u}, now() + interval '1 hour')`,
      update: sql`update public.password_reset_tokens set used_at = null`,
    },
    {
      table: "login_failures",
      insert: (u) => sql`insert into public.login_failures (email, failures) values (${`${u}@example.test`}, 1)`,
      update: sql`update public.login_failures set failures = 0, locked_until = null`,
    },
    {
      table: "login_lock_notices",
      insert: (u) => sql`insert into public.login_lock_notices (email) values (${`${u}-${Math.random()}@example.test`})`,
      update: sql`update public.login_lock_notices set notified_at = now() - interval '1 year'`,
    },
    {
      table: "email_change_tokens",
      insert: (u) =>
        sql`insert into public.email_change_tokens (id, user_id, new_email, expires_at) values (${`e-${u}-${Math.random()}`}, ${u}, 'nouvelle@example.test', now() + interval '1 hour')`,
      update: sql`update public.email_change_tokens set new_email = 'attacker@example.test', used_at = null`,
    },
    {
      table: "outbox",
      insert: (u) =>
        sql`insert into public.outbox (to_email, subject, body_text, kind) values (${`${u}@example.test`}, 'Bienvenue', 'Bonjour', 'welcome')`,
      update: sql`update public.outbox set to_email = 'attacker@example.test'`,
    },
  ];
  const actors: ActorName[] = ["anon", "unverified", "verified", "admin"];
  const count = (table: string) =>
    system(async (tx) =>
      Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`public.${table}`)}`.execute(tx)).rows[0]?.n),
    );

  beforeAll(async () => {
    // One row in each, so "denied" is not confused with "nothing to see".
    await system(async (tx) => {
      for (const { insert } of tables) await insert(p.hidden.id).execute(tx);
    });
  });

  describe.each(tables)("$table", ({ table, insert, update }) => {
    test.each(actors)("%s: select, insert, update, delete are all refused", async (actor) => {
      const before = await count(table);
      expect(before).toBeGreaterThan(0);
      const claims = claimsOf(actor);
      const me = actor === "anon" ? p.unverified : p[actor];
      expectError(
        await attempt(claims, async (tx) => (await sql`select * from ${sql.table(`public.${table}`)}`.execute(tx)).rows),
        PRIVILEGE,
      );
      expectError(await affected(claims, insert(me.id)), PRIVILEGE);
      expectError(await affected(claims, update), PRIVILEGE);
      expectError(await affected(claims, sql`delete from ${sql.table(`public.${table}`)}`), PRIVILEGE);
      expect(await count(table)).toBe(before);
    });

    test("service_role reads and writes", async () => {
      const before = await count(table);
      await system(async (tx) => {
        await insert(p.verified.id).execute(tx);
      });
      expect(await count(table)).toBe(before + 1);
    });
  });

  test.each<[ActorName]>([["anon"], ["verified"], ["admin"]])("%s cannot read auth.users", async (actor) => {
    expectError(await attempt(claimsOf(actor), async (tx) => (await sql`select email from auth.users`.execute(tx)).rows), PRIVILEGE);
  });
});

// ── content and reference data ────────────────────────────────────────────────
describe("tools: published ones for everyone, drafts for curators", () => {
  let ids: Record<"published" | "draft" | "archived", string>;
  beforeAll(async () => {
    ids = await system(async (tx) => {
      const add = async (status: "published" | "draft" | "archived") =>
        (
          await tx
            .insertInto("tools")
            .values({ title: `Guide TUO (${status})`, kind: "guide", topics: ["tuo"], url: "https://www.inesss.qc.ca/", status })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      return { published: await add("published"), draft: await add("draft"), archived: await add("archived") };
    });
  });

  test.each<[ActorName, Array<"published" | "draft" | "archived">]>([
    ["anon", ["published"]],
    ["unverified", ["published"]],
    ["verified", ["published"]],
    ["mentor", ["published"]],
    ["curator", ["archived", "draft", "published"]],
    ["admin", ["archived", "draft", "published"]],
  ])("%s sees", async (actor, expected) => {
    const rows = expectOk(await attempt(claimsOf(actor), (tx) => tx.selectFrom("tools").select("id").execute()));
    const names = Object.entries(ids)
      .filter(([, id]) => rows.some((r) => r.id === id))
      .map(([name]) => name)
      .sort();
    expect(names).toEqual(expected);
  });

  // The tools capability (20261123000300_tools.sql) lets curators edit within its workflow;
  // tests/integration/tools-rls.test.ts covers it role by role. Here: nobody writes around it.
  test.each<[ActorName]>([["anon"], ["verified"], ["curator"], ["admin"]])(
    "%s cannot write tools around the curation rules",
    async (actor) => {
      const claims = claimsOf(actor);
      if (actor === "anon") {
        expectError(await affected(claims, sql`insert into public.tools (title, kind) values ('Faux outil', 'guide')`), PRIVILEGE);
        expectError(await affected(claims, sql`update public.tools set status = 'published' where id = ${ids.draft}`), PRIVILEGE);
        expectError(await affected(claims, sql`delete from public.tools where id = ${ids.published}`), PRIVILEGE);
      } else {
        // Not in nobody's name, not published directly, no skipped step, no deleting what readers rely on.
        expectError(await affected(claims, sql`insert into public.tools (title, kind) values ('Faux outil', 'guide')`), POLICY);
        const update = await affected(claims, sql`update public.tools set status = 'published' where id = ${ids.draft}`);
        if (actor === "verified") expect(expectOk(update)).toBe(0);
        else expectError(update, /tool_invalid_transition/);
        expect(expectOk(await affected(claims, sql`delete from public.tools where id = ${ids.published}`))).toBe(0);
      }
      const rows = await system((tx) =>
        tx.selectFrom("tools").select(["id", "status"]).where("id", "in", Object.values(ids)).orderBy("status").execute(),
      );
      expect(rows.map((r) => r.status)).toEqual(["archived", "draft", "published"]);
    },
  );
});

// Organisers write events through their own columns (tests/integration/events-rls.test.ts);
// the legacy date columns follow starts_at and are written by no one directly.
describe("events: public ones readable by everyone, date columns written only by the system path", () => {
  let id: string;
  beforeAll(async () => {
    id = await system(
      async (tx) =>
        (
          await tx
            .insertInto("events")
            .values({ title: "Webinaire TUO en région", kind: "webinar", starts_on: "2026-02-12", topics: [] })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
    );
  });

  test.each<[ActorName]>([["anon"], ["unverified"], ["verified"], ["admin"]])("%s reads it and cannot change it", async (actor) => {
    const claims = claimsOf(actor);
    const rows = expectOk(await attempt(claims, (tx) => tx.selectFrom("events").select("title").where("id", "=", id).execute()));
    expect(rows).toEqual([{ title: "Webinaire TUO en région" }]);
    expectError(await affected(claims, sql`update public.events set starts_on = '2020-01-01' where id = ${id}`), PRIVILEGE);
    expectError(await affected(claims, sql`delete from public.events where id = ${id}`), PRIVILEGE);
    expectError(
      await affected(claims, sql`insert into public.events (title, kind, starts_on) values ('Faux', 'webinar', '2026-01-01')`),
      PRIVILEGE,
    );
  });
});

describe("reference data: read by everyone, written by no one", () => {
  const tables = ["regions", "disciplines", "professional_orders", "establishment_kinds", "topics", "organisations"];
  test.each(tables)("%s", async (table) => {
    for (const actor of ["anon", "verified", "admin"] satisfies ActorName[]) {
      const claims = claimsOf(actor);
      const rows = expectOk(
        await attempt(claims, async (tx) => (await sql`select * from ${sql.table(`public.${table}`)}`.execute(tx)).rows),
      );
      expect(rows.length).toBeGreaterThan(0);
      expectError(await affected(claims, sql`delete from ${sql.table(`public.${table}`)}`), PRIVILEGE);
    }
  });

  test("the 18 health regions are there", async () => {
    const rows = expectOk(await attempt(null, (tx) => tx.selectFrom("regions").select("code").execute()));
    expect(rows).toHaveLength(18);
  });
});
