// The page frame on phones and on a laptop, in chromium: every page declares the
// viewport (else a phone draws a 980-pixel page at 40 %), passes axe (on a phone in the
// light scheme, on a desktop in the dark one), lines up its lists (rows level, cards not indented), styles its fields as the site's, and shows
// words rather than message keys; nothing scrolls sideways at 320 and 390 pixels, the
// header folds into a menu that opens without JavaScript, touch targets are 44 pixels on
// phones, the admin's navigation is one row at 1280 pixels, topic lists use the page's
// width, destructive actions are buttons, and the footer leads to the about, contact and
// accessibility pages in both languages; every page is titled in the visitor's language,
// before and after hydration.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, DEMO, signedIn } from "../security/helpers";
import { expectAccessible, launchBrowser, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";
import { MESSAGES } from "~/utils/i18n.server";
import { decodeEntities, visibleText } from "./page-text";
import { crawl, loadPageRoutes, type CrawledPage } from "./site-crawl";

let app: TestApp;
let browser: Browser;
const CONTACT = "equipe@passerelle.example";

beforeAll(async () => {
  app = await startTestApp({ CONTACT_EMAIL: CONTACT });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const VIEWPORT = /<meta name="viewport" content="width=device-width, initial-scale=1"\/?>/g;
// Pages no link leads to (they open from an email), and pages the demo has nothing for
// (no conversation, no case the crawler may edit): an unknown id still renders the page
// through the root document, which is what carries the viewport tag.
const NOBODY = "00000000-0000-4000-8000-000000000000";
const UNLINKED = [
  "/password/reset?token=abc",
  "/profile/email/confirm?token=abc",
  "/forums/unsubscribe?token=abc",
  "/notifications/unsubscribe?token=abc",
  "/forums/p/1/history",
  `/chat/${NOBODY}`,
  `/chat/${NOBODY}/members`,
  `/cases/${NOBODY}/edit`,
  // Pages reached only from a link the crawl cannot follow (a form's redirect, an emailed link, a role's page).
  "/mentoring/coordination",
  `/mentoring/mentors/${NOBODY}`,
  `/mentoring/pairings/${NOBODY}/sessions/${NOBODY}`,
  "/attestations/00000-00000-00000-00000",
  `/events/${NOBODY}/survey`,
  `/events/${NOBODY}/followup`,
  // Linked from an event's page only while its live room is open, and for its organisers.
  `/events/${NOBODY}/live`,
  `/events/${NOBODY}/attendance`,
  // Linked from the incident register, which is empty in the demo.
  "/admin/incidents/999999",
];

/** The one sign-in of the e2e suite (tests/e2e/helpers.ts), typing like a person. */
const signIn = (page: Page, email: string) => signInWithForm(page, app.url, email);

/**
 * Lists drawn wrong, by the lists they are in:
 * - items in a row (a flex or grid parent) that keep the block rhythm's top margin (base.css's
 *   li + li): every item but the first sits lower than the row;
 * - cards indented like a bulleted list's items.
 */
async function listLayoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const name = (list: Element | null) => `${list?.tagName.toLowerCase()}.${[...(list?.classList ?? [])].join(".")}`;
    const problems = [...document.querySelectorAll("li")]
      .filter((li) => li.getBoundingClientRect().width > 0 && li.parentElement)
      .flatMap((li) => {
        const parent = getComputedStyle(li.parentElement as Element);
        const inRow = (parent.display.includes("flex") && !parent.flexDirection.startsWith("column")) || parent.display.includes("grid");
        return [
          ...(inRow && parseFloat(getComputedStyle(li).marginTop) > 0 ? [`row item lowered in ${name(li.parentElement)}`] : []),
          ...(li.classList.contains("card") && parseFloat(parent.paddingInlineStart) > 0
            ? [`card indented in ${name(li.parentElement)}`]
            : []),
        ];
      });
    return [...new Set(problems)];
  });
}

