// The foundation's user journey in chromium: sign up with consents → an admin
// verifies → the member edits their profile → switches to English → signs out.
// axe-core runs on every page visited.
import type { Browser, Page } from "playwright-core";
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

describe("accounts journey", () => {
  it("sign up → consent → admin verifies → edit profile → English → sign out", async () => {
    const member = await browser.newContext();
    const page = await member.newPage();
    const problems = watchConsole(page);

    await page.goto(app.url);
    expect(await page.getAttribute("html", "lang")).toBe("fr-CA");
    expect(await page.textContent("h1")).toContain("Briser l'isolement");
    await expectAccessible(page, "home (fr)");

    await page.click('a:has-text("Rejoindre la communauté")');
    await page.waitForURL("**/signup");
    await expectAccessible(page, "signup");

    // A bad submission first: errors are shown next to the fields, nothing is created.
    await page.fill('input[name="email"]', "pas-une-adresse");
    await page.fill('input[name="password"]', "court");
    await page.click('button:has-text("Créer mon compte")');
    await expect.poll(() => page.locator(".form-errors").isVisible()).toBe(true);
    // The error is tied to its field for screen readers.
    const describedBy = (await page.getAttribute('input[name="email"]', "aria-describedby")) ?? "";
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain("adresse courriel valide");
    expect(await page.getAttribute('input[name="email"]', "aria-invalid")).toBe("true");
    await expectAccessible(page, "signup with errors");

    await page.fill('input[name="email"]', "infirmiere.gaspesie@example.ca");
    await page.fill('input[name="password"]', "une phrase de passe solide");
    await page.fill('input[name="displayName"]', "Julie Bernier");
    await page.selectOption('select[name="discipline"]', "infirmiere");
    await page.selectOption('select[name="region"]', "11");
    await page.fill('input[name="establishment"]', "CISSS de la Gaspésie");
    await page.selectOption('select[name="orderCode"]', "OIIQ");
    await page.fill('input[name="permitNumber"]', "1234567");
    await page.check('input[name="topics"][value="tao"]');
    await page.check('input[name="acceptTerms"]');
    await page.check('input[name="acceptPrivacy"]');
    // The same answer as for an address that already has an account: check your email, then sign in.
    await Promise.all([page.waitForURL("**/login?created=1"), page.click('button:has-text("Créer mon compte")')]);
    expect(await page.textContent(".alert--success")).toContain("Vérifiez vos courriels");
    await expectAccessible(page, "login after sign-up");
    await page.fill('input[name="email"]', "infirmiere.gaspesie@example.ca");
    await page.fill('input[name="password"]', "une phrase de passe solide");
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type="submit"]:has-text("Se connecter")')]);
    await page.goto(`${app.url}/profile`);
    expect(await page.textContent(".badge")).toContain("Non vérifié");
    await expectAccessible(page, "profile (new member)");
    // Both consents are on record with their notice version, on the privacy page the profile links to.
    await Promise.all([page.waitForURL("**/profile/privacy"), page.locator('main a[href="/profile/privacy"]').first().click()]);
    // The address changes before the page renders: wait for the rows, do not read them once.
    await expect.poll(() => page.locator('[aria-labelledby="consents-title"] tbody tr').count()).toBe(2);

    // The admin verifies the new member after checking the order's register.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    const adminProblems = watchConsole(admin);
    await signIn(admin, "admin@passerelle.test", "passerelle-demo");
    await admin.goto(`${app.url}/admin`);
    await expectAccessible(admin, "admin");
    await admin.click('a:has-text("Julie Bernier")');
    await admin.waitForURL("**/admin/members/**");
    expect(await admin.textContent("dl")).toContain("1234567");
    await expectAccessible(admin, "admin member");
    await admin.fill('textarea[name="note"]', "Permis actif au tableau de l'OIIQ, vérifié aujourd'hui.");
    await Promise.all([admin.waitForURL("**?done=verify"), admin.click('button:has-text("Enregistrer la décision")')]);
    // The router changes the URL before React renders the new page: wait for the badge to follow.
    await admin.waitForFunction(() => document.querySelector(".badge")?.textContent?.startsWith("Vérifié"));
    expect(await admin.textContent(".badge")).toContain("Vérifié");
    await admin.goto(`${app.url}/admin/audit`);
    expect(await admin.textContent("table")).toContain("Membre vérifié");
    await expectAccessible(admin, "audit log");

    // The member is told: her bell has a notification.
    await page.goto(`${app.url}/notifications`);
    expect(await page.textContent("main")).toContain("Votre compte est vérifié");

    // The member now sees the directory and edits their profile.
    await page.goto(`${app.url}/profile`);
    expect(await page.textContent(".badge")).toContain("Vérifié");
    await page.fill('textarea[name="bio"]', "Infirmière en dépendance à Gaspé.");
    await page.check('input[name="directoryOptIn"]');
    await Promise.all([page.waitForURL("**/profile?saved=1"), page.click('button:has-text("Enregistrer")')]);
    expect(await page.inputValue('textarea[name="bio"]')).toBe("Infirmière en dépendance à Gaspé.");
    await page.goto(`${app.url}/members`);
    expect(await page.textContent("main")).toContain("Julie Bernier");
    await expectAccessible(page, "directory");

    // Switch to English: the choice persists and <html lang> follows.
    await page.click('button:has-text("English")');
    await page.waitForFunction(() => document.documentElement.lang === "en-CA");
    expect(await page.getAttribute("html", "lang")).toBe("en-CA");
    expect(await page.textContent("h1")).toBe("Member directory");
    await page.goto(`${app.url}/profile`);
    expect(await page.textContent("h1")).toBe("My profile");
    await expectAccessible(page, "profile (en)");

    await page.click('.account-menu summary:has-text("My account")');
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button:has-text("Sign out")')]);
    // The router changes the address before the signed-out header renders.
    await expect.poll(() => page.textContent("header")).toContain("Sign in");
    await page.goto(`${app.url}/members`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await expectAccessible(page, "login (en)");

    expect(problems).toEqual([]);
    expect(adminProblems).toEqual([]);
    await member.close();
    await adminContext.close();
  }, 120_000);

  it("signs in and signs up without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('input[name="email"]', "membre@passerelle.test");
    await page.fill('input[name="password"]', "mauvais mot de passe");
    await page.click('button[type="submit"]:has-text("Se connecter")');
    await page.waitForLoadState("load");
    expect(await page.textContent(".form-errors")).toContain("Courriel ou mot de passe incorrect");
    await page.fill('input[name="password"]', "passerelle-demo");
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type="submit"]:has-text("Se connecter")')]);
    expect(await page.textContent("main")).toContain("Bon retour, Isabelle Gagnon");
    await context.close();
  }, 60_000);
});
