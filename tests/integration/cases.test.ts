// Clinical cases: row-level security per kind of person (anonymous, unverified,
// verified, a private space's member and an outsider, mentor, moderator, admin), the
// lifecycle, the audit of moderator reads, and the identifier guard refusing saves
// with nothing written. Runs on PGlite and on PostgreSQL (TEST_DB=postgres).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  closeCase,
  createCase,
  followUpCase,
  getCase,
  listCases,
  openCase as openCaseFor,
  recommendOnCase,
  replyToCase,
  sendBackCase,
  submitCase,
  updateCase,
} from "~/modules/cases/cases.server";
import type { Tx } from "~/utils/db.server";
import { createTestDatabase, type TestDatabase, type TestUser } from "../setup/test-db";
import { caseTemplate, createCaseCast, nam, openCase, type Who } from "./cases-cast";

let t: TestDatabase;
let p: Record<Who, TestUser>;
let privateSpace = "";
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures and read back", fn);
const countCases = () =>
  system(async (tx) =>
    Number(
      (
        await tx
          .selectFrom("cases")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );
const countPosts = () =>
  system(async (tx) =>
    Number(
      (
        await tx
          .selectFrom("case_posts")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );
const auditCount = (action: string, caseId: string) =>
  system(async (tx) =>
    Number(
      (
        await tx
          .selectFrom("audit_log")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("action", "=", action)
          .where("target_id", "=", caseId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

const template = caseTemplate;

const openCaseAs = (user: TestUser, over: Record<string, unknown> = {}) => openCase(t.db, user, over);

const canSee = async (user: TestUser | null, caseId: string) => {
  if (!user) {
    // Anonymous: no grant at all on cases.
    try {
      const rows = await t.db.withUser(null, (tx) => tx.selectFrom("cases").select(["id", "title"]).execute());
      return rows.some((r) => r.id === caseId);
    } catch (error) {
      expect(String(error)).toMatch(/permission denied/);
      return false;
    }
  }
  const listed = (await listCases(t.db, user.claims)).some((c) => c.id === caseId);
  const view = await getCase(t.db, user.claims, caseId);
  expect(listed).toBe(view !== null);
  return view !== null;
};

beforeAll(async () => {
  t = await createTestDatabase();
  ({ people: p, privateSpace } = await createCaseCast(t.db, "echo-cote-nord"));
}, 120_000);
afterAll(() => t?.cleanup());

describe("the identifier guard refuses saves and nothing is stored", () => {
  test("a draft with a NAM, a phone number and a date of birth is refused with the three findings", async () => {
    const before = await countCases();
    const result = await createCase(
      t.db,
      p.presenter.claims,
      template({
        details: `Patient ${nam}, joindre au 514 555-1234, né le 12 mars 1987.`,
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.findings?.map((f) => [f.field, f.kind, f.match])).toEqual([
      ["details", "nam", nam],
      ["details", "phone", "514 555-1234"],
      ["details", "date_of_birth", "12 mars 1987"],
    ]);
    // The field says "see the findings" in the page's language; the findings carry the details.
    expect(result.fieldErrors?.details).toEqual(["identifierGuard.errors.inField"]);
    expect(await countCases()).toBe(before);
  });

  test("every free-text field is checked, rich text JSON included", async () => {
    const before = await countCases();
    const doc = JSON.stringify({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: "Mme Tremblay, H2X 1Y4" }] }],
    });
    const result = await createCase(
      t.db,
      p.presenter.claims,
      template({
        title: "Cas de M. Gagnon",
        question: "Que faire? Courriel jean@exemple.ca",
        socialSituation: "habite au 1234, rue Saint-Denis",
        whatTried: "dossier 1234567",
        detailsJson: doc,
        pseudonym: "Julie 92 ans",
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(new Set(result.findings?.map((f) => f.field))).toEqual(
      new Set(["title", "question", "socialSituation", "whatTried", "details", "pseudonym"]),
    );
    expect(await countCases()).toBe(before);
  });

  test("missing required fields: clear errors, nothing saved", async () => {
    const before = await countCases();
    const result = await createCase(t.db, p.presenter.claims, { title: "", question: "court", careSetting: "spa" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(["careSetting", "question", "title"]);
    expect(await countCases()).toBe(before);
  });

  test("replies, recommendations and follow-ups are guarded", async () => {
    const { id } = await openCaseAs(p.presenter);
    const before = await countPosts();
    for (const [fn, user] of [
      [replyToCase, p.verified],
      [recommendOnCase, p.mentor],
      [followUpCase, p.presenter],
    ] as const) {
      const result = await fn(t.db, user.claims, id, { body: "Appelez-la au (418) 555-0199 poste 22" });
      expect(result).toMatchObject({ ok: false, status: 400 });
    }
    expect(await countPosts()).toBe(before);
  });
});

describe("who wrote what", () => {
  test("readers see the names of the people who replied (none is in the directory); the presenter stays under the pseudonym", async () => {
    const { id } = await openCaseAs(p.presenter);
    expect((await replyToCase(t.db, p.verified.claims, id, { body: "Avez-vous pensé au fractionnement de la dose?" })).ok).toBe(true);
    expect((await recommendOnCase(t.db, p.mentor.claims, id, { body: "Fractionner la dose et revoir dans deux semaines." })).ok).toBe(true);
    expect((await followUpCase(t.db, p.presenter.claims, id, { body: "Le fractionnement a aidé." })).ok).toBe(true);
    const bylines = async (user: TestUser) => (await getCase(t.db, user.claims, id))?.posts.map((x) => [x.kind, x.authorName]);
    expect(await bylines(p.member)).toEqual([
      ["reply", "Pair vérifié"],
      ["recommendation", "Mentore"],
      ["follow_up", "infirmière, région 09"],
    ]);
    // The presenter sees their own name; an unverified member sees nothing at all.
    expect((await bylines(p.presenter))?.at(-1)).toEqual(["follow_up", "Présentatrice"]);
    expect(await bylines(p.unverified)).toBeUndefined();
    const direct = await t.db.withUser(p.unverified.claims, (tx) => sql`select * from public.case_post_authors(${id}::uuid)`.execute(tx));
    expect(direct.rows).toEqual([]);
  });
});

describe("lifecycle and rights", () => {
  test("draft is the author's alone; submitting needs the attestation; open to verified members", async () => {
    const created = await createCase(t.db, p.presenter.claims, template());
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    for (const u of [p.verified, p.mentor, p.moderator, p.admin]) expect(await canSee(u, created.id)).toBe(false);
    expect(await canSee(p.presenter, created.id)).toBe(true);

    expect(await submitCase(t.db, p.presenter.claims, created.id, {})).toMatchObject({ ok: false, status: 400 });
    expect(await submitCase(t.db, p.verified.claims, created.id, { attestNotIdentifiable: "on" })).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await submitCase(t.db, p.presenter.claims, created.id, { attestNotIdentifiable: "on" })).toEqual({ ok: true, status: "open" });
    for (const u of [p.verified, p.mentor, p.moderator, p.admin, p.presenter]) expect(await canSee(u, created.id)).toBe(true);
    expect(await canSee(p.unverified, created.id)).toBe(false);
    expect(await canSee(null, created.id)).toBe(false);
  });

  test("a malformed case id at any entry point is a case nobody can see (404), never a database error", async () => {
    const before = await countCases();
    for (const id of ["not-a-uuid", "", "00000000-0000-0000-0000-00000000000g", "1 or 1=1", "../cases"]) {
      expect(await getCase(t.db, p.presenter.claims, id)).toBeNull();
      expect(await submitCase(t.db, p.presenter.claims, id, { attestNotIdentifiable: "on" })).toMatchObject({ ok: false, status: 404 });
      expect(await openCaseFor(t.db, p.moderator.claims, id)).toMatchObject({ ok: false, status: 404 });
      expect(await closeCase(t.db, p.presenter.claims, id)).toMatchObject({ ok: false, status: 404 });
      expect(await updateCase(t.db, p.presenter.claims, id, template())).toMatchObject({ ok: false, status: 404 });
      expect(await replyToCase(t.db, p.verified.claims, id, { body: "Une réponse." })).toMatchObject({ ok: false, status: 404 });
      expect(await sendBackCase(t.db, p.moderator.claims, id, { note: "À revoir, merci." })).toMatchObject({ ok: false, status: 404 });
    }
    expect(await countCases()).toBe(before);
  });

  test("someone else cannot edit a case; the presenter cannot edit after submission", async () => {
    const created = await createCase(t.db, p.presenter.claims, template());
    if (!created.ok) throw new Error("create failed");
    expect(await updateCase(t.db, p.verified.claims, created.id, template({ title: "Piraté" }))).toMatchObject({ ok: false, status: 403 });
    expect(await updateCase(t.db, p.presenter.claims, created.id, template({ title: "Titre revu" }))).toEqual({ ok: true, id: created.id });
    await submitCase(t.db, p.presenter.claims, created.id, { attestNotIdentifiable: "on" });
    expect(await updateCase(t.db, p.presenter.claims, created.id, template({ title: "Après coup" }))).toMatchObject({
      ok: false,
      status: 403,
    });
    const title = await system(
      async (tx) => (await tx.selectFrom("cases").select("title").where("id", "=", created.id).executeTakeFirstOrThrow()).title,
    );
    expect(title).toBe("Titre revu");
  });

  test("reply, recommendations by a mentor (never the presenter), follow-up by the presenter only, then close", async () => {
    const { id } = await openCaseAs(p.presenter);
    expect(await replyToCase(t.db, p.verified.claims, id, { body: "Avez-vous envisagé la morphine à libération lente?" })).toMatchObject({
      ok: true,
    });
    expect(await recommendOnCase(t.db, p.verified.claims, id, { body: "Augmenter à 100 mg" })).toMatchObject({ ok: false, status: 403 });
    // The presenter asks; the advisers write the recommendations (she replies and follows up).
    expect((await getCase(t.db, p.presenter.claims, id))?.canRecommend).toBe(false);
    expect(await recommendOnCase(t.db, p.presenter.claims, id, { body: "Je me recommande la patience." })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect((await getCase(t.db, p.mentor.claims, id))?.canRecommend).toBe(true);
    expect(await recommendOnCase(t.db, p.mentor.claims, id, { body: "Augmenter de 10 mg aux 5 jours, ECG de contrôle." })).toMatchObject({
      ok: true,
    });
    expect(await followUpCase(t.db, p.verified.claims, id, { body: "Suivi" })).toMatchObject({ ok: false, status: 403 });
    expect(await followUpCase(t.db, p.presenter.claims, id, { body: "Stabilisée à 110 mg, consommation réduite." })).toMatchObject({
      ok: true,
    });
    const view = await getCase(t.db, p.verified.claims, id);
    expect(view?.case.status).toBe("follow_up");
    expect(view?.posts.map((x) => x.kind)).toEqual(["reply", "recommendation", "follow_up"]);
    expect(await closeCase(t.db, p.verified.claims, id)).toMatchObject({ ok: false, status: 403 });
    expect(await closeCase(t.db, p.presenter.claims, id)).toEqual({ ok: true });
    expect(await replyToCase(t.db, p.verified.claims, id, { body: "Trop tard" })).toMatchObject({ ok: false, status: 403 });
  });

  test("the pseudonym hides the presenter from peers; moderators see who posted and it is audited", async () => {
    const { id } = await openCaseAs(p.presenter);
    const peer = await getCase(t.db, p.verified.claims, id);
    expect(peer?.presenter).toEqual({ authorId: null, displayName: null, pseudonym: "infirmière, région 09", revealed: false });
    expect(peer?.mine).toBe(false);
    // author_id is not even selectable by clients.
    await expect(t.db.withUser(p.verified.claims, (tx) => sql`select author_id from public.cases`.execute(tx))).rejects.toThrow(
      /permission denied/,
    );

    expect(await auditCount("case.read_as_moderator", id)).toBe(0);
    const mod = await getCase(t.db, p.moderator.claims, id);
    expect(mod?.presenter).toMatchObject({ authorId: p.presenter.id, displayName: "Présentatrice", revealed: true });
    expect(await auditCount("case.read_as_moderator", id)).toBe(1);
    expect(await auditCount("case.presenter_revealed", id)).toBe(1);
    await getCase(t.db, p.admin.claims, id);
    expect(await auditCount("case.read_as_moderator", id)).toBe(2);
    // Peers and the presenter leave no moderator trace.
    await getCase(t.db, p.presenter.claims, id);
    await getCase(t.db, p.mentor.claims, id);
    expect(await auditCount("case.read_as_moderator", id)).toBe(2);
  });
});

describe("private space cases", () => {
  test("only the space's members (after review by its coordinator) see the case, title included", async () => {
    const created = await createCase(t.db, p.presenter.claims, template({ spaceId: privateSpace, title: "Cas ECHO Côte-Nord" }));
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(await submitCase(t.db, p.presenter.claims, created.id, { attestNotIdentifiable: "on" })).toEqual({
      ok: true,
      status: "submitted",
    });
    // Waiting for review: the coordinator sees it, members do not yet.
    expect(await canSee(p.spaceMod, created.id)).toBe(true);
    expect(await canSee(p.member, created.id)).toBe(false);
    const opened = await t.db.withUser(p.spaceMod.claims, (tx) =>
      tx.updateTable("cases").set({ status: "open" }).where("id", "=", created.id).returning("status").execute(),
    );
    expect(opened).toEqual([{ status: "open" }]);

    expect(await canSee(p.member, created.id)).toBe(true);
    expect(await canSee(p.presenter, created.id)).toBe(true);
    for (const u of [p.outsider, p.verified, p.mentor, p.moderator, p.unverified]) expect(await canSee(u, created.id)).toBe(false);
    expect(await canSee(null, created.id)).toBe(false);
    // Outsiders cannot reply either, and the title never leaks through a raw query.
    expect(await replyToCase(t.db, p.outsider.claims, created.id, { body: "Bonjour" })).toMatchObject({ ok: false, status: 404 });
    const titles = await t.db.withUser(p.outsider.claims, (tx) => tx.selectFrom("cases").select("title").execute());
    expect(titles.map((r) => r.title)).not.toContain("Cas ECHO Côte-Nord");
    const posts = await t.db.withUser(p.outsider.claims, (tx) =>
      tx.selectFrom("case_posts").select("case_id").where("case_id", "=", created.id).execute(),
    );
    expect(posts).toEqual([]);
  });

  test("a non-member cannot present a case in the space; an unverified member cannot present at all", async () => {
    const before = await countCases();
    expect(await createCase(t.db, p.outsider.claims, template({ spaceId: privateSpace }))).toMatchObject({ ok: false, status: 403 });
    expect(await createCase(t.db, p.unverified.claims, template())).toMatchObject({ ok: false, status: 403 });
    expect(await countCases()).toBe(before);
  });
});
