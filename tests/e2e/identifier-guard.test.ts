// The identifier guard in forums and chat, in chromium, as the usability report found
// it: a reply and a chat message naming a patient after a title, with a date of birth,
// a NAM and a phone number. Both are refused and shown in context (highlighted as the
// person types, listed after the refusal), nothing is published; a false positive
// marked "this passage identifies no one" with a reason goes through, and a moderator
// reads the reason (forum moderation queue, chat moderation page).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectAccessible } from "./helpers";
import { forumApp, startEditor } from "./forums-kit";

const kit = forumApp();
const person = (email: string) => kit.person(email);

const LEAKY = "Mme Gagnon, née le 12/03/1985, NAM GAGM85031212, au 514 555-0134 : elle a rechuté.";
const HELPLINE = "Pour la nuit, la ligne de l'organisme : 1 866 555-0199.";
const REASON = "Ligne publique d'un organisme communautaire";

/** Types like a person, with a small pause between keys. */
const type = (page: Page, text: string) => page.keyboard.type(text, { delay: 15 });

describe("identifier guard in forums and chat", () => {
  it("a forum reply: highlighted while typing, refused with the findings, then published with an override a moderator sees", async () => {
    const writer = await person("membre@passerelle.test");
    const { page } = writer;
    await page.goto(`${kit.app.url}/forums`);
    await page.click('a:has-text("Induction à la buprénorphine")');
    await page.waitForURL(/\/forums\/t\/\d+/);
    // The router changes the address before the topic renders: wait for its posts.
    await page.locator(".post").first().waitFor();
    const posts = await page.locator(".post").count();

    await startEditor(page, "reply-body");
    await type(page, LEAKY);
    // With JavaScript: each finding is marked in a copy of the text, with its kind as text.
    await page.waitForSelector('.guard-preview[data-field="reply-body"] .guard-mark[data-kind="nam"]', { timeout: 15_000 });
    expect(await page.locator('.guard-preview[data-field="reply-body"] .guard-mark').count()).toBe(4);
    // …and in place, in the editor itself.
    expect(await page.locator('.ProseMirror .text-highlight[data-kind="phone"]').count()).toBe(1);

    await page.click('button:has-text("Publier la réponse")');
    await page.waitForSelector(".form-errors .guard-findings li");
    const listed = await page.locator(".form-errors .guard-findings li").allTextContents();
    expect(listed).toHaveLength(4);
    expect(listed.join("\n")).toContain("GAGM85031212");
    expect(listed.join("\n")).toContain("514 555-0134");
    expect(await page.locator(".form-errors .guard-findings mark").first().textContent()).toBe("Gagnon");
    await expectAccessible(page, "forum reply refused by the guard");
    // Nothing was published.
    await page.reload();
    expect(await page.locator(".post").count()).toBe(posts);
    expect(await page.locator(".post", { hasText: "GAGM85031212" }).count()).toBe(0);

    // The person writes what they meant: a public helpline, which the guard flags too.
    await startEditor(page, "reply-body");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await type(page, HELPLINE);
    await page.click('button:has-text("Publier la réponse")');
    await page.waitForSelector('.form-errors .guard-findings li[data-kind="phone"]');
    await page.check('.form-errors .guard-findings input[type="checkbox"]');
    await page.fill(".form-errors .guard-findings input.input", REASON);
    await Promise.all([page.waitForURL(/posted=1/), page.click('button:has-text("Publier la réponse")')]);
    await page.waitForSelector('.post:has-text("1 866 555-0199")');
    expect(writer.problems).toEqual([]);
    await writer.context.close();

    // The moderators' queue shows the passage and its reason.
    const moderator = await person("admin@passerelle.test");
    await moderator.page.goto(`${kit.app.url}/forums/moderation`);
    const item = moderator.page.locator('[data-testid="identifier-overrides"] li', { hasText: "1 866 555-0199" });
    await item.waitFor();
    expect(await item.textContent()).toContain(REASON);
    expect(await item.textContent()).toContain("Isabelle Gagnon");
    await expectAccessible(moderator.page, "forum moderation with overrides");
    expect(moderator.problems).toEqual([]);
    await moderator.context.close();
  }, 240_000);

  it("a chat message: warned in the composer before sending, then sent with an override a moderator sees", async () => {
    const writer = await person("membre@passerelle.test");
    const { page } = writer;
    await page.goto(`${kit.app.url}/chat/new`);
    await Promise.all([page.waitForURL(/\/chat\/[0-9a-f-]{36}$/), page.click('button:has-text("Écrire à")')]);
    await page.waitForSelector('.chat-conversation[data-live="online"]', { timeout: 15_000 });
    const conversation = page.url();

    await page.click("#composer-main");
    await type(page, LEAKY);
    await page.keyboard.press("Enter");
    // Checked in the browser with the same guard: the composer keeps the text and lists the findings.
    await page.waitForSelector('[data-testid="chat-guard"] .guard-findings li');
    expect(await page.locator('[data-testid="chat-guard"] .guard-findings li').count()).toBe(4);
    expect(await page.inputValue("#composer-main")).toBe(LEAKY);
    expect(await page.locator(".chat-message", { hasText: "GAGM85031212" }).count()).toBe(0);
    await expectAccessible(page, "chat composer warning");

    await page.fill("#composer-main", "");
    await type(page, HELPLINE);
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="chat-guard"] .guard-findings li[data-kind="phone"]');
    await page.check('[data-testid="chat-guard"] input[type="checkbox"]');
    await page.fill('[data-testid="chat-guard"] input.input', REASON);
    await page.click('.chat-composer button:has-text("Envoyer")');
    await page.waitForSelector('.chat-message:has-text("1 866 555-0199")');
    expect(await page.locator('[data-testid="chat-guard"]').count()).toBe(0);
    // Still nothing of the first text anywhere, after a reload from the database.
    await page.goto(conversation);
    await page.waitForSelector('.chat-message:has-text("1 866 555-0199")');
    expect(await page.locator(".chat-message", { hasText: "GAGM85031212" }).count()).toBe(0);
    expect(writer.problems).toEqual([]);
    await writer.context.close();

    const moderator = await person("admin@passerelle.test");
    await moderator.page.goto(`${kit.app.url}/chat/moderation`);
    const item = moderator.page.locator('[data-testid="identifier-overrides"] li', { hasText: "1 866 555-0199" });
    await item.waitFor();
    expect(await item.textContent()).toContain(REASON);
    await expectAccessible(moderator.page, "chat moderation with overrides");
    expect(moderator.problems).toEqual([]);
    await moderator.context.close();
  }, 240_000);

  it("without JavaScript, the chat form answers a 400 page listing the findings, and the marked message goes through", async () => {
    const writer = await kit.person("membre@passerelle.test", { javaScriptEnabled: false });
    const { page } = writer;
    await page.goto(`${kit.app.url}/chat`);
    await page.click('.chat-list a:has-text("Marc-André Lévesque")');
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}/);
    await page.fill("#composer-main", LEAKY);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click('.chat-composer button:has-text("Envoyer")'),
    ]);
    expect(response.status()).toBe(400);
    await page.waitForSelector('[data-testid="chat-guard"] .guard-findings li');
    expect(await page.locator('[data-testid="chat-guard"] .guard-findings li').count()).toBe(4);
    expect(await page.inputValue("#composer-main")).toBe(LEAKY);
    // The text fixed to a public helpline, the finding marked with a reason: sent.
    await page.fill("#composer-main", HELPLINE);
    await page.click('.chat-composer button:has-text("Envoyer")');
    await page.waitForSelector('[data-testid="chat-guard"] .guard-findings li[data-kind="phone"]');
    await page.check('[data-testid="chat-guard"] input[type="checkbox"]');
    await page.fill('[data-testid="chat-guard"] input.input', `${REASON} (sans JavaScript)`);
    await Promise.all([page.waitForURL(/#message-\d+$/), page.click('.chat-composer button:has-text("Envoyer")')]);
    expect(await page.locator(".chat-message", { hasText: "1 866 555-0199" }).count()).toBe(2);
    await writer.context.close();
  }, 120_000);
});
