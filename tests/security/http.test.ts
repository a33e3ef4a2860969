// HTTP hardening of the real server (server/http.ts + the Remix routes): CSP with a
// per-request nonce, cookie flags, the Origin check on mutations, body limits,
// sign-in rate limit and account lockout, no state change on GET, /healthz and
// open redirects. One embedded app serves most of the file; a second one, set up
// as an https deployment, checks the Secure cookie and a database outage.
import { readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, SIGN_IN_PER_MINUTE } from "../../server/http";
import { MAX_FAILED_SIGN_INS } from "../../app/utils/auth/local.server";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { canSignIn, Client, DEMO, DEMO_PASSWORD, errorsOf, parseCsp, signedIn, signIn, type HttpResult, type Submission } from "./helpers";

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const SCRIPT_TAG = /<script\b[^>]*>/gi;

/** Checks the security headers every response must carry; returns the script nonce. */
function expectHardenedHeaders(res: HttpResult, label: string): string {
  const csp = parseCsp(res.headers["content-security-policy"]);
  const scriptSrc = csp.get("script-src");
  expect(scriptSrc, `${label}: script-src`).toBeDefined();
  const nonces = (scriptSrc ?? []).filter((s) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(s));
  expect(nonces, `${label}: exactly one script nonce`).toHaveLength(1);
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"]) {
    expect(scriptSrc, `${label}: script-src must not allow ${bad}`).not.toContain(bad);
  }
  expect(csp.get("default-src"), `${label}: default-src`).toEqual(["'self'"]);
  expect(csp.get("frame-ancestors"), `${label}: frame-ancestors`).toEqual(["'none'"]);
  expect(csp.get("object-src"), `${label}: object-src`).toEqual(["'none'"]);
  expect(csp.get("script-src-attr"), `${label}: no inline event handlers`).toEqual(["'none'"]);
  expect(res.headers["x-content-type-options"], `${label}: nosniff`).toBe("nosniff");
  return (nonces[0] ?? "").slice("'nonce-".length, -1);
}

describe("security headers", () => {
  it("every response has a CSP with a fresh script nonce matching every <script> tag, nosniff and frame-ancestors 'none'", async () => {
    const client = new Client(app.url);
    const pages = [
      "/",
      "/login",
      "/signup",
      "/password/forgot",
      "/password/reset?token=abc",
      "/terms",
      "/privacy",
      "/dev/mailbox",
      "/no-such-page",
    ];
    const seen = new Set<string>();
    for (const page of pages) {
      const res = await client.get(page);
      // The dev mailbox is a 404 to anyone but an admin.
      expect(res.status, page).toBe(page === "/no-such-page" || page === "/dev/mailbox" ? 404 : 200);
      expect(res.headers["content-type"], page).toMatch(/^text\/html/);
      const nonce = expectHardenedHeaders(res, page);
      seen.add(nonce);
      const tags = res.body.match(SCRIPT_TAG) ?? [];
      // Remix's hydration scripts are there, and every one of them carries the header's nonce.
      expect(tags.length, `${page}: script tags`).toBeGreaterThanOrEqual(2);
      for (const tag of tags) expect(tag, `${page}: ${tag}`).toContain(`nonce="${nonce}"`);
      // No inline handlers either (script-src-attr 'none' would block them anyway).
      expect(res.body, `${page}: inline event handler`).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    }
    // A nonce is per request, never reused.
    expect(seen.size).toBe(pages.length);

    // Non-HTML answers are covered too: JSON, static files, a redirect, the Origin refusal, a signed-in page.
    const others: Array<[string, HttpResult]> = [
      ["/healthz", await client.get("/healthz")],
      ["/styles/app.css", await client.get("/styles/app.css")],
      ["/favicon.svg", await client.get("/favicon.svg")],
      ["/members (redirect)", await client.get("/members")],
      ["POST /lang (refused)", await client.post("/lang", { locale: "en-CA" }, { origin: "https://evil.example" })],
      ["loader JSON", await client.loader("/", "root")],
    ];
    for (const [label, res] of others) {
      expect(res.status, label).toBeLessThan(500);
      expectHardenedHeaders(res, label);
    }
  });

  it("the session cookie is HttpOnly, SameSite=Lax, path / (and not Secure on plain http)", async () => {
    const client = new Client(app.url);
    const res = await signIn(client, DEMO.membre);
    expect(res.status).toBe(302);
    const cookie = res.setCookies.find((c) => c.startsWith("passerelle_session="));
    expect(cookie, res.setCookies.join("\n")).toBeDefined();
    const attributes = (cookie ?? "").split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes).not.toContain("secure");

    // The language cookie follows the same rules.
    const lang = await client.post("/lang", { locale: "en-CA", redirectTo: "/" });
    const langCookie = lang.setCookies.find((c) => c.startsWith("passerelle_lang="));
    expect(langCookie).toBeDefined();
    expect(langCookie?.toLowerCase()).toContain("httponly");
    expect(langCookie?.toLowerCase()).toContain("samesite=lax");
  });
});

