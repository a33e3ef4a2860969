// Clinical cases in chromium (the journey a presenter and a mentor make). Without JavaScript: a verified
// member drafts a case with a NAM, a phone number and a date of birth; the save is
// refused with the four listed (a name in a relationship frame among them); they fix it and submit; a mentor replies and writes
// the recommendations; the presenter posts a follow-up; participants are notified (the
// presenter live, in the bell, the mentor in the notification centre); an unverified
// member and a private space's outsider cannot see the case, title included, not even
// through /search. A remaining false positive (a public helpline) is marked as not
// identifying with a reason, which the review page shows to the administrator.
// With JavaScript, the refused save shows the four findings
// highlighted in the text (screenshot in /tmp/cases-refused-save.png). axe on each page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_LIVE_EVENTS } from "~/modules/cases/live-schemas";
import { namCheckDigit } from "~/modules/identifier-guard/identifiers";
import { expectAccessible, launchBrowser, memberIdByEmail, startTestApp, type TestApp } from "./helpers";
import { signedIn } from "../security/helpers";

const LAX = "Lax" as const;

let app: TestApp;

/**
 * Resolves when the page's live connection has joined a room: the server acknowledged (`ok`)
 * a `joinEvent` the page sent over its WebSocket (Socket.IO: `42<id>[event, …]`, then `43<id>[ack]`).
 * Listen before the page loads: the connection opens after hydration.
 */
function roomJoined(page: Page, joinEvent: string): Promise<void> {
  return new Promise((resolve) => {
    page.on("websocket", (ws) => {
      const asked = new Set<string>();
      ws.on("framesent", ({ payload }) => {
        const sent = /^42(\d+)\["([^"]+)"/.exec(String(payload));
        if (sent?.[2] === joinEvent) asked.add(sent[1]!);
      });
      ws.on("framereceived", ({ payload }) => {
        const ack = /^43(\d+)\[(.*)\]$/s.exec(String(payload));
        if (ack && asked.has(ack[1]!) && (JSON.parse(ack[2]!) as { ok?: boolean }).ok === true) resolve();
      });
    });
  });
}
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await checker?.page.context().close();
  await browser?.close();
  await app?.close();
});

async function person(email: string, javaScriptEnabled = false) {
  const context = await browser.newContext({ javaScriptEnabled });
  // Signed in over HTTP from an address of its own: this file opens more sessions than
  // the sign-in form's per-address limit allows in a minute, and the form has its own tests.
  const client = await signedIn(app.url, email);
  await context.addCookies([...client.jar].map(([name, value]) => ({ name, value, url: app.url, httpOnly: true, sameSite: LAX })));
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  return { context, page };
}

// axe needs JavaScript in the page: accessibility is checked in a JS-enabled context
// on the same addresses the JS-less journey visits.
let checker: { page: Page } | null = null;
async function accessible(url: string, label: string, email = "membre@passerelle.test") {
  checker ??= await person(email, true);
  await checker.page.goto(url);
  await expectAccessible(checker.page, label);
}

const idOf = (email: string) => memberIdByEmail(app, email);

async function post(page: Page, button: string) {
  await Promise.all([page.waitForLoadState("load"), page.waitForNavigation(), page.click(`button:has-text("${button}")`)]);
}

