import { chromium, type Page } from "playwright-core";
const base = "http://localhost:3999";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
async function session(email: string | null) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  if (email) {
    await page.goto(`${base}/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', "passerelle-demo");
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('main button[type="submit"]')]);
  }
  return { page, problems };
}
const paths = process.argv.slice(3);
const who = process.argv[2] === "anon" ? null : process.argv[2];
const { page, problems } = await session(who);
for (const p of paths) {
  const r = await page.goto(base + p);
  await page.waitForTimeout(300);
  const name = `${(who ?? "anon").split("@")[0]}-${p.replace(/[^a-z0-9]+/gi, "_")}`;
  await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  console.log(p, r?.status(), `/tmp/shots/${name}.png`);
}
console.log(problems.join("\n"));
await browser.close();