describe("Origin check on mutations", () => {
  it("refuses a POST without Origin (and without Referer) or from a foreign origin, and changes nothing", async () => {
    const refused: Array<[string, Parameters<Client["post"]>[2]]> = [
      ["no Origin, no Referer", { origin: null }],
      ["foreign Origin", { origin: "https://evil.example" }],
      ["Origin null (sandboxed frame)", { origin: "null" }],
      ["look-alike Origin", { origin: `${app.url}.evil.example` }],
      ["other port on localhost", { origin: "http://localhost:1" }],
      ["https of our host", { origin: app.url.replace("http://", "https://") }],
      ["foreign Referer only", { origin: null, headers: { Referer: "https://evil.example/page" } }],
    ];
    for (const [label, options] of refused) {
      const client = new Client(app.url);
      const res = await client.post("/lang", { locale: "en-CA", redirectTo: "/" }, options);
      expect(res.status, label).toBe(403);
      expect(res.setCookies, label).toEqual([]);
      expect(client.jar.has("passerelle_lang"), label).toBe(false);
      const home = await client.get("/");
      expect(home.body, label).toMatch(/<html lang="fr-CA"/);
    }
    // Other mutating methods are refused the same way.
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await new Client(app.url).request(method, "/profile", "x=1", {
        origin: null,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(res.status, method).toBe(403);
    }
  });

  it("accepts the same POST from our own origin (or our own Referer): the refusals above are the Origin check's doing", async () => {
    for (const options of [{}, { origin: null, headers: { Referer: `${app.url}/profile` } }]) {
      const client = new Client(app.url);
      const res = await client.post("/lang", { locale: "en-CA", redirectTo: "/" }, options);
      expect(res.status).toBe(302);
      expect(client.jar.has("passerelle_lang")).toBe(true);
      expect((await client.get("/")).body).toMatch(/<html lang="en-CA"/);
    }
  });

  it("a foreign-origin sign-up creates no account", async () => {
    const email = "csrf-victim@example.ca";
    const password = "une phrase de passe solide";
    const res = await new Client(app.url).post(
      "/signup",
      {
        email,
        password,
        displayName: "Compte forgé",
        discipline: "infirmiere",
        region: "11",
        languages: ["fr"],
        acceptTerms: "on",
        acceptPrivacy: "on",
      },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    expect(res.setCookies).toEqual([]);
    expect(await canSignIn(app.url, email, password)).toBe(false);
    const users = await app.server.services.db.asSystem("test: look for the forged account", (tx) =>
      tx.selectFrom("auth.users").select("id").where("email", "=", email).execute(),
    );
    expect(users).toEqual([]);
  });

  it("a foreign-origin POST cannot sign a member out or edit their profile", async () => {
    const member = await signedIn(app.url, DEMO.membre);
    const before = (await member.loader("/profile", "profile")).json<{ profile: { display_name: string } }>();

    const logout = await member.post("/logout", {}, { origin: "https://evil.example" });
    expect(logout.status).toBe(403);
    const edit = await member.post(
      "/profile",
      { displayName: "Pirate", discipline: "medecin", region: "01", languages: ["en"], locale: "en-CA" },
      { origin: "https://evil.example" },
    );
    expect(edit.status).toBe(403);

    const after = await member.loader("/profile", "profile");
    expect(after.status).toBe(200);
    expect(after.json<{ profile: { display_name: string } }>().profile.display_name).toBe(before.profile.display_name);
  });
});

describe("Origin vs Host", () => {
  // An Origin we allow (http://localhost:PORT) sent to a Host of 127.0.0.1:PORT, or
  // with a forged X-Forwarded-Host: browsers never send these pairs. Remix's own check
  // would answer 500; server/http.ts answers 403 and nothing changes.
  it("a document POST whose allowed Origin does not match the Host (or X-Forwarded-Host) answers 403, not 500", async () => {
    const port = new URL(app.url).port;
    const cases: Array<[string, Record<string, string>]> = [
      ["Host 127.0.0.1", { Host: `127.0.0.1:${port}` }],
      ["forged X-Forwarded-Host", { "X-Forwarded-Host": "evil.example" }],
    ];
    for (const [label, headers] of cases) {
      const client = new Client(app.url);
      const res = await client.post("/lang", { locale: "en-CA", redirectTo: "/" }, { headers });
      expect(res.status, label).toBe(403);
      expect(res.setCookies, label).toEqual([]);
    }
  });
});

describe("body size limits", () => {
  const padded = (bytes: number) => {
    const head = "locale=en-CA&redirectTo=%2F&pad=";
    return head + "a".repeat(bytes - head.length);
  };

  it(`a body over MAX_BODY_BYTES (${MAX_BODY_BYTES}) is refused with 413 before anything runs`, async () => {
    const client = new Client(app.url);
    const res = await client.post("/lang", padded(MAX_BODY_BYTES + 1));
    expect(res.status).toBe(413);
    expect(client.jar.has("passerelle_lang")).toBe(false);

    const big = await new Client(app.url).post("/signup", {
      email: "too-big@example.ca",
      password: "une phrase de passe solide",
      displayName: "x".repeat(MAX_BODY_BYTES),
      discipline: "infirmiere",
      region: "11",
      languages: ["fr"],
      acceptTerms: "on",
      acceptPrivacy: "on",
    });
    expect(big.status).toBe(413);
    expect(await canSignIn(app.url, "too-big@example.ca", "une phrase de passe solide")).toBe(false);
  });

  it("a body of exactly MAX_BODY_BYTES is still accepted (the limit is the limit)", async () => {
    const client = new Client(app.url);
    const res = await client.post("/lang", padded(MAX_BODY_BYTES));
    expect(res.status).toBe(302);
    expect(client.jar.has("passerelle_lang")).toBe(true);
  });

  it("a chunked body without Content-Length cannot be sized and is refused (411)", async () => {
    const client = new Client(app.url);
    const res = await client.post("/lang", padded(1000), { headers: { "Transfer-Encoding": "chunked" } });
    expect(res.status).toBe(411);
    expect(client.jar.has("passerelle_lang")).toBe(false);
  });
});

describe("sign-in rate limit (per IP)", () => {
  it(`more than SIGN_IN_PER_MINUTE (${SIGN_IN_PER_MINUTE}) POSTs to /login a minute from one IP answer 429, even with the right password`, async () => {
    const client = new Client(app.url);
    for (let i = 0; i < SIGN_IN_PER_MINUTE; i++) {
      // Distinct unknown addresses, so the per-account lockout never answers first.
      const res = await signIn(client, `inconnu-${i}@example.ca`, "mauvais mot de passe");
      expect(res.status, `attempt ${i + 1}`).toBe(400);
    }
    const limited = await signIn(client, DEMO.membre);
    expect(limited.status).toBe(429);
    expect(limited.body).toContain("Trop de tentatives");
    expect(client.jar.has("passerelle_session")).toBe(false);
    // Only POSTs count: the page itself still loads.
    expect((await client.get("/login")).status).toBe(200);
    // Another IP is not affected: the limit is per client, not global.
    expect(await canSignIn(app.url, DEMO.membre, DEMO_PASSWORD)).toBe(true);
  });

  it("a forged X-Forwarded-For does not get around it (no proxy is trusted on plain http)", async () => {
    const client = new Client(app.url);
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_IN_PER_MINUTE; i++) {
      const res = await client.post(
        "/login",
        { email: `xff-${i}@example.ca`, password: "mauvais mot de passe" },
        { headers: { "X-Forwarded-For": `203.0.113.${i + 1}` } },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array<number>(SIGN_IN_PER_MINUTE).fill(400), 429]);
  });
});

describe("account lockout", () => {
  // Each email is tried from its own IP with MAX_FAILED_SIGN_INS + 1 attempts, within
  // the per-IP limit, so what answers is the lockout and nothing else.
  async function attempts(email: string, rightPassword: string) {
    expect(MAX_FAILED_SIGN_INS + 1).toBeLessThanOrEqual(SIGN_IN_PER_MINUTE);
    const client = new Client(app.url);
    const answers: Array<{ status: number; errors: Record<string, string[]> }> = [];
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      const res = await client.action("/login", "login", { email, password: `faux-${i}-mot-de-passe` });
      answers.push({ status: res.status, errors: errorsOf(res.json<Submission>()) });
    }
    const last = await client.action("/login", "login", { email, password: rightPassword });
    answers.push({ status: last.status, errors: errorsOf(last.json<Submission>()) });
    expect(client.jar.has("passerelle_session")).toBe(false);
    return answers;
  }

  const expected = [
    ...Array.from({ length: MAX_FAILED_SIGN_INS }, () => ({ status: 400, errors: { "": ["errors.invalid_credentials"] } })),
    { status: 429, errors: { "": ["errors.account_locked"] } },
  ];

  it(`after MAX_FAILED_SIGN_INS (${MAX_FAILED_SIGN_INS}) wrong passwords from one IP even the right one is refused there, and only there`, async () => {
    const known = await attempts(DEMO.nouveau, DEMO_PASSWORD);
    expect(known).toEqual(expected);
    // The lock is on the account AND the source: the owner signs in from her own machine
    // (tests/security/accounts.test.ts covers the owner's notice).
    expect(await canSignIn(app.url, DEMO.nouveau, DEMO_PASSWORD)).toBe(true);
    // Other accounts are not locked.
    expect(await canSignIn(app.url, DEMO.mentor, DEMO_PASSWORD)).toBe(true);
  });

  it("an unknown email gets exactly the same sequence of answers as a known one", async () => {
    const unknown = await attempts("personne.inconnue@example.ca", DEMO_PASSWORD);
    expect(unknown).toEqual(expected);
  });
});

