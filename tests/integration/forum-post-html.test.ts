// Forum posts' stored HTML (PGlite and PostgreSQL): rendered once when written or edited,
// equal to a fresh render of the stored document, dropped when the body changes without it,
// rendered again at start for old renderer versions, never writable by a member, and
// hostile documents stored by any path still render to inert HTML.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RICH_TEXT_RENDERER_VERSION, renderRichTextSafe } from "~/components/rich-text/render.server";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { createReply, createTopic, editPost, getTopicPage } from "~/modules/forums/forums.server";
import { rebuildStalePostHtml } from "~/modules/forums/post-html.server";
import type { Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures and read back", fn);
let author: Viewer;
let reader: Viewer;
let categoryId = "";

const doc = (...content: unknown[]) => JSON.stringify({ type: "doc", content });
const para = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });
const stored = (postId: number) =>
  system((tx) =>
    tx
      .selectFrom("forum_posts")
      .select(["body", "body_text", "body_html", "body_html_version"])
      .where("id", "=", postId)
      .executeTakeFirstOrThrow(),
  );

async function viewer(name: string): Promise<Viewer> {
  const user = await createUser(t.db, { displayName: name, verified: true, directoryOptIn: true });
  await system((tx) =>
    tx
      .updateTable("profiles")
      .set({ created_at: sql`now() - interval '30 days'`, verified_at: sql`now() - interval '30 days'` })
      .where("id", "=", user.id)
      .execute(),
  );
  return { claims: user.claims, id: user.id, displayName: name, verified: true, roles: [], locale: "fr-CA" };
}

