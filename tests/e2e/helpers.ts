// Browser e2e helpers: a real server (server/index.ts startServer) on a free port
// with its own embedded database, and Debian's chromium through playwright-core.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import { startServer, type RunningServer } from "../../server/index";
import { parseEnv } from "../../app/utils/env.server";
import { assertFreshBuild } from "../setup/fresh-build";

export const CHROMIUM = "/usr/bin/chromium";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestApp {
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/** A fresh embedded Passerelle (seeded with the demo content, as `npm start` gives a newcomer). */
export async function startTestApp(extraEnv: Record<string, string> = {}): Promise<TestApp> {
  assertFreshBuild();
  const dataDir = await mkdtemp(path.join(tmpdir(), "passerelle-e2e-"));
  const port = await freePort();
  const env = parseEnv({
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ...extraEnv,
  });
  const server = await startServer(env);
  return {
    server,
    url: `http://localhost:${port}`,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

// axe-core measures colours by injecting inline styles, which our CSP (rightly)
// refuses. Chromium reports each refusal on the console, sometimes several tasks
// after axe has answered, so a fixed window around the run is not enough: once axe
// is in a document, that document's inline-style refusals are axe's, until a new
// document loads. Every other console error still counts.
const axeInDocument = new WeakSet<Page>();

/** Runs axe-core (WCAG 2.1 A/AA) on the current page and fails on any violation. */
export async function expectAccessible(page: Page, label: string) {
  axeInDocument.add(page);
  await runAxe(page, label);
}

async function runAxe(page: Page, label: string) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  });
  expect(violations, `axe violations on ${label}`).toEqual([]);
}

/** Collects browser console errors and uncaught page errors so a test can assert there were none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  // A new document (not a client-side route change, which keeps axe's document).
  page.on("domcontentloaded", () => axeInDocument.delete(page));
  page.on("console", (m) => {
    // Chromium's wording changed ("Refused to apply…", later "Applying inline style violates…").
    if (axeInDocument.has(page) && /Refused to apply inline style|Applying inline style violates/i.test(m.text())) return;
    // A 4xx answer to a form post (validation, wrong password) is expected; the
    // browser still reports it as a failed resource.
    if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

/**
 * Signs a demo person in through the form, typing like a person, and waits for the
 * signed-in header (the router changes the address before it renders).
 */
export async function signInWithForm(page: Page, appUrl: string, email: string, password = "passerelle-demo") {
  await page.goto(`${appUrl}/login`);
  await page.locator('input[name="email"]').pressSequentially(email, { delay: 15 });
  await page.locator('input[name="password"]').pressSequentially(password, { delay: 15 });
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.locator('main button[type="submit"]').click()]);
  await page.waitForSelector(".account-menu", { state: "attached" });
}

/** The account id of a member, by her sign-in email; null once she is gone (an erased account). */
export async function findMemberId(app: TestApp, email: string): Promise<string | null> {
  const row = await app.server.services.db.asSystem("test: a member's id by email", (tx) =>
    tx.selectFrom("auth.users").select("id").where("email", "=", email).executeTakeFirst(),
  );
  return row?.id ?? null;
}

/** The account id of a member who must exist (a demo account, one the test created). */
export async function memberIdByEmail(app: TestApp, email: string): Promise<string> {
  const id = await findMemberId(app, email);
  if (!id) throw new Error(`no account for ${email}`);
  return id;
}

/**
 * axe needs script in the page: a page used without JavaScript is checked in a twin, the
 * same address and session (its cookies) at the same width in a JavaScript context of its own.
 */
export async function expectAccessibleTwin(browser: Browser, page: Page, label: string) {
  const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  try {
    await context.addCookies(await page.context().cookies());
    const twin = await context.newPage();
    await twin.goto(page.url());
    await expectAccessible(twin, label);
  } finally {
    await context.close();
  }
}

/** The widths every page is looked at: a phone (390 px) and a desktop (1280 px). */
export const SCREEN_WIDTHS = [
  { label: "390", viewport: { width: 390, height: 844 } },
  { label: "desktop", viewport: { width: 1280, height: 900 } },
] as const;

/** Full-page screenshots at both widths (`<pathPrefix>-390.png`, `<pathPrefix>-desktop.png`); the page's own size is restored. */
export async function screenshotAtTwoWidths(page: Page, pathPrefix: string) {
  const size = page.viewportSize();
  for (const { label, viewport } of SCREEN_WIDTHS) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${pathPrefix}-${label}.png`, fullPage: true });
  }
  if (size) await page.setViewportSize(size);
}
