// The incident register's follow-up in chromium without JavaScript, in French (390 px) and
// in English (desktop): an admin opens an entry, records a notice dated before the incident
// was known (400, the field says why, nothing changed), then the real dates and measures;
// the register shows them; the CSV for the Commission downloads with a BOM and parses.
// Screenshots of each state at 390 px and at desktop width go to /tmp.
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectAccessibleTwin,
  launchBrowser,
  screenshotAtTwoWidths,
  signInWithForm,
  startTestApp,
  type TestApp,
  watchConsole,
} from "./helpers";

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

const db = () => app.server.services.db;

async function seedIncident(description: string) {
  const admin = await db().asSystem("test: admin id", (tx) =>
    tx.selectFrom("auth.users").select("id").where("email", "=", "admin@passerelle.test").executeTakeFirstOrThrow(),
  );
  const row = await db().asSystem("test: an incident recorded last month", (tx) =>
    tx
      .insertInto("privacy_incidents")
      .values({
        description,
        circumstances: "Une liste d'envoi mal choisie lors d'un rappel de webinaire.",
        occurred_from: "2026-11-20",
        discovered_on: "2026-11-21",
        people_count: 12,
        information_concerned: "Nom et adresse courriel",
        serious_risk: true,
        risk_assessment: "Adresses de personnes en traitement : sensibles.",
        measures: "Liste corrigée.",
        recorded_by: admin.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  return Number(row.id);
}

const checkAccessible = (page: Page, label: string) => expectAccessibleTwin(browser, page, label);

const shoot = (page: Page, name: string) => screenshotAtTwoWidths(page, `/tmp/incidents-${name}`);

async function walkThrough(lang: "fr" | "en") {
  const t =
    lang === "fr"
      ? {
          edit: "Inscrire les avis ou les mesures",
          order: "Un avis suit la date",
          updated: "L'incident est mis à jour",
          header: "Date de l'avis à la Commission",
          exportCsv: "Exporter le registre",
        }
      : {
          edit: "Record notices or measures",
          order: "A notice comes after",
          updated: "The incident is updated",
          header: "Date of the notice to the Commission",
          exportCsv: "Export the register",
        };
  const id = await seedIncident(lang === "fr" ? "Rappel envoyé à la mauvaise liste" : "Reminder sent to the wrong list");
  const context = await browser.newContext({
    javaScriptEnabled: false,
    acceptDownloads: true,
    viewport: lang === "fr" ? { width: 390, height: 844 } : { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signInWithForm(page, app.url, "admin@passerelle.test");
  await page.goto(`${app.url}/admin/incidents`);
  if ((lang === "en") !== ((await page.getAttribute("html", "lang")) === "en-CA")) {
    await Promise.all([page.waitForURL(/\/admin\/incidents/), page.waitForLoadState("load"), page.click("form.lang-switch button")]);
  }
  await shoot(page, `${lang}-1-register`);

  await Promise.all([page.waitForURL(new RegExp(`/admin/incidents/${id}$`)), page.click(`#incident-${id} a:has-text("${t.edit}")`)]);
  await checkAccessible(page, `incident edit (${lang})`);
  await page.fill('input[name="commissionNotifiedOn"]', "2026-11-15");
  const [bad] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.click('main form button[type="submit"]'),
  ]);
  expect(bad.status()).toBe(400);
  await page.waitForLoadState("load");
  expect(await page.getAttribute('input[name="commissionNotifiedOn"]', "aria-invalid")).toBe("true");
  expect(await page.textContent("main")).toContain(t.order);
  await shoot(page, `${lang}-2-edit-refused`);
  const unchanged = await db().asSystem("test: read back", (tx) =>
    tx.selectFrom("privacy_incidents").select("commission_notified_on").where("id", "=", id).executeTakeFirstOrThrow(),
  );
  expect(unchanged.commission_notified_on).toBeNull();

  await page.fill('input[name="commissionNotifiedOn"]', "2026-11-23");
  await page.fill('input[name="peopleNotifiedOn"]', "2026-11-24");
  await page.fill('textarea[name="measures"]', "Liste corrigée; avis envoyés aux personnes concernées.");
  await Promise.all([page.waitForURL(/updated=/), page.click('main form button[type="submit"]')]);
  expect(await page.locator('[role="status"]').first().textContent()).toContain(t.updated);
  expect(await page.textContent(`#incident-${id}`)).toContain("avis envoyés aux personnes concernées");
  await shoot(page, `${lang}-3-updated`);

  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`a:has-text("${t.exportCsv}")`)]);
  const bytes = await readFile((await download.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows: string[][] = parse(bytes.toString("utf8").slice(1));
  expect(rows[0]).toContain(t.header);
  const mine = rows.find((r) => r[0] === String(id))!;
  expect(mine[rows[0]!.indexOf(t.header)]).toBe("2026-11-23");
  expect(problems).toEqual([]);
  await context.close();
}

describe("incident register follow-up", () => {
  it("French, 390 px: notices and measures recorded after the entry, the CSV downloaded", async () => {
    await walkThrough("fr");
  }, 180_000);

  it("English, desktop: the same", async () => {
    await walkThrough("en");
  }, 180_000);
});
