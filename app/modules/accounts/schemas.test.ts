// The form schemas, property-based (fast-check) and table-driven: what must parse
// does, what must not fails on the right field with an i18n key, redirects stay on
// the site, and the limits are the database's CHECK constraints.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseWithZod } from "@conform-to/zod";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { MESSAGES } from "~/utils/i18n.server";
import quebec from "../../../supabase/data/quebec.json";
import { DISCIPLINES, ESTABLISHMENT_KINDS, LANGUAGES, PROFESSIONAL_ORDERS, REGIONS, TOPICS } from "./reference";
import {
  changeEmailSchema,
  changePasswordSchema,
  confirmEmailChangeSchema,
  forgotPasswordSchema,
  LIMITS,
  localeSchema,
  loginSchema,
  profileSchema,
  resetPasswordSchema,
  ROLES,
  rolesSchema,
  safeRedirect,
  signupSchema,
  verifySchema,
  vouchSchema,
} from "./schemas";

const RUNS = { numRuns: 300 };

// ── generators ──────────────────────────────────────────────────────────────────

const lower = "abcdefghijklmnopqrstuvwxyz";
const alnum = `${lower}0123456789`;
const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet.split("")), { minLength: min, maxLength: max }).map((a) => a.join(""));

/** Addresses real people type: dotted local part, sub-domains, a letters-only TLD. */
const emailArb = fc
  .tuple(
    fc.array(chars(alnum, 1, 12), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(".")),
    fc.constantFrom("", "+passerelle", "_x", "-y"),
    fc.array(chars(alnum, 1, 15), { minLength: 1, maxLength: 3 }),
    chars(lower, 2, 6),
    fc.boolean(),
  )
  .map(([local, tag, labels, tld, shout]) => {
    const address = `${local}${tag}@${labels.join(".")}.${tld}`;
    return shout ? ` ${address.toUpperCase()} ` : address;
  });

const passwordArb = fc.string({ minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax });
/** Trimmed length within the limits; inner spaces and accents welcome. */
const displayNameArb = fc
  .string({ minLength: LIMITS.displayNameMin, maxLength: LIMITS.displayName, unit: "grapheme" })
  .filter((s) => s.trim().length >= LIMITS.displayNameMin && s.trim().length <= LIMITS.displayName);
const code = (rows: Array<{ code: string }>) => fc.constantFrom(...rows.map((r) => r.code));
const permitArb = chars(`${alnum}ABCDEFGHIJKLMNOPQRSTUVWXYZ-`, 1, LIMITS.permitNumber);
const orderAndPermit: fc.Arbitrary<{ orderCode?: string; permitNumber?: string }> = fc.oneof(
  fc.constant({}),
  code(PROFESSIONAL_ORDERS).map((orderCode) => ({ orderCode })),
  fc.tuple(code(PROFESSIONAL_ORDERS), permitArb).map(([orderCode, permitNumber]) => ({ orderCode, permitNumber })),
);

const profileArb = fc
  .record({
    displayName: displayNameArb,
    discipline: code(DISCIPLINES),
    region: code(REGIONS),
    establishment: fc.option(fc.string({ maxLength: LIMITS.establishment }), { nil: undefined }),
    establishmentKind: fc.option(code(ESTABLISHMENT_KINDS), { nil: undefined }),
    languages: fc.subarray([...LANGUAGES], { minLength: 1, maxLength: LIMITS.languages }),
    topics: fc.subarray(
      TOPICS.map((t) => t.code),
      { maxLength: Math.min(LIMITS.topics, TOPICS.length) },
    ),
    directoryOptIn: fc.boolean(),
  })
  .chain((profile) => orderAndPermit.map((extra) => ({ ...profile, ...extra })));

const signupArb = fc
  .record({ email: emailArb, password: passwordArb, profile: profileArb })
  .map(({ email, password, profile }) => ({ email, password, ...profile, acceptTerms: true as const, acceptPrivacy: true as const }));

/** One generated value, reproducible. */
function one<T>(arb: fc.Arbitrary<T>, seed: number): T {
  const [value] = fc.sample(arb, { numRuns: 1, seed });
  if (value === undefined) throw new Error("no sample");
  return value;
}

/** What a browser would post for these values (checkboxes as "on", arrays repeated). */
function toFormData(values: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === false) continue;
    if (value === true) form.append(key, "on");
    else if (Array.isArray(value)) for (const v of value) form.append(key, String(v));
    else form.append(key, String(value));
  }
  return form;
}

