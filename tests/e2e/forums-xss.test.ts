// A corpus of XSS payloads pushed through every rich-text field of the forums (the
// textarea, the editor typed and pasted into, hand-crafted editor JSON, replies, edits,
// flags), then every page that shows them: nothing runs, no dialog opens, nothing
// rendered from members carries a script, an event handler or a javascript: URL, and
// the CSP (no inline script or style) is on every response. Its own server: the sign-in
// rate limit is per IP and per server.
//
// TEST_DB=postgres runs it on a fresh PostgreSQL database.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { forumApp, startEditor } from "./forums-kit";

const kit = forumApp();
const person = kit.person;

const PAYLOADS = [
  "<script>window.__xss=1</script>",
  '<img src=x onerror="window.__xss=1">',
  "<svg/onload=window.__xss=1>",
  '"><iframe src="javascript:window.__xss=1"></iframe>',
  "javascript:window.__xss=1",
  "[clic](javascript:window.__xss=1)",
  "[clic](JaVaScRiPt:window.__xss=1)",
  "[clic](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
  '<a href="javascript:window.__xss=1">lien</a>',
  "@[<img src=x onerror=window.__xss=1>](member:00000000-0000-4000-8000-000000000000)",
  "[<b onmouseover=window.__xss=1>x</b>](topic:1)",
  "{{constructor.constructor('window.__xss=1')()}}",
  "</textarea><script>window.__xss=1</script>",
  '<style>*{display:none}</style><div style="background:url(javascript:window.__xss=1)">',
  "&lt;script&gt;window.__xss=1&lt;/script&gt;",
  "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
];

/** Documents a hand-crafted client could send instead of the editor's output. */
const JSON_PAYLOADS = [
  { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "<script>window.__xss=1</script>" }] }] },
  {
    type: "doc",
    content: [
      {
        type: "paragraph",
        content: [{ type: "text", text: "lien", marks: [{ type: "link", attrs: { href: "javascript:window.__xss=1" } }] }],
      },
    ],
  },
  {
    type: "doc",
    content: [
      {
        type: "paragraph",
        content: [{ type: "mention", attrs: { id: "00000000-0000-4000-8000-000000000000", label: "<img src=x onerror=window.__xss=1>" } }],
      },
    ],
  },
  { type: "doc", content: [{ type: "html", attrs: { html: "<img src=x onerror=window.__xss=1>" } }] },
  { type: "doc", content: [{ type: "paragraph", attrs: { onclick: "window.__xss=1" }, content: [{ type: "text", text: "x" }] }] },
];

