// The tools library's services end to end on a real database and real storage (local
// disk; Supabase Storage through MSW): uploads checked by content, PDF text in the
// French-aware search, facets and sorts, the workflow, versions, review dates,
// suggestions, citations from forum posts, and the invariant that no file row lacks
// its blob and no blob lacks its row, whatever happens.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { getViewer, type Viewer } from "~/modules/accounts/accounts.server";
import { search as siteSearch } from "~/modules/search/search.server";
import { searchSchema } from "~/modules/search/schemas";
import { parseSearchParams } from "~/modules/tools/schemas";
import {
  createNewVersion,
  createTool,
  deleteTool,
  getFileForDownload,
  getTool,
  listCuration,
  listMyTools,
  purgeDeletedFiles,
  resolveSuggestion,
  searchTools,
  setBookmark,
  setToolStatus,
  suggestTool,
  sweepOrphanFiles,
  updateTool,
  type ToolDeps,
} from "~/modules/tools/tools.server";
import type { ToolInput } from "~/modules/tools/schemas";
import { createLocalStorage, createSupabaseStorage, DEFAULT_BUCKET, newStorageKey, type FileStorage } from "~/utils/storage.server";
import { fixtures, makePdf } from "../fixtures/tools";
import { createFakeStorage, STORAGE_TEST_SERVICE_KEY, STORAGE_TEST_URL } from "../mocks/supabase-storage";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
let root: string;
let deps: ToolDeps;
let curator: Viewer;
let member: Viewer;
let outsider: Viewer;
let admin: Viewer;
const fakeStorage = createFakeStorage();
const msw = setupServer(...fakeStorage.handlers);

const viewerOf = async (options: Parameters<typeof createUser>[1]) => {
  const user = await createUser(t.db, options);
  const viewer = await getViewer(t.db, user.claims);
  if (!viewer) throw new Error("no viewer");
  return viewer;
};

const input = (over: Partial<ToolInput> = {}): ToolInput => ({
  title: "Protocole d'induction à la buprénorphine en région éloignée",
  kind: "protocol",
  language: "fr",
  topics: ["buprenorphine", "tao"],
  disciplines: ["infirmiere", "medecin"],
  summaryFr: "Les étapes d'une induction sécuritaire, adaptées aux équipes de région.",
  summaryEn: "The steps of a safe induction, adapted to regional teams.",
  publisher: "CISSS de la Côte-Nord",
  publishedOn: "2025-05",
  removeFile: false,
  ...over,
});

/** Every files row has its blob and every blob its row; nothing waits in the purge queue. */
async function expectNoOrphans(storage: FileStorage = deps.storage) {
  const rows = await t.db.asSystem("test: files", (tx) => tx.selectFrom("files").select("storage_key").execute());
  const blobs = (await storage.list("tool")).map((o) => o.key).sort();
  expect(blobs).toEqual(rows.map((r) => r.storage_key).sort());
  const queued = await t.db.asSystem("test: purges", (tx) => tx.selectFrom("file_purges").selectAll().execute());
  expect(queued).toEqual([]);
  const dangling = await t.db.asSystem("test: attached", (tx) =>
    tx
      .selectFrom("tools")
      .leftJoin("files", "files.id", "tools.file_id")
      .select("tools.id")
      .where("tools.file_id", "is not", null)
      .where("files.id", "is", null)
      .execute(),
  );
  expect(dangling).toEqual([]);
}

async function publish(id: string) {
  expect(await setToolStatus(deps, curator, id, "in_review")).toEqual({ ok: true });
  expect(await setToolStatus(deps, curator, id, "published")).toEqual({ ok: true });
}

