// One contract, two issuers: the local email + password issuer (embedded mode)
// and Supabase Auth. Both hand the app the same Supabase-shaped claims.
import type { UserClaims } from "../db.server";

export type SignUpResult =
  | { ok: true; userId: string; claims: UserClaims; headers: Headers; needsEmailConfirmation: boolean }
  | { ok: false; error: "email_taken" | "weak_password" | "unavailable" };

export type SignInResult =
  | { ok: true; claims: UserClaims; headers: Headers }
  | { ok: false; error: "invalid_credentials" | "locked" | "unavailable" };

export type ResetResult = { ok: true } | { ok: false; error: "invalid_token" | "weak_password" | "unavailable" };

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
  signIn(input: { email: string; password: string; cookieHeader: string | null; userAgent?: string }): Promise<SignInResult>;
  /** Ends the session; returns Set-Cookie headers that clear it. */
  signOut(cookieHeader: string | null): Promise<{ headers: Headers; userId: string | null }>;
  /** Always resolves the same way whether the email exists or not. */
  requestPasswordReset(input: { email: string; redirectTo: string }): Promise<void>;
  resetPassword(input: { token: string; password: string; cookieHeader: string | null }): Promise<ResetResult>;
}
