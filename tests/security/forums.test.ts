// Bad input to the forums over real HTTP (the list and more): each refused
// with a status and a clear message (an i18n key that exists in both languages), never
// a 500, and nothing saved. Also who may do what (403/404), and that a GET never
// writes (reading a topic marks nothing read).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RICH_TEXT_LIMITS } from "../../app/components/rich-text/limits";
import { FORUM_LIMITS } from "../../app/modules/forums/limits";
import { unsubscribeLink } from "../../app/modules/forums/notify.server";
import { notificationUnsubscribeLink } from "../../app/modules/notifications/notifications.server";
import { MESSAGES } from "../../app/utils/i18n.server";
import { oneClickUnsubscribeHeaders } from "../../app/utils/mail.server";
import { getAppSecret } from "../../app/utils/secret.server";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { Client, DEMO, signedInDemo, type FormInput, type HttpResult } from "./helpers";

let app: TestApp;
let membre: Client;
let mentor: Client;
let nouveau: Client;
let admin: Client;
let anon: Client;
const ids = { induction: 0, inductionFirst: 0, locked: 0, welcome: 0, managers: 0 };

const db = () => app.server.services.db;
const count = async () =>
  db().asSystem("test: count forum rows", async (tx) => {
    const { rows } = await sql<{ topics: number; posts: number; flags: number; drafts: number; reads: number }>`
    select (select count(*)::int from forum_topics) as topics, (select count(*)::int from forum_posts) as posts,
           (select count(*)::int from forum_flags) as flags, (select count(*)::int from forum_drafts) as drafts,
           (select count(*)::int from forum_topic_reads) as reads`.execute(tx);
    return rows[0];
  });

beforeAll(async () => {
  app = await startTestApp();
  ({ membre, mentor, nouveau, admin, anon } = await signedInDemo(app.url));
  await db().asSystem("test: find the seeded topics; lock one", async (tx) => {
    const byTitle = async (like: string) =>
      tx.selectFrom("forum_topics").select("id").where("title", "like", like).executeTakeFirstOrThrow();
    ids.induction = (await byTitle("Induction à la buprénorphine%")).id;
    ids.inductionFirst = (
      await tx
        .selectFrom("forum_posts")
        .select("id")
        .where("topic_id", "=", ids.induction)
        .where("post_number", "=", 1)
        .executeTakeFirstOrThrow()
    ).id;
    ids.locked = (await byTitle("Approvisionnement plus sécuritaire%")).id;
    ids.welcome = (await byTitle("Bienvenue sur Passerelle%")).id;
    ids.managers = (await byTitle("Ordre du jour%")).id;
    await tx.updateTable("forum_topics").set({ locked_at: new Date() }).where("id", "=", ids.locked).execute();
  });
}, 90_000);
afterAll(async () => {
  await app?.close();
});

const known = (key: string) => {
  let node: unknown = MESSAGES["fr-CA"];
  for (const part of key.split(".")) node = node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === "string";
};
/** Every message key in an answer (conform reply or our { intent, result }). */
function messages(res: HttpResult): string[] {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string" && /^[a-z]+(\.[a-zA-Z_]+)+$/.test(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => (k === "initialValue" ? null : walk(x)));
  };
  walk(body);
  return out;
}

const json = (content: unknown[]) => JSON.stringify({ type: "doc", content });
const newTopic = (client: Client, slug: string, form: FormInput) => client.action(`/forums/c/${slug}/new`, "forums.c.$slug.new", form);
const onTopic = (client: Client, id: number, form: FormInput) => client.action(`/forums/t/${id}`, "forums.t.$id", form);

