// The embedded issuer: email + password (argon2id) and an opaque session token in
// an httpOnly cookie. Sessions live in public.auth_sessions (only the sha-256 of
// the token is stored). It issues the same claims shape as Supabase so the rest of
// the app never knows which issuer is in use. Everything here runs on the named
// system path: an issuer necessarily acts before anyone is signed in.
import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { createCookie } from "@remix-run/node";
import { sql } from "kysely";
import type { Database, UserClaims } from "../db.server";
import type {
  AuthIssuer,
  ChangePasswordResult,
  EmailChangeRequestResult,
  EmailChangeResult,
  ResetResult,
  SignInResult,
  SignUpResult,
} from "./types";

export const SESSION_COOKIE = "passerelle_session";
/**
 * Failed sign-ins on one email FROM ONE SOURCE (client address) before that pair is
 * locked for LOCKOUT_MINUTES. Per pair, so a stranger's guesses never lock the owner
 * out from her own machine; the per-IP rate limit (server/http.ts) bounds each source.
 */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
/** The owner hears of locks on her account at most once in this many hours (one episode). */
export const LOCK_NOTICE_HOURS = 24;
export const RESET_TOKEN_MINUTES = 60;
export const EMAIL_CHANGE_TOKEN_MINUTES = 60 * 24;
export const PASSWORD_MIN_LENGTH = 10;

// OWASP's argon2id baseline (19 MiB, t=2, p=1): strong, and fast enough on 2 cores.
// algorithm 2 is Argon2id (a const enum in the typings, unusable under isolatedModules).
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");
const normaliseEmail = (email: string) => email.trim().toLowerCase();

export interface LocalAuthOptions {
  db: Database;
  cookieSecure: boolean;
  sessionDays: number;
  /** Writes the reset email (the outbox in embedded mode). */
  sendResetEmail(input: { to: string; link: string }): Promise<void>;
  /** Tells the owner her account was locked somewhere (once per episode). */
  sendLockoutEmail?(input: { to: string }): Promise<void>;
  /** Sends the confirmation link of an email change to the NEW address. */
  sendEmailChangeLink?(input: { to: string; link: string; userId: string }): Promise<void>;
}