const search = (claims: Viewer["claims"] | null, query: string) => searchTools(t.db, claims, parseSearchParams(new URLSearchParams(query)));

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "error" });
  t = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), "passerelle-tools-"));
  deps = { db: t.db, storage: createLocalStorage(root) };
  curator = await viewerOf({ displayName: "Curatrice", verified: true, roles: ["curator"] });
  member = await viewerOf({ displayName: "Infirmière", verified: true, discipline: "infirmiere" });
  outsider = await viewerOf({ displayName: "Non vérifié" });
  admin = await viewerOf({ displayName: "Admin", verified: true, roles: ["admin"] });
});
afterEach(() => {
  msw.resetHandlers();
});
afterAll(async () => {
  msw.close();
  await t?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("uploads", () => {
  test.each([
    ["HTML renamed .pdf", "guide.pdf", fixtures.htmlAsPdf(), "tools.errors.file_type"],
    ["an SVG with a script", "schema.svg", fixtures.svgScript(), "tools.errors.svg_unsafe"],
    ["an empty file", "vide.pdf", fixtures.empty(), "tools.errors.file_empty"],
    ["a macro document", "protocole.docx", fixtures.docm(), "tools.errors.docx_macro"],
    ["a PDF named .docx", "protocole.docx", fixtures.pdf(), "tools.errors.file_extension"],
    ["a dot name", "..", fixtures.pdf(), "tools.errors.file_name"],
    ["an encoded traversal", "..%2F..%2Fguide.pdf", fixtures.pdf(), "tools.errors.file_name"],
    ["an oversized file", "gros.pdf", fixtures.oversized(), "tools.errors.file_too_large"],
  ])("refuses %s, and stores nothing", async (_label, name, bytes, error) => {
    const before = await t.db.asSystem("test", (tx) => tx.selectFrom("tools").select("id").execute());
    const outcome = await createTool(deps, curator, input(), { name, bytes });
    expect(outcome).toEqual({ ok: false, status: 400, fieldErrors: { file: [error] } });
    expect(await t.db.asSystem("test", (tx) => tx.selectFrom("tools").select("id").execute())).toHaveLength(before.length);
    await expectNoOrphans();
  });

  test("refuses editing without the curator role, before touching storage", async () => {
    for (const viewer of [member, outsider]) {
      expect(await createTool(deps, viewer, input(), { name: "guide.pdf", bytes: fixtures.pdf() })).toMatchObject({
        ok: false,
        status: 403,
      });
    }
    expect(await deps.storage.list("tool")).toEqual([]);
  });

  test("a link or a file is required", async () => {
    expect(await createTool(deps, curator, input(), null)).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { url: ["tools.errors.link_or_file"] },
    });
  });

  test("a PDF is stored under a generated key; its text is searchable without accents; only readers of the item download it", async () => {
    const pdf = makePdf(["Trousse de naloxone pour les pairs aidants", "Administration intranasale et réanimation"]);
    const created = await createTool(
      deps,
      curator,
      input({ title: "Trousse communautaire", summaryFr: "Un outil pour les organismes communautaires de la région." }),
      { name: "Trousse (v1).pdf", bytes: pdf },
    );
    if (!created.ok) throw new Error(JSON.stringify(created));
    const item = await getTool(t.db, curator.claims, created.id);
    expect(item?.tool.status).toBe("draft");
    expect(item?.tool.file_name).toBe("Trousse (v1).pdf");
    const file = await getFileForDownload(t.db, curator.claims, item?.tool.file_id ?? "");
    expect(file?.storage_key).toMatch(/^tool\/[0-9a-f-]{36}$/);
    expect(file?.content_type).toBe("application/pdf");
    expect(await new Response(await deps.storage.open(file?.storage_key ?? "")).arrayBuffer()).toEqual(pdf.buffer);
    // A draft is the curators': members neither find it nor download its file.
    expect(await getTool(t.db, member.claims, created.id)).toBeNull();
    expect(await getFileForDownload(t.db, member.claims, file?.id ?? "")).toBeUndefined();
    expect(await getFileForDownload(t.db, null, file?.id ?? "")).toBeUndefined();

    await publish(created.id);
    expect((await getFileForDownload(t.db, member.claims, file?.id ?? ""))?.id).toBe(file?.id);
    // "reanimation" is only in the PDF's text, with an accent the query leaves out.
    const found = await search(member.claims, "q=reanimation intranasale");
    expect(found.items.map((i) => i.id)).toEqual([created.id]);
    await expectNoOrphans();
  });
});

