// Permit re-verification in chromium without JavaScript, in French (390 px) and in
// English (desktop): a member's permit passed its expiry and the daily job (through the
// server's own queue) marked it lapsed. She still reads a forum topic, with a banner saying
// why she cannot post and how to renew; her reply is refused (403, the page says why) and
// nothing is stored; that page keeps the site header. She submits her renewed permit; an admin confirms it from the
// re-verification queue; the banner is gone and her reply is published. Screenshots of
// each state at 390 px and at desktop width go to /tmp.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectAccessibleTwin,
  launchBrowser,
  memberIdByEmail,
  screenshotAtTwoWidths,
  signInWithForm,
  startTestApp,
  type TestApp,
  watchConsole,
} from "./helpers";
import { localToday } from "~/utils/local-time";

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp({ JOBS_POLL_MS: "200", JOBS_BACKOFF_MS: "200" });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const db = () => app.server.services.db;
const plusDays = (days: number) => new Date(Date.parse(`${localToday()}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const idOf = (email: string) => memberIdByEmail(app, email);

/** The admin had recorded a permit that expired yesterday; the daily job runs on the server's queue. */
async function lapse(email: string) {
  const [memberId, adminId] = [await idOf(email), await idOf("admin@passerelle.test")];
  await db().asSystem("test: a permit recorded last year", (tx) =>
    tx
      .insertInto("verifications")
      .values({
        user_id: memberId,
        decision: "verified",
        method: "order_register",
        verified_by: adminId,
        note: "Permis vérifié au registre (il y a un an)",
        permit_expires_on: plusDays(-1),
      })
      .execute(),
  );
  await app.server.services.jobs.schedule({ type: "permits.daily", key: `e2e:permits.daily:${memberId}` });
  await expect
    .poll(
      async () =>
        (
          await db().asSystem("test: lapsed?", (tx) =>
            tx.selectFrom("member_permits").select("lapsed_at").where("user_id", "=", memberId).executeTakeFirst(),
          )
        )?.lapsed_at ?? null,
      { timeout: 30_000, interval: 300 },
    )
    .not.toBeNull();
  return memberId;
}

async function postsBy(memberId: string) {
  return db().asSystem("test: posts by", (tx) => tx.selectFrom("forum_posts").select("id").where("author_id", "=", memberId).execute());
}

const checkAccessible = (page: Page, label: string) => expectAccessibleTwin(browser, page, label);

const shoot = (page: Page, name: string) => screenshotAtTwoWidths(page, `/tmp/permits-${name}`);

async function signedIn(email: string, lang: "fr" | "en"): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: lang === "fr" ? { width: 390, height: 844 } : { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signInWithForm(page, app.url, email);
  await page.goto(`${app.url}/profile/permit`);
  const english = (await page.getAttribute("html", "lang")) === "en-CA";
  if ((lang === "en") !== english) {
    await Promise.all([page.waitForURL(/\/profile\/permit/), page.waitForLoadState("load"), page.click("form.lang-switch button")]);
  }
  expect(await page.getAttribute("html", "lang")).toBe(lang === "fr" ? "fr-CA" : "en-CA");
  return { context, page, problems };
}

async function walkThrough(email: string, lang: "fr" | "en") {
  const t =
    lang === "fr"
      ? {
          banner: "Votre permis d'exercice est échu\u00a0: lecture seule",
          refused: "Publication suspendue",
          reply: "Publier la réponse",
          submitted: "Votre renouvellement est soumis.",
          waiting: "attend la confirmation de l'administration",
          queue: "Renouvellement des permis",
          confirm: "Confirmer le renouvellement",
          confirmed: "Renouvellement confirmé",
        }
      : {
          banner: "Your practice permit has expired: read-only",
          refused: "Posting paused",
          reply: "Post reply",
          submitted: "Your renewal is submitted.",
          waiting: "is waiting for an administrator's confirmation",
          queue: "Permit renewals",
          confirm: "Confirm the renewal",
          confirmed: "Renewal confirmed",
        };
  const memberId = await lapse(email);
  const member = await signedIn(email, lang);
  const page = member.page;

  // Reading: the topic, with the banner saying why and how.
  await page.goto(`${app.url}/forums`);
  await Promise.all([page.waitForURL(/\/forums\/t\/\d+/), page.click('a:has-text("Induction à la buprénorphine")')]);
  const topicUrl = page.url();
  const banner = page.locator('[data-testid="permit-banner"]');
  expect(await banner.locator("h2").textContent()).toBe(t.banner);
  expect(await banner.locator('a[href="/profile/permit"]').count()).toBe(1);
  expect(await page.locator(".post").count()).toBeGreaterThan(0);
  await checkAccessible(page, `topic with the lapsed-permit banner (${lang})`);
  await shoot(page, `${lang}-1-lapsed-banner`);

  // Posting: refused, said why, nothing stored.
  const before = (await postsBy(memberId)).length;
  await page.fill("#reply-body", "Une réponse pendant que mon permis est échu.");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.click(`button:has-text("${t.reply}")`),
  ]);
  expect(response.status()).toBe(403);
  await page.waitForLoadState("load");
  expect(await page.textContent("h1")).toBe(t.refused);
  expect(await page.locator('main a[href="/profile/permit"]').count()).toBeGreaterThan(0);
  // The refusal keeps the whole site around it: the header, her account menu, the banner.
  expect(await page.locator("header.site-header").count()).toBe(1);
  expect(await page.locator(".account-menu").count()).toBe(1);
  expect(await page.locator('[data-testid="permit-banner"] h2').textContent()).toBe(t.banner);
  expect(await page.getAttribute("html", "lang")).toBe(lang === "fr" ? "fr-CA" : "en-CA");
  await shoot(page, `${lang}-2-post-refused`);
  expect((await postsBy(memberId)).length).toBe(before);

  // Renewal: the expiry date on the renewed permit.
  await page.goto(`${app.url}/profile/permit`);
  await page.fill('input[name="expiresOn"]', plusDays(-5));
  const [bad] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.click('main form button[type="submit"]'),
  ]);
  expect(bad.status()).toBe(400);
  await page.waitForLoadState("load");
  // The field names the problem (marked invalid, its message under it).
  expect(await page.getAttribute('input[name="expiresOn"]', "aria-invalid")).toBe("true");
  await page.fill('input[name="expiresOn"]', plusDays(365));
  await Promise.all([page.waitForURL(/submitted=1/), page.click('main form button[type="submit"]')]);
  expect(await page.textContent("main")).toContain(t.submitted);
  expect(await page.locator('[data-testid="permit-banner"]').textContent()).toContain(t.waiting);
  await checkAccessible(page, `my permit with a renewal waiting (${lang})`);
  await shoot(page, `${lang}-3-renewal-submitted`);

  // An admin confirms it from the queue.
  const admin = await signedIn("admin@passerelle.test", lang);
  await admin.page.goto(`${app.url}/admin`);
  await Promise.all([admin.page.waitForURL(/\/admin\/reverification/), admin.page.click(`a:has-text("${t.queue}")`)]);
  const card = admin.page.locator("article", { has: admin.page.locator(`a[href="/admin/members/${memberId}"]`) });
  expect(await card.locator('input[name="permitExpiresOn"]').inputValue()).toBe(plusDays(365));
  await checkAccessible(admin.page, `re-verification queue (${lang})`);
  await shoot(admin.page, `${lang}-4-admin-queue`);
  await card.locator('textarea[name="note"]').fill("Permis renouvelé au tableau de l'ordre, consulté aujourd'hui.");
  await Promise.all([admin.page.waitForURL(/confirmed=/), card.locator(`button:has-text("${t.confirm}")`).click()]);
  expect(await admin.page.locator('[role="status"]').first().textContent()).toContain(t.confirmed);
  await shoot(admin.page, `${lang}-5-admin-confirmed`);

  // Posting again.
  await page.goto(topicUrl);
  expect(await page.locator('[data-testid="permit-banner"]').count()).toBe(0);
  await page.fill("#reply-body", "Mon permis est renouvelé : merci pour ces conseils.");
  await Promise.all([page.waitForURL(/posted=1/), page.click(`button:has-text("${t.reply}")`)]);
  expect((await postsBy(memberId)).length).toBe(before + 1);
  await shoot(page, `${lang}-6-posting-again`);

  expect(member.problems.filter((p) => !/403/.test(p))).toEqual([]);
  expect(admin.problems).toEqual([]);
  await member.context.close();
  await admin.context.close();
}

describe("permit re-verification", () => {
  it("French, 390 px: a lapsed member reads with the banner, cannot post, renews; an admin confirms; she posts again", async () => {
    await walkThrough("membre@passerelle.test", "fr");
  }, 240_000);

  it("English, desktop: the same for another member", async () => {
    await walkThrough("mentor@passerelle.test", "en");
  }, 240_000);
});
