import { it } from "vitest";
import { startTestApp } from "../e2e/helpers";
it("probe", async () => {
  const t0 = Date.now();
  const app = await startTestApp();
  console.log("start ms", Date.now() - t0);
  const r = await fetch(app.url + "/login", { redirect: "manual" });
  console.log(r.status, [...r.headers.entries()]);
  const html = await r.text();
  console.log(html.match(/<script[^>]*>/g));
  const r2 = await fetch(app.url + "/login?_data=routes/login", { method: "POST", redirect: "manual", headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" }, body: "email=membre@passerelle.test&password=passerelle-demo" });
  console.log(r2.status, [...r2.headers.entries()], await r2.text());
  const r3 = await fetch(app.url + "/login?_data=routes/login", { method: "POST", redirect: "manual", headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" }, body: "email=membre@passerelle.test&password=wrong" });
  console.log(r3.status, [...r3.headers.entries()], await r3.text());
  const t1 = Date.now();
  await app.close();
  console.log("close ms", Date.now() - t1);
}, 60000);
