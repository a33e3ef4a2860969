// Configuration is parsed once at boot. A bad value stops the process with a
// message that names the variable (rule 10 in docs/architecture.md); nothing reads process.env
// anywhere else.
import { createPrivateKey } from "node:crypto";
import { z } from "zod";

/** Whether a PEM text is an RSA private key Node can sign with (checked at boot, not at the first room). */
function isRsaPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
/**
 * Which proxies may tell us the client's address (X-Forwarded-For), in Express's terms:
 * `false` (the default: nobody, the socket's peer is the client), a hop count (`1`: one
 * reverse proxy in front), or a comma-separated list of proxy addresses / subnets
 * (`loopback`, `10.0.0.0/8`, …). `true` (trust every hop) is refused: any client could
 * then pick its own address and walk around the sign-in limits.
 */
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): false | number | string[] => {
    const lower = value.toLowerCase();
    if (lower === "false" || lower === "0") return false;
    if (/^[0-9]+$/.test(lower)) {
      const hops = Number(lower);
      if (hops <= 10) return hops;
    } else {
      const items = lower
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
      const valid = items.length > 0 && items.every((item) => PROXY_NAMES.has(item) || /^[0-9a-f.:]+(\/[0-9]{1,3})?$/.test(item));
      if (valid && lower !== "true") return items;
    }
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: "must be false, a hop count (0-10) or a comma-separated list of proxy addresses/subnets (never true)",
    });
    return z.NEVER;
  });