/** The messages zod produced, by field path ("" for the form). */
function issuesOf(result: z.SafeParseReturnType<unknown, unknown>): Record<string, string[]> {
  if (result.success) return {};
  const out: Record<string, string[]> = {};
  for (const issue of result.error.issues) (out[issue.path.join(".")] ??= []).push(issue.message);
  return out;
}

// ── tests ───────────────────────────────────────────────────────────────────────

describe("signupSchema", () => {
  it("every valid generated sign-up parses, directly and as the form post conform reads", () => {
    fc.assert(
      fc.property(signupArb, (input) => {
        const direct = signupSchema.safeParse(input);
        expect(issuesOf(direct)).toEqual({});
        const submission = parseWithZod(toFormData(input), { schema: signupSchema });
        expect(submission.status).toBe("success");
        if (submission.status !== "success") return;
        // Addresses are stored trimmed and lower-cased: one account per person.
        expect(submission.value.email).toBe(input.email.trim().toLowerCase());
        expect(submission.value.displayName).toBe(input.displayName.trim());
        expect(submission.value.languages).toEqual(input.languages);
        expect(submission.value.acceptTerms).toBe(true);
        expect(submission.value.acceptPrivacy).toBe(true);
        expect(submission.value.directoryOptIn).toBe(input.directoryOptIn);
      }),
      RUNS,
    );
  });

  it("any email without '@' fails on email with errors.email", () => {
    fc.assert(
      fc.property(
        signupArb,
        fc.string({ maxLength: 300 }).filter((s) => !s.includes("@")),
        (input, email) => {
          const issues = issuesOf(signupSchema.safeParse({ ...input, email }));
          expect(issues.email).toContain("errors.email");
          expect(Object.keys(issues)).toEqual(["email"]);
        },
      ),
      RUNS,
    );
  });

  it.each([
    ["", "errors.email"],
    ["pas-une-adresse", "errors.email"],
    ["@example.ca", "errors.email"],
    ["julie@", "errors.email"],
    ["julie@example", "errors.email"],
    ["julie@@example.ca", "errors.email"],
    ["julie @example.ca", "errors.email"],
    [`${"a".repeat(250)}@example.ca`, "errors.too_long"],
  ])("email %j fails with %s", (email, key) => {
    const input = one(signupArb, 42);
    expect(issuesOf(signupSchema.safeParse({ ...input, email })).email).toContain(key);
  });

  it("passwords shorter than LIMITS.passwordMin fail with errors.password_short; longer than the max with too_long", () => {
    fc.assert(
      fc.property(signupArb, fc.string({ maxLength: LIMITS.passwordMin - 1 }), (input, password) => {
        expect(issuesOf(signupSchema.safeParse({ ...input, password }))).toEqual({ password: ["errors.password_short"] });
      }),
      RUNS,
    );
    fc.assert(
      fc.property(signupArb, fc.string({ minLength: LIMITS.passwordMax + 1, maxLength: LIMITS.passwordMax + 50 }), (input, password) => {
        expect(issuesOf(signupSchema.safeParse({ ...input, password }))).toEqual({ password: ["errors.too_long"] });
      }),
      { numRuns: 50 },
    );
  });

  it("password length boundaries", () => {
    const input = one(signupArb, 7);
    const at = (n: number) => issuesOf(signupSchema.safeParse({ ...input, password: "p".repeat(n) }));
    expect(at(LIMITS.passwordMin - 1)).toEqual({ password: ["errors.password_short"] });
    expect(at(LIMITS.passwordMin)).toEqual({});
    expect(at(LIMITS.passwordMax)).toEqual({});
    expect(at(LIMITS.passwordMax + 1)).toEqual({ password: ["errors.too_long"] });
    // Spaces count: a passphrase is not trimmed.
    expect(issuesOf(signupSchema.safeParse({ ...input, password: " ".repeat(LIMITS.passwordMin) }))).toEqual({});
  });

  it.each([
    ["", "errors.too_short"],
    ["a", "errors.too_short"],
    ["   a   ", "errors.too_short"],
    ["ab", null],
    [" ab ", null],
    ["x".repeat(LIMITS.displayName), null],
    [`  ${"x".repeat(LIMITS.displayName)}  `, null],
    ["x".repeat(LIMITS.displayName + 1), "errors.too_long"],
    ["É".repeat(LIMITS.displayName), null],
  ])("displayName of length %#: %j → %s", (displayName, key) => {
    const input = one(signupArb, 3);
    const issues = issuesOf(signupSchema.safeParse({ ...input, displayName }));
    expect(issues).toEqual(key ? { displayName: [key] } : {});
  });

  it("every region code of supabase/data/quebec.json passes; anything else fails with errors.choice", () => {
    const input = one(signupArb, 11);
    const regionCodes = quebec.regions.map((r) => r.code);
    expect(regionCodes).toHaveLength(18);
    for (const region of regionCodes) expect(issuesOf(signupSchema.safeParse({ ...input, region })), region).toEqual({});
    for (const region of ["99", "00", "19", "1", "001", " 01", "01 ", "", "06;drop"]) {
      expect(issuesOf(signupSchema.safeParse({ ...input, region })), region).toEqual({ region: ["errors.choice"] });
    }
    fc.assert(
      fc.property(
        fc.string().filter((s) => !regionCodes.includes(s)),
        (region) => {
          expect(issuesOf(signupSchema.safeParse({ ...input, region }))).toEqual({ region: ["errors.choice"] });
        },
      ),
      RUNS,
    );
  });

  it("a permit number needs its order; consents must each be given", () => {
    fc.assert(
      fc.property(signupArb, permitArb, (input, permitNumber) => {
        const { orderCode: _omit, ...withoutOrder } = { ...input, permitNumber };
        expect(issuesOf(signupSchema.safeParse(withoutOrder))).toEqual({ orderCode: ["errors.order_required"] });
        expect(issuesOf(signupSchema.safeParse({ ...input, acceptTerms: false }))).toEqual({ acceptTerms: ["errors.consent_terms"] });
        expect(issuesOf(signupSchema.safeParse({ ...input, acceptPrivacy: undefined }))).toEqual({
          acceptPrivacy: ["errors.consent_privacy"],
        });
      }),
      { numRuns: 100 },
    );
  });

  it("field sizes: languages 1..8 known codes, topics up to 30 known codes, texts within their limits", () => {
    const input = one(signupArb, 5);
    const check = (changes: Record<string, unknown>) => issuesOf(signupSchema.safeParse({ ...input, ...changes }));
    expect(check({ languages: [] })).toEqual({ languages: ["errors.languages_min"] });
    expect(check({ languages: Array(LIMITS.languages + 1).fill("fr") })).toEqual({ languages: ["errors.too_many"] });
    expect(check({ languages: ["xx"] })).toEqual({ "languages.0": ["errors.choice"] });
    expect(check({ topics: Array(LIMITS.topics + 1).fill(TOPICS[0]?.code) })).toEqual({ topics: ["errors.too_many"] });
    expect(check({ establishment: "x".repeat(LIMITS.establishment) })).toEqual({});
    expect(check({ establishment: "x".repeat(LIMITS.establishment + 1) })).toEqual({ establishment: ["errors.too_long"] });
    expect(check({ orderCode: "CMQ", permitNumber: "x".repeat(LIMITS.permitNumber) })).toEqual({});
    expect(check({ orderCode: "CMQ", permitNumber: "x".repeat(LIMITS.permitNumber + 1) })).toEqual({ permitNumber: ["errors.too_long"] });
    expect(check({ orderCode: "CMQ", permitNumber: "12 34" })).toEqual({ permitNumber: ["errors.permit_format"] });
  });
});