describe("library search", () => {
  let guide: string;
  let checklist: string;
  beforeAll(async () => {
    const a = await createTool(
      deps,
      curator,
      input({
        title: "Guide de réduction des méfaits en hébergement",
        kind: "guide",
        topics: ["reduction_mefaits", "itinerance"],
        disciplines: ["intervenant_communautaire"],
        publisher: "ESCODI",
        publishedOn: "2023-02",
        url: "https://example.org/guide",
        summaryFr: "Accueillir les personnes qui consomment, sans jugement, en hébergement d'urgence.",
      }),
      null,
    );
    const b = await createTool(
      deps,
      curator,
      input({
        title: "Liste de vérification : sevrage d'alcool",
        kind: "checklist",
        topics: ["sevrage", "alcool"],
        disciplines: ["infirmiere"],
        publisher: "INESSS",
        publishedOn: "2024",
        url: "https://example.org/liste",
        language: "bilingual",
        summaryFr: "Les signes à surveiller pendant un sevrage d'alcool à domicile.",
        summaryEn: "The signs to watch for during alcohol withdrawal at home.",
      }),
      null,
    );
    if (!a.ok || !b.ok) throw new Error("setup");
    guide = a.id;
    checklist = b.id;
    await publish(guide);
    await publish(checklist);
    await setBookmark(t.db, member, checklist, true);
    await setBookmark(t.db, admin, checklist, true);
  });

  test("French-aware: no accents, stemming, either language", async () => {
    for (const q of ["reduction des mefaits", "RÉDUCTION méfait", "hebergement", "alcohol withdrawal signs"]) {
      const ids = (await search(null, `q=${encodeURIComponent(q)}`)).items.map((i) => i.id);
      expect(ids, q).toContain(q.startsWith("alcohol") ? checklist : guide);
    }
    expect((await search(null, "q=zzzzqqq")).items).toEqual([]);
    // Partial words in titles still find something.
    expect((await search(null, "q=verificat")).items.map((i) => i.id)).toContain(checklist);
  });

  test("facets count the other filters, and filter", async () => {
    const result = await search(member.claims, "kind=checklist");
    expect(result.items.map((i) => i.id)).toEqual([checklist]);
    // The kind facet ignores its own filter (so the other kinds stay choosable)…
    expect(result.facets.kind.find((f) => f.value === "guide")?.count).toBeGreaterThan(0);
    // …the others follow it.
    expect(result.facets.topic.map((f) => f.value).sort()).toEqual(["alcool", "sevrage"]);
    expect(result.facets.language).toEqual([{ value: "bilingual", count: 1 }]);
    expect(result.facets.year).toEqual([{ value: "2024", count: 1 }]);
    expect(
      (await search(null, "topic=itinerance&discipline=intervenant_communautaire&publisher=ESCODI&year=2023")).items.map((i) => i.id),
    ).toEqual([guide]);
    expect((await search(null, "topic=itinerance&language=en")).items).toEqual([]);
  });

  test("sorts by date and by bookmarks", async () => {
    const byBookmarks = await search(null, "sort=bookmarks");
    expect(byBookmarks.items[0]?.id).toBe(checklist);
    expect(byBookmarks.items[0]?.bookmarks).toBe(2);
    const byDate = (await search(null, "sort=date")).items.map((i) => i.published_on);
    expect(byDate).toEqual([...byDate].sort((a, b) => (b ?? "").localeCompare(a ?? "")));
    const mine = await listMyTools(t.db, member);
    expect(mine.map((m) => m.id)).toContain(checklist);
    expect(await setBookmark(t.db, member, checklist, false)).toEqual({ ok: true });
    expect((await listMyTools(t.db, member)).map((m) => m.id)).not.toContain(checklist);
  });

  test("published tools also appear in the one search box (/search), with a filter for tools", async () => {
    const query = (params: Record<string, string>) => searchSchema.parse(params);
    const all = await siteSearch(t.db, null, query({ q: "hebergement mefaits" }));
    expect(all.tools.hits.map((h) => h.url)).toEqual([`/tools/${guide}`]);
    expect(all.tools.hits[0]?.title.some((run) => run.mark)).toBe(true);
    const onlyTools = await siteSearch(t.db, member.claims, query({ q: "sevrage", source: "tool" }));
    expect(onlyTools.hits).toEqual([]);
    expect(onlyTools.tools.hits.map((h) => h.url)).toContain(`/tools/${checklist}`);
    expect((await siteSearch(t.db, null, query({ q: "sevrage", source: "forum" }))).tools.hits).toEqual([]);
    // Drafts never show up there either.
    const draft = await createTool(
      deps,
      curator,
      input({ title: "Brouillon hébergement confidentiel", url: "https://example.org/b" }),
      null,
    );
    expect(draft.ok).toBe(true);
    expect((await siteSearch(t.db, member.claims, query({ q: "confidentiel", source: "tool" }))).tools.hits).toEqual([]);
  });

  test("bad search input never fails", async () => {
    for (const q of ["'", '"', "!!!", "a & b | !c", "le la les", "%_\\", "x".repeat(500), "<script>"]) {
      await expect(search(null, `q=${encodeURIComponent(q)}`)).resolves.toBeTruthy();
    }
  });
});

