import { describe, expect, it } from "vitest";
import { z } from "zod";
import { attempt, dbErrorFacts, dbRefusal, invalid, refused, RefusalError, settle, type DbRefusalMap } from "./outcome";

/** The shape pg and PGlite give a database error: a message, a SQLSTATE and sometimes a constraint. */
function pgError(message: string, code: string, constraint?: string) {
  return Object.assign(new Error(message), { code, ...(constraint ? { constraint } : {}) });
}

const map: DbRefusalMap = {
  tokens: { forum_silenced: [403, "forums.errors.silenced"] },
  constraints: { tools_supersedes_idx: [409, "tools.errors.version_exists"] },
  codes: { "42501": [403, "errors.forbidden"], "23505": [409, "errors.duplicate"] },
};

describe("the outcome contract", () => {
  it("leaves empty extras out of a refusal", () => {
    expect(refused(404, "errors.not_found")).toEqual({ ok: false, status: 404, formError: "errors.not_found" });
    expect(refused(400, undefined, { fieldErrors: { title: ["errors.too_long"] } })).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { title: ["errors.too_long"] },
    });
  });

  it("turns zod issues into field errors keyed by path, messages being i18n keys", () => {
    const schema = z.object({
      title: z.string().min(4, "cases.errors.title_required"),
      tags: z.array(z.string().max(2, "errors.too_long")),
    });
    const parsed = schema.safeParse({ title: "ab", tags: ["ok", "too long"] });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(invalid(parsed.error, "errors.fix_fields")).toEqual({
      ok: false,
      status: 400,
      formError: "errors.fix_fields",
      fieldErrors: { title: ["cases.errors.title_required"], "tags.1": ["errors.too_long"] },
    });
  });

  it("reads a raised token only when it is the whole message", () => {
    expect(dbErrorFacts(pgError("forum_silenced", "P0001"))?.token).toBe("forum_silenced");
    // A sentence that happens to contain a token is not a token: wording is not a contract.
    expect(dbErrorFacts(pgError("the forum_silenced check failed", "P0001"))?.token).toBeNull();
    expect(dbRefusal(pgError("the forum_silenced check failed", "P0001"), map)).toBeNull();
  });

  it("maps tokens, then constraint names, then SQLSTATEs", () => {
    expect(dbRefusal(pgError("forum_silenced", "P0001"), map)).toMatchObject({ status: 403, formError: "forums.errors.silenced" });
    expect(dbRefusal(pgError("duplicate key value violates unique constraint", "23505", "tools_supersedes_idx"), map)).toMatchObject({
      status: 409,
      formError: "tools.errors.version_exists",
    });
    expect(dbRefusal(pgError("duplicate key value", "23505", "other_key"), map)).toMatchObject({
      status: 409,
      formError: "errors.duplicate",
    });
    // Any wording of an RLS refusal is the same refusal.
    expect(dbRefusal(pgError("new row violates row-level security policy", "42501"), map)).toMatchObject({ status: 403 });
    expect(dbRefusal(pgError("ce n'est pas permis", "42501"), map)).toMatchObject({ status: 403 });
  });

  it("is not fooled by errors that are not from the database", () => {
    expect(dbErrorFacts(new Error("forum_silenced"))).toBeNull();
    expect(dbErrorFacts(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBeNull();
    expect(dbErrorFacts("42501")).toBeNull();
  });

  it("attempt answers a mapped refusal and rethrows anything else", async () => {
    await expect(
      attempt(async () => {
        throw pgError("forum_silenced", "P0001");
      }, map),
    ).resolves.toMatchObject({ ok: false, status: 403 });
    const crash = pgError("deadlock detected", "40P01");
    await expect(
      attempt(async () => {
        throw crash;
      }, map),
    ).rejects.toBe(crash);
    await expect(attempt(async () => ({ ok: true as const, id: 1 }), map)).resolves.toEqual({ ok: true, id: 1 });
    const reshaped = await attempt(
      async () => {
        throw pgError("dup", "23505");
      },
      map,
      (r) => (r.status === 409 ? refused(409, "forums.errors.fix_fields", { fieldErrors: { slug: ["forums.errors.slug_taken"] } }) : r),
    );
    expect(reshaped).toEqual({
      ok: false,
      status: 409,
      formError: "forums.errors.fix_fields",
      fieldErrors: { slug: ["forums.errors.slug_taken"] },
    });
  });

  it("settle wraps a value, and turns a thrown refusal back into one", async () => {
    await expect(settle(async () => ({ id: "a" }))).resolves.toEqual({ ok: true, id: "a" });
    await expect(
      settle(async () => {
        throw new RefusalError(refused(404, undefined, { code: "not_found" }));
      }),
    ).resolves.toEqual({ ok: false, status: 404, code: "not_found" });
    await expect(
      settle(
        async () => {
          throw pgError("no such report", "P0002");
        },
        { codes: { P0002: [404, "x"] } },
        (r) => ({ ...r, code: "not_found" }),
      ),
    ).resolves.toMatchObject({ status: 404, code: "not_found" });
  });
});