/** A phone (under 48em) is emulated as one: touch, and the page's viewport tag decides the layout width. */
async function newPage(
  width: number,
  options: { javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const phone = width < 768;
  const context = await browser.newContext({
    viewport: { width, height: 800 },
    javaScriptEnabled: options.javaScript ?? true,
    isMobile: phone,
    hasTouch: phone,
  });
  const page = await context.newPage();
  return { context, page, problems: watchConsole(page) };
}

/** How far the page reaches past the right edge of a phone `width` pixels wide (0 when nothing scrolls sideways). */
function sidewaysOverflow(page: Page, width: number) {
  return page.evaluate((width) => {
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length > 0)
      .filter((el) => !el.closest(".table-wrap, pre, [data-scrolls]"))
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} right=${Math.round(el.getBoundingClientRect().right)}`);
    // Without a viewport tag a phone lays the page out 980 pixels wide: that counts too.
    return { overflow: Math.max(document.documentElement.scrollWidth, window.innerWidth) - width, culprits };
  }, width);
}

/** Buttons, fields and menu entries smaller than 44 pixels (links inside running text are exempt). */
function smallTargets(page: Page, scope: string) {
  return page.evaluate((scope) => {
    const selector = "a, button, input:not([type=hidden]), select, textarea, summary";
    return (
      [...document.querySelectorAll(`${scope} :is(${selector})`)]
        // checkVisibility: not inside a closed <details> (content-visibility), not hidden.
        .filter((el) => el.checkVisibility({ visibilityProperty: true }))
        .filter((el) => !el.closest("p, li.inline, .visually-hidden, .skip-link") || el.matches(".btn, button"))
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return box.height < 44 || box.width < 44;
        })
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${(el.textContent ?? "").trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().width)}×${Math.round(el.getBoundingClientRect().height)}`,
        )
    );
  }, scope);
}

