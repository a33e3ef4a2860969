// Speakers as hosts and the attendance export, in chromium, French and English, axe on
// every page. The organiser reaches an event's edit page from /events/manage, adds two
// speakers (an unknown account's email is refused on its row, nothing saved), one of
// them linked to the demo mentor's account; the mentor, not registered, enters the
// live room as a moderator (the Jitsi token says so) and marks a question answered.
// After an event, the organiser goes from /events/manage to its attendance, downloads
// the CSV (read back with csv-parse: BOM, headers in her language, escaping) and a
// member who is not an organiser gets a 403 for it; the organiser uploads slides on
// the follow-up page without JavaScript and a reader downloads them from the event.
import { parse } from "csv-parse/sync";
import { decodeJwt } from "jose";
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCALE_COOKIE, type Locale } from "~/utils/i18n";
import { localeCookie } from "~/utils/locale.server";
import { fixtures } from "../fixtures/tools";
import { fakeJitsiState, installFakeJitsi } from "./fake-jitsi";
import { expectAccessible, launchBrowser, memberIdByEmail, signInWithForm, startTestApp, type TestApp, watchConsole } from "./helpers";

let app: TestApp;
let browser: Browser;
const SHOTS = process.env.EVENTS_SHOTS_DIR;

beforeAll(async () => {
  app = await startTestApp({ JITSI_DOMAIN: "meet.example.org", JITSI_APP_ID: "passerelle", JITSI_APP_SECRET: "s".repeat(40) });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const db = () => app.server.services.db;
const fr = (s: string) => s.replace(/ ([:;?!])/g, "\u00a0$1");
const userId = (email: string) => memberIdByEmail(app, email);
/** An event starting at a whole minute (`minutesFromNow`), the demo member registered. */
async function eventWithMember(title: string, minutesFromNow: number): Promise<string> {
  const member = await userId("membre@passerelle.test");
  const admin = await userId("admin@passerelle.test");
  const startsAt = new Date(Math.floor((Date.now() + minutesFromNow * 60_000) / 60_000) * 60_000);
  return db().asSystem("test: an event", async (tx) => {
    const { id } = await tx
      .insertInto("events")
      .values({ title, kind: "webinar", topics: [], starts_at: startsAt, duration_minutes: 60, audience: "public", created_by: admin })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("event_registrations")
      .values({ event_id: id, user_id: member, status: "registered", waitlist_position: null })
      .execute();
    return id;
  });
}

type Session = Awaited<ReturnType<BrowserContext["storageState"]>>;
const sessions = new Map<string, Session>();

async function contextFor(locale: Locale, width: number, javaScriptEnabled = true, storageState?: Session): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale,
    javaScriptEnabled,
    acceptDownloads: true,
    storageState,
  });
  const cookie = (await localeCookie.serialize(locale)).split(";")[0] ?? "";
  await context.addCookies([{ name: LOCALE_COOKIE, value: cookie.slice(cookie.indexOf("=") + 1), url: app.url }]);
  await installFakeJitsi(context);
  return context;
}
/**
 * A page signed in as this demo account: through the form the first time, then with
 * the session kept (the sign-in form allows a few attempts per minute and address).
 */
