// Supabase Auth issuer (Supabase / Postgres mode). Owns the session cookies written by @supabase/ssr and the
// mapping from GoTrue answers to the AuthIssuer contract: the app sees the same Supabase-shaped claims as with
// the local issuer, and never a token, a password or a thrown Auth error.
//
// Server-only. Create it once in server/ (it holds no per-request state) and hand it to Remix through
// getLoadContext; every method builds a fresh supabase-js client for its one request, as @supabase/ssr requires.
import {
  combineChunks,
  createServerClient,
  parseCookieHeader,
  serializeCookieHeader,
  stringFromBase64URL,
  type CookieOptions,
} from "@supabase/ssr";
import {
  isAuthApiError,
  isAuthRetryableFetchError,
  isAuthSessionMissingError,
  isAuthWeakPasswordError,
  type AuthError,
  type SupabaseClient,
  type User,
  type WebSocketLikeConstructor,
} from "@supabase/supabase-js";
import WebSocket from "ws";
import type { UserClaims } from "../db.server";
import type {
  AuthIssuer,
  ChangePasswordResult,
  EmailChangeRequestResult,
  EmailChangeResult,
  ResetResult,
  SignInResult,
  SignUpResult,
} from "./types";

export interface SupabaseAuthOptions {
  /** Project URL, e.g. https://xyz.supabase.co or http://127.0.0.1:54321 (SUPABASE_URL). */
  url: string;
  /** The anon (publishable) key (SUPABASE_ANON_KEY). Never the service role key. */
  anonKey: string;
  /** Secure cookies: true in production (HTTPS). */
  cookieSecure: boolean;
  /** Defaults to the global fetch, looked up at call time (so MSW in tests sees every request). */
  fetch?: typeof fetch;
  /** Upper bound for one call to the Auth server. */
  requestTimeoutMs?: number;
}

export interface SupabaseSession {
  claims: UserClaims | null;
  /** Set-Cookie (and no-store) headers to send with the response: present when supabase-js refreshed the session. */
  headers: Headers;
}