describe("every page, crawled signed out and signed in", () => {
  let crawled: Map<string, CrawledPage[]>;
  const clients = new Map<string, Client>();

  beforeAll(async () => {
    const routes = await loadPageRoutes();
    crawled = new Map();
    for (const [who, client] of [
      ["signed out", new Client(app.url)],
      ["member", await signedIn(app.url, DEMO.membre)],
      ["mentor", await signedIn(app.url, DEMO.mentor)],
      ["admin", await signedIn(app.url, DEMO.admin)],
    ] as const) {
      crawled.set(who, await crawl(client, routes, UNLINKED));
      clients.set(who, client);
    }
    // /consent shows only to a member whose accepted notice is older than the current one
    // (every other page sends her there), so one such member reads it.
    const outdated = await signedIn(app.url, DEMO.nouveau);
    await app.server.services.db.asSystem("test: an older notice accepted", async (tx) => {
      const { id } = await tx.selectFrom("auth.users").select("id").where("email", "=", DEMO.nouveau).executeTakeFirstOrThrow();
      await tx.insertInto("consents").values({ user_id: id, kind: "privacy", version: "2020-01-01", granted: true }).execute();
    });
    crawled.set("member asked to consent again", await crawl(outdated, routes, ["/consent"]));
    clients.set("member asked to consent again", outdated);
  }, 180_000);

  it("styles every form field as the site's fields", () => {
    expect(unstyledFields('<textarea name="a"><select class="select"><input type="checkbox"><input class="x" name="b">')).toEqual([
      '<textarea name="a">',
      '<input class="x" name="b">',
    ]);
    for (const [who, visited] of crawled) for (const page of visited) expect(unstyledFields(page.body), `${who}: ${page.url}`).toEqual([]);
  });

  it("shows words, never a message key", () => {
    const keys = allMessageKeys();
    expect(keys.size).toBeGreaterThan(1000);
    // The detector finds a key where one is shown.
    expect(keysShown('<p>forums.post.quote</p><input placeholder="nav.account">', keys)).toEqual(["forums.post.quote", "nav.account"]);
    for (const [who, visited] of crawled)
      for (const page of visited) expect(keysShown(page.body, keys), `${who}: ${page.url} shows message keys`).toEqual([]);
  });

  // Every page route once, as the person with most rights who reaches it: on a phone in the light
  // scheme (where tables and long words overflow), on a desktop in the dark scheme (its contrasts).
  for (const screen of [
    { label: "390 light", options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: "light" } },
    { label: "1280 dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" } },
  ] as const) {
    it(`passes axe on every page route (${screen.label})`, async () => {
      const order = ["admin", "mentor", "member", "signed out", "member asked to consent again"];
      const seen = new Set<string>();
      for (const who of order) {
        const pages = (crawled.get(who) ?? []).filter((p) => p.status < 400 && !seen.has(p.routeId));
        if (pages.length === 0) continue;
        const context = await browser.newContext(screen.options);
        const cookies = [...(clients.get(who)?.jar ?? [])].map(([name, value]) => ({ name, value, url: app.url }));
        if (cookies.length) await context.addCookies(cookies);
        const page = await context.newPage();
        for (const crawledPage of pages) {
          seen.add(crawledPage.routeId);
          await page.goto(`${app.url}${crawledPage.url}`);
          await page.waitForFunction(() => "__remixRouter" in window);
          await expectAccessible(page, `${crawledPage.url} at ${screen.label} (${who})`);
          expect(await listLayoutProblems(page), `${crawledPage.url} at ${screen.label} (${who})`).toEqual([]);
        }
        await context.close();
      }
      expect(seen.size).toBeGreaterThan(50);
    }, 600_000);
  }

  it("declares the viewport once, in the head, on every page route and on error pages", async () => {
    const { pages } = await loadPageRoutes();
    const reached = new Set([...crawled.values()].flat().map((p) => p.routeId));
    // The crawl reaches every page of the build, so a new page is checked without a list to update.
    expect(
      pages.map((p) => p.id).filter((id) => !reached.has(id)),
      "pages no crawl reached",
    ).toEqual([]);
    for (const [who, visited] of crawled) {
      for (const page of visited) {
        expect(page.status, `${who}: ${page.url}`).toBeLessThan(500);
        expect(page.body.match(VIEWPORT)?.length ?? 0, `${who}: ${page.url} (${page.status})`).toBe(1);
        expect(page.body.indexOf('name="viewport"') < page.body.indexOf("</head>"), page.url).toBe(true);
      }
    }
    for (const url of ["/no-such-page", "/forums/t/999999", "/admin"]) {
      const res = await new Client(app.url).get(url);
      if (res.status >= 300 && res.status < 400) continue;
      expect(res.body.match(VIEWPORT)?.length ?? 0, `error page ${url} (${res.status})`).toBe(1);
    }
  });
});

const TEXT_INPUT = /^(text|email|password|number|date|time|datetime-local|month|week|search|url|tel)$/;

/** Form fields without the site's field styles (.input, .select): a browser's default box, unreadable in dark mode. */
function unstyledFields(body: string): string[] {
  const out: string[] = [];
  for (const [tag, kind, attributes = ""] of body.matchAll(/<(textarea|select|input)\b([^>]*)>/g)) {
    const classes = / class="([^"]*)"/.exec(attributes)?.[1]?.split(/\s+/) ?? [];
    const type = / type="([^"]*)"/.exec(attributes)?.[1] ?? "text";
    const wanted = kind === "select" ? "select" : kind === "textarea" || TEXT_INPUT.test(type) ? "input" : null;
    if (wanted && !classes.includes(wanted)) out.push(tag.slice(0, 120));
  }
  return out;
}

/** The document's title, entities decoded; null when the page has none in its head or more than one. */
function documentTitle(body: string): string | null {
  const head = body.slice(0, body.indexOf("</head>"));
  const titles = [...head.matchAll(/<title>([^<]*)<\/title>/g)];
  if (titles.length !== 1 || body.indexOf("<title>", head.length) !== -1) return null;
  return decodeEntities(titles[0]?.[1] ?? "");
}
/** A message's key shown instead of its words ("forums.title"). */
const MESSAGE_KEY = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_]+)+$/;

