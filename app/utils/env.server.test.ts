// Configuration parsed at boot: the defaults give a newcomer the embedded app with
// demo content and the dev mailbox; a real database never gets demo accounts unless
// asked; a bad value throws a ConfigError that names the variable.
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env.server";

function configError(source: Record<string, string | undefined>): ConfigError {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

const PG = "postgres://passerelle_app:secret@db.example:5432/passerelle";

describe("parseEnv defaults", () => {
  it("nothing set: embedded database, demo content, dev mailbox, port 3000 on localhost", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      embedded: true,
      seedDemo: true,
      devMailbox: true,
      PORT: 3000,
      NODE_ENV: "development",
      DATA_DIR: ".data",
      publicUrl: "http://localhost:3000",
      cookieSecure: false,
      SESSION_DAYS: 14,
      LOG_LEVEL: "info",
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.allowedOrigins.sort()).toEqual(["http://127.0.0.1:3000", "http://localhost:3000"]);
  });

  it("`npm start` sets NODE_ENV=production: still the embedded default with demo content", () => {
    expect(parseEnv({ NODE_ENV: "production" })).toMatchObject({ embedded: true, seedDemo: true, devMailbox: true });
  });

  it("PORT moves the public URL and the allowed origins with it", () => {
    const env = parseEnv({ PORT: "8080" });
    expect(env.PORT).toBe(8080);
    expect(env.publicUrl).toBe("http://localhost:8080");
    expect(env.allowedOrigins).toContain("http://localhost:8080");
    expect(env.allowedOrigins).not.toContain("http://localhost:3000");
  });

  it("empty strings mean unset (a blank line in an env file)", () => {
    const env = parseEnv({ DATABASE_URL: "", PORT: "", SEED_DEMO: "", SUPABASE_URL: "", SUPABASE_ANON_KEY: "" });
    expect(env).toMatchObject({ embedded: true, seedDemo: true, PORT: 3000 });
  });
});

describe("DATABASE_URL", () => {
  it("turns the embedded mode off, and with it demo content and the dev mailbox", () => {
    const env = parseEnv({ DATABASE_URL: PG });
    expect(env).toMatchObject({ embedded: false, seedDemo: false, devMailbox: false, DATABASE_URL: PG });
    expect(parseEnv({ DATABASE_URL: PG, NODE_ENV: "production" }).seedDemo).toBe(false);
    expect(parseEnv({ DATABASE_URL: "postgresql://u@localhost/db" }).embedded).toBe(false);
  });

  it("demo content only with SEED_DEMO=true (or 1), explicitly", () => {
    expect(parseEnv({ DATABASE_URL: PG, SEED_DEMO: "true" }).seedDemo).toBe(true);
    expect(parseEnv({ DATABASE_URL: PG, SEED_DEMO: "1" }).seedDemo).toBe(true);
    expect(parseEnv({ DATABASE_URL: PG, SEED_DEMO: "false" }).seedDemo).toBe(false);
    // And the embedded default can opt out.
    expect(parseEnv({ SEED_DEMO: "false" }).seedDemo).toBe(false);
    expect(parseEnv({ SEED_DEMO: "0" }).seedDemo).toBe(false);
  });

  it("SMTP_URL sends mail for real: no dev mailbox, and asking for one beside SMTP stops the boot", () => {
    expect(parseEnv({ SMTP_URL: "smtp://mail.example:587" }).devMailbox).toBe(false);
    expect(() => parseEnv({ SMTP_URL: "smtp://mail.example:587", DEV_MAILBOX: "true" })).toThrow(/DEV_MAILBOX/);
    expect(parseEnv({ SMTP_URL: "smtp://mail.example:587", DEV_MAILBOX: "false" }).devMailbox).toBe(false);
    expect(parseEnv({ DEV_MAILBOX: "false" }).devMailbox).toBe(false);
    expect(parseEnv({ DATABASE_URL: PG, DEV_MAILBOX: "true" }).devMailbox).toBe(true);
  });

  it("the contact address is CONTACT_EMAIL, else the sender address", () => {
    expect(parseEnv({ CONTACT_EMAIL: "equipe@passerelle.example", MAIL_FROM: "robot@passerelle.example" }).contactEmail).toBe(
      "equipe@passerelle.example",
    );
    expect(parseEnv({ MAIL_FROM: "robot@passerelle.example" }).contactEmail).toBe("robot@passerelle.example");
    expect(() => parseEnv({ CONTACT_EMAIL: "pas une adresse" })).toThrow(/CONTACT_EMAIL/);
  });

  it("the person in charge of personal information: as configured, else the role only at the contact address", () => {
    expect(parseEnv({ CONTACT_EMAIL: "equipe@passerelle.example" }).privacyOfficer).toEqual({
      name: null,
      title: null,
      email: "equipe@passerelle.example",
    });
    expect(
      parseEnv({
        PRIVACY_OFFICER_NAME: " Hélène Gagnon ",
        PRIVACY_OFFICER_TITLE: "Directrice générale",
        PRIVACY_OFFICER_EMAIL: "vie.privee@passerelle.example",
      }).privacyOfficer,
    ).toEqual({ name: "Hélène Gagnon", title: "Directrice générale", email: "vie.privee@passerelle.example" });
    expect(() => parseEnv({ PRIVACY_OFFICER_EMAIL: "personne" })).toThrow(/PRIVACY_OFFICER_EMAIL/);
    expect(() => parseEnv({ PRIVACY_OFFICER_NAME: "Hélène\nGagnon" })).toThrow(/PRIVACY_OFFICER_NAME/);
  });
});

