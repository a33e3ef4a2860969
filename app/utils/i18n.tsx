// French first: fr-CA is the source of truth for keys; en-CA must have exactly the
// same keys (checked at compile time in i18n.server.ts and by a unit test).
// Dates and numbers go through Intl in America/Toronto.
//
// The browser never bundles a dictionary (decision 003): the root loader sends the
// active language's messages the page needs (i18n.server.ts, namespaces by section in
// i18n-sections.ts) and this module only reads them. The JSON imports below are
// type-only, so they cost nothing in the client bundle — except the error page's few
// strings (a named JSON import, tree-shaken by esbuild), shown when the root loader
// itself failed and there is no dictionary to read.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import type frAttestations from "~/locales/fr-CA/attestations.json";
import type frCases from "~/locales/fr-CA/cases.json";
import type frChat from "~/locales/fr-CA/chat.json";
import type frCommon from "~/locales/fr-CA/common.json";
import type frForums from "~/locales/fr-CA/forums.json";
import type frMentoring from "~/locales/fr-CA/mentoring.json";
import type frMyPrivacy from "~/locales/fr-CA/myPrivacy.json";
import type frSite from "~/locales/fr-CA/site.json";
import type frTools from "~/locales/fr-CA/tools.json";
import type frEvents from "~/locales/fr-CA/events.json";
import type frEventsLive from "~/locales/fr-CA/eventsLive.json";
import type frVideo from "~/locales/fr-CA/video.json";
import { errorPage as enErrorPage } from "~/locales/en-CA/common.json";
import { errorPage as frErrorPage } from "~/locales/fr-CA/common.json";