beforeAll(async () => {
  t = await createTestDatabase();
  author = await viewer("Isabelle Gagnon");
  reader = await viewer("Marc-André Lévesque");
  categoryId = await system(async (tx) => {
    const space = await tx
      .insertInto("spaces")
      .values({
        slug: "accueil-html",
        kind: "community",
        visibility: "public",
        name_fr: "Accueil",
        name_en: "Welcome",
        region_code: null,
        discipline_code: null,
        created_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return (
      await tx
        .insertInto("forum_categories")
        .values({
          space_id: space.id,
          slug: "bienvenue-html",
          name_fr: "Bienvenue",
          name_en: "Welcome",
          topic_code: null,
          created_by: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
});
afterAll(() => t?.cleanup());

async function newTopic(text: string) {
  const outcome = await createTopic(t.db, author, categoryId, { title: `Sujet ${text.slice(0, 20)}`, bodyJson: doc(para(text)), tags: [] });
  if (!outcome.ok) throw new Error(`createTopic refused: ${JSON.stringify(outcome)}`);
  return outcome;
}

describe("stored HTML of forum posts", () => {
  test("a topic and a reply are stored with their HTML, equal to a fresh render, and the page serves it", async () => {
    const topic = await newTopic("Induction à domicile : **comment** faites-vous ?");
    await system((tx) =>
      tx
        .updateTable("forum_posts")
        .set({ created_at: sql`created_at - interval '10 minutes'` })
        .execute(),
    );
    const reply = await createReply(t.db, reader, topic.topicId, {
      bodyJson: doc(para("Nous appelons la pharmacie <le matin> & le soir.")),
    });
    if (!reply.ok) throw new Error("reply refused");
    for (const id of [topic.postId, reply.postId]) {
      const row = await stored(id);
      expect(row.body_html_version).toBe(RICH_TEXT_RENDERER_VERSION);
      expect(row.body_html).toBe(renderRichTextSafe(row.body, row.body_text));
    }
    expect((await stored(reply.postId)).body_html).toBe("<p>Nous appelons la pharmacie &lt;le matin&gt; &amp; le soir.</p>");
    const page = await getTopicPage(t.db, reader.claims, topic.topicId);
    expect(page?.posts.map((p) => p.html)).toEqual([(await stored(topic.postId)).body_html, (await stored(reply.postId)).body_html]);
  });

  test("an edited post is rendered again; a body changed without its HTML loses it and the page renders the JSON", async () => {
    const topic = await newTopic("Première version du texte");
    const edited = await editPost(t.db, author, topic.postId, { bodyJson: doc(para("Deuxième version, corrigée")) });
    expect(edited.ok).toBe(true);
    const row = await stored(topic.postId);
    expect(row.body_html).toBe("<p>Deuxième version, corrigée</p>");
    expect(row.body_html).toBe(renderRichTextSafe(row.body, row.body_text));

    // A change of body by another path (SQL, an import) drops the rendering rather than serve a stale one.
    await system((tx) =>
      tx
        .updateTable("forum_posts")
        .set({ body: doc(para("Changé par SQL")), body_text: "Changé par SQL" })
        .where("id", "=", topic.postId)
        .execute(),
    );
    expect(await stored(topic.postId)).toMatchObject({ body_html: null, body_html_version: null });
    const page = await getTopicPage(t.db, reader.claims, topic.topicId);
    expect(page?.posts[0]?.html).toBe("<p>Changé par SQL</p>");
  });

  test("posts of no or another renderer version are rendered again in batches; current ones are left alone", async () => {
    const a = await newTopic("Texte A");
    const b = await newTopic("Texte B");
    const c = await newTopic("Texte C");
    await system(async (tx) => {
      await tx.updateTable("forum_posts").set({ body_html: null, body_html_version: null }).where("id", "=", a.postId).execute();
      await tx
        .updateTable("forum_posts")
        .set({ body_html: "<p>rendu par une vieille version</p>", body_html_version: RICH_TEXT_RENDERER_VERSION - 1 })
        .where("id", "=", b.postId)
        .execute();
      // A current rendering is trusted as is (this marker proves it was not redone).
      await tx.updateTable("forum_posts").set({ body_html: "<p>Texte C</p><!-- current -->" }).where("id", "=", c.postId).execute();
    });
    // An old version's HTML is never served, even before it is rebuilt.
    expect((await getTopicPage(t.db, reader.claims, b.topicId))?.posts[0]?.html).toBe("<p>Texte B</p>");
    expect(await rebuildStalePostHtml(t.db, { batchSize: 1 })).toBeGreaterThanOrEqual(2);
    expect(await stored(a.postId)).toMatchObject({ body_html: "<p>Texte A</p>", body_html_version: RICH_TEXT_RENDERER_VERSION });
    expect(await stored(b.postId)).toMatchObject({ body_html: "<p>Texte B</p>", body_html_version: RICH_TEXT_RENDERER_VERSION });
    expect((await stored(c.postId)).body_html).toBe("<p>Texte C</p><!-- current -->");
    expect(await rebuildStalePostHtml(t.db)).toBe(0);
  });

  test("a member cannot write the HTML of a post, even their own", async () => {
    const topic = await newTopic("Mon texte");
    await expect(
      t.db.withUser(author.claims, (tx) =>
        tx
          .updateTable("forum_posts")
          .set({ body_html: "<script>alert(1)</script>", body_html_version: RICH_TEXT_RENDERER_VERSION })
          .where("id", "=", topic.postId)
          .execute(),
      ),
    ).rejects.toThrow(/permission denied/);
    expect((await stored(topic.postId)).body_html).toBe("<p>Mon texte</p>");
  });

  test("hostile documents that reached the table by any path render to inert HTML", async () => {
    const topic = await newTopic("Sujet pour le corpus");
    const hostile = [
      doc(para("<script>alert(1)</script><img src=x onerror=alert(1)>")),
      doc({
        type: "paragraph",
        content: [{ type: "text", text: "lien", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }],
      }),
      doc({
        type: "paragraph",
        content: [{ type: "text", text: "lien", marks: [{ type: "link", attrs: { href: " JaVaScRiPt:alert(1)" } }] }],
      }),
      doc({ type: "paragraph", attrs: { onmouseover: "alert(1)", style: "x" }, content: [{ type: "text", text: "attrs" }] }),
      doc({ type: "heading", attrs: { level: "2><script>alert(1)</script>" }, content: [{ type: "text", text: "titre" }] }),
      doc({ type: "orderedList", attrs: { start: "2 onload=alert(1)" }, content: [{ type: "listItem", content: [para("un")] }] }),
      doc({
        type: "paragraph",
        content: [{ type: "mention", attrs: { id: '" onmouseover="alert(1)', label: "<b onclick=alert(1)>x</b>" } }],
      }),
      doc({ type: "paragraph", content: [{ type: "reference", attrs: { kind: "topic", id: '1" onfocus="alert(1)', label: "x" } }] }),
      doc({ type: "paragraph", content: [{ type: "reference", attrs: { kind: "tool", id: "javascript:alert(1)", label: "x" } }] }),
      doc({ type: "iframe", attrs: { src: "javascript:alert(1)" } }),
      doc({
        type: "paragraph",
        content: [{ type: "text", text: "x", marks: [{ type: "textStyle", attrs: { style: "background:url(javascript:alert(1))" } }] }],
      }),
    ];
    const ids = await system(async (tx) => {
      const out: number[] = [];
      for (const body of hostile) {
        out.push(
          (
            await tx
              .insertInto("forum_posts")
              .values({ topic_id: topic.topicId, author_id: author.id, body, body_text: "texte du corpus", status: "published" })
              .returning("id")
              .executeTakeFirstOrThrow()
          ).id,
        );
      }
      return out;
    });
    await rebuildStalePostHtml(t.db);
    for (const id of ids) {
      const row = await stored(id);
      expect(row.body_html_version).toBe(RICH_TEXT_RENDERER_VERSION);
      expect(row.body_html).toBe(renderRichTextSafe(row.body, row.body_text));
      // Text may say anything (escaped); the tags are only the renderer's, with safe attributes.
      for (const tag of row.body_html?.match(/<[^>]*>/g) ?? []) {
        expect(tag).toMatch(/^<\/?(p|br|h[2-6]|ul|ol|li|blockquote|span|a|strong|em)[\s>]/);
        expect(tag).not.toMatch(/\son\w+\s*=|javascript:|style=/i);
      }
    }
  });
});
