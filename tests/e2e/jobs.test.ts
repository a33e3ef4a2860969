// /admin/jobs in chromium: an admin finds a failed job with its last error, retries
// it, and sees it run (the worker of the real server picks it up), in French and in
// English, at phone width and on a desktop.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, launchBrowser, signInWithForm, startTestApp, watchConsole, type TestApp } from "./helpers";

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp({ JOBS_POLL_MS: "200", JOBS_BACKOFF_MS: "200" });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const signIn = (page: Page, email: string) => signInWithForm(page, app.url, email);

/** What a job that failed for good leaves: storage was unreachable five times. */
async function failedJob(): Promise<number> {
  const { db } = app.server.services;
  const row = await db.asSystem("test: a failed housekeeping job", (tx) =>
    tx
      .insertInto("jobs")
      .values({
        type: "files.housekeeping",
        payload: "{}",
        state: "failed",
        attempts: 5,
        max_attempts: 5,
        key: `test:failed:${Date.now()}`,
        last_error: "Error: storage unreachable: 2 deleted file(s) still to purge",
        finished_at: new Date(),
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  return row.id;
}

const jobState = (id: number) =>
  app.server.services.db
    .asSystem("test: job state", (tx) => tx.selectFrom("jobs").select("state").where("id", "=", id).executeTakeFirstOrThrow())
    .then((r) => r.state);

describe("background jobs page", () => {
  it("an admin retries a failed job from /admin/jobs and sees it succeed", async () => {
    const id = await failedJob();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signIn(page, "admin@passerelle.test");
    await page.goto(`${app.url}/admin`);
    await Promise.all([page.waitForURL("**/admin/jobs"), page.click('a:has-text("Tâches de fond")')]);
    await expect.poll(() => page.textContent("h1")).toBe("Tâches de fond");
    const failedSection = page.locator('section[aria-labelledby="jobs-failed"]');
    expect(await failedSection.textContent()).toContain("storage unreachable: 2 deleted file(s) still to purge");
    await expectAccessible(page, "admin jobs (fr, 390 px)");
    await page.screenshot({ path: "test-results/admin-jobs-fr-390.png", fullPage: true });

    await Promise.all([
      page.waitForResponse((r) => r.url().includes("/admin/jobs") && r.request().method() === "POST"),
      page.click(`button[aria-label="Relancer la tâche ${id}"]`),
    ]);
    await expect.poll(() => page.locator('[role="status"]').textContent()).toBe(`La tâche ${id} est de nouveau en attente.`);
    // The server's worker runs it; the page shows the run once reloaded.
    await expect.poll(() => jobState(id), { timeout: 30_000, interval: 200 }).toBe("succeeded");
    await page.reload();
    expect(await failedSection.textContent()).not.toContain(`storage unreachable`);
    const runs = page.locator('section[aria-labelledby="jobs-runs"] tbody tr', { hasText: "files.housekeeping" }).first();
    expect(await runs.textContent()).toContain("Réussie");

    // A stale page (or a second admin) asks to retry the job that has since succeeded: a clear refusal.
    const submitRetry = (jobId: string) =>
      page.evaluate((value) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/admin/jobs";
        for (const [name, v] of Object.entries({ intent: "retry", jobId: value })) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = v;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      }, jobId);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/admin/jobs") && r.request().method() === "POST"),
      submitRetry(String(id)),
    ]);
    expect(refused.status()).toBe(400);
    await expect
      .poll(() => page.locator('[role="alert"]').textContent())
      .toBe(`La tâche ${id} ne peut pas être relancée\u00a0: elle a déjà réussi ou n’est pas en échec.`);
    expect(await jobState(id)).toBe("succeeded");
    const [malformed] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/admin/jobs") && r.request().method() === "POST"),
      submitRetry("pas-un-numéro"),
    ]);
    expect(malformed.status()).toBe(400);

    // In English, on a desktop.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/admin/jobs`);
    await Promise.all([page.waitForURL("**/admin/jobs"), page.click('button:has-text("English")')]);
    await expect.poll(() => page.textContent("h1")).toBe("Background jobs");
    expect(await page.getAttribute("html", "lang")).toBe("en-CA");
    expect(await page.locator('section[aria-labelledby="jobs-runs"]').textContent()).toContain("Succeeded");
    await expectAccessible(page, "admin jobs (en, desktop)");
    await page.screenshot({ path: "test-results/admin-jobs-en-desktop.png", fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a member who is not an admin cannot see the page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, "membre@passerelle.test");
    const response = await page.goto(`${app.url}/admin/jobs`);
    expect(response?.status()).toBe(403);
    expect(await page.textContent("body")).not.toContain("files.housekeeping");
    await context.close();
  });
});