describe("no GET changes state", () => {
  it("GET /logout does not sign out; POST /logout does, and the session dies on the server", async () => {
    const member = await signedIn(app.url, DEMO.membre);
    const token = member.jar.get("passerelle_session") ?? "";

    const get = await member.get("/logout");
    expect(get.status).toBe(302);
    expect(get.setCookies).toEqual([]);
    expect((await member.loader("/profile", "profile")).status).toBe(200);

    const post = await member.post("/logout", {});
    expect(post.status).toBe(302);
    expect(member.jar.has("passerelle_session")).toBe(false);
    const signedOut = await member.get("/profile");
    expect(signedOut.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login\?redirectTo=/);
    // Replaying the old cookie does not bring the session back.
    const replay = new Client(app.url);
    replay.jar.set("passerelle_session", token);
    expect((await replay.get("/profile")).location).toMatch(/^\/login/);
  });

  it("GET /lang does not change the language (neither the cookie nor the profile's)", async () => {
    const member = await signedIn(app.url, DEMO.mentor);
    const res = await member.get("/lang?locale=en-CA&redirectTo=%2F");
    expect(res.status).toBe(302);
    expect(res.setCookies).toEqual([]);
    expect((await member.get("/")).body).toMatch(/<html lang="fr-CA"/);
    const profile = (await member.loader("/profile", "profile")).json<{ profile: { locale: string } }>();
    expect(profile.profile.locale).toBe("fr-CA");
  });
});

