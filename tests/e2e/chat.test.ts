// Chat in chromium (the journey two colleagues make): two members in a direct conversation,
// each in their own browser context. Messages arrive live, typing and read receipts
// show; one member's network goes down and comes back and their page catches up
// without a reload; the same conversation in English, a bad input, and the page
// read and answered without JavaScript. axe-core runs on every page visited.
import type { Browser, BrowserContext, Page, WebSocketRoute } from "playwright-core";
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

/** The one sign-in of the e2e suite (tests/e2e/helpers.ts), typing like a person. */
const signIn = (page: Page, email: string, password?: string) => signInWithForm(page, app.url, email, password);

/**
 * A network that can fail: every Socket.IO WebSocket of the context goes through
 * here. Cutting it closes the open ones and holds new ones (they reach the server
 * only once the network is back, like a connection that hangs); the context is
 * offline meanwhile, so long polling fails too.
 */
async function unreliableNetwork(context: BrowserContext) {
  let down = false;
  const open = new Set<WebSocketRoute>();
  const held: WebSocketRoute[] = [];
  await context.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (down) {
      held.push(ws);
      return;
    }
    ws.connectToServer();
    open.add(ws);
  });
  return {
    async cut() {
      down = true;
      await context.setOffline(true);
      for (const ws of open) await ws.close();
      open.clear();
    },
    async restore() {
      down = false;
      await context.setOffline(false);
      for (const ws of held.splice(0)) {
        ws.connectToServer();
        open.add(ws);
      }
    },
  };
}

/** The conversation page is hydrated and its live connection is up. */
const live = (page: Page) => page.waitForSelector('.chat-conversation[data-live="online"]', { timeout: 15_000 });