describe("profileSchema", () => {
  it("every valid generated profile parses; an unknown locale fails", () => {
    fc.assert(
      fc.property(
        profileArb,
        fc.constantFrom("fr-CA", "en-CA"),
        fc.option(fc.string({ maxLength: LIMITS.bio }), { nil: undefined }),
        (profile, locale, bio) => {
          expect(issuesOf(profileSchema.safeParse({ ...profile, locale, bio }))).toEqual({});
          expect(issuesOf(profileSchema.safeParse({ ...profile, locale: "de-DE", bio }))).toEqual({ locale: ["errors.choice"] });
        },
      ),
      RUNS,
    );
  });

  it("bio is capped at LIMITS.bio", () => {
    const profile = one(profileArb, 9);
    expect(issuesOf(profileSchema.safeParse({ ...profile, locale: "fr-CA", bio: "x".repeat(LIMITS.bio) }))).toEqual({});
    expect(issuesOf(profileSchema.safeParse({ ...profile, locale: "fr-CA", bio: "x".repeat(LIMITS.bio + 1) }))).toEqual({
      bio: ["errors.too_long"],
    });
  });
});

describe("other forms", () => {
  const uuid = "0b6c1c4e-7d8a-4c49-9f0e-3f2d1a5b6c7d";

  it("verify and vouch notes: LIMITS.noteMin..LIMITS.note characters after trimming", () => {
    for (const schema of [verifySchema, vouchSchema]) {
      const base = { userId: uuid, decision: "verified", method: "order_register" };
      const at = (note: string) => issuesOf(schema.safeParse({ ...base, note }));
      expect(at("x".repeat(LIMITS.noteMin - 1))).toEqual({ note: ["errors.note_required"] });
      expect(at(`  ${"x".repeat(LIMITS.noteMin - 1)}  `)).toEqual({ note: ["errors.note_required"] });
      expect(at("x".repeat(LIMITS.noteMin))).toEqual({});
      expect(at("x".repeat(LIMITS.note))).toEqual({});
      expect(at("x".repeat(LIMITS.note + 1))).toEqual({ note: ["errors.too_long"] });
      expect(issuesOf(schema.safeParse({ ...base, userId: "pas-un-uuid", note: "Vérifié." }))).toEqual({ userId: ["errors.invalid"] });
    }
    expect(issuesOf(verifySchema.safeParse({ userId: uuid, decision: "peut-etre", method: "order_register", note: "Vérifié." }))).toEqual({
      decision: ["errors.choice"],
    });
  });

  it("roles: only the known roles", () => {
    fc.assert(
      fc.property(fc.subarray([...ROLES]), (roles) => {
        expect(issuesOf(rolesSchema.safeParse({ userId: uuid, roles }))).toEqual({});
      }),
    );
    expect(issuesOf(rolesSchema.safeParse({ userId: uuid, roles: ["superuser"] }))).toEqual({ "roles.0": ["errors.choice"] });
    expect(issuesOf(rolesSchema.safeParse({ userId: uuid, roles: ["member"] }))).toEqual({ "roles.0": ["errors.choice"] });
  });

  it("reset: the confirmation must match", () => {
    fc.assert(
      fc.property(passwordArb, passwordArb, (password, confirm) => {
        const issues = issuesOf(resetPasswordSchema.safeParse({ token: "t".repeat(43), password, confirm }));
        expect(issues).toEqual(password === confirm ? {} : { confirm: ["errors.password_mismatch"] });
      }),
      RUNS,
    );
  });

  it("login keeps a same-site redirect and drops any other", () => {
    const parse = (redirectTo: string) => loginSchema.parse({ email: "a@example.ca", password: "x", redirectTo }).redirectTo;
    expect(parse("/members?region=09")).toBe("/members?region=09");
    expect(parse("//evil.example")).toBeUndefined();
    expect(parse("https://evil.example")).toBeUndefined();
  });
});