export function createLocalAuth(options: LocalAuthOptions): AuthIssuer & { hashPassword(p: string): Promise<string> } {
  const { db } = options;
  const cookie = createCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    secure: options.cookieSecure,
    path: "/",
    maxAge: options.sessionDays * 24 * 3600,
  });
  // Verifying against a throwaway hash when an email is unknown keeps the answer's
  // timing the same as for a wrong password.
  let dummyHash: Promise<string> | null = null;
  const getDummyHash = () => (dummyHash ??= hash(newToken(), ARGON2));

  const readToken = async (cookieHeader: string | null): Promise<string | null> => {
    if (!cookieHeader) return null;
    const value: unknown = await cookie.parse(cookieHeader);
    return typeof value === "string" && value.length > 20 && value.length < 100 ? value : null;
  };

  const startSession = async (userId: string, email: string, userAgent?: string) => {
    const token = newToken();
    const expires = new Date(Date.now() + options.sessionDays * 24 * 3600 * 1000);
    await db.asSystem("auth: start session", (tx) =>
      tx
        .insertInto("auth_sessions")
        .values({ id: sha256(token), user_id: userId, expires_at: expires, user_agent: userAgent?.slice(0, 300) ?? null })
        .execute(),
    );
    const headers = new Headers();
    headers.append("Set-Cookie", await cookie.serialize(token, { expires }));
    const claims: UserClaims = {
      sub: userId,
      role: "authenticated",
      aud: "authenticated",
      email,
      exp: Math.floor(expires.getTime() / 1000),
      session_id: sha256(token).slice(0, 16),
    };
    return { headers, claims };
  };

  /** The person's current password, checked like a sign-in (a throwaway hash when she has none). */
  const checkPassword = async (userId: string, password: string): Promise<boolean> => {
    const user = await db.asSystem("auth: check current password", (tx) =>
      tx.selectFrom("auth.users").select("encrypted_password").where("id", "=", userId).executeTakeFirst(),
    );
    const stored = user?.encrypted_password ?? (await getDummyHash());
    return Boolean(user?.encrypted_password) && (await verify(stored, password).catch(() => false));
  };

  const clearCookie = async () => {
    const headers = new Headers();
    headers.append("Set-Cookie", await cookie.serialize("", { maxAge: 0, expires: new Date(0) }));
    return headers;
  };

  return {
    kind: "local",
    hashPassword: (password) => hash(password, ARGON2),

    async getClaims(cookieHeader) {
      const token = await readToken(cookieHeader);
      if (!token) return null;
      const id = sha256(token);
      // Read on every signed-in request: start, statement and commit in one round trip.
      const row = await db.asSystem(
        "auth: read session",
        (tx) =>
          tx
            .selectFrom("auth_sessions")
            .innerJoin("auth.users as u", "u.id", "auth_sessions.user_id")
            .select(["auth_sessions.user_id", "auth_sessions.expires_at", "u.email", "u.banned_until"])
            .where("auth_sessions.id", "=", id)
            .where("auth_sessions.expires_at", ">", new Date())
            .executeTakeFirst(),
        { oneStatement: true },
      );
      if (!row || !row.email) return null;
      if (row.banned_until && new Date(row.banned_until) > new Date()) return null;
      return {
        sub: row.user_id,
        role: "authenticated",
        aud: "authenticated",
        email: row.email,
        exp: Math.floor(new Date(row.expires_at).getTime() / 1000),
        session_id: id.slice(0, 16),
      };
    },

    async signUp({ email, password }): Promise<SignUpResult> {
      if (password.length < PASSWORD_MIN_LENGTH) return { ok: false, error: "weak_password" };
      const address = normaliseEmail(email);
      // Hash first, whatever happens next, so a taken address answers in the same time.
      const passwordHash = await hash(password, ARGON2);
      const inserted = await db.asSystem("auth: sign up", async (tx) => {
        const exists = await tx
          .selectFrom("auth.users")
          .select("id")
          .where(sql`lower(email)`, "=", address)
          .executeTakeFirst();
        if (exists) return null;
        return tx
          .insertInto("auth.users")
          .values({ email: address, encrypted_password: passwordHash, email_confirmed_at: new Date() })
          .returning("id")
          .executeTakeFirst();
      });
      if (!inserted) return { ok: false, error: "email_taken" };
      // No session: sign-up answers the same whether the address was free or taken, so
      // the new member signs in like everyone else. These short-lived claims only let the
      // accounts module write her profile and consents through RLS.
      const claims: UserClaims = {
        sub: inserted.id,
        role: "authenticated",
        aud: "authenticated",
        email: address,
        exp: Math.floor(Date.now() / 1000) + 300,
      };
      return { ok: true, userId: inserted.id, claims, headers: new Headers(), needsEmailConfirmation: false };
    },

    async signIn({ email, password, userAgent, source }): Promise<SignInResult> {
      const address = normaliseEmail(email);
      const from = (source ?? "").slice(0, 100);
      const state = await db.asSystem("auth: sign in lookup", async (tx) => {
        const failures = await tx
          .selectFrom("login_failures")
          .selectAll()
          .where("email", "=", address)
          .where("source", "=", from)
          .executeTakeFirst();
        const user = await tx
          .selectFrom("auth.users")
          .select(["id", "email", "encrypted_password", "banned_until"])
          .where(sql`lower(email)`, "=", address)
          .executeTakeFirst();
        return { failures, user };
      });
      // Unknown and known addresses take the same path: the same hash work and the
      // same lockout bookkeeping, so neither wording nor timing tells them apart.
      const locked = state.failures?.locked_until && new Date(state.failures.locked_until) > new Date();
      const storedHash = state.user?.encrypted_password ?? (await getDummyHash());
      const passwordOk = await verify(storedHash, password).catch(() => false);
      const banned = state.user?.banned_until && new Date(state.user.banned_until) > new Date();
      if (locked) return { ok: false, error: "locked" };
      if (!state.user || !passwordOk || banned) {
        const noticeTo = await db.asSystem("auth: record failure", async (tx) => {
          const { rows } = await sql<{ failures: number }>`
            insert into public.login_failures (email, source, failures, locked_until, updated_at)
            values (${address}, ${from}, 1, null, now())
            on conflict (email, source) do update set
              failures = case when public.login_failures.updated_at < now() - make_interval(mins => ${LOCKOUT_MINUTES})
                              then 1 else public.login_failures.failures + 1 end,
              locked_until = case when (case when public.login_failures.updated_at < now() - make_interval(mins => ${LOCKOUT_MINUTES})
                              then 1 else public.login_failures.failures + 1 end) >= ${MAX_FAILED_SIGN_INS}
                              then now() + make_interval(mins => ${LOCKOUT_MINUTES}) else null end,
              updated_at = now()
            returning failures`.execute(tx);
          // This failure started a lock: tell the owner, once per episode (a row per
          // email, renewed at most every LOCK_NOTICE_HOURS), never for unknown addresses.
          if (rows[0]?.failures !== MAX_FAILED_SIGN_INS || !state.user?.email) return null;
          const { rows: noticed } = await sql<{ email: string }>`
            insert into public.login_lock_notices as n (email, notified_at) values (${address}, now())
            on conflict (email) do update set notified_at = now()
              where n.notified_at < now() - make_interval(hours => ${LOCK_NOTICE_HOURS})
            returning n.email`.execute(tx);
          return noticed.length ? state.user.email : null;
        });
        if (noticeTo) await options.sendLockoutEmail?.({ to: noticeTo });
        return { ok: false, error: "invalid_credentials" };
      }
      const user = state.user;
      await db.asSystem("auth: sign in success", async (tx) => {
        await tx.deleteFrom("login_failures").where("email", "=", address).where("source", "=", from).execute();
        // The owner is back in: a later lock is a new episode worth telling her about.
        await tx.deleteFrom("login_lock_notices").where("email", "=", address).execute();
        await tx.updateTable("auth.users").set({ last_sign_in_at: new Date() }).where("id", "=", user.id).execute();
      });
      const { headers, claims } = await startSession(user.id, user.email ?? address, userAgent);
      return { ok: true, claims, headers };
    },

    async signOut(cookieHeader) {
      const token = await readToken(cookieHeader);
      let userId: string | null = null;
      if (token) {
        const row = await db.asSystem("auth: sign out", (tx) =>
          tx.deleteFrom("auth_sessions").where("id", "=", sha256(token)).returning("user_id").executeTakeFirst(),
        );
        userId = row?.user_id ?? null;
      }
      return { headers: await clearCookie(), userId };
    },

    async requestPasswordReset({ email, redirectTo }) {
      const address = normaliseEmail(email);
      const token = newToken();
      const user = await db.asSystem("auth: password reset request", async (tx) => {
        const found = await tx
          .selectFrom("auth.users")
          .select(["id", "email"])
          .where(sql`lower(email)`, "=", address)
          .executeTakeFirst();
        if (!found) return null;
        await tx
          .insertInto("password_reset_tokens")
          .values({
            id: sha256(token),
            user_id: found.id,
            expires_at: new Date(Date.now() + RESET_TOKEN_MINUTES * 60 * 1000),
            used_at: null,
          })
          .execute();
        return found;
      });
      if (!user?.email) return;
      const link = new URL(redirectTo);
      link.searchParams.set("token", token);
      await options.sendResetEmail({ to: user.email, link: link.toString() });
    },

    async resetPassword({ token, password }): Promise<ResetResult> {
      if (password.length < PASSWORD_MIN_LENGTH) return { ok: false, error: "weak_password" };
      const passwordHash = await hash(password, ARGON2);
      const done = await db.asSystem("auth: password reset", async (tx) => {
        const row = await tx
          .updateTable("password_reset_tokens")
          .set({ used_at: new Date() })
          .where("id", "=", sha256(token))
          .where("used_at", "is", null)
          .where("expires_at", ">", new Date())
          .returning("user_id")
          .executeTakeFirst();
        if (!row) return false;
        const user = await tx
          .updateTable("auth.users")
          .set({ encrypted_password: passwordHash, updated_at: new Date() })
          .where("id", "=", row.user_id)
          .returning("email")
          .executeTakeFirst();
        // A reset ends every open session and lifts a lockout.
        await tx.deleteFrom("auth_sessions").where("user_id", "=", row.user_id).execute();
        if (user?.email) await tx.deleteFrom("login_failures").where("email", "=", user.email.toLowerCase()).execute();
        return true;
      });
      return done ? { ok: true } : { ok: false, error: "invalid_token" };
    },

    async changePassword({ claims, cookieHeader, currentPassword, newPassword }): Promise<ChangePasswordResult> {
      if (newPassword.length < PASSWORD_MIN_LENGTH) return { ok: false, error: "weak_password" };
      if (!(await checkPassword(claims.sub, currentPassword))) return { ok: false, error: "invalid_credentials" };
      const passwordHash = await hash(newPassword, ARGON2);
      const token = await readToken(cookieHeader);
      await db.asSystem("auth: change password", async (tx) => {
        await tx
          .updateTable("auth.users")
          .set({ encrypted_password: passwordHash, updated_at: new Date() })
          .where("id", "=", claims.sub)
          .execute();
        // Every other session ends (a thief's included); this device stays signed in.
        let others = tx.deleteFrom("auth_sessions").where("user_id", "=", claims.sub);
        if (token) others = others.where("id", "<>", sha256(token));
        await others.execute();
      });
      return { ok: true, headers: new Headers() };
    },

    async requestEmailChange({ claims, currentPassword, newEmail, redirectTo }): Promise<EmailChangeRequestResult> {
      if (!(await checkPassword(claims.sub, currentPassword))) return { ok: false, error: "invalid_credentials" };
      const address = normaliseEmail(newEmail);
      const token = newToken();
      const created = await db.asSystem("auth: email change request", async (tx) => {
        const taken = await tx
          .selectFrom("auth.users")
          .select("id")
          .where(sql`lower(email)`, "=", address)
          .executeTakeFirst();
        if (taken) return false;
        // One pending change at a time: a new request voids the older links.
        await tx.deleteFrom("email_change_tokens").where("user_id", "=", claims.sub).where("used_at", "is", null).execute();
        await tx
          .insertInto("email_change_tokens")
          .values({
            id: sha256(token),
            user_id: claims.sub,
            new_email: address,
            expires_at: new Date(Date.now() + EMAIL_CHANGE_TOKEN_MINUTES * 60 * 1000),
            used_at: null,
          })
          .execute();
        return true;
      });
      if (created) {
        const link = new URL(redirectTo);
        link.searchParams.set("token", token);
        await options.sendEmailChangeLink?.({ to: address, link: link.toString(), userId: claims.sub });
      }
      return { ok: true };
    },

    async confirmEmailChange({ token }): Promise<EmailChangeResult> {
      if (token.length < 20 || token.length > 200) return { ok: false, error: "invalid_token" };
      return db.asSystem("auth: confirm email change", async (tx) => {
        const row = await tx
          .updateTable("email_change_tokens")
          .set({ used_at: new Date() })
          .where("id", "=", sha256(token))
          .where("used_at", "is", null)
          .where("expires_at", ">", new Date())
          .returning(["user_id", "new_email"])
          .executeTakeFirst();
        if (!row) return { ok: false as const, error: "invalid_token" as const };
        // Someone may have signed up with the address since the link was sent.
        const taken = await tx
          .selectFrom("auth.users")
          .select("id")
          .where(sql`lower(email)`, "=", row.new_email)
          .where("id", "<>", row.user_id)
          .executeTakeFirst();
        if (taken) return { ok: false as const, error: "email_taken" as const };
        await tx.updateTable("auth.users").set({ email: row.new_email, updated_at: new Date() }).where("id", "=", row.user_id).execute();
        return { ok: true as const, userId: row.user_id, email: row.new_email };
      });
    },
  };
}
