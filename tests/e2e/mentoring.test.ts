// Mentoring in chromium, French then English, axe on every page: the demo member asks
// for a mentor and sees ranked suggestions with reasons, sends a request; the mentor
// accepts, both confirm the agreement, the mentor schedules a session (the invitation
// is in the outbox) and opens the room (fake Jitsi, joined reported), writes a private
// note the mentee cannot see, logs the session and ends the pairing; the mentee
// downloads the attestation and the public page confirms its code; the coordinator sees
// the pair and the regional coverage.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJitsiEmit, fakeJitsiState, installFakeJitsi } from "./fake-jitsi";
import { expectAccessible, launchBrowser, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";

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

async function person(email: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true });
  await installFakeJitsi(context);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signInWithForm(page, app.url, email);
  return { context, page, problems };
}

const tomorrow = () => new Date(Date.now() + 36 * 3_600_000).toLocaleDateString("en-CA", { timeZone: "America/Toronto" });

describe("mentoring", () => {
  it("asks, accepts, meets, notes privately, ends and attests, in French", async () => {
    const mentee = await person("membre@passerelle.test");
    await mentee.page.goto(`${app.url}/mentoring?ask=1&topics=taoi&language=fr&modality=video&region=any`);
    await mentee.page.getByRole("heading", { name: "Suggestions" }).waitFor();
    const first = mentee.page.locator("#suggestions li.card").first();
    expect(await first.textContent()).toContain("Marc-André Lévesque");
    expect(await first.textContent()).toContain("expertise");
    await expectAccessible(mentee.page, "suggestions");
    await Promise.all([mentee.page.waitForURL(/\/mentoring\/mentors\//), first.getByRole("link").click()]);
    await mentee.page.fill("#request-goals", "Consolider l'induction du TAO injectable avec l'équipe.");
    await expectAccessible(mentee.page, "mentor profile");
    await Promise.all([mentee.page.waitForURL(/sent=1/), mentee.page.getByRole("button", { name: "Envoyer la demande" }).click()]);

    const mentor = await person("mentor@passerelle.test");
    await mentor.page.goto(`${app.url}/mentoring`);
    await expectAccessible(mentor.page, "mentoring home (mentor)");
    const request = mentor.page.locator("li.card", { hasText: "Consolider l'induction" });
    await Promise.all([mentor.page.waitForURL(/\/mentoring\/pairings\//), request.getByRole("button", { name: "Accepter" }).click()]);
    const workspace = mentor.page.url();
    await mentor.page.fill("#ag-frequency", "Toutes les deux semaines");
    await mentor.page.fill("#ag-duration", "Trois mois");
    await Promise.all([
      mentor.page.waitForURL(/done=agreement/),
      mentor.page.getByRole("button", { name: "Enregistrer l'entente" }).click(),
    ]);
    await Promise.all([mentor.page.waitForURL(/done=confirm/), mentor.page.getByRole("button", { name: "Je confirme l'entente" }).click()]);
    await mentee.page.goto(workspace);
    await Promise.all([mentee.page.waitForURL(/done=confirm/), mentee.page.getByRole("button", { name: "Je confirme l'entente" }).click()]);
    await mentee.page.getByText("Entente confirmée par les deux personnes.").waitFor();

    await mentor.page.goto(workspace);
    await mentor.page.fill("#new-session-date", tomorrow());
    await mentor.page.fill("#new-session-start", "10:00");
    await mentor.page.fill("#new-session-end", "11:30");
    await Promise.all([mentor.page.waitForURL(/done=session/), mentor.page.getByRole("button", { name: "Planifier la séance" }).click()]);
    const invitations = await app.server.services.db.asSystem("test: outbox", (tx) =>
      tx.selectFrom("outbox").select(["to_email", "attachments"]).where("kind", "=", "mentoring.session").execute(),
    );
    expect(invitations.map((m) => m.to_email).sort()).toEqual(["membre@passerelle.test", "mentor@passerelle.test"]);
    expect(invitations[0]?.attachments[0]?.content).toContain("BEGIN:VEVENT");

    const roomHref = await mentor.page.getByRole("link", { name: "Ouvrir la salle de la séance" }).getAttribute("href");
    await mentor.page.goto(`${app.url}${roomHref ?? ""}`);
    await mentor.page
      .locator("[data-fake-jitsi]")
      .waitFor({ timeout: 10_000 })
      .catch(async (error) => {
        throw new Error(`no fake room: ${JSON.stringify(mentor.problems)} ${await mentor.page.locator("main").innerHTML()}`, {
          cause: error,
        });
      });
    const state = await fakeJitsiState(mentor.page);
    expect(state.created[0]?.domain).toBe("meet.example.org");
    expect(state.created[0]?.roomName).toMatch(/^passerelle-[a-z2-7]{32}$/);
    await fakeJitsiEmit(mentor.page, "videoConferenceJoined");
    await mentor.page.getByText("Vous êtes dans la rencontre.").waitFor();
    await expectAccessible(mentor.page, "session room");

    await mentor.page.goto(workspace);
    await mentor.page.fill("#note-body", "Note privée du mentor : revoir le plan d'induction.");
    await mentor.page.check('input[name="visibility"][value="private"]');
    await Promise.all([mentor.page.waitForURL(/done=note/), mentor.page.getByRole("button", { name: "Ajouter la note" }).click()]);
    await mentor.page.getByText("Note privée du mentor : revoir").waitFor();
    await mentee.page.goto(workspace);
    expect(await mentee.page.locator("main").textContent()).not.toContain("Note privée du mentor");
    await mentee.page.goto(`${app.url}/search?q=${encodeURIComponent("plan d'induction")}`);
    expect(await mentee.page.locator("main").textContent()).not.toContain("Note privée du mentor");

    await mentor.page.goto(workspace);
    await mentor.page.locator('input[name="log"]').first().fill("Séance tenue : plan d'induction revu.");
    await Promise.all([
      mentor.page.waitForURL(/done=log/),
      mentor.page.getByRole("button", { name: "Enregistrer le compte rendu" }).click(),
    ]);
    await mentor.page.check('input[name="confirm"]');
    await Promise.all([mentor.page.waitForURL(/done=end/), mentor.page.getByRole("button", { name: "Terminer le jumelage" }).click()]);
    await expectAccessible(mentor.page, "ended workspace");

    await mentee.page.goto(workspace);
    const [download] = await Promise.all([
      mentee.page.waitForEvent("download"),
      mentee.page.getByRole("button", { name: "Télécharger mon attestation (PDF)" }).click(),
    ]);
    const bytes = new Uint8Array(await (await import("node:fs/promises")).readFile(await download.path()));
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain("Isabelle Gagnon");
    const code = /[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0] ?? "";
    expect(code).not.toBe("");
    const visitor = await browser.newPage();
    await visitor.goto(`${app.url}/attestations/${code}`);
    await visitor.getByText("Attestation authentique").waitFor();
    expect(await visitor.locator("main").textContent()).toContain("1,5");
    await expectAccessible(visitor, "attestation check");
    await visitor.close();

    const coordinator = await person("admin@passerelle.test");
    await coordinator.page.goto(`${app.url}/mentoring/coordination`);
    await coordinator.page.locator('[data-chart="ready"] svg').first().waitFor();
    expect(await coordinator.page.locator("table").first().locator("tbody tr").count()).toBe(18);
    expect(await coordinator.page.locator("main").textContent()).toContain("Isabelle Gagnon");
    await expectAccessible(coordinator.page, "coordination");

    for (const who of [mentee, mentor, coordinator]) {
      expect(who.problems).toEqual([]);
      await who.context.close();
    }
  }, 300_000);

  it("in English: the mentoring home, a room without video configured offers other ways, and the attestation check", async () => {
    const mentee = await person("membre@passerelle.test");
    await mentee.page.goto(`${app.url}/mentoring`);
    await mentee.page.click('button:has-text("English")');
    await mentee.page.waitForFunction(() => document.documentElement.lang === "en-CA");
    await mentee.page.getByRole("heading", { level: 1, name: "Mentoring and supervision" }).waitFor();
    await expectAccessible(mentee.page, "mentoring home (en)");
    await mentee.page.goto(`${app.url}/attestations/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ`);
    await mentee.page.getByText("No attestation matches this code").waitFor();
    await expectAccessible(mentee.page, "attestation not found (en)");
    expect(mentee.problems).toEqual([]);
    await mentee.context.close();
  }, 120_000);
});