export const LOCALES = ["fr-CA", "en-CA"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "fr-CA";
export const TIME_ZONE = "America/Toronto";
export const LOCALE_COOKIE = "passerelle_lang";

/** One file per capability (locales/<lang>/<namespace>.json), mounted under its name; common.json is at the root. */
export const NAMESPACES = [
  "attestations",
  "cases",
  "chat",
  "events",
  "eventsLive",
  "forums",
  "mentoring",
  "myPrivacy",
  "site",
  "tools",
  "video",
] as const;
export type Namespace = (typeof NAMESPACES)[number];

export type Messages = typeof frCommon & {
  attestations: typeof frAttestations;
  cases: typeof frCases;
  chat: typeof frChat;
  events: typeof frEvents;
  eventsLive: typeof frEventsLive;
  forums: typeof frForums;
  mentoring: typeof frMentoring;
  myPrivacy: typeof frMyPrivacy;
  site: typeof frSite;
  tools: typeof frTools;
  video: typeof frVideo;
};
/** The part of a language's messages a page received (a subset of Messages, same shape). */
export type Dictionary = { readonly [key: string]: string | Dictionary };

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;
export type Vars = Record<string, string | number>;

/** The language tag of a document's own text (a tool's or an event's title, a search hit): its language ("fr", "en", "bilingual"), French unless English. */
export function documentLang(language: string): Locale {
  return language === "en" ? "en-CA" : "fr-CA";
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

// A dictionary is made once per language and section and never changed, and a page looks
// up the same few dozen keys hundreds of times (a topic page: several per post), so each
// key's text is kept per dictionary instead of splitting the key and walking it each time.
const resolvedKeys = new WeakMap<Dictionary, Map<string, string | undefined>>();
const RESOLVED_KEYS_MAX = 5_000;

function lookup(messages: Dictionary, key: string): string | undefined {
  let known = resolvedKeys.get(messages);
  if (!known) {
    known = new Map();
    resolvedKeys.set(messages, known);
  }
  if (known.has(key)) return known.get(key);
  let node: string | Dictionary | undefined = messages;
  for (const part of key.split(".")) {
    if (node && typeof node === "object" && Object.hasOwn(node, part)) node = node[part];
    else {
      node = undefined;
      break;
    }
  }
  const text = typeof node === "string" ? node : undefined;
  // Keys come from the code (a few hundred); a bound keeps a key built from data from growing it.
  if (known.size < RESOLVED_KEYS_MAX) known.set(key, text);
  return text;
}

// Intl formatters are costly to build (locale data lookup) and cheap to reuse: a topic
// page formats dozens of dates and counts, so each kind is built once per locale/style
// (a CPU profile of the topic page showed them as its largest self time).
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** French words that elide before a vowel or a mute h: "de Isabelle" → "d'Isabelle". */
const ELIDING = ["de", "que", "le", "la", "jusque", "lorsque", "puisque"] as const;
const ELIDES_BEFORE = /^[aeiouàâäéèêëîïôöùûüœæh]/i;

/**
 * `word` followed by `next`, elided when French asks for it: "de" + "Isabelle" →
 * "d'Isabelle", "que" + "Hélène" → "qu'Hélène", "de" + "Marc" → "de Marc". An h is
 * taken as mute (as in nearly every first name); y as a consonant (Yves).
 */
export function elide(word: string, next: string): string {
  return ELIDES_BEFORE.test(next) ? `${word.slice(0, -1)}'${next}` : `${word} ${next}`;
}

const PLACEHOLDER = new RegExp(`\\{(?:(${ELIDING.join("|")}):)?(\\w+)\\}`, "g");

/**
 * Formats a key from a dictionary; `{name}` placeholders are filled from vars; `count`
 * picks `_one`/`_other`. A French message writes `{de:name}` (or que, le, la…) where the
 * word before a name must elide: "Nouveau message {de:actor}" → "Nouveau message d'Isabelle".
 */
export function formatMessage(messages: Dictionary, locale: Locale, key: string, vars?: Vars): string {
  let text: string | undefined;
  if (vars && typeof vars.count === "number") {
    const form = cached(`plural:${locale}`, () => new Intl.PluralRules(locale)).select(vars.count);
    text = lookup(messages, `${key}_${form}`) ?? lookup(messages, `${key}_other`);
  }
  text ??= lookup(messages, key) ?? key;
  if (!vars) return text;
  return text.replace(PLACEHOLDER, (whole, word: string | undefined, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    const shown = typeof value === "number" ? cached(`number:${locale}`, () => new Intl.NumberFormat(locale)).format(value) : value;
    return word ? elide(word, shown) : shown;
  });
}

/** The error page's messages, for when the root loader failed and sent no dictionary. */
export function fallbackMessages(locale: Locale): Dictionary {
  return { errorPage: locale === "en-CA" ? enErrorPage : frErrorPage };
}

export function formatDate(locale: Locale, value: Date | string, style: "long" | "short" | "datetime" | "month" = "long"): string {
  // A calendar date is noon UTC (07:00 or 08:00 in Toronto): the same day whatever
  // the time zone of the machine that renders it (server or browser).
  const date = typeof value === "string" ? new Date(value.length === 10 ? `${value}T12:00:00Z` : value) : value;
  const options: Intl.DateTimeFormatOptions =
    style === "datetime"
      ? { dateStyle: "long", timeStyle: "short", timeZone: TIME_ZONE }
      : style === "month"
        ? { month: "long", year: "numeric", timeZone: TIME_ZONE }
        : { dateStyle: style === "long" ? "long" : "medium", timeZone: TIME_ZONE };
  return cached(`date:${locale}:${style}`, () => new Intl.DateTimeFormat(locale, options)).format(date);
}

/** Picks the French or English label of a reference row (regions, disciplines, topics…). */
export function labelOf(locale: Locale, row: { name_fr: string; name_en?: string | null }): string {
  return locale === "en-CA" && row.name_en ? row.name_en : row.name_fr;
}

export interface I18nValue {
  locale: Locale;
  messages: Dictionary;
}
const I18nContext = createContext<I18nValue>({ locale: DEFAULT_LOCALE, messages: {} });

export function I18nProvider({ locale, messages, children }: I18nValue & { children: ReactNode }) {
  const value = useMemo(() => ({ locale, messages }), [locale, messages]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The language and messages in effect, to provide them again to a part rendered on its own (utils/markup-cache.tsx). */
export function useI18nSource(): I18nValue {
  return useContext(I18nContext);
}

export function useI18n() {
  const { locale, messages } = useContext(I18nContext);
  return useMemo(
    () => ({
      locale,
      t: (key: MessageKey, vars?: Vars) => formatMessage(messages, locale, key, vars),
      /** For keys computed at run time (error codes from a schema, enum values). */
      tx: (key: string, vars?: Vars) => formatMessage(messages, locale, key, vars),
      date: (value: Date | string, style?: "long" | "short" | "datetime" | "month") => formatDate(locale, value, style),
      label: (row: { name_fr: string; name_en?: string | null }) => labelOf(locale, row),
      /** Between a label and its value: French puts a non-breaking space before the colon, English none. */
      colon: locale === "fr-CA" ? "\u00a0: " : ": ",
      /** Opening and closing quotation marks: « … » with non-breaking spaces in French, “…” in English. */
      quotes: locale === "fr-CA" ? (["«\u00a0", "\u00a0»"] as const) : (["“", "”"] as const),
    }),
    [locale, messages],
  );
}
