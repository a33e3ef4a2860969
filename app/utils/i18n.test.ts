// The two locales are complete and consistent, every key the code names exists, and
// plurals and dates follow Intl (dates in America/Toronto whatever the machine's zone).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import libraryAndEvents from "../../supabase/data/library-and-events.json";
import { LANGUAGES } from "~/modules/accounts/reference";
import { ROLES } from "~/modules/accounts/schemas";
import { elide, formatDate, formatMessage, LOCALES, NAMESPACES, TIME_ZONE } from "./i18n";
import { messageSelection, SHELL_PICKS } from "./i18n-sections";
import { MESSAGES, messagesFor, translate } from "./i18n.server";

const root = fileURLToPath(new URL("../..", import.meta.url));
const appDir = path.join(root, "app");

/** key → string for every leaf. */
function flatten(node: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (node && typeof node === "object" && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, node);
  }
  return out;
}

// Every namespace, as the app mounts them (common at the root, one file per capability).
const fr = flatten(MESSAGES["fr-CA"]);
const en = flatten(MESSAGES["en-CA"]);
// `{de:name}` (French elision before a name) is the placeholder `name`.
const placeholders = (text: unknown) => new Set([...String(text).matchAll(/\{(?:[a-z]+:)?(\w+)\}/g)].map((m) => m[1]));

/** A key is usable if it is a leaf, or a plural family (key_one / key_other). */
const exists = (messages: Map<string, unknown>, key: string) =>
  typeof messages.get(key) === "string" ||
  (typeof messages.get(`${key}_one`) === "string" && typeof messages.get(`${key}_other`) === "string");
/** A prefix of a computed key (`status.${x}`) must name a group of messages. */
const isGroup = (messages: Map<string, unknown>, prefix: string) => [...messages.keys()].some((k) => k.startsWith(`${prefix}.`));

function sourceFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full, pattern));
    else if (pattern.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

describe("the locale files", () => {
  it("fr-CA and en-CA have exactly the same keys", () => {
    const onlyFr = [...fr.keys()].filter((k) => !en.has(k));
    const onlyEn = [...en.keys()].filter((k) => !fr.has(k));
    expect({ onlyFr, onlyEn }).toEqual({ onlyFr: [], onlyEn: [] });
    expect(fr.size).toBeGreaterThan(100);
  });

  it("every message is a non-empty string", () => {
    for (const [locale, messages] of [
      ["fr-CA", fr],
      ["en-CA", en],
    ] as const) {
      for (const [key, value] of messages) {
        expect(typeof value, `${locale} ${key}`).toBe("string");
        expect(String(value).trim(), `${locale} ${key} is empty`).not.toBe("");
      }
    }
  });

  it("every {placeholder} in a French message exists in the English one, and vice versa", () => {
    for (const [key, text] of fr) {
      expect([...placeholders(en.get(key))].sort(), key).toEqual([...placeholders(text)].sort());
    }
  });

  it("English is a translation, not a copy of the French (beyond proper names)", () => {
    const same = [...fr].filter(([k, v]) => en.get(k) === v && String(v).split(/\s+/).length > 3).map(([k]) => k);
    expect(same).toEqual([]);
  });

  it("MESSAGES exposes both locales", () => {
    expect(Object.keys(MESSAGES).sort()).toEqual([...LOCALES].sort());
  });
});

describe("keys the code names", () => {
  const tsx = sourceFiles(appDir, /\.tsx$/);
  const ts = sourceFiles(appDir, /\.tsx?$/);
  const read = (file: string) => readFileSync(file, "utf8");

  it('every literal t("…") / tx("…") / translate(locale, "…") / pageTitle(args, "…") key exists in both locales', () => {
    const literal =
      /\b(?:t|tx)\(\s*["']([^"'`]+)["']|\btranslate\(\s*[\w.]+\s*,\s*["']([^"'`]+)["']|\bpageTitle\(\s*\w+\s*,\s*["']([^"'`]+)["']/g;
    const found = new Map<string, string>();
    for (const file of ts) {
      for (const m of read(file).matchAll(literal)) {
        const key = m[1] ?? m[2] ?? m[3] ?? "";
        found.set(key, path.relative(root, file));
      }
    }
    // The scan does find the keys (a broken regex must not pass vacuously).
    expect(found.size).toBeGreaterThan(100);
    expect(found.has("login.title")).toBe(true);
    const missing = [...found].filter(([key]) => !exists(fr, key) || !exists(en, key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it("every computed key's prefix (tx(`status.${…}`)) names a group of messages", () => {
    const computed = /\b(?:t|tx|translate\(\s*[\w.]+\s*,)\(?\s*`([a-zA-Z_.]+)\.\$\{/g;
    const prefixes = new Set<string>();
    for (const file of tsx) for (const m of read(file).matchAll(computed)) prefixes.add(m[1] ?? "");
    expect(prefixes.size).toBeGreaterThan(5);
    for (const prefix of prefixes) {
      expect(isGroup(fr, prefix), `fr-CA ${prefix}.*`).toBe(true);
      expect(isGroup(en, prefix), `en-CA ${prefix}.*`).toBe(true);
    }
  });

  it("every errors.* key used in app code (schemas, services, routes) exists in both locales", () => {
    const schemas = read(path.join(appDir, "modules/accounts/schemas.ts"));
    const inSchemas = new Set([...schemas.matchAll(/["'](errors\.[a-z_]+)["']/g)].map((m) => m[1] ?? ""));
    expect(inSchemas.size).toBeGreaterThan(10);
    const everywhere = new Set(inSchemas);
    for (const file of ts) for (const m of read(file).matchAll(/["'`](errors\.[a-z_]+)["'`]/g)) everywhere.add(m[1] ?? "");
    const missing = [...everywhere].filter((key) => !exists(fr, key) || !exists(en, key));
    expect(missing).toEqual([]);
  });

  it("the values computed keys are built from all have a message", () => {
    const sql = readdirSync(path.join(root, "supabase/migrations"))
      .map((f) => readFileSync(path.join(root, "supabase/migrations", f), "utf8"))
      .join("\n");
    /** The value lists of `<column> text not null check (<column> in (…))`, one per table. */
    const checkLists = (column: string) =>
      [...sql.matchAll(new RegExp(`${column} text not null check \\(${column} in \\(([^)]*)\\)\\)`, "g"))].map((m) =>
        [...(m[1] ?? "").matchAll(/'([^']+)'/g)].map((x) => x[1] ?? ""),
      );
    const listWith = (column: string, member: string) => checkLists(column).find((list) => list.includes(member)) ?? [];
    const decisions = listWith("decision", "verified");
    const methods = listWith("method", "sponsor");
    const eventKinds = listWith("kind", "webinar");
    expect(decisions).toContain("revoked");
    expect(methods).toContain("order_register");
    expect(eventKinds).toContain("managers_meeting");
    const auditActions = [
      ...[...sql.matchAll(/insert into public\.audit_log[\s\S]*?values \([^,]+, '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1] ?? ""),
      ...decisions.map((d) => `member.${d}`),
    ];
    const keys = [
      ...["member", ...ROLES].map((r) => `roles.${r}`),
      ...["verified", "unverified"].map((s) => `status.${s}`),
      ...LANGUAGES.map((l) => `languages.${l}`),
      ...["terms", "privacy"].map((k) => `consentKinds.${k}`),
      ...decisions.map((d) => `admin.decisions.${d}`),
      ...methods.map((m) => `admin.methods.${m}`),
      ...eventKinds.map((k) => `eventKinds.${k}`),
      ...libraryAndEvents.tools.map((t) => `toolKinds.${t.kind}`),
      ...auditActions.map((a) => `audit.${a}`),
    ];
    const missing = keys.filter((key) => !exists(fr, key) || !exists(en, key));
    expect(missing).toEqual([]);
  });
});

describe("messages sent to the browser (only the page's, decision 003)", () => {
  const namespaced = new RegExp(`["'\`]((?:${NAMESPACES.join("|")})\\.[a-zA-Z_.]*)`, "g");

  /** A module and the app modules it imports, transitively (server modules never reach the browser). */
  function browserGraph(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) return seen;
    seen.add(file);
    // Static imports, and lazily imported UI (*.client modules, e.g. the editor); lazily
    // imported contracts (zod schemas of the live connection) show no text of their own.
    for (const m of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*(\(?)\s*["']([^"']+)["']/g)) {
      const spec = m[2] ?? "";
      if (m[1] && !spec.endsWith(".client")) continue;
      const base = spec.startsWith("~/")
        ? path.join(appDir, spec.slice(2))
        : spec.startsWith(".")
          ? path.resolve(path.dirname(file), spec)
          : null;
      if (!base) continue;
      const found = [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")].find((candidate) => {
        try {
          return statSync(candidate).isFile();
        } catch {
          return false;
        }
      });
      // i18n-sections.ts names keys to send, it shows none.
      if (found && !/\.server\.tsx?$/.test(found) && !found.endsWith("i18n-sections.ts")) browserGraph(found, seen);
    }
    return seen;
  }
  /** Namespaced keys (or key prefixes of computed keys) named in a module graph. */
  const keysIn = (files: Set<string>) =>
    new Set([...files].flatMap((f) => [...readFileSync(f, "utf8").matchAll(namespaced)].map((m) => (m[1] ?? "").replace(/\.$/, ""))));
  const covers = (picks: readonly string[], key: string) =>
    picks.some((p) => key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}_`));

  it("the header and footer (every page) use only common keys and the picked shell keys", () => {
    const keys = keysIn(browserGraph(path.join(appDir, "root.tsx")));
    expect(keys.has("forums.nav")).toBe(true);
    expect([...keys].filter((key) => !covers(SHELL_PICKS, key))).toEqual([]);
  });

  it("every route gets the namespaces of the keys it and its components name", () => {
    const routesDir = path.join(appDir, "routes");
    const missing: string[] = [];
    for (const name of readdirSync(routesDir)) {
      // The URL's first segment: `_index` is "/", a trailing `_` only opts out of nesting.
      const first = (name.split(".")[0] ?? "").replace(/_$/, "");
      const selection = messageSelection(`/${first === "_index" ? "" : first}`);
      for (const key of keysIn(browserGraph(path.join(routesDir, name)))) {
        const namespace = key.split(".")[0] ?? "";
        if (!(selection.namespaces as readonly string[]).includes(namespace) && !covers(selection.picks, key))
          missing.push(`${name}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("a page receives one language, common and its section's namespaces, nothing else", () => {
    const forums = messagesFor("en-CA", "/forums/t/1");
    expect(formatMessage(forums, "en-CA", "forums.title")).toBe(translate("en-CA", "forums.title"));
    expect(formatMessage(forums, "en-CA", "nav.home")).toBe(translate("en-CA", "nav.home"));
    expect(formatMessage(forums, "en-CA", "chat.nav")).toBe(translate("en-CA", "chat.nav"));
    expect(formatMessage(forums, "en-CA", "chat.unread", { count: 2 })).toBe(translate("en-CA", "chat.unread", { count: 2 }));
    expect(
      Object.keys(forums)
        .filter((k) => (NAMESPACES as readonly string[]).includes(k))
        .sort(),
    ).toEqual(["cases", "chat", "events", "forums", "mentoring", "tools"]);
    expect(Object.keys(forums.events ?? {})).toEqual(["nav"]);
    expect(Object.keys(forums.chat ?? {}).sort()).toEqual(["nav", "notificationCentre", "unread_one", "unread_other"]);
    expect(JSON.stringify(forums)).not.toContain(MESSAGES["fr-CA"].forums.topic.lockedNotice);
    // The full dictionaries stay where they are.
    expect(Object.keys(MESSAGES["en-CA"].chat).length).toBeGreaterThan(4);
    const home = JSON.stringify(messagesFor("fr-CA", "/"));
    expect(home.length).toBeLessThan(JSON.stringify(MESSAGES["fr-CA"]).length / 2);
  });
});

describe("translate", () => {
  it("plural helpers pick _one / _other by each language's rule (fr: 0 and 1 are one; en: only 1)", () => {
    const cases: Array<[count: number, fr: "one" | "other", en: "one" | "other"]> = [
      [0, "one", "other"],
      [1, "one", "one"],
      [1.5, "one", "other"],
      [2, "other", "other"],
      [21, "other", "other"],
    ];
    const fill = (locale: "fr-CA" | "en-CA", text: unknown, count: number) =>
      String(text).replace("{count}", new Intl.NumberFormat(locale).format(count));
    for (const key of ["members.count", "admin.pending"]) {
      expect(exists(fr, key), key).toBe(true);
      for (const [count, frForm, enForm] of cases) {
        expect(translate("fr-CA", key, { count }), `fr ${key} ${count}`).toBe(fill("fr-CA", fr.get(`${key}_${frForm}`), count));
        expect(translate("en-CA", key, { count }), `en ${key} ${count}`).toBe(fill("en-CA", en.get(`${key}_${enForm}`), count));
      }
    }
    // And the forms really differ, so the choice above is visible.
    expect(translate("fr-CA", "members.count", { count: 0 })).toBe("0 membre");
    expect(translate("fr-CA", "members.count", { count: 1 })).toBe("1 membre");
    expect(translate("fr-CA", "members.count", { count: 2 })).toBe("2 membres");
    expect(translate("en-CA", "members.count", { count: 0 })).toMatch(/^0 \w+s$/);
    expect(translate("en-CA", "members.count", { count: 1 })).toMatch(/^1 \w+[^s]$/);
  });

  it("numbers in messages are formatted for the language", () => {
    expect(translate("fr-CA", "members.count", { count: 1234 })).toBe(`${new Intl.NumberFormat("fr-CA").format(1234)} membres`);
    expect(translate("en-CA", "members.count", { count: 1234 })).toMatch(/^1,234 /);
  });

  it("fills placeholders, leaves unknown ones, and falls back to the key for a missing message", () => {
    expect(translate("fr-CA", "profile.verifiedOn", { date: "1 janvier 2026" })).toBe("Compte vérifié le 1 janvier 2026.");
    expect(translate("fr-CA", "profile.verifiedOn")).toContain("{date}");
    expect(translate("fr-CA", "cle.inexistante")).toBe("cle.inexistante");
    expect(translate("en-CA", "nav.signIn")).not.toBe(translate("fr-CA", "nav.signIn"));
  });
});

describe("French elision before a name", () => {
  it("elides de / que / le before a vowel or a mute h, and not before a consonant or y", () => {
    expect(elide("de", "Isabelle")).toBe("d'Isabelle");
    expect(elide("de", "Éloïse")).toBe("d'Éloïse");
    expect(elide("que", "Hélène")).toBe("qu'Hélène");
    expect(elide("le", "OIIQ")).toBe("l'OIIQ");
    expect(elide("de", "Marc-André")).toBe("de Marc-André");
    expect(elide("de", "Yves")).toBe("de Yves");
  });

  it("messages that take a name elide through {de:name}", () => {
    expect(translate("fr-CA", "forums.topic.liveRegion", { name: "Isabelle Gagnon" })).toBe("Nouvelle réponse d'Isabelle Gagnon");
    expect(translate("fr-CA", "forums.topic.liveRegion", { name: "Marc-André Lévesque" })).toBe("Nouvelle réponse de Marc-André Lévesque");
    expect(translate("fr-CA", "chat.notificationKinds.direct", { count: 1, actor: "Hélène" })).toBe("Nouveau message d'Hélène");
    expect(translate("en-CA", "forums.topic.liveRegion", { name: "Isabelle Gagnon" })).toBe("New reply from Isabelle Gagnon");
  });

  it("no French message puts de, que, le or la before a person's or a space's name without the elision helper", () => {
    const named =
      /\b(de|que|le|la|jusque|lorsque|puisque) \{(name|actor|author|space|presenter|sponsor|displayName|mentor|member|person)\}/i;
    expect([...fr].filter(([, text]) => named.test(String(text))).map(([key, text]) => `${key}: ${String(text)}`)).toEqual([]);
  });
});

describe("formatDate", () => {
  it("uses America/Toronto: 2026-01-01T03:00:00Z is still 31 December 2025", () => {
    expect(TIME_ZONE).toBe("America/Toronto");
    expect(formatDate("fr-CA", "2026-01-01T03:00:00Z")).toBe("31 décembre 2025");
    expect(formatDate("en-CA", "2026-01-01T03:00:00Z")).toBe("December 31, 2025");
    expect(formatDate("fr-CA", new Date("2026-01-01T05:00:00Z"))).toBe("1 janvier 2026");
    // Daylight saving time: 4 hours behind UTC in summer.
    expect(formatDate("fr-CA", "2026-07-01T03:59:00Z")).toBe("30 juin 2026");
    expect(formatDate("fr-CA", "2026-07-01T04:00:00Z")).toBe("1 juillet 2026");
    expect(formatDate("fr-CA", "2026-01-01T03:00:00Z", "datetime")).toMatch(/^31 décembre 2025 à 22 h 00$/);
    expect(formatDate("en-CA", "2026-01-01T03:00:00Z", "datetime")).toMatch(/^December 31, 2025 (at )?10:00\s?p\.m\.$/);
  });

  it("a calendar date (YYYY-MM-DD) shows that very day, whatever the machine's time zone", () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ["UTC", "America/Toronto", "America/Vancouver", "Pacific/Pago_Pago", "Asia/Tokyo", "Pacific/Kiritimati"]) {
        process.env.TZ = tz;
        expect(formatDate("fr-CA", "2026-01-01"), tz).toBe("1 janvier 2026");
        expect(formatDate("en-CA", "2026-12-31"), tz).toBe("December 31, 2026");
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("formatters are reused, and the styles never leak into each other", () => {
    expect(formatDate("fr-CA", "2024-03-15", "month")).toBe("mars 2024");
    expect(formatDate("en-CA", "2024-03-15", "month")).toBe("March 2024");
    expect(formatDate("fr-CA", "2024-03-15")).toBe("15 mars 2024");
    expect(formatDate("fr-CA", "2024-03-15", "month")).toBe("mars 2024");
    expect(formatMessage({ n: "{count} membres", n_one: "{count} membre" }, "fr-CA", "n", { count: 1200 })).toBe("1\u00a0200 membres");
    expect(formatMessage({ n: "{count} members", n_one: "{count} member" }, "en-CA", "n", { count: 1 })).toBe("1 member");
  });
});