describe("PUBLIC_URL and origins", () => {
  it("an https PUBLIC_URL makes cookies Secure and is the only origin (no loopback extras); a trailing slash is dropped", () => {
    const env = parseEnv({ PUBLIC_URL: "https://passerelle.example/" });
    expect(env.publicUrl).toBe("https://passerelle.example");
    expect(env.cookieSecure).toBe(true);
    expect(env.allowedOrigins).toEqual(["https://passerelle.example"]);
    expect(parseEnv({ PUBLIC_URL: "https://passerelle.example", COOKIE_SECURE: "false" }).cookieSecure).toBe(false);
  });

  it("ALLOWED_ORIGINS adds origins (comma-separated, blanks ignored)", () => {
    const env = parseEnv({ PUBLIC_URL: "https://passerelle.example", ALLOWED_ORIGINS: "https://a.example, https://b.example,," });
    expect(env.allowedOrigins.sort()).toEqual(["https://a.example", "https://b.example", "https://passerelle.example"]);
  });
});

describe("bad values stop the boot with a message naming the variable", () => {
  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "3000.5"],
    ["PORT", "80 80"],
    ["DATABASE_URL", "mysql://u@h/db"],
    ["DATABASE_URL", "pas une url"],
    ["DATABASE_URL", "localhost:5432"],
    ["MIGRATION_DATABASE_URL", "http://db.example"],
    ["PUBLIC_URL", "ftp://passerelle.example"],
    ["PUBLIC_URL", "passerelle.example"],
    ["SUPABASE_URL", "not-a-url"],
    ["REDIS_URL", "http://cache.example"],
    ["SMTP_URL", "mail.example:25"],
    ["MAIL_FROM", "passerelle"],
    ["SEED_DEMO", "yes"],
    ["DEV_MAILBOX", "oui"],
    ["COOKIE_SECURE", "maybe"],
    ["NODE_ENV", "staging"],
    ["LOG_LEVEL", "loud"],
    ["SESSION_DAYS", "0"],
    ["SESSION_DAYS", "365"],
    ["JITSI_DOMAIN", "https://meet.example"],
    ["TRUST_PROXY", "true"],
    ["TRUST_PROXY", "yes"],
    ["TRUST_PROXY", "11"],
    ["TRUST_PROXY", "-1"],
    ["TRUST_PROXY", "proxy.example"],
  ])("%s=%j", (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(name);
  });

  it("SUPABASE_URL without SUPABASE_ANON_KEY (and the reverse) names the missing one", () => {
    expect(configError({ SUPABASE_URL: "https://project.supabase.co" }).message).toContain("SUPABASE_ANON_KEY");
    expect(configError({ SUPABASE_ANON_KEY: "x".repeat(40) }).message).toContain("SUPABASE_URL");
    expect(configError({ SUPABASE_URL: "https://project.supabase.co", SUPABASE_ANON_KEY: "short" }).message).toContain("SUPABASE_ANON_KEY");
    expect(parseEnv({ SUPABASE_URL: "https://project.supabase.co", SUPABASE_ANON_KEY: "x".repeat(40) }).SUPABASE_URL).toBe(
      "https://project.supabase.co",
    );
  });

  it("8x8 JaaS: the AppID, key id and PEM key go together, the key id belongs to the AppID, and the key must be an RSA key", () => {
    const appId = "vpaas-magic-cookie-0123456789abcdef0123456789abcdef";
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const good = {
      JITSI_DOMAIN: "8x8.vc",
      JAAS_APP_ID: appId,
      JAAS_KEY_ID: `${appId}/4f4910`,
      JAAS_PRIVATE_KEY: pem.replaceAll("\n", "\\n"),
    };
    // One line in an env file, "\n" escaped: the key comes back as PEM.
    expect(parseEnv(good).JAAS_PRIVATE_KEY).toBe(pem);
    expect(configError({ ...good, JAAS_PRIVATE_KEY: undefined }).message).toContain("JAAS_APP_ID");
    expect(configError({ ...good, JAAS_KEY_ID: "vpaas-magic-cookie-ffffffffffffffffffffffffffffffff/4f4910" }).message).toContain(
      "JAAS_KEY_ID",
    );
    expect(
      configError({ ...good, JAAS_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\\nnot a key\\n-----END PRIVATE KEY-----" }).message,
    ).toContain("JAAS_PRIVATE_KEY");
    expect(configError({ ...good, JITSI_DOMAIN: undefined }).message).toContain("JITSI_DOMAIN");
    expect(configError({ ...good, JITSI_APP_ID: "passerelle", JITSI_APP_SECRET: "s".repeat(40) }).message).toContain("JAAS_APP_ID");
    expect(configError({ ...good, JAAS_APP_ID: "my-app" }).message).toContain("JAAS_APP_ID");
  });

  it("several bad values are all named at once, and a good one is not", () => {
    const message = configError({ PORT: "abc", DATABASE_URL: "mysql://x", LOG_LEVEL: "info" }).message;
    expect(message).toContain("PORT");
    expect(message).toContain("DATABASE_URL");
    expect(message).not.toContain("LOG_LEVEL");
  });

  it("the message does not echo secrets", () => {
    const message = configError({ DATABASE_URL: "mysql://admin:hunter2-secret@db.example/x" }).message;
    expect(message).not.toContain("hunter2-secret");
  });

  it("any PORT that is not an integer in 0..65535 is refused; any that is, is taken", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), (port) => {
        expect(parseEnv({ PORT: String(port) }).PORT).toBe(port);
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 65536 }).map(String),
          fc.integer({ max: -1 }).map(String),
          fc
            .double({ noNaN: true })
            .filter((n) => !Number.isInteger(n))
            .map(String),
          fc
            .string({ minLength: 1 })
            .filter((s) => s.trim() !== "" && !/^\s*[+-]?(\d+(\.0*)?|0x[0-9a-f]+|0b[01]+|0o[0-7]+|\.0+|\d+e\+?\d+)\s*$/i.test(s)),
        ),
        (port) => {
          expect(configError({ PORT: port }).message).toContain("PORT");
        },
      ),
    );
  });
});