describe("clinical case journey", () => {
  it("guard, submit, reply, recommendations, follow-up, and who cannot see", async () => {
    const nam = `TREJ8703121${namCheckDigit("TREJ", 1987, "M", 3, 12, "1")}`;
    const presenter = await person("membre@passerelle.test");
    const p = presenter.page;
    await p.goto(`${app.url}/cases`);
    await accessible(`${app.url}/cases`, "cases list");
    await p.goto(`${app.url}/cases/new`);
    await accessible(`${app.url}/cases/new`, "new case form");
    await p.fill("#title", "Fentanyl fumé malgré la méthadone");
    await p.fill("#question", "Comment ajuster le TAO quand la consommation persiste malgré méthadone 80 mg?");
    await p.selectOption("#careSetting", "street_outreach");
    await p.selectOption("#ageDecade", "30");
    await p.check('input[name="substances"][value="fentanyl"]');
    await p.selectOption("#treatment", "methadone");
    await p.fill(
      "#details",
      `Patient ${nam}, joindre au 514 555-1234, né le 12 mars 1987, sa conjointe Josée l'accompagne. TAO depuis 2019.`,
    );
    await p.fill("#pseudonym", "infirmière, région 09");
    await post(p, "Enregistrer le brouillon");
    const kinds = await p.locator(".guard-findings li").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    expect(kinds).toEqual(["nam", "phone", "date_of_birth", "name"]);
    expect(await p.locator(".guard-findings mark").allTextContents()).toEqual([nam, "514 555-1234", "12 mars 1987", "Josée"]);
    // The NAM's check digit agrees: certain by its form, it says why and offers no override box.
    expect(await p.locator('.guard-findings li[data-kind="nam"] .guard-findings__certain').count()).toBe(1);
    expect(await p.locator('.guard-findings li[data-kind="nam"] input[type="checkbox"]').count()).toBe(0);
    expect(await p.locator('.guard-findings li[data-kind="name"] input[type="checkbox"]').count()).toBe(1);
    // The refusal page itself (an action response) is checked with JavaScript too.
    const c = checker!.page;
    await c.locator("#title").evaluate(
      (el) =>
        new Promise<void>((resolve) => {
          const check = () => (Object.keys(el).some((k) => k.startsWith("__reactProps$")) ? resolve() : requestAnimationFrame(check));
          check();
        }),
    );
    await c.fill("#title", "Titre de vérification");
    await c.fill("#question", "Une question assez longue pour le groupe?");
    await c.selectOption("#careSetting", "clsc");
    // The details field becomes the rich-text editor on focus; type into whichever is there.
    await c.click("#details");
    await c.waitForSelector('#details[contenteditable="true"]');
    await c.keyboard.type(`Patient ${nam}, joindre au 514 555-1234, né le 12 mars 1987, sa conjointe Josée l'accompagne.`);
    // Live, as the person types: the four are highlighted in the editor itself and in the list below.
    await c.waitForFunction(() => document.querySelectorAll("#details .text-highlight").length === 4);
    expect(await c.locator("#details .text-highlight").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))).toEqual([
      "nam",
      "phone",
      "date_of_birth",
      "name",
    ]);
    await c.waitForFunction(() => document.querySelectorAll('.guard-preview[data-field="details"] mark.guard-mark').length === 4);
    await c.click('button:has-text("Enregistrer le brouillon")');
    await c.waitForSelector(".guard-findings li");
    // After the refused save: listed with excerpts, and highlighted in the text with their kind.
    await c.waitForFunction(() => document.querySelectorAll('.guard-preview[data-field="details"] mark.guard-mark').length === 4);
    const highlighted = await c
      .locator('.guard-preview[data-field="details"] mark.guard-mark')
      .evaluateAll((els) => els.map((e) => [e.getAttribute("data-kind"), e.firstChild?.textContent]));
    expect(highlighted).toEqual([
      ["nam", nam],
      ["phone", "514 555-1234"],
      ["date_of_birth", "12 mars 1987"],
      ["name", "Josée"],
    ]);
    expect(await c.getAttribute("#details", "aria-describedby")).toContain("details-findings");
    expect(await c.locator('.guard-preview[data-field="details"] [role="status"]').textContent()).toContain("4 identifiants possibles");
    await c.locator(".guard-findings").scrollIntoViewIfNeeded();
    await c.screenshot({ path: "/tmp/cases-refused-save.png", fullPage: true });
    await expectAccessible(c, "guard refusal with highlights");
    // Back in the editor, the refused text keeps its highlights in place.
    await c.click("#details");
    await c.waitForFunction(() => document.querySelectorAll('#details[contenteditable="true"] .text-highlight').length === 4);
    await c.locator("#details").screenshot({ path: "/tmp/cases-refused-editor.png" });
    // The values are kept: fix the details only.
    expect(await p.inputValue("#title")).toBe("Fentanyl fumé malgré la méthadone");
    // The fixed text still names the public provincial helpline: refused again, and the
    // presenter marks that one finding as not identifying, with a reason.
    await p.fill(
      "#details",
      "Homme dans la trentaine, TAO depuis 2019, dose de 12/03 manquée. Orienté vers la ligne provinciale 1 800 265-2626.",
    );
    await p.check('input[name="substances"][value="fentanyl"]');
    await post(p, "Enregistrer le brouillon");
    expect(await p.locator(".guard-findings li").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))).toEqual(["phone"]);
    await p.check('input[name="overrides.0.key"]');
    await p.fill('input[name="overrides.0.reason"]', "Ligne d'aide provinciale publique, pas la personne");
    await p.check('input[name="substances"][value="fentanyl"]');
    await post(p, "Enregistrer le brouillon");
    expect(p.url()).toMatch(/\/cases\/[0-9a-f-]{36}$/);
    // The presenter sees their override on the draft.
    expect(await p.textContent("section[aria-labelledby='h-overrides']")).toContain("Ligne d'aide provinciale publique");
    const caseUrl = p.url();
    await p.check('input[name="attestNotIdentifiable"]');
    await post(p, "Soumettre");
    expect(await p.textContent("header .meta")).toContain("Ouvert à la discussion");
    await accessible(caseUrl, "open case");

    // The presenter waits on the case page with JavaScript: the bell and the discussion follow live.
    const joined = roomJoined(c, CASE_LIVE_EVENTS.join);
    await c.goto(caseUrl);
    await c.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter));
    await c.evaluate(() => {
      (window as unknown as { stillHere?: boolean }).stillHere = true;
    });
    const unreadBefore = await c.evaluate(() => Number(document.querySelector(".chat-bell .chat-badge [aria-hidden]")?.textContent ?? 0));
    // The mentor replies once the server has put the presenter's connection in the case's room.
    await joined;

    const mentor = await person("mentor@passerelle.test");
    await mentor.page.goto(caseUrl);
    expect(await mentor.page.textContent("header .meta")).toContain("infirmière, région 09");
    await mentor.page.fill("#body-reply", "Avez-vous envisagé la morphine à libération lente?");
    await post(mentor.page, "Répondre");
    // The reply appears on the presenter's open page without a reload, announced politely.
    await c.waitForFunction(() =>
      document.querySelector("section[aria-labelledby='h-reply']")?.textContent?.includes("morphine à libération lente"),
    );
    expect(await c.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await c.textContent("main [role=status][aria-live=polite]")).toBe("Du nouveau dans la discussion\u00a0: la page est à jour.");
    // Typing straight away, while the editor loads and takes the textarea's place, loses nothing.
    await c.goto(caseUrl);
    await c.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter));
    const typed = "La personne a repris le travail; dose fractionnée matin et soir depuis deux semaines.";
    await c.locator("#body-followUp").click();
    await c.keyboard.type(typed, { delay: 10 });
    await c.waitForFunction(() => document.querySelector("#body-followUp[contenteditable]") !== null);
    expect(await c.textContent("#body-followUp")).toBe(typed);
    // The recommendations cite a tool of the library (textarea markup without JavaScript).
    const tool = await app.server.services.db.asSystem("test: a published tool", (tx) =>
      tx.selectFrom("tools").select(["id", "title"]).where("status", "=", "published").orderBy("title").executeTakeFirstOrThrow(),
    );
    await mentor.page.fill("#body-recommend", `Augmenter de 10 mg aux 5 jours avec ECG de contrôle. Voir [outil](tool:${tool.id}).`);
    await post(mentor.page, "Publier les recommandations");
    expect(await mentor.page.textContent("#h-recommendation")).toBe("Recommandations");
    expect(await mentor.page.getAttribute(`section[aria-labelledby='h-recommendation'] a[href="/tools/${tool.id}"]`, "href")).toBe(
      `/tools/${tool.id}`,
    );
    expect(await mentor.page.textContent("section[aria-labelledby='h-cited']")).toContain(tool.title);
    await accessible(caseUrl, "case with recommendations");

    // Notified: the presenter live (bell) and in the centre, of the reply and the recommendations.
    await c.waitForFunction(
      (before) => Number(document.querySelector(".chat-bell .chat-badge [aria-hidden]")?.textContent ?? 0) >= before + 2,
      unreadBefore,
    );
    await p.goto(`${app.url}/notifications`);
    const presenterNotes = await p.textContent("main");
    expect(presenterNotes).toContain("Marc-André Lévesque a répondu au cas «\u00a0Fentanyl fumé malgré la méthadone\u00a0»");
    expect(presenterNotes).toContain(
      "Marc-André Lévesque a publié les recommandations du cas «\u00a0Fentanyl fumé malgré la méthadone\u00a0»",
    );

    await p.goto(caseUrl);
    await p.fill("#body-followUp", "Stabilisé à 110 mg, consommation réduite.");
    await post(p, "Publier un suivi");
    expect(await p.textContent("header .meta")).toContain("Suivi publié");
    expect(await p.locator("section[aria-labelledby='h-follow_up'] article").count()).toBe(1);
    // The follow-up carries the pseudonym, and the mentor who took part is told (by pseudonym too).
    await mentor.page.goto(caseUrl);
    expect(await mentor.page.textContent("section[aria-labelledby='h-follow_up'] .meta")).toContain("infirmière, région 09");
    expect(await mentor.page.content()).not.toContain("Isabelle Gagnon");
    await mentor.page.goto(`${app.url}/notifications`);
    expect(await mentor.page.textContent("main")).toContain(
      "infirmière, région 09 a publié un suivi du cas «\u00a0Fentanyl fumé malgré la méthadone\u00a0»",
    );
    expect(await mentor.page.textContent("main")).not.toContain("Isabelle Gagnon");

    // Unverified: no list, no case, no title.
    const newcomer = await person("nouveau@passerelle.test");
    const denied = await newcomer.page.goto(caseUrl);
    expect(denied?.status()).toBe(403);
    expect(await newcomer.page.content()).not.toContain("Fentanyl fumé");
    expect((await newcomer.page.goto(`${app.url}/cases`))?.status()).toBe(403);
    await newcomer.page.goto(`${app.url}/search?q=fentanyl+fume`);
    expect(await newcomer.page.content()).not.toContain("malgré la méthadone");
    // A verified member finds it, unaccented.
    await mentor.page.goto(`${app.url}/search?q=fentanyl+fume`);
    expect(await mentor.page.textContent("section[aria-labelledby='case-results-title']")).toContain("malgré la méthadone");

    // A private space's case: its members only. The mentor is not a member.
    const memberId = await idOf("membre@passerelle.test");
    const privateCase = await app.server.services.db.asSystem("test: private space case", async (tx) => {
      const space = await tx
        .insertInto("spaces")
        .values({
          slug: "echo-cote-nord-e2e",
          kind: "group",
          visibility: "members",
          name_fr: "ECHO Côte-Nord",
          name_en: "ECHO North Shore",
          region_code: null,
          discipline_code: null,
          created_by: memberId,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await tx.insertInto("space_members").values({ space_id: space.id, user_id: memberId, role: "member", added_by: memberId }).execute();
      return (
        await tx
          .insertInto("cases")
          .values({
            author_id: memberId,
            space_id: space.id,
            title: "Cas privé de la Côte-Nord",
            question: "Question réservée au groupe ECHO de la région",
            care_setting: "clsc",
            status: "draft",
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    });
    await app.server.services.db.asSystem("test: open it", (tx) =>
      tx.updateTable("cases").set({ status: "open", attested_at: new Date() }).where("id", "=", privateCase).execute(),
    );
    await p.goto(`${app.url}/cases`);
    expect(await p.content()).toContain("Cas privé de la Côte-Nord");
    await mentor.page.goto(`${app.url}/cases`);
    expect(await mentor.page.content()).not.toContain("Cas privé de la Côte-Nord");
    const outsider = await mentor.page.goto(`${app.url}/cases/${privateCase}`);
    expect(outsider?.status()).toBe(404);
    expect(await mentor.page.content()).not.toContain("Cas privé de la Côte-Nord");
    await mentor.page.goto(`${app.url}/search?q=cote+nord`);
    expect(await mentor.page.content()).not.toContain("Cas privé de la Côte-Nord");
    await p.goto(`${app.url}/search?q=cote+nord`);
    expect(await p.textContent("section[aria-labelledby='case-results-title']")).toContain("Cas privé de la Côte-Nord");
    await newcomer.page.goto(`${app.url}/search?q=cote+nord`);
    expect(await newcomer.page.content()).not.toContain("Cas privé de la Côte-Nord");

    // The administrator's review page (waiting cases, overrides, experts) passes axe.
    const admin = await person("admin@passerelle.test", true);
    await admin.page.goto(`${app.url}/cases/review`);
    expect(await admin.page.textContent("h1")).toBe("Révision des cas");
    expect(await admin.page.textContent("section[aria-labelledby='h-overrides']")).toContain(
      "Ligne d'aide provinciale publique, pas la personne",
    );
    await expectAccessible(admin.page, "case review");

    await Promise.all([presenter.context.close(), mentor.context.close(), newcomer.context.close(), admin.context.close()]);
  }, 180_000);
  it("with JavaScript, a post empties its editor and says so; each person sees only the forms they may use", async () => {
    const presenter = await person("membre@passerelle.test", true);
    const mentor = await person("mentor@passerelle.test", true);
    const p = presenter.page;
    await p.goto(`${app.url}/cases`);
    await Promise.all([p.waitForURL(/\/cases\/[0-9a-f-]{36}$/), p.click('a:has-text("Fentanyl qui persiste malgré la méthadone")')]);
    await p.waitForSelector('h1:has-text("Fentanyl qui persiste malgré la méthadone")');
    const caseUrl = p.url();
    const forms = (page: Page) =>
      page.evaluate(() => [...document.querySelectorAll("main form button[type=submit]")].map((b) => b.textContent));

    // The presenter replies and follows up; the recommendations are the advisers' to write.
    expect(await forms(p)).toEqual(["Répondre", "Publier un suivi", "Fermer le cas"]);
    await mentor.page.goto(caseUrl);
    expect(await forms(mentor.page)).toEqual(["Répondre", "Publier les recommandations"]);

    // She replies in the editor, typing like a person.
    await p.click("#body-reply");
    await p.waitForSelector(".ProseMirror#body-reply", { timeout: 15_000 });
    const reply = "Merci, nous essayons le fractionnement de la dose dès cette semaine.";
    await p.keyboard.type(reply, { delay: 40 });
    await Promise.all([p.waitForURL(/posted=reply/), p.click('button:has-text("Répondre")')]);
    // Published, said in a status message, and the reply box is empty again (a plain textarea until she writes).
    await expect.poll(() => p.locator('[role="status"] .alert--success').textContent()).toBe("Votre réponse est publiée.");
    expect(await p.textContent("section[aria-labelledby='h-reply']")).toContain(reply);
    await expect
      .poll(() =>
        p.evaluate(() => {
          const field = document.getElementById("body-reply");
          return field instanceof HTMLTextAreaElement ? field.value : "still the editor";
        }),
      )
      .toBe("");
    expect(await p.locator(".ProseMirror").count()).toBe(0);
    await expectAccessible(p, "case after a reply");

    // The same for the mentor's recommendations.
    const m = mentor.page;
    await m.click("#body-recommend");
    await m.waitForSelector(".ProseMirror#body-recommend", { timeout: 15_000 });
    await m.keyboard.type("Revoir la personne dans deux semaines.", { delay: 40 });
    await Promise.all([m.waitForURL(/posted=recommend/), m.click('button:has-text("Publier les recommandations")')]);
    await expect.poll(() => m.locator('[role="status"] .alert--success').textContent()).toBe("Vos recommandations sont publiées.");
    await expect
      .poll(() =>
        m.evaluate(() => {
          const field = document.getElementById("body-recommend");
          return field instanceof HTMLTextAreaElement ? field.value : "still the editor";
        }),
      )
      .toBe("");

    await Promise.all([presenter.context.close(), mentor.context.close()]);
  }, 120_000);
  it("the case form uses the design system's fields, and a finding's reason has a visible label that fits a phone screen", async () => {
    const presenter = await person("membre@passerelle.test", true);
    const p = presenter.page;
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto(`${app.url}/cases/new`);
    const look = () =>
      p.evaluate(() => {
        const form = document.querySelector("main form");
        const all = <T extends Element>(selector: string) => [...(form?.querySelectorAll<T>(selector) ?? [])];
        const visible = (el: Element) => el.getBoundingClientRect().height > 0 && !el.closest(".visually-hidden");
        return {
          selects: all<HTMLSelectElement>("select")
            .filter((el) => !el.classList.contains("select") || el.getBoundingClientRect().height < 44)
            .map((el) => el.name),
          fieldsets: all<HTMLFieldSetElement>("fieldset")
            .filter((el) => !el.classList.contains("checkbox-list") || getComputedStyle(el).borderTopWidth !== "0px")
            .map((el) => el.querySelector("legend")?.textContent),
          inputs: all<HTMLInputElement | HTMLTextAreaElement>("input:not([type=hidden]):not([type=checkbox]), textarea")
            .filter((el) => !el.classList.contains("input"))
            .map((el) => el.name),
          labels: all<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
            "input:not([type=hidden]):not([type=checkbox]), select, textarea",
          )
            .filter((el) => ![...(el.labels ?? [])].some((l) => visible(l) && l.classList.contains("field__label")))
            .map((el) => el.name),
          placeholders: all<HTMLInputElement>("[placeholder]").map((el) => el.name),
          reasons: all<HTMLInputElement>('input[name$=".reason"]').map((el) => ({
            width: el.getBoundingClientRect().width,
            fits: el.getBoundingClientRect().right <= window.innerWidth,
          })),
        };
      });
    expect(await look()).toMatchObject({ selects: [], fieldsets: [], inputs: [], labels: [], placeholders: [], reasons: [] });

    // A refused save lists the finding with its "identifies no one" box and a labelled reason.
    await p.fill("#title", "Vérification du formulaire");
    await p.fill("#question", "Une question assez longue pour le groupe?");
    await p.selectOption("#careSetting", "clsc");
    await p.fill('[name="socialSituation"]', "Joindre au 514 555-1234 en soirée.");
    await Promise.all([p.waitForSelector('input[name="overrides.0.reason"]'), p.click('button:has-text("Enregistrer le brouillon")')]);
    const after = await look();
    expect(after).toMatchObject({ selects: [], fieldsets: [], inputs: [], labels: [], placeholders: [] });
    expect(after.reasons.length).toBe(1);
    expect(after.reasons[0]?.fits).toBe(true);
    expect(after.reasons[0]?.width).toBeGreaterThan(250);
    expect(await p.inputValue('[name="socialSituation"]')).toBe("Joindre au 514 555-1234 en soirée.");
    await p.screenshot({ path: "/tmp/cases-form-390.png", fullPage: true });
    await expectAccessible(p, "refused case form (390 px)");
    await presenter.context.close();
  }, 120_000);
});