describe("bad input is refused with a clear message, and nothing is saved", () => {
  const cases: Array<[string, () => Promise<HttpResult>, number, string]> = [
    ["an empty title", () => newTopic(membre, "region-09-cote-nord", { title: "", body: "Un message" }), 400, "errors.required"],
    [
      "a short title",
      () => newTopic(membre, "region-09-cote-nord", { title: "Abc", body: "Un message" }),
      400,
      "forums.errors.title_short",
    ],
    [
      "a title over the limit",
      () => newTopic(membre, "region-09-cote-nord", { title: "x".repeat(FORUM_LIMITS.titleMax + 1), body: "Un message" }),
      400,
      "forums.errors.title_long",
    ],
    [
      "an empty body",
      () => newTopic(membre, "region-09-cote-nord", { title: "Un titre valide", body: "" }),
      400,
      "forums.errors.body_required",
    ],
    [
      "a blank body",
      () => newTopic(membre, "region-09-cote-nord", { title: "Un titre valide", body: "  \n \n " }),
      400,
      "forums.errors.body_required",
    ],
    [
      "a body of markup only",
      () => newTopic(membre, "region-09-cote-nord", { title: "Un titre valide", body: "> \n- " }),
      400,
      "forums.richText.errors.empty",
    ],
    [
      "an oversized body",
      () => newTopic(membre, "region-09-cote-nord", { title: "Un titre valide", body: "é".repeat(RICH_TEXT_LIMITS.textChars + 1) }),
      400,
      "forums.richText.errors.too_long",
    ],
    [
      "a body JSON that is not JSON",
      () => newTopic(membre, "region-09-cote-nord", { title: "Un titre valide", bodyJson: "{not json" }),
      400,
      "forums.richText.errors.invalid_json",
    ],
    [
      "an unknown node in the JSON",
      () =>
        newTopic(membre, "region-09-cote-nord", {
          title: "Un titre valide",
          bodyJson: json([{ type: "codeBlock", content: [{ type: "text", text: "x" }] }]),
        }),
      400,
      "forums.richText.errors.unknown_node",
    ],
    [
      "an unknown mark in the JSON",
      () =>
        newTopic(membre, "region-09-cote-nord", {
          title: "Un titre valide",
          bodyJson: json([
            { type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "textStyle", attrs: { color: "red" } }] }] },
          ]),
        }),
      400,
      "forums.richText.errors.unknown_mark",
    ],
    [
      "a javascript: link in the JSON",
      () =>
        newTopic(membre, "region-09-cote-nord", {
          title: "Un titre valide",
          bodyJson: json([
            {
              type: "paragraph",
              content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "javascript:alert(document.cookie)" } }] }],
            },
          ]),
        }),
      400,
      "forums.richText.errors.bad_link",
    ],
    [
      "an event handler attribute in the JSON",
      () =>
        newTopic(membre, "region-09-cote-nord", {
          title: "Un titre valide",
          bodyJson: json([{ type: "paragraph", attrs: { onmouseover: "alert(1)" }, content: [{ type: "text", text: "x" }] }]),
        }),
      400,
      "forums.richText.errors.unknown_attribute",
    ],
    [
      "a tag not on the list",
      () => newTopic(membre, "region-09-cote-nord", { title: "Un titre valide", body: "Texte", tags: ["<script>"] }),
      400,
      "errors.choice",
    ],
    [
      "too many tags",
      () =>
        newTopic(membre, "region-09-cote-nord", {
          title: "Un titre valide",
          body: "Texte",
          tags: ["tao", "methadone", "naloxone", "jeunes", "alcool", "proches"],
        }),
      400,
      "forums.errors.too_many_tags",
    ],
    ["a reply to a locked topic", () => onTopic(membre, ids.locked, { intent: "reply", body: "Une réponse" }), 403, "forums.errors.locked"],
    [
      "a reply to a post of another topic",
      () => onTopic(membre, ids.welcome, { intent: "reply", body: "Une réponse", replyTo: String(ids.inductionFirst) }),
      400,
      "forums.errors.reply_to_invalid",
    ],
    [
      "an edit by someone else",
      () => mentor.action(`/forums/p/${ids.inductionFirst}/edit`, "forums.p.$id.edit", { body: "Vandalisme" }),
      403,
      "forums.errors.not_author",
    ],
    [
      "a reaction to one's own post",
      () => onTopic(membre, ids.induction, { intent: "react", postId: String(ids.inductionFirst), kind: "like" }),
      403,
      "forums.errors.react_own",
    ],
    [
      "an unknown reaction",
      () => onTopic(mentor, ids.induction, { intent: "react", postId: String(ids.inductionFirst), kind: "angry" }),
      400,
      "errors.choice",
    ],
    ["an unknown intent", () => onTopic(membre, ids.induction, { intent: "drop-table" }), 400, "forums.errors.invalid"],
    [
      "a moderation action by a member",
      () => onTopic(membre, ids.induction, { intent: "moderate-topic", act: "lock" }),
      403,
      "forums.errors.forbidden",
    ],
    [
      "a flag without a reason",
      () => mentor.action(`/forums/p/${ids.inductionFirst}/flag`, "forums.p.$id.flag", { reason: "" }),
      400,
      "errors.choice",
    ],
    [
      "a flag on one's own post",
      () => membre.action(`/forums/p/${ids.inductionFirst}/flag`, "forums.p.$id.flag", { reason: "spam" }),
      403,
      "forums.errors.flag_own",
    ],
  ];
  it.each(cases)("%s", async (label, run, status, key) => {
    const before = await count();
    const res = await run();
    expect(res.status, `${label}: ${res.body.slice(0, 400)}`).toBe(status);
    const keys = messages(res);
    expect(keys, `${label}: ${res.body.slice(0, 400)}`).toContain(key);
    for (const k of keys) expect(known(k), `message key ${k} exists`).toBe(true);
    expect(await count()).toEqual(before);
  });

  it("posting in a space one cannot read answers 404 (as for a missing space), and saves nothing", async () => {
    const before = await count();
    const managers = await db().asSystem("test", (tx) =>
      tx.selectFrom("forum_categories").select("slug").where("slug", "=", "rencontres-gestionnaires").executeTakeFirstOrThrow(),
    );
    expect((await newTopic(membre, managers.slug, { title: "Un titre valide", body: "Texte" })).status).toBe(404);
    expect((await onTopic(membre, ids.managers, { intent: "reply", body: "Texte" })).status).toBe(404);
    expect((await newTopic(nouveau, "region-09-cote-nord", { title: "Un titre valide", body: "Texte" })).status).toBe(404);
    expect((await onTopic(nouveau, ids.induction, { intent: "reply", body: "Texte" })).status).toBe(404);
    expect((await newTopic(anon, "bienvenue", { title: "Un titre valide", body: "Texte" })).status).toBe(204);
    expect(await count()).toEqual(before);
  });

  it("a flag twice on the same post is refused the second time", async () => {
    expect(
      (await mentor.action(`/forums/p/${ids.inductionFirst}/flag`, "forums.p.$id.flag", { reason: "other", note: "Doublon" })).status,
    ).toBe(204);
    const before = await count();
    const again = await mentor.action(`/forums/p/${ids.inductionFirst}/flag`, "forums.p.$id.flag", { reason: "other" });
    expect(again.status).toBe(409);
    expect(messages(again)).toContain("forums.errors.already_flagged");
    expect(await count()).toEqual(before);
  });

  it("an unverified member's flags are limited to three an hour", async () => {
    for (let i = 0; i < 4; i++) {
      const res = await admin.action("/forums/c/bienvenue/new", "forums.c.$slug.new", {
        title: `Annonce numéro ${i}`,
        body: "Texte de l'annonce",
      });
      expect(res.status).toBe(204);
    }
    const posts = await db().asSystem("test", (tx) =>
      tx
        .selectFrom("forum_posts as p")
        .innerJoin("forum_topics as t", "t.id", "p.topic_id")
        .select("p.id")
        .where("t.title", "like", "Annonce numéro%")
        .orderBy("p.id")
        .execute(),
    );
    const statuses: number[] = [];
    for (const { id } of posts)
      statuses.push((await nouveau.action(`/forums/p/${id}/flag`, "forums.p.$id.flag", { reason: "spam" })).status);
    expect(statuses).toEqual([204, 204, 204, 429]);
  });
});

