// Events in chromium, French and English, axe clean: a member registers to a full
// event and lands on the waitlist, is moved up when the person holding the place
// cancels (the page says so and the mail carries an ICS that ical.js reads), and
// subscribes to the calendar feed, whose URL returns her registrations.
import ICAL from "ical.js";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unregisterFromEvent } from "~/modules/events/events.server";
import { LOCALE_COOKIE } from "~/utils/i18n";
import { localeCookie } from "~/utils/locale.server";
import { expectAccessible, launchBrowser, memberIdByEmail, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";

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

async function fullEvent(title: string) {
  const { db } = app.server.services;
  const admin = { user_id: await memberIdByEmail(app, "admin@passerelle.test") };
  return db.asSystem("test: a full event held by the admin", async (tx) => {
    const event = await tx
      .insertInto("events")
      .values({
        title,
        kind: "webinar",
        topics: ["safer_supply"],
        starts_at: new Date(Date.now() + 14 * 86_400_000),
        duration_minutes: 90,
        audience: "public",
        capacity: 1,
        created_by: admin.user_id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("event_registrations")
      .values({ event_id: event.id, user_id: admin.user_id, status: "registered", waitlist_position: null })
      .execute();
    return { id: event.id, adminId: admin.user_id };
  });
}

describe.each([["fr-CA"], ["en-CA"]] as const)("events in %s", (locale) => {
  it("full event → waitlist → moved up when a place frees; confirmation ICS; calendar feed", async () => {
    const fr = locale === "fr-CA";
    const title = fr ? "Webinaire complet sur la naloxone" : "Full naloxone webinar";
    const { id, adminId } = await fullEvent(title);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    // The language cookie as the app writes it (signed JSON): a bare "en-CA" is ignored and the page stays French,
    // which is why the English button was never found before.
    const cookie = (await localeCookie.serialize(locale)).split(";")[0] ?? "";
    await context.addCookies([{ name: LOCALE_COOKIE, value: cookie.slice(cookie.indexOf("=") + 1), url: app.url }]);
    const page = await context.newPage();
    const errors = watchConsole(page);
    // Mail goes out in the profile's language.
    await app.server.services.db.asSystem("test: the member's language", (tx) =>
      tx.updateTable("profiles").set({ locale }).where("display_name", "=", "Isabelle Gagnon").execute(),
    );
    await signInWithForm(page, app.url, "membre@passerelle.test");

    await page.goto(`${app.url}/events`);
    await expectAccessible(page, `events list ${locale}`);
    await page.getByRole("link", { name: title }).click();
    await page.waitForURL(`${app.url}/events/${id}`);
    await expectAccessible(page, `event page ${locale}`);
    await page
      .getByRole("button", {
        name: fr ? "Complet : m'inscrire sur la liste d'attente".replace(" :", "\u00a0:") : "Full: join the waitlist",
      })
      .click();
    await page.waitForURL(/done=waitlisted/);
    await expect.poll(() => page.locator(".alert--info").innerText()).toContain(fr ? "liste d'attente (rang 1)" : "waitlist (number 1)");

    // The person holding the place cancels: the member moves up and is told.
    const services = app.server.services;
    const admin = {
      claims: {
        sub: adminId,
        role: "authenticated" as const,
        aud: "authenticated" as const,
        email: "admin@passerelle.test",
        exp: Math.floor(Date.now() / 1000) + 600,
      },
      id: adminId,
      displayName: "Admin",
      verified: true,
      roles: ["admin" as const],
      locale: "fr-CA" as const,
    };
    const outcome = await unregisterFromEvent({ db: services.db, mail: services.mail, jobs: services.jobs, publicUrl: app.url }, admin, id);
    expect(outcome.ok).toBe(true);
    await page.reload();
    await expect.poll(() => page.locator(".alert--info").innerText()).toContain(fr ? "Vous êtes inscrit·e" : "You are registered");
    const mail = await services.db.asSystem("test: promotion mail", (tx) =>
      tx
        .selectFrom("outbox")
        .select(["attachments"])
        .where("to_email", "=", "membre@passerelle.test")
        .where("kind", "=", "event_promoted")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow(),
    );
    const vevent = new ICAL.Event(
      new ICAL.Component(ICAL.parse(mail.attachments[0]?.content ?? "")).getFirstSubcomponent("vevent") ?? undefined,
    );
    expect(vevent.summary).toBe(title);
    expect(vevent.uid).toContain(id);

    await page.goto(`${app.url}/events/calendar`);
    await expectAccessible(page, `calendar page ${locale}`);
    await page.getByRole("button", { name: fr ? /Créer|Remplacer/ : /Create|Replace/ }).click();
    const feedUrl = await page.locator("#calendar-url").inputValue();
    const feed = await page.request.get(feedUrl);
    expect(feed.status()).toBe(200);
    const summaries = new ICAL.Component(ICAL.parse(await feed.text()))
      .getAllSubcomponents("vevent")
      .map((c) => c.getFirstPropertyValue("summary"));
    expect(summaries).toContain(title);
    expect((await page.request.get(`${app.url}/calendar/${"x".repeat(43)}.ics`)).status()).toBe(404);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
