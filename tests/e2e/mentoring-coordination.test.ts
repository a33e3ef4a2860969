// Mentoring coordination and session changes in chromium, axe on every page.
// French: the coordinator (the demo admin holds every role) opens the demo member's open
// request, which she allowed the coordination to hand over, sees the ranked mentors with
// their reasons and assigns the demo mentor; he accepts, writes in the pair's private
// conversation, and schedules a session. English: the member moves the session; both
// get the updated invitation (same UID, SEQUENCE 1, new time read by ical.js).
import ICAL from "ical.js";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

async function person(email: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signInWithForm(page, app.url, email);
  return { context, page, problems };
}

/** A Quebec calendar day some days ahead, as the date field wants it. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toLocaleDateString("en-CA", { timeZone: "America/Toronto" });
const outbox = (kind: string) =>
  app.server.services.db.asSystem("test: outbox", (tx) =>
    tx.selectFrom("outbox").select(["to_email", "attachments", "subject"]).where("kind", "=", kind).execute(),
  );

describe("mentoring coordination", () => {
  let workspace = "";

  it("the coordinator assigns a mentor with the reasons shown; the mentor accepts and writes in the pair's conversation (French)", async () => {
    const coordinator = await person("admin@passerelle.test");
    await coordinator.page.goto(`${app.url}/mentoring/coordination`);
    await expectAccessible(coordinator.page, "coordination with assignment links");
    await Promise.all([
      coordinator.page.waitForURL(/\/mentoring\/coordination\/requests\//),
      coordinator.page.getByRole("link", { name: "Assigner un mentor à Isabelle Gagnon" }).click(),
    ]);
    await coordinator.page.getByRole("heading", { level: 1, name: "Assigner un mentor à Isabelle Gagnon" }).waitFor();
    const card = coordinator.page.locator("li.card", { hasText: "Marc-André Lévesque" });
    expect(await card.textContent()).toContain("même discipline");
    await expectAccessible(coordinator.page, "assignment");
    // The request's own mentor (the admin) is not proposed.
    expect(await coordinator.page.locator("li.card").count()).toBe(1);
    await Promise.all([
      coordinator.page.waitForURL(/assigned=1/),
      card.getByRole("button", { name: "Confier la demande à Marc-André Lévesque" }).click(),
    ]);
    await coordinator.page.getByText("La demande est confiée au mentor choisi").waitFor();
    await expectAccessible(coordinator.page, "coordination after assigning");

    const mentor = await person("mentor@passerelle.test");
    await mentor.page.goto(`${app.url}/mentoring`);
    const request = mentor.page.locator("li.card", { hasText: "Organiser la garde infirmière" });
    await Promise.all([mentor.page.waitForURL(/\/mentoring\/pairings\//), request.getByRole("button", { name: "Accepter" }).click()]);
    workspace = mentor.page.url();
    await expectAccessible(mentor.page, "new pairing workspace");

    await Promise.all([mentor.page.waitForURL(/\/chat\//), mentor.page.getByRole("link", { name: "Ouvrir notre conversation" }).click()]);
    const composer = mentor.page.locator("textarea[id^='composer-']").first();
    await composer.click();
    await mentor.page.keyboard.type("Bonjour Isabelle, je prends le relais pour la garde infirmière.", { delay: 20 });
    await mentor.page.keyboard.press("Enter");
    await mentor.page.locator("main").getByText("je prends le relais").first().waitFor({ timeout: 20_000 });

    await mentor.page.goto(workspace);
    await mentor.page.fill("#new-session-date", inDays(3));
    await mentor.page.fill("#new-session-start", "10:00");
    await mentor.page.fill("#new-session-end", "11:00");
    await Promise.all([mentor.page.waitForURL(/done=session/), mentor.page.getByRole("button", { name: "Planifier la séance" }).click()]);
    expect((await outbox("mentoring.session")).map((m) => m.to_email).sort()).toEqual(["membre@passerelle.test", "mentor@passerelle.test"]);

    for (const who of [coordinator, mentor]) {
      expect(who.problems).toEqual([]);
      await who.context.close();
    }
  }, 300_000);

  it("the member moves the session in English; both get the updated invitation", async () => {
    const mentee = await person("membre@passerelle.test");
    await mentee.page.goto(workspace);
    await mentee.page.click('button:has-text("English")');
    await mentee.page.waitForFunction(() => document.documentElement.lang === "en-CA");
    await mentee.page.getByRole("heading", { name: "Pairing conversation" }).waitFor();
    const chat = await mentee.page.getByRole("link", { name: "Open our conversation" }).getAttribute("href");
    expect(chat).toMatch(/^\/chat\//);

    // The new session is the last card; its move form opens from its summary.
    const session = mentee.page.locator("#session li.card").last();
    await session.getByText("Move or cancel this session").click();
    const day = inDays(4);
    await session.getByLabel("Date").fill(day);
    await session.getByLabel("Start", { exact: true }).fill("14:30");
    await session.getByLabel("End", { exact: true }).fill("15:45");
    await expectAccessible(mentee.page, "move form (en)");
    await Promise.all([mentee.page.waitForURL(/done=reschedule/), session.getByRole("button", { name: "Move the session" }).click()]);
    await mentee.page.getByText("Session moved; the updated invitation is sent to both of you.").waitFor();
    await expectAccessible(mentee.page, "workspace after moving (en)");

    const moved = await outbox("mentoring.session-moved");
    expect(moved.map((m) => m.to_email).sort()).toEqual(["membre@passerelle.test", "mentor@passerelle.test"]);
    const first = await outbox("mentoring.session");
    const uid = (ics: string) => new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent") ?? undefined);
    const before = uid(first[0]?.attachments[0]?.content ?? "");
    const after = uid(moved[0]?.attachments[0]?.content ?? "");
    expect(after.uid).toBe(before.uid);
    expect(after.sequence).toBe(1);
    expect(after.startDate.toJSDate().toLocaleString("en-CA", { timeZone: "America/Toronto", hourCycle: "h23" })).toContain("14:30");
    expect(after.endDate.toJSDate().toLocaleString("en-CA", { timeZone: "America/Toronto", hourCycle: "h23" })).toContain("15:45");
    // The member's copy is in English (her language now).
    expect(moved.find((m) => m.to_email === "membre@passerelle.test")?.subject).toContain("Mentoring session moved");
    expect(mentee.problems).toEqual([]);
    await mentee.context.close();
  }, 180_000);
});
