// /profile/privacy in chromium without JavaScript, in French and in English: a member
// changes a setting, exports their data and downloads the zip (contents checked),
// asks for deletion, cancels, asks again; the job queue is advanced past the grace
// period and the account is gone, while a thread they replied in still reads, from an
// "Ancien membre". Then, for an admin in French and in English: the privacy notice gets
// a new version and she is asked to accept it before going on (refusing by leaving the
// box unchecked first), withdraws an optional consent, and records a confidentiality
// incident (a bad date first, then a good entry). axe on every page state.
import { readFile } from "node:fs/promises";
import { strFromU8, unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessibleTwin, findMemberId, launchBrowser, signInWithForm, startTestApp, type TestApp, watchConsole } from "./helpers";

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
const idOf = (email: string) => findMemberId(app, email);

const checkAccessible = (page: Page, label: string) => expectAccessibleTwin(browser, page, label);

const SAVED: Record<string, string> = { settings: "settings", export: "export", deletion: "deletion", cancelDeletion: "cancelled" };

/** Posts one of the page's forms and waits for the page it redirects to (not the one already open). */
async function submit(page: Page, intent: string) {
  const saved = SAVED[intent];
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/profile/privacy" && u.searchParams.get("saved") === saved),
    page.click(`form:has(input[name="intent"][value="${intent}"]) button[type="submit"]`),
  ]);
  await page.waitForLoadState("load");
}

async function walkThrough(email: string, lang: "fr" | "en") {
  const t =
    lang === "fr"
      ? {
          title: "Confidentialité",
          saved: "Vos réglages ont été enregistrés.",
          download: "Télécharger l'archive",
          readme: "Vos données Passerelle",
          requested: "La suppression de votre compte est prévue",
          cancelled: "La suppression de votre compte est annulée.",
        }
      : {
          title: "Privacy",
          saved: "Your settings were saved.",
          download: "Download the archive",
          readme: "Your Passerelle data",
          requested: "Your account is set to be deleted on",
          cancelled: "The deletion of your account is cancelled.",
        };
  const memberId = await idOf(email);
  expect(memberId).not.toBeNull();
  const context = await browser.newContext({
    javaScriptEnabled: false,
    acceptDownloads: true,
    viewport: lang === "fr" ? { width: 390, height: 844 } : { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signInWithForm(page, app.url, email);
  await page.goto(`${app.url}/profile/privacy`);
  if (lang === "en") {
    // The header's language switch, a plain form: also the member's language for emails and the zip.
    await Promise.all([page.waitForURL(/\/profile\/privacy/), page.waitForLoadState("load"), page.click("form.lang-switch button")]);
  }
  expect(await page.textContent("h1")).toBe(t.title);
  // Most private by default: presence is off until the member turns it on.
  expect(await page.isChecked('input[name="presence"]')).toBe(false);
  await checkAccessible(page, `privacy page (${lang})`);

  // A setting changes and stays changed.
  await page.check('input[name="presence"]');
  await page.selectOption('select[name="emailDelay"]', "never");
  await submit(page, "settings");
  expect(await page.locator('[role="status"]').first().textContent()).toBe(t.saved);
  expect(await page.isChecked('input[name="presence"]')).toBe(true);
  expect(await page.inputValue('select[name="emailDelay"]')).toBe("never");

  // Export: the server's worker builds the zip; the link appears once it is ready.
  await submit(page, "export");
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.locator(`a:has-text("${t.download}")`).count();
      },
      { timeout: 30_000, interval: 300 },
    )
    .toBe(1);
  await checkAccessible(page, `privacy page with an export (${lang})`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`a:has-text("${t.download}")`)]);
  const zip = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  expect(strFromU8(zip["README.txt"]!)).toContain(t.readme);
  expect(JSON.parse(strFromU8(zip["accounts.json"]!)).account.email).toBe(email);
  expect(Object.keys(zip)).toEqual(expect.arrayContaining(["forums.json", "chat.json", "cases.json", "tools.json", "notifications.json"]));

  // Deletion: request, cancel, request again.
  await submit(page, "deletion");
  expect(await page.textContent("main")).toContain(t.requested);
  await checkAccessible(page, `privacy page with a pending deletion (${lang})`);
  await submit(page, "cancelDeletion");
  expect(await page.textContent("main")).toContain(t.cancelled);
  await submit(page, "deletion");
  expect(await page.textContent("main")).toContain(t.requested);

  // The grace period passes: the queue runs the erasure.
  await db().asSystem("test: the grace period passes", async (tx) => {
    const request = await tx
      .selectFrom("privacy_requests")
      .select("id")
      .where("user_id", "=", memberId!)
      .where("kind", "=", "deletion")
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow();
    await tx
      .updateTable("privacy_requests")
      .set({ due_at: new Date(Date.now() - 1000) })
      .where("id", "=", request.id)
      .execute();
    await tx
      .updateTable("jobs")
      .set({ run_at: new Date(Date.now() - 1000) })
      .where("key", "=", `privacy.erase:${request.id}`)
      .execute();
  });
  app.server.services.jobs.wake();
  await expect.poll(() => idOf(email), { timeout: 30_000, interval: 300 }).toBeNull();
  // The session ended with the account: the page now asks to sign in.
  await page.goto(`${app.url}/profile/privacy`);
  expect(page.url()).toContain("/login");
  expect(problems).toEqual([]);
  await context.close();
  return memberId!;
}

