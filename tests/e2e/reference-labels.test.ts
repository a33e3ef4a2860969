// What a person reads where reference data shows: regions, event series and tool
// publishers are words in the page's language, never codes, and a region has the same
// name on every page (the one source, app/utils/reference-labels.ts). The pages are
// read over HTTP as an admin who chose English (and in French for the codes), and
// only their visible text is checked: the loader data in the page's scripts keeps
// the stored values, which is fine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import quebec from "../../supabase/data/quebec.json";
import { type Client, DEMO, signedIn } from "../security/helpers";
import { startTestApp, type TestApp } from "./helpers";
import { visibleText } from "./page-text";

let app: TestApp;
let english: Client;
let french: Client;

async function page(client: Client, path: string): Promise<string> {
  const res = await client.get(path);
  expect(res.status, path).toBe(200);
  return visibleText(res.body);
}

// Regions whose French name differs from the English one, and the stored French
// texts built from reference data (a regional channel's description, the series).
const frenchOnlyRegions = quebec.regions.filter((r) => r.fr !== r.en).map((r) => r.fr);
const frenchOnlyTexts = [...frenchOnlyRegions, "Échanges entre membres de la région", ...quebec.eventSeries.map((s) => s.fr)];

beforeAll(async () => {
  app = await startTestApp();
  english = await signedIn(app.url, DEMO.admin);
  const switched = await english.post("/lang", { locale: "en-CA", redirectTo: "/" });
  expect(switched.status).toBe(302);
  french = await signedIn(app.url, DEMO.admin);
}, 120_000);
afterAll(async () => {
  await app?.close();
});

describe("reference data in English", () => {
  it("has one English and one French name per region code", () => {
    expect(frenchOnlyRegions.length).toBeGreaterThan(0);
    for (const region of quebec.regions) {
      expect(region.code).toMatch(/^\d{2}$/);
      expect(region.fr.trim()).not.toBe("");
      expect(region.en.trim()).not.toBe("");
    }
    expect(new Set(quebec.regions.map((r) => r.code)).size).toBe(18);
  });

  it("names no region, channel or event series in French on any page an English reader opens", async () => {
    const forums = await english.get("/forums");
    const regionCategory = /href="(\/forums\/c\/region-04-[a-z0-9-]+)"/.exec(forums.body)?.[1];
    expect(regionCategory, "the Mauricie forum is linked from /forums").toBeTruthy();
    const channels = await english.get("/chat/channels");
    const mauricie = /<h2 class="card__title">(?:<a href="\/chat\/([0-9a-f-]+)">)?Mauricie and Centre-du-Québec/.exec(channels.body);
    expect(mauricie, "the Mauricie channel, named in English, on /chat/channels").toBeTruthy();
    const ids = [...channels.body.matchAll(/name="conversationId" value="([0-9a-f-]+)"/g)].map((m) => m[1] ?? "");
    const member = (await english.loader("/admin", "admin._index")).json<{ members: Array<{ id: string }> }>().members[0];

    const paths = [
      "/",
      "/forums",
      regionCategory ?? "",
      "/chat/channels",
      "/members",
      "/members?region=04",
      "/admin",
      `/admin/members/${member?.id ?? ""}`,
      "/tools",
      "/search?q=buprenorphine",
      "/cases",
      "/profile",
    ];
    // Join a regional channel and read it, as a member of the region would.
    if (ids[3]) {
      const joined = await english.post("/chat/channels", { conversationId: ids[3] });
      expect(joined.status).toBe(302);
      paths.push(joined.location ?? "");
    }
    for (const path of paths) {
      const text = await page(english, path);
      for (const french of frenchOnlyTexts) expect(text, `${path} shows "${french}"`).not.toContain(french);
    }
    expect(await page(english, "/chat/channels")).toContain("Conversations among members in region 04 — Mauricie and Centre-du-Québec.");
    expect(await page(english, "/")).toContain("Managers' meetings on addiction and homelessness");
  });

  it("shows the region's name, not its code, in the admin members table", async () => {
    const text = await page(english, "/admin");
    // The demo nurse works in Côte-Nord (09).
    expect(text).toMatch(/Côte-Nord/);
    expect(text).not.toMatch(/ 09 /);
  });
});

describe("the audit log", () => {
  for (const [locale, reader] of [
    ["fr-CA", () => french],
    ["en-CA", () => english],
  ] as const) {
    it(`summarises each action's details in words, not JSON (${locale})`, async () => {
      const text = await page(reader(), "/admin/audit");
      expect(text).not.toMatch(/[{}]|"\w+":|order_register/);
      // The demo verifications were checked in the order's public register.
      expect(text).toContain(locale === "en-CA" ? "Method: Order register" : "Méthode\u00a0: Registre de l'ordre");
    });
  }
});

describe("tool publishers", () => {
  for (const [locale, reader] of [
    ["fr-CA", () => french],
    ["en-CA", () => english],
  ] as const) {
    it(`are organisation names, not codes, on the home page, the library and its filters (${locale})`, async () => {
      const codes = quebec.organisations.filter((o) => !/^[A-Z]+$/.test(o.code)).map((o) => o.code);
      expect(codes).toContain("FORMATION_CROISEE");
      for (const path of ["/", "/tools", "/tools?q=formation", "/search?q=formation"]) {
        const text = await page(reader(), path);
        for (const code of codes) expect(text, `${path} (${locale})`).not.toContain(code);
      }
      const library = await page(reader(), "/tools");
      const crossTraining = quebec.organisations.find((o) => o.code === "FORMATION_CROISEE");
      expect(library).toContain(locale === "en-CA" ? crossTraining?.en : crossTraining?.fr);
    });
  }
});
