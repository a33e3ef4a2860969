// One contract, two issuers: the local email + password issuer (embedded mode)
// and Supabase Auth. Both hand the app the same Supabase-shaped claims.
import type { UserClaims } from "../db.server";

export type SignUpResult =
  | { ok: true; userId: string; claims: UserClaims; headers: Headers; needsEmailConfirmation: boolean }
  | { ok: false; error: "email_taken" | "weak_password" | "unavailable" };

export type SignInResult =
  { ok: true; claims: UserClaims; headers: Headers } | { ok: false; error: "invalid_credentials" | "locked" | "unavailable" };

export type ResetResult = { ok: true } | { ok: false; error: "invalid_token" | "weak_password" | "unavailable" };

export type ChangePasswordResult =
  { ok: true; headers: Headers } | { ok: false; error: "invalid_credentials" | "weak_password" | "unavailable" };

export type EmailChangeRequestResult = { ok: true } | { ok: false; error: "invalid_credentials" | "unavailable" };

export type EmailChangeResult =
  { ok: true; userId: string; email: string } | { ok: false; error: "invalid_token" | "email_taken" | "unavailable" };

export interface AuthIssuer {
  readonly kind: "local" | "supabase";
  /** Claims from the session cookie(s) in a Cookie header, or null. */
  getClaims(cookieHeader: string | null): Promise<UserClaims | null>;
  /**
   * Issuers whose sessions refresh (Supabase) also return the Set-Cookie headers the
   * browser must receive; the server calls this once per request.
   */
  getSession?(cookieHeader: string | null): Promise<{ claims: UserClaims | null; headers: Headers }>;
  /** For places that cannot set cookies (the socket handshake): never refreshes. */
  getClaimsWithoutRefresh?(cookieHeader: string | null): Promise<UserClaims | null>;
  signUp(input: { email: string; password: string; displayName: string }): Promise<SignUpResult>;
  /**
   * `source` is the client's address as the server sees it (TRUST_PROXY decides whether
   * X-Forwarded-For counts): the local issuer's lockout counts failures per account AND
   * source, so nobody can lock someone else out from their own machine.
   */
  signIn(input: {
    email: string;
    password: string;
    cookieHeader: string | null;
    userAgent?: string;
    source?: string;
  }): Promise<SignInResult>;
  /** Ends the session; returns Set-Cookie headers that clear it. */
  signOut(cookieHeader: string | null): Promise<{ headers: Headers; userId: string | null }>;
  /** Always resolves the same way whether the email exists or not. */
  requestPasswordReset(input: { email: string; redirectTo: string }): Promise<void>;
  resetPassword(input: { token: string; password: string; cookieHeader: string | null }): Promise<ResetResult>;
  /** The signed-in person's password, proven by the current one; her other sessions end. */
  changePassword(input: {
    claims: UserClaims;
    cookieHeader: string | null;
    currentPassword: string;
    newPassword: string;
  }): Promise<ChangePasswordResult>;
  /**
   * Proven by the current password: a confirmation link goes to the NEW address
   * (`redirectTo` + the token); nothing changes until it is confirmed. An address that
   * already has an account gets no link, and the answer is the same.
   */
  requestEmailChange(input: {
    claims: UserClaims;
    cookieHeader: string | null;
    currentPassword: string;
    newEmail: string;
    redirectTo: string;
  }): Promise<EmailChangeRequestResult>;
  /** Spends the emailed token and changes the sign-in address. */
  confirmEmailChange(input: { token: string }): Promise<EmailChangeResult>;
}
