// Shared set-up of the forum browser tests: one server per file (on PGlite, or on a
// fresh PostgreSQL database when TEST_DB=postgres), one chromium, and signed-in people.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { adminUrl, quoteIdent, uniqueDbName, withDatabase, withAdmin } from "../setup/db-env";
import { launchBrowser, startTestApp, watchConsole, type TestApp } from "./helpers";

/** Registers the file's beforeAll/afterAll; `app` is available inside tests. */
export function forumApp() {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  let database: string | null = null;

  beforeAll(async () => {
    if (inject("testDb").kind === "postgres") {
      database = uniqueDbName("db");
      const name = database;
      await withAdmin((c) => c.query(`create database ${quoteIdent(name)}`));
      app = await startTestApp({ DATABASE_URL: withDatabase(adminUrl(), name), SEED_DEMO: "true", DEV_MAILBOX: "true" });
    } else {
      app = await startTestApp();
    }
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    const name = database;
    if (name) await withAdmin((c) => c.query(`drop database if exists ${quoteIdent(name)} with (force)`));
  });

  const started = () => {
    if (!app || !browser) throw new Error("forum app not started (use inside a test)");
    return { app, browser };
  };

  return {
    get app(): TestApp {
      return started().app;
    },
    /** A signed-in person in their own browser context; console errors and dialogs are collected. */
    async person(
      email: string,
      options: { javaScriptEnabled?: boolean } = {},
    ): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
      const { app: running, browser: chromium } = started();
      const context = await chromium.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
      const page = await context.newPage();
      const problems = watchConsole(page);
      page.on("dialog", (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      await page.goto(`${running.url}/login`);
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', "passerelle-demo");
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('main button[type="submit"]')]);
      return { context, page, problems };
    },
  };
}

/** Types into the rich-text field: the first focus loads the editor, which takes the textarea's place. */
export async function startEditor(page: Page, fieldId: string) {
  await page.click(`#${fieldId}`);
  await page.waitForSelector(`.ProseMirror#${fieldId}`, { timeout: 15_000 });
}