describe("open redirects", () => {
  const hostile = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:evil.example",
    " //evil.example",
    "/\t/evil.example",
  ];

  it("sign-in with redirectTo pointing off-site lands on /", async () => {
    for (const redirectTo of hostile.slice(0, 3)) {
      const client = new Client(app.url);
      const res = await client.post("/login", { email: DEMO.membre, password: DEMO_PASSWORD, redirectTo });
      expect(res.status, redirectTo).toBe(302);
      expect(res.location, redirectTo).toBe("/");
    }
    // A same-site path is honoured.
    const client = new Client(app.url);
    const ok = await client.post("/login", { email: DEMO.membre, password: DEMO_PASSWORD, redirectTo: "/members?region=09" });
    expect(ok.location).toBe("/members?region=09");
  });

  it("the language switch never redirects off-site either", async () => {
    const client = new Client(app.url);
    for (const redirectTo of hostile) {
      const res = await client.post("/lang", { locale: "fr-CA", redirectTo });
      expect(res.status, redirectTo).toBe(302);
      expect(res.location, redirectTo).toBe("/");
    }
    expect((await client.post("/lang", { locale: "fr-CA", redirectTo: "/terms" })).location).toBe("/terms");
  });
});

describe("/healthz", () => {
  it("reports the database kind and the number of migrations applied", async () => {
    const migrations = readdirSync(path.resolve("supabase/migrations")).filter((f) => f.endsWith(".sql")).length;
    expect(migrations).toBeGreaterThan(0);
    const res = await new Client(app.url).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toEqual({ status: "ok", db: "pglite", migrations });
  });
});