describe("safeRedirect", () => {
  const BASE = "https://passerelle.example";
  const hostileSeeds = [
    "//",
    "/\\",
    "\\\\",
    "https://",
    "http:",
    "javascript:",
    "data:text/html,",
    "/\t/",
    "/ /",
    " /",
    "\n/",
    "%2f%2f",
    "/%09/",
    "\\/",
  ];
  const candidate = fc.oneof(
    fc.string(),
    fc.webUrl(),
    fc.webPath(),
    fc.tuple(fc.constantFrom(...hostileSeeds), fc.oneof(fc.domain(), fc.webPath(), fc.string())).map(([a, b]) => a + b),
    fc.tuple(fc.constant("/"), fc.constantFrom(...hostileSeeds), fc.domain()).map((parts) => parts.join("")),
  );

  it("never returns a value starting with '//' or '/\\', carrying a scheme, or leaving the site", () => {
    fc.assert(
      fc.property(candidate, (value) => {
        const result = safeRedirect.parse(value);
        if (result === undefined) return;
        expect(result.startsWith("/")).toBe(true);
        expect(result.startsWith("//")).toBe(false);
        expect(result.startsWith("/\\")).toBe(false);
        expect(result).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
        expect(result).not.toMatch(/\s/);
        // Whatever a browser makes of it, it stays on our origin.
        expect(new URL(result, BASE).origin).toBe(BASE);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps ordinary same-site paths as they are, and never throws", () => {
    fc.assert(
      fc.property(
        fc.webPath().filter((p) => p.startsWith("/") && !p.startsWith("//")),
        fc.webQueryParameters(),
        (p, q) => {
          const value = q ? `${p}?${q}` : p;
          if (value.length > 500 || /\s|\\/.test(value) || value.startsWith("/\\")) return;
          expect(safeRedirect.parse(value)).toBe(value);
        },
      ),
      RUNS,
    );
    for (const odd of [undefined, null, 42, {}, [], `/${"a".repeat(600)}`]) expect(safeRedirect.parse(odd)).toBeUndefined();
  });
});

describe("error messages", () => {
  function hasKey(messages: unknown, key: string): boolean {
    let node: unknown = messages;
    for (const part of key.split(".")) {
      if (!node || typeof node !== "object" || !(part in node)) return false;
      node = (node as Record<string, unknown>)[part];
    }
    return typeof node === "string" && node.length > 0;
  }

  const junk = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.object({ maxDepth: 1 }),
    fc.constantFrom("on", "true", "fr", "01", "medecin", "CMQ", "password", "email"),
  );
  const schemas = {
    signup: signupSchema,
    profile: profileSchema,
    login: loginSchema,
    forgot: forgotPasswordSchema,
    reset: resetPasswordSchema,
    verify: verifySchema,
    vouch: vouchSchema,
    roles: rolesSchema,
    locale: localeSchema,
    changePassword: changePasswordSchema,
    changeEmail: changeEmailSchema,
    confirmEmailChange: confirmEmailChangeSchema,
  };
  const fields = [
    "email",
    "password",
    "displayName",
    "discipline",
    "region",
    "establishment",
    "establishmentKind",
    "orderCode",
    "permitNumber",
    "languages",
    "topics",
    "directoryOptIn",
    "acceptTerms",
    "acceptPrivacy",
    "bio",
    "locale",
    "redirectTo",
    "token",
    "confirm",
    "userId",
    "decision",
    "method",
    "note",
    "roles",
    "intent",
    "currentPassword",
    "newEmail",
  ];

  it("whatever arrives, every error is an errors.* key that both locales translate (never zod's English default)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(schemas)), fc.dictionary(fc.constantFrom(...fields), junk), (name, input) => {
        const result = schemas[name as keyof typeof schemas].safeParse(input);
        if (result.success) return;
        for (const issue of result.error.issues) {
          expect(issue.message, `${name}.${issue.path.join(".")}: ${JSON.stringify(input)}`).toMatch(/^errors\.[a-z_]+$/);
          expect(hasKey(MESSAGES["fr-CA"], issue.message), `fr-CA lacks ${issue.message}`).toBe(true);
          expect(hasKey(MESSAGES["en-CA"], issue.message), `en-CA lacks ${issue.message}`).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("limits match the database's CHECK constraints", () => {
  const migrations = fileURLToPath(new URL("../../../supabase/migrations", import.meta.url));
  const sqlText = ["20261123000001_foundation.sql"].map((f) => readFileSync(path.join(migrations, f), "utf8")).join("\n");
  const between = (column: string) => {
    const m = sqlText.match(new RegExp(`check \\(char_length\\(${column}\\) between (\\d+) and (\\d+)\\)`));
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  const atMost = (fn: string, column: string) => {
    const m = sqlText.match(new RegExp(`check \\(${fn}\\(${column}\\) <= (\\d+)\\)`));
    return m ? Number(m[1]) : null;
  };

  it.each([
    ["display_name", () => between("display_name"), [LIMITS.displayNameMin, LIMITS.displayName]],
    ["note", () => between("note"), [LIMITS.noteMin, LIMITS.note]],
    ["establishment", () => atMost("char_length", "establishment"), LIMITS.establishment],
    ["bio", () => atMost("char_length", "bio"), LIMITS.bio],
    ["permit_number", () => atMost("char_length", "permit_number"), LIMITS.permitNumber],
    ["contact_email", () => atMost("char_length", "contact_email"), LIMITS.email],
    ["topics", () => atMost("cardinality", "topics"), LIMITS.topics],
  ] as const)("%s", (_column, read, expected) => {
    expect(read()).toEqual(expected);
  });

  it("languages", () => {
    expect(sqlText).toContain(`check (cardinality(languages) between 1 and ${LIMITS.languages})`);
  });
});

describe("account security forms", () => {
  it("a password change needs the current password, a long enough new one, typed twice", () => {
    const ok = changePasswordSchema.safeParse({
      intent: "password",
      currentPassword: "x",
      password: "a".repeat(LIMITS.passwordMin),
      confirm: "a".repeat(LIMITS.passwordMin),
    });
    expect(ok.success).toBe(true);
    const bad = changePasswordSchema.safeParse({ intent: "password", currentPassword: "", password: "court", confirm: "autre" });
    expect(bad.success).toBe(false);
    const messages = bad.success ? [] : bad.error.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    expect(messages).toEqual(expect.arrayContaining(["currentPassword:errors.required", "password:errors.password_short"]));
  });

  it("an email change takes a valid address, lower-cased, with the current password", () => {
    const parsed = changeEmailSchema.safeParse({ intent: "email", currentPassword: "x", newEmail: " Julie.Bernier@Example.CA " });
    expect(parsed.success && parsed.data.newEmail).toBe("julie.bernier@example.ca");
    expect(changeEmailSchema.safeParse({ intent: "email", currentPassword: "x", newEmail: "pas-une-adresse" }).success).toBe(false);
  });
});
