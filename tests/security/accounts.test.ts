// Accounts against the people who would abuse them: nobody can lock someone else out,
// the sign-in limits count the real client (TRUST_PROXY), sign-up does not tell who is
// registered, password and email changes need the current password (and the new
// address's confirmation), members hear when they are verified, and only those who
// may vouch are offered to.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_FAILED_SIGN_INS } from "../../app/utils/auth/local.server";
import { SIGN_IN_PER_MINUTE } from "../../server/http";
import { startTestApp, type TestApp } from "../e2e/helpers";
import {
  canSignIn,
  Client,
  DEMO,
  DEMO_PASSWORD,
  errorsOf,
  signedIn,
  signIn,
  visibleText,
  type FormInput,
  type Submission,
} from "./helpers";

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const PASSWORD = "une phrase de passe solide";

function validSignup(email: string, displayName = "Julie Bernier"): FormInput {
  return {
    email,
    password: PASSWORD,
    displayName,
    discipline: "infirmiere",
    region: "11",
    establishment: "CISSS de la Gaspésie",
    establishmentKind: "cisss",
    orderCode: "OIIQ",
    permitNumber: "1234567",
    languages: ["fr"],
    topics: ["tao"],
    acceptTerms: "on",
    acceptPrivacy: "on",
  };
}

/** Mail written to the outbox for one address, oldest first. */
async function mailTo(target: TestApp, to: string) {
  return target.server.services.db.asSystem("test: read the outbox", (tx) =>
    tx.selectFrom("outbox").select(["kind", "subject", "body_text"]).where("to_email", "=", to).orderBy("id").execute(),
  );
}

/** The language cookie as the server writes it (Remix cookies: base64 JSON). */
const langCookie = (locale: string) => encodeURIComponent(Buffer.from(JSON.stringify(locale)).toString("base64"));

async function userId(email: string): Promise<string> {
  const row = await app.server.services.db.asSystem("test: find an account", (tx) =>
    tx.selectFrom("auth.users").select("id").where("email", "=", email).executeTakeFirstOrThrow(),
  );
  return row.id;
}

async function failSignIns(client: Client, email: string, times: number) {
  for (let i = 0; i < times; i++) {
    const res = await client.action("/login", "login", { email, password: `faux-${i}-mot-de-passe` });
    expect(res.status, `failed attempt ${i + 1}`).toBe(400);
  }
}

describe("sign-in lockout: per account AND source, and the owner is told once", () => {
  it("five wrong passwords from one place lock that place only: the admin still signs in from her own machine", async () => {
    const attacker = new Client(app.url);
    await failSignIns(attacker, DEMO.admin, MAX_FAILED_SIGN_INS);
    const locked = await attacker.action("/login", "login", { email: DEMO.admin, password: DEMO_PASSWORD });
    expect(locked.status).toBe(429);
    expect(errorsOf(locked.json<Submission>())).toEqual({ "": ["errors.account_locked"] });
    expect(attacker.jar.has("passerelle_session")).toBe(false);

    // The owner, from another address, is not locked out.
    expect(await canSignIn(app.url, DEMO.admin, DEMO_PASSWORD)).toBe(true);
  });

  it("the owner gets one email per lockout episode, however many places lock her account", async () => {
    const before = (await mailTo(app, DEMO.mentor)).filter((m) => m.kind === "sign_in_lockout").length;
    expect(before).toBe(0);
    await failSignIns(new Client(app.url), DEMO.mentor, MAX_FAILED_SIGN_INS);
    let notices = (await mailTo(app, DEMO.mentor)).filter((m) => m.kind === "sign_in_lockout");
    expect(notices).toHaveLength(1);
    expect(notices[0]?.subject).toContain("bloquées");
    expect(notices[0]?.body_text).toContain("/password/forgot");
    // A second place locks it too: same episode, no second email.
    await failSignIns(new Client(app.url), DEMO.mentor, MAX_FAILED_SIGN_INS);
    notices = (await mailTo(app, DEMO.mentor)).filter((m) => m.kind === "sign_in_lockout");
    expect(notices).toHaveLength(1);
    // Unknown addresses get no mail at all (and the same answers, tests/security/http.test.ts).
    await failSignIns(new Client(app.url), "personne@example.ca", MAX_FAILED_SIGN_INS);
    expect(await mailTo(app, "personne@example.ca")).toEqual([]);
  });
});

