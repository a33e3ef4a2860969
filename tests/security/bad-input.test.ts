// Bad input over the real HTTP forms (rule 7 in docs/architecture.md): every form answers invalid
// input with 400 and field errors (i18n keys), never 500, and saves nothing. Also
// the authorisation answers of the admin and vouching forms, and the password-reset
// flow end to end through the embedded mail outbox (/dev/mailbox).
//
// Each Client comes from its own loopback IP (see helpers.ts), so the per-IP rate
// limits on /login, /signup and the password forms never decide an answer here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS, ROLES } from "../../app/modules/accounts/schemas";
import { startTestApp, type TestApp } from "../e2e/helpers";
import {
  canSignIn,
  Client,
  DEMO,
  DEMO_PASSWORD,
  errorsOf,
  signedIn,
  visibleText,
  type FormInput,
  type HttpResult,
  type Submission,
} from "./helpers";

let app: TestApp;
let admin: Client;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signedIn(app.url, DEMO.admin);
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const PASSWORD = "une phrase de passe solide";

function validSignup(email: string): FormInput {
  return {
    email,
    password: PASSWORD,
    displayName: "Julie Bernier",
    discipline: "infirmiere",
    region: "11",
    establishment: "CISSS de la Gaspésie",
    establishmentKind: "cisss",
    orderCode: "OIIQ",
    permitNumber: "1234567",
    languages: ["fr", "en"],
    topics: ["tao", "naloxone"],
    directoryOptIn: "on",
    acceptTerms: "on",
    acceptPrivacy: "on",
  };
}