/** Every message key of the site (a plural's base key too: that is what shows when its forms are missing). */
function allMessageKeys(): Set<string> {
  const keys = new Set<string>();
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === "string") keys.add(prefix).add(prefix.replace(/_(zero|one|two|few|many|other)$/, ""));
    else if (value && typeof value === "object")
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
  };
  walk("", MESSAGES["fr-CA"]);
  return keys;
}

/**
 * Message keys a page shows instead of words: in its text and in the attributes people read
 * (labels, placeholders, tooltips, alternative text). Each page loads only its section's
 * messages, so a component that borrows words from another section would show their keys.
 */
function keysShown(body: string, keys: Set<string>): string[] {
  const read = body.replace(/\s(?:aria-label|placeholder|title|alt)="([^"]*)"/g, "> $1 <");
  return [...visibleText(read).matchAll(/[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+/g)].map((m) => m[0]).filter((word) => keys.has(word));
}

describe("every page speaks the visitor's language", () => {
  // The title is what a screen reader announces first and what names the tab: made by the routes'
  // meta functions from the same messages as the page, whether the root loader's data carries
  // them (a client-side navigation) or the page names its messages' file (a whole page).
  it("in French, on every page route the crawl reaches, signed out and signed in", async () => {
    const routes = await loadPageRoutes();
    for (const [who, client] of [
      ["signed out", new Client(app.url)],
      ["member", await signedIn(app.url, DEMO.membre)],
    ] as const) {
      for (const page of await crawl(client, routes, UNLINKED)) {
        const title = documentTitle(page.body);
        expect(title, `${who}: ${page.url} has one title in its head`).not.toBeNull();
        expect(title, `${who}: ${page.url}`).toMatch(/\S · Passerelle$/);
        expect(
          title?.split(" · ").filter((part) => MESSAGE_KEY.test(part)),
          `${who}: ${page.url}: ${title}`,
        ).toEqual([]);
      }
    }
    expect(documentTitle((await new Client(app.url).get("/tools")).body)).toBe("Bibliothèque d'outils cliniques · Passerelle");
    // Error pages too (the root's boundary makes their title, once).
    for (const url of ["/no-such-page", "/forums/t/999999", "/tools/999999"])
      expect(documentTitle((await new Client(app.url).get(url)).body), url).toBe("Page introuvable · Passerelle");
  }, 180_000);

  it("in English, the same pages in English words, and no message key shown", async () => {
    const routes = await loadPageRoutes();
    const english = await signedIn(app.url, DEMO.membre);
    const keys = allMessageKeys();
    expect((await english.post("/lang", { locale: "en-CA", redirectTo: "/" })).status).toBe(302);
    const french = new Set<string>();
    const pages = await crawl(english, routes, UNLINKED);
    // The same pages as a member reading in French: English takes nothing away.
    const inFrench = await crawl(await signedIn(app.url, DEMO.membre), routes, UNLINKED);
    expect(pages.map((p) => p.routeId).sort()).toEqual(inFrench.map((p) => p.routeId).sort());
    for (const page of pages) {
      const title = documentTitle(page.body);
      expect(title, `${page.url} has one title in its head`).not.toBeNull();
      expect(
        title?.split(" · ").filter((part) => MESSAGE_KEY.test(part)),
        `${page.url}: ${title}`,
      ).toEqual([]);
      if (/[àâçéèêëîïôûùüÿœ]/i.test(title ?? "") && !/\/(forums\/t|tools|events|cases|chat)\//.test(page.url))
        french.add(`${page.url}: ${title}`);
      expect(keysShown(page.body, keys), `${page.url} shows message keys`).toEqual([]);
    }
    // Titles made of site words only (not a topic's or a tool's own title) are English.
    expect([...french]).toEqual([]);
    expect(documentTitle((await english.get("/cases")).body)).toBe("Clinical case discussions · Passerelle");
  }, 180_000);

  it("after hydration and after a client-side navigation to another section", async () => {
    const context = await browser.newContext({ locale: "fr-CA" });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${app.url}/tools`);
    await page.waitForFunction(() => "__remixRouter" in window);
    await expect.poll(() => page.title()).toBe("Bibliothèque d'outils cliniques · Passerelle");
    await page.locator('.site-nav a[href="/forums"]').first().click();
    await page.waitForURL(/\/forums$/);
    await expect.poll(() => page.title(), { timeout: 30_000 }).toBe("Forums · Passerelle");
    await page.goBack();
    await expect.poll(() => page.title(), { timeout: 30_000 }).toBe("Bibliothèque d'outils cliniques · Passerelle");
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

describe("phones", () => {
  const signedOutPages = [
    "/",
    "/forums",
    "/forums/latest",
    "/forums/c/bienvenue",
    "/forums/t/1",
    "/tools",
    "/search?q=naloxone",
    "/login",
    "/signup",
    "/password/forgot",
    "/privacy",
    "/terms",
    "/about",
    "/contact",
    "/accessibility",
    "/no-such-page",
  ];
  const adminPages = [
    ...signedOutPages.filter((p) => !["/login", "/signup", "/password/forgot"].includes(p)),
    "/cases",
    "/cases/new",
    "/cases/review",
    "/chat",
    "/chat/channels",
    "/chat/new",
    "/members",
    "/profile",
    "/notifications",
    "/vouch",
    "/admin",
    "/admin/audit",
    "/forums/moderation",
    "/forums/manage",
    "/forums/bookmarks",
    "/tools/curation",
    "/tools/new",
    "/tools/suggest",
    "/dev/mailbox",
  ];

  for (const [who, email, list] of [
    ["signed out", null, signedOutPages],
    ["admin", DEMO.admin, adminPages],
  ] as const) {
    it(`nothing scrolls sideways at 320 and 390 pixels and header targets are 44 pixels (${who})`, async () => {
      const { context, page, problems } = await newPage(390);
      if (email) await signIn(page, email);
      // A tool and a case, found as a visitor finds them.
      await page.goto(`${app.url}/tools`);
      const tool = await page.locator('main a[href^="/tools/"][href*="-"]').first().getAttribute("href");
      const urls: string[] = [...list, ...(tool ? [tool] : [])];
      if (email) {
        await page.goto(`${app.url}/cases`);
        const aCase = await page.locator('main a[href^="/cases/"][href*="-"]').first().getAttribute("href");
        if (aCase) urls.push(aCase);
        // The coordination's tables and a request to assign (the admin holds every role).
        await page.goto(`${app.url}/mentoring/coordination`);
        const request = await page.locator('main a[href^="/mentoring/coordination/requests/"]').first().getAttribute("href");
        urls.push("/mentoring/coordination", ...(request ? [request] : []));
      }
      const failures: string[] = [];
      for (const url of urls) {
        await page.setViewportSize({ width: 390, height: 800 });
        await page.goto(`${app.url}${url}`);
        for (const width of [390, 320]) {
          await page.setViewportSize({ width, height: 800 });
          const { overflow, culprits } = await sidewaysOverflow(page, width);
          if (overflow > 0) failures.push(`${url} at ${width}px: ${overflow}px too wide (${culprits.join(", ")})`);
        }
        const small = await smallTargets(page, ".site-header");
        if (small.length > 0) failures.push(`${url}: header targets under 44px: ${small.join("; ")}`);
      }
      expect(failures).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    }, 600_000);
  }

  it("the header folds into a menu that opens without JavaScript", async () => {
    const { context, page } = await newPage(390, { javaScript: false });
    await page.goto(`${app.url}/forums`);
    const toggle = page.locator(".site-header summary", { hasText: "Menu" });
    expect(await toggle.isVisible()).toBe(true);
    // Folded: the header is one short row, the sections are behind the menu.
    expect((await page.locator(".site-header").boundingBox())?.height ?? 999).toBeLessThan(90);
    expect(await page.locator('.site-nav a:has-text("Outils")').isVisible()).toBe(false);
    await toggle.click();
    await expect.poll(() => page.locator('.site-nav a:has-text("Outils")').isVisible()).toBe(true);
    // The sign-out redirect re-renders the header after the URL changes: wait for it rather than read it once.
    await expect.poll(() => page.locator('.site-header a:has-text("Se connecter")').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('.site-header input[type="search"]').isVisible()).toBe(true);
    // Each entry is a full-width 44-pixel row.
    expect(await smallTargets(page, ".site-header")).toEqual([]);
    await Promise.all([page.waitForURL("**/tools"), page.locator('.site-nav a:has-text("Outils")').click()]);
    expect(await page.textContent("h1")).toContain("outils");
    await context.close();
  });

  it("with JavaScript the menu says whether it is open, closes on Escape and after a navigation, and returns focus", async () => {
    const { context, page, problems } = await newPage(390);
    await signIn(page, DEMO.admin);
    await page.goto(`${app.url}/forums`);
    await expectAccessible(page, "forums at 390 (menu closed)");
    const toggle = page.locator(".site-header summary", { hasText: "Menu" });
    await page.waitForFunction(() => document.querySelector(".site-header summary")?.getAttribute("aria-expanded") === "false");
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
    expect(await page.locator('.site-header a:has-text("Administration")').isVisible()).toBe(true);
    await expectAccessible(page, "forums at 390 (menu open)");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Escape");
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("SUMMARY");
    expect(await page.locator('.site-header a:has-text("Administration")').isVisible()).toBe(false);
    // A client-side navigation from the menu folds it again.
    await toggle.click();
    await Promise.all([page.waitForURL("**/tools"), page.locator('.site-nav a:has-text("Outils")').click()]);
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator('.site-nav a:has-text("Outils")').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("buttons in the page are 44 pixels on phones, and destructive actions are buttons", async () => {
    const { context, page, problems } = await newPage(390);
    await signIn(page, DEMO.admin);
    await page.goto(`${app.url}/forums/t/1`);
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("main .btn, main summary")]
        .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().height < 44)
        .map((el) => `${(el.textContent ?? "").trim()} ${Math.round(el.getBoundingClientRect().height)}`),
    );
    expect(small).toEqual([]);
    // "Supprimer" opens its confirmation from a danger button, like every other delete.
    const deleteOpeners = page.locator("main .post__actions summary", { hasText: "Supprimer" });
    expect(await deleteOpeners.count()).toBeGreaterThan(0);
    for (const opener of await deleteOpeners.all()) expect(await opener.getAttribute("class")).toMatch(/\bbtn\b.*\bbtn--danger\b/);
    const bareLinks = await page.evaluate(
      () =>
        [...document.querySelectorAll("main a, main summary")].filter(
          (el) => /^(Supprimer|Delete)/.test((el.textContent ?? "").trim()) && !el.classList.contains("btn"),
        ).length,
    );
    expect(bareLinks).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("a laptop at 1280 pixels", () => {
  it("the admin's navigation is one row, in French and in English", async () => {
    const { context, page, problems } = await newPage(1280);
    await signIn(page, DEMO.admin);
    for (const language of ["fr", "en"]) {
      await page.goto(`${app.url}/forums`);
      const tops = await page
        .locator(".site-nav .site-nav__link")
        .evaluateAll((links) => links.map((a) => Math.round(a.getBoundingClientRect().top)));
      expect(tops.length, language).toBeGreaterThanOrEqual(6);
      expect(new Set(tops).size, `${language}: nav rows ${tops.join(",")}`).toBe(1);
      // Every entry the admin had is still one click or two away: profile, sponsorship, administration, mailbox.
      for (const href of ["/profile", "/vouch", "/admin", "/dev/mailbox", "/notifications"]) {
        expect(await page.locator(`.site-header a[href="${href}"]`).count(), `${language}: ${href}`).toBe(1);
      }
      expect(await page.locator(".site-header summary", { hasText: /^Menu$/ }).isVisible()).toBe(false);
      await expectAccessible(page, `forums at 1280 (${language})`);
      if (language === "fr") {
        await Promise.all([
          page.waitForFunction(() => document.documentElement.lang === "en-CA"),
          page.locator('.site-header button:has-text("English")').click(),
        ]);
      }
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the account menu opens, closes on Escape and signs out (with and without JavaScript)", async () => {
    for (const javaScript of [true, false]) {
      const { context, page } = await newPage(1280, { javaScript });
      await signIn(page, DEMO.admin);
      await page.goto(`${app.url}/tools`);
      const account = page.locator(".account-menu summary");
      expect(await page.locator('.account-menu a[href="/admin"]').isVisible()).toBe(false);
      await account.click();
      await expect.poll(() => page.locator('.account-menu a[href="/admin"]').isVisible()).toBe(true);
      if (javaScript) {
        await expect.poll(() => account.getAttribute("aria-expanded")).toBe("true");
        await page.keyboard.press("Escape");
        await expect.poll(() => account.getAttribute("aria-expanded")).toBe("false");
        await account.click();
      }
      await Promise.all([page.waitForURL(`${app.url}/`), page.locator('.account-menu button:has-text("Se déconnecter")').click()]);
      // The sign-out redirect re-renders the header after the URL changes: wait for it rather than read it once.
      await expect.poll(() => page.locator('.site-header a:has-text("Se connecter")').isVisible(), { timeout: 30_000 }).toBe(true);
      await context.close();
    }
  });

  it("topic lists use the width of the page", async () => {
    const { context, page } = await newPage(1280);
    for (const url of ["/forums/latest", "/forums/c/bienvenue"]) {
      await page.goto(`${app.url}${url}`);
      const [list, main] = await Promise.all([
        page.locator(".topic-list > li").first().boundingBox(),
        page.locator("main .container").first().boundingBox(),
      ]);
      expect((list?.width ?? 0) / ((main?.width ?? 1) - 64), url).toBeGreaterThan(0.95);
    }
    await context.close();
  });
});

describe("about, contact and accessibility", () => {
  it("the footer leads to each page, in French and in English, with the team's address", async () => {
    const { context, page, problems } = await newPage(1280);
    const pages = [
      { fr: "À propos", en: "About", path: "/about", h1: { fr: "À propos de Passerelle", en: "About Passerelle" } },
      { fr: "Nous joindre", en: "Contact us", path: "/contact", h1: { fr: "Nous joindre", en: "Contact us" } },
      { fr: "Accessibilité", en: "Accessibility", path: "/accessibility", h1: { fr: "Accessibilité", en: "Accessibility" } },
    ];
    for (const language of ["fr", "en"] as const) {
      for (const target of pages) {
        await page.goto(app.url);
        await Promise.all([page.waitForURL(`**${target.path}`), page.locator(`footer a:has-text("${target[language]}")`).click()]);
        expect(await page.textContent("h1")).toBe(target.h1[language]);
        await expectAccessible(page, `${target.path} (${language})`);
      }
      expect(await page.locator(`main a[href="mailto:${CONTACT}"]`).count()).toBeGreaterThan(0);
      await page.goto(`${app.url}/contact`);
      expect(await page.locator(`main a[href="mailto:${CONTACT}"]`).count()).toBeGreaterThan(0);
      if (language === "fr") {
        await Promise.all([
          page.waitForFunction(() => document.documentElement.lang === "en-CA"),
          page.locator('.site-header button:has-text("English")').click(),
        ]);
      }
    }
    await page.goto(`${app.url}/accessibility`);
    expect(await page.textContent("main")).toMatch(/\(WCAG\) 2\.1, level AA/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