describe("sign-up does not tell whether an address is registered", () => {
  it("a taken address gets exactly the answer a new one gets; its owner is emailed instead", async () => {
    const fresh = await new Client(app.url).action("/signup", "signup", validSignup("nouvelle.personne@example.ca"));
    const taken = await new Client(app.url).action("/signup", "signup", validSignup(DEMO.membre, "Quelqu'un d'autre"));
    for (const res of [fresh, taken]) {
      expect(res.status).toBe(204);
      expect(res.location).toBe("/login?created=1");
      expect(res.setCookies).toEqual([]);
    }
    expect(taken.body).toBe(fresh.body);

    // The new member is welcomed and signs in with her password.
    const welcome = await mailTo(app, "nouvelle.personne@example.ca");
    expect(welcome.map((m) => m.kind)).toEqual(["welcome"]);
    expect(await canSignIn(app.url, "nouvelle.personne@example.ca", PASSWORD)).toBe(true);

    // The owner of the taken address hears that someone tried, with a way in; her account is untouched.
    const attempt = (await mailTo(app, DEMO.membre)).filter((m) => m.kind === "signup_attempt");
    expect(attempt).toHaveLength(1);
    expect(attempt[0]?.body_text).toContain("/login");
    expect(attempt[0]?.body_text).toContain("/password/forgot");
    expect(await canSignIn(app.url, DEMO.membre, DEMO_PASSWORD)).toBe(true);
    expect(await canSignIn(app.url, DEMO.membre, PASSWORD)).toBe(false);
  });

  it("the page after sign-up says to check one's email, in both languages", async () => {
    const fr = visibleText((await new Client(app.url).get("/login?created=1")).body);
    expect(fr).toContain("Vérifiez vos courriels");
    const english = new Client(app.url);
    english.jar.set("passerelle_lang", langCookie("en-CA"));
    const en = visibleText((await english.get("/login?created=1")).body);
    expect(en).toContain("Check your email");
  });
});

describe("changing one's password", () => {
  it("needs the current password; then every other session ends, this one stays, and the owner is told", async () => {
    const email = "mot.de.passe@example.ca";
    expect((await new Client(app.url).post("/signup", validSignup(email))).status).toBe(302);
    const here = await signedIn(app.url, email, PASSWORD);
    const phone = await signedIn(app.url, email, PASSWORD);
    const newPassword = "un tout nouveau mot de passe";

    const wrong = await here.action("/profile/security", "profile_.security", {
      intent: "password",
      currentPassword: "pas le bon mot de passe",
      password: newPassword,
      confirm: newPassword,
    });
    expect(wrong.status).toBe(400);
    expect(errorsOf(wrong.json<{ result: Submission }>().result)).toEqual({ currentPassword: ["errors.current_password_wrong"] });
    expect(await canSignIn(app.url, email, PASSWORD)).toBe(true);

    const done = await here.post("/profile/security", {
      intent: "password",
      currentPassword: PASSWORD,
      password: newPassword,
      confirm: newPassword,
    });
    expect(done.status).toBe(302);
    expect(done.location).toBe("/profile/security?password=changed");
    expect(await canSignIn(app.url, email, PASSWORD)).toBe(false);
    expect(await canSignIn(app.url, email, newPassword)).toBe(true);
    // This device is still signed in; the other one is not.
    expect((await here.get("/profile")).status).toBe(200);
    const other = await phone.get("/profile");
    expect(other.status).toBe(302);
    expect(other.location).toMatch(/^\/login/);
    expect((await mailTo(app, email)).map((m) => m.kind)).toContain("password_changed");

    // The stored hash is argon2id.
    const stored = await app.server.services.db.asSystem("test: read the hash", (tx) =>
      tx.selectFrom("auth.users").select("encrypted_password").where("email", "=", email).executeTakeFirstOrThrow(),
    );
    expect(stored.encrypted_password).toMatch(/^\$argon2id\$/);
  });
});