export interface SupabaseAuthIssuer extends AuthIssuer {
  readonly kind: "supabase";
  /** Like getClaims, plus the Set-Cookie headers of a refreshed session. Loaders should prefer this one. */
  getSession(cookieHeader: string | null): Promise<SupabaseSession>;
  /**
   * Claims for a still-valid access token, validated by the Auth server, never refreshing. For places that
   * cannot set cookies (the Socket.IO handshake): a refresh there would spend the refresh token the browser
   * still holds, and GoTrue revokes the whole session when a spent token comes back after its reuse interval.
   */
  getClaimsWithoutRefresh(cookieHeader: string | null): Promise<UserClaims | null>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 8000;

// Our fetch wrapper answers for an Auth server it could not reach. A refresh gets a status outside auth-js'
// retryable list, because auth-js retries a failed refresh with backoff for up to ~30 s — far too long to hold
// a page load; the next request simply tries again.
const UNREACHABLE_STATUS = 503;
const UNREACHABLE_REFRESH_STATUS = 599;

// Node 20 has no global WebSocket. ws implements the browser API realtime-js uses; only its TypeScript event
// types differ from the DOM's, hence the one cast.
const nodeWebSocket = WebSocket as unknown as WebSocketLikeConstructor;

const SIGN_UP_TAKEN_CODES = new Set(["user_already_exists", "email_exists"]);
const SIGN_IN_LOCKED_CODES = new Set(["over_request_rate_limit", "user_banned"]);
const REJECTED_PASSWORD_CODES = new Set(["weak_password", "same_password"]);

export function createSupabaseAuth(options: SupabaseAuthOptions): SupabaseAuthIssuer {
  const storageKey = defaultStorageKey(options.url);
  const cookieOptions: CookieOptions = {
    httpOnly: true,
    secure: options.cookieSecure,
    sameSite: "lax",
    path: "/",
  };
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  async function openRequest(cookieHeader: string | null, extraHeaders?: Record<string, string>) {
    const jar = createCookieJar(cookieHeader, cookieOptions);
    const upstream = { failed: false };
    const client = createServerClient(options.url, options.anonKey, {
      cookies: {
        getAll: () => jar.getAll(),
        setAll: (cookies, headers) => jar.setAll(cookies, headers),
      },
      cookieOptions,
      auth: { debug: false },
      global: {
        fetch: guardedFetch(() => options.fetch ?? globalThis.fetch, upstream, timeoutMs),
        ...(extraHeaders ? { headers: extraHeaders } : {}),
      },
      // realtime-js is never connected from here, but on Node 20 it needs a transport all the same.
      realtime: { transport: nodeWebSocket },
    });
    // Constructing the client schedules INITIAL_SESSION emissions that load (and, when expired, refresh) the
    // session on their own and console.error any failure. They run within this microtask turn: let them see
    // an empty jar, so the one load that matters is ours, where failures are handled.
    await new Promise<void>((resolve) => setImmediate(resolve));
    jar.arm();
    return { client, jar, upstream };
  }

  function hasAuthCookie(cookieHeader: string | null): boolean {
    if (!cookieHeader) return false;
    return parseCookieHeader(cookieHeader).some(({ name }) => name.startsWith(storageKey));
  }

  async function getSession(cookieHeader: string | null): Promise<SupabaseSession> {
    // Anonymous visitors cost nothing: no client, no network.
    if (!hasAuthCookie(cookieHeader)) return { claims: null, headers: new Headers() };
    try {
      const request = await openRequest(cookieHeader);
      const claims = await resolveClaims(request.client, () => request.jar.clearAuthCookies(storageKey));
      // When the Auth server could not be reached, never tell the browser to drop its session. A session
      // rotated before the failure is still written whole: its old refresh token is spent.
      const keepSession = request.upstream.failed && request.jar.onlyRemovals();
      return { claims, headers: keepSession ? new Headers() : request.jar.toHeaders() };
    } catch {
      return { claims: null, headers: new Headers() };
    }
  }

  /**
   * The person behind the cookies, and proof that `password` is her current one: a
   * sign-in on a throwaway client (its session is ended at once; it never reaches a
   * browser). GoTrue has no "check this password" call of its own.
   */
  async function proveCurrentPassword(cookieHeader: string | null, claims: UserClaims, password: string) {
    const request = await openRequest(cookieHeader);
    const current = await resolveClaims(request.client, () => undefined);
    if (!current || current.sub !== claims.sub) {
      return { ok: false as const, error: request.upstream.failed ? ("unavailable" as const) : ("invalid_credentials" as const) };
    }
    const proof = await openRequest(null);
    const signed = await proof.client.auth.signInWithPassword({ email: current.email, password });
    if (signed.error || !signed.data.session) {
      return {
        ok: false as const,
        error: unreachable(signed.error, proof.upstream.failed) ? ("unavailable" as const) : ("invalid_credentials" as const),
      };
    }
    await proof.client.auth.signOut({ scope: "local" }).catch(() => undefined);
    return { ok: true as const, request };
  }

  return {
    kind: "supabase",

    getSession,

    async changePassword({ claims, cookieHeader, currentPassword, newPassword }): Promise<ChangePasswordResult> {
      try {
        const proven = await proveCurrentPassword(cookieHeader, claims, currentPassword);
        if (!proven.ok) return proven;
        const { client, jar, upstream } = proven.request;
        const { error } = await client.auth.updateUser({ password: newPassword });
        if (error) {
          if (unreachable(error, upstream.failed)) return { ok: false, error: "unavailable" };
          if (isAuthWeakPasswordError(error) || REJECTED_PASSWORD_CODES.has(error.code ?? "")) return { ok: false, error: "weak_password" };
          return { ok: false, error: "unavailable" };
        }
        // GoTrue ends the other sessions on a password change; ask for it explicitly all the same
        // (POST /logout?scope=others), in case a project's settings differ. This session stays.
        await client.auth.signOut({ scope: "others" }).catch(() => undefined);
        return { ok: true, headers: jar.toHeaders() };
      } catch {
        return { ok: false, error: "unavailable" };
      }
    },

    async requestEmailChange({ claims, cookieHeader, currentPassword, newEmail, redirectTo }): Promise<EmailChangeRequestResult> {
      try {
        const proven = await proveCurrentPassword(cookieHeader, claims, currentPassword);
        if (!proven.ok) return proven;
        const { client, upstream } = proven.request;
        // GoTrue emails the link itself (its "Change email address" template must point at
        // redirectTo with token={{ .TokenHash }}); nothing changes until it is verified.
        const { error } = await client.auth.updateUser({ email: newEmail }, { emailRedirectTo: redirectTo });
        // An address that already has an account answers like any other (no link is sent).
        if (error && (unreachable(error, upstream.failed) || !SIGN_UP_TAKEN_CODES.has(error.code ?? ""))) {
          return { ok: false, error: "unavailable" };
        }
        return { ok: true };
      } catch {
        return { ok: false, error: "unavailable" };
      }
    },

    async confirmEmailChange({ token }): Promise<EmailChangeResult> {
      try {
        const { client, upstream } = await openRequest(null);
        const verified = await client.auth.verifyOtp({ token_hash: token, type: "email_change" });
        const user = verified.data.user;
        if (verified.data.session) await client.auth.signOut({ scope: "local" }).catch(() => undefined);
        if (verified.error || !user?.email) {
          if (unreachable(verified.error, upstream.failed)) return { ok: false, error: "unavailable" };
          return { ok: false, error: SIGN_UP_TAKEN_CODES.has(verified.error?.code ?? "") ? "email_taken" : "invalid_token" };
        }
        return { ok: true, userId: user.id, email: user.email };
      } catch {
        return { ok: false, error: "unavailable" };
      }
    },

    async getClaimsWithoutRefresh(cookieHeader) {
      if (!hasAuthCookie(cookieHeader)) return null;
      try {
        const accessToken = await storedAccessToken(cookieHeader, storageKey);
        const expiresAt = accessToken ? decodeJwtPayload(accessToken)?.exp : undefined;
        if (!accessToken || typeof expiresAt !== "number" || expiresAt * 1000 <= Date.now()) return null;
        const { client } = await openRequest(null);
        const { data, error } = await client.auth.getUser(accessToken);
        return error || !data.user ? null : claimsFromToken(data.user, accessToken);
      } catch {
        return null;
      }
    },

    async getClaims(cookieHeader) {
      return (await getSession(cookieHeader)).claims;
    },

    async signUp({ email, password, displayName }): Promise<SignUpResult> {
      try {
        const { client, jar, upstream } = await openRequest(null);
        const { data, error } = await client.auth.signUp({
          email,
          password,
          options: { data: { display_name: displayName } },
        });
        if (error || !data.user) return { ok: false, error: signUpError(error, upstream.failed) };
        const user = data.user;
        const sessionClaims = data.session ? claimsFromToken(user, data.session.access_token) : null;
        if (data.session && !sessionClaims) return { ok: false, error: "unavailable" };
        return {
          ok: true,
          userId: user.id,
          // Without a session (email confirmation pending) the claims are already expired: identify, never admit.
          claims: sessionClaims ?? { sub: user.id, role: "authenticated", aud: "authenticated", email: user.email ?? email, exp: 0 },
          // Without a session the only cookie would be a PKCE verifier; confirmation links use token_hash instead.
          headers: data.session ? jar.toHeaders() : new Headers(),
          needsEmailConfirmation: !data.session,
        };
      } catch {
        return { ok: false, error: "unavailable" };
      }
    },

    async signIn({ email, password, cookieHeader, userAgent }): Promise<SignInResult> {
      try {
        // The old cookies let @supabase/ssr clear stale chunks of a previous session.
        const { client, jar, upstream } = await openRequest(cookieHeader, userAgent ? { "User-Agent": userAgent } : undefined);
        const { data, error } = await client.auth.signInWithPassword({ email, password });
        if (error || !data.session || !data.user) return { ok: false, error: signInError(error, upstream.failed) };
        const claims = claimsFromToken(data.user, data.session.access_token);
        if (!claims) return { ok: false, error: "unavailable" };
        return { ok: true, claims, headers: jar.toHeaders() };
      } catch {
        return { ok: false, error: "unavailable" };
      }
    },

    async signOut(cookieHeader) {
      if (!hasAuthCookie(cookieHeader)) return { headers: new Headers(), userId: null };
      const jar = createCookieJar(cookieHeader, cookieOptions);
      let userId: string | null = null;
      try {
        const request = await openRequest(cookieHeader);
        // Only a user id the Auth server vouched for: the caller may act on it (e.g. close that person's sockets).
        userId = (await resolveClaims(request.client, () => undefined))?.sub ?? null;
        // Ends this device's session (POST /logout?scope=local); sessions on the person's other devices remain.
        await request.client.auth.signOut({ scope: "local" });
        request.jar.clearAuthCookies(storageKey);
        return { headers: request.jar.toHeaders(), userId };
      } catch {
        jar.clearAuthCookies(storageKey);
        return { headers: jar.toHeaders(), userId };
      }
    },

    async requestPasswordReset({ email, redirectTo }) {
      // GoTrue answers the same for unknown emails; whatever happens (rate limit, outage) we do too.
      try {
        const { client } = await openRequest(null);
        await client.auth.resetPasswordForEmail(email, { redirectTo });
      } catch {
        // Same outcome on purpose.
      }
    },

    // The recovery token is the token_hash of the email template ({{ .TokenHash }}), so the reset works on any
    // device: no PKCE verifier cookie is involved and the caller's cookies are not needed.
    async resetPassword({ token, password }): Promise<ResetResult> {
      try {
        const { client, upstream } = await openRequest(null);
        const verified = await client.auth.verifyOtp({ token_hash: token, type: "recovery" });
        if (verified.error || !verified.data.session) {
          return { ok: false, error: unreachable(verified.error, upstream.failed) ? "unavailable" : "invalid_token" };
        }
        try {
          const { error } = await client.auth.updateUser({ password });
          if (error) {
            if (unreachable(error, upstream.failed)) return { ok: false, error: "unavailable" };
            if (isAuthWeakPasswordError(error) || REJECTED_PASSWORD_CODES.has(error.code ?? "")) {
              return { ok: false, error: "weak_password" };
            }
            return { ok: false, error: "invalid_token" };
          }
          return { ok: true };
        } finally {
          // The recovery session's tokens never reach a browser: end it rather than leave it live.
          await client.auth.signOut({ scope: "local" }).catch(() => undefined);
        }
      } catch {
        return { ok: false, error: "unavailable" };
      }
    },
  };
}

/**
 * Loads the session from the cookies (supabase-js refreshes it when the access token is expired or about to be),
 * then has the Auth server vouch for the access token (GET /auth/v1/user). Claims come from that token.
 */
async function resolveClaims(client: SupabaseClient, onRejected: () => void): Promise<UserClaims | null> {
  const { data, error } = await client.auth.getSession();
  if (error || !data.session) return null;
  const accessToken = data.session.access_token;
  const { data: userData, error: userError } = await client.auth.getUser(accessToken);
  if (userError || !userData.user) {
    // Rejected for good (revoked session, bad or expired JWT): drop the cookies so we stop asking.
    if (
      userError &&
      (isAuthSessionMissingError(userError) || (isAuthApiError(userError) && (userError.status === 401 || userError.status === 403)))
    ) {
      onRejected();
    }
    return null;
  }
  return claimsFromToken(userData.user, accessToken);
}

/** The access token in the session cookie(s), decoded the way @supabase/ssr writes them (chunks, base64-). */
async function storedAccessToken(cookieHeader: string | null, storageKey: string): Promise<string | null> {
  const cookies = new Map((cookieHeader ? parseCookieHeader(cookieHeader) : []).map(({ name, value }) => [name, value]));
  const raw = await combineChunks(storageKey, (name) => cookies.get(name));
  if (!raw) return null;
  const stored: unknown = JSON.parse(raw.startsWith("base64-") ? stringFromBase64URL(raw.slice("base64-".length)) : raw);
  return isRecord(stored) && typeof stored.access_token === "string" ? stored.access_token : null;
}

function claimsFromToken(user: User, accessToken: string): UserClaims | null {
  const payload = decodeJwtPayload(accessToken);
  if (!payload) return null;
  const { exp, sub, session_id: sessionId } = payload;
  if (typeof exp !== "number" || sub !== user.id) return null;
  const claims: UserClaims = { sub: user.id, role: "authenticated", aud: "authenticated", email: user.email ?? "", exp };
  if (typeof sessionId === "string") claims.session_id = sessionId;
  return claims;
}

/** Reads a JWT's payload without verifying it: callers only use tokens the Auth server just issued or accepted. */
function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return isRecord(payload) ? payload : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unreachable(error: AuthError | null, upstreamFailed: boolean): boolean {
  if (upstreamFailed) return true;
  if (!error) return false;
  if (isAuthRetryableFetchError(error)) return true;
  // No HTTP status means the request never got a usable answer (unparseable body and the like).
  return error.status === undefined || error.status >= 500;
}

function signUpError(error: AuthError | null, upstreamFailed: boolean): "email_taken" | "weak_password" | "unavailable" {
  if (!error || unreachable(error, upstreamFailed)) return "unavailable";
  if (SIGN_UP_TAKEN_CODES.has(error.code ?? "")) return "email_taken";
  if (isAuthWeakPasswordError(error) || error.code === "weak_password") return "weak_password";
  return "unavailable";
}

function signInError(error: AuthError | null, upstreamFailed: boolean): "invalid_credentials" | "locked" | "unavailable" {
  if (!error || unreachable(error, upstreamFailed)) return "unavailable";
  if (error.status === 429 || SIGN_IN_LOCKED_CODES.has(error.code ?? "")) return "locked";
  // invalid_credentials, legacy invalid_grant, email_not_confirmed and other refusals: one answer, no oracle.
  return "invalid_credentials";
}

/** supabase-js' default storage key, hence the cookie names: sb-<first label of the host>-auth-token[.N]. */
function defaultStorageKey(url: string): string {
  return `sb-${new URL(url).hostname.split(".")[0]}-auth-token`;
}

/**
 * Wraps fetch so that no Auth call throws (auth-js console.errors a thrown fetch) or hangs: an unreachable
 * server or a 5xx becomes an answer auth-js maps to an error, and `upstream.failed` remembers it.
 */
function guardedFetch(baseFetch: () => typeof fetch, upstream: { failed: boolean }, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const isRefresh = url.includes("grant_type=refresh_token");
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await baseFetch()(input, { ...init, signal });
    } catch {
      upstream.failed = true;
      return unreachableResponse(isRefresh);
    }
    if (response.status >= 500) {
      upstream.failed = true;
      if (isRefresh) {
        // Not awaited: some stream sources never settle a cancel, and the body is not needed.
        response.body?.cancel().catch(() => undefined);
        return unreachableResponse(true);
      }
    }
    return response;
  };
}

