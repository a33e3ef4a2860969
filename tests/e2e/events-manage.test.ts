// Organisers in chromium: an organiser moves an event in French, typing the times like a
// person (end before start is refused with the field's message, nothing saved), and the
// registrant's mail carries the invitation again with a higher SEQUENCE (read by
// ical.js); after an event, a member answers the satisfaction survey without JavaScript
// and the organiser reads the results; the pages in English; axe clean throughout.
import ICAL from "ical.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCALE_COOKIE, type Locale } from "~/utils/i18n";
import { localeCookie } from "~/utils/locale.server";
import { expectAccessible, launchBrowser, memberIdByEmail, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";

let app: TestApp;
let browser: Browser;
const SHOTS = process.env.EVENTS_SHOTS_DIR;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const fr = (s: string) => s.replace(/ ([:;?!])/g, "\u00a0$1");

/** An event held by the admin (an organiser: admins hold every role), the member registered. */
async function eventWithMember(title: string, startsAt: Date) {
  const { db } = app.server.services;
  const admin = { user_id: await memberIdByEmail(app, "admin@passerelle.test") };
  const member = { user_id: await memberIdByEmail(app, "membre@passerelle.test") };
  return db.asSystem("test: an event the member is registered for", async (tx) => {
    const event = await tx
      .insertInto("events")
      .values({
        title,
        kind: "webinar",
        topics: [],
        starts_at: startsAt,
        duration_minutes: 60,
        audience: "public",
        capacity: 30,
        created_by: admin.user_id,
      })
      .returning(["id", "ics_sequence"])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("event_registrations")
      .values({ event_id: event.id, user_id: member.user_id, status: "registered", waitlist_position: null })
      .execute();
    return event;
  });
}

async function contextFor(locale: Locale, width: number, javaScriptEnabled = true) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: locale === "fr-CA" ? "fr-CA" : "en-CA",
    javaScriptEnabled,
  });
  const cookie = (await localeCookie.serialize(locale)).split(";")[0] ?? "";
  await context.addCookies([{ name: LOCALE_COOKIE, value: cookie.slice(cookie.indexOf("=") + 1), url: app.url }]);
  return context;
}