describe("search refuses bad input with 400 and a field message, never 500", () => {
  it("a query over the limit (a crafted URL: the field has maxlength) is a 400 that names the field", async () => {
    const long = "naloxone ".repeat(40);
    const page = await membre.get(`/search?q=${encodeURIComponent(long)}`);
    expect(page.status).toBe(400);
    expect(page.body).toContain(MESSAGES["fr-CA"].forums.search.tooLong.replace("{max}", "200"));
    expect(page.body).toContain('aria-invalid="true"');
    const data = await membre.loader(`/search?q=${encodeURIComponent(long)}&category=nope!&offset=-3`, "search");
    expect(data.status).toBe(400);
    expect(data.json()).toMatchObject({ errors: { q: ["forums.search.tooLong"] }, results: { searched: false } });
    // The filters that cannot be read fall back to "any" rather than refuse.
    expect((await membre.get("/search?q=naloxone&category=nope!&offset=-3")).status).toBe(200);
    // An impossible date is not "any date": it is refused with a message under the field.
    const badDate = await membre.get("/search?q=naloxone&from=2026-13-45");
    expect(badDate.status).toBe(400);
    expect(badDate.body).toContain(MESSAGES["fr-CA"].forums.search.badDate.split("'").pop());
  });
});

describe("RFC 8058 one-click unsubscribe", () => {
  const membreId = () =>
    db().asSystem(
      "test: membre's id",
      async (tx) =>
        (await tx.selectFrom("profile_private").select("user_id").where("contact_email", "=", DEMO.membre).executeTakeFirstOrThrow())
          .user_id,
    );
  /** What a mail provider sends: a POST to the header's URL, no Origin, no Referer, no cookie. */
  const oneClick = (link: string, origin: string | null = null) =>
    new Client(app.url).post(new URL(link).pathname + new URL(link).search, "List-Unsubscribe=One-Click", { origin, cookies: false });

  it("a mail provider's POST to a forum email's List-Unsubscribe URL turns the forum emails off", async () => {
    const id = await membreId();
    const env = app.server.services.env;
    const link = unsubscribeLink(env, id);
    // A browser's cross-site post carries its Origin: refused like any other.
    expect((await oneClick(link, "https://evil.example")).status).toBe(403);
    const forged = new URL(link);
    forged.searchParams.set("token", `${id}.forged`);
    expect((await oneClick(forged.toString())).status).toBe(400);
    const before = await db().asSystem("test", (tx) =>
      tx.selectFrom("forum_email_settings").select("mode").where("user_id", "=", id).executeTakeFirst(),
    );
    expect(before?.mode ?? "each").toBe("each");
    expect((await oneClick(link)).status).toBe(200);
    const after = await db().asSystem("test", (tx) =>
      tx.selectFrom("forum_email_settings").select("mode").where("user_id", "=", id).executeTakeFirstOrThrow(),
    );
    expect(after.mode).toBe("off");
  });

  it("the same for the unread-notification emails, and /dev/mailbox shows the headers", async () => {
    const id = await membreId();
    const env = app.server.services.env;
    const link = notificationUnsubscribeLink(env.publicUrl, getAppSecret(env), id);
    expect((await oneClick(link.replace("token=", "token=x"))).status).toBe(400);
    expect((await oneClick(link)).status).toBe(200);
    const settings = await db().asSystem("test", (tx) =>
      tx.selectFrom("notification_settings").select("email_delay_minutes").where("user_id", "=", id).executeTakeFirstOrThrow(),
    );
    expect(settings.email_delay_minutes).toBeNull();
    // The page's own button still works with the token as a field (and our Origin).
    expect((await anon.get(new URL(link).pathname + new URL(link).search)).status).toBe(200);

    await app.server.services.mail.enqueue({
      to: DEMO.membre,
      subject: "Avec en-têtes",
      text: "Texte",
      kind: "forum_notification",
      headers: oneClickUnsubscribeHeaders(link),
    });
    expect((await anon.get("/dev/mailbox")).status).toBe(404);
    const mailbox = await admin.get("/dev/mailbox");
    expect(mailbox.status).toBe(200);
    expect(mailbox.body).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(mailbox.body).toContain("List-Unsubscribe: &lt;http");
  });
});