describe("changing one's email address", () => {
  it("needs the current password, sends the link to the NEW address, tells the old one, and changes only on a confirming POST", async () => {
    const oldEmail = "ancienne.adresse@example.ca";
    const newEmail = "nouvelle.adresse@example.ca";
    expect((await new Client(app.url).post("/signup", validSignup(oldEmail))).status).toBe(302);
    const member = await signedIn(app.url, oldEmail, PASSWORD);

    const wrong = await member.action("/profile/security", "profile_.security", {
      intent: "email",
      currentPassword: "pas le bon",
      newEmail,
    });
    expect(wrong.status).toBe(400);
    expect(errorsOf(wrong.json<{ result: Submission }>().result)).toEqual({ currentPassword: ["errors.current_password_wrong"] });
    expect(await mailTo(app, newEmail)).toEqual([]);

    const asked = await member.post("/profile/security", { intent: "email", currentPassword: PASSWORD, newEmail });
    expect(asked.status).toBe(302);
    expect(asked.location).toBe("/profile/security?email=sent");
    const [confirmMail] = await mailTo(app, newEmail);
    expect(confirmMail?.kind).toBe("email_change_confirm");
    const link = /https?:\/\/\S+\/profile\/email\/confirm\?token=\S+/.exec(confirmMail?.body_text ?? "")?.[0] ?? "";
    expect(link).not.toBe("");
    const notice = (await mailTo(app, oldEmail)).filter((m) => m.kind === "email_change_notice");
    expect(notice).toHaveLength(1);
    expect(notice[0]?.body_text).toContain(newEmail);

    // Opening the link (a GET, as mail scanners do) changes nothing.
    const path = new URL(link).pathname + new URL(link).search;
    const page = await new Client(app.url).get(path);
    expect(page.status).toBe(200);
    expect(await canSignIn(app.url, oldEmail, PASSWORD)).toBe(true);
    expect(await canSignIn(app.url, newEmail, PASSWORD)).toBe(false);

    // The POST confirms, from any browser; the token works once.
    const token = new URL(link).searchParams.get("token") ?? "";
    const confirmed = await new Client(app.url).post("/profile/email/confirm", { token });
    expect(confirmed.status).toBe(302);
    expect(await canSignIn(app.url, newEmail, PASSWORD)).toBe(true);
    expect(await canSignIn(app.url, oldEmail, PASSWORD)).toBe(false);
    const id = await userId(newEmail);
    const contact = await app.server.services.db.asSystem("test: contact address", (tx) =>
      tx.selectFrom("profile_private").select("contact_email").where("user_id", "=", id).executeTakeFirstOrThrow(),
    );
    expect(contact.contact_email).toBe(newEmail);
    const again = await new Client(app.url).action("/profile/email/confirm", "profile_.email.confirm", { token });
    expect(again.status).toBe(400);
    expect(again.json<{ formError: string }>().formError).toBe("errors.email_change_link_invalid");
  });

  it("an address that already has an account gets no link, and the answer is the same", async () => {
    const member = await signedIn(app.url, DEMO.membre);
    const before = (await mailTo(app, DEMO.mentor)).length;
    const res = await member.post("/profile/security", { intent: "email", currentPassword: DEMO_PASSWORD, newEmail: DEMO.mentor });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/profile/security?email=sent");
    expect((await mailTo(app, DEMO.mentor)).length).toBe(before);
  });
});

describe("a member is told when she is verified", () => {
  it("an admin's verification and a sponsor's vouch each give her a bell notification and an email", async () => {
    const email = "a.verifier@example.ca";
    expect((await new Client(app.url).post("/signup", validSignup(email, "Camille Roy"))).status).toBe(302);
    const id = await userId(email);
    const admin = await signedIn(app.url, DEMO.admin);
    const verified = await admin.post(`/admin/members/${id}`, {
      intent: "verify",
      decision: "verified",
      method: "order_register",
      note: "Permis actif au tableau de l'OIIQ.",
    });
    expect(verified.status).toBe(302);

    const member = await signedIn(app.url, email, PASSWORD);
    const page = await member.loader("/notifications", "notifications");
    const { notifications, unread } = page.json<{ notifications: Array<{ kind: string; payload: { url?: string } }>; unread: number }>();
    expect(unread).toBeGreaterThanOrEqual(1);
    expect(notifications.map((n) => n.kind)).toContain("accounts.verified");
    expect(visibleText((await member.get("/notifications")).body)).toContain("Votre compte est vérifié");
    const mails = (await mailTo(app, email)).filter((m) => m.kind === "account_verified");
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body_text).toContain("Camille Roy");

    // Vouching (a mentor for a peer helper) tells her the same way.
    const mentor = await signedIn(app.url, DEMO.mentor);
    const nouveauId = await userId(DEMO.nouveau);
    expect((await mentor.post("/vouch", { userId: nouveauId, note: "Pair aidant à notre site depuis 2022." })).status).toBe(302);
    expect((await mailTo(app, DEMO.nouveau)).map((m) => m.kind)).toContain("account_verified");
    const nouveau = await signedIn(app.url, DEMO.nouveau);
    const theirs = (await nouveau.loader("/notifications", "notifications")).json<{ notifications: Array<{ kind: string }> }>();
    expect(theirs.notifications.map((n) => n.kind)).toContain("accounts.verified");
  });
});