describe("an https deployment (PUBLIC_URL=https://…)", () => {
  const publicUrl = "https://passerelle.example";
  let secure: TestApp;

  beforeAll(async () => {
    secure = await startTestApp({ PUBLIC_URL: publicUrl });
  }, 60_000);

  afterAll(async () => {
    if (!secure) return;
    // The database was closed by the last test: closing it again fails, which is
    // not what is under test here, so clean the data directory by hand.
    const dataDir = secure.server.services.env.DATA_DIR;
    await secure.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it("marks the session cookie Secure, sends HSTS and asks browsers to upgrade requests", async () => {
    const client = new Client(secure.url);
    const host = { Host: new URL(publicUrl).host };
    // Our own http origin is no longer accepted: only the public https one.
    const wrong = await client.post("/login", { email: DEMO.membre, password: DEMO_PASSWORD }, { headers: host });
    expect(wrong.status).toBe(403);
    const res = await client.post("/login", { email: DEMO.membre, password: DEMO_PASSWORD }, { origin: publicUrl, headers: host });
    expect(res.status).toBe(302);
    const cookie = res.setCookies.find((c) => c.startsWith("passerelle_session=")) ?? "";
    const attributes = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "secure"]));
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d{6,}/);
    expect(parseCsp(res.headers["content-security-policy"]).has("upgrade-insecure-requests")).toBe(true);
  });

  it("/healthz answers 503 with a reason once the database is gone", async () => {
    expect((await new Client(secure.url).get("/healthz")).status).toBe(200);
    await secure.server.services.db.close();
    const res = await new Client(secure.url).get("/healthz");
    expect(res.status).toBe(503);
    const body = res.json<{ status: string; db: string; reason: string }>();
    expect(body.status).not.toBe("ok");
    expect(body.db).toBe("pglite");
    expect(typeof body.reason).toBe("string");
    expect(body.reason.length).toBeGreaterThan(0);
  });
});
