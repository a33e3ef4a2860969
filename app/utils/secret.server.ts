// The application secret that signs one-click links (unsubscribe…). APP_SECRET when
// set (required for several processes: they must agree); otherwise generated once
// and kept in DATA_DIR/app-secret (mode 600), so links survive restarts.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Env } from "./env.server";

const cache = new Map<string, string>();

export function getAppSecret(env: Pick<Env, "APP_SECRET" | "DATA_DIR">): string {
  if (env.APP_SECRET) return env.APP_SECRET;
  const file = path.resolve(env.DATA_DIR, "app-secret");
  const known = cache.get(file);
  if (known) return known;
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch {
    secret = "";
  }
  if (secret.length < 32) {
    secret = randomBytes(32).toString("base64url");
    mkdirSync(path.dirname(file), { recursive: true });
    // "wx": if another process wrote it first, use theirs.
    try {
      writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    } catch {
      secret = readFileSync(file, "utf8").trim();
    }
  }
  cache.set(file, secret);
  return secret;
}

/** `<subject>.<signature>` for a purpose ("forum-email"…): the signature binds both. */
export function signToken(secret: string, purpose: string, subject: string): string {
  const signature = createHmac("sha256", secret).update(`${purpose}\n${subject}`).digest("base64url");
  return `${subject}.${signature}`;
}

/** The subject of a valid token for this purpose, else null (constant-time comparison). */
export function verifyToken(secret: string, purpose: string, token: string): string | null {
  const dot = token.lastIndexOf(".");
  if (dot <= 0 || token.length > 300) return null;
  const subject = token.slice(0, dot);
  const expected = Buffer.from(signToken(secret, purpose, subject).slice(dot + 1));
  const given = Buffer.from(token.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? subject : null;
}