/** Errors the browser logs while its network is down are expected; nothing else is. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|socket\.io/.test(p));

describe("chat between two members", () => {
  it("direct conversation: live, typing, receipts, offline and back, English, bad input, no JavaScript", async () => {
    const isabelleContext = await browser.newContext();
    const isabelle = await isabelleContext.newPage();
    const isabelleProblems = watchConsole(isabelle);
    const marcContext = await browser.newContext();
    const network = await unreliableNetwork(marcContext);
    const marc = await marcContext.newPage();
    const marcProblems = watchConsole(marc);
    await signIn(isabelle, "membre@passerelle.test");
    await signIn(marc, "mentor@passerelle.test");

    // Isabelle opens a direct conversation with Marc-André from the list of people.
    await isabelle.click('a.site-nav__link:has-text("Messages")');
    await isabelle.waitForURL("**/chat");
    await expectAccessible(isabelle, "chat home");
    await isabelle.click('a:has-text("Nouvelle conversation")');
    await isabelle.waitForURL("**/chat/new");
    await expectAccessible(isabelle, "new conversation");
    await Promise.all([isabelle.waitForURL(/\/chat\/[0-9a-f-]{36}$/), isabelle.click('button:has-text("Écrire à")')]);
    const conversationUrl = isabelle.url();
    // The URL changes when the navigation commits; React may render the new page a moment later.
    await expect.poll(() => isabelle.textContent("h1")).toBe("Marc-André Lévesque");
    await expectAccessible(isabelle, "empty conversation");
    await live(isabelle);

    await isabelle.fill("#composer-main", "Bonjour Marc-André, as-tu le protocole TAO à jour ?");
    await isabelle.keyboard.press("Enter");
    await isabelle.waitForSelector('.chat-message:has-text("protocole TAO")');
    expect(await isabelle.inputValue("#composer-main")).toBe("");

    // Marc-André sees it counted in the header, live, then opens the conversation.
    await marc.goto(`${app.url}/`);
    await expect.poll(() => marc.locator(".site-nav .chat-badge").textContent(), { timeout: 10_000 }).toContain("1");
    await expectAccessible(marc, "home with an unread badge");
    await marc.goto(conversationUrl);
    await marc.waitForSelector('.chat-message:has-text("protocole TAO")');
    await live(marc);
    await expectAccessible(marc, "conversation (reader)");

    // Typing shows on the other side; the answer arrives live; Isabelle sees it was read.
    await marc.click("#composer-main");
    await marc.keyboard.type("Oui ! Voici le guide : https://www.inesss.qc.ca/");
    await isabelle.waitForSelector('.chat-typing:has-text("Marc-André Lévesque écrit")', { timeout: 10_000 });
    await marc.keyboard.press("Enter");
    await isabelle.waitForSelector('.chat-message:has-text("Voici le guide")');
    expect(await isabelle.getAttribute('.chat-message:has-text("Voici le guide") a', "href")).toBe("https://www.inesss.qc.ca/");
    await expect.poll(() => isabelle.locator(".chat-typing").textContent()).toBe("");
    await isabelle.waitForSelector('.chat-message:has-text("protocole TAO") .chat-receipt:has-text("Vu")', { timeout: 10_000 });
    await expectAccessible(isabelle, "conversation with receipt");

    // Marc-André's network goes down; Isabelle writes, edits and deletes meanwhile.
    await marc.evaluate(() => Object.assign(window, { sameDocument: true }));
    await network.cut();
    const missed = ["Pendant ta coupure : la réunion est déplacée à jeudi.", "Et la formation TAO est confirmée."];
    for (const text of missed) {
      await isabelle.fill("#composer-main", text);
      await isabelle.keyboard.press("Enter");
      await isabelle.waitForSelector(`.chat-message:has-text("${text}")`);
    }
    await isabelle.locator('.chat-message:has-text("protocole TAO") details').evaluate((d) => d.setAttribute("open", ""));
    await isabelle.click('.chat-message:has-text("protocole TAO") button:has-text("Modifier")');
    await isabelle.fill('.chat-message:has-text("protocole TAO") textarea', "Bonjour Marc-André, as-tu le protocole TAO 2026 ?");
    await isabelle.click('.chat-message:has-text("protocole TAO") button:has-text("Enregistrer")');
    await isabelle.waitForSelector('.chat-message:has-text("TAO 2026") >> text=modifié');
    await marc.waitForTimeout(500);
    expect(await marc.locator(".chat-message", { hasText: "coupure" }).count()).toBe(0);

    await marc.waitForSelector('.chat-conversation[data-live="offline"]');
    // Back online: the page catches up from the database, without a reload.
    await network.restore();
    for (const text of missed) await marc.waitForSelector(`.chat-message:has-text("${text}")`, { timeout: 20_000 });
    await marc.waitForSelector('.chat-message:has-text("TAO 2026")', { timeout: 10_000 });
    expect(await marc.evaluate(() => "sameDocument" in window)).toBe(true);
    expect(await marc.locator('.chat-message:has-text("Pendant ta coupure")').count()).toBe(1);

    // And he answers: it is delivered once.
    await live(marc);
    await marc.fill("#composer-main", "Bien reçu, merci !");
    await marc.keyboard.press("Enter");
    await isabelle.waitForSelector('.chat-message:has-text("Bien reçu")');
    expect(await isabelle.locator('.chat-message:has-text("Bien reçu")').count()).toBe(1);

    // A bad input: nothing is sent, the error is tied to the field.
    await isabelle.fill("#composer-main", "   ");
    await isabelle.keyboard.press("Enter");
    await isabelle.waitForSelector("#composer-main-error");
    expect(await isabelle.textContent("#composer-main-error")).toContain("Écrivez un message");
    expect(await isabelle.getAttribute("#composer-main", "aria-invalid")).toBe("true");
    expect(await isabelle.getAttribute("#composer-main", "aria-describedby")).toContain("composer-main-error");
    await expectAccessible(isabelle, "conversation with an input error");

    // In English. Marc-André's window has been in the background while Isabelle worked:
    // bring it forward (a hidden page may not paint, and a click waits for a painted,
    // stable button), and if the button still cannot be clicked, say what the page showed.
    await marc.bringToFront();
    const english = marc.getByRole("button", { name: "English", exact: true });
    await english.click({ timeout: 60_000 }).catch(async (error: unknown) => {
      const state = await marc
        .evaluate(async () => {
          const button = document.querySelector(".lang-switch button");
          const painted = await Promise.race([
            new Promise((resolve) => requestAnimationFrame(() => resolve("painted"))),
            new Promise((resolve) => setTimeout(() => resolve("no animation frame in 2 s"), 2000)),
          ]);
          return JSON.stringify({
            url: location.href,
            visibility: document.visibilityState,
            painted,
            button: button
              ? { text: button.textContent, box: button.getBoundingClientRect(), disabled: (button as HTMLButtonElement).disabled }
              : null,
            header: document.querySelector(".site-header")?.outerHTML.slice(0, 600) ?? null,
          });
        })
        .catch((e: unknown) => `page unreachable: ${String(e)}`);
      throw new Error(`The language switch could not be clicked. Page state: ${state}`, { cause: error });
    });
    await marc.waitForFunction(() => document.documentElement.lang === "en-CA");
    await marc.goto(conversationUrl);
    expect(await marc.textContent('label[for="composer-main"]')).toBe("Your message to “Isabelle Gagnon”");
    await marc.waitForSelector('.chat-message:has-text("Bien reçu") >> text=You');
    await expectAccessible(marc, "conversation (en)");

    // Without JavaScript: the conversation reads, and a plain form posts.
    const plainContext = await browser.newContext({ javaScriptEnabled: false });
    const plain = await plainContext.newPage();
    await signIn(plain, "mentor@passerelle.test");
    await plain.goto(conversationUrl);
    expect(await plain.locator(".chat-message").count()).toBeGreaterThanOrEqual(5);
    await plain.fill("#composer-main", "Envoyé sans JavaScript.");
    await Promise.all([plain.waitForURL(/#message-\d+$/), plain.click('button:has-text("Envoyer")')]);
    expect(await plain.locator('.chat-message:has-text("Envoyé sans JavaScript.")').count()).toBe(1);
    await isabelle.waitForSelector('.chat-message:has-text("Envoyé sans JavaScript.")');

    // The header's counts are in the HTML itself: right without JavaScript.
    await marc.goto(`${app.url}/`);
    await isabelle.fill("#composer-main", "Bien reçu, même sans JavaScript.");
    await isabelle.keyboard.press("Enter");
    await isabelle.waitForSelector('.chat-message:has-text("même sans JavaScript")');
    await plain.goto(`${app.url}/`);
    expect(await plain.locator(".site-nav .chat-badge").textContent()).toContain("1");
    expect(await plain.locator(".chat-bell .chat-badge").count()).toBe(1);

    // The notification centre lists the direct messages; reading them empties the bell.
    await isabelle.goto(`${app.url}/notifications`);
    await expectAccessible(isabelle, "notifications");

    // The problems are named in the message: a run's log may show only its end.
    expect(unexpected(isabelleProblems), `Isabelle's browser reported: ${unexpected(isabelleProblems).join(" | ")}`).toEqual([]);
    expect(unexpected(marcProblems), `Marc-André's browser reported: ${unexpected(marcProblems).join(" | ")}`).toEqual([]);
    await plainContext.close();
    await isabelleContext.close();
    await marcContext.close();
  }, 180_000);
});