function unreachableResponse(isRefresh: boolean): Response {
  const body = { error_code: "upstream_unavailable", msg: "Supabase Auth is unreachable" };
  return new Response(JSON.stringify(body), {
    status: isRefresh ? UNREACHABLE_REFRESH_STATUS : UNREACHABLE_STATUS,
    headers: { "Content-Type": "application/json" },
  });
}

type CookieToSet = { name: string; value: string; options: CookieOptions };

/**
 * The @supabase/ssr cookie adapter for one request: reads the Cookie header, collects what supabase-js writes
 * (last write per name wins) and turns it into Set-Cookie headers. Every cookie is httpOnly, SameSite=Lax,
 * path=/ and Secure when configured, whatever supabase-js asks for.
 */
function createCookieJar(cookieHeader: string | null, enforced: CookieOptions) {
  const incoming = new Map<string, string>(
    (cookieHeader ? parseCookieHeader(cookieHeader) : []).map(({ name, value }) => [name, value ?? ""]),
  );
  const outgoing = new Map<string, CookieToSet>();
  const responseHeaders = new Map<string, string>();
  let armed = false;

  function put(name: string, value: string, options: CookieOptions) {
    if (value === "" && !incoming.has(name)) {
      // Never reached the browser: nothing to clear.
      outgoing.delete(name);
      return;
    }
    outgoing.set(name, { name, value, options: { ...options, ...enforced, ...(value === "" ? { maxAge: 0 } : {}) } });
  }

  return {
    arm() {
      armed = true;
    },
    getAll(): { name: string; value: string }[] {
      if (!armed) return [];
      const current = new Map(incoming);
      for (const { name, value } of outgoing.values()) {
        if (value === "") current.delete(name);
        else current.set(name, value);
      }
      return [...current].map(([name, value]) => ({ name, value }));
    },
    setAll(cookies: CookieToSet[], headers: Record<string, string>) {
      for (const { name, value, options } of cookies) put(name, value, options);
      for (const [key, value] of Object.entries(headers)) responseHeaders.set(key, value);
    },
    clearAuthCookies(storageKey: string) {
      const names = new Set([...incoming.keys(), ...outgoing.keys()]);
      for (const name of names) if (name.startsWith(storageKey)) put(name, "", {});
    },
    onlyRemovals(): boolean {
      return [...outgoing.values()].every(({ value }) => value === "");
    },
    toHeaders(): Headers {
      const headers = new Headers();
      for (const { name, value, options } of outgoing.values()) {
        headers.append("Set-Cookie", serializeCookieHeader(name, value, options));
      }
      if (outgoing.size > 0) {
        // Responses that set session cookies must never be cached by a proxy.
        headers.set("Cache-Control", responseHeaders.get("Cache-Control") ?? "private, no-cache, no-store, must-revalidate, max-age=0");
        headers.set("Expires", "0");
        headers.set("Pragma", "no-cache");
      }
      return headers;
    },
  };
}
