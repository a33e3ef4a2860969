// The tools library in chromium (the journey an admin and a colleague make): an admin makes a colleague
// curator; the curator uploads a PDF guide and publishes it; a member finds it with an
// unaccented French query and a facet, bookmarks it, cites it in a forum post and sees
// the "cited in" link; a new version supersedes the first, which shows as superseded;
// an item past its review date carries the notice, in French and in English. axe-core
// runs on every page visited; the library also works without JavaScript.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures, makePdf } from "../fixtures/tools";
import { expectAccessible, launchBrowser, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The one sign-in of the e2e suite (tests/e2e/helpers.ts), typing like a person. */
const signIn = (page: Page, email: string, password?: string) => signInWithForm(page, app.url, email, password);

async function idOf(email: string): Promise<string> {
  const row = await app.server.services.db.asSystem("test: find account", (tx) =>
    tx.selectFrom("auth.users").select("id").where("email", "=", email).executeTakeFirstOrThrow(),
  );
  return row.id;
}

/**
 * Clicks, then waits for the address: with JavaScript, Remix navigates on the client
 * (history.pushState), which waitForURL does not always see after a form post.
 */
/** A click that lands while React is still hydrating can be lost: wait until the element carries React's props. */
async function whenHydrated(page: Page, selector: string) {
  await page
    .locator(selector)
    .first()
    .evaluate(
      (el) =>
        new Promise<void>((resolve) => {
          const hydrated = () => Object.keys(el).some((k) => k.startsWith("__reactProps$"));
          const check = () => (hydrated() ? resolve() : requestAnimationFrame(check));
          check();
        }),
    );
}

async function clickTo(page: Page, selector: string, url: RegExp) {
  await whenHydrated(page, selector);
  await page.click(selector);
  try {
    await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(url);
  } catch (error) {
    // Say where the page is stuck: an error message on it explains more than a timeout.
    const main = (await page.textContent("main").catch(() => "")) ?? "";
    throw new Error(`after clicking ${selector}, still at ${page.url()}: ${main.replace(/\s+/g, " ").slice(0, 600)}`, { cause: error });
  }
}

const STATUS_AFTER: Record<string, string> = { "Soumettre en révision": "En révision", Publier: "Publié" };
async function setStatus(page: Page, label: string) {
  await clickTo(page, `button:has-text("${label}")`, /\?done=status$/);
  // The address does not change between two status changes: wait for the new status.
  await expect.poll(() => page.textContent(".alert--success")).toContain(`maintenant\u00a0: ${STATUS_AFTER[label]}.`);
}

const GUIDE_TITLE = "Guide de prescription de la buprénorphine en région éloignée";

async function fillGuide(curator: Page) {
  await curator.fill('input[name="title"]', GUIDE_TITLE);
  await curator.selectOption('select[name="kind"]', "guide");
  await curator.fill('input[name="publisher"]', "CISSS de la Côte-Nord");
  await curator.fill('input[name="publishedOn"]', "2025-09");
  await curator.fill('input[name="versionLabel"]', "1re édition");
  await curator.fill(
    'textarea[name="summaryFr"]',
    "Les étapes d'une induction à la buprénorphine quand l'équipe est loin d'un centre spécialisé.",
  );
  await curator.fill(
    'textarea[name="summaryEn"]',
    "The steps of a buprenorphine induction when the team is far from a specialised centre.",
  );
  await curator.check('input[name="topics"][value="buprenorphine"]');
  await curator.check('input[name="disciplines"][value="infirmiere"]');
  await curator.fill('input[name="lastReviewedOn"]', "2026-09-01");
  await curator.fill('input[name="reviewDueOn"]', "2027-09-01");
}

describe("tools library journey", () => {
  it("upload → publish → find (unaccented, facet) → bookmark → cite → supersede → review notice", async () => {
    // An admin gives the mentor the curator role.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    const adminProblems = watchConsole(admin);
    await signIn(admin, "admin@passerelle.test");
    await admin.goto(`${app.url}/admin/members/${await idOf("mentor@passerelle.test")}`);
    await admin.check('input[name="roles"][value="curator"]');
    await clickTo(admin, 'button:has-text("Enregistrer les rôles")', /\?done=roles$/);

    // The curator adds a PDF guide.
    const curatorContext = await browser.newContext();
    const curator = await curatorContext.newPage();
    const curatorProblems = watchConsole(curator);
    await signIn(curator, "mentor@passerelle.test");
    await curator.goto(`${app.url}/tools`);
    await clickTo(curator, 'a:has-text("Ajouter un outil")', /\/tools\/new$/);
    await expectAccessible(curator, "new tool form");
    // A malicious file first: refused, with the message next to the field.
    await fillGuide(curator);
    await curator.setInputFiles('input[name="file"]', {
      name: "guide.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(fixtures.htmlAsPdf()),
    });
    await whenHydrated(curator, 'button:has-text("Créer le brouillon")');
    await curator.click('button:has-text("Créer le brouillon")');
    await expect.poll(() => curator.locator("#tool-file-error").isVisible()).toBe(true);
    expect(await curator.textContent("#tool-file-error")).toContain("Ce type de fichier n'est pas accepté");
    expect(await curator.getAttribute('input[name="file"]', "aria-invalid")).toBe("true");
    await expectAccessible(curator, "new tool form with a refused file");
    // The real PDF, from a fresh form (a browser cannot keep a chosen file across a refusal anyway).
    await curator.goto(`${app.url}/tools/new`);
    await fillGuide(curator);
    await curator.setInputFiles('input[name="file"]', {
      name: "guide-buprenorphine.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(makePdf(["Induction a la buprenorphine", "Suivi infirmier a distance en Cote-Nord"])),
    });
    await clickTo(curator, 'button:has-text("Créer le brouillon")', /\/tools\/[0-9a-f-]{36}\?done=created$/);
    const toolUrl = curator.url().split("?")[0] ?? "";
    // Client-side navigation: the URL changes as React commits the new page.
    await expect.poll(() => curator.textContent("h1")).toBe(GUIDE_TITLE);
    expect(await curator.textContent(".page-header")).toContain("Brouillon");
    await expectAccessible(curator, "draft item");
    await setStatus(curator, "Soumettre en révision");
    await setStatus(curator, "Publier");

    // A member finds it without accents, narrows with a facet, opens and bookmarks it.
    const memberContext = await browser.newContext();
    const member = await memberContext.newPage();
    const memberProblems = watchConsole(member);
    await signIn(member, "membre@passerelle.test");
    await member.goto(`${app.url}/tools`);
    await expectAccessible(member, "library");
    await member.fill('main input[name="q"]', "buprenorphine region eloignee");
    await member.selectOption('select[name="kind"]', "guide");
    await clickTo(member, 'main button:has-text("Rechercher")', /\/tools\?/);
    expect(new URL(member.url()).searchParams.get("kind")).toBe("guide");
    await expect
      .poll(() => member.textContent('main [role="status"]'))
      .toContain("1 outil pour «\u00a0buprenorphine region eloignee\u00a0»");
    await expectAccessible(member, "library results");
    await clickTo(member, `a:has-text("${GUIDE_TITLE}")`, new RegExp(`${toolUrl}$`));
    const fileHref = (await member.locator('a:has-text("Télécharger")').getAttribute("href")) ?? "";
    expect(fileHref).toMatch(/^\/files\/[0-9a-f-]{36}$/);
    await clickTo(member, 'button:has-text("Sauvegarder dans mes outils")', /\?done=bookmark$/);
    await expect.poll(() => member.textContent(".alert--success")).toContain("sauvegardé");
    await expectAccessible(member, "item (bookmarked)");
    await member.goto(`${app.url}/tools/mine`);
    expect(await member.textContent("main")).toContain(GUIDE_TITLE);
    await expectAccessible(member, "my tools");

    // The one search box lists it too, with a filter for tools.
    await member.goto(`${app.url}/search?q=${encodeURIComponent("buprenorphine eloignee")}&source=tool`);
    expect(await member.locator(`#tool-results-title + p + ul a[href="${new URL(toolUrl).pathname}"]`).count()).toBe(1);
    await expectAccessible(member, "site search (tools)");

    // The file downloads as an attachment.
    const response = await member.request.get(`${app.url}${fileHref}`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename="guide-buprenorphine.pdf"/);

    // The member cites it in a forum post, and the item shows where.
    await member.goto(`${app.url}/forums/c/tao/new`);
    await member.fill('input[name="title"]', "Induction à domicile : vos repères?");
    const body = `Ce guide m'a aidée pour une première induction : ${toolUrl}`;
    const textarea = member.locator('textarea[name="body"]');
    if (await textarea.isVisible()) await textarea.fill(body);
    else {
      await member.click(".ProseMirror");
      await member.keyboard.insertText(body);
    }
    await clickTo(member, 'button:has-text("Publier le sujet")', /\/forums\/t\//);
    await member.goto(toolUrl);
    const cited = member.locator('a:has-text("Discussion : Induction à domicile : vos repères?")');
    expect(await cited.count()).toBe(1);
    await clickTo(member, 'a:has-text("Discussion : Induction à domicile : vos repères?")', /\/forums\/t\//);

    // A new version: the first one stays readable, marked superseded.
    await curator.goto(toolUrl);
    await clickTo(curator, 'button:has-text("Créer une nouvelle version")', /\/edit\?version=1$/);
    await expectAccessible(curator, "new version form");
    await curator.fill('input[name="versionLabel"]', "2e édition");
    await curator.setInputFiles('input[name="file"]', {
      name: "guide-v2.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(makePdf(["Deuxieme edition"])),
    });
    await clickTo(curator, 'main button:has-text("Enregistrer")', /\?done=saved$/);
    await curator.locator(".alert--success").waitFor();
    await setStatus(curator, "Soumettre en révision");
    await setStatus(curator, "Publier");
    await member.goto(toolUrl);
    expect(await member.textContent(".tool-notice")).toContain("Version remplacée");
    expect(await member.textContent("main")).toContain("2e édition");
    await expectAccessible(member, "superseded item");
    await member.goto(`${app.url}/tools/mine`);
    expect(await member.textContent("main")).toContain("Une version plus récente existe");

    // An item past its review date (seeded: review was due 2025-06-30) carries the notice…
    await member.goto(`${app.url}/tools?q=pandemie`);
    expect(await member.textContent("main")).toContain("Révision en retard");
    await clickTo(member, ".tool-card .card__title a", /\/tools\/[0-9a-f-]{36}$/);
    await expect.poll(() => member.locator(".tool-notice").count()).toBe(1);
    expect(await member.textContent(".tool-notice")).toContain("Révision en retard");
    expect(await member.textContent(".tool-notice")).toContain("30 juin 2025");
    await expectAccessible(member, "past-due item");
    // …in English too.
    await whenHydrated(member, 'button:has-text("English")');
    await member.click('button:has-text("English")');
    await member.waitForFunction(() => document.documentElement.lang === "en-CA");
    expect(await member.textContent(".tool-notice")).toContain("Review overdue");
    expect(await member.textContent("main")).toContain("June 30, 2025");
    await expectAccessible(member, "past-due item (en)");
    await member.goto(`${app.url}/tools?q=buprenorphine`);
    expect(await member.textContent("h1")).toBe("Clinical tools library");
    await expectAccessible(member, "library (en)");

    // The curator's queue lists it as to review.
    await curator.goto(`${app.url}/tools/curation`);
    expect(await curator.textContent("main")).toContain("La pharmacothérapie de remplacement");
    await expectAccessible(curator, "curation");

    expect(adminProblems).toEqual([]);
    expect(curatorProblems).toEqual([]);
    expect(memberProblems).toEqual([]);
    await Promise.all([adminContext.close(), curatorContext.close(), memberContext.close()]);
  }, 180_000);

  it("searches, filters and bookmarks without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, "membre@passerelle.test");
    await page.goto(`${app.url}/tools`);
    await page.fill('main input[name="q"]', "sevrage opioides");
    await page.selectOption('select[name="kind"]', "form");
    await Promise.all([page.waitForURL("**/tools?*"), page.click('main button:has-text("Rechercher")')]);
    expect(await page.textContent('main [role="status"]')).toMatch(/outils? pour «\u00a0sevrage opioides\u00a0»/);
    await page.click(".tool-card .card__title a");
    await page.waitForURL("**/tools/*");
    await Promise.all([page.waitForURL("**?done=bookmark"), page.click('button:has-text("Sauvegarder dans mes outils")')]);
    expect(await page.textContent(".alert--success")).toContain("sauvegardé");
    await context.close();
  }, 60_000);

  it("a visitor goes from a tool card of the home page to the tool's page in the library", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    const card = page.locator('section[aria-labelledby="tools-title"] .card__title a').first();
    const title = (await card.textContent())?.trim() ?? "";
    expect(title).not.toBe("");
    await Promise.all([page.waitForURL(/\/tools\/[^/]+$/), card.click()]);
    expect((await page.textContent("h1"))?.trim()).toBe(title);
    await context.close();
  }, 60_000);
});