describe("versions, review dates, workflow", () => {
  test("a new version supersedes the old one, which stays readable and marked", async () => {
    const v1 = await createTool(deps, curator, input({ title: "Guide TAO en pharmacie", versionLabel: "1re édition" }), {
      name: "guide-v1.pdf",
      bytes: fixtures.pdf(),
    });
    if (!v1.ok) throw new Error("v1");
    await publish(v1.id);
    const draft = await createNewVersion(deps, curator, v1.id);
    if (!draft.ok) throw new Error("v2");
    // One successor at a time.
    expect(await createNewVersion(deps, curator, v1.id)).toMatchObject({
      ok: false,
      status: 409,
      formError: "tools.errors.version_exists",
    });
    const edited = await updateTool(deps, curator, draft.id, input({ title: "Guide TAO en pharmacie", versionLabel: "2e édition" }), {
      name: "guide-v2.pdf",
      bytes: makePdf(["Deuxième édition"]),
    });
    expect(edited.ok).toBe(true);
    // Before publication the old version is current for members.
    expect((await getTool(t.db, member.claims, v1.id))?.tool.superseded_by).toBeNull();
    await publish(draft.id);
    const old = await getTool(t.db, member.claims, v1.id);
    expect(old?.tool.superseded_by).toBe(draft.id);
    expect(old?.tool.status).toBe("published");
    expect(old?.versions.map((v) => v.id).sort()).toEqual([v1.id, draft.id].sort());
    const current = (await search(member.claims, "q=pharmacie")).items.map((i) => i.id);
    expect(current).toContain(draft.id);
    expect(current).not.toContain(v1.id);
    expect((await search(member.claims, "q=pharmacie&superseded=1")).items.map((i) => i.id)).toContain(v1.id);
    // The old version's file is still there: it stays readable.
    expect(await getFileForDownload(t.db, member.claims, old?.tool.file_id ?? "")).toBeTruthy();
    expect(await createNewVersion(deps, curator, v1.id)).toMatchObject({ ok: false, formError: "tools.errors.version_source" });
    await expectNoOrphans();
  });

  test("items past their review date are listed for curators", async () => {
    const due = await createTool(
      deps,
      curator,
      input({ title: "Ancien protocole", url: "https://example.org/ancien", lastReviewedOn: "2023-01-01", reviewDueOn: "2024-01-01" }),
      null,
    );
    if (!due.ok) throw new Error("due");
    await publish(due.id);
    const queue = await listCuration(t.db, curator, "2026-11-23");
    expect(queue.toReview.map((r) => r.id)).toContain(due.id);
    expect(queue.toReview.every((r) => (r.review_due_on ?? "") < "2026-11-23")).toBe(true);
  });

  test("transitions: no skipping, no deleting a published item, archive is read-only", async () => {
    const made = await createTool(deps, curator, input({ url: "https://example.org/w" }), null);
    if (!made.ok) throw new Error("made");
    expect(await setToolStatus(deps, curator, made.id, "published")).toMatchObject({
      ok: false,
      status: 409,
      formError: "tools.errors.transition",
    });
    expect(await setToolStatus(deps, member, made.id, "in_review")).toMatchObject({ ok: false, status: 403 });
    await publish(made.id);
    expect(await deleteTool(deps, curator, made.id)).toMatchObject({ ok: false, status: 409, formError: "tools.errors.delete_published" });
    expect(await setToolStatus(deps, curator, made.id, "archived")).toEqual({ ok: true });
    expect(await getTool(t.db, member.claims, made.id)).toBeNull();
    expect(await updateTool(deps, curator, made.id, input({ url: "https://example.org/w2" }), null)).toMatchObject({
      ok: false,
      status: 409,
    });
  });
});