describe("privacy page", () => {
  it("in French, without JavaScript: setting, export and zip, deletion asked, cancelled, asked again, erased; the thread reads « Ancien membre »", async () => {
    const email = "membre@passerelle.test";
    const memberId = await idOf(email);
    // A thread the member replied in, that someone else also wrote in.
    const {
      rows: [thread],
    } = await db().asSystem("test: a thread of hers", (tx) =>
      sql<{ topic_id: number; post_number: number }>`
      select p.topic_id, p.post_number from public.forum_posts p join public.forum_topics t on t.id = p.topic_id
       where p.author_id = ${memberId}::uuid and p.deleted_at is null and p.status = 'published' and t.deleted_at is null
         and exists (select 1 from public.forum_posts o where o.topic_id = p.topic_id and o.author_id is distinct from p.author_id)
       order by p.id limit 1`.execute(tx),
    );
    expect(thread, "the demo data has a thread the member replied in").toBeDefined();
    await walkThrough(email, "fr");

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithForm(page, app.url, "mentor@passerelle.test");
    await page.goto(`${app.url}/forums/t/${thread!.topic_id}`);
    const post = page.locator(`#p-${thread!.post_number}`);
    expect(await post.textContent()).toContain("Ancien membre");
    await checkAccessible(page, "thread with a former member");
    await context.close();
  }, 180_000);

  it("in English, without JavaScript: the same flow for another member", async () => {
    await walkThrough("nouveau@passerelle.test", "en");
  }, 180_000);
});

/** French typography puts narrow no-break spaces before colons; compare words, not spaces. */
const words = (text: string | null) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

async function post(page: Page, button: string, until: (url: URL) => boolean) {
  await Promise.all([page.waitForURL(until), page.waitForLoadState("load"), page.click(button)]);
}