describe("the category page's watch form (parsed on the server only)", () => {
  it("saves a valid level and refuses an unknown one with 400, changing nothing", async () => {
    const path = "/forums/c/region-09-cote-nord";
    const bad = await membre.action(path, "forums.c.$slug._index", { level: "loud" });
    expect(bad.status).toBe(400);
    const none = await db().asSystem("test", (tx) =>
      tx
        .selectFrom("forum_category_watches as w")
        .innerJoin("forum_categories as c", "c.id", "w.category_id")
        .innerJoin("profile_private as p", "p.user_id", "w.user_id")
        .select("w.level")
        .where("c.slug", "=", "region-09-cote-nord")
        .where("p.contact_email", "=", DEMO.membre)
        .executeTakeFirst(),
    );
    expect(none).toBeUndefined();
    const ok = await membre.action(path, "forums.c.$slug._index", { level: "watching" });
    expect(ok.location).toBe(`${path}?watch=saved`);
    const saved = await db().asSystem("test", (tx) =>
      tx
        .selectFrom("forum_category_watches as w")
        .innerJoin("forum_categories as c", "c.id", "w.category_id")
        .innerJoin("profile_private as p", "p.user_id", "w.user_id")
        .select("w.level")
        .where("c.slug", "=", "region-09-cote-nord")
        .where("p.contact_email", "=", DEMO.membre)
        .executeTakeFirst(),
    );
    expect(saved?.level).toBe("watching");
  });
});