describe("XSS", () => {
  it("a corpus of payloads through every rich-text field runs nothing, and the CSP stays intact", async () => {
    const admin = await person("admin@passerelle.test");
    const mentor = await person("mentor@passerelle.test");
    const page = admin.page;
    const ran = async (p: Page) => p.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
    const cspOf = async (p: Page, url: string) => {
      const response = await p.goto(url);
      return response?.headers()["content-security-policy"] ?? "";
    };

    // 1. The new-topic textarea (the editor never loads: the value is set without focusing it),
    //    every payload as title and body. A mention of nobody is refused; the rest is published as text.
    const created: string[] = [];
    for (const [i, payload] of PAYLOADS.entries()) {
      await page.goto(`${kit.app.url}/forums/c/bienvenue/new`);
      await page.fill('input[name="title"]', `Essai ${i} ${payload}`.slice(0, 200));
      await page.$eval(
        "#topic-body",
        (el, value) => {
          (el as HTMLTextAreaElement).value = value;
        },
        `Avant\n\n${payload}\n\nAprès`,
      );
      await Promise.all([
        Promise.race([page.waitForURL(/\/forums\/t\/\d+/), page.waitForSelector(".form-errors")]),
        page.click('button:has-text("Publier le sujet")'),
      ]);
      expect(await ran(page)).toBeUndefined();
      if (!/\/forums\/t\/\d+/.test(page.url())) {
        expect(payload, "only a mention of an unknown member is refused").toContain("](member:");
        expect(await page.textContent(".form-errors")).toContain("Une mention ne correspond à aucun membre");
        continue;
      }
      created.push(page.url().split("?")[0] ?? "");
      await expect.poll(() => page.textContent("h1")).toBe(`Essai ${i} ${payload}`.slice(0, 200).trim());
      expect(await ran(page)).toBeUndefined();
    }

    // 2. The editor: payloads typed as text, and pasted as HTML.
    await page.goto(`${kit.app.url}/forums/c/bienvenue/new`);
    await page.fill('input[name="title"]', "Essai de l'éditeur");
    await startEditor(page, "topic-body");
    await page.keyboard.type(PAYLOADS.slice(0, 4).join(" "));
    await page.evaluate(() => {
      const target = document.querySelector(".ProseMirror");
      const data = new DataTransfer();
      data.setData(
        "text/html",
        '<p><b>gras collé</b><img src=x onerror="window.__xss=1"><script>window.__xss=1</script><a href="javascript:window.__xss=1">lien collé</a></p>',
      );
      data.setData("text/plain", "gras collé");
      target?.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await Promise.all([page.waitForURL(/\/forums\/t\/\d+/), page.click('button:has-text("Publier le sujet")')]);
    expect(await page.locator(".post strong").first().textContent()).toBe("gras collé");
    expect(await page.locator('.post a[href^="javascript"]').count()).toBe(0);
    created.push(page.url().split("?")[0] ?? "");

    // 3. Hand-crafted editor JSON: refused (unknown nodes, bad links) or rendered as text.
    for (const doc of JSON_PAYLOADS) {
      await page.goto(`${kit.app.url}/forums/c/bienvenue/new`);
      await page.fill('input[name="title"]', "Essai JSON");
      await startEditor(page, "topic-body");
      await page.keyboard.type("x");
      await page.evaluate((json) => {
        const input = document.querySelector<HTMLInputElement>('input[name="bodyJson"]');
        if (input) input.value = json;
      }, JSON.stringify(doc));
      await Promise.all([
        Promise.race([page.waitForURL(/\/forums\/t\/\d+/), page.waitForSelector(".form-errors, .field__error")]),
        page.evaluate(() => document.querySelector<HTMLFormElement>("main form")?.requestSubmit()),
      ]);
      expect(await ran(page)).toBeUndefined();
      if (/\/forums\/t\/\d+/.test(page.url())) created.push(page.url().split("?")[0] ?? "");
      else expect(await page.locator(".form-errors, .field__error").count()).toBeGreaterThan(0);
    }

    // 4. A reply, an edit and a flag note with payloads (as another member).
    const target = created[0] ?? "";
    const accepted = PAYLOADS.filter((payload) => !payload.includes("](member:"));
    await mentor.page.goto(target);
    await mentor.page.$eval(
      "#reply-body",
      (el, value) => {
        (el as HTMLTextAreaElement).value = value;
      },
      accepted.join("\n\n"),
    );
    await Promise.all([mentor.page.waitForURL(/posted=1/), mentor.page.click('button:has-text("Publier la réponse")')]);
    await mentor.page.click('#p-2 a:has-text("Modifier")');
    await mentor.page.waitForURL("**/edit");
    await mentor.page.fill("#edit-body", accepted.slice().reverse().join("\n\n"));
    await Promise.all([mentor.page.waitForURL(/saved=1/), mentor.page.click('button:has-text("Enregistrer les modifications")')]);
    await mentor.page.click('#p-1 a:has-text("Signaler")');
    await mentor.page.selectOption('select[name="reason"]', "other");
    await mentor.page.fill('textarea[name="note"]', PAYLOADS.join(" "));
    await Promise.all([mentor.page.waitForURL(/flagged=1/), mentor.page.click('button:has-text("Envoyer le signalement")')]);
    expect(await ran(mentor.page)).toBeUndefined();

    // 5. Every page that shows them: topics, history, lists, search, the queue, notifications.
    const pages = [
      ...created,
      `${kit.app.url}/forums`,
      `${kit.app.url}/forums/c/bienvenue`,
      `${kit.app.url}/forums/latest`,
      `${kit.app.url}/forums/moderation`,
      `${kit.app.url}/search?q=${encodeURIComponent("window xss script")}`,
      `${kit.app.url}/search?q=${encodeURIComponent(PAYLOADS[1] ?? "")}`,
      `${kit.app.url}/forums/bookmarks`,
      `${kit.app.url}/notifications`,
    ];
    for (const url of pages) {
      const csp = await cspOf(page, url);
      expect(csp, url).toContain("script-src 'self' 'nonce-");
      expect(csp, url).toContain("style-src 'self'");
      expect(await ran(page), url).toBeUndefined();
      // Nothing rendered from members carries a script, an event handler or a javascript: URL.
      const unsafe = await page.evaluate(() =>
        [...document.querySelectorAll(".rich-text *, .result-list *, .queue-item *, h1")]
          .filter(
            (el) =>
              el.tagName === "SCRIPT" ||
              el.tagName === "IFRAME" ||
              el.tagName === "STYLE" ||
              el.tagName === "IMG" ||
              [...el.attributes].some((a) => /^on/i.test(a.name) || a.name === "style" || /^\s*(javascript|data):/i.test(a.value)),
          )
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      expect(unsafe, url).toEqual([]);
    }
    const history = await page.goto(`${target}`).then(() => page.locator('#p-2 a:has-text("modifié")').getAttribute("href"));
    if (history) {
      await page.goto(`${kit.app.url}${history}`);
      expect(await ran(page)).toBeUndefined();
      expect(await page.textContent("main")).toContain("<script>window.__xss=1</script>");
    }
    for (const p of [admin, mentor]) {
      expect(p.problems.filter((m) => !/status of 4\d\d/.test(m))).toEqual([]);
      await p.context.close();
    }
  }, 240_000);
});