async function signedIn(email: string, locale: Locale, width: number, javaScriptEnabled = true) {
  const known = sessions.get(email);
  const context = await contextFor(locale, width, javaScriptEnabled, known);
  const page = await context.newPage();
  if (!known) {
    await signInWithForm(page, app.url, email);
    sessions.set(email, await context.storageState());
  }
  return { context, page };
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

describe("speakers host the live room", () => {
  it("in French: the organiser links the mentor as a speaker from /events/manage; the mentor moderates and answers", async () => {
    const title = "Webinaire : sevrage de l'alcool en région";
    const eventId = await eventWithMember(title, 5);
    const { context, page } = await signedIn("admin@passerelle.test", "fr-CA", 1280);
    const errors = watchConsole(page);
    await page.goto(`${app.url}/events/manage`);
    await expectAccessible(page, "manage fr");
    await shot(page, "manage-1280-fr");
    await Promise.all([
      page.waitForURL(`**/events/${eventId}/edit`),
      page.getByRole("link", { name: `Modifier · ${title}`, exact: true }).click(),
    ]);
    await page.getByRole("group", { name: "Personnes conférencières" }).waitFor();
    await page.locator("#ed-speaker-0-name").pressSequentially("Dre Mentore Demo", { delay: 10 });
    await page.locator("#ed-speaker-0-affiliation").pressSequentially("CIUSSS du Centre-Sud", { delay: 10 });
    await page.locator("#ed-speaker-0-email").pressSequentially("mentor@passerelle.test", { delay: 10 });
    await page.locator("#ed-speaker-1-name").pressSequentially("Invité sans compte", { delay: 10 });
    await page.locator("#ed-speaker-1-email").pressSequentially("personne@nulle-part.example", { delay: 10 });
    await page.getByRole("button", { name: "Enregistrer" }).click();
    // The unknown account is refused on its row; nothing is saved.
    await expect
      .poll(
        () =>
          page
            .locator("#ed-speaker-1-email-error")
            .textContent()
            .catch(() => null),
        { timeout: 30_000 },
      )
      .toContain("Aucun compte membre n'utilise cette adresse.");
    expect(await page.locator("#ed-speaker-1-email").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#ed-speaker-0-email").inputValue()).toBe("mentor@passerelle.test");
    await expectAccessible(page, "edit speakers fr, refused");
    await shot(page, "edit-speakers-1280-refused");
    const none = await db().asSystem("test: speakers", (tx) =>
      tx.selectFrom("event_speakers").select("id").where("event_id", "=", eventId).execute(),
    );
    expect(none).toEqual([]);

    await page.locator("#ed-speaker-1-email").fill("");
    await Promise.all([page.waitForURL(/done=updated/, { timeout: 30_000 }), page.getByRole("button", { name: "Enregistrer" }).click()]);
    const speakers = page.getByTestId("speakers");
    expect(await speakers.locator("li").allTextContents()).toEqual(["Dre Mentore Demo · CIUSSS du Centre-Sud", "Invité sans compte"]);
    await expectAccessible(page, "event page with speakers fr");
    expect(errors).toEqual([]);
    await context.close();

    // A question from the registered member, then the mentor (not registered) enters as a host.
    const memberId = await userId("membre@passerelle.test");
    await db().asSystem("test: a question", (tx) =>
      tx
        .insertInto("event_questions")
        .values({ event_id: eventId, author_id: memberId, body: "Quel protocole de sevrage suivez-vous ?" })
        .execute(),
    );
    const { context: mentorContext, page: mentor } = await signedIn("mentor@passerelle.test", "fr-CA", 390);
    const mentorErrors = watchConsole(mentor);
    await mentor.goto(`${app.url}/events/${eventId}`);
    await mentor.getByText(fr("Vous êtes conférencière ou conférencier de cet événement : vous animez la salle en direct.")).waitFor();
    await shot(mentor, "event-speaker-390-fr");
    await Promise.all([mentor.waitForURL(/\/live$/), mentor.getByRole("link", { name: "Entrer dans la salle en direct" }).click()]);
    await mentor.getByText(fr("Vous animez cette salle"), { exact: false }).waitFor();
    await mentor.locator("[data-fake-jitsi]").waitFor({ timeout: 15_000 });
    const token = (await fakeJitsiState(mentor)).created[0]?.jwt ?? "";
    const claims = decodeJwt(token) as { moderator?: boolean; context?: { user?: { moderator?: boolean; affiliation?: string } } };
    expect(claims.moderator).toBe(true);
    expect(claims.context?.user).toMatchObject({ moderator: true, affiliation: "owner" });
    await expectAccessible(mentor, "live room as a speaker fr");
    await shot(mentor, "live-speaker-390-fr");
    await Promise.all([
      mentor.waitForURL(/#qa$/, { timeout: 30_000 }),
      mentor.getByRole("button", { name: "Marquer comme répondue" }).click(),
    ]);
    await expect
      .poll(() =>
        db()
          .asSystem("test: answered", (tx) =>
            tx.selectFrom("event_questions").select("answered_by").where("event_id", "=", eventId).executeTakeFirstOrThrow(),
          )
          .then((q) => q.answered_by),
      )
      .toBe(await userId("mentor@passerelle.test"));
    expect(mentorErrors).toEqual([]);
    await mentorContext.close();

    // The registered member is in the room too, but not as a moderator.
    const { context: memberContext, page: member } = await signedIn("membre@passerelle.test", "fr-CA", 1280);
    await member.goto(`${app.url}/events/${eventId}/live`);
    await member.locator("[data-fake-jitsi]").waitFor({ timeout: 15_000 });
    const memberToken = decodeJwt((await fakeJitsiState(member)).created[0]?.jwt ?? "") as { moderator?: boolean };
    expect(memberToken.moderator).toBe(false);
    expect(await member.getByRole("button", { name: "Marquer comme répondue" }).count()).toBe(0);
    await memberContext.close();
  }, 300_000);

  it("in English: the edit form's speaker rows and the room as a speaker", async () => {
    const title = "Webinar: harm reduction in remote regions";
    const eventId = await eventWithMember(title, 5);
    const mentorId = await userId("mentor@passerelle.test");
    await db().asSystem("test: a linked speaker", (tx) =>
      tx
        .insertInto("event_speakers")
        .values({ event_id: eventId, profile_id: mentorId, display_name: "Dr Mentor Demo", affiliation: "Nurse", position: 1 })
        .execute(),
    );
    const { context, page } = await signedIn("admin@passerelle.test", "en-CA", 390);
    const errors = watchConsole(page);
    await page.goto(`${app.url}/events/${eventId}/edit`);
    expect(await page.getByLabel("Email of their member account (optional)").first().inputValue()).toBe("mentor@passerelle.test");
    await expectAccessible(page, "edit speakers en");
    await shot(page, "edit-speakers-390-en");
    await context.close();
    const { context: mentorContext, page: mentor } = await signedIn("mentor@passerelle.test", "en-CA", 1280);
    await mentor.goto(`${app.url}/events/${eventId}/live`);
    await mentor.getByText("You host this room", { exact: false }).waitFor();
    await expectAccessible(mentor, "live room as a speaker en");
    await shot(mentor, "live-speaker-1280-en");
    expect(errors).toEqual([]);
    await mentorContext.close();
  }, 240_000);
});

describe("attendance export and slides", () => {
  it("the organiser downloads the attendance CSV from /events/manage (English and French); a member gets 403", async () => {
    const title = 'Past webinar, "quoted" title';
    const eventId = await eventWithMember(title, -180);
    const { context, page } = await signedIn("admin@passerelle.test", "en-CA", 1280);
    const errors = watchConsole(page);
    await page.goto(`${app.url}/events/manage`);
    await expectAccessible(page, "manage en");
    await shot(page, "manage-1280-en");
    await Promise.all([
      page.waitForURL(`**/events/${eventId}/attendance`),
      page.getByRole("link", { name: `Attendance · ${title}`, exact: true }).click(),
    ]);
    await expectAccessible(page, "attendance en");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export attendance (CSV)" }).click(),
    ]);
    const text = await readFile((await download.path()) ?? "", "utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(text, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      "Name",
      "Profession",
      "Region",
      "Registered (Eastern time)",
      "Minutes in the room",
      "Adjustment",
      "Eligible for the attestation",
    ]);
    expect(rows.slice(1).map((r) => [r[4], r[6]])).toEqual([["0", "No"]]);
    expect(errors).toEqual([]);

    await context.close();

    // In French: the same list with French headers and values.
    const { context: frenchContext } = await signedIn("admin@passerelle.test", "fr-CA", 390);
    const french = await frenchContext.request.get(`${app.url}/events/${eventId}/attendance.csv`);
    expect(french.status()).toBe(200);
    expect(french.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const frenchRows = parse(await french.text(), { bom: true }) as string[][];
    expect(frenchRows[0]?.slice(0, 3)).toEqual(["Nom", "Profession", "Région"]);
    expect(frenchRows.slice(1).map((r) => r[6])).toEqual(["Non"]);
    // The registration list: the same writer, the page's language, the member's row.
    const registrations = await frenchContext.request.get(`${app.url}/events/${eventId}/registrations.csv`);
    expect(registrations.status()).toBe(200);
    expect(registrations.headers()["cache-control"]).toBe("private, no-store");
    const registrationRows = parse(await registrations.text(), { bom: true }) as string[][];
    expect(registrationRows[0]).toEqual(["Nom", "Statut", "Rang", "Inscription"]);
    expect(registrationRows.length).toBe(2);
    expect(registrationRows[1]?.[2]).toBe("");
    await frenchContext.close();

    const { context: memberContext } = await signedIn("membre@passerelle.test", "fr-CA", 390);
    const refused = await memberContext.request.get(`${app.url}/events/${eventId}/attendance.csv`);
    expect(refused.status()).toBe(403);
    expect((await memberContext.request.get(`${app.url}/events/${eventId}/registrations.csv`)).status()).toBe(403);
    await memberContext.close();
  }, 240_000);

  it("in French without JavaScript: slides uploaded on the follow-up page, downloaded by a reader", async () => {
    const title = "Rencontre passée avec diapositives";
    const eventId = await eventWithMember(title, -180);
    // axe needs scripts: the page is checked with JavaScript, then used without it.
    const { context: checking, page: checker } = await signedIn("admin@passerelle.test", "fr-CA", 390);
    await checker.goto(`${app.url}/events/manage`);
    await Promise.all([
      checker.waitForURL(`**/events/${eventId}/followup`),
      checker.getByRole("link", { name: `Suivi · ${title}`, exact: true }).click(),
    ]);
    await expectAccessible(checker, "followup fr");
    await checking.close();
    const { context: organiser, page } = await signedIn("admin@passerelle.test", "fr-CA", 390, false);
    await page.goto(`${app.url}/events/${eventId}/followup`);
    // A file that is not an accepted type: refused on the file field.
    await page
      .getByLabel("Fichier", { exact: true })
      .setInputFiles({ name: "diapos.pdf", mimeType: "application/pdf", buffer: Buffer.from(fixtures.htmlAsPdf()) });
    await page.getByRole("button", { name: "Déposer les diapositives" }).click();
    await page.locator("#fu-slide-file-error").waitFor({ timeout: 30_000 });
    await page.getByLabel("Titre (facultatif)").fill("Diapositives de la rencontre");
    await page
      .getByLabel("Fichier", { exact: true })
      .setInputFiles({ name: "diapos.pdf", mimeType: "application/pdf", buffer: Buffer.from(fixtures.pdf()) });
    await Promise.all([
      page.waitForURL(/done=slides/, { timeout: 30_000 }),
      page.getByRole("button", { name: "Déposer les diapositives" }).click(),
    ]);
    await shot(page, "followup-390-fr");
    await organiser.close();

    const { context: reader, page: readerPage } = await signedIn("membre@passerelle.test", "fr-CA", 1280);
    await readerPage.goto(`${app.url}/events/${eventId}`);
    const link = readerPage.getByTestId("slides").getByRole("link", { name: "Diapositives de la rencontre" });
    const [download] = await Promise.all([readerPage.waitForEvent("download"), link.click()]);
    expect(new Uint8Array(await readFile((await download.path()) ?? ""))).toEqual(fixtures.pdf());
    await expectAccessible(readerPage, "event page with slides fr");
    await shot(readerPage, "event-slides-1280-fr");
    await reader.close();
  }, 240_000);

  it("in English: slides uploaded before the end are shown to hosts with a note, and to registrants only after the end", async () => {
    const eventId = await eventWithMember("Upcoming talk with early slides", 2 * 24 * 60);
    const { context: organiser, page } = await signedIn("admin@passerelle.test", "en-CA", 1280, false);
    await page.goto(`${app.url}/events/${eventId}/followup`);
    await page.getByLabel("Title (optional)").fill("Early slides");
    await page
      .getByLabel("File", { exact: true })
      .setInputFiles({ name: "early.pdf", mimeType: "application/pdf", buffer: Buffer.from(fixtures.pdf()) });
    await Promise.all([
      page.waitForURL(/done=slides/, { timeout: 30_000 }),
      page.getByRole("button", { name: "Upload the slides" }).click(),
    ]);
    await page.getByText("Visible to hosts only: published to participants when the event ends.").waitFor();
    await page.goto(`${app.url}/events/${eventId}`);
    await page.getByRole("heading", { level: 2, name: "Uploaded slides" }).waitFor();
    await page.getByTestId("slides").getByRole("link", { name: "Early slides" }).waitFor();
    await organiser.close();

    const { context: reader, page: readerPage } = await signedIn("membre@passerelle.test", "en-CA", 390);
    await readerPage.goto(`${app.url}/events/${eventId}`);
    await readerPage.getByRole("heading", { level: 1, name: "Upcoming talk with early slides" }).waitFor();
    expect(await readerPage.getByTestId("slides").count()).toBe(0);
    await expectAccessible(readerPage, "event page before the end, no slides (en)");
    // The event is over: the registrant reads them under "After the event".
    await db().asSystem("test: the talk is over", (tx) =>
      tx
        .updateTable("events")
        .set({ starts_at: new Date(Date.now() - 3 * 3_600_000) })
        .where("id", "=", eventId)
        .execute(),
    );
    await readerPage.reload();
    await readerPage.getByRole("heading", { level: 2, name: "After the event" }).waitFor();
    await readerPage.getByTestId("slides").getByRole("link", { name: "Early slides" }).waitFor();
    await expectAccessible(readerPage, "event page after the end, slides (en)");
    await reader.close();
  }, 240_000);
});