/** A time field as a person fills it: click it, type the hours then the minutes (24-hour locale). */
async function typeTime(page: Page, label: RegExp, hhmm: string) {
  const field = page.getByLabel(label, { exact: false });
  await field.click();
  await page.keyboard.type(hhmm.replace(":", ""), { delay: 60 });
  await expect.poll(() => field.inputValue()).toBe(hhmm);
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

describe("organisers", () => {
  it("moves an event in French (a bad end refused first); the registrant's invitation comes again with a higher SEQUENCE", async () => {
    const title = "Webinaire sur la buprénorphine injectable";
    // 15:00 UTC (10:00 or 11:00 in Toronto), 20 days ahead: the hour the test runs at must not
    // decide whether the stored event ends after midnight (the form's "ends the next day" box).
    const today = new Date();
    const startsAt = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 20, 15, 0));
    const event = await eventWithMember(title, startsAt);
    const context = await contextFor("fr-CA", 1280);
    const page = await context.newPage();
    const errors = watchConsole(page);
    await signInWithForm(page, app.url, "admin@passerelle.test");
    await page.goto(`${app.url}/events/${event.id}`);
    await Promise.all([page.waitForURL(`**/events/${event.id}/edit`), page.getByRole("link", { name: "Modifier", exact: true }).click()]);
    await expectAccessible(page, "edit page fr");

    expect(await page.getByLabel("Se termine le lendemain (après minuit)").isChecked()).toBe(false);
    // End before start: the field says so and nothing is saved.
    await typeTime(page, /^Début/, "15:00");
    await typeTime(page, /^Fin/, "14:00");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await expect
      .poll(
        () =>
          page
            .locator("#ed-end-error")
            .textContent()
            .catch(() => null),
        { timeout: 30_000 },
      )
      .toBe(fr("La fin doit être après le début."));
    expect(await page.getByLabel(/^Fin/).getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "edit page fr, refused");
    await shot(page, "edit-1280-refused");
    const unchanged = await app.server.services.db.asSystem("test: the event after the refusal", (tx) =>
      tx.selectFrom("events").select(["starts_at", "ics_sequence"]).where("id", "=", event.id).executeTakeFirstOrThrow(),
    );
    expect(new Date(unchanged.starts_at).toISOString()).toBe(startsAt.toISOString());
    expect(unchanged.ics_sequence).toBe(event.ics_sequence);

    await typeTime(page, /^Fin/, "16:30");
    await Promise.all([page.waitForURL(/done=updated/, { timeout: 30_000 }), page.getByRole("button", { name: "Enregistrer" }).click()]);
    expect(await page.locator(".alert--success").textContent()).toContain("Événement enregistré");

    // The member's mail: same UID, SEQUENCE up, the new start (15:00 in Toronto).
    const mail = await app.server.services.db.asSystem("test: the change mail", (tx) =>
      tx
        .selectFrom("outbox")
        .select(["attachments", "subject"])
        .where("to_email", "=", "membre@passerelle.test")
        .where("kind", "=", "event_changed")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow(),
    );
    const cal = new ICAL.Component(ICAL.parse(mail.attachments[0]?.content ?? ""));
    const vevent = new ICAL.Event(cal.getFirstSubcomponent("vevent") ?? undefined);
    expect(vevent.uid).toContain(event.id);
    expect(vevent.sequence).toBeGreaterThan(event.ics_sequence);
    expect(cal.getFirstPropertyValue("method")).toBe("REQUEST");
    const toronto = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    expect(toronto.format(vevent.startDate.toJSDate())).toBe("15:00");
    expect(toronto.format(vevent.endDate.toJSDate())).toBe("16:30");
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it("after the event: the member answers the survey without JavaScript; the organiser reads the results, in French and English", async () => {
    const title = "Rencontre des gestionnaires de février";
    const event = await eventWithMember(title, new Date(Date.now() - 3 * 3_600_000));
    // axe needs scripts: the pages are checked with JavaScript, then answered without it.
    const checking = await contextFor("fr-CA", 390);
    const checker = await checking.newPage();
    await signInWithForm(checker, app.url, "membre@passerelle.test");
    await checker.goto(`${app.url}/events/${event.id}/survey`);
    await expectAccessible(checker, "survey fr");
    await shot(checker, "survey-390");
    // The same session without JavaScript (one sign-in: the form limits attempts per address).
    const member = await browser.newContext({
      viewport: { width: 390, height: 900 },
      locale: "fr-CA",
      javaScriptEnabled: false,
      storageState: await checking.storageState(),
    });
    await checking.close();
    const page = await member.newPage();
    await page.goto(`${app.url}/events/${event.id}`);
    await Promise.all([
      page.waitForURL(`**/events/${event.id}/survey`),
      page.getByRole("link", { name: "Répondre au sondage de satisfaction" }).click(),
    ]);
    // Sent without a rating: the question says what is missing.
    await page.getByRole("button", { name: "Envoyer ma réponse" }).click();
    await expect
      .poll(
        () =>
          page
            .locator("#survey-rating-error")
            .textContent()
            .catch(() => null),
        { timeout: 30_000 },
      )
      .toBe("Choisissez une note de 1 à 5.");
    await page.getByLabel("4", { exact: true }).check();
    await page.getByLabel("Commentaire (facultatif)").pressSequentially("Très concret, merci aux personnes présentatrices.", { delay: 15 });
    await Promise.all([
      page.waitForURL(/done=survey/, { timeout: 30_000 }),
      page.getByRole("button", { name: "Envoyer ma réponse" }).click(),
    ]);
    expect(await page.locator(".alert--success").textContent()).toBe("Merci pour votre réponse au sondage.");
    // Once: the survey page now thanks her instead of asking again.
    await page.goto(`${app.url}/events/${event.id}/survey`);
    expect(await page.locator(".alert--info").textContent()).toContain("4 sur 5");
    await member.close();

    const context = await contextFor("fr-CA", 390);
    const organiser = await context.newPage();
    const errors = watchConsole(organiser);
    await signInWithForm(organiser, app.url, "admin@passerelle.test");
    for (const [locale, width] of [
      ["fr-CA", 390],
      ["en-CA", 1280],
    ] as const) {
      if (locale === "en-CA") {
        const cookie = (await localeCookie.serialize(locale)).split(";")[0] ?? "";
        await context.addCookies([{ name: LOCALE_COOKIE, value: cookie.slice(cookie.indexOf("=") + 1), url: app.url }]);
      }
      await organiser.setViewportSize({ width, height: 900 });
      await organiser.goto(`${app.url}/events/${event.id}/followup`);
      expect(await organiser.locator("h1").textContent()).toBe(locale === "fr-CA" ? "Suivi de l'événement" : "Event follow-up");
      expect(await organiser.locator("main").textContent()).toContain(
        locale === "fr-CA" ? "1 réponse, note moyenne de 4 sur 5." : "1 answer, average rating 4 out of 5.",
      );
      expect(await organiser.locator("main").textContent()).toContain("Très concret, merci aux personnes présentatrices.");
      if (locale === "en-CA") {
        // A plain http link is refused with the field's message.
        await organiser.getByLabel("Recording address").pressSequentially("http://video.example/replay", { delay: 15 });
        await organiser.getByRole("button", { name: "Save" }).click();
        await expect
          .poll(
            () =>
              organiser
                .locator("#fu-recording-error")
                .textContent()
                .catch(() => null),
            { timeout: 30_000 },
          )
          .toBe("Enter a full address starting with https://.");
        await organiser.getByLabel("Recording address").fill("");
        await organiser.getByLabel("Recording address").pressSequentially("https://video.example/replay", { delay: 15 });
        await Promise.all([
          organiser.waitForURL(/done=recording/, { timeout: 30_000 }),
          organiser.getByRole("button", { name: "Save" }).click(),
        ]);
        await organiser.goto(`${app.url}/events/${event.id}`);
        expect(await organiser.getByRole("link", { name: "Watch the recording" }).getAttribute("href")).toBe(
          "https://video.example/replay",
        );
        await organiser.goto(`${app.url}/events/${event.id}/followup`);
      }
      await expectAccessible(organiser, `follow-up ${locale} ${width}`);
      await shot(organiser, `followup-${locale}-${width}`);
    }
    const upcoming = await eventWithMember("English pass webinar", new Date(Date.now() + 30 * 86_400_000));
    await organiser.setViewportSize({ width: 390, height: 900 });
    await organiser.goto(`${app.url}/events/${upcoming.id}/edit`);
    expect(await organiser.locator("h1").textContent()).toBe("Edit the event");
    await expectAccessible(organiser, "edit page en 390");
    await shot(organiser, "edit-390-en");
    expect(errors).toEqual([]);
    await context.close();
  }, 480_000);
});
