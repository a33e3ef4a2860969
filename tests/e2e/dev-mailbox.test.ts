// The embedded mode's mailbox holds password-reset links: only an admin may read it.
// A visitor who asks for a reset for someone else's address, then opens /dev/mailbox,
// must find nothing (404) and no link to it; a member neither; the admin sees the mail.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../security/helpers";
import { launchBrowser, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";

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

const signIn = (page: Page, email: string) => signInWithForm(page, app.url, email);

async function mailboxLinks(page: Page) {
  return page.locator('a[href="/dev/mailbox"]').count();
}

describe("/dev/mailbox", () => {
  it("answers 404 to a visitor and to a member, with no link to it; the admin reads the reset link", async () => {
    const visitor = await browser.newContext();
    const page = await visitor.newPage();
    const problems = watchConsole(page);
    await page.goto(`${app.url}/password/forgot`);
    await page.locator('input[name="email"]').pressSequentially(DEMO.membre, { delay: 15 });
    await page.locator('main button[type="submit"]').click();
    await page.waitForSelector('main [role="status"], main .alert');
    expect(await mailboxLinks(page)).toBe(0);

    const anonymous = await page.goto(`${app.url}/dev/mailbox`);
    expect(anonymous?.status()).toBe(404);
    expect(await page.textContent("main")).not.toContain("/password/reset?token=");
    expect(await mailboxLinks(page)).toBe(0);
    await visitor.close();

    const memberContext = await browser.newContext();
    const member = await memberContext.newPage();
    await signIn(member, DEMO.membre);
    expect(await mailboxLinks(member)).toBe(0);
    const asMember = await member.goto(`${app.url}/dev/mailbox`);
    expect(asMember?.status()).toBe(404);
    expect(await member.textContent("main")).not.toContain("/password/reset?token=");
    // Not through the loader's data either.
    const data = await member.request.get(`${app.url}/dev/mailbox?_data=routes%2Fdev.mailbox`);
    expect(data.status()).toBe(404);
    expect(await data.text()).not.toContain("token=");
    await memberContext.close();

    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    const adminProblems = watchConsole(admin);
    await signIn(admin, DEMO.admin);
    expect(await mailboxLinks(admin)).toBe(1);
    // The link sits in the account menu.
    await admin.locator(".account-menu summary").click();
    await Promise.all([admin.waitForURL("**/dev/mailbox"), admin.locator('a[href="/dev/mailbox"]').click()]);
    // The router changes the address before the mailbox renders.
    await expect.poll(() => admin.textContent("main")).toContain(`${DEMO.membre}`);
    expect(await admin.textContent("main")).toMatch(/\/password\/reset\?token=[A-Za-z0-9_-]+/);
    expect(problems).toEqual([]);
    expect(adminProblems).toEqual([]);
    await adminContext.close();
  });
});
