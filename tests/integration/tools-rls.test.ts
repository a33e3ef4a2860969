// Row-level security of the tools library, per role: anonymous visitor, unverified
// member, verified member, curator, admin. Every case asserts a real outcome (rows
// seen, error raised, or the row unchanged when read back on the system path).
import { sql, type Insertable } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Claims, Tx } from "~/utils/db.server";
import type { Files } from "~/utils/db-schema";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

const PRIVILEGE = /permission denied/;
const POLICY = /violates row-level security policy/;

let t: TestDatabase;
interface People {
  unverified: TestUser;
  member: TestUser;
  other: TestUser;
  curator: TestUser;
  admin: TestUser;
}
type Actor = "anon" | keyof People;
const ACTORS: Actor[] = ["anon", "unverified", "member", "curator", "admin"];
let p: People;
const claimsOf = (a: Actor): Claims => (a === "anon" ? null : p[a].claims);
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);

type Result<T> = { ok: true; value: T } | { ok: false; message: string };
async function attempt<T>(actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await t.db.withUser(claimsOf(actor), fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
function refused(result: Result<unknown>, pattern: RegExp) {
  expect(result.ok, "expected a refusal").toBe(false);
  if (!result.ok) expect(result.message).toMatch(pattern);
}
function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
  return result.value;
}

const tools = { published: "", draft: "", review: "", archived: "" };
const files = { published: "", draft: "" };
const key = () => `tool/${crypto.randomUUID()}`;

async function seedTool(status: "draft" | "in_review" | "published" | "archived", withFile: boolean) {
  return system(async (tx) => {
    const file = withFile
      ? (
          await tx
            .insertInto("files")
            .values({
              purpose: "tool",
              storage_key: key(),
              original_name: `${status}.pdf`,
              content_type: "application/pdf",
              byte_size: 10,
              sha256: "0".repeat(64),
              uploaded_by: p.curator.id,
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id
      : null;
    const row = await tx
      .insertInto("tools")
      .values({
        title: `Outil ${status}`,
        kind: "guide",
        topics: ["tao"],
        url: "https://example.org/x",
        status,
        summary_fr: "Résumé de démonstration assez long.",
        file_id: file,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: row.id, file };
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  p = {
    unverified: await createUser(t.db, { displayName: "Non vérifiée" }),
    member: await createUser(t.db, { displayName: "Membre vérifiée", verified: true }),
    other: await createUser(t.db, { displayName: "Autre membre", verified: true }),
    curator: await createUser(t.db, { displayName: "Curatrice", verified: true, roles: ["curator"] }),
    admin: await createUser(t.db, { displayName: "Admin", verified: true, roles: ["admin"] }),
  };
  const published = await seedTool("published", true);
  const draft = await seedTool("draft", true);
  tools.published = published.id;
  files.published = published.file ?? "";
  tools.draft = draft.id;
  files.draft = draft.file ?? "";
  tools.review = (await seedTool("in_review", false)).id;
  tools.archived = (await seedTool("archived", false)).id;
});
afterAll(() => t?.cleanup());

const names = () => new Map(Object.entries(tools).map(([k, v]) => [v, k]));

describe("tools", () => {
  test.each([
    ["anon", ["published"]],
    ["unverified", ["published"]],
    ["member", ["published"]],
    ["curator", ["archived", "draft", "published", "review"]],
    ["admin", ["archived", "draft", "published", "review"]],
  ] as const)("%s sees %j", async (actor, expected) => {
    const rows = ok(await attempt(actor, (tx) => tx.selectFrom("tools").select("id").execute()));
    expect(rows.flatMap((r) => names().get(r.id) ?? []).sort()).toEqual([...expected]);
  });

  const draftValues = (createdBy: string | null) => ({
    title: "Nouvel outil",
    kind: "guide" as const,
    topics: [],
    url: "https://example.org",
    status: "draft" as const,
    summary_fr: "Un résumé suffisamment long.",
    created_by: createdBy,
  });

  test("only curators and admins create, and only as drafts", async () => {
    refused(await attempt("anon", (tx) => tx.insertInto("tools").values(draftValues(null)).execute()), PRIVILEGE);
    refused(await attempt("unverified", (tx) => tx.insertInto("tools").values(draftValues(p.unverified.id)).execute()), POLICY);
    refused(await attempt("member", (tx) => tx.insertInto("tools").values(draftValues(p.member.id)).execute()), POLICY);
    ok(await attempt("curator", (tx) => tx.insertInto("tools").values(draftValues(p.curator.id)).execute()));
    ok(await attempt("admin", (tx) => tx.insertInto("tools").values(draftValues(p.admin.id)).execute()));
    // Not published directly, and not in someone else's name.
    refused(
      await attempt("curator", (tx) =>
        tx
          .insertInto("tools")
          .values({ ...draftValues(p.curator.id), status: "published" })
          .execute(),
      ),
      POLICY,
    );
    refused(await attempt("curator", (tx) => tx.insertInto("tools").values(draftValues(p.admin.id)).execute()), POLICY);
  });

  test("members cannot edit; curators edit but never the derived version columns", async () => {
    for (const actor of ["unverified", "member"] as const) {
      const result = ok(
        await attempt(actor, (tx) => tx.updateTable("tools").set({ title: "Piraté" }).where("id", "=", tools.published).executeTakeFirst()),
      );
      expect(Number(result.numUpdatedRows)).toBe(0);
    }
    refused(
      await attempt("anon", (tx) => tx.updateTable("tools").set({ title: "Piraté" }).where("id", "=", tools.published).execute()),
      PRIVILEGE,
    );
    refused(
      await attempt("curator", (tx) =>
        tx.updateTable("tools").set({ superseded_by: tools.draft }).where("id", "=", tools.published).execute(),
      ),
      PRIVILEGE,
    );
    refused(
      await attempt("curator", (tx) => sql`update public.tools set published_at = now() where id = ${tools.published}`.execute(tx)),
      PRIVILEGE,
    );
    const title = await system((tx) => tx.selectFrom("tools").select("title").where("id", "=", tools.published).executeTakeFirstOrThrow());
    expect(title.title).toBe("Outil published");
    const edited = ok(
      await attempt("curator", (tx) =>
        tx.updateTable("tools").set({ summary_en: "An English summary." }).where("id", "=", tools.published).executeTakeFirst(),
      ),
    );
    expect(Number(edited.numUpdatedRows)).toBe(1);
  });

  test("the workflow refuses skipped steps, and publishing needs a summary and a link or file", async () => {
    refused(
      await attempt("curator", (tx) => tx.updateTable("tools").set({ status: "published" }).where("id", "=", tools.draft).execute()),
      /tool_invalid_transition/,
    );
    const bare = ok(
      await attempt(
        "curator",
        async (tx) =>
          (
            await tx
              .insertInto("tools")
              .values({
                title: "Sans lien",
                kind: "guide",
                topics: [],
                status: "draft",
                created_by: p.curator.id,
              })
              .returning("id")
              .executeTakeFirstOrThrow()
          ).id,
      ),
    );
    ok(await attempt("curator", (tx) => tx.updateTable("tools").set({ status: "in_review" }).where("id", "=", bare).execute()));
    refused(
      await attempt("curator", (tx) => tx.updateTable("tools").set({ status: "published" }).where("id", "=", bare).execute()),
      /tool_incomplete/,
    );
    refused(
      await attempt("curator", (tx) => tx.updateTable("tools").set({ title: "Changé" }).where("id", "=", tools.archived).execute()),
      /tool_archived/,
    );
  });

  test("a published item is never deleted; members delete nothing", async () => {
    const byCurator = ok(await attempt("curator", (tx) => tx.deleteFrom("tools").where("id", "=", tools.published).executeTakeFirst()));
    expect(Number(byCurator.numDeletedRows)).toBe(0);
    const byMember = ok(await attempt("member", (tx) => tx.deleteFrom("tools").where("id", "=", tools.review).executeTakeFirst()));
    expect(Number(byMember.numDeletedRows)).toBe(0);
    refused(await attempt("anon", (tx) => tx.deleteFrom("tools").where("id", "=", tools.review).execute()), PRIVILEGE);
    expect(
      await system((tx) => tx.selectFrom("tools").select("id").where("id", "in", [tools.published, tools.review]).execute()),
    ).toHaveLength(2);
  });

  test("changes are audited with their actor", async () => {
    const id = ok(
      await attempt(
        "curator",
        async (tx) =>
          (
            await tx
              .insertInto("tools")
              .values({
                title: "Audité",
                kind: "form",
                topics: [],
                url: "https://example.org/a",
                status: "draft",
                created_by: p.curator.id,
                summary_fr: "Résumé assez long ici.",
              })
              .returning("id")
              .executeTakeFirstOrThrow()
          ).id,
      ),
    );
    ok(await attempt("curator", (tx) => tx.updateTable("tools").set({ status: "in_review" }).where("id", "=", id).execute()));
    const audit = await system((tx) =>
      tx.selectFrom("audit_log").select(["actor_id", "action"]).where("target_id", "=", id).orderBy("id").execute(),
    );
    expect(audit).toEqual([
      { actor_id: p.curator.id, action: "tool.created" },
      { actor_id: p.curator.id, action: "tool.in_review" },
    ]);
  });
});

describe("files", () => {
  test.each([
    ["anon", ["published"]],
    ["unverified", ["published"]],
    ["member", ["published"]],
    ["curator", ["draft", "published"]],
    ["admin", ["draft", "published"]],
  ] as const)("%s sees the files of %j items", async (actor, expected) => {
    const rows = ok(
      await attempt(actor, (tx) => tx.selectFrom("files").select("id").where("id", "in", [files.published, files.draft]).execute()),
    );
    const byId = new Map([
      [files.published, "published"],
      [files.draft, "draft"],
    ]);
    expect(rows.map((r) => byId.get(r.id)).sort()).toEqual([...expected]);
  });

  test("only curators record uploads, in their own name", async () => {
    const values = (by: string) => ({
      purpose: "tool" as const,
      storage_key: key(),
      original_name: "x.pdf",
      content_type: "application/pdf" as const,
      byte_size: 1,
      sha256: "a".repeat(64),
      uploaded_by: by,
    });
    refused(await attempt("member", (tx) => tx.insertInto("files").values(values(p.member.id)).execute()), POLICY);
    refused(await attempt("curator", (tx) => tx.insertInto("files").values(values(p.admin.id)).execute()), POLICY);
    ok(await attempt("curator", (tx) => tx.insertInto("files").values(values(p.curator.id)).execute()));
  });

  test("the database refuses what the app refuses: bad keys, names, types, sizes", async () => {
    const base = {
      purpose: "tool" as const,
      storage_key: key(),
      original_name: "x.pdf",
      content_type: "application/pdf",
      byte_size: 1,
      sha256: "a".repeat(64),
      uploaded_by: p.curator.id,
    };
    for (const bad of [
      { storage_key: "tool/../../etc/passwd" },
      { storage_key: "x.pdf" },
      { original_name: "../x.pdf" },
      { original_name: ".htaccess" },
      { content_type: "text/html" },
      { byte_size: 0 },
      { byte_size: 20 * 1024 * 1024 + 1 },
      { sha256: "nope" },
    ]) {
      refused(
        await attempt("curator", (tx) =>
          tx
            .insertInto("files")
            .values({ ...base, storage_key: key(), ...bad } as Insertable<Files>)
            .execute(),
        ),
        /check constraint/,
      );
    }
  });

  test("a file still attached to an item cannot be deleted (no item without its file)", async () => {
    refused(await attempt("curator", (tx) => tx.deleteFrom("files").where("id", "=", files.published).execute()), /foreign key/);
    const byMember = ok(await attempt("member", (tx) => tx.deleteFrom("files").where("id", "=", files.published).executeTakeFirst()));
    expect(Number(byMember.numDeletedRows)).toBe(0);
  });

  test("the purge queue: admins may look, nobody writes", async () => {
    ok(await attempt("admin", (tx) => tx.selectFrom("file_purges").selectAll().execute()));
    expect(ok(await attempt("member", (tx) => tx.selectFrom("file_purges").selectAll().execute()))).toEqual([]);
    refused(await attempt("admin", (tx) => tx.insertInto("file_purges").values({ storage_key: key() }).execute()), PRIVILEGE);
    refused(await attempt("anon", (tx) => tx.selectFrom("file_purges").selectAll().execute()), PRIVILEGE);
  });
});

describe("bookmarks", () => {
  test("a member bookmarks what they can see, for themselves only, and sees only their own", async () => {
    ok(
      await attempt("member", (tx) => tx.insertInto("tool_bookmarks").values({ user_id: p.member.id, tool_id: tools.published }).execute()),
    );
    ok(await attempt("other", (tx) => tx.insertInto("tool_bookmarks").values({ user_id: p.other.id, tool_id: tools.published }).execute()));
    refused(
      await attempt("member", (tx) => tx.insertInto("tool_bookmarks").values({ user_id: p.member.id, tool_id: tools.draft }).execute()),
      POLICY,
    );
    refused(
      await attempt("member", (tx) =>
        tx.insertInto("tool_bookmarks").values({ user_id: p.unverified.id, tool_id: tools.published }).execute(),
      ),
      POLICY,
    );
    refused(
      await attempt("anon", (tx) => tx.insertInto("tool_bookmarks").values({ user_id: p.member.id, tool_id: tools.published }).execute()),
      PRIVILEGE,
    );
    const mine = ok(await attempt("member", (tx) => tx.selectFrom("tool_bookmarks").select("user_id").execute()));
    expect(mine.map((r) => r.user_id)).toEqual([p.member.id]);
    expect(ok(await attempt("admin", (tx) => tx.selectFrom("tool_bookmarks").select("user_id").execute()))).toEqual([]);
    // Counts are public, never who.
    const counts = ok(
      await attempt(
        "anon",
        async (tx) => (await sql<{ tool_id: string; bookmarks: number }>`select * from public.tool_bookmark_counts()`.execute(tx)).rows,
      ),
    );
    expect(counts).toContainEqual({ tool_id: tools.published, bookmarks: 2 });
    const removed = ok(
      await attempt("member", (tx) => tx.deleteFrom("tool_bookmarks").where("user_id", "=", p.other.id).executeTakeFirst()),
    );
    expect(Number(removed.numDeletedRows)).toBe(0);
  });
});

describe("suggestions", () => {
  const values = (by: string, title = "Un outil à ajouter") => ({ suggested_by: by, title, url: "https://example.org/s", note: "" });

  test("verified members suggest; unverified and anonymous cannot", async () => {
    ok(await attempt("member", (tx) => tx.insertInto("tool_suggestions").values(values(p.member.id)).execute()));
    refused(await attempt("unverified", (tx) => tx.insertInto("tool_suggestions").values(values(p.unverified.id)).execute()), POLICY);
    refused(await attempt("member", (tx) => tx.insertInto("tool_suggestions").values(values(p.other.id)).execute()), POLICY);
    refused(await attempt("anon", (tx) => tx.insertInto("tool_suggestions").values(values(p.member.id)).execute()), PRIVILEGE);
    refused(
      await attempt("member", (tx) =>
        tx
          .insertInto("tool_suggestions")
          .values({ ...values(p.member.id), url: "javascript:alert(1)" })
          .execute(),
      ),
      /check constraint/,
    );
  });

  test("the queue is the curators'; a member sees only their own suggestions", async () => {
    ok(await attempt("other", (tx) => tx.insertInto("tool_suggestions").values(values(p.other.id, "Suggestion de l'autre")).execute()));
    const seenByMember = ok(await attempt("member", (tx) => tx.selectFrom("tool_suggestions").select("suggested_by").execute()));
    expect(new Set(seenByMember.map((r) => r.suggested_by))).toEqual(new Set([p.member.id]));
    const seenByCurator = ok(await attempt("curator", (tx) => tx.selectFrom("tool_suggestions").select("suggested_by").execute()));
    expect(new Set(seenByCurator.map((r) => r.suggested_by))).toEqual(new Set([p.member.id, p.other.id]));
    const byMember = ok(
      await attempt("member", (tx) =>
        tx.updateTable("tool_suggestions").set({ status: "accepted", resolved_by: p.member.id }).executeTakeFirst(),
      ),
    );
    expect(Number(byMember.numUpdatedRows)).toBe(0);
    const byCurator = ok(
      await attempt("curator", (tx) =>
        tx
          .updateTable("tool_suggestions")
          .set({ status: "declined", resolved_by: p.curator.id, resolved_at: new Date() })
          .where("suggested_by", "=", p.other.id)
          .executeTakeFirst(),
      ),
    );
    expect(Number(byCurator.numUpdatedRows)).toBe(1);
  });

  test("ten suggestions a day at most", async () => {
    const spammer = await createUser(t.db, { verified: true });
    for (let i = 0; i < 10; i++) {
      ok(
        await t.db
          .withUser(spammer.claims, (tx) =>
            tx
              .insertInto("tool_suggestions")
              .values(values(spammer.id, `Suggestion ${i}`))
              .execute(),
          )
          .then((v) => ({ ok: true as const, value: v })),
      );
    }
    await expect(
      t.db.withUser(spammer.claims, (tx) => tx.insertInto("tool_suggestions").values(values(spammer.id, "Une de trop")).execute()),
    ).rejects.toThrow(/tool_suggestion_rate_limited/);
  });
});

describe("citations", () => {
  test("nobody writes citations directly", async () => {
    for (const actor of ACTORS) {
      refused(
        await attempt(actor, (tx) =>
          tx.insertInto("tool_citations").values({ tool_id: tools.published, source_kind: "forum_post", source_id: "1" }).execute(),
        ),
        PRIVILEGE,
      );
    }
  });
});
