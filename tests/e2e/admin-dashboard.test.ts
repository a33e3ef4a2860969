// The admin dashboard in chromium: the admin sees each figure as a chart (server-rendered
// SVG with an accessible name) and as a table, in French at 390 px and in English at
// desktop width, with JavaScript on (axe) and off (the charts are in the HTML); the page
// does not scroll sideways on a phone; a figure's CSV downloads with its figures; a member
// is refused. Screenshots go to /tmp.
import type { Browser, Page } from "playwright-core";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../security/helpers";
import { expectAccessible, launchBrowser, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const FIGURES = 8;

async function openAs(email: string, lang: "fr" | "en", options: { js: boolean; width: number }) {
  const context = await browser.newContext({
    javaScriptEnabled: options.js,
    viewport: { width: options.width, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signInWithForm(page, app.url, email);
  await page.goto(`${app.url}/admin`);
  if (((await page.getAttribute("html", "lang")) === "en-CA") !== (lang === "en")) {
    await Promise.all([page.waitForURL(/\/admin/), page.waitForLoadState("load"), page.click("form.lang-switch button")]);
    await page.waitForSelector(`html[lang="${lang === "fr" ? "fr-CA" : "en-CA"}"]`);
  }
  return { context, page, problems };
}

async function expectFigures(page: Page, text: { title: string; moderation: string; caption: string }) {
  expect(await page.locator("main h1").textContent()).toBeTruthy();
  expect(await page.locator("#dashboard-title").textContent()).toBe(text.title);
  expect(await page.locator("section[data-figure]").count()).toBe(FIGURES);
  // Every chart is an image with a name, and every figure has its table with a caption.
  const charts = page.locator('section[data-figure] svg[role="img"]');
  expect(await charts.count()).toBeGreaterThanOrEqual(6);
  for (const chart of await charts.all()) {
    const id = await chart.getAttribute("aria-labelledby");
    expect((await page.locator(`[id="${id}"]`).textContent())?.length).toBeGreaterThan(10);
  }
  expect(await page.locator('section[data-figure="moderation"] h2').textContent()).toBe(text.moderation);
  expect(await page.locator('section[data-figure="members-region"] caption').textContent()).toBe(text.caption);
  // The 18 health regions, as table rows and as chart rows.
  expect(await page.locator('section[data-figure="members-region"] tbody tr').count()).toBe(18);
  expect(await page.locator('section[data-figure="members-region"] svg .bar-chart__label').count()).toBe(18);
  expect(await page.locator('section[data-figure] th[scope="col"]').count()).toBeGreaterThan(FIGURES);
}

describe("admin dashboard", () => {
  it("shows charts and tables in French on a phone, without JavaScript, without sideways scroll", async () => {
    const { context, page, problems } = await openAs(DEMO.admin, "fr", { js: false, width: 390 });
    await expectFigures(page, {
      title: "Tableau de bord",
      moderation: "Modération des forums",
      caption: "Membres vérifiés par région à la fin de chaque mois",
    });
    // The old index's links to the other admin pages are still there.
    for (const href of ["/admin/audit", "/admin/jobs", "/admin/incidents", "/admin/reverification"])
      expect(await page.locator(`main a[href="${href}"]`).count()).toBe(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "/tmp/admin-dashboard-fr-390.png", fullPage: true });
    await page.locator('section[data-figure="moderation"]').screenshot({ path: "/tmp/admin-dashboard-fr-390-moderation.png" });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows them in English at desktop width, axe clean, and the CSV holds the table's figures", async () => {
    const { context, page, problems } = await openAs(DEMO.admin, "en", { js: true, width: 1280 });
    await expectFigures(page, {
      title: "Dashboard",
      moderation: "Forum moderation",
      caption: "Verified members by region at the end of each month",
    });
    await expectAccessible(page, "admin dashboard (en)");
    await page.screenshot({ path: "/tmp/admin-dashboard-en-1280.png", fullPage: true });
    await page.locator(".dashboard-grid").screenshot({ path: "/tmp/admin-dashboard-en-1280-grid.png" });

    const section = page.locator('section[data-figure="members-region"]');
    const [download] = await Promise.all([page.waitForEvent("download"), section.locator('a[href$="figure=members-region"]').click()]);
    const path = await download.path();
    const { readFile } = await import("node:fs/promises");
    const text = (await readFile(path, "utf8")).replace(/^\ufeff/, "");
    const rows = parse(text) as string[][];
    expect(rows[0]![0]).toBe("Region");
    expect(rows).toHaveLength(19);
    // The table's last column (this month) and the CSV's say the same, region by region.
    const tableRows = await section.locator("tbody tr").all();
    for (const [i, tr] of tableRows.entries()) {
      const name = (await tr.locator("th").textContent())!;
      const last = (await tr.locator("td").last().textContent())!.replace(/\s/g, "");
      expect(rows[i + 1]![0]).toBe(name);
      expect(rows[i + 1]!.at(-1)).toBe(last);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("refuses a member, page and CSV alike", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithForm(page, app.url, DEMO.membre);
    const response = await page.goto(`${app.url}/admin`);
    expect(response?.status()).toBe(403);
    expect(await page.locator("section[data-figure]").count()).toBe(0);
    const csv = await page.request.get(`${app.url}/admin/dashboard.csv?figure=queues`);
    expect(csv.status()).toBe(403);
    await context.close();
  });
});
