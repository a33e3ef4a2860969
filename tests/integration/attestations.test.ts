// Attestations: each member reads only their own; nobody writes through the API; the
// public check answers for one exact code with name, title, hours, date and kind only.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { issueAttestation, verifyAttestation } from "~/modules/attestations/attestations.server";
import type { Claims } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

let t: TestDatabase;
let member: TestUser;
let other: TestUser;
let admin: TestUser;
let code = "";

beforeAll(async () => {
  t = await createTestDatabase();
  member = await createUser(t.db, { displayName: "Membre attestée", verified: true });
  other = await createUser(t.db, { displayName: "Autre", verified: true });
  admin = await createUser(t.db, { displayName: "Admin", verified: true, roles: ["admin"] });
  const issued = await t.db.asSystem("test: issue", (tx) =>
    issueAttestation(tx, {
      kind: "mentoring",
      memberId: member.id,
      memberName: "Membre attestée",
      title: "Mentorat en TAO",
      hours: 6,
      details: { mentor: "Dre Lune" },
      sourceKey: "pairing:test",
    }),
  );
  code = issued.code;
});
afterAll(() => t?.cleanup());

const seen = (claims: Claims) =>
  t.db.withUser(claims, (tx) => tx.selectFrom("attestations").select("code").execute()).then((r) => r.map((x) => x.code));

describe("attestations", () => {
  test("issuing twice for the same source gives the same attestation", async () => {
    const again = await t.db.asSystem("test: issue again", (tx) =>
      issueAttestation(tx, {
        kind: "mentoring",
        memberId: member.id,
        memberName: "Membre attestée",
        title: "Mentorat en TAO",
        hours: 6,
        sourceKey: "pairing:test",
      }),
    );
    expect(again.code).toBe(code);
  });

  test("the member reads their own, another member none, an admin all, an anonymous visitor nothing", async () => {
    expect(await seen(member.claims)).toEqual([code]);
    expect(await seen(other.claims)).toEqual([]);
    expect(await seen(admin.claims)).toContain(code);
    await expect(seen(null)).rejects.toThrow(/permission denied/);
  });

  test("nobody writes attestations through the API, not even for themselves", async () => {
    await expect(
      t.db.withUser(member.claims, (tx) =>
        tx
          .insertInto("attestations")
          .values({
            kind: "event",
            member_id: member.id,
            member_name: "Moi",
            title: "Faux",
            hours: 100,
            details: "{}",
            code: "AAAAA-AAAAA-AAAAA-AAAAA",
            source_key: "forged",
          })
          .execute(),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(t.db.withUser(member.claims, (tx) => tx.updateTable("attestations").set({ hours: 99 }).execute())).rejects.toThrow(
      /permission denied/,
    );
  });

  test("the public check confirms a code with the name, title, hours and date only", async () => {
    const verified = await verifyAttestation(t.db, code);
    expect(verified).toEqual({
      kind: "mentoring",
      memberName: "Membre attestée",
      title: "Mentorat en TAO",
      hours: 6,
      issuedAt: expect.any(String),
    });
    expect(await verifyAttestation(t.db, "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")).toBeNull();
    // No listing through the function: a pattern matches nothing.
    expect(await verifyAttestation(t.db, "%")).toBeNull();
    const columns = await t.db.withUser(null, (tx) =>
      sql<Record<string, unknown>>`select * from public.verify_attestation(${code})`.execute(tx),
    );
    expect(Object.keys(columns.rows[0] ?? {}).sort()).toEqual(["hours", "issued_at", "kind", "member_name", "title"]);
  });

  test("a coordinator role exists", async () => {
    const coordinator = await createUser(t.db, { verified: true, roles: ["coordinator"] });
    const roles = await t.db.withUser(coordinator.claims, (tx) =>
      tx.selectFrom("user_roles").select("role").where("user_id", "=", coordinator.id).execute(),
    );
    expect(roles.map((r) => r.role)).toEqual(["coordinator"]);
  });
});