describe("no orphan file, no row without its file", () => {
  test("replacing, removing and deleting clean up blobs; a failed save leaves none", async () => {
    const made = await createTool(deps, curator, input(), { name: "a.pdf", bytes: fixtures.pdf() });
    if (!made.ok) throw new Error("made");
    await expectNoOrphans();
    expect((await updateTool(deps, curator, made.id, input(), { name: "b.docx", bytes: fixtures.docx() })).ok).toBe(true);
    await expectNoOrphans();
    expect((await getTool(t.db, curator.claims, made.id))?.tool.file_name).toBe("b.docx");
    // Removing the file without a link would leave nothing to open: refused, blob kept.
    expect(await updateTool(deps, curator, made.id, input({ removeFile: true }), null)).toMatchObject({
      ok: false,
      fieldErrors: { url: ["tools.errors.link_or_file"] },
    });
    expect((await updateTool(deps, curator, made.id, input({ removeFile: true, url: "https://example.org/lien" }), null)).ok).toBe(true);
    await expectNoOrphans();
    // A save that fails after the upload was stored (the item is gone) removes the blob again.
    const ghost = crypto.randomUUID();
    expect(await updateTool(deps, curator, ghost, input(), { name: "c.png", bytes: fixtures.png() })).toMatchObject({
      ok: false,
      status: 404,
    });
    await expectNoOrphans();
    const withFile = await createTool(deps, curator, input(), { name: "d.svg", bytes: fixtures.svg() });
    if (!withFile.ok) throw new Error("d");
    expect(await deleteTool(deps, curator, withFile.id)).toEqual({ ok: true });
    await expectNoOrphans();
  });

  test("a purge that fails is retried; the sweep removes blobs a crash left behind", async () => {
    const made = await createTool(deps, curator, input(), { name: "e.pdf", bytes: fixtures.pdf() });
    if (!made.ok) throw new Error("e");
    const failing: FileStorage = {
      ...deps.storage,
      remove: async () => {
        throw new Error("storage down");
      },
    };
    expect(await deleteTool({ ...deps, storage: failing }, curator, made.id)).toEqual({ ok: true });
    expect(await t.db.asSystem("test", (tx) => tx.selectFrom("file_purges").selectAll().execute())).toHaveLength(1);
    expect(await purgeDeletedFiles(deps)).toBe(1);
    await expectNoOrphans();
    // A blob with no row (the process died before the transaction committed).
    const stray = newStorageKey("tool");
    await deps.storage.put(stray, fixtures.pdf(), "application/pdf");
    expect(await sweepOrphanFiles(deps, Date.now())).toBe(0); // too recent: may be mid-upload
    expect(await sweepOrphanFiles(deps, Date.now() + 2 * 3600 * 1000)).toBe(1);
    await expectNoOrphans();
  });

  test("the same with Supabase Storage (through MSW)", async () => {
    const storage = createSupabaseStorage({ url: STORAGE_TEST_URL, serviceKey: STORAGE_TEST_SERVICE_KEY });
    const remote: ToolDeps = { db: t.db, storage };
    // Start from a clean slate: the local blobs of the other tests are not in this bucket.
    const made = await createTool(remote, curator, input(), { name: "distant.pdf", bytes: fixtures.pdf() });
    if (!made.ok) throw new Error("remote");
    const item = await getTool(t.db, curator.claims, made.id);
    const file = await getFileForDownload(t.db, curator.claims, item?.tool.file_id ?? "");
    expect(fakeStorage.objects(DEFAULT_BUCKET).has(file?.storage_key ?? "")).toBe(true);
    expect(await new Response(await storage.open(file?.storage_key ?? "")).text()).toContain("%PDF-");
    expect(await deleteTool(remote, curator, made.id)).toEqual({ ok: true });
    expect(fakeStorage.objects(DEFAULT_BUCKET).size).toBe(0);
    expect(await t.db.asSystem("test", (tx) => tx.selectFrom("file_purges").selectAll().execute())).toEqual([]);
  });
});

