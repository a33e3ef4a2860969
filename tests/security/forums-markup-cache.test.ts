// The store of rendered posts (app/utils/markup-cache.tsx, decision 036) seen from the
// readers' side, through the real server over HTTP without JavaScript. It is shared by every
// reader of the process: the danger is one reader given markup made for another (someone
// else's reaction or bookmark, a moderator's buttons), for another language, or for a
// post as it was before an edit. Each test first lets the store keep the "wrong" markup,
// then checks the next reader gets the right one.
//
// Storing happens after the response (setImmediate in app/entry.server.tsx): the tests
// wait for the store to hold what a page missed, never for a fixed time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { signedInDemo, type Client, type FormInput, type HttpResult } from "./helpers";

let app: TestApp;
let membre: Client;
let mentor: Client;
let admin: Client;
let anon: Client;
const ids = {
  /** Induction à la buprénorphine (région 09, verified members): posts 1 and 3 by membre, 2 by mentor. */
  induction: 0,
  inductionPosts: [] as number[],
  /** Bienvenue (the public space): readable without an account; post 1 by the admin, 2 by the new member. */
  welcome: 0,
  welcomePosts: [] as number[],
  /** Approvisionnement plus sécuritaire: no reader opens it before the moderation test. */
  safer: 0,
};

const store = () => app.server.services.markupCache;
const db = () => app.server.services.db;

