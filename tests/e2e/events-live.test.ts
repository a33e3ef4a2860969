// An event's live room in chromium, French then English, axe on every page: the
// registered demo member enters the room (fake Jitsi; joined and left reported), asks a
// question typing like a person, which the host (an organiser) sees appear without
// reloading and marks answered, which the member sees live; a member who is not
// registered gets the refusal with a way to register; a question is posted without
// JavaScript; the organiser adjusts attendance (a missing reason is refused); once the
// event is over the member downloads the CPD attestation and the public page confirms
// its code. The event's chat sits beside the video: a message the member types there
// reaches the host's room live, beside the host's video frame; the link to the full chat
// still leads there; without JavaScript the room shows the recent messages and its plain
// form posts one and comes back to the room. At 390 px the room (video, chat, Q&A)
// scrolls only downwards (screenshots in test-results/).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJitsiEmit, fakeJitsiState, installFakeJitsi } from "./fake-jitsi";
import { expectAccessible, launchBrowser, memberIdByEmail, signInWithForm, startTestApp, type TestApp, watchConsole } from "./helpers";

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp({ JITSI_DOMAIN: "meet.example.org" });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const db = () => app.server.services.db;
const userId = (email: string) => memberIdByEmail(app, email);
/** A webinar that started five minutes ago, the demo member registered. */
async function liveEvent(title: string): Promise<string> {
  const member = await userId("membre@passerelle.test");
  return db().asSystem("test: a live webinar", async (tx) => {
    const { id } = await tx
      .insertInto("events")
      .values({
        title,
        kind: "webinar",
        starts_on: "2026-01-01",
        topics: [],
        starts_at: new Date(Date.now() - 5 * 60_000),
        duration_minutes: 60,
        audience: "public",
        cpd_hours: 1,
        cpd_body: "Collège des médecins du Québec",
        cpd_category: "Catégorie A",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("event_registrations")
      .values({ event_id: id, user_id: member, status: "registered", waitlist_position: null })
      .execute();
    return id;
  });
}

async function person(
  email: string,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true, javaScriptEnabled: options.javaScriptEnabled ?? true });
  await installFakeJitsi(context);
  const page = await context.newPage();
  const problems = watchConsole(page);
  if (options.javaScriptEnabled === false) {
    await page.goto(`${app.url}/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', "passerelle-demo");
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.locator('main button[type="submit"]').click()]);
  } else {
    await signInWithForm(page, app.url, email);
  }
  return { context, page, problems };
}

async function english(page: Page) {
  await page.click('button:has-text("English")');
  await page.waitForFunction(() => document.documentElement.lang === "en-CA");
}

/** Sends a message in the chat beside the video, typed like a person, over the live connection. */
async function chatInRoom(page: Page, text: string) {
  await page.waitForSelector('.live-room__chat .chat-conversation[data-live="online"]', { timeout: 15_000 });
  await page.locator("#composer-main").click();
  await page.keyboard.type(text, { delay: 20 });
  await page.keyboard.press("Enter");
  await page.locator(".live-room__chat .chat-message", { hasText: text }).waitFor({ timeout: 15_000 });
}

/** At 390 px the page scrolls only downwards: nothing wider than the screen. */
async function phoneShot(page: Page, name: string) {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator(".live-room__chat").scrollIntoViewIfNeeded();
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
}

async function ask(page: Page, text: string, button: string) {
  await page.locator("#question-body").click();
  await page.keyboard.type(text, { delay: 20 });
  await Promise.all([page.waitForURL(/done=asked/), page.getByRole("button", { name: button }).click()]);
}

describe("event live room", () => {
  it("in French: enters, asks, the host answers live, attendance adjusted with a reason, attestation checked", async () => {
    const title = "Webinaire en direct : approvisionnement plus sécuritaire";
    const eventId = await liveEvent(title);
    const memberId = await userId("membre@passerelle.test");

    const host = await person("admin@passerelle.test");
    await host.page.goto(`${app.url}/events/${eventId}/live`);
    await host.page.getByText("Vous animez cette salle").waitFor();
    await host.page.locator("[data-fake-jitsi]").waitFor({ timeout: 15_000 });
    expect((await fakeJitsiState(host.page)).created[0]).toMatchObject({ domain: "meet.example.org" });

    const member = await person("membre@passerelle.test");
    await member.page.goto(`${app.url}/events/${eventId}`);
    await Promise.all([
      member.page.waitForURL(/\/live$/),
      member.page.getByRole("link", { name: "Entrer dans la salle en direct" }).click(),
    ]);
    await member.page.getByRole("heading", { level: 1, name: "Salle en direct" }).waitFor();
    await member.page.locator("[data-fake-jitsi]").waitFor({ timeout: 15_000 });
    const room = (await fakeJitsiState(member.page)).created[0];
    expect(room?.roomName).toMatch(/^passerelle-[a-z2-7]{32}$/);
    expect(room?.roomName).toBe((await fakeJitsiState(host.page)).created[0]?.roomName);
    await fakeJitsiEmit(member.page, "videoConferenceJoined");
    await member.page.getByText("Vous êtes dans la salle : votre présence est comptée.").waitFor();
    await expect
      .poll(
        () =>
          db()
            .asSystem("test: attendance", (tx) =>
              tx.selectFrom("event_attendance").select("id").where("event_id", "=", eventId).where("user_id", "=", memberId).execute(),
            )
            .then((r) => r.length),
        { timeout: 10_000 },
      )
      .toBe(1);
    await expectAccessible(member.page, "live room (member)");

    await ask(member.page, "Comment adapter les doses en région éloignée?", "Poser la question");
    await member.page.getByText("Votre question a été envoyée.").waitFor();
    const memberQuestion = member.page.locator("li.live-question", { hasText: "Comment adapter les doses" });
    await memberQuestion.waitFor();
    // The host's page shows it without a reload (live update), and marks it answered.
    const hostQuestion = host.page.locator("li.live-question", { hasText: "Comment adapter les doses" });
    await hostQuestion.waitFor({ timeout: 15_000 });
    await expectAccessible(host.page, "live room (host)");
    await hostQuestion.getByRole("button", { name: "Marquer comme répondue" }).click();
    await host.page.locator("li.live-question", { hasText: "Comment adapter les doses" }).getByText("Répondue", { exact: true }).waitFor();
    // …and the member sees it answered, still without reloading.
    await member.page
      .locator("li.live-question", { hasText: "Comment adapter les doses" })
      .getByText("Répondue", { exact: true })
      .waitFor({ timeout: 15_000 });
    await fakeJitsiEmit(member.page, "videoConferenceLeft");
    await member.page.getByText("Vous avez quitté la salle vidéo").waitFor();

    // The event's chat beside the video: the member writes, the host's room shows it
    // live, beside the host's video frame (no reload, no navigation).
    await host.page.waitForSelector('.live-room__chat .chat-conversation[data-live="online"]', { timeout: 15_000 });
    const hostUrl = host.page.url();
    await chatInRoom(member.page, "Bonjour à toutes et à tous, merci pour l'invitation!");
    await host.page.locator(".live-room__chat .chat-message", { hasText: "merci pour l'invitation" }).waitFor({ timeout: 15_000 });
    expect(host.page.url()).toBe(hostUrl);
    await host.page.locator("[data-fake-jitsi]").waitFor();
    const frame = await host.page.locator(".live-room__video").boundingBox();
    const chatBox = await host.page.locator(".live-room__chat").boundingBox();
    expect(frame && chatBox && chatBox.x >= frame.x + frame.width - 1 && chatBox.y < frame.y + frame.height).toBe(true);
    await expectAccessible(member.page, "live room with its chat (member)");
    await expectAccessible(host.page, "live room with its chat (host)");
    await host.page.screenshot({ path: "test-results/events-live-room-fr-1280.png", fullPage: true });
    await phoneShot(member.page, "events-live-room-fr-390");
    // The full chat is still a link away.
    await Promise.all([
      member.page.waitForURL(/\/chat\/[0-9a-f-]{36}/),
      member.page.getByRole("link", { name: "Ouvrir le clavardage complet" }).click(),
    ]);
    await expect.poll(() => member.page.textContent("h1")).toBe(title);
    await member.page.locator(".chat-message", { hasText: "merci pour l'invitation" }).waitFor();
    await expectAccessible(member.page, "event chat (member)");

    // Without JavaScript: the Q&A is a plain form.
    // (The member's own session, without JavaScript: sign-ins are rate-limited per minute.)
    const plainContext = await browser.newContext({ javaScriptEnabled: false, storageState: await member.context.storageState() });
    const plain = { context: plainContext, page: await plainContext.newPage() };
    await plain.page.goto(`${app.url}/events/${eventId}/live`);
    await plain.page.fill("#question-body", "Question envoyée sans JavaScript : quelles ressources pour les équipes?");
    await Promise.all([plain.page.waitForURL(/done=asked/), plain.page.getByRole("button", { name: "Poser la question" }).click()]);
    await plain.page.locator("li.live-question", { hasText: "sans JavaScript" }).waitFor();
    // …and so is the chat beside the video: the recent messages, and a form that posts one and comes back to the room.
    await plain.page.locator(".live-room__chat .chat-message", { hasText: "merci pour l'invitation" }).waitFor();
    await plain.page.fill("#composer-main", "Message sans JavaScript dans le clavardage");
    await Promise.all([
      plain.page.waitForURL(new RegExp(`/events/${eventId}/live#message-\\d+$`)),
      plain.page.locator("form:has(#composer-main)").getByRole("button", { name: "Envoyer", exact: true }).click(),
    ]);
    await plain.page.locator(".live-room__chat .chat-message", { hasText: "Message sans JavaScript" }).waitFor();
    await plain.context.close();
    // The host, in the room with JavaScript, receives it live too.
    await host.page.locator(".live-room__chat .chat-message", { hasText: "Message sans JavaScript" }).waitFor({ timeout: 15_000 });

    // A member who is not registered: a clear refusal with the way to register.
    const outsider = await person("nouveau@passerelle.test");
    const refused = await outsider.page.goto(`${app.url}/events/${eventId}/live`);
    expect(refused?.status()).toBe(403);
    await outsider.page.getByRole("heading", { level: 1, name: "Salle réservée aux personnes inscrites" }).waitFor();
    await outsider.page.getByRole("link", { name: "Voir l'événement et m'inscrire" }).waitFor();
    await expectAccessible(outsider.page, "live room refused");

    // The organiser adjusts the member's attendance: no reason, refused; with one, saved.
    await host.page.goto(`${app.url}/events/${eventId}/attendance`);
    const line = host.page.locator(`li[data-attendee="${memberId}"]`);
    await line.locator('input[name="minutes"]').fill("60");
    await Promise.all([
      host.page.waitForResponse((r) => r.request().method() === "POST" && r.status() === 400),
      line.getByRole("button", { name: "Ajuster" }).click(),
    ]);
    await host.page.getByText("Indiquez la raison de l'ajustement.").waitFor();
    const adjustments = () =>
      db().asSystem("test: adjustments", (tx) =>
        tx.selectFrom("event_attendance_adjustments").select("minutes").where("event_id", "=", eventId).execute(),
      );
    expect(await adjustments()).toEqual([]);
    await expectAccessible(host.page, "attendance refused");
    await line.locator('input[name="minutes"]').fill("60");
    await line.locator('input[name="reason"]').click();
    await host.page.keyboard.type("Présente par téléphone pendant toute la séance", { delay: 15 });
    await Promise.all([host.page.waitForURL(/done=adjusted/), line.getByRole("button", { name: "Ajuster" }).click()]);
    await host.page.getByText("Présence ajustée.").waitFor();
    expect(await adjustments()).toEqual([{ minutes: 60 }]);
    await expectAccessible(host.page, "attendance");

    // The event is over: the member downloads the attestation, the public page confirms it.
    await db().asSystem("test: the webinar is over", (tx) =>
      tx
        .updateTable("events")
        .set({ starts_at: new Date(Date.now() - 2 * 3_600_000) })
        .where("id", "=", eventId)
        .execute(),
    );
    await member.page.goto(`${app.url}/events/${eventId}`);
    await member.page.getByText("Votre présence : 60 min sur 60.").waitFor();
    const [download] = await Promise.all([
      member.page.waitForEvent("download"),
      member.page.getByRole("button", { name: "Télécharger mon attestation de formation continue" }).click(),
    ]);
    const bytes = new Uint8Array(await (await import("node:fs/promises")).readFile(await download.path()));
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain("approvisionnement plus");
    expect(text).toContain("Collège des médecins du Québec");
    const code = /[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0] ?? "";
    expect(code).not.toBe("");
    const visitor = await browser.newPage();
    await visitor.goto(`${app.url}/attestations/${code}`);
    await visitor.getByText("Attestation authentique").waitFor();
    expect(await visitor.locator("main").textContent()).toContain("approvisionnement plus");
    await visitor.close();
    await member.page.goto(`${app.url}/events/${eventId}/live`);
    await member.page.getByText("Cet événement est terminé : la salle est fermée.").waitFor();
    await expectAccessible(member.page, "live room ended");

    for (const who of [host, member, outsider]) {
      expect(who.problems).toEqual([]);
      await who.context.close();
    }
  }, 300_000);

  it("in English: the room, a question, the refusal and the attendance page", async () => {
    const eventId = await liveEvent("Live webinar: overdose response");
    const memberId = await userId("membre@passerelle.test");
    const member = await person("membre@passerelle.test");
    await member.page.goto(`${app.url}/events/${eventId}`);
    await english(member.page);
    await Promise.all([member.page.waitForURL(/\/live$/), member.page.getByRole("link", { name: "Enter the live room" }).click()]);
    await member.page.getByRole("heading", { level: 1, name: "Live room" }).waitFor();
    await member.page.locator("[data-fake-jitsi]").waitFor({ timeout: 15_000 });
    await ask(member.page, "Which naloxone kits do teams carry?", "Ask the question");
    await member.page.getByText("Your question was sent.").waitFor();
    await member.page.locator("li.live-question", { hasText: "naloxone kits" }).getByRole("button", { name: "Upvote" }).click();
    await member.page.locator("li.live-question", { hasText: "naloxone kits" }).getByText("Upvotes: 1").waitFor();
    await expectAccessible(member.page, "live room (en)");
    await chatInRoom(member.page, "Hello everyone, glad to be here.");
    await member.page.getByRole("heading", { level: 2, name: "Chat" }).waitFor();
    await member.page.getByRole("link", { name: "Open the full chat" }).waitFor();
    await member.page.locator(".live-room__chat").getByRole("button", { name: "Send", exact: true }).waitFor();
    await expectAccessible(member.page, "live room with its chat (en)");
    await phoneShot(member.page, "events-live-room-en-390");

    const outsider = await person("nouveau@passerelle.test");
    await outsider.page.goto(`${app.url}/events`);
    await english(outsider.page);
    const refused = await outsider.page.goto(`${app.url}/events/${eventId}/live`);
    expect(refused?.status()).toBe(403);
    await outsider.page.getByRole("heading", { level: 1, name: "Room reserved for registered people" }).waitFor();

    const host = await person("admin@passerelle.test");
    await host.page.goto(`${app.url}/events`);
    await english(host.page);
    await host.page.goto(`${app.url}/events/${eventId}/attendance`);
    const line = host.page.locator(`li[data-attendee="${memberId}"]`);
    await Promise.all([
      host.page.waitForResponse((r) => r.request().method() === "POST" && r.status() === 400),
      line.getByRole("button", { name: "Adjust" }).click(),
    ]);
    await host.page.getByText("Enter the reason for the adjustment.").waitFor();
    await expectAccessible(host.page, "attendance (en)");

    for (const who of [member, outsider, host]) {
      expect(who.problems).toEqual([]);
      await who.context.close();
    }
  }, 240_000);
});