describe("suggestions", () => {
  test("a verified member suggests; a curator accepts it into a draft", async () => {
    expect(await suggestTool(t.db, outsider, { title: "Outil X" })).toMatchObject({ ok: false, status: 403 });
    const sent = await suggestTool(t.db, member, {
      title: "Aide-mémoire naloxone",
      url: "https://example.org/naloxone",
      note: "Utile en pharmacie",
    });
    if (!sent.ok) throw new Error("suggest");
    expect(await resolveSuggestion(t.db, member, sent.id, "accept")).toMatchObject({ ok: false, status: 403 });
    const accepted = await resolveSuggestion(t.db, curator, sent.id, "accept");
    if (!accepted.ok || !accepted.toolId) throw new Error("accept");
    const draft = await getTool(t.db, curator.claims, accepted.toolId);
    expect(draft?.tool).toMatchObject({ status: "draft", title: "Aide-mémoire naloxone", url: "https://example.org/naloxone" });
    expect(await resolveSuggestion(t.db, curator, sent.id, "decline")).toMatchObject({ ok: false, status: 409 });
    // Publishing it needs a summary first.
    expect(await setToolStatus(deps, curator, accepted.toolId, "in_review")).toEqual({ ok: true });
    expect(await setToolStatus(deps, curator, accepted.toolId, "published")).toMatchObject({
      ok: false,
      formError: "tools.errors.incomplete",
    });
  });
});

describe("citations from forum posts", () => {
  test("a post that links to a tool or references it shows up under 'cited in', for those who may read the post", async () => {
    const made = await createTool(deps, curator, input({ title: "Outil cité", url: "https://example.org/cite" }), null);
    if (!made.ok) throw new Error("cited");
    await publish(made.id);
    const ids = await t.db.asSystem("test: forum fixtures", async (tx) => {
      const mk = async (slug: string, visibility: "public" | "members") =>
        (
          await tx
            .insertInto("spaces")
            .values({
              slug,
              kind: visibility === "members" ? "group" : "community",
              visibility,
              name_fr: slug,
              name_en: slug,
              region_code: null,
              discipline_code: null,
              created_by: admin.id,
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      const publicSpace = await mk("outils-public", "public");
      const privateSpace = await mk("outils-prive", "members");
      const cat = async (space: string, slug: string) =>
        (
          await tx
            .insertInto("forum_categories")
            .values({ space_id: space, slug, name_fr: slug, name_en: slug, topic_code: null, created_by: admin.id })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      const post = async (category: string, title: string, body: unknown, text: string) => {
        const topic = await tx
          .insertInto("forum_topics")
          .values({ category_id: category, author_id: admin.id, title, status: "published" })
          .returning("id")
          .executeTakeFirstOrThrow();
        const row = await tx
          .insertInto("forum_posts")
          .values({ topic_id: topic.id, author_id: admin.id, body: JSON.stringify(body), body_text: text, status: "published" })
          .returning("id")
          .executeTakeFirstOrThrow();
        return { topic: topic.id, post: row.id };
      };
      const reference = {
        type: "doc",
        content: [
          {
            type: "paragraph",
            content: [
              { type: "text", text: "Voir " },
              { type: "reference", attrs: { kind: "tool", id: made.id, label: "Outil cité" } },
            ],
          },
        ],
      };
      const pasted = `Le guide est ici : http://localhost:3000/tools/${made.id} (à jour).`;
      const a = await post(await cat(publicSpace, "cat-outils"), "Induction en région", reference, "Voir Outil cité");
      const b = await post(
        await cat(privateSpace, "cat-prive"),
        "Discussion privée",
        { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: pasted }] }] },
        pasted,
      );
      return { a, b };
    });
    const forMember = await getTool(t.db, member.claims, made.id);
    expect(forMember?.citations.map((c) => c.topicId)).toEqual([ids.a.topic]);
    const forAnon = await getTool(t.db, null, made.id);
    expect(forAnon?.citations.map((c) => c.title)).toEqual(["Induction en région"]);
    const forAdmin = await getTool(t.db, admin.claims, made.id);
    expect(forAdmin?.citations.map((c) => c.topicId).sort()).toEqual([ids.a.topic, ids.b.topic].sort());
    // Editing the link away removes the citation.
    await t.db.asSystem("test: edit post", (tx) =>
      tx
        .updateTable("forum_posts")
        .set({
          body: JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Plus de lien" }] }] }),
          body_text: "Plus de lien",
        })
        .where("id", "=", ids.a.post)
        .execute(),
    );
    expect((await getTool(t.db, admin.claims, made.id))?.citations.map((c) => c.topicId)).toEqual([ids.b.topic]);
  });
});