async function countUsers(): Promise<number> {
  const row = await app.server.services.db.asSystem("test: count accounts", (tx) =>
    tx
      .selectFrom("auth.users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  );
  return Number(row.n);
}

/** The action's answer must be a 400 carrying exactly these errors. */
function expectRefused(res: HttpResult, expected: Record<string, string[]>, label: string) {
  expect(res.status, `${label}: ${res.body.slice(0, 300)}`).toBe(400);
  expect(res.headers["content-type"], label).toMatch(/^application\/json/);
  expect(errorsOf(res.json<Submission>()), label).toEqual(expected);
}

interface Member {
  id: string;
  display_name: string;
  verification_status: string;
  contact_email: string | null;
  roles: string[];
}

async function listMembers(): Promise<Member[]> {
  const res = await admin.loader("/admin", "admin._index");
  expect(res.status).toBe(200);
  return res.json<{ members: Member[] }>().members;
}

async function memberByEmail(email: string): Promise<Member> {
  const found = (await listMembers()).find((m) => m.contact_email === email);
  if (!found) throw new Error(`no member ${email}`);
  return found;
}

interface AdminMemberView {
  member: {
    profile: { verification_status: string };
    roles: string[];
    history: Array<{ decision: string; method: string; verifier: string | null; note: string }>;
  };
}

async function adminView(id: string): Promise<AdminMemberView["member"]> {
  const res = await admin.loader(`/admin/members/${id}`, "admin.members.$id");
  expect(res.status).toBe(200);
  return res.json<AdminMemberView>().member;
}

async function auditCount(): Promise<number> {
  const res = await admin.loader("/admin/audit", "admin.audit");
  expect(res.status).toBe(200);
  return res.json<{ entries: unknown[] }>().entries.length;
}

/** Signs up a fresh account through the form; returns its id. */
async function createAccount(email: string, overrides: FormInput = {}): Promise<string> {
  const client = new Client(app.url);
  const res = await client.post("/signup", { ...validSignup(email), ...overrides });
  expect(res.status, res.body.slice(0, 300)).toBe(302);
  return (await memberByEmail(email)).id;
}

describe("sign-up", () => {
  it("a valid sign-up works (the baseline every bad case below departs from)", async () => {
    const before = await countUsers();
    const client = new Client(app.url);
    const res = await client.action("/signup", "signup", validSignup("julie.bernier@example.ca"));
    expect(res.status).toBe(204);
    // "Check your email, then sign in": the same answer as for a taken address (tests/security/accounts.test.ts).
    expect(res.location).toBe("/login?created=1");
    expect(await countUsers()).toBe(before + 1);
    expect(await canSignIn(app.url, "julie.bernier@example.ca", PASSWORD)).toBe(true);
  });

  const long = (n: number) => "x".repeat(n);
  const cases: Array<[label: string, changes: FormInput, errors: Record<string, string[]>]> = [
    ["empty email", { email: "" }, { email: ["errors.required"] }],
    ["malformed email", { email: "pas-une-adresse" }, { email: ["errors.email"] }],
    ["email with two @", { email: "a@b@example.ca" }, { email: ["errors.email"] }],
    ["oversized email", { email: `${long(250)}@example.ca` }, { email: ["errors.too_long"] }],
    ["short password", { password: "court" }, { password: ["errors.password_short"] }],
    ["password one short of the minimum", { password: long(LIMITS.passwordMin - 1) }, { password: ["errors.password_short"] }],
    ["oversized password", { password: long(LIMITS.passwordMax + 1) }, { password: ["errors.too_long"] }],
    ["unknown region code", { region: "99" }, { region: ["errors.choice"] }],
    ["missing region", { region: undefined }, { region: ["errors.choice"] }],
    ["unknown discipline", { discipline: "astronaute" }, { discipline: ["errors.choice"] }],
    ["unknown establishment kind", { establishmentKind: "palais" }, { establishmentKind: ["errors.choice"] }],
    ["unknown professional order", { orderCode: "ORDRE_IMAGINAIRE" }, { orderCode: ["errors.choice"] }],
    ["empty display name", { displayName: "" }, { displayName: ["errors.required"] }],
    ["display name of blanks only", { displayName: "   " }, { displayName: ["errors.too_short"] }],
    ["oversized display name", { displayName: long(LIMITS.displayName + 1) }, { displayName: ["errors.too_long"] }],
    ["oversized establishment", { establishment: long(LIMITS.establishment + 1) }, { establishment: ["errors.too_long"] }],
    ["oversized permit number", { permitNumber: "1".repeat(LIMITS.permitNumber + 1) }, { permitNumber: ["errors.too_long"] }],
    ["permit number with odd characters", { permitNumber: "12 34; drop" }, { permitNumber: ["errors.permit_format"] }],
    ["permit number without an order", { orderCode: undefined }, { orderCode: ["errors.order_required"] }],
    ["unknown language (wrong type of value)", { languages: ["xx"] }, { "languages[0]": ["errors.choice"] }],
    ["no language", { languages: undefined }, { languages: ["errors.languages_min"] }],
    ["too many languages", { languages: Array<string>(LIMITS.languages + 1).fill("fr") }, { languages: ["errors.too_many"] }],
    ["unknown topic", { topics: ["astrologie"] }, { "topics[0]": ["errors.choice"] }],
    ["a field sent twice (array for a text)", { displayName: ["Julie", "Bernier"] }, { displayName: ["errors.invalid"] }],
    ["a text field sent twice (optional text)", { establishment: ["A", "B"] }, { establishment: ["errors.invalid"] }],
    ["a checkbox with a made-up value", { directoryOptIn: "yes" }, { directoryOptIn: ["errors.invalid"] }],
    ["terms not accepted", { acceptTerms: undefined }, { acceptTerms: ["errors.consent_terms"] }],
    ["privacy notice not accepted", { acceptPrivacy: undefined }, { acceptPrivacy: ["errors.consent_privacy"] }],
    ["terms 'accepted' with a made-up value", { acceptTerms: "yes" }, { acceptTerms: ["errors.consent_terms"] }],
    [
      "neither consent",
      { acceptTerms: undefined, acceptPrivacy: undefined },
      { acceptTerms: ["errors.consent_terms"], acceptPrivacy: ["errors.consent_privacy"] },
    ],
  ];

  it.each(cases)("%s → 400 with the field error, nothing created", async (label, changes, errors) => {
    const email = `cas-${label.replace(/[^a-z]+/gi, "-").toLowerCase()}@example.ca`;
    const form = { ...validSignup(email), ...changes };
    const before = await countUsers();
    const client = new Client(app.url);
    const res = await client.action("/signup", "signup", form);
    expectRefused(res, errors, label);
    expect(client.jar.has("passerelle_session"), label).toBe(false);
    expect(await countUsers(), label).toBe(before);
    const triedEmail = typeof form.email === "string" ? form.email : email;
    const triedPassword = typeof form.password === "string" ? form.password : PASSWORD;
    expect(await canSignIn(app.url, triedEmail || email, triedPassword), label).toBe(false);
  });

  it("a duplicate email answers like a new one (check your email), creates nothing; the existing member keeps their password", async () => {
    const before = await countUsers();
    for (const email of [DEMO.membre, ` ${DEMO.membre.toUpperCase()} `]) {
      const client = new Client(app.url);
      const res = await client.action("/signup", "signup", { ...validSignup(email), password: "un autre mot de passe" });
      expect(res.status, email).toBe(204);
      expect(res.location, email).toBe("/login?created=1");
      expect(client.jar.has("passerelle_session"), email).toBe(false);
    }
    expect(await countUsers()).toBe(before);
    expect(await canSignIn(app.url, DEMO.membre, "un autre mot de passe")).toBe(false);
    expect(await canSignIn(app.url, DEMO.membre, DEMO_PASSWORD)).toBe(true);
    // Their profile was not touched either.
    expect((await memberByEmail(DEMO.membre)).display_name).toBe("Isabelle Gagnon");
  });

  it("the HTML form (no ?_data) also answers 400, not 500", async () => {
    const res = await new Client(app.url).post("/signup", { ...validSignup("html@example.ca"), region: "99" });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(visibleText(res.body)).toContain("Choisissez une option de la liste.");
  });
});

describe("profile (signed in as membre)", () => {
  let member: Client;
  interface ProfileData {
    profile: Record<string, unknown> & { display_name: string; bio: string | null; verification_status: string };
    private: Record<string, unknown> | null;
  }
  let snapshot: ProfileData;
  let base: FormInput;

  const read = async (): Promise<ProfileData> => {
    const res = await member.loader("/profile", "profile");
    expect(res.status).toBe(200);
    const data = res.json<ProfileData>();
    return { profile: data.profile, private: data.private };
  };

  beforeAll(async () => {
    member = await signedIn(app.url, DEMO.membre);
    snapshot = await read();
    const p = snapshot.profile;
    const priv = snapshot.private ?? {};
    base = {
      displayName: String(p.display_name),
      discipline: String(p.discipline),
      region: String(p.region_code),
      establishment: String(p.establishment ?? ""),
      establishmentKind: String(p.establishment_kind ?? ""),
      orderCode: String(priv.order_code ?? ""),
      permitNumber: String(priv.permit_number ?? ""),
      languages: p.languages as string[],
      topics: p.topics as string[],
      bio: String(p.bio ?? ""),
      directoryOptIn: p.directory_opt_in ? "on" : undefined,
      locale: String(p.locale),
    };
  });

  const cases: Array<[string, FormInput, Record<string, string[]>]> = [
    ["empty display name", { displayName: "" }, { displayName: ["errors.required"] }],
    ["display name too short", { displayName: "x" }, { displayName: ["errors.too_short"] }],
    ["oversized display name", { displayName: "x".repeat(LIMITS.displayName + 1) }, { displayName: ["errors.too_long"] }],
    ["unknown region", { region: "99" }, { region: ["errors.choice"] }],
    ["unknown discipline", { discipline: "astronaute" }, { discipline: ["errors.choice"] }],
    ["unknown establishment kind", { establishmentKind: "palais" }, { establishmentKind: ["errors.choice"] }],
    ["oversized establishment", { establishment: "x".repeat(LIMITS.establishment + 1) }, { establishment: ["errors.too_long"] }],
    ["oversized permit number", { permitNumber: "9".repeat(LIMITS.permitNumber + 1) }, { permitNumber: ["errors.too_long"] }],
    ["permit number with odd characters", { permitNumber: "<script>" }, { permitNumber: ["errors.permit_format"] }],
    ["permit number without an order", { orderCode: "" }, { orderCode: ["errors.order_required"] }],
    ["unknown language", { languages: ["xx"] }, { "languages[0]": ["errors.choice"] }],
    ["no language", { languages: undefined }, { languages: ["errors.languages_min"] }],
    ["unknown topic", { topics: ["astrologie"] }, { "topics[0]": ["errors.choice"] }],
    ["oversized bio", { bio: "x".repeat(LIMITS.bio + 1) }, { bio: ["errors.too_long"] }],
    ["unknown locale", { locale: "de-DE" }, { locale: ["errors.choice"] }],
    ["missing locale", { locale: undefined }, { locale: ["errors.choice"] }],
    ["a checkbox with a made-up value", { directoryOptIn: "oui" }, { directoryOptIn: ["errors.invalid"] }],
  ];

  it.each(cases)("%s → 400 with the field error, profile unchanged", async (label, changes, errors) => {
    const res = await member.action("/profile", "profile", { ...base, displayName: "Nom qui ne doit pas rester", ...changes });
    expectRefused(res, errors, label);
    expect(await read(), label).toEqual(snapshot);
  });

  it("signed out, a profile POST only leads to the sign-in page", async () => {
    const res = await new Client(app.url).post("/profile", { ...base, displayName: "Anonyme" });
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login\?redirectTo=/);
    expect(await read()).toEqual(snapshot);
  });

  it("a valid edit is saved (so the checks above would see a change)", async () => {
    const res = await member.action("/profile", "profile", { ...base, bio: "Bio modifiée par le test." });
    expect(res.status).toBe(204);
    expect(res.location).toBe("/profile?saved=1");
    const after = await read();
    expect(after.profile.bio).toBe("Bio modifiée par le test.");
    expect(after.profile.verification_status).toBe("verified");
  });
});

describe("password reset form", () => {
  const cases: Array<[string, FormInput, Record<string, string[]>]> = [
    [
      "a token that was never issued",
      { token: "a".repeat(43), password: PASSWORD, confirm: PASSWORD },
      { "": ["errors.reset_link_invalid"] },
    ],
    ["a token too short to be one", { token: "abc", password: PASSWORD, confirm: PASSWORD }, { token: ["errors.invalid"] }],
    ["no token", { password: PASSWORD, confirm: PASSWORD }, { token: ["errors.required"] }],
    [
      "confirmation differs",
      { token: "b".repeat(43), password: PASSWORD, confirm: `${PASSWORD}!` },
      { confirm: ["errors.password_mismatch"] },
    ],
    ["short new password", { token: "c".repeat(43), password: "court", confirm: "court" }, { password: ["errors.password_short"] }],
  ];
  it.each(cases)("%s → 400", async (label, form, errors) => {
    expectRefused(await new Client(app.url).action("/password/reset", "password.reset", form), errors, label);
  });
});

describe("vouching (/vouch)", () => {
  let mentor: Client;
  let nouveauId: string;

  beforeAll(async () => {
    mentor = await signedIn(app.url, DEMO.mentor);
    nouveauId = (await memberByEmail(DEMO.nouveau)).id;
  });

  it("only verified sponsors may vouch: a verified member without the role and an unverified one get 403", async () => {
    for (const email of [DEMO.membre, DEMO.nouveau]) {
      const client = await signedIn(app.url, email);
      expect((await client.get("/vouch")).status, email).toBe(403);
      const res = await client.post("/vouch", { userId: nouveauId, note: "Je connais cette personne." });
      expect(res.status, email).toBe(403);
    }
    expect((await adminView(nouveauId)).profile.verification_status).toBe("unverified");
  });

  it("bad input → 400 with the field error", async () => {
    expectRefused(
      await mentor.action("/vouch", "vouch", { userId: nouveauId, note: "ok" }),
      { note: ["errors.note_required"] },
      "short note",
    );
    expectRefused(
      await mentor.action("/vouch", "vouch", { userId: nouveauId, note: "x".repeat(LIMITS.note + 1) }),
      { note: ["errors.too_long"] },
      "long note",
    );
    expectRefused(
      await mentor.action("/vouch", "vouch", { userId: "pas-un-uuid", note: "Je connais cette personne." }),
      { userId: ["errors.invalid"] },
      "bad id",
    );
    expect((await adminView(nouveauId)).history).toEqual([]);
  });

  it("a sponsor cannot vouch for a physician or a nurse (the order's register is for admins)", async () => {
    const physicianId = await createAccount("medecin.nouvelle@example.ca", {
      discipline: "medecin",
      orderCode: "CMQ",
      permitNumber: "1-99999",
    });
    const nurseId = (await memberByEmail(DEMO.membre)).id;
    for (const id of [physicianId, nurseId]) {
      const res = await mentor.action("/vouch", "vouch", { userId: id, note: "Je connais cette personne." });
      expectRefused(res, { "": ["errors.not_vouchable"] }, id);
    }
    const physician = await adminView(physicianId);
    expect(physician.profile.verification_status).toBe("unverified");
    expect(physician.history).toEqual([]);
  });

  it("a sponsor vouches for a peer helper: nouveau@ becomes verified, once", async () => {
    const res = await mentor.action("/vouch", "vouch", { userId: nouveauId, note: "Pair aidant connu de notre équipe depuis 2022." });
    expect(res.status).toBe(204);
    expect(res.location).toBe("/vouch?done=1");
    const view = await adminView(nouveauId);
    expect(view.profile.verification_status).toBe("verified");
    expect(view.history).toHaveLength(1);
    expect(view.history[0]).toMatchObject({ decision: "verified", method: "sponsor", verifier: "Marc-André Lévesque" });
    // nouveau@ sees it too.
    const nouveau = await signedIn(app.url, DEMO.nouveau);
    expect(
      (await nouveau.loader("/profile", "profile")).json<{ profile: { verification_status: string } }>().profile.verification_status,
    ).toBe("verified");

    const again = await mentor.action("/vouch", "vouch", { userId: nouveauId, note: "Une deuxième fois." });
    expect(again.status).toBe(400);
    expect((await adminView(nouveauId)).history).toHaveLength(1);
  });
});

describe("admin member page (/admin/members/:id)", () => {
  let targetId: string;
  let adminId: string;

  beforeAll(async () => {
    targetId = await createAccount("infirmiere.a.verifier@example.ca");
    adminId = (await memberByEmail(DEMO.admin)).id;
  });

  const verify = (changes: FormInput): FormInput => ({
    intent: "verify",
    decision: "verified",
    method: "order_register",
    note: "Permis vérifié au registre de l'OIIQ.",
    ...changes,
  });

  it("as admin, bad input → 400 with the field error and nothing changes (no verification, no role, no audit entry)", async () => {
    const audit = await auditCount();
    const path = `/admin/members/${targetId}`;
    const route = "admin.members.$id";
    const cases: Array<[string, FormInput, Record<string, string[]>]> = [
      ["note too short", verify({ note: "ok" }), { note: ["errors.note_required"] }],
      ["note of blanks", verify({ note: "     " }), { note: ["errors.note_required"] }],
      ["no note", verify({ note: undefined }), { note: ["errors.required"] }],
      ["note too long", verify({ note: "x".repeat(LIMITS.note + 1) }), { note: ["errors.too_long"] }],
      ["bad decision value", verify({ decision: "peut-etre" }), { decision: ["errors.choice"] }],
      ["no decision", verify({ decision: undefined }), { decision: ["errors.choice"] }],
      ["bad method", verify({ method: "intuition" }), { method: ["errors.choice"] }],
      ["unknown role", { intent: "roles", roles: ["mentor", "superuser"] }, { "roles[1]": ["errors.choice"] }],
      [
        "more roles than exist",
        { intent: "roles", roles: Array<string>(ROLES.length + 1).fill("mentor") },
        { roles: ["errors.too_many", "errors.invalid"] },
      ],
      ["a role twice", { intent: "roles", roles: ["mentor", "mentor"] }, { roles: ["errors.invalid"] }],
    ];
    for (const [label, form, errors] of cases) {
      const res = await admin.action(path, route, form);
      expect(res.status, label).toBe(400);
      const body = res.json<{ intent: string; result: Submission }>();
      expect(errorsOf(body.result), label).toEqual(errors);
    }
    const unknownIntent = await admin.action(path, route, { intent: "delete" });
    expect(unknownIntent.status).toBe(400);

    const view = await adminView(targetId);
    expect(view.profile.verification_status).toBe("unverified");
    expect(view.history).toEqual([]);
    expect(view.roles).toEqual([]);
    expect(await auditCount()).toBe(audit);
  });

  it("a non-uuid id is a 404; an unknown uuid is a 404 page and a 400 not_found action", async () => {
    for (const id of ["pas-un-uuid", "1", "00000000-0000-0000-0000-00000000000g", "%27%20or%201%3D1"]) {
      expect((await admin.get(`/admin/members/${id}`)).status, id).toBe(404);
      expect((await admin.post(`/admin/members/${id}`, verify({}))).status, id).toBe(404);
    }
    const unknown = "0b6c1c4e-7d8a-4c49-9f0e-3f2d1a5b6c7d";
    expect((await admin.get(`/admin/members/${unknown}`)).status).toBe(404);
    const res = await admin.action(`/admin/members/${unknown}`, "admin.members.$id", verify({}));
    expect(res.status).toBe(400);
    expect(errorsOf(res.json<{ result: Submission }>().result)).toEqual({ "": ["errors.not_found"] });
  });

  it("an admin cannot verify themselves nor drop their own admin role", async () => {
    const route = "admin.members.$id";
    const self = await admin.action(`/admin/members/${adminId}`, route, verify({}));
    expect(self.status).toBe(400);
    expect(errorsOf(self.json<{ result: Submission }>().result)).toEqual({ "": ["errors.cannot_verify_self"] });
    const drop = await admin.action(`/admin/members/${adminId}`, route, { intent: "roles", roles: ["mentor"] });
    expect(drop.status).toBe(400);
    expect(errorsOf(drop.json<{ result: Submission }>().result)).toEqual({ roles: ["errors.cannot_drop_own_admin"] });
    expect((await adminView(adminId)).roles).toEqual(["admin"]);
  });

  it("a non-admin gets 403 and changes nothing (verify, roles, even granting themselves admin)", async () => {
    const audit = await auditCount();
    const membre = await memberByEmail(DEMO.membre);
    for (const email of [DEMO.membre, DEMO.mentor]) {
      const client = await signedIn(app.url, email);
      expect((await client.get(`/admin/members/${targetId}`)).status, email).toBe(403);
      expect((await client.post(`/admin/members/${targetId}`, verify({}))).status, email).toBe(403);
      expect((await client.post(`/admin/members/${targetId}`, { intent: "roles", roles: ["admin"] })).status, email).toBe(403);
      expect((await client.post(`/admin/members/${membre.id}`, { intent: "roles", roles: ["admin"] })).status, email).toBe(403);
      expect((await client.get("/admin")).status, email).toBe(403);
    }
    // Signed out: the sign-in page, nothing else.
    const anonymous = await new Client(app.url).post(`/admin/members/${targetId}`, verify({}));
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/login/);

    const view = await adminView(targetId);
    expect(view.profile.verification_status).toBe("unverified");
    expect(view.roles).toEqual([]);
    expect((await adminView(membre.id)).roles).toEqual([]);
    expect(await auditCount()).toBe(audit);
  });

  it("the same forms with good input do work (verification and roles are recorded and audited)", async () => {
    const audit = await auditCount();
    const route = "admin.members.$id";
    const verified = await admin.action(`/admin/members/${targetId}`, route, verify({}));
    expect(verified.status).toBe(204);
    const roles = await admin.action(`/admin/members/${targetId}`, route, { intent: "roles", roles: ["mentor"] });
    expect(roles.status).toBe(204);
    const view = await adminView(targetId);
    expect(view.profile.verification_status).toBe("verified");
    expect(view.history[0]).toMatchObject({ decision: "verified", method: "order_register", verifier: "Geneviève Tremblay" });
    expect(view.roles).toEqual(["mentor"]);
    expect(await auditCount()).toBeGreaterThanOrEqual(audit + 2);
  });
});