describe("vouching: the copy and the link follow the rule (mentors, moderators, admins)", () => {
  it("a verified member without those roles is neither offered /vouch nor told she can vouch", async () => {
    const membre = await signedIn(app.url, DEMO.membre);
    const home = await membre.get("/");
    expect(home.body).not.toContain('href="/vouch"');
    expect((await membre.get("/vouch")).status).toBe(403);
    const mentor = await signedIn(app.url, DEMO.mentor);
    expect((await mentor.get("/")).body).toContain('href="/vouch"');
    expect((await mentor.get("/vouch")).status).toBe(200);
  });

  it.each([
    ["fr-CA", "membre vérifié", "mentore ou modératrice"],
    ["en-CA", "verified member", "mentor or moderator"],
  ])(
    "%s: the sign-up hint, the terms and the vouch page name mentors and moderators, never any verified member",
    async (locale, wrong, right) => {
      const visitor = new Client(app.url);
      visitor.jar.set("passerelle_lang", langCookie(locale));
      const mentor = await signedIn(app.url, DEMO.mentor);
      mentor.jar.set("passerelle_lang", langCookie(locale));
      const email = `copie-${locale.toLowerCase()}@example.ca`;
      expect((await new Client(app.url).post("/signup", validSignup(email))).status).toBe(302);
      const unverified = await signedIn(app.url, email, PASSWORD);
      unverified.jar.set("passerelle_lang", langCookie(locale));
      for (const [label, text] of [
        ["signup", visibleText((await visitor.get("/signup")).body)],
        ["terms", visibleText((await visitor.get("/terms")).body)],
        ["profile (unverified)", visibleText((await unverified.get("/profile")).body)],
      ] as const) {
        expect(text, label).toContain(right);
        expect(text.toLowerCase(), label).not.toMatch(new RegExp(`(parrain|sponsor)[^.]*${wrong}`));
      }
      const vouch = visibleText((await mentor.get("/vouch")).body).toLowerCase();
      expect(vouch).toContain(locale === "fr-CA" ? "personne mentore" : "as a mentor");
      expect(vouch).not.toContain(locale === "fr-CA" ? "en tant que membre vérifié" : "as a verified member");
    },
  );
});

describe("an https deployment without TRUST_PROXY", () => {
  const publicUrl = "https://passerelle.example";
  let secure: TestApp;

  beforeAll(async () => {
    secure = await startTestApp({ PUBLIC_URL: publicUrl });
  }, 120_000);

  afterAll(async () => {
    const dataDir = secure?.server.services.env.DATA_DIR;
    await secure?.close().catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("a rotating X-Forwarded-For does not get around the sign-in limit", async () => {
    const client = new Client(secure.url);
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_IN_PER_MINUTE; i++) {
      const res = await client.post(
        "/login",
        { email: `xff-${i}@example.ca`, password: "mauvais mot de passe" },
        { origin: publicUrl, headers: { Host: new URL(publicUrl).host, "X-Forwarded-For": `203.0.113.${i + 1}` } },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array<number>(SIGN_IN_PER_MINUTE).fill(400), 429]);
  });
});

describe("behind one trusted proxy (TRUST_PROXY=1)", () => {
  let proxied: TestApp;

  beforeAll(async () => {
    proxied = await startTestApp({ TRUST_PROXY: "1" });
  }, 120_000);

  afterAll(async () => {
    await proxied?.close();
  });

  it("the client address comes from X-Forwarded-For: the limit and the lockout count each client", async () => {
    // All requests come from one socket address (the proxy): the header tells the clients apart.
    const proxy = new Client(proxied.url);
    const from = (ip: string) => ({ headers: { "X-Forwarded-For": ip } });
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      const res = await proxy.post("/login", { email: DEMO.membre, password: `faux-${i}` }, from("198.51.100.7"));
      expect(res.status).toBe(400);
    }
    const locked = await proxy.post("/login", { email: DEMO.membre, password: DEMO_PASSWORD }, from("198.51.100.7"));
    expect(locked.status).toBe(429);
    const owner = await proxy.post("/login", { email: DEMO.membre, password: DEMO_PASSWORD }, from("192.0.2.44"));
    expect(owner.status).toBe(302);
    expect(owner.setCookies.some((c) => c.startsWith("passerelle_session="))).toBe(true);
    expect((await signIn(new Client(proxied.url), DEMO.mentor)).status).toBe(302);
  });
});