describe("TRUST_PROXY: who may tell us the client's address", () => {
  it("trusts nobody by default, even behind an https PUBLIC_URL (X-Forwarded-For is then just a header)", () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
    expect(parseEnv({ PUBLIC_URL: "https://passerelle.example" }).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "false" }).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "0" }).TRUST_PROXY).toBe(false);
  });

  it("takes a hop count or a list of proxy addresses and subnets", () => {
    expect(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(parseEnv({ TRUST_PROXY: "loopback, 10.0.0.0/8,fd00::/8" }).TRUST_PROXY).toEqual(["loopback", "10.0.0.0/8", "fd00::/8"]);
  });
});

describe("retention", () => {
  it("is off unless set: unset, empty or 0 keeps everything", () => {
    expect(parseEnv({})).toMatchObject({ NOTIFICATION_RETENTION_DAYS: 0, CHAT_RETENTION_DAYS: 0 });
    expect(parseEnv({ NOTIFICATION_RETENTION_DAYS: "", CHAT_RETENTION_DAYS: "0" })).toMatchObject({
      NOTIFICATION_RETENTION_DAYS: 0,
      CHAT_RETENTION_DAYS: 0,
    });
    expect(parseEnv({ NOTIFICATION_RETENTION_DAYS: "90", CHAT_RETENTION_DAYS: "3650" })).toMatchObject({
      NOTIFICATION_RETENTION_DAYS: 90,
      CHAT_RETENTION_DAYS: 3650,
    });
  });

  it("a negative, fractional, too large or non-numeric number of days stops the boot naming the variable", () => {
    for (const name of ["NOTIFICATION_RETENTION_DAYS", "CHAT_RETENTION_DAYS"]) {
      for (const value of ["-1", "1.5", "3651", "trente", "30 days"]) {
        expect(configError({ [name]: value }).message).toMatch(new RegExp(`${name}: must be`));
      }
    }
  });
});
