// Configuration is parsed once at boot. A bad value stops the process with a
// message that names the variable (DESIGN.md rule 10); nothing reads process.env
// anywhere else.
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const optionalUrl = (protocols: string[]) =>
  z.string().url().refine((v) => protocols.some((p) => v.startsWith(p)), {
    message: `must start with ${protocols.join(" or ")}`,
  }).optional();

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    PUBLIC_URL: optionalUrl(["http://", "https://"]),
    ALLOWED_ORIGINS: z.string().optional(),
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
    DEV_MAILBOX: bool.optional(),
    JITSI_DOMAIN: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?$/i, "must be a host name").optional(),
    COOKIE_SECURE: bool.optional(),
    SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    /** Set by `remix dev --manual`; the server then tells it when a rebuild is live. */
    REMIX_DEV_ORIGIN: z.string().url().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Signs one-click links (e.g. unsubscribe). Unset: generated once and kept in DATA_DIR/app-secret. */
    APP_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.SUPABASE_URL) !== Boolean(env.SUPABASE_ANON_KEY)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [env.SUPABASE_URL ? "SUPABASE_ANON_KEY" : "SUPABASE_URL"],
        message: "SUPABASE_URL and SUPABASE_ANON_KEY go together",
      });
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
  devMailbox: boolean;
};

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
    devMailbox: env.DEV_MAILBOX ?? (embedded && !env.SMTP_URL),
  };
}
