import { chromium } from "playwright-core";
const base = "http://localhost:3999";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const ctx = await browser.newContext();
const page = await ctx.newPage();
page.on("console", (m) => console.log("console", m.type(), m.text()));
await page.goto(`${base}/login`);
await page.fill('input[name="email"]', "mentor@passerelle.test");
await page.fill('input[name="password"]', "passerelle-demo");
await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('main button[type="submit"]')]);
await page.goto(`${base}/forums/t/3`);
await page.click('#p-2 a:has-text("Modifier")');
await page.waitForURL("**/edit");
const PAYLOADS = [
  "<script>window.__xss=1</script>",
  "<img src=x onerror=\"window.__xss=1\">",
  "<svg/onload=window.__xss=1>",
  "\"><iframe src=\"javascript:window.__xss=1\"></iframe>",
  "javascript:window.__xss=1",
  "[clic](javascript:window.__xss=1)",
  "[clic](JaVaScRiPt:window.__xss=1)",
  "[clic](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
  "<a href=\"javascript:window.__xss=1\">lien</a>",
  "@[<img src=x onerror=window.__xss=1>](member:00000000-0000-4000-8000-000000000000)",
  "[<b onmouseover=window.__xss=1>x</b>](topic:1)",
  "{{constructor.constructor('window.__xss=1')()}}",
  "</textarea><script>window.__xss=1</script>",
  "<style>*{display:none}</style><div style=\"background:url(javascript:window.__xss=1)\">",
  "&lt;script&gt;window.__xss=1&lt;/script&gt;",
  "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
];
const accepted = PAYLOADS.filter((p) => !p.includes("](member:"));
await page.fill("#edit-body", accepted.slice().reverse().join("\n\n"));
await page.waitForTimeout(1000);
await page.screenshot({ path: "/tmp/shots/edit1.png", fullPage: true });
await page.click('button:has-text("Enregistrer les modifications")');
await page.waitForTimeout(2000);
console.log(page.url());
await page.screenshot({ path: "/tmp/shots/edit2.png", fullPage: true });
await browser.close();
