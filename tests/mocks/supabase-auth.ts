// MSW stand-in for the Supabase Auth (GoTrue) HTTP API: a small in-memory GoTrue covering the endpoints the
// Supabase issuer uses (signup, token with password / refresh_token grants, user GET/PUT (password, and email
// with a confirmation link to the new address), logout, recover, verify (recovery, email_change)). Access tokens are HS256 JWTs signed with a test secret; errors use GoTrue's shapes: {code, message}
// when the client sends X-Supabase-Api-Version >= 2024-01-01 (supabase-js always does), else the legacy
// {code: <status>, error_code, msg}; token-grant errors as GoTrue sends them today (HTTP 400, invalid_credentials).
//
//   const gotrue = createFakeGoTrue();
//   const server = setupServer(...gotrue.handlers);
//   server.use(supabaseAuthOutage(gotrue.url, "network"));   // the Auth server is down
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { http, HttpResponse, type HttpHandler } from "msw";

export const SUPABASE_TEST_URL = "http://passerelle.supabase.test";
export const SUPABASE_TEST_ANON_KEY = "test-anon-key";
const JWT_SECRET = "fake-gotrue-jwt-secret";
const API_VERSION_HEADER = "X-Supabase-Api-Version";
const API_VERSION_2024 = "2024-01-01";

export interface FakeGoTrueOptions {
  url?: string;
  anonKey?: string;
  /** Sign-up returns a session (mailer_autoconfirm). Default true. */
  autoconfirm?: boolean;
  /** GoTrue's password_min_length. Default 8. */
  minPasswordLength?: number;
  accessTokenTtlSeconds?: number;
  /** Failed password sign-ins per email before 429 over_request_rate_limit. Default 5. */
  maxFailedSignIns?: number;
  /** Answer every error in the pre-2024 shape, whatever the client asks for. */
  legacyErrors?: boolean;
}

export interface FakeUser {
  id: string;
  email: string;
  password: string;
  userMetadata: Record<string, unknown>;
  confirmedAt: string | null;
  createdAt: string;
}

interface FakeSession {
  id: string;
  userId: string;
  refreshToken: string;
  revoked: boolean;
}

export interface FakeCall {
  method: string;
  path: string;
  grantType?: string;
  scope?: string;
}

export interface FakeGoTrue {
  readonly url: string;
  readonly handlers: HttpHandler[];
  /** Every request that reached the fake, without bodies. */
  readonly calls: FakeCall[];
  /**
   * Emails "sent": recovery links by /recover, email-change links (to the new address) by PUT /user
   * (token_hash as in the {{ .TokenHash }} template variable).
   */
  readonly sentEmails: { kind: "recovery" | "email_change"; email: string; tokenHash: string }[];
  readonly users: Map<string, FakeUser>;
  addUser(input: { email: string; password: string; displayName?: string; confirmed?: boolean }): FakeUser;
  findUser(email: string): FakeUser | undefined;
  /** Ends every session of a user (e.g. an admin revoked them), or of everyone. */
  revokeSessions(userId?: string): void;
  activeSessions(userId: string): number;
  callCount(path: string, grantType?: string): number;
  reset(): void;
}