async function postIds(topicId: number): Promise<number[]> {
  const rows = await db().asSystem("test: a topic's posts in order", (tx) =>
    tx.selectFrom("forum_posts").select("id").where("topic_id", "=", topicId).orderBy("post_number").execute(),
  );
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  app = await startTestApp();
  // The admin moderates every space (moderated_space_ids()).
  ({ membre, mentor, admin, anon } = await signedInDemo(app.url));
  await db().asSystem("test: find the seeded topics", async (tx) => {
    const byTitle = async (like: string) =>
      (await tx.selectFrom("forum_topics").select("id").where("title", "like", like).executeTakeFirstOrThrow()).id;
    ids.induction = await byTitle("Induction à la buprénorphine%");
    ids.welcome = await byTitle("Bienvenue sur Passerelle%");
    ids.safer = await byTitle("Approvisionnement plus sécuritaire%");
  });
  ids.inductionPosts = await postIds(ids.induction);
  expect(ids.inductionPosts.length).toBeGreaterThanOrEqual(3);
  // Post 1 by the admin, post 2 by the new member (seed).
  ids.welcomePosts = await postIds(ids.welcome);
  expect(ids.welcomePosts.length).toBeGreaterThanOrEqual(2);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

interface Page {
  res: HttpResult;
  html: string;
  /** Lookups of this page answered by the store / not. */
  hits: number;
  misses: number;
}

/**
 * A whole page, then a wait until the store holds every part the page missed (stored
 * after the response). Requests are one at a time in this file, so the store's counters
 * moving during the request are this page's.
 */
async function open(client: Client, path: string): Promise<Page> {
  const before = store().stats();
  const res = await client.get(path);
  const after = store().stats();
  expect(res.status, `${path}: ${res.body.slice(0, 300)}`).toBe(200);
  const misses = after.misses - before.misses;
  await expect.poll(() => store().stats().entries, { message: `the store keeps what ${path} missed` }).toBe(before.entries + misses);
  return { res, html: res.body, hits: after.hits - before.hits, misses };
}

const topicPath = (id: number) => `/forums/t/${id}`;

/** The page without what differs from one response to the next by design: the CSP nonce. */
const withoutNonces = (html: string) => html.replace(/nonce="[^"]*"/g, 'nonce=""');

/** One post's <article> (posts never contain another article). */
function article(html: string, postNumber: number): string {
  const match = new RegExp(`<article id="p-${postNumber}"[^>]*>[\\s\\S]*?</article>`).exec(html);
  expect(match, `post ${postNumber} on the page`).not.toBeNull();
  return match?.[0] ?? "";
}

/** Every post's <article> on a page (the page's inline messages carry every label: look at the posts only). */
function articles(html: string): string[] {
  return html.match(/<article id="p-\d+"[^>]*>[\s\S]*?<\/article>/g) ?? [];
}

/** The reaction button of `kind` in a post: its aria-pressed and its text (label, and count when there is one). */
function reactionButton(post: string, kind: string): { pressed: string; text: string } | null {
  const match = new RegExp(`<button[^>]*name="kind" value="${kind}"[^>]*aria-pressed="(true|false)"[^>]*>([^<]*)</button>`).exec(post);
  return match ? { pressed: match[1] ?? "", text: match[2] ?? "" } : null;
}

/** The bookmark button of a post. */
function bookmarkButton(post: string): { pressed: string; text: string } | null {
  const match = /name="intent" value="bookmark"\/>[\s\S]*?<button[^>]*aria-pressed="(true|false)"[^>]*>([^<]*)<\/button>/.exec(post);
  return match ? { pressed: match[1] ?? "", text: match[2] ?? "" } : null;
}

/** A form post as the page's own no-JavaScript form sends it: expects the redirect back to the topic. */
async function submit(client: Client, path: string, form: FormInput): Promise<void> {
  const res = await client.post(path, form);
  expect(res.status, `${path} ${JSON.stringify(form)}: ${res.body.slice(0, 300)}`).toBe(302);
}

describe("a reader's second visit", () => {
  it("is the same page as the first, with every post from the store", async () => {
    const path = topicPath(ids.induction);
    const first = await open(membre, path);
    expect(first.misses).toBeGreaterThanOrEqual(ids.inductionPosts.length);
    const second = await open(membre, path);
    // Every post of the page was found this time, none rendered again.
    expect(second.hits).toBe(first.misses);
    expect(second.misses).toBe(0);
    expect(withoutNonces(second.html)).toBe(withoutNonces(first.html));
    // Each post is really on the page, with its text (not an empty article).
    expect(article(second.html, 2)).toContain("évaluation du sevrage");
    expect(second.html).not.toContain("<!--part:");
  });
});

describe("reactions and bookmarks are each reader's own", () => {
  it("the reader who reacted and bookmarked sees them pressed; another member sees the count only; a visitor sees no buttons", async () => {
    const path = topicPath(ids.welcome);
    const [post1, post2] = ids.welcomePosts as [number, number];
    // Every reader's page of the topic is in the store before anything changes.
    const before = {
      membre: await open(membre, path),
      mentor: await open(mentor, path),
      anon: await open(anon, path),
    };
    expect(reactionButton(article(before.membre.html, 1), "thanks")).toEqual({ pressed: "false", text: "Merci" });
    expect(bookmarkButton(article(before.membre.html, 2))).toEqual({ pressed: "false", text: "Ajouter aux signets" });
    expect(article(before.anon.html, 1)).not.toContain("Merci");

    // Member A (membre): the forms the page itself carries, without JavaScript.
    expect(article(before.membre.html, 1)).toContain(`<input type="hidden" name="postId" value="${post1}"/>`);
    await submit(membre, path, { intent: "react", postId: String(post1), kind: "thanks" });
    await submit(membre, path, { intent: "bookmark", postId: String(post2) });

    const a = await open(membre, path);
    expect(reactionButton(article(a.html, 1), "thanks")).toEqual({ pressed: "true", text: "Merci (1)" });
    expect(reactionButton(article(a.html, 1), "like")).toEqual({ pressed: "false", text: "J&#x27;aime" });
    expect(bookmarkButton(article(a.html, 2))).toEqual({ pressed: "true", text: "Retirer des signets" });
    expect(bookmarkButton(article(a.html, 1))).toEqual({ pressed: "false", text: "Ajouter aux signets" });

    // Member B (mentor): the count, not A's reaction nor A's bookmark.
    const b = await open(mentor, path);
    expect(reactionButton(article(b.html, 1), "thanks")).toEqual({ pressed: "false", text: "Merci (1)" });
    expect(article(b.html, 1)).not.toContain('aria-pressed="true"');
    expect(bookmarkButton(article(b.html, 2))).toEqual({ pressed: "false", text: "Ajouter aux signets" });
    for (const post of articles(b.html)) expect(post).not.toContain("Retirer des signets");

    // A visitor without an account: the count as text, no reaction or bookmark button.
    const visitor = await open(anon, path);
    const visitorPost = article(visitor.html, 1);
    expect(visitorPost).toContain("Merci (1)");
    expect(visitorPost).not.toMatch(/<button|<form/);
    expect(articles(visitor.html)).toHaveLength(ids.welcomePosts.length);
    for (const post of articles(visitor.html)) expect(post).not.toMatch(/name="kind"|value="bookmark"|aria-pressed/);

    // A's reaction withdrawn: back to a state the store has kept from the start, and the
    // others' pages follow.
    await submit(membre, path, { intent: "react", postId: String(post1), kind: "thanks" });
    const again = await open(membre, path);
    expect(reactionButton(article(again.html, 1), "thanks")).toEqual({ pressed: "false", text: "Merci" });
    expect(article(again.html, 1)).toBe(article(before.membre.html, 1));
    expect(article((await open(anon, path)).html, 1)).not.toContain("Merci");
    expect(reactionButton(article((await open(mentor, path)).html, 1), "thanks")).toEqual({ pressed: "false", text: "Merci" });
  });
});

describe("the language", () => {
  it("English after French, for the same reader, gives English posts; French again gives French", async () => {
    const path = topicPath(ids.induction);
    try {
      const french = await open(mentor, path);
      expect(french.html).toContain('<html lang="fr-CA"');
      expect(article(french.html, 1)).toContain("Ajouter aux signets");

      // The header's language switch, a plain form.
      const res = await mentor.post("/lang", { locale: "en-CA", redirectTo: path });
      expect(res.status).toBe(302);
      const english = await open(mentor, path);
      expect(english.html).toContain('<html lang="en-CA"');
      for (const n of [1, 2, 3]) {
        const post = article(english.html, n);
        expect(post).toContain(">Bookmark<");
        expect(post).toContain(">Reply<");
        expect(post).not.toMatch(/Ajouter aux signets|Répondre|Signaler|n° \d/);
      }
      expect(article(english.html, 1)).toContain(">Report<");
      // The English markup is kept too, and served as it was rendered.
      const englishAgain = await open(mentor, path);
      expect(englishAgain.misses).toBe(0);
      expect(withoutNonces(englishAgain.html)).toBe(withoutNonces(english.html));
    } finally {
      expect((await mentor.post("/lang", { locale: "fr-CA", redirectTo: path })).status).toBe(302);
    }
    const frenchAgain = await open(mentor, path);
    expect(article(frenchAgain.html, 1)).toContain("Ajouter aux signets");
    expect(article(frenchAgain.html, 1)).not.toContain(">Bookmark<");
  });
});

describe("an edit", () => {
  it("shows the new text to every reader at their next page, not the stored one", async () => {
    const path = topicPath(ids.induction);
    const postId = ids.inductionPosts[2] ?? 0;
    const oldText = "excellente idée";
    const newText = "Mise à jour : l’appel du matin a très bien fonctionné — merci !";
    const readers = { membre, mentor, admin };
    for (const [name, client] of Object.entries(readers)) {
      const page = await open(client, path);
      expect(article(page.html, 3), name).toContain(oldText);
    }

    // The author, through the edit page's own form (forums.p.$id.edit).
    expect((await membre.get(`/forums/p/${postId}/edit`)).status).toBe(200);
    const res = await membre.post(`/forums/p/${postId}/edit`, { body: newText });
    expect(res.status, res.body.slice(0, 300)).toBe(302);
    expect(res.location).toContain(`/forums/t/${ids.induction}`);

    for (const [name, client] of Object.entries(readers)) {
      const post = article((await open(client, path)).html, 3);
      expect(post, name).toContain("Mise à jour : l’appel du matin a très bien fonctionné — merci !");
      expect(post, name).not.toContain(oldText);
      expect(post, name).toMatch(/>modifié</);
    }
  });
});

describe("moderation buttons", () => {
  it("are on the moderator's page only, even after the moderator's page was stored", async () => {
    const path = topicPath(ids.safer);
    const moderator = await open(admin, path);
    // No one had opened this topic: the moderator's posts were all rendered and stored.
    expect(moderator.hits).toBe(0);
    expect(moderator.misses).toBeGreaterThanOrEqual(2);
    for (const n of [1, 2]) {
      const post = article(moderator.html, n);
      expect(post).toContain('name="intent" value="moderate-post"');
      expect(post).toContain(">Masquer<");
    }

    for (const [name, client] of Object.entries({ membre, mentor })) {
      const page = await open(client, path);
      for (const n of [1, 2]) {
        const post = article(page.html, n);
        expect(post, `${name}, post ${n}`).not.toContain("moderate-post");
        expect(post, `${name}, post ${n}`).not.toContain(">Masquer<");
      }
      for (const post of articles(page.html)) expect(post, name).not.toMatch(/moderate-post|value="hide"/);
    }

    // And the moderator still has them, from the store.
    const again = await open(admin, path);
    expect(again.misses).toBe(0);
    expect(article(again.html, 2)).toContain('name="intent" value="moderate-post"');
  });
});