async function reconsentWithdrawAndRecord(lang: "fr" | "en") {
  const t =
    lang === "fr"
      ? {
          consentTitle: "Nouvelle version de nos conditions",
          required: "Cochez la case pour consentir à la nouvelle politique de confidentialité.",
          withdrawn: "Votre consentement est retiré : la fonction est désactivée.",
          notGiven: "Non accordé",
          withdrawnCell: "Retiré",
          incidentsTitle: "Registre des incidents de confidentialité",
          badDate: "Entrez une date réelle au format AAAA-MM-JJ.",
          recorded: "L'incident est consigné au registre.",
          officer: "Personne responsable de la protection des renseignements personnels",
        }
      : {
          consentTitle: "A new version of our notices",
          required: "Check the box to consent to the new privacy policy.",
          withdrawn: "Your consent is withdrawn: the feature is off.",
          notGiven: "Not given",
          withdrawnCell: "Withdrawn",
          incidentsTitle: "Confidentiality incident register",
          badDate: "Enter a real date as YYYY-MM-DD.",
          recorded: "The incident is recorded in the register.",
          officer: "Person in charge of the protection of personal information",
        };
  const email = "admin@passerelle.test";
  const adminId = (await idOf(email))!;
  // The notice she accepted is older than the current one.
  await db().asSystem("test: an older notice accepted", (tx) =>
    tx.insertInto("consents").values({ user_id: adminId, kind: "privacy", version: "2020-01-01", granted: true }).execute(),
  );
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: lang === "fr" ? { width: 390, height: 844 } : { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signInWithForm(page, app.url, email);
  // Asked first, whatever page she was going to.
  await page.goto(`${app.url}/forums`);
  expect(new URL(page.url()).pathname).toBe("/consent");
  if (lang === "en") await page.click("form.lang-switch button");
  await page.locator("h1", { hasText: t.consentTitle }).waitFor();
  expect(await page.textContent("main")).toContain(t.officer);
  await checkAccessible(page, `consent page (${lang})`);
  // Going on without accepting: the box is required, nothing recorded, still asked.
  await page.click('main form:has(input[name="redirectTo"]) button[type="submit"]');
  await page.getByText(t.required).first().waitFor();
  await checkAccessible(page, `consent page with an error (${lang})`);
  await page.check('input[name="acceptPrivacy"]');
  await post(page, 'main form:has(input[name="redirectTo"]) button[type="submit"]', (u) => u.pathname === "/forums");
  const latest = await db().asSystem("test: her latest privacy consent", (tx) =>
    tx
      .selectFrom("consents")
      .select(["version", "granted"])
      .where("user_id", "=", adminId)
      .where("kind", "=", "privacy")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow(),
  );
  expect(latest.granted).toBe(true);
  expect(latest.version).not.toBe("2020-01-01");

  // Withdrawing an optional consent, without JavaScript.
  await page.goto(`${app.url}/profile/privacy`);
  const consent = lang === "fr" ? "forum_emails" : "notification_emails";
  await post(
    page,
    `form:has(input[name="consent"][value="${consent}"]) button[type="submit"]`,
    (u) => u.searchParams.get("saved") === "withdrawn",
  );
  expect(words(await page.locator('[role="status"]').first().textContent())).toBe(t.withdrawn);
  expect(await page.locator(`form:has(input[name="consent"][value="${consent}"])`).count()).toBe(0);
  expect(await page.locator("#consents-title ~ .table-wrap tbody tr").first().textContent()).toContain(t.withdrawnCell);
  await checkAccessible(page, `privacy page after a withdrawal (${lang})`);

  // The incident register: a bad date is refused with its field message, what was typed stays; then recorded.
  await page.goto(`${app.url}/admin/incidents`);
  expect(await page.textContent("h1")).toBe(t.incidentsTitle);
  await checkAccessible(page, `incident register (${lang})`);
  const type = async (name: string, text: string) => {
    await page.locator(`[name="${name}"]`).fill("");
    await page.locator(`[name="${name}"]`).pressSequentially(text, { delay: 5 });
  };
  await type("description", "Rappel envoyé à la mauvaise liste");
  await type("circumstances", "Liste d'envoi mal choisie");
  await type("occurredFrom", "2026-02-31");
  await type("discoveredOn", "2026-11-21");
  await type("peopleCount", "12");
  await type("informationConcerned", "Nom et courriel");
  await page.selectOption('select[name="seriousRisk"]', "no");
  await type("riskAssessment", "Peu sensible");
  await type("measures", "Liste corrigée");
  const before = await db().asSystem("test: count incidents", (tx) => tx.selectFrom("privacy_incidents").select("id").execute());
  await page.click('form:has([name="measures"]) button[type="submit"]');
  await page.locator(".field__error", { hasText: t.badDate }).first().waitFor();
  expect(await page.inputValue('[name="description"]')).toBe("Rappel envoyé à la mauvaise liste");
  expect(await db().asSystem("test: count incidents", (tx) => tx.selectFrom("privacy_incidents").select("id").execute())).toHaveLength(
    before.length,
  );
  await checkAccessible(page, `incident register with an error (${lang})`);
  await type("occurredFrom", "2026-11-20");
  await post(page, 'form:has([name="measures"]) button[type="submit"]', (u) => u.searchParams.has("recorded"));
  expect(words(await page.locator('[role="status"]').first().textContent())).toBe(t.recorded);
  expect(await page.textContent("main")).toContain("Rappel envoyé à la mauvaise liste");
  await checkAccessible(page, `incident register with an entry (${lang})`);
  expect(problems).toEqual([]);
  await context.close();
}

describe("re-consent, optional consents and the incident register", () => {
  it("in French, without JavaScript, at 390 px", async () => {
    await reconsentWithdrawAndRecord("fr");
  }, 180_000);

  it("in English, without JavaScript, at 1280 px", async () => {
    await reconsentWithdrawAndRecord("en");
  }, 180_000);
});