describe("password reset, end to end through the outbox", () => {
  const mailbox = async () => {
    // The outbox is read as the admin: nobody else may see it (reset links are in it).
    const res = await admin.loader("/dev/mailbox", "dev.mailbox");
    expect(res.status).toBe(200);
    return res.json<{ messages: Array<{ to_email: string; body_text: string }> }>().messages;
  };
  const NEW_PASSWORD = "un tout nouveau mot de passe";

  it("an unknown email gets the same answer as a known one, and no mail", async () => {
    const before = (await mailbox()).length;
    const known = await new Client(app.url).post("/password/forgot", { email: DEMO.mentor });
    const afterKnown = (await mailbox()).length;
    const unknown = await new Client(app.url).post("/password/forgot", { email: "personne.inconnue@example.ca" });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(visibleText(unknown.body)).toBe(visibleText(known.body));
    // Byte for byte, once the per-request nonce is set aside.
    const strip = (html: string) => html.replace(/nonce="[^"]*"/g, "");
    expect(strip(unknown.body)).toBe(strip(known.body));
    expect(afterKnown).toBe(before + 1);
    expect((await mailbox()).length).toBe(afterKnown);
  });

  it("membre@ asks for a link, resets with it, signs in with the new password; the old one and the link are dead", async () => {
    const oldSession = await signedIn(app.url, DEMO.membre);
    const forgot = await new Client(app.url).action("/password/forgot", "password.forgot", { email: DEMO.membre });
    expect(forgot.status).toBe(200);
    expect(forgot.json<{ sent: boolean }>().sent).toBe(true);

    // The link as someone trying Passerelle finds it: on the dev mailbox page, signed in as the admin.
    const page = await admin.get("/dev/mailbox");
    expect(page.status).toBe(200);
    const links = [...page.body.matchAll(/(http:\/\/[^\s<"]+\/password\/reset\?token=([A-Za-z0-9_-]+))/g)];
    expect(links.length).toBeGreaterThan(0);
    const [, link = "", token = ""] = links[0] ?? [];
    // The newest message is membre's (the page lists the newest first).
    expect((await mailbox())[0]?.to_email).toBe(DEMO.membre);
    expect(link.startsWith(app.url)).toBe(true);

    // Opening the link shows the form and does not use up the token (no GET changes state).
    const open = await new Client(app.url).get(link.slice(app.url.length));
    expect(open.status).toBe(200);
    expect(open.body).toContain(`value="${token}"`);

    const mismatch = await new Client(app.url).action("/password/reset", "password.reset", {
      token,
      password: NEW_PASSWORD,
      confirm: "autre chose encore",
    });
    expectRefused(mismatch, { confirm: ["errors.password_mismatch"] }, "mismatch");

    const reset = await new Client(app.url).post("/password/reset", { token, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(reset.status).toBe(302);
    expect(reset.location).toBe("/login?reset=1");

    expect(await canSignIn(app.url, DEMO.membre, NEW_PASSWORD)).toBe(true);
    expect(await canSignIn(app.url, DEMO.membre, DEMO_PASSWORD)).toBe(false);
    // A reset ends the sessions that were open.
    expect((await oldSession.get("/profile")).location).toMatch(/^\/login/);

    const replay = await new Client(app.url).action("/password/reset", "password.reset", {
      token,
      password: "encore un autre mot de passe",
      confirm: "encore un autre mot de passe",
    });
    expectRefused(replay, { "": ["errors.reset_link_invalid"] }, "replay");
    expect(await canSignIn(app.url, DEMO.membre, NEW_PASSWORD)).toBe(true);
    expect(await canSignIn(app.url, DEMO.membre, "encore un autre mot de passe")).toBe(false);
  });
});
