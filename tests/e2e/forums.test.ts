// The forums in chromium, as the "done when" describes: a verified member
// creates a topic in a regional space with a mention; the person mentioned is notified
// live (bell) and by email (outbox), replies; the first sees the reply appear without
// reloading; a moderator handles a flag from the queue; search finds the topic with an
// unaccented query; an unverified member cannot see it. In French, then in English,
// with axe on every page; reading and replying also work without JavaScript; and a
// corpus of XSS payloads pushed through every rich-text field runs nothing.
//
// TEST_DB=postgres runs the same journey on a fresh PostgreSQL database.
import { describe, expect, it } from "vitest";
import { expectAccessible } from "./helpers";

import { forumApp, startEditor } from "./forums-kit";

const kit = forumApp();
const person = kit.person;

describe("forums journey", () => {
  it("topic with a mention → live notification and email → reply appears live → flag handled → search → private to verified members", async () => {
    const isabelle = await person("membre@passerelle.test");
    const marc = await person("mentor@passerelle.test");
    const genevieve = await person("admin@passerelle.test");

    // Marc waits on the forum index: his bell will move without a reload.
    await marc.page.goto(`${kit.app.url}/forums`);
    await expectAccessible(marc.page, "forum index");
    const bellCount = () =>
      marc.page
        .locator(".chat-bell .chat-badge [aria-hidden]")
        .textContent()
        .catch(() => null);
    const before = Number((await bellCount()) ?? "0");

    // Isabelle: Forums → Côte-Nord → new topic, written in the editor with a mention.
    await isabelle.page.goto(`${kit.app.url}/forums`);
    await isabelle.page.click('a:has-text("Côte-Nord")');
    await isabelle.page.waitForURL("**/forums/c/region-09-*");
    await expectAccessible(isabelle.page, "category");
    await isabelle.page.click('a:has-text("Nouveau sujet")');
    await isabelle.page.waitForURL("**/new");
    await expectAccessible(isabelle.page, "new topic (textarea)");
    await isabelle.page.fill('input[name="title"]', "Trousses de naloxone dans les refuges de Sept-Îles");
    await isabelle.page.check('input[name="tags"][value="naloxone"]');
    await startEditor(isabelle.page, "topic-body");
    await expectAccessible(isabelle.page, "new topic (editor)");
    await isabelle.page.keyboard.type("Bonjour, nous voulons offrir des trousses de naloxone aux personnes hébergées. ");
    await isabelle.page.keyboard.type("@Marc");
    await isabelle.page.waitForSelector('[role="option"]:has-text("Marc-André Lévesque")');
    await isabelle.page.keyboard.press("Enter");
    await isabelle.page.keyboard.type("avez-vous un protocole de formation ?");
    await Promise.all([isabelle.page.waitForURL(/\/forums\/t\/\d+\?posted=1/), isabelle.page.click('button:has-text("Publier le sujet")')]);
    const topicUrl = isabelle.page.url().split("?")[0] ?? "";
    await expect.poll(() => isabelle.page.textContent("h1")).toBe("Trousses de naloxone dans les refuges de Sept-Îles");
    expect(await isabelle.page.textContent(".post .mention")).toBe("@Marc-André Lévesque");
    await expectAccessible(isabelle.page, "topic");

    // Marc is notified live, and by email through the outbox.
    await expect.poll(async () => Number((await bellCount()) ?? "0"), { timeout: 10_000 }).toBe(before + 1);
    // The embedded outbox is an admin's page (it holds every member's mail).
    await genevieve.page.goto(`${kit.app.url}/dev/mailbox`);
    expect(await genevieve.page.textContent("main")).toContain(
      "Isabelle Gagnon vous a mentionné·e dans «\u00a0Trousses de naloxone dans les refuges de Sept-Îles\u00a0»",
    );
    expect(await genevieve.page.textContent("main")).toContain("/forums/unsubscribe?token=");
    // …with the RFC 8058 one-click headers a mail provider uses.
    expect(await genevieve.page.textContent("main")).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");

    // Marc opens the notification and replies; Isabelle, still on the page, sees it arrive.
    await marc.page.goto(`${kit.app.url}/notifications`);
    const notice = marc.page.locator("main li", { hasText: "Isabelle Gagnon vous a mentionné·e dans «\u00a0Trousses de naloxone" });
    await Promise.all([marc.page.waitForURL(/\/forums\/t\/\d+/), notice.locator('button:has-text("Ouvrir")').click()]);
    await isabelle.page.evaluate(() => {
      (window as unknown as { __stayed: boolean }).__stayed = true;
    });
    await startEditor(marc.page, "reply-body");
    await marc.page.keyboard.type("Oui : la formation de 15 minutes de l'INSPQ fonctionne bien en refuge.");
    await Promise.all([marc.page.waitForURL(/posted=1/), marc.page.click('button:has-text("Publier la réponse")')]);
    await isabelle.page.waitForSelector("#p-2", { timeout: 10_000 });
    expect(await isabelle.page.textContent("#p-2")).toContain("la formation de 15 minutes");
    expect(await isabelle.page.evaluate(() => (window as unknown as { __stayed?: boolean }).__stayed)).toBe(true);
    expect(await isabelle.page.textContent('[role="status"][aria-live="polite"]')).toContain("Marc-André Lévesque");

    // Marc reports Isabelle's post (say, a detail that could identify someone); Geneviève handles it.
    await marc.page.click('#p-1 a:has-text("Signaler")');
    await marc.page.waitForURL("**/flag");
    await expectAccessible(marc.page, "flag form");
    await marc.page.selectOption('select[name="reason"]', "identifiable_info");
    await marc.page.fill('textarea[name="note"]', "Le nom du refuge permet peut-être d'identifier une personne.");
    await Promise.all([marc.page.waitForURL(/flagged=1/), marc.page.click('button:has-text("Envoyer le signalement")')]);
    await genevieve.page.goto(`${kit.app.url}/forums/moderation`);
    await expectAccessible(genevieve.page, "moderation queue");
    expect(await genevieve.page.textContent("main")).toContain("Le nom du refuge permet peut-être");
    await Promise.all([genevieve.page.waitForURL(/done=1/), genevieve.page.click('button:has-text("Rejeter le signalement")')]);
    expect(await genevieve.page.textContent("main")).toContain("Rien à traiter pour l'instant.");
    await genevieve.page.goto(`${kit.app.url}/admin/audit`);
    expect(await genevieve.page.textContent("table")).toContain("Signalement rejeté");

    // Search with an unaccented query, from the header's search box.
    await isabelle.page.fill("#header-search", "trousses refuges sept iles");
    await Promise.all([isabelle.page.waitForURL("**/search?q=*"), isabelle.page.press("#header-search", "Enter")]);
    await expect.poll(() => isabelle.page.locator(".result-list a").first().textContent()).toContain("Trousses de naloxone");
    expect(await isabelle.page.locator(".result-list mark").count()).toBeGreaterThan(0);
    await expectAccessible(isabelle.page, "search results");

    // An unverified member can neither open it nor find it.
    const samuel = await person("nouveau@passerelle.test");
    const response = await samuel.page.goto(topicUrl);
    expect(response?.status()).toBe(404);
    await samuel.page.goto(`${kit.app.url}/search?q=trousses+refuges`);
    expect(await samuel.page.textContent("main")).toContain("Aucun résultat");
    await samuel.page.goto(`${kit.app.url}/forums`);
    expect(await samuel.page.textContent("main")).not.toContain("Côte-Nord");
    await expectAccessible(samuel.page, "forum index (unverified)");

    // English: the same pages, translated.
    await isabelle.page.goto(topicUrl);
    await isabelle.page.click('button:has-text("English")');
    await isabelle.page.waitForFunction(() => document.documentElement.lang === "en-CA");
    expect(await isabelle.page.textContent("#reply-title")).toBe("Reply");
    expect(await isabelle.page.textContent("#p-1")).toContain("Bookmark");
    await expectAccessible(isabelle.page, "topic (en)");
    await isabelle.page.goto(`${kit.app.url}/forums`);
    expect(await isabelle.page.textContent("h1")).toBe("Forums");
    expect(await isabelle.page.textContent("main")).toContain("Recent discussions");
    await expectAccessible(isabelle.page, "forum index (en)");
    await isabelle.page.goto(`${kit.app.url}/search?q=naloxone`);
    expect(await isabelle.page.textContent("h1")).toBe("Search");
    await expectAccessible(isabelle.page, "search (en)");
    await isabelle.page.click('button:has-text("Français")');
    await isabelle.page.waitForFunction(() => document.documentElement.lang === "fr-CA");

    for (const p of [isabelle, marc, genevieve, samuel]) {
      expect(p.problems.filter((m) => !/status of 404/.test(m))).toEqual([]);
      await p.context.close();
    }
  }, 180_000);

  it("every other forum page passes axe, in French and in English", async () => {
    const admin = await person("admin@passerelle.test");
    const { page } = admin;
    await page.goto(`${kit.app.url}/forums`);
    await page.click('a:has-text("Induction à la buprénorphine")');
    await page.waitForURL(/\/forums\/t\/\d+/);
    const topic = page.url().split("#")[0] ?? "";
    const firstPost = await page.locator("#p-1 a:has-text('Modifier')").getAttribute("href");
    // With JavaScript, a bookmark and a reaction are sent without leaving the page (the
    // document is the same one afterwards), and the page shows their new state.
    await page.evaluate(() => Object.assign(window, { samePage: true }));
    await page.click('#p-1 button:has-text("Ajouter aux signets")');
    await expect.poll(() => page.locator('#p-1 button[aria-pressed="true"]').count()).toBe(1);
    await page.click('#p-1 button[value="thanks"]');
    await expect.poll(() => page.locator('#p-1 button[value="thanks"][aria-pressed="true"]').count()).toBe(1);
    expect(await page.locator('#p-1 button[value="thanks"]').textContent()).toMatch(/1/);
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
    const pages = [
      "/forums/latest",
      "/forums/bookmarks",
      "/forums/settings",
      "/forums/manage",
      "/forums/moderation",
      firstPost ?? "/forums",
      `${firstPost?.replace("/edit", "/flag") ?? "/forums"}`,
      topic.replace(kit.app.url, ""),
      "/search?q=induction&region=09",
    ];
    for (const locale of ["fr-CA", "en-CA"]) {
      for (const path of pages) {
        await page.goto(`${kit.app.url}${path}`);
        await expectAccessible(page, `${path} (${locale})`);
      }
      if (locale === "fr-CA") {
        await page.click('button:has-text("English")');
        await page.waitForFunction(() => document.documentElement.lang === "en-CA");
      }
    }
    // The topic tools (moderator) open and pass too.
    await page.goto(topic);
    // A whole page carries each post's HTML in its markup only, not again in the hydration data,
    // and hydration keeps the server's HTML in place (decision 033).
    await page.waitForFunction(() => "__remixRouter" in window);
    const hydrated = await page.evaluate(() => {
      const remix = (
        window as unknown as { __remixRouter: { state: { loaderData: Record<string, { posts?: Array<{ html: string | null }> }> } } }
      ).__remixRouter;
      return {
        inData: remix.state.loaderData["routes/forums.t.$id"]?.posts?.map((p) => p.html) ?? [],
        shown: [...document.querySelectorAll(".post__body")].map((e) => e.innerHTML.length),
      };
    });
    expect(hydrated.inData.length).toBeGreaterThan(0);
    expect(hydrated.inData.every((html) => html === null)).toBe(true);
    expect(hydrated.shown.length).toBe(hydrated.inData.length);
    expect(hydrated.shown.every((length) => length > 0)).toBe(true);
    // The page names its messages' file instead of carrying them (decision 036): no inline copy,
    // one preload link to a file of its language kept for good, and hydration used those words.
    const messages = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>("link[rel=preload][data-page-messages]");
      const response = link ? await fetch(link.href) : null;
      return {
        inline: [...document.scripts].some((s) => s.textContent?.includes("__passerelleMessages")),
        href: link?.getAttribute("href") ?? "",
        cache: response?.headers.get("cache-control") ?? "",
        lang: document.documentElement.lang,
        loaded: typeof (window as unknown as Record<string, unknown>).__passerelleMessages === "object",
      };
    });
    expect(messages.inline).toBe(false);
    expect(messages.href.startsWith(`/i18n/${messages.lang}.`)).toBe(true);
    expect(messages.cache).toContain("immutable");
    expect(messages.loaded).toBe(true);
    await page.click("summary:has-text('Topic moderation tools')");
    await expectAccessible(page, "topic tools (en)");
    await page.click('button:has-text("Français")');
    expect(admin.problems).toEqual([]);
    await admin.context.close();
  }, 120_000);

  it("reads and replies without JavaScript: the textarea markup becomes the same rich text", async () => {
    const reader = await person("membre@passerelle.test", { javaScriptEnabled: false });
    await reader.page.goto(`${kit.app.url}/forums`);
    await reader.page.click('a:has-text("Induction à la buprénorphine")');
    await reader.page.waitForURL(/\/forums\/t\/\d+/);
    expect(await reader.page.locator(".post").count()).toBeGreaterThan(1);
    await reader.page.fill("#reply-body", "Merci pour ces **conseils**.\n\n- appel le matin\n- entente avec la pharmacie");
    await Promise.all([reader.page.waitForURL(/posted=1/), reader.page.click('button:has-text("Publier la réponse")')]);
    const last = reader.page.locator(".post").last();
    expect(await last.locator("strong").textContent()).toBe("conseils");
    expect(await last.locator("li").count()).toBe(2);
    // A draft saved without JavaScript comes back.
    await reader.page.fill("#reply-body", "Brouillon en cours");
    await Promise.all([reader.page.waitForURL(/draft=saved/), reader.page.click('button:has-text("Enregistrer le brouillon")')]);
    expect(await reader.page.inputValue("#reply-body")).toBe("Brouillon en cours");
    // (axe needs JavaScript in the page: the same pages are checked in the journey above.)
    expect(reader.problems).toEqual([]);
    await reader.context.close();
  }, 90_000);
});
