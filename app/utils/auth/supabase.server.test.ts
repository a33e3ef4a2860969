import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { createFakeGoTrue, supabaseAuthOutage, SUPABASE_TEST_ANON_KEY, SUPABASE_TEST_URL } from "../../../tests/mocks/supabase-auth";
import { createSupabaseAuth } from "./supabase.server";

const gotrue = createFakeGoTrue();
const server = setupServer(...gotrue.handlers);
const auth = createSupabaseAuth({ url: SUPABASE_TEST_URL, anonKey: SUPABASE_TEST_ANON_KEY, cookieSecure: true });
const STORAGE_KEY = "sb-passerelle-auth-token";
const PASSWORD = "correct horse battery";

let consoleError: MockInstance;
let consoleWarn: MockInstance;

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => {
  // Observed, not silenced: supabase-js must stay quiet on its own.
  consoleError = vi.spyOn(console, "error");
  consoleWarn = vi.spyOn(console, "warn");
});
afterEach(() => {
  expect(consoleError).not.toHaveBeenCalled();
  expect(consoleWarn).not.toHaveBeenCalled();
  vi.restoreAllMocks();
  vi.useRealTimers();
  server.resetHandlers();
  gotrue.reset();
});
afterAll(() => server.close());

/** What a browser would send back after receiving these Set-Cookie headers. */
function browserCookies(headers: Headers, previous: string | null = null): string {
  const jar = new Map<string, string>();
  for (const pair of previous ? previous.split("; ") : []) {
    const at = pair.indexOf("=");
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  for (const line of headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const at = pair.indexOf("=");
    if (/;\s*Max-Age=0(;|$)/i.test(line)) jar.delete(pair.slice(0, at));
    else jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

async function signedIn(email = "ana@example.org") {
  gotrue.addUser({ email, password: PASSWORD, displayName: "Ana" });
  const result = await auth.signIn({ email, password: PASSWORD, cookieHeader: null });
  if (!result.ok) throw new Error(`sign-in failed: ${result.error}`);
  return { ...result, cookie: browserCookies(result.headers) };
}

const HOUR_MS = 3600 * 1000;
function travel(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
}

describe("signUp", () => {
  it("creates the account, sets httpOnly SameSite=Lax Secure cookies and reads back the same claims", async () => {
    const result = await auth.signUp({ email: "Ana@Example.org", password: PASSWORD, displayName: "Ana Tremblay" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.needsEmailConfirmation).toBe(false);
    expect(result.claims).toMatchObject({ sub: result.userId, role: "authenticated", aud: "authenticated", email: "ana@example.org" });
    expect(result.claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(gotrue.findUser("ana@example.org")?.userMetadata).toEqual({ display_name: "Ana Tremblay" });

    const setCookies = result.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(0);
    for (const line of setCookies) {
      expect(line).toMatch(/^sb-passerelle-auth-token(\.\d+)?=/);
      expect(line).toMatch(/; HttpOnly/i);
      expect(line).toMatch(/; SameSite=Lax/i);
      expect(line).toMatch(/; Secure/i);
      expect(line).toMatch(/; Path=\//i);
    }
    expect(result.headers.get("Cache-Control")).toContain("no-store");
    // Neither tokens nor the password in what the app gets besides the cookies.
    expect(JSON.stringify({ ...result, headers: undefined })).not.toMatch(/access_token|refresh_token|correct horse/);

    const claims = await auth.getClaims(browserCookies(result.headers));
    expect(claims).toEqual(result.claims);
  });

  it("omits Secure when cookieSecure is false", async () => {
    const devAuth = createSupabaseAuth({ url: SUPABASE_TEST_URL, anonKey: SUPABASE_TEST_ANON_KEY, cookieSecure: false });
    const result = await devAuth.signUp({ email: "dev@example.org", password: PASSWORD, displayName: "Dev" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const devCookies = result.headers.getSetCookie();
    expect(devCookies.length).toBeGreaterThan(0);
    for (const line of devCookies) {
      expect(line).not.toMatch(/; Secure/i);
      expect(line).toMatch(/; HttpOnly/i);
    }
  });

  it("reports a pending email confirmation without a session cookie", async () => {
    const confirming = createFakeGoTrue({ autoconfirm: false });
    server.use(...confirming.handlers);
    const result = await auth.signUp({ email: "luc@example.org", password: PASSWORD, displayName: "Luc" });
    expect(result).toMatchObject({ ok: true, needsEmailConfirmation: true });
    if (!result.ok) return;
    expect(result.claims.exp).toBe(0);
    expect(result.headers.getSetCookie()).toEqual([]);
    expect(await auth.getClaims(browserCookies(result.headers))).toBeNull();
  });

  it("maps a duplicate email to email_taken, in both GoTrue error shapes", async () => {
    gotrue.addUser({ email: "ana@example.org", password: PASSWORD });
    expect(await auth.signUp({ email: "ana@example.org", password: PASSWORD, displayName: "Ana" })).toEqual({
      ok: false,
      error: "email_taken",
    });

    const legacy = createFakeGoTrue({ legacyErrors: true });
    legacy.addUser({ email: "ana@example.org", password: PASSWORD });
    server.use(...legacy.handlers);
    expect(await auth.signUp({ email: "ana@example.org", password: PASSWORD, displayName: "Ana" })).toEqual({
      ok: false,
      error: "email_taken",
    });
  });

  it("maps GoTrue's password policy to weak_password", async () => {
    expect(await auth.signUp({ email: "ana@example.org", password: "short", displayName: "Ana" })).toEqual({
      ok: false,
      error: "weak_password",
    });
    expect(gotrue.findUser("ana@example.org")).toBeUndefined();
  });
});

describe("signIn and getClaims", () => {
  it("signs in and getClaims returns Supabase-shaped claims validated by the Auth server", async () => {
    const { claims, cookie } = await signedIn();
    const user = gotrue.findUser("ana@example.org");
    expect(claims).toEqual({
      sub: user?.id,
      role: "authenticated",
      aud: "authenticated",
      email: "ana@example.org",
      exp: expect.any(Number),
      session_id: expect.any(String),
    });
    expect(await auth.getClaims(cookie)).toEqual(claims);
    expect(gotrue.callCount("/user")).toBe(1);
  });

  it("returns null without calling the Auth server when there is no session cookie", async () => {
    expect(await auth.getClaims(null)).toBeNull();
    expect(await auth.getClaims("theme=dark; lang=fr-CA")).toBeNull();
    expect(gotrue.calls).toEqual([]);
  });

  it("maps a wrong password to invalid_credentials and GoTrue's rate limit to locked", async () => {
    gotrue.addUser({ email: "ana@example.org", password: PASSWORD });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(await auth.signIn({ email: "ana@example.org", password: "wrong password", cookieHeader: null })).toEqual({
        ok: false,
        error: "invalid_credentials",
      });
    }
    expect(await auth.signIn({ email: "ana@example.org", password: PASSWORD, cookieHeader: null })).toEqual({
      ok: false,
      error: "locked",
    });
    expect(await auth.signIn({ email: "nobody@example.org", password: PASSWORD, cookieHeader: null })).toEqual({
      ok: false,
      error: "invalid_credentials",
    });
  });

  it("refreshes an expired access token and returns the new session cookies", async () => {
    const { claims, cookie } = await signedIn();
    travel(2 * HOUR_MS);

    const session = await auth.getSession(cookie);
    expect(gotrue.callCount("/token", "refresh_token")).toBe(1);
    expect(session.claims).toMatchObject({ sub: claims.sub, email: claims.email, session_id: claims.session_id });
    expect(session.claims?.exp).toBeGreaterThan(claims.exp);
    const setCookies = session.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(0);
    for (const line of setCookies) expect(line).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i);

    // The browser now holds the rotated session: no further refresh needed.
    const refreshed = browserCookies(session.headers, cookie);
    expect(refreshed).not.toBe(cookie);
    expect(await auth.getClaims(refreshed)).toEqual(session.claims);
    expect(gotrue.callCount("/token", "refresh_token")).toBe(1);
  });

  it("returns null and clears the cookies of a revoked session", async () => {
    const { claims, cookie } = await signedIn();
    gotrue.revokeSessions(claims.sub);
    const session = await auth.getSession(cookie);
    expect(session.claims).toBeNull();
    expect(browserCookies(session.headers, cookie)).toBe("");
  });

  it("returns null, quietly, when an expired session cannot be refreshed", async () => {
    const { claims, cookie } = await signedIn();
    gotrue.revokeSessions(claims.sub);
    travel(2 * HOUR_MS);
    const session = await auth.getSession(cookie);
    expect(session.claims).toBeNull();
    expect(browserCookies(session.headers, cookie)).toBe("");
  });

  it("getClaimsWithoutRefresh validates a live token and never spends the refresh token", async () => {
    const { claims, cookie } = await signedIn();
    expect(await auth.getClaimsWithoutRefresh(cookie)).toEqual(claims);

    travel(2 * HOUR_MS);
    expect(await auth.getClaimsWithoutRefresh(cookie)).toBeNull();
    expect(gotrue.callCount("/token", "refresh_token")).toBe(0);
    // The browser's refresh token is intact: its next page load refreshes normally.
    expect((await auth.getSession(cookie)).claims?.sub).toBe(claims.sub);

    vi.useRealTimers();
    gotrue.revokeSessions(claims.sub);
    expect(await auth.getClaimsWithoutRefresh(cookie)).toBeNull();
    expect(await auth.getClaimsWithoutRefresh(null)).toBeNull();
  });

  it("returns null for forged or garbled session cookies", async () => {
    const { cookie } = await signedIn();
    const value = cookie.slice(cookie.indexOf("=") + 1);
    const session = JSON.parse(Buffer.from(value.replace(/^base64-/, ""), "base64url").toString("utf8"));
    const [header, payload] = session.access_token.split(".");
    const forgedPayload = { ...JSON.parse(Buffer.from(payload, "base64url").toString("utf8")), sub: "someone-else" };
    session.access_token = `${header}.${Buffer.from(JSON.stringify(forgedPayload)).toString("base64url")}.forged`;
    const forged = `${STORAGE_KEY}=base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
    expect(await auth.getClaims(forged)).toBeNull();
    expect(await auth.getClaims(`${STORAGE_KEY}=not-a-session`)).toBeNull();
  });
});

describe("signOut", () => {
  it("calls /logout, clears every auth cookie and returns the user id", async () => {
    const { claims, cookie } = await signedIn();
    const result = await auth.signOut(`${cookie}; theme=dark`);
    expect(result.userId).toBe(claims.sub);
    expect(gotrue.calls).toContainEqual({ method: "POST", path: "/auth/v1/logout", scope: "local" });
    expect(gotrue.activeSessions(claims.sub)).toBe(0);
    const cleared = result.headers.getSetCookie();
    expect(cleared.length).toBeGreaterThan(0);
    for (const line of cleared) {
      expect(line).toMatch(/^sb-passerelle-auth-token(\.\d+)?=;/);
      expect(line).toMatch(/Max-Age=0/);
    }
    expect(browserCookies(result.headers, `${cookie}; theme=dark`)).toBe("theme=dark");
    expect(await auth.getClaims(cookie)).toBeNull();
  });

  it("still clears the cookies when the Auth server is down", async () => {
    const { cookie } = await signedIn();
    server.use(supabaseAuthOutage(SUPABASE_TEST_URL, "network"));
    const result = await auth.signOut(cookie);
    expect(result.userId).toBeNull();
    expect(browserCookies(result.headers, cookie)).toBe("");
  });
});

describe("when the Auth server is down", () => {
  for (const kind of ["network", 503] as const) {
    it(`answers unavailable / null and never throws (${kind})`, async () => {
      const { cookie } = await signedIn();
      server.use(supabaseAuthOutage(SUPABASE_TEST_URL, kind));

      expect(await auth.signIn({ email: "ana@example.org", password: PASSWORD, cookieHeader: null })).toEqual({
        ok: false,
        error: "unavailable",
      });
      expect(await auth.signUp({ email: "new@example.org", password: PASSWORD, displayName: "New" })).toEqual({
        ok: false,
        error: "unavailable",
      });
      const session = await auth.getSession(cookie);
      expect(session.claims).toBeNull();
      // The browser keeps its session for when the server is back.
      expect(session.headers.getSetCookie()).toEqual([]);
      await expect(auth.requestPasswordReset({ email: "ana@example.org", redirectTo: "http://localhost/reset" })).resolves.toBeUndefined();
      expect(await auth.resetPassword({ token: "a".repeat(56), password: PASSWORD, cookieHeader: null })).toEqual({
        ok: false,
        error: "unavailable",
      });
    });
  }

  it("does not hold the request while auth-js would retry a refresh, nor drop the session", async () => {
    const { cookie } = await signedIn();
    server.use(supabaseAuthOutage(SUPABASE_TEST_URL, 503));
    travel(2 * HOUR_MS);
    const started = performance.now();
    const session = await auth.getSession(cookie);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(session).toEqual({ claims: null, headers: new Headers() });

    server.resetHandlers();
    expect(await auth.getClaims(cookie)).not.toBeNull();
  });

  it("still hands over a session rotated just before the server failed", async () => {
    const { cookie } = await signedIn();
    server.use(http.get(`${SUPABASE_TEST_URL}/auth/v1/user`, () => new HttpResponse(null, { status: 503 })));
    travel(2 * HOUR_MS);
    const session = await auth.getSession(cookie);
    expect(session.claims).toBeNull();
    expect(gotrue.callCount("/token", "refresh_token")).toBe(1);
    // The old refresh token is spent: the browser must get the new one.
    const rotated = browserCookies(session.headers, cookie);
    expect(rotated).not.toBe(cookie);

    server.resetHandlers();
    expect(await auth.getClaims(rotated)).not.toBeNull();
    expect(await auth.getClaims(cookie)).toBeNull();
  });
});

describe("password reset", () => {
  it("resolves the same way for known and unknown emails", async () => {
    gotrue.addUser({ email: "ana@example.org", password: PASSWORD });
    const known = await auth.requestPasswordReset({ email: "ana@example.org", redirectTo: "http://localhost/reset" });
    const unknown = await auth.requestPasswordReset({ email: "nobody@example.org", redirectTo: "http://localhost/reset" });
    expect(known).toBeUndefined();
    expect(unknown).toBeUndefined();
    expect(gotrue.callCount("/recover")).toBe(2);
    expect(gotrue.sentEmails.map((mail) => mail.email)).toEqual(["ana@example.org"]);
  });

  it("sets the new password with a valid token, once", async () => {
    const { claims, cookie } = await signedIn();
    await auth.requestPasswordReset({ email: "ana@example.org", redirectTo: "http://localhost/reset" });
    const token = gotrue.sentEmails[0]?.tokenHash ?? "";
    const newPassword = "a brand new passphrase";

    expect(await auth.resetPassword({ token, password: newPassword, cookieHeader: null })).toEqual({ ok: true });
    expect(gotrue.calls.map((c) => `${c.method} ${c.path}`)).toEqual(expect.arrayContaining(["POST /auth/v1/verify", "PUT /auth/v1/user"]));
    // Older sessions end with the password change and the recovery session is closed.
    expect(gotrue.activeSessions(claims.sub)).toBe(0);
    expect(await auth.getClaims(cookie)).toBeNull();
    expect((await auth.signIn({ email: "ana@example.org", password: newPassword, cookieHeader: null })).ok).toBe(true);
    expect(await auth.resetPassword({ token, password: "yet another passphrase", cookieHeader: null })).toEqual({
      ok: false,
      error: "invalid_token",
    });
  });

  it("maps a bad token to invalid_token and a rejected password to weak_password", async () => {
    gotrue.addUser({ email: "ana@example.org", password: PASSWORD });
    expect(await auth.resetPassword({ token: "not-a-token", password: "a brand new passphrase", cookieHeader: null })).toEqual({
      ok: false,
      error: "invalid_token",
    });

    await auth.requestPasswordReset({ email: "ana@example.org", redirectTo: "http://localhost/reset" });
    const token = gotrue.sentEmails[0]?.tokenHash ?? "";
    expect(await auth.resetPassword({ token, password: "short", cookieHeader: null })).toEqual({
      ok: false,
      error: "weak_password",
    });
  });
});

describe("changing one's password and email (profile security)", () => {
  it("changes the password only with the current one (updateUser), keeps this session and ends the others", async () => {
    const here = await signedIn();
    const elsewhere = await auth.signIn({ email: "ana@example.org", password: PASSWORD, cookieHeader: null });
    if (!elsewhere.ok) throw new Error("second sign-in failed");
    const otherCookie = browserCookies(elsewhere.headers);
    expect(gotrue.activeSessions(here.claims.sub)).toBe(2);

    const wrong = await auth.changePassword({
      claims: here.claims,
      cookieHeader: here.cookie,
      currentPassword: "not my password",
      newPassword: "a brand new passphrase",
    });
    expect(wrong).toEqual({ ok: false, error: "invalid_credentials" });
    expect(gotrue.findUser("ana@example.org")?.password).toBe(PASSWORD);

    const weak = await auth.changePassword({
      claims: here.claims,
      cookieHeader: here.cookie,
      currentPassword: PASSWORD,
      newPassword: "short",
    });
    expect(weak).toEqual({ ok: false, error: "weak_password" });

    const done = await auth.changePassword({
      claims: here.claims,
      cookieHeader: here.cookie,
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
    });
    expect(done.ok).toBe(true);
    expect(gotrue.findUser("ana@example.org")?.password).toBe("a brand new passphrase");
    expect(gotrue.calls.some((c) => c.method === "PUT" && c.path === "/auth/v1/user")).toBe(true);
    // The other device is signed out; this one (and nothing else: the proof session was closed) stays.
    expect(await auth.getClaims(otherCookie)).toBeNull();
    expect((await auth.getClaims(browserCookies(done.ok ? done.headers : new Headers(), here.cookie)))?.sub).toBe(here.claims.sub);
    expect(gotrue.activeSessions(here.claims.sub)).toBe(1);
  });

  it("sends an email change link to the new address (updateUser) and changes it only once the token is verified", async () => {
    const here = await signedIn();
    const wrong = await auth.requestEmailChange({
      claims: here.claims,
      cookieHeader: here.cookie,
      currentPassword: "not my password",
      newEmail: "ana.new@example.org",
      redirectTo: "http://localhost/profile/email/confirm",
    });
    expect(wrong).toEqual({ ok: false, error: "invalid_credentials" });
    expect(gotrue.sentEmails).toEqual([]);

    const asked = await auth.requestEmailChange({
      claims: here.claims,
      cookieHeader: here.cookie,
      currentPassword: PASSWORD,
      newEmail: "ana.new@example.org",
      redirectTo: "http://localhost/profile/email/confirm",
    });
    expect(asked).toEqual({ ok: true });
    const link = gotrue.sentEmails.find((m) => m.kind === "email_change");
    expect(link?.email).toBe("ana.new@example.org");
    // Nothing changed yet.
    expect(gotrue.findUser("ana@example.org")).toBeDefined();

    expect(await auth.confirmEmailChange({ token: "not-a-token" })).toEqual({ ok: false, error: "invalid_token" });
    const confirmed = await auth.confirmEmailChange({ token: link?.tokenHash ?? "" });
    expect(confirmed).toEqual({ ok: true, userId: here.claims.sub, email: "ana.new@example.org" });
    expect(gotrue.findUser("ana@example.org")).toBeUndefined();
    expect((await auth.signIn({ email: "ana.new@example.org", password: PASSWORD, cookieHeader: null })).ok).toBe(true);
    // Single use.
    expect(await auth.confirmEmailChange({ token: link?.tokenHash ?? "" })).toEqual({ ok: false, error: "invalid_token" });
  });

  it("answers the same for an address that already has an account, and sends it no link", async () => {
    const here = await signedIn();
    gotrue.addUser({ email: "taken@example.org", password: "someone else's passphrase" });
    const asked = await auth.requestEmailChange({
      claims: here.claims,
      cookieHeader: here.cookie,
      currentPassword: PASSWORD,
      newEmail: "taken@example.org",
      redirectTo: "http://localhost/profile/email/confirm",
    });
    expect(asked).toEqual({ ok: true });
    expect(gotrue.sentEmails).toEqual([]);
  });
});
