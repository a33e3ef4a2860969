import { chromium } from "playwright-core";
const base = "http://localhost:3999";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await (await browser.newContext()).newPage();
page.on("console", (m) => console.log("console", m.type(), m.text().slice(0, 100)));
await page.goto(`${base}/forums`);
for (const how of ["template", "createHTMLDocument", "DOMParser", "datatransfer"]) {
  console.log("---", how);
  await page.evaluate((how) => {
    const html = "<img src=x onerror=\"window.__xss=1\">";
    if (how === "template") { const t = document.createElement("template"); t.innerHTML = html; }
    if (how === "createHTMLDocument") { const d = document.implementation.createHTMLDocument("t"); d.body.innerHTML = html; }
    if (how === "DOMParser") { new DOMParser().parseFromString(html, "text/html"); }
    if (how === "datatransfer") { const d = new DataTransfer(); d.setData("text/html", html); d.getData("text/html"); }
  }, how);
  await page.waitForTimeout(500);
}
await browser.close();