/** Days to keep something before the daily sweep deletes it: 0 or unset is off. */
const retentionDays = z.coerce
  .number({ invalid_type_error: "must be a whole number of days" })
  .int("must be a whole number of days")
  .min(0, "must be 0 (off) or 1 to 3650 days")
  .max(3650, "must be 0 (off) or 1 to 3650 days")
  .default(0);

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(" or ")}`,
    })
    .optional();

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    PUBLIC_URL: optionalUrl(["http://", "https://"]),
    ALLOWED_ORIGINS: z.string().optional(),
    TRUST_PROXY: trustProxy.default("false"),
    DATA_DIR: z.string().min(1).default(".data"),
    DATABASE_URL: optionalUrl(["postgres://", "postgresql://"]),
    MIGRATION_DATABASE_URL: optionalUrl(["postgres://", "postgresql://"]),
    SUPABASE_URL: optionalUrl(["http://", "https://"]),
    SUPABASE_ANON_KEY: z.string().min(20).optional(),
    /** Server-side only: uploads go to a private Supabase Storage bucket (else local disk). */
    SUPABASE_SERVICE_ROLE_KEY: z.string().min(20).optional(),
    SEED_DEMO: bool.optional(),
    REDIS_URL: optionalUrl(["redis://", "rediss://"]),
    SMTP_URL: optionalUrl(["smtp://", "smtps://"]),
    MAIL_FROM: z.string().email().default("passerelle@localhost.localdomain"),
    /** The page that shows the outbox to admins, where mail is never sent (no SMTP_URL). */
    DEV_MAILBOX: bool.optional(),
    /** Where people reach the team (contact, about and accessibility pages). Unset: MAIL_FROM. */
    CONTACT_EMAIL: z.string().email().optional(),
    /**
     * The person in charge of the protection of personal information (published on the
     * privacy notice and page): name and title as they should read; unset, the notice
     * names the role only. Email unset: CONTACT_EMAIL.
     */
    PRIVACY_OFFICER_NAME: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .regex(/^[^\p{Cc}]+$/u, "must be one line of text")
      .optional(),
    PRIVACY_OFFICER_TITLE: z
      .string()
      .trim()
      .min(1)
      .max(160)
      .regex(/^[^\p{Cc}]+$/u, "must be one line of text")
      .optional(),
    PRIVACY_OFFICER_EMAIL: z.string().email().optional(),
    JITSI_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+(:[0-9]+)?$/i, "must be a host name")
      .optional(),
    /** A self-hosted Jitsi with token auth: the app id (JWT iss) and the HS256 secret the loader signs room tokens with. */
    JITSI_APP_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, "must be letters, digits, . _ or -")
      .optional(),
    JITSI_APP_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /**
     * 8x8 JaaS instead of a self-hosted Jitsi: the AppID (JWT sub, the rooms' prefix), the API
     * key id (JWT kid, "<AppID>/<id>") and its RSA private key in PEM (PKCS#8; "\n" escapes are
     * accepted so it fits on one line of an env file). JITSI_DOMAIN is then 8x8.vc.
     */
    JAAS_APP_ID: z
      .string()
      .regex(/^vpaas-magic-cookie-[a-f0-9]{16,64}$/, "must be the AppID (vpaas-magic-cookie-…)")
      .optional(),
    JAAS_KEY_ID: z
      .string()
      .regex(/^vpaas-magic-cookie-[a-f0-9]{16,64}\/[A-Za-z0-9]{1,64}$/, "must be the API key id (<AppID>/<id>)")
      .optional(),
    JAAS_PRIVATE_KEY: z
      .string()
      .transform((pem) => pem.replaceAll("\\n", "\n"))
      .optional(),
    COOKIE_SECURE: bool.optional(),
    SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    /** Set by `remix dev --manual`; the server then tells it when a rebuild is live. */
    REMIX_DEV_ORIGIN: z.string().url().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Signs one-click links (e.g. unsubscribe). Unset: generated once and kept in DATA_DIR/app-secret. */
    APP_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** The job worker (decision 011): idle poll, jobs at once, claim lease, first retry delay. */
    /** Socket.IO connection attempts one client address may make per minute (0: no limit). */
    REALTIME_HANDSHAKES_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(120),
    JOBS_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
    JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    JOBS_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    JOBS_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
    /** Retention (the daily "retention.sweep" job): read notifications, chat threads. */
    NOTIFICATION_RETENTION_DAYS: retentionDays,
    CHAT_RETENTION_DAYS: retentionDays,
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.SUPABASE_URL) !== Boolean(env.SUPABASE_ANON_KEY)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [env.SUPABASE_URL ? "SUPABASE_ANON_KEY" : "SUPABASE_URL"],
        message: "SUPABASE_URL and SUPABASE_ANON_KEY go together",
      });
    }
    // The mailbox shows password-reset links: never beside real delivery, where the
    // outbox is only a copy and someone might mistake the page for a harmless tool.
    if (env.DEV_MAILBOX && env.SMTP_URL) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["DEV_MAILBOX"], message: "cannot be true with SMTP_URL (mail is delivered)" });
    }
    if (Boolean(env.JITSI_APP_ID) !== Boolean(env.JITSI_APP_SECRET)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [env.JITSI_APP_ID ? "JITSI_APP_SECRET" : "JITSI_APP_ID"],
        message: "JITSI_APP_ID and JITSI_APP_SECRET go together",
      });
    }
    const jaas = [env.JAAS_APP_ID, env.JAAS_KEY_ID, env.JAAS_PRIVATE_KEY];
    if (jaas.some(Boolean) && !jaas.every(Boolean)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["JAAS_APP_ID"],
        message: "JAAS_APP_ID, JAAS_KEY_ID and JAAS_PRIVATE_KEY go together",
      });
    }
    if (env.JAAS_APP_ID && env.JAAS_KEY_ID && !env.JAAS_KEY_ID.startsWith(`${env.JAAS_APP_ID}/`)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["JAAS_KEY_ID"], message: "must start with JAAS_APP_ID/" });
    }
    if (env.JAAS_PRIVATE_KEY && !isRsaPrivateKey(env.JAAS_PRIVATE_KEY)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["JAAS_PRIVATE_KEY"], message: "must be an RSA private key in PEM" });
    }
    if (env.JAAS_APP_ID && env.JITSI_APP_ID) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["JAAS_APP_ID"],
        message: "cannot be set with JITSI_APP_ID (one kind of room token)",
      });
    }
    if (env.JAAS_APP_ID && !env.JITSI_DOMAIN) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["JAAS_APP_ID"], message: "needs JITSI_DOMAIN (8x8.vc)" });
    }
    if (env.JITSI_APP_ID && !env.JITSI_DOMAIN) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["JITSI_APP_ID"], message: "needs JITSI_DOMAIN" });
    }
    if (env.SUPABASE_SERVICE_ROLE_KEY && !env.SUPABASE_URL) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["SUPABASE_SERVICE_ROLE_KEY"], message: "needs SUPABASE_URL" });
    }
  });

export type Env = z.infer<typeof envSchema> & {
  /** Where links in emails point and which Origin mutations must carry. */
  publicUrl: string;
  allowedOrigins: string[];
  embedded: boolean;
  seedDemo: boolean;
  cookieSecure: boolean;
  /** Only where no SMTP is configured; the page answers to admins only. */
  devMailbox: boolean;
  contactEmail: string;
  /** The person in charge of personal information; title null: the role's name in the page's language. */
  privacyOfficer: PrivacyOfficer;
};

export interface PrivacyOfficer {
  name: string | null;
  title: string | null;
  email: string;
}

export class ConfigError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" (a blank line in an env file must not become a value).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  const embedded = !env.DATABASE_URL;
  const allowedOrigins = new Set([new URL(publicUrl).origin]);
  if (!env.PUBLIC_URL) {
    allowedOrigins.add(`http://127.0.0.1:${env.PORT}`);
  }
  for (const o of env.ALLOWED_ORIGINS?.split(",") ?? []) if (o.trim()) allowedOrigins.add(o.trim());
  return {
    ...env,
    publicUrl,
    allowedOrigins: [...allowedOrigins],
    embedded,
    // Demo accounts only ever land on the embedded default, or where asked for explicitly.
    seedDemo: env.SEED_DEMO ?? embedded,
    cookieSecure: env.COOKIE_SECURE ?? publicUrl.startsWith("https://"),
    devMailbox: !env.SMTP_URL && (env.DEV_MAILBOX ?? embedded),
    contactEmail: env.CONTACT_EMAIL ?? env.MAIL_FROM,
    privacyOfficer: {
      name: env.PRIVACY_OFFICER_NAME ?? null,
      title: env.PRIVACY_OFFICER_TITLE ?? null,
      email: env.PRIVACY_OFFICER_EMAIL ?? env.CONTACT_EMAIL ?? env.MAIL_FROM,
    },
  };
}