export function createFakeGoTrue(options: FakeGoTrueOptions = {}): FakeGoTrue {
  const url = options.url ?? SUPABASE_TEST_URL;
  const anonKey = options.anonKey ?? SUPABASE_TEST_ANON_KEY;
  const base = `${url}/auth/v1`;
  const autoconfirm = options.autoconfirm ?? true;
  const minPasswordLength = options.minPasswordLength ?? 8;
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const maxFailedSignIns = options.maxFailedSignIns ?? 5;

  const users = new Map<string, FakeUser>();
  const sessions = new Map<string, FakeSession>();
  const recoveryTokens = new Map<string, { userId: string; used: boolean }>();
  const emailChangeTokens = new Map<string, { userId: string; newEmail: string; used: boolean }>();
  const failedSignIns = new Map<string, number>();
  const calls: FakeCall[] = [];
  const sentEmails: FakeGoTrue["sentEmails"] = [];

  const now = () => Math.floor(Date.now() / 1000);
  const findUser = (email: string) => users.get(email.trim().toLowerCase());
  const userById = (id: string) => [...users.values()].find((user) => user.id === id);

  function addUser(input: { email: string; password: string; displayName?: string; confirmed?: boolean }): FakeUser {
    const email = input.email.trim().toLowerCase();
    const user: FakeUser = {
      id: randomUUID(),
      email,
      password: input.password,
      userMetadata: input.displayName === undefined ? {} : { display_name: input.displayName },
      confirmedAt: input.confirmed === false ? null : new Date().toISOString(),
      createdAt: new Date().toISOString(),
    };
    users.set(email, user);
    return user;
  }

  function userJson(user: FakeUser) {
    return {
      id: user.id,
      aud: "authenticated",
      role: "authenticated",
      email: user.email,
      email_confirmed_at: user.confirmedAt,
      confirmed_at: user.confirmedAt,
      confirmation_sent_at: user.confirmedAt ? undefined : user.createdAt,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: user.userMetadata,
      identities: [],
      created_at: user.createdAt,
      updated_at: new Date().toISOString(),
      is_anonymous: false,
    };
  }

  function sign(payload: Record<string, unknown>): string {
    const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify(payload));
    const signature = createHmac("sha256", JWT_SECRET).update(`${header}.${body}`).digest("base64url");
    return `${header}.${body}.${signature}`;
  }

  function sessionJson(user: FakeUser, session: FakeSession) {
    const iat = now();
    const accessToken = sign({
      aud: "authenticated",
      exp: iat + ttl,
      iat,
      iss: base,
      sub: user.id,
      email: user.email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: user.userMetadata,
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: iat }],
      session_id: session.id,
      is_anonymous: false,
    });
    return {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: ttl,
      expires_at: iat + ttl,
      refresh_token: session.refreshToken,
      user: userJson(user),
    };
  }

  function startSession(user: FakeUser) {
    const session: FakeSession = { id: randomUUID(), userId: user.id, refreshToken: randomToken(), revoked: false };
    sessions.set(session.id, session);
    return sessionJson(user, session);
  }

  function gotrueError(request: Request, status: number, code: string, msg: string, extra: Record<string, unknown> = {}) {
    const asked = request.headers.get(API_VERSION_HEADER);
    if (!options.legacyErrors && asked && asked >= API_VERSION_2024) {
      return HttpResponse.json({ code, message: msg, ...extra }, { status, headers: { [API_VERSION_HEADER]: API_VERSION_2024 } });
    }
    return HttpResponse.json({ code: status, error_code: code, msg, ...extra }, { status });
  }

  /** The bearer token's user and session, or the error GoTrue would answer. */
  function authenticate(request: Request): { user: FakeUser; session: FakeSession } | Response {
    const token = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? "";
    const payload = verify(token);
    if (!payload) return gotrueError(request, 403, "bad_jwt", "invalid JWT: unable to parse or verify signature");
    if (typeof payload.exp !== "number" || payload.exp <= now()) {
      return gotrueError(
        request,
        403,
        "bad_jwt",
        "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired",
      );
    }
    const session = typeof payload.session_id === "string" ? sessions.get(payload.session_id) : undefined;
    if (!session || session.revoked) {
      return gotrueError(request, 403, "session_not_found", "Session from session_id claim in JWT does not exist");
    }
    const user = typeof payload.sub === "string" ? userById(payload.sub) : undefined;
    if (!user) return gotrueError(request, 403, "user_not_found", "User from sub claim in JWT does not exist");
    return { user, session };
  }

  function verify(token: string): Record<string, unknown> | null {
    const [header, body, signature] = token.split(".");
    if (!header || !body || !signature) return null;
    const expected = createHmac("sha256", JWT_SECRET).update(`${header}.${body}`).digest("base64url");
    if (expected !== signature) return null;
    try {
      const payload: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      return typeof payload === "object" && payload !== null ? { ...payload } : null;
    } catch {
      return null;
    }
  }

  const isStrongEnough = (password: unknown): password is string => typeof password === "string" && password.length >= minPasswordLength;

  function weakPassword(request: Request) {
    return gotrueError(request, 422, "weak_password", `Password should be at least ${minPasswordLength} characters.`, {
      weak_password: { reasons: ["length"] },
    });
  }

  function record(request: Request) {
    const requestUrl = new URL(request.url);
    const call: FakeCall = { method: request.method, path: requestUrl.pathname };
    const grantType = requestUrl.searchParams.get("grant_type");
    const scope = requestUrl.searchParams.get("scope");
    if (grantType) call.grantType = grantType;
    if (scope) call.scope = scope;
    calls.push(call);
    // Kong in front of GoTrue refuses requests without the project's key.
    if (request.headers.get("apikey") !== anonKey) {
      return HttpResponse.json({ message: "Invalid API key" }, { status: 401 });
    }
    return null;
  }

  async function body(request: Request): Promise<Record<string, unknown>> {
    const parsed: unknown = await request.json().catch(() => ({}));
    return typeof parsed === "object" && parsed !== null ? { ...parsed } : {};
  }

  const handlers: HttpHandler[] = [
    http.post(`${base}/signup`, async ({ request }) => {
      const refused = record(request);
      if (refused) return refused;
      const { email, password, data } = await body(request);
      if (typeof email !== "string" || !email.includes("@")) {
        return gotrueError(request, 400, "validation_failed", "Unable to validate email address: invalid format");
      }
      if (findUser(email)) return gotrueError(request, 422, "user_already_exists", "User already registered");
      if (!isStrongEnough(password)) return weakPassword(request);
      const user = addUser({ email, password, confirmed: autoconfirm });
      user.userMetadata = typeof data === "object" && data !== null ? { ...data } : {};
      return HttpResponse.json(autoconfirm ? startSession(user) : userJson(user));
    }),

    http.post(`${base}/token`, async ({ request }) => {
      const refused = record(request);
      if (refused) return refused;
      const grantType = new URL(request.url).searchParams.get("grant_type");
      const input = await body(request);
      if (grantType === "password") {
        const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
        const failures = failedSignIns.get(email) ?? 0;
        if (failures >= maxFailedSignIns) {
          return gotrueError(request, 429, "over_request_rate_limit", "Request rate limit reached");
        }
        const user = findUser(email);
        if (!user || user.password !== input.password) {
          failedSignIns.set(email, failures + 1);
          return gotrueError(request, 400, "invalid_credentials", "Invalid login credentials");
        }
        if (!user.confirmedAt) return gotrueError(request, 400, "email_not_confirmed", "Email not confirmed");
        failedSignIns.delete(email);
        return HttpResponse.json(startSession(user));
      }
      if (grantType === "refresh_token") {
        const session = [...sessions.values()].find((s) => !s.revoked && s.refreshToken === input.refresh_token);
        const user = session ? userById(session.userId) : undefined;
        if (!session || !user) {
          return gotrueError(request, 400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
        }
        session.refreshToken = randomToken();
        return HttpResponse.json(sessionJson(user, session));
      }
      return gotrueError(request, 400, "validation_failed", "unsupported_grant_type");
    }),

    http.get(`${base}/user`, ({ request }) => {
      const refused = record(request);
      if (refused) return refused;
      const auth = authenticate(request);
      if (auth instanceof Response) return auth;
      return HttpResponse.json(userJson(auth.user));
    }),

    http.put(`${base}/user`, async ({ request }) => {
      const refused = record(request);
      if (refused) return refused;
      const auth = authenticate(request);
      if (auth instanceof Response) return auth;
      const { password, email } = await body(request);
      if (typeof email === "string" && email.trim().toLowerCase() !== auth.user.email) {
        const newEmail = email.trim().toLowerCase();
        if (findUser(newEmail))
          return gotrueError(request, 422, "email_exists", "A user with this email address has already been registered");
        // GoTrue keeps the change pending and mails a link to the new address; verify applies it.
        const tokenHash = randomBytes(28).toString("hex");
        emailChangeTokens.set(tokenHash, { userId: auth.user.id, newEmail, used: false });
        sentEmails.push({ kind: "email_change", email: newEmail, tokenHash });
        return HttpResponse.json({ ...userJson(auth.user), new_email: newEmail, email_change_sent_at: new Date().toISOString() });
      }
      if (password !== undefined) {
        if (!isStrongEnough(password)) return weakPassword(request);
        if (password === auth.user.password) {
          return gotrueError(request, 422, "same_password", "New password should be different from the old password.");
        }
        auth.user.password = password;
        // GoTrue ends the user's other sessions when the password changes.
        for (const session of sessions.values()) {
          if (session.userId === auth.user.id && session.id !== auth.session.id) session.revoked = true;
        }
      }
      return HttpResponse.json(userJson(auth.user));
    }),

    http.post(`${base}/logout`, ({ request }) => {
      const refused = record(request);
      if (refused) return refused;
      const auth = authenticate(request);
      if (auth instanceof Response) return auth;
      const scope = new URL(request.url).searchParams.get("scope") ?? "global";
      for (const session of sessions.values()) {
        if (session.userId !== auth.user.id) continue;
        if (scope === "local" ? session.id === auth.session.id : scope === "global" || session.id !== auth.session.id) {
          session.revoked = true;
        }
      }
      return new HttpResponse(null, { status: 204 });
    }),

    http.post(`${base}/recover`, async ({ request }) => {
      const refused = record(request);
      if (refused) return refused;
      const { email } = await body(request);
      const user = typeof email === "string" ? findUser(email) : undefined;
      if (user) {
        const tokenHash = randomBytes(28).toString("hex");
        recoveryTokens.set(tokenHash, { userId: user.id, used: false });
        sentEmails.push({ kind: "recovery", email: user.email, tokenHash });
      }
      return HttpResponse.json({});
    }),

    http.post(`${base}/verify`, async ({ request }) => {
      const refused = record(request);
      if (refused) return refused;
      const { type, token_hash: tokenHash } = await body(request);
      if (type === "email_change") {
        const change = typeof tokenHash === "string" ? emailChangeTokens.get(tokenHash) : undefined;
        const changing = change ? userById(change.userId) : undefined;
        if (!change || change.used || !changing) return gotrueError(request, 403, "otp_expired", "Email link is invalid or has expired");
        change.used = true;
        if (findUser(change.newEmail))
          return gotrueError(request, 422, "email_exists", "A user with this email address has already been registered");
        users.delete(changing.email);
        changing.email = change.newEmail;
        users.set(changing.email, changing);
        return HttpResponse.json(startSession(changing));
      }
      const entry = typeof tokenHash === "string" ? recoveryTokens.get(tokenHash) : undefined;
      const user = entry ? userById(entry.userId) : undefined;
      if (type !== "recovery" || !entry || entry.used || !user) {
        return gotrueError(request, 403, "otp_expired", "Email link is invalid or has expired");
      }
      entry.used = true;
      return HttpResponse.json(startSession(user));
    }),
  ];

  return {
    url,
    handlers,
    calls,
    sentEmails,
    users,
    addUser,
    findUser,
    revokeSessions(userId) {
      for (const session of sessions.values()) if (!userId || session.userId === userId) session.revoked = true;
    },
    activeSessions(userId) {
      return [...sessions.values()].filter((s) => s.userId === userId && !s.revoked).length;
    },
    callCount(path, grantType) {
      return calls.filter((c) => c.path === `/auth/v1${path}` && (grantType === undefined || c.grantType === grantType)).length;
    },
    reset() {
      users.clear();
      sessions.clear();
      recoveryTokens.clear();
      emailChangeTokens.clear();
      failedSignIns.clear();
      calls.length = 0;
      sentEmails.length = 0;
    },
  };
}

/** Handlers for an Auth server that is down: a network failure, or an HTTP status such as 503. */
export function supabaseAuthOutage(url: string, kind: "network" | number): HttpHandler {
  return http.all(`${url}/auth/v1/*`, () =>
    kind === "network"
      ? HttpResponse.error()
      : HttpResponse.json({ code: "unexpected_failure", message: "upstream unavailable" }, { status: kind }),
  );
}

function b64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function randomToken(): string {
  return randomBytes(12).toString("base64url");
}