describe("no GET writes", () => {
  it("reading a topic, a category, search or the suggestion endpoints changes nothing", async () => {
    const before = await count();
    for (const path of [
      `/forums/t/${ids.induction}`,
      "/forums/c/region-09-cote-nord",
      "/forums",
      "/search?q=induction",
      "/forums/api/references?q=induction",
      `/forums/t/${ids.induction}?quote=${ids.inductionFirst}`,
    ]) {
      expect((await membre.get(path)).status, path).toBe(200);
    }
    expect(await count()).toEqual(before);
  });

  it("the drafts and mark-read endpoints only take POST", async () => {
    expect((await membre.get("/forums/drafts")).status).toBe(404);
    const res = await onTopic(membre, ids.induction, { intent: "read", upTo: "2" });
    expect(res.status).toBe(200);
  });
});

describe("the suggestion endpoints answer only members, and only what they may see", () => {
  it("mentions need a signed-in member; private spaces answer nothing to outsiders", async () => {
    const space = await db().asSystem("test", (tx) =>
      tx.selectFrom("spaces").select("id").where("slug", "=", "gestionnaires").executeTakeFirstOrThrow(),
    );
    expect((await anon.get(`/forums/api/mentions?space=${space.id}&q=isa`)).status).toBe(302);
    expect((await membre.get(`/forums/api/mentions?space=${space.id}&q=gen`)).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await admin.get(`/forums/api/mentions?space=${space.id}&q=gen`)).json<{ items: unknown[] }>().items).toEqual([]);
    const region = await db().asSystem("test", (tx) =>
      tx.selectFrom("spaces").select("id").where("slug", "=", "region-09").executeTakeFirstOrThrow(),
    );
    expect(
      (await membre.get(`/forums/api/mentions?space=${region.id}&q=marc`))
        .json<{ items: Array<{ label: string }> }>()
        .items.map((i) => i.label),
    ).toEqual(["Marc-André Lévesque"]);
    expect((await membre.get(`/forums/api/mentions?space=not-a-uuid&q=marc`)).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it("references never show a private topic's title to a non-member", async () => {
    const res = await membre.get("/forums/api/references?q=ordre du jour");
    expect(res.json<{ items: unknown[] }>().items).toEqual([]);
    const asAdmin = await admin.get("/forums/api/references?q=ordre du jour");
    expect(asAdmin.json<{ items: Array<{ label: string }> }>().items.map((i) => i.label)).toContain(
      "Ordre du jour — rencontre des gestionnaires",
    );
  });
});
